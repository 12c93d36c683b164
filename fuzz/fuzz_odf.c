/*
 * fuzz_odf.c - libFuzzer target for the OpenDocument extractor (odp, odt).
 *
 * First byte: bit 0 picks odp or odt; bit 1 says the rest is a whole zip
 * file (containers, bombs, damaged directories); otherwise the rest is XML
 * parts separated by "\n@@\n", wrapped into a valid zip under the names
 * below, so that the fuzzer works on the XML and the relationship logic.
 * bits 2-7 shrink max_text.  Seeds: make-seeds.sh in this folder.
 */
#include <stdint.h>

#include "fuzz_check.h"
#include "zipw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The same names for both kinds: the mimetype decides (or is fuzzed). */
static const char *const odf_parts[] = {"content.xml", "meta.xml", "mimetype",
                                        "META-INF/manifest.xml"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    int odp = sel & 1;
    ws_extract_options o = WS_EXTRACT_OPTIONS_INIT;
    if (sel >> 2)
        o.max_text = 16u * (sel >> 2);
    ws_doctype t = odp ? WS_DOC_ODP : WS_DOC_ODT;
    ws_extracted *x = NULL;
    ws_error err;
    int rc;
    if (sel & 2) {
        rc = ws_extract_buffer(t, (const char *)data + 1, size - 1, "fuzz", &o, &x, &err);
    } else {
        const char *const *names = odf_parts;
        size_t nn = sizeof odf_parts / sizeof *odf_parts;
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
