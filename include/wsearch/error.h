/*
 * wsearch/error.h - status codes and the error record every call fills in.
 *
 * Every fallible ws_ function returns an int status (WS_OK or a negative
 * WS_E* code) and, when it fails and the caller passed a ws_error, writes a
 * one-line human-readable message into it.  The ws_error lives in the
 * caller's memory (usually on the stack), so there is nothing to free and
 * nothing global: calls on different threads never share error state.
 * Library code never prints and never exits; the caller decides.
 */
#ifndef WSEARCH_ERROR_H
#define WSEARCH_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    WS_OK = 0,
    WS_ENOMEM = -1,     /* out of memory */
    WS_EIO = -2,        /* reading or writing a file failed */
    WS_ENOTFOUND = -3,  /* index, document or file does not exist */
    WS_ELOCKED = -4,    /* another process is writing the index */
    WS_ECORRUPT = -5,   /* the index is damaged */
    WS_EMODIFIED = -6,  /* index changed under a reader: reopen and retry */
    WS_EQUERY = -7,     /* the query cannot be parsed */
    WS_EINVAL = -8,     /* bad argument */
    WS_EVERSION = -9,   /* index built with a different analysis or format */
    WS_ETOOBIG = -10,   /* input over a configured limit */
    WS_EFORMAT = -11,   /* file content is not what its type promises */
    WS_EINTERNAL = -12, /* unexpected error inside a dependency */
    WS_ETIMEOUT = -13,  /* a time limit was reached */
    WS_EUNSUPPORTED = -14,
    WS_ENETWORK = -15 /* a remote shard (xapian-tcpsrv) did not answer or went
                         away; the next open or reopen connects again */
};

#define WS_ERROR_MSG_MAX 512

typedef struct ws_error {
    int code;                   /* same as the returned status */
    char msg[WS_ERROR_MSG_MAX]; /* NUL-terminated, one line, no trailing newline */
} ws_error;

/* Static description of a status code ("out of memory", ...). Never NULL. */
const char *ws_strerror(int code);

/*
 * Record an error: sets err->code and formats err->msg (printf-style,
 * truncated to fit, newlines replaced by spaces).  err may be NULL.
 * Returns code, so callers can write `return ws_error_set(err, WS_EIO, ...)`.
 */
int ws_error_set(ws_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset err to WS_OK with an empty message.  err may be NULL. */
void ws_error_clear(ws_error *err);

/* What this build of the library is: static strings, never NULL.  The
 * analysis signature names the German analysis an index was built with
 * (an index built with another one must be rebuilt). */
typedef struct ws_version_info {
    const char *wsearch;  /* "0.1.0" */
    const char *xapian;   /* the xapian-core version linked in */
    const char *analysis; /* the analysis signature stored in every index */
} ws_version_info;
void ws_version(ws_version_info *out);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_ERROR_H */
