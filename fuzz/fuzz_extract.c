/*
 * fuzz_extract.c - libFuzzer target for the extractors.
 *
 * The first input byte picks the format (txt, md, html) and a small
 * max_text/max_depth, so the limits are exercised too; the rest is the
 * document.  Built by CMake (see fuzz/CMakeLists.txt):
 *   CC=clang CXX=clang++ cmake -S . -B build-fuzz -DWS_FUZZ=ON
 *   cmake --build build-fuzz --target fuzz_extract
 * and run with tests/data/extract as the seed corpus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (sel & 0x04)
        o.max_text = 1 + (sel >> 3) * 16u;
    if (sel & 0x08)
        o.max_depth = 1 + (sel >> 5);
    ws_doctype t = (ws_doctype)(WS_DOC_TXT + sel % 3);
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(t, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    fuzz_check(rc, x, o.max_text);
    return 0;
}
