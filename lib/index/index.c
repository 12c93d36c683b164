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
#include "extract/ocr.h"
#include "index/pool.h"
#include "index/record.h"
#include "index/spelling.h"
#include "index/schema.h"
#include "analysis/analysis.h"
#include "xapian/xapian.h"
#include "index/index_int.h"

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
        int rc = ws_layout_live(path, &dir, &ix->stub, err);
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
        ix->opts.batch_docs = 10000;
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
    uint32_t had = 0;
    if (rc == WS_OK)
        rc = ws_xdb_doccount(ix->db, &had, err);
    ix->fresh = had == 0;
    if (rc == WS_OK && !(ix->spell = ws_spell_new()))
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
        ws_spell_free(ix->spell);
        free(ix->path);
        free(ix);
        return rc;
    }
    *out = ix;
    return WS_OK;
}

/*
 * A first build, or a rebuild: compact it.
 * Xapian's glass tables are copy-on-write B-trees whose position and
 * posting keys begin with the term, so every batch rewrites blocks all
 * over them and the file keeps the previous revision's blocks as free
 * space; after a few commits position.glass is 2-3 times its content.
 * A single commit would avoid that but hold the whole corpus's postings
 * in the writer's memory.  So batches stay bounded by memory, and an
 * index built from empty is copied compacted (Xapian's compact, about a
 * second per 100 MB) and put in place of the folder in one rename.  Not
 * for a live generation behind a stub (readers would reopen a different
 * database under the same name) and not for incremental runs, whose
 * batches are small.  A failure keeps the uncompacted index, which is
 * whole.
 */
/* srcs[0..n) compacted into one index that takes the place of ix->dbdir
 * (one source keeps its document ids, for readers of a live index; two
 * are renumbered, the second's after the first's).  *old: the former
 * folder, to be removed once the writer has let go of it. */
static int compact_into_place(ws_index *ix, const char *const *srcs, size_t n, char **old,
                              ws_error *err)
{
    size_t len = strlen(ix->dbdir);
    char *tmp = malloc(len + 9);
    *old = NULL;
    if (!tmp)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    memcpy(tmp, ix->dbdir, len);
    memcpy(tmp + len, ".compact", 9);
    ws_layout_discard(tmp); /* what a killed run left */
    int rc = n == 1 ? ws_xdb_compact(srcs[0], tmp, err) : ws_xdb_merge(srcs, n, tmp, err);
    if (rc == WS_OK)
        rc = ws_layout_swap_dir(ix->dbdir, tmp, err); /* discards tmp on failure */
    else
        ws_layout_discard(tmp);
    if (rc == WS_OK)
        *old = tmp;
    else
        free(tmp);
    return rc;
}

static char *compact(ws_index *ix, int rc)
{
    if (rc != WS_OK || ix->failed || !ix->fresh || ix->commits < 1 || !ix->dbdir ||
        (ix->stub && !ix->gendir))
        return NULL;
    const char *src = ix->dbdir;
    char *old = NULL;
    ws_error e;
    (void)compact_into_place(ix, &src, 1, &old, &e);
    return old;
}

int ws_index_close(ws_index *ix, ws_error *err)
{
    if (!ix)
        return WS_OK;
    int rc = WS_OK;
    if (ix->pending_docs || ix->meta_dirty) {
        rc = ws_spell_flush(ix->spell, ix->db, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
        ix->commits += rc == WS_OK;
    }
    char *old = compact(ix, rc);
    ws_xdb_close(ix->db);
    if (old)
        ws_layout_discard(old);
    free(old);
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
    ws_docbuild_free(&ix->build);
    ws_analyzer_free(ix->an);
    ws_compounds_free(ix->dict);
    ws_spell_free(ix->spell);
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
        rc = ws_spell_flush(ix->spell, ix->db, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
        if (rc != WS_OK)
            return rc; /* still held: the caller may retry or close */
    }
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->pending_terms = 0;
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
    /* With a second writer the spelling words wait for the merge: whether
     * a word another file uses is in the index is known only then. */
    int rc = ix->side ? WS_OK : ws_spell_flush(ix->spell, ix->db, err);
    if (rc == WS_OK)
        rc = ws_xdb_commit(ix->db, err);
    if (rc != WS_OK)
        return rc;
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->pending_terms = 0;
    ix->meta_dirty = 0;
    ix->commits++;
    w->stats->commits++;
    report(w, WS_INDEX_EV_COMMIT, NULL, NULL, done, total);
    return WS_OK;
}

/* What value slot WS_SLOT_SIGNATURE holds for f: "mtime_s.ns:size". */
static void file_signature(const file_entry *f, char sig[64])
{
    snprintf(sig, 64, "%lld.%09ld:%lld", (long long)f->st.st_mtim.tv_sec,
             (long)f->st.st_mtim.tv_nsec, (long long)f->st.st_size);
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
    file_signature(f, sig);
    *changed = !(*docid && !strcmp(old, sig));
    free(old);
    return WS_OK;
}

/* A file was recognised: count it, and the first time in a run, warn
 * about languages asked for that Tesseract has no data for (it leaves them
 * out by itself; a missing first language fails each file instead). */
static void ocr_used(ws_index *ix, walk_ctx *w, const file_entry *f, const ws_docmsg *x)
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

/* What the worker said about the file beyond its documents. */
static void report_notes(ws_index *ix, walk_ctx *w, const file_entry *f, const ws_docmsg *m)
{
    if (m->converted)
        report(w, WS_INDEX_EV_WARNING, f->path, "not UTF-8: read as Windows-1252/Latin-1", 0, 0);
    if (m->note)
        report(w, WS_INDEX_EV_WARNING, f->path, m->note, 0, 0);
    if (m->truncated) {
        /* Quietly losing a document's tail was issue 16: say what was kept. */
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%lld bytes: text longer than the %zu MiB limit, only its first %llu bytes are "
                 "searchable",
                 (long long)f->st.st_size, ix->opts.extract.max_text >> 20,
                 (unsigned long long)m->text_len);
        report(w, WS_INDEX_EV_WARNING, f->path, msg, 0, 0);
    }
    if (m->ocr_pages || m->ocr_skipped)
        ocr_used(ix, w, f, m);
}

/* One ready document (a part of f) as a Xapian document: the worker's
 * terms, values and record, and what only the writer may say: the unique
 * id (on every part, so replacing or deleting the file takes all of
 * them), the file's key (one hit per file; facet values behind it, see
 * schema.h) and, on part 0, the head term and the signature. */
static int make_xdoc(const file_entry *f, const ws_docmsg_doc *d, const char *idterm, int head,
                     ws_xdoc **out, ws_error *err)
{
    ws_xdoc *doc = NULL;
    char sig[64], key[WS_DOC_KEY_LEN];
    file_signature(f, sig);
    ws_schema_doc_key(f->path, key);
    int rc = ws_xdoc_new(&doc, err);
    if (rc == WS_OK)
        rc = ws_xdoc_add_terms(doc, d->terms, d->nterms, err);
    for (unsigned i = 0; rc == WS_OK && i < d->nvalues; i++) {
        const ws_docmsg_value *v = &d->values[i];
        if (!ws_schema_is_facet_slot(v->slot)) {
            rc = ws_xdoc_set_value(doc, v->slot, v->data, v->len, err);
            continue;
        }
        char *fv = malloc(WS_DOC_KEY_LEN + v->len);
        if (!fv) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
            break;
        }
        memcpy(fv, key, WS_DOC_KEY_LEN);
        memcpy(fv + WS_DOC_KEY_LEN, v->data, v->len);
        rc = ws_xdoc_set_value(doc, v->slot, fv, WS_DOC_KEY_LEN + v->len, err);
        free(fv);
    }
    if (rc == WS_OK)
        rc = ws_xdoc_set_data(doc, d->data, d->data_len, err);
    if (rc == WS_OK)
        rc = ws_xdoc_add_boolean_term(doc, idterm, err);
    if (rc == WS_OK)
        rc = ws_xdoc_set_value(doc, WS_SLOT_KEY, key, WS_DOC_KEY_LEN, err);
    if (rc == WS_OK && head)
        rc = ws_xdoc_add_boolean_term(doc, WS_PFX_HEAD, err);
    if (rc == WS_OK && head)
        rc = ws_xdoc_set_value(doc, WS_SLOT_SIGNATURE, sig, strlen(sig), err);
    if (rc != WS_OK) {
        ws_xdoc_free(doc);
        doc = NULL;
    }
    *out = doc;
    return rc;
}

int ws_ix_write_parts(ws_xdb *db, const file_entry *f, const ws_docmsg *m, ws_error *why,
                      ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, idterm);
    ws_error_clear(why);
    for (size_t k = 0; k < m->ndocs; k++) {
        ws_xdoc *doc = NULL;
        int rc = make_xdoc(f, &m->docs[k], idterm, k == 0, &doc, why);
        if (rc == WS_ENOMEM || rc == WS_EINTERNAL || rc == WS_EINVAL) /* this file's trouble */
            return k ? ws_xdb_delete_by_term(db, idterm, err) : WS_OK;
        if (rc != WS_OK) { /* the index's trouble: an error, not a failed file */
            rc = ws_error_set(err, rc, "%s", why->msg);
            ws_error_clear(why);
            return rc;
        }
        ws_error_clear(why);
        rc = k == 0 ? ws_xdb_replace_by_term(db, idterm, doc, NULL, err)
                    : ws_xdb_add_document(db, doc, NULL, err);
        ws_xdoc_free(doc);
        if (rc != WS_OK)
            return rc;
    }
    return WS_OK;
}

/* A file written (or handed to the second writer): counted, and its
 * spelling words kept for the next flush. */
static void count_written(ws_index *ix, walk_ctx *w, const ws_docmsg *m, uint32_t docid)
{
    ws_spell_add(ix->spell, m);
    if (docid)
        w->stats->updated++;
    else
        w->stats->added++;
}

/* Write the ready documents of a changed file (m is consumed), here or
 * through the second writer.  Only index write errors are returned. */
int ws_ix_write_file(ws_index *ix, walk_ctx *w, const file_entry *f, uint32_t docid, ws_docmsg *m,
                     ws_error *err)
{
    report_notes(ix, w, f, m);
    if (ix->side && ws_side_assigned(ix->side) < ix->main_assigned) {
        /* the second writer's half: counted here, written there; its
         * spelling words are counted with the others (side_merge) */
        count_written(ix, w, m, docid);
        return ws_side_write(ix->side, f, m, err);
    }
    if (ix->side)
        ix->main_assigned += m->len;
    ws_error why;
    int rc = ws_ix_write_parts(ix->db, f, m, &why, err);
    if (why.code != WS_OK) {
        report(w, WS_INDEX_EV_FAILED, f->path, why.msg, 0, 0);
        w->stats->failed++;
        ws_docmsg_free(m);
        return rc;
    }
    if (rc == WS_OK) {
        count_written(ix, w, m, docid);
        ix->pending_docs++;
        ix->pending_bytes += m->len + m->nterms * WS_IX_TERM_ENTRY_BYTES;
        ix->pending_terms += m->nterms;
    }
    ws_docmsg_free(m);
    return rc;
}

/* ---- a build from empty with two writers (side.c) ------------------------ */

/* Whether this update writes through a second writer: a build from empty
 * (the index is compacted at its end anyway), of one root (a second
 * root's walk must see the first's files in the index), with workers for
 * two writers to keep busy, and not into a live generation behind a stub
 * (readers would see it change). */
static int wants_side(const ws_index *ix, size_t nroots)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = ix->opts.jobs ? ix->opts.jobs : cpus > 0 ? (unsigned)cpus : 1;
    return ix->fresh && !ix->commits && !ix->pending_docs && nroots == 1 && jobs >= 2 &&
           ix->opts.writers != 1 && ix->dbdir && !(ix->stub && !ix->gendir);
}

/* The second writer's folder: the database folder's name + ".side". */
static char *side_path(const ws_index *ix)
{
    size_t n = strlen(ix->dbdir);
    char *p = malloc(n + 6);
    if (p) {
        memcpy(p, ix->dbdir, n);
        memcpy(p + n, ".side", 6);
    }
    return p;
}

static int side_start(ws_index *ix, ws_error *err)
{
    if (!(ix->side_dir = side_path(ix)))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    ix->main_assigned = 0;
    /* each writer's batch half as large: the two hold what one did */
    int rc = ws_side_start(&ix->side, ix->side_dir, ix->opts.batch_bytes / 2, err);
    if (rc == WS_OK)
        ix->opts.batch_bytes /= 2, ix->side_running = 1;
    return rc;
}

/* The second writer's queue written and committed, the thread stopped:
 * before the main writer's last commit, so that the two do not hold
 * their last batches at the same time. */
static int side_end(ws_index *ix, int rc, ws_error *err)
{
    if (!ix->side || !ix->side_running)
        return rc;
    ws_error e;
    int src = ws_side_finish(ix->side, &e);
    ix->side_running = 0;
    if (rc == WS_OK && src != WS_OK)
        rc = ws_error_set(err, src, "%s", e.msg);
    return rc;
}

/* The second writer's database merged into the index: both committed,
 * compacted into one (the main's documents first), put in the folder's
 * place, and the writer opened again on it.  On failure the side
 * database is dropped and the run fails: its files are not in the index,
 * and the next run indexes them. */
static int side_merge(ws_index *ix, int rc, ws_error *err)
{
    if (!ix->side)
        return rc;
    rc = side_end(ix, rc, err);
    ws_side_free(ix->side);
    ix->side = NULL;
    ix->opts.batch_bytes *= 2;
    /* The run's spelling words, counted over both writers' files: in a
     * build from empty they are every use there is, so whether a word is
     * used by two files needs no look-up in either database. */
    if (rc == WS_OK)
        rc = ws_spell_flush(ix->spell, ix->db, err);
    if (rc == WS_OK)
        rc = ws_xdb_commit(ix->db, err);
    if (rc == WS_OK)
        ix->pending_docs = 0, ix->pending_bytes = 0, ix->pending_terms = 0, ix->meta_dirty = 0;
    char *tmp = NULL;
    const char *srcs[2] = {ix->dbdir, ix->side_dir};
    if (rc == WS_OK)
        rc = compact_into_place(ix, srcs, 2, &tmp, err);
    if (rc == WS_OK) {
        ws_xdb_close(ix->db); /* its folder is now tmp */
        ix->db = NULL;
        ws_layout_discard(tmp);
        rc = ws_xdb_open_write(&ix->db, ix->dbdir, WS_XDB_OPEN, err);
        ix->commits = 0; /* compacted: nothing for close to do */
        ix->fresh = 0;   /* and later updates are incremental */
    }
    free(tmp);
    ws_layout_discard(ix->side_dir);
    free(ix->side_dir);
    ix->side_dir = NULL;
    return rc;
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
    int two = wants_side(ix, nroots);
    char *left = ix->dbdir && !two ? side_path(ix) : NULL;
    struct stat st;
    if (left && stat(left, &st) == 0) /* a second writer's folder a killed build left: its */
        ws_layout_discard(left);      /* files are not in the index, this run indexes them */
    free(left);
    if (two && side_start(ix, NULL) != WS_OK) {
        /* no second writer (no room for its folder, say): one does it all */
        if (ix->side_dir)
            ws_layout_discard(ix->side_dir);
        free(ix->side_dir);
        ix->side_dir = NULL;
    }
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
                      have_gen ? gen_real : NULL,
                      0};
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
    rc = side_end(ix, rc, err);
    if (rc == WS_OK) {
        walk_ctx w = {ix, {0}, reportfn, ctx, stats, NULL, NULL, NULL, 0};
        rc = ws_ix_maybe_commit(ix, &w, 1, stats->files, stats->files, err);
    }
    rc = side_merge(ix, rc, err);
    if (rc == WS_OK)
        rc = ws_xdb_termfreq(ix->db, WS_PFX_HEAD, &stats->doccount, err); /* files */
    if (rc == WS_OK && missing) {
        /* the other roots are indexed and committed; this one is a typo */
        rc = ws_error_set(err, WS_ENOTFOUND, "%s: %s", missing, strerror(ENOENT));
    }
    if (rc != WS_OK)
        ix->failed = 1;
    return rc;
}
