/*
 * text.h - UTF-8 helpers shared inside the library (not public).
 *
 * The public entry points (ws_text_decode, ws_utf8_valid) are declared in
 * wsearch/extract.h; these are the pieces the extractors reuse to clean
 * metadata fields and to cut text without splitting a character.
 */
#ifndef WS_TEXT_H
#define WS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"

/* Bytes examined by the binary-data check. */
#define WS_TEXT_SNIFF 8192

/* Decode one well-formed UTF-8 sequence at s[0..len): its length (1-4) with
 * *cp set, or 0 if the bytes there are malformed or truncated. */
size_t ws_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Length of the longest prefix of the UTF-8 string s[0..len) that is at most
 * max bytes and does not split a character. */
size_t ws_utf8_cut(const char *s, size_t len, size_t max);

/* Number of code points in the valid UTF-8 string s[0..len). */
size_t ws_utf8_count(const char *s, size_t len);

/* 1 if the first WS_TEXT_SNIFF bytes look binary (more than 1%, and at least
 * two, NUL or other control bytes that never occur in text); *bad (may be
 * NULL) gets their count. */
int ws_text_looks_binary(const char *in, size_t len, size_t *bad);

/* ws_text_decode without the binary check: for strings that came out of a
 * parser (attribute values, YAML scalars) and may hold escaped controls or
 * decomposed characters. */
int ws_text_clean(const char *in, size_t len, char **out, size_t *outlen, int *converted,
                  ws_error *err);

/*
 * A one-line metadata field: cleaned as by ws_text_clean, every run of
 * whitespace (newlines included) turned into one space, trimmed, and cut to
 * at most max bytes on a character boundary.  *out is NULL when nothing is
 * left.  Returns WS_OK or WS_ENOMEM.
 */
int ws_text_field(const char *in, size_t len, size_t max, char **out);

#endif /* WS_TEXT_H */
