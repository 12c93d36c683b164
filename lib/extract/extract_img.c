/*
 * extract_img.c - PNG, JPEG and TIFF images: text only by OCR.
 *
 * Leptonica (which Tesseract uses itself) decodes the image from memory;
 * a TIFF may hold several pages, and each image page becomes a PAGE
 * passage, so a hit in a scanned folder names its sheet.  The header is
 * read first and the size checked before anything is decoded: a 40-byte
 * PNG can claim a 100 000 x 100 000 picture.  The format comes from the
 * bytes, not the name, and must agree with the extension.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "extract/ocr.h"

static const char *format_name(int f)
{
    switch (f) {
    case IFF_PNG:
        return "a PNG image";
    case IFF_JFIF_JPEG:
        return "a JPEG image";
    case IFF_TIFF:
    case IFF_TIFF_PACKBITS:
    case IFF_TIFF_RLE:
    case IFF_TIFF_G3:
    case IFF_TIFF_G4:
    case IFF_TIFF_LZW:
    case IFF_TIFF_ZIP:
    case IFF_TIFF_JPEG:
        return "a TIFF image";
    case IFF_UNKNOWN:
        return NULL;
    default:
        return "an image of another format";
    }
}

/* Check size, decode, recognise one page (n: 0-based TIFF page). */
static int image_page(ws_xb *b, const l_uint8 *d, size_t len, int tiff, int n, ws_error *err)
{
    l_int32 w = 0, h = 0, bps = 0, spp = 0, res = 0, cmap = 0, fmt = 0;
    int bad = tiff ? readHeaderMemTiff(d, len, n, &w, &h, &bps, &spp, &res, &cmap, &fmt)
                   : pixReadHeaderMem(d, len, &fmt, &w, &h, &bps, &spp, &cmap);
    if (bad || w <= 0 || h <= 0)
        return ws_error_set(err, WS_EFORMAT, "%s: damaged image (unreadable header)", b->name);
    if ((double)w * (double)h > WS_OCR_MAX_PIXELS)
        return ws_error_set(err, WS_ETOOBIG,
                            "%s: image is %d x %d pixels, over the limit of %.0f megapixels",
                            b->name, (int)w, (int)h, WS_OCR_MAX_PIXELS / 1e6);
    double started = ws_ocr_begin(b, (unsigned)n + 1);
    if (!started)
        return WS_OK;
    PIX *pix = tiff ? pixReadMemTiff(d, len, n) : pixReadMem(d, len);
    if (!pix)
        return ws_error_set(err, WS_EFORMAT, "%s: damaged image (cannot be decoded)", b->name);
    /* Tesseract takes 1, 8 and 32 bits a pixel; palettes and 16 bits are
     * turned into grey first. */
    int depth = pixGetDepth(pix);
    if (pixGetColormap(pix) || (depth != 1 && depth != 8 && depth != 32)) {
        PIX *g = pixConvertTo8(pix, 0);
        pixDestroy(&pix);
        if (!(pix = g))
            return ws_error_set(err, WS_EFORMAT, "%s: image of %d bits a pixel cannot be read",
                                b->name, depth);
    }
    int rc = ws_ocr_page(b, pix, pixGetXRes(pix), (unsigned)n + 1, started, NULL, err);
    pixDestroy(&pix);
    return rc;
}

int ws_extract_image(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    const char *want = b->x->type == WS_DOC_PNG    ? "a PNG image"
                       : b->x->type == WS_DOC_JPEG ? "a JPEG image"
                                                   : "a TIFF image";
    if (len == 0)
        return ws_error_set(err, WS_EFORMAT, "%s: empty file (0 bytes), not %s", b->name, want);
    const l_uint8 *d = (const l_uint8 *)data;
    l_int32 fmt = IFF_UNKNOWN;
    /* findFileFormatBuffer reads the first 12 bytes unchecked. */
    if (len < 12 || findFileFormatBuffer(d, &fmt) != 0)
        fmt = IFF_UNKNOWN;
    setMsgSeverity(L_SEVERITY_NONE); /* Leptonica would print on stderr */
    const char *is = format_name(fmt);
    if (!is || strcmp(is, want) != 0)
        return ws_error_set(err, WS_EFORMAT, "%s: content is %s, not %s (wrong extension?)",
                            b->name, is ? is : "no image format known", want);
    if (b->opts->ocr == WS_OCR_OFF)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: an image, and OCR is off: nothing to index",
                            b->name);
    int tiff = b->x->type == WS_DOC_TIFF, pages = 1, rc = WS_OK;
    if (tiff) {
        FILE *f = fopenReadFromMemory(d, len);
        l_int32 n = 0;
        if (!f || tiffGetCount(f, &n) != 0 || n < 1) {
            if (f)
                fclose(f);
            return ws_error_set(err, WS_EFORMAT, "%s: damaged TIFF (no pages)", b->name);
        }
        fclose(f);
        pages = n > WS_OCR_MAX_PAGES ? WS_OCR_MAX_PAGES : (int)n;
    }
    for (int i = 0; i < pages && rc == WS_OK && !b->full && !b->oom; i++)
        rc = image_page(b, d, len, tiff, i, err);
    if (rc == WS_OK && !b->x->npassages && !b->cur_kept)
        return ws_error_set(err, WS_EFORMAT,
                            "%s: OCR recognised no text in %d image page%s%s, nothing to index",
                            b->name, pages, pages == 1 ? "" : "s",
                            b->x->ocr_skipped ? " (over the OCR time limit)"
                                              : " (a photo, or text too small to read?)");
    return rc;
}
