/*
 * test_metacache.c - what a searcher remembers of related documents holds
 * for one index revision only, and never more than its bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "search/metacache.h"

static void test_remembers_per_revision(void **state)
{
    (void)state;
    ws_metacache *c = ws_metacache_new();
    assert_non_null(c);
    char *path, *title;
    ws_doctype type = WS_DOC_UNKNOWN;
    ws_metacache_sync(c, 7);
    assert_int_equal(ws_metacache_get(c, 3, &path, &title, &type), 0);
    ws_metacache_put(c, 3, "/srv/a.pdf", "Folien", WS_DOC_PDF);
    assert_int_equal(ws_metacache_get(c, 3, &path, &title, &type), 1);
    assert_string_equal(path, "/srv/a.pdf");
    assert_string_equal(title, "Folien");
    assert_int_equal(type, WS_DOC_PDF);
    free(path);
    free(title);
    /* related ids, in the same slot, kept apart from the title */
    uint32_t ids[5] = {9, 4}, got[5];
    assert_int_equal(ws_metacache_get_related(c, 3, got, 5), -1);
    ws_metacache_put_related(c, 3, ids, 2);
    assert_int_equal(ws_metacache_get_related(c, 3, got, 5), 2);
    assert_int_equal(got[0], 9);
    assert_int_equal(got[1], 4);
    assert_int_equal(ws_metacache_get(c, 3, &path, &title, &type), 1);
    free(path);
    free(title);
    /* none found is remembered too */
    ws_metacache_put_related(c, 5, ids, 0);
    assert_int_equal(ws_metacache_get_related(c, 5, got, 5), 0);
    /* the same revision keeps it; a commit forgets it */
    ws_metacache_sync(c, 7);
    assert_int_equal(ws_metacache_get_related(c, 3, got, 5), 2);
    ws_metacache_sync(c, 8);
    assert_int_equal(ws_metacache_get(c, 3, &path, &title, &type), 0);
    assert_int_equal(ws_metacache_get_related(c, 3, got, 5), -1);
    /* a new generation forgets it whatever its revision */
    ws_metacache_put(c, 3, NULL, "Titel", WS_DOC_MD);
    ws_metacache_clear(c);
    assert_int_equal(ws_metacache_get(c, 3, &path, &title, &type), 0);
    ws_metacache_free(c);
}

/* Long strings are not remembered (the table stays small), and a NULL
 * cache (out of memory) simply remembers nothing. */
static void test_bounded(void **state)
{
    (void)state;
    ws_metacache *c = ws_metacache_new();
    char *path, *title, big[2048];
    ws_doctype type;
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ws_metacache_put(c, 11, big, "Titel", WS_DOC_TXT);
    assert_int_equal(ws_metacache_get(c, 11, &path, &title, &type), 0);
    ws_metacache_put(NULL, 11, "/a", "b", WS_DOC_TXT);
    assert_int_equal(ws_metacache_get(NULL, 11, &path, &title, &type), 0);
    assert_int_equal(ws_metacache_get_related(NULL, 11, NULL, 0), -1);
    /* docid 0 is no document */
    ws_metacache_put(c, 0, "/a", "b", WS_DOC_TXT);
    assert_int_equal(ws_metacache_get(c, 0, &path, &title, &type), 0);
    ws_metacache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remembers_per_revision),
        cmocka_unit_test(test_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
