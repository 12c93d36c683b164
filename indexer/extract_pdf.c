/*
 * extract_pdf.c - PDF through poppler-glib: one PAGE passage per page.
 *
 * poppler_page_get_text gives a page's text in reading order (poppler's
 * TextOutputDev sorts the blocks into columns and lines), which is what a
 * hit should show.  The document is parsed from memory; poppler copies
 * nothing, so the buffer outlives it.  Poppler is large and has had its
 * share of crashes on crafted files, which is one reason extraction runs in
 * worker processes with limits (indexer/pool.c); here every page is read
 * and freed one at a time so memory stays at one page's worth of text.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <poppler.h>

#define TITLE_MAX_CHARS 120 /* a longer first line is a sentence, not a title */

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

    int pages = poppler_document_get_n_pages(doc), texts = 0;
    for (int i = 0; i < pages && !b->full && !b->oom; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        char *t = poppler_page_get_text(page);
        size_t blank = t ? strspn(t, " \t\r\n\f") : 0;
        if (t && t[blank]) {
            size_t n = strlen(t);
            ws_xb_page(b, WS_PASSAGE_PAGE, (unsigned)i + 1, NULL, 0);
            /* Lines of a page are lines: not flowed together. */
            ws_xb_text(b, t, n, 0);
            if (!texts && !x->title)
                title_from_text(b, t);
            texts++;
        }
        g_free(t);
        page_links(b, page);
        g_object_unref(page);
    }
    g_object_unref(doc);
    if (!texts && pages > 0)
        return ws_error_set(err, WS_EFORMAT,
                            "%s: no text layer in %d page%s (scanned or image-only PDF?), "
                            "nothing to index",
                            b->name, pages, pages == 1 ? "" : "s");
    return WS_OK;
}
