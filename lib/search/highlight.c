/*
 * highlight.c - which surface spans of a stored text a query's terms match.
 *
 * The snippet (snippet.c) asks, for every token of the text, whether it is
 * one of the terms the query matched in this document, the way the term
 * generator (analysis/termgen.h) would have filed it: the folded word, its
 * stem, the stem of its umlaut reading, or the stem of a compound part.
 * A searcher does not load the indexer's word list, so the index stands in
 * for it: a part counts when the index knows its stem (and what is left of
 * the word is known too).  Snippets analyse without stemming and stem a
 * word only when it may carry one of the query's stems (ws_stem_may_match),
 * which rules out most words of a long document at the cost of a byte
 * comparison.
 */
#include "search/highlight.h"

#include <stdint.h>
#include <string.h>

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "index/schema.h"

typedef ws_highlight match_set;

#define ZL (sizeof WS_PFX_STEM - 1)

/* A stem term of the query ("Z" + stem)? */
static int is_stem(const char *term)
{
    return !strncmp(term, WS_PFX_STEM, ZL);
}

int ws_highlight_add_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    match_set *m = ctx;
    /* Only body terms: plain words start with a non-prefix byte, stems
     * with WS_PFX_STEM and then a non-prefix byte. */
    const char *t = term;
    if (is_stem(t))
        t += strlen(WS_PFX_STEM);
    if (*t >= 'A' && *t <= 'Z')
        return 0;
    return ws_strlist_add(&m->terms, term, len) != 0;
}

static int utf8_cont(const char *s, size_t i)
{
    return ((unsigned char)s[i] & 0xC0) == 0x80;
}

/* Characters, not bytes, in s[0..n): a part's minimum length counts letters. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += !utf8_cont(s, i);
    return c;
}

/* Does some document have a word with the stem of w[0..n)?  1 or 0, or
 * the error that asking the index gave (the index changed: retry). */
static int stem_known(match_set *m, const char *w, size_t n)
{
    char z[WS_MAX_TERM + 2];
    uint32_t f = 0;
    if (!ws_termgen_stem_term(m->an, "", w, n, z, sizeof z))
        return 0;
    int rc = ws_xdb_termfreq(m->db, z, &f, m->err);
    if (rc != WS_OK)
        return rc;
    return f > 0;
}

/* Does the index know folded w[0..n) as a word?  Whole words and the
 * parts of the compounds the indexer split are both filed as "Z" + stem,
 * so the index stands in for the word list the indexer split with (which
 * a searcher does not load). */
static int part_known(match_set *m, const char *w, size_t n)
{
    char u[WS_MAX_TERM + 1];
    size_t at[64];
    if (utf8_chars(w, n) < WS_MIN_PART)
        return 0;
    int rc = stem_known(m, w, n);
    if (rc != 0)
        return rc;
    /* A document's "Fluechtlings" is filed under the stem of "Flüchtlings"
     * when the indexer's word list knows only that: read all its ae/oe/ue
     * as umlauts too ("qu" excepted, as in Quelle). */
    size_t pairs = ws_umlaut_scan(w, n, at, sizeof at / sizeof *at);
    if (!pairs)
        return 0;
    size_t k = ws_umlaut_spell(w, n, at, pairs, ~(uint64_t)0, u, sizeof u);
    return k + 2 < sizeof u ? stem_known(m, u, k) : 0;
}

/* Does what follows a part, w[0..n), start with a known word?  Only the
 * next word is asked for: the index has a term for each part and for the
 * compounds that start a word (asylbewerber), not for those that end it
 * (leistungsgesetz after Asyl|bewerber). */
static int rest_known(match_set *m, const char *w, size_t n)
{
    int rc = part_known(m, w, n);
    for (size_t k = 1; !rc && k < n; k++)
        if (!utf8_cont(w, k) && utf8_chars(w + k, n - k) >= WS_MIN_PART)
            rc = part_known(m, w, k);
    return rc;
}

/*
 * Does a part of a compound token have stem q, at its start, in the
 * middle or at its end (Kommunal|verwaltung, Asylbewerber|leistungs|gesetz,
 * Flüchtlings|unterkunft)?  Then narrow the highlight to it.
 *
 * This runs for every word of a scanned document and every stem of the
 * query, so a position where q cannot begin (ws_stem_may_match: mostly
 * one byte compared) is passed over before anything is stemmed.  As in
 * the indexer's split, the part and what is left on either side are at
 * least WS_MIN_PART letters, and what is left must be words (here: words
 * the index knows), so Wandh|alterung is no compound of Alterung.
 */
static int match_part(match_set *m, const ws_token *t, const char *q, size_t *start, size_t *end)
{
    const char *w = t->term;
    size_t len = t->term_len, ql = strlen(q);
    char stem[WS_MAX_TERM + 1];
    /* a part and what is left are 4 letters each, so 8 bytes at least;
     * the letters are counted only where a part may start */
    if (ql < 3 || len < 2 * WS_MIN_PART)
        return 0;
    for (size_t p = 0, pc = 0; p + ql <= len; pc += !utf8_cont(w, p), p++) {
        /* the first byte, inline: q's own, or C3 for an umlaut of a/o/u */
        if ((w[p] != q[0] && (unsigned char)w[p] != 0xC3) || (p && pc < WS_MIN_PART) ||
            !ws_stem_may_match(w + p, q))
            continue;
        int left = -1; /* is w[0..p) a known word?  asked once a part fits */
        /* The longest part first, so it takes its linking element along
         * (Asylbewerber[leistungs]gesetz).  A German stem is q's letters
         * (umlauts 2 bytes) plus endings of at most some 20 bytes
         * (-innen, -ern, -est, -lichkeit): 24 bound the search. */
        size_t e = p + 2 * ql + 24 < len ? p + 2 * ql + 24 : len;
        for (; e >= p + ql; e--) {
            if ((e < len && utf8_cont(w, e)) || (!p && e == len))
                continue;
            if (utf8_chars(w + p, e - p) < WS_MIN_PART)
                break;
            if (e < len && utf8_chars(w + e, len - e) < WS_MIN_PART)
                continue;
            if (ws_analyzer_stem(m->an, w + p, e - p, stem, sizeof stem) <= 0 || strcmp(stem, q))
                continue;
            if (left < 0)
                left = !p ? 1 : part_known(m, w, p);
            if (left <= 0)
                return left; /* 0, or the index's error */
            int rest = e < len ? rest_known(m, w + e, len - e) : 1;
            if (rest < 0)
                return rest;
            if (!rest)
                continue;
            const char *sw = m->text + t->start;
            size_t sn = t->end - t->start;
            size_t a = p ? ws_termgen_surface_at(sw, sn, w, len, p, 1) : 0;
            size_t b = e < len ? ws_termgen_surface_at(sw, sn, w, len, e, 0) : sn;
            /* not mappable: the whole word is marked, as it matched */
            if (a != (size_t)-1 && b != (size_t)-1 && a < b) {
                *start = t->start + a;
                *end = t->start + b;
            }
            return 1;
        }
    }
    return 0;
}

/* Snippets analyse without stemming (see ws_analyzer_set_stemming): a
 * word is stemmed only if it may have one of the query's stems. */
typedef struct umlaut_match {
    match_set *m;
    int hit; /* index + 1 of the query term matched */
} umlaut_match;

static int match_variant(void *ctx, const char *cand, size_t len)
{
    umlaut_match *u = ctx;
    char stem[WS_MAX_TERM + 1];
    int have_stem = 0;
    for (size_t i = 0; i < u->m->terms.n; i++) {
        const char *q = u->m->terms.v[i];
        if (!is_stem(q) || !ws_stem_may_match(cand, q + ZL))
            continue;
        if (!have_stem)
            have_stem = ws_analyzer_stem(u->m->an, cand, len, stem, sizeof stem) > 0 ? 1 : -1;
        if (have_stem > 0 && !strcmp(q + ZL, stem)) {
            u->hit = (int)i + 1;
            return 1;
        }
    }
    return 0;
}

int ws_highlight_match(void *ctx, const ws_token *t, size_t *start, size_t *end)
{
    match_set *m = ctx;
    char stem[WS_MAX_TERM + 1];
    int have_stem = 0;
    for (size_t i = 0; i < m->terms.n; i++) {
        const char *q = m->terms.v[i];
        if (!is_stem(q)) {
            if (!strcmp(q, t->term))
                return (int)i + 1;
            continue;
        }
        if (!ws_stem_may_match(t->term, q + ZL))
            continue;
        if (!have_stem)
            have_stem =
                ws_analyzer_stem(m->an, t->term, t->term_len, stem, sizeof stem) > 0 ? 1 : -1;
        if (have_stem > 0 && !strcmp(q + ZL, stem))
            return (int)i + 1;
    }
    /* "Fluechtlinge" in a document was indexed as "Flüchtlinge" (see
     * ws_compounds_umlaut): read its ae/oe/ue as umlauts too. */
    umlaut_match um = {m, 0};
    ws_umlaut_variants(t->term, t->term_len, match_variant, &um);
    if (um.hit)
        return um.hit;
    /* Of the parts the query has, the longest: a query compound also
     * searches its parts (search/coord.c), and Asylbewerber is marked
     * whole, not as Asyl. */
    int best = 0;
    size_t bs = *start, be = *end;
    for (size_t i = 0; i < m->terms.n; i++) {
        if (!is_stem(m->terms.v[i]))
            continue;
        size_t s0 = *start, e0 = *end;
        int rc = match_part(m, t, m->terms.v[i] + ZL, &s0, &e0);
        if (rc < 0)
            return rc; /* the index's error, in m->err */
        if (rc && (!best || e0 - s0 > be - bs)) {
            best = (int)i + 1;
            bs = s0;
            be = e0;
        }
    }
    *start = bs;
    *end = be;
    return best;
}
