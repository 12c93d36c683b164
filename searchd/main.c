/*
 * main.c - searchd: keeps a wsearch index open and answers queries over
 * HTTP/JSON on a UNIX socket (and optionally loopback TCP).
 *
 * The main thread owns signals: every other thread is started with them
 * blocked, and the main thread waits in sigwait().  SIGHUP re-reads the
 * configuration and makes every worker reopen its index; SIGTERM and
 * SIGINT stop accepting, let requests in flight finish, and exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "searchd.h"
#include "wsearch/config.h"
#include "wsearch/search.h"

sd_state sd;

double sd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sd_log(const char *fmt, ...)
{
    char line[1024];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ ", ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    /* One write per line, so lines from threads never interleave. */
    size_t len = strnlen(line, sizeof line - 2);
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}

/* ---- settings ------------------------------------------------------------ */

/* The command line's value for key, NULL if not given (see options). */
static const char *flag_of(const char *key);

/* key resolved through ws_config_resolve (flag > environment > file >
 * default), its number in *out; -1 and the message in err if it is bad. */
static int get_uint(const ws_config *c, const char *key, unsigned *out, char *err, size_t errlen)
{
    ws_setting st;
    ws_error e;
    if (ws_config_resolve(c, key, flag_of(key), &st, &e) != WS_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    *out = st.number;
    return 0;
}

/* The same for a string setting; *out malloc'd (NULL when off). */
static int get_str(const ws_config *c, const char *key, char **out, ws_setting_from *from,
                   char *err, size_t errlen)
{
    ws_setting st;
    ws_error e;
    *out = NULL;
    if (ws_config_resolve(c, key, flag_of(key), &st, &e) != WS_OK) {
        snprintf(err, errlen, "%s", e.msg);
        return -1;
    }
    if (from)
        *from = st.from;
    if (st.value && !(*out = strdup(st.value))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* The web front end when the config names none: the checkout's web/
 * for a searchd run from its build tree (no install needed to try it),
 * else the installed copy beside the program (see ws_config_data_dir). */
static char *default_web_root(void)
{
#if defined(WS_BUILD_DIR) && defined(WS_SOURCE_DIR)
    char exe[4096], *built = realpath(WS_BUILD_DIR, NULL);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0 && built) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if (!strcmp(exe, built) && access(WS_SOURCE_DIR "/web/index.html", R_OK) == 0) {
            free(built);
            return strdup(WS_SOURCE_DIR "/web");
        }
    }
    free(built);
#endif
    char *data = ws_config_data_dir();
    size_t len = data ? strlen(data) + 5 : 0;
    char *p = data ? malloc(len) : NULL;
    if (p)
        snprintf(p, len, "%s/web", data);
    free(data);
    return p;
}

int sd_settings_load(sd_settings *s, const ws_config *c, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    unsigned ms = 0, log = 0, priv = 0;
    char *wr = NULL;
    ws_setting_from wr_from = WS_FROM_DEFAULT;
    if (get_str(c, "index", &s->index, NULL, err, errlen) ||
        get_str(c, "searchd.web_root", &wr, &wr_from, err, errlen) ||
        get_uint(c, "searchd.log_requests", &log, err, errlen) ||
        get_uint(c, "searchd.serve_private", &priv, err, errlen) ||
        get_uint(c, "searchd.max_query", &s->max_query, err, errlen) ||
        get_uint(c, "searchd.max_page_size", &s->max_page_size, err, errlen) ||
        get_uint(c, "searchd.max_inflight", &s->max_inflight, err, errlen) ||
        get_uint(c, "searchd.search_timeout_ms", &ms, err, errlen) ||
        get_uint(c, "searchd.facet_values", &s->facet_values, err, errlen) ||
        get_uint(c, "searchd.max_query_terms", &s->max_terms, err, errlen) ||
        get_uint(c, "searchd.max_expansion", &s->max_expansion, err, errlen)) {
        free(s->index);
        s->index = NULL;
        free(wr);
        return -1;
    }
    /* Resolved now: a daemon runs in "/" and SIGHUP may come later. */
    if (!wr)
        wr = default_web_root();
    s->web_root = wr ? realpath(wr, NULL) : NULL;
    if (!s->web_root && wr)
        s->web_root = wr, wr = NULL;
    free(wr);
    s->log_requests = (int)log;
    s->serve_private = (int)priv;
    s->search_timeout = ms / 1000.0;
    return 0;
}

void sd_settings_free(sd_settings *s)
{
    free(s->index);
    s->index = NULL;
    free(s->web_root);
    s->web_root = NULL;
}

/* ---- command line ------------------------------------------------------- */

typedef struct options {
    const char *config, *index, *socket, *tcp, *pid_file;
    const char *threads;
    int foreground;
} options;

static options opt; /* the command line, read by flag_of */

static const char *flag_of(const char *key)
{
    return !strcmp(key, "index")              ? opt.index
           : !strcmp(key, "searchd.socket")   ? opt.socket
           : !strcmp(key, "searchd.tcp")      ? opt.tcp
           : !strcmp(key, "searchd.threads")  ? opt.threads
           : !strcmp(key, "searchd.pid_file") ? opt.pid_file
                                              : NULL;
}

static void usage(FILE *f)
{
    fputs("usage: searchd [--foreground] [--config FILE] [--index DIR] [--socket PATH]\n"
          "               [--tcp HOST:PORT] [--threads N] [--pid-file FILE]\n"
          "\n"
          "Serves the wsearch index over HTTP/JSON: GET /search, /suggest, /doc/ID,\n"
          "/health, /stats, and the web front end: /, /static/..., /file/ID\n"
          "(see docs/api.md).  Flags override the configuration file\n"
          "(default: $WSEARCH_CONFIG, ~/.config/wsearch/wsearch.conf, /etc/wsearch/wsearch.conf).\n"
          "Started by systemd with socket activation it uses the sockets it is given.\n"
          "SIGHUP reloads the configuration and reopens the index; SIGTERM stops.\n",
          f);
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (!strcmp(a, "--foreground") || !strcmp(a, "-f")) {
            o->foreground = 1;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(a, "--version")) {
            printf("searchd (wsearch) %s\n", WS_VERSION);
            exit(0);
        }
        if (!strcmp(a, "--config") || !strcmp(a, "-c"))
            dst = &o->config;
        else if (!strcmp(a, "--index") || !strcmp(a, "-i"))
            dst = &o->index;
        else if (!strcmp(a, "--socket") || !strcmp(a, "-s"))
            dst = &o->socket;
        else if (!strcmp(a, "--tcp"))
            dst = &o->tcp;
        else if (!strcmp(a, "--threads"))
            dst = &o->threads;
        else if (!strcmp(a, "--pid-file"))
            dst = &o->pid_file;
        if (!dst || i + 1 >= argc) {
            fprintf(stderr, "searchd: %s '%s' (see searchd --help)\n",
                    dst ? "missing value for" : "unknown option", a);
            return -1;
        }
        *dst = argv[++i];
    }
    return 0;
}

/* The configuration file, checked: an unknown key or a bad value is an
 * error naming the file and line (the flags are applied by flag_of). */
static ws_config *load_config(const options *o, char *err, size_t errlen)
{
    ws_error e;
    ws_config *c = NULL;
    char *path = o->config ? strdup(o->config) : ws_config_default_path();
    int rc = path ? ws_config_load(&c, path, &e) : ws_config_new(&c, &e);
    free(path);
    if (rc == WS_OK)
        rc = ws_config_check(c, &e);
    if (rc != WS_OK) {
        snprintf(err, errlen, "%s", e.msg);
        ws_config_free(c);
        return NULL;
    }
    return c;
}

/* path made absolute against the current folder, which daemonize()
 * leaves for "/": the pid file and the socket are removed at exit. */
static char *absolute(const char *path)
{
    char cwd[4096];
    if (!path || path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return path ? strdup(path) : NULL;
    size_t n = strlen(cwd) + strlen(path) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", cwd, path);
    return p;
}

/* mkdir of the default socket's folder (one level, like systemd's
 * RuntimeDirectory=); failures show when binding the socket. */
static void make_socket_dir(const char *sock)
{
    char *dir = strdup(sock);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    free(dir);
}

static void daemonize(void)
{
    pid_t p = fork();
    if (p < 0) {
        perror("searchd: fork");
        exit(1);
    }
    if (p > 0)
        _exit(0);
    setsid();
    p = fork();
    if (p < 0)
        exit(1);
    if (p > 0)
        _exit(0);
    if (chdir("/") != 0)
        exit(1);
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        if (fd > 2)
            close(fd);
    }
}

/* Everything a start holds and a failed start must release. */
typedef struct start {
    ws_config *cfg;
    char *sock_default, *pid_file, *tcp, *sp;
    const char *sock_path;
    unsigned threads, mem, mode;
    sd_limits lim;
    ws_setting_from sp_from;
    int fds[4], nfds;
} start;

/* The searchd.* keys; 0, or -1 with the message in err. */
static int read_settings(start *st, char *err, size_t errlen)
{
    const ws_config *cfg = st->cfg;
    if (get_uint(cfg, "searchd.threads", &st->threads, err, errlen) ||
        get_uint(cfg, "searchd.max_connections", &st->lim.max_connections, err, errlen) ||
        get_uint(cfg, "searchd.max_connections_per_ip", &st->lim.per_ip, err, errlen) ||
        get_uint(cfg, "searchd.connection_timeout", &st->lim.connection_timeout, err, errlen) ||
        get_uint(cfg, "searchd.request_timeout", &st->lim.request_timeout, err, errlen) ||
        get_uint(cfg, "searchd.max_request", &st->mem, err, errlen) ||
        get_uint(cfg, "searchd.socket_mode", &st->mode, err, errlen) ||
        get_str(cfg, "searchd.socket", &st->sp, &st->sp_from, err, errlen) ||
        get_str(cfg, "searchd.tcp", &st->tcp, NULL, err, errlen) ||
        get_str(cfg, "searchd.pid_file", &st->pid_file, NULL, err, errlen))
        return -1;
    return 0;
}

/* The configured UNIX socket, if any; 0 or the exit code. */
static int listen_unix(start *st, char *err, size_t errlen)
{
    /* The default socket's folder (/run/wsearch, $XDG_RUNTIME_DIR/wsearch)
     * is made here when missing; if it still cannot be had, a daemon
     * asked for TCP serves TCP and says so, instead of giving up. */
    st->sock_path = st->sock_default = st->sp ? absolute(st->sp) : NULL;
    int implicit = st->sp_from == WS_FROM_DEFAULT;
    int want_tcp = st->tcp != NULL;
    if (!st->sock_path)
        return 0;
    if (implicit)
        make_socket_dir(st->sock_path);
    int fd = sd_listen_unix(st->sock_path, st->mode, err, errlen);
    if (fd < 0 && implicit && want_tcp) {
        fprintf(stderr,
                "searchd: warning: no UNIX socket (%s); serving TCP only "
                "(--socket PATH to choose one, --socket off to silence this)\n",
                err);
        st->sock_path = NULL;
    } else if (fd < 0) {
        fprintf(stderr, "searchd: %s\n", err);
        st->sock_path = NULL; /* not ours: never remove it */
        return 1;
    } else {
        st->fds[st->nfds++] = fd;
    }
    return 0;
}

/* Sockets: those systemd passed, else the configured ones; 0 or the exit code. */
static int open_listeners(start *st, char *err, size_t errlen)
{
    st->nfds = sd_listen_fds(st->fds, 4);
    if (st->nfds)
        return 0;
    int rc = listen_unix(st, err, errlen);
    if (rc)
        return rc;
    if (st->tcp) {
        int fd = sd_listen_tcp(st->tcp, err, errlen);
        if (fd < 0) {
            fprintf(stderr, "searchd: %s\n", err);
            return 1;
        }
        st->fds[st->nfds++] = fd;
    }
    if (!st->nfds) {
        fprintf(stderr, "searchd: nothing to listen on (socket and tcp are both off)\n");
        return 2;
    }
    return 0;
}

/* The pid file, after daemonize (the pid is the daemon's); 0 or the exit code. */
static int write_pid_file(start *st)
{
    if (!st->pid_file || !*st->pid_file)
        return 0;
    FILE *pf = fopen(st->pid_file, "w");
    if (!pf || fprintf(pf, "%ld\n", (long)getpid()) < 0 || fclose(pf) != 0) {
        sd_log("cannot write pid file %s: %s", st->pid_file, strerror(errno));
        free(st->pid_file);
        st->pid_file = NULL; /* not written: never remove it */
        return 1;
    }
    return 0;
}

/* SIGHUP: the new settings, or the old ones kept if the new do not load. */
static void reload(char *err, size_t errlen)
{
    ws_config *nc = load_config(&opt, err, errlen);
    sd_settings ns;
    if (!nc || sd_settings_load(&ns, nc, err, errlen) != 0) {
        sd_log("reload failed, keeping the old configuration: %s", err);
        ws_config_free(nc);
        return;
    }
    pthread_rwlock_wrlock(&sd.lock);
    sd_settings old = sd.settings;
    sd.settings = ns;
    sd.generation++;
    pthread_rwlock_unlock(&sd.lock);
    sd_settings_free(&old);
    ws_config_free(nc);
    sd_log("reloaded configuration; reopening %s", ns.index);
}

/* The main thread's life: signals until SIGTERM or SIGINT. */
static void wait_for_stop(const sigset_t *set, char *err, size_t errlen)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(err, errlen);
            continue;
        }
        break;
    }
}

/* Orderly stop: no new connections, let requests in flight finish. */
static void stop_serving(struct MHD_Daemon **d, int nfds)
{
    sd_log("stopping: finishing %u request(s) in flight", sd_http_inflight());
    sd.stopping = 1;
    for (int i = 0; i < nfds; i++) {
        int lfd = MHD_quiesce_daemon(d[i]);
        if (lfd >= 0)
            close(lfd);
    }
    double deadline = sd_now() + 10.0;
    while (sd_http_inflight() > 0 && sd_now() < deadline) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < nfds; i++)
        sd_http_stop(d[i]);
    sd_log("stopped");
}

/* From the open sockets to the stop; the exit code. */
static int serve(start *st, char *err, size_t errlen)
{
    /* Say early if the index cannot be opened, but keep serving: /health
     * reports it and the next request retries (the indexer may be about
     * to create it). */
    ws_searcher *probe = NULL;
    ws_error e;
    if (ws_searcher_open(&probe, sd.settings.index, &e) != WS_OK)
        sd_log("warning: %s", e.msg);
    ws_searcher_close(probe);

    if (st->pid_file) {
        char *abs = absolute(st->pid_file);
        free(st->pid_file);
        st->pid_file = abs;
    }
    if (!opt.foreground)
        daemonize();
    int rc = write_pid_file(st);
    if (rc)
        return rc;

    /* Block the signals before any thread exists; the main thread takes
     * them with sigwait(). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    sd.started = sd_now();
    struct MHD_Daemon *d[4] = {NULL};
    for (int i = 0; i < st->nfds; i++) {
        d[i] = sd_http_start(st->fds[i], st->threads, &st->lim, err, errlen);
        if (!d[i]) {
            sd_log("%s", err);
            for (int k = 0; k < i; k++)
                sd_http_stop(d[k]);
            return 1;
        }
    }
    sd_log("searchd %s serving %s on %d socket%s%s%s (%u threads)", WS_VERSION, sd.settings.index,
           st->nfds, st->nfds == 1 ? "" : "s", st->sock_path ? ": " : "",
           st->sock_path ? st->sock_path : "", st->threads);
    wait_for_stop(&set, err, errlen);
    stop_serving(d, st->nfds);
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    start st = {0};
    int rc = 0;
    if (parse_args(argc, argv, &opt) != 0)
        return 2;
    st.cfg = load_config(&opt, err, sizeof err);
    if (!st.cfg) {
        fprintf(stderr, "searchd: %s\n", err);
        return 2;
    }
    pthread_rwlock_init(&sd.lock, NULL);
    if (sd_settings_load(&sd.settings, st.cfg, err, sizeof err) != 0) {
        fprintf(stderr, "searchd: %s\n", err);
        rc = 2;
    } else if (read_settings(&st, err, sizeof err) != 0) {
        fprintf(stderr, "searchd: %s\n", err);
        rc = 2;
    } else {
        sd.threads = st.threads;
        sd.max_body = st.mem / 2;
        st.lim.max_request = st.mem;
        rc = open_listeners(&st, err, sizeof err);
        if (!rc)
            rc = serve(&st, err, sizeof err);
    }
    if (st.sock_path)
        unlink(st.sock_path);
    if (st.pid_file)
        unlink(st.pid_file);
    free(st.sock_default);
    free(st.pid_file);
    free(st.sp);
    free(st.tcp);
    sd_settings_free(&sd.settings);
    ws_config_free(st.cfg);
    return rc;
}
