/*
 * search.c - query -> ranked, highlighted hits.
 *
 * The query is rewritten by ws_query_rewrite (German analysis), parsed by
 * Xapian's QueryParser with our libstemmer-backed stemmer plugged in, and
 * run with Enquire.  Each hit is filled in hits.c from its stored record
 * (index/record.h, docs/schema.md).
 */
#define _GNU_SOURCE /* memmem */
#include "wsearch/search.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "analysis/compound.h"
#include "query/query.h"
#include "search/coord.h"
#include "search/highlight.h"
#include "search/hits.h"
#include "search/metacache.h"
#include "search/related.h"
#include "index/schema.h"
#include "search/searcher.h"
#include "search/snippet.h"
#include "analysis/stopwords.h"
#include "analysis/analysis.h"
#include "wsearch/extract.h"
#include "util/text.h"
#include "xapian/xapian.h"

/* Xapian's parser calls this for every word it stems. */
static int stem_cb(void *ctx, const char *word, size_t len, char *out, size_t cap)
{
    return ws_analyzer_stem(ctx, word, len, out, cap);
}

static int stop_cb(void *ctx, const char *word)
{
    (void)ctx;
    return ws_is_stopword(word);
}

static int check_index(ws_searcher *s, ws_error *err)
{
    return ws_schema_check(s->db, s->path, 1, err);
}

static int setup_parser(ws_searcher *s, ws_error *err)
{
    int rc = ws_xqp_new(&s->qp, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_database(s->qp, s->db, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_stemmer(s->qp, stem_cb, s->an, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_stopper(s->qp, stop_cb, NULL, err);
    for (const ws_field *f = ws_schema_fields; rc == WS_OK && f->name; f++)
        rc = f->boolean ? ws_xqp_add_boolean_prefix(s->qp, f->name, f->prefix, err)
                        : ws_xqp_add_prefix(s->qp, f->name, f->prefix, err);
    for (const char *const *d = ws_schema_date_fields; rc == WS_OK && *d; d++)
        rc = ws_xqp_add_date_range(s->qp, WS_SLOT_DATE, *d, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_max_expansion(s->qp, WS_MAX_WILDCARD, err);
    return rc;
}

void ws_searcher_close(ws_searcher *s)
{
    if (!s)
        return;
    ws_xqp_free(s->qp);
    ws_metacache_free(s->meta);
    ws_compounds_free(s->dict);
    ws_analyzer_free(s->an);
    ws_xdb_close(s->db);
    free(s->path);
    free(s);
}

int ws_searcher_open(ws_searcher **out, const char *path, ws_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return ws_error_set(err, WS_EINVAL, "no index path given");
    ws_searcher *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    int rc = ws_xdb_open_read(&s->db, path, err);
    if (rc == WS_ENOTFOUND)
        rc = ws_error_set(err, rc, "no index at %s (build one with: wsearch index FOLDER)", path);
    else if (rc != WS_OK && err)
        rc = ws_error_set(err, rc, "%s: cannot open index: %s", path, err->msg);
    if (rc == WS_OK)
        rc = check_index(s, err);
    if (rc == WS_OK)
        rc = ws_analyzer_new(&s->an, err);
    if (rc == WS_OK)
        rc = setup_parser(s, err);
    if (rc != WS_OK) {
        ws_searcher_close(s);
        return rc;
    }
    *out = s;
    return WS_OK;
}

int ws_searcher_reopen(ws_searcher *s, ws_error *err)
{
    int changed = 0;
    int rc = ws_xdb_reopen(s->db, &changed, err);
    /* A rebuilt index is a new database: the parser (spelling, synonyms,
     * wildcards) must read it too, and it must be one we can search. */
    if (rc == WS_OK && changed == 2)
        ws_metacache_clear(s->meta); /* other documents behind the same ids */
    if (rc == WS_OK && changed == 2)
        rc = ws_xqp_set_database(s->qp, s->db, err);
    if (rc == WS_OK && changed == 2)
        rc = check_index(s, err);
    return rc;
}

int ws_searcher_doccount(ws_searcher *s, uint32_t *out, ws_error *err)
{
    /* files, not the parts they are stored as */
    return ws_xdb_termfreq(s->db, WS_PFX_HEAD, out, err);
}

int ws_searcher_revision(ws_searcher *s, uint64_t *out, ws_error *err)
{
    return ws_xdb_revision(s->db, out, err);
}

void ws_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

typedef struct completion {
    char *term;
    uint32_t freq;
} completion;

typedef struct complete_ctx {
    completion *v;
    size_t n, cap;
    int oom;
    unsigned seen; /* bounds the walk on a very common prefix */
} complete_ctx;

static int take_completion(void *vctx, const char *term, size_t len, uint32_t freq)
{
    complete_ctx *c = vctx;
    if (++c->seen > 5000)
        return 1;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        completion *v = realloc(c->v, cap * sizeof *v);
        if (!v) {
            c->oom = 1;
            return 1;
        }
        c->v = v;
        c->cap = cap;
    }
    char *t = malloc(len + 1);
    if (!t) {
        c->oom = 1;
        return 1;
    }
    memcpy(t, term, len);
    t[len] = '\0';
    c->v[c->n].term = t;
    c->v[c->n].freq = freq;
    c->n++;
    return 0;
}

static int by_freq(const void *a, const void *b)
{
    const completion *x = a, *y = b;
    if (x->freq != y->freq)
        return x->freq < y->freq ? 1 : -1;
    return strcmp(x->term, y->term);
}

typedef struct last_word {
    size_t start, end;
    char term[WS_MAX_TERM + 1];
    int found;
} last_word;

static int take_last(void *vctx, const ws_token *t)
{
    last_word *l = vctx;
    l->start = t->start;
    l->end = t->end;
    memcpy(l->term, t->term, t->term_len + 1);
    l->found = 1;
    return 0;
}

int ws_searcher_suggest(ws_searcher *s, const char *q, size_t len, size_t max, char ***out,
                        size_t *n, ws_error *err)
{
    *out = NULL;
    *n = 0;
    if (len > 4096)
        return ws_error_set(err, WS_ETOOBIG, "query is too long (%zu bytes, at most 4096)", len);
    if (memchr(q, '\0', len) || !ws_utf8_valid(q, len))
        return ws_error_set(err, WS_EQUERY, "query is not valid UTF-8 text");
    last_word lw = {0, 0, "", 0};
    int rc = ws_analyze(s->an, q, len, 1, NULL, take_last, &lw, err);
    /* Complete only a word still being typed, at the very end. */
    if (rc != WS_OK || !lw.found || lw.end != len)
        return rc;
    complete_ctx c = {0};
    rc = ws_xdb_allterms(s->db, lw.term, take_completion, &c, err);
    if (rc == WS_OK && c.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK && c.n) {
        qsort(c.v, c.n, sizeof *c.v, by_freq);
        size_t k = c.n < max ? c.n : max;
        char **v = calloc(k ? k : 1, sizeof *v);
        if (!v)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        for (size_t i = 0; rc == WS_OK && i < k; i++) {
            size_t tl = strlen(c.v[i].term);
            v[i] = malloc(lw.start + tl + 1);
            if (!v[i]) {
                rc = ws_error_set(err, WS_ENOMEM, "out of memory");
                break;
            }
            memcpy(v[i], q, lw.start);
            memcpy(v[i] + lw.start, c.v[i].term, tl + 1);
            *n = i + 1;
        }
        if (rc == WS_OK) {
            *out = v;
        } else {
            ws_strings_free(v, *n);
            *n = 0;
        }
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.v[i].term);
    free(c.v);
    return rc;
}

uint32_t ws_searcher_knows(void *db, const char *term)
{
    uint32_t n = 0;
    return ws_xdb_termfreq(db, term, &n, NULL) == WS_OK ? n : 0;
}

int ws_take_line(void *buf, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    ws_buf_append(buf, term, len);
    ws_buf_putc(buf, '\n');
    return 0;
}

/* Multi-word thesaurus entries live in the synonym table under "XM" +
 * the folded words (see docs/schema.md). */

static int phrase_synonyms(void *ctx, const char *key, ws_buf *alts)
{
    char k[4 * WS_MAX_TERM];
    size_t before = alts->len;
    if ((size_t)snprintf(k, sizeof k, "%s%s", WS_PFX_MULTIWORD, key) >= sizeof k)
        return 0;
    if (ws_xdb_synonyms(ctx, k, ws_take_line, alts, NULL) != WS_OK)
        return 0;
    return alts->len > before;
}

int ws_search_rewrite(ws_searcher *s, const char *query, size_t len, char **out, ws_error *err)
{
    *out = NULL;
    ws_buf b = WS_BUF_INIT;
    ws_query_extras x = {phrase_synonyms, s->db, NULL};
    int rc = ws_query_prepare(s->an, query, len, 0, ws_searcher_knows, s->db, &x, &b, err);
    if (rc == WS_OK)
        *out = ws_buf_steal(&b, NULL);
    ws_buf_free(&b);
    return rc;
}

/* ---- results ------------------------------------------------------------ */

/* A hit (hits.c), with the query's terms that matched its document for
 * the highlighter (highlight.c). */
static int fill_hit(ws_searcher *s, ws_xenquire *enq, ws_xmset *ms, uint32_t i,
                    const ws_search_options *o, ws_hit *h, ws_error *err)
{
    ws_highlight m = {s->an, s->db, "", {0}, err};
    int rc = ws_xenquire_matching_terms(enq, ws_xmset_docid(ms, i), ws_highlight_add_term, &m, err);
    if (rc == WS_OK && m.terms.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    ws_locate loc;
    if (rc == WS_OK)
        ws_locate_init(&loc, &m.terms);
    if (rc == WS_OK)
        rc = ws_hit_fill(s, ms, i, o, &loc, ws_highlight_match, &m, &m.text, h, err);
    ws_strlist_free(&m.terms);
    return rc;
}

static int add_filter(ws_xquery **q, ws_xquery *f, ws_error *err)
{
    ws_xquery *n = NULL;
    int rc = ws_xquery_combine(&n, WS_XOP_FILTER, *q, f, err);
    ws_xquery_free(f);
    if (rc == WS_OK) {
        ws_xquery_free(*q);
        *q = n;
    }
    return rc;
}

/* A filter on a free-text field: every word of text must occur in the
 * field, in any of its forms (prefix + word, or "Z" + prefix + stem). */
typedef struct field_ctx {
    const char *prefix;
    ws_xquery *q;
    int rc;
    ws_error *err;
} field_ctx;

static int field_token(void *vctx, const ws_token *t)
{
    field_ctx *c = vctx;
    char term[WS_MAX_TERM + 8];
    ws_xquery *a = NULL, *b = NULL, *w = NULL, *n = NULL;
    snprintf(term, sizeof term, "%s%s", c->prefix, t->term);
    c->rc = ws_xquery_term(&a, term, c->err);
    if (c->rc == WS_OK && t->stem) {
        snprintf(term, sizeof term, "%s%s%s", WS_PFX_STEM, c->prefix, t->stem);
        c->rc = ws_xquery_term(&b, term, c->err);
    }
    if (c->rc == WS_OK)
        c->rc = ws_xquery_combine(&w, WS_XOP_SYNONYM, a, b, c->err);
    if (c->rc == WS_OK)
        c->rc = ws_xquery_combine(&n, WS_XOP_AND, c->q, w, c->err);
    if (c->rc == WS_OK) {
        ws_xquery_free(c->q);
        c->q = n;
    }
    ws_xquery_free(a);
    ws_xquery_free(b);
    ws_xquery_free(w);
    return c->rc != WS_OK;
}

static int add_field_filter(ws_searcher *s, ws_xquery **q, const char *prefix, const char *text,
                            ws_error *err)
{
    if (!text || !*text)
        return WS_OK;
    field_ctx c = {prefix, NULL, WS_OK, err};
    int rc = ws_analyze(s->an, text, strlen(text), 1, NULL, field_token, &c, err);
    if (rc == WS_OK)
        rc = c.rc;
    if (rc == WS_OK && !c.q)
        rc = ws_error_set(err, WS_EQUERY, "filter '%s' has no words", text);
    if (rc == WS_OK)
        return add_filter(q, c.q, err);
    ws_xquery_free(c.q);
    return rc;
}

/* Facets: which field of WS_SLOT_FACETS, whether it holds several
 * entries, the name shown. */
static const struct {
    const char *name;
    int field;
    int multi;
} facet_slots[] = {
    {"type", WS_FACET_TYPE, 0},        {"year", WS_FACET_YEAR, 0},
    {"speaker", WS_FACET_SPEAKERS, 1}, {"organisation", WS_FACET_ORG, 0},
    {"event", WS_FACET_EVENT, 0},
};
#define NFACETS (sizeof facet_slots / sizeof *facet_slots)

typedef struct facet_fill {
    ws_facet *f;
    int oom;
} facet_fill;

static int take_facet(void *ctx, const char *v, size_t len, uint32_t count)
{
    facet_fill *ff = ctx;
    ws_facet_value *nv = realloc(ff->f->values, (ff->f->nvalues + 1) * sizeof *nv);
    char *c = malloc(len + 1);
    if (!nv || !c) {
        if (nv)
            ff->f->values = nv;
        free(c);
        ff->oom = 1;
        return 1;
    }
    memcpy(c, v, len);
    c[len] = '\0';
    ff->f->values = nv;
    ff->f->values[ff->f->nvalues].value = c;
    ff->f->values[ff->f->nvalues].count = count;
    ff->f->nvalues++;
    return 0;
}

/* "2024-03-05" -> "20240305"; 0 if it is not such a date. */
static int ymd(const char *d, char out[9])
{
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return 0;
    /* a day that exists: 2024-13-45 is a typo, not 2025-02-14 */
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(d), m = (d[5] - '0') * 10 + d[6] - '0', day = (d[8] - '0') * 10 + d[9] - '0';
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || day < 1 || day > mdays[m - 1] || (m == 2 && day == 29 && !leap))
        return 0;
    memcpy(out, d, 4);
    memcpy(out + 4, d + 5, 2);
    memcpy(out + 6, d + 8, 2);
    out[8] = '\0';
    return 1;
}

/* Xapian's spelling table proposes the closest frequent word.  Its error
 * goes back to the search: "index changed, retry" must reach the retry. */
static int spelling_of(void *ctx, const char *term, char *out, size_t cap, ws_error *err)
{
    char *sug = NULL;
    int n = 0;
    int rc = ws_xdb_spelling(ctx, term, 2, &sug, err);
    if (rc != WS_OK) {
        free(sug);
        return rc;
    }
    /* never a stopword: Seminar -> "seiner" helps nobody */
    if (sug && *sug && strlen(sug) < cap && !ws_is_stopword(sug)) {
        memcpy(out, sug, strlen(sug) + 1);
        n = (int)strlen(sug);
    }
    free(sug);
    return n;
}

/* "Meinten Sie": the query's tokens, already lexed for the search, with
 * their unknown words corrected, or NULL. */
static int correct_query(ws_searcher *s, const ws_query *pq, char **out, ws_error *err)
{
    ws_buf b = WS_BUF_INIT;
    int corrected = 0;
    *out = NULL;
    int rc = ws_query_suggest(pq, spelling_of, s->db, &b, &corrected, err);
    if (rc == WS_OK && corrected)
        *out = ws_buf_steal(&b, NULL);
    ws_buf_free(&b);
    return rc;
}

/* How much a word spelled as typed adds on top of its stem's weight
 * (Flüchtlinge over Fluechtlinge, Roßlau over Rosslau, Kommunen over
 * Kommune); tuned with tests/eval. */
#define WS_EXACT_BONUS 0.5

/* Rank documents that spell the query's words as typed above those that
 * only match them folded or stemmed: AND_MAYBE adds weight, never hits. */
static int add_exact_bonus(ws_xquery **q, const char *exact, ws_error *err)
{
    ws_xquery *any = NULL;
    int rc = WS_OK;
    for (const char *p = exact; rc == WS_OK && p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        char t[WS_MAX_TERM + 2];
        if (l < sizeof t) {
            memcpy(t, p, l);
            t[l] = '\0';
            ws_xquery *tq = NULL, *o = NULL;
            rc = ws_xquery_term(&tq, t, err);
            if (rc == WS_OK)
                rc = ws_xquery_combine(&o, WS_XOP_OR, any, tq, err);
            ws_xquery_free(tq);
            if (rc == WS_OK) {
                ws_xquery_free(any);
                any = o;
            }
        }
        p += l + (nl != NULL);
    }
    ws_xquery *scaled = NULL, *res = NULL;
    if (rc == WS_OK && any)
        rc = ws_xquery_scale(&scaled, any, WS_EXACT_BONUS, err);
    if (rc == WS_OK && scaled)
        rc = ws_xquery_combine(&res, WS_XOP_AND_MAYBE, *q, scaled, err);
    if (rc == WS_OK && res) {
        ws_xquery_free(*q);
        *q = res;
    }
    ws_xquery_free(any);
    ws_xquery_free(scaled);
    return rc;
}

/* OpenThesaurus, when the index holds it (wsearch index --openthesaurus),
 * widens each word at this fraction of its weight: its groups are broad
 * (Kommune also means a commune), so a document using the word itself, or
 * our own thesaurus's synonyms, stays ahead. */
#define WS_BROAD_WEIGHT 0.15
#define WS_BROAD_MAX    24

/* Each word gets at most `max` of them; *cut says a word got fewer than
 * WS_BROAD_MAX because the query's budget is shared by many words. */
static int add_broad_synonyms(ws_searcher *s, ws_xquery **q, unsigned max, int *cut, ws_error *err)
{
    char *sum = NULL;
    int rc = ws_xdb_get_metadata(s->db, WS_META_BROAD, &sum, err);
    if (rc == WS_OK && *sum && max) {
        rc = ws_xquery_expand(q, s->db, WS_PFX_BROAD, WS_BROAD_WEIGHT, max, err);
        *cut = max < WS_BROAD_MAX;
    } else if (rc == WS_OK && *sum) {
        *cut = 1; /* no room left: the words alone */
    }
    free(sum);
    return rc;
}

/* What the wildcards of a query cost: each one, when the query runs, reads
 * every index word it begins (to pick the most frequent), and 680 x "k*"
 * reads the same 192 words 680 times.  Counted per distinct pattern (and
 * only up to what the budget can pay), summed per wildcard. */
#define WS_WILD_PATTERNS 64

typedef struct wild_cost {
    ws_xdb *db;
    uint32_t each;   /* words one wildcard may stand for */
    uint64_t budget; /* words all wildcards together may read */
    uint64_t total;  /* words they would read */
    uint32_t seen;   /* words of the pattern being counted */
    uint32_t cap;    /* count no further than this */
    int cut;         /* a wildcard begins more words than it may stand for */
    struct {
        char *pattern;
        uint32_t count;
    } known[WS_WILD_PATTERNS];
    size_t nknown;
} wild_cost;

static int count_upto(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)term;
    (void)len;
    (void)freq;
    wild_cost *w = ctx;
    return ++w->seen >= w->cap;
}

static int cost_wildcard(void *ctx, const char *pattern, size_t len, uint32_t freq)
{
    (void)freq;
    wild_cost *w = ctx;
    uint32_t count = 0;
    size_t k = 0;
    for (; k < w->nknown; k++)
        if (strlen(w->known[k].pattern) == len && !memcmp(w->known[k].pattern, pattern, len))
            break;
    if (k < w->nknown) {
        count = w->known[k].count;
    } else {
        char p[WS_MAX_TERM + 16];
        if (len >= sizeof p)
            return 0;
        memcpy(p, pattern, len);
        p[len] = '\0';
        uint64_t left = w->budget >= w->total ? w->budget - w->total : 0;
        w->seen = 0;
        w->cap = (uint32_t)(left + 1 < UINT32_MAX ? left + 1 : UINT32_MAX);
        ws_xdb_allterms(w->db, p, count_upto, w, NULL);
        count = w->seen;
        if (w->nknown < WS_WILD_PATTERNS && (w->known[w->nknown].pattern = strdup(p)))
            w->known[w->nknown++].count = count;
    }
    if (count > w->each)
        w->cut = 1;
    w->total += count;
    return w->total > w->budget; /* over budget: no need to count on */
}

/* Each unit of a plain query, read by the parser as it stands set up. */
static int parse_units(ws_searcher *s, const ws_qunits *u, ws_xquery **uq, ws_error *err)
{
    int rc = WS_OK;
    for (size_t k = 0; u && rc == WS_OK && k < u->n; k++)
        rc = ws_xqp_parse(s->qp, u->v[k].text, WS_SEARCH_PARSE_FLAGS, &uq[k], err);
    return rc;
}

/* The whole query parsed and measured against the budget's size limits. */
static int parse_checked(ws_searcher *s, const char *rewritten, ws_budget *b, ws_xquery **q,
                         ws_xshape *sh, ws_error *err)
{
    int rc = ws_xqp_parse(s->qp, rewritten, WS_SEARCH_PARSE_FLAGS, q, err);
    if (rc == WS_EQUERY && err) {
        char msg[sizeof err->msg]; /* err->msg is both source and target */
        const char *m = err->msg;
        if (!strncmp(m, "QueryParserError: ", 18)) /* our own words need no type name */
            m += 18;
        snprintf(msg, sizeof msg, "%s", m);
        rc = ws_error_set(err, rc, "cannot understand the query: %s", msg);
    }
    if (rc == WS_OK)
        rc = ws_xquery_shape(*q, sh, NULL, NULL, err);
    if (rc == WS_OK)
        b->leaves = sh->leaves;
    if (rc == WS_OK && sh->leaves > b->max_terms)
        rc = ws_error_set(err, WS_EQUERY,
                          "the query is too large: %u words and wildcards after analysis, at "
                          "most %u are searched; search for fewer words",
                          sh->leaves, b->max_terms);
    if (rc == WS_OK && sh->depth > WS_SEARCH_MAX_DEPTH)
        rc = ws_error_set(err, WS_EQUERY,
                          "the query nests too deeply (%u levels of brackets and operators, at "
                          "most %u)",
                          sh->depth, WS_SEARCH_MAX_DEPTH);
    return rc;
}

/*
 * Parse within the budget.  Xapian 1.4 expands a wildcard only when the
 * query runs, each one up to the parser's max_expansion, so the parsed
 * tree is measured first (cheap: nothing is expanded yet).  Too many
 * clauses is an error.  Wildcards share max_expansion words; when reading
 * the words they begin would cost more than WS_SEARCH_WILDCARD_READS, each
 * stops after its share in term order instead of choosing the most
 * frequent (the query then says truncated).  The units of a plain query
 * (u, may be NULL) are parsed into uq with the same limits: the budget is
 * the whole query's.
 */
static int parse_within(ws_searcher *s, const char *rewritten, ws_budget *b, const ws_qunits *u,
                        ws_xquery **uq, ws_xquery **out, ws_error *err)
{
    ws_xquery *q = NULL;
    ws_xshape sh;
    int rc = parse_checked(s, rewritten, b, &q, &sh, err);
    if (rc != WS_OK || !sh.wildcards) {
        if (rc == WS_OK)
            rc = parse_units(s, u, uq, err);
        if (rc != WS_OK)
            ws_xquery_free(q);
        *out = rc == WS_OK ? q : NULL;
        return rc;
    }
    uint32_t share = b->max_expansion / sh.wildcards;
    wild_cost w;
    memset(&w, 0, sizeof w);
    w.db = s->db;
    w.each = share < 1 ? 1 : share < WS_MAX_WILDCARD ? share : WS_MAX_WILDCARD;
    w.budget = WS_SEARCH_WILDCARD_READS;
    rc = ws_xquery_shape(q, &sh, cost_wildcard, &w, err);
    int first = w.total > w.budget;
    if (rc == WS_OK && (first || w.each < WS_MAX_WILDCARD)) {
        ws_xquery_free(q);
        q = NULL;
        rc = ws_xqp_set_wildcard_limit(s->qp, w.each, first, err);
        if (rc == WS_OK)
            rc = ws_xqp_parse(s->qp, rewritten, WS_SEARCH_PARSE_FLAGS, &q, err);
        if (rc == WS_OK)
            rc = parse_units(s, u, uq, err);
        /* The parser is the searcher's: leave it as the next query expects. */
        int rc2 = ws_xqp_set_max_expansion(s->qp, WS_MAX_WILDCARD, rc == WS_OK ? err : NULL);
        if (rc == WS_OK)
            rc = rc2;
    } else if (rc == WS_OK) {
        rc = parse_units(s, u, uq, err);
    }
    b->cut = w.cut || first;
    for (size_t k = 0; k < w.nknown; k++)
        free(w.known[k].pattern);
    if (rc != WS_OK) {
        ws_xquery_free(q);
        q = NULL;
    }
    *out = q;
    return rc;
}

int ws_searcher_parse(ws_searcher *s, const char *rewritten, const char *exact, ws_xquery **out,
                      ws_error *err)
{
    return ws_searcher_parse_budget(s, rewritten, exact, NULL, out, err);
}

int ws_searcher_parse_budget(ws_searcher *s, const char *rewritten, const char *exact, ws_budget *b,
                             ws_xquery **out, ws_error *err)
{
    return ws_searcher_build(s, NULL, rewritten, exact, b, 0, out, NULL, err);
}

/* The parsed query: a plain query's units ranked (search/coord.c), a
 * boolean one as the parser read it. */
static int parse_query(ws_searcher *s, const ws_query *pq, const char *rewritten, ws_budget *b,
                       int strict, ws_xquery **out, ws_coord *c, ws_error *err)
{
    ws_qunits u;
    ws_xquery **uq = NULL;
    memset(&u, 0, sizeof u);
    int rc = pq ? ws_query_units(pq, rewritten, &u, err) : WS_OK;
    if (rc == WS_OK && u.n && !(uq = calloc(u.n, sizeof *uq)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK)
        rc = parse_within(s, rewritten, b, u.n ? &u : NULL, uq, out, err);
    ws_xquery *ranked = NULL;
    if (rc == WS_OK && u.n)
        rc = ws_coord_build(s, &u, uq, strict, &ranked, c, err);
    if (ranked) {
        ws_xquery_free(*out);
        *out = ranked;
    }
    for (size_t k = 0; uq && k < u.n; k++)
        ws_xquery_free(uq[k]);
    free(uq);
    ws_qunits_free(&u);
    return rc;
}

int ws_searcher_build(ws_searcher *s, const ws_query *pq, const char *rewritten, const char *exact,
                      ws_budget *b, int strict, ws_xquery **out, ws_coord *c, ws_error *err)
{
    ws_xquery *q = NULL;
    ws_budget def = {WS_SEARCH_MAX_TERMS, WS_SEARCH_MAX_EXPANSION, 0, 0, 0};
    ws_coord none;
    if (!b)
        b = &def;
    if (!c)
        c = &none;
    memset(c, 0, sizeof *c);
    b->cut = b->synonyms_cut = 0;
    b->leaves = 0;
    *out = NULL;
    int rc = parse_query(s, pq, rewritten, b, strict, &q, c, err);
    if (rc == WS_OK && ws_xquery_is_empty(q))
        rc = ws_error_set(err, WS_EQUERY, "the query has no words to search for");
    /* OpenThesaurus widening shares the expansion budget too: many words
     * get fewer broad synonyms each. */
    unsigned per = b->leaves ? b->max_expansion / b->leaves : WS_BROAD_MAX;
    if (rc == WS_OK)
        rc = add_broad_synonyms(s, &q, per < WS_BROAD_MAX ? per : WS_BROAD_MAX, &b->synonyms_cut,
                                err);
    if (rc == WS_OK && exact && *exact)
        rc = add_exact_bonus(&q, exact, err);
    if (rc != WS_OK) {
        ws_xquery_free(q);
        return rc;
    }
    *out = q;
    return WS_OK;
}

int ws_searcher_prepare_query(ws_searcher *s, const char *query, size_t len, size_t max,
                              ws_query **pq, char **rewritten, char **exact, ws_error *err)
{
    ws_buf rw = WS_BUF_INIT, ex = WS_BUF_INIT;
    ws_query_extras x = {phrase_synonyms, s->db, &ex};
    ws_query *p = NULL;
    *rewritten = *exact = NULL;
    if (pq)
        *pq = NULL;
    int rc = ws_query_parse(s->an, query, len, max, ws_searcher_knows, s->db, &p, err);
    if (rc == WS_OK)
        rc = ws_query_write(p, &x, &rw, err);
    if (rc == WS_OK) {
        *rewritten = ws_buf_steal(&rw, NULL);
        *exact = ws_buf_steal(&ex, NULL);
        if (!*rewritten || !*exact)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    ws_buf_free(&rw);
    ws_buf_free(&ex);
    if (rc != WS_OK) {
        free(*rewritten);
        free(*exact);
        *rewritten = *exact = NULL;
    }
    if (rc == WS_OK && pq)
        *pq = p;
    else
        ws_query_free(p);
    return rc;
}

int ws_searcher_prepare(ws_searcher *s, const char *query, size_t len, size_t max, char **rewritten,
                        char **exact, ws_error *err)
{
    return ws_searcher_prepare_query(s, query, len, max, NULL, rewritten, exact, err);
}

/* A type filter nothing can match is a typo: say which types exist. */
static int unknown_type(const char *type, ws_error *err)
{
    char known[128] = "";
    for (int t = WS_DOC_TXT; t < WS_DOC_COUNT_; t++) {
        size_t n = strlen(known);
        snprintf(known + n, sizeof known - n, "%s%s", n ? ", " : "",
                 ws_doctype_name((ws_doctype)t));
    }
    return ws_error_set(err, WS_EQUERY, "unknown type '%.40s' (known types: %s)", type, known);
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --date-from/--date-to as a value range on the date slot. */
static int add_date_filter(ws_xquery **q, const ws_search_options *o, ws_error *err)
{
    int rc = WS_OK;
    char lo[9], hi[9];
    int has_lo = ymd(o->date_from, lo), has_hi = ymd(o->date_to, hi);
    if ((o->date_from && !has_lo) || (o->date_to && !has_hi))
        rc = ws_error_set(err, WS_EQUERY, "'%s' is not a date (YYYY-MM-DD)",
                          o->date_from && !has_lo ? o->date_from : o->date_to);
    else if (has_lo && has_hi && strcmp(lo, hi) > 0)
        rc = ws_error_set(err, WS_EQUERY, "empty date range: %s is after %s", o->date_from,
                          o->date_to);
    ws_xquery *f = NULL;
    if (rc == WS_OK)
        rc = ws_xquery_value_range(&f, WS_SLOT_DATE, has_lo ? lo : NULL, has_hi ? hi : NULL, err);
    if (rc == WS_OK)
        rc = add_filter(q, f, err);
    return rc;
}

/* The options' filters (type, date, fields, year), ANDed onto *q. */
static int add_option_filters(ws_searcher *s, ws_xquery **q, const ws_search_options *o,
                              ws_error *err)
{
    int rc = WS_OK;
    if (o->type && *o->type && ws_doctype_from_name(o->type) == WS_DOC_UNKNOWN)
        rc = unknown_type(o->type, err);
    if (rc == WS_OK && o->type && *o->type) {
        char t[64];
        ws_xquery *f = NULL;
        snprintf(t, sizeof t, "%s%s", WS_PFX_TYPE, o->type);
        rc = ws_xquery_term(&f, t, err);
        if (rc == WS_OK)
            rc = add_filter(q, f, err);
    }
    if (rc == WS_OK && (o->date_from || o->date_to))
        rc = add_date_filter(q, o, err);
    if (rc == WS_OK)
        rc = add_field_filter(s, q, WS_PFX_SPEAKER, o->speaker, err);
    if (rc == WS_OK)
        rc = add_field_filter(s, q, WS_PFX_ORG, o->organisation, err);
    if (rc == WS_OK)
        rc = add_field_filter(s, q, WS_PFX_EVENT, o->event, err);
    if (rc == WS_OK && o->year && *o->year) {
        char t[32];
        ws_xquery *f = NULL;
        if (strlen(o->year) != 4 || strspn(o->year, "0123456789") != 4)
            rc = ws_error_set(err, WS_EQUERY, "a year is written YYYY, not '%s'", o->year);
        snprintf(t, sizeof t, "%s%s", WS_PFX_YEAR, o->year);
        if (rc == WS_OK)
            rc = ws_xquery_term(&f, t, err);
        if (rc == WS_OK)
            rc = add_filter(q, f, err);
    }
    return rc;
}

/* The enquire for q: facets, sort order and time limit as the options
 * ask; *check is how many matches must be counted exactly. */
static int prepare_enquire(ws_searcher *s, ws_xquery *q, const ws_search_options *o,
                           ws_xenquire **enq, int *facet_idx, uint32_t *check, ws_error *err)
{
    int rc = ws_xenquire_new(enq, s->db, err);
    if (o->facet_values) {
        /* Facet counts come from match spies, which see only the matches
         * Xapian checks: a bounded number, not every match of a large
         * index (the results then say they are estimates). */
        *check = WS_SEARCH_FACET_CHECK;
        for (size_t k = 0; rc == WS_OK && k < NFACETS; k++) {
            facet_idx[k] = ws_xenquire_add_facet(*enq, WS_SLOT_FACETS, facet_slots[k].field,
                                                 facet_slots[k].multi, WS_DOC_KEY_LEN, err);
            if (facet_idx[k] < 0)
                rc = facet_idx[k];
        }
    }
    if (rc == WS_OK)
        rc = ws_xenquire_set_query(*enq, q, err);
    /* A file is stored as parts (docbuild.c): one hit per file, its best
     * part, and totals that count files.  Xapian's collapse key works
     * on remote shards too (a KeyMaker would not). */
    if (rc == WS_OK)
        rc = ws_xenquire_collapse(*enq, WS_SLOT_KEY, err);
    if (rc == WS_OK && o->sort != WS_SORT_RELEVANCE)
        rc = ws_xenquire_sort_by_value(*enq, WS_SLOT_DATE, o->sort == WS_SORT_DATE_DESC, err);
    if (rc == WS_OK && o->time_limit > 0)
        rc = ws_xenquire_time_limit(*enq, o->time_limit, err);
    return rc;
}

/* What the searcher remembers of related documents holds for this
 * revision only (metacache.h). */
static int sync_metacache(ws_searcher *s, ws_error *err)
{
    uint64_t rev = 0;
    if (!s->meta)
        s->meta = ws_metacache_new(); /* NULL: no cache, not an error */
    int rc = s->meta ? ws_xdb_revision(s->db, &rev, err) : WS_OK;
    if (rc == WS_OK)
        ws_metacache_sync(s->meta, rev);
    return rc;
}

static int fill_facets(ws_xenquire *enq, const int *facet_idx, const ws_search_options *o,
                       ws_results *r, ws_error *err)
{
    int rc = WS_OK;
    r->facets = calloc(NFACETS, sizeof *r->facets);
    if (!r->facets)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t k = 0; rc == WS_OK && k < NFACETS; k++) {
        r->facets[k].name = facet_slots[k].name;
        r->nfacets = k + 1;
        facet_fill ff = {&r->facets[k], 0};
        rc = ws_xenquire_facet(enq, facet_idx[k], o->facet_values, take_facet, &ff, err);
        if (rc == WS_OK && ff.oom)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    return rc;
}

static int fill_hits(ws_searcher *s, ws_xenquire *enq, ws_xmset *ms, const ws_search_options *o,
                     ws_results *r, ws_error *err)
{
    int rc = WS_OK;
    r->estimated = ws_xmset_estimated(ms);
    uint32_t n = ws_xmset_size(ms);
    if (n) {
        r->hits = calloc(n, sizeof *r->hits);
        if (!r->hits)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; rc == WS_OK && i < n; i++) {
        rc = fill_hit(s, enq, ms, i, o, &r->hits[i], err);
        r->nhits = i + 1;
    }
    return rc;
}

static int run_once(ws_searcher *s, const ws_query *pq, const char *rewritten, const char *exact,
                    const ws_search_options *o, ws_results *r, ws_error *err)
{
    ws_xquery *q = NULL;
    ws_xenquire *enq = NULL;
    ws_xmset *ms = NULL;
    char *corr = NULL;
    ws_budget b = {o->max_terms ? o->max_terms : WS_SEARCH_MAX_TERMS,
                   o->max_expansion ? o->max_expansion : WS_SEARCH_MAX_EXPANSION, 0, 0, 0};
    ws_coord coord;
    int rc = ws_searcher_build(s, pq, rewritten, exact, &b, o->sort != WS_SORT_RELEVANCE, &q,
                               &coord, err);
    if (rc == WS_OK && b.cut)
        r->truncated |= WS_TRUNCATED_WILDCARDS;
    if (rc == WS_OK && b.synonyms_cut)
        r->truncated |= WS_TRUNCATED_SYNONYMS;
    if (rc == WS_OK)
        rc = add_option_filters(s, &q, o, err);
    int facet_idx[NFACETS];
    uint32_t check = 0;
    if (rc == WS_OK)
        rc = sync_metacache(s, err);
    if (rc == WS_OK)
        rc = prepare_enquire(s, q, o, &enq, facet_idx, &check, err);
    unsigned limit = o->limit > WS_SEARCH_MAX_LIMIT ? WS_SEARCH_MAX_LIMIT : o->limit;
    /* Xapian's time limit stops the exhaustive count (check_at_least, the
     * facets) and does not say it did: a match that took that long was cut. */
    double t0 = mono_now();
    if (rc == WS_OK)
        rc = ws_xenquire_mset(enq, o->offset, limit, check, &ms, err);
    if (rc == WS_OK && o->time_limit > 0 && mono_now() - t0 >= o->time_limit)
        r->truncated |= WS_TRUNCATED_TIME;
    if (rc == WS_OK && o->facet_values)
        rc = fill_facets(enq, facet_idx, o, r, err);
    if (rc == WS_OK)
        rc = fill_hits(s, enq, ms, o, r, err);
    /* Totals count files.  Collapsing leaves Xapian's total an estimate
     * unless the page holds every hit; the facets' spy knows the files it
     * saw, and fewer than check_at_least means Xapian did not stop early:
     * it saw every match (the same over shards as in one index). */
    uint32_t docs = 0;
    if (o->facet_values)
        (void)ws_xenquire_facet_seen(enq, &docs);
    if (rc == WS_OK && o->facet_values && docs < check && !(r->truncated & WS_TRUNCATED_TIME)) {
        r->estimated = docs;
        r->estimate = 0;
    } else if (rc == WS_OK) {
        r->estimate = !ws_xmset_exact(ms) || o->facet_values;
    }
    if (rc == WS_OK)
        ws_coord_finish(s, &coord, r);
    /* A suggestion is for a query whose words were not all found: stems
     * already match other forms of a word, so "kommune" needs no
     * correction, and only words the index does not know are corrected. */
    int unmet = r->nhits == 0 || r->hits[0].partial;
    if (rc == WS_OK && unmet)
        rc = correct_query(s, pq, &corr, err);
    if (rc == WS_OK && unmet && corr && *corr) {
        r->corrected = corr;
        corr = NULL;
    }
    free(corr);
    ws_xmset_free(ms);
    ws_xenquire_free(enq);
    ws_xquery_free(q);
    return rc;
}

int ws_search(ws_searcher *s, const char *query, size_t len, const ws_search_options *opts,
              ws_results **out, ws_error *err)
{
    *out = NULL;
    if (!s || (!query && len))
        return ws_error_set(err, WS_EINVAL, "ws_search: invalid argument");
    if (opts && opts->version != WS_SEARCH_OPTIONS_VERSION)
        return ws_error_set(err, WS_EINVAL,
                            "search options version %u is not supported: this wsearch has %u; "
                            "build with WS_SEARCH_OPTIONS_INIT",
                            opts->version, WS_SEARCH_OPTIONS_VERSION);
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    if (opts)
        o = *opts;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    char *rw = NULL, *exact = NULL;
    ws_query *pq = NULL;
    int rc =
        ws_searcher_prepare_query(s, query ? query : "", len, o.max_query, &pq, &rw, &exact, err);
    if (rc != WS_OK)
        return rc;
    ws_results *r = NULL;
    /* A writer may commit while we read: Xapian then throws
     * DatabaseModifiedError, and the cure is to reopen and run again.  A
     * remote shard that dropped its connection (restarted) gets one more
     * try: the reopen connects again (ws_xdb_reopen). */
    for (int attempt = 0; attempt < 5; attempt++) {
        ws_results_free(r);
        r = calloc(1, sizeof *r);
        if (!r) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
            break;
        }
        rc = run_once(s, pq, rw, exact, &o, r, err);
        if (rc != WS_EMODIFIED && (rc != WS_ENETWORK || attempt > 0))
            break;
        int was = rc;
        rc = ws_searcher_reopen(s, err);
        if (rc != WS_OK)
            break;
        rc = was;
    }
    free(rw);
    free(exact);
    ws_query_free(pq);
    if (rc != WS_OK) {
        ws_results_free(r);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *out = r;
    return WS_OK;
}
