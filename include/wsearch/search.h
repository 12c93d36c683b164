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
} ws_search_options;

#define WS_SEARCH_MAX_LIMIT       1000
#define WS_SEARCH_OPTIONS_VERSION 1
#define WS_SEARCH_OPTIONS_INIT                                                                     \
    {                                                                                              \
        WS_SEARCH_OPTIONS_VERSION, 0, 10, WS_SORT_RELEVANCE, NULL, NULL, NULL, 4096, 240, 0.0      \
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
    char *type;      /* "txt", "md", "html", ... */
    char *date;      /* "YYYY-MM-DD" or NULL */
    char *snippet;   /* UTF-8, may start/end with "…"; never NULL */
    ws_range *marks; /* nmarks highlighted ranges in snippet, ascending */
    size_t nmarks;
    const char *passage_kind; /* "section", "page", "slide", "body" (static) */
    unsigned passage_number;  /* 1-based number of that passage */
    char *passage_heading;    /* heading of the passage, or NULL */
} ws_hit;

typedef struct ws_results {
    ws_hit *hits;
    size_t nhits;
    uint32_t estimated; /* estimated number of matching documents */
    char *corrected;    /* spelling suggestion ("Meinten Sie"), or NULL */
    double seconds;     /* time spent in ws_search */
} ws_results;

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

/* Number of documents in the index. */
int ws_searcher_doccount(ws_searcher *s, uint32_t *out, ws_error *err);

/*
 * Run query (len bytes, UTF-8; need not be NUL-terminated).  opts may be
 * NULL for the defaults.  *out is owned by the caller: ws_results_free.
 * WS_EQUERY with a message a user can act on for queries that cannot be
 * understood (unbalanced quotes or parentheses, invalid UTF-8, NUL bytes),
 * WS_ETOOBIG for an over-long query.
 */
int ws_search(ws_searcher *s, const char *query, size_t len, const ws_search_options *opts,
              ws_results **out, ws_error *err);
void ws_results_free(ws_results *r);

/*
 * The query string as Xapian's parser receives it after German analysis
 * (words folded, gender forms joined), for --explain and tests.  *out is
 * malloc'd; the caller frees it.
 */
int ws_search_rewrite(ws_searcher *s, const char *query, size_t len, char **out, ws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_SEARCH_H */
