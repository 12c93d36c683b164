/*
 * wordcache.c - the term generator's memo of per-word answers (see wordcache.h).
 *
 * The words live in a ws_strset (the library's one hash table); entry i's
 * record is bytes [off[i], off[i] + len[i]) of one arena.  Clearing frees
 * the set and rewinds the arena, so a full memo costs one reset, never a
 * scan for what to evict.
 */
#include "analysis/wordcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strset.h"

struct ws_wordcache {
    ws_strset *words;
    size_t max_words, max_bytes;
    uint32_t *off, *len; /* max_words each */
    unsigned char *arena;
    size_t used;
};

ws_wordcache *ws_wordcache_new(size_t max_words, size_t max_bytes)
{
    if (!max_words || max_bytes > UINT32_MAX)
        return NULL;
    ws_wordcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_words = max_words;
    c->max_bytes = max_bytes;
    c->words = ws_strset_new(max_words);
    c->off = malloc(max_words * sizeof *c->off);
    c->len = malloc(max_words * sizeof *c->len);
    c->arena = malloc(max_bytes);
    if (!c->words || !c->off || !c->len || !c->arena) {
        ws_wordcache_free(c);
        return NULL;
    }
    return c;
}

void ws_wordcache_free(ws_wordcache *c)
{
    if (!c)
        return;
    ws_strset_free(c->words);
    free(c->off);
    free(c->len);
    free(c->arena);
    free(c);
}

void ws_wordcache_clear(ws_wordcache *c)
{
    if (!c)
        return;
    ws_strset_free(c->words);
    c->words = ws_strset_new(c->max_words);
    c->used = 0;
}

const unsigned char *ws_wordcache_get(const ws_wordcache *c, const char *w, size_t n, size_t *len)
{
    long i = c && c->words ? ws_strset_find(c->words, w, n) : -1;
    if (i < 0)
        return NULL;
    *len = c->len[i];
    return c->arena + c->off[i];
}

int ws_wordcache_put(ws_wordcache *c, const char *w, size_t n, const void *rec, size_t len)
{
    if (!c || len > c->max_bytes)
        return -1;
    if (!c->words || ws_strset_size(c->words) >= c->max_words || c->used + len > c->max_bytes)
        ws_wordcache_clear(c);
    int added = 0;
    long i = c->words ? ws_strset_add(c->words, w, n, &added) : -1;
    if (i < 0 || !added)
        return -1;
    memcpy(c->arena + c->used, rec, len);
    c->off[i] = (uint32_t)c->used;
    c->len[i] = (uint32_t)len;
    c->used += len;
    return 0;
}
