/*
 * wsearch/xapian.h - a thin C interface to xapian-core.
 *
 * xapian-core is C++; wsearch is C.  This header is the whole boundary:
 * lib/xapian/xapian.cc implements it in one translation unit, catches every C++
 * exception (Xapian::Error, std::bad_alloc, anything else) and turns it into
 * a WS_E* status plus a message in the caller's ws_error.  Nothing thrown
 * ever crosses into C.
 *
 * Handles are opaque.  Every handle returned through an out-parameter is
 * owned by the caller and released with its own _free/_close function.
 * Strings returned through `char **out` are malloc'd and freed by the caller
 * with free().  Strings passed in are copied; the caller keeps ownership.
 *
 * Thread safety follows Xapian's: a handle is used by one thread at a time;
 * separate handles on the same index may be used on separate threads.
 */
#ifndef WSEARCH_XAPIAN_H
#define WSEARCH_XAPIAN_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_xdb ws_xdb;           /* Xapian::Database / WritableDatabase */
typedef struct ws_xdoc ws_xdoc;         /* Xapian::Document */
typedef struct ws_xquery ws_xquery;     /* Xapian::Query */
typedef struct ws_xqp ws_xqp;           /* Xapian::QueryParser */
typedef struct ws_xenquire ws_xenquire; /* Xapian::Enquire */
typedef struct ws_xmset ws_xmset;       /* Xapian::MSet */

/* Version of the linked xapian-core, e.g. "1.4.22".  Static string. */
const char *ws_xapian_version(void);

/* ---- database ---------------------------------------------------------- */

/* Open an existing index read-only.  WS_ENOTFOUND if there is none. */
int ws_xdb_open_read(ws_xdb **out, const char *path, ws_error *err);

/* How ws_xdb_open_write treats an existing or missing index. */
enum {
    WS_XDB_OPEN = 0,     /* the index must exist: WS_ENOTFOUND otherwise */
    WS_XDB_CREATE = 1,   /* create it if missing, else open it */
    WS_XDB_OVERWRITE = 2 /* start from an empty index, replacing any existing one */
};

/*
 * Open an index for writing (mode is WS_XDB_*).  Only one writer at a time:
 * WS_ELOCKED if another process holds it.
 */
int ws_xdb_open_write(ws_xdb **out, const char *path, int mode, ws_error *err);

/* Close and free.  A writer's uncommitted changes are discarded, never
 * half-written: Xapian commits are atomic.  NULL is allowed. */
void ws_xdb_close(ws_xdb *db);

int ws_xdb_is_writable(const ws_xdb *db);

/* Re-read a reader to the latest committed revision.  *changed (may be
 * NULL) is set to 1 if the revision moved, and to 2 if the index was
 * replaced by a rebuild (a new generation, see docs/schema.md): the handle
 * now reads the new one, and query parsers bound to it must be bound again. */
int ws_xdb_reopen(ws_xdb *db, int *changed, ws_error *err);

int ws_xdb_doccount(ws_xdb *db, uint32_t *out, ws_error *err);
/* The committed revision; 0 when unknown: an index of several shards (a
 * stub file naming several databases, e.g. xapian-tcpsrv shards) has no
 * single revision in Xapian 1.4, so a caller caching by revision must treat
 * 0 as "may have changed". */
int ws_xdb_revision(ws_xdb *db, uint64_t *out, ws_error *err);
int ws_xdb_termfreq(ws_xdb *db, const char *term, uint32_t *out, ws_error *err);

/* Metadata: *out is NULL-free; an absent key gives an empty string. */
int ws_xdb_get_metadata(ws_xdb *db, const char *key, char **out, ws_error *err);
int ws_xdb_set_metadata(ws_xdb *db, const char *key, const char *value, ws_error *err);

/* Add or replace the document indexed by unique term `uterm`.  *docid (may
 * be NULL) receives its document id.  Writers only. */
int ws_xdb_replace_by_term(ws_xdb *db, const char *uterm, ws_xdoc *doc, uint32_t *docid,
                           ws_error *err);
/* Add doc under a new document id (*docid, may be NULL).  Writers only. */
int ws_xdb_add_document(ws_xdb *db, ws_xdoc *doc, uint32_t *docid, ws_error *err);
/* Delete every document indexed by term. */
int ws_xdb_delete_by_term(ws_xdb *db, const char *term, ws_error *err);
int ws_xdb_delete_docid(ws_xdb *db, uint32_t docid, ws_error *err);
int ws_xdb_commit(ws_xdb *db, ws_error *err);
/* Write a compacted copy of the committed index at src into dst (a new
 * folder): blocks full, the free space of earlier revisions left out. */
int ws_xdb_compact(const char *src, const char *dst, ws_error *err);
/* Write the committed indexes srcs[0..n) as one compacted index into dst:
 * the documents of each follow those of the one before, renumbered from 1.
 * User metadata is taken from the first that has a key; spelling
 * frequencies are added up. */
int ws_xdb_merge(const char *const *srcs, size_t n, const char *dst, ws_error *err);

/* Fetch a stored document.  WS_ENOTFOUND if docid is unused. */
int ws_xdb_get_document(ws_xdb *db, uint32_t docid, ws_xdoc **out, ws_error *err);

/* Document ids indexing `term`, ascending.  *ids is malloc'd (NULL when
 * *n == 0); the caller frees it. */
int ws_xdb_postings(ws_xdb *db, const char *term, uint32_t **ids, size_t *n, ws_error *err);
/* The same, at most the first max of them. */
int ws_xdb_postings_upto(ws_xdb *db, const char *term, size_t max, uint32_t **ids, size_t *n,
                         ws_error *err);

/*
 * Call fn for every term starting with `prefix` (in byte order) with its
 * document frequency.  fn returns 0 to go on, non-zero to stop early.
 */
typedef int (*ws_xterm_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq);
int ws_xdb_allterms(ws_xdb *db, const char *prefix, ws_xterm_fn fn, void *ctx, ws_error *err);

/* Spelling data and synonyms live in the index (writers only). */
int ws_xdb_add_spelling(ws_xdb *db, const char *word, uint32_t freqinc, ws_error *err);
int ws_xdb_add_synonym(ws_xdb *db, const char *term, const char *synonym, ws_error *err);
int ws_xdb_clear_synonyms(ws_xdb *db, const char *term, ws_error *err);
/* The most frequent word of the spelling table within max_edit edits of
 * word, or "" when there is none.  *out malloc'd. */
int ws_xdb_spelling(ws_xdb *db, const char *word, unsigned max_edit, char **out, ws_error *err);
/* Call fn for every synonym of term (freq is 0). */
int ws_xdb_synonyms(ws_xdb *db, const char *term, ws_xterm_fn fn, void *ctx, ws_error *err);
/* Call fn for every term that has synonyms (freq is 0). */
int ws_xdb_synonym_keys(ws_xdb *db, ws_xterm_fn fn, void *ctx, ws_error *err);

/* ---- document ---------------------------------------------------------- */

int ws_xdoc_new(ws_xdoc **out, ws_error *err);
void ws_xdoc_free(ws_xdoc *doc);

int ws_xdoc_set_data(ws_xdoc *doc, const char *data, size_t len, ws_error *err);
/* *out is malloc'd and NUL-terminated; *len (may be NULL) excludes the NUL. */
int ws_xdoc_get_data(ws_xdoc *doc, char **out, size_t *len, ws_error *err);

/* A term at a position (phrase search) / without one / a filter term that
 * must not affect ranking (wdf 0). */
int ws_xdoc_add_posting(ws_xdoc *doc, const char *term, uint32_t pos, uint32_t wdfinc,
                        ws_error *err);
int ws_xdoc_add_term(ws_xdoc *doc, const char *term, uint32_t wdfinc, ws_error *err);
int ws_xdoc_add_boolean_term(ws_xdoc *doc, const char *term, ws_error *err);
/* A whole term list in one crossing (what a worker built, docmsg.h): each
 * term gets wdf added and its positions (ascending); wdf 0 and no
 * positions is a boolean term. */
typedef struct ws_xterm {
    const char *term; /* len bytes, not necessarily NUL-terminated */
    uint32_t len, wdf, npos;
    const uint32_t *pos;
} ws_xterm;
int ws_xdoc_add_terms(ws_xdoc *doc, const ws_xterm *terms, size_t n, ws_error *err);

int ws_xdoc_set_value(ws_xdoc *doc, unsigned slot, const char *data, size_t len, ws_error *err);
/* *out malloc'd, NUL-terminated; an unset slot gives "". */
int ws_xdoc_get_value(ws_xdoc *doc, unsigned slot, char **out, size_t *len, ws_error *err);

/* The first term of doc starting with prefix (e.g. its "Q" unique id);
 * WS_ENOTFOUND if none.  *out malloc'd. */
int ws_xdoc_term_with_prefix(ws_xdoc *doc, const char *prefix, char **out, ws_error *err);

/* ---- queries ----------------------------------------------------------- */

typedef enum ws_xop {
    WS_XOP_AND,
    WS_XOP_OR,
    WS_XOP_AND_NOT,
    WS_XOP_FILTER, /* left ranked, right only filters */
    WS_XOP_AND_MAYBE,
    WS_XOP_SYNONYM
} ws_xop;

void ws_xquery_free(ws_xquery *q);

/* A single term (wqf 1). */
int ws_xquery_term(ws_xquery **out, const char *term, ws_error *err);
/* Documents whose value in slot lies in [lo, hi] (string order); lo or hi
 * may be NULL for an open end. */
int ws_xquery_value_range(ws_xquery **out, unsigned slot, const char *lo, const char *hi,
                          ws_error *err);
/* Combine two queries; a and b are only read, the result is new.  Either
 * may be NULL, in which case the other is copied (for AND_NOT/FILTER a NULL
 * right side also copies the left). */
int ws_xquery_combine(ws_xquery **out, ws_xop op, const ws_xquery *a, const ws_xquery *b,
                      ws_error *err);
/* Combine n queries with one AND, OR or SYNONYM (NULL entries are
 * skipped; none left: *out is NULL).  Flat, however many there are. */
int ws_xquery_combine_n(ws_xquery **out, ws_xop op, const ws_xquery *const *v, size_t n,
                        ws_error *err);
/* Multiply a query's weight (e.g. a field boost); factor >= 0. */
int ws_xquery_scale(ws_xquery **out, const ws_xquery *q, double factor, ws_error *err);
int ws_xquery_is_empty(const ws_xquery *q);
/* What q matches, every document with the same weight w (q's own weight
 * is not counted): a tier of the ranking that BM25 cannot give, e.g. "has
 * every word of the query".  Xapian's FixedWeightPostingSource under a
 * FILTER, which remote shards know how to run. */
int ws_xquery_constant(ws_xquery **out, const ws_xquery *q, double w, ws_error *err);
/*
 * Widen every stemmed word of *q (a "Z" term, or the SYNONYM group the
 * parser made of it) by the synonyms stored under key_prefix + that term,
 * at most max of them, OR-ed in with their weight scaled by factor: a
 * weaker expansion than the thesaurus's own.  Phrases, NEAR, wildcards and
 * what NOT or a filter excludes stay as written.  *q is changed in place.
 */
int ws_xquery_expand(ws_xquery **q, ws_xdb *db, const char *key_prefix, double factor, unsigned max,
                     ws_error *err);

/* Call fn once for each distinct term in q (terms of wildcards after they
 * expand are not included; see ws_xenquire_matching_terms). */
int ws_xquery_terms(const ws_xquery *q, ws_xterm_fn fn, void *ctx, ws_error *err);
/*
 * The size of a parsed query, for per-query budgets: its leaf clauses
 * (terms, wildcards, value ranges; a wildcard counts once, before it
 * expands), how many of them are wildcards, and how deeply it nests.
 * When fn is given it is called once per wildcard with its pattern (field
 * prefix included), so the caller can count what the pattern would meet.
 */
typedef struct ws_xshape {
    uint32_t leaves, wildcards, depth;
} ws_xshape;
int ws_xquery_shape(const ws_xquery *q, ws_xshape *out, ws_xterm_fn fn, void *ctx, ws_error *err);
/* Xapian's description of the query, for debugging.  *out malloc'd. */
int ws_xquery_describe(const ws_xquery *q, char **out, ws_error *err);

/* ---- query parser ------------------------------------------------------ */

/*
 * The stemmer the query parser applies to words: called with one word (UTF-8,
 * already case-folded by the caller's analysis) and must write the stem into
 * out (capacity outcap, NUL-terminated) and return its length, or return -1
 * to use the word unchanged.  It runs inside Xapian, so it must not longjmp.
 */
typedef int (*ws_xstem_fn)(void *ctx, const char *word, size_t len, char *out, size_t outcap);

enum {
    WS_XQP_BOOLEAN = 1 << 0,  /* AND OR NOT XOR, parentheses */
    WS_XQP_PHRASE = 1 << 1,   /* "quoted phrases", hyphenated-words */
    WS_XQP_LOVEHATE = 1 << 2, /* +must -mustnot */
    WS_XQP_WILDCARD = 1 << 3, /* trailing * */
    WS_XQP_SPELLING = 1 << 4, /* compute a corrected query string */
    WS_XQP_SYNONYMS = 1 << 5, /* expand with the index's synonyms */
    WS_XQP_PURE_NOT = 1 << 6, /* allow "NOT x" alone */
    WS_XQP_NEAR = 0           /* NEAR/ADJ come with BOOLEAN */
};

int ws_xqp_new(ws_xqp **out, ws_error *err);
void ws_xqp_free(ws_xqp *qp);

/* The index supplies wildcard expansions, spellings and synonyms.  The
 * parser keeps a reference; db must outlive qp or be reset with NULL. */
int ws_xqp_set_database(ws_xqp *qp, ws_xdb *db, ws_error *err);

/* Stem every word not in a phrase, with terms prefixed "Z" (Xapian's
 * STEM_SOME).  fn == NULL turns stemming off.  ctx must outlive qp. */
int ws_xqp_set_stemmer(ws_xqp *qp, ws_xstem_fn fn, void *ctx, ws_error *err);

/* Words for which fn returns non-zero are dropped from the query outside
 * phrases (Xapian keeps them if nothing else is left).  fn == NULL: none.
 * ctx must outlive qp. */
typedef int (*ws_xstop_fn)(void *ctx, const char *word);
int ws_xqp_set_stopper(ws_xqp *qp, ws_xstop_fn fn, void *ctx, ws_error *err);

/* field:word searches terms with prefix (free text, stemmed). */
int ws_xqp_add_prefix(ws_xqp *qp, const char *field, const char *prefix, ws_error *err);
/* field:value filters on prefix+value exactly (no ranking). */
int ws_xqp_add_boolean_prefix(ws_xqp *qp, const char *field, const char *prefix, ws_error *err);
/* field:A..B on a value slot holding YYYYMMDD dates; accepts YYYYMMDD,
 * YYYY-MM-DD and DD.MM.YYYY. */
int ws_xqp_add_date_range(ws_xqp *qp, unsigned slot, const char *field, ws_error *err);
/* Bound wildcard expansion to the `max` most frequent terms (0 = Xapian's
 * default of unlimited: do not use that for untrusted input). */
int ws_xqp_set_max_expansion(ws_xqp *qp, uint32_t max, ws_error *err);
/* The same with a choice of which words: the most frequent (first == 0;
 * Xapian then reads every index word the wildcard begins to rank them), or
 * the first max in term order (first != 0; it stops reading after max,
 * so a wildcard costs at most max words however many it begins). */
int ws_xqp_set_wildcard_limit(ws_xqp *qp, uint32_t max, int first, ws_error *err);

/* Parse.  WS_EQUERY with Xapian's message for syntax it cannot accept. */
int ws_xqp_parse(ws_xqp *qp, const char *query, unsigned flags, ws_xquery **out, ws_error *err);
/* The spelling-corrected query of the last parse ("" if none).  *out malloc'd. */
int ws_xqp_corrected(ws_xqp *qp, char **out, ws_error *err);

/* ---- enquire and match sets --------------------------------------------- */

int ws_xenquire_new(ws_xenquire **out, ws_xdb *db, ws_error *err);
void ws_xenquire_free(ws_xenquire *enq);

int ws_xenquire_set_query(ws_xenquire *enq, const ws_xquery *q, ws_error *err);
/* Sort by a value slot (string order) instead of relevance; relevance
 * breaks ties. */
int ws_xenquire_sort_by_value(ws_xenquire *enq, unsigned slot, int descending, ws_error *err);
/* At most one document per distinct value in slot (e.g. one hit per file). */
int ws_xenquire_collapse(ws_xenquire *enq, unsigned slot, ws_error *err);
/* Stop matching after `seconds` (0 = no limit); results are then partial. */
int ws_xenquire_time_limit(ws_xenquire *enq, double seconds, ws_error *err);

/*
 * Count the values of slot over the documents matched (facets).  With multi
 * set, a value holds several entries separated by WS_XFACET_SEP and each is
 * counted.  Call before ws_xenquire_mset; counts cover at least the
 * check_at_least documents passed to it.  Returns the facet's index for
 * ws_xenquire_facet (0, 1, ...) or a negative status.
 */
#define WS_XFACET_SEP       '\x1f'
#define WS_XFACET_FIELD_SEP '\x1e'
/* field >= 0: a value holds several fields joined by WS_XFACET_FIELD_SEP
 * and this facet counts field number `field` (facets of one slot share one
 * match spy).  key_len > 0: each value starts with a key of that many bytes
 * naming the document it belongs to (several Xapian documents may be parts
 * of one), and each distinct value counts once: counts are of documents. */
int ws_xenquire_add_facet(ws_xenquire *enq, unsigned slot, int field, int multi, size_t key_len,
                          ws_error *err);
/* The counts of facet idx after ws_xenquire_mset, most frequent first (ties
 * by value), at most max of them; fn gets value, length and count. */
int ws_xenquire_facet(ws_xenquire *enq, int idx, size_t max, ws_xterm_fn fn, void *ctx,
                      ws_error *err);

int ws_xenquire_mset(ws_xenquire *enq, uint32_t first, uint32_t max, uint32_t check_at_least,
                     ws_xmset **out, ws_error *err);
/* Terms of the query (after wildcard expansion) that index docid. */
int ws_xenquire_matching_terms(ws_xenquire *enq, uint32_t docid, ws_xterm_fn fn, void *ctx,
                               ws_error *err);

void ws_xmset_free(ws_xmset *ms);
uint32_t ws_xmset_size(const ws_xmset *ms);
uint32_t ws_xmset_estimated(const ws_xmset *ms);
/* 1 when the number of matches is known exactly (not estimated). */
int ws_xmset_exact(const ws_xmset *ms);
/* How many matches the facets counted (after ws_xenquire_mset): all of
 * them, or the first check_at_least or so; *docs gets how many documents
 * they are (with keyed values, see ws_xenquire_add_facet; else the same). */
uint32_t ws_xenquire_facet_seen(const ws_xenquire *enq, uint32_t *docs);
uint32_t ws_xmset_docid(const ws_xmset *ms, uint32_t i);
double ws_xmset_weight(const ws_xmset *ms, uint32_t i);
int ws_xmset_percent(const ws_xmset *ms, uint32_t i);
uint32_t ws_xmset_collapse_count(const ws_xmset *ms, uint32_t i);
int ws_xmset_document(ws_xmset *ms, uint32_t i, ws_xdoc **out, ws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_XAPIAN_H */
