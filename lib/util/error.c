/*
 * error.c - status codes to text and the ws_error record.
 */
#include "wsearch/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ws_strerror(int code)
{
    switch (code) {
    case WS_OK:
        return "success";
    case WS_ENOMEM:
        return "out of memory";
    case WS_EIO:
        return "input/output error";
    case WS_ENOTFOUND:
        return "not found";
    case WS_ELOCKED:
        return "index is locked by another writer";
    case WS_ECORRUPT:
        return "index is corrupt";
    case WS_EMODIFIED:
        return "index was modified during the read";
    case WS_EQUERY:
        return "invalid query";
    case WS_EINVAL:
        return "invalid argument";
    case WS_EVERSION:
        return "incompatible index version";
    case WS_ETOOBIG:
        return "input too large";
    case WS_EFORMAT:
        return "invalid file format";
    case WS_EINTERNAL:
        return "internal error";
    case WS_ETIMEOUT:
        return "time limit reached";
    case WS_EUNSUPPORTED:
        return "unsupported";
    case WS_ENETWORK:
        return "a remote shard could not be reached";
    default:
        return "unknown error";
    }
}

int ws_error_set(ws_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    /* Format aside first: callers prefix a message with its own old text
     * ("%s: cannot open index: %s", ..., err->msg), and vsnprintf into the
     * buffer it reads from garbles it. */
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err->code = code;
    memcpy(err->msg, msg, sizeof msg);
    /* Messages end up on one terminal line or one JSON string. */
    for (char *p = err->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void ws_error_clear(ws_error *err)
{
    if (!err)
        return;
    err->code = WS_OK;
    err->msg[0] = '\0';
}
