/*
 * olew.h - build an OLE2 compound file in memory with libgsf's writer, so
 * that the legacy Office fuzz targets can hand the fuzzer's bytes to the
 * stream parsers inside a valid container (libgsf itself is not
 * instrumented; the parsers behind it are what is fuzzed).
 */
#ifndef WS_FUZZ_OLEW_H
#define WS_FUZZ_OLEW_H

#include <gsf/gsf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* n streams names[i] with contents part[i]; *out is malloc'd.  0 or -1. */
static inline int olew_build(const char *const *names, const uint8_t *const *part,
                             const size_t *plen, size_t n, uint8_t **out, size_t *outlen)
{
    GsfOutput *mem = gsf_output_memory_new();
    GsfOutfile *ole = gsf_outfile_msole_new(mem);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        GsfOutput *c = gsf_outfile_new_child(ole, names[i], FALSE);
        bad = !c || (plen[i] && !gsf_output_write(c, plen[i], part[i]));
        if (c) {
            gsf_output_close(c);
            g_object_unref(c);
        }
    }
    gsf_output_close(GSF_OUTPUT(ole)); /* closes mem too */
    g_object_unref(ole);
    size_t len = (size_t)gsf_output_size(mem);
    const guint8 *bytes = gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem));
    *out = NULL;
    if (!bad && bytes && len && (*out = malloc(len))) {
        memcpy(*out, bytes, len);
        *outlen = len;
    }
    g_object_unref(mem);
    return *out ? 0 : -1;
}

#endif /* WS_FUZZ_OLEW_H */
