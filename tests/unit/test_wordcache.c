/*
 * test_wordcache.c - the term generator's memo: records come back as kept,
 * and a full memo empties itself instead of growing.
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

/* Full in words or in bytes: emptied, then the new word is kept. */
static void test_bounds(void **state)
{
    (void)state;
    ws_wordcache *c = ws_wordcache_new(4, 64);
    char w[16];
    for (int i = 0; i < 4; i++) {
        snprintf(w, sizeof w, "wort%d", i);
        assert_int_equal(ws_wordcache_put(c, w, strlen(w), w, strlen(w)), 0);
    }
    expect(c, "wort0", "wort0");
    expect(c, "wort3", "wort3");
    assert_int_equal(ws_wordcache_put(c, "wort4", 5, "wort4", 5), 0);
    expect(c, "wort0", NULL);
    expect(c, "wort3", NULL);
    expect(c, "wort4", "wort4");
    char big[65];
    memset(big, 'x', sizeof big);
    assert_int_equal(ws_wordcache_put(c, "gross", 5, big, 65), -1); /* over the bound */
    expect(c, "wort4", "wort4");
    assert_int_equal(ws_wordcache_put(c, "voll", 4, big, 60), 0); /* 5 + 60 > 64 */
    expect(c, "wort4", NULL);
    expect(c, "voll", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    ws_wordcache_free(c);
    assert_null(ws_wordcache_new(0, 64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put),
        cmocka_unit_test(test_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
