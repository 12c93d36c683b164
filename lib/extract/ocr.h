/*
 * ocr.h - recognising page images with Tesseract (internal to the library).
 *
 * The PDF and image extractors hand a page image (a Leptonica Pix) to
 * ws_ocr_page, which adds its text as a PAGE passage marked ocr.  See
 * ocr.c for how Tesseract is loaded and bounded.
 */
#ifndef WS_OCR_H
#define WS_OCR_H

#include "extract/extract_int.h"

struct Pix;

/* Images larger than this are refused (WS_ETOOBIG) and PDF pages are
 * rendered at a lower resolution to stay under it: 50 megapixels is A3 at
 * 350 dpi, and at most 200 MB while the page is held in colour. */
#define WS_OCR_MAX_PIXELS 50000000.0
/* Pages recognised per file at most; the worker pool extends a file's
 * deadline for at most this many pages. */
#define WS_OCR_MAX_PAGES 2000

/* Monotonic seconds, for ocr_seconds. */
double ws_ocr_now(void);

/* Start the work on page `number`: tells the hook (the pool extends the
 * deadline) and returns the time it started.  0 when the file has had
 * WS_OCR_MAX_PAGES pages recognised already (the caller stops). */
double ws_ocr_begin(ws_xb *b, unsigned number);

/*
 * Recognise pix (any depth; dpi its resolution, 0 if unknown) as page
 * `number` of b's document, begun at `started` (ws_ocr_begin).  Text found
 * becomes a PAGE passage with ocr = 1; counts go to b->x->ocr_pages,
 * ocr_skipped (over ocr_page_timeout) and ocr_seconds.  *text (may be
 * NULL) gets a malloc'd copy of the text added, or NULL if none was.
 * Fails the file (WS_EUNSUPPORTED) when Tesseract or its language data is
 * missing.
 */
int ws_ocr_page(ws_xb *b, struct Pix *pix, int dpi, unsigned number, double started, char **text,
                ws_error *err);

/*
 * Which languages of want ("deu+eng") have no Tesseract data here: *missing
 * is NULL when all are there, else a malloc'd "eng" or "eng+fra".
 * WS_EUNSUPPORTED when Tesseract itself cannot be loaded.  For the
 * indexer's warning; loads each language once.
 */
int ws_ocr_missing_languages(const char *want, char **missing, ws_error *err);

#endif /* WS_OCR_H */
