/*
 * pool.c - a pool of forked extraction workers, as Omega isolates its
 * filters: a parser that crashes, hangs or eats memory on one hostile file
 * takes down a worker, never the indexer, and the other files go on.
 *
 * Design.  Each worker is a fork of the indexer joined to it by a
 * socketpair.  The parent sends a request (length-prefixed path); the
 * worker extracts with ws_extract_file, runs the caller's build function
 * over the result (the term generator and the record encoder, docbuild.h:
 * the analysis runs on as many cores as there are workers) and answers
 * with one length-prefixed message: the ready documents (docmsg.h), or
 * the error.  Workers run with
 * setrlimit limits: address space (RLIMIT_AS, not under AddressSanitizer,
 * which reserves terabytes of shadow memory) and CPU time, re-armed before
 * every file because RLIMIT_CPU counts the whole process's life.  The
 * parent holds a wall-clock deadline per file and kills a worker that
 * misses it.  A worker that dies is reaped, its file reported with the
 * reason (signal, CPU limit, timeout), and a new one is forked on demand.
 *
 * OCR (ocr.c) is the slow path: a scanned page takes seconds, a file may
 * have hundreds.  Before each page it recognises, the worker sends a
 * progress message (status 2, no body); the parent then moves the file's
 * deadline to at least one page's time (ocr_page_timeout + OCR_SLACK) from
 * now, and the worker raises its CPU limit likewise -- for at most
 * WS_OCR_MAX_PAGES pages a file, so a worker can never buy unlimited time.
 * The other workers go on meanwhile.
 *
 * The parent treats every byte from a worker as hostile: a message is
 * capped in size, and ws_docmsg_decode checks every length, count, term
 * and position, opens each record with the decoder the searcher uses
 * (ws_record_open) against the extractor's own limits (strings UTF-8
 * without NUL bytes, passages joined exactly into the text, the file and
 * type asked for); a message that fails fails its file, like a crash.
 *
 * Workers close every inherited descriptor but their socket (the Xapian
 * database's included), drop stdio to /dev/null, and ask the kernel to kill
 * them when the indexer dies (PR_SET_PDEATHSIG), so a kill -9 of the indexer
 * leaves no orphans holding the index open.
 */
#define _GNU_SOURCE /* close_range, prctl */
#include "index/pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include <libxml/parser.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "extract/extract_int.h"
#include "extract/ocr.h"
#include "index/record.h"

#if defined(__SANITIZE_ADDRESS__)
#define WS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WS_ASAN 1
#endif
#endif

#define MSG_MAGIC    0x31525357u        /* "WSR1" */
#define REQ_MAX      8192               /* longest path a request carries */
#define MSG_OVERHEAD ((size_t)64 << 20) /* metadata, links, headings beyond max_text */
#define MSG_PER_TEXT 4   /* a ready document: its text, terms and positions (docmsg.h) */
#define MSG_PROGRESS 2u  /* status of "starting an OCR page" */
#define OCR_SLACK    15u /* seconds a page may need beyond recognition (rendering) */

typedef struct worker {
    pid_t pid; /* 0: not running */
    int fd;
    int busy;
    size_t tag;
    ws_doctype type;
    char *path;
    struct timespec deadline;
    unsigned ocr_beats; /* OCR pages announced for this file */
    char *buf;          /* the answer being received */
    size_t len, cap, want;
} worker;

struct ws_pool {
    ws_pool_options o;
    worker *w;
    unsigned n;
    size_t busy;
};

/* ---- serialisation --------------------------------------------------------- */

/* A worker's answer is the stored record's encoding (record.h), decoded by
 * the same function, followed by what only this run needs:
 *   u32 record_len, record, u32 flags (converted | truncated << 1),
 *   str note, u32 ocr_pages, u32 ocr_skipped, u32 ocr_ms
 * (str as in a record: u32 length or 0xffffffff, bytes, NUL). */

static void put_u32(ws_buf *b, uint32_t v)
{
    char c[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
                 (char)(v >> 24)};
    ws_buf_append(b, c, 4);
}

int ws_pool_encode(const ws_extracted *x, char **out, size_t *len)
{
    ws_buf b = WS_BUF_INIT;
    put_u32(&b, 0); /* record_len, patched below */
    int rc = ws_record_append(&b, x, NULL, NULL);
    if (rc != WS_OK) {
        ws_buf_free(&b);
        return rc;
    }
    uint32_t rl = (uint32_t)(b.len - 4);
    for (int k = 0; k < 4; k++)
        b.data[k] = (char)((rl >> (8 * k)) & 0xff);
    ws_docmsg_put_trailer(&b, x, 0);
    if (b.oom) {
        ws_buf_free(&b);
        return WS_ENOMEM;
    }
    *out = ws_buf_steal(&b, len);
    if (!*out)
        return WS_ENOMEM;
    return WS_OK;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static char *dup_view(const char *s, size_t n, const char **why)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (!d) {
        *why = "out of memory";
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static char *dup_cstr(const char *s, const char **why)
{
    return s ? dup_view(s, strlen(s), why) : NULL;
}

static void copy_list(const ws_record *rec, ws_doc_list l, char ***out, size_t *n, const char **why)
{
    if (!rec->nlist[l] || *why)
        return;
    if (!(*out = calloc(rec->nlist[l], sizeof **out))) {
        *why = "out of memory";
        return;
    }
    for (size_t i = 0; i < rec->nlist[l] && !*why; i++) {
        (*out)[i] = dup_cstr(rec->list[l][i], why);
        *n = i + 1;
    }
}

/* The length-prefixed record, opened and checked; rerr holds the
 * message the answer may point into. */
static const char *open_sent(const char *buf, size_t len, ws_doctype type, size_t max_text,
                             ws_record *rec, size_t *rl, ws_error *rerr)
{
    const unsigned char *u = (const unsigned char *)buf;
    *rl = len >= 4 ? get_u32(u) : 0;
    if (len < 4 || *rl > len - 4)
        return "record ends early";
    if (ws_record_open(rec, buf + 4, *rl, rerr) != WS_OK)
        return rerr->code == WS_ENOMEM                      ? "out of memory"
               : !strncmp(rerr->msg, "stored record: ", 15) ? rerr->msg + 15
                                                            : rerr->msg;
    if (ws_record_check_text(rec, rerr) != WS_OK)
        return "string is not clean UTF-8";
    return ws_record_check_sent(rec, type, max_text, NULL);
}

/* The fields and lists of x from rec and the trailer. */
static void fill_fields(ws_extracted *x, const ws_record *rec, const ws_docmsg_trailer *tr,
                        const char **why)
{
    x->converted = (tr->flags & 1) != 0;
    x->truncated = (tr->flags & 2) != 0;
    x->title = dup_cstr(rec->str[WS_FIELD_TITLE], why);
    x->date = dup_cstr(rec->str[WS_FIELD_DATE], why);
    x->description = dup_cstr(rec->str[WS_FIELD_DESCRIPTION], why);
    x->organisation = dup_cstr(rec->str[WS_FIELD_ORGANISATION], why);
    x->event = dup_cstr(rec->str[WS_FIELD_EVENT], why);
    x->note = dup_cstr(tr->note, why);
    copy_list(rec, WS_LIST_SPEAKERS, &x->speakers, &x->nspeakers, why);
    copy_list(rec, WS_LIST_TAGS, &x->tags, &x->ntags, why);
    copy_list(rec, WS_LIST_LINKS, &x->links, &x->nlinks, why);
    x->ocr_pages = tr->ocr_pages;
    x->ocr_skipped = tr->ocr_skipped;
    x->ocr_seconds = tr->ocr_ms / 1000.0;
    x->text = dup_view(rec->text, rec->text_len, why);
    x->text_len = rec->text_len;
    if (!*why && !x->text)
        *why = "out of memory";
}

static void copy_passages(ws_extracted *x, const ws_record *rec, const char **why)
{
    if (!*why && rec->npassages && !(x->passages = calloc(rec->npassages, sizeof *x->passages)))
        *why = "out of memory";
    for (size_t i = 0; !*why && i < rec->npassages; i++) {
        const ws_record_passage *rp = &rec->passages[i];
        ws_passage *p = &x->passages[i];
        p->kind = rp->kind;
        p->number = rp->number;
        p->ocr = rp->ocr;
        x->npassages = i + 1; /* so a failure below frees what was read */
        p->heading = dup_cstr(rp->heading, why);
        p->text = dup_view(rec->text + rp->start, rp->end - rp->start, why);
        p->text_len = rp->end - rp->start;
        if (!*why && !p->text)
            *why = "out of memory";
    }
}

int ws_pool_decode(const char *buf, size_t len, ws_doctype type, size_t max_text,
                   ws_extracted **out, ws_error *err)
{
    *out = NULL;
    ws_record rec;
    memset(&rec, 0, sizeof rec);
    ws_error rerr;
    size_t rl = 0;
    ws_docmsg_trailer tr;
    memset(&tr, 0, sizeof tr);
    const char *why = open_sent(buf, len, type, max_text, &rec, &rl, &rerr);
    if (!why)
        why = ws_docmsg_read_trailer((const unsigned char *)buf + 4 + rl, len - 4 - rl, 0, &tr);
    ws_extracted *x = NULL;
    if (!why && !(x = calloc(1, sizeof *x)))
        why = "out of memory";
    if (!why) {
        x->type = type;
        fill_fields(x, &rec, &tr, &why);
    }
    copy_passages(x, &rec, &why);
    ws_record_free(&rec);
    if (why) {
        /* ws_extracted_free copes with the half-built record. */
        ws_extracted_free(x);
        return ws_error_set(err, !strcmp(why, "out of memory") ? WS_ENOMEM : WS_EFORMAT,
                            "invalid record from the extractor: %s", why);
    }
    *out = x;
    return WS_OK;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t len)
{
    size_t got;
    return ws_read_full(fd, data, len, &got) == 0 && got == len ? 0 : -1;
}

static void send_msg(int fd, uint32_t status, const char *body, size_t len)
{
    uint32_t hdr[3] = {MSG_MAGIC, (uint32_t)len, status};
    if (write_all(fd, hdr, sizeof hdr) != 0 || (len && write_all(fd, body, len) != 0))
        _exit(0); /* the indexer is gone */
}

static void close_others(int keep)
{
#if defined(__linux__) && defined(SYS_close_range)
    if (keep > 3)
        syscall(SYS_close_range, 3u, (unsigned)keep - 1, 0u);
    if (syscall(SYS_close_range, (unsigned)keep + 1, ~0u, 0u) == 0)
        return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = 3; fd < max; fd++)
        if (fd != keep)
            close(fd);
}

/* RLIMIT_CPU counts from the start of the process: allow cpu_limit more
 * seconds from now. */
static void arm_cpu_limit(unsigned secs)
{
    struct rusage ru;
    struct rlimit rl;
    if (!secs || getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    rlim_t used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1;
    rl.rlim_cur = used + secs;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_CPU, &rl);
}

/* Only ever raise the CPU limit to secs from now (an OCR page's time). */
static void extend_cpu_limit(unsigned secs)
{
    struct rusage ru;
    struct rlimit rl;
    if (!secs || getrusage(RUSAGE_SELF, &ru) != 0 || getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    rlim_t want = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1 + secs;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_CPU, &rl);
}

typedef struct worker_ctx {
    int fd;
    unsigned page_secs; /* ocr_page_timeout + OCR_SLACK */
} worker_ctx;

/* Before each OCR page: tell the parent, which extends the deadline. */
static void ocr_progress(void *ctx, unsigned page)
{
    (void)page;
    worker_ctx *c = ctx;
    send_msg(c->fd, MSG_PROGRESS, NULL, 0);
    extend_cpu_limit(c->page_secs);
}

static void send_error(int fd, int rc, const char *msg)
{
    int32_t code = rc;
    char m[sizeof code + WS_ERROR_MSG_MAX];
    size_t ml = strlen(msg);
    if (ml > WS_ERROR_MSG_MAX)
        ml = WS_ERROR_MSG_MAX;
    memcpy(m, &code, sizeof code);
    memcpy(m + sizeof code, msg, ml);
    send_msg(fd, 1, m, sizeof code + ml);
}

/* One request: extract, build the ready documents, answer. */
static void serve_file(int fd, const ws_pool_options *o, const ws_extract_options *eo,
                       const char *path)
{
    ws_extracted *x = NULL;
    ws_error e;
    ws_error_clear(&e);
    int rc = ws_extract_file(path, eo, &x, &e);
    if (rc != WS_OK) {
        send_error(fd, rc, e.msg);
        return;
    }
    char *body = NULL;
    size_t len = 0;
    rc = o->build(o->build_ctx, path, x, &body, &len, &e);
    ws_extracted_free(x);
    if (rc == WS_OK && len <= UINT32_MAX) {
        send_msg(fd, 0, body, len);
    } else {
        ws_error f;
        ws_error_set(&f, rc == WS_OK ? WS_ETOOBIG : rc, "%s: %s", path,
                     rc == WS_OK ? "document too large" : e.msg);
        send_error(fd, f.code, f.msg);
    }
    free(body);
}

static void worker_main(int fd, const ws_pool_options *o)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    close_others(fd);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
#ifndef WS_ASAN
        /* Parsers (poppler above all) print complaints about broken files;
         * the parent reports the outcome.  Sanitizer builds keep stderr
         * for their own reports. */
        dup2(null, 2);
#endif
        if (null > 2)
            close(null);
    }
    /* The host's crash handlers (a test framework's longjmp, an
     * application's crash reporter) must not run here: a crash ends the
     * worker and the parent reports it. */
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGXCPU, SIGTERM};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        signal(fatal[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, SIG_IGN); /* ^C is for the indexer, which kills us */
#ifndef WS_ASAN
    if (o->mem_limit) {
        struct rlimit rl = {(rlim_t)o->mem_limit, (rlim_t)o->mem_limit};
        setrlimit(RLIMIT_AS, &rl);
    }
#endif
    xmlInitParser();
    ws_extract_options eo = o->extract;
    worker_ctx wc = {fd, (eo.ocr_page_timeout ? eo.ocr_page_timeout : 20) + OCR_SLACK};
    eo.ocr_page_hook = ocr_progress;
    eo.ocr_hook_ctx = &wc;
    char path[REQ_MAX + 1];
    for (;;) {
        uint32_t n;
        if (read_all(fd, &n, sizeof n) != 0 || n > REQ_MAX || read_all(fd, path, n) != 0)
            _exit(0);
        path[n] = '\0';
        arm_cpu_limit(o->cpu_limit);
        if (o->hook)
            o->hook(path);
        serve_file(fd, o, &eo, path);
    }
}

/* ---- the parent side ------------------------------------------------------- */

int ws_pool_new(ws_pool **out, const ws_pool_options *o, ws_error *err)
{
    *out = NULL;
    ws_pool *p = calloc(1, sizeof *p);
    if (!p)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    p->o = *o;
    p->n = o->jobs ? o->jobs : 1;
    p->w = calloc(p->n, sizeof *p->w);
    if (!p->w) {
        free(p);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < p->n; i++)
        p->w[i].fd = -1;
    *out = p;
    return WS_OK;
}

static void reset_worker(worker *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    w->pid = 0;
    w->busy = 0;
    free(w->path);
    w->path = NULL;
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = w->want = 0;
}

/* Kill and reap; the status says how it ended (for the message). */
static int stop_worker(worker *w, int kill_it)
{
    int status = 0;
    if (w->pid > 0) {
        if (kill_it)
            kill(w->pid, SIGKILL);
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    w->pid = 0;
    return status;
}

void ws_pool_free(ws_pool *p)
{
    if (!p)
        return;
    for (unsigned i = 0; i < p->n; i++) {
        worker *w = &p->w[i];
        /* Idle workers leave on EOF; busy ones are killed. */
        if (w->fd >= 0 && !w->busy) {
            close(w->fd);
            w->fd = -1;
        }
        stop_worker(w, w->busy);
        reset_worker(w);
    }
    free(p->w);
    free(p);
}

static int spawn(ws_pool *p, worker *w, ws_error *err)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return ws_error_set(err, WS_EIO, "cannot start an extractor: socketpair: %s",
                            strerror(errno));
    if (p->o.around_fork)
        p->o.around_fork(p->o.build_ctx, 1);
    pid_t pid = fork();
    if (pid != 0 && p->o.around_fork)
        p->o.around_fork(p->o.build_ctx, 0);
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        return ws_error_set(err, WS_EIO, "cannot start an extractor: fork: %s", strerror(e));
    }
    if (pid == 0) {
        close(sv[0]);
        worker_main(sv[1], &p->o);
        _exit(0);
    }
    close(sv[1]);
    w->pid = pid;
    w->fd = sv[0];
    return WS_OK;
}

int ws_pool_can_submit(const ws_pool *p)
{
    return p->busy < p->n;
}

size_t ws_pool_busy(const ws_pool *p)
{
    return p->busy;
}

int ws_pool_submit(ws_pool *p, size_t tag, ws_doctype type, const char *path, ws_error *err)
{
    worker *w = NULL;
    for (unsigned i = 0; i < p->n && !w; i++)
        if (!p->w[i].busy)
            w = &p->w[i];
    if (!w)
        return ws_error_set(err, WS_EINVAL, "no free extractor");
    size_t n = strlen(path);
    if (n > REQ_MAX)
        return ws_error_set(err, WS_EINVAL, "path too long");
    if (!(w->path = strdup(path)))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (int attempt = 0;; attempt++) {
        if (!w->pid) {
            int rc = spawn(p, w, err);
            if (rc != WS_OK) {
                free(w->path);
                w->path = NULL;
                return rc;
            }
        }
        uint32_t len = (uint32_t)n;
        if (write_all(w->fd, &len, sizeof len) == 0 && write_all(w->fd, path, n) == 0)
            break;
        /* The idle worker died (say, killed from outside): start anew. */
        stop_worker(w, 1);
        if (attempt)
            return ws_error_set(err, WS_EIO, "cannot talk to an extractor process");
    }
    w->busy = 1;
    w->tag = tag;
    w->type = type;
    w->ocr_beats = 0;
    w->len = w->want = 0;
    clock_gettime(CLOCK_MONOTONIC, &w->deadline);
    w->deadline.tv_sec += p->o.timeout ? p->o.timeout : 60;
    p->busy++;
    return WS_OK;
}

static long ms_until(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms;
}

/* Seconds an OCR page adds to a file's deadline. */
static unsigned page_secs(const ws_pool *p)
{
    unsigned t = p->o.extract.ocr_page_timeout;
    return (t ? t : 20) + OCR_SLACK;
}

/* The worker started an OCR page: give the file that much more time. */
static void extend_deadline(ws_pool *p, worker *w)
{
    if (w->ocr_beats >= WS_OCR_MAX_PAGES)
        return;
    w->ocr_beats++;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += page_secs(p);
    if (t.tv_sec > w->deadline.tv_sec ||
        (t.tv_sec == w->deadline.tv_sec && t.tv_nsec > w->deadline.tv_nsec))
        w->deadline = t;
}

/* The worker w ended without an answer: say why, and forget it. */
static void worker_lost(ws_pool *p, worker *w, int timed_out, ws_error *xerr)
{
    int st = stop_worker(w, 1);
    if (timed_out && w->ocr_beats)
        ws_error_set(xerr, WS_ETIMEOUT,
                     "%s: timed out after %u s and %u OCR page%s of up to %u s (extractor killed)",
                     w->path, p->o.timeout ? p->o.timeout : 60, w->ocr_beats,
                     w->ocr_beats == 1 ? "" : "s", page_secs(p));
    else if (timed_out)
        ws_error_set(xerr, WS_ETIMEOUT, "%s: timed out after %u s (extractor killed)", w->path,
                     p->o.timeout ? p->o.timeout : 60);
    else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)
        ws_error_set(xerr, WS_ETIMEOUT, "%s: CPU time limit of %u s exceeded (extractor killed)",
                     w->path, p->o.cpu_limit);
    else if (WIFSIGNALED(st))
        ws_error_set(xerr, WS_EINTERNAL, "%s: extractor crashed (signal %d%s)", w->path,
                     WTERMSIG(st),
                     WTERMSIG(st) == SIGABRT ? ", out of memory or a failed check" : "");
    else if (WIFEXITED(st))
        ws_error_set(xerr, WS_EINTERNAL, "%s: extractor exited with status %d", w->path,
                     WEXITSTATUS(st));
    else
        ws_error_set(xerr, WS_EINTERNAL, "%s: extractor failed", w->path);
}

/* The job of w is over (answered, or the worker lost): free the slot. */
static void complete(ws_pool *p, worker *w, size_t *tag)
{
    *tag = w->tag;
    w->busy = 0;
    p->busy--;
    free(w->path);
    w->path = NULL;
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = w->want = 0;
}

/* Interpret a whole answer in w->buf. */
static void answer(ws_pool *p, worker *w, ws_docmsg **x, ws_error *xerr)
{
    uint32_t status;
    memcpy(&status, w->buf + 8, 4);
    const char *body = w->buf + 12;
    size_t blen = w->len - 12;
    if (status == 0) {
        /* The message becomes the decoded documents' buffer. */
        memmove(w->buf, w->buf + 12, blen);
        char *msg = w->buf;
        w->buf = NULL;
        w->len = w->cap = w->want = 0;
        ws_docmsg_expect want = {w->path, w->type, p->o.extract.max_text};
        ws_error e;
        if (ws_docmsg_decode(msg, blen, &want, x, &e) != WS_OK)
            ws_error_set(xerr, e.code, "%s: %s", w->path, e.msg);
        return;
    }
    int32_t code = WS_EINTERNAL;
    if (blen >= sizeof code)
        memcpy(&code, body, sizeof code);
    if (code >= 0 || code < -64)
        code = WS_EINTERNAL;
    /* The message is shown to a user: printable UTF-8 only. */
    char msg[WS_ERROR_MSG_MAX];
    size_t ml = blen > sizeof code ? blen - sizeof code : 0;
    if (ml >= sizeof msg)
        ml = sizeof msg - 1;
    memcpy(msg, body + sizeof code, ml);
    msg[ml] = '\0';
    for (size_t i = 0; i < ml; i++)
        if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7F)
            msg[i] = ' ';
    if (!ws_utf8_valid(msg, ml) || !ml)
        ws_error_set(xerr, code, "%s: extraction failed", w->path);
    else
        ws_error_set(xerr, code, "%s", msg);
}

/* Read what w has sent; 1 when an answer is complete, -1 when w died or
 * sent garbage (xerr set), 0 to wait for more. */
static int receive(ws_pool *p, worker *w, ws_docmsg **x, ws_error *xerr)
{
    size_t limit = MSG_PER_TEXT * p->o.extract.max_text + MSG_OVERHEAD;
    for (;;) {
        size_t need = w->want ? w->want : 12;
        if (w->len >= need) {
            if (!w->want) {
                uint32_t magic, blen;
                memcpy(&magic, w->buf, 4);
                memcpy(&blen, w->buf + 4, 4);
                if (magic != MSG_MAGIC || blen > limit) {
                    stop_worker(w, 1);
                    ws_error_set(xerr, WS_EINTERNAL, "%s: extractor sent an invalid answer",
                                 w->path);
                    return -1;
                }
                uint32_t status;
                memcpy(&status, w->buf + 8, 4);
                if (status == MSG_PROGRESS && blen == 0) {
                    /* Not the answer: drop it, keep what followed. */
                    extend_deadline(p, w);
                    memmove(w->buf, w->buf + 12, w->len - 12);
                    w->len -= 12;
                    continue;
                }
                w->want = 12 + (size_t)blen;
                continue;
            }
            answer(p, w, x, xerr);
            return 1;
        }
        if (w->cap < need) {
            size_t cap = w->cap ? w->cap : 65536;
            while (cap < need)
                cap *= 2;
            char *nb = realloc(w->buf, cap);
            if (!nb) {
                stop_worker(w, 1);
                ws_error_set(xerr, WS_ENOMEM, "%s: out of memory receiving the text", w->path);
                return -1;
            }
            w->buf = nb;
            w->cap = cap;
        }
        ssize_t r = recv(w->fd, w->buf + w->len, w->cap - w->len, MSG_DONTWAIT);
        if (r > 0) {
            w->len += (size_t)r;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (r < 0 && errno == EINTR)
            continue;
        worker_lost(p, w, 0, xerr);
        return -1;
    }
}

int ws_pool_wait(ws_pool *p, size_t *tag, ws_docmsg **x, ws_error *xerr, ws_error *err)
{
    *x = NULL;
    ws_error_clear(xerr);
    if (!p->busy)
        return ws_error_set(err, WS_EINVAL, "ws_pool_wait: nothing is being extracted");
    struct pollfd *pf = calloc(p->n, sizeof *pf);
    unsigned *idx = calloc(p->n, sizeof *idx);
    if (!pf || !idx) {
        free(pf);
        free(idx);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    int rc = WS_OK;
    for (;;) {
        nfds_t n = 0;
        long timeout = -1;
        for (unsigned i = 0; i < p->n; i++) {
            worker *w = &p->w[i];
            if (!w->busy)
                continue;
            long ms = ms_until(&w->deadline);
            if (ms == 0) {
                /* What it sent while we were writing may extend the
                 * deadline (OCR progress) or be the answer itself. */
                int got = receive(p, w, x, xerr);
                if (got != 0) {
                    complete(p, w, tag);
                    goto out;
                }
                ms = ms_until(&w->deadline);
            }
            if (ms == 0) { /* missed its deadline */
                worker_lost(p, w, 1, xerr);
                complete(p, w, tag);
                goto out;
            }
            if (timeout < 0 || ms < timeout)
                timeout = ms;
            pf[n].fd = w->fd;
            pf[n].events = POLLIN;
            pf[n].revents = 0;
            idx[n++] = i;
        }
        int r = poll(pf, n, (int)(timeout > 1000000 ? 1000000 : timeout));
        if (r < 0 && errno != EINTR) {
            rc = ws_error_set(err, WS_EIO, "poll: %s", strerror(errno));
            goto out;
        }
        for (nfds_t k = 0; r > 0 && k < n; k++) {
            if (!pf[k].revents)
                continue;
            worker *w = &p->w[idx[k]];
            int got = receive(p, w, x, xerr);
            if (got != 0) {
                complete(p, w, tag);
                goto out;
            }
        }
    }
out:
    free(pf);
    free(idx);
    return rc;
}
