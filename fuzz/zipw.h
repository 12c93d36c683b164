/*
 * zipw.h - a tiny in-memory zip writer for the Office fuzz targets.
 *
 * Random bytes almost never make a zip whose CRCs match, so a fuzzer fed
 * raw containers spends its time in libzip's rejections.  The targets let
 * the fuzzer write the XML parts instead and wrap them here into a valid
 * (stored, uncompressed) archive with the names the extractor looks for.
 * The unit tests use its CRC for the zips they write (tests/unit/ws_testutil.h).
 */
#ifndef WS_FUZZ_ZIPW_H
#define WS_FUZZ_ZIPW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct zipw {
    unsigned char *buf;
    size_t len, cap;
    unsigned char *cd; /* central directory, appended at the end */
    size_t cdlen, cdcap;
    unsigned n;
} zipw;

static inline uint32_t zipw_crc(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static inline int zipw_put(unsigned char **b, size_t *len, size_t *cap, const void *d, size_t n)
{
    if (*len + n > *cap) {
        size_t nc = (*cap ? *cap * 2 : 4096) + n;
        unsigned char *nb = realloc(*b, nc);
        if (!nb)
            return -1;
        *b = nb;
        *cap = nc;
    }
    memcpy(*b + *len, d, n);
    *len += n;
    return 0;
}

static inline void zipw_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline int zipw_add(zipw *z, const char *name, const void *data, size_t n)
{
    size_t nl = strlen(name);
    uint32_t crc = zipw_crc(data, n), off = (uint32_t)z->len;
    unsigned char h[30] = {0}, c[46] = {0};
    zipw_le(h, 0x04034b50, 4);
    zipw_le(h + 4, 20, 2);
    zipw_le(h + 14, crc, 4);
    zipw_le(h + 18, (uint32_t)n, 4);
    zipw_le(h + 22, (uint32_t)n, 4);
    zipw_le(h + 26, (uint32_t)nl, 2);
    zipw_le(c, 0x02014b50, 4);
    zipw_le(c + 4, 20, 2);
    zipw_le(c + 6, 20, 2);
    zipw_le(c + 16, crc, 4);
    zipw_le(c + 20, (uint32_t)n, 4);
    zipw_le(c + 24, (uint32_t)n, 4);
    zipw_le(c + 28, (uint32_t)nl, 2);
    zipw_le(c + 42, off, 4);
    z->n++;
    return zipw_put(&z->buf, &z->len, &z->cap, h, 30) ||
           zipw_put(&z->buf, &z->len, &z->cap, name, nl) ||
           zipw_put(&z->buf, &z->len, &z->cap, data, n) ||
           zipw_put(&z->cd, &z->cdlen, &z->cdcap, c, 46) ||
           zipw_put(&z->cd, &z->cdlen, &z->cdcap, name, nl);
}

static inline int zipw_finish(zipw *z)
{
    unsigned char e[22] = {0};
    zipw_le(e, 0x06054b50, 4);
    zipw_le(e + 8, z->n, 2);
    zipw_le(e + 10, z->n, 2);
    zipw_le(e + 12, (uint32_t)z->cdlen, 4);
    zipw_le(e + 16, (uint32_t)z->len, 4);
    return zipw_put(&z->buf, &z->len, &z->cap, z->cd, z->cdlen) ||
           zipw_put(&z->buf, &z->len, &z->cap, e, 22);
}

static inline void zipw_free(zipw *z)
{
    free(z->buf);
    free(z->cd);
}

#endif /* WS_FUZZ_ZIPW_H */
