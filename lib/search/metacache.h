/*
 * metacache.h - what hits show of their related documents, remembered
 * per searcher for one index revision (internal; see metacache.c).
 */
#ifndef WS_METACACHE_H
#define WS_METACACHE_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/extract.h"

typedef struct ws_metacache ws_metacache;

/* NULL when out of memory (the searcher then goes without). */
ws_metacache *ws_metacache_new(void);
void ws_metacache_free(ws_metacache *c);

/* Forget everything unless it was read at revision rev of the same
 * database (a new generation is a new database: ws_metacache_clear); rev 0
 * (unknown, ws_xdb_revision) forgets everything. */
void ws_metacache_sync(ws_metacache *c, uint64_t rev);
void ws_metacache_clear(ws_metacache *c);

/* Document docid's path and title (malloc'd copies, *title never NULL on
 * success) and type: 1 if remembered, 0 if not, -1 out of memory. */
int ws_metacache_get(ws_metacache *c, uint32_t docid, char **path, char **title, ws_doctype *type);
/* Remember them (copies; path may be NULL). */
void ws_metacache_put(ws_metacache *c, uint32_t docid, const char *path, const char *title,
                      ws_doctype type);

/* The related documents found for hit docid (at most max ids into ids):
 * their number, or -1 if not remembered. */
int ws_metacache_get_related(ws_metacache *c, uint32_t docid, uint32_t *ids, size_t max);
void ws_metacache_put_related(ws_metacache *c, uint32_t docid, const uint32_t *ids, size_t n);

#endif /* WS_METACACHE_H */
