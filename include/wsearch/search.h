/*
 * wsearch/search.h - searching an index.
 *
 * A ws_searcher holds an open index, the German analyzer and a query
 * parser.  The query goes through the same analysis as the documents did
 * (folding, gender forms, stemming) before Xapian's parser sees it, so
 * "Kommunen", "kommunen" and "Kommune" meet the same terms.
 *
 * Query syntax: words (all must match), "exact phrases", OR, NOT, -word,
 * +word, (groups), NEAR, word*, and fields: title:/titel:,
 * speaker:/referent:, org:/organisation:, event:/veranstaltung:, tag:,
 * type:/typ:, year:/jahr:, date:/datum:2024-01-01..2024-12-31.
 *
 * A searcher is used by one thread at a time; open one per thread.
 */
#ifndef WSEARCH_SEARCH_H
#define WSEARCH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"
#include "wsearch/extract.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_searcher ws_searcher;

typedef enum ws_sort { WS_SORT_RELEVANCE = 0, WS_SORT_DATE_DESC, WS_SORT_DATE_ASC } ws_sort;

typedef struct ws_search_options {
    unsigned version; /* WS_SEARCH_OPTIONS_VERSION */
    unsigned offset;  /* first hit to return (0-based) */
    unsigned limit;   /* hits to return; at most WS_SEARCH_MAX_LIMIT */
    ws_sort sort;
    const char *type;      /* only this type ("md", "html", ...), or NULL */
    const char *date_from; /* "YYYY-MM-DD" inclusive, or NULL */
    const char *date_to;   /* "YYYY-MM-DD" inclusive, or NULL */
    size_t max_query;      /* longest query accepted, in bytes */
    size_t snippet_bytes;  /* about how long a snippet is */
    double time_limit;     /* seconds of matching before results are cut (0: none) */
    /* Filters on fields, analysed like the text (all words must match). */
    const char *speaker;
    const char *organisation;
    const char *event;
    const char *year;      /* "YYYY" */
    unsigned facet_values; /* values per facet to count (0: no facets) */
    /* Per-query budget (0: the defaults below).  More clauses than
     * max_terms is WS_EQUERY; all wildcards together stand for at most
     * max_expansion index words, the most frequent (ws_results.truncated). */
    unsigned max_terms;
    unsigned max_expansion;
} ws_search_options;

#define WS_SEARCH_MAX_LIMIT     1000
#define WS_SEARCH_MAX_TERMS     1000 /* leaf clauses of a parsed query */
#define WS_SEARCH_MAX_EXPANSION 2000 /* words of all wildcards together */
#define WS_SEARCH_MAX_DEPTH     64   /* nesting of brackets and operators */
/* Index words all wildcards of a query may read to pick their most
 * frequent words (about a millisecond per 1 000); beyond, each takes the
 * first words of its share in term order instead. */
#define WS_SEARCH_WILDCARD_READS  20000
/* Facets are counted over at least this many matches (all when there are
 * fewer), not over every match: ws_results.estimate says when they were cut. */
#define WS_SEARCH_FACET_CHECK 1000
#define WS_SEARCH_OPTIONS_VERSION 1
#define WS_SEARCH_OPTIONS_INIT                                                                     \
    {                                                                                              \
        WS_SEARCH_OPTIONS_VERSION, 0, 10, WS_SORT_RELEVANCE, NULL, NULL, NULL, 4096, 240, 0.0,     \
            NULL, NULL, NULL, NULL, 0, 0, 0                                                        \
    }

/* A highlighted stretch of a snippet: bytes [start, end). */
typedef struct ws_range {
    size_t start, end;
} ws_range;

typedef struct ws_hit {
    uint32_t docid;
    double score;    /* Xapian's BM25 weight */
    int percent;     /* 0-100, relative to the best hit */
    char *path;      /* absolute path of the file */
    char *title;     /* never NULL */
    ws_doctype type; /* ws_doctype_name gives "txt", "md", "html", ... */
    char *date;      /* "YYYY-MM-DD" or NULL */
    char *snippet;   /* UTF-8, may start/end with "…"; never NULL */
    ws_range *marks; /* nmarks highlighted ranges in snippet, ascending */
    size_t nmarks;
    ws_passage_kind passage_kind; /* where the snippet is (ws_passage_kind_name) */
    unsigned passage_number;      /* 1-based number of that passage */
    char *passage_heading;        /* heading of the passage, or NULL */
    /* Documents linked with this one: recaps that link to this deck, and
     * the decks this recap links to (by path, or by file name when the
     * deck lives elsewhere in the index); at most 5, self excluded. */
    struct ws_related *related;
    size_t nrelated;
    int ocr; /* 1: the passage's text was recognised from a scan (OCR) */
    /* 1: the document matches only some of the query's words (a plain
     * query ranks those below the documents that match all of them). */
    int partial;
} ws_hit;

/* A document related to a hit (see ws_hit.related). */
typedef struct ws_related {
    uint32_t docid;
    char *path;      /* absolute path */
    char *title;     /* never NULL */
    ws_doctype type; /* ws_doctype_name gives "md", "pdf", ... */
} ws_related;

/* One value of a facet and how many matching documents have it. */
typedef struct ws_facet_value {
    char *value;
    uint32_t count;
} ws_facet_value;

/* Counts per field over the matching documents, most frequent first. */
typedef struct ws_facet {
    const char *name; /* "type", "year", "speaker", "organisation", "event" (static) */
    ws_facet_value *values;
    size_t nvalues;
} ws_facet;

/* Everything reachable from a ws_results (hits and their strings, marks,
 * related documents, facets, corrected) is owned by it and released by
 * ws_results_free; strings marked (static) are the library's. */
typedef struct ws_results {
    ws_hit *hits;
    size_t nhits;
    uint32_t estimated; /* estimated number of matching documents */
    char *corrected;    /* spelling suggestion ("Meinten Sie"), or NULL */
    double seconds;     /* time spent in ws_search */
    ws_facet *facets;   /* nfacets facets when opts->facet_values > 0 */
    size_t nfacets;
    /* Non-zero when a budget cut the search: the hits are the best found
     * within it (WS_TRUNCATED_* bits). */
    unsigned truncated;
    /* 1 when estimated is an estimate, or the facets counted only the first
     * WS_SEARCH_FACET_CHECK or so matches: the figures are approximate. */
    int estimate;
    /* How many of the hits match only some of the query's words (see
     * ws_hit.partial): 0 when every hit shown has every word. */
    unsigned partial;
} ws_results;

#define WS_TRUNCATED_WILDCARDS 1u /* a wildcard stood for fewer words than it meets */
#define WS_TRUNCATED_TIME      2u /* the time limit stopped the match */
#define WS_TRUNCATED_SYNONYMS  4u /* words got fewer OpenThesaurus synonyms */

/*
 * Open the index at path for searching.  WS_ENOTFOUND when there is no
 * index there; WS_EVERSION when it was built with a different analysis.
 * Free with ws_searcher_close.
 */
int ws_searcher_open(ws_searcher **out, const char *path, ws_error *err);
void ws_searcher_close(ws_searcher *s);

/* Move to the latest committed revision (done automatically when a search
 * finds the index changed under it). */
int ws_searcher_reopen(ws_searcher *s, ws_error *err);

/* Number of documents (indexed files, not the parts they are stored as)
 * in the index / its committed revision. */
int ws_searcher_doccount(ws_searcher *s, uint32_t *out, ws_error *err);
int ws_searcher_revision(ws_searcher *s, uint64_t *out, ws_error *err);

/*
 * Completions for a query being typed: the last word of q[0..len) is
 * completed from the index's words (most frequent first) and each
 * completion returned as the whole query with that word replaced.  *out is
 * an array of *n malloc'd strings; free it with ws_strings_free.
 */
int ws_searcher_suggest(ws_searcher *s, const char *q, size_t len, size_t max, char ***out,
                        size_t *n, ws_error *err);
void ws_strings_free(char **v, size_t n);

/* Stable names of passage kinds for output: "body", "section", "page",
 * "slide", "sheet"; and back (anything else is WS_PASSAGE_BODY). */
const char *ws_passage_kind_name(ws_passage_kind k);
ws_passage_kind ws_passage_kind_from_name(const char *name);

/* ---- stored documents --------------------------------------------------- */

/* A document's stored record, decoded (see docs/schema.md, "Document
 * data").  Every string an accessor returns points into the document and
 * stays valid until ws_document_free. */
typedef struct ws_document ws_document;

typedef enum ws_doc_field {
    WS_FIELD_PATH = 0, /* absolute path of the file */
    WS_FIELD_TITLE,
    WS_FIELD_DATE, /* "YYYY-MM-DD" */
    WS_FIELD_DESCRIPTION,
    WS_FIELD_ORGANISATION,
    WS_FIELD_EVENT,
    WS_FIELD_COUNT_ /* not a field */
} ws_doc_field;

typedef enum ws_doc_list {
    WS_LIST_SPEAKERS = 0,
    WS_LIST_TAGS,
    WS_LIST_LINKS, /* link targets as written in the document */
    WS_LIST_COUNT_ /* not a list */
} ws_doc_list;

/* A passage: [start, end) are byte offsets into the text. */
typedef struct ws_document_passage {
    ws_passage_kind kind;
    unsigned number;     /* 1-based page/slide/sheet/section number; 0 for BODY */
    const char *heading; /* NULL if none */
    size_t start, end;
    int ocr; /* 1: recognised from a scan */
} ws_document_passage;

/* Read document docid's record: its metadata and passage table are
 * checked here, its text only when asked for.  Free *out with
 * ws_document_free.  WS_ENOTFOUND for an unused id, WS_ECORRUPT for a
 * damaged record. */
int ws_searcher_document(ws_searcher *s, uint32_t docid, ws_document **out, ws_error *err);
void ws_document_free(ws_document *d);
ws_doctype ws_document_type(const ws_document *d);
/* The field, or NULL when the document has none. */
const char *ws_document_field(const ws_document *d, ws_doc_field f);
/* *items gets the list's n strings (n returned). */
size_t ws_document_list(const ws_document *d, ws_doc_list l, const char *const **items);
/* *out gets the n passages (n returned), in text order. */
size_t ws_document_passages(const ws_document *d, const ws_document_passage **out);
/* All passages' text joined by blank lines, NUL-terminated; checked to be
 * UTF-8 without NUL on each call: NULL for a damaged text. */
const char *ws_document_text(const ws_document *d, size_t *len);

/*
 * Run query (len bytes, UTF-8; need not be NUL-terminated).  opts may be
 * NULL for the defaults (else start from WS_SEARCH_OPTIONS_INIT: another
 * version is WS_EINVAL); its strings are read during the call only.  *out
 * is owned by the caller: ws_results_free.
 * WS_EQUERY with a message a user can act on for queries that cannot be
 * understood (unbalanced quotes or parentheses, invalid UTF-8, NUL bytes),
 * WS_ETOOBIG for an over-long query.
 */
int ws_search(ws_searcher *s, const char *query, size_t len, const ws_search_options *opts,
              ws_results **out, ws_error *err);
void ws_results_free(ws_results *r);
/* Free what a hit holds (not the hit itself) and zero it. */
void ws_hit_clear(ws_hit *h);

/* ---- results as JSON (what searchd sends, what the CLI prints) ---------- */

enum {
    WS_JSON_SNIPPET_HTML = 1 << 0, /* hits get "snippet_html": escaped, matches in <mark> */
    WS_JSON_HITS_ONLY = 1 << 1     /* only the array of hits, indented (the CLI's --json) */
};

/* The request a response answers, for its envelope (searchd's /search). */
typedef struct ws_json_request {
    const char *query; /* query_len bytes */
    size_t query_len;
    unsigned offset, limit;
    const char *index; /* the index searched, or NULL */
} ws_json_request;

/*
 * r as JSON (docs/api.md, GET /search): {"query", "total", "offset",
 * "size", "hits": [...], "facets", "suggestion", "took_ms", "truncated",
 * "truncated_by"?, "index"}; with WS_JSON_HITS_ONLY just the hits (req
 * may be NULL then).  *out is malloc'd and NUL-terminated, *len its length.
 */
int ws_results_to_json(const ws_results *r, const ws_json_request *req, unsigned flags, char **out,
                       size_t *len, ws_error *err);

/*
 * The reverse, for a client of searchd: the hits, total, suggestion and
 * truncation of a /search answer as a ws_results (free with
 * ws_results_free), parsed once.  Offsets that do not fit their snippet are
 * dropped.  index (may be NULL) gets a malloc'd copy of the answer's
 * "index", or NULL.  WS_EFORMAT for JSON that is not an object, WS_ENOMEM.
 */
int ws_results_from_json(const char *json, size_t len, ws_results **out, char **index,
                         ws_error *err);

/*
 * The query string as Xapian's parser receives it after German analysis
 * (words folded, gender forms joined), for --explain and tests.  *out is
 * malloc'd; the caller frees it.
 */
int ws_search_rewrite(ws_searcher *s, const char *query, size_t len, char **out, ws_error *err);

/*
 * How the query was understood, in plain German, one line per part in the
 * order of the query: phrases, hyphenated words, brackets, operators (AND,
 * OR, NOT, XOR, NEAR and ADJ with their window), -word and +word, fields,
 * date ranges (as Xapian read them), wildcards (how many words of the
 * index they meet), and each word with its folded form and stem, gender
 * form, ß = ss, umlauts read from ae/oe/ue, thesaurus synonyms, compound
 * parts and stopword status; then the query after analysis, the estimated
 * number of hits, the spelling suggestion and Xapian's own description of
 * the query.  *out is an array of *n malloc'd lines; free it with
 * ws_strings_free.  A query Xapian's parser rejects is explained too, its
 * last line saying why ("Nicht verstanden: ..."); other errors as for
 * ws_search (unbalanced quotes, invalid UTF-8, a missing index, ...).
 */
int ws_search_explain(ws_searcher *s, const char *query, size_t len, char ***out, size_t *n,
                      ws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_SEARCH_H */
