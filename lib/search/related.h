/*
 * related.h - how documents that link to each other are found again
 * (internal; shared by the indexer and the searcher).
 *
 * A recap links to the speakers' slides ("zur Präsentation",
 * praesentationen/x.pdf); the slides do not link back.  So the link is
 * stored on the recap's side as boolean terms, and both directions are
 * answered from them at search time:
 *   XL + absolute path   each local link target, resolved against the
 *                        linking document's folder (".." and "." applied,
 *                        %XX decoded, ?query and #fragment dropped)
 *   XF + file name       the target's file name, lower-cased (only names
 *                        with an extension), so a link still finds the
 *                        deck when it lives in another folder
 *   XN + file name       every document's own file name, lower-cased
 * Terms longer than a Xapian term may be are cut and hashed as ids are.
 */
#ifndef WS_RELATED_H
#define WS_RELATED_H

#include <stddef.h>

#define WS_PFX_LINK     "XL"
#define WS_PFX_LINKNAME "XF"
#define WS_PFX_NAME     "XN"

/* Most related documents named per hit. */
#define WS_RELATED_MAX 5
/* Links of a hit looked up at most: a manual page links to hundreds of
 * pages, and each costs two term lookups; a hit's cost must not grow
 * with them (the documents linking to it are found by its own terms). */
#define WS_RELATED_PROBES 32

/* Resolve link (as written in the document at the absolute path docpath)
 * to an absolute file path in out.  0 for links that are not local files:
 * URLs with a scheme (https:, mailto:), protocol-relative //host, bare
 * fragments, empty or over-long results. */
int ws_related_resolve(const char *docpath, const char *link, char *out, size_t cap);

/* The file name of path, lower-cased (ASCII), into out; 0 when it has no
 * extension (site paths such as /impressum are no documents). */
int ws_related_name(const char *path, char *out, size_t cap);

/* prefix + value as a term of at most 240 bytes (long values: head plus a
 * hash, as ws_schema_idterm does); out needs 241 bytes. */
void ws_related_term(const char *prefix, const char *value, char *out);

#endif /* WS_RELATED_H */
