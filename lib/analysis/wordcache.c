/*
 * wordcache.c - the term generator's memo of per-word answers (see wordcache.h).
 *
 * Looked up for every token, so it is laid out for the cache: a
 * direct-mapped table of 64-byte slots, each holding its word and, when
 * they fit together (nearly every word), its record, so a hit reads one
 * cache line.  A longer record goes to an arena the slot points into.  A
 * word whose slot is taken takes it over; when the arena is full,
 * everything is forgotten at once (slots zeroed, arena rewound), never
 * scanned for what to evict.  The table starts at 1 024 places and grows
 * fourfold (forgetting what it held) each time as many words as it has
 * places were kept, up to its bound: a generator that analyses one
 * snippet touches 64 KB, not megabytes.
 */
#include "analysis/wordcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

typedef struct slot {
    unsigned char klen; /* 0: empty */
    unsigned char inl;  /* 1: the record follows the word in data */
    uint16_t rlen;
    uint32_t off;  /* the record in the arena, when not inline */
    char data[56]; /* the word, then its record when inline: 64 bytes in all */
} slot;

#define FIRST_PLACES 1024

struct ws_wordcache {
    slot *slots;
    size_t mask;       /* slots - 1 */
    size_t max_places; /* the bound, a power of two */
    size_t puts;       /* words kept since the table last grew */
    size_t max_bytes;
    unsigned char *arena;
    size_t used;
};

ws_wordcache *ws_wordcache_new(size_t max_words, size_t max_bytes)
{
    if (!max_words || max_words > ((size_t)1 << 24) || max_bytes > UINT32_MAX)
        return NULL;
    size_t n = 1;
    while (n < max_words)
        n *= 2;
    ws_wordcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_places = n;
    if (n > FIRST_PLACES)
        n = FIRST_PLACES;
    c->mask = n - 1;
    c->max_bytes = max_bytes;
    c->slots = calloc(n, sizeof *c->slots);
    c->arena = malloc(max_bytes ? max_bytes : 1);
    if (!c->slots || !c->arena) {
        ws_wordcache_free(c);
        return NULL;
    }
    return c;
}

void ws_wordcache_free(ws_wordcache *c)
{
    if (!c)
        return;
    free(c->slots);
    free(c->arena);
    free(c);
}

void ws_wordcache_clear(ws_wordcache *c)
{
    if (!c)
        return;
    memset(c->slots, 0, (c->mask + 1) * sizeof *c->slots);
    c->used = 0;
    c->puts = 0;
}

/* Four times the places, empty, once as many words were kept as there are
 * places; without memory, the table stays as it is. */
static void maybe_grow(ws_wordcache *c)
{
    size_t n = c->mask + 1;
    if (++c->puts < n || n >= c->max_places)
        return;
    size_t m = n * 4 < c->max_places ? n * 4 : c->max_places;
    slot *s = calloc(m, sizeof *s);
    if (!s)
        return;
    free(c->slots);
    c->slots = s;
    c->mask = m - 1;
    c->used = 0;
    c->puts = 0;
}

static slot *slot_of(const ws_wordcache *c, const char *w, size_t n)
{
    return &c->slots[ws_fnv1a(w, n) & c->mask];
}

const unsigned char *ws_wordcache_get(const ws_wordcache *c, const char *w, size_t n, size_t *len)
{
    if (!c || !n || n > sizeof c->slots->data)
        return NULL;
    const slot *s = slot_of(c, w, n);
    if (s->klen != n || memcmp(s->data, w, n))
        return NULL;
    *len = s->rlen;
    return s->inl ? (const unsigned char *)s->data + n : c->arena + s->off;
}

int ws_wordcache_put(ws_wordcache *c, const char *w, size_t n, const void *rec, size_t len)
{
    if (!c || !n || n > sizeof c->slots->data || len > UINT16_MAX)
        return -1;
    maybe_grow(c);
    slot *s = slot_of(c, w, n);
    if (s->klen == n && !memcmp(s->data, w, n))
        return -1; /* kept already */
    int inl = n + len <= sizeof s->data;
    if (!inl && len > c->max_bytes)
        return -1;
    if (!inl && c->used + len > c->max_bytes)
        ws_wordcache_clear(c);
    s->klen = (unsigned char)n;
    s->inl = (unsigned char)inl;
    s->rlen = (uint16_t)len;
    memcpy(s->data, w, n);
    if (inl) {
        memcpy(s->data + n, rec, len);
    } else {
        s->off = (uint32_t)c->used;
        memcpy(c->arena + c->used, rec, len);
        c->used += len;
    }
    return 0;
}
