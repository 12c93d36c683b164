/*
 * searcher.h - what a ws_searcher holds (internal): shared by search.c,
 * which runs queries, and explain.c, which says how they were understood
 * and must read them with the very same parser, analyzer and index.
 */
#ifndef WS_SEARCHER_H
#define WS_SEARCHER_H

#include "analysis/analysis.h"
#include "analysis/compound.h"
#include "xapian/xapian.h"
#include "query/query.h"

struct ws_searcher {
    ws_xdb *db;
    ws_analyzer *an;
    ws_xqp *qp;
    char *path;
    struct ws_metacache *meta; /* related documents' titles (hits.c), or NULL */
    ws_compounds *dict;        /* query-side compound splits (search/coord.h) */
    int dict_tried;
};

/* A wildcard (integr*) stands for at most this many words of the index,
 * the most frequent ones (Xapian's WILDCARD_LIMIT_MOST_FREQUENT). */
#define WS_MAX_WILDCARD 200

/* The query parser's flags for a search, and for explaining one. */
#define WS_SEARCH_PARSE_FLAGS                                                                      \
    (WS_XQP_BOOLEAN | WS_XQP_PHRASE | WS_XQP_LOVEHATE | WS_XQP_WILDCARD | WS_XQP_PURE_NOT |        \
     WS_XQP_SYNONYMS)

/* How often the index (a ws_xdb *) holds term, 0 if not at all: the
 * vocabulary that decides transliterations and corrections. */
uint32_t ws_searcher_knows(void *db, const char *term);

/* A ws_xterm_fn that appends each term and a newline to a ws_buf. */
int ws_take_line(void *buf, const char *term, size_t len, uint32_t freq);

/*
 * A query made ready for the parser (ws_query_prepare with the index's
 * vocabulary and multi-word thesaurus entries): *rewritten, and *exact, the
 * exact-spelling terms one per line.  Both malloc'd, the caller frees them.
 */
int ws_searcher_prepare(ws_searcher *s, const char *query, size_t len, size_t max, char **rewritten,
                        char **exact, ws_error *err);
/* The same, and *pq (when pq is not NULL) the lexed query, for its spelling
 * suggestion (ws_query_suggest); the caller frees it with ws_query_free. */
int ws_searcher_prepare_query(ws_searcher *s, const char *query, size_t len, size_t max,
                              ws_query **pq, char **rewritten, char **exact, ws_error *err);

/* Parse what ws_searcher_prepare wrote into the query a search runs (before
 * its filters): parsed, widened by OpenThesaurus if the index holds it, the
 * exact spellings added as a bonus.  *out is the caller's to free.  The
 * default budget applies (see ws_searcher_parse_budget). */
int ws_searcher_parse(ws_searcher *s, const char *rewritten, const char *exact, ws_xquery **out,
                      ws_error *err);

/* What one query may cost before it runs (see ws_search_options). */
typedef struct ws_budget {
    unsigned max_terms;     /* leaf clauses after parsing; more: WS_EQUERY */
    unsigned max_expansion; /* index words all wildcards together stand for */
    int cut;                /* out: some wildcard met more words than it got */
    int synonyms_cut;       /* out: words got fewer OpenThesaurus synonyms */
    uint32_t leaves;        /* out: clauses of the parsed query */
} ws_budget;

/* ws_searcher_parse within budget b (NULL: the defaults): a query with more
 * than max_terms clauses is refused with a message; wildcards share
 * max_expansion words (each at most WS_MAX_WILDCARD, at least one, the most
 * frequent), and b->cut says whether that dropped any. */
int ws_searcher_parse_budget(ws_searcher *s, const char *rewritten, const char *exact, ws_budget *b,
                             ws_xquery **out, ws_error *err);

#endif /* WS_SEARCHER_H */
