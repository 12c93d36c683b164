/*
 * query_bench.c - the same queries in-process and through searchd.
 *
 *   query_bench INDEX SOCKET QUERIES [N]
 *
 * Prints, in one run: p50/p99 latency of N searches through the library
 * and of the same N through the daemon over its UNIX socket (one
 * keep-alive connection, a minimal HTTP client so the client costs little),
 * and their ratio; then throughput with 1, 2, 8 and 64 concurrent
 * clients; then searchd's resident memory after 1 000 and after 100 000
 * requests.  Figures, not assertions: these machines are shared and noisy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "wsearch/search.h"

static char **queries;
static size_t nq;
static const char *sock_path;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, size_t n, double q)
{
    qsort(v, n, sizeof *v, cmp_d);
    return v[(size_t)(q * (double)(n - 1))];
}

/* ---- a minimal keep-alive HTTP client over the UNIX socket ---------- */

typedef struct conn {
    int fd;
    char buf[1 << 20];
} conn;

static int conn_open(conn *c)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    return connect(c->fd, (struct sockaddr *)&sa, sizeof sa);
}

static void url_escape(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (; *s && k + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.') {
            out[k++] = (char)ch;
        } else {
            out[k++] = '%';
            out[k++] = hex[ch >> 4];
            out[k++] = hex[ch & 15];
        }
    }
    out[k] = '\0';
}

/* One GET /search; returns the HTTP status or -1. */
static int conn_search(conn *c, const char *q)
{
    char esc[1024], req[1400];
    url_escape(q, esc, sizeof esc);
    int n = snprintf(req, sizeof req,
                     "GET /search?q=%s&size=10 HTTP/1.1\r\nHost: localhost\r\n\r\n", esc);
    if (write(c->fd, req, (size_t)n) != n)
        return -1;
    size_t got = 0;
    char *hdr_end = NULL;
    while (!hdr_end) {
        ssize_t r = read(c->fd, c->buf + got, sizeof c->buf - 1 - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        c->buf[got] = '\0';
        hdr_end = strstr(c->buf, "\r\n\r\n");
    }
    int status = atoi(c->buf + 9);
    char *cl = strcasestr(c->buf, "content-length:");
    size_t len = cl ? strtoul(cl + 15, NULL, 10) : 0;
    size_t have = got - (size_t)(hdr_end + 4 - c->buf);
    while (have < len) {
        ssize_t r = read(c->fd, c->buf, sizeof c->buf);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

/* ---- throughput ----------------------------------------------------- */

typedef struct worker {
    double until;
    unsigned long done, errors;
    size_t start;
} worker;

static void *run_worker(void *p)
{
    worker *w = p;
    conn *c = malloc(sizeof *c);
    if (!c || conn_open(c) != 0) {
        w->errors++;
        free(c);
        return NULL;
    }
    for (size_t i = w->start; now() < w->until; i++) {
        if (conn_search(c, queries[i % nq]) == 200)
            w->done++;
        else
            w->errors++;
    }
    close(c->fd);
    free(c);
    return NULL;
}

static double throughput(int clients, double secs, unsigned long *errors)
{
    pthread_t t[64];
    worker w[64];
    double end = now() + secs;
    for (int i = 0; i < clients; i++) {
        w[i] = (worker){end, 0, 0, (size_t)i * 7};
        pthread_create(&t[i], NULL, run_worker, &w[i]);
    }
    unsigned long done = 0;
    *errors = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        done += w[i].done;
        *errors += w[i].errors;
    }
    return (double)done / secs;
}

static long rss_kb(pid_t pid)
{
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    FILE *f = fopen(p, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: query_bench INDEX SOCKET QUERIES [N] [SEARCHD_PID]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they are measured */
    sock_path = argv[2];
    size_t n = argc > 4 ? strtoul(argv[4], NULL, 10) : 5000;
    pid_t sd_pid = argc > 5 ? (pid_t)atoi(argv[5]) : 0;
    FILE *f = fopen(argv[3], "r");
    if (!f) {
        perror(argv[3]);
        return 2;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line)
            continue;
        queries = realloc(queries, (nq + 1) * sizeof *queries);
        queries[nq++] = strdup(line);
    }
    fclose(f);

    /* The same work both ways: the daemon's defaults (10 hits, facets). */
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.facet_values = 20;
    o.time_limit = 2.0;
    ws_error err;
    ws_searcher *s = NULL;
    if (ws_searcher_open(&s, argv[1], &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    conn *c = malloc(sizeof *c);
    if (conn_open(c) != 0) {
        fprintf(stderr, "%s: %s\n", sock_path, strerror(errno));
        return 2;
    }
    double *lin = malloc(n * sizeof *lin), *ld = malloc(n * sizeof *ld);
    /* warm both, then interleave so noise hits both sides alike */
    for (size_t i = 0; i < nq * 3; i++) {
        ws_results *r = NULL;
        if (ws_search(s, queries[i % nq], strlen(queries[i % nq]), &o, &r, &err) == WS_OK)
            ws_results_free(r);
        conn_search(c, queries[i % nq]);
    }
    for (size_t i = 0; i < n; i++) {
        const char *q = queries[i % nq];
        double t0 = now();
        ws_results *r = NULL;
        /* as searchd does per request: pick up commits, then search */
        ws_searcher_reopen(s, &err);
        if (ws_search(s, q, strlen(q), &o, &r, &err) == WS_OK)
            ws_results_free(r);
        double t1 = now();
        int st = conn_search(c, q);
        double t2 = now();
        if (st < 0) {
            fprintf(stderr, "daemon connection failed\n");
            return 1;
        }
        lin[i] = t1 - t0;
        ld[i] = t2 - t1;
    }
    double p50i = pct(lin, n, 0.5), p99i = pct(lin, n, 0.99);
    double p50d = pct(ld, n, 0.5), p99d = pct(ld, n, 0.99);
    printf("latency over %zu searches (%zu distinct queries)\n", n, nq);
    printf("  in-process      p50 %8.1f us   p99 %8.1f us\n", p50i * 1e6, p99i * 1e6);
    printf("  searchd (UNIX)  p50 %8.1f us   p99 %8.1f us\n", p50d * 1e6, p99d * 1e6);
    printf("  ratio daemon/in-process: p50 %.2f  p99 %.2f\n", p50d / p50i, p99d / p99i);
    close(c->fd);
    free(c);
    ws_searcher_close(s);

    printf("throughput through searchd over the UNIX socket (keep-alive clients, 3 s each)\n");
    int levels[] = {1, 2, 8, 64};
    for (int k = 0; k < 4; k++) {
        unsigned long errors = 0;
        double rps = throughput(levels[k], 3.0, &errors);
        printf("  %2d clients: %8.0f requests/s  (%lu errors)\n", levels[k], rps, errors);
    }
    if (sd_pid > 0) {
        /* RSS steady state: 1 000 requests, then 100 000 in all. */
        conn *m = malloc(sizeof *m);
        conn_open(m);
        for (int i = 0; i < 1000; i++)
            conn_search(m, queries[(size_t)i % nq]);
        long r1 = rss_kb(sd_pid);
        for (int i = 1000; i < 100000; i++)
            conn_search(m, queries[(size_t)i % nq]);
        long r2 = rss_kb(sd_pid);
        printf("searchd RSS: %ld kB after 1 000 requests, %ld kB after 100 000 (%+.1f%%)\n", r1, r2,
               100.0 * (double)(r2 - r1) / (double)r1);
        close(m->fd);
        free(m);
    }
    return 0;
}
