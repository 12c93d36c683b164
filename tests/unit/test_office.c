/*
 * test_office.c - unit tests for the presentation and document extractors
 * (lib/extract/extract_pdf.c, extract_ooxml.c, extract_odf.c, zipx.c) on the
 * fixtures LibreOffice wrote (tests/data/docs, see make-fixtures.sh):
 * slides and pages in order with the known words where they belong,
 * notes, headings, tables, metadata; every hostile fixture refused with
 * its reason; zip-internal path resolution; and the worker record codec
 * (lib/index/pool.c) against truncated and mutated input.
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

#include "index/pool.h"
#include "wsearch/extract.h"
#include "util/text.h"
#include "extract/zipx.h"
#include "ws_testutil.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif
#define DOC(name) WS_TEST_DATA "/docs/" name

static void check_deck(const char *path, int notes)
{
    ws_extracted *x = extract(path);
    assert_int_equal(x->npassages, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, notes ? WS_PASSAGE_SLIDE : WS_PASSAGE_PAGE);
        assert_int_equal(x->passages[i].number, i + 1);
    }
    assert_int_equal(only_in(x, "Gemeindehaus")->number, 2);
    assert_int_equal(only_in(x, "Leuchtturmwärter")->number, 3);
    if (notes) {
        assert_int_equal(only_in(x, "Kaffeeautomat")->number, 3);
        assert_string_equal(x->passages[1].heading, "Sprachcafé am Marktplatz");
        /* the title is also the slide's first line, so snippets show it */
        assert_memory_equal(x->passages[1].text, "Sprachcafé", strlen("Sprachcafé"));
        assert_string_equal(x->date, "2024-05-15");
    }
    assert_string_equal(x->title, "Willkommen im Landkreis: Folien zum Praxisdialog");
    assert_int_equal(x->nspeakers, 1);
    assert_string_equal(x->speakers[0], "Dr. Mira Lenz");
    assert_string_equal(x->description, "Fixture für wsearch");
    assert_true(x->ntags >= 1);
    ws_extracted_free(x);
}

static void test_pptx(void **state)
{
    (void)state;
    check_deck(DOC("folien.pptx"), 1);
    ws_extracted *x = extract(DOC("folien.pptx"));
    assert_int_equal(x->type, WS_DOC_PPTX);
    ws_extracted_free(x);
}

static void test_odp(void **state)
{
    (void)state;
    check_deck(DOC("folien.odp"), 1);
}

static void test_pdf(void **state)
{
    (void)state;
    check_deck(DOC("folien.pdf"), 0);
    ws_extracted *x = extract(DOC("bericht.pdf"));
    assert_int_equal(x->npassages, 3);
    assert_int_equal(only_in(x, "Mietspiegel")->number, 2);
    assert_int_equal(only_in(x, "Zugvogel")->number, 3);
    assert_int_equal(x->nlinks, 1);
    assert_string_equal(x->links[0], "https://example.org/bericht");
    ws_extracted_free(x);
}

static void check_report(const char *path)
{
    ws_extracted *x = extract(path);
    assert_string_equal(x->title, "Bericht zur Wohnraumversorgung");
    assert_string_equal(x->date, "2024-05-15");
    assert_int_equal(x->npassages, 3);
    static const char *const heads[] = {"Einleitung", "Wohnraum", "Ausblick"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(x->passages[i].kind, WS_PASSAGE_PAGE);
        assert_int_equal(x->passages[i].number, i + 1);
        assert_string_equal(x->passages[i].heading, heads[i]);
    }
    const ws_passage *p = only_in(x, "Mietspiegel"); /* a table cell */
    assert_int_equal(p->number, 2);
    assert_int_equal(only_in(x, "Zugvogel")->number, 3);
    /* headings are not part of the text */
    assert_null(strstr(x->text, "Einleitung"));
    assert_int_equal(x->nlinks, 1);
    assert_string_equal(x->links[0], "https://example.org/bericht");
    ws_extracted_free(x);
}

static void test_docx(void **state)
{
    (void)state;
    check_report(DOC("bericht.docx"));
}

static void test_odt(void **state)
{
    (void)state;
    check_report(DOC("bericht.odt"));
}

static void expect_fail(const char *name, int code, const char *why)
{
    char path[512];
    snprintf(path, sizeof path, "%s/docs/hostile/%s", WS_TEST_DATA, name);
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, NULL, &x, &err);
    if (rc != code || !strstr(err.msg, why) || !strstr(err.msg, name))
        fail_msg("%s: got %d '%s', expected %d '%s'", name, rc, rc ? err.msg : "", code, why);
    assert_null(x);
}

static void test_hostile(void **state)
{
    (void)state;
    expect_fail("abgeschnitten.pptx", WS_EFORMAT, "truncated zip");
    expect_fail("bombe.docx", WS_ETOOBIG, "zip bomb");
    expect_fail("lachen.docx", WS_EFORMAT, "word/document.xml");
    expect_fail("kaputt.pdf", WS_EFORMAT, "damaged PDF");
    expect_fail("scan.pdf", WS_EFORMAT, "no text layer");
    expect_fail("leer.pptx", WS_EFORMAT, "empty file");
    expect_fail("falsch.pptx", WS_EFORMAT, "content is a PDF, not a pptx");
    expect_fail("geheim.docx", WS_EUNSUPPORTED, "password-protected");
    expect_fail("geheim.pdf", WS_EUNSUPPORTED, "password-protected PDF");
}

static void test_xml_limits(void **state)
{
    (void)state;
    static unsigned char zip[1 << 20];
    ws_extracted *x = NULL;
    ws_error err;
    /* An ODT whose content.xml nests 300 deep: refused, not recursed. */
    char *deep = malloc(300 * 12 + 64);
    assert_non_null(deep);
    size_t o = (size_t)sprintf(deep, "<r>");
    for (int i = 0; i < 300; i++)
        o += (size_t)sprintf(deep + o, "<a>");
    sprintf(deep + o, "x");
    size_t n = make_zip(zip, "content.xml", deep);
    int rc = ws_extract_buffer(WS_DOC_ODT, (const char *)zip, n, "tief.odt", NULL, &x, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "tief.odt"));
    free(deep);
    /* An external entity is not fetched and a DOCTYPE refused. */
    n = make_zip(zip, "content.xml",
                 "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                 "<r><p>&e;</p></r>");
    rc = ws_extract_buffer(WS_DOC_ODT, (const char *)zip, n, "extern.odt", NULL, &x, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "DTD"));
    /* Not an ODF at all: a zip with some other content. */
    n = make_zip(zip, "readme.txt", "hallo");
    rc = ws_extract_buffer(WS_DOC_ODP, (const char *)zip, n, "x.odp", NULL, &x, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "no content.xml"));
    rc = ws_extract_buffer(WS_DOC_PPTX, (const char *)zip, n, "x.pptx", NULL, &x, &err);
    assert_int_equal(rc, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "ppt/presentation.xml"));
    /* ODF encrypts parts itself: the manifest says so. */
    n = make_zip(zip, "META-INF/manifest.xml",
                 "<manifest:manifest><manifest:file-entry manifest:full-path=\"content.xml\">"
                 "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>");
    rc = ws_extract_buffer(WS_DOC_ODT, (const char *)zip, n, "geheim.odt", NULL, &x, &err);
    assert_int_equal(rc, WS_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "geheim.odt: encrypted (password-protected)"));
    /* A CRC that does not match the data: damaged part. */
    n = make_zip(zip, "content.xml", "<r><p>Text</p></r>");
    zip[30 + strlen("content.xml") + 7] ^= 0x20;
    rc = ws_extract_buffer(WS_DOC_ODT, (const char *)zip, n, "crc.odt", NULL, &x, &err);
    assert_int_equal(rc, WS_EFORMAT);
}

static void test_resolve(void **state)
{
    (void)state;
    char out[256];
    assert_true(ws_zipx_resolve("ppt/presentation.xml", "slides/slide1.xml", out, sizeof out));
    assert_string_equal(out, "ppt/slides/slide1.xml");
    assert_true(ws_zipx_resolve("ppt/slides/slide1.xml", "../notesSlides/n1.xml", out, sizeof out));
    assert_string_equal(out, "ppt/notesSlides/n1.xml");
    assert_true(ws_zipx_resolve("ppt/slides/slide1.xml", "/ppt/x.xml", out, sizeof out));
    assert_string_equal(out, "ppt/x.xml");
    assert_false(ws_zipx_resolve("a.xml", "../../etc/passwd", out, sizeof out));
    assert_false(ws_zipx_resolve("ppt/a.xml", "slides/slide1.xml", out, 8));
}

/* Limits hold for the new formats too. */
static void test_max_text(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 40;
    const char *files[] = {DOC("folien.pptx"), DOC("folien.odp"), DOC("folien.pdf"),
                           DOC("bericht.docx"), DOC("bericht.odt")};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        ws_extracted *x = NULL;
        ws_error err;
        assert_int_equal(ws_extract_file(files[i], &o, &x, &err), WS_OK);
        size_t used = x->text_len;
        for (size_t k = 0; k < x->npassages; k++)
            used += x->passages[k].heading ? strlen(x->passages[k].heading) : 0;
        assert_true(used <= 40 + 2 * x->npassages);
        assert_true(x->text_len <= 40);
        ws_extracted_free(x);
    }
}

/* The parent decodes what a worker sends: every cut and many mutations of
 * a real record must decode cleanly or fail, never misbehave. */
static void test_codec(void **state)
{
    (void)state;
    ws_extracted *x = extract(DOC("folien.pptx"));
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(ws_pool_encode(x, &buf, &len), WS_OK);
    ws_extracted *y = NULL;
    ws_error err;
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_PPTX, 16 << 20, &y, &err), WS_OK);
    assert_string_equal(y->text, x->text);
    assert_int_equal(y->npassages, x->npassages);
    assert_string_equal(y->passages[2].heading, x->passages[2].heading);
    assert_string_equal(y->title, x->title);
    ws_extracted_free(y);
    /* wrong type, too little max_text */
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_PDF, 16 << 20, &y, &err), WS_EFORMAT);
    assert_int_equal(ws_pool_decode(buf, len, WS_DOC_PPTX, 10, &y, &err), WS_EFORMAT);
    for (size_t cut = 0; cut < len; cut++) {
        y = NULL;
        assert_int_equal(ws_pool_decode(buf, cut, WS_DOC_PPTX, 16 << 20, &y, &err), WS_EFORMAT);
        assert_null(y);
    }
    char *m = malloc(len);
    assert_non_null(m);
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(m, buf, len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            m[at] = (char)(seed >> 16);
        }
        y = NULL;
        if (ws_pool_decode(m, len, WS_DOC_PPTX, 16 << 20, &y, &err) == WS_OK) {
            assert_true(ws_utf8_valid(y->text, y->text_len));
            assert_int_equal(strlen(y->text), y->text_len);
            ws_extracted_free(y);
        } else {
            assert_null(y);
        }
    }
    free(m);
    free(buf);
    ws_extracted_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pptx),       cmocka_unit_test(test_odp),
        cmocka_unit_test(test_pdf),        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_odt),        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_xml_limits), cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_max_text),   cmocka_unit_test(test_codec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
