/*
 * hits.c - a match becomes a ws_hit: its stored record decoded, the
 * snippet cut, the passage named, related documents looked up; and the
 * stored documents handed to programs (ws_searcher_document).
 *
 * Records are binary (index/record.h): a hit decodes its metadata and
 * passage table without reading its text, and the snippet gets a view of
 * the text, checked only as far as the snippet scans.  A related document
 * decodes only its header fields.  Types and passage kinds stay enums
 * here; they become names only in the JSON and text output.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/hits.h"

#include <stdlib.h>
#include <string.h>

#include "index/record.h"
#include "index/schema.h"
#include "search/related.h"
#include "search/searcher.h"

/* Only this much of a very long text is scanned for the snippet. */
#define WS_SNIPPET_SCAN ((size_t)4 << 20)

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

/* The stored record of doc, decoded into *rec over *data (both the
 * caller's to free: ws_record_free, free). */
static int open_record(ws_xdoc *doc, uint32_t docid, char **data, ws_record *rec, ws_error *err)
{
    size_t len = 0;
    *data = NULL;
    memset(rec, 0, sizeof *rec);
    int rc = ws_xdoc_get_data(doc, data, &len, err);
    if (rc != WS_OK)
        return rc;
    ws_error e;
    rc = ws_record_open(rec, *data, len, &e);
    if (rc != WS_OK)
        return ws_error_set(err, rc, "document %u: %s", docid, e.msg);
    return WS_OK;
}

/* ---- related documents (recap <-> presentation, see related.h) ---------- */

typedef struct related_ids {
    uint32_t id[WS_RELATED_MAX];
    size_t n;
    uint32_t self;
} related_ids;

static int related_add_term(ws_searcher *s, related_ids *r, const char *prefix, const char *value,
                            ws_error *err)
{
    char term[256];
    uint32_t *ids = NULL;
    size_t n = 0;
    ws_related_term(prefix, value, term);
    int rc = ws_xdb_postings(s->db, term, &ids, &n, err);
    for (size_t i = 0; rc == WS_OK && i < n && r->n < WS_RELATED_MAX; i++) {
        size_t k = 0;
        while (k < r->n && r->id[k] != ids[i])
            k++;
        if (ids[i] != r->self && k == r->n)
            r->id[r->n++] = ids[i];
    }
    free(ids);
    return rc;
}

/* Documents linking to the hit's file, and the hit's links that are
 * documents of the index; rec is the hit's stored record. */
static int fill_related(ws_searcher *s, ws_hit *h, const ws_record *rec, ws_error *err)
{
    related_ids r = {{0}, 0, h->docid};
    char name[1024], target[4096];
    int rc = WS_OK;
    if (!h->path)
        return WS_OK;
    rc = related_add_term(s, &r, WS_PFX_LINK, h->path, err);
    if (rc == WS_OK && ws_related_name(h->path, name, sizeof name))
        rc = related_add_term(s, &r, WS_PFX_LINKNAME, name, err);
    for (size_t k = 0; k < rec->nlist[WS_LIST_LINKS]; k++) {
        const char *link = rec->list[WS_LIST_LINKS][k];
        if (rc != WS_OK || r.n >= WS_RELATED_MAX)
            break;
        if (!ws_related_resolve(h->path, link, target, sizeof target))
            continue;
        char idterm[WS_MAX_IDTERM + 1];
        ws_schema_idterm(target, idterm);
        uint32_t *ids = NULL;
        size_t n = 0;
        rc = ws_xdb_postings(s->db, idterm, &ids, &n, err);
        free(ids);
        if (rc == WS_OK && n)
            rc = related_add_term(s, &r, WS_PFX_ID, target, err);
        else if (rc == WS_OK && ws_related_name(target, name, sizeof name))
            rc = related_add_term(s, &r, WS_PFX_NAME, name, err);
    }
    if (rc != WS_OK || !r.n)
        return rc;
    h->related = calloc(r.n, sizeof *h->related);
    if (!h->related)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == WS_OK && i < r.n; i++) {
        ws_xdoc *doc = NULL;
        char *data = NULL;
        ws_record o;
        rc = ws_xdb_get_document(s->db, r.id[i], &doc, err);
        if (rc == WS_ENOTFOUND) { /* deleted since the posting was read */
            rc = WS_OK;
            continue;
        }
        ws_error skip;
        /* a damaged neighbour is left out, as before, not the hit failed */
        if (rc == WS_OK && open_record(doc, r.id[i], &data, &o, &skip) == WS_OK) {
            ws_related *e = &h->related[h->nrelated++];
            e->docid = r.id[i];
            e->path = dup_or_null(o.str[WS_FIELD_PATH]);
            e->title = dup_or_null(o.str[WS_FIELD_TITLE]);
            e->type = o.type;
            if (!e->title)
                e->title = strdup(e->path ? e->path : "");
            if (!e->title)
                rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        }
        ws_record_free(&o);
        free(data);
        ws_xdoc_free(doc);
    }
    return rc;
}

/* ---- hits ---------------------------------------------------------------- */

int ws_hit_fill(ws_searcher *s, ws_xmset *ms, uint32_t i, const ws_search_options *o,
                ws_match_fn match, void *mctx, const char **match_text, ws_hit *h, ws_error *err)
{
    ws_xdoc *doc = NULL;
    char *data = NULL;
    ws_record rec;
    memset(&rec, 0, sizeof rec);
    h->docid = ws_xmset_docid(ms, i);
    h->score = ws_xmset_weight(ms, i);
    h->percent = ws_xmset_percent(ms, i);
    h->passage_kind = WS_PASSAGE_BODY;
    int rc = ws_xmset_document(ms, i, &doc, err);
    if (rc == WS_OK)
        rc = open_record(doc, h->docid, &data, &rec, err);
    const char *tx = "";
    size_t tlen = 0;
    if (rc == WS_OK) {
        ws_error e;
        /* the snippet reads at most WS_SNIPPET_SCAN bytes (and a word past
         * it): check that much, not a 10 MB text */
        if (ws_record_text_prefix(&rec, WS_SNIPPET_SCAN + 4096, &tx, &tlen, &e) != WS_OK)
            rc = ws_error_set(err, WS_ECORRUPT, "document %u: %s", h->docid, e.msg);
    }
    if (rc == WS_OK) {
        h->path = dup_or_null(rec.str[WS_FIELD_PATH]);
        h->title = dup_or_null(rec.str[WS_FIELD_TITLE]);
        h->type = rec.type;
        h->date = dup_or_null(rec.str[WS_FIELD_DATE]);
        if (!h->title)
            h->title = strdup(h->path ? h->path : "");
        ws_snippet sn;
        *match_text = tx;
        ws_analyzer_set_stemming(s->an, 0);
        rc = ws_snippet_make(s->an, tx, tlen, o->snippet_bytes, WS_SNIPPET_SCAN, match, mctx, &sn,
                             err);
        ws_analyzer_set_stemming(s->an, 1);
        if (rc == WS_OK) {
            h->snippet = sn.text;
            h->marks = sn.marks;
            h->nmarks = sn.nmarks;
            /* The passage the snippet comes from names where the hit is. */
            for (size_t k = 0; k < rec.npassages; k++) {
                const ws_record_passage *p = &rec.passages[k];
                if (sn.src_start >= p->start && sn.src_start <= p->end) {
                    h->passage_kind = p->kind;
                    h->passage_number = p->number;
                    h->passage_heading = dup_or_null(p->heading);
                    h->ocr = p->ocr;
                    break;
                }
            }
        }
        if (rc == WS_OK && (!h->title || !h->snippet))
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        if (rc == WS_OK)
            rc = fill_related(s, h, &rec, err);
    }
    *match_text = "";
    ws_record_free(&rec);
    free(data);
    ws_xdoc_free(doc);
    return rc;
}

void ws_hit_clear(ws_hit *h)
{
    free(h->path);
    free(h->title);
    free(h->date);
    free(h->snippet);
    free(h->marks);
    free(h->passage_heading);
    for (size_t i = 0; i < h->nrelated; i++) {
        free(h->related[i].path);
        free(h->related[i].title);
    }
    free(h->related);
    memset(h, 0, sizeof *h);
}

void ws_results_free(ws_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhits; i++)
        ws_hit_clear(&r->hits[i]);
    free(r->hits);
    free(r->corrected);
    for (size_t i = 0; i < r->nfacets; i++) {
        for (size_t k = 0; k < r->facets[i].nvalues; k++)
            free(r->facets[i].values[k].value);
        free(r->facets[i].values);
    }
    free(r->facets);
    free(r);
}

/* ---- stored documents ---------------------------------------------------- */

struct ws_document {
    char *data; /* the stored bytes; rec points into them */
    ws_record rec;
};

int ws_searcher_document(ws_searcher *s, uint32_t docid, ws_document **out, ws_error *err)
{
    *out = NULL;
    if (!docid)
        return ws_error_set(err, WS_ENOTFOUND, "no document 0");
    ws_xdoc *x = NULL;
    int rc = ws_xdb_get_document(s->db, docid, &x, err);
    if (rc == WS_ENOTFOUND)
        rc = ws_error_set(err, rc, "no document %u", docid);
    ws_document *d = rc == WS_OK ? calloc(1, sizeof *d) : NULL;
    if (rc == WS_OK && !d)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK)
        rc = open_record(x, docid, &d->data, &d->rec, err);
    ws_xdoc_free(x);
    if (rc != WS_OK) {
        ws_document_free(d);
        return rc;
    }
    *out = d;
    return WS_OK;
}

void ws_document_free(ws_document *d)
{
    if (!d)
        return;
    ws_record_free(&d->rec);
    free(d->data);
    free(d);
}

ws_doctype ws_document_type(const ws_document *d)
{
    return d->rec.type;
}

const char *ws_document_field(const ws_document *d, ws_doc_field f)
{
    return (unsigned)f < WS_FIELD_COUNT_ ? d->rec.str[f] : NULL;
}

size_t ws_document_list(const ws_document *d, ws_doc_list l, const char *const **items)
{
    if ((unsigned)l >= WS_LIST_COUNT_) {
        *items = NULL;
        return 0;
    }
    *items = d->rec.list[l];
    return d->rec.nlist[l];
}

size_t ws_document_passages(const ws_document *d, const ws_document_passage **out)
{
    *out = d->rec.passages;
    return d->rec.npassages;
}

const char *ws_document_text(const ws_document *d, size_t *len)
{
    ws_error e;
    if (len)
        *len = 0;
    /* checked here, not when opened: /file needs only the path */
    if (ws_record_check_text(&d->rec, &e) != WS_OK)
        return NULL;
    if (len)
        *len = d->rec.text_len;
    return d->rec.text;
}
