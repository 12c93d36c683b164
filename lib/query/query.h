/*
 * query.h - a user's query, made ready for Xapian's query parser (internal).
 * The query is read by the lexer (query/lexer.h); this module rewrites its
 * tokens into the string Xapian's QueryParser reads.
 */
#ifndef WS_QUERY_H
#define WS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "analysis/analysis.h"
#include "wsearch/error.h"

/*
 * Check q[0..len) (UTF-8, no NUL, at most max bytes, balanced quotes and
 * parentheses) and rewrite it into out: every word is replaced by its
 * analysed form (case-folded, gender form joined, ß folded), typographic
 * quotes become ASCII quotes, and words glued by punctuation
 * ("12.03.2024", "foo_bar") become hyphenated phrases.  Operators (AND,
 * OR, NOT, XOR, NEAR, ADJ), field names and date-range values are kept.
 * This is what makes the parser see "kommunen" for "Kommunen", so Xapian's
 * STEM_SOME stems it just as the indexer did.
 */
int ws_query_rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_buf *out,
                     ws_error *err);

/* How often the index holds a term (0: not at all). */
typedef uint32_t (*ws_known_fn)(void *ctx, const char *term);

/* The transliteration step of ws_query_prepare on one folded term
 * (capacity WS_MAX_TERM + 1), in place: a word spelled with ae/oe/ue for
 * ä/ö/ü (Fluechtlinge, as typed without a German keyboard) that the index
 * does not know becomes the umlaut spelling the index does know
 * (flüchtlinge); only known words are taken, so "Quelle" or an "Uber" that
 * the index holds stay as typed.  in_phrase 1: a word in a phrase, which
 * matches words, so the typed form wins when the index has it. */
void ws_query_transliterate_as(ws_analyzer *a, ws_known_fn known, void *ctx, char *term,
                               int in_phrase);

/* Write a known spelling close to term into out (capacity cap); returns
 * its length, 0 when there is none, or a negative WS_E* code with err set
 * (the index changed under the reader: WS_EMODIFIED). */
typedef int (*ws_suggest_fn)(void *ctx, const char *term, char *out, size_t cap, ws_error *err);

/* Append to alts every other spelling of the thesaurus entry key (folded
 * words joined by single spaces), each followed by '\n'; return how many. */
typedef int (*ws_phrases_fn)(void *ctx, const char *key, ws_buf *alts);

typedef struct ws_query_extras {
    /* Multi-word thesaurus entries: a run of plain words that is an entry
     * becomes (run OR "other entry" OR ...).  NULL: none. */
    ws_phrases_fn phrases;
    void *ctx;
    /* Receives the exact-spelling terms of the query's plain words, each
     * followed by '\n' (see ws_exact_term), or NULL. */
    ws_buf *exact;
} ws_query_extras;

/* ws_query_rewrite, and each word transliterated as by
 * ws_query_transliterate_as (known says what the index holds), with the
 * extras above. */
int ws_query_prepare(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                     void *ctx, ws_query_extras *x, ws_buf *out, ws_error *err);

/*
 * A query lexed once (query/lexer.h) with its words' umlaut readings
 * (known may be NULL: none), kept so that writing it for the parser and
 * correcting its spelling read the same tokens.  ws_query_rewrite and the
 * functions above are this in one call.
 */
typedef struct ws_query ws_query;
struct ws_qlex;

int ws_query_parse(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                   void *ctx, ws_query **out, ws_error *err);
/* The tokens, owned by the query. */
const struct ws_qlex *ws_query_tokens(const ws_query *p);
/* The query for Xapian's parser, appended to out (extras may be NULL). */
int ws_query_write(ws_query *p, ws_query_extras *x, ws_buf *out, ws_error *err);
/* The query as ws_query_write writes it, with every word the index does
 * not know (as written or as a stem) replaced by suggest's spelling: the
 * "Meinten Sie" line.  Words the index knows are never touched, unlike
 * Xapian's own correction, which turned "vor Ort" into "von oft".
 * *corrected says whether any word changed; p is not changed. */
int ws_query_suggest(const ws_query *p, ws_suggest_fn suggest, void *ctx, ws_buf *out,
                     int *corrected, ws_error *err);
void ws_query_free(ws_query *p);

/*
 * The query as units to rank instead of a conjunction to filter by (issue
 * 14): each plain word, hyphenated word, thesaurus run, "phrase", field
 * and -word of the text ws_query_write wrote, with what it asks of a hit.
 * A plain word is optional: hits match as many as they can, those with
 * every one first.  Explicit syntax is strict: +word, "phrase" and
 * field:value are required, -word and -"phrase" excluded.  A stopword
 * (stopwords.h) is no unit of its own unless the query is nothing else.
 * A query with operators (AND OR NOT XOR NEAR ADJ) or brackets, or with
 * no word that is not excluded, is boolean: it gets no units (n == 0) and
 * is searched as written, every word required.
 */
typedef enum ws_qrole {
    WS_QR_OPTIONAL,
    WS_QR_REQUIRED,
    WS_QR_EXCLUDED,
    WS_QR_FILTER /* every filter field and date range, as one unit: narrows, no word */
} ws_qrole;

typedef struct ws_qunit {
    const char *text;           /* for the parser, in the list's buffer */
    ws_qrole role;
    size_t first, last;         /* its lexer tokens, first..last */
    char word[WS_MAX_TERM + 1]; /* a single plain word: its term, else "" */
    /* Words glued by punctuation (Tesla-Einheit, CPI-Maßstab): their terms
     * apart, space-separated, in the list's buffer; else NULL. */
    const char *apart;
} ws_qunit;

typedef struct ws_qunits {
    ws_qunit *v;
    size_t n;
    size_t *dropped; /* lexer tokens of the stopwords not counted */
    size_t ndropped;
    char *buf;
    char *filter; /* the filter unit's text */
} ws_qunits;

/* The units of p, cut from rw, the text ws_query_write(p) last wrote into
 * an empty buffer.  Free with ws_qunits_free (also after an error). */
int ws_query_units(const ws_query *p, const char *rw, ws_qunits *out, ws_error *err);
void ws_qunits_free(ws_qunits *u);
/* A unit's role name: "optional", "required", "excluded", "filter". */
const char *ws_qrole_name(ws_qrole r);

#endif /* WS_QUERY_H */
