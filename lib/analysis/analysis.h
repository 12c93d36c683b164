/*
 * wsearch/analysis.h - German text analysis, identical at index and query time.
 *
 * Text goes through a fixed sequence of steps; each is a function in
 * lib/analysis/analysis.c, so later rules slot in between without touching callers:
 *
 *   1. tokenise   Unicode-aware words (letters, marks, digits); soft hyphens
 *                 ignored; apostrophes inside words dropped; hyphenated
 *                 compounds give one token per part at consecutive positions;
 *                 gender-inclusive forms (Akteur:innen, Akteur*innen,
 *                 Akteur_innen, AkteurInnen, Akteur/-innen, Akteur/innen)
 *                 stay one word.
 *   2. fold       Unicode case folding in NFC (ß -> ss, Kommunen -> kommunen);
 *                 umlauts are kept in the term, so exact phrases stay exact.
 *   3. gender     the gender marker is removed and the feminine plural is
 *                 spelled out: akteur:innen -> akteurinnen.
 *   4. stem       the feminine ending is set aside (lehrerinnen, lehrerin ->
 *                 lehrer: ws_feminine_base), then Snowball German through
 *                 libstemmer (umlauts fold to their base vowels in stems).
 *                 So Lehrer, Lehrerinnen, Lehrer:innen and LehrerInnen share
 *                 the stem "lehr"; the folded word itself keeps its form.
 *                 Nouns like Kurs keep their s (ws_stem_s_root).
 *
 * A token therefore yields two terms: the folded word (indexed with its
 * position, for phrases) and "Z" + stem (for ranked word search), the same
 * convention Xapian's TermGenerator and QueryParser use.
 *
 * A ws_analyzer is not thread-safe (libstemmer keeps state): use one per
 * thread.  Input text must be valid UTF-8 (see ws_text_decode).
 */
#ifndef WSEARCH_ANALYSIS_H
#define WSEARCH_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_analyzer ws_analyzer;

/* Longest term kept, in bytes; longer tokens (hashes, base64) are skipped.
 * Well below Xapian's 245-byte limit, even with a field prefix. */
#define WS_MAX_TERM 120

enum {
    WS_TOK_HYPHEN = 1 << 0,  /* part of a hyphenated compound (Dessau-Roßlau) */
    WS_TOK_GENDER = 1 << 1,  /* was a gender-inclusive form */
    WS_TOK_NUMBER = 1 << 2,  /* digits only */
    WS_TOK_UPPER = 1 << 3,   /* written with a capital first letter */
    WS_TOK_WILDCARD = 1 << 4 /* followed directly by '*' (query side only) */
};

typedef struct ws_token {
    const char *term; /* folded word, NUL-terminated; valid during the callback */
    size_t term_len;
    const char *stem; /* stem of term, NUL-terminated */
    size_t stem_len;
    size_t start; /* byte offsets of the surface form in the input */
    size_t end;
    uint32_t pos;   /* word position, consecutive within one call */
    unsigned flags; /* WS_TOK_* */
    int stem_later; /* the stem step applies but was left to the caller
                       (stem NULL; only from ws_analyze_stem_later) */
} ws_token;

/* Return 0 to continue, non-zero to stop the analysis early. */
typedef int (*ws_token_fn)(void *ctx, const ws_token *tok);

int ws_analyzer_new(ws_analyzer **out, ws_error *err);
void ws_analyzer_free(ws_analyzer *a);

/*
 * A string naming the analysis version and every setting that changes the
 * terms produced.  The index records it; a binary whose signature differs
 * refuses the index rather than silently missing matches.  Static storage.
 */
const char *ws_analysis_signature(void);

/*
 * Tokenise text[0..len) and call fn for every token, positions starting at
 * first_pos.  *next_pos (may be NULL) receives the position after the last
 * token, so a caller can analyse several fields or passages with a gap.
 * Returns WS_OK, or the error that stopped it.
 */
int ws_analyze(ws_analyzer *a, const char *text, size_t len, uint32_t first_pos, uint32_t *next_pos,
               ws_token_fn fn, void *ctx, ws_error *err);

/*
 * Steps 2-4 for one already-tokenised word: fold, normalise the gender form
 * and stem.  Writes the folded term to term (capacity WS_MAX_TERM + 1) and
 * its stem to stem (same capacity).  Returns WS_EINVAL for an empty or
 * over-long word.
 */
int ws_analyze_word(ws_analyzer *a, const char *word, size_t len, char *term, char *stem,
                    ws_error *err);

/* The length of term[0..len) without a feminine ending ("-innen" after a
 * base of 4+ bytes, "-in" after person-noun endings such as -erin, -entin,
 * -istin); len when there is none. */
size_t ws_feminine_base(const char *term, size_t len);

/*
 * Turn the stem step on (the default) or off for this analyzer.  Off,
 * tokens carry stem == NULL and a caller stems on demand with
 * ws_analyzer_stem: a snippet can rule out most words of a document
 * without stemming them, since a German Snowball stem is always a prefix
 * of the folded word with ä/ö/ü read as a/o/u (see ws_stem_may_match).
 */
void ws_analyzer_set_stemming(ws_analyzer *a, int on);

/* Where a word ends in a noun whose final s Snowball would cut (Kurs,
 * Zins, Fels: kurs -> "kur" but kurse -> "kurs"): the length of the word up
 * to and with that s, which is then its stem (integrationskurse ->
 * "integrationskurs"); 0 for every other word. */
size_t ws_stem_s_root(const char *term, size_t len);

/* 0 if term (folded) cannot have stem as its stem; 1 if it may. */
int ws_stem_may_match(const char *term, const char *stem);

/*
 * Only the stem step, on an already folded term (what Xapian's query parser
 * hands its stemmer).  Returns the stem's length written to out (NUL
 * terminated), or -1 if it does not fit or the stemmer failed.
 */
int ws_analyzer_stem(ws_analyzer *a, const char *term, size_t len, char *out, size_t cap);

/*
 * The term that records how a word was spelled where folding would hide
 * it: "E" (WS_PFX_EXACT in lib/index/schema.h) + the word folded but with its ß kept ("Eroßlau"),
 * or "E" + the folded word when it is spelled with ss ("Erosslau").  Both sides write it, so a
 * search for "Roßlau" ranks documents that spell it so above those with "Rosslau", and the other
 * way round.  surface[0..n) is the word as written, term its folded form.  Writes out (capacity
 * cap, NUL terminated) and returns its length, or 0 when the word needs none.
 */
int ws_exact_term(const char *surface, size_t n, const char *term, size_t term_len, char *out,
                  size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_ANALYSIS_H */
