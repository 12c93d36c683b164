/*
 * metacache.c - related documents' paths and titles, remembered.
 *
 * A hit names up to five related documents by path and title.  Finding
 * them asks the index for a few terms per link of the hit (a Glass
 * postlist cursor each, some 50 us); the ids found are remembered too.  Those
 * live in the documents' stored records, and Xapian reads a record whole
 * (get_data): naming a 6 MB manual that a page links to meant reading and
 * inflating 6 MB, five times per hit, for three short strings.  The same
 * few documents are related to many hits, so a searcher remembers them:
 * a direct-mapped table of WS_METACACHE_SLOTS entries, valid for one
 * revision of one database; any commit or new generation empties it.
 * One searcher serves one thread at a time (searchd keeps one per
 * thread), so there is no lock.  Memory is bounded: WS_METACACHE_SLOTS
 * entries of at most WS_METACACHE_BYTES of strings (2 MB), in practice a
 * few hundred bytes each.
 *
 * Passages stored as their own documents (issue 13 item 1) make records
 * small; the table then only saves the lookups.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/metacache.h"

#include <stdlib.h>
#include <string.h>

#define WS_METACACHE_SLOTS 2048
#define WS_METACACHE_BYTES 1024 /* longer path + title: not remembered */

#define WS_METACACHE_RELATED 5 /* WS_RELATED_MAX */

typedef struct slot {
    uint32_t docid; /* 0: empty */
    ws_doctype type;
    char *path, *title; /* title NULL: not known */
    int nrel;           /* -1: related ids not known */
    uint32_t rel[WS_METACACHE_RELATED];
} slot;

struct ws_metacache {
    uint64_t rev;
    slot s[WS_METACACHE_SLOTS];
};

ws_metacache *ws_metacache_new(void)
{
    ws_metacache *c = calloc(1, sizeof(ws_metacache));
    for (size_t i = 0; c && i < WS_METACACHE_SLOTS; i++)
        c->s[i].nrel = -1;
    return c;
}

void ws_metacache_clear(ws_metacache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < WS_METACACHE_SLOTS; i++) {
        free(c->s[i].path);
        free(c->s[i].title);
        memset(&c->s[i], 0, sizeof c->s[i]);
        c->s[i].nrel = -1;
    }
}

void ws_metacache_free(ws_metacache *c)
{
    ws_metacache_clear(c);
    free(c);
}

void ws_metacache_sync(ws_metacache *c, uint64_t rev)
{
    /* rev 0: unknown (shards, xapian.h), so nothing read before holds. */
    if (c && (c->rev != rev || rev == 0)) {
        ws_metacache_clear(c);
        c->rev = rev;
    }
}

static slot *slot_of(ws_metacache *c, uint32_t docid)
{
    return &c->s[(docid * 2654435761u) % WS_METACACHE_SLOTS];
}

int ws_metacache_get(ws_metacache *c, uint32_t docid, char **path, char **title, ws_doctype *type)
{
    *path = *title = NULL;
    slot *e = c ? slot_of(c, docid) : NULL;
    if (!e || e->docid != docid || !docid || !e->title)
        return 0;
    *title = strdup(e->title);
    *path = e->path ? strdup(e->path) : NULL;
    *type = e->type;
    if (!*title || (e->path && !*path)) {
        free(*title);
        free(*path);
        *path = *title = NULL;
        return -1;
    }
    return 1;
}

void ws_metacache_put(ws_metacache *c, uint32_t docid, const char *path, const char *title,
                      ws_doctype type)
{
    if (!c || !docid || !title || strlen(title) + (path ? strlen(path) : 0) > WS_METACACHE_BYTES)
        return;
    slot *e = slot_of(c, docid);
    char *p = path ? strdup(path) : NULL, *t = strdup(title);
    if ((path && !p) || !t) { /* out of memory: simply not remembered */
        free(p);
        free(t);
        return;
    }
    if (e->docid != docid) {
        free(e->path);
        free(e->title);
        *e = (slot){docid, type, NULL, NULL, -1, {0}};
    }
    free(e->path);
    free(e->title);
    e->type = type;
    e->path = p;
    e->title = t;
}

int ws_metacache_get_related(ws_metacache *c, uint32_t docid, uint32_t *ids, size_t max)
{
    slot *e = c ? slot_of(c, docid) : NULL;
    if (!e || e->docid != docid || !docid || e->nrel < 0)
        return -1;
    size_t n = (size_t)e->nrel < max ? (size_t)e->nrel : max;
    memcpy(ids, e->rel, n * sizeof *ids);
    return (int)n;
}

void ws_metacache_put_related(ws_metacache *c, uint32_t docid, const uint32_t *ids, size_t n)
{
    if (!c || !docid)
        return;
    slot *e = slot_of(c, docid);
    if (e->docid != docid) {
        free(e->path);
        free(e->title);
        *e = (slot){docid, WS_DOC_UNKNOWN, NULL, NULL, -1, {0}};
    }
    if (n > WS_METACACHE_RELATED)
        n = WS_METACACHE_RELATED;
    memcpy(e->rel, ids, n * sizeof *ids);
    e->nrel = (int)n;
}
