/*
 * text.h - UTF-8 helpers shared inside the library (not public).
 *
 * Text decoding for every extractor (ws_text_decode), the UTF-8 checks
 * the indexer, the query side and the worker protocol apply to untrusted
 * bytes (ws_utf8_valid), and the pieces the extractors reuse to clean
 * metadata fields and to cut text without splitting a character.
 */
#ifndef WS_TEXT_H
#define WS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "wsearch/error.h"

/*
 * Text decoding shared by all extractors: strip a UTF-8 BOM; if the bytes are
 * valid UTF-8 keep them, otherwise decode them as Windows-1252 (a superset
 * of Latin-1 for printable text); drop NUL and other C0 controls except tab
 * and newline (vertical tab and form feed become newlines), turn CR LF / CR
 * into LF; normalise to NFC.  *out is malloc'd and NUL-terminated; *outlen
 * (may be NULL) gets its length; *converted (may be NULL) says whether
 * decoding from Windows-1252 happened.  WS_EFORMAT if the data looks binary:
 * more than 1% (and at least two) of the first 8 KiB are NUL or control
 * bytes never found in text (this includes UTF-16, which is not supported).
 */
int ws_text_decode(const char *in, size_t len, char **out, size_t *outlen, int *converted,
                   ws_error *err);

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). */
int ws_utf8_valid(const char *s, size_t len);

/* Bytes examined by the binary-data check. */
#define WS_TEXT_SNIFF 8192

/* Decode one well-formed UTF-8 sequence at s[0..len): its length (1-4) with
 * *cp set, or 0 if the bytes there are malformed or truncated. */
size_t ws_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Write code point cp as UTF-8 at o (room for 4 bytes): its length, 1-4.
 * A surrogate or a value past U+10FFFF is written as U+FFFD. */
size_t ws_utf8_encode(uint32_t cp, char *o);

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
