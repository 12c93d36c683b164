/*
 * watch.c - `wsearch index --watch FOLDER...`: keep the index in line with
 * folders while they change.
 *
 * inotify (the Linux API, no extra library) watches every folder below the
 * roots; a new subfolder is added as it appears, and each root's parent is
 * watched too, so a root that is removed and comes back is picked up.
 * Events only name paths: what changed is decided by the library's usual
 * update (ws_index_update on those paths), which compares signatures,
 * extracts in its worker processes, removes documents of paths that are
 * gone and commits.  So the watcher adds no second notion of "changed",
 * and a lost event costs at most latency: IN_Q_OVERFLOW, or more paths
 * than are worth naming one by one, becomes a walk of all roots, which
 * skips unchanged files cheaply.
 *
 * Debouncing: a batch is written once no event came for QUIET_MS, or
 * MAX_WAIT_MS after its first event, whichever is first, so an editor's
 * burst of writes is one update and a steady stream still shows up within
 * about a second.  SIGTERM and SIGINT are blocked except inside ppoll(), so
 * a signal never interrupts a batch: the watcher finishes and commits it,
 * then returns.
 *
 * Sharing the index: the watcher holds Xapian's write lock only while it
 * writes a batch (ws_index_reacquire ... ws_index_release), so a
 * `--rebuild` or a plain `wsearch index` runs next to it.  While another
 * process holds the lock the batch stays pending (events keep coming in;
 * too many become a walk) and is tried again after a growing pause, at
 * most LOCK_MAX_MS, with one line to say so.  After a rebuild, reacquiring
 * opens the generation that is live by then, so what changed during the
 * rebuild is written into the new index: the batch names every path that
 * changed since the rebuild took the lock, and the update compares each
 * file with what the new index has (the rebuild's walk may already have
 * read it).  Nothing the watcher wrote before is lost either: it was on
 * disk before the rebuild's walk began.
 */
#define _GNU_SOURCE /* ppoll */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define QUIET_MS    300
#define MAX_WAIT_MS 1000
#define RETRY_MS    2000 /* look again for roots that are not there */
#define MAX_NAMED   32   /* more pending paths than this: walk the roots */
#define MAX_DEPTH   64
#define LOCK_MIN_MS 100  /* first pause when another process writes */
#define LOCK_MAX_MS 2000 /* the pause grows to this, and stays there */
#define TREE_MASK                                                                                  \
    (IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM |              \
     IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
/* A root's parent: its coming and going, and its changes when it is a file */
#define PARENT_MASK                                                                                \
    (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB |            \
     IN_ONLYDIR | IN_MASK_ADD)

typedef struct wdir {
    int wd;
    char *path;
} wdir;

typedef struct root {
    char *path;    /* absolute */
    int parent_wd; /* watch on the folder holding it, or -1 */
} root;

typedef struct watcher {
    int fd;
    wdir *dirs;
    size_t ndirs, capdirs;
    root *roots;
    size_t nroots;
    char **pending;
    size_t npending, cappending;
    int overflow; /* the kernel dropped events: walk everything */
    int limit_warned;
    double first, last; /* times of the batch's first and last event */
    double retry_at;    /* the index is locked: try the batch again then */
    long backoff;       /* the current pause, in ms (0: not waiting) */
} watcher;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (p) {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

static void pend(watcher *w, const char *path)
{
    for (size_t i = 0; i < w->npending; i++)
        if (!strcmp(w->pending[i], path))
            goto stamp;
    if (w->npending > MAX_NAMED) { /* a walk of the roots will cover it */
        w->overflow = 1;
        goto stamp;
    }
    if (w->npending == w->cappending) {
        size_t cap = w->cappending ? w->cappending * 2 : 16;
        char **v = realloc(w->pending, cap * sizeof *v);
        if (!v) {
            w->overflow = 1;
            goto stamp;
        }
        w->pending = v;
        w->cappending = cap;
    }
    if (!(w->pending[w->npending] = strdup(path)))
        w->overflow = 1;
    else
        w->npending++;
stamp:
    w->last = now_ms();
    if (!w->first)
        w->first = w->last;
}

static wdir *find_wd(watcher *w, int wd)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

static int dir_watched(watcher *w, const char *path)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (!strcmp(w->dirs[i].path, path))
            return 1;
    return 0;
}

static void drop_dir(watcher *w, size_t i)
{
    free(w->dirs[i].path);
    w->dirs[i] = w->dirs[--w->ndirs];
}

/* Forget the watches at and below path (a folder moved away: its events
 * would otherwise be reported under the old name). */
static void forget_tree(watcher *w, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < w->ndirs;) {
        const char *p = w->dirs[i].path;
        if (!strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/')) {
            inotify_rm_watch(w->fd, w->dirs[i].wd);
            drop_dir(w, i);
        } else {
            i++;
        }
    }
}

/* Watch path and every folder below it (not hidden ones, not through
 * links: the indexer does not follow those either). */
static void add_tree(watcher *w, const char *path, unsigned depth)
{
    struct stat st;
    if (depth > MAX_DEPTH || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    int wd = inotify_add_watch(w->fd, path, TREE_MASK);
    if (wd < 0) {
        if (errno == ENOSPC && !w->limit_warned) {
            cli_error("warning: %s: no more inotify watches (raise "
                      "fs.inotify.max_user_watches); changes below it are seen only on restart",
                      path);
            w->limit_warned = 1;
        }
        return;
    }
    wdir *d = find_wd(w, wd);
    if (d) {
        char *p = strdup(path);
        if (p) {
            free(d->path);
            d->path = p;
        }
    } else {
        if (w->ndirs == w->capdirs) {
            size_t cap = w->capdirs ? w->capdirs * 2 : 64;
            wdir *v = realloc(w->dirs, cap * sizeof *v);
            if (!v)
                return;
            w->dirs = v;
            w->capdirs = cap;
        }
        char *p = strdup(path);
        if (!p)
            return;
        w->dirs[w->ndirs].wd = wd;
        w->dirs[w->ndirs].path = p;
        w->ndirs++;
    }
    DIR *dir = opendir(path);
    if (!dir)
        return;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
            continue;
        char *sub = join_path(path, e->d_name);
        if (sub)
            add_tree(w, sub, depth + 1);
        free(sub);
    }
    closedir(dir);
}

/* Watch a root and the folder it lives in (for its return). */
static void watch_root(watcher *w, root *r)
{
    if (r->parent_wd < 0) {
        char *parent = strdup(r->path);
        char *slash = parent ? strrchr(parent, '/') : NULL;
        if (slash) {
            if (slash == parent)
                slash[1] = '\0';
            else
                *slash = '\0';
            r->parent_wd = inotify_add_watch(w->fd, parent, PARENT_MASK);
        }
        free(parent);
    }
    add_tree(w, r->path, 0);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static root *root_at(watcher *w, const char *path)
{
    for (size_t i = 0; i < w->nroots; i++)
        if (!strcmp(w->roots[i].path, path))
            return &w->roots[i];
    return NULL;
}

static void handle(watcher *w, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        w->overflow = 1;
        pend(w, w->roots[0].path);
        return;
    }
    /* A root's parent: only the root's own name matters there. */
    for (size_t i = 0; i < w->nroots; i++) {
        root *r = &w->roots[i];
        if (ev->wd != r->parent_wd || !ev->len || strcmp(ev->name, base_name(r->path)) != 0)
            continue;
        if (ev->mask & (IN_CREATE | IN_MOVED_TO))
            add_tree(w, r->path, 0);
        else if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
            forget_tree(w, r->path);
        pend(w, r->path);
    }
    wdir *d = find_wd(w, ev->wd);
    if (!d)
        return;
    if (ev->mask & IN_IGNORED) {
        drop_dir(w, (size_t)(d - w->dirs));
        return;
    }
    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (root_at(w, d->path))
            pend(w, d->path); /* a root went: its documents go too */
        return;
    }
    if (!ev->len || ev->name[0] == '.') /* editors' .swp and the like */
        return;
    char *path = join_path(d->path, ev->name);
    if (!path) {
        w->overflow = 1;
        return;
    }
    if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO))
            add_tree(w, path, 0);
        else if (ev->mask & IN_MOVED_FROM)
            forget_tree(w, path);
    }
    pend(w, path);
    free(path);
}

/* The update's reports, minus "no longer exists" for paths that are gone:
 * the library warns because a vanished command-line root is news, but to
 * the watcher a deleted file is the ordinary case. */
typedef struct relay {
    ws_index_report_fn fn;
    void *ctx;
} relay;

static void relay_event(void *vctx, const ws_index_event *ev)
{
    const relay *r = vctx;
    if (ev->kind == WS_INDEX_EV_WARNING && ev->message &&
        !strncmp(ev->message, "no longer exists", 16))
        return;
    if (r->fn)
        r->fn(r->ctx, ev);
}

/* Take the write lock for a batch.  WS_ELOCKED: another process writes;
 * the batch waits (retry_at), the pause doubling up to LOCK_MAX_MS. */
static int take_lock(watcher *w, ws_index *ix)
{
    ws_error err;
    ws_error_clear(&err);
    int rc = ws_index_reacquire(ix, &err);
    if (rc == WS_ELOCKED) {
        if (!w->backoff) {
            w->backoff = LOCK_MIN_MS;
            /* even with -q: an operator wants to see why changes lag */
            printf("index locked by another writer (a rebuild?): changes wait\n");
            fflush(stdout);
        } else if ((w->backoff *= 2) > LOCK_MAX_MS) {
            w->backoff = LOCK_MAX_MS;
        }
        w->retry_at = now_ms() + (double)w->backoff;
        return rc;
    }
    if (rc != WS_OK) {
        cli_error("%s", err.msg);
        return rc;
    }
    if (w->backoff) {
        printf("index writable again: writing the changes that waited\n");
        fflush(stdout);
    }
    w->backoff = 0;
    w->retry_at = 0;
    return WS_OK;
}

/* Write the batch: the named paths, or every root.  WS_ELOCKED leaves it
 * pending for a later try. */
static int flush(watcher *w, ws_index *ix, ws_index_report_fn report, void *ctx, int quiet)
{
    int lrc = take_lock(w, ix);
    if (lrc != WS_OK)
        return lrc;
    const char **paths = NULL;
    size_t n = 0;
    int all = w->overflow;
    if (all) {
        paths = calloc(w->nroots, sizeof *paths);
        for (size_t i = 0; paths && i < w->nroots; i++) {
            paths[n++] = w->roots[i].path;
            watch_root(w, &w->roots[i]); /* watches lost with the events */
        }
    } else {
        paths = calloc(w->npending + 1, sizeof *paths);
        for (size_t i = 0; paths && i < w->npending; i++)
            paths[n++] = w->pending[i];
    }
    int rc = WS_OK;
    if (!paths) {
        cli_error("out of memory");
        rc = WS_ENOMEM;
    } else {
        ws_index_stats st;
        ws_error err;
        ws_error_clear(&err);
        relay rl = {report, ctx};
        rc = ws_index_update(ix, paths, n, relay_event, &rl, &st, &err);
        /* A path that came and went before we looked is no error here. */
        if (rc == WS_ENOTFOUND)
            rc = WS_OK;
        if (rc == WS_OK && (rc = ws_index_release(ix, &err)) != WS_OK)
            cli_error("%s", err.msg);
        else if (rc != WS_OK)
            cli_error("%s", err.msg);
        else if (!quiet && st.added + st.updated + st.removed + st.failed)
            printf("%s: %lu added, %lu updated, %lu removed, %lu failed (%u documents)\n",
                   all ? "rescan" : "changes", st.added, st.updated, st.removed, st.failed,
                   st.doccount);
        fflush(stdout);
    }
    free(paths);
    for (size_t i = 0; i < w->npending; i++)
        free(w->pending[i]);
    w->npending = 0;
    w->overflow = 0;
    w->first = w->last = 0;
    return rc;
}

static char *absolute_path(const char *p)
{
    char real[PATH_MAX], cwd[PATH_MAX];
    if (realpath(p, real))
        return strdup(real);
    if (p[0] == '/')
        return strdup(p);
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    char *a = join_path(cwd, p);
    size_t n = a ? strlen(a) : 0;
    while (n > 1 && a[n - 1] == '/')
        a[--n] = '\0';
    return a;
}

/* Every root as an absolute path; 0, or -1 when out of memory. */
static int init_roots(watcher *w, const char *const *paths, size_t n)
{
    w->roots = calloc(n, sizeof *w->roots);
    for (size_t i = 0; w->roots && i < n; i++) {
        w->roots[w->nroots].parent_wd = -1;
        if ((w->roots[w->nroots].path = absolute_path(paths[i])))
            w->nroots++;
    }
    return !w->roots || w->nroots != n ? -1 : 0;
}

/* SIGTERM and SIGINT blocked but for ppoll (wait_mask), so a batch is never cut. */
static void block_signals(sigset_t *orig, sigset_t *wait_mask)
{
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, orig);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    *wait_mask = *orig;
    sigdelset(wait_mask, SIGTERM);
    sigdelset(wait_mask, SIGINT);
}

/* Drain the inotify descriptor (non-blocking) into the batch. */
static void read_events(watcher *w)
{
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t len;
    while ((len = read(w->fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            handle(w, ev);
            p += sizeof *ev + ev->len;
        }
    }
}

/* Roots (or their parents) that were missing may be back. */
static void recheck_roots(watcher *w)
{
    for (size_t i = 0; i < w->nroots; i++) {
        root *r = &w->roots[i];
        if (r->parent_wd >= 0 && dir_watched(w, r->path))
            continue;
        size_t before = w->ndirs;
        watch_root(w, r);
        if (w->ndirs > before)
            pend(w, r->path);
    }
}

/* Events into batches until a signal; EXIT_HITS, or EXIT_ERROR. */
static int watch_loop(watcher *w, ws_index *ix, ws_index_report_fn report, void *ctx, int quiet,
                      const sigset_t *wait_mask)
{
    double next_retry = now_ms() + RETRY_MS;
    while (!stop_signal) {
        double t = now_ms();
        long timeout = (long)(next_retry - t);
        if (w->npending || w->overflow) {
            double due = w->last + QUIET_MS;
            if (w->first + MAX_WAIT_MS < due)
                due = w->first + MAX_WAIT_MS;
            if (w->retry_at > due)
                due = w->retry_at;
            timeout = (long)(due - t);
            if (timeout <= 0) {
                int frc = flush(w, ix, report, ctx, quiet);
                if (frc != WS_OK && frc != WS_ELOCKED)
                    return EXIT_ERROR;
                continue;
            }
        }
        if (timeout < 0)
            timeout = 0;
        struct timespec ts = {timeout / 1000, (timeout % 1000) * 1000000L};
        struct pollfd pfd = {w->fd, POLLIN, 0};
        int pr = ppoll(&pfd, 1, &ts, wait_mask);
        if (pr < 0 && errno != EINTR) {
            cli_error("--watch: poll: %s", strerror(errno));
            return EXIT_ERROR;
        }
        if (pr > 0)
            read_events(w);
        if (now_ms() >= next_retry) {
            recheck_roots(w);
            next_retry = now_ms() + RETRY_MS;
        }
    }
    return EXIT_HITS;
}

static void free_watcher(watcher *w)
{
    for (size_t i = 0; i < w->ndirs; i++)
        free(w->dirs[i].path);
    free(w->dirs);
    for (size_t i = 0; i < w->nroots; i++)
        free(w->roots[i].path);
    free(w->roots);
    for (size_t i = 0; i < w->npending; i++)
        free(w->pending[i]);
    free(w->pending);
    close(w->fd);
}

int cli_watch(ws_index *ix, const char *const *paths, size_t n, ws_index_report_fn report,
              void *ctx, int quiet)
{
    watcher w = {0};
    w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w.fd < 0) {
        cli_error("--watch: inotify: %s", strerror(errno));
        return EXIT_ERROR;
    }
    if (init_roots(&w, paths, n) != 0) {
        cli_error("out of memory");
        free_watcher(&w);
        return EXIT_ERROR;
    }
    for (size_t i = 0; i < w.nroots; i++)
        watch_root(&w, &w.roots[i]);
    ws_error lerr;
    if (ws_index_release(ix, &lerr) != WS_OK) { /* others may write between batches */
        cli_error("%s", lerr.msg);
        free_watcher(&w);
        return EXIT_ERROR;
    }

    sigset_t orig, wait_mask;
    block_signals(&orig, &wait_mask);
    if (!quiet) {
        printf("watching %zu folder%s (%zu watched folders); stop with SIGTERM or ^C\n", w.nroots,
               w.nroots == 1 ? "" : "s", w.ndirs);
        fflush(stdout);
    }
    int rc = watch_loop(&w, ix, report, ctx, quiet, &wait_mask);
    /* What came in before the signal is written before we go, unless
     * another process holds the lock: then the walk on the next start
     * catches it (waiting here could outlast systemd's stop timeout). */
    if (rc == EXIT_HITS && (w.npending || w.overflow)) {
        w.retry_at = 0;
        int frc = flush(&w, ix, report, ctx, quiet);
        if (frc == WS_ELOCKED)
            cli_error("warning: another process is writing the index: the last changes are "
                      "left to the next start's walk");
        else if (frc != WS_OK)
            rc = EXIT_ERROR;
    }
    sigprocmask(SIG_SETMASK, &orig, NULL);
    if (!quiet && stop_signal)
        printf("stopped (%s)\n", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
    free_watcher(&w);
    return rc;
}
