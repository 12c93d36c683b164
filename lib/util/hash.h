/*
 * hash.h - the one string hash of the library: 64-bit FNV-1a.
 *
 * Used for hash tables (compound dictionary, spelling counts, link sets)
 * and for the short hashes that make over-long terms unique and that
 * checksum a loaded thesaurus.  Not cryptographic: nothing here defends
 * against chosen collisions beyond the tables' bounded probing.  Inline,
 * because the compound splitter calls it per candidate part.
 */
#ifndef WS_UTIL_HASH_H
#define WS_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WS_FNV1A_OFFSET 14695981039346656037ULL /* the 64-bit offset basis */
#define WS_FNV1A_PRIME  1099511628211ULL

/* h extended by the n bytes at p (start with WS_FNV1A_OFFSET), so a hash
 * can be built over several pieces, e.g. line by line. */
static inline uint64_t ws_fnv1a_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= WS_FNV1A_PRIME;
    }
    return h;
}

/* FNV-1a of the n bytes at p. */
static inline uint64_t ws_fnv1a(const void *p, size_t n)
{
    return ws_fnv1a_add(WS_FNV1A_OFFSET, p, n);
}

#endif /* WS_UTIL_HASH_H */
