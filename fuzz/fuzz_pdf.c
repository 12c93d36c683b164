/*
 * fuzz_pdf.c - libFuzzer target for the PDF extractor (poppler-glib).
 *
 * The input is the PDF.  Poppler itself is not instrumented, so coverage
 * guides the fuzzer through our handling of what poppler returns; crashes
 * inside poppler are what the worker processes exist for, and are still
 * reported here.  Seeds: the PDFs in tests/data/docs and its hostile/.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 1 << 16;
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(WS_DOC_PDF, (const char *)data, size, "fuzz.pdf", &o, &x, &err);
    fuzz_check(rc, x, o.max_text);
    return 0;
}
