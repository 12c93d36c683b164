/*
 * fuzz_pdf.c - libFuzzer target for the PDF extractor (poppler-glib).
 *
 * The input is the PDF.  Poppler itself is not instrumented, so coverage
 * guides the fuzzer through our handling of what poppler returns; crashes
 * inside poppler are what the worker processes exist for, and are still
 * reported here.  Seeds: the PDFs in tests/data/docs, its hostile/ and the
 * scans of tests/data/ocr.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 1 << 16;
    /* Pages without text still go through rendering and Tesseract, but at
     * a resolution that keeps an input to a fraction of a second: the
     * target is about our handling of poppler and of the page images. */
    o.ocr_dpi = 50;
    o.ocr_page_timeout = 5;
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(WS_DOC_PDF, (const char *)data, size, "fuzz.pdf", &o, &x, &err);
    fuzz_check(rc, x, o.max_text);
    return 0;
}
