/*
 * test_legacy.c - unit tests for the legacy binary Office extractors
 * (lib/extract/extract_ole.c, extract_doc.c, extract_ppt.c, extract_xls.c) and
 * RTF (extract_rtf.c): the fixtures LibreOffice wrote (tests/data/legacy,
 * see make-fixtures.sh) give their known words on the right slide, page or
 * sheet, with notes, headings and metadata; encrypted, truncated and
 * mislabelled files are refused with their reason; and compound files
 * built here around hand-made streams (libgsf's writer, as the fuzz
 * targets do) check the bounds: pieces outside the stream, edit chains
 * that loop, containers nested thousands deep, FILEPASS, EncryptionInfo.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../fuzz/olew.h"
#include "wsearch/extract.h"
#include "ws_testutil.h"
#include "util/text.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif
#define LEG(name) WS_TEST_DATA "/legacy/" name

static void check_meta(const ws_extracted *x, const char *title)
{
    assert_string_equal(x->title, title);
    assert_int_equal(x->nspeakers, 1);
    assert_string_equal(x->speakers[0], "Jonas Falk");
    assert_string_equal(x->description, "Altbestand für wsearch");
    assert_int_equal(x->ntags, 1);
    assert_string_equal(x->tags[0], "Nachbarschaft");
    assert_string_equal(x->date, "2008-03-11"); /* created, not last saved */
}

static void test_ppt(void **state)
{
    (void)state;
    ws_extracted *x = extract(LEG("alt-folien.ppt"));
    assert_int_equal(x->type, WS_DOC_PPT);
    check_meta(x, "Nachbarschaftstreff: Folien von 2008");
    assert_int_equal(x->npassages, 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_SLIDE);
        assert_int_equal(x->passages[i].number, i + 1);
    }
    /* the title placeholder is the heading and the first line */
    assert_string_equal(x->passages[0].heading, "Nachbarschaftstreff");
    assert_true(!strncmp(x->passages[0].text, "Nachbarschaftstreff\n", 20));
    assert_int_equal(only_in(x, "Bürgerbus")->number, 2);
    assert_int_equal(x->nlinks, 1); /* the link on slide 2 */
    assert_string_equal(x->links[0], "https://example.org/buergerbus");
    const ws_passage *p = only_in(x, "Holzwerkstatt");
    assert_int_equal(p->number, 3);
    /* the notes follow the slide's own text */
    assert_ptr_equal(only_in(x, "Schlüsselkasten"), p);
    assert_true(strstr(p->text, "Holzwerkstatt") < strstr(p->text, "Schlüsselkasten"));
    assert_int_equal(only_in(x, "Werkstattbericht")->number, 3);
    /* masters and the notes page's field placeholders are not text */
    assert_null(strstr(x->text, "Click to edit"));
    assert_null(strstr(x->text, "*"));
    ws_extracted_free(x);
}

/* The annual report of the legacy fixtures (alt-bericht.doc, .rtf) has
 * three pages, each under its heading, as its docx original does. */
static void check_report_pages(const ws_extracted *x)
{
    assert_int_equal(x->npassages, 3);
    static const char *const heads[] = {"Einleitung", "Grünflächen", "Ausblick"};
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_PAGE);
        assert_int_equal(x->passages[i].number, i + 1);
        assert_string_equal(x->passages[i].heading, heads[i]);
    }
    assert_int_equal(only_in(x, "Streuobstwiese")->number, 2);
    assert_int_equal(only_in(x, "Kranichzug")->number, 3);
}

static void test_doc(void **state)
{
    (void)state;
    ws_extracted *x = extract(LEG("alt-bericht.doc"));
    assert_int_equal(x->type, WS_DOC_DOC);
    check_meta(x, "Jahresbericht Quartiersarbeit 2007");
    assert_non_null(strstr(x->text, "Das Quartiersbüro blickt auf ein bewegtes Jahr zurück."));
    assert_non_null(strstr(x->text, "Die Streuobstwiese am Stadtrand"));
    assert_non_null(strstr(x->text, "Bäume\n37")); /* a table: one line per cell */
    /* headings (style "heading 1") and page breaks before paragraphs:
     * pages as in docx */
    check_report_pages(x);
    /* the hyperlink field: its result is text, its code a link */
    assert_non_null(strstr(x->text, "Mehr unter example.org."));
    assert_null(strstr(x->text, "HYPERLINK"));
    assert_int_equal(x->nlinks, 1);
    assert_string_equal(x->links[0], "https://example.org/quartier");
    ws_extracted_free(x);
}

static void test_xls(void **state)
{
    (void)state;
    ws_extracted *x = extract(LEG("alt-liste.xls"));
    assert_int_equal(x->type, WS_DOC_XLS);
    check_meta(x, "Listen des Quartiersbüros");
    assert_int_equal(x->npassages, 2);
    for (unsigned i = 0; i < 2; i++) { /* as xlsx and ods */
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_SHEET);
        assert_int_equal(x->passages[i].number, i + 1);
    }
    assert_string_equal(x->passages[0].heading, "Kurse");
    assert_string_equal(x->passages[1].heading, "Kontakte");
    assert_null(x->note);
    const ws_passage *p = only_in(x, "Fahrradreparatur");
    assert_ptr_equal(p, &x->passages[1]);
    /* a row is a line, its cells in order; numbers as their value */
    assert_non_null(strstr(p->text, "Fahrradreparatur | Frau Özdemir\n2.5 | Stunden"));
    /* a number in a date format is the date (1900 date system) */
    assert_non_null(strstr(p->text, "\nNächster Termin | 17.05.2008"));
    assert_non_null(strstr(x->passages[0].text, "Deutsch für Anfänger | 12"));
    ws_extracted_free(x);
}

static void test_rtf(void **state)
{
    (void)state;
    ws_extracted *x = extract(LEG("alt-bericht.rtf"));
    assert_int_equal(x->type, WS_DOC_RTF);
    check_meta(x, "Jahresbericht Quartiersarbeit 2007");
    /* \outlinelevel headings and \pagebb page breaks: pages as in docx */
    check_report_pages(x);
    assert_non_null(strstr(x->text, "Bäume\n37"));
    assert_null(strstr(x->text, "Times New Roman")); /* the font table */
    assert_int_equal(x->nlinks, 1);
    assert_string_equal(x->links[0], "https://example.org/quartier");
    ws_extracted_free(x);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static int run(ws_doctype t, const void *data, size_t len, ws_extracted **x, ws_error *err)
{
    *x = NULL;
    int rc = ws_extract_buffer(t, data, len, "t", NULL, x, err);
    if (rc == WS_OK) {
        assert_non_null(*x);
        assert_true(ws_utf8_valid((*x)->text, (*x)->text_len));
    } else {
        assert_null(*x);
    }
    return rc;
}

static void expect(ws_doctype t, const void *data, size_t len, int code, const char *why)
{
    ws_extracted *x;
    ws_error err;
    int rc = run(t, data, len, &x, &err);
    if (rc != code)
        fail_msg("expected %d (%s), got %d: %s", code, why, rc, rc ? err.msg : "ok");
    if (rc && !strstr(err.msg, why))
        fail_msg("message '%s' does not say '%s'", err.msg, why);
    ws_extracted_free(x);
}

static void expect_file(const char *path, int code, const char *why)
{
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, NULL, &x, &err);
    if (rc != code || !strstr(err.msg, why))
        fail_msg("%s: expected %d '%s', got %d '%s'", path, code, why, rc, rc ? err.msg : "");
    assert_null(x);
}

static void test_refused(void **state)
{
    (void)state;
    expect_file(LEG("hostile/geheim.doc"), WS_EUNSUPPORTED,
                "geheim.doc: encrypted (password-protected) Word document");
    expect_file(LEG("hostile/geheim.ppt"), WS_EUNSUPPORTED,
                "geheim.ppt: encrypted (password-protected) PowerPoint file");
    expect_file(LEG("hostile/abgeschnitten.ppt"), WS_EFORMAT, "damaged or truncated OLE container");
    size_t len = 0;
    char *ppt = slurp(LEG("alt-folien.ppt"), &len);
    expect(WS_DOC_DOC, ppt, len, WS_EFORMAT,
           "content is a PowerPoint file (ppt), not a doc (wrong extension?)");
    expect(WS_DOC_XLS, ppt, len, WS_EFORMAT, "content is a PowerPoint file (ppt), not a xls");
    expect(WS_DOC_PPT, ppt, 0, WS_EFORMAT, "empty file (0 bytes)");
    free(ppt);
    expect(WS_DOC_PPT, "PK\x03\x04zipzipzip", 13, WS_EFORMAT,
           "content is a zip container, not a ppt (wrong extension?)");
    expect(WS_DOC_DOC, "Hallo Welt, nur Text", 20, WS_EFORMAT,
           "not a doc (not an OLE compound file)");
    expect(WS_DOC_RTF, "Hallo", 5, WS_EFORMAT, "not an RTF document");
    /* Word saved RTF under a .doc name: read as RTF */
    char *rtf = slurp(LEG("alt-bericht.rtf"), &len);
    ws_extracted *x;
    ws_error err;
    assert_int_equal(run(WS_DOC_DOC, rtf, len, &x, &err), WS_OK);
    assert_int_equal(x->type, WS_DOC_DOC);
    assert_int_equal(only_in(x, "Kranichzug")->number, 3);
    ws_extracted_free(x);
    free(rtf);
}

/* ---- hand-made compound files ------------------------------------------------- */

typedef struct bytes {
    unsigned char *d;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->d = realloc(b->d, b->cap);
        assert_non_null(b->d);
    }
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put16(bytes *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    put(b, p, 2);
}

static void put32(bytes *b, uint32_t v)
{
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(b, p, 4);
}

static void set32(bytes *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->d[at + i] = (unsigned char)(v >> (8 * i));
}

/* A PowerPoint record header. */
static void rh(bytes *b, unsigned ver, unsigned type, uint32_t len)
{
    put16(b, ver);
    put16(b, type);
    put32(b, len);
}

static int build(const char *const *names, bytes *const *parts, size_t n, uint8_t **out,
                 size_t *len)
{
    const uint8_t *p[8];
    size_t l[8];
    for (size_t i = 0; i < n; i++) {
        p[i] = parts[i]->d ? parts[i]->d : (const uint8_t *)"";
        l[i] = parts[i]->n;
    }
    return olew_build(names, p, l, n, out, len);
}

static void expect_ole(ws_doctype t, const char *const *names, bytes *const *parts, size_t n,
                       int code, const char *why)
{
    uint8_t *ole = NULL;
    size_t len = 0;
    assert_int_equal(build(names, parts, n, &ole, &len), 0);
    expect(t, ole, len, code, why);
    free(ole);
}

static void test_encrypted_ole(void **state)
{
    (void)state;
    bytes junk = {0};
    put(&junk, "encrypted bytes", 15);
    const char *names[] = {"EncryptionInfo", "EncryptedPackage"};
    bytes *parts[] = {&junk, &junk};
    /* an encrypted docx/pptx is an OLE file: named .doc or .ppt it is
     * still reported as encrypted */
    expect_ole(WS_DOC_DOC, names, parts, 2, WS_EUNSUPPORTED,
               "encrypted (password-protected) Office file");
    expect_ole(WS_DOC_PPT, names, parts, 2, WS_EUNSUPPORTED, "encrypted (password-protected)");
    const char *n2[] = {"PowerPoint Document", "EncryptedSummary"};
    expect_ole(WS_DOC_PPT, n2, parts, 2, WS_EUNSUPPORTED, "encrypted (password-protected)");
    const char *n3[] = {"Something"};
    expect_ole(WS_DOC_DOC, n3, parts, 1, WS_EFORMAT,
               "not a doc: the OLE container has no WordDocument stream");
    free(junk.d);
}

/* A minimal Word 97 FIB: csw 14, cslw 22, cbRgFcLcb 93; the Clx at
 * fcClx/lcbClx in the table stream. */
static void fib(bytes *wd, uint16_t flags, uint32_t ccp_text, uint32_t fc_clx, uint32_t lcb_clx)
{
    put16(wd, 0xA5EC);
    put16(wd, 193);
    for (int i = 4; i < 0x0A; i++)
        put(wd, "", 1);
    put16(wd, flags);
    while (wd->n < 32)
        put(wd, "", 1);
    put16(wd, 14);
    for (int i = 0; i < 14; i++)
        put16(wd, 0);
    put16(wd, 22);
    for (int i = 0; i < 22; i++)
        put32(wd, i == 3 ? ccp_text : 0);
    put16(wd, 93);
    for (int i = 0; i < 93; i++) {
        put32(wd, i == 33 ? fc_clx : 0);
        put32(wd, i == 33 ? lcb_clx : 0);
    }
}

static void test_doc_bounds(void **state)
{
    (void)state;
    const char *names[] = {"WordDocument", "0Table"};
    /* one compressed piece of 15 characters at byte 1024 */
    for (int bad = 0; bad < 3; bad++) {
        bytes wd = {0}, tbl = {0};
        fib(&wd, bad == 2 ? 0x0100 : 0, 15, 0, 21);
        while (wd.n < 1024)
            put(&wd, "", 1);
        put(&wd, "Hallo\x13 X \x14Welt\x15", bad == 1 ? 5 : 15);
        put(&tbl, "\x02", 1);
        put32(&tbl, 16);
        put32(&tbl, 0);
        put32(&tbl, 15 + (bad == 1 ? 100 : 0));
        put16(&tbl, 0);
        put32(&tbl, 0x40000000u | 2048); /* compressed: byte 1024 */
        put16(&tbl, 0);
        bytes *parts[] = {&wd, &tbl};
        if (bad == 0) {
            uint8_t *ole = NULL;
            size_t len = 0;
            assert_int_equal(build(names, parts, 2, &ole, &len), 0);
            ws_extracted *x;
            ws_error err;
            assert_int_equal(run(WS_DOC_DOC, ole, len, &x, &err), WS_OK);
            assert_string_equal(x->text, "HalloWelt"); /* the field's code is not text */
            ws_extracted_free(x);
            free(ole);
        } else if (bad == 1) { /* the piece runs past the stream */
            expect_ole(WS_DOC_DOC, names, parts, 2, WS_EFORMAT,
                       "damaged Word document (piece outside the WordDocument stream)");
        } else {
            expect_ole(WS_DOC_DOC, names, parts, 2, WS_EUNSUPPORTED,
                       "encrypted (password-protected) Word document");
        }
        free(wd.d);
        free(tbl.d);
    }
    bytes wd = {0}, tbl = {0};
    fib(&wd, 0, 5, 100, 21); /* Clx past the table stream */
    put(&tbl, "x", 1);
    bytes *parts[] = {&wd, &tbl};
    expect_ole(WS_DOC_DOC, names, parts, 2, WS_EFORMAT, "damaged Word document (no piece table)");
    expect_ole(WS_DOC_DOC, names, parts, 1, WS_EFORMAT, "no 0Table stream");
    free(wd.d);
    free(tbl.d);
}

/* Word 6/95: no piece table unless fast-saved; the text is one 8-bit run
 * from fcMin to fcMac. */
static void test_word6(void **state)
{
    (void)state;
    const char *names[] = {"WordDocument"};
    for (int fast = 0; fast < 2; fast++) {
        bytes wd = {0};
        static const char text[] = "Gr\xFC\xDF"
                                   "e aus Word 6\rZweiter Absatz\r";
        put16(&wd, 0xA5EC);
        put16(&wd, 104); /* nFib of Word 6 */
        while (wd.n < 0x0A)
            put(&wd, "", 1);
        put16(&wd, fast ? 0x0004 : 0); /* fComplex: fast-saved */
        while (wd.n < 0x18)
            put(&wd, "", 1);
        put32(&wd, 512);
        put32(&wd, 512 + sizeof text - 1);
        while (wd.n < 512)
            put(&wd, "", 1);
        put(&wd, text, sizeof text - 1);
        bytes *parts[] = {&wd};
        if (fast) {
            expect_ole(WS_DOC_DOC, names, parts, 1, WS_EUNSUPPORTED,
                       "fast-saved Word 6/95 document, not supported");
        } else {
            uint8_t *ole = NULL;
            size_t len = 0;
            assert_int_equal(build(names, parts, 1, &ole, &len), 0);
            ws_extracted *x;
            ws_error err;
            assert_int_equal(run(WS_DOC_DOC, ole, len, &x, &err), WS_OK);
            assert_string_equal(x->text, "Grüße aus Word 6\n\nZweiter Absatz");
            ws_extracted_free(x);
            free(ole);
        }
        free(wd.d);
    }
}

/* Current User pointing at offset edit, with the given header token. */
static void current_user(bytes *cu, uint32_t token, uint32_t edit)
{
    rh(cu, 0, 0x0FF6, 20);
    put32(cu, 20);
    put32(cu, token);
    put32(cu, edit);
    put32(cu, 0);
    put32(cu, 0);
}

static void test_ppt_bounds(void **state)
{
    (void)state;
    const char *names[] = {"PowerPoint Document", "Current User"};
    /* A slide container nested 5000 deep around a text atom, then a text
     * atom at the top of the slide; an edit chain that points at itself. */
    bytes d = {0}, cu = {0};
    size_t depth = 5000;
    rh(&d, 0xF, 0x03EE, 0); /* the slide; length patched below */
    for (size_t i = 0; i < depth; i++)
        rh(&d, 0xF, 0xF003, 0);
    rh(&d, 0, 0x0FA8, 4);
    put(&d, "tief", 4);
    for (size_t i = 0; i < depth; i++) /* each container holds what follows it */
        set32(&d, 8 + 8 * i + 4, (uint32_t)(d.n - (8 + 8 * i + 8)));
    rh(&d, 0, 0x0FA8, 5);
    put(&d, "flach", 5);
    set32(&d, 4, (uint32_t)(d.n - 8));
    size_t edit = d.n;
    rh(&d, 0, 0x0FF5, 28);
    put32(&d, 0);
    put32(&d, 0);
    put32(&d, (uint32_t)edit); /* offsetLastEdit: itself */
    put32(&d, (uint32_t)edit); /* offsetPersistDirectory: not a directory */
    for (int i = 0; i < 3; i++)
        put32(&d, 0);
    current_user(&cu, 0xE391C05Fu, (uint32_t)edit);
    bytes *parts[] = {&d, &cu};
    uint8_t *ole = NULL;
    size_t len = 0;
    assert_int_equal(build(names, parts, 2, &ole, &len), 0);
    ws_extracted *x;
    ws_error err;
    assert_int_equal(run(WS_DOC_PPT, ole, len, &x, &err), WS_OK);
    /* the damaged chain falls back to the slides in stream order; what
     * lies deeper than the nesting limit is not read */
    assert_int_equal(x->npassages, 1);
    assert_int_equal(x->passages[0].number, 1);
    assert_string_equal(x->passages[0].text, "flach");
    ws_extracted_free(x);
    free(ole);

    /* a record longer than the stream: nothing read, a clear error */
    bytes g = {0};
    rh(&g, 0xF, 0x03EE, 1000000);
    bytes *gp[] = {&g, &cu};
    expect_ole(WS_DOC_PPT, names, gp, 2, WS_EFORMAT, "damaged PowerPoint file");
    /* the encrypted header token */
    bytes cu2 = {0};
    current_user(&cu2, 0xF3D1C4DFu, 0);
    bytes *ep[] = {&d, &cu2};
    expect_ole(WS_DOC_PPT, names, ep, 2, WS_EUNSUPPORTED,
               "encrypted (password-protected) PowerPoint file");
    free(d.d);
    free(cu.d);
    free(cu2.d);
    free(g.d);
}

/* A record whose length is patched in when it is closed. */
static size_t open_rec(bytes *b, unsigned ver, unsigned type)
{
    size_t at = b->n;
    rh(b, ver, type, 0);
    return at;
}

static void close_rec(bytes *b, size_t at)
{
    set32(b, at + 4, (uint32_t)(b->n - at - 8));
}

static void atom(bytes *b, unsigned type, const void *body, size_t n)
{
    rh(b, 0, type, (uint32_t)n);
    put(b, body, n);
}

static void text_header(bytes *b, uint32_t type)
{
    rh(b, 0, 0x0F9F, 4);
    put32(b, type);
}

static void chars16(bytes *b, const char *ascii)
{
    size_t n = strlen(ascii);
    rh(b, 0, 0x0FA0, (uint32_t)(2 * n));
    for (size_t i = 0; i < n; i++)
        put16(b, (unsigned char)ascii[i]);
}

/* How PowerPoint itself stores a deck: placeholder text in the slide list
 * (referenced from the shape by an OutlineTextRefAtom), other text in the
 * shapes, notes on a notes page with a slide-image placeholder, and an
 * older edit whose version of the slide must not be read. */
static void test_ppt_persist(void **state)
{
    (void)state;
    bytes d = {0}, cu = {0};
    size_t doc = open_rec(&d, 0xF, 0x03E8);
    size_t list = open_rec(&d, 0xF, 0x0FF0);
    rh(&d, 0, 0x03F3, 20);
    put32(&d, 2); /* persistIdRef */
    put32(&d, 0);
    put32(&d, 2);
    put32(&d, 256); /* slideId */
    put32(&d, 0);
    text_header(&d, 0); /* title */
    chars16(&d, "Titel aus der Liste");
    text_header(&d, 1); /* body */
    atom(&d, 0x0FA8, "Rumpf", 5);
    close_rec(&d, list);
    size_t nlist = open_rec(&d, 0xF | 2 << 4, 0x0FF0); /* instance 2: notes */
    rh(&d, 0, 0x03F3, 20);
    put32(&d, 3);
    put32(&d, 0);
    put32(&d, 0);
    put32(&d, 300); /* notesId */
    put32(&d, 0);
    close_rec(&d, nlist);
    close_rec(&d, doc);

    size_t stale = open_rec(&d, 0xF, 0x03EE); /* the slide as an older save had it */
    atom(&d, 0x0FA8, "Veraltet", 8);
    close_rec(&d, stale);
    size_t olddir = d.n;
    rh(&d, 0, 0x1772, 8);
    put32(&d, 2 | 1u << 20);
    put32(&d, (uint32_t)stale);
    size_t oldedit = d.n;
    rh(&d, 0, 0x0FF5, 28);
    put32(&d, 0);
    put32(&d, 0);
    put32(&d, 0); /* no edit before it */
    put32(&d, (uint32_t)olddir);
    put32(&d, 1);
    put32(&d, 4);
    put32(&d, 0);

    size_t slide = open_rec(&d, 0xF, 0x03EE);
    rh(&d, 2, 0x03EF, 24);
    for (int i = 0; i < 4; i++)
        put32(&d, 0);
    put32(&d, 300); /* notesIdRef */
    put32(&d, 0);
    size_t dg = open_rec(&d, 0xF, 0xF002);
    size_t sp = open_rec(&d, 0xF, 0xF004);
    size_t tb = open_rec(&d, 0xF, 0xF00D);
    atom(&d, 0x0F9E, "\0\0\0\0", 4); /* OutlineTextRefAtom: text 0 of the list */
    close_rec(&d, tb);
    close_rec(&d, sp);
    sp = open_rec(&d, 0xF, 0xF004);
    tb = open_rec(&d, 0xF, 0xF00D);
    text_header(&d, 4);
    atom(&d, 0x0FA8, "Kasten", 6);
    close_rec(&d, tb);
    close_rec(&d, sp);
    close_rec(&d, dg);
    close_rec(&d, slide);

    size_t notes = open_rec(&d, 0xF, 0x03F0);
    sp = open_rec(&d, 0xF, 0xF004);
    size_t cd = open_rec(&d, 0xF, 0xF011);
    atom(&d, 0x0BC3, "\0\0\0\0\x0B\0\0\0", 8); /* placeholder: the slide image */
    close_rec(&d, cd);
    atom(&d, 0x0FA8, "Bildplatzhalter", 15);
    close_rec(&d, sp);
    sp = open_rec(&d, 0xF, 0xF004);
    text_header(&d, 2);
    atom(&d, 0x0FA8, "Notiz", 5);
    close_rec(&d, sp);
    close_rec(&d, notes);

    size_t dir = d.n;
    rh(&d, 0, 0x1772, 16);
    put32(&d, 1 | 3u << 20); /* ids 1-3 */
    put32(&d, (uint32_t)doc);
    put32(&d, (uint32_t)slide);
    put32(&d, (uint32_t)notes);
    size_t edit = d.n;
    rh(&d, 0, 0x0FF5, 28);
    put32(&d, 0);
    put32(&d, 0);
    put32(&d, (uint32_t)oldedit);
    put32(&d, (uint32_t)dir);
    put32(&d, 1); /* docPersistIdRef */
    put32(&d, 4);
    put32(&d, 0);
    current_user(&cu, 0xE391C05Fu, (uint32_t)edit);

    const char *names[] = {"PowerPoint Document", "Current User"};
    bytes *parts[] = {&d, &cu};
    uint8_t *ole = NULL;
    size_t len = 0;
    assert_int_equal(build(names, parts, 2, &ole, &len), 0);
    ws_extracted *x;
    ws_error err;
    assert_int_equal(run(WS_DOC_PPT, ole, len, &x, &err), WS_OK);
    assert_int_equal(x->npassages, 1);
    assert_int_equal(x->passages[0].kind, WS_PASSAGE_SLIDE);
    assert_int_equal(x->passages[0].number, 1);
    assert_string_equal(x->passages[0].heading, "Titel aus der Liste");
    assert_string_equal(x->passages[0].text, "Titel aus der Liste\n\nRumpf\n\nKasten\n\nNotiz");
    assert_string_equal(x->title, "Titel aus der Liste"); /* no metadata: the first title */
    ws_extracted_free(x);
    free(ole);
    free(d.d);
    free(cu.d);
}

static void biff(bytes *b, unsigned type, const void *body, size_t n)
{
    put16(b, type);
    put16(b, (unsigned)n);
    put(b, body, n);
}

static void test_xls_bounds(void **state)
{
    (void)state;
    const char *names[] = {"Workbook"};
    bytes w = {0};
    biff(&w, 0x0809, "\x00\x06\x05\x00", 4);
    biff(&w, 0x002F, "\x01\x00", 2); /* FILEPASS */
    biff(&w, 0x000A, "", 0);
    bytes *parts[] = {&w};
    expect_ole(WS_DOC_XLS, names, parts, 1, WS_EUNSUPPORTED,
               "encrypted (password-protected) Excel workbook");
    /* a sheet whose offset lies past the stream, and an SST whose count
     * promises more strings than there are; BIFF5 refused by version */
    bytes v = {0};
    biff(&v, 0x0809, "\x00\x06\x05\x00", 4);
    biff(&v, 0x0085,
         "\xff\xff\xff\x00\x00\x00\x02\x00"
         "ab",
         10);
    biff(&v, 0x00FC, "\x05\x00\x00\x00\xff\xff\xff\x7f\x02\x00\x00hi", 13);
    biff(&v, 0x000A, "", 0);
    bytes *vp[] = {&v};
    uint8_t *ole = NULL;
    size_t len = 0;
    assert_int_equal(build(names, vp, 1, &ole, &len), 0);
    ws_extracted *x;
    ws_error err;
    assert_int_equal(run(WS_DOC_XLS, ole, len, &x, &err), WS_OK);
    assert_int_equal(x->npassages, 0);
    ws_extracted_free(x);
    free(ole);
    bytes o = {0};
    biff(&o, 0x0809, "\x00\x05\x05\x00", 4);
    bytes *op[] = {&o};
    expect_ole(WS_DOC_XLS, names, op, 1, WS_EUNSUPPORTED, "older than Excel 97");
    free(w.d);
    free(v.d);
    free(o.d);
}

static void test_rtf_bounds(void **state)
{
    (void)state;
    ws_extracted *x;
    ws_error err;
    /* nesting far past max_depth: the deep text is skipped, no crash */
    size_t n = 200000;
    char *deep = malloc(2 * n + 64);
    assert_non_null(deep);
    size_t k = (size_t)sprintf(deep, "{\\rtf1 oben ");
    memset(deep + k, '{', n);
    k += n;
    k += (size_t)sprintf(deep + k, "tief");
    memset(deep + k, '}', n);
    k += n;
    k += (size_t)sprintf(deep + k, " unten}");
    assert_int_equal(run(WS_DOC_RTF, deep, k, &x, &err), WS_OK);
    assert_string_equal(x->text, "oben unten");
    ws_extracted_free(x);
    free(deep);
    /* \bin past the end, \u with its fallback, bad hex, a lone surrogate,
     * an unknown optional destination, text after the outermost group */
    static const char s[] = "{\\rtf1\\ansi Gr\\u252?n \\'zz\\u-10240?x{\\*\\unbekannt geheim} "
                            "\\'e4}danach";
    assert_int_equal(run(WS_DOC_RTF, s, sizeof s - 1, &x, &err), WS_OK);
    assert_string_equal(x->text, "Grün zzx ä"); /* the lone surrogate dropped */
    ws_extracted_free(x);
    static const char b[] = "{\\rtf1 vor \\bin999999999 nach}";
    assert_int_equal(run(WS_DOC_RTF, b, sizeof b - 1, &x, &err), WS_OK);
    assert_string_equal(x->text, "vor");
    ws_extracted_free(x);
    /* a code page other than 1252 */
    static const char c[] = "{\\rtf1\\ansi\\ansicpg1251 \\'cc\\'e8\\'f0}";
    assert_int_equal(run(WS_DOC_RTF, c, sizeof c - 1, &x, &err), WS_OK);
    assert_string_equal(x->text, "Мир");
    ws_extracted_free(x);
}

static void test_types(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        ws_doctype t;
        const char *name;
    } v[] = {{"a.doc", WS_DOC_DOC, "doc"}, {"a.DOT", WS_DOC_DOC, "doc"},
             {"a.ppt", WS_DOC_PPT, "ppt"}, {"show.pps", WS_DOC_PPT, "ppt"},
             {"a.pot", WS_DOC_PPT, "ppt"}, {"a.xls", WS_DOC_XLS, "xls"},
             {"a.xlt", WS_DOC_XLS, "xls"}, {"a.Rtf", WS_DOC_RTF, "rtf"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_int_equal(ws_doctype_from_path(v[i].path), v[i].t);
        assert_string_equal(ws_doctype_name(v[i].t), v[i].name);
        assert_int_equal(ws_doctype_from_name(v[i].name), v[i].t);
    }
}

static void test_max_text(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 30;
    static const char *const files[] = {LEG("alt-folien.ppt"), LEG("alt-bericht.doc"),
                                        LEG("alt-liste.xls"), LEG("alt-bericht.rtf")};
    for (size_t i = 0; i < 4; i++) {
        ws_extracted *x = NULL;
        ws_error err;
        assert_int_equal(ws_extract_file(files[i], &o, &x, &err), WS_OK);
        assert_true(x->text_len <= 30);
        assert_true(ws_utf8_valid(x->text, x->text_len));
        ws_extracted_free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ppt),         cmocka_unit_test(test_doc),
        cmocka_unit_test(test_xls),         cmocka_unit_test(test_rtf),
        cmocka_unit_test(test_refused),     cmocka_unit_test(test_encrypted_ole),
        cmocka_unit_test(test_doc_bounds),  cmocka_unit_test(test_ppt_bounds),
        cmocka_unit_test(test_ppt_persist), cmocka_unit_test(test_xls_bounds),
        cmocka_unit_test(test_rtf_bounds),  cmocka_unit_test(test_max_text),
        cmocka_unit_test(test_types),       cmocka_unit_test(test_word6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
