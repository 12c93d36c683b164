/*
 * test_strset.c - the one string set (lib/util/strset.c) and the one hash
 * (util/hash.h): FNV-1a's published values, adds and finds, counters,
 * insertion order across growth, the entry limit, and strings that differ
 * only in length or in bytes past a common prefix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/hash.h"
#include "util/strset.h"

static void test_fnv1a(void **state)
{
    (void)state;
    /* the reference values of the 64-bit FNV-1a (Fowler, Noll, Vo) */
    static const struct {
        const char *s;
        uint64_t h;
    } cases[] = {
        {"", 0xcbf29ce484222325ULL},
        {"a", 0xaf63dc4c8601ec8cULL},
        {"foobar", 0x85944171f73967e8ULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_true(ws_fnv1a(cases[i].s, strlen(cases[i].s)) == cases[i].h);
    assert_true(WS_FNV1A_OFFSET == 14695981039346656037ULL);
    /* built in pieces, the same */
    assert_true(ws_fnv1a_add(ws_fnv1a("foo", 3), "bar", 3) == ws_fnv1a("foobar", 6));
}

static void test_add_find(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        int added; /* expected */
        long index;
    } cases[] = {
        {"kommune", 7, 1, 0},      {"kommunal", 8, 1, 1}, {"kommune", 7, 0, 0},
        {"kommun", 6, 1, 2},       {"", 0, 1, 3},         {"", 0, 0, 3},
        {"\xc3\xa4mter", 6, 1, 4}, {"kommunal", 8, 0, 1}, {"kommunalx", 8, 0, 1},
    };
    ws_strset *s = ws_strset_new(0);
    assert_non_null(s);
    assert_int_equal(ws_strset_find(s, "x", 1), -1); /* empty */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int added = -1;
        long at = ws_strset_add(s, cases[i].s, cases[i].n, &added);
        if (at != cases[i].index || added != cases[i].added)
            fail_msg("case %zu: at %ld added %d", i, at, added);
        (*ws_strset_counter(s, (size_t)at))++;
        assert_int_equal(ws_strset_find(s, cases[i].s, cases[i].n), cases[i].index);
    }
    assert_int_equal(ws_strset_size(s), 5);
    size_t len = 0;
    assert_string_equal(ws_strset_at(s, 1, &len), "kommunal");
    assert_int_equal(len, 8);
    assert_int_equal(*ws_strset_counter(s, 1), 3); /* added once, found twice */
    assert_int_equal(*ws_strset_counter(s, 2), 1);
    assert_int_equal(ws_strset_find(s, "kommu", 5), -1);
    assert_int_equal(ws_strset_find(s, "kommunen", 8), -1);
    ws_strset_free(s);
    ws_strset_free(NULL);
    assert_int_equal(ws_strset_find(NULL, "a", 1), -1);
    assert_int_equal(ws_strset_size(NULL), 0);
}

/* Many entries: growth keeps every one findable and their order. */
static void test_growth(void **state)
{
    (void)state;
    ws_strset *s = ws_strset_new(0);
    char w[32];
    for (int i = 0; i < 50000; i++) {
        int n = snprintf(w, sizeof w, "wort%d", i);
        assert_int_equal(ws_strset_add(s, w, (size_t)n, NULL), i);
    }
    for (int i = 0; i < 50000; i += 7) {
        int n = snprintf(w, sizeof w, "wort%d", i);
        assert_int_equal(ws_strset_find(s, w, (size_t)n), i);
        assert_string_equal(ws_strset_at(s, (size_t)i, NULL), w);
    }
    assert_int_equal(ws_strset_find(s, "wort50000", 9), -1);
    ws_strset_free(s);
}

/* A full set refuses new strings, still finds and re-adds old ones. */
static void test_limit(void **state)
{
    (void)state;
    ws_strset *s = ws_strset_new(3);
    assert_int_equal(ws_strset_add(s, "a", 1, NULL), 0);
    assert_int_equal(ws_strset_add(s, "b", 1, NULL), 1);
    assert_int_equal(ws_strset_add(s, "c", 1, NULL), 2);
    int added = 1;
    assert_int_equal(ws_strset_add(s, "d", 1, &added), -1);
    assert_int_equal(added, 0);
    assert_int_equal(ws_strset_add(s, "b", 1, &added), 1);
    assert_int_equal(added, 0);
    assert_int_equal(ws_strset_size(s), 3);
    assert_int_equal(ws_strset_find(s, "d", 1), -1);
    ws_strset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv1a),
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
