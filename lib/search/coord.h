/*
 * coord.h - ranking instead of filtering: the Xapian query of a plain
 * query's units (internal; see coord.c).
 */
#ifndef WS_COORD_H
#define WS_COORD_H

#include "wsearch/search.h"
#include "query/query.h"
#include "search/searcher.h"
#include "xapian/xapian.h"

/* The weight of one tier: a document matching every unit of the query
 * gets it on top of its BM25 weight, one whose title holds every word
 * gets it once more.  Far above what BM25 gives a query within budget, so
 * tiers never mix, and a hit's tier is floor(weight / WS_COORD_TIER). */
#define WS_COORD_TIER 10000.0

/* How the tree was built, for reading the hits' weights. */
typedef struct ws_coord {
    unsigned units; /* units counted (required and optional) */
    int ranked;     /* 1: hits matching only some units are searched too */
    int all_tier;   /* 1: matching every unit adds a tier */
    int title_tier; /* 1: a title with every word adds a tier */
    int strict;     /* 1: every unit required, hits in another order (date) */
} ws_coord;

/*
 * The query of u's units: uq[k] is unit k as the parser read it (NULL or
 * empty: nothing to search).  With strict set every unit is required (a
 * sort by date is no ranking).  *out is the caller's; *c describes it.
 */
int ws_coord_build(ws_searcher *s, const ws_qunits *u, ws_xquery *const *uq, int strict,
                   ws_xquery **out, ws_coord *c, ws_error *err);

/* Does a hit of weight w match every unit?  Its BM25 weight goes to *bm25
 * (may be NULL): the weight without the tiers. */
int ws_coord_all_words(const ws_coord *c, double w, double *bm25);

/*
 * The hits of a search run with c, as Xapian ranked them: each says
 * whether it matches every word (ws_hit.partial, r->partial counted), its
 * score loses the tiers (BM25 again), and of the hits whose title holds
 * every word those whose title is the query (no other words but
 * stopwords) come first: the law titled so, then the notices that cite
 * it in their titles.  Xapian's BM25 knows no field lengths, so this is done on the
 * page, from the titles the hits carry.
 */
void ws_coord_finish(ws_searcher *s, const ws_coord *c, ws_results *r);

/*
 * What a search runs for the query pq wrote as rewritten (ws_query_write):
 * a plain query's units ranked as above, a boolean query (or pq NULL) as
 * the parser reads rewritten; within budget b (NULL: the defaults, see
 * ws_searcher_parse_budget), widened by OpenThesaurus if the index holds
 * it, exact spellings as a bonus.  strict: every word required (a sort by
 * date is no ranking).  c (may be NULL) says how to read the weights.
 */
int ws_searcher_build(ws_searcher *s, const ws_query *pq, const char *rewritten, const char *exact,
                      ws_budget *b, int strict, ws_xquery **out, ws_coord *c, ws_error *err);

/* The compound word list the indexer splits with ($WSEARCH_DICTIONARY or
 * Debian's /usr/share/dict/ngerman), loaded on first use and kept by the
 * searcher; NULL when there is none. */
const ws_compounds *ws_searcher_dict(ws_searcher *s);

#endif /* WS_COORD_H */
