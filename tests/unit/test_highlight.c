/*
 * test_highlight.c - which spans of a stored text the query's terms mark.
 *
 * A tiny index holds the stems the indexer files for compound parts; the
 * highlighter must mark only the part that matched, by the index's
 * knowledge (the searcher has no word list), and a failing matcher must
 * stop the snippet with its error instead of hiding it.
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
#include "search/snippet.h"

static char dir[] = "/tmp/ws_test_highlight_XXXXXX";
static ws_xdb *db;
static ws_analyzer *an;

static int setup(void **state)
{
    (void)state;
    static const char *terms[] = {"Zkommunal", "Zverwalt", "Zasyl",       "Zasylbewerb", "Zbewerb",
                                  "Zleistung", "Zgesetz",  "Zfluchtling", "kita"};
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

/* The marked spans of the snippet of text for the query terms, joined by "|". */
static int marked(const char *text, const char *const *q, char *out, size_t cap, ws_error *err)
{
    ws_highlight h = {an, db, text, {0}, err};
    for (size_t i = 0; q[i]; i++)
        if (ws_highlight_add_term(&h, q[i], strlen(q[i]), 1) != 0)
            return WS_ENOMEM;
    ws_snippet sn;
    ws_analyzer_set_stemming(an, 0);
    int rc = ws_snippet_make(an, text, strlen(text), 400, 0, ws_highlight_match, &h, &sn, err);
    ws_analyzer_set_stemming(an, 1);
    ws_strlist_free(&h.terms);
    if (rc != WS_OK)
        return rc;
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sn.nmarks; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%.*s", i ? "|" : "",
                              (int)(sn.marks[i].end - sn.marks[i].start),
                              sn.text + sn.marks[i].start);
    free(sn.text);
    free(sn.marks);
    return WS_OK;
}

static void test_marks(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *q[4];
        const char *want;
    } cases[] = {
        /* a word, and a compound's part narrowed to the part */
        {"Die Kita und die Kommunalverwaltung.", {"kita", "Zverwalt", NULL}, "Kita|verwaltung"},
        /* the middle part, with its linking element */
        {"Nach dem Asylbewerberleistungsgesetz.", {"Zleistung", NULL}, "leistungs"},
        /* typed without umlauts, matched by the umlaut reading's stem */
        {"Fluechtlinge kamen.", {"Zfluchtling", NULL}, "Fluechtlinge"},
        /* field terms are not body terms: never marked */
        {"Die Kita.", {"Skita", "ZSkita", NULL}, ""},
        /* a part the index does not know around it: no mark (Wandh|alterung) */
        {"Die Wandhalterung.", {"Zalter", NULL}, ""},
    };
    char got[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(marked(cases[i].text, cases[i].q, got, sizeof got, NULL), WS_OK);
        if (strcmp(got, cases[i].want))
            print_message("'%s': got '%s', want '%s'\n", cases[i].text, got, cases[i].want);
        assert_string_equal(got, cases[i].want);
    }
}

static int failing_match(void *ctx, const ws_token *t, size_t *start, size_t *end)
{
    (void)t, (void)start, (void)end;
    return ws_error_set(ctx, WS_EMODIFIED, "the index changed: retry");
}

/* A matcher's error (the index changed under the searcher) stops the
 * snippet and comes back to the caller. */
static void test_error_propagates(void **state)
{
    (void)state;
    ws_error e = {0};
    ws_snippet sn;
    assert_int_equal(ws_snippet_make(an, "Kita", 4, 100, 0, failing_match, &e, &sn, &e),
                     WS_EMODIFIED);
    assert_non_null(strstr(e.msg, "retry"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_error_propagates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
