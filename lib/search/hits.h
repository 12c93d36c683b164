/*
 * hits.h - filling a ws_hit from a match (internal; see hits.c).
 */
#ifndef WS_HITS_H
#define WS_HITS_H

#include "search/snippet.h"
#include "wsearch/search.h"
#include "xapian/xapian.h"

/*
 * Fill h from match i of ms: metadata from the stored record, the snippet
 * (loc says where the query's terms may be, match decides which words are
 * marked; *match_text is set to the text the snippet analyses while match
 * may be called, "" after), the passage it lies in, related documents.  What h holds is the
 * caller's (ws_hit_clear), also on failure.
 */
int ws_hit_fill(ws_searcher *s, ws_xmset *ms, uint32_t i, const ws_search_options *o,
                const ws_locate *loc, ws_match_fn match, void *mctx, const char **match_text,
                ws_hit *h, ws_error *err);

#endif /* WS_HITS_H */
