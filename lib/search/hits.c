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
#include "search/metacache.h"
#include "search/related.h"
#include "search/searcher.h"
#include "util/text.h"

/* Only this much of a text is analysed when its terms cannot be located. */
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
    /* most link terms name no document: the term's frequency says so
     * through the table's shared cursor, without a postlist's own */
    uint32_t freq = 0;
    int rc = ws_xdb_termfreq(s->db, term, &freq, err);
    if (rc != WS_OK || !freq)
        return rc;
    /* the first few are all a hit names (self among them, perhaps), not
     * the hundreds of pages that link to a manual's index; a unique id is
     * on every part of its file, and the first is the file's (part 0) */
    size_t max = strcmp(prefix, WS_PFX_ID) ? WS_RELATED_MAX + 1 : 1;
    rc = ws_xdb_postings_upto(s->db, term, max, &ids, &n, err);
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

static int fill_one_related(ws_searcher *s, ws_hit *h, uint32_t id, ws_error *err);

/* Documents linking to the hit's file, and the hit's links that are
 * documents of the index; rec is the hit's stored record. */
static int find_related(ws_searcher *s, const ws_hit *h, const ws_record *rec, related_ids *r,
                        ws_error *err)
{
    char name[1024], target[4096];
    int rc = related_add_term(s, r, WS_PFX_LINK, h->path, err);
    if (rc == WS_OK && ws_related_name(h->path, name, sizeof name))
        rc = related_add_term(s, r, WS_PFX_LINKNAME, name, err);
    for (size_t k = 0; k < rec->nlist[WS_LIST_LINKS] && k < WS_RELATED_PROBES; k++) {
        const char *link = rec->list[WS_LIST_LINKS][k];
        if (rc != WS_OK || r->n >= WS_RELATED_MAX)
            break;
        if (!ws_related_resolve(h->path, link, target, sizeof target))
            continue;
        char idterm[WS_MAX_IDTERM + 1];
        ws_schema_idterm(target, idterm);
        uint32_t n = 0;
        rc = ws_xdb_termfreq(s->db, idterm, &n, err);
        if (rc == WS_OK && n)
            rc = related_add_term(s, r, WS_PFX_ID, target, err);
        else if (rc == WS_OK && ws_related_name(target, name, sizeof name))
            rc = related_add_term(s, r, WS_PFX_NAME, name, err);
    }
    if (rc == WS_OK)
        ws_metacache_put_related(s->meta, h->docid, r->id, r->n);
    return rc;
}

/* Part 0 of the file whose part the hit is: its document id (the lowest
 * of the file's unique id, see index.c) and record, for the links and
 * for leaving the file itself out of its related documents. */
static int first_part(ws_searcher *s, const char *path, uint32_t *id, char **data, ws_record *rec,
                      ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    uint32_t *ids = NULL;
    size_t n = 0;
    ws_xdoc *doc = NULL;
    ws_schema_idterm(path, idterm);
    *id = 0;
    int rc = ws_xdb_postings_upto(s->db, idterm, 1, &ids, &n, err);
    if (rc == WS_OK && n)
        *id = ids[0];
    free(ids);
    if (rc == WS_OK && *id)
        rc = ws_xdb_get_document(s->db, *id, &doc, err);
    if (rc == WS_OK && doc)
        rc = open_record(doc, *id, data, rec, err);
    ws_xdoc_free(doc);
    return rc;
}

static int fill_related(ws_searcher *s, ws_hit *h, const ws_record *rec, ws_error *err)
{
    related_ids r = {{0}, 0, h->docid};
    int rc = WS_OK;
    if (!h->path)
        return WS_OK;
    /* the same hit for another query of this revision: the same ids */
    int known = ws_metacache_get_related(s->meta, h->docid, r.id, WS_RELATED_MAX);
    if (known >= 0) {
        r.n = (size_t)known;
    } else if (rec->part == 0 || !rec->file_links) {
        /* without links of its own the file is none of its related
         * documents: part 0 is not needed to leave it out */
        rc = find_related(s, h, rec, &r, err);
    } else { /* the file's links and its own id are with its first part */
        char *data = NULL;
        ws_record head;
        memset(&head, 0, sizeof head);
        rc = first_part(s, h->path, &r.self, &data, &head, err);
        if (rc == WS_OK)
            rc = find_related(s, h, &head, &r, err);
        ws_record_free(&head);
        free(data);
    }
    if (rc != WS_OK || !r.n)
        return rc;
    h->related = calloc(r.n, sizeof *h->related);
    if (!h->related)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == WS_OK && i < r.n; i++)
        rc = fill_one_related(s, h, r.id[i], err);
    return rc;
}

/* Related document id as h's next related entry: from the searcher's
 * cache, or its record's header (left out if deleted or damaged). */
static int fill_one_related(ws_searcher *s, ws_hit *h, uint32_t id, ws_error *err)
{
    ws_related *e = &h->related[h->nrelated];
    int got = ws_metacache_get(s->meta, id, &e->path, &e->title, &e->type);
    if (got < 0)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    if (got) {
        e->docid = id;
        h->nrelated++;
        return WS_OK;
    }
    ws_xdoc *doc = NULL;
    char *data = NULL;
    ws_record o;
    int rc = ws_xdb_get_document(s->db, id, &doc, err);
    if (rc == WS_ENOTFOUND) /* deleted since the posting was read */
        return WS_OK;
    ws_error skip;
    /* a damaged neighbour is left out, as before, not the hit failed */
    if (rc == WS_OK && open_record(doc, id, &data, &o, &skip) == WS_OK) {
        e->docid = id;
        e->path = dup_or_null(o.str[WS_FIELD_PATH]);
        e->title = dup_or_null(o.str[WS_FIELD_TITLE]);
        e->type = o.type;
        h->nrelated++;
        if (!e->title)
            e->title = strdup(e->path ? e->path : "");
        if (!e->title)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        else
            ws_metacache_put(s->meta, id, e->path, e->title, e->type);
    }
    ws_record_free(&o);
    free(data);
    ws_xdoc_free(doc);
    return rc;
}

/* ---- hits ---------------------------------------------------------------- */

int ws_hit_fill(ws_searcher *s, ws_xmset *ms, uint32_t i, const ws_search_options *o,
                const ws_locate *loc, ws_match_fn match, void *mctx, const char **match_text,
                ws_hit *h, ws_error *err)
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
    /* the text is neither copied nor checked here: the snippet checks
     * the windows it reads (a 10 MB text is scanned, not decoded) */
    const char *tx = rec.text ? rec.text : "";
    size_t tlen = rec.text ? rec.text_len : 0;
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
        rc = ws_snippet_located(s->an, tx, tlen, o->snippet_bytes, WS_SNIPPET_SCAN, loc, match,
                                mctx, &sn, err);
        if (rc == WS_ECORRUPT && err) {
            char why[sizeof err->msg];
            memcpy(why, err->msg, sizeof why);
            rc = ws_error_set(err, rc, "document %u: %s", h->docid, why);
        }
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

/* A file stored as several parts is put together again: the text from
 * the parts' texts at their offsets ("\n\n" where two parts meet between
 * passages), the passages in order, a passage cut across parts as one;
 * the fields are part 0's.  A file of one part is its record. */
struct ws_document {
    char *data; /* part 0's stored bytes; rec points into them */
    ws_record rec;
    size_t nparts; /* the later parts, kept for their headings */
    char **pdata;
    ws_record *prec;
    char *text; /* put together, or NULL for one part */
    size_t text_len;
    ws_document_passage *passages;
    size_t npassages;
};

/* Parts 1 .. n-1 of d's file, read and joined to part 0. */
static int join_parts(ws_searcher *s, ws_document *d, ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    uint32_t *ids = NULL;
    size_t n = 0, want = d->rec.nparts, total = 0;
    ws_schema_idterm(d->rec.str[WS_FIELD_PATH] ? d->rec.str[WS_FIELD_PATH] : "", idterm);
    int rc = ws_xdb_postings_upto(s->db, idterm, want + 1, &ids, &n, err);
    if (rc == WS_OK && n != want)
        rc = ws_error_set(err, WS_ECORRUPT, "document of %zu parts has %zu", want, n);
    if (rc == WS_OK && (!(d->pdata = calloc(want, sizeof *d->pdata)) ||
                        !(d->prec = calloc(want, sizeof *d->prec))))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    /* postings ascend by document id and part 0 has the lowest (index.c);
     * the parts after it were added in order */
    for (size_t k = 1; rc == WS_OK && k < want; k++) {
        ws_xdoc *x = NULL;
        rc = ws_xdb_get_document(s->db, ids[k], &x, err);
        if (rc == WS_OK)
            rc = open_record(x, ids[k], &d->pdata[k], &d->prec[k], err);
        d->nparts = k + 1;
        ws_xdoc_free(x);
        const ws_record *p = &d->prec[k];
        if (rc == WS_OK && p->part != k)
            rc = ws_error_set(err, WS_ECORRUPT, "document %u: part %u where %zu belongs", ids[k],
                              p->part, k);
    }
    free(ids);
    if (rc != WS_OK)
        return rc;
    d->prec[0] = d->rec; /* a view: freed as d->rec */
    size_t np = 0;
    for (size_t k = 0; k < want; k++) {
        const ws_record *p = &d->prec[k];
        size_t end = k ? (size_t)d->prec[k - 1].text_off + d->prec[k - 1].text_len : 0;
        if (p->text_off < end || p->text_off > end + 2 || (!k && p->text_off))
            return ws_error_set(err, WS_ECORRUPT, "part %zu does not join the text", k);
        total = (size_t)p->text_off + p->text_len;
        np += p->npassages;
    }
    d->text = malloc(total + 1);
    d->passages = calloc(np ? np : 1, sizeof *d->passages);
    if (!d->text || !d->passages)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t k = 0; k < want; k++) {
        const ws_record *p = &d->prec[k];
        size_t end = k ? (size_t)d->prec[k - 1].text_off + d->prec[k - 1].text_len : 0;
        if (p->text_off == end + 2)
            memcpy(d->text + end, "\n\n", 2);
        memcpy(d->text + p->text_off, p->text, p->text_len);
        for (size_t j = 0; j < p->npassages; j++) {
            const ws_record_passage *q = &p->passages[j];
            if (j == 0 && k && p->text_off == end && d->npassages) {
                d->passages[d->npassages - 1].end = p->text_off + q->end; /* cut passage */
                continue;
            }
            ws_document_passage *o = &d->passages[d->npassages++];
            *o = *q;
            o->start += p->text_off;
            o->end += p->text_off;
        }
    }
    d->text[total] = '\0';
    d->text_len = total;
    return WS_OK;
}

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
    /* any part's id names its file: start from part 0 */
    if (rc == WS_OK && d->rec.part != 0 && d->rec.str[WS_FIELD_PATH]) {
        uint32_t id0 = 0;
        char *data = NULL;
        ws_record head;
        memset(&head, 0, sizeof head);
        rc = first_part(s, d->rec.str[WS_FIELD_PATH], &id0, &data, &head, err);
        if (rc == WS_OK && head.buf) {
            ws_record_free(&d->rec);
            free(d->data);
            d->rec = head;
            d->data = data;
        } else {
            ws_record_free(&head);
            free(data);
        }
    }
    if (rc == WS_OK && d->rec.nparts > 1)
        rc = join_parts(s, d, err);
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
    for (size_t k = 1; k < d->nparts; k++) {
        ws_record_free(&d->prec[k]);
        free(d->pdata[k]);
    }
    free(d->prec);
    free(d->pdata);
    free(d->text);
    free(d->passages);
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
    *out = d->text ? d->passages : d->rec.passages;
    return d->text ? d->npassages : d->rec.npassages;
}

const char *ws_document_text(const ws_document *d, size_t *len)
{
    ws_error e;
    if (len)
        *len = 0;
    if (d->text) { /* put together from checked parts? check it whole */
        if (memchr(d->text, '\0', d->text_len) || !ws_utf8_valid(d->text, d->text_len))
            return NULL;
        if (len)
            *len = d->text_len;
        return d->text;
    }
    /* checked here, not when opened: /file needs only the path */
    if (ws_record_check_text(&d->rec, &e) != WS_OK)
        return NULL;
    if (len)
        *len = d->rec.text_len;
    return d->rec.text;
}
