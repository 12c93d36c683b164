/*
 * fuzz_record.c - libFuzzer target for the record decoder (lib/index/
 * record.c) in both its uses: what a worker sends its parent (ws_pool_
 * decode: the record plus the run's fields) and what the index stores
 * (ws_record_open and its accessors).  A worker is untrusted and an index
 * can be damaged, so whatever the bytes, they decode into a clean record
 * or are refused.
 *
 * Input: byte 0 bit 0 chooses the use (0: worker message, 1: stored
 * record), bits 1-7 the max_text of the worker message (64-byte steps);
 * the rest is the message or record.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "index/pool.h"
#include "index/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void stored(const char *buf, size_t len)
{
    ws_record r;
    ws_error err;
    if (ws_record_open(&r, buf, len, &err) != WS_OK) {
        if (r.passages || r.list[0])
            abort();
        return;
    }
    for (int f = 0; f < WS_FIELD_COUNT_; f++)
        if (r.str[f] && (strlen(r.str[f]) != r.str_len[f] || r.str[f] < buf ||
                         r.str[f] + r.str_len[f] >= buf + len))
            abort();
    for (int l = 0; l < WS_LIST_COUNT_; l++)
        for (size_t i = 0; i < r.nlist[l]; i++)
            if (!ws_utf8_valid(r.list[l][i], strlen(r.list[l][i])))
                abort();
    for (size_t i = 0; i < r.npassages; i++) {
        const char *t;
        size_t n;
        if (r.passages[i].end > r.text_len || r.passages[i].start > r.passages[i].end)
            abort();
        if (ws_record_passage_text(&r, i, &t, &n, &err) == WS_OK && !ws_utf8_valid(t, n))
            abort();
    }
    const char *t;
    size_t n;
    if (ws_record_text_prefix(&r, 100, &t, &n, &err) == WS_OK && (n > 100 || !ws_utf8_valid(t, n)))
        abort();
    ws_record_check_text(&r, &err);
    ws_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *buf = (const char *)data + 1;
    if (data[0] & 1) {
        stored(buf, size - 1);
        return 0;
    }
    ws_extracted *x = NULL;
    ws_error err;
    size_t max_text = 1 + (size_t)(data[0] >> 1) * 64;
    int rc = ws_pool_decode(buf, size - 1, WS_DOC_PPTX, max_text, &x, &err);
    if (rc == WS_OK) {
        /* what was accepted encodes and decodes again to the same text */
        char *enc = NULL;
        size_t len = 0;
        ws_extracted *y = NULL;
        if (ws_pool_encode(x, &enc, &len) != WS_OK ||
            ws_pool_decode(enc, len, WS_DOC_PPTX, max_text, &y, &err) != WS_OK ||
            y->text_len != x->text_len || memcmp(y->text, x->text, x->text_len) != 0)
            abort();
        ws_extracted_free(y);
        free(enc);
    }
    fuzz_check(rc, x, max_text + 2);
    return 0;
}
