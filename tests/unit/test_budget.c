/*
 * test_budget.c - the per-query budget of ws_search: wildcards share the
 * expansion budget and say so in ws_results.truncated, too many clauses
 * are refused with a message, and ordinary queries are not marked.
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

/* 40 documents, each with its own k-words (kanal1, kante1, ...), so "k*"
 * begins far more words than a small share lets it stand for. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ws-test-budget-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
    mkdir(docs, 0755);
    for (int i = 0; i < 40; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s/doc%02d.txt", docs, i);
        FILE *f = fopen(p, "w");
        if (!f)
            return -1;
        fprintf(f, "Bericht %d\n\nDie Kommune plant kanal%d kante%d kiosk%d und Wohnraum.\n", i, i,
                i, i);
        fclose(f);
    }
    ws_index *ix = NULL;
    ws_error e;
    ws_index_stats st;
    const char *roots[] = {docs};
    if (ws_index_open(&ix, idx, NULL, &e) != WS_OK ||
        ws_index_update(ix, roots, 1, NULL, NULL, &st, &e) != WS_OK)
        return -1;
    return ws_index_close(ix, &e) == WS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* n copies of word joined by sep, in a malloc'd string. */
static char *repeat(const char *word, const char *sep, int n)
{
    size_t cap = (strlen(word) + strlen(sep)) * (size_t)n + 1;
    char *q = malloc(cap);
    assert_non_null(q);
    q[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(q, sep);
        strcat(q, word);
    }
    return q;
}

static void test_wildcards_share_the_budget(void **state)
{
    (void)state;
    ws_searcher *s = NULL;
    ws_error e;
    ws_results *r = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.max_query = 1 << 16;

    /* One wildcard within its 200 words: not truncated. */
    assert_int_equal(ws_search(s, "k*", 2, &o, &r, &e), WS_OK);
    assert_true(r->nhits > 0);
    assert_int_equal(r->truncated, 0);
    ws_results_free(r);

    /* 680 x k* OR-ed: 2000 / 680 = 2 words each, far fewer than k* begins
     * (120+ words): cut, and still the best hits within the budget. */
    char *q = repeat("k*", " OR ", 680);
    assert_int_equal(ws_search(s, q, strlen(q), &o, &r, &e), WS_OK);
    assert_true(r->truncated & WS_TRUNCATED_WILDCARDS);
    assert_true(r->nhits > 0);
    ws_results_free(r);

    /* A budget of 10 words for one wildcard that begins 120. */
    o.max_expansion = 10;
    assert_int_equal(ws_search(s, "kanal*", 6, &o, &r, &e), WS_OK);
    assert_true(r->truncated & WS_TRUNCATED_WILDCARDS);
    assert_int_equal(r->nhits, 10);
    ws_results_free(r);
    o.max_expansion = 0;

    /* An ordinary query is never marked. */
    assert_int_equal(ws_search(s, "Kommune Wohnraum", 16, &o, &r, &e), WS_OK);
    assert_int_equal(r->truncated, 0);
    assert_true(r->nhits > 0);
    ws_results_free(r);
    free(q);
    ws_searcher_close(s);
}

static void test_too_many_clauses(void **state)
{
    (void)state;
    ws_searcher *s = NULL;
    ws_error e;
    ws_results *r = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.max_query = 1 << 16;
    o.max_terms = 5;
    char *q = repeat("kommune", " ", 6);
    assert_int_equal(ws_search(s, q, strlen(q), &o, &r, &e), WS_EQUERY);
    assert_null(r);
    assert_non_null(strstr(e.msg, "too large"));
    assert_non_null(strstr(e.msg, "at most 5"));
    free(q);
    /* Within the cap it runs. */
    assert_int_equal(ws_search(s, "kommune wohnraum", 16, &o, &r, &e), WS_OK);
    ws_results_free(r);
    /* The default cap holds for a query the default max_query lets in. */
    o.max_terms = 0;
    q = repeat("kommune", " ", 1200);
    assert_int_equal(ws_search(s, q, strlen(q), &o, &r, &e), WS_EQUERY);
    assert_non_null(strstr(e.msg, "at most 1000"));
    free(q);
    ws_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcards_share_the_budget),
        cmocka_unit_test(test_too_many_clauses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
