/*
 * fuzz_check.h - what every extractor fuzz target asserts about a result:
 * a record only on success, text NUL-free UTF-8 of the length it claims
 * and within max_text, every passage with text.
 */
#ifndef WS_FUZZ_CHECK_H
#define WS_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "wsearch/extract.h"
#include "util/text.h"

/* Options with max_text shrunk by the selector bits (0: the default), so
 * the fuzzer reaches the truncation paths too. */
static inline ws_extract_options fuzz_options(unsigned shrink)
{
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (shrink)
        o.max_text = 16u * shrink;
    return o;
}

static void fuzz_check(int rc, ws_extracted *x, size_t max_text)
{
    if (rc != WS_OK) {
        if (x)
            abort();
        return;
    }
    if (!x || !x->text || strlen(x->text) != x->text_len || !ws_utf8_valid(x->text, x->text_len) ||
        x->text_len > max_text)
        abort();
    for (size_t i = 0; i < x->npassages; i++)
        if (!x->passages[i].text || (!x->passages[i].text_len && !x->passages[i].heading))
            abort();
    ws_extracted_free(x);
}

#endif /* WS_FUZZ_CHECK_H */
