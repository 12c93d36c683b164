/*
 * wsearch/json.h - search results as JSON (jansson), in one place.
 *
 * The CLI's --json, searchd's /search and the CLI reading searchd's
 * answer all go through these functions, so the three can never drift
 * apart: output through the daemon stays identical to a direct search.
 * Needs jansson (<jansson.h>), which libwsearch links anyway.
 */
#ifndef WSEARCH_JSON_H
#define WSEARCH_JSON_H

#include <jansson.h>

#include "wsearch/search.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    WS_JSON_SNIPPET_HTML = 1 << 0 /* add "snippet_html": escaped, matches in <mark> */
};

/*
 * One hit as a JSON object: id, path, title, type, date, score, percent,
 * snippet, highlights ([start, end] byte ranges into snippet), passage
 * {kind, number, heading}, page/slide and location for paged documents,
 * related [{id, path, title, type}].  New reference, NULL on out of memory.
 */
json_t *ws_hit_to_json(const ws_hit *h, unsigned flags);

/*
 * The reverse, for a client of searchd: fills *out (zeroed first) with
 * malloc'd copies, released with ws_hit_clear.  Offsets that do
 * not fit the snippet are dropped.  Returns 0, or -1 on out of memory or a
 * value that is not a hit object.
 */
int ws_hit_from_json(const json_t *j, ws_hit *out);

/* The facets of r as {"type": [{"value": ..., "count": n}], ...}. */
json_t *ws_facets_to_json(const ws_results *r);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_JSON_H */
