/*
 * fuzz_query.c - libFuzzer target for query analysis and rewriting: any
 * bytes a client sends must give WS_OK or a clean error, never a crash,
 * and a rewritten query must be valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>

#include "query.h"
#include "wsearch/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ws_analyzer *an;
    if (!an && ws_analyzer_new(&an, NULL) != WS_OK)
        abort();
    ws_buf b = WS_BUF_INIT;
    ws_error e;
    if (ws_query_rewrite(an, (const char *)data, size, 4096, &b, &e) == WS_OK) {
        const char *s = ws_buf_cstr(&b);
        if (!s || !ws_utf8_valid(s, b.len))
            abort();
    }
    ws_buf_free(&b);
    return 0;
}
