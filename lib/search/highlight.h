/*
 * highlight.h - which spans of a stored text a query's terms match (internal).
 *
 * The searcher collects the terms of the query that matched a document
 * (ws_highlight_add_term, a ws_xterm_fn for ws_xenquire_matching_terms),
 * then the snippet calls ws_highlight_match for every token of the text.
 */
#ifndef WS_HIGHLIGHT_H
#define WS_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "analysis/analysis.h"
#include "wsearch/error.h"
#include "xapian/xapian.h"

typedef struct ws_highlight {
    ws_analyzer *an;
    ws_xdb *db;       /* the rest of a compound must be words it knows */
    const char *text; /* what the snippet analyses: token offsets point here */
    ws_strlist terms; /* the query's matching body terms: words and "Z" + stem */
    ws_error *err;    /* where an index error (changed under us: retry) goes */
} ws_highlight;

/* Keep one matching term of the query if it is a body term (a word, or
 * "Z" + stem); a ws_xterm_fn.  Non-zero when out of memory (terms.oom). */
int ws_highlight_add_term(void *ctx, const char *term, size_t len, uint32_t freq);

/*
 * A ws_match_fn (snippet.h): which term (1-based) token t matches, 0 for
 * none, narrowing [*start, *end) to a compound's part where only that
 * matched (Asylbewerber[leistungs]gesetz); a negative WS_E* code, with
 * ctx->err set, when asking the index failed.
 */
int ws_highlight_match(void *ctx, const ws_token *t, size_t *start, size_t *end);

#endif /* WS_HIGHLIGHT_H */
