/*
 * termgen.h - the term generator: which terms a text, or a word, becomes (internal).
 *
 * Like Xapian's TermGenerator for Xapian's own analysis, this is the one
 * answer to "what does the index hold for this text": the indexer stores
 * what it yields, the query side asks it which terms a query word must
 * meet, and the highlighter asks the same question of a stored text.  A
 * token of ws_analyze becomes, in this order:
 *
 *   WORD   prefix + folded word, with its position (phrases, NEAR)
 *   STEM   "Z" + prefix + stem (ranked word search); the stem of the
 *          umlaut reading when the word list says "Fluechtlinge" is
 *          "Flüchtlinge"; none for stopwords and numbers
 *   EXACT  "E" + spelling where folding hides it (ß/ss, see
 *          ws_exact_term); body text only
 *   PART   "Z" + stem of each part of a closed compound and of each
 *          compound that starts it (wdf 0); body text only
 *   JOIN   "Z" + stem of a hyphenated compound's parts joined so far
 *          (Online-Austausch -> onlineaustausch, wdf 0); body text only
 *
 * Every term carries its kind, the token's position and the byte offsets
 * [start, end) of the surface it came from (for a PART, the part's own
 * letters where they can be mapped back; for a JOIN, from the first joined
 * part to the current one).
 *
 * The output goes into a caller-owned ws_termlist, reused from document to
 * document, so a worker process can run the generator and hand a writer
 * terms with wdf and positions (no Xapian types here).  Terms live in one
 * arena: no allocation per word once the list has grown.
 *
 * A ws_termgen is not thread-safe (its analyzer is not): one per thread.
 */
#ifndef WS_TERMGEN_H
#define WS_TERMGEN_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/compound.h"
#include "analysis/analysis.h"
#include "wsearch/error.h"

typedef enum ws_term_kind {
    WS_TERM_WORD = 0,
    WS_TERM_STEM = 1,
    WS_TERM_EXACT = 2,
    WS_TERM_PART = 3,
    WS_TERM_JOIN = 4
} ws_term_kind;

typedef struct ws_term {
    uint32_t off, len;   /* bytes arena[off .. off + len) of the list, NUL after */
    uint32_t pos;        /* position of the token it came from */
    uint32_t wdf;        /* within-document frequency to add */
    size_t start, end;   /* surface bytes in the analysed text */
    unsigned char kind;  /* ws_term_kind */
    unsigned char flags; /* WS_TOK_* of the token */
} ws_term;

typedef struct ws_termlist {
    ws_term *v;
    size_t n, cap;
    char *arena;
    size_t used, arena_cap;
} ws_termlist;

#define WS_TERMLIST_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0, NULL, 0, 0                                                                     \
    }

/* Empty the list, keeping its memory for the next document. */
void ws_termlist_clear(ws_termlist *l);
void ws_termlist_free(ws_termlist *l);

/* The NUL-terminated bytes of term i. */
static inline const char *ws_termlist_term(const ws_termlist *l, size_t i)
{
    return l->arena + l->v[i].off;
}

typedef struct ws_termgen ws_termgen;

/* A generator over an analyzer (borrowed) and a compound word list
 * (borrowed, may be NULL: no PART terms and no umlaut readings). */
int ws_termgen_new(ws_termgen **out, ws_analyzer *an, const ws_compounds *dict, ws_error *err);
void ws_termgen_free(ws_termgen *tg);
void ws_termgen_set_dict(ws_termgen *tg, const ws_compounds *dict);

/*
 * Append the terms of text[0..len) to out: prefix "" for body text, a field
 * prefix (WS_PFX_TITLE, ...) for a field, whose terms get no EXACT, PART
 * or JOIN.  Positions start at *pos; *pos receives the position after the
 * last token (the caller leaves the gap between fields, see WS_POS_GAP).
 * Returns WS_OK or WS_ENOMEM.
 */
int ws_termgen_text(ws_termgen *tg, const char *prefix, uint32_t wdf, const char *text, size_t len,
                    uint32_t *pos, ws_termlist *out, ws_error *err);

/* ---- single words: what the query side and the highlighter ask ---------- */

/*
 * The one case folding of the analysis: Unicode case folding in NFC,
 * default-ignorable code points and apostrophes dropped, ß -> ss.  ASCII
 * and Latin-1 letters (U+00C0..U+00FF) take a fast path that gives the
 * same bytes.  Writes at most cap - 1
 * bytes and a NUL; returns the length, or -1 if it does not fit.
 */
int ws_fold(const char *w, size_t len, char *out, size_t cap);
/* ws_fold without the fast path: for the tests that prove them equal. */
int ws_fold_general(const char *w, size_t len, char *out, size_t cap);

/* "Z" + prefix + stem of folded term[0..len) into out (capacity cap);
 * returns its length, or 0 when the word has no stem or it does not fit. */
size_t ws_termgen_stem_term(ws_analyzer *an, const char *prefix, const char *term, size_t len,
                            char *out, size_t cap);

/* How many documents hold a term (the query side passes the index's
 * termfreq; 0 for unknown). */
typedef uint32_t (*ws_term_known_fn)(void *ctx, const char *term);

/* How well the index knows folded term: documents with it as a word plus
 * documents with its stem term. */
uint32_t ws_termgen_known(ws_analyzer *an, ws_term_known_fn known, void *ctx, const char *term);

/*
 * The spelling a query word typed without umlauts must meet: term
 * (folded, NUL-terminated, capacity WS_MAX_TERM + 1) is replaced in place
 * by the ae/oe/ue reading the index knows best (word plus stem), unless
 * the index knows it as typed (by its stem; in a phrase, as a word).  The
 * indexer files "Fluechtlinge" under the stem of "Flüchtlinge" (a STEM
 * term of the umlaut reading), which is why the stem decides.
 */
void ws_termgen_transliterate(ws_analyzer *an, ws_term_known_fn known, void *ctx, char *term,
                              int in_phrase);

/*
 * Where the first f bytes of folded term[0..term_len) end in its surface
 * w[0..n) (folding may change lengths: ẞ -> ss, a soft hyphen dropped).
 * Of several cuts the first, or with last the last.  (size_t)-1 when none.
 */
size_t ws_termgen_surface_at(const char *w, size_t n, const char *term, size_t term_len, size_t f,
                             int last);

/*
 * ws_analyze for the term generator, which keeps the stems of the words
 * it has seen with the rest it knows of them: a token the stem step would
 * stem comes with stem NULL and stem_later 1, and the caller stems it
 * (ws_analyzer_stem) when it does not know the word yet.
 */
int ws_analyze_stem_later(ws_analyzer *a, const char *text, size_t len, uint32_t first_pos,
                          uint32_t *next_pos, ws_token_fn fn, void *ctx, ws_error *err);

/* Tests only: 0 turns off the ASCII fast paths of this analyzer's
 * folding and character classes (the utf8proc path then does all). */
void ws_analyzer_set_ascii_fast(ws_analyzer *a, int on);

#endif /* WS_TERMGEN_H */
