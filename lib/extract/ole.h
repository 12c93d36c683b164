/*
 * ole.h - the OLE2 compound file (CFB) formats of Office 97-2003: .doc,
 * .ppt, .xls (not public).
 *
 * extract_ole.c opens the container with libgsf, refuses encrypted files,
 * reads the \005SummaryInformation metadata and hands whole streams to one
 * parser per format (extract_doc.c, extract_ppt.c, extract_xls.c).  The
 * parsers see only byte buffers, so every offset and length they read from
 * a record is checked against the buffer it points into, with the helpers
 * below.
 */
#ifndef WS_OLE_H
#define WS_OLE_H

#include <stddef.h>
#include <stdint.h>

#include "extract/extract_int.h"

typedef struct ws_ole ws_ole;

/* A whole stream read into memory.  WS_OK with *data NULL when the stream
 * does not exist; a stream larger than the container cannot be real and
 * fails with WS_EFORMAT. */
int ws_ole_read(ws_ole *o, const char *name, unsigned char **data, size_t *len, ws_error *err);
int ws_ole_has(ws_ole *o, const char *name);

/* The parsers, called with the container open and metadata read. */
int ws_extract_doc(ws_xb *b, ws_ole *o, ws_error *err);
int ws_extract_ppt(ws_xb *b, ws_ole *o, ws_error *err);
int ws_extract_xls(ws_xb *b, ws_ole *o, ws_error *err);

/* The message every encrypted legacy file gets. */
int ws_ole_encrypted(ws_xb *b, const char *what, ws_error *err);

/* Little-endian reads; the caller has checked the bounds. */
static inline uint16_t ws_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t ws_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* 1 if [off, off + n) lies inside a buffer of len bytes (no overflow). */
static inline int ws_in(size_t len, size_t off, size_t n)
{
    return off <= len && n <= len - off;
}

/* Append code point cp as UTF-8 (U+FFFD for surrogates and values out of
 * range), so the text handed to the builder is always valid UTF-8. */
void ws_ole_put(ws_buf *out, uint32_t cp);
/* Windows-1252 byte to code point (the five unassigned bytes map to
 * themselves, as Windows does). */
uint32_t ws_cp1252(unsigned char c);

#endif /* WS_OLE_H */
