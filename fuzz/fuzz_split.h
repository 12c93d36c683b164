/*
 * fuzz_split.h - the input layout of the container fuzz targets: the
 * fuzzer's bytes cut at "\n@@\n" into the parts (zip) or streams (OLE)
 * that zipw.h and olew.h wrap into a valid container, so that the fuzzer
 * works on what the parsers read instead of on the container's checksums.
 */
#ifndef WS_FUZZ_SPLIT_H
#define WS_FUZZ_SPLIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Split d[0..n) at "\n@@\n" into at most max parts (max >= 1); the last
 * part takes the rest.  Returns how many. */
static inline size_t fuzz_split(const uint8_t *d, size_t n, const uint8_t **part, size_t *plen,
                                size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; k + 1 < max && i + 4 <= n; i++) {
        if (!memcmp(d + i, "\n@@\n", 4)) {
            part[k] = d + start;
            plen[k++] = i - start;
            start = i + 4;
            i += 3;
        }
    }
    part[k] = d + start;
    plen[k++] = n - start;
    return k;
}

#endif /* WS_FUZZ_SPLIT_H */
