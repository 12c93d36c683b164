/*
 * test_extract.c - unit tests for the extractors (lib/extract/extract*.c):
 * file handling and limits, plain text titles and dates on the real seed
 * text, Markdown front matter and sections, HTML metadata, boilerplate
 * removal and encodings, and hostile input (deep nesting, YAML aliases).
 *
 * Needs WS_TEST_DATA (the tests/data directory).  The seed text is the
 * first command-line argument, else WS_TEST_SEED, else looked for in
 * WS_SOURCE_DIR/corpus and WS_SHARED_DIR/seed; without it that test is
 * skipped with a message.
 */
#define _DEFAULT_SOURCE /* setgroups */
#define _POSIX_C_SOURCE 200809L

#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_skip.h"

#include "wsearch/extract.h"
#include "util/text.h"

#ifndef WS_TEST_DATA
#define WS_TEST_DATA "tests/data"
#endif
#define FIXTURE(name) WS_TEST_DATA "/extract/" name

#define SEED_NAME "000_3d92feaf9bbe7cfa.txt"

static const char *seed_path;

static const char *find_seed(void)
{
    static const char *const candidates[] = {
#ifdef WS_TEST_SEED
        WS_TEST_SEED,
#endif
#ifdef WS_SOURCE_DIR
        WS_SOURCE_DIR "/corpus/" SEED_NAME,
#endif
#ifdef WS_SHARED_DIR
        WS_SHARED_DIR "/seed/" SEED_NAME,
#endif
        NULL};
    if (seed_path)
        return seed_path;
    for (size_t i = 0; candidates[i]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

static char tmpdir[256];

/* ---- helpers ----------------------------------------------------------- */

static ws_extracted *extract_opts(ws_doctype t, const char *s, size_t n,
                                  const ws_extract_options *o)
{
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(t, s, n, "test", o, &x, &err);
    if (rc != WS_OK)
        fail_msg("extract failed: %d %s", rc, err.msg);
    assert_non_null(x);
    assert_non_null(x->text);
    assert_int_equal(strlen(x->text), x->text_len);
    assert_true(ws_utf8_valid(x->text, x->text_len));
    return x;
}

static ws_extracted *extract_str(ws_doctype t, const char *s)
{
    return extract_opts(t, s, strlen(s), NULL);
}

static ws_extracted *extract_path(const char *path)
{
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_file(path, NULL, &x, &err);
    if (rc != WS_OK)
        fail_msg("%s: %d %s", path, rc, err.msg);
    assert_non_null(x);
    return x;
}

static int has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

static int in_list(char **l, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i], s) == 0)
            return 1;
    return 0;
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void tmp_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* ---- types ------------------------------------------------------------- */

static void test_doctype(void **state)
{
    (void)state;
    assert_int_equal(ws_doctype_from_path("a/b/notiz.txt"), WS_DOC_TXT);
    assert_int_equal(ws_doctype_from_path("notiz.TEXT"), WS_DOC_TXT);
    assert_int_equal(ws_doctype_from_path("Bericht.MD"), WS_DOC_MD);
    assert_int_equal(ws_doctype_from_path("x.markdown"), WS_DOC_MD);
    assert_int_equal(ws_doctype_from_path("seite.html"), WS_DOC_HTML);
    assert_int_equal(ws_doctype_from_path("seite.Htm"), WS_DOC_HTML);
    assert_int_equal(ws_doctype_from_path("seite.xhtml"), WS_DOC_HTML);
    assert_int_equal(ws_doctype_from_path("folien.pdf"), WS_DOC_PDF);
    assert_int_equal(ws_doctype_from_path("Folien.PPTX"), WS_DOC_PPTX);
    assert_int_equal(ws_doctype_from_path("folien.odp"), WS_DOC_ODP);
    assert_int_equal(ws_doctype_from_path("bericht.docx"), WS_DOC_DOCX);
    assert_int_equal(ws_doctype_from_path("bericht.odt"), WS_DOC_ODT);
    assert_int_equal(ws_doctype_from_path("tabelle.numbers"), WS_DOC_UNKNOWN);
    assert_int_equal(ws_doctype_from_path("README"), WS_DOC_UNKNOWN);
    assert_int_equal(ws_doctype_from_path("dir/.md"), WS_DOC_UNKNOWN);
    assert_int_equal(ws_doctype_from_path("dir.md/datei"), WS_DOC_UNKNOWN);
    assert_int_equal(ws_doctype_from_path(NULL), WS_DOC_UNKNOWN);
    for (int t = WS_DOC_TXT; t <= WS_DOC_ODT; t++)
        assert_int_equal(ws_doctype_from_name(ws_doctype_name((ws_doctype)t)), t);
    assert_string_equal(ws_doctype_name(WS_DOC_MD), "md");
    assert_int_equal(ws_doctype_from_name("pdf"), WS_DOC_PDF);
    assert_int_equal(ws_doctype_from_name("numbers"), WS_DOC_UNKNOWN);
    assert_int_equal(ws_doctype_from_name(NULL), WS_DOC_UNKNOWN);
}

/* ---- plain text -------------------------------------------------------- */

static void test_seed(void **state)
{
    (void)state;
    const char *path = find_seed();
    if (!path || access(path, R_OK) != 0) {
        WS_SKIP("seed text " SEED_NAME " not found: pass its path as argument");
    }
    ws_extracted *x = extract_path(path);
    assert_int_equal(x->type, WS_DOC_TXT);
    assert_string_equal(x->title,
                        "Willkommen: Online Austausch - Resilienz, Engagement und Vernetzung");
    /* Its only date announces the next exchange ("Der nächste Online-Austausch
     * ... findet am Mittwoch, 23. Juli 2025 statt"): not this recap's date. */
    assert_null(x->date);
    assert_int_equal(x->converted, 0);
    assert_int_equal(x->npassages, 1);
    assert_int_equal(x->passages[0].kind, WS_PASSAGE_BODY);
    assert_null(x->passages[0].heading);
    assert_true(has(x->text, "Dessau-Roßlau"));
    assert_true(has(x->text, "Ehrenamtler:innen“."));
    assert_true(has(x->text, "(zur Präsentation)\n© Ellen Windmüller"));
    assert_int_not_equal(x->text[x->text_len - 1], '\n');
    assert_true(in_list(x->links, x->nlinks, "welcome-alliance.org"));
    ws_extracted_free(x);
}

static void test_txt_title(void **state)
{
    (void)state;
    char longline[200];
    memset(longline, 'x', 121);
    longline[121] = '\0';
    char doc[600];
    snprintf(doc, sizeof doc,
             "\n  \n%s\n© Foto: Stadt\nEin ganzer Satz endet.\n\n  Der Titel  \nText.\n", longline);
    ws_extracted *x = extract_str(WS_DOC_TXT, doc);
    assert_string_equal(x->title, "Der Titel");
    ws_extracted_free(x);

    /* nothing suitable within the first five non-empty lines */
    x = extract_str(WS_DOC_TXT, "Eins.\nZwei.\nDrei.\nVier.\nFünf.\nSechs ohne Punkt\n");
    assert_null(x->title);
    ws_extracted_free(x);

    /* exactly 120 characters (umlauts count once) is still a title */
    char t120[400] = "";
    for (int i = 0; i < 120; i++)
        strcat(t120, "ä");
    x = extract_str(WS_DOC_TXT, t120);
    assert_string_equal(x->title, t120);
    ws_extracted_free(x);
}

static void test_txt_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *date;
    } cases[] = {
        {"Treffen am Mittwoch, 23. Juli 2025 in Berlin", "2025-07-23"},
        {"Stand: 15.03.2024", "2024-03-15"},
        {"Protokoll 2024-03-15, Seite 2", "2024-03-15"},
        {"Am 31.02.2025 (Tippfehler) und am 01.03.2025", "2025-03-01"},
        {"Im März 2025 trafen sich 52 Kommunen.", NULL},
        {"Version 1.15.03.2024.", NULL},
        {"12:30 Uhr bis 13:30 Uhr, 70 km", NULL},
        {"Der nächste Austausch findet am Mittwoch, 16. April 2025 statt.", NULL},
        {"Kommende Termine: 16.04.2025", NULL},
        {"Treffen am 19.03.2025.\nDer nächste Austausch findet am 16. April 2025 statt.",
         "2025-03-19"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_extracted *x = extract_str(WS_DOC_TXT, cases[i].text);
        if (cases[i].date) {
            assert_non_null(x->date);
            assert_string_equal(x->date, cases[i].date);
        } else if (x->date) {
            fail_msg("%s: unexpected date %s", cases[i].text, x->date);
        }
        ws_extracted_free(x);
    }
}

static void test_txt_links_and_spaces(void **state)
{
    (void)state;
    ws_extracted *x = extract_str(WS_DOC_TXT, "Folien (https://example.org/a_(b)/c). Mehr unter "
                                              "www.bamf.de, „https://example.org/zitat“ oder "
                                              "z.B. u.a. info@example.org.\n\n\n\n"
                                              "  Zweiter   Absatz\t mit  Lücken  \n");
    assert_true(in_list(x->links, x->nlinks, "https://example.org/a_(b)/c"));
    assert_true(in_list(x->links, x->nlinks, "www.bamf.de"));
    assert_true(in_list(x->links, x->nlinks, "https://example.org/zitat"));
    assert_int_equal(x->nlinks, 3);
    assert_true(has(x->text, "info@example.org.\n\nZweiter Absatz mit Lücken"));
    assert_int_not_equal(x->text[x->text_len - 1], ' ');
    ws_extracted_free(x);
}

static void test_txt_latin1_file(void **state)
{
    (void)state;
    ws_extracted *x = extract_path(FIXTURE("latin1.txt"));
    assert_int_equal(x->converted, 1);
    assert_string_equal(x->title, "Größe der Stadt");
    assert_string_equal(x->text, "Größe der Stadt\nStraße am 15.03.2024");
    assert_string_equal(x->date, "2024-03-15");
    ws_extracted_free(x);
}

/* ---- files and limits -------------------------------------------------- */

static void test_empty_file(void **state)
{
    (void)state;
    char p[512];
    tmp_path(p, sizeof p, "leer.txt");
    write_file(p, "", 0);
    ws_extracted *x = extract_path(p);
    assert_string_equal(x->text, "");
    assert_int_equal(x->text_len, 0);
    assert_int_equal(x->npassages, 0);
    assert_null(x->title);
    assert_null(x->date);
    ws_extracted_free(x);
    unlink(p);

    const ws_doctype types[] = {WS_DOC_MD, WS_DOC_HTML};
    for (size_t i = 0; i < 2; i++) {
        x = extract_str(types[i], "");
        assert_int_equal(x->text_len, 0);
        ws_extracted_free(x);
        x = extract_str(types[i], " \n\t\n");
        assert_int_equal(x->text_len, 0);
        ws_extracted_free(x);
    }
}

static void test_file_errors(void **state)
{
    (void)state;
    char p[512];
    ws_extracted *x = (ws_extracted *)1;
    ws_error err;

    tmp_path(p, sizeof p, "fehlt.md");
    assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_ENOTFOUND);
    assert_null(x);
    assert_true(has(err.msg, p));

    tmp_path(p, sizeof p, "ordner.md");
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_EIO);
    assert_true(has(err.msg, p));
    assert_true(has(err.msg, "directory"));
    rmdir(p);

    /* a FIFO would block an open() for reading: refused without opening */
    tmp_path(p, sizeof p, "fifo.txt");
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_EIO);
    assert_true(has(err.msg, "fifo.txt: is a pipe"));
    unlink(p);

    tmp_path(p, sizeof p, "tabelle.numbers");
    write_file(p, "\xD0\xCF", 2);
    assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_EUNSUPPORTED);
    assert_true(has(err.msg, "tabelle.numbers"));
    unlink(p);

    tmp_path(p, sizeof p, "bild.txt");
    write_file(p, "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10", 20);
    assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_EFORMAT);
    assert_true(has(err.msg, "bild.txt: looks like binary data"));
    unlink(p);

    /* Root reads files whatever their mode, so the check runs as a normal
     * user: as it is, or in a child that dropped root for nobody (CI runs
     * as root, and the permission path must run there too). */
    tmp_path(p, sizeof p, "geheim.txt");
    write_file(p, "geheim", 6);
    assert_int_equal(chmod(p, 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(ws_extract_file(p, NULL, &x, &err), WS_EIO);
        assert_true(has(err.msg, "geheim.txt"));
        assert_true(has(err.msg, "ermission"));
    } else {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            /* 65534 is nobody/nogroup on Debian; no cmocka in the child */
            if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(3);
            int rc = ws_extract_file(p, NULL, &x, &err);
            _exit(rc == WS_EIO && has(err.msg, "geheim.txt") && has(err.msg, "ermission") ? 0 : 4);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    unlink(p);

    ws_extract_options bad = WS_EXTRACT_OPTIONS_INIT;
    bad.version = 99;
    assert_int_equal(ws_extract_buffer(WS_DOC_TXT, "a", 1, "a.txt", &bad, &x, &err), WS_EINVAL);
    assert_int_equal(ws_extract_buffer(WS_DOC_UNKNOWN, "a", 1, NULL, NULL, &x, &err),
                     WS_EUNSUPPORTED);
    assert_true(has(err.msg, "(buffer)"));
}

static void test_too_big(void **state)
{
    (void)state;
    char p[512], data[200];
    memset(data, 'a', sizeof data);
    tmp_path(p, sizeof p, "gross.txt");
    write_file(p, data, sizeof data);
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_input = 100;
    ws_extracted *x = NULL;
    ws_error err;
    assert_int_equal(ws_extract_file(p, &o, &x, &err), WS_ETOOBIG);
    assert_null(x);
    assert_true(has(err.msg, "gross.txt"));
    assert_true(has(err.msg, "200"));
    assert_true(has(err.msg, "100"));
    /* exactly at the limit is fine */
    o.max_input = 200;
    assert_int_equal(ws_extract_file(p, &o, &x, &err), WS_OK);
    ws_extracted_free(x);
    unlink(p);

    o.max_input = 10;
    assert_int_equal(ws_extract_buffer(WS_DOC_MD, data, 11, "b.md", &o, &x, &err), WS_ETOOBIG);
    assert_true(has(err.msg, "b.md"));
}

static void test_max_text(void **state)
{
    (void)state;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 10; /* "Größe " is 8 bytes; the next ö would straddle the limit */
    ws_extracted *x =
        extract_opts(WS_DOC_TXT, "Größe Größe Größe", strlen("Größe Größe Größe"), &o);
    assert_string_equal(x->text, "Größe Gr");
    ws_extracted_free(x);

    /* the limit covers headings and the blank lines between passages too:
     * Eins(4) Text(4) sep(2) Zwei(4) mehr(4) */
    o.max_text = 18;
    const char *md = "# Eins\n\nText\n\n# Zwei\n\nmehr Text\n\n# Drei\n";
    x = extract_opts(WS_DOC_MD, md, strlen(md), &o);
    assert_string_equal(x->text, "Text\n\nmehr");
    assert_int_equal(x->npassages, 2);
    assert_string_equal(x->passages[1].heading, "Zwei");
    ws_extracted_free(x);
}

/* ---- Markdown ---------------------------------------------------------- */

static void test_md_front_matter(void **state)
{
    (void)state;
    ws_extracted *x = extract_path(FIXTURE("austausch.md"));
    assert_int_equal(x->type, WS_DOC_MD);
    assert_string_equal(x->title, "Willkommen: Online-Austausch – Wohnraum für Geflüchtete");
    assert_string_equal(x->date, "2025-03-19");
    assert_string_equal(x->organisation, "Stadt Musterhausen");
    assert_string_equal(x->event, "49. Willkommen-Austausch");
    assert_string_equal(x->description,
                        "Wie Kommunen bezahlbaren Wohnraum für Geflüchtete schaffen.");
    assert_int_equal(x->nspeakers, 2);
    assert_string_equal(x->speakers[0], "Dr. Anna Schäfer");
    assert_string_equal(x->speakers[1], "Mehmet Yılmaz");
    assert_int_equal(x->ntags, 3);
    assert_string_equal(x->tags[0], "Wohnen");
    assert_string_equal(x->tags[1], "Kommunen");
    assert_string_equal(x->tags[2], "Integration");
    assert_false(has(x->text, "unknown_key"));
    assert_false(has(x->text, "Stadt Musterhausen"));
    ws_extracted_free(x);

    /* other spellings of the keys, a German date, scalar speakers */
    x = extract_path(FIXTURE("referent.md"));
    assert_string_equal(x->title, "Fachtag Integration");
    assert_string_equal(x->date, "2025-03-19");
    assert_string_equal(x->organisation, "Bertelsmann Stiftung");
    assert_int_equal(x->nspeakers, 2);
    assert_string_equal(x->speakers[0], "Dr. Frank Gesemann");
    assert_string_equal(x->speakers[1], "Christian Altmann");
    assert_int_equal(x->ntags, 2);
    assert_string_equal(x->tags[1], "Vernetzung");
    assert_string_equal(x->text, "Text ohne Überschrift.");
    assert_int_equal(x->npassages, 1);
    assert_int_equal(x->passages[0].kind, WS_PASSAGE_BODY);
    ws_extracted_free(x);

    /* null values, an impossible date, an empty front matter */
    x = extract_str(WS_DOC_MD, "---\ntitle: ~\ndate: 2025-02-30\nspeakers: []\n---\nText\n");
    assert_null(x->title);
    assert_null(x->date);
    assert_int_equal(x->nspeakers, 0);
    ws_extracted_free(x);
    x = extract_str(WS_DOC_MD, "---\n---\nNur Text\n");
    assert_string_equal(x->text, "Nur Text");
    ws_extracted_free(x);
}

static void test_md_broken_front_matter(void **state)
{
    (void)state;
    /* invalid YAML: no error, metadata ignored, body indexed */
    ws_extracted *x = extract_path(FIXTURE("broken.md"));
    assert_string_equal(x->title, "Bericht"); /* from the heading */
    assert_int_equal(x->nspeakers, 0);
    assert_true(has(x->text, "Der Text soll trotzdem gefunden werden."));
    ws_extracted_free(x);

    /* anchors and aliases (billion laughs) are refused, not expanded */
    x = extract_path(FIXTURE("anchors.md"));
    assert_null(x->title);
    assert_int_equal(x->ntags, 0);
    assert_true(has(x->text, "Inhalt nach der Vorspann."));
    assert_true(x->text_len < 1000);
    ws_extracted_free(x);

    /* prose between two rules is not front matter */
    x = extract_str(WS_DOC_MD, "---\nEin Absatz zwischen Linien.\n---\n\nWeiter.\n");
    assert_true(has(x->text, "Ein Absatz zwischen Linien."));
    assert_true(has(x->text, "Weiter."));
    ws_extracted_free(x);

    /* no closing line: the rule is a thematic break */
    x = extract_str(WS_DOC_MD, "---\ntitle: Kein Vorspann\n\nText\n");
    assert_null(x->title);
    assert_true(has(x->text, "Text"));
    ws_extracted_free(x);

    /* nesting in the YAML beyond max_depth */
    char *deep = malloc(20000);
    assert_non_null(deep);
    strcpy(deep, "---\ntitle: x\nliste: ");
    size_t n = strlen(deep);
    for (int i = 0; i < 5000; i++)
        deep[n++] = '[';
    memcpy(deep + n, "\n---\nKörper\n", 14);
    x = extract_str(WS_DOC_MD, deep);
    assert_null(x->title);
    assert_true(has(x->text, "Körper"));
    ws_extracted_free(x);
    free(deep);
}

static void test_md_sections(void **state)
{
    (void)state;
    ws_extracted *x = extract_path(FIXTURE("austausch.md"));
    assert_int_equal(x->npassages, 3);
    ws_passage *p = x->passages;
    assert_int_equal(p[0].kind, WS_PASSAGE_BODY);
    assert_string_equal(p[0].text, "Einleitung vor der ersten Überschrift mit einem Link.");
    assert_int_equal(p[1].kind, WS_PASSAGE_SECTION);
    assert_int_equal(p[1].number, 1);
    assert_string_equal(p[1].heading, "Wohnraum in Musterhausen");
    assert_false(has(x->text, "Wohnraum in Musterhausen")); /* headings are apart */
    assert_true(has(p[1].text, "Die Stadt hat 2024 ein neues Programm "
                               "gestartet. Zweite Zeile im selben Absatz."));
    assert_true(has(p[1].text, "Foto vom Wohnprojekt")); /* image alt text */
    assert_int_equal(p[2].number, 2);
    assert_string_equal(p[2].heading, "Diskussion");
    assert_true(has(p[2].text, "Erster Punkt\nZweiter Punkt mit Verweis"));
    assert_true(has(p[2].text, "Rohes HTML & Text"));
    assert_false(has(x->text, "nicht indexieren"));
    assert_false(has(x->text, "<b>"));
    assert_true(has(p[2].text, "code_block();"));
    assert_true(has(x->text, "Link.\n\nDie Stadt"));

    assert_true(in_list(x->links, x->nlinks, "https://example.org/einleitung"));
    assert_true(in_list(x->links, x->nlinks, "https://example.org/auto"));
    assert_true(in_list(x->links, x->nlinks, "../protokoll.md"));
    assert_true(in_list(x->links, x->nlinks, "https://welcome-alliance.org/austausch"));
    assert_int_equal(x->nlinks, 4);
    ws_extracted_free(x);

    /* title from the first level-1 heading, setext headings, empty heading */
    x = extract_str(WS_DOC_MD,
                    "## Vorab\n\nText\n\nHaupttitel\n==========\n\n# Zweiter\n\n#\n\nRest\n");
    assert_string_equal(x->title, "Haupttitel");
    assert_int_equal(x->npassages, 4);
    assert_string_equal(x->passages[0].heading, "Vorab");
    assert_string_equal(x->passages[1].heading, "Haupttitel");
    assert_string_equal(x->passages[1].text, ""); /* a heading alone is kept */
    assert_null(x->passages[3].heading);
    assert_string_equal(x->passages[3].text, "Rest");
    assert_int_equal(x->passages[3].number, 4);
    assert_string_equal(x->text, "Text\n\n\n\n\n\nRest");
    ws_extracted_free(x);

    /* a date only in a heading is found too */
    x = extract_str(WS_DOC_MD, "# Treffen am 19.03.2025\n\nText\n");
    assert_string_equal(x->date, "2025-03-19");
    ws_extracted_free(x);

    /* entities decoded and NFC applied to parser output */
    x = extract_str(WS_DOC_MD, "Gr&ouml;&szlig;e u&#776;ber &amp; mehr\n");
    assert_string_equal(x->text, "Größe über & mehr");
    ws_extracted_free(x);
}

static void test_md_hostile(void **state)
{
    (void)state;
    size_t n = 100000;
    char *s = malloc(4 * n + 100);
    assert_non_null(s);

    /* 100 000 nested block quotes */
    memset(s, '>', n);
    strcpy(s + n, " tief\n\noben\n");
    ws_extracted *x = extract_str(WS_DOC_MD, s);
    assert_true(has(x->text, "oben"));
    assert_false(has(x->text, "tief"));
    ws_extracted_free(x);

    /* brackets that make cmark 0.30.2 quadratic */
    memset(s, '[', n);
    memset(s + n, ']', n);
    strcpy(s + 2 * n, "(u)\n");
    x = extract_str(WS_DOC_MD, s);
    assert_int_equal(x->text_len, 2 * n + 3);
    ws_extracted_free(x);

    /* max_depth from the options */
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_depth = 3;
    const char *q = "> > > > > ganz tief\n\nflach\n";
    x = extract_opts(WS_DOC_MD, q, strlen(q), &o);
    assert_string_equal(x->text, "flach");
    ws_extracted_free(x);
    free(s);
}

/* ---- HTML -------------------------------------------------------------- */

static void test_html_page(void **state)
{
    (void)state;
    ws_extracted *x = extract_path(FIXTURE("seite.html"));
    assert_int_equal(x->type, WS_DOC_HTML);
    assert_string_equal(x->title, "Netzwerke & Resilienz in Kommunen");
    assert_string_equal(x->description, "Bericht über den 52. Austausch");
    assert_string_equal(x->date, "2025-07-23");
    assert_int_equal(x->nspeakers, 2);
    assert_string_equal(x->speakers[1], "Christian Altmann");
    assert_int_equal(x->ntags, 3);
    assert_string_equal(x->tags[2], "Vernetzung");

    static const char *const absent[] = {"Skripttext", "color",     "Menü",       "Navigation",
                                         "Werbung",    "Impressum", "JavaScript", "Absenden",
                                         "Versteckt",  "Startseite"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (has(x->text, absent[i]))
            fail_msg("boilerplate kept: %s", absent[i]);
    assert_true(has(x->text, "Kommunen sind stark herausgefordert – sagt DESI."));
    assert_true(has(x->text, "Größe ä ä ü über")); /* entities, then NFC */
    assert_true(has(x->text, "Punkt eins\nPunkt zwei"));

    assert_int_equal(x->npassages, 2);
    assert_int_equal(x->passages[0].kind, WS_PASSAGE_SECTION);
    assert_string_equal(x->passages[0].heading, "Resilienz in Kommunen");
    assert_string_equal(x->passages[1].heading, "Diskussion");
    assert_int_equal(x->passages[1].number, 2);

    /* javascript: and #fragment skipped, the duplicate once */
    assert_int_equal(x->nlinks, 1);
    assert_string_equal(x->links[0], "https://www.desi-sozialforschung-berlin.de/");
    ws_extracted_free(x);
}

static void test_html_content_choice(void **state)
{
    (void)state;
    /* without <main>, every <article> and nothing else */
    ws_extracted *x = extract_str(
        WS_DOC_HTML, "<body><nav>Menü</nav><div>Seitenleiste</div>"
                     "<article><p>Erster Bericht</p></article><p>Dazwischen</p>"
                     "<article><h2>Zweiter</h2><p>Bericht</p><footer>Autorin: A.</footer></article>"
                     "</body>");
    assert_false(has(x->text, "Menü"));
    assert_false(has(x->text, "Seitenleiste"));
    assert_false(has(x->text, "Dazwischen"));
    assert_true(has(x->text, "Erster Bericht"));
    assert_int_equal(x->npassages, 2);
    assert_string_equal(x->passages[0].text, "Erster Bericht");
    assert_string_equal(x->passages[1].heading, "Zweiter");
    assert_string_equal(x->passages[1].text, "Bericht\n\nAutorin: A.");
    assert_true(has(x->text, "Autorin: A.")); /* an article's own footer is content */
    ws_extracted_free(x);

    /* role="main" counts as main */
    x = extract_str(WS_DOC_HTML,
                    "<body><div>Kopf</div><div role=\"main\"><p>Inhalt</p></div></body>");
    assert_string_equal(x->text, "Inhalt");
    ws_extracted_free(x);

    /* neither: the body without boilerplate; inline vs block, whitespace */
    x = extract_str(WS_DOC_HTML, "<body><header>Logo</header><p>a<b>b</b>  \n\t c</p><div>d</div>"
                                 "<span>e</span><br>f<table><tr><td>g</td><td>h</td></tr></table>"
                                 "<pre>  x\n  y</pre></body>");
    assert_string_equal(x->text, "ab c\n\nd\ne\nf\n\ng\nh\n\nx\ny");
    assert_null(x->title);
    ws_extracted_free(x);

    /* title falls back to the first h1; meta date refused, date from text */
    x = extract_str(WS_DOC_HTML, "<meta name=\"date\" content=\"2025-02-30\"><h1>Über&shy;schrift "
                                 "<small>eins</small></h1><p>am 3. Dezember 2024</p>");
    assert_string_equal(x->title, "Über\xC2\xAD"
                                  "schrift eins");
    assert_string_equal(x->date, "2024-12-03");
    ws_extracted_free(x);

    /* <time datetime> before the text, og:description as a fallback */
    x = extract_str(WS_DOC_HTML, "<meta property=\"og:description\" content=\"Kurz\">"
                                 "<p>15.01.2024 <time datetime=\"2024-02-01\">heute</time></p>");
    assert_string_equal(x->date, "2024-02-01");
    assert_string_equal(x->description, "Kurz");
    ws_extracted_free(x);
}

static void test_html_encodings(void **state)
{
    (void)state;
    /* Windows-1252 bytes, declared so */
    ws_extracted *x = extract_path(FIXTURE("cp1252.html"));
    assert_int_equal(x->converted, 1);
    assert_string_equal(x->title, "Größe und „Anführung“");
    assert_string_equal(x->text, "Straße € 5");
    ws_extracted_free(x);

    /* UTF-8 bytes in a page that claims windows-1252: the bytes win */
    x = extract_path(FIXTURE("utf8-claims-1252.html"));
    assert_int_equal(x->converted, 0);
    assert_string_equal(x->title, "Größe");
    assert_string_equal(x->text, "„echt UTF-8“");
    ws_extracted_free(x);

    /* Latin-1 bytes in a page that claims UTF-8 */
    x = extract_str(WS_DOC_HTML, "<meta charset=\"utf-8\"><title>\xC4rger</title><p>gro\xDF</p>");
    assert_int_equal(x->converted, 1);
    assert_string_equal(x->title, "Ärger");
    assert_string_equal(x->text, "groß");
    ws_extracted_free(x);
}

static void test_html_deep(void **state)
{
    (void)state;
    const size_t n = 100000;
    char *s = malloc(11 * n + 100);
    assert_non_null(s);
    size_t len = 0;
    for (size_t i = 0; i < n; i++, len += 5)
        memcpy(s + len, "<div>", 5);
    memcpy(s + len, "tief", 4);
    len += 4;
    for (size_t i = 0; i < n; i++, len += 6)
        memcpy(s + len, "</div>", 6);
    ws_extracted *x = (ws_extracted *)1;
    ws_error err;
    /* libxml2 stops at 256 levels; that is a clear error, not half a page */
    assert_int_equal(ws_extract_buffer(WS_DOC_HTML, s, len, "tief.html", NULL, &x, &err),
                     WS_EFORMAT);
    assert_null(x);
    assert_true(has(err.msg, "tief.html: HTML is nested more than"));

    /* within libxml2's limit, max_depth skips the deeper part only */
    len = 0;
    for (size_t i = 0; i < 200; i++, len += 5)
        memcpy(s + len, "<div>", 5);
    memcpy(s + len, "tief", 4);
    len += 4;
    for (size_t i = 0; i < 200; i++, len += 6)
        memcpy(s + len, "</div>", 6);
    memcpy(s + len, "<p>oben</p>", 11);
    len += 11;
    x = extract_opts(WS_DOC_HTML, s, len, NULL);
    assert_string_equal(x->text, "tief\n\noben");
    ws_extracted_free(x);
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_depth = 50;
    x = extract_opts(WS_DOC_HTML, s, len, &o);
    assert_string_equal(x->text, "oben");
    ws_extracted_free(x);

    /* unclosed inline elements, garbage, truncated markup */
    const char *junk = "<p>a<b>b<i>c</p></i></x:y>&bogus; &#0; &#xD800; <div <<!-- nie";
    x = extract_opts(WS_DOC_HTML, junk, strlen(junk), NULL);
    assert_true(has(x->text, "abc"));
    ws_extracted_free(x);
    free(s);
}

/* ---- main -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/ws-extract-XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        seed_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doctype),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_txt_title),
        cmocka_unit_test(test_txt_dates),
        cmocka_unit_test(test_txt_links_and_spaces),
        cmocka_unit_test(test_txt_latin1_file),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_max_text),
        cmocka_unit_test(test_md_front_matter),
        cmocka_unit_test(test_md_broken_front_matter),
        cmocka_unit_test(test_md_sections),
        cmocka_unit_test(test_md_hostile),
        cmocka_unit_test(test_html_page),
        cmocka_unit_test(test_html_content_choice),
        cmocka_unit_test(test_html_encodings),
        cmocka_unit_test(test_html_deep),
    };
    return WS_RESULT(cmocka_run_group_tests(tests, setup, teardown));
}
