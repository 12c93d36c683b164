/*
 * query_bench.c - what a query costs, against the floor of raw Xapian.
 *
 *   query_bench --index DIR --queries FILE [--socket PATH --pid PID]
 *               [--omega-conf FILE --omega-db NAME] [--rounds N]
 *               [--rss N] [--label NAME] [--per-query]
 *   query_bench --length INDEX_SMALL INDEX_BIG --query Q [--rounds N]
 *
 * For every query of FILE, interleaved so that noise hits all alike:
 *   floor    the very Xapian query ws_search runs (prepared and parsed
 *            once, before timing, by the searcher's own functions), on
 *            the same database: Enquire top 10 plus each hit's document
 *            data; no snippets, no facets, no related documents;
 *   library  ws_searcher_reopen + ws_search with searchd's defaults
 *            (10 hits, facets, 2 s limit), results freed;
 *   searchd  GET /search over one keep-alive UNIX-socket connection;
 *   omega    Omega's CGI, a process per query as a web server runs it,
 *            on omindex's index of the same files (fewer rounds: a
 *            process costs milliseconds).
 * Then throughput through searchd with 1, 2, 8 and 64 keep-alive clients
 * and searchd's RSS after 1 000 and after N requests.  --length runs the
 * floor and the library on two one-document indexes (a short and a long
 * document, the same query hitting each).
 *
 * The floor uses the library's internal headers on purpose: it must run
 * the query wsearch runs, not a re-typed one.  Figures, not assertions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wsearch/search.h"
#include "index/schema.h"
#include "search/searcher.h"
#include "xapian/xapian.h"

extern char **environ;

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
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_d);
    return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

/* ---- the floor: the same Xapian query, top 10 + document data ------- */

/* The parsed query ws_search would run for q (no filters: none given). */
static ws_xquery *floor_query(ws_searcher *s, const char *q)
{
    char *rw = NULL, *exact = NULL;
    ws_xquery *x = NULL;
    ws_error err;
    if (ws_searcher_prepare_query(s, q, strlen(q), 4096, NULL, &rw, &exact, &err) == WS_OK &&
        ws_searcher_parse_budget(s, rw, exact, NULL, &x, &err) != WS_OK)
        x = NULL;
    free(rw);
    free(exact);
    return x;
}

/* Enquire top 10 and read each hit's data; returns the hits or -1.  As
 * the searcher runs it: BM25 as ws_xenquire_new sets it, one hit per file
 * (the collapse key over its parts), no facets, snippets or spelling. */
static int floor_run(ws_searcher *s, const ws_xquery *x)
{
    ws_xenquire *enq = NULL;
    ws_xmset *ms = NULL;
    ws_error err;
    int n = -1;
    if (x && ws_xenquire_new(&enq, s->db, &err) == WS_OK &&
        ws_xenquire_set_query(enq, x, &err) == WS_OK &&
        ws_xenquire_collapse(enq, WS_SLOT_KEY, &err) == WS_OK &&
        ws_xenquire_mset(enq, 0, 10, 0, &ms, &err) == WS_OK) {
        n = (int)ws_xmset_size(ms);
        for (int i = 0; i < n; i++) {
            ws_xdoc *d = NULL;
            char *data = NULL;
            size_t len = 0;
            if (ws_xmset_document(ms, (uint32_t)i, &d, &err) == WS_OK)
                ws_xdoc_get_data(d, &data, &len, &err);
            free(data);
            ws_xdoc_free(d);
        }
    }
    ws_xmset_free(ms);
    ws_xenquire_free(enq);
    return n;
}

static ws_search_options daemon_options(void)
{
    /* searchd's defaults: 10 hits, 20 values per facet, 2 s limit */
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.facet_values = 20;
    o.time_limit = 2.0;
    return o;
}

static int lib_run(ws_searcher *s, const char *q)
{
    ws_search_options o = daemon_options();
    ws_results *r = NULL;
    ws_error err;
    ws_searcher_reopen(s, &err); /* as searchd does per request */
    if (ws_search(s, q, strlen(q), &o, &r, &err) != WS_OK)
        return -1;
    int n = (int)r->nhits;
    ws_results_free(r);
    return n;
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

/* ---- Omega's CGI, a process per query -------------------------------- */

static const char *omega_conf, *omega_db;

static int omega_run(const char *q)
{
    char esc[1024], qs[1400], conf[1200], *env[8];
    url_escape(q, esc, sizeof esc);
    snprintf(qs, sizeof qs, "QUERY_STRING=DB=%s&P=%s&HITSPERPAGE=10", omega_db, esc);
    snprintf(conf, sizeof conf, "OMEGA_CONFIG_FILE=%s", omega_conf);
    int k = 0;
    env[k++] = qs;
    env[k++] = conf;
    env[k++] = "REQUEST_METHOD=GET";
    env[k++] = "GATEWAY_INTERFACE=CGI/1.1";
    env[k++] = "PATH=/usr/bin:/bin";
    env[k] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"omega", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/usr/lib/cgi-bin/omega/omega", &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    if (rc != 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* ---- throughput and memory ------------------------------------------ */

typedef struct worker {
    double until;
    unsigned long done, errors, max;
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
    for (size_t i = w->start; now() < w->until && w->done < w->max; i++) {
        if (conn_search(c, queries[i % nq]) == 200)
            w->done++;
        else
            w->errors++;
    }
    close(c->fd);
    free(c);
    return NULL;
}

/* clients keep-alive clients for secs seconds or max requests each. */
static double load(int clients, double secs, unsigned long max, unsigned long *errors)
{
    pthread_t t[64];
    worker w[64];
    double t0 = now(), end = t0 + secs;
    for (int i = 0; i < clients; i++) {
        w[i] = (worker){end, 0, 0, max, (size_t)i * 7};
        pthread_create(&t[i], NULL, run_worker, &w[i]);
    }
    unsigned long done = 0;
    *errors = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(t[i], NULL);
        done += w[i].done;
        *errors += w[i].errors;
    }
    return (double)done / (now() - t0);
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

static void throughput_and_rss(const char *label, pid_t pid, unsigned long rss_n)
{
    printf("%s: throughput through searchd over the UNIX socket (keep-alive clients, 3 s each)\n",
           label);
    int levels[] = {1, 2, 8, 64};
    for (int k = 0; k < 4; k++) {
        unsigned long errors = 0;
        double rps = load(levels[k], 3.0, (unsigned long)-1, &errors);
        printf("  %2d clients: %8.0f requests/s  (%lu errors)\n", levels[k], rps, errors);
    }
    if (pid <= 0 || rss_n < 2000)
        return;
    /* a fresh daemon's RSS grows with its first requests (caches, the
     * allocator's arenas): 1 000 first, then the rest on 8 clients */
    unsigned long errors = 0;
    load(1, 1e9, 1000, &errors);
    long r1 = rss_kb(pid);
    load(8, 1e9, (rss_n - 1000) / 8, &errors);
    long r2 = rss_kb(pid);
    printf("%s: searchd RSS %ld kB after 1 000 requests, %ld kB after %lu (%+.1f%%), %lu errors\n",
           label, r1, r2, rss_n, 100.0 * (double)(r2 - r1) / (double)r1, errors);
}

/* ---- latency, per query and overall ---------------------------------- */

enum { FLOOR, LIB, DAEMON, OMEGA, NWAYS };
static const char *const way_name[NWAYS] = {"raw Xapian floor", "wsearch in-process",
                                            "searchd (UNIX socket)", "Omega CGI (omindex index)"};

typedef struct samples {
    double *v[NWAYS];
    size_t n[NWAYS];
} samples;

static void add(samples *s, int way, double t)
{
    s->v[way][s->n[way]++] = t;
}

static void print_row(const char *label, const char *name, double *v, size_t n, double f50,
                      double f99)
{
    double p50 = pct(v, n, 0.5), p99 = pct(v, n, 0.99);
    printf("  %-6s %-26s %6zu %10.3f %10.3f   x%-7.2f x%-7.2f\n", label, name, n, p50 * 1e3,
           p99 * 1e3, f50 > 0 ? p50 / f50 : 0, f99 > 0 ? p99 / f99 : 0);
}

static void latency(ws_searcher *s, conn *c, unsigned rounds, const char *label, int per_query)
{
    samples all = {{0}, {0}};
    for (int w = 0; w < NWAYS; w++)
        all.v[w] = calloc(nq * rounds + 1, sizeof(double));
    double *pq = calloc(rounds + 1, sizeof(double));
    ws_xquery **x = calloc(nq, sizeof *x);
    double(*med)[NWAYS] = calloc(nq, sizeof *med);
    int *hits = calloc(nq, sizeof *hits);
    for (size_t i = 0; i < nq; i++)
        x[i] = floor_query(s, queries[i]);
    for (size_t i = 0; i < nq * 2; i++) { /* warm every way */
        floor_run(s, x[i % nq]);
        lib_run(s, queries[i % nq]);
        if (c)
            conn_search(c, queries[i % nq]);
    }
    for (size_t i = 0; i < nq; i++) {
        for (int w = 0; w < NWAYS; w++) {
            size_t k = 0;
            unsigned r = w == OMEGA ? (rounds < 5 ? rounds : 5) : rounds;
            if ((w == DAEMON && !c) || (w == OMEGA && !omega_conf))
                continue;
            for (unsigned j = 0; j < r; j++) {
                double t0 = now();
                int n = w == FLOOR   ? floor_run(s, x[i])
                        : w == LIB   ? lib_run(s, queries[i])
                        : w == OMEGA ? omega_run(queries[i])
                                     : (conn_search(c, queries[i]) == 200 ? 0 : -1);
                double t = now() - t0;
                if (w == FLOOR)
                    hits[i] = n;
                pq[k++] = t;
                add(&all, w, t);
            }
            med[i][w] = pct(pq, k, 0.5);
        }
    }
    if (per_query) {
        printf("%s: per query, median ms (floor / in-process / searchd / omega), floor hits\n",
               label);
        for (size_t i = 0; i < nq; i++)
            printf("  %7.3f %7.3f %7.3f %7.3f  %3d  %s\n", med[i][FLOOR] * 1e3, med[i][LIB] * 1e3,
                   med[i][DAEMON] * 1e3, med[i][OMEGA] * 1e3, hits[i], queries[i]);
    }
    printf("%s: latency, %zu queries x %u rounds (Omega: at most 5), ms\n", label, nq, rounds);
    printf("  %-6s %-26s %6s %10s %10s   %-8s %-8s\n", "corpus", "", "n", "p50", "p99", "p50/floor",
           "p99/floor");
    double *fv = malloc((all.n[FLOOR] + 1) * sizeof *fv);
    memcpy(fv, all.v[FLOOR], all.n[FLOOR] * sizeof *fv);
    double f50 = pct(fv, all.n[FLOOR], 0.5), f99 = pct(fv, all.n[FLOOR], 0.99);
    for (int w = 0; w < NWAYS; w++)
        if (all.n[w])
            print_row(label, way_name[w], all.v[w], all.n[w], f50, f99);
    for (size_t i = 0; i < nq; i++)
        ws_xquery_free(x[i]);
    for (int w = 0; w < NWAYS; w++)
        free(all.v[w]);
    free(fv);
    free(x);
    free(med);
    free(hits);
    free(pq);
}

/* ---- document length: the same query, a short and a long document ---- */

static int length_mode(const char *small, const char *big, const char *q, unsigned rounds)
{
    ws_searcher *s[2] = {NULL, NULL};
    ws_error err;
    const char *path[2] = {small, big};
    for (int k = 0; k < 2; k++)
        if (ws_searcher_open(&s[k], path[k], &err) != WS_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 2;
        }
    ws_xquery *x[2] = {floor_query(s[0], q), floor_query(s[1], q)};
    double *v[2][2];
    for (int k = 0; k < 2; k++)
        for (int w = 0; w < 2; w++)
            v[k][w] = calloc(rounds, sizeof(double));
    int hits[2] = {0, 0};
    for (unsigned j = 0; j < rounds + 5; j++)
        for (int k = 0; k < 2; k++) {
            double t0 = now();
            hits[k] = floor_run(s[k], x[k]);
            double t1 = now();
            int n = lib_run(s[k], q);
            double t2 = now();
            if (j >= 5) { /* the first rounds warm the caches */
                v[k][0][j - 5] = t1 - t0;
                v[k][1][j - 5] = t2 - t1;
            }
            if (n != hits[k])
                hits[k] = -1;
        }
    printf("document length: query \"%s\", %u rounds, median ms\n", q, rounds);
    printf("  %-10s %5s %12s %12s %14s\n", "document", "hits", "floor", "in-process",
           "in-process-floor");
    const char *name[2] = {"short", "long"};
    double m[2][2];
    for (int k = 0; k < 2; k++) {
        m[k][0] = pct(v[k][0], rounds, 0.5);
        m[k][1] = pct(v[k][1], rounds, 0.5);
        printf("  %-10s %5d %12.3f %12.3f %14.3f\n", name[k], hits[k], m[k][0] * 1e3, m[k][1] * 1e3,
               (m[k][1] - m[k][0]) * 1e3);
    }
    printf("  long/short: floor x%.2f, in-process x%.2f\n", m[1][0] / m[0][0], m[1][1] / m[0][1]);
    for (int k = 0; k < 2; k++) {
        ws_xquery_free(x[k]);
        ws_searcher_close(s[k]);
        free(v[k][0]);
        free(v[k][1]);
    }
    return 0;
}

/* ---- main ------------------------------------------------------------ */

static int load_queries(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        return -1;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        queries = realloc(queries, (nq + 1) * sizeof *queries);
        queries[nq++] = strdup(line);
    }
    fclose(f);
    return nq ? 0 : -1;
}

typedef struct args {
    const char *index, *qfile, *label, *length[2], *query;
    unsigned rounds;
    unsigned long rss;
    pid_t pid;
    int per_query;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    *a = (args){NULL, NULL, "corpus", {NULL, NULL}, NULL, 20, 100000, 0, 0};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1;
        if (!strcmp(o, "--index"))
            a->index = v;
        else if (!strcmp(o, "--queries"))
            a->qfile = v;
        else if (!strcmp(o, "--socket"))
            sock_path = v;
        else if (!strcmp(o, "--pid"))
            a->pid = v ? (pid_t)atoi(v) : 0;
        else if (!strcmp(o, "--omega-conf"))
            omega_conf = v;
        else if (!strcmp(o, "--omega-db"))
            omega_db = v;
        else if (!strcmp(o, "--rounds"))
            a->rounds = v ? (unsigned)atoi(v) : 0;
        else if (!strcmp(o, "--rss"))
            a->rss = v ? strtoul(v, NULL, 10) : 0;
        else if (!strcmp(o, "--label"))
            a->label = v;
        else if (!strcmp(o, "--query"))
            a->query = v;
        else if (!strcmp(o, "--length") && i + 2 < argc) {
            a->length[0] = argv[i + 1];
            a->length[1] = argv[i + 2];
            i++;
        } else if (!strcmp(o, "--per-query"))
            used = 0, a->per_query = 1;
        else
            return -1;
        if (used && !v)
            return -1;
        i += used;
    }
    if (omega_conf && !omega_db)
        omega_db = "default";
    if (a->length[0])
        return a->query && a->rounds ? 0 : -1;
    return a->index && a->qfile && a->rounds ? 0 : -1;
}

int main(int argc, char **argv)
{
    args a;
    if (parse_args(argc, argv, &a) != 0) {
        fprintf(stderr, "usage: query_bench --index DIR --queries FILE [--socket PATH --pid PID]\n"
                        "       [--omega-conf FILE --omega-db NAME] [--rounds N] [--rss N]\n"
                        "       [--label NAME] [--per-query]\n"
                        "   or: query_bench --length INDEX_SHORT INDEX_LONG --query Q\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* figures appear as they are measured */
    if (a.length[0])
        return length_mode(a.length[0], a.length[1], a.query, a.rounds);
    if (load_queries(a.qfile) != 0)
        return 2;
    ws_error err;
    ws_searcher *s = NULL;
    if (ws_searcher_open(&s, a.index, &err) != WS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    conn *c = NULL;
    if (sock_path) {
        c = malloc(sizeof *c);
        if (conn_open(c) != 0) {
            fprintf(stderr, "%s: %s\n", sock_path, strerror(errno));
            return 2;
        }
    }
    latency(s, c, a.rounds, a.label, a.per_query);
    ws_searcher_close(s);
    if (c) {
        close(c->fd);
        free(c);
        throughput_and_rss(a.label, a.pid, a.rss);
    }
    return 0;
}
