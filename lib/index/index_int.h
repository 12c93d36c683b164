/*
 * index_int.h - what the files of the indexing pipeline share (not public).
 *
 * ws_index_update (index.c) runs one root at a time through steps that
 * live in files of their own:
 *
 *   walk.c       the directory walk and .wsearchignore: which files there
 *                are, in sorted order, each with its stat (file_list)
 *   schedule.c   signatures checked ahead, extraction spread over the
 *                worker pool, documents written strictly in walk order
 *   index.c      one document: changed or not, built, written, committed
 *   side.c       a second writer thread for a build from empty
 *   vanished.c   documents whose file the walk no longer found, deleted
 *   thesaurus.c  synonym tables and the compound dictionary
 *
 * A walk_ctx is one root's run: the files found, where events are
 * reported and what is counted.  The ws_ix_ functions are the seams
 * between the files; each returns a WS_ status and sets err, like the
 * public API, and reports per-file trouble as events instead of failing.
 */
#ifndef WS_INDEX_INT_H
#define WS_INDEX_INT_H

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "index/docbuild.h"
#include "index/pool.h"
#include "index/spelling.h"
#include "analysis/analysis.h"
#include "wsearch/index.h"
#include "xapian/xapian.h"

typedef struct ws_side ws_side;

struct ws_index {
    ws_xdb *db;
    ws_analyzer *an;
    ws_index_options opts;
    char *path;
    unsigned pending_docs; /* changes since the last commit */
    size_t pending_bytes;  /* what they hold in the writer (see ws_ix_write_file) */
    size_t pending_terms;  /* their term entries */
    int meta_dirty;        /* metadata written but not committed */
    /* Spelling words of the batch, counted here and added at commit time
     * (spelling.h). */
    ws_spell *spell;
    ws_compounds *dict; /* word list for compound splitting, or NULL */
    /* --rebuild writes a new generation (gendir) and publishes it at close
     * (layout.h); guard holds the live index's write lock meanwhile, so no
     * other writer changes what is about to be replaced. */
    char *gendir;
    ws_xdb *guard;
    int failed;       /* an update failed: do not publish the half-built generation */
    char *dbdir;      /* the database folder written (for its mode) */
    int ocr_checked;  /* OCR languages looked up (see ocr_used) */
    int stub;         /* the live index is a generation behind a stub file */
    int fresh;        /* the database was empty when opened */
    unsigned commits; /* batches committed through this handle */
    /* A build from empty writes about half of the files through a second
     * writer (side.c) into side_dir, merged into dbdir when the update
     * ends; main_assigned: bytes of messages the main writer took. */
    ws_side *side;
    int side_running; /* its thread takes files (until side_end) */
    char *side_dir;
    uint64_t main_assigned;
    /* What a file becomes (docbuild.h); used in the worker processes,
     * which inherit it with the analyzer and word list at fork. */
    ws_docbuild build;
};

/* ---- the walk (walk.c) ------------------------------------------------ */

typedef struct file_entry {
    char *path; /* absolute, canonical folder + name */
    ws_doctype type;
    struct stat st;
} file_entry;

typedef struct file_list {
    file_entry *v;
    size_t n, cap;
} file_list;

typedef struct walk_ctx {
    ws_index *ix;
    file_list files;
    ws_index_report_fn report;
    void *rctx;
    ws_index_stats *stats;
    const char *root;  /* real path of the root being walked */
    const char *index; /* real path of the index folder or stub file, or NULL */
    const char *gen;   /* real path of its generations folder (INDEX.gen), or NULL */
    uint64_t bytes;    /* sizes of the files read (written or failed) so far */
} walk_ctx;

/* Tell whoever listens (wsearch index -v, the watcher) about an event. */
static inline void report(walk_ctx *w, ws_index_event_kind kind, const char *path, const char *msg,
                          unsigned long done, unsigned long total)
{
    if (!w->report)
        return;
    ws_index_event ev = {kind, path, msg, done, total, w->bytes};
    w->report(w->rctx, &ev);
}

static inline int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk root (a folder or a file given by name) into w->files; a missing
 * root is WS_ENOTFOUND, trouble below it is reported and counted. */
int ws_ix_walk(walk_ctx *w, const char *root, ws_error *err);
void ws_ix_files_free(file_list *l);

/* ---- one document (index.c) ------------------------------------------- */

int ws_ix_set_metadata(ws_index *ix, const char *key, const char *value, ws_error *err);
/* Does the file need (re)indexing?  *docid gets its document, if any. */
int ws_ix_file_changed(ws_index *ix, const file_entry *f, uint32_t *docid, int *changed,
                       ws_error *err);
/* Write the ready document a worker built for a changed file (m is
 * consumed); only index write errors are returned. */
int ws_ix_write_file(ws_index *ix, walk_ctx *w, const file_entry *f, uint32_t docid, ws_docmsg *m,
                     ws_error *err);
/* Bytes a written document holds in the batch besides its message: the
 * writer's posting changes per term entry (Xapian's maps), roughly. */
#define WS_IX_TERM_ENTRY_BYTES 96
/* f's parts into db: part 0 replaces every part the file had (they all
 * carry its unique id, and Xapian keeps the lowest document id for it),
 * the others are added after it.  A part that cannot be made a document
 * leaves none of the file: why->code says so, with the reason.  Returns
 * index write errors only. */
int ws_ix_write_parts(ws_xdb *db, const file_entry *f, const ws_docmsg *m, ws_error *why,
                      ws_error *err);
/* Commit when the batch is full (or force and anything is pending). */
int ws_ix_maybe_commit(ws_index *ix, walk_ctx *w, int force, unsigned long done,
                       unsigned long total, ws_error *err);

/* ---- the run (schedule.c) --------------------------------------------- */

/* Index the files of one walk; *pool is started on the first changed file
 * and kept for the next root (freed and NULL after an index error). */
int ws_ix_run_files(ws_index *ix, walk_ctx *w, ws_pool **pool, ws_error *err);
/* Take group and other permissions off the database folder that the
 * walk's files do not grant (see schedule.c). */
void ws_ix_narrow_mode(ws_index *ix, walk_ctx *w);

/* ---- the second writer (side.c) --------------------------------------- */

/* Start a writer thread on a new database at dir (what was there is
 * removed), committing every batch_bytes. */
int ws_side_start(ws_side **out, const char *dir, size_t batch_bytes, ws_error *err);
/* Queue f's documents (m consumed), waiting while the queue is full:
 * the thread's error, once it had one. */
int ws_side_write(ws_side *s, const file_entry *f, ws_docmsg *m, ws_error *err);
/* on 1: wait until the thread is between jobs and keep it there (a fork
 * is coming); on 0: let it go on.  NULL or a stopped writer: nothing. */
void ws_side_pause(ws_side *s, int on);
/* Bytes of messages queued so far. */
uint64_t ws_side_assigned(const ws_side *s);
/* Write what is queued, commit, stop the thread, close the database. */
int ws_side_finish(ws_side *s, ws_error *err);
void ws_side_free(ws_side *s); /* stops it; what is queued is dropped */

/* ---- vanished files (vanished.c) -------------------------------------- */

/* Delete documents below root whose file the walk did not find. */
int ws_ix_remove_vanished(ws_index *ix, walk_ctx *w, const char *root, int root_is_dir,
                          ws_error *err);
/* A root that no longer exists: remove its documents with a warning;
 * *pruned says whether it had any. */
int ws_ix_prune_gone_root(ws_index *ix, walk_ctx *w, const char *root, int *pruned, ws_error *err);

#endif
