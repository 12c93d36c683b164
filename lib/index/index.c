/*
 * index.c - the indexing pipeline: walk, decide, extract, analyse, write.
 *
 * Like Omega's omindex, one place walks the files and decides what needs
 * (re)indexing; the extractors know nothing about the index.  A document's
 * unique id term is its absolute path, and value slot WS_SLOT_SIGNATURE
 * holds the file's modification time and size when it was indexed, so a
 * second run skips every file whose signature still matches.
 *
 * Extraction happens in worker processes (pool.c) while this process
 * analyses and writes: the walk's list is followed by two cursors, one that
 * checks signatures and hands changed files to idle workers up to a window
 * ahead, and one that writes finished documents strictly in walk order, so
 * document ids and reports do not depend on which worker was faster.
 *
 * This file holds the run (ws_index_update), opening and closing, and one
 * document: changed or not, built, written, committed.  The walk, the
 * scheduling over the pool, the deletion of vanished files and the
 * thesaurus live beside it (index_int.h names them).
 */
#define _XOPEN_SOURCE 700
#include "wsearch/index.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/hash.h"
#include "util/strset.h"
#include "util/text.h"
#include "analysis/compound.h"
#include "index/layout.h"
#include "analysis/stopwords.h"
#include "analysis/termgen.h"
#include "extract/ocr.h"
#include "index/pool.h"
#include "index/record.h"
#include "search/related.h"
#include "index/schema.h"
#include "analysis/analysis.h"
#include "xapian/xapian.h"
#include "index/index_int.h"

/*
 * The words of a batch for the spelling table, counted here and handed to
 * Xapian once per distinct word just before the commit: add_spelling per
 * occurrence costs a map lookup in the writer each time, which showed in
 * profiles.
 */
typedef struct spell_set {
    ws_strset *words; /* each word's counter: its occurrences; NULL until the first */
    int oom;
} spell_set;

static void spell_add(spell_set *s, const char *w, size_t len)
{
    if (s->oom)
        return;
    long i = -1;
    if (s->words || (s->words = ws_strset_new(0)))
        i = ws_strset_add(s->words, w, len, NULL);
    if (i < 0)
        s->oom = 1;
    else
        (*ws_strset_counter(s->words, (size_t)i))++;
}

/* Add the counted words to the index (if rc is still WS_OK) and free. */
static int spell_flush(ws_xdb *db, spell_set *s, int rc, ws_error *err)
{
    if (rc == WS_OK && s->oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == WS_OK && i < ws_strset_size(s->words); i++)
        rc = ws_xdb_add_spelling(db, ws_strset_at(s->words, i, NULL),
                                 *ws_strset_counter(s->words, i), err);
    ws_strset_free(s->words);
    memset(s, 0, sizeof *s);
    return rc;
}

/* ---- open and close ----------------------------------------------------- */

static int check_signatures(ws_index *ix, const char *path, ws_error *err)
{
    return ws_schema_check(ix->db, path, 0, err);
}

/* Write a metadata key only when it changes, so that a run which finds
 * nothing to do does not create a new revision. */
int ws_ix_set_metadata(ws_index *ix, const char *key, const char *value, ws_error *err)
{
    char *old = NULL;
    int rc = ws_xdb_get_metadata(ix->db, key, &old, err);
    if (rc == WS_OK && strcmp(old, value) != 0) {
        rc = ws_xdb_set_metadata(ix->db, key, value, err);
        ix->meta_dirty = 1;
    }
    free(old);
    return rc;
}

/* Open the live database for writing.  A rebuild may publish a new
 * generation between resolving the stub and taking the lock; then the
 * handle would write into a retired generation, so look again. */
static int open_live(ws_index *ix, const char *path, ws_error *err)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char *dir = NULL, *again = NULL;
        int rc = ws_layout_live(path, &dir, NULL, err);
        if (rc == WS_OK)
            rc = ws_xdb_open_write(&ix->db, dir, WS_XDB_CREATE, err);
        if (rc == WS_OK)
            rc = ws_layout_live(path, &again, NULL, err);
        int same = rc == WS_OK && !strcmp(dir, again);
        free(again);
        if (rc != WS_OK || same) {
            ix->dbdir = rc == WS_OK ? dir : NULL;
            if (rc != WS_OK)
                free(dir);
            return rc;
        }
        free(dir);
        ws_xdb_close(ix->db);
        ix->db = NULL;
    }
    return ws_error_set(err, WS_ELOCKED, "%s: the index keeps being replaced", path);
}

/* A rebuild: lock the live index (if any), then write a fresh generation. */
static int open_rebuild(ws_index *ix, const char *path, ws_error *err)
{
    char *live = NULL;
    struct stat st;
    int rc = ws_layout_live(path, &live, NULL, err);
    if (rc == WS_OK && stat(live, &st) == 0) {
        rc = ws_xdb_open_write(&ix->guard, live, WS_XDB_OPEN, err);
        if (rc == WS_ENOTFOUND) /* a folder that is no index (yet): nothing to guard */
            rc = WS_OK;
    }
    free(live);
    if (rc == WS_OK)
        rc = ws_layout_new_generation(path, &ix->gendir, err);
    if (rc == WS_OK)
        rc = ws_xdb_open_write(&ix->db, ix->gendir, WS_XDB_OVERWRITE, err);
    if (rc == WS_OK && !(ix->dbdir = strdup(ix->gendir)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    return rc;
}

int ws_index_open(ws_index **out, const char *path, const ws_index_options *opts, ws_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return ws_error_set(err, WS_EINVAL, "no index path given");
    if (opts && (opts->version != WS_INDEX_OPTIONS_VERSION ||
                 opts->extract.version != WS_EXTRACT_OPTIONS_VERSION))
        return ws_error_set(err, WS_EINVAL,
                            "index options version %u (extract %u) is not supported: this "
                            "wsearch has %u (%u); build with WS_INDEX_OPTIONS_INIT",
                            opts->version, opts->extract.version, WS_INDEX_OPTIONS_VERSION,
                            WS_EXTRACT_OPTIONS_VERSION);
    ws_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    if (opts)
        ix->opts = *opts;
    else
        ix->opts = (ws_index_options)WS_INDEX_OPTIONS_INIT;
    if (!ix->opts.batch_docs)
        ix->opts.batch_docs = 200;
    if (!ix->opts.max_depth)
        ix->opts.max_depth = 64;

    /* The index folder's parent must exist; Xapian creates the folder. */
    int rc = ix->opts.rebuild ? open_rebuild(ix, path, err) : open_live(ix, path, err);
    if (rc == WS_ELOCKED)
        rc = ws_error_set(err, WS_ELOCKED, "%s: another process is writing this index", path);
    else if (rc != WS_OK && err)
        rc = ws_error_set(err, rc, "%s: cannot open index for writing: %s", path, err->msg);
    if (rc == WS_OK)
        rc = check_signatures(ix, path, err);
    if (rc == WS_OK && !(ix->spell = calloc(1, sizeof *ix->spell)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK)
        rc = ws_analyzer_new(&ix->an, err);
    if (rc == WS_OK)
        rc = ws_ix_set_metadata(ix, WS_META_SCHEMA, WS_SCHEMA_VERSION, err);
    if (rc == WS_OK)
        rc = ws_ix_set_metadata(ix, WS_META_ANALYSIS, ws_analysis_signature(), err);
    if (rc != WS_OK) {
        ws_analyzer_free(ix->an);
        ws_xdb_close(ix->db);
        ws_xdb_close(ix->guard);
        ws_layout_discard(ix->gendir);
        free(ix->gendir);
        free(ix->dbdir);
        free(ix->spell);
        free(ix->path);
        free(ix);
        return rc;
    }
    *out = ix;
    return WS_OK;
}

int ws_index_close(ws_index *ix, ws_error *err)
{
    if (!ix)
        return WS_OK;
    int rc = WS_OK;
    if (ix->pending_docs || ix->meta_dirty) {
        rc = spell_flush(ix->db, ix->spell, WS_OK, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
    } else {
        spell_flush(ix->db, ix->spell, WS_ENOMEM, NULL); /* nothing to add: just free */
    }
    ws_xdb_close(ix->db);
    free(ix->dbdir);
    if (ix->gendir) {
        /* Readers switch to the new generation only now, when it is whole. */
        if (rc == WS_OK && !ix->failed)
            rc = ws_layout_publish(ix->path, ix->gendir, err);
        else
            ws_layout_discard(ix->gendir);
        ws_xdb_close(ix->guard);
        free(ix->gendir);
    }
    ws_termgen_free(ix->tg);
    ws_termlist_free(&ix->terms);
    ws_analyzer_free(ix->an);
    ws_compounds_free(ix->dict);
    free(ix->spell);
    free(ix->path);
    free(ix);
    return rc;
}

/* The watcher's way to share the index with a rebuild (index.h): the
 * handle keeps its analyzer, dictionary and options; only the Xapian
 * writer, which holds the lock, is closed and later opened again on
 * whatever generation is live by then. */
int ws_index_release(ws_index *ix, ws_error *err)
{
    if (!ix || ix->gendir)
        return ws_error_set(err, WS_EINVAL, "ws_index_release: not for a rebuild");
    if (!ix->db)
        return WS_OK;
    int rc = WS_OK;
    if (ix->pending_docs || ix->meta_dirty) {
        rc = spell_flush(ix->db, ix->spell, WS_OK, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
        if (rc != WS_OK)
            return rc; /* still held: the caller may retry or close */
    }
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->meta_dirty = 0;
    ws_xdb_close(ix->db);
    ix->db = NULL;
    free(ix->dbdir);
    ix->dbdir = NULL;
    return WS_OK;
}

int ws_index_reacquire(ws_index *ix, ws_error *err)
{
    if (!ix || ix->gendir)
        return ws_error_set(err, WS_EINVAL, "ws_index_reacquire: not for a rebuild");
    if (ix->db)
        return WS_OK;
    int rc = open_live(ix, ix->path, err);
    if (rc == WS_ELOCKED)
        return ws_error_set(err, WS_ELOCKED, "%s: another process is writing this index", ix->path);
    if (rc != WS_OK)
        return ws_error_set(err, rc, "%s: cannot open index for writing: %s", ix->path,
                            err ? err->msg : "");
    /* A rebuild by another wsearch may have changed what the index is. */
    rc = check_signatures(ix, ix->path, err);
    if (rc == WS_OK)
        rc = ws_ix_set_metadata(ix, WS_META_SCHEMA, WS_SCHEMA_VERSION, err);
    if (rc == WS_OK)
        rc = ws_ix_set_metadata(ix, WS_META_ANALYSIS, ws_analysis_signature(), err);
    if (rc != WS_OK) {
        ws_xdb_close(ix->db);
        ix->db = NULL;
        free(ix->dbdir);
        ix->dbdir = NULL;
        ix->meta_dirty = 0;
    }
    return rc;
}

/* ---- one document ------------------------------------------------------- */

typedef struct term_ctx {
    ws_xdoc *doc;
    spell_set *spell;
    int spelling; /* feed the spelling dictionary */
    ws_error *err;
    ws_termgen *tg;     /* which terms a text becomes (analysis/termgen.h) */
    ws_termlist *terms; /* reused from text to text */
} term_ctx;

/* Add the generator's terms to the document: words with their positions
 * (phrases), stems, exact spellings, compound parts and hyphen joins. */
static int add_terms(term_ctx *c, const char *prefix, int positions)
{
    int rc = WS_OK;
    for (size_t i = 0; rc == WS_OK && i < c->terms->n; i++) {
        const ws_term *t = &c->terms->v[i];
        const char *term = ws_termlist_term(c->terms, i);
        if (t->kind == WS_TERM_WORD && positions)
            rc = ws_xdoc_add_posting(c->doc, term, t->pos, t->wdf, c->err);
        else
            rc = ws_xdoc_add_term(c->doc, term, t->wdf, c->err);
        /* Spelling suggestions come from words, not numbers.  Short words
         * must be there too, or the parser "corrects" vor to davor. */
        if (rc == WS_OK && t->kind == WS_TERM_WORD && c->spelling && !*prefix &&
            !(t->flags & WS_TOK_NUMBER) && t->len >= 2)
            spell_add(c->spell, term, t->len);
    }
    return rc;
}

static int index_text(ws_index *ix, term_ctx *c, const char *prefix, uint32_t wdf, int positions,
                      const char *text, size_t len, uint32_t *pos)
{
    (void)ix;
    ws_termlist_clear(c->terms);
    uint32_t next = *pos;
    int rc = ws_termgen_text(c->tg, prefix, wdf, text, len, &next, c->terms, c->err);
    if (rc == WS_OK)
        rc = add_terms(c, prefix, positions);
    /* Leave a gap so a phrase never runs from one field into the next. */
    *pos = ((next / WS_POS_GAP) + 1) * WS_POS_GAP;
    return rc;
}

/* Free text in a field: prefixed terms for field search, plain terms so a
 * word search finds it too. */
static int index_field(ws_index *ix, term_ctx *c, const char *prefix, const char *text,
                       uint32_t *pos)
{
    if (!text || !*text)
        return WS_OK;
    size_t len = strlen(text);
    uint32_t p = *pos;
    int rc = index_text(ix, c, prefix, 1, 1, text, len, &p);
    if (rc == WS_OK)
        rc = index_text(ix, c, "", 1, 1, text, len, pos);
    return rc;
}

/* A title for documents that have none: the file name without extension. */
static char *title_from_path(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (b[i] == '_' || b[i] == '-') ? ' ' : b[i];
    t[n] = '\0';
    return t;
}

/* Values the searcher counts for facets: the fields as written, so a
 * facet shows "Dr. Aylin Kaya", not a folded term. */
static int set_facet_values(ws_xdoc *doc, const ws_extracted *x, ws_error *err)
{
    int rc = WS_OK;
    if (x->organisation && *x->organisation)
        rc = ws_xdoc_set_value(doc, WS_SLOT_ORG, x->organisation, strlen(x->organisation), err);
    if (rc == WS_OK && x->event && *x->event)
        rc = ws_xdoc_set_value(doc, WS_SLOT_EVENT, x->event, strlen(x->event), err);
    if (rc == WS_OK && x->date && strlen(x->date) >= 4)
        rc = ws_xdoc_set_value(doc, WS_SLOT_YEAR, x->date, 4, err);
    if (rc == WS_OK && x->nspeakers) {
        ws_buf b = WS_BUF_INIT;
        for (size_t i = 0; i < x->nspeakers; i++) {
            if (i)
                ws_buf_putc(&b, WS_XFACET_SEP);
            ws_buf_puts(&b, x->speakers[i]);
        }
        if (!ws_buf_cstr(&b))
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        else
            rc = ws_xdoc_set_value(doc, WS_SLOT_SPEAKERS, b.data, b.len, err);
        ws_buf_free(&b);
    }
    return rc;
}

/* The free text of a document: title, passages, fields, description. */
static int index_body(ws_index *ix, term_ctx *c, const ws_extracted *x, const char *title,
                      uint32_t *pos)
{
    /* The title, prefixed for title: searches and plain with a higher wdf
     * so a title match outranks a body match. */
    uint32_t p0 = *pos;
    int rc = index_text(ix, c, WS_PFX_TITLE, 1, 1, title, strlen(title), &p0);
    if (rc == WS_OK)
        rc = index_text(ix, c, "", WS_TITLE_WDF, 1, title, strlen(title), pos);
    for (size_t i = 0; rc == WS_OK && i < x->npassages; i++) {
        const ws_passage *p = &x->passages[i];
        if (p->heading && *p->heading)
            rc = index_text(ix, c, "", 2, 1, p->heading, strlen(p->heading), pos);
        if (rc == WS_OK)
            rc = index_text(ix, c, "", 1, 1, p->text, p->text_len, pos);
    }
    for (size_t i = 0; rc == WS_OK && i < x->nspeakers; i++)
        rc = index_field(ix, c, WS_PFX_SPEAKER, x->speakers[i], pos);
    if (rc == WS_OK)
        rc = index_field(ix, c, WS_PFX_ORG, x->organisation, pos);
    if (rc == WS_OK)
        rc = index_field(ix, c, WS_PFX_EVENT, x->event, pos);
    if (rc == WS_OK && x->description)
        rc = index_text(ix, c, "", 1, 1, x->description, strlen(x->description), pos);
    return rc;
}

/* Tags: each word a boolean K term (tag:dolmetschen) and free text. */
static int index_tags(ws_index *ix, term_ctx *c, const ws_extracted *x, uint32_t *pos)
{
    int rc = WS_OK;
    for (size_t i = 0; rc == WS_OK && i < x->ntags; i++) {
        const char *t = x->tags[i];
        rc = index_text(ix, c, "", 1, 1, t, strlen(t), pos);
        if (rc != WS_OK)
            break;
        char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1];
        const char *s = t;
        while (*s && rc == WS_OK) {
            size_t n = strcspn(s, " \t,;");
            if (n && ws_analyze_word(ix->an, s, n, term, stem, NULL) == WS_OK) {
                char bt[WS_MAX_TERM + 4];
                snprintf(bt, sizeof bt, "%s%s", WS_PFX_TAG, term);
                rc = ws_xdoc_add_boolean_term(c->doc, bt, c->err);
            }
            s += n;
            s += strspn(s, " \t,;");
        }
    }
    return rc;
}

/* Filters and values: type, date, facets, signature. */
static int add_filters(ws_xdoc *doc, const file_entry *f, const ws_extracted *x, ws_error *err)
{
    char bt[WS_MAX_IDTERM + 1];
    const char *tn = ws_doctype_name(x->type);
    snprintf(bt, sizeof bt, "%s%s", WS_PFX_TYPE, tn);
    int rc = ws_xdoc_add_boolean_term(doc, bt, err);
    if (rc == WS_OK)
        rc = ws_xdoc_set_value(doc, WS_SLOT_TYPE, tn, strlen(tn), err);
    if (rc == WS_OK && x->date && strlen(x->date) == 10) {
        char ymd[9];
        snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", x->date, x->date + 5, x->date + 8);
        rc = ws_xdoc_set_value(doc, WS_SLOT_DATE, ymd, 8, err);
        snprintf(bt, sizeof bt, "%s%.4s", WS_PFX_YEAR, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
        snprintf(bt, sizeof bt, "%s%.6s", WS_PFX_MONTH, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
        snprintf(bt, sizeof bt, "%s%s", WS_PFX_DATE, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
    }
    if (rc == WS_OK)
        rc = set_facet_values(doc, x, err);
    char sig[64];
    snprintf(sig, sizeof sig, "%lld.%09ld:%lld", (long long)f->st.st_mtim.tv_sec,
             (long)f->st.st_mtim.tv_nsec, (long long)f->st.st_size);
    if (rc == WS_OK)
        rc = ws_xdoc_set_value(doc, WS_SLOT_SIGNATURE, sig, strlen(sig), err);
    return rc;
}

/* Links to local files, for related documents (see related.h), the
 * document's own name, and its idterm. */
static int add_links(ws_xdoc *doc, const file_entry *f, const ws_extracted *x, ws_error *err)
{
    int rc = WS_OK;
    char rt[WS_MAX_IDTERM + 1], target[PATH_MAX], name[PATH_MAX];
    for (size_t i = 0; rc == WS_OK && i < x->nlinks; i++) {
        if (!ws_related_resolve(f->path, x->links[i], target, sizeof target))
            continue;
        ws_related_term(WS_PFX_LINK, target, rt);
        rc = ws_xdoc_add_boolean_term(doc, rt, err);
        if (rc == WS_OK && ws_related_name(target, name, sizeof name)) {
            ws_related_term(WS_PFX_LINKNAME, name, rt);
            rc = ws_xdoc_add_boolean_term(doc, rt, err);
        }
    }
    if (rc == WS_OK && ws_related_name(f->path, name, sizeof name)) {
        ws_related_term(WS_PFX_NAME, name, rt);
        rc = ws_xdoc_add_boolean_term(doc, rt, err);
    }
    char bt[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, bt);
    if (rc == WS_OK)
        rc = ws_xdoc_add_boolean_term(doc, bt, err);
    return rc;
}

static int build_document(ws_index *ix, const file_entry *f, const ws_extracted *x, ws_xdoc **out,
                          ws_error *err)
{
    ws_xdoc *doc = NULL;
    char *title = NULL, *data = NULL;
    int rc = ws_xdoc_new(&doc, err);
    if (rc != WS_OK)
        return rc;
    if (x->title && *x->title)
        title = strdup(x->title);
    else
        title = title_from_path(f->path);
    if (!title) {
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        goto done;
    }

    if (!ix->tg)
        rc = ws_termgen_new(&ix->tg, ix->an, ix->dict, err);
    if (rc != WS_OK)
        goto done;
    ws_termgen_set_dict(ix->tg, ix->dict);
    term_ctx c = {doc, ix->spell, 1, err, ix->tg, &ix->terms};
    uint32_t pos = 1;
    rc = index_body(ix, &c, x, title, &pos);
    c.spelling = 0;
    if (rc == WS_OK)
        rc = index_tags(ix, &c, x, &pos);
    if (rc == WS_OK)
        rc = add_filters(doc, f, x, err);
    if (rc == WS_OK)
        rc = add_links(doc, f, x, err);
    if (rc == WS_OK) {
        /* The stored record (record.h): everything a result line or
         * snippet needs, so searching never goes back to the file. */
        size_t dlen = 0;
        rc = ws_record_encode(x, f->path, title, &data, &dlen, err);
        if (rc == WS_OK)
            rc = ws_xdoc_set_data(doc, data, dlen, err);
    }
done:
    free(title);
    free(data);
    if (rc != WS_OK) {
        ws_xdoc_free(doc);
        return rc;
    }
    *out = doc;
    return WS_OK;
}

/* The stored signature of the document for idterm: "" if there is none;
 * *docid is 0 then. */
static int stored_signature(ws_index *ix, const char *idterm, uint32_t *docid, char **sig,
                            ws_error *err)
{
    uint32_t *ids = NULL;
    size_t n = 0;
    *docid = 0;
    *sig = NULL;
    int rc = ws_xdb_postings(ix->db, idterm, &ids, &n, err);
    if (rc != WS_OK)
        return rc;
    if (n == 0) {
        *sig = strdup("");
        free(ids);
        return *sig ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    *docid = ids[0];
    free(ids);
    ws_xdoc *doc = NULL;
    rc = ws_xdb_get_document(ix->db, *docid, &doc, err);
    if (rc == WS_OK)
        rc = ws_xdoc_get_value(doc, WS_SLOT_SIGNATURE, sig, NULL, err);
    ws_xdoc_free(doc);
    return rc;
}

int ws_ix_maybe_commit(ws_index *ix, walk_ctx *w, int force, unsigned long done,
                       unsigned long total, ws_error *err)
{
    if (!ix->pending_docs && !ix->meta_dirty)
        return WS_OK;
    if (!force && ix->pending_docs < ix->opts.batch_docs &&
        ix->pending_bytes < ix->opts.batch_bytes)
        return WS_OK;
    int rc = spell_flush(ix->db, ix->spell, WS_OK, err);
    if (rc == WS_OK)
        rc = ws_xdb_commit(ix->db, err);
    if (rc != WS_OK)
        return rc;
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->meta_dirty = 0;
    w->stats->commits++;
    report(w, WS_INDEX_EV_COMMIT, NULL, NULL, done, total);
    return WS_OK;
}

/* Does the file need (re)indexing?  *docid gets its document, if any. */
int ws_ix_file_changed(ws_index *ix, const file_entry *f, uint32_t *docid, int *changed,
                       ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, idterm);
    char *old = NULL;
    int rc = stored_signature(ix, idterm, docid, &old, err);
    if (rc != WS_OK)
        return rc;
    char sig[64];
    snprintf(sig, sizeof sig, "%lld.%09ld:%lld", (long long)f->st.st_mtim.tv_sec,
             (long)f->st.st_mtim.tv_nsec, (long long)f->st.st_size);
    *changed = !(*docid && !strcmp(old, sig));
    free(old);
    return WS_OK;
}

/* A file was recognised: count it, and the first time in a run, warn
 * about languages asked for that Tesseract has no data for (it leaves them
 * out by itself; a missing first language fails each file instead). */
static void ocr_used(ws_index *ix, walk_ctx *w, const file_entry *f, const ws_extracted *x)
{
    w->stats->ocr_pages += x->ocr_pages;
    w->stats->ocr_skipped += x->ocr_skipped;
    w->stats->ocr_seconds += x->ocr_seconds;
    if (x->ocr_skipped) {
        char msg[128];
        snprintf(msg, sizeof msg, "OCR: %u page%s over the limit of %u s per page, left out",
                 x->ocr_skipped, x->ocr_skipped == 1 ? "" : "s",
                 ix->opts.extract.ocr_page_timeout ? ix->opts.extract.ocr_page_timeout : 20);
        report(w, WS_INDEX_EV_WARNING, f->path, msg, 0, 0);
    }
    const char *langs = ix->opts.extract.ocr_languages;
    if (ix->ocr_checked || !langs || !strchr(langs, '+'))
        return;
    ix->ocr_checked = 1;
    char *missing = NULL;
    if (ws_ocr_missing_languages(langs, &missing, NULL) == WS_OK && missing) {
        char pkgs[384] = "";
        size_t pl = 0;
        for (const char *m = missing; *m && pl < sizeof pkgs;) {
            size_t n = strcspn(m, "+");
            pl += (size_t)snprintf(pkgs + pl, sizeof pkgs - pl, "%stesseract-ocr-%.*s",
                                   pl ? " " : "", (int)n, m);
            m += n + (m[n] == '+');
        }
        char msg[1024];
        snprintf(msg, sizeof msg,
                 "OCR: no Tesseract language data for '%s' (install %s); "
                 "recognising with the other languages of '%s'",
                 missing, pkgs, langs);
        report(w, WS_INDEX_EV_WARNING, NULL, msg, 0, 0);
    }
    free(missing);
}

/* Write the extracted record of a changed file (x is consumed).
 * Only index write errors are returned. */
int ws_ix_write_file(ws_index *ix, walk_ctx *w, const file_entry *f, uint32_t docid,
                     ws_extracted *x, ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, idterm);
    ws_error xerr;
    ws_error_clear(&xerr);
    if (x->converted)
        report(w, WS_INDEX_EV_WARNING, f->path, "not UTF-8: read as Windows-1252/Latin-1", 0, 0);
    if (x->note)
        report(w, WS_INDEX_EV_WARNING, f->path, x->note, 0, 0);
    if (x->truncated) {
        /* Quietly losing a document's tail was issue 16: say what was kept. */
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%lld bytes: text longer than the %zu MiB limit, only its first %zu bytes are "
                 "searchable",
                 (long long)f->st.st_size, ix->opts.extract.max_text >> 20, x->text_len);
        report(w, WS_INDEX_EV_WARNING, f->path, msg, 0, 0);
    }
    if (x->ocr_pages || x->ocr_skipped)
        ocr_used(ix, w, f, x);
    ws_xdoc *doc = NULL;
    int rc = build_document(ix, f, x, &doc, &xerr);
    size_t bytes = x->text_len;
    ws_extracted_free(x);
    if (rc == WS_ENOMEM || rc == WS_EINTERNAL) {
        report(w, WS_INDEX_EV_FAILED, f->path, xerr.msg, 0, 0);
        w->stats->failed++;
        return WS_OK;
    }
    if (rc != WS_OK)
        return ws_error_set(err, rc, "%s", xerr.msg);
    rc = ws_xdb_replace_by_term(ix->db, idterm, doc, NULL, err);
    ws_xdoc_free(doc);
    if (rc != WS_OK)
        return rc;
    if (docid)
        w->stats->updated++;
    else
        w->stats->added++;
    ix->pending_docs++;
    ix->pending_bytes += bytes;
    return WS_OK;
}

int ws_index_update(ws_index *ix, const char *const *roots, size_t nroots,
                    ws_index_report_fn reportfn, void *ctx, ws_index_stats *stats, ws_error *err)
{
    ws_index_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!ix || !ix->db || (!roots && nroots))
        return ws_error_set(err, WS_EINVAL, "ws_index_update: invalid argument");
    ws_pool *pool = NULL; /* started when the first changed file is found */
    int rc = WS_OK;
    /* The index, by design never indexed when it lies inside an indexed
     * folder: its folder (an index of earlier versions), or its stub file
     * and the generations beside it (INDEX.gen, see layout.h). */
    char index_real[PATH_MAX], gen_real[PATH_MAX + 8];
    int have_index = realpath(ix->path, index_real) != NULL;
    int have_gen = have_index &&
                   snprintf(gen_real, sizeof gen_real, "%s.gen", index_real) < (int)sizeof gen_real;
    const char *missing = NULL; /* a root that does not exist and never had documents */
    for (size_t r = 0; r < nroots && rc == WS_OK; r++) {
        char real[PATH_MAX];
        walk_ctx w = {ix,
                      {0},
                      reportfn,
                      ctx,
                      stats,
                      real,
                      have_index ? index_real : NULL,
                      have_gen ? gen_real : NULL};
        if (!realpath(roots[r], real)) {
            int e = errno, pruned = 0;
            if (e == ENOENT || e == ENOTDIR) {
                rc = ws_ix_prune_gone_root(ix, &w, roots[r], &pruned, err);
                if (rc == WS_OK && !pruned && !missing)
                    missing = roots[r];
            } else {
                rc = ws_error_set(err, WS_ENOTFOUND, "%s: %s", roots[r], strerror(e));
            }
            continue;
        }
        struct stat st;
        int root_is_dir = stat(real, &st) == 0 && S_ISDIR(st.st_mode);
        rc = ws_ix_walk(&w, real, err);
        if (rc == WS_OK)
            ws_ix_narrow_mode(ix, &w);
        if (rc == WS_OK) {
            stats->files += w.files.n;
            report(&w, WS_INDEX_EV_SCAN_DONE, real, NULL, 0, w.files.n);
        }
        if (rc == WS_OK)
            rc = ws_ix_run_files(ix, &w, &pool, err);
        if (rc == WS_OK)
            rc = ws_ix_remove_vanished(ix, &w, real, root_is_dir, err);
        /* Roots share commits (the watcher names many single files): a
         * batch is committed when full, the rest once below. */
        if (rc == WS_OK)
            rc = ws_ix_maybe_commit(ix, &w, 0, w.files.n, w.files.n, err);
        ws_ix_files_free(&w.files);
    }
    ws_pool_free(pool);
    if (rc == WS_OK) {
        walk_ctx w = {ix, {0}, reportfn, ctx, stats, NULL, NULL, NULL};
        rc = ws_ix_maybe_commit(ix, &w, 1, stats->files, stats->files, err);
    }
    if (rc == WS_OK)
        rc = ws_xdb_doccount(ix->db, &stats->doccount, err);
    if (rc == WS_OK && missing) {
        /* the other roots are indexed and committed; this one is a typo */
        rc = ws_error_set(err, WS_ENOTFOUND, "%s: %s", missing, strerror(ENOENT));
    }
    if (rc != WS_OK)
        ix->failed = 1;
    return rc;
}
