/*
 * pool.h - extraction in isolated worker processes (internal to the library).
 *
 * The indexer hands file paths to a pool of forked workers and gets back
 * ready documents (docmsg.h: extracted, analysed and encoded in the
 * worker by the caller's build function), or a one-line reason per file
 * when extraction failed, crashed, hung or hit a limit.  One Xapian writer
 * stays in the parent; the workers never touch the index.  See pool.c for
 * the design.
 */
#ifndef WS_POOL_H
#define WS_POOL_H

#include <stddef.h>
#include <sys/types.h>

#include "index/docmsg.h"
#include "wsearch/extract.h"

typedef struct ws_pool ws_pool;

typedef struct ws_pool_options {
    unsigned jobs;                  /* worker processes (>= 1) */
    unsigned timeout;               /* wall-clock seconds per file */
    unsigned cpu_limit;             /* CPU seconds per file */
    size_t mem_limit;               /* address space of a worker, bytes (0: none) */
    ws_extract_options extract;     /* limits for the extractors */
    void (*hook)(const char *path); /* called in the worker before each file */
    /* In the worker: what the extracted file at path becomes, as a docmsg
     * (*out malloc'd); ctx is the parent's, as inherited at fork. */
    int (*build)(void *ctx, const char *path, const ws_extracted *x, char **out, size_t *len,
                 ws_error *err);
    void *build_ctx;
    /* In the parent, before (1) and after (0) each fork of a worker; ctx
     * is build_ctx.  May be NULL. */
    void (*around_fork)(void *ctx, int before);
} ws_pool_options;

int ws_pool_new(ws_pool **out, const ws_pool_options *o, ws_error *err);
/* Kill the workers (they are idle or their results no longer wanted). */
void ws_pool_free(ws_pool *p);

/* 1 if a worker is free to take a file. */
int ws_pool_can_submit(const ws_pool *p);
/* Give path (with the caller's tag) to a free worker, starting one if
 * needed.  Fails only if no worker process can be started. */
int ws_pool_submit(ws_pool *p, size_t tag, ws_doctype type, const char *path, ws_error *err);
/* Files handed out and not yet returned by ws_pool_wait. */
size_t ws_pool_busy(const ws_pool *p);

/*
 * Wait for one file to finish.  *tag says which; then either *m is its
 * ready documents, validated (ws_docmsg_decode; the caller frees it), or
 * *m is NULL and xerr holds the reason the file failed ("PATH: extractor
 * crashed (signal 11)", "PATH: timed out after 30 s", "PATH: invalid
 * document from the worker: ...", or the extractor's own message).
 * Returns an error only when nothing is being extracted or the pool
 * itself failed.
 */
int ws_pool_wait(ws_pool *p, size_t *tag, ws_docmsg **m, ws_error *xerr, ws_error *err);

/* An extracted record as one message (exposed for the extractors' tests
 * and the fuzzer: what survives this round trip is what a worker may
 * send): the record codec's encoding (record.h) followed by the run-only
 * fields (flags, note, OCR counters; docmsg.h's trailer).
 * ws_pool_encode: *out malloc'd.  ws_pool_decode validates everything with
 * ws_record_open plus the extractors' limits (passages joined exactly into
 * the text, max_text); WS_EFORMAT with a reason otherwise. */
int ws_pool_encode(const ws_extracted *x, char **out, size_t *len);
int ws_pool_decode(const char *buf, size_t len, ws_doctype type, size_t max_text,
                   ws_extracted **out, ws_error *err);

#endif /* WS_POOL_H */
