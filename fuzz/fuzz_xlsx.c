/*
 * fuzz_xlsx.c - libFuzzer target for the Excel workbook extractor (xlsx,
 * lib/extract/extract_sheet.c).
 *
 * First byte: bit 1 says the rest is a whole zip file (containers, bombs,
 * damaged directories); otherwise the rest is XML parts separated by
 * "\n@@\n", wrapped into a valid zip under the names below (workbook,
 * its relationships, shared strings, two sheets, metadata), so that the
 * fuzzer works on the XML, the sheet list and the shared-string
 * references.  bits 2-7 shrink max_text.  Seeds: make-seeds.sh.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "zipw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const xlsx_parts[] = {"xl/workbook.xml",          "xl/_rels/workbook.xml.rels",
                                         "xl/sharedStrings.xml",     "xl/worksheets/sheet1.xml",
                                         "xl/worksheets/sheet2.xml", "docProps/core.xml"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (sel >> 2)
        o.max_text = 16u * (sel >> 2);
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 2) {
        rc = ws_extract_buffer(WS_DOC_XLSX, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        size_t nn = sizeof xlsx_parts / sizeof *xlsx_parts;
        const uint8_t *part[8];
        size_t plen[8];
        size_t k = zipw_split(data + 1, size - 1, part, plen, nn);
        zipw z = {0};
        int bad = 0;
        for (size_t i = 0; i < k && !bad; i++)
            bad = zipw_add(&z, xlsx_parts[i], part[i], plen[i]);
        if (bad || zipw_finish(&z)) {
            zipw_free(&z);
            return 0;
        }
        rc = ws_extract_buffer(WS_DOC_XLSX, (const char *)z.buf, z.len, "fuzz", &o, &x, &err);
        zipw_free(&z);
    }
    fuzz_check(rc, x, o.max_text);
    return 0;
}
