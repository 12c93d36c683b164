/*
 * fuzz_xls.c - libFuzzer target for the Excel (.xls) extractor.
 *
 * First byte: bit 0 says the rest is a whole file (the OLE container as
 * libgsf reads it); otherwise the rest is streams separated by "\n@@\n":
 * Workbook and \005SummaryInformation, written into a valid
 * compound file (olew.h) so that the fuzzer works on the records.  Bits
 * 1-7 shrink max_text.  Seeds: make-seeds.sh in this folder.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "olew.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"Workbook", "\005SummaryInformation"};
#define NNAMES (sizeof names / sizeof names[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (sel >> 1)
        o.max_text = 16u * (sel >> 1);
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 1) {
        rc = ws_extract_buffer(WS_DOC_XLS, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        const uint8_t *part[NNAMES + 1];
        size_t plen[NNAMES + 1];
        size_t k = olew_split(data + 1, size - 1, part, plen, NNAMES);
        uint8_t *ole = NULL;
        size_t olen = 0;
        if (olew_build(names, part, plen, k, &ole, &olen))
            return 0;
        rc = ws_extract_buffer(WS_DOC_XLS, (const char *)ole, olen, "fuzz", &o, &x, &err);
        free(ole);
    }
    fuzz_check(rc, x, o.max_text);
    return 0;
}
