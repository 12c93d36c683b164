/*
 * static.c - the web front end's files and the original documents.
 *
 *   GET /, /index.html   web_root/index.html
 *   GET /static/NAME     web_root/NAME (NAME: letters, digits, . _ - /)
 *   GET /file/ID         the file an indexed document was read from
 *
 * Nothing here ever takes a file system path from the URL.  Static names
 * are checked character by character (no "..", no hidden names, no empty
 * segments) and then the resolved path must still lie inside the resolved
 * web_root.  /file/ID looks the path up in the document's stored record
 * and serves it only when that path is its own realpath: a document
 * reached through a symbolic link (which could point anywhere) is refused,
 * as is a file that vanished or stopped being a regular file.
 *
 * Files go out with sendfile (MHD_create_response_from_fd64), with a
 * Content-Type from a fixed table, X-Content-Type-Options: nosniff, and a
 * Content-Security-Policy: the page's own scripts and styles only, and a
 * sandbox for documents, so an HTML document's scripts never run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "searchd.h"
#include "wsearch/search.h"

/* The page may load only its own files; no inline scripts or styles. */
#define PAGE_CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "                 \
    "frame-ancestors 'none'"
/* Documents: an opaque origin that may run nothing and fetch nothing. */
#define DOC_CSP "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

static const struct {
    const char *ext;
    const char *type;
} static_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"txt", "text/plain; charset=utf-8"},
};

/* Document types as the indexer names them; inline: shown in the browser
 * rather than downloaded. */
static const struct {
    const char *type;
    const char *mime;
    int inline_;
} doc_types[] = {
    {"txt", "text/plain; charset=utf-8", 1},
    {"md", "text/plain; charset=utf-8", 1},
    {"html", "text/html", 1},
    {"pdf", "application/pdf", 1},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", 0},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0},
    {"odp", "application/vnd.oasis.opendocument.presentation", 0},
    {"odt", "application/vnd.oasis.opendocument.text", 0},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 0},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet", 0},
    {"png", "image/png", 1}, /* scans, recognised by OCR */
    {"jpg", "image/jpeg", 1},
    {"tiff", "image/tiff", 0}, /* browsers do not show TIFF */
    {"doc", "application/msword", 0},
    {"ppt", "application/vnd.ms-powerpoint", 0},
    {"xls", "application/vnd.ms-excel", 0},
    {"rtf", "application/rtf", 0},
};

static void fail(sd_served *out, unsigned status, const char *msg)
{
    out->queued = 0;
    out->status = status;
    size_t n = strnlen(msg, sizeof out->message - 1);
    memcpy(out->message, msg, n);
    out->message[n] = '\0';
}

static void queue(struct MHD_Connection *c, struct MHD_Response *r, sd_served *out)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    out->ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    out->queued = 1;
    out->status = MHD_HTTP_OK;
}

/* An open regular file as a response (the response owns fd), or NULL. */
static struct MHD_Response *file_response(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return NULL;
    }
    struct MHD_Response *r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
    if (!r)
        close(fd);
    return r;
}

/* 1 if name is a safe relative name: [A-Za-z0-9._-] segments joined by
 * single '/', none empty or starting with '.'. */
static int safe_name(const char *name)
{
    size_t n = strlen(name);
    if (!n || n > 200)
        return 0;
    int seg_start = 1;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (ch == '/') {
            if (seg_start)
                return 0; /* leading '/' or "//" */
            seg_start = 1;
            continue;
        }
        if (seg_start && ch == '.')
            return 0; /* ".", "..", hidden files */
        seg_start = 0;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return 0;
    }
    return !seg_start; /* no trailing '/' */
}

static const char *static_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    for (size_t i = 0; i < sizeof static_types / sizeof *static_types; i++)
        if (!strcmp(dot + 1, static_types[i].ext))
            return static_types[i].type;
    return NULL;
}

const char *sd_static_route(const char *url)
{
    if (!strcmp(url, "/") || !strcmp(url, "/index.html") || !strncmp(url, "/static/", 8))
        return "static";
    if (!strncmp(url, "/file/", 6))
        return "file";
    return NULL;
}

void sd_static_serve(struct MHD_Connection *c, const char *url, sd_served *out)
{
    const char *name = strncmp(url, "/static/", 8) ? "index.html" : url + 8;
    const char *type = static_type(name);
    if (!safe_name(name) || !type) {
        fail(out, MHD_HTTP_NOT_FOUND, "no such file");
        return;
    }
    pthread_rwlock_rdlock(&sd.lock);
    char *root = sd.settings.web_root ? realpath(sd.settings.web_root, NULL) : NULL;
    pthread_rwlock_unlock(&sd.lock);
    if (!root) {
        fail(out, MHD_HTTP_NOT_FOUND, "the web front end is not installed (searchd.web_root)");
        return;
    }
    char path[PATH_MAX];
    char *real = NULL;
    size_t rl = strlen(root);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root, name) < sizeof path)
        real = realpath(path, NULL);
    /* Inside web_root after every link is resolved. */
    int inside = real && !strncmp(real, root, rl) && real[rl] == '/';
    int fd = inside ? open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
    free(real);
    free(root);
    struct MHD_Response *r = fd >= 0 ? file_response(fd) : NULL;
    if (!r) {
        fail(out, MHD_HTTP_NOT_FOUND, "no such file");
        return;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "Content-Security-Policy", PAGE_CSP);
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    queue(c, r, out);
}

/* 1 if the file's bytes are UTF-8 (lead and continuation bytes line up;
 * enough to choose a charset).  The indexer reads text that is not UTF-8
 * as Windows-1252, and so must the browser.  Looks at the first 8 MB. */
static int is_utf8(int fd)
{
    unsigned char buf[65536];
    unsigned need = 0;
    off_t at = 0;
    ssize_t n;
    while (at < (8 << 20) && (n = pread(fd, buf, sizeof buf, at)) > 0) {
        at += n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char b = buf[i];
            if (need) {
                if ((b & 0xC0) != 0x80)
                    return 0;
                need--;
            } else if (b >= 0x80) {
                if (b >= 0xC2 && b <= 0xDF)
                    need = 1;
                else if (b >= 0xE0 && b <= 0xEF)
                    need = 2;
                else if (b >= 0xF0 && b <= 0xF4)
                    need = 3;
                else
                    return 0;
            }
        }
    }
    return need == 0;
}

/* Content-Disposition with the file's own name, percent-encoded (RFC 6266). */
static void disposition(struct MHD_Response *r, const char *path, int inline_)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char v[1024];
    size_t k =
        (size_t)snprintf(v, sizeof v, "%s; filename*=UTF-8''", inline_ ? "inline" : "attachment");
    for (const unsigned char *p = (const unsigned char *)base; *p && k + 4 < sizeof v; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '.' || *p == '-' || *p == '_')
            v[k++] = (char)*p;
        else
            k += (size_t)snprintf(v + k, sizeof v - k, "%%%02X", *p);
    }
    v[k] = '\0';
    MHD_add_response_header(r, "Content-Disposition", v);
}

/* 1 if the client came over TCP rather than the UNIX socket. */
static int over_tcp(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return 1; /* unknown: the careful answer */
    return ci->client_addr->sa_family != AF_UNIX;
}

static int private_ok(void)
{
    pthread_rwlock_rdlock(&sd.lock);
    int ok = sd.settings.serve_private;
    pthread_rwlock_unlock(&sd.lock);
    return ok;
}

void sd_file_serve(struct MHD_Connection *c, struct ws_searcher *s, const char *idstr,
                   sd_served *out)
{
    size_t n = strspn(idstr, "0123456789");
    unsigned long id = n && n <= 10 && !idstr[n] && idstr[0] != '0' ? strtoul(idstr, NULL, 10) : 0;
    if (!id || id > 0xffffffffUL) {
        fail(out, MHD_HTTP_NOT_FOUND, "no such document");
        return;
    }
    ws_error err;
    ws_document *d = NULL;
    int rc = ws_searcher_document(s, (uint32_t)id, &d, &err);
    if (rc == WS_ECORRUPT) {
        fail(out, MHD_HTTP_NOT_FOUND, "no file for this document");
        return;
    }
    if (rc != WS_OK) {
        fail(out, rc == WS_ENOTFOUND ? MHD_HTTP_NOT_FOUND : MHD_HTTP_SERVICE_UNAVAILABLE, err.msg);
        return;
    }
    const char *path = ws_document_field(d, WS_FIELD_PATH);
    const char *type = ws_doctype_name(ws_document_type(d));
    const char *mime = NULL;
    int inline_ = 0;
    for (size_t i = 0; type && i < sizeof doc_types / sizeof *doc_types; i++)
        if (!strcmp(type, doc_types[i].type)) {
            mime = doc_types[i].mime;
            inline_ = doc_types[i].inline_;
        }
    if (!path || path[0] != '/' || !mime) {
        ws_document_free(d);
        fail(out, MHD_HTTP_NOT_FOUND, "no file for this document");
        return;
    }
    /* The stored path must be the file's real path: a link (to anywhere)
     * or a moved file is not followed. */
    char *real = realpath(path, NULL);
    if (!real) {
        ws_document_free(d);
        fail(out, MHD_HTTP_NOT_FOUND, "the document's file no longer exists");
        return;
    }
    int same = !strcmp(real, path);
    int fd = same ? open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) : -1;
    free(real);
    /* A file its owner keeps from others (mode 0600, 000 indexed as root)
     * is not handed to whoever reaches the TCP port; the UNIX socket is
     * guarded by its own mode and group.  searchd.serve_private = true
     * allows it. */
    struct stat fst;
    if (fd >= 0 && fstat(fd, &fst) == 0 && !(fst.st_mode & S_IROTH) && over_tcp(c) &&
        !private_ok()) {
        close(fd);
        ws_document_free(d);
        fail(out, MHD_HTTP_FORBIDDEN,
             "the document's file is not readable by others; not served over TCP "
             "(searchd.serve_private = true allows it)");
        return;
    }
    if (fd >= 0 && !strncmp(mime, "text/plain", 10) && !is_utf8(fd))
        mime = "text/plain; charset=windows-1252";
    struct MHD_Response *r = fd >= 0 ? file_response(fd) : NULL;
    if (!r) {
        ws_document_free(d);
        fail(out, MHD_HTTP_FORBIDDEN,
             same ? "the document's file cannot be read"
                  : "the document's file is reached through a symbolic link; not served");
        return;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    /* A PDF viewer is a plugin, which a sandbox would block. */
    if (strcmp(type, "pdf") != 0)
        MHD_add_response_header(r, "Content-Security-Policy", DOC_CSP);
    disposition(r, path, inline_);
    ws_document_free(d);
    queue(c, r, out);
}
