/*
 * test_wordcache.c - the term generator's memo: records come back as kept,
 * words share places without mixing up their records, and a full arena
 * empties the memo instead of growing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/wordcache.h"

static void expect(const ws_wordcache *c, const char *w, const char *rec)
{
    size_t n = 0;
    const unsigned char *r = ws_wordcache_get(c, w, strlen(w), &n);
    if (!rec) {
        assert_null(r);
        return;
    }
    assert_non_null(r);
    assert_int_equal(n, strlen(rec));
    assert_memory_equal(r, rec, n);
}

static void test_get_put(void **state)
{
    (void)state;
    ws_wordcache *c = ws_wordcache_new(16, 1024);
    assert_non_null(c);
    expect(c, "kommune", NULL);
    assert_int_equal(ws_wordcache_put(c, "kommune", 7, "kommun", 6), 0);
    assert_int_equal(ws_wordcache_put(c, "straße", strlen("straße"), "", 0), 0);
    expect(c, "kommune", "kommun");
    expect(c, "straße", "");
    expect(c, "kommunen", NULL);
    /* a word is kept once */
    assert_int_equal(ws_wordcache_put(c, "kommune", 7, "x", 1), -1);
    expect(c, "kommune", "kommun");
    ws_wordcache_clear(c);
    expect(c, "kommune", NULL);
    ws_wordcache_free(c);
    ws_wordcache_free(NULL);
}

/* More words than places: each lookup gives its own record or none,
 * never another word's. */
static void test_collisions(void **state)
{
    (void)state;
    ws_wordcache *c = ws_wordcache_new(4, 64);
    assert_non_null(c);
    char w[16];
    for (int i = 0; i < 100; i++) {
        snprintf(w, sizeof w, "wort%d", i);
        ws_wordcache_put(c, w, strlen(w), w, strlen(w));
    }
    int kept = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(w, sizeof w, "wort%d", i);
        size_t n;
        const unsigned char *r = ws_wordcache_get(c, w, strlen(w), &n);
        if (r) {
            assert_int_equal(n, strlen(w));
            assert_memory_equal(r, w, n);
            kept++;
        }
    }
    assert_in_range(kept, 1, 4);
    ws_wordcache_free(c);
}

/* Records too long for their place go to the arena; a full arena empties
 * the memo; what can never fit is refused. */
static void test_arena(void **state)
{
    (void)state;
    ws_wordcache *c = ws_wordcache_new(4096, 100);
    char big[120];
    memset(big, 'x', sizeof big);
    assert_int_equal(ws_wordcache_put(c, "kurz", 4, "k", 1), 0);
    assert_int_equal(ws_wordcache_put(c, "lang", 4, big, 60), 0); /* 4 + 60 > 56 */
    expect(c, "kurz", "k");
    size_t n;
    const unsigned char *r = ws_wordcache_get(c, "lang", 4, &n);
    assert_non_null(r);
    assert_int_equal(n, 60);
    assert_memory_equal(r, big, 60);
    assert_int_equal(ws_wordcache_put(c, "mehr", 4, big, 60), 0); /* 60 + 60 > 100 */
    expect(c, "kurz", NULL);
    expect(c, "lang", NULL);
    r = ws_wordcache_get(c, "mehr", 4, &n);
    assert_non_null(r);
    assert_int_equal(n, 60);
    assert_int_equal(ws_wordcache_put(c, "riesig", 6, big, 101), -1);
    char longword[60];
    memset(longword, 'a', sizeof longword);
    assert_int_equal(ws_wordcache_put(c, longword, 57, "k", 1), -1);
    assert_null(ws_wordcache_get(c, longword, 57, &n));
    ws_wordcache_free(c);
    assert_null(ws_wordcache_new(0, 64));
}

/* The table starts at 1 024 places and grows (forgetting) when as many
 * words were kept: a short text costs a small table. */
static void test_grows(void **state)
{
    (void)state;
    ws_wordcache *c = ws_wordcache_new(1 << 16, 1024);
    char w[16];
    for (int i = 0; i < 1023; i++) {
        snprintf(w, sizeof w, "w%d", i);
        assert_int_equal(ws_wordcache_put(c, w, strlen(w), "r", 1), 0);
    }
    int kept = 0;
    for (int i = 0; i < 1023; i++) {
        size_t n;
        snprintf(w, sizeof w, "w%d", i);
        kept += ws_wordcache_get(c, w, strlen(w), &n) != NULL;
    }
    assert_in_range(kept, 400, 1023); /* 1 024 places, some shared */
    /* the 1 024th word: the table grows (empty) before keeping it */
    assert_int_equal(ws_wordcache_put(c, "neu", 3, "r", 1), 0);
    expect(c, "w0", NULL);
    expect(c, "w1022", NULL);
    expect(c, "neu", "r");
    ws_wordcache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put),
        cmocka_unit_test(test_collisions),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
