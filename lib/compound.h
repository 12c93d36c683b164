/*
 * compound.h - splitting closed German compounds with a word list (internal).
 */
#ifndef WS_COMPOUND_H
#define WS_COMPOUND_H

#include <stddef.h>

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

#endif /* WS_COMPOUND_H */
