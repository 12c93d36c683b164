/*
 * coord.c - ranking instead of filtering: the query tree of a plain query.
 *
 * A plain query (no operators, see query/units.c) is a list of units, each
 * optional, required or excluded.  The tree built here, from Xapian's own
 * operators only (so it runs unchanged on remote shards: no MatchDecider,
 * no KeyMaker, nothing read from the spelling or synonym tables), is
 *
 *   (required AND_MAYBE (optional OR ...))      ranked by BM25
 *     AND_MAYBE constant(every unit)            tier: all words
 *     AND_MAYBE constant(every word in title)   tier: known item
 *     AND_NOT excluded
 *
 * so that documents matching every word come first (coordination), then
 * those matching some of them by weight, and no extra word empties the
 * list.  Each unit that is one plain word also matches
 *
 *   - its title terms (WS_PFX_TITLE, at WS_TITLE_WEIGHT): the title is a
 *     field weighted above the body, and a title holding every word of
 *     the query lifts the document a tier: a law titled
 *     Asylbewerberleistungsgesetz outranks the notices that cite it;
 *   - its compound parts together (Einbürgerungsbewerber: einbürgerung
 *     AND bewerber, at WS_PARTS_WEIGHT): split by the indexer's own
 *     splitter and stemmed like the indexer's PART terms, so both sides
 *     agree; below the whole word, which keeps its full weight.
 *
 * Tiers are constant weights (Xapian's FixedWeightPostingSource) far
 * above any BM25 sum (WS_COORD_TIER), so a hit's weight says its tier and
 * the hit list can say whether its hits match every word.  A later
 * passage score (issue 13) is one more weighted operand of the first line.
 */
#include "search/coord.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compound.h"
#include "analysis/stopwords.h"
#include "analysis/termgen.h"
#include "index/schema.h"

/* A title word weighs as much again as a body word of the same rarity:
 * the weight BM25 gives a word once in a part of average length, the
 * field counted once more.  A constant, not BM25 over the title terms:
 * every part of a file carries its title (docbuild.c), and BM25 would
 * weigh it by the part's length, making a file's shortest part its best
 * whatever its text holds. */
#define WS_TITLE_WEIGHT 1.0
/* A compound's parts found apart weigh half the whole word: they often
 * mean it (Bewerber um Einbürgerung), not always (Einbürgerung ...
 * Stellenbewerber). */
#define WS_PARTS_WEIGHT 0.5
/* Parts tried per compound (the splitter's own bound is larger). */
#define WS_QUERY_PARTS 4

const ws_compounds *ws_searcher_dict(ws_searcher *s)
{
    if (!s->dict_tried) {
        s->dict_tried = 1;
        const char *p = getenv("WSEARCH_DICTIONARY");
        if (ws_compounds_load(&s->dict, p && *p ? p : "/usr/share/dict/ngerman", NULL) != WS_OK)
            s->dict = NULL;
    }
    return s->dict;
}

/* Replace *q by op(*q, b), consuming b. */
static int fold_in(ws_xquery **q, ws_xop op, ws_xquery *b, ws_error *err)
{
    ws_xquery *n = NULL;
    int rc = b ? ws_xquery_combine(&n, op, *q, b, err) : WS_OK;
    ws_xquery_free(b);
    if (rc == WS_OK && n) {
        ws_xquery_free(*q);
        *q = n;
    }
    return rc;
}

/* prefix + word, or "Z" + prefix + its stem, as one word (a SYNONYM). */
static int field_word(ws_searcher *s, const char *prefix, const char *word, ws_xquery **out,
                      ws_error *err)
{
    char t[WS_MAX_TERM + 16];
    ws_xquery *v[2] = {NULL, NULL};
    *out = NULL;
    snprintf(t, sizeof t, "%s%s", prefix, word);
    int rc = ws_xquery_term(&v[0], t, err);
    if (rc == WS_OK && ws_termgen_stem_term(s->an, prefix, word, strlen(word), t, sizeof t))
        rc = ws_xquery_term(&v[1], t, err);
    if (rc == WS_OK)
        rc = ws_xquery_combine_n(out, WS_XOP_SYNONYM, (const ws_xquery *const *)v, 2, err);
    ws_xquery_free(v[0]);
    ws_xquery_free(v[1]);
    return rc;
}

/* The compound's parts together, as the indexer's PART terms; NULL when
 * the word is no compound. */
static int parts_query(ws_searcher *s, const char *word, ws_xquery **out, ws_error *err)
{
    /* a part and what is left are WS_MIN_PART letters each: shorter
     * words need no word list (loaded on first use) */
    const ws_compounds *d = strlen(word) >= 2 * WS_MIN_PART ? ws_searcher_dict(s) : NULL;
    ws_part parts[WS_QUERY_PARTS];
    ws_xquery *v[WS_QUERY_PARTS] = {NULL};
    *out = NULL;
    size_t n = d && strlen(word) >= 2 * WS_MIN_PART
                   ? ws_compounds_split(d, word, strlen(word), parts, WS_QUERY_PARTS)
                   : 0;
    int rc = WS_OK;
    size_t used = 0;
    for (size_t i = 0; n >= 2 && rc == WS_OK && i < n; i++) {
        char part[WS_MAX_TERM + 1], t[WS_MAX_TERM + 8];
        memcpy(part, word + parts[i].start, parts[i].len);
        part[parts[i].len] = '\0';
        if (ws_is_stopword(part) ||
            !ws_termgen_stem_term(s->an, "", part, parts[i].len, t, sizeof t))
            continue;
        rc = ws_xquery_term(&v[used++], t, err);
    }
    if (rc == WS_OK && used >= 2)
        rc = ws_xquery_combine_n(out, WS_XOP_AND, (const ws_xquery *const *)v, used, err);
    for (size_t i = 0; i < used; i++)
        ws_xquery_free(v[i]);
    return rc;
}

/* Words glued by punctuation (Tesla-Einheit) apart: each word in any
 * form, all of them, as a compound's parts. */
static int apart_query(ws_searcher *s, const char *apart, ws_xquery **out, ws_error *err)
{
    ws_xquery *v[WS_QUERY_PARTS] = {NULL};
    size_t n = 0;
    int rc = WS_OK;
    *out = NULL;
    for (const char *p = apart; rc == WS_OK && *p && n < WS_QUERY_PARTS;) {
        size_t l = strcspn(p, " ");
        char w[WS_MAX_TERM + 1];
        if (l && l < sizeof w) {
            memcpy(w, p, l);
            w[l] = '\0';
            if (!ws_is_stopword(w))
                rc = field_word(s, "", w, &v[n++], err);
        }
        p += l + (p[l] == ' ');
    }
    if (rc == WS_OK && n >= 2)
        rc = ws_xquery_combine_n(out, WS_XOP_AND, (const ws_xquery *const *)v, n, err);
    for (size_t i = 0; i < n; i++)
        ws_xquery_free(v[i]);
    return rc;
}

typedef struct rarest {
    ws_xdb *db;
    uint32_t freq; /* of the commonest term: the weight is the lowest */
    int rc;
    ws_error *err;
} rarest;

static int take_freq(void *vctx, const char *term, size_t len, uint32_t freq)
{
    rarest *r = vctx;
    (void)len;
    (void)freq;
    uint32_t n = 0;
    r->rc = ws_xdb_termfreq(r->db, term, &n, r->err);
    if (n > r->freq)
        r->freq = n;
    return r->rc != WS_OK;
}

/* The title terms of a unit at a constant weight: BM25's idf of them. */
static int title_weight(ws_searcher *s, const ws_xquery *title, ws_xquery **out, ws_error *err)
{
    rarest r = {s->db, 0, WS_OK, err};
    uint32_t parts = 0;
    int rc = ws_xquery_terms(title, take_freq, &r, err);
    if (rc == WS_OK)
        rc = r.rc;
    if (rc == WS_OK)
        rc = ws_xdb_doccount(s->db, &parts, err);
    if (rc != WS_OK)
        return rc;
    double idf = log(((double)parts - r.freq + 0.5) / (r.freq + 0.5));
    return ws_xquery_constant(out, title, WS_TITLE_WEIGHT * (idf > 0.05 ? idf : 0.05), err);
}

/* A unit as it is ranked: as parsed, and for a plain word also its title
 * terms and its compound parts (see the top).  *title: the title terms.
 * Glued words apart (Deutsch-Kurse: Deutsch ... Kurse) rank the unit but
 * do not match it: they are left out of *tier, the unit as the tier of
 * every word counts it. */
static int unit_query(ws_searcher *s, const ws_qunit *u, const ws_xquery *parsed, ws_xquery **out,
                      ws_xquery **tier, ws_xquery **title, ws_error *err)
{
    ws_xquery *parts = NULL, *scaled = NULL;
    *title = *tier = NULL;
    int rc = ws_xquery_combine(out, WS_XOP_OR, parsed, NULL, err);
    if (rc == WS_OK && !u->word[0])
        rc = ws_xquery_combine(tier, WS_XOP_OR, parsed, NULL, err);
    if (rc != WS_OK || (!u->word[0] && !u->apart))
        return rc;
    rc = u->word[0] ? parts_query(s, u->word, &parts, err) : apart_query(s, u->apart, &parts, err);
    if (rc == WS_OK && parts)
        rc = ws_xquery_scale(&scaled, parts, WS_PARTS_WEIGHT, err);
    if (rc == WS_OK)
        rc = fold_in(out, WS_XOP_OR, scaled, err);
    scaled = NULL;
    if (rc == WS_OK && u->word[0])
        rc = field_word(s, WS_PFX_TITLE, u->word, title, err);
    if (rc == WS_OK && *title)
        rc = title_weight(s, *title, &scaled, err);
    if (rc == WS_OK)
        rc = fold_in(out, WS_XOP_OR, scaled, err);
    if (rc == WS_OK && u->word[0])
        rc = ws_xquery_combine(tier, WS_XOP_OR, *out, NULL, err);
    ws_xquery_free(parts);
    return rc;
}

/* The units sorted by role, each as it is ranked. */
typedef struct sorted {
    ws_xquery **req, **opt, **all, **excl, **titles;
    ws_xquery **tier; /* each of all as the tier of every word counts it */
    size_t nreq, nopt, nall, nexcl, ntitles;
    int apart;         /* a unit of glued words, also ranked apart */
    ws_xquery *filter; /* the filter fields and date ranges, or NULL */
} sorted;

static void sorted_free(sorted *t)
{
    ws_xquery **lists[] = {t->req, t->opt, t->excl, t->titles};
    for (size_t i = 0; i < t->nall; i++) {
        ws_xquery_free(t->all[i]); /* req and opt hold the same queries */
        ws_xquery_free(t->tier[i]);
    }
    free(t->tier);
    for (size_t i = 0; i < t->nexcl; i++)
        ws_xquery_free(t->excl[i]);
    for (size_t i = 0; i < t->ntitles; i++)
        ws_xquery_free(t->titles[i]);
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        free(lists[i]);
    free(t->all);
    ws_xquery_free(t->filter);
}

static int sort_units(ws_searcher *s, const ws_qunits *u, ws_xquery *const *uq, sorted *t,
                      ws_error *err)
{
    size_t n = u->n ? u->n : 1;
    t->req = calloc(n, sizeof *t->req);
    t->opt = calloc(n, sizeof *t->opt);
    t->all = calloc(n, sizeof *t->all);
    t->excl = calloc(n, sizeof *t->excl);
    t->titles = calloc(n, sizeof *t->titles);
    t->tier = calloc(n, sizeof *t->tier);
    if (!t->req || !t->opt || !t->all || !t->excl || !t->titles || !t->tier)
        return ws_error_set(err, WS_ENOMEM, "out of memory building the query");
    int rc = WS_OK, every_title = 1;
    for (size_t k = 0; rc == WS_OK && k < u->n; k++) {
        if (!uq[k] || ws_xquery_is_empty(uq[k]))
            continue;
        if (u->v[k].role == WS_QR_EXCLUDED) {
            rc = ws_xquery_combine(&t->excl[t->nexcl++], WS_XOP_OR, uq[k], NULL, err);
            continue;
        }
        if (u->v[k].role == WS_QR_FILTER) {
            ws_xquery_free(t->filter);
            rc = ws_xquery_combine(&t->filter, WS_XOP_OR, uq[k], NULL, err);
            continue;
        }
        ws_xquery *q = NULL, *tier = NULL, *title = NULL;
        rc = unit_query(s, &u->v[k], uq[k], &q, &tier, &title, err);
        if (rc != WS_OK) {
            ws_xquery_free(q);
            ws_xquery_free(tier);
            ws_xquery_free(title);
            break;
        }
        t->tier[t->nall] = tier;
        t->apart |= u->v[k].apart != NULL;
        t->all[t->nall++] = q;
        if (u->v[k].role == WS_QR_REQUIRED)
            t->req[t->nreq++] = q;
        else
            t->opt[t->nopt++] = q;
        if (title)
            t->titles[t->ntitles++] = title;
        else
            every_title = 0;
    }
    if (!every_title) { /* a title tier only when every unit is a word */
        for (size_t i = 0; i < t->ntitles; i++)
            ws_xquery_free(t->titles[i]);
        t->ntitles = 0;
    }
    return rc;
}

/* Add a tier: constant WS_COORD_TIER for what op(v) matches. */
static int add_tier(ws_xquery **q, ws_xquery **v, size_t n, ws_error *err)
{
    ws_xquery *all = NULL, *c = NULL;
    int rc = ws_xquery_combine_n(&all, WS_XOP_AND, (const ws_xquery *const *)v, n, err);
    if (rc == WS_OK && all)
        rc = ws_xquery_constant(&c, all, WS_COORD_TIER, err);
    ws_xquery_free(all);
    if (rc == WS_OK)
        rc = fold_in(q, WS_XOP_AND_MAYBE, c, err);
    else
        ws_xquery_free(c);
    return rc;
}

static int build_tree(const sorted *t, int strict, ws_xquery **q, ws_coord *c, ws_error *err)
{
    const ws_xquery *const *all = (const ws_xquery *const *)t->all;
    int rc;
    if (strict || !t->nopt) {
        rc = ws_xquery_combine_n(q, WS_XOP_AND, all, t->nall, err);
    } else {
        ws_xquery *opt = NULL;
        rc = ws_xquery_combine_n(q, WS_XOP_AND, (const ws_xquery *const *)t->req, t->nreq, err);
        if (rc == WS_OK)
            rc = ws_xquery_combine_n(&opt, WS_XOP_OR, (const ws_xquery *const *)t->opt, t->nopt,
                                     err);
        if (rc == WS_OK)
            rc = fold_in(q, WS_XOP_AND_MAYBE, opt, err); /* *q NULL: opt alone */
        else
            ws_xquery_free(opt);
        c->ranked = t->nall > t->nreq;
    }
    /* the tier of every word: with two units or more, or one whose glued
     * words apart rank it without matching it */
    if (rc == WS_OK && *q && c->ranked && (t->nall >= 2 || t->apart)) {
        rc = add_tier(q, t->tier, t->nall, err);
        c->all_tier = rc == WS_OK;
    }

    if (rc == WS_OK && *q && t->ntitles) {
        rc = add_tier(q, t->titles, t->ntitles, err);
        c->title_tier = rc == WS_OK;
    }
    /* the filters narrow; alone, they are the query (type:md) */
    ws_xquery *f = NULL;
    if (rc == WS_OK && t->filter)
        rc = ws_xquery_combine(&f, WS_XOP_FILTER, *q ? *q : t->filter, t->filter, err);
    if (f) {
        ws_xquery_free(*q);
        *q = f;
    }
    ws_xquery *excl = NULL;
    if (rc == WS_OK)
        rc =
            ws_xquery_combine_n(&excl, WS_XOP_OR, (const ws_xquery *const *)t->excl, t->nexcl, err);
    if (rc == WS_OK && *q)
        rc = fold_in(q, WS_XOP_AND_NOT, excl, err);
    else
        ws_xquery_free(excl);
    return rc;
}

int ws_coord_build(ws_searcher *s, const ws_qunits *u, ws_xquery *const *uq, int strict,
                   ws_xquery **out, ws_coord *c, ws_error *err)
{
    sorted t;
    memset(&t, 0, sizeof t);
    memset(c, 0, sizeof *c);
    *out = NULL;
    int rc = sort_units(s, u, uq, &t, err);
    c->units = (unsigned)t.nall;
    c->strict = strict;
    if (rc == WS_OK)
        rc = build_tree(&t, strict, out, c, err);
    if (rc == WS_OK && !*out)
        rc = ws_error_set(err, WS_EQUERY, "the query has no words to search for");
    if (rc != WS_OK) {
        ws_xquery_free(*out);
        *out = NULL;
    }
    sorted_free(&t);
    return rc;
}

/* Words of a title that count (not stopwords). */
static int count_word(void *ctx, const ws_token *t)
{
    if (!ws_is_stopword(t->term))
        ++*(unsigned *)ctx;
    return 0;
}

/* How much of hit h's title the query's words cover: 1 when the title is
 * the query, less the more other words it has. */
static double title_cover(ws_searcher *s, const ws_coord *c, const ws_hit *h)
{
    unsigned words = 0;
    if (!h->title ||
        ws_analyze(s->an, h->title, strlen(h->title), 1, NULL, count_word, &words, NULL) != WS_OK)
        return 0;
    return words ? (double)c->units / (words > c->units ? words : c->units) : 0;
}

void ws_coord_finish(ws_searcher *s, const ws_coord *c, ws_results *r)
{
    size_t top = 0; /* hits in the title tier: a prefix of the page */
    for (size_t i = 0; i < r->nhits; i++) {
        ws_hit *h = &r->hits[i];
        double w = h->score;
        h->partial = !ws_coord_all_words(c, w, &h->score);
        r->partial += (unsigned)h->partial;
        if (c->title_tier && !c->strict && top == i &&
            w - h->score >= WS_COORD_TIER * (c->all_tier ? 2 : 1))
            top = i + 1;
    }
    /* Of the documents whose title has every word, those whose title is
     * the query first (a stable partition: Xapian's order otherwise). */
    double cover[WS_SEARCH_MAX_LIMIT];
    if (top > WS_SEARCH_MAX_LIMIT)
        top = WS_SEARCH_MAX_LIMIT;
    for (size_t i = 0; i < top; i++)
        cover[i] = title_cover(s, c, &r->hits[i]) >= 1.0;
    for (size_t i = 1; i < top; i++)
        for (size_t j = i; j > 0 && cover[j] > cover[j - 1]; j--) {
            ws_hit t = r->hits[j];
            double ct = cover[j];
            r->hits[j] = r->hits[j - 1];
            cover[j] = cover[j - 1];
            r->hits[j - 1] = t;
            cover[j - 1] = ct;
        }
}

int ws_coord_all_words(const ws_coord *c, double w, double *bm25)
{
    double tiers = floor(w / WS_COORD_TIER);
    unsigned have = (unsigned)c->all_tier + (unsigned)c->title_tier;
    if (tiers > have)
        tiers = have;
    if (tiers < 0)
        tiers = 0;
    if (bm25)
        *bm25 = w - tiers * WS_COORD_TIER;
    return !c->all_tier || tiers >= 1;
}
