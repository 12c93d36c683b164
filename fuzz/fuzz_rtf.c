/*
 * fuzz_rtf.c - libFuzzer target for the RTF extractor.
 *
 * First byte: bits 0-7 shrink max_text (0: the default) and bit 0 also
 * picks the type the buffer is extracted as (.rtf, or .doc: Word's RTF
 * saved under a .doc name takes the same path).  The rest is the file.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    ws_extract_options o = fuzz_options(sel >> 1);
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(sel & 1 ? WS_DOC_DOC : WS_DOC_RTF, (const char *)data + 1, size - 1,
                               "fuzz", &o, &x, &err);
    fuzz_check(rc, x, o.max_text);
    return 0;
}
