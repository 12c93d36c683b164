/*
 * extract_pdf.c - PDF through poppler-glib: one PAGE passage per page.
 *
 * poppler_page_get_text gives a page's text in reading order (poppler's
 * TextOutputDev sorts the blocks into columns and lines), which is what a
 * hit should show.  The document is parsed from memory; poppler copies
 * nothing, so the buffer outlives it.  Poppler is large and has had its
 * share of crashes on crafted files, which is one reason extraction runs in
 * worker processes with limits (lib/index/pool.c); here every page is read
 * and freed one at a time so memory stays at one page's worth of text.
 *
 * Scanned pages.  A page with no text layer that shows an image, or whose
 * layer is a few characters (a page number stamped on a scan) over an
 * image covering most of the page, is rendered with cairo at ocr_dpi
 * (lower for a page so large that it would pass WS_OCR_MAX_PIXELS), turned
 * into an 8-bit grey Leptonica image and recognised (ocr.c).  Pages without
 * any image are not rendered: there is nothing a scanner put there.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "extract/ocr.h"

#define TITLE_MAX_CHARS 120 /* a longer first line is a sentence, not a title */
#define FEW_CHARS       40  /* a text layer this thin over a scan is a stamp */

static void set_field(ws_xb *b, char **field, gchar *v)
{
    if (v && *v)
        ws_xb_field(b, field, v, strlen(v));
    g_free(v);
}

static void set_date(ws_xb *b, time_t t)
{
    if (t <= 0 || b->x->date)
        return;
    struct tm tm;
    char d[16];
    if (!gmtime_r(&t, &tm) || !strftime(d, sizeof d, "%Y-%m-%d", &tm))
        return;
    ws_xb_date(b, &b->x->date, d, strlen(d));
}

/* A short first line of the first page stands in for a missing title. */
static void title_from_text(ws_xb *b, const char *t)
{
    for (int lines = 0; *t && lines < 3; lines++) {
        size_t n = strcspn(t, "\n");
        size_t s = 0, e = n;
        while (s < e && (t[s] == ' ' || t[s] == '\t'))
            s++;
        while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r'))
            e--;
        if (e > s) {
            if (g_utf8_validate(t + s, (gssize)(e - s), NULL) &&
                g_utf8_strlen(t + s, (gssize)(e - s)) <= TITLE_MAX_CHARS)
                ws_xb_field(b, &b->x->title, t + s, e - s);
            return;
        }
        t += n + (t[n] == '\n');
    }
}

/* URI link annotations of a page become links of the document. */
static void page_links(ws_xb *b, PopplerPage *page)
{
    GList *links = poppler_page_get_link_mapping(page);
    for (GList *l = links; l; l = l->next) {
        PopplerLinkMapping *m = l->data;
        if (m && m->action && m->action->type == POPPLER_ACTION_URI && m->action->uri.uri)
            ws_xb_link(b, m->action->uri.uri, strlen(m->action->uri.uri));
    }
    poppler_page_free_link_mapping(links);
}

/* Non-blank bytes of t. */
static size_t ink(const char *t)
{
    size_t n = 0;
    for (; t && *t; t++)
        n += !strchr(" \t\r\n\f", *t);
    return n;
}

/* The share of the page its images cover, at most 1 (0 if none): summed,
 * since some scanners store a page as a stack of strips. */
static double image_cover(PopplerPage *page)
{
    double w = 0, h = 0, sum = 0;
    poppler_page_get_size(page, &w, &h);
    GList *imgs = poppler_page_get_image_mapping(page);
    for (GList *l = imgs; l && w > 0 && h > 0 && sum < 1; l = l->next) {
        PopplerImageMapping *m = l->data;
        double a = (m->area.x2 - m->area.x1) * (m->area.y2 - m->area.y1) / (w * h);
        sum += a < 0 ? -a : a;
    }
    poppler_page_free_image_mapping(imgs);
    return sum > 1 ? 1 : sum;
}

/* Render the page on white at dpi (less if it would be too large) and
 * recognise it; *text as for ws_ocr_page. */
static int ocr_page(ws_xb *b, PopplerPage *page, unsigned number, char **text, ws_error *err)
{
    double started = ws_ocr_begin(b, number);
    if (!started)
        return WS_OK;
    double w = 0, h = 0, dpi = b->opts->ocr_dpi ? b->opts->ocr_dpi : 300;
    poppler_page_get_size(page, &w, &h);
    if (!(w > 1 && h > 1 && w < 1e6 && h < 1e6))
        return WS_OK; /* no page to speak of */
    double px = w / 72 * dpi * (h / 72 * dpi);
    if (px > WS_OCR_MAX_PIXELS)
        dpi *= sqrt(WS_OCR_MAX_PIXELS / px);
    int pw = (int)(w / 72 * dpi), ph = (int)(h / 72 * dpi);
    if (pw < 16 || ph < 16)
        return WS_OK;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory rendering page %u for OCR", b->name,
                            number);
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72, dpi / 72);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    PIX *pix = pixCreate(pw, ph, 8);
    if (!pix) {
        cairo_surface_destroy(s);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory rendering page %u for OCR", b->name,
                            number);
    }
    const unsigned char *src = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), wpl = pixGetWpl(pix);
    l_uint32 *dst = pixGetData(pix);
    for (int y = 0; y < ph; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)stride);
        l_uint32 *line = dst + (size_t)y * (size_t)wpl;
        for (int x = 0; x < pw; x++) {
            uint32_t p = row[x]; /* xRGB in native order */
            unsigned g =
                (((p >> 16) & 0xFF) * 299 + ((p >> 8) & 0xFF) * 587 + (p & 0xFF) * 114) / 1000;
            SET_DATA_BYTE(line, x, g);
        }
    }
    cairo_surface_destroy(s);
    pixSetResolution(pix, (l_int32)dpi, (l_int32)dpi);
    int rc = ws_ocr_page(b, pix, (int)dpi, number, started, text, err);
    pixDestroy(&pix);
    return rc;
}

/* The document information: title, authors, subject, keywords, dates. */
static void pdf_meta(ws_xb *b, PopplerDocument *doc)
{
    ws_extracted *x = b->x;
    set_field(b, &x->title, poppler_document_get_title(doc));
    gchar *author = poppler_document_get_author(doc);
    if (author && *author)
        ws_xb_list_split(b, &x->speakers, &x->nspeakers, author, strlen(author), ";");
    g_free(author);
    set_field(b, &x->description, poppler_document_get_subject(doc));
    gchar *kw = poppler_document_get_keywords(doc);
    if (kw && *kw)
        ws_xb_list_split(b, &x->tags, &x->ntags, kw, strlen(kw), ",;");
    g_free(kw);
    set_date(b, poppler_document_get_creation_date(doc));
    set_date(b, poppler_document_get_modification_date(doc));
}

/* One page: its text layer, or OCR of a scanned page; then its links. */
static int read_page(ws_xb *b, PopplerPage *page, unsigned number, int ocr, int *texts,
                     ws_error *err)
{
    int rc = WS_OK;
    char *t = poppler_page_get_text(page);
    size_t blank = t ? strspn(t, " \t\r\n\f") : 0;
    size_t chars = ocr ? ink(t) : FEW_CHARS;
    double cover = chars < FEW_CHARS ? image_cover(page) : 0;
    if (cover > (chars ? 0.5 : 0.05)) {
        char *rt = NULL;
        rc = ocr_page(b, page, number, &rt, err);
        if (rt) {
            if (!*texts && !b->x->title)
                title_from_text(b, rt);
            (*texts)++;
            free(rt);
            /* The few characters of the layer (a title slide's "Danke"
             * over its photo) follow, in case OCR misread them. */
            if (chars) {
                ws_xb_break(b, 2);
                ws_xb_text(b, t, strlen(t), 0);
            }
            g_free(t);
            t = NULL;
        }
    }
    if (t && t[blank]) {
        size_t n = strlen(t);
        ws_xb_page(b, WS_PASSAGE_PAGE, number, NULL, 0);
        /* Lines of a page are lines: not flowed together. */
        ws_xb_text(b, t, n, 0);
        if (!*texts && !b->x->title)
            title_from_text(b, t);
        (*texts)++;
    }
    g_free(t);
    page_links(b, page);
    return rc;
}

int ws_extract_pdf(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    GError *ge = NULL;
    GBytes *bytes = g_bytes_new_static(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &ge);
    g_bytes_unref(bytes); /* the document keeps its own reference */
    if (!doc) {
        int enc = ge && ge->domain == POPPLER_ERROR && ge->code == POPPLER_ERROR_ENCRYPTED;
        int rc =
            enc ? ws_error_set(err, WS_EUNSUPPORTED, "%s: password-protected PDF, skipped", b->name)
                : ws_error_set(err, WS_EFORMAT, "%s: damaged PDF (%s)", b->name,
                               ge && ge->message ? ge->message : "cannot be parsed");
        if (ge)
            g_error_free(ge);
        return rc;
    }
    ws_extracted *x = b->x;
    pdf_meta(b, doc);
    int pages = poppler_document_get_n_pages(doc), texts = 0, rc = WS_OK;
    int ocr = b->opts->ocr != WS_OCR_OFF;
    for (int i = 0; i < pages && !b->full && !b->oom && rc == WS_OK; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        rc = read_page(b, page, (unsigned)i + 1, ocr, &texts, err);
        g_object_unref(page);
    }
    g_object_unref(doc);
    if (rc != WS_OK)
        return rc;
    if (!texts && pages > 0 && x->ocr_pages + x->ocr_skipped)
        return ws_error_set(err, WS_EFORMAT,
                            "%s: no text layer in %d page%s, and OCR recognised no text in %u "
                            "scanned page%s%s, nothing to index",
                            b->name, pages, pages == 1 ? "" : "s", x->ocr_pages + x->ocr_skipped,
                            x->ocr_pages + x->ocr_skipped == 1 ? "" : "s",
                            x->ocr_skipped ? " (some over the OCR time limit)" : "");
    if (!texts && pages > 0)
        return ws_error_set(
            err, WS_EFORMAT, "%s: no text layer in %d page%s (%s), nothing to index", b->name,
            pages, pages == 1 ? "" : "s",
            ocr ? "and no scanned image to recognise" : "scanned or image-only PDF? OCR is off");
    return WS_OK;
}
