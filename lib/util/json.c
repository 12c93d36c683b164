/*
 * json.c - the JSON edge: results to JSON (searchd's /search answer, the
 * CLI's --json) and back (the CLI reading searchd), in one place, so output
 * through the daemon stays identical to a direct search.
 *
 * Answers are written straight into one buffer (below); jansson reads
 * them back and stays inside this file: the public API (wsearch/search.h)
 * hands out and takes strings.  Types and passage kinds become names here and
 * nowhere earlier.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"
#include "wsearch/search.h"

/* ---- writing: straight into one buffer ------------------------------------ */

/* A search answer is written once, field by field, into one buffer: no
 * tree of values built and then dumped (jansson's way cost a tenth of
 * searchd's time on short documents).  Compact for searchd; indented by 2
 * for the CLI's --json, laid out as jansson's JSON_INDENT(2) did. */
#define JW_DEPTH 8

typedef struct jw {
    ws_buf *b;
    int indent; /* spaces per level, 0: compact */
    int depth;
    int items[JW_DEPTH]; /* values written so far in each open container */
} jw;

static void jw_newline(jw *w)
{
    ws_buf_putc(w->b, '\n');
    for (int i = 0; i < w->depth * w->indent; i++)
        ws_buf_putc(w->b, ' ');
}

static void jw_open(jw *w, char c)
{
    ws_buf_putc(w->b, c);
    if (w->depth + 1 < JW_DEPTH)
        w->items[++w->depth] = 0;
}

static void jw_close(jw *w, char c)
{
    int had = w->items[w->depth];
    w->depth--;
    if (had && w->indent)
        jw_newline(w);
    ws_buf_putc(w->b, c);
}

/* Before an array element (and, through jw_key, an object member). */
static void jw_item(jw *w)
{
    if (w->items[w->depth]++)
        ws_buf_putc(w->b, ',');
    if (w->indent)
        jw_newline(w);
}

/* s[0..n) as a JSON string; text that is not UTF-8 becomes null. */
static void jw_strn(jw *w, const char *s, size_t n)
{
    if (!s || !ws_utf8_valid(s, n) || memchr(s, '\0', n)) {
        ws_buf_puts(w->b, "null");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    ws_buf_putc(w->b, '"');
    size_t run = 0; /* bytes copied as they are, in one append */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        ws_buf_append(w->b, s + run, i - run);
        run = i + 1;
        const char *e = c == '"'    ? "\\\""
                        : c == '\\' ? "\\\\"
                        : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t"
                        : c == '\b' ? "\\b"
                        : c == '\f' ? "\\f"
                                    : NULL;
        if (e) {
            ws_buf_puts(w->b, e);
        } else {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0'};
            ws_buf_puts(w->b, u);
        }
    }
    ws_buf_append(w->b, s + run, n - run);
    ws_buf_putc(w->b, '"');
}

static void jw_str(jw *w, const char *s)
{
    jw_strn(w, s, s ? strlen(s) : 0);
}

static void jw_key(jw *w, const char *k)
{
    jw_item(w);
    jw_str(w, k);
    ws_buf_puts(w->b, w->indent ? ": " : ":");
}

static void jw_int(jw *w, long long v)
{
    ws_buf_printf(w->b, "%lld", v);
}

/* A real as jansson wrote it: 17 significant digits, always with a point
 * or an exponent, so a reader sees a real. */
static void jw_real(jw *w, double v)
{
    char t[40];
    if (!isfinite(v))
        v = 0;
    snprintf(t, sizeof t, "%.17g", v);
    if (!strpbrk(t, ".eE"))
        strcat(t, ".0");
    ws_buf_puts(w->b, t);
}

/* The snippet as HTML: text escaped, matches in <mark>, so a browser never
 * has to insert document text as markup. */
static void snippet_html(jw *w, const ws_hit *h)
{
    size_t n = strlen(h->snippet);
    ws_buf o = WS_BUF_INIT;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m < h->nmarks && h->marks[m].start == i)
            ws_buf_puts(&o, "<mark>");
        char ch = h->snippet[i];
        const char *rep = ch == '<'    ? "&lt;"
                          : ch == '>'  ? "&gt;"
                          : ch == '&'  ? "&amp;"
                          : ch == '"'  ? "&quot;"
                          : ch == '\'' ? "&#39;"
                                       : NULL;
        if (rep)
            ws_buf_puts(&o, rep);
        else
            ws_buf_putc(&o, ch);
        if (m < h->nmarks && h->marks[m].end == i + 1) {
            ws_buf_puts(&o, "</mark>");
            m++;
        }
    }
    if (o.oom)
        w->b->oom = 1;
    jw_strn(w, o.data ? o.data : "", o.len);
    ws_buf_free(&o);
}

static void passage_to_json(jw *w, const ws_hit *h)
{
    jw_key(w, "passage");
    jw_open(w, '{');
    jw_key(w, "kind");
    jw_str(w, ws_passage_kind_name(h->passage_kind));
    if (h->passage_number) {
        jw_key(w, "number");
        jw_int(w, h->passage_number);
    }
    if (h->passage_heading) {
        jw_key(w, "heading");
        jw_str(w, h->passage_heading);
    }
    jw_close(w, '}');
    /* "slide": 7 / "page": 3 and a location a viewer opens there. */
    int paged = h->passage_kind == WS_PASSAGE_PAGE, slide = h->passage_kind == WS_PASSAGE_SLIDE;
    if ((paged || slide) && h->passage_number) {
        jw_key(w, paged ? "page" : "slide");
        jw_int(w, h->passage_number);
        ws_buf loc = WS_BUF_INIT;
        ws_buf_printf(&loc, "%s#%s=%u", h->path ? h->path : "", paged ? "page" : "slide",
                      h->passage_number);
        jw_key(w, "location");
        jw_strn(w, loc.data, loc.len);
        ws_buf_free(&loc);
    }
    /* "sheet": "Kurse": a sheet is known by its name. */
    if (h->passage_kind == WS_PASSAGE_SHEET && h->passage_heading) {
        jw_key(w, "sheet");
        jw_str(w, h->passage_heading);
    }
    if (h->ocr) { /* the snippet's text was recognised from a scan */
        jw_key(w, "ocr");
        ws_buf_puts(w->b, "true");
    }
}

static void related_to_json(jw *w, const ws_hit *h)
{
    jw_key(w, "related");
    jw_open(w, '[');
    for (size_t i = 0; i < h->nrelated; i++) {
        const ws_related *r = &h->related[i];
        jw_item(w);
        jw_open(w, '{');
        jw_key(w, "id");
        jw_int(w, r->docid);
        jw_key(w, "path");
        jw_str(w, r->path ? r->path : "");
        jw_key(w, "title");
        jw_str(w, r->title);
        jw_key(w, "type");
        jw_str(w, ws_doctype_name(r->type));
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

static void hit_to_json(jw *w, const ws_hit *h, unsigned flags)
{
    jw_open(w, '{');
    jw_key(w, "id");
    jw_int(w, h->docid);
    jw_key(w, "path");
    jw_str(w, h->path ? h->path : "");
    jw_key(w, "title");
    jw_str(w, h->title);
    jw_key(w, "type");
    jw_str(w, ws_doctype_name(h->type));
    jw_key(w, "date");
    jw_str(w, h->date); /* null when there is none */
    jw_key(w, "score");
    jw_real(w, h->score);
    jw_key(w, "percent");
    jw_int(w, h->percent);
    /* false: the document matches only some of the query's words */
    jw_key(w, "all_words");
    ws_buf_puts(w->b, h->partial ? "false" : "true");
    jw_key(w, "snippet");
    jw_str(w, h->snippet);
    if (flags & WS_JSON_SNIPPET_HTML) {
        jw_key(w, "snippet_html");
        snippet_html(w, h);
    }
    jw_key(w, "highlights");
    jw_open(w, '[');
    for (size_t i = 0; i < h->nmarks; i++) {
        jw_item(w);
        jw_open(w, '[');
        jw_item(w);
        jw_int(w, (long long)h->marks[i].start);
        jw_item(w);
        jw_int(w, (long long)h->marks[i].end);
        jw_close(w, ']');
    }
    jw_close(w, ']');
    passage_to_json(w, h);
    related_to_json(w, h);
    jw_close(w, '}');
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

static void facets_to_json(jw *w, const ws_results *r)
{
    jw_open(w, '{');
    for (size_t i = 0; i < r->nfacets; i++) {
        jw_key(w, r->facets[i].name);
        jw_open(w, '[');
        for (size_t k = 0; k < r->facets[i].nvalues; k++) {
            jw_item(w);
            jw_open(w, '{');
            jw_key(w, "value");
            jw_str(w, r->facets[i].values[k].value);
            jw_key(w, "count");
            jw_int(w, r->facets[i].values[k].count);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

/* The envelope's fields after "hits" (docs/api.md). */
static void tail_to_json(jw *w, const ws_results *r, const ws_json_request *req)
{
    jw_key(w, "facets");
    facets_to_json(w, r);
    jw_key(w, "suggestion");
    jw_str(w, r->corrected);
    jw_key(w, "took_ms");
    jw_real(w, r->seconds * 1000.0);
    /* false: some hits match only some words (ws_results.partial) */
    jw_key(w, "all_words");
    ws_buf_puts(w->b, r->partial ? "false" : "true");
    /* A budget cut the search: these are the best hits found within it. */
    jw_key(w, "truncated");
    ws_buf_puts(w->b, r->truncated ? "true" : "false");
    if (r->truncated) {
        static const struct {
            unsigned bit;
            const char *name;
        } by[] = {{WS_TRUNCATED_WILDCARDS, "wildcards"},
                  {WS_TRUNCATED_TIME, "time"},
                  {WS_TRUNCATED_SYNONYMS, "synonyms"}};
        jw_key(w, "truncated_by");
        jw_open(w, '[');
        for (size_t i = 0; i < sizeof by / sizeof *by; i++)
            if (r->truncated & by[i].bit) {
                jw_item(w);
                jw_str(w, by[i].name);
            }
        jw_close(w, ']');
    }
    if (req->index) {
        jw_key(w, "index");
        jw_str(w, req->index);
    }
}

int ws_results_to_json(const ws_results *r, const ws_json_request *req, unsigned flags, char **out,
                       size_t *len, ws_error *err)
{
    *out = NULL;
    static const ws_json_request none = {"", 0, 0, 0, NULL};
    if (!req)
        req = &none;
    ws_buf b = WS_BUF_INIT;
    int only = (flags & WS_JSON_HITS_ONLY) != 0;
    jw w = {&b, only ? 2 : 0, 0, {0}};
    if (!only) {
        jw_open(&w, '{');
        jw_key(&w, "query");
        jw_strn(&w, req->query ? req->query : "", req->query ? req->query_len : 0);
        jw_key(&w, "total");
        jw_int(&w, r->estimated);
        /* total and facet counts approximate (WS_SEARCH_FACET_CHECK) */
        jw_key(&w, "estimate");
        ws_buf_puts(&b, r->estimate ? "true" : "false");
        jw_key(&w, "offset");
        jw_int(&w, req->offset);
        jw_key(&w, "size");
        jw_int(&w, req->limit);
        jw_key(&w, "hits");
    }
    jw_open(&w, '[');
    for (size_t i = 0; i < r->nhits; i++) {
        jw_item(&w);
        hit_to_json(&w, &r->hits[i], flags);
    }
    jw_close(&w, ']');
    if (!only) {
        tail_to_json(&w, r, req);
        jw_close(&w, '}');
    }
    if (b.oom) {
        ws_buf_free(&b);
        return ws_error_set(err, WS_ENOMEM, "out of memory writing JSON");
    }
    *out = ws_buf_steal(&b, len);
    if (!*out)
        return ws_error_set(err, WS_ENOMEM, "out of memory writing JSON");
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
    r->estimate = json_is_true(json_object_get(j, "estimate"));
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
