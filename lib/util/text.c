/*
 * text.c - byte-level text decoding shared by every extractor.
 *
 * Files arrive as bytes in an unknown encoding.  The rule is deliberately
 * simple and predictable: bytes that are well-formed UTF-8 are UTF-8;
 * anything else is Windows-1252, which covers Latin-1 and the typographic
 * quotes German office software writes ("„…“").  A mix of both in one file
 * is decoded as Windows-1252 as a whole, so the result never depends on
 * where in the file a stray byte sits.
 *
 * NFC normalisation runs in chunks cut just before an ASCII character:
 * ASCII characters are starters that never compose with what precedes
 * them, so NFC(a + b) == NFC(a) + NFC(b) at such a cut.  This keeps
 * utf8proc's working memory (4 bytes per code point, twice) bounded by the
 * chunk instead of the file, and lets pure-ASCII chunks skip utf8proc.
 */
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "util/buf.h"
#include "wsearch/extract.h"

#define NFC_CHUNK ((size_t)64 << 10)

/* Windows-1252 0x80-0x9F; the five undefined bytes become U+FFFD. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

size_t ws_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (!len)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0; /* continuation byte, overlong 2-byte lead, or beyond U+10FFFF */
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int ws_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = ws_utf8_decode(p + i, len - i, &cp);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

size_t ws_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

size_t ws_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

int ws_text_looks_binary(const char *in, size_t len, size_t *bad)
{
    size_t n = len < WS_TEXT_SNIFF ? len : WS_TEXT_SNIFF, count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        /* Tab, LF, VT, FF, CR and ESC (terminal colours) occur in text files. */
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1B)
            count++;
    }
    if (bad)
        *bad = count;
    /* One stray byte in a short note is not enough to call it binary. */
    return count >= 2 && count * 100 > n;
}

size_t ws_utf8_encode(uint32_t cp, char *o)
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD; /* not a character: the replacement character */
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode to UTF-8, drop controls, unify line ends.  The result is at most
 * 3 bytes per input byte (U+20AC and U+FFFD take 3). */
static char *to_clean_utf8(const char *in, size_t len, int valid, size_t *outlen)
{
    if (len > ((size_t)-1) / 3 - 1)
        return NULL;
    char *out = malloc(valid ? len + 1 : len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\r') {
            out[o++] = '\n';
            if (i + 1 < len && in[i + 1] == '\n')
                i++;
        } else if (c == '\v' || c == '\f') {
            out[o++] = '\n'; /* page and section breaks still separate words */
        } else if (c < 0x20 && c != '\t' && c != '\n') {
            continue;
        } else if (c < 0x80 || valid) {
            out[o++] = (char)c;
        } else if (c < 0xA0) {
            o += ws_utf8_encode(cp1252_high[c - 0x80], out + o);
        } else {
            o += ws_utf8_encode(c, out + o);
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* NFC of the clean UTF-8 string s[0..n) appended to b; 0 on failure. */
static int nfc_append(ws_buf *b, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        size_t end = n;
        if (n - pos > NFC_CHUNK) {
            end = pos + NFC_CHUNK;
            while (end > pos && (unsigned char)s[end] >= 0x80)
                end--;
            if (end == pos) { /* a long run without ASCII: extend to the next one */
                end = pos + NFC_CHUNK;
                while (end < n && (unsigned char)s[end] >= 0x80)
                    end++;
            }
        }
        if (is_ascii(s + pos, end - pos)) {
            ws_buf_append(b, s + pos, end - pos);
        } else {
            utf8proc_uint8_t *dst = NULL;
            utf8proc_ssize_t r =
                utf8proc_map((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(end - pos), &dst,
                             UTF8PROC_STABLE | UTF8PROC_COMPOSE);
            if (r < 0) {
                free(dst);
                return 0;
            }
            ws_buf_append(b, (const char *)dst, (size_t)r);
            free(dst);
        }
        if (b->oom)
            return 0;
        pos = end;
    }
    return 1;
}

int ws_text_clean(const char *in, size_t len, char **out, size_t *outlen, int *converted,
                  ws_error *err)
{
    if (!out || (!in && len))
        return ws_error_set(err, WS_EINVAL, "ws_text_decode: no input or output");
    *out = NULL;
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
        in += 3;
        len -= 3;
    }
    int valid = ws_utf8_valid(in, len);
    if (converted)
        *converted = !valid;
    size_t clen = 0;
    char *clean = to_clean_utf8(in ? in : "", len, valid, &clen);
    if (!clean)
        return ws_error_set(err, WS_ENOMEM, "out of memory decoding %zu bytes of text", len);
    ws_buf b = WS_BUF_INIT;
    int ok = nfc_append(&b, clean, clen);
    free(clean);
    char *res = ok ? ws_buf_steal(&b, outlen) : NULL;
    if (!res) {
        ws_buf_free(&b);
        return ws_error_set(err, WS_ENOMEM, "out of memory normalising %zu bytes of text", len);
    }
    *out = res;
    return WS_OK;
}

int ws_text_decode(const char *in, size_t len, char **out, size_t *outlen, int *converted,
                   ws_error *err)
{
    size_t bad = 0;
    if (in && ws_text_looks_binary(in, len, &bad)) {
        if (out)
            *out = NULL;
        if (len >= 2 &&
            ((in[0] == '\xFF' && in[1] == '\xFE') || (in[0] == '\xFE' && in[1] == '\xFF')))
            return ws_error_set(err, WS_EFORMAT, "looks like UTF-16 text, which is not supported");
        return ws_error_set(
            err, WS_EFORMAT,
            "looks like binary data (%zu NUL or control bytes in the first %zu bytes)", bad,
            len < WS_TEXT_SNIFF ? len : (size_t)WS_TEXT_SNIFF);
    }
    return ws_text_clean(in, len, out, outlen, converted, err);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int ws_text_field(const char *in, size_t len, size_t max, char **out)
{
    *out = NULL;
    char *clean = NULL;
    size_t clen = 0;
    int rc = ws_text_clean(in, len, &clean, &clen, NULL, NULL);
    if (rc)
        return rc;
    /* Collapse whitespace in place: the result is never longer. */
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < clen; i++) {
        unsigned char c = (unsigned char)clean[i];
        if (is_space(c)) {
            space = 1;
            continue;
        }
        if (space && o)
            clean[o++] = ' ';
        space = 0;
        clean[o++] = (char)c;
    }
    o = ws_utf8_cut(clean, o, max);
    while (o && clean[o - 1] == ' ')
        o--;
    if (!o) {
        free(clean);
        return WS_OK;
    }
    clean[o] = '\0';
    *out = clean;
    return WS_OK;
}
