/*
 * settings.c - every setting wsearch and searchd know, resolved one way.
 *
 * One table names each key, its environment variable, what values it
 * takes and its default; ws_config_resolve applies the one precedence
 * (flag > environment > file > default) and the one spelling of "off"
 * ("off", "none", ""), and ws_config_check rejects a file with a key the
 * table does not know, naming the file and line.  Before this table each
 * program resolved its settings by hand, in different orders, and a typo
 * in a key was silently ignored.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_int.h"
#include "wsearch/config.h"
#include "wsearch/search.h"

typedef enum kind {
    K_PATH,     /* a file or folder; cannot be off */
    K_PATH_OFF, /* a file, socket or address; may be off */
    K_UINT,     /* a number in [lo, hi] */
    K_BOOL,     /* on/true/yes or off/false/no */
    K_ENUM,     /* one of choices ("off" among them: may be off) */
    K_OCR       /* checked by ws_config_ocr_set */
} kind;

typedef struct def {
    const char *key;
    const char *env; /* environment variable, or NULL */
    kind kind;
    unsigned lo, hi, dflt; /* K_UINT range and default; K_BOOL default */
    int base;              /* K_UINT: 10, or 0 for C notation (0660) */
    const char *choices;   /* K_ENUM: '|'-separated; the first is the default */
} def;

static const def defs[] = {
    {"index", "WSEARCH_INDEX", K_PATH, 0, 0, 0, 0, NULL},
    {"limit", NULL, K_UINT, 0, WS_SEARCH_MAX_LIMIT, 10, 10, NULL},
    {"color", NULL, K_ENUM, 0, 0, 0, 0, "auto|always|never"},
    {"synonyms", "WSEARCH_SYNONYMS", K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"dictionary", "WSEARCH_DICTIONARY", K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"openthesaurus", "WSEARCH_OPENTHESAURUS", K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"ocr", NULL, K_ENUM, 0, 0, 0, 0, "auto|off"},
    {"ocr_languages", NULL, K_OCR, 0, 0, 0, 0, NULL},
    {"ocr_dpi", NULL, K_OCR, 0, 0, 0, 0, NULL},
    {"ocr_page_timeout", NULL, K_OCR, 0, 0, 0, 0, NULL},
    {"searchd.socket", "WSEARCH_SOCKET", K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"searchd.socket_mode", NULL, K_UINT, 0, 0777, 0660, 0, NULL},
    {"searchd.tcp", NULL, K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"searchd.threads", NULL, K_UINT, 1, 256, 0, 0, NULL}, /* default: the CPUs */
    {"searchd.max_connections", NULL, K_UINT, 1, 100000, 1024, 0, NULL},
    {"searchd.max_connections_per_ip", NULL, K_UINT, 0, 100000, 64, 0, NULL},
    {"searchd.max_inflight", NULL, K_UINT, 1, 100000, 256, 0, NULL},
    {"searchd.connection_timeout", NULL, K_UINT, 1, 3600, 10, 0, NULL},
    {"searchd.request_timeout", NULL, K_UINT, 1, 3600, 5, 0, NULL},
    {"searchd.max_request", NULL, K_UINT, 1024, 1u << 24, 32768, 0, NULL},
    {"searchd.max_query", NULL, K_UINT, 16, 1u << 20, 4096, 0, NULL},
    {"searchd.max_query_terms", NULL, K_UINT, 1, 100000, WS_SEARCH_MAX_TERMS, 0, NULL},
    {"searchd.max_expansion", NULL, K_UINT, 1, 1000000, WS_SEARCH_MAX_EXPANSION, 0, NULL},
    {"searchd.max_page_size", NULL, K_UINT, 1, 1000, 100, 0, NULL},
    {"searchd.search_timeout_ms", NULL, K_UINT, 0, 600000, 2000, 0, NULL},
    {"searchd.facet_values", NULL, K_UINT, 0, 1000, 20, 0, NULL},
    {"searchd.log_requests", NULL, K_BOOL, 0, 0, 1, 0, NULL},
    {"searchd.pid_file", NULL, K_PATH_OFF, 0, 0, 0, 0, NULL},
    {"searchd.web_root", NULL, K_PATH, 0, 0, 0, 0, NULL},
    {"searchd.serve_private", NULL, K_BOOL, 0, 0, 0, 0, NULL},
};

static const def *find(const char *key)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (!strcmp(defs[i].key, key))
            return &defs[i];
    return NULL;
}

/* The one spelling of off. */
static int is_off(const char *v)
{
    return !*v || !strcmp(v, "off") || !strcmp(v, "none");
}

/* Index of v in a '|'-list, or -1. */
static int choice(const char *choices, const char *v)
{
    size_t vl = strlen(v);
    int i = 0;
    for (const char *p = choices;; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == vl && !strncmp(p, v, n))
            return i;
        if (!bar)
            return -1;
        p = bar + 1;
    }
}

/* Where a value came from, as a message prefix. */
static void origin(const ws_config *c, const def *d, ws_setting_from from, char *out, size_t n)
{
    unsigned line = from == WS_FROM_CONFIG ? ws_config_line(c, d->key) : 0;
    const char *path = ws_config_path(c);
    if (from == WS_FROM_ENV)
        snprintf(out, n, "$%s", d->env);
    else if (from == WS_FROM_CONFIG && path && line)
        snprintf(out, n, "%s:%u: %s", path, line, d->key);
    else
        snprintf(out, n, "%s", d->key);
}

static int check_path(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                      ws_setting *out, ws_error *err)
{
    char where[600];
    if (is_off(v)) {
        if (d->kind == K_PATH_OFF) {
            out->value = NULL;
            out->off = 1;
            return WS_OK;
        }
        origin(c, d, from, where, sizeof where);
        return ws_error_set(err, WS_EINVAL, "%s = '%.64s': expected a path (this cannot be off)",
                            where, v);
    }
    if (strlen(v) >= sizeof out->buf) {
        origin(c, d, from, where, sizeof where);
        return ws_error_set(err, WS_EINVAL, "%s: the path is too long (%zu bytes)", where,
                            strlen(v));
    }
    return WS_OK;
}

static int check_uint(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                      ws_setting *out, ws_error *err)
{
    char where[600];
    char *end = NULL;
    errno = 0;
    unsigned long n = *v == '-' ? 0 : strtoul(v, &end, d->base);
    if (*v == '-' || errno || end == v || *end || n < d->lo || n > d->hi) {
        origin(c, d, from, where, sizeof where);
        return ws_error_set(err, WS_EINVAL, "%s = '%.64s': expected a number from %u to %u", where,
                            v, d->lo, d->hi);
    }
    out->number = (unsigned)n;
    return WS_OK;
}

static int check_bool(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                      ws_setting *out, ws_error *err)
{
    char where[600];
    if (is_off(v) || !strcmp(v, "false") || !strcmp(v, "no")) {
        out->off = 1;
        out->value = NULL;
        return WS_OK;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        out->number = 1;
        out->value = "on";
        return WS_OK;
    }
    origin(c, d, from, where, sizeof where);
    return ws_error_set(err, WS_EINVAL, "%s = '%.64s': expected on or off", where, v);
}

static int check_enum(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                      ws_setting *out, ws_error *err)
{
    char where[600];
    int i = choice(d->choices, v);
    if (i < 0 && is_off(v))
        i = choice(d->choices, "off");
    if (i < 0) {
        origin(c, d, from, where, sizeof where);
        return ws_error_set(err, WS_EINVAL, "%s = '%.64s': expected one of %s", where, v,
                            d->choices);
    }
    out->number = (unsigned)i;
    if (choice(d->choices, "off") == i) {
        out->off = 1;
        out->value = "off";
    }
    return WS_OK;
}

/* Checked by ws_config_ocr_set, the code that applies them. */
static int check_ocr(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                     ws_setting *out, ws_error *err)
{
    char where[600];
    ws_extract_options scratch = WS_EXTRACT_OPTIONS_INIT;
    ws_error e;
    if (ws_config_ocr_set(&scratch, d->key, v, &e) != WS_OK) {
        origin(c, d, from, where, sizeof where);
        /* e.msg starts with the key already: keep only the origin's prefix */
        size_t kl = strlen(d->key), wl = strlen(where);
        if (wl >= kl)
            where[wl - kl] = '\0';
        return ws_error_set(err, WS_EINVAL, "%s%s", where, e.msg);
    }
    out->number = !strcmp(d->key, "ocr_dpi")            ? scratch.ocr_dpi
                  : !strcmp(d->key, "ocr_page_timeout") ? scratch.ocr_page_timeout
                                                        : 0;
    return WS_OK;
}

/* Check v for d and fill out; WS_EINVAL naming the origin. */
static int check(const ws_config *c, const def *d, const char *v, ws_setting_from from,
                 ws_setting *out, ws_error *err)
{
    out->value = v;
    out->from = from;
    out->off = 0;
    out->number = 0;
    switch (d->kind) {
    case K_PATH:
    case K_PATH_OFF:
        return check_path(c, d, v, from, out, err);
    case K_UINT:
        return check_uint(c, d, v, from, out, err);
    case K_BOOL:
        return check_bool(c, d, v, from, out, err);
    case K_ENUM:
        return check_enum(c, d, v, from, out, err);
    case K_OCR:
        return check_ocr(c, d, v, from, out, err);
    }
    return ws_error_set(err, WS_EINVAL, "%s: unknown kind of setting", d->key);
}

/* The default when nothing names a value. */
static int fill_default(const def *d, ws_setting *out, ws_error *err)
{
    out->from = WS_FROM_DEFAULT;
    out->value = NULL;
    out->off = 0;
    out->number = d->dflt;
    out->buf[0] = '\0';
    char *p = NULL;
    if (!strcmp(d->key, "index")) {
        p = ws_config_default_index();
        if (!p)
            return ws_error_set(err, WS_EINVAL,
                                "no index path: set WSEARCH_INDEX or use --index DIR");
    } else if (!strcmp(d->key, "synonyms")) {
        /* the installed thesaurus, wherever the prefix put it */
        char *etc = ws_config_sysconf_dir();
        snprintf(out->buf, sizeof out->buf, "%s/synonyms.txt", etc ? etc : "/etc/wsearch");
        free(etc);
        out->value = out->buf;
    } else if (!strcmp(d->key, "dictionary")) {
        out->value = "/usr/share/dict/ngerman"; /* wngerman's */
    } else if (!strcmp(d->key, "searchd.socket")) {
        p = ws_config_default_socket();
    } else if (!strcmp(d->key, "searchd.threads")) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        out->number = n > 0 && n <= 256 ? (unsigned)n : 2;
    } else if (d->kind == K_PATH_OFF) {
        out->off = 1; /* openthesaurus, tcp, pid_file: off unless set */
    } else if (d->kind == K_BOOL) {
        out->off = !d->dflt;
        out->value = d->dflt ? "on" : NULL;
    } else if (d->kind == K_ENUM) {
        out->number = 0;
        size_t n = strcspn(d->choices, "|");
        snprintf(out->buf, sizeof out->buf, "%.*s", (int)n, d->choices);
        out->value = out->buf;
    }
    if (p) {
        snprintf(out->buf, sizeof out->buf, "%s", p);
        out->value = out->buf;
        free(p);
    }
    return WS_OK;
}

int ws_config_resolve(const ws_config *c, const char *key, const char *flag, ws_setting *out,
                      ws_error *err)
{
    const def *d = find(key);
    out->buf[0] = '\0';
    if (!d)
        return ws_error_set(err, WS_EINVAL, "unknown setting '%.64s'", key);
    if (flag)
        return check(c, d, flag, WS_FROM_FLAG, out, err);
    const char *v = d->env ? getenv(d->env) : NULL;
    if (v)
        return check(c, d, v, WS_FROM_ENV, out, err);
    v = ws_config_get(c, key);
    if (v)
        return check(c, d, v, WS_FROM_CONFIG, out, err);
    return fill_default(d, out, err);
}

int ws_config_check(const ws_config *c, ws_error *err)
{
    const char *key, *value;
    unsigned line;
    const char *path = ws_config_path(c);
    for (size_t i = 0; ws_config_entry(c, i, &key, &value, &line); i++) {
        const def *d = find(key);
        if (!d) {
            if (path && line)
                return ws_error_set(err, WS_EINVAL,
                                    "%s:%u: unknown key '%.64s' (config/wsearch.conf lists them)",
                                    path, line, key);
            return ws_error_set(err, WS_EINVAL, "unknown key '%.64s'", key);
        }
        ws_setting s;
        int rc = check(c, d, value, WS_FROM_CONFIG, &s, err);
        if (rc != WS_OK)
            return rc;
    }
    return WS_OK;
}
