/*
 * fuzz_image.c - libFuzzer target for the image extractor (Leptonica's
 * PNG, JPEG and TIFF readers, then OCR).
 *
 * The first byte picks the type (PNG, JPEG, TIFF), the rest is the file.
 * Leptonica and Tesseract are not instrumented: coverage guides through
 * our checks (format sniffing, header sizes, page counts) and what the
 * libraries hand back; a page may take 1 s of recognition.  Seeds: the
 * images in tests/data/ocr with their type byte (fuzz/make-seeds.sh).
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const ws_doctype types[] = {WS_DOC_PNG, WS_DOC_JPEG, WS_DOC_TIFF};
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    o.max_text = 1 << 16;
    o.ocr_page_timeout = 1;
    ws_extracted *x = NULL;
    ws_error err;
    int rc = ws_extract_buffer(types[data[0] % 3], (const char *)data + 1, size - 1, "fuzz.img", &o,
                               &x, &err);
    fuzz_check(rc, x, o.max_text);
    return 0;
}
