/*
 * test_layout.c - rebuilds through the library: a new generation beside
 * the live index, published atomically; an open searcher switches on its
 * next reopen and never sees the half-built one; a failed rebuild leaves
 * the live index alone; a plain folder migrates; old generations go.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "wsearch/index.h"
#include "wsearch/search.h"

static char dir[128], docs[160], idx[160], gen[170];

static void write_doc(const char *name, const char *content)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", docs, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static size_t hits(ws_searcher *s, const char *q)
{
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    ws_results *r = NULL;
    ws_error e;
    assert_int_equal(ws_search(s, q, strlen(q), &o, &r, &e), WS_OK);
    size_t n = r->nhits;
    ws_results_free(r);
    return n;
}

static void build(int rebuild)
{
    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    o.rebuild = rebuild;
    o.jobs = 1;
    ws_index *ix = NULL;
    ws_error e;
    assert_int_equal(ws_index_open(&ix, idx, &o, &e), WS_OK);
    const char *roots[] = {docs};
    assert_int_equal(ws_index_update(ix, roots, 1, NULL, NULL, NULL, &e), WS_OK);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);
}

static int count_generations(void)
{
    int n = 0;
    for (int i = 0; i < 20; i++) {
        char p[200];
        struct stat st;
        snprintf(p, sizeof p, "%s/%d", gen, i);
        n += stat(p, &st) == 0;
    }
    return n;
}

static void test_rebuild_generations(void **state)
{
    (void)state;
    ws_error e;
    write_doc("a.txt", "Quartiersmanagement in Lindenau.\n");
    build(0);
    struct stat st;
    assert_int_equal(stat(idx, &st), 0);
    assert_true(S_ISDIR(st.st_mode)); /* a new index is a plain folder */

    ws_searcher *s = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    assert_int_equal(hits(s, "quartiersmanagement"), 1);

    /* A rebuild in progress is invisible to the reader. */
    write_doc("b.txt", "Sprachmittlung im Landkreis.\n");
    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    o.rebuild = 1;
    o.jobs = 1;
    ws_index *ix = NULL;
    assert_int_equal(ws_index_open(&ix, idx, &o, &e), WS_OK);
    const char *roots[] = {docs};
    assert_int_equal(ws_index_update(ix, roots, 1, NULL, NULL, NULL, &e), WS_OK);
    assert_int_equal(ws_searcher_reopen(s, &e), WS_OK);
    assert_int_equal(hits(s, "quartiersmanagement"), 1);
    assert_int_equal(hits(s, "sprachmittlung"), 0);
    /* Another writer is kept out while the live index is being replaced. */
    ws_index *other = NULL;
    assert_int_equal(ws_index_open(&other, idx, NULL, &e), WS_ELOCKED);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);

    /* Published: the path is a stub now, the old folder generation 0. */
    assert_int_equal(stat(idx, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(ws_searcher_reopen(s, &e), WS_OK);
    assert_int_equal(hits(s, "sprachmittlung"), 1);
    assert_int_equal(hits(s, "quartiersmanagement"), 1);
    assert_int_equal(count_generations(), 2);

    /* More rebuilds: only the live and the previous generation stay, and
     * a reader that lagged behind still finds its way. */
    build(1);
    build(1);
    assert_int_equal(count_generations(), 2);
    /* Its generation is deleted, but the files it has open still read. */
    assert_int_equal(hits(s, "sprachmittlung"), 1);
    assert_int_equal(ws_searcher_reopen(s, &e), WS_OK);
    assert_int_equal(hits(s, "sprachmittlung"), 1);

    /* An incremental run writes into the live generation. */
    write_doc("c.txt", "Ehrenamtskoordination.\n");
    build(0);
    assert_int_equal(ws_searcher_reopen(s, &e), WS_OK);
    assert_int_equal(hits(s, "ehrenamtskoordination"), 1);

    /* A rebuild whose update fails publishes nothing. */
    FILE *f = fopen(idx, "r");
    char before[200] = "", after[200] = "";
    assert_non_null(f);
    assert_non_null(fgets(before, sizeof before, f));
    fclose(f);
    assert_int_equal(ws_index_open(&ix, idx, &o, &e), WS_OK);
    const char *bad[] = {"/nonexistent/folder/for/wsearch"};
    assert_int_equal(ws_index_update(ix, bad, 1, NULL, NULL, NULL, &e), WS_ENOTFOUND);
    ws_index_close(ix, &e);
    f = fopen(idx, "r");
    assert_non_null(f);
    assert_non_null(fgets(after, sizeof after, f));
    fclose(f);
    assert_string_equal(before, after);
    assert_int_equal(ws_searcher_reopen(s, &e), WS_OK);
    assert_int_equal(hits(s, "ehrenamtskoordination"), 1);
    assert_int_equal(count_generations(), 2); /* the failed one was removed */
    ws_searcher_close(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-layout-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
    snprintf(gen, sizeof gen, "%s/index.gen", dir);
    return mkdir(docs, 0755);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rebuild_generations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
