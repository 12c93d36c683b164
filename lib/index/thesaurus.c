/*
 * thesaurus.c - synonym tables and the compound dictionary of an index.
 *
 * A thesaurus file (one group of synonyms a line, the own format or
 * OpenThesaurus's) is analysed with the index's analyzer, so that its
 * entries meet the terms queries produce, and written to Xapian's synonym
 * table; broad (OpenThesaurus) entries carry WS_PFX_BROAD so that the two
 * tables can be replaced apart.  The file's checksum is kept in the
 * metadata: an unchanged file is not loaded again.  The compound word list
 * is only loaded here; analysis.c and compound.c use it.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "index/schema.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/text.h"

/* ---- the thesaurus ------------------------------------------------------ */

typedef struct syn_word {
    char key[4 * WS_MAX_TERM];  /* folded words joined by single spaces */
    char stem[WS_MAX_TERM + 2]; /* "Z" + stem of a one-word entry, or "" */
    int ntok, toolong;
} syn_word;

static int syn_token(void *ctx, const ws_token *t)
{
    syn_word *w = ctx;
    size_t kl = strlen(w->key);
    if (kl + 1 + t->term_len + 1 > sizeof w->key) {
        w->toolong = 1;
        return 1;
    }
    if (kl)
        w->key[kl++] = ' ';
    memcpy(w->key + kl, t->term, t->term_len + 1);
    if (w->ntok++ == 0 && t->stem)
        snprintf(w->stem, sizeof w->stem, "%s%s", WS_PFX_STEM, t->stem);
    else
        w->stem[0] = '\0';
    return 0;
}

static int take_key(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    return ws_strlist_add(ctx, term, len) != 0;
}

/* Remove the synonym entries of one thesaurus: those whose key starts
 * with WS_PFX_BROAD (OpenThesaurus) when broad, all others when not. */
static int clear_synonyms(ws_index *ix, int broad, ws_error *err)
{
    ws_strlist keys = {0};
    int rc = ws_xdb_synonym_keys(ix->db, take_key, &keys, err);
    if (rc == WS_OK && keys.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    size_t pl = strlen(WS_PFX_BROAD);
    for (size_t i = 0; rc == WS_OK && i < keys.n; i++)
        if ((strncmp(keys.v[i], WS_PFX_BROAD, pl) == 0) == broad)
            rc = ws_xdb_clear_synonyms(ix->db, keys.v[i], err);
    ws_strlist_free(&keys);
    return rc;
}

#define WS_GROUP_MAX 64

/* Analyse the members of one group (separated by sep) into w; returns how
 * many, or -1 on error.  Text in parentheses is a note, not a word:
 * OpenThesaurus writes "abdüsen (ugs.)". */
static int read_group(ws_index *ix, char *line, const char *sep, syn_word *w, ws_error *err)
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, sep, &save); tok && n < WS_GROUP_MAX;
         tok = strtok_r(NULL, sep, &save)) {
        for (char *o = strchr(tok, '('); o; o = strchr(tok, '(')) {
            char *c = strchr(o, ')');
            if (!c) {
                *o = '\0';
                break;
            }
            memset(o, ' ', (size_t)(c - o) + 1);
        }
        memset(&w[n], 0, sizeof w[n]);
        if (ws_analyze(ix->an, tok, strlen(tok), 1, NULL, syn_token, &w[n], err) != WS_OK)
            return -1;
        if (w[n].ntok >= 1 && !w[n].toolong)
            n++;
    }
    return n;
}

/* One group of config/synonyms.txt.  One-word members are linked by stem
 * ("Z" + stem keys, which Xapian's parser looks up itself, so Kommune and
 * Kommunen expand alike).  A group with a member of several words (BAMF,
 * Bundesamt für Migration und Flüchtlinge) also links every member's
 * words, under "XM" + words, for the query rewriter (lib/query.c). */
static int load_group(ws_index *ix, char *line, ws_error *err)
{
    syn_word w[WS_GROUP_MAX];
    int n = read_group(ix, line, ",", w, err);
    if (n < 0)
        return err ? err->code : WS_EINTERNAL;
    int multi = 0;
    for (int i = 0; i < n; i++)
        multi |= w[i].ntok > 1;
    int rc = WS_OK;
    char key[4 * WS_MAX_TERM + 4];
    for (int i = 0; rc == WS_OK && i < n; i++)
        for (int k = 0; rc == WS_OK && k < n; k++) {
            if (i == k)
                continue;
            if (w[i].ntok == 1 && w[k].ntok == 1 && w[i].stem[0] && w[k].stem[0] &&
                strcmp(w[i].stem, w[k].stem))
                rc = ws_xdb_add_synonym(ix->db, w[i].stem, w[k].stem, err);
            if (rc == WS_OK && multi && strcmp(w[i].key, w[k].key)) {
                snprintf(key, sizeof key, "%s%s", WS_PFX_MULTIWORD, w[i].key);
                rc = ws_xdb_add_synonym(ix->db, key, w[k].key, err);
            }
        }
    return rc;
}

/* OpenThesaurus groups are wide (90 words at most); a word's 12 closest
 * kin are what a search can use, and larger groups are mostly idioms. */
#define WS_BROAD_GROUP 12

/* One line of OpenThesaurus ("a;b;c"): its one-word members linked by
 * stem under "XT" + "Z" + stem. */
static int load_broad_group(ws_index *ix, char *line, ws_error *err)
{
    syn_word w[WS_GROUP_MAX];
    int n = read_group(ix, line, ";", w, err);
    if (n < 0)
        return err ? err->code : WS_EINTERNAL;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (w[i].ntok == 1 && w[i].stem[0])
            w[m++] = w[i];
    if (m > WS_BROAD_GROUP)
        return WS_OK;
    int rc = WS_OK;
    char key[WS_MAX_TERM + 8];
    for (int i = 0; rc == WS_OK && i < m; i++)
        for (int k = 0; rc == WS_OK && k < m; k++)
            if (i != k && strcmp(w[i].stem, w[k].stem)) {
                snprintf(key, sizeof key, "%s%s", WS_PFX_BROAD, w[i].stem);
                rc = ws_xdb_add_synonym(ix->db, key, w[k].stem, err);
            }
    return rc;
}

#define WS_META_SYNONYMS "wsearch.synonyms"
#define WS_MAX_THESAURUS ((long)8 << 20)

/* Read a thesaurus file (UTF-8 text, at most 8 MiB) into b, and its
 * checksum into sum. */
static int read_thesaurus(const char *path, ws_buf *b, char sum[32], ws_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ws_error_set(err, errno == ENOENT ? WS_ENOTFOUND : WS_EIO, "%s: %s", path,
                            strerror(errno));
    b->max = (size_t)WS_MAX_THESAURUS;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ws_buf_append(b, chunk, got);
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err)
        return ws_error_set(err, WS_EIO, "%s: read error", path);
    if (b->full)
        return ws_error_set(err, WS_ETOOBIG, "%s: thesaurus larger than 8 MiB", path);
    if (!ws_buf_cstr(b))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    if (!ws_utf8_valid(b->data, b->len))
        return ws_error_set(err, WS_EFORMAT, "%s: not UTF-8 text", path);
    uint64_t h = ws_fnv1a(b->data, b->len);
    snprintf(sum, 32, "%016llx", (unsigned long long)h);
    return WS_OK;
}

/* Load a thesaurus unless the index holds this very file already (its
 * checksum under meta), so an unchanged run leaves the index untouched.
 * path NULL removes it. */
static int load_thesaurus(ws_index *ix, const char *path, const char *meta, int broad,
                          int (*group)(ws_index *, char *, ws_error *), int *changed, ws_error *err)
{
    if (changed)
        *changed = 0;
    ws_buf b = WS_BUF_INIT;
    char sum[32] = "", *old = NULL;
    int rc = path ? read_thesaurus(path, &b, sum, err) : WS_OK;
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(ix->db, meta, &old, err);
    int same = rc == WS_OK && !strcmp(old, sum);
    free(old);
    if (rc != WS_OK || same) {
        ws_buf_free(&b);
        return rc;
    }
    rc = clear_synonyms(ix, broad, err);
    char *line = path ? b.data : NULL;
    while (rc == WS_OK && line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = group(ix, line, err);
        line = nl ? nl + 1 : NULL;
    }
    if (rc == WS_OK)
        rc = ws_xdb_set_metadata(ix->db, meta, sum, err);
    if (rc == WS_OK) {
        ix->meta_dirty = 1;
        if (changed)
            *changed = 1;
    }
    ws_buf_free(&b);
    return rc;
}

int ws_index_load_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err)
{
    if (!ix || !path)
        return ws_error_set(err, WS_EINVAL, "ws_index_load_synonyms: invalid argument");
    return load_thesaurus(ix, path, WS_META_SYNONYMS, 0, load_group, changed, err);
}

int ws_index_load_broad_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err)
{
    if (!ix)
        return ws_error_set(err, WS_EINVAL, "ws_index_load_broad_synonyms: invalid argument");
    return load_thesaurus(ix, path, WS_META_BROAD, 1, load_broad_group, changed, err);
}

/* ---- compounds ---------------------------------------------------------- */

#define WS_META_COMPOUNDS "wsearch.compounds"

int ws_index_set_dictionary(ws_index *ix, const char *path, ws_error *err)
{
    ws_compounds *d = NULL;
    int rc = ws_compounds_load(&d, path, err);
    if (rc != WS_OK) {
        ix->failed = 1; /* a rebuild that stops here must not replace the index */
        return rc;
    }
    ws_compounds_free(ix->dict);
    ix->dict = d;
    /* Which list split the documents: a different one changes only new
     * and re-read documents, so it is recorded, not enforced. */
    return ws_ix_set_metadata(ix, WS_META_COMPOUNDS, ws_compounds_id(d), err);
}
