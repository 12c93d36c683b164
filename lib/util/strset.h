/*
 * strset.h - a set of byte strings, each with a 32-bit counter.
 *
 * The one hash table of the library: the compound splitter's dictionary
 * (hundreds of thousands of words, looked up per candidate part), the
 * spelling words of an indexing batch (with how often each was seen) and
 * the links of one document (kept once each).  Open addressing with
 * linear probing over FNV-1a (util/hash.h), at most half full; the
 * strings live in one arena, so a set of many short words costs little
 * more than its bytes.  Entries are numbered in insertion order and stay
 * put.  Internal to the library.
 */
#ifndef WS_UTIL_STRSET_H
#define WS_UTIL_STRSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ws_strset ws_strset;

/* A set that takes at most max_entries strings (0: no limit below the
 * 2^31 the numbering allows).  NULL when out of memory. */
ws_strset *ws_strset_new(size_t max_entries);
void ws_strset_free(ws_strset *s); /* NULL is fine */

/* Add s[0..n) (it may hold any bytes but NUL): its entry number, with
 * *added (may be NULL) 1 if it was new, 0 if it was there already.  -1 when
 * out of memory or full (the set is unchanged). */
long ws_strset_add(ws_strset *s, const char *str, size_t n, int *added);

/* The entry number of s[0..n), or -1. */
long ws_strset_find(const ws_strset *s, const char *str, size_t n);

/* How many strings the set holds. */
size_t ws_strset_size(const ws_strset *s);

/* Entry i (< ws_strset_size): its NUL-terminated string (owned by the set)
 * with *len (may be NULL) its length, and its counter (0 when added). */
const char *ws_strset_at(const ws_strset *s, size_t i, size_t *len);
uint32_t *ws_strset_counter(ws_strset *s, size_t i);

#endif /* WS_UTIL_STRSET_H */
