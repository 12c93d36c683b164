/*
 * query.c - query validation and rewriting before Xapian parses it.
 *
 * Xapian's QueryParser tokenises and lowercases on its own, differently
 * from our analysis: it would split "Akteur:innen", keep "ß", and, with
 * STEM_SOME, leave every capitalised word (every German noun) unstemmed.
 * So the query is first cut into words by ws_analyze, exactly like the
 * documents, and each word replaced by its analysed form.  What lies
 * between words (spaces, quotes, parentheses, +, -, *) stays as typed, so
 * the parser's syntax keeps working.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "wsearch/extract.h"

typedef struct qtok {
    size_t start, end;
    char term[WS_MAX_TERM + 1];
} qtok;

typedef struct qtoks {
    qtok *v;
    size_t n, cap;
    int oom;
} qtoks;

static int collect(void *ctx, const ws_token *t)
{
    qtoks *q = ctx;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        qtok *v = realloc(q->v, cap * sizeof *v);
        if (!v) {
            q->oom = 1;
            return 1;
        }
        q->v = v;
        q->cap = cap;
    }
    qtok *k = &q->v[q->n++];
    k->start = t->start;
    k->end = t->end;
    memcpy(k->term, t->term, t->term_len + 1);
    return 0;
}

static int is_operator(const char *s, size_t n)
{
    static const char *ops[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strlen(ops[i]) == n && !memcmp(ops[i], s, n))
            return 1;
    return 0;
}

static int is_date_field(const char *s, size_t n)
{
    for (const char *const *d = ws_schema_date_fields; *d; d++)
        if (strlen(*d) == n && !strncasecmp(*d, s, n))
            return 1;
    return 0;
}

/* Typographic double quotes a German keyboard or word processor produces:
 * „ “ ” « » and the fullwidth quote.  Returns the byte length or 0. */
static size_t quote_len(const char *s, size_t n)
{
    static const char *qs[] = {"\xe2\x80\x9e", "\xe2\x80\x9c", "\xe2\x80\x9d",
                               "\xc2\xab",     "\xc2\xbb",     "\xef\xbc\x82"};
    if (n && s[0] == '"')
        return 1;
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        size_t l = strlen(qs[i]);
        if (n >= l && !memcmp(s, qs[i], l))
            return l;
    }
    return 0;
}

/* Copy the text between two words, normalising quotes.  `glue` turns
 * punctuation that joins two words without a space into a hyphen, which
 * the parser reads as a phrase, as the indexer saw consecutive words. */
static void copy_gap(ws_buf *out, const char *s, size_t n, int between_words)
{
    int glue = between_words && n > 0;
    for (size_t i = 0; i < n && glue; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '+' ||
            c == '*' || quote_len(s + i, n - i))
            glue = 0;
    }
    if (glue) {
        ws_buf_putc(out, '-');
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t ql = quote_len(s + i, n - i);
        if (ql) {
            ws_buf_putc(out, '"');
            i += ql;
            continue;
        }
        ws_buf_putc(out, s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
        i++;
    }
}

/* How well the index knows a word: as written plus in its stemmed form. */
static uint32_t known_score(ws_analyzer *a, ws_known_fn known, void *ctx, const char *term)
{
    char z[WS_MAX_TERM + 2], stem[WS_MAX_TERM + 1];
    uint32_t n = known(ctx, term);
    int sl = ws_analyzer_stem(a, term, strlen(term), stem, sizeof stem);
    if (sl > 0) {
        snprintf(z, sizeof z, "Z%s", stem);
        n += known(ctx, z);
    }
    return n;
}

/* Replace term in place by its best-known umlaut spelling, if the index
 * does not know it as typed.  Tries every combination of the (at most
 * four) ae/oe/ue pairs. */
void ws_query_transliterate(ws_analyzer *a, ws_known_fn known, void *ctx, char *term)
{
    size_t at[4], n = 0, len = strlen(term);
    for (size_t i = 0; i + 1 < len && n < 4; i++)
        if ((term[i] == 'a' || term[i] == 'o' || term[i] == 'u') && term[i + 1] == 'e' &&
            !(term[i] == 'u' && i > 0 && term[i - 1] == 'q')) { /* "que" is never "qü" */
            at[n++] = i;
            i++;
        }
    if (!n || len + n > WS_MAX_TERM || known_score(a, known, ctx, term) > 0)
        return;
    char best[WS_MAX_TERM + 1] = "", cand[WS_MAX_TERM + 1];
    uint32_t best_score = 0;
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        size_t k = 0, j = 0;
        for (size_t i = 0; i < len;) {
            if (j < n && i == at[j]) {
                if (mask & (1u << j)) {
                    /* ä ö ü in UTF-8: C3 A4, C3 B6, C3 BC */
                    cand[k++] = (char)0xC3;
                    cand[k++] = (char)(term[i] == 'a' ? 0xA4 : term[i] == 'o' ? 0xB6 : 0xBC);
                    i += 2;
                    j++;
                    continue;
                }
                j++;
            }
            cand[k++] = term[i++];
        }
        cand[k] = '\0';
        uint32_t sc = known_score(a, known, ctx, cand);
        if (sc > best_score) {
            best_score = sc;
            memcpy(best, cand, k + 1);
        }
    }
    if (best_score)
        memcpy(term, best, strlen(best) + 1);
}

static int rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                   void *ctx, ws_suggest_fn suggest, int *corrected, ws_buf *out, ws_error *err)
{
    if (max && len > max)
        return ws_error_set(err, WS_ETOOBIG, "query is too long (%zu bytes, at most %zu)", len,
                            max);
    if (memchr(q, '\0', len))
        return ws_error_set(err, WS_EQUERY, "query contains a NUL byte");
    if (!ws_utf8_valid(q, len))
        return ws_error_set(err, WS_EQUERY, "query is not valid UTF-8");
    /* The parser would silently read an open quote to the end of the
     * query; a user is better told. */
    int quotes = 0, depth = 0;
    for (size_t i = 0; i < len;) {
        size_t ql = quote_len(q + i, len - i);
        if (ql) {
            quotes++;
            i += ql;
            continue;
        }
        if (q[i] == '(')
            depth++;
        else if (q[i] == ')' && --depth < 0)
            return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: ')' without '('");
        i++;
    }
    if (quotes % 2)
        return ws_error_set(err, WS_EQUERY,
                            "unbalanced quotation mark in query: a phrase is "
                            "opened with \" but not closed");
    if (depth > 0)
        return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: '(' without ')'");

    qtoks t = {0};
    int rc = ws_analyze(a, q, len, 1, NULL, collect, &t, err);
    if (rc == WS_OK && t.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    if (rc != WS_OK) {
        free(t.v);
        return rc;
    }
    size_t at = 0;
    for (size_t i = 0; i < t.n; i++) {
        qtok *k = &t.v[i];
        if (k->start < at)
            continue; /* swallowed by a date range below */
        copy_gap(out, q + at, k->start - at, i > 0 && at == t.v[i - 1].end);
        const char *s = q + k->start;
        size_t n = k->end - k->start;
        int field = k->end < len && q[k->end] == ':' && ws_schema_is_field(s, n);
        if (is_operator(s, n)) {
            ws_buf_append(out, s, n);
            /* NEAR/3, ADJ/2 */
            at = k->end;
            if (at < len && q[at] == '/') {
                size_t e = at + 1;
                while (e < len && q[e] >= '0' && q[e] <= '9')
                    e++;
                ws_buf_append(out, q + at, e - at);
                at = e;
            }
            continue;
        }
        if (field) {
            for (size_t j = 0; j < n; j++)
                ws_buf_putc(out, (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]));
            ws_buf_putc(out, ':');
            at = k->end + 1;
            if (is_date_field(s, n)) {
                /* datum:2024-01-01..2024-12-31 goes to the range processor
                 * untouched, up to the next space. */
                size_t e = at;
                while (e < len && q[e] != ' ' && q[e] != '\t' && q[e] != ')')
                    e++;
                ws_buf_append(out, q + at, e - at);
                at = e;
            }
            continue;
        }
        if (known)
            ws_query_transliterate(a, known, ctx, k->term);
        if (suggest && !(k->term[0] >= '0' && k->term[0] <= '9') &&
            known_score(a, known, ctx, k->term) == 0) {
            /* a word the index does not know: its closest known spelling */
            char fix[WS_MAX_TERM + 1];
            if (suggest(ctx, k->term, fix, sizeof fix) > 0) {
                memcpy(k->term, fix, strlen(fix) + 1);
                *corrected = 1;
            }
        }
        ws_buf_puts(out, k->term);
        at = k->end;
    }
    copy_gap(out, q + at, len - at, 0);
    free(t.v);
    if (!ws_buf_cstr(out))
        return ws_error_set(err, WS_ENOMEM, "out of memory rewriting the query");
    return WS_OK;
}

int ws_query_rewrite_known(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                           void *ctx, ws_buf *out, ws_error *err)
{
    return rewrite(a, q, len, max, known, ctx, NULL, NULL, out, err);
}

int ws_query_correct(ws_analyzer *a, const char *q, size_t len, ws_known_fn known,
                     ws_suggest_fn suggest, void *ctx, ws_buf *out, int *corrected, ws_error *err)
{
    *corrected = 0;
    return rewrite(a, q, len, 0, known, ctx, suggest, corrected, out, err);
}

int ws_query_rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_buf *out,
                     ws_error *err)
{
    return rewrite(a, q, len, max, NULL, NULL, NULL, NULL, out, err);
}
