/*
 * fuzz_ooxml.c - libFuzzer target for the OOXML extractor (pptx, docx).
 *
 * First byte: bit 0 picks pptx or docx; bit 1 says the rest is a whole zip
 * file (containers, bombs, damaged directories); otherwise the rest is XML
 * parts separated by "\n@@\n", wrapped into a valid zip under the names
 * below, so that the fuzzer works on the XML and the relationship logic.
 * bits 2-7 shrink max_text.  Seeds: make-seeds.sh in this folder.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "zipw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pptx_parts[] = {"ppt/presentation.xml",
                                         "ppt/_rels/presentation.xml.rels",
                                         "ppt/slides/slide1.xml",
                                         "ppt/slides/_rels/slide1.xml.rels",
                                         "ppt/notesSlides/notesSlide1.xml",
                                         "ppt/slides/slide2.xml",
                                         "docProps/core.xml"};
static const char *const docx_parts[] = {"word/document.xml", "word/styles.xml",
                                         "word/_rels/document.xml.rels", "docProps/core.xml"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    int pptx = sel & 1;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (sel >> 2)
        o.max_text = 16u * (sel >> 2);
    ws_doctype t = pptx ? WS_DOC_PPTX : WS_DOC_DOCX;
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 2) {
        rc = ws_extract_buffer(t, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        const char *const *names = pptx ? pptx_parts : docx_parts;
        size_t nn =
            pptx ? sizeof pptx_parts / sizeof *pptx_parts : sizeof docx_parts / sizeof *docx_parts;
        const uint8_t *part[8];
        size_t plen[8];
        size_t k = zipw_split(data + 1, size - 1, part, plen, nn);
        zipw z = {0};
        int bad = 0;
        for (size_t i = 0; i < k && !bad; i++)
            bad = zipw_add(&z, names[i], part[i], plen[i]);
        if (bad || zipw_finish(&z)) {
            zipw_free(&z);
            return 0;
        }
        rc = ws_extract_buffer(t, (const char *)z.buf, z.len, "fuzz", &o, &x, &err);
        zipw_free(&z);
    }
    fuzz_check(rc, x, o.max_text);
    return 0;
}
