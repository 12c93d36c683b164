/*
 * test_share.c - ws_index_release / ws_index_reacquire, the watcher's way
 * to share the index: between batches the lock is free for a plain update
 * or a rebuild; reacquiring while another writer holds it says WS_ELOCKED;
 * after a rebuild the handle writes into the new generation, so nothing it
 * writes then is lost; misuse is an error, not a crash.
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

static char dir[128], docs[160], idx[160];

static void write_doc(const char *name, const char *content, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", docs, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static size_t hits(const char *q)
{
    ws_searcher *s = NULL;
    ws_error e;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    ws_results *r = NULL;
    assert_int_equal(ws_search(s, q, strlen(q), &o, &r, &e), WS_OK);
    size_t n = r->nhits;
    ws_results_free(r);
    ws_searcher_close(s);
    return n;
}

static void test_release_and_reacquire(void **state)
{
    (void)state;
    ws_error e;
    char pa[300], pb[300], pc[300];
    ws_index_options o = WS_INDEX_OPTIONS_INIT;
    o.jobs = 1;
    write_doc("a.txt", "Quartiersmanagement in Lindenau.\n", pa, sizeof pa);

    /* The "watcher": writes, then lets go of the lock. */
    ws_index *w = NULL;
    assert_int_equal(ws_index_open(&w, idx, &o, &e), WS_OK);
    const char *roots[] = {docs};
    assert_int_equal(ws_index_update(w, roots, 1, NULL, NULL, NULL, &e), WS_OK);
    assert_int_equal(ws_index_release(w, &e), WS_OK);
    assert_int_equal(ws_index_release(w, &e), WS_OK); /* twice is harmless */
    assert_int_equal(hits("quartiersmanagement"), 1); /* committed */
    /* Released: no writing without the lock. */
    assert_int_equal(ws_index_update(w, roots, 1, NULL, NULL, NULL, &e), WS_EINVAL);

    /* Meanwhile another writer may open it. */
    ws_index *other = NULL;
    assert_int_equal(ws_index_open(&other, idx, &o, &e), WS_OK);
    /* and while it holds the lock, the watcher must wait */
    assert_int_equal(ws_index_reacquire(w, &e), WS_ELOCKED);
    assert_non_null(strstr(e.msg, "another process is writing"));
    assert_int_equal(ws_index_close(other, &e), WS_OK);

    /* A rebuild next to it, with a file that appears during the rebuild. */
    ws_index_options ro = o;
    ro.rebuild = 1;
    ws_index *rb = NULL;
    assert_int_equal(ws_index_open(&rb, idx, &ro, &e), WS_OK);
    assert_int_equal(ws_index_release(rb, &e), WS_EINVAL); /* not for a rebuild */
    assert_int_equal(ws_index_reacquire(w, &e), WS_ELOCKED);
    assert_int_equal(ws_index_update(rb, roots, 1, NULL, NULL, NULL, &e), WS_OK);
    write_doc("b.txt", "Sprachmittlung im Landkreis.\n", pb, sizeof pb); /* after its walk */
    assert_int_equal(ws_index_close(rb, &e), WS_OK);
    struct stat st;
    assert_int_equal(stat(idx, &st), 0);
    assert_true(S_ISREG(st.st_mode));            /* published: a stub naming the new generation */
    assert_int_equal(hits("sprachmittlung"), 0); /* the rebuild missed it */

    /* The watcher's pending batch goes into the new generation. */
    write_doc("c.txt", "Ehrenamtskoordination.\n", pc, sizeof pc);
    assert_int_equal(ws_index_reacquire(w, &e), WS_OK);
    const char *batch[] = {pb, pc};
    assert_int_equal(ws_index_update(w, batch, 2, NULL, NULL, NULL, &e), WS_OK);
    assert_int_equal(ws_index_release(w, &e), WS_OK);
    assert_int_equal(hits("sprachmittlung"), 1);
    assert_int_equal(hits("ehrenamtskoordination"), 1);
    assert_int_equal(hits("quartiersmanagement"), 1);

    /* Reacquired and closed without a release: close commits too. */
    unlink(pa);
    assert_int_equal(ws_index_reacquire(w, &e), WS_OK);
    const char *gone[] = {pa};
    ws_index_update(w, gone, 1, NULL, NULL, NULL, &e); /* "no longer exists": a warning */
    assert_int_equal(ws_index_close(w, &e), WS_OK);
    assert_int_equal(hits("quartiersmanagement"), 0);

    /* A released handle closes cleanly. */
    assert_int_equal(ws_index_open(&w, idx, &o, &e), WS_OK);
    assert_int_equal(ws_index_release(w, &e), WS_OK);
    assert_int_equal(ws_index_close(w, &e), WS_OK);
    assert_int_equal(ws_index_release(NULL, &e), WS_EINVAL);
    assert_int_equal(ws_index_reacquire(NULL, &e), WS_EINVAL);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-share-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
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
        cmocka_unit_test(test_release_and_reacquire),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
