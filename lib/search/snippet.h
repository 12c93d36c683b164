/*
 * snippet.h - choosing and highlighting the part of a text that matched.
 */
#ifndef WS_SNIPPET_H
#define WS_SNIPPET_H

#include <stddef.h>

#include "analysis/analysis.h"
#include "search/locate.h"
#include "wsearch/error.h"
#include "wsearch/search.h"

/* Which query term (1-based, at most 64) a token matches, 0 for none, or
 * a negative WS_E* code (the matcher set the message) that stops the
 * snippet with that error.  The match covers the whole token unless fn
 * narrows [*start, *end) (byte offsets in the text, preset to the token's)
 * to a part of a compound. */
typedef int (*ws_match_fn)(void *ctx, const ws_token *tok, size_t *start, size_t *end);

typedef struct ws_snippet {
    char *text; /* malloc'd, NUL-terminated, whitespace collapsed */
    ws_range *marks;
    size_t nmarks;
    size_t src_start; /* where in the source text the snippet starts */
} ws_snippet;

/*
 * Pick the stretch of about `want` bytes of text[0..len) that holds the
 * most distinct matching terms (then the most matches), extend it to word
 * boundaries and mark every matching word.  With no match it is the start
 * of the text.  Only the first `scan` bytes are analysed, bounding the
 * cost on very long documents.  The caller frees out->text and out->marks.
 */
int ws_snippet_make(ws_analyzer *a, const char *text, size_t len, size_t want, size_t scan,
                    ws_match_fn match, void *ctx, ws_snippet *out, ws_error *err);

/* A located snippet analyses at most this many candidate windows, and
 * stops reading new ones after this many bytes analysed. */
#define WS_SNIPPET_WINDOWS 16
#define WS_SNIPPET_BUDGET  ((size_t)64 << 10)

/*
 * The same snippet from a text of any length, neither decoded nor checked
 * beforehand: loc (the query's keys, locate.h) names the windows where the
 * terms may be, and only those are checked (WS_ECORRUPT if they are not
 * UTF-8 without NUL) and analysed, best first, until none left can beat
 * what was found.  A loc that is not usable scans the first `scan` bytes
 * as ws_snippet_make does.
 */
int ws_snippet_located(ws_analyzer *a, const char *text, size_t len, size_t want, size_t scan,
                       const ws_locate *loc, ws_match_fn match, void *ctx, ws_snippet *out,
                       ws_error *err);

#endif /* WS_SNIPPET_H */
