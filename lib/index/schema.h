/*
 * schema.h - how a document is laid out in the Xapian index (internal).
 *
 * The indexer writes and the searcher reads this layout; docs/schema.md
 * describes it for people.  Term prefixes follow Omega's conventions where
 * one exists (Q unique id, S title, A author, K keyword, T type, D date).
 */
#ifndef WS_SCHEMA_H
#define WS_SCHEMA_H

#include <stddef.h>

/* Schema version: bump when the layout below changes incompatibly. */
#define WS_SCHEMA_VERSION "4" /* 3: binary records; 4: a Xapian document per part */

/* Metadata keys. */
#define WS_META_SCHEMA   "wsearch.schema"
#define WS_META_ANALYSIS "wsearch.analysis"

/* Term prefixes. */
#define WS_PFX_ID      "Q"  /* unique id: "Q" + absolute path (boolean) */
#define WS_PFX_TITLE   "S"  /* title words (free text) */
#define WS_PFX_SPEAKER "A"  /* speakers / authors (free text) */
#define WS_PFX_ORG     "XO" /* organisation (free text) */
#define WS_PFX_EVENT   "XE" /* event (free text) */
#define WS_PFX_TAG     "K"  /* tag, folded (boolean) */
#define WS_PFX_TYPE    "T"  /* "txt", "md", "html" (boolean) */
#define WS_PFX_YEAR    "Y"  /* YYYY (boolean) */
#define WS_PFX_MONTH   "M"  /* YYYYMM (boolean) */
#define WS_PFX_DATE    "D"  /* YYYYMMDD (boolean) */
#define WS_PFX_HEAD    "XH" /* on a file's first part only: counts files (boolean) */
#define WS_PFX_STEM    "Z"  /* stemmed form; "Z" + field prefix + stem */
#define WS_PFX_EXACT   "E"  /* exact spelling, see ws_exact_term in analysis/analysis.h */
/* Synonym-table keys that the query parser never looks up itself: */
#define WS_PFX_MULTIWORD "XM" /* thesaurus entry of several words -> its other spellings */
#define WS_PFX_BROAD     "XT" /* "Z" + stem -> OpenThesaurus stems (weaker expansion) */
/* Metadata: checksum of the OpenThesaurus file loaded, "" when none. */
#define WS_META_BROAD "wsearch.openthesaurus"

/* Value slots. */
enum {
    WS_SLOT_DATE = 0,      /* YYYYMMDD, for date ranges and sorting by date */
    WS_SLOT_SIGNATURE = 1, /* "mtime_ns:size" of the file when indexed */
    WS_SLOT_FACETS = 2,    /* the file's key, then the facet fields (below) */
    WS_SLOT_KEY = 3        /* the file's key (ws_schema_doc_key): one hit per file */
};

/* The facet fields of WS_SLOT_FACETS, as written (a facet shows "Dr. Aylin
 * Kaya", not a folded term), in this order, joined by WS_XFACET_FIELD_SEP;
 * the speakers joined by WS_XFACET_SEP.  One value, so one match spy reads
 * one value per matching part for all the facets; behind the file's key,
 * so the spy, which sees every part, counts the file once (search.c). */
enum {
    WS_FACET_TYPE = 0, /* type name */
    WS_FACET_YEAR,     /* YYYY */
    WS_FACET_SPEAKERS,
    WS_FACET_ORG,
    WS_FACET_EVENT,
    WS_FACET_COUNT_
};
#define WS_DOC_KEY_LEN 8
int ws_schema_is_facet_slot(unsigned slot);
/* The key of the file at path: 8 bytes of a 64-bit FNV-1a hash of it. */
void ws_schema_doc_key(const char *path, char out[WS_DOC_KEY_LEN]);

/* Word positions: the title comes first, each passage starts on a multiple
 * of this gap so phrases never match across a boundary. */
#define WS_POS_GAP 100

/* Within-document frequency added per title word: a word in the title
 * weighs as much as several in the body. */
#define WS_TITLE_WDF 5

/* Longest unique-id term; longer paths are cut and carry a hash. */
#define WS_MAX_IDTERM 240

/*
 * Write the unique id term for path into out (capacity WS_MAX_IDTERM + 1).
 * Paths that fit are kept whole after the prefix so a prefix walk over
 * "Q" + root finds every document below root.
 */
void ws_schema_idterm(const char *path, char *out);

/* A field a user may name in a query ("title:", "referent:"). */
typedef struct ws_field {
    const char *name;   /* as typed, lowercase ASCII */
    const char *prefix; /* term prefix */
    int boolean;        /* 1: exact filter; 0: free text, stemmed */
} ws_field;

/* The query fields, terminated by an entry with name NULL. */
extern const ws_field ws_schema_fields[];
/* Field names that take a date range (datum:2024-01-01..2024-12-31). */
extern const char *const ws_schema_date_fields[];

/* 1 if word[0..len) (any case) names a query field or date field. */
int ws_schema_is_field(const char *word, size_t len);

struct ws_xdb;
struct ws_error;
/*
 * Whether db (at path, for messages) holds this schema version and this
 * analysis: WS_EVERSION saying to rebuild if not.  An empty index without
 * metadata passes (it is new).  reading: 1 for the searcher, 0 for the
 * indexer (the message says which side disagrees).
 */
int ws_schema_check(struct ws_xdb *db, const char *path, int reading, struct ws_error *err);

#endif /* WS_SCHEMA_H */
