/*
 * extract_odf.c - OpenDocument: Impress presentations (odp) and Writer
 * text documents (odt).
 *
 * Both keep their body in content.xml and their metadata in meta.xml.
 * In a presentation every <draw:page> is a slide, in document order, with
 * its speaker notes in <presentation:notes>; the frame of class "title" is
 * the slide's title.  Text only counts inside <text:p> and <text:h>: SVG
 * titles and descriptions of shapes are not what the speaker wrote.
 *
 * ODF encrypts parts itself (the zip entries are not flagged): a manifest
 * with <manifest:encryption-data> means the content is ciphertext, so such
 * files are reported as password-protected instead of failing as garbage.
 * Writer records the page breaks it laid out as <text:soft-page-break/>;
 * explicit breaks are paragraph styles with fo:break-before/after="page".
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/zipx.h"

#define MAX_BREAK_STYLES 4096
#define MANIFEST_MAX     ((size_t)4 << 20)

/* Paragraph styles that put a page break before (1) or after (2). */
typedef struct break_styles {
    char **name;
    int *where;
    size_t n, cap;
} break_styles;

static void bs_free(break_styles *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->name[i]);
    free(s->name);
    free(s->where);
}

static int bs_add(break_styles *s, const char *name, int where)
{
    if (s->n >= MAX_BREAK_STYLES)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **nv = realloc(s->name, cap * sizeof *nv);
        if (!nv)
            return -1;
        s->name = nv;
        int *wv = realloc(s->where, cap * sizeof *wv);
        if (!wv)
            return -1;
        s->where = wv;
        s->cap = cap;
    }
    if (!(s->name[s->n] = strdup(name)))
        return -1;
    s->where[s->n++] = where;
    return 0;
}

static int bs_find(const break_styles *s, const char *name)
{
    for (size_t i = 0; name && i < s->n; i++)
        if (!strcmp(s->name[i], name))
            return s->where[i];
    return 0;
}

static int encrypted(ws_xb *b, ws_zipx *z, ws_error *err)
{
    const char *part = "META-INF/manifest.xml";
    if (!ws_zipx_has(z, part))
        return WS_OK;
    char *m = NULL;
    size_t n = 0;
    int rc = ws_zipx_read(z, part, MANIFEST_MAX, &m, &n, err);
    if (rc != WS_OK)
        return rc;
    if (strstr(m, "encryption-data"))
        rc = ws_error_set(err, WS_EUNSUPPORTED,
                          "%s: encrypted (password-protected) document, skipped", b->name);
    free(m);
    return rc;
}

/* The mimetype entry names the kind of document; a Writer file named .odp
 * is refused with both names. */
static int check_mimetype(ws_xb *b, ws_zipx *z, ws_error *err)
{
    if (!ws_zipx_has(z, "mimetype"))
        return WS_OK; /* optional in practice; content.xml decides */
    char *m = NULL;
    size_t n = 0;
    int rc = ws_zipx_read(z, "mimetype", 256, &m, &n, err);
    if (rc != WS_OK)
        return rc == WS_ETOOBIG ? ws_error_set(err, WS_EFORMAT, "%s: bad mimetype entry", b->name)
                                : rc;
    const char *want = b->x->type == WS_DOC_ODP ? "application/vnd.oasis.opendocument.presentation"
                       : b->x->type == WS_DOC_ODS ? "application/vnd.oasis.opendocument.spreadsheet"
                                                  : "application/vnd.oasis.opendocument.text";
    size_t wl = strlen(want);
    /* "...presentation-template" and "...text-master" are the same inside. */
    if (n < wl || memcmp(m, want, wl) != 0) {
        char shown[80];
        size_t k = 0;
        for (size_t i = 0; i < n && k + 1 < sizeof shown; i++)
            shown[k++] = (m[i] >= 0x20 && m[i] < 0x7F) ? m[i] : '?';
        shown[k] = '\0';
        rc = ws_error_set(err, WS_EFORMAT, "%s: content is %s, not an %s (wrong extension?)",
                          b->name, shown, ws_doctype_name(b->x->type));
    }
    free(m);
    return rc;
}

int ws_odf_check(ws_xb *b, ws_zipx *z, ws_error *err)
{
    int rc = encrypted(b, z, err);
    if (rc == WS_OK)
        rc = check_mimetype(b, z, err);
    if (rc == WS_OK && !ws_zipx_has(z, "content.xml"))
        rc = ws_error_set(err, WS_EFORMAT, "%s: not an OpenDocument file: no content.xml", b->name);
    return rc;
}

typedef struct odf_state {
    ws_xb *b;
    ws_flow flow; /* odt only */
    int odp;
    unsigned slide;
    int in_text;           /* depth of text:p/text:h nesting */
    int title_frame_depth; /* depth of the open title frame, or -1 */
    ws_buf title;
    ws_buf head; /* text of an open text:h (odt) */
    int in_h;
    int p_break_after;
} odf_state;

static void put_text(odf_state *s, const char *v, size_t n)
{
    if (s->in_h) {
        if (s->head.len < WS_X_HEADING_MAX)
            ws_buf_append(&s->head, v, n);
        return;
    }
    if (s->odp) {
        ws_xb_text(s->b, v, n, 1);
        if (s->title_frame_depth >= 0 && s->title.len < WS_X_HEADING_MAX)
            ws_buf_append(&s->title, v, n);
    } else {
        ws_flow_text(&s->flow, v, n);
    }
}

static void line_break(odf_state *s)
{
    if (s->in_h)
        ws_buf_putc(&s->head, ' ');
    else
        ws_xb_break(s->b, 1);
    if (s->odp && s->title_frame_depth >= 0)
        ws_buf_putc(&s->title, ' ');
}

/* A <text:p> or <text:h> opens: page breaks of its style, a heading. */
static void start_para(odf_state *s, ws_xml *x, break_styles *bs, const char *n, int empty)
{
    char *sn = ws_xml_attr(x, "style-name");
    int where = bs_find(bs, sn);
    free(sn);
    if (!s->odp && (where & 1))
        ws_flow_page_break(&s->flow);
    if (!strcmp(n, "h") && !s->odp && !s->in_text && !empty) {
        s->in_h = 1;
        ws_buf_reset(&s->head);
    }
    if (!empty)
        s->in_text++;
    else
        ws_xb_break(s->b, 2);
    s->p_break_after = (where & 2) != 0;
    if (empty && s->p_break_after && !s->odp)
        ws_flow_page_break(&s->flow);
}

/* An element opens; ws_xml_skip's status when it was skipped. */
static int start_element(odf_state *s, ws_xml *x, break_styles *bs, char **style, ws_error *err)
{
    ws_xb *b = s->b;
    const char *n = ws_xml_name(x);
    int d = ws_xml_depth(x);
    int empty = ws_xml_empty(x);
    if (!strcmp(n, "style") && !empty) {
        free(*style);
        *style = ws_xml_attr(x, "name");
    } else if (*style && !strcmp(n, "paragraph-properties")) {
        char *bb = ws_xml_attr(x, "break-before"), *ba = ws_xml_attr(x, "break-after");
        int where = (bb && !strcmp(bb, "page") ? 1 : 0) | (ba && !strcmp(ba, "page") ? 2 : 0);
        if (where && bs_add(bs, *style, where) < 0)
            b->oom = 1;
        free(bb);
        free(ba);
    } else if (!strcmp(n, "page") && s->odp) { /* draw:page */
        ws_xb_page(b, WS_PASSAGE_SLIDE, ++s->slide, NULL, 0);
        s->title_frame_depth = -1;
        ws_buf_reset(&s->title);
    } else if (!strcmp(n, "frame") && s->odp && !empty) {
        char *cls = ws_xml_attr(x, "class");
        if (cls && !strcmp(cls, "title") && s->title_frame_depth < 0) {
            s->title_frame_depth = d;
            ws_buf_reset(&s->title);
        }
        free(cls);
    } else if (!strcmp(n, "notes") && s->odp) {
        ws_xb_break(b, 2);
    } else if (!strcmp(n, "p") || !strcmp(n, "h")) {
        start_para(s, x, bs, n, empty);
    } else if (s->in_text && !strcmp(n, "s")) {
        char *c = ws_xml_attr(x, "c");
        int k = c ? atoi(c) : 1;
        free(c);
        /* Runs of spaces collapse anyway: one is enough. */
        if (k > 0)
            put_text(s, " ", 1);
    } else if (s->in_text && !strcmp(n, "tab")) {
        put_text(s, " ", 1);
    } else if (s->in_text && !strcmp(n, "line-break")) {
        line_break(s);
    } else if (!strcmp(n, "soft-page-break") && !s->odp) {
        ws_flow_page_break(&s->flow);
    } else if (!strcmp(n, "a") && s->in_text) {
        char *href = ws_xml_attr(x, "href");
        if (href)
            ws_xb_link(b, href, strlen(href));
        free(href);
    } else if (!strcmp(n, "note-citation") || !strcmp(n, "annotation") ||
               !strcmp(n, "tracked-changes") || !strcmp(n, "sequence-decls") ||
               !strcmp(n, "bookmark-ref") || !strcmp(n, "page-thumbnail")) {
        /* Citation marks, comments and deleted text are not the
         * document's text. */
        return ws_xml_skip(x, err);
    }
    return WS_OK;
}

static void end_element(odf_state *s, const char *n, int d, char **style)
{
    ws_xb *b = s->b;
    if (!strcmp(n, "style")) {
        free(*style);
        *style = NULL;
    } else if (!strcmp(n, "p") || !strcmp(n, "h")) {
        if (s->in_text > 0)
            s->in_text--;
        if (s->in_h && !s->in_text) {
            s->in_h = 0;
            const char *h = ws_buf_cstr(&s->head);
            if (h && s->head.len)
                ws_flow_heading(&s->flow, h, s->head.len);
        }
        ws_xb_break(b, s->in_text ? 1 : 2);
        if (s->p_break_after && !s->odp && !s->in_text)
            ws_flow_page_break(&s->flow);
        s->p_break_after = 0;
    } else if (!strcmp(n, "frame") && s->odp && d == s->title_frame_depth) {
        if (s->title.len) {
            const char *h = ws_buf_cstr(&s->title);
            if (h) {
                ws_xb_set_heading(b, h, s->title.len);
                if (!b->x->title)
                    ws_xb_field(b, &b->x->title, h, s->title.len);
            }
        }
        s->title_frame_depth = -1;
        ws_xb_break(b, 2);
    } else if (!strcmp(n, "frame") || !strcmp(n, "table-cell")) {
        ws_xb_break(b, 2);
    }
}

static int content(odf_state *s, ws_zipx *z, ws_error *err)
{
    ws_xb *b = s->b;
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, "content.xml", &x, err);
    if (rc != WS_OK)
        return rc;
    break_styles bs = {0};
    char *style = NULL; /* automatic style being read */
    int r;
    while ((r = ws_xml_next(x, err)) == 1 && !b->full && !b->oom) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        int d = ws_xml_depth(x);
        if (t == XML_READER_TYPE_ELEMENT) {
            int sr = start_element(s, x, &bs, &style, err);
            if (sr != WS_OK) {
                r = sr;
                break;
            }
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            end_element(s, n, d, &style);
        } else if (s->in_text) {
            const char *v = ws_xml_value(x);
            if (v)
                put_text(s, v, strlen(v));
        }
    }
    free(style);
    bs_free(&bs);
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

int ws_extract_odf(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    ws_zipx *z = NULL;
    int rc = ws_zipx_open(b, data, len, &z, err);
    if (rc != WS_OK)
        return rc;
    rc = ws_odf_check(b, z, err);
    if (rc == WS_OK)
        rc = ws_office_meta(b, z, "meta.xml", err);
    if (rc == WS_OK) {
        odf_state s;
        memset(&s, 0, sizeof s);
        s.b = b;
        s.odp = b->x->type == WS_DOC_ODP;
        s.title_frame_depth = -1;
        s.title = (ws_buf)WS_BUF_INIT;
        s.head = (ws_buf)WS_BUF_INIT;
        if (!s.odp)
            ws_flow_start(&s.flow, b);
        rc = content(&s, z, err);
        if (!s.odp)
            ws_flow_end(&s.flow);
        ws_buf_free(&s.title);
        ws_buf_free(&s.head);
    }
    ws_zipx_close(z);
    return rc;
}
