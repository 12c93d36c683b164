/*
 * pool.h - extraction in isolated worker processes (internal to the library).
 *
 * The indexer hands file paths to a pool of forked workers and gets back
 * ws_extracted records, or a one-line reason per file when extraction
 * failed, crashed, hung or hit a limit.  One Xapian writer stays in the
 * parent; the workers never touch the index.  See pool.c for the design.
 */
#ifndef WS_POOL_H
#define WS_POOL_H

#include <stddef.h>
#include <sys/types.h>

#include "wsearch/extract.h"

typedef struct ws_pool ws_pool;

typedef struct ws_pool_options {
    unsigned jobs;                  /* worker processes (>= 1) */
    unsigned timeout;               /* wall-clock seconds per file */
    unsigned cpu_limit;             /* CPU seconds per file */
    size_t mem_limit;               /* address space of a worker, bytes (0: none) */
    ws_extract_options extract;     /* limits for the extractors */
    void (*hook)(const char *path); /* called in the worker before each file */
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
 * Wait for one file to finish.  *tag says which; then either *x is the
 * record (the caller frees it) or *x is NULL and xerr holds the reason the
 * file failed ("PATH: extractor crashed (signal 11)", "PATH: timed out
 * after 30 s", or the extractor's own message).  Returns an error only when
 * nothing is being extracted or the pool itself failed.
 */
int ws_pool_wait(ws_pool *p, size_t *tag, ws_extracted **x, ws_error *xerr, ws_error *err);

/* A worker's answer (exposed for tests and the fuzzer: the parent must
 * survive anything a worker sends): the record codec's encoding (record.h)
 * followed by the run-only fields (flags, note, OCR counters).
 * ws_pool_encode: *out malloc'd.  ws_pool_decode validates everything with
 * ws_record_open plus the extractors' limits (passages joined exactly into
 * the text, max_text); WS_EFORMAT with a reason otherwise. */
int ws_pool_encode(const ws_extracted *x, char **out, size_t *len);
int ws_pool_decode(const char *buf, size_t len, ws_doctype type, size_t max_text,
                   ws_extracted **out, ws_error *err);

#endif /* WS_POOL_H */
