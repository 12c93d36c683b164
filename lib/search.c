/*
 * search.c - query -> ranked, highlighted hits.
 *
 * The query is rewritten by ws_query_rewrite (German analysis), parsed by
 * Xapian's QueryParser with our libstemmer-backed stemmer plugged in, and
 * run with Enquire.  Each hit's stored record (JSON, see docs/schema.md)
 * gives its metadata and the full text the snippet is cut from.
 */
#define _POSIX_C_SOURCE 200809L
#include "wsearch/search.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "query.h"
#include "schema.h"
#include "snippet.h"
#include "wsearch/analysis.h"
#include "wsearch/xapian.h"

struct ws_searcher {
    ws_xdb *db;
    ws_analyzer *an;
    ws_xqp *qp;
    char *path;
};

/* Only this much of a very long text is scanned for the snippet. */
#define WS_SNIPPET_SCAN ((size_t)4 << 20)
#define WS_MAX_WILDCARD 200

/* Xapian's parser calls this for every word it stems. */
static int stem_cb(void *ctx, const char *word, size_t len, char *out, size_t cap)
{
    return ws_analyzer_stem(ctx, word, len, out, cap);
}

static int check_index(ws_searcher *s, ws_error *err)
{
    char *schema = NULL, *analysis = NULL;
    uint32_t docs = 0;
    int rc = ws_xdb_doccount(s->db, &docs, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(s->db, WS_META_SCHEMA, &schema, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(s->db, WS_META_ANALYSIS, &analysis, err);
    if (rc == WS_OK && (docs || *schema || *analysis)) {
        if (strcmp(schema, WS_SCHEMA_VERSION) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index has schema version '%s', this wsearch reads '%s'; "
                              "rebuild it with: wsearch index --rebuild",
                              s->path, schema, WS_SCHEMA_VERSION);
        else if (strcmp(analysis, ws_analysis_signature()) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index was built with different text analysis (%s), searching "
                              "it would miss matches; rebuild it with: wsearch index --rebuild",
                              s->path, analysis);
    }
    free(schema);
    free(analysis);
    return rc;
}

static int setup_parser(ws_searcher *s, ws_error *err)
{
    int rc = ws_xqp_new(&s->qp, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_database(s->qp, s->db, err);
    if (rc == WS_OK)
        rc = ws_xqp_set_stemmer(s->qp, stem_cb, s->an, err);
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
    return ws_xdb_reopen(s->db, NULL, err);
}

int ws_searcher_doccount(ws_searcher *s, uint32_t *out, ws_error *err)
{
    return ws_xdb_doccount(s->db, out, err);
}

int ws_search_rewrite(ws_searcher *s, const char *query, size_t len, char **out, ws_error *err)
{
    *out = NULL;
    ws_buf b = WS_BUF_INIT;
    int rc = ws_query_rewrite(s->an, query, len, 0, &b, err);
    if (rc == WS_OK)
        *out = ws_buf_steal(&b, NULL);
    ws_buf_free(&b);
    return rc;
}

/* ---- results ------------------------------------------------------------ */

static void free_hit(ws_hit *h)
{
    free(h->path);
    free(h->title);
    free(h->type);
    free(h->date);
    free(h->snippet);
    free(h->marks);
    free(h->passage_heading);
}

void ws_results_free(ws_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++)
        free_hit(&r->hits[i]);
    free(r->hits);
    free(r->corrected);
    free(r);
}

/* The terms of the query that matched one document, split into plain
 * words and stems, for the snippet's highlighter. */
typedef struct match_set {
    char **terms;
    size_t n, cap;
    int oom;
} match_set;

static int add_match(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    match_set *m = ctx;
    /* Only body terms: plain words start with a non-prefix byte, stems
     * with "Z" and then a non-prefix byte. */
    const char *t = term;
    if (*t == 'Z')
        t++;
    if (*t >= 'A' && *t <= 'Z')
        return 0;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        char **v = realloc(m->terms, cap * sizeof *v);
        if (!v) {
            m->oom = 1;
            return 1;
        }
        m->terms = v;
        m->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c) {
        m->oom = 1;
        return 1;
    }
    memcpy(c, term, len);
    c[len] = '\0';
    m->terms[m->n++] = c;
    return 0;
}

static void match_set_free(match_set *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->terms[i]);
    free(m->terms);
    memset(m, 0, sizeof *m);
}

static int match_token(void *ctx, const ws_token *t)
{
    match_set *m = ctx;
    for (size_t i = 0; i < m->n; i++) {
        const char *q = m->terms[i];
        if (q[0] == 'Z') {
            if (t->stem && !strcmp(q + 1, t->stem))
                return (int)i + 1;
        } else if (!strcmp(q, t->term)) {
            return (int)i + 1;
        }
    }
    return 0;
}

static char *json_strdup(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? strdup(v) : NULL;
}

static int fill_hit(ws_searcher *s, ws_xenquire *enq, ws_xmset *ms, uint32_t i,
                    const ws_search_options *o, ws_hit *h, ws_error *err)
{
    ws_xdoc *doc = NULL;
    char *data = NULL;
    size_t dlen = 0;
    json_t *j = NULL;
    match_set m = {0};
    h->docid = ws_xmset_docid(ms, i);
    h->score = ws_xmset_weight(ms, i);
    h->percent = ws_xmset_percent(ms, i);
    h->passage_kind = "body";
    int rc = ws_xmset_document(ms, i, &doc, err);
    if (rc == WS_OK)
        rc = ws_xdoc_get_data(doc, &data, &dlen, err);
    if (rc == WS_OK) {
        json_error_t je;
        j = json_loadb(data, dlen, 0, &je);
        if (!j)
            rc = ws_error_set(err, WS_ECORRUPT, "document %u: stored record is not JSON: %s",
                              h->docid, je.text);
    }
    if (rc == WS_OK)
        rc = ws_xenquire_matching_terms(enq, h->docid, add_match, &m, err);
    if (rc == WS_OK && m.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK) {
        h->path = json_strdup(j, "path");
        h->title = json_strdup(j, "title");
        h->type = json_strdup(j, "type");
        h->date = json_strdup(j, "date");
        if (!h->title)
            h->title = strdup(h->path ? h->path : "");
        json_t *text = json_object_get(j, "text");
        const char *tx = json_string_value(text);
        size_t tlen = tx ? json_string_length(text) : 0;
        ws_snippet sn;
        rc = ws_snippet_make(s->an, tx ? tx : "", tlen, o->snippet_bytes, WS_SNIPPET_SCAN,
                             match_token, &m, &sn, err);
        if (rc == WS_OK) {
            h->snippet = sn.text;
            h->marks = sn.marks;
            h->nmarks = sn.nmarks;
            /* The passage the snippet comes from names where the hit is. */
            json_t *ps = json_object_get(j, "passages");
            size_t k;
            json_t *p;
            json_array_foreach(ps, k, p)
            {
                json_int_t st = json_integer_value(json_object_get(p, "start"));
                json_int_t en = json_integer_value(json_object_get(p, "end"));
                if ((json_int_t)sn.src_start >= st && (json_int_t)sn.src_start <= en) {
                    const char *kind = json_string_value(json_object_get(p, "kind"));
                    h->passage_kind = !kind                      ? "body"
                                      : !strcmp(kind, "section") ? "section"
                                      : !strcmp(kind, "page")    ? "page"
                                      : !strcmp(kind, "slide")   ? "slide"
                                                                 : "body";
                    h->passage_number = (unsigned)json_integer_value(json_object_get(p, "n"));
                    h->passage_heading = json_strdup(p, "heading");
                    break;
                }
            }
        }
        if (rc == WS_OK && (!h->title || !h->snippet))
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    match_set_free(&m);
    json_decref(j);
    free(data);
    ws_xdoc_free(doc);
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

/* "2024-03-05" -> "20240305"; 0 if it is not such a date. */
static int ymd(const char *d, char out[9])
{
    if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return 0;
    memcpy(out, d, 4);
    memcpy(out + 4, d + 5, 2);
    memcpy(out + 6, d + 8, 2);
    out[8] = '\0';
    return 1;
}

static int run_once(ws_searcher *s, const char *rewritten, const ws_search_options *o,
                    ws_results *r, ws_error *err)
{
    ws_xquery *q = NULL;
    ws_xenquire *enq = NULL;
    ws_xmset *ms = NULL;
    char *corr = NULL;
    int rc = ws_xqp_parse(s->qp, rewritten,
                          WS_XQP_BOOLEAN | WS_XQP_PHRASE | WS_XQP_LOVEHATE | WS_XQP_WILDCARD |
                              WS_XQP_SPELLING | WS_XQP_PURE_NOT,
                          &q, err);
    if (rc == WS_EQUERY && err)
        rc = ws_error_set(err, rc, "cannot understand the query: %s", err->msg);
    if (rc == WS_OK && ws_xquery_is_empty(q))
        rc = ws_error_set(err, WS_EQUERY, "the query has no words to search for");
    if (rc == WS_OK && o->type && *o->type) {
        char t[64];
        ws_xquery *f = NULL;
        snprintf(t, sizeof t, "%s%s", WS_PFX_TYPE, o->type);
        rc = ws_xquery_term(&f, t, err);
        if (rc == WS_OK)
            rc = add_filter(&q, f, err);
    }
    if (rc == WS_OK && (o->date_from || o->date_to)) {
        char lo[9], hi[9];
        int has_lo = ymd(o->date_from, lo), has_hi = ymd(o->date_to, hi);
        if ((o->date_from && !has_lo) || (o->date_to && !has_hi))
            rc = ws_error_set(err, WS_EQUERY, "dates must be written YYYY-MM-DD");
        ws_xquery *f = NULL;
        if (rc == WS_OK)
            rc = ws_xquery_value_range(&f, WS_SLOT_DATE, has_lo ? lo : NULL, has_hi ? hi : NULL,
                                       err);
        if (rc == WS_OK)
            rc = add_filter(&q, f, err);
    }
    if (rc == WS_OK)
        rc = ws_xenquire_new(&enq, s->db, err);
    if (rc == WS_OK)
        rc = ws_xenquire_set_query(enq, q, err);
    if (rc == WS_OK && o->sort != WS_SORT_RELEVANCE)
        rc = ws_xenquire_sort_by_value(enq, WS_SLOT_DATE, o->sort == WS_SORT_DATE_DESC, err);
    if (rc == WS_OK && o->time_limit > 0)
        rc = ws_xenquire_time_limit(enq, o->time_limit, err);
    unsigned limit = o->limit > WS_SEARCH_MAX_LIMIT ? WS_SEARCH_MAX_LIMIT : o->limit;
    if (rc == WS_OK)
        rc = ws_xenquire_mset(enq, o->offset, limit, 0, &ms, err);
    if (rc == WS_OK) {
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
    }
    if (rc == WS_OK)
        rc = ws_xqp_corrected(s->qp, &corr, err);
    /* A suggestion is for a query that found nothing: stems already
     * match other forms of a word, so "kommune" needs no correction. */
    if (rc == WS_OK && r->nhits == 0 && corr && *corr && strcmp(corr, rewritten) != 0) {
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
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    if (opts)
        o = *opts;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    ws_buf rw = WS_BUF_INIT;
    int rc = ws_query_rewrite(s->an, query ? query : "", len, o.max_query, &rw, err);
    if (rc != WS_OK) {
        ws_buf_free(&rw);
        return rc;
    }
    ws_results *r = NULL;
    /* A writer may commit while we read: Xapian then throws
     * DatabaseModifiedError, and the cure is to reopen and run again. */
    for (int attempt = 0; attempt < 5; attempt++) {
        ws_results_free(r);
        r = calloc(1, sizeof *r);
        if (!r) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
            break;
        }
        rc = run_once(s, rw.data, &o, r, err);
        if (rc != WS_EMODIFIED)
            break;
        rc = ws_xdb_reopen(s->db, NULL, err);
        if (rc != WS_OK)
            break;
        rc = WS_EMODIFIED;
    }
    ws_buf_free(&rw);
    if (rc != WS_OK) {
        ws_results_free(r);
        return rc;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *out = r;
    return WS_OK;
}
