/*
 * fuzz_record.c - libFuzzer target for the parent's decoder of worker
 * answers (lib/index/pool.c): a worker is untrusted, so whatever it sends
 * must decode into a clean record or be refused.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "index/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    ws_extracted *x = NULL;
    ws_error err;
    size_t max_text = 1 + (size_t)data[0] * 64;
    int rc = ws_pool_decode((const char *)data + 1, size - 1, WS_DOC_PPTX, max_text, &x, &err);
    if (rc == WS_OK) {
        /* what was accepted encodes and decodes again to the same text */
        char *buf = NULL;
        size_t len = 0;
        ws_extracted *y = NULL;
        if (ws_pool_encode(x, &buf, &len) != WS_OK ||
            ws_pool_decode(buf, len, WS_DOC_PPTX, max_text, &y, &err) != WS_OK ||
            y->text_len != x->text_len || memcmp(y->text, x->text, x->text_len) != 0)
            abort();
        ws_extracted_free(y);
        free(buf);
    }
    fuzz_check(rc, x, max_text + 2);
    return 0;
}
