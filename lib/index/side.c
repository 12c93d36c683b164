/*
 * side.c - a second writer for an index built from empty (index_int.h).
 *
 * Xapian's writer is the indexer's critical path on long documents: the
 * workers analyse on every core, but one WritableDatabase takes every
 * posting, and adding and committing documents is most of the parent's
 * time.  A WritableDatabase serves one thread, but two databases may be
 * written by two threads at once.  So a first build or a --rebuild hands
 * about half of the files (by bytes, decided in walk order, so the outcome
 * does not depend on timing) to a thread writing a database of its own
 * beside the index (DIR.side), and the end of the run merges both into
 * the index with the compaction such a build ends with anyway (index.c).
 *
 * Everything else stays with the main thread: reports, counts, spelling
 * words (written into the main database), the decision what to index.
 * The thread only turns ready documents into Xapian documents, writes
 * them and commits its batches.  A worker forked while it ran could find
 * an allocator's lock taken by it (glibc's malloc guards fork, ASan's
 * allocator does not: the child hung, also with the thread parked on its
 * condition), so the pool ends the thread before every fork and starts it
 * again after (ws_side_pause): at fork the process has one thread, as it
 * had before the second writer.  A run killed meanwhile leaves DIR.side
 * unmerged: the next run removes it, finds those files missing from the
 * index and indexes them again.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_int.h"
#include "index/layout.h"

/* Documents waiting for the thread, at most: the main thread waits beyond
 * (64 MB made the parent the largest process on short pages). */
#define SIDE_QUEUE_BYTES ((size_t)8 << 20)

typedef struct job {
    file_entry f; /* path owned */
    ws_docmsg *m;
    struct job *next;
} job;

struct ws_side {
    ws_xdb *db;
    size_t batch_bytes;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job *head, *tail;
    size_t queued; /* bytes of the messages queued */
    int done;      /* no more jobs will come */
    int pause;     /* a fork is coming: take no job */
    int rc;        /* the thread's first error, then it only drains */
    ws_error err;
    size_t pending; /* bytes written since the thread's last commit */
    uint64_t assigned;
};

static void job_free(job *j)
{
    ws_docmsg_free(j->m);
    free(j->f.path);
    free(j);
}

/* One file's parts into the side database (a file whose document
 * cannot be made ends the writer: only the main thread reports). */
static int write_job(ws_side *s, const job *j)
{
    ws_error why;
    int rc = ws_ix_write_parts(s->db, &j->f, j->m, &why, &s->err);
    if (rc == WS_OK && why.code != WS_OK)
        rc = ws_error_set(&s->err, why.code, "%s: %s", j->f.path, why.msg);
    s->pending += j->m->len + j->m->nterms * WS_IX_TERM_ENTRY_BYTES;
    if (rc == WS_OK && s->pending >= s->batch_bytes) {
        rc = ws_xdb_commit(s->db, &s->err);
        s->pending = 0;
    }
    return rc;
}

static void *run(void *arg)
{
    ws_side *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->head && !s->done && !s->pause)
            pthread_cond_wait(&s->cv, &s->mu);
        job *j = s->pause ? NULL : s->head;
        if (!j)
            break; /* done, or a fork is coming: the thread ends (ws_side_pause) */
        s->head = j->next;
        if (!s->head)
            s->tail = NULL;
        pthread_mutex_unlock(&s->mu);
        int rc = s->rc == WS_OK ? write_job(s, j) : s->rc;
        size_t len = j->m->len;
        job_free(j);
        pthread_mutex_lock(&s->mu);
        if (s->rc == WS_OK)
            s->rc = rc;
        s->queued -= len;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

int ws_side_start(ws_side **out, const char *dir, size_t batch_bytes, ws_error *err)
{
    *out = NULL;
    ws_side *s = calloc(1, sizeof *s);
    if (!s)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    s->batch_bytes = batch_bytes;
    ws_layout_discard(dir); /* what a killed run left */
    int rc = ws_xdb_open_write(&s->db, dir, WS_XDB_OVERWRITE, err);
    if (rc == WS_OK) {
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->cv, NULL);
        if (pthread_create(&s->thread, NULL, run, s) != 0)
            rc = ws_error_set(err, WS_EINTERNAL, "cannot start the second writer");
        else
            s->started = 1;
    }
    if (rc != WS_OK) {
        ws_side_free(s);
        ws_layout_discard(dir);
        return rc;
    }
    *out = s;
    return WS_OK;
}

void ws_side_pause(ws_side *s, int on)
{
    if (!s || s->done || s->pause == on)
        return;
    if (on) { /* the thread finishes its job and ends: no thread at fork */
        pthread_mutex_lock(&s->mu);
        s->pause = 1;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        if (s->started)
            pthread_join(s->thread, NULL);
        s->started = 0;
        return;
    }
    s->pause = 0; /* no thread runs: no lock needed */
    if (pthread_create(&s->thread, NULL, run, s) == 0) {
        s->started = 1;
        return;
    }
    pthread_mutex_lock(&s->mu);
    if (s->rc == WS_OK) {
        s->rc = WS_EINTERNAL;
        ws_error_set(&s->err, WS_EINTERNAL, "cannot start the second writer again");
    }
    pthread_mutex_unlock(&s->mu);
}

uint64_t ws_side_assigned(const ws_side *s)
{
    return s->assigned;
}

int ws_side_write(ws_side *s, const file_entry *f, ws_docmsg *m, ws_error *err)
{
    job *j = calloc(1, sizeof *j);
    if (j)
        j->f = *f;
    if (!j || !(j->f.path = strdup(f->path))) {
        free(j);
        ws_docmsg_free(m);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    j->m = m;
    s->assigned += m->len;
    pthread_mutex_lock(&s->mu);
    while (s->queued && s->queued + m->len > SIDE_QUEUE_BYTES && s->rc == WS_OK)
        pthread_cond_wait(&s->cv, &s->mu);
    int rc = s->rc;
    if (rc == WS_OK) {
        if (s->tail)
            s->tail->next = j;
        else
            s->head = j;
        s->tail = j;
        s->queued += m->len;
        pthread_cond_broadcast(&s->cv);
    } else if (err) {
        *err = s->err;
    }
    pthread_mutex_unlock(&s->mu);
    if (rc != WS_OK)
        job_free(j);
    return rc;
}

/* Stop the thread once its queue is written (or dropped after an error). */
static void stop(ws_side *s)
{
    if (!s->started)
        return;
    pthread_mutex_lock(&s->mu);
    s->done = 1;
    s->pause = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->started = 0;
}

int ws_side_finish(ws_side *s, ws_error *err)
{
    stop(s);
    int rc = s->rc;
    if (rc == WS_OK)
        rc = ws_xdb_commit(s->db, &s->err);
    if (rc != WS_OK && err)
        *err = s->err;
    ws_xdb_close(s->db);
    s->db = NULL;
    return rc;
}

void ws_side_free(ws_side *s)
{
    if (!s)
        return;
    int had = s->started || s->db;
    stop(s);
    while (s->head) {
        job *j = s->head;
        s->head = j->next;
        job_free(j);
    }
    ws_xdb_close(s->db);
    if (had) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
    }
    free(s);
}
