/*
 * docbuild.h - what an extracted file becomes in the index (internal).
 *
 * The one place that decides a document's terms, values and stored record
 * from an extracted file: the term generator (analysis/termgen.h) over the
 * title, passages, headings, fields, description and tags, the boolean
 * filter and link terms, the facet values and the record (record.h).  It
 * runs in the worker processes (pool.c), in parallel, and its output is a
 * docmsg (docmsg.h) that the writer only validates and writes.  What the
 * writer alone knows is left to it: the unique-id term and the file's
 * signature (index.c).
 */
#ifndef WS_DOCBUILD_H
#define WS_DOCBUILD_H

#include <stddef.h>

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "index/docmsg.h"
#include "util/buf.h"
#include "wsearch/error.h"
#include "wsearch/extract.h"

typedef struct ws_docbuild {
    ws_analyzer *an;          /* borrowed */
    const ws_compounds *dict; /* borrowed, may be NULL */
    ws_termgen *tg;           /* made at the first document */
    ws_termlist terms;        /* reused from text to text */
    ws_docmsg_builder mb;
    ws_buf rec; /* the part's record, reused */
    int nopos;  /* terms of this text without positions (a later part) */
} ws_docbuild;

void ws_docbuild_init(ws_docbuild *b, ws_analyzer *an, const ws_compounds *dict);
void ws_docbuild_free(ws_docbuild *b);

/* The message for the file at path (absolute), extracted as x: *out
 * malloc'd.  WS_ENOMEM, or WS_EINTERNAL from the analysis. */
int ws_docbuild_file(ws_docbuild *b, const char *path, const ws_extracted *x, char **out,
                     size_t *len, ws_error *err);

#endif /* WS_DOCBUILD_H */
