/*
 * buf.c - growable byte buffer (see buf.h).
 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(ws_buf *b, size_t need)
{
    if (b->oom)
        return 0;
    if (b->max && b->len + need > b->max) {
        b->full = 1;
        return 0;
    }
    if (b->len + need + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + need + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->oom = 1;
            return 0;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void ws_buf_append(ws_buf *b, const char *s, size_t n)
{
    if (!n || !grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ws_buf_puts(ws_buf *b, const char *s)
{
    ws_buf_append(b, s, strlen(s));
}

void ws_buf_putc(ws_buf *b, char c)
{
    ws_buf_append(b, &c, 1);
}

void ws_buf_printf(ws_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        ws_buf_append(b, small, (size_t)n);
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *ws_buf_cstr(ws_buf *b)
{
    if (b->oom)
        return NULL;
    if (!b->data && !grow(b, 0))
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

char *ws_buf_steal(ws_buf *b, size_t *len)
{
    if (!ws_buf_cstr(b)) {
        ws_buf_free(b);
        return NULL;
    }
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void ws_buf_reset(ws_buf *b)
{
    b->len = 0;
    b->full = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ws_buf_free(ws_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = b->full = 0;
}

int ws_strlist_take(ws_strlist *l, char *s)
{
    if (l->oom || !s) {
        free(s);
        l->oom = 1;
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            free(s);
            l->oom = 1;
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

int ws_strlist_add(ws_strlist *l, const char *s, size_t len)
{
    char *c = l->oom ? NULL : malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return ws_strlist_take(l, c);
}

void ws_strlist_free(ws_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
    l->oom = 0;
}
