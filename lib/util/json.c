/*
 * json.c - the JSON edge: results to JSON (searchd's /search answer, the
 * CLI's --json) and back (the CLI reading searchd), in one place, so output
 * through the daemon stays identical to a direct search.
 *
 * jansson stays inside this file: the public API (wsearch/search.h) hands
 * out and takes strings.  Types and passage kinds become names here and
 * nowhere earlier.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "wsearch/search.h"

/* The snippet as HTML: text escaped, matches in <mark>, so a browser never
 * has to insert document text as markup. */
static json_t *snippet_html(const ws_hit *h)
{
    size_t n = strlen(h->snippet);
    size_t cap = n * 6 + h->nmarks * 13 + 1;
    char *o = malloc(cap);
    if (!o)
        return NULL;
    size_t k = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m < h->nmarks && h->marks[m].start == i) {
            memcpy(o + k, "<mark>", 6);
            k += 6;
        }
        char ch = h->snippet[i];
        const char *rep = ch == '<'    ? "&lt;"
                          : ch == '>'  ? "&gt;"
                          : ch == '&'  ? "&amp;"
                          : ch == '"'  ? "&quot;"
                          : ch == '\'' ? "&#39;"
                                       : NULL;
        if (rep) {
            memcpy(o + k, rep, strlen(rep));
            k += strlen(rep);
        } else {
            o[k++] = ch;
        }
        if (m < h->nmarks && h->marks[m].end == i + 1) {
            memcpy(o + k, "</mark>", 7);
            k += 7;
            m++;
        }
    }
    json_t *j = json_stringn(o, k);
    free(o);
    return j;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *hit_to_json(const ws_hit *h, unsigned flags)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "id", json_integer(h->docid));
    json_object_set_new(o, "path", json_string(h->path ? h->path : ""));
    json_object_set_new(o, "title", json_string(h->title));
    json_object_set_new(o, "type", json_string(ws_doctype_name(h->type)));
    json_object_set_new(o, "date", str_or_null(h->date));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "percent", json_integer(h->percent));
    /* false: the document matches only some of the query's words */
    json_object_set_new(o, "all_words", json_boolean(!h->partial));
    json_object_set_new(o, "snippet", json_string(h->snippet));
    if (flags & WS_JSON_SNIPPET_HTML)
        json_object_set_new(o, "snippet_html", snippet_html(h));
    json_t *marks = json_array();
    for (size_t i = 0; i < h->nmarks; i++)
        json_array_append_new(
            marks, json_pack("[II]", (json_int_t)h->marks[i].start, (json_int_t)h->marks[i].end));
    json_object_set_new(o, "highlights", marks);
    json_t *p = json_object();
    json_object_set_new(p, "kind", json_string(ws_passage_kind_name(h->passage_kind)));
    if (h->passage_number)
        json_object_set_new(p, "number", json_integer(h->passage_number));
    if (h->passage_heading)
        json_object_set_new(p, "heading", json_string(h->passage_heading));
    json_object_set_new(o, "passage", p);
    /* "slide": 7 / "page": 3 and a location a viewer opens there. */
    int paged = h->passage_kind == WS_PASSAGE_PAGE, slide = h->passage_kind == WS_PASSAGE_SLIDE;
    if ((paged || slide) && h->passage_number) {
        json_object_set_new(o, paged ? "page" : "slide", json_integer(h->passage_number));
        json_t *loc = json_sprintf("%s#%s=%u", h->path ? h->path : "", paged ? "page" : "slide",
                                   h->passage_number);
        json_object_set_new(o, "location", loc ? loc : json_null());
    }
    /* "sheet": "Kurse": a sheet is known by its name. */
    if (h->passage_kind == WS_PASSAGE_SHEET && h->passage_heading)
        json_object_set_new(o, "sheet", json_string(h->passage_heading));
    if (h->ocr) /* the snippet's text was recognised from a scan */
        json_object_set_new(o, "ocr", json_true());
    json_t *rel = json_array();
    for (size_t i = 0; i < h->nrelated; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_integer(h->related[i].docid));
        json_object_set_new(e, "path", json_string(h->related[i].path ? h->related[i].path : ""));
        json_object_set_new(e, "title", json_string(h->related[i].title));
        json_object_set_new(e, "type", json_string(ws_doctype_name(h->related[i].type)));
        json_array_append_new(rel, e);
    }
    json_object_set_new(o, "related", rel);
    return o;
}

static char *dup_str(const json_t *v)
{
    const char *s = json_string_value(v);
    return s ? strdup(s) : NULL;
}

static int hit_from_json(const json_t *j, ws_hit *o)
{
    memset(o, 0, sizeof *o);
    if (!json_is_object(j))
        return -1;
    o->docid = (uint32_t)json_integer_value(json_object_get(j, "id"));
    o->score = json_number_value(json_object_get(j, "score"));
    o->percent = (int)json_integer_value(json_object_get(j, "percent"));
    o->path = dup_str(json_object_get(j, "path"));
    o->title = dup_str(json_object_get(j, "title"));
    o->type = ws_doctype_from_name(json_string_value(json_object_get(j, "type")));
    o->date = dup_str(json_object_get(j, "date"));
    o->snippet = dup_str(json_object_get(j, "snippet"));
    if (!o->title)
        o->title = strdup("");
    if (!o->snippet)
        o->snippet = strdup("");
    json_t *p = json_object_get(j, "passage");
    o->passage_kind = ws_passage_kind_from_name(json_string_value(json_object_get(p, "kind")));
    o->passage_number = (unsigned)json_integer_value(json_object_get(p, "number"));
    o->passage_heading = dup_str(json_object_get(p, "heading"));
    o->ocr = json_is_true(json_object_get(j, "ocr"));
    o->partial = json_is_false(json_object_get(j, "all_words"));
    size_t slen = o->snippet ? strlen(o->snippet) : 0;
    json_t *marks = json_object_get(j, "highlights");
    size_t nm = json_array_size(marks);
    if (nm && !(o->marks = calloc(nm, sizeof *o->marks)))
        goto oom;
    for (size_t k = 0; k < nm; k++) {
        json_t *m = json_array_get(marks, k);
        json_int_t s = json_integer_value(json_array_get(m, 0));
        json_int_t e = json_integer_value(json_array_get(m, 1));
        /* offsets from outside index our buffer: check them */
        if (s < 0 || e < s || (size_t)e > slen)
            continue;
        o->marks[o->nmarks].start = (size_t)s;
        o->marks[o->nmarks].end = (size_t)e;
        o->nmarks++;
    }
    json_t *rel = json_object_get(j, "related");
    size_t nr = json_array_size(rel);
    if (nr && !(o->related = calloc(nr, sizeof *o->related)))
        goto oom;
    for (size_t k = 0; k < nr; k++) {
        json_t *e = json_array_get(rel, k);
        ws_related *r = &o->related[o->nrelated++];
        r->docid = (uint32_t)json_integer_value(json_object_get(e, "id"));
        r->path = dup_str(json_object_get(e, "path"));
        r->title = dup_str(json_object_get(e, "title"));
        r->type = ws_doctype_from_name(json_string_value(json_object_get(e, "type")));
        if (!r->title && !(r->title = strdup("")))
            goto oom;
    }
    if (!o->title || !o->snippet)
        goto oom;
    return 0;
oom:
    ws_hit_clear(o);
    return -1;
}

static json_t *facets_to_json(const ws_results *r)
{
    json_t *facets = json_object();
    for (size_t i = 0; facets && i < r->nfacets; i++) {
        json_t *vals = json_array();
        for (size_t k = 0; k < r->facets[i].nvalues; k++)
            json_array_append_new(vals,
                                  json_pack("{s:s,s:i}", "value", r->facets[i].values[k].value,
                                            "count", (int)r->facets[i].values[k].count));
        json_object_set_new(facets, r->facets[i].name, vals);
    }
    return facets;
}

int ws_results_to_json(const ws_results *r, const ws_json_request *req, unsigned flags, char **out,
                       size_t *len, ws_error *err)
{
    *out = NULL;
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < r->nhits; i++)
        if (json_array_append_new(hits, hit_to_json(&r->hits[i], flags)) != 0) {
            json_decref(hits);
            hits = NULL;
        }
    json_t *o = hits;
    if (hits && !(flags & WS_JSON_HITS_ONLY)) {
        static const ws_json_request none = {"", 0, 0, 0, NULL};
        if (!req)
            req = &none;
        o = json_object();
        if (o) {
            json_object_set_new(o, "query", json_stringn(req->query, req->query_len));
            json_object_set_new(o, "total", json_integer(r->estimated));
            json_object_set_new(o, "offset", json_integer(req->offset));
            json_object_set_new(o, "size", json_integer(req->limit));
            json_object_set_new(o, "hits", hits);
            json_object_set_new(o, "facets", facets_to_json(r));
            json_object_set_new(o, "suggestion",
                                r->corrected ? json_string(r->corrected) : json_null());
            json_object_set_new(o, "took_ms", json_real(r->seconds * 1000.0));
            /* false: some hits match only some words (ws_results.partial) */
            json_object_set_new(o, "all_words", json_boolean(r->partial == 0));
            /* A budget cut the search: these are the best hits found within it. */
            json_object_set_new(o, "truncated", json_boolean(r->truncated != 0));
            if (r->truncated) {
                json_t *by = json_array();
                if (r->truncated & WS_TRUNCATED_WILDCARDS)
                    json_array_append_new(by, json_string("wildcards"));
                if (r->truncated & WS_TRUNCATED_TIME)
                    json_array_append_new(by, json_string("time"));
                if (r->truncated & WS_TRUNCATED_SYNONYMS)
                    json_array_append_new(by, json_string("synonyms"));
                json_object_set_new(o, "truncated_by", by);
            }
            if (req->index)
                json_object_set_new(o, "index", json_string(req->index));
        } else {
            json_decref(hits);
        }
    }
    char *s = o ? json_dumps(o, flags & WS_JSON_HITS_ONLY ? JSON_INDENT(2) : JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return ws_error_set(err, WS_ENOMEM, "out of memory writing JSON");
    *out = s;
    if (len)
        *len = strlen(s);
    return WS_OK;
}

int ws_results_from_json(const char *json, size_t len, ws_results **out, char **index,
                         ws_error *err)
{
    *out = NULL;
    if (index)
        *index = NULL;
    json_error_t je;
    json_t *j = json_loadb(json, len, 0, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        return ws_error_set(err, WS_EFORMAT, "not a search answer: %s",
                            j ? "not an object" : je.text);
    }
    ws_results *r = calloc(1, sizeof *r);
    if (!r) {
        json_decref(j);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    json_t *hits = json_object_get(j, "hits");
    size_t n = json_array_size(hits);
    r->estimated = (uint32_t)json_integer_value(json_object_get(j, "total"));
    json_t *by = json_object_get(j, "truncated_by");
    for (size_t i = 0; i < json_array_size(by); i++) {
        const char *w = json_string_value(json_array_get(by, i));
        r->truncated |= !w                       ? 0
                        : !strcmp(w, "time")     ? WS_TRUNCATED_TIME
                        : !strcmp(w, "synonyms") ? WS_TRUNCATED_SYNONYMS
                                                 : WS_TRUNCATED_WILDCARDS;
    }
    const char *sug = json_string_value(json_object_get(j, "suggestion"));
    int rc = WS_OK;
    if ((sug && !(r->corrected = strdup(sug))) || (n && !(r->hits = calloc(n, sizeof *r->hits))))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == WS_OK && i < n; i++) {
        if (hit_from_json(json_array_get(hits, i), &r->hits[i]) != 0)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory reading a hit");
        r->nhits = i + 1;
        r->partial += (unsigned)r->hits[i].partial;
    }
    const char *ix = json_string_value(json_object_get(j, "index"));
    if (rc == WS_OK && index && ix && !(*index = strdup(ix)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    json_decref(j);
    if (rc != WS_OK) {
        ws_results_free(r);
        return rc;
    }
    *out = r;
    return WS_OK;
}
