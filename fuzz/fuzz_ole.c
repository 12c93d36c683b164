/*
 * fuzz_ole.c - libFuzzer target for the Office 97-2003 extractors, built
 * once per format: fuzz_doc (-DFUZZ_DOC), fuzz_ppt (-DFUZZ_PPT) and
 * fuzz_xls (-DFUZZ_XLS), see CMakeLists.txt.
 *
 * First byte: bit 0 says the rest is a whole file (the OLE container as
 * libgsf reads it); otherwise the rest is streams separated by "\n@@\n",
 * written into a valid compound file (olew.h) under the format's stream
 * names below, so that the fuzzer works on the records:
 *   doc: WordDocument, 0Table, 1Table (fWhichTblStm picks one),
 *   ppt: "PowerPoint Document", "Current User",
 *   xls: Workbook,
 * each followed by \005SummaryInformation.  Bits 1-7 shrink max_text.
 * Seeds: make-seeds.sh in this folder.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_split.h"
#include "olew.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(FUZZ_DOC)
#define FUZZ_TYPE WS_DOC_DOC
static const char *const names[] = {"WordDocument", "0Table", "1Table", "\005SummaryInformation"};
#elif defined(FUZZ_PPT)
#define FUZZ_TYPE WS_DOC_PPT
static const char *const names[] = {"PowerPoint Document", "Current User",
                                    "\005SummaryInformation"};
#elif defined(FUZZ_XLS)
#define FUZZ_TYPE WS_DOC_XLS
static const char *const names[] = {"Workbook", "\005SummaryInformation"};
#else
#error "define FUZZ_DOC, FUZZ_PPT or FUZZ_XLS"
#endif
#define NNAMES (sizeof names / sizeof names[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    ws_extract_options o = fuzz_options(sel >> 1);
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 1) {
        rc = ws_extract_buffer(FUZZ_TYPE, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        const uint8_t *part[NNAMES + 1];
        size_t plen[NNAMES + 1];
        size_t k = fuzz_split(data + 1, size - 1, part, plen, NNAMES);
        uint8_t *ole = NULL;
        size_t olen = 0;
        if (olew_build(names, part, plen, k, &ole, &olen))
            return 0;
        rc = ws_extract_buffer(FUZZ_TYPE, (const char *)ole, olen, "fuzz", &o, &x, &err);
        free(ole);
    }
    fuzz_check(rc, x, o.max_text);
    return 0;
}
