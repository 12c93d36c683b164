/*
 * related.c - link targets as index terms; see related.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/related.h"
#include "util/hash.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TERM_MAX 240

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

int ws_related_resolve(const char *docpath, const char *link, char *out, size_t cap)
{
    char raw[4096];
    size_t n = 0;
    if (!docpath || !link || !*link || link[0] == '#' || link[0] == '?' || docpath[0] != '/')
        return 0;
    /* A scheme ("https:", "mailto:") before any slash: not a file. */
    size_t colon = strcspn(link, ":/?#");
    if (link[colon] == ':' || (link[0] == '/' && link[1] == '/'))
        return 0;
    if (link[0] != '/') {
        const char *slash = strrchr(docpath, '/');
        size_t dl = (size_t)(slash - docpath);
        if (dl + 1 >= sizeof raw)
            return 0;
        memcpy(raw, docpath, dl);
        raw[dl] = '/';
        n = dl + 1;
    }
    for (const char *s = link; *s && *s != '?' && *s != '#'; s++) {
        int c = (unsigned char)*s;
        if (c == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            c = hexval(s[1]) * 16 + hexval(s[2]);
            s += 2;
        }
        if (c == 0 || n + 1 >= sizeof raw)
            return 0;
        raw[n++] = (char)c;
    }
    raw[n] = '\0';
    /* Normalise: drop empty and "." segments, apply "..". */
    size_t o = 0;
    char *p = raw;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *e = strchr(p, '/');
        size_t sl = e ? (size_t)(e - p) : strlen(p);
        if (sl == 1 && p[0] == '.') {
            /* nothing */
        } else if (sl == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o + 1 + sl + 1 > cap)
                return 0;
            out[o++] = '/';
            memcpy(out + o, p, sl);
            o += sl;
        }
        p += sl;
    }
    if (!o)
        return 0;
    out[o] = '\0';
    return 1;
}

int ws_related_name(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = strlen(b);
    if (!dot || dot == b || !dot[1] || n + 1 > cap)
        return 0;
    for (size_t i = 0; i <= n; i++)
        out[i] = (b[i] >= 'A' && b[i] <= 'Z') ? (char)(b[i] + 32) : b[i];
    return 1;
}

void ws_related_term(const char *prefix, const char *value, char *out)
{
    size_t pl = strlen(prefix), len = strlen(value);
    memcpy(out, prefix, pl);
    if (pl + len <= TERM_MAX) {
        memcpy(out + pl, value, len + 1);
        return;
    }
    uint64_t h = ws_fnv1a(value, len); /* as ws_schema_idterm */
    size_t keep = TERM_MAX - pl - 17;
    while (keep > 0 && ((unsigned char)value[keep] & 0xC0) == 0x80)
        keep--;
    memcpy(out + pl, value, keep);
    snprintf(out + pl + keep, 18, "#%016llx", (unsigned long long)h);
}
