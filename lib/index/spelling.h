/*
 * spelling.h - which words the spelling table gets (internal).
 *
 * The writer gathers the spelling words of a batch's files (docmsg.h) and
 * hands Xapian, at commit time, each word worth suggesting once with how
 * often it was used.  See spelling.c for the rule.
 */
#ifndef WS_SPELLING_H
#define WS_SPELLING_H

#include "index/docmsg.h"
#include "wsearch/error.h"
#include "xapian/xapian.h"

typedef struct ws_spell ws_spell;

ws_spell *ws_spell_new(void); /* NULL when out of memory */
void ws_spell_free(ws_spell *s);
/* The words of one file written in this batch. */
void ws_spell_add(ws_spell *s, const ws_docmsg *m);
/* Add the batch's words worth suggesting to db (before its commit) and
 * start a new batch.  WS_ENOMEM if words were lost, Xapian's errors. */
int ws_spell_flush(ws_spell *s, ws_xdb *db, ws_error *err);
/* Forget the batch (its documents were not written). */
void ws_spell_clear(ws_spell *s);

#endif /* WS_SPELLING_H */
