/*
 * fuzz_query.c - libFuzzer target for query analysis and rewriting: any
 * bytes a client sends must give WS_OK or a clean error, never a crash,
 * and a rewritten query must be valid UTF-8.  Runs the plain rewrite and
 * the one a search uses (transliteration against a vocabulary, thesaurus
 * entries of several words, hyphenated compounds, exact-spelling terms),
 * with a vocabulary and a thesaurus made up here.  The lexer's tokens are
 * checked on their own (offsets in order and inside the query, marks
 * between them) and the spelling correction runs on them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query/lexer.h"
#include "query/query.h"
#include "wsearch/extract.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every word that starts with a letter before 'n' is "known"; words
 * containing "ü" twice as often. */
static uint32_t knows(void *ctx, const char *term)
{
    (void)ctx;
    const char *t = term[0] == 'Z' ? term + 1 : term;
    return (t[0] >= 'a' && t[0] < 'n') + (strstr(t, "\xc3\xbc") ? 2 : 0);
}

/* "bamf" and "kiz" stand for several words, and "bundesamt für migration"
 * for "bamf". */
static int phrases(void *ctx, const char *key, ws_buf *alts)
{
    (void)ctx;
    if (!strcmp(key, "bamf") || !strcmp(key, "kiz")) {
        ws_buf_puts(alts, "bundesamt für migration\nkommunales integrationszentrum\n");
        return 2;
    }
    if (!strcmp(key, "bundesamt für migration")) {
        ws_buf_puts(alts, "bamf\n");
        return 1;
    }
    return 0;
}

/* Every word beginning with "x" is misspelt for "kita". */
static int suggest(void *ctx, const char *term, char *out, size_t cap, ws_error *err)
{
    (void)ctx;
    (void)err;
    if (term[0] != 'x' || cap < 5)
        return 0;
    memcpy(out, "kita", 5);
    return 4;
}

/* Tokens in order, inside the query, each within its syntax; marks in
 * order between them. */
static void check_tokens(const ws_qlex *l, size_t size)
{
    size_t prev = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ws_qtoken *k = &l->v[i];
        if (k->start < prev || k->end <= k->start || k->end > size || k->next < k->end ||
            k->next > size || k->raw_end < k->end || k->raw_end > size || k->kind > WS_QK_PART ||
            strlen(k->term) > WS_MAX_TERM)
            abort();
        if (k->kind == WS_QK_OP && (k->op < 0 || k->op > WS_QOP_ADJ || (k->flags & WS_QF_XPHRASE)))
            abort();
        prev = k->end;
    }
    for (size_t m = 0; m < l->nmarks; m++) {
        const ws_qmark *k = &l->marks[m];
        if (k->at + k->len > size || (m && k->at < l->marks[m - 1].at + l->marks[m - 1].len) ||
            k->close > size)
            abort();
    }
}

static void check(const ws_buf *b)
{
    if (b->oom)
        return;
    if (b->len && !ws_utf8_valid(b->data, b->len))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ws_analyzer *an;
    if (!an && ws_analyzer_new(&an, NULL) != WS_OK)
        abort();
    ws_buf b = WS_BUF_INIT, rw = WS_BUF_INIT, exact = WS_BUF_INIT;
    ws_error e;
    if (ws_query_rewrite(an, (const char *)data, size, 4096, &b, &e) == WS_OK) {
        const char *s = ws_buf_cstr(&b);
        if (!s || !ws_utf8_valid(s, b.len))
            abort();
    }
    ws_query_extras x = {phrases, NULL, &exact};
    if (ws_query_prepare(an, (const char *)data, size, 4096, knows, NULL, &x, &rw, &e) == WS_OK) {
        check(&rw);
        check(&exact);
    }
    ws_query *p = NULL;
    if (ws_query_parse(an, (const char *)data, size, 4096, knows, NULL, &p, &e) == WS_OK) {
        check_tokens(ws_query_tokens(p), size);
        ws_buf c = WS_BUF_INIT;
        int corrected = 0;
        if (ws_query_suggest(p, suggest, NULL, &c, &corrected, &e) == WS_OK)
            check(&c);
        ws_buf_free(&c);
        ws_query_free(p);
    }
    ws_buf_free(&b);
    ws_buf_free(&rw);
    ws_buf_free(&exact);
    return 0;
}
