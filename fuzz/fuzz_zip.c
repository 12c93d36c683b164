/*
 * fuzz_zip.c - libFuzzer target for the zip-based extractors, built once
 * per family: fuzz_ooxml (-DFUZZ_OOXML: pptx, docx), fuzz_odf (-DFUZZ_ODF:
 * odp, odt), fuzz_xlsx (-DFUZZ_XLSX) and fuzz_ods (-DFUZZ_ODS), see
 * CMakeLists.txt.
 *
 * First byte: bit 0 picks the first or second kind of the family (pptx or
 * docx, odp or odt; no effect for xlsx and ods); bit 1 says the rest is a
 * whole zip file (containers, bombs, damaged directories); otherwise the
 * rest is XML parts separated by "\n@@\n", wrapped into a valid zip under
 * the kind's part names below (after a fixed mimetype entry for ods, whose
 * tables are what is fuzzed; odf fuzzes the mimetype too), so that the
 * fuzzer works on the XML, the relationships, sheet lists and shared
 * strings.  Bits 2-7 shrink max_text.  Seeds: make-seeds.sh in this folder.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "fuzz_split.h"
#include "zipw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct zip_kind {
    ws_doctype type;
    const char *mimetype; /* stored first when not NULL */
    const char *const *parts;
    size_t nparts;
} zip_kind;

#define PARTS(a) a, sizeof a / sizeof *a

#if defined(FUZZ_OOXML)
static const char *const pptx_parts[] = {"ppt/presentation.xml",
                                         "ppt/_rels/presentation.xml.rels",
                                         "ppt/slides/slide1.xml",
                                         "ppt/slides/_rels/slide1.xml.rels",
                                         "ppt/notesSlides/notesSlide1.xml",
                                         "ppt/slides/slide2.xml",
                                         "docProps/core.xml"};
static const char *const docx_parts[] = {"word/document.xml", "word/styles.xml",
                                         "word/_rels/document.xml.rels", "docProps/core.xml"};
static const zip_kind kinds[2] = {{WS_DOC_DOCX, NULL, PARTS(docx_parts)},
                                  {WS_DOC_PPTX, NULL, PARTS(pptx_parts)}};
#elif defined(FUZZ_ODF)
/* The same names for both kinds: the mimetype decides (or is fuzzed). */
static const char *const odf_parts[] = {"content.xml", "meta.xml", "mimetype",
                                        "META-INF/manifest.xml"};
static const zip_kind kinds[2] = {{WS_DOC_ODT, NULL, PARTS(odf_parts)},
                                  {WS_DOC_ODP, NULL, PARTS(odf_parts)}};
#elif defined(FUZZ_XLSX)
static const char *const xlsx_parts[] = {"xl/workbook.xml",          "xl/_rels/workbook.xml.rels",
                                         "xl/sharedStrings.xml",     "xl/worksheets/sheet1.xml",
                                         "xl/worksheets/sheet2.xml", "docProps/core.xml"};
static const zip_kind kinds[2] = {{WS_DOC_XLSX, NULL, PARTS(xlsx_parts)},
                                  {WS_DOC_XLSX, NULL, PARTS(xlsx_parts)}};
#elif defined(FUZZ_ODS)
#define ODS_MIMETYPE "application/vnd.oasis.opendocument.spreadsheet"
static const char *const ods_parts[] = {"content.xml", "meta.xml", "META-INF/manifest.xml"};
static const zip_kind kinds[2] = {{WS_DOC_ODS, ODS_MIMETYPE, PARTS(ods_parts)},
                                  {WS_DOC_ODS, ODS_MIMETYPE, PARTS(ods_parts)}};
#else
#error "define FUZZ_OOXML, FUZZ_ODF, FUZZ_XLSX or FUZZ_ODS"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    const zip_kind *kd = &kinds[sel & 1];
    ws_extract_options o = fuzz_options(sel >> 2);
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 2) {
        rc = ws_extract_buffer(kd->type, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        const uint8_t *part[8];
        size_t plen[8];
        size_t k = fuzz_split(data + 1, size - 1, part, plen, kd->nparts);
        zipw z = {0};
        int bad = kd->mimetype ? zipw_add(&z, "mimetype", kd->mimetype, strlen(kd->mimetype)) : 0;
        for (size_t i = 0; i < k && !bad; i++)
            bad = zipw_add(&z, kd->parts[i], part[i], plen[i]);
        if (bad || zipw_finish(&z)) {
            zipw_free(&z);
            return 0;
        }
        rc = ws_extract_buffer(kd->type, (const char *)z.buf, z.len, "fuzz", &o, &x, &err);
        zipw_free(&z);
    }
    fuzz_check(rc, x, o.max_text);
    return 0;
}
