/*
 * config.c - a small "key = value" configuration reader.
 *
 * Deliberately tiny (no includes, no variables): a service's configuration
 * is read by people under stress, and every line means what it says.
 */
#define _POSIX_C_SOURCE 200809L
#include "wsearch/config.h"

#include "config/config_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WS_SYSCONFDIR
#define WS_SYSCONFDIR "/etc/wsearch"
#endif
#ifndef WS_DATADIR
#define WS_DATADIR "/usr/share/wsearch"
#endif

#define MAX_LINE    4096
#define MAX_ENTRIES 1024

typedef struct entry {
    char *key, *value;
    unsigned line; /* where the file set it; 0: set by a program */
} entry;

struct ws_config {
    entry *v;
    size_t n;
    char *path; /* the file read, for messages; NULL for ws_config_new */
};

int ws_config_new(ws_config **out, ws_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
}

void ws_config_free(ws_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].key);
        free(c->v[i].value);
    }
    free(c->v);
    free(c->path);
    free(c);
}

const char *ws_config_get(const ws_config *c, const char *key)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (!strcmp(c->v[i].key, key))
            return c->v[i].value;
    return NULL;
}

int ws_config_entry(const ws_config *c, size_t i, const char **key, const char **value,
                    unsigned *line)
{
    if (!c || i >= c->n)
        return 0;
    *key = c->v[i].key;
    *value = c->v[i].value;
    *line = c->v[i].line;
    return 1;
}

const char *ws_config_path(const ws_config *c)
{
    return c ? c->path : NULL;
}

unsigned ws_config_line(const ws_config *c, const char *key)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (!strcmp(c->v[i].key, key))
            return c->v[i].line;
    return 0;
}

static int set_at(ws_config *c, const char *key, const char *value, unsigned line, ws_error *err)
{
    char *v = strdup(value);
    if (!v)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].key, key)) {
            free(c->v[i].value);
            c->v[i].value = v;
            c->v[i].line = line;
            return WS_OK;
        }
    if (c->n >= MAX_ENTRIES) {
        free(v);
        return ws_error_set(err, WS_ETOOBIG, "too many configuration keys");
    }
    entry *nv = realloc(c->v, (c->n + 1) * sizeof *nv);
    char *k = strdup(key);
    if (!nv || !k) {
        if (nv)
            c->v = nv;
        free(k);
        free(v);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    c->v = nv;
    c->v[c->n].key = k;
    c->v[c->n].value = v;
    c->v[c->n].line = line;
    c->n++;
    return WS_OK;
}

int ws_config_set(ws_config *c, const char *key, const char *value, ws_error *err)
{
    return set_at(c, key, value, 0, err);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

int ws_config_load(ws_config **out, const char *path, ws_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return ws_error_set(err, errno == ENOENT ? WS_ENOTFOUND : WS_EIO, "%s: %s", path,
                            strerror(errno));
    ws_config *c = NULL;
    int rc = ws_config_new(&c, err);
    if (rc == WS_OK && !(c->path = strdup(path)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    char line[MAX_LINE + 2], section[128] = "";
    unsigned lineno = 0;
    while (rc == WS_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (strlen(line) > MAX_LINE && line[strlen(line) - 1] != '\n') {
            rc = ws_error_set(err, WS_EFORMAT, "%s:%u: line too long", path, lineno);
            break;
        }
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e[1] || e - s - 1 >= (long)sizeof section) {
                rc = ws_error_set(err, WS_EFORMAT, "%s:%u: malformed [section]", path, lineno);
                break;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = ws_error_set(err, WS_EFORMAT, "%s:%u: expected 'key = value'", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        if (!*key) {
            rc = ws_error_set(err, WS_EFORMAT, "%s:%u: missing key before '='", path, lineno);
            break;
        }
        size_t vl = strlen(val);
        if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
            val[vl - 1] = '\0';
            val++;
        } else {
            /* a trailing comment after an unquoted value */
            char *hash = strstr(val, " #");
            if (hash)
                *hash = '\0';
            val = trim(val);
        }
        char full[256];
        if (*section)
            snprintf(full, sizeof full, "%s.%s", section, key);
        else
            snprintf(full, sizeof full, "%s", key);
        rc = set_at(c, full, val, lineno, err);
    }
    if (rc == WS_OK && ferror(f))
        rc = ws_error_set(err, WS_EIO, "%s: read error", path);
    fclose(f);
    if (rc != WS_OK) {
        ws_config_free(c);
        return rc;
    }
    *out = c;
    return WS_OK;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", a, b);
    return p;
}

int ws_config_ocr_set(ws_extract_options *o, const char *key, const char *value, ws_error *err)
{
    if (!strcmp(key, "ocr")) {
        if (!strcmp(value, "auto"))
            o->ocr = WS_OCR_AUTO;
        else if (!strcmp(value, "off"))
            o->ocr = WS_OCR_OFF;
        else
            return ws_error_set(err, WS_EINVAL, "ocr = '%.64s': expected auto or off", value);
        return WS_OK;
    }
    if (!strcmp(key, "ocr_languages")) {
        /* Tesseract names (deu, eng, chi_sim, script/Latin is not one of
         * them) joined by '+': nothing that could reach a path. */
        size_t n = strlen(value), parts = 0;
        int ok = n > 0 && n < 128 && value[0] != '+' && value[n - 1] != '+' && !strstr(value, "++");
        for (size_t i = 0; ok && i < n; i++) {
            char ch = value[i];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || ch == '+';
            parts += ch == '+';
        }
        if (!ok || parts >= 8)
            return ws_error_set(err, WS_EINVAL,
                                "ocr_languages = '%.64s': expected Tesseract languages joined by "
                                "'+', such as deu or deu+eng",
                                value);
        o->ocr_languages = value;
        return WS_OK;
    }
    int dpi = !strcmp(key, "ocr_dpi");
    if (dpi || !strcmp(key, "ocr_page_timeout")) {
        long lo = dpi ? 70 : 1, hi = dpi ? 1200 : 3600;
        char *end = NULL;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < lo || v > hi)
            return ws_error_set(err, WS_EINVAL, "%s = '%.64s': expected a number from %ld to %ld",
                                key, value, lo, hi);
        if (dpi)
            o->ocr_dpi = (unsigned)v;
        else
            o->ocr_page_timeout = (unsigned)v;
    }
    return WS_OK;
}

int ws_config_ocr(const ws_config *c, ws_extract_options *o, ws_error *err)
{
    static const char *const keys[] = {"ocr", "ocr_languages", "ocr_dpi", "ocr_page_timeout"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = ws_config_get(c, keys[i]);
        int rc = v ? ws_config_ocr_set(o, keys[i], v, err) : WS_OK;
        if (rc != WS_OK)
            return rc;
    }
    return WS_OK;
}

char *ws_config_default_path(void)
{
    const char *e = getenv("WSEARCH_CONFIG");
    if (e && *e)
        return strdup(e);
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *p = NULL;
    if (xdg && *xdg)
        p = join(xdg, "/wsearch/wsearch.conf");
    else if (home && *home)
        p = join(home, "/.config/wsearch/wsearch.conf");
    if (p && access(p, R_OK) == 0)
        return p;
    free(p);
    char *etc = ws_config_sysconf_dir();
    p = etc ? join(etc, "/wsearch.conf") : NULL;
    free(etc);
    if (p && access(p, R_OK) == 0)
        return p;
    free(p);
    return NULL;
}

/* PREFIX of the running program if it sits in PREFIX/bin or PREFIX/sbin;
 * malloc'd, or NULL. */
static char *exe_prefix(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    slash = strrchr(exe, '/');
    if (!slash || (strcmp(slash, "/bin") != 0 && strcmp(slash, "/sbin") != 0))
        return NULL;
    *slash = '\0';
    return strdup(*exe ? exe : "/");
}

static int is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *ws_config_sysconf_dir(void)
{
    char *prefix = exe_prefix(), *p = NULL;
    /* GNU conventions: /usr's configuration is in /etc, /opt/X's in /etc/opt/X */
    if (prefix && !strcmp(prefix, "/usr"))
        p = strdup("/etc/wsearch");
    else if (prefix && !strncmp(prefix, "/opt/", 5)) {
        char *e = join("/etc", prefix);
        p = e ? join(e, "/wsearch") : NULL;
        free(e);
    } else if (prefix)
        p = join(prefix, "/etc/wsearch");
    free(prefix);
    if (is_dir(p))
        return p;
    free(p);
    return strdup(WS_SYSCONFDIR);
}

char *ws_config_data_dir(void)
{
    char *prefix = exe_prefix();
    char *p = prefix ? join(prefix, "/share/wsearch") : NULL;
    free(prefix);
    if (is_dir(p))
        return p;
    free(p);
    return strdup(WS_DATADIR);
}

char *ws_config_default_index(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        return join(xdg, "/wsearch/index");
    if (home && *home)
        return join(home, "/.local/share/wsearch/index");
    return NULL;
}

char *ws_config_default_socket(void)
{
    const char *e = getenv("WSEARCH_SOCKET");
    if (e && *e)
        return strdup(e);
    /* root's services use /run; a user's daemon lives in its runtime dir */
    const char *rt = getenv("XDG_RUNTIME_DIR");
    if (rt && *rt && getuid() != 0)
        return join(rt, "/wsearch/searchd.sock");
    return strdup("/run/wsearch/searchd.sock");
}
