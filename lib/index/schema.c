/*
 * schema.c - the index layout shared by the indexer and the searcher.
 */
#include "index/schema.h"

#include "analysis/analysis.h"
#include "wsearch/error.h"
#include "util/hash.h"
#include "xapian/xapian.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef WS_VERSION
#define WS_VERSION "unknown"
#endif

/* German and English names for every field, so a practitioner can type
 * either "referent:altmann" or "speaker:altmann". */
const ws_field ws_schema_fields[] = {
    {"title", WS_PFX_TITLE, 0},
    {"titel", WS_PFX_TITLE, 0},
    {"speaker", WS_PFX_SPEAKER, 0},
    {"referent", WS_PFX_SPEAKER, 0},
    {"referentin", WS_PFX_SPEAKER, 0},
    {"author", WS_PFX_SPEAKER, 0},
    {"autor", WS_PFX_SPEAKER, 0},
    {"org", WS_PFX_ORG, 0},
    {"organisation", WS_PFX_ORG, 0},
    {"event", WS_PFX_EVENT, 0},
    {"veranstaltung", WS_PFX_EVENT, 0},
    {"tag", WS_PFX_TAG, 1},
    {"schlagwort", WS_PFX_TAG, 1},
    {"type", WS_PFX_TYPE, 1},
    {"typ", WS_PFX_TYPE, 1},
    {"year", WS_PFX_YEAR, 1},
    {"jahr", WS_PFX_YEAR, 1},
    {NULL, NULL, 0},
};

const char *const ws_schema_date_fields[] = {"date", "datum", NULL};

int ws_schema_is_field(const char *word, size_t len)
{
    for (const ws_field *f = ws_schema_fields; f->name; f++)
        if (strlen(f->name) == len && !strncasecmp(f->name, word, len))
            return 1;
    for (const char *const *d = ws_schema_date_fields; *d; d++)
        if (strlen(*d) == len && !strncasecmp(*d, word, len))
            return 1;
    return 0;
}

void ws_schema_idterm(const char *path, char *out)
{
    size_t len = strlen(path);
    size_t pl = strlen(WS_PFX_ID);
    memcpy(out, WS_PFX_ID, pl);
    if (pl + len <= WS_MAX_IDTERM) {
        memcpy(out + pl, path, len + 1);
        return;
    }
    /* Too long for a Xapian term: keep a head for prefix walks and make it
     * unique with a 64-bit FNV-1a hash of the whole path. */
    uint64_t h = ws_fnv1a(path, len);
    size_t keep = WS_MAX_IDTERM - pl - 17;
    /* do not cut a UTF-8 sequence in half */
    while (keep > 0 && ((unsigned char)path[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(out + pl, path, keep);
    snprintf(out + pl + keep, 18, "#%016llx", (unsigned long long)h);
}

int ws_schema_is_facet_slot(unsigned slot)
{
    return slot == WS_SLOT_FACETS;
}

void ws_schema_doc_key(const char *path, char out[WS_DOC_KEY_LEN])
{
    uint64_t h = ws_fnv1a(path, strlen(path));
    for (int i = 0; i < WS_DOC_KEY_LEN; i++)
        out[i] = (char)((h >> (8 * i)) & 0xff);
}

void ws_version(ws_version_info *out)
{
    out->wsearch = WS_VERSION;
    out->xapian = ws_xapian_version();
    out->analysis = ws_analysis_signature();
}

int ws_schema_check(ws_xdb *db, const char *path, int reading, ws_error *err)
{
    char *schema = NULL, *analysis = NULL;
    uint32_t docs = 0;
    int rc = ws_xdb_doccount(db, &docs, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(db, WS_META_SCHEMA, &schema, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(db, WS_META_ANALYSIS, &analysis, err);
    if (rc == WS_OK && (docs > 0 || *schema || *analysis)) {
        if (strcmp(schema, WS_SCHEMA_VERSION) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index has schema version '%s', this wsearch %s '%s'; "
                              "rebuild it with: wsearch index --rebuild",
                              path, schema, reading ? "reads" : "writes", WS_SCHEMA_VERSION);
        else if (strcmp(analysis, ws_analysis_signature()) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index was built with different text analysis (%s)%s; "
                              "rebuild it with: wsearch index --rebuild",
                              path, analysis, reading ? ", searching it would miss matches" : "");
    }
    free(schema);
    free(analysis);
    return rc;
}
