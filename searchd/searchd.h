/*
 * searchd.h - the query daemon's parts and their shared state.
 *
 *   main.c    options, configuration, signals, start and orderly stop
 *   listen.c  listening sockets: UNIX (created safely), loopback TCP,
 *             and the ones systemd hands over (LISTEN_FDS)
 *   http.c    the HTTP API on libmicrohttpd: routing, limits, JSON
 *   stats.c   request counters and latency percentiles for /stats
 *   static.c  the web front end's files (web_root) and /file/ID
 */
#ifndef WS_SEARCHD_H
#define WS_SEARCHD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wsearch/config.h"

/* Settings that SIGHUP may change; read under settings_lock. */
typedef struct sd_settings {
    char *index;            /* index path */
    unsigned max_query;     /* bytes */
    unsigned max_page_size; /* hits per page */
    unsigned max_inflight;  /* requests served at once before 503 */
    double search_timeout;  /* seconds of matching (Enquire time limit) */
    unsigned facet_values;  /* values per facet */
    int log_requests;       /* one line per request on stderr */
    char *web_root;         /* folder of the web front end (searchd.web_root) */
    int serve_private;      /* /file/ID over TCP also for files others cannot read */
} sd_settings;

typedef struct sd_state {
    pthread_rwlock_t lock; /* guards settings and generation */
    sd_settings settings;
    unsigned generation; /* bumped by SIGHUP: threads reopen their index */
    double started;      /* monotonic seconds at start */
    atomic_int stopping; /* set once by the main thread, read by workers */
    unsigned threads;
    size_t max_body; /* bytes of request body accepted */
} sd_state;

extern sd_state sd;

/* Monotonic time in seconds. */
double sd_now(void);

/* Log one line to stderr with a timestamp (thread-safe, never fails). */
void sd_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Settings from a configuration (defaults for what it does not set). */
int sd_settings_load(sd_settings *s, const ws_config *c, char *err, size_t errlen);
void sd_settings_free(sd_settings *s);

/* ---- listen.c ----------------------------------------------------------- */

/* Sockets systemd passed (LISTEN_FDS for this pid): fills fds, returns the
 * count (0 if none), and clears the variables so children do not see them. */
int sd_listen_fds(int *fds, int max);
/* Create a UNIX socket at path with mode: a stale socket file is replaced,
 * a live one (a daemon answers) is refused.  -1 with err set on failure. */
int sd_listen_unix(const char *path, unsigned mode, char *err, size_t errlen);
/* Listen on a loopback "host:port" ("127.0.0.1:8080", "[::1]:8080",
 * "localhost:8080"); other addresses are refused. */
int sd_listen_tcp(const char *addr, char *err, size_t errlen);
/* 1 if fd is a UNIX-domain socket. */
int sd_is_unix(int fd);

/* ---- http.c ------------------------------------------------------------- */

struct MHD_Daemon;
/* Serve HTTP on the listening socket fd; NULL with err on failure. */
struct MHD_Daemon *sd_http_start(int fd, unsigned threads, unsigned max_connections,
                                 unsigned connection_timeout, size_t memory_limit, char *err,
                                 size_t errlen);
/* Requests being served now (for an orderly stop). */
unsigned sd_http_inflight(void);

/* ---- static.c ----------------------------------------------------------- */

struct MHD_Connection;
struct ws_searcher;
/* What a static.c handler did: queued a response (queued = 1, ret is
 * MHD_queue_response's result), or left an error for the caller to send. */
typedef struct sd_served {
    int queued;
    int ret;
    unsigned status;
    char message[256];
} sd_served;
/* "static" for /, /index.html and /static/..., "file" for /file/..., else
 * NULL. */
const char *sd_static_route(const char *url);
/* Serve a file of the web front end from web_root. */
void sd_static_serve(struct MHD_Connection *c, const char *url, sd_served *out);
/* Serve the original file of document idstr (only an indexed document's
 * own file, never through a symbolic link). */
void sd_file_serve(struct MHD_Connection *c, struct ws_searcher *s, const char *idstr,
                   sd_served *out);

/* ---- stats.c ------------------------------------------------------------ */

void sd_stats_record(const char *endpoint, unsigned status, double seconds);
/* Fill a JSON object (jansson json_t *) with counters and percentiles. */
void sd_stats_json(void *json_object);

#endif /* WS_SEARCHD_H */
