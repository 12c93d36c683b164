/*
 * compound.h - splitting closed German compounds with a word list (internal).
 */
#ifndef WS_COMPOUND_H
#define WS_COMPOUND_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"

typedef struct ws_compounds ws_compounds;

/* Load a word list (one word per line, e.g. Debian's wngerman at
 * /usr/share/dict/ngerman), folded like terms.  Free with ws_compounds_free. */
int ws_compounds_load(ws_compounds **out, const char *path, ws_error *err);
void ws_compounds_free(ws_compounds *d);
/* A fingerprint of the list (words and checksum), for the index metadata. */
const char *ws_compounds_id(const ws_compounds *d);

/* A part of a compound: bytes [start, start + len) of the term. */
typedef struct ws_part {
    size_t start, len;
} ws_part;

/*
 * Split folded term[0..len) into dictionary words, head parts first:
 * kommunalverwaltung -> kommunal + verwaltung, arbeitsmarkt -> arbeit(s)
 * + markt (a linking s, es, n, en, e or er is left out of the part).
 * Parts are at least WS_MIN_PART letters and all must be dictionary words,
 * so Wandhalterung never yields "alterung" and Gütersloh stays whole.
 * Returns the number of parts (0: not a compound), at most max.
 */
#define WS_MIN_PART 4
size_t ws_compounds_split(const ws_compounds *d, const char *term, size_t len, ws_part *parts,
                          size_t max);

/* Is folded w[0..n) a word of the list? */
int ws_compounds_has(const ws_compounds *d, const char *w, size_t n);

/*
 * Call fn for each spelling of folded term[0..len) with some of its (at
 * most four) ae/oe/ue pairs read as ä/ö/ü ("que" is never "qü").  fn returns non-zero to stop.
 * Returns the number of pairs found (0: term has none and fn was never called).
 */
/* The one ae/oe/ue scan: where term[0..len) has a pair that may stand for
 * ä/ö/ü, left to right, not overlapping, "que" excepted; at most max
 * (at may be NULL to count).  Returns the number found. */
size_t ws_umlaut_scan(const char *term, size_t len, size_t *at, size_t max);
/* term with the pairs at[j] whose bit j is set in mask written as umlauts,
 * into out (capacity cap, NUL terminated, cut if short); returns its length. */
size_t ws_umlaut_spell(const char *term, size_t len, const size_t *at, size_t n, uint64_t mask,
                       char *out, size_t cap);
typedef int (*ws_variant_fn)(void *ctx, const char *cand, size_t len);
size_t ws_umlaut_variants(const char *term, size_t len, ws_variant_fn fn, void *ctx);

/*
 * The umlaut spelling of a word typed without umlauts (fluechtlinge ->
 * flüchtlinge), if the list says so: term is neither a word of the list
 * nor a compound of its words, and a variant is.  Writes it to out
 * (capacity cap) and returns its length; 0 when term stays as it is.
 */
size_t ws_compounds_umlaut(const ws_compounds *d, const char *term, size_t len, char *out,
                           size_t cap);

#endif /* WS_COMPOUND_H */
