/*
 * guard.c - per-connection deadlines and shedding for searchd.
 *
 * libmicrohttpd's own connection timeout is an idle timer that every
 * received byte resets, so a client sending one byte every few seconds
 * holds its connection for ever, and enough of them fill the connection
 * limit.  The guard keeps a registry of the connections of one daemon
 * (MHD_OPTION_NOTIFY_CONNECTION tells it when one opens and closes) and
 * knows for each which phase it is in:
 *
 *   receiving  waiting for or reading a request: it has a deadline.  The
 *              first request must have arrived whole (request line,
 *              headers, body) within request_timeout of the accept; on a
 *              kept-alive connection the next request line must come
 *              within connection_timeout and the rest within
 *              request_timeout of it.  A deadline on the whole request,
 *              not on the gap between bytes, is the minimum-rate rule: a
 *              request of max_request bytes must come at max_request /
 *              request_timeout bytes a second or faster.
 *   serving    the request is complete and being answered: no deadline
 *              here (the query budgets bound the work; a client that does
 *              not read its answer meets libmicrohttpd's idle timeout).
 *
 * A reaper thread checks the deadlines ten times a second, and also cuts
 * receiving connections whose client has shut down its sending side with
 * a request unfinished (POLLRDHUP with nothing left unread): that request
 * can never complete, so it gets a close at once rather than a wait.
 * When a new connection brings the count near the daemon's connection
 * limit, the oldest receiving connection is shed, so idle and trickling
 * clients give way to new ones instead of the new ones being refused.
 *
 * How a connection is closed from outside: libmicrohttpd has no call for
 * that in 0.9.75 (MHD_suspend/resume only park a connection inside the
 * access handler, which a trickling client never reaches), so the guard
 * calls shutdown(2) on the connection's socket.  The socket stays open and
 * owned by libmicrohttpd, which sees end-of-file in its own thread and
 * closes and frees the connection the normal way.  The registry lock is
 * held across the shutdown and across the CLOSED notification, which
 * libmicrohttpd sends before it closes the descriptor, so a descriptor
 * number that was reused by a newer connection is never touched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "searchd.h"

typedef struct slot {
    struct MHD_Connection *c;
    int fd;
    size_t idx;      /* position in the registry */
    double since;    /* start of the current phase */
    double deadline; /* while receiving */
    int serving;     /* a complete request is being answered */
    int kept;        /* waiting for a further request on a kept-alive connection */
    int cut;         /* shut down by the guard; closing */
    int rdhup;       /* reaper ticks the client was seen gone with nothing unread */
    const char *uri; /* raw request line's URI (in libmicrohttpd's buffer) */
    size_t uri_len;  /* its length up to the first NUL */
    int path_nul;    /* "%00" in its path */
} slot;

struct sd_guard {
    pthread_mutex_t lock;
    slot **v;
    size_t n, cap;
    size_t live;    /* not yet cut */
    size_t shed_at; /* live connections that make a new one shed the oldest */
    sd_limits lim;
    pthread_t reaper;
    int has_reaper;
    atomic_int stop;
};

/* Counters over all daemons, for /stats. */
static atomic_ulong n_deadline, n_shed, n_gone, n_open;

static void cut(sd_guard *g, slot *s, atomic_ulong *counter)
{
    if (s->cut)
        return;
    s->cut = 1;
    g->live--;
    atomic_fetch_add(counter, 1);
    shutdown(s->fd, SHUT_RDWR);
}

/* Receiving connections that are past their deadline, or whose client
 * will send no more. */
static void reap(sd_guard *g)
{
    double now = sd_now();
    pthread_mutex_lock(&g->lock);
    struct pollfd *pf = g->n ? calloc(g->n, sizeof *pf) : NULL;
    slot **who = g->n ? calloc(g->n, sizeof *who) : NULL;
    size_t np = 0;
    for (size_t i = 0; i < g->n; i++) {
        slot *s = g->v[i];
        if (s->serving || s->cut)
            continue;
        if (now > s->deadline) {
            cut(g, s, &n_deadline);
            continue;
        }
        if (pf && who) {
            pf[np].fd = s->fd;
            pf[np].events = POLLRDHUP;
            who[np++] = s;
        }
    }
    if (np && poll(pf, np, 0) > 0) {
        for (size_t i = 0; i < np; i++) {
            slot *s = who[i];
            int unread = 0;
            if (!(pf[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) ||
                ioctl(s->fd, FIONREAD, &unread) != 0 || unread > 0) {
                s->rdhup = 0;
                continue;
            }
            /* Seen on two ticks: libmicrohttpd had its chance to read and
             * act on what came before the end. */
            if (++s->rdhup >= 2)
                cut(g, s, &n_gone);
        }
    }
    free(pf);
    free(who);
    pthread_mutex_unlock(&g->lock);
}

static void *reaper_main(void *arg)
{
    sd_guard *g = arg;
    while (!atomic_load(&g->stop)) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        reap(g);
    }
    return NULL;
}

sd_guard *sd_guard_new(const sd_limits *lim, char *err, size_t errlen)
{
    sd_guard *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->lim = *lim;
    /* Headroom: an eighth of the limit, at least 8, so shedding starts
     * before libmicrohttpd would refuse. */
    size_t room = lim->max_connections / 8 < 8 ? 8 : lim->max_connections / 8;
    g->shed_at = lim->max_connections > room ? lim->max_connections - room : 1;
    pthread_mutex_init(&g->lock, NULL);
    if (pthread_create(&g->reaper, NULL, reaper_main, g) != 0) {
        snprintf(err, errlen, "cannot start the connection reaper: %s", strerror(errno));
        pthread_mutex_destroy(&g->lock);
        free(g);
        return NULL;
    }
    g->has_reaper = 1;
    return g;
}

void sd_guard_free(sd_guard *g)
{
    if (!g)
        return;
    atomic_store(&g->stop, 1);
    if (g->has_reaper)
        pthread_join(g->reaper, NULL);
    for (size_t i = 0; i < g->n; i++)
        free(g->v[i]);
    free(g->v);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

/* The oldest receiving connection other than skip, or NULL. */
static slot *oldest_receiving(sd_guard *g, const slot *skip)
{
    slot *best = NULL;
    for (size_t i = 0; i < g->n; i++) {
        slot *s = g->v[i];
        if (s == skip || s->serving || s->cut)
            continue;
        if (!best || s->since < best->since)
            best = s;
    }
    return best;
}

void sd_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    sd_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        slot *s = calloc(1, sizeof *s);
        if (!s || !ci) {
            free(s);
            *socket_context = NULL;
            return; /* unguarded, but served: libmicrohttpd's limits still hold */
        }
        s->c = c;
        s->fd = ci->connect_fd;
        s->since = sd_now();
        s->deadline = s->since + g->lim.request_timeout;
        pthread_mutex_lock(&g->lock);
        if (g->n == g->cap) {
            size_t nc = g->cap ? g->cap * 2 : 64;
            slot **nv = realloc(g->v, nc * sizeof *nv);
            if (!nv) {
                pthread_mutex_unlock(&g->lock);
                free(s);
                *socket_context = NULL;
                return;
            }
            g->v = nv;
            g->cap = nc;
        }
        s->idx = g->n;
        g->v[g->n++] = s;
        g->live++;
        if (g->live > g->shed_at) {
            slot *old = oldest_receiving(g, s);
            if (old)
                cut(g, old, &n_shed);
        }
        pthread_mutex_unlock(&g->lock);
        atomic_fetch_add(&n_open, 1);
        *socket_context = s;
        return;
    }
    slot *s = *socket_context;
    if (!s)
        return;
    pthread_mutex_lock(&g->lock);
    size_t i = s->idx;
    g->v[i] = g->v[--g->n];
    g->v[i]->idx = i;
    if (!s->cut)
        g->live--;
    pthread_mutex_unlock(&g->lock);
    atomic_fetch_sub(&n_open, 1);
    free(s);
    *socket_context = NULL;
}

static slot *slot_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void sd_guard_request_line(sd_guard *g, struct MHD_Connection *c, const char *uri)
{
    slot *s = slot_of(c);
    if (!g || !s)
        return;
    pthread_mutex_lock(&g->lock);
    if (s->kept) {
        s->kept = 0;
        s->since = sd_now();
        s->deadline = s->since + g->lim.request_timeout;
    }
    s->uri = uri;
    s->uri_len = strlen(uri);
    /* Checked now: libmicrohttpd unescapes the path in place afterwards,
     * and "%00" would then end /doc/1%00 as /doc/1. */
    size_t n = strcspn(uri, "?");
    s->path_nul = 0;
    for (size_t i = 0; i + 2 < n; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            s->path_nul = 1;
    pthread_mutex_unlock(&g->lock);
}

int sd_guard_flaws(struct MHD_Connection *c, const char *version, size_t *uri_len)
{
    slot *s = slot_of(c);
    *uri_len = 0;
    if (!s || !s->uri)
        return 0;
    *uri_len = s->uri_len;
    int flaws = s->path_nul ? SD_FLAW_PATH_NUL : 0;
    /* libmicrohttpd splits the request line in its own buffer: the URI
     * ends where the version begins, the space between them made a NUL.
     * Anything but that NUL and spaces after the URI's first NUL means the
     * client put a NUL byte into the URI, which the C string cut off.
     * (Unescaping later only shortens the URI within its first uri_len
     * bytes, so this stretch is still the client's.) */
    if (version && version > s->uri && (size_t)(version - s->uri) < ((size_t)1 << 20))
        for (const char *p = s->uri + s->uri_len + 1; p < version; p++)
            if (*p != ' ' && *p != '\0') {
                flaws |= SD_FLAW_RAW_NUL;
                break;
            }
    return flaws;
}

void sd_guard_serving(sd_guard *g, struct MHD_Connection *c, int serving)
{
    slot *s = slot_of(c);
    if (!g || !s)
        return;
    pthread_mutex_lock(&g->lock);
    s->serving = serving;
    if (!serving) {
        /* The answer went out; the connection may carry another request. */
        s->kept = 1;
        s->uri = NULL;
        s->since = sd_now();
        s->deadline = s->since + g->lim.connection_timeout;
    }
    pthread_mutex_unlock(&g->lock);
}

void sd_guard_stats(unsigned long *open, unsigned long *deadline, unsigned long *shed,
                    unsigned long *gone)
{
    *open = atomic_load(&n_open);
    *deadline = atomic_load(&n_deadline);
    *shed = atomic_load(&n_shed);
    *gone = atomic_load(&n_gone);
}

void sd_guard_raise_nofile(unsigned long want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= (rlim_t)want)
        return;
    rl.rlim_cur =
        rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t)want ? (rlim_t)want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        sd_log("cannot raise the open file limit to %lu: %s", (unsigned long)want, strerror(errno));
}
