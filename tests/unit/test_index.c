/*
 * test_index.c - indexing and searching through the library: German word
 * forms, phrases, fields, snippets, incremental updates, version checks.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsearch/index.h"
#include "wsearch/search.h"
#include "xapian/xapian.h"

static char dir[128], docs[160], idx[160];

static void write_file(const char *name, const char *content)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", docs, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static const char *MD = "---\n"
                        "title: \"Resilienz in Kommunen\"\n"
                        "date: 2024-05-15\n"
                        "speakers: [\"Dr. Aylin Kaya\", \"Jonas Weber\"]\n"
                        "organisation: \"Stiftung Brückenschlag\"\n"
                        "tags: [Vernetzung, Ehrenamt]\n"
                        "---\n"
                        "# Resilienz in Kommunen\n\n"
                        "Die Kommunen stärken ihre Netzwerke. Integration vor Ort bleibt eine "
                        "Daueraufgabe für alle Akteur:innen.\n\n"
                        "## Diskussion\n\n"
                        "Ehrenamtliche in Lindenau-Großbergen berichten vom Wohnraum.\n";

static const char *TXT = "Kommunaler Praxisdialog: Wohnraum\n\n"
                         "Am 12.03.2023 sprach die Runde über Ort und Integration, vor allem "
                         "über Wohnungen für Geflüchtete in der Kommune.\n";

static const char *HTML = "<html><head><title>Sprachkurse im Landkreis</title>"
                          "<meta name=\"date\" content=\"2025-01-20\"></head><body>"
                          "<nav>Startseite Kontakt Impressum</nav>"
                          "<article><h1>Sprachkurse</h1><p>Mitarbeiter*innen der "
                          "Ausländerbehörde und Ehrenamtliche berichten.</p></article>"
                          "</body></html>";

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-index-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
    mkdir(docs, 0755);
    write_file("resilienz.md", MD);
    write_file("wohnraum.txt", TXT);
    write_file("sprache.html", HTML);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static ws_index_stats update(void)
{
    ws_index *ix = NULL;
    ws_error e;
    ws_index_stats st;
    if (ws_index_open(&ix, idx, NULL, &e) != WS_OK)
        fail_msg("open: %s", e.msg);
    const char *roots[] = {docs};
    if (ws_index_update(ix, roots, 1, NULL, NULL, &st, &e) != WS_OK)
        fail_msg("update: %s", e.msg);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);
    return st;
}

/* Search and return the file names of the hits, space-separated. */
static char *names(const char *q)
{
    static char buf[1024];
    ws_searcher *s = NULL;
    ws_error e;
    if (ws_searcher_open(&s, idx, &e) != WS_OK)
        fail_msg("searcher: %s", e.msg);
    ws_results *r = NULL;
    if (ws_search(s, q, strlen(q), NULL, &r, &e) != WS_OK)
        fail_msg("search '%s': %s", q, e.msg);
    buf[0] = '\0';
    /* plain queries rank: the hits that have every word (issue 14) */
    for (size_t i = 0; i < r->nhits && !r->hits[i].partial; i++) {
        const char *b = strrchr(r->hits[i].path, '/');
        strcat(buf, i ? " " : "");
        strcat(buf, b ? b + 1 : r->hits[i].path);
    }
    ws_results_free(r);
    ws_searcher_close(s);
    return buf;
}

static void test_first_run(void **state)
{
    (void)state;
    ws_index_stats st = update();
    assert_int_equal(st.files, 3);
    assert_int_equal(st.added, 3);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.doccount, 3);
}

static void test_word_forms(void **state)
{
    (void)state;
    /* Kommune, Kommunen, KOMMUNEN meet the same documents. */
    char a[1024];
    strcpy(a, names("Kommune"));
    assert_string_equal(a, names("Kommunen"));
    assert_string_equal(a, names("kommunen"));
    assert_non_null(strstr(a, "resilienz.md"));
    assert_non_null(strstr(a, "wohnraum.txt"));
    /* The title match ranks first. */
    assert_string_equal(names("Resilienz Kommune"), "resilienz.md");
    /* gender forms in any spelling */
    assert_string_equal(names("Akteur*innen"), "resilienz.md");
    assert_string_equal(names("Mitarbeiter:innen"), "sprache.html");
    /* ß and hyphenated town names */
    assert_string_equal(names("Lindenau-Grossbergen"), "resilienz.md");
    assert_string_equal(names("Großbergen"), "resilienz.md");
    /* ae/oe/ue typed for ä/ö/ü: taken when the index knows the umlaut word */
    assert_string_equal(names("Auslaenderbehoerde"), "sprache.html");
    assert_string_equal(names("Brueckenschlag"), "resilienz.md");
    assert_string_equal(names("Lindenau-Grossbergen Ehrenamtliche"), "resilienz.md");
    ws_searcher *s = NULL;
    ws_error e;
    char *rw = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    assert_int_equal(ws_search_rewrite(s, "Auslaenderbehoerde Quelle", 25, &rw, &e), WS_OK);
    /* "quelle" is not in the index, and neither is any umlaut spelling: kept */
    assert_string_equal(rw, "ausländerbehörde quelle");
    free(rw);
    ws_searcher_close(s);
}

static void test_phrases_and_syntax(void **state)
{
    (void)state;
    /* The phrase only where the words stand together. */
    assert_string_equal(names("\"Integration vor Ort\""), "resilienz.md");
    /* ...while the words alone match wherever they stand, in any order */
    const char *both = names("Integration Ort");
    assert_true(!strcmp(both, "resilienz.md wohnraum.txt") ||
                !strcmp(both, "wohnraum.txt resilienz.md"));
    assert_string_equal(names("Ehrenamtliche -Sprachkurse"), "resilienz.md");
    /* names() returns one static buffer: keep a copy of the first answer */
    char either[256];
    snprintf(either, sizeof either, "%s", names("Wohnraum OR Sprachkurse"));
    assert_non_null(strstr(either, "wohnraum.txt"));
    assert_non_null(strstr(either, "sprache.html"));
    assert_string_equal(either, names("Sprachkurse OR Wohnraum"));
    /* boilerplate navigation outside <article> is not indexed */
    assert_string_equal(names("Impressum"), "");
}

static void test_fields(void **state)
{
    (void)state;
    assert_string_equal(names("title:Sprachkurse"), "sprache.html");
    assert_string_equal(names("referent:Kaya"), "resilienz.md");
    assert_string_equal(names("org:Brückenschlag"), "resilienz.md");
    assert_string_equal(names("tag:Ehrenamt"), "resilienz.md");
    assert_string_equal(names("Ehrenamtliche type:html"), "sprache.html");
    assert_string_equal(names("Ehrenamtliche jahr:2024"), "resilienz.md");
    assert_string_equal(names("Ehrenamtliche datum:2025-01-01..2025-12-31"), "sprache.html");
}

static void test_snippet_and_metadata(void **state)
{
    (void)state;
    ws_searcher *s = NULL;
    ws_error e;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_results *r = NULL;
    assert_int_equal(ws_search(s, "Kommune Wohnungen", 17, NULL, &r, &e), WS_OK);
    /* one document has both words; the others, ranked below, only one */
    assert_true(r->nhits >= 1);
    assert_int_equal(r->partial, r->nhits - 1);
    ws_hit *h = &r->hits[0];
    assert_false(h->partial);
    assert_string_equal(h->title, "Kommunaler Praxisdialog: Wohnraum");
    assert_int_equal(h->type, WS_DOC_TXT);
    assert_string_equal(h->date, "2023-03-12");
    assert_true(h->nmarks >= 2);
    /* the marks cover the surface forms, which differ from the query */
    int saw_kommune = 0, saw_wohnungen = 0;
    for (size_t i = 0; i < h->nmarks; i++) {
        size_t n = h->marks[i].end - h->marks[i].start;
        const char *m = h->snippet + h->marks[i].start;
        saw_kommune |= n == 7 && !strncmp(m, "Kommune", 7);
        saw_wohnungen |= n == 9 && !strncmp(m, "Wohnungen", 9);
    }
    assert_true(saw_kommune && saw_wohnungen);
    ws_results_free(r);
    /* a section of a Markdown document names its heading */
    assert_int_equal(ws_search(s, "Lindenau", 8, NULL, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].passage_kind, WS_PASSAGE_SECTION);
    assert_string_equal(r->hits[0].passage_heading, "Diskussion");
    ws_results_free(r);
    /* bad queries are errors with a message, not crashes */
    assert_int_equal(ws_search(s, "\"offen", 6, NULL, &r, &e), WS_EQUERY);
    assert_null(r);
    assert_int_equal(ws_search(s, "...", 3, NULL, &r, &e), WS_EQUERY);
    ws_searcher_close(s);
}

static void test_facets_filters_suggest(void **state)
{
    (void)state;
    ws_searcher *s = NULL;
    ws_error e;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.facet_values = 10;
    ws_results *r = NULL;
    /* "Ehrenamtliche" is in the md (2024, two speakers) and the html (2025) */
    assert_int_equal(ws_search(s, "Ehrenamtliche", 13, &o, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 2);
    assert_int_equal(r->nfacets, 5);
    int saw_type = 0, saw_speaker = 0, saw_year = 0, saw_org = 0;
    for (size_t i = 0; i < r->nfacets; i++) {
        const ws_facet *f = &r->facets[i];
        if (!strcmp(f->name, "type")) {
            saw_type = f->nvalues == 2 && f->values[0].count == 1;
        } else if (!strcmp(f->name, "speaker")) {
            /* multi-valued: each speaker of the one document counts */
            saw_speaker = f->nvalues == 2 && !strcmp(f->values[0].value, "Dr. Aylin Kaya") &&
                          f->values[0].count == 1 && !strcmp(f->values[1].value, "Jonas Weber");
        } else if (!strcmp(f->name, "year")) {
            saw_year = f->nvalues == 2;
        } else if (!strcmp(f->name, "organisation")) {
            saw_org = f->nvalues == 1 && !strcmp(f->values[0].value, "Stiftung Brückenschlag");
        }
    }
    assert_true(saw_type && saw_speaker && saw_year && saw_org);
    ws_results_free(r);

    /* field filters: every word, any word form */
    o = (ws_search_options)WS_SEARCH_OPTIONS_INIT;
    o.speaker = "Kaya";
    assert_int_equal(ws_search(s, "Ehrenamtliche", 13, &o, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_int_equal(r->hits[0].type, WS_DOC_MD);
    ws_results_free(r);
    o.speaker = NULL;
    o.organisation = "brückenschlag";
    o.year = "2024";
    assert_int_equal(ws_search(s, "Ehrenamtliche", 13, &o, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 1);
    ws_results_free(r);
    o.year = "2025";
    assert_int_equal(ws_search(s, "Ehrenamtliche", 13, &o, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 0);
    ws_results_free(r);
    o.year = "25";
    assert_int_equal(ws_search(s, "Ehrenamtliche", 13, &o, &r, &e), WS_EQUERY);

    /* completions of the last word, most frequent first */
    char **v = NULL;
    size_t n = 0;
    assert_int_equal(ws_searcher_suggest(s, "Integration Kommu", 17, 5, &v, &n, &e), WS_OK);
    assert_true(n >= 2);
    int saw = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(!strncmp(v[i], "Integration kommun", 18));
        saw |= !strcmp(v[i], "Integration kommunen");
    }
    assert_true(saw);
    ws_strings_free(v, n);
    /* a finished word (space after it) is not completed */
    assert_int_equal(ws_searcher_suggest(s, "kommu ", 6, 5, &v, &n, &e), WS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ws_searcher_suggest(s, "\xff", 1, 5, &v, &n, &e), WS_EQUERY);

    /* the stored record and the revision */
    ws_document *doc = NULL;
    size_t len = 0;
    assert_int_equal(ws_searcher_document(s, 1, &doc, &e), WS_OK);
    assert_non_null(ws_document_text(doc, &len));
    assert_true(len > 0);
    assert_non_null(ws_document_field(doc, WS_FIELD_PATH));
    ws_document_free(doc);
    assert_int_equal(ws_searcher_document(s, 99999, &doc, &e), WS_ENOTFOUND);
    uint64_t rev = 0;
    assert_int_equal(ws_searcher_revision(s, &rev, &e), WS_OK);
    assert_true(rev >= 1);
    ws_searcher_close(s);
}

static void test_incremental(void **state)
{
    (void)state;
    ws_index_stats st = update();
    assert_int_equal(st.unchanged, 3);
    assert_int_equal(st.added + st.updated + st.removed, 0);

    /* Modify: a new word appears, the old one goes. */
    write_file("wohnraum.txt", "Kommunaler Praxisdialog: Wohnraum\n\nJetzt geht es um "
                               "Mietpreisbremsen.\n");
    char p[300];
    snprintf(p, sizeof p, "%s/wohnraum.txt", docs);
    struct timespec ts[2] = {{0, UTIME_NOW}, {1700000000, 0}};
    utimensat(AT_FDCWD, p, ts, 0);
    /* Add one and one that fails. */
    write_file("neu.md", "# Neu\n\nEinbürgerung in der Kommune.\n");
    char bin[64] = "binär";
    memset(bin + 6, 0, 40);
    snprintf(p, sizeof p, "%s/kaputt.txt", docs);
    FILE *f = fopen(p, "wb");
    for (int i = 0; i < 100; i++)
        fwrite(bin, 1, sizeof bin, f);
    fclose(f);
    st = update();
    assert_int_equal(st.updated, 1);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.failed, 1);
    assert_int_equal(st.unchanged, 2);
    assert_string_equal(names("Mietpreisbremse"), "wohnraum.txt");
    assert_string_equal(names("Wohnungen"), "");
    assert_string_equal(names("Einbürgerung"), "neu.md");

    /* Delete: its document goes. */
    snprintf(p, sizeof p, "%s/neu.md", docs);
    unlink(p);
    snprintf(p, sizeof p, "%s/kaputt.txt", docs);
    unlink(p);
    st = update();
    assert_int_equal(st.removed, 1);
    assert_int_equal(st.doccount, 3);
    assert_string_equal(names("Einbürgerung"), "");
}

static void test_versions_and_locks(void **state)
{
    (void)state;
    ws_error e;
    /* Another writer holds the lock: a clear refusal. */
    ws_xdb *w = NULL;
    assert_int_equal(ws_xdb_open_write(&w, idx, WS_XDB_OPEN, &e), WS_OK);
    ws_index *ix = NULL;
    assert_int_equal(ws_index_open(&ix, idx, NULL, &e), WS_ELOCKED);
    assert_non_null(strstr(e.msg, "another process"));
    /* Pretend an older wsearch built the index. */
    assert_int_equal(ws_xdb_set_metadata(w, "wsearch.analysis", "wsearch-analysis/0", &e), WS_OK);
    assert_int_equal(ws_xdb_commit(w, &e), WS_OK);
    ws_xdb_close(w);
    ws_searcher *s = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_EVERSION);
    assert_non_null(strstr(e.msg, "--rebuild"));
    assert_int_equal(ws_index_open(&ix, idx, NULL, &e), WS_EVERSION);
    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    o.rebuild = 1;
    assert_int_equal(ws_index_open(&ix, idx, &o, &e), WS_OK);
    const char *roots[] = {docs};
    ws_index_stats st;
    assert_int_equal(ws_index_update(ix, roots, 1, NULL, NULL, &st, &e), WS_OK);
    assert_int_equal(st.added, 3);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_searcher_close(s);
    /* No index at all. */
    char none[200];
    snprintf(none, sizeof none, "%s/none", dir);
    assert_int_equal(ws_searcher_open(&s, none, &e), WS_ENOTFOUND);
    assert_non_null(strstr(e.msg, "wsearch index"));
    /* A root that does not exist. */
    assert_int_equal(ws_index_open(&ix, idx, NULL, &e), WS_OK);
    const char *bad[] = {"/nonexistent/folder"};
    assert_int_equal(ws_index_update(ix, bad, 1, NULL, NULL, &st, &e), WS_ENOTFOUND);
    ws_index_close(ix, &e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_run),
        cmocka_unit_test(test_word_forms),
        cmocka_unit_test(test_phrases_and_syntax),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_snippet_and_metadata),
        cmocka_unit_test(test_facets_filters_suggest),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_versions_and_locks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
