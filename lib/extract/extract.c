/*
 * extract.c - the extraction front door: options resolved, the input
 * checked against its type, dispatched to the per-format extractor, and
 * the result's lifetime (ws_extracted_free).
 *
 * Each extractor fills a builder (builder.c, extract_int.h), which owns
 * the limits; this file only decides which extractor runs.  What a file
 * is comes from doctype.c, reading it with limits from file.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- records ----------------------------------------------------------- */

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

void ws_x_free_meta(ws_extracted *x)
{
    free(x->title);
    free(x->date);
    free(x->description);
    free(x->organisation);
    free(x->event);
    free_list(x->speakers, x->nspeakers);
    free_list(x->tags, x->ntags);
    x->title = x->date = x->description = x->organisation = x->event = NULL;
    x->speakers = x->tags = NULL;
    x->nspeakers = x->ntags = 0;
}

void ws_extracted_free(ws_extracted *x)
{
    if (!x)
        return;
    ws_x_free_meta(x);
    free(x->note);
    free_list(x->links, x->nlinks);
    for (size_t i = 0; i < x->npassages; i++) {
        free(x->passages[i].heading);
        free(x->passages[i].text);
    }
    free(x->passages);
    free(x->text);
    free(x);
}

int ws_x_resolve_options(const ws_extract_options *opts, ws_extract_options *o, ws_error *err)
{
    static const ws_extract_options defaults = WS_EXTRACT_OPTIONS_INIT;
    *o = defaults;
    if (!opts)
        return WS_OK;
    if (opts->version != WS_EXTRACT_OPTIONS_VERSION)
        return ws_error_set(err, WS_EINVAL, "extract options version %u is not supported",
                            opts->version);
    if (opts->max_input)
        o->max_input = opts->max_input;
    if (opts->max_text)
        o->max_text = opts->max_text;
    if (opts->max_depth)
        o->max_depth = opts->max_depth;
    o->ocr = opts->ocr;
    if (opts->ocr_languages && *opts->ocr_languages)
        o->ocr_languages = opts->ocr_languages;
    if (opts->ocr_dpi)
        o->ocr_dpi = opts->ocr_dpi;
    if (opts->ocr_page_timeout)
        o->ocr_page_timeout = opts->ocr_page_timeout;
    o->ocr_page_hook = opts->ocr_page_hook;
    o->ocr_hook_ctx = opts->ocr_hook_ctx;
    return WS_OK;
}

/* The extractor for type (one per format). */
static int dispatch(ws_xb *b, ws_doctype type, const char *data, size_t len, ws_error *err)
{
    switch (type) {
    case WS_DOC_TXT:
        return ws_extract_txt(b, data, len, err);
    case WS_DOC_MD:
        return ws_extract_md(b, data, len, err);
    case WS_DOC_HTML:
        return ws_extract_html(b, data, len, err);
    case WS_DOC_PDF:
        return ws_extract_pdf(b, data, len, err);
    case WS_DOC_PPTX:
    case WS_DOC_DOCX:
        return ws_extract_ooxml(b, data, len, err);
    case WS_DOC_XLSX:
    case WS_DOC_ODS:
        return ws_extract_sheet(b, data, len, err);
    case WS_DOC_DOC:
    case WS_DOC_PPT:
    case WS_DOC_XLS:
        return len >= 5 && !memcmp(data, "{\\rtf", 5) ? ws_extract_rtf(b, data, len, err)
                                                      : ws_extract_ole(b, data, len, err);
    case WS_DOC_RTF:
        return ws_extract_rtf(b, data, len, err);
    case WS_DOC_PNG:
    case WS_DOC_JPEG:
    case WS_DOC_TIFF:
        return ws_extract_image(b, data, len, err);
    default:
        return ws_extract_odf(b, data, len, err);
    }
}

int ws_extract_buffer(ws_doctype type, const char *data, size_t len, const char *name,
                      const ws_extract_options *opts, ws_extracted **out, ws_error *err)
{
    if (!name)
        name = "(buffer)";
    if (!out || (!data && len))
        return ws_error_set(err, WS_EINVAL, "%s: no input or output", name);
    *out = NULL;
    ws_extract_options o;
    int rc = ws_x_resolve_options(opts, &o, err);
    if (rc)
        return rc;
    if (len > o.max_input)
        return ws_error_set(err, WS_ETOOBIG, "%s: input is %zu bytes, over the limit of %zu", name,
                            len, o.max_input);
    if (type <= WS_DOC_UNKNOWN || type >= WS_DOC_COUNT_)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: unsupported document type", name);
    /* Images say what they are to Leptonica (extract_img.c). */
    if (type >= WS_DOC_PDF && type != WS_DOC_PNG && type != WS_DOC_JPEG && type != WS_DOC_TIFF &&
        (rc = ws_x_sniff_container(type, data, len, name, err)) != WS_OK)
        return rc;

    ws_xb b;
    memset(&b, 0, sizeof b);
    b.cur = (ws_buf)WS_BUF_INIT;
    b.name = name;
    b.max_text = o.max_text;
    b.max_depth = o.max_depth;
    b.opts = &o;
    b.x = calloc(1, sizeof *b.x);
    if (!b.x)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", name);
    b.x->type = type;
    if (!data)
        data = "";
    rc = dispatch(&b, type, data, len, err);
    if (rc == WS_OK && b.oom)
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", name);
    if (rc) {
        ws_xb_abort(&b);
        return rc;
    }
    b.x->truncated = b.full;
    return ws_xb_finish(&b, out, err);
}
