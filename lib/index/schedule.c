/*
 * schedule.c - one walk's files through the worker pool, written in order.
 *
 * The walk's list is followed by two cursors: one that checks signatures
 * and hands changed files to idle workers up to a window ahead (bounded in
 * files and in extracted text waiting), and one that writes finished
 * documents strictly in walk order, so document ids and reports do not
 * depend on which worker was faster.  What waits in the window is ready
 * documents (docmsg.h), analysed in the workers; the writer only writes.  The pool starts on the
 * first changed file, so a run where nothing changed forks nothing.  Also here: the database
 * folder's permissions narrowed to those of the files it holds.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index_int.h"

/* ---- the run ------------------------------------------------------------ */

/* Where a file of the walk stands. */
enum { F_TODO = 0, F_UNCHANGED, F_RUNNING, F_DONE };

typedef struct slot {
    int state;
    uint32_t docid;
    ws_docmsg *x; /* F_DONE: the ready documents, or NULL with msg */
    char *msg;
} slot;

/* In a worker: the file's ready documents, from the index handle the
 * worker inherited (its analyzer and word list). */
static int build_msg(void *ctx, const char *path, const ws_extracted *x, char **out, size_t *len,
                     ws_error *err)
{
    ws_index *ix = ctx;
    ix->build.an = ix->an;
    ix->build.dict = ix->dict;
    return ws_docbuild_file(&ix->build, path, x, out, len, err);
}

/* The second writer's thread is held between jobs while a worker forks. */
static void around_fork(void *ctx, int before)
{
    ws_index *ix = ctx;
    ws_side_pause(ix->side_running ? ix->side : NULL, before);
}

static int start_pool(ws_index *ix, ws_pool **pool, ws_error *err)
{
    ws_pool_options po;
    memset(&po, 0, sizeof po);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    po.jobs = ix->opts.jobs ? ix->opts.jobs : cpus > 0 ? (unsigned)cpus : 1;
    if (po.jobs > 256)
        po.jobs = 256;
    po.timeout = ix->opts.timeout ? ix->opts.timeout : 60;
    po.cpu_limit = ix->opts.cpu_limit ? ix->opts.cpu_limit : 60;
    po.mem_limit = ix->opts.mem_limit ? ix->opts.mem_limit : (size_t)2 << 30;
    po.extract = ix->opts.extract;
    po.hook = ix->opts.worker_hook;
    po.build = build_msg;
    po.build_ctx = ix;
    po.around_fork = around_fork;
    return ws_pool_new(pool, &po, err);
}

#define WINDOW_FILES 1024
#define WINDOW_BYTES ((size_t)64 << 20)

/* Take one finished file from the pool into its slot. */
static int collect_one(ws_pool *pool, slot *sl, size_t *buffered, ws_error *err)
{
    size_t tag = 0;
    ws_docmsg *x = NULL;
    ws_error xerr;
    int rc = ws_pool_wait(pool, &tag, &x, &xerr, err);
    if (rc != WS_OK)
        return rc;
    sl[tag].state = F_DONE;
    sl[tag].x = x;
    if (x)
        *buffered += x->len;
    if (!x && !(sl[tag].msg = strdup(xerr.msg[0] ? xerr.msg : "extraction failed")))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    return WS_OK;
}

/* Index the files of one walk: signatures checked ahead, extraction in the
 * pool, writing in order. */
int ws_ix_run_files(ws_index *ix, walk_ctx *w, ws_pool **pool, ws_error *err)
{
    size_t n = w->files.n;
    if (!n)
        return WS_OK;
    slot *sl = calloc(n, sizeof *sl);
    if (!sl)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    size_t ahead = 0, next = 0; /* next file to check / to write */
    size_t buffered = 0;        /* text of finished files not yet written */
    int rc = WS_OK;
    while (rc == WS_OK && next < n) {
        /* Keep the workers busy up to a window ahead of the writer: far
         * enough that a slow file (a 1 000-page PDF) is started long before
         * the writer needs it, bounded in files and in text waiting. */
        while (rc == WS_OK && ahead < n && ahead - next < WINDOW_FILES && buffered < WINDOW_BYTES) {
            int changed = 0;
            rc = ws_ix_file_changed(ix, &w->files.v[ahead], &sl[ahead].docid, &changed, err);
            if (rc != WS_OK)
                break;
            if (!changed) {
                sl[ahead++].state = F_UNCHANGED;
                continue;
            }
            if (!*pool && (rc = start_pool(ix, pool, err)) != WS_OK)
                break;
            if (!ws_pool_can_submit(*pool))
                break;
            rc = ws_pool_submit(*pool, ahead, w->files.v[ahead].type, w->files.v[ahead].path, err);
            if (rc == WS_OK)
                sl[ahead++].state = F_RUNNING;
        }
        if (rc != WS_OK)
            break;
        slot *s = &sl[next];
        if (s->state == F_RUNNING) {
            rc = collect_one(*pool, sl, &buffered, err);
            continue;
        }
        const file_entry *f = &w->files.v[next];
        if (s->state == F_UNCHANGED) {
            w->stats->unchanged++;
        } else if (s->x) {
            buffered -= s->x->len;
            rc = ws_ix_write_file(ix, w, f, s->docid, s->x, err);
            s->x = NULL;
        } else {
            /* Extractor messages start with the path the event names. */
            const char *m = s->msg;
            size_t pl = strlen(f->path);
            if (!strncmp(m, f->path, pl) && m[pl] == ':' && m[pl + 1] == ' ')
                m += pl + 2;
            report(w, WS_INDEX_EV_FAILED, f->path, m, 0, 0);
            w->stats->failed++;
        }
        if (s->state != F_UNCHANGED)
            w->bytes += (uint64_t)f->st.st_size;
        free(s->msg);
        s->msg = NULL;
        next++;
        if (rc == WS_OK)
            report(w, WS_INDEX_EV_FILE, f->path, NULL, next, n);
        if (rc == WS_OK)
            rc = ws_ix_maybe_commit(ix, w, 0, next, n, err);
    }
    /* On an index error, drop what is still out: the pool is killed. */
    for (size_t i = 0; i < n; i++) {
        ws_docmsg_free(sl[i].x);
        free(sl[i].msg);
    }
    if (rc != WS_OK && *pool) {
        ws_pool_free(*pool);
        *pool = NULL;
    }
    free(sl);
    return rc;
}

/*
 * The index holds the text of every file it read, so it must not be more
 * readable than the most private of them: a file that others (or the
 * group) may not read takes those permissions off the database folder
 * before its text is written (a mode-000 file indexed as root must not end
 * up in a world-readable index).  Permissions are only ever narrowed; a
 * --rebuild starts again from the umask.
 */
void ws_ix_narrow_mode(ws_index *ix, walk_ctx *w)
{
    mode_t strip = 0;
    const char *why = NULL;
    for (size_t i = 0; i < w->files.n; i++) {
        mode_t m = w->files.v[i].st.st_mode;
        mode_t s = (m & S_IROTH ? 0 : (mode_t)S_IRWXO) | (m & S_IRGRP ? 0 : (mode_t)S_IRWXG);
        if (s & ~strip) {
            strip |= s;
            why = w->files.v[i].path;
        }
    }
    struct stat st;
    if (!strip || !ix->dbdir || stat(ix->dbdir, &st) != 0 || !(st.st_mode & strip))
        return;
    mode_t mode = st.st_mode & 07777 & ~strip;
    if (ix->side_dir) /* the second writer's folder holds their text too */
        (void)chmod(ix->side_dir, mode);
    if (chmod(ix->dbdir, mode) == 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "not readable by %s: the index folder %s is now mode %04o like it",
                 strip & S_IRWXG ? "group and others" : "others", ix->dbdir, (unsigned)mode);
        report(w, WS_INDEX_EV_WARNING, why, msg, 0, 0);
    }
}
