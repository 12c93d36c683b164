/*
 * strset.c - see strset.h.  Slots hold entry number + 1 (0: empty);
 * entries hold the arena offset, length and counter of each string.
 */
#include "util/strset.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

#define MAX_ENTRIES ((size_t)1 << 31)

typedef struct entry {
    size_t off, len;
    uint32_t counter;
} entry;

struct ws_strset {
    char *arena;
    size_t arena_len, arena_cap;
    entry *e;
    size_t n, cap, max;
    uint32_t *slots;
    size_t nslots; /* 0 or a power of two */
};

ws_strset *ws_strset_new(size_t max_entries)
{
    ws_strset *s = calloc(1, sizeof *s);
    if (s)
        s->max = max_entries && max_entries < MAX_ENTRIES ? max_entries : MAX_ENTRIES;
    return s;
}

void ws_strset_free(ws_strset *s)
{
    if (!s)
        return;
    free(s->arena);
    free(s->e);
    free(s->slots);
    free(s);
}

/* The slot that holds str, or the empty one where it would go. */
static size_t probe(const ws_strset *s, const char *str, size_t n)
{
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)ws_fnv1a(str, n) & mask;; i = (i + 1) & mask) {
        uint32_t v = s->slots[i];
        if (!v)
            return i;
        const entry *e = &s->e[v - 1];
        if (e->len == n && !memcmp(s->arena + e->off, str, n))
            return i;
    }
}

long ws_strset_find(const ws_strset *s, const char *str, size_t n)
{
    if (!s || !s->nslots)
        return -1;
    uint32_t v = s->slots[probe(s, str, n)];
    return v ? (long)v - 1 : -1;
}

/* Double the slots (at most half full afterwards); 0 when out of memory. */
static int grow_slots(ws_strset *s)
{
    size_t ns = s->nslots ? s->nslots * 2 : 64;
    uint32_t *old = s->slots;
    size_t oldn = s->nslots;
    s->slots = calloc(ns, sizeof *s->slots);
    if (!s->slots) {
        s->slots = old;
        return 0;
    }
    s->nslots = ns;
    for (size_t i = 0; i < oldn; i++)
        if (old[i]) {
            const entry *e = &s->e[old[i] - 1];
            s->slots[probe(s, s->arena + e->off, e->len)] = old[i];
        }
    free(old);
    return 1;
}

long ws_strset_add(ws_strset *s, const char *str, size_t n, int *added)
{
    if (added)
        *added = 0;
    if (s->nslots) {
        uint32_t v = s->slots[probe(s, str, n)];
        if (v)
            return (long)v - 1;
    }
    if (s->n >= s->max)
        return -1;
    if ((s->n + 1) * 2 > s->nslots && !grow_slots(s))
        return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        entry *e = realloc(s->e, cap * sizeof *e);
        if (!e)
            return -1;
        s->e = e;
        s->cap = cap;
    }
    if (s->arena_len + n + 1 > s->arena_cap) {
        size_t cap = s->arena_cap ? s->arena_cap : 1024;
        while (cap < s->arena_len + n + 1)
            cap *= 2;
        char *a = realloc(s->arena, cap);
        if (!a)
            return -1;
        s->arena = a;
        s->arena_cap = cap;
    }
    memcpy(s->arena + s->arena_len, str, n);
    s->arena[s->arena_len + n] = '\0';
    s->e[s->n] = (entry){s->arena_len, n, 0};
    s->arena_len += n + 1;
    s->slots[probe(s, str, n)] = (uint32_t)(s->n + 1);
    if (added)
        *added = 1;
    return (long)s->n++;
}

size_t ws_strset_size(const ws_strset *s)
{
    return s ? s->n : 0;
}

const char *ws_strset_at(const ws_strset *s, size_t i, size_t *len)
{
    if (len)
        *len = s->e[i].len;
    return s->arena + s->e[i].off;
}

uint32_t *ws_strset_counter(ws_strset *s, size_t i)
{
    return &s->e[i].counter;
}
