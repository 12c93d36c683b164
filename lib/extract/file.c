/*
 * file.c - reading a file to extract, with limits (ws_extract_file).
 *
 * Files are read into memory whole, after fstat says they are regular and
 * small enough; the read itself stops one byte past the limit, so a file
 * that grows while it is read cannot slip past max_input either.  Anything
 * but a regular file is refused before it is opened, and opening uses
 * O_NONBLOCK so that a FIFO swapped in at the last moment cannot hang the
 * indexer before fstat refuses it.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fdio.h"

static int errno_error(ws_error *err, const char *path, int e)
{
    char msg[128];
    if (strerror_r(e, msg, sizeof msg) != 0)
        msg[0] = '\0';
    int code = (e == ENOENT || e == ENOTDIR) ? WS_ENOTFOUND : WS_EIO;
    return ws_error_set(err, code, "%s: %s", path, msg[0] ? msg : "cannot read file");
}

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a pipe";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "a special file";
}

/* Read all of fd, at most max bytes; ETOOBIG past that. */
static int read_all(int fd, const char *path, size_t size_hint, size_t max, char **data,
                    size_t *len, ws_error *err)
{
    size_t cap = (size_hint < max ? size_hint : max) + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory for %zu bytes", path, cap);
    for (;;) {
        if (n == cap) {
            if (n > max) {
                free(buf);
                return ws_error_set(err, WS_ETOOBIG,
                                    "%s: file grew past the limit of %zu bytes while read", path,
                                    max);
            }
            size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
            char *p = realloc(buf, ncap);
            if (!p) {
                free(buf);
                return ws_error_set(err, WS_ENOMEM, "%s: out of memory", path);
            }
            buf = p;
            cap = ncap;
        }
        size_t got;
        if (ws_read_full(fd, buf + n, cap - n, &got) != 0) {
            int e = errno;
            free(buf);
            return errno_error(err, path, e);
        }
        int end = got < cap - n; /* short only at the end of the file */
        n += got;
        if (end)
            break;
    }
    if (n > max) {
        free(buf);
        return ws_error_set(err, WS_ETOOBIG, "%s: file grew past the limit of %zu bytes while read",
                            path, max);
    }
    *data = buf;
    *len = n;
    return WS_OK;
}

int ws_extract_file(const char *path, const ws_extract_options *opts, ws_extracted **out,
                    ws_error *err)
{
    if (!path || !out)
        return ws_error_set(err, WS_EINVAL, "ws_extract_file: no path or output");
    *out = NULL;
    ws_extract_options o;
    int rc = ws_x_resolve_options(opts, &o, err);
    if (rc)
        return rc;
    ws_doctype type = ws_doctype_from_path(path);
    if (type == WS_DOC_UNKNOWN)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: unsupported file type", path);

    /* stat first so that a FIFO or device is never even opened; fstat
     * below checks again in case the path was swapped in between. */
    struct stat st;
    if (stat(path, &st) != 0)
        return errno_error(err, path, errno);
    if (!S_ISREG(st.st_mode))
        return ws_error_set(err, WS_EIO, "%s: is %s, not a regular file", path,
                            file_kind(st.st_mode));
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno_error(err, path, errno);
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return errno_error(err, path, e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ws_error_set(err, WS_EIO, "%s: is %s, not a regular file", path,
                            file_kind(st.st_mode));
    }
    if (st.st_size < 0 || (uintmax_t)st.st_size > (uintmax_t)o.max_input) {
        close(fd);
        return ws_error_set(err, WS_ETOOBIG, "%s: file is %jd bytes, over the limit of %zu", path,
                            (intmax_t)st.st_size, o.max_input);
    }
    char *data = NULL;
    size_t len = 0;
    rc = read_all(fd, path, (size_t)st.st_size, o.max_input, &data, &len, err);
    close(fd);
    if (rc)
        return rc;
    rc = ws_extract_buffer(type, data, len, path, &o, out, err);
    free(data);
    return rc;
}
