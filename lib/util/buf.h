/*
 * buf.h - a growable byte buffer, internal to the library.
 *
 * Appends never fail silently: once an allocation fails the buffer is
 * marked (oom) and further appends are no-ops, so a caller can append many
 * pieces and check once at the end, as curl's dynbuf does.
 */
#ifndef WS_BUF_H
#define WS_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ws_buf {
    char *data; /* NUL-terminated when len > 0 or after ws_buf_cstr */
    size_t len;
    size_t cap;
    size_t max; /* 0 = unlimited; appends beyond max set `full` and stop */
    int oom;
    int full;
} ws_buf;

#define WS_BUF_INIT {NULL, 0, 0, 0, 0, 0}

void ws_buf_append(ws_buf *b, const char *s, size_t n);
void ws_buf_puts(ws_buf *b, const char *s);
void ws_buf_putc(ws_buf *b, char c);
void ws_buf_printf(ws_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Pointer to the NUL-terminated contents ("" when empty); NULL after oom. */
const char *ws_buf_cstr(ws_buf *b);
/* Hand the malloc'd string to the caller (never NULL unless oom) and reset b. */
char *ws_buf_steal(ws_buf *b, size_t *len);
void ws_buf_reset(ws_buf *b);
void ws_buf_free(ws_buf *b);

/*
 * A growable list of malloc'd strings, with the same rule: a failed
 * allocation marks it (oom) and later adds are no-ops.  ws_strlist_free
 * frees the strings and the array; a caller may take v (n strings) instead.
 */
typedef struct ws_strlist {
    char **v;
    size_t n, cap;
    int oom;
} ws_strlist;

/* Append a copy of s[0..len).  Returns 0, or -1 (and sets oom). */
int ws_strlist_add(ws_strlist *l, const char *s, size_t len);
/* Append s itself, which the list then owns (freed on failure too). */
int ws_strlist_take(ws_strlist *l, char *s);
void ws_strlist_free(ws_strlist *l);

#endif /* WS_BUF_H */
