/*
 * test_locate.c - finding where a query's terms may be in a long text
 * without analysing it, and the snippet cut from what was found.
 *
 * Every surface the term generator files under a term must be found by
 * its key (case, umlauts as ä or ae, ß as ss, NFD, soft hyphens,
 * ligatures, parts inside compounds, hyphenated and gender forms); a
 * text without any is found to hold nothing; a located snippet marks a
 * match 2 MB into a text, and checks only what it reads.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "search/highlight.h"
#include "search/locate.h"
#include "search/snippet.h"

static char dir[] = "/tmp/ws_test_locate_XXXXXX";
static ws_xdb *db;
static ws_analyzer *an;

static int setup(void **state)
{
    (void)state;
    static const char *terms[] = {"Zkommunal", "Zverwalt", "Zkita"};
    ws_xdoc *doc = NULL;
    uint32_t id = 0;
    if (!mkdtemp(dir) || ws_analyzer_new(&an, NULL) != WS_OK ||
        ws_xdb_open_write(&db, dir, WS_XDB_OVERWRITE, NULL) != WS_OK ||
        ws_xdoc_new(&doc, NULL) != WS_OK)
        return -1;
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++)
        if (ws_xdoc_add_term(doc, terms[i], 1, NULL) != WS_OK)
            return -1;
    int rc = ws_xdb_replace_by_term(db, "Qdoc", doc, &id, NULL);
    ws_xdoc_free(doc);
    return rc == WS_OK ? ws_xdb_commit(db, NULL) : rc;
}

static int teardown(void **state)
{
    (void)state;
    ws_xdb_close(db);
    ws_analyzer_free(an);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void locate_of(ws_locate *l, const char *const *terms)
{
    ws_strlist t = {0};
    for (size_t i = 0; terms[i]; i++)
        ws_strlist_add(&t, terms[i], strlen(terms[i]));
    ws_locate_init(l, &t);
    ws_strlist_free(&t);
}

/* Where the best window starts, or -1 for none. */
static long best_at(const char *term, const char *text)
{
    const char *terms[] = {term, NULL};
    ws_locate l;
    locate_of(&l, terms);
    assert_true(l.usable);
    ws_locate_window w[4];
    size_t n = ws_locate_windows(&l, text, strlen(text), 180, w, 4);
    return n ? (long)w[0].start : -1;
}

static void test_surfaces(void **state)
{
    (void)state;
    static const struct {
        const char *term, *text;
        long at;
    } cases[] = {
        {"Zkommun", "Die Kommunen planen.", 4},
        {"Zkommun", "DIE KOMMUNEN", 4},
        {"Zfluchtling", "Neue Flüchtlinge", 5},
        {"Zfluchtling", "NEUE FLÜCHTLINGE", 5},
        {"Zfluchtling", "Neue Fluechtlinge", 5},
        {"Zfluchtling",
         "Neue Flu\xcc\x88"
         "chtlinge",
         5},                                    /* NFD: u + combining diaeresis */
        {"flüchtlinge", "Neue Flüchtlinge", 5}, /* a folded word, umlaut and all */
        {"Zstrass", "Die Straße", 4},
        {"Zstrass", "DIE STRASSE", 4},
        {"Zleistung", "Asylbewerberleistungsgesetz", 12}, /* a part inside */
        {"Zonlineaustausch", "Der Online-Austausch", 4},
        {"Zkommun", "Die Kom\xc2\xadmune", 4},   /* soft hyphen */
        {"Zfind", "Sie \xef\xac\x81nden es", 4}, /* the ligature fi */
        {"Zakteur", "Alle Akteur:innen", 5},
        {"Zubung", "Die Übungen", 4},
        {"Zkommun", "Die Gemeinde plant.", -1},
        {"Zkommun", "", -1},
        {"Zkommun", "Kommu", -1},               /* cut short: no key */
        {"Zkommun", "Die Kom\xcf\x80mune", -1}, /* a letter the pass does not read */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long got = best_at(cases[i].term, cases[i].text);
        if (got != cases[i].at)
            print_message("%s in '%s': got %ld, want %ld\n", cases[i].term, cases[i].text, got,
                          cases[i].at);
        assert_int_equal(got, cases[i].at);
    }
}

/* A key the pass cannot read (Greek) makes the query unlocatable: the
 * snippet then scans as before.  Wildcard expansions share one key. */
static void test_keys(void **state)
{
    (void)state;
    ws_locate l;
    const char *greek[] = {"Zkommun", "Z\xce\xb1\xce\xb2\xce\xb3", NULL};
    locate_of(&l, greek);
    assert_false(l.usable);
    const char *many[] = {"integration", "integrationskurs", "integration", NULL};
    locate_of(&l, many);
    assert_true(l.usable);
    assert_int_equal(l.nkeys, 2);
    /* "integration" is a prefix of the other key: one group */
    assert_int_equal(l.group[1], 0);
}

/* The window holding both terms beats earlier ones holding one. */
static void test_best_window(void **state)
{
    (void)state;
    const char *terms[] = {"Zkita", "Zschul", NULL};
    ws_locate l;
    locate_of(&l, terms);
    char text[4096];
    snprintf(text, sizeof text,
             "Kita am Anfang. %0900d Schule allein. %0900d Die Kita und die Schule.", 0, 0);
    ws_locate_window w[4];
    size_t n = ws_locate_windows(&l, text, strlen(text), 180, w, 4);
    assert_true(n >= 2);
    assert_int_equal(w[0].distinct, 2);
    assert_ptr_equal(text + w[0].start, strstr(text, "Kita und"));
    assert_int_equal(w[1].distinct, 1);
}

/* A match 2 MB in: the located snippet marks it, reading only around it;
 * bytes that are no UTF-8 elsewhere are never read, those in the window
 * are refused. */
static void test_located_snippet(void **state)
{
    (void)state;
    size_t pad = (size_t)2 << 20;
    const char *mid = " Die Kommunalverwaltung hilft. ";
    char *text = malloc(2 * pad + strlen(mid) + 1);
    memset(text, 'x', 2 * pad);
    for (size_t i = 0; i < 2 * pad; i += 8)
        text[i] = ' ';
    memcpy(text + pad, mid, strlen(mid));
    text[2 * pad + strlen(mid)] = '\0';
    text[10] = (char)0xff; /* far from the match */
    size_t len = strlen(text);
    ws_highlight h = {an, db, text, {0}, NULL};
    assert_int_equal(ws_highlight_add_term(&h, "Zverwalt", 8, 1), 0);
    ws_locate l;
    ws_locate_init(&l, &h.terms);
    ws_snippet sn;
    ws_analyzer_set_stemming(an, 0);
    int rc = ws_snippet_located(an, text, len, 240, 4096, &l, ws_highlight_match, &h, &sn, NULL);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(sn.nmarks, 1);
    assert_memory_equal(sn.text + sn.marks[0].start, "verwaltung", 10);
    assert_true(sn.src_start > pad - 240 && sn.src_start <= pad + 5);
    free(sn.text);
    free(sn.marks);
    /* a bad byte right next to the match is read, and refused */
    text[pad + 2] = (char)0xff;
    ws_error e = {0};
    rc = ws_snippet_located(an, text, len, 240, 4096, &l, ws_highlight_match, &h, &sn, &e);
    ws_analyzer_set_stemming(an, 1);
    assert_int_equal(rc, WS_ECORRUPT);
    assert_non_null(strstr(e.msg, "UTF-8"));
    /* a text without the terms: the start, nothing marked */
    ws_analyzer_set_stemming(an, 0);
    rc = ws_snippet_located(an, "Die Gemeinde plant.", 19, 240, 4096, &l, ws_highlight_match, &h,
                            &sn, NULL);
    ws_analyzer_set_stemming(an, 1);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(sn.nmarks, 0);
    assert_string_equal(sn.text, "Die Gemeinde plant.");
    free(sn.text);
    free(sn.marks);
    ws_strlist_free(&h.terms);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_surfaces),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_best_window),
        cmocka_unit_test(test_located_snippet),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
