/*
 * wsearch/index.h - building and updating an index from folders of files.
 *
 * ws_index_update walks the given roots, extracts every supported file
 * (see wsearch/extract.h) and brings the index in line with what is on
 * disk: new files are added, changed files (size or modification time)
 * replaced, files that are gone removed, unchanged files skipped.  Changes
 * are committed in batches; Xapian commits are atomic, so an indexer killed
 * at any moment leaves the last committed state, and the next run picks up
 * where it stopped because unchanged files are recognised again.
 *
 * A file that cannot be read or extracted is reported through the callback
 * with its path and the reason; the run goes on with the others.  Every
 * other entry the walk meets and does not index is reported too (SKIPPED
 * or WARNING) and counted in stats->ignored; a root named explicitly that
 * cannot be indexed (unsupported type, not a regular file) FAILED.  Only
 * hidden names (dot-files and dot-folders, unless opts.follow_hidden) and
 * the index's own folder are passed over without a word, by design.  A file
 * that failed keeps the document from its last good version, if any.
 *
 * Isolation: files are extracted in forked worker processes (opts.jobs of
 * them) while the calling process analyses the text and writes the index,
 * so parsing and indexing overlap.  Each worker runs under a wall-clock
 * timeout and CPU and address-space limits; a worker that crashes, hangs
 * or hits a limit is killed and replaced, and its file is reported with
 * the reason ("extractor crashed (signal 11)", "timed out after 60 s").
 * Documents are still written in the order of the walk.  The caller
 * should not have SIGCHLD set to SIG_IGN (workers are reaped with
 * waitpid).
 */
#ifndef WSEARCH_INDEX_H
#define WSEARCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"
#include "wsearch/extract.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_index ws_index;

typedef struct ws_index_options {
    unsigned version;    /* WS_INDEX_OPTIONS_VERSION */
    unsigned batch_docs; /* commit after this many changed documents (10000) */
    size_t batch_bytes;  /* ... or once they hold this much of the writer's memory
                            (analysed documents and their postings; 32 MiB) */
    int rebuild;         /* 1: start from an empty index */
    int follow_hidden;   /* 1: also index dot-files and dot-folders */
    unsigned max_depth;  /* folder nesting followed below a root */
    ws_extract_options extract;
    /* Extraction runs in worker processes (see "Isolation" above); a field
     * left 0 takes its default. */
    unsigned jobs;      /* worker processes; default: the number of online CPUs */
    unsigned timeout;   /* wall-clock seconds per file before its worker is killed (60) */
    unsigned cpu_limit; /* CPU seconds per file (RLIMIT_CPU; 60) */
    size_t mem_limit;   /* address space of a worker in bytes (RLIMIT_AS; 2 GiB) */
    /* Test seam: called in the worker process before it reads each file
     * (fault injection: crash, hang, allocate).  NULL normally. */
    void (*worker_hook)(const char *path);
    /* Xapian writers of a build from empty (a first run or a rebuild of
     * one root): 0 two when there are two workers or more (the second
     * writes half of the files into a database merged at the end, see
     * docs/schema.md), 1 one. */
    unsigned writers;
} ws_index_options;

#define WS_INDEX_OPTIONS_VERSION 2 /* 2: writers */
#define WS_INDEX_OPTIONS_INIT                                                                      \
    {                                                                                              \
        WS_INDEX_OPTIONS_VERSION, 10000, (size_t)32 << 20, 0, 0, 64, WS_EXTRACT_OPTIONS_INIT, 0, 0,  \
            0, 0, NULL, 0                                                                          \
    }

typedef struct ws_index_stats {
    unsigned long files;     /* supported files found under the roots */
    unsigned long added;     /* new documents */
    unsigned long updated;   /* documents replaced because the file changed */
    unsigned long unchanged; /* files skipped as already up to date */
    unsigned long removed;   /* documents of files that are gone */
    unsigned long failed;    /* files that could not be indexed */
    unsigned long ignored;   /* entries skipped: unsupported types, special files,
                                linked folders, .wsearchignore matches, links out
                                of the root (see WS_INDEX_EV_SKIPPED) */
    unsigned long commits;
    uint32_t doccount; /* documents (files) in the index afterwards */
    /* OCR of the files indexed in this run (see wsearch/extract.h) */
    unsigned long ocr_pages;   /* pages recognised */
    unsigned long ocr_skipped; /* pages over ocr_page_timeout, left out */
    double ocr_seconds;        /* worker time spent on them */
} ws_index_stats;

typedef enum ws_index_event_kind {
    WS_INDEX_EV_SCAN_DONE, /* the walk is over: total is known */
    WS_INDEX_EV_FILE,      /* one file handled (done of total) */
    WS_INDEX_EV_FAILED,    /* path failed: message says why */
    WS_INDEX_EV_WARNING,   /* path had a problem that did not stop it */
    WS_INDEX_EV_REMOVED,   /* the document of a vanished file was removed */
    WS_INDEX_EV_COMMIT,    /* a batch was committed */
    WS_INDEX_EV_SKIPPED    /* path not indexed by design: message says why
                              ("unsupported file type (.doc)") */
} ws_index_event_kind;

typedef struct ws_index_event {
    ws_index_event_kind kind;
    const char *path;    /* the file concerned, or NULL */
    const char *message; /* reason for FAILED/WARNING, else NULL */
    unsigned long done;  /* files handled so far */
    unsigned long total; /* files to handle */
    uint64_t bytes;      /* FILE: bytes of the files read so far in this walk (throughput) */
} ws_index_event;

/* Progress and problems.  Strings are valid only during the call. */
typedef void (*ws_index_report_fn)(void *ctx, const ws_index_event *ev);

/*
 * Open (creating if needed) the index at path for writing.  opts may be
 * NULL for the defaults, else start from WS_INDEX_OPTIONS_INIT (another
 * version, or another opts->extract.version, is WS_EINVAL); it is copied,
 * and its strings must outlive the handle.  Fails with WS_ELOCKED when another process is
 * writing, and with WS_EVERSION when the index was built with a different
 * analysis or schema (unless opts->rebuild).  Free with ws_index_close.
 */
int ws_index_open(ws_index **out, const char *path, const ws_index_options *opts, ws_error *err);

/*
 * Bring the index in line with the files below roots[0..nroots).  A root
 * may be a folder or a single file.  stats (may be NULL) receives the
 * counts; report (may be NULL) hears about progress and failures.  Returns
 * WS_OK when the run completed, even if some files failed (see
 * stats->failed); an error only when the index itself could not be
 * written or a root does not exist.
 */
int ws_index_update(ws_index *ix, const char *const *roots, size_t nroots,
                    ws_index_report_fn report, void *ctx, ws_index_stats *stats, ws_error *err);

/*
 * Load the thesaurus at path (see config/synonyms.txt: one group of words
 * that mean the same per line, comma-separated, '#' comments) into the
 * index's synonym table, replacing
 * what an earlier thesaurus put there, unless it is unchanged since the
 * last load (its checksum is kept in the metadata).  Each group's words
 * are analysed like any word and linked by their stems, so "Geflüchteten"
 * in a query also finds "Schutzsuchende".  A member of several words
 * (Bundesamt für Migration und Flüchtlinge) is linked as a phrase to the
 * others (BAMF) for the query rewriter.  *changed (may be NULL) says
 * whether the table was rewritten.  WS_EFORMAT names a bad line.
 */
int ws_index_load_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err);

/*
 * The same for a broad general thesaurus in OpenThesaurus's text format
 * (Debian's openthesaurus-de-text: /usr/share/openthesaurus-de/
 * openthesaurus.txt; one group per line, ';'-separated, notes in
 * parentheses).  Its one-word members (groups of at most 12) are stored
 * apart from the domain thesaurus, and searches widen each word by them at
 * a lower weight (see docs/schema.md).  path NULL removes them again.
 */
int ws_index_load_broad_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err);

/*
 * Split closed compounds with the word list at path (one word per line,
 * e.g. Debian's wngerman: /usr/share/dict/ngerman): the parts of
 * Kommunalverwaltung are indexed too, so Verwaltung finds it, with less
 * weight than the whole word.  Applies to documents indexed from now on;
 * WS_ENOTFOUND when there is no such file.
 */
int ws_index_set_dictionary(ws_index *ix, const char *path, ws_error *err);

/*
 * Share the index with other writers (the watcher between batches, so a
 * --rebuild or a plain update can run meanwhile).  ws_index_release
 * commits what is pending and gives up the write lock; the handle keeps
 * its settings but may only be reacquired or closed.  ws_index_reacquire
 * takes the lock again on the generation that is live now (a rebuild may
 * have replaced it): WS_ELOCKED while another process writes, to be tried
 * again later.  Not for a rebuild's handle (WS_EINVAL).
 */
int ws_index_release(ws_index *ix, ws_error *err);
int ws_index_reacquire(ws_index *ix, ws_error *err);

/* Commit what is pending and close.  Returns the commit's status; the
 * handle is freed either way.  NULL is allowed.  With opts->rebuild the
 * new index was built beside the live one and replaces it only here, in
 * one atomic step (unless an update or the dictionary failed: then the
 * live index stays as it was); readers switch on their next reopen. */
int ws_index_close(ws_index *ix, ws_error *err);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_INDEX_H */
