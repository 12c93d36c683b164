/*
 * snippet.c - snippets from the full stored text.
 *
 * Omega builds its snippets from a 512-byte sample stored at index time,
 * so a match further down a document shows no context.  wsearch stores the
 * whole text and picks the window with the most distinct query words,
 * using the same analysis as the index, so "Kommunen" is marked where the
 * query said "Kommune".
 */
#include "search/snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

typedef struct hit {
    size_t start, end;
    int term; /* 1-based query term */
} hit;

typedef struct scan_ctx {
    hit *v;
    size_t n, cap;
    ws_match_fn match;
    void *mctx;
    int oom;
    int rc;      /* the matcher's error (it set the message) */
    size_t base; /* where in the text the stretch analysed starts */
} scan_ctx;

static int on_token(void *vctx, const ws_token *tok)
{
    scan_ctx *s = vctx;
    ws_token at = *tok; /* offsets in the whole text, as the matcher reads it */
    const ws_token *t = &at;
    at.start += s->base;
    at.end += s->base;
    size_t ms = t->start, me = t->end;
    int m = s->match(s->mctx, t, &ms, &me);
    if (m < 0) {
        s->rc = m;
        return 1;
    }
    if (m == 0)
        return 0;
    if (ms < t->start || me > t->end || ms >= me) /* never outside the token */
        ms = t->start, me = t->end;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        hit *v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;
            return 1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n].start = ms;
    s->v[s->n].end = me;
    s->v[s->n].term = m > 64 ? 64 : m;
    s->n++;
    return 0;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static int is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Move i back to the start of a UTF-8 sequence. */
static size_t utf8_floor(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Best window: the one starting at a match that covers the most
 * distinct terms (with group, the most distinct term groups), then the
 * most matches; *distinct and *count (may be NULL) are its figures. */
static size_t best_window(const hit *v, size_t n, size_t want, const unsigned char *group,
                          int *distinct, int *count)
{
    size_t best = 0;
    int best_distinct = -1, best_count = -1;
    for (size_t i = 0, j = 0; i < n; i++) {
        if (j < i)
            j = i;
        while (j + 1 < n && v[j + 1].end <= v[i].start + want * 3 / 4)
            j++;
        uint64_t mask = 0;
        for (size_t k = i; k <= j; k++)
            mask |= (uint64_t)1 << (group ? group[v[k].term - 1] : v[k].term - 1);
        int d = popcount64(mask), c = (int)(j - i + 1);
        if (d > best_distinct || (d == best_distinct && c > best_count)) {
            best = i;
            best_distinct = d;
            best_count = c;
        }
    }
    if (distinct)
        *distinct = best_distinct;
    if (count)
        *count = best_count;
    return best;
}

/* Window bounds: a little context before the first match, cut at
 * spaces, never inside a UTF-8 sequence. */
static void window_bounds(const char *text, size_t len, size_t want, const scan_ctx *s, size_t best,
                          size_t *startp, size_t *endp)
{
    size_t start = 0;
    if (s->n) {
        size_t anchor = s->v[best].start;
        size_t back = want / 5;
        start = anchor > back ? anchor - back : 0;
        /* prefer starting at a sentence start close by */
        for (size_t p = anchor; p > start; p--)
            if (p >= 2 && (text[p - 2] == '.' || text[p - 2] == '\n') && is_space(text[p - 1])) {
                start = p;
                break;
            }
        if (start > 0 && start != anchor) {
            while (start < anchor && !is_space(text[start - 1]))
                start++;
        }
    }
    while (start < len && is_space(text[start]))
        start++;
    size_t end = start + want < len ? start + want : len;
    if (end < len) {
        size_t e = end;
        while (e > start && !is_space(text[e]))
            e--;
        end = e > start ? e : utf8_floor(text, end);
    }
    while (end > start && is_space(text[end - 1]))
        end--;
    *startp = start;
    *endp = end;
}

/* Copy text[start, end) with whitespace collapsed into b, translating
 * match offsets into marks (room for s->n); returns how many. */
static size_t copy_window(const char *text, size_t len, size_t start, size_t end, const scan_ctx *s,
                          ws_buf *b, ws_range *marks)
{
    size_t nmarks = 0;
    if (start > 0)
        ws_buf_puts(b, "\xe2\x80\xa6 ");
    size_t h = 0;
    while (h < s->n && s->v[h].start < start)
        h++;
    int in_space = 0;
    for (size_t i = start; i < end; i++) {
        if (h < s->n && s->v[h].start == i && s->v[h].end <= end) {
            marks[nmarks].start = b->len;
            ws_buf_append(b, text + i, s->v[h].end - i);
            marks[nmarks].end = b->len;
            nmarks++;
            i = s->v[h].end - 1;
            h++;
            in_space = 0;
            continue;
        }
        if (is_space(text[i])) {
            if (!in_space)
                ws_buf_putc(b, ' ');
            in_space = 1;
            continue;
        }
        in_space = 0;
        ws_buf_putc(b, text[i]);
    }
    if (end < len)
        ws_buf_puts(b, " \xe2\x80\xa6");
    return nmarks;
}

/* Analyse text[s, e) for matches (s and e on character boundaries), after
 * checking it is what the snippet may show: UTF-8 without NUL. */
static int analyse(ws_analyzer *a, const char *text, size_t s, size_t e, scan_ctx *sc,
                   ws_error *err)
{
    if (memchr(text + s, '\0', e - s) || !ws_utf8_valid(text + s, e - s))
        return ws_error_set(err, WS_ECORRUPT, "stored text is not UTF-8 (near byte %zu)", s);
    sc->base = s;
    int rc = ws_analyze(a, text + s, e - s, 0, NULL, on_token, sc, err);
    if (rc == WS_OK && sc->rc != WS_OK)
        rc = sc->rc;
    if (rc == WS_OK && sc->oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory making a snippet");
    return rc;
}

static int by_start(const void *x, const void *y)
{
    const hit *a = x, *b = y;
    return (a->start > b->start) - (a->start < b->start);
}

/* The snippet around the best window of the matches in s (sorted). */
static int finish(const char *text, size_t len, size_t want, scan_ctx *s, ws_snippet *out,
                  ws_error *err)
{
    size_t best = best_window(s->v, s->n, want, NULL, NULL, NULL);
    size_t start, end;
    window_bounds(text, len, want, s, best, &start, &end);
    if (memchr(text + start, '\0', end - start) || !ws_utf8_valid(text + start, end - start)) {
        free(s->v);
        return ws_error_set(err, WS_ECORRUPT, "stored text is not UTF-8 (near byte %zu)", start);
    }
    ws_buf b = WS_BUF_INIT;
    ws_range *marks = NULL;
    if (s->n) {
        marks = malloc(s->n * sizeof *marks);
        if (!marks) {
            free(s->v);
            return ws_error_set(err, WS_ENOMEM, "out of memory making a snippet");
        }
    }
    size_t nmarks = copy_window(text, len, start, end, s, &b, marks);
    free(s->v);
    out->text = ws_buf_steal(&b, NULL);
    if (!out->text) {
        free(marks);
        return ws_error_set(err, WS_ENOMEM, "out of memory making a snippet");
    }
    out->marks = marks;
    out->nmarks = nmarks;
    out->src_start = start;
    return WS_OK;
}

int ws_snippet_make(ws_analyzer *a, const char *text, size_t len, size_t want, size_t scan,
                    ws_match_fn match, void *ctx, ws_snippet *out, ws_error *err)
{
    memset(out, 0, sizeof *out);
    if (!want)
        want = 240;
    scan_ctx s = {NULL, 0, 0, match, ctx, 0, WS_OK, 0};
    size_t slen = scan && scan < len ? utf8_floor(text, scan) : len;
    int rc = analyse(a, text, 0, slen, &s, err);
    if (rc != WS_OK) {
        free(s.v);
        return rc;
    }
    return finish(text, len, want, &s, out, err);
}

/* ---- located: analyse only where the terms may be ------------------------ */

/* Stretches analysed so far, ascending and disjoint, so a window next to
 * one already read costs only the bytes not yet read. */
typedef struct done_set {
    size_t s[WS_SNIPPET_WINDOWS + 1], e[WS_SNIPPET_WINDOWS + 1];
    size_t n, bytes;
} done_set;

/* A boundary at or before x after which a token may start (just after a
 * space), else the character boundary at x. */
static size_t snap_back(const char *text, size_t x)
{
    for (size_t p = x, k = 0; p > 0 && k < 256; p--, k++)
        if (is_space(text[p - 1]))
            return p;
    return utf8_floor(text, x);
}

/* A boundary at or after x where a token has ended (a space), else the
 * character boundary at x. */
static size_t snap_fwd(const char *text, size_t len, size_t x)
{
    for (size_t p = x, k = 0; p < len && k < 256; p++, k++)
        if (is_space(text[p]))
            return p;
    return x >= len ? len : utf8_floor(text, x);
}

/* Analyse what of [s, e) has not been analysed yet. */
static int analyse_new(ws_analyzer *a, const char *text, size_t s, size_t e, done_set *d,
                       scan_ctx *sc, ws_error *err)
{
    size_t at = 0;
    while (at < d->n && d->e[at] <= s)
        at++;
    int rc = WS_OK;
    size_t p = s;
    for (size_t i = at; rc == WS_OK && p < e && i <= d->n; i++) {
        size_t gap_end = i < d->n && d->s[i] < e ? d->s[i] : e;
        if (p < gap_end) {
            rc = analyse(a, text, p, gap_end, sc, err);
            d->bytes += gap_end - p;
        }
        if (i < d->n && d->e[i] > p)
            p = d->e[i];
    }
    /* record [s, e), merged with what it touches */
    size_t lo = at, hi = at;
    while (hi < d->n && d->s[hi] <= e)
        hi++;
    size_t ns = lo < hi && d->s[lo] < s ? d->s[lo] : s;
    size_t ne = hi > lo && d->e[hi - 1] > e ? d->e[hi - 1] : e;
    memmove(d->s + lo + 1, d->s + hi, (d->n - hi) * sizeof *d->s);
    memmove(d->e + lo + 1, d->e + hi, (d->n - hi) * sizeof *d->e);
    d->n = d->n - (hi - lo) + 1;
    d->s[lo] = ns;
    d->e[lo] = ne;
    return rc;
}

int ws_snippet_located(ws_analyzer *a, const char *text, size_t len, size_t want, size_t scan,
                       const ws_locate *loc, ws_match_fn match, void *ctx, ws_snippet *out,
                       ws_error *err)
{
    if (!loc->usable)
        return ws_snippet_make(a, text, len, want, scan, match, ctx, out, err);
    memset(out, 0, sizeof *out);
    if (!want)
        want = 240;
    ws_locate_window w[WS_SNIPPET_WINDOWS];
    size_t nw = ws_locate_windows(loc, text, len, want * 3 / 4, w, WS_SNIPPET_WINDOWS);
    scan_ctx s = {NULL, 0, 0, match, ctx, 0, WS_OK, 0};
    done_set d = {{0}, {0}, 0, 0};
    int rc = WS_OK;
    /* Best candidate first; stop once what was found cannot be beaten by
     * the next candidate (its key count bounds what it can hold). */
    for (size_t i = 0; rc == WS_OK && i < nw && d.bytes < WS_SNIPPET_BUDGET; i++) {
        size_t st = w[i].start > want ? w[i].start - want : 0;
        size_t en = w[i].start + 2 * want < len ? w[i].start + 2 * want : len;
        rc = analyse_new(a, text, snap_back(text, st), snap_fwd(text, len, en), &d, &s, err);
        if (rc != WS_OK || !s.n || i + 1 == nw)
            continue;
        qsort(s.v, s.n, sizeof *s.v, by_start);
        int bd = 0, bc = 0;
        /* in key groups, as the candidates are counted */
        best_window(s.v, s.n, want, loc->term_group, &bd, &bc);
        if (bd > w[i + 1].distinct || (bd == w[i + 1].distinct && bc >= w[i + 1].count))
            break;
    }
    if (rc != WS_OK) {
        free(s.v);
        return rc;
    }
    if (s.n)
        qsort(s.v, s.n, sizeof *s.v, by_start);
    return finish(text, len, want, &s, out, err);
}
