/*
 * locate.h - where in a long stored text a query's terms may occur
 * (internal; see locate.c).
 */
#ifndef WS_LOCATE_H
#define WS_LOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define WS_LOCATE_KEYS 64 /* distinct keys; a query with more is not located */
/* Bytes of a term's skeleton that make its key: most stems whole, so
 * "konfiguri" does not stop at every Konfiguration. */
#define WS_LOCATE_KEY 16

typedef struct ws_locate {
    char key[WS_LOCATE_KEYS][WS_LOCATE_KEY + 1];
    unsigned char klen[WS_LOCATE_KEYS];
    unsigned char group[WS_LOCATE_KEYS];      /* keys one is a prefix of share a group */
    unsigned char term_group[WS_LOCATE_KEYS]; /* group of each of the first terms */
    uint64_t first[256];                      /* the keys a text byte may start */
    uint64_t second[256];                     /* the keys a next byte may go on */
    size_t nkeys;
    int usable; /* 0: some term has no key; scan the text instead */
} ws_locate;

/* A stretch of text where key matches cluster: it starts at start and
 * holds `distinct` groups in `count` matches within the span asked for. */
typedef struct ws_locate_window {
    size_t start;
    int distinct, count;
} ws_locate_window;

/* Keys for the query's matching body terms (words, "Z" + stem). */
void ws_locate_init(ws_locate *l, const ws_strlist *terms);

/*
 * One pass over text[0..len) (any bytes; nothing is decoded): the best
 * windows of `span` bytes, at most max, best first (most groups, then most
 * matches, then earliest), no two starting closer than `span` to each
 * other.  Every surface of a term (any case, umlauts as ä or ae, ß as ss,
 * soft hyphens, ligatures, inside compounds) matches its key, so a
 * window without a key match holds no match; the converse is not true.
 * Reading stops 64 KB after a window that holds every group.
 */
size_t ws_locate_windows(const ws_locate *l, const char *text, size_t len, size_t span,
                         ws_locate_window *out, size_t max);

#endif /* WS_LOCATE_H */
