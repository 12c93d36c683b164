/*
 * extract_ooxml.c - Office Open XML: PowerPoint (pptx) and Word (docx).
 *
 * An OOXML file is a zip of XML parts tied together by relationship parts
 * (_rels/NAME.rels).  The order of slides is not the order of the slide parts
 * in the archive but the list in ppt/presentation.xml, resolved through
 * its relationships; each slide names its notes page the same way.  Word
 * keeps the whole body in word/document.xml, which can be large, so it is
 * read with the streaming reader and never held in memory as a tree.
 * Heading paragraphs are recognised by outline level or by a style whose
 * name is "heading N" / "Title" (looked up in word/styles.xml, since style
 * ids are localised: a German Word writes "berschrift1").
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/zipx.h"

#define MAX_RELS   20000 /* relationships read from one .rels part */
#define MAX_STYLES 4096

/* ---- relationships -------------------------------------------------------- */

typedef struct rel {
    char *id, *type, *target;
    int external;
} rel;

typedef struct rels {
    rel *v;
    size_t n;
} rels;

static void rels_free(rels *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].target);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* The .rels part of part "a/b/c.xml" is "a/b/_rels/c.xml.rels". */
static int rels_load(ws_xb *b, ws_zipx *z, const char *part, rels *out, ws_error *err)
{
    char rp[600];
    const char *slash = strrchr(part, '/');
    int dl = slash ? (int)(slash - part) + 1 : 0;
    snprintf(rp, sizeof rp, "%.*s_rels/%s.rels", dl, part, part + dl);
    memset(out, 0, sizeof *out);
    if (!ws_zipx_has(z, rp))
        return WS_OK;
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, rp, &x, err);
    if (rc != WS_OK)
        return rc;
    size_t cap = 0;
    int r;
    while ((r = ws_xml_next(x, err)) == 1) {
        if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || strcmp(ws_xml_name(x), "Relationship"))
            continue;
        if (out->n >= MAX_RELS)
            break;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            rel *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                b->oom = 1;
                break;
            }
            out->v = v;
        }
        rel *e = &out->v[out->n];
        e->id = ws_xml_attr(x, "Id");
        e->type = ws_xml_attr(x, "Type");
        e->target = ws_xml_attr(x, "Target");
        char *mode = ws_xml_attr(x, "TargetMode");
        e->external = mode && !strcasecmp(mode, "External");
        free(mode);
        out->n++;
        if (!e->id || !e->target) {
            free(e->id);
            free(e->type);
            free(e->target);
            out->n--;
        }
    }
    ws_xml_close(x);
    if (r < 0)
        rels_free(out); /* the caller gets nothing to free on failure */
    return r < 0 ? r : WS_OK;
}

static const rel *rels_find(const rels *r, const char *id)
{
    for (size_t i = 0; id && i < r->n; i++)
        if (!strcmp(r->v[i].id, id))
            return &r->v[i];
    return NULL;
}

/* Relationship types end in a stable word (".../notesSlide", ".../hyperlink")
 * whatever the namespace (transitional or strict OOXML). */
static int rel_is(const rel *e, const char *kind)
{
    if (!e->type)
        return 0;
    const char *s = strrchr(e->type, '/');
    return s && !strcmp(s + 1, kind);
}

/* External hyperlinks of a part become links of the document. */
static void rels_links(ws_xb *b, const rels *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].external && rel_is(&r->v[i], "hyperlink"))
            ws_xb_link(b, r->v[i].target, strlen(r->v[i].target));
}

/* ---- PowerPoint ----------------------------------------------------------- */

/* Placeholder types that hold no content of their own on a notes page. */
static int notes_boilerplate(const char *ph)
{
    return ph && (!strcmp(ph, "sldImg") || !strcmp(ph, "sldNum") || !strcmp(ph, "hdr") ||
                  !strcmp(ph, "ftr") || !strcmp(ph, "dt"));
}

/*
 * The text of one slide or notes part, shape by shape.  On a slide the
 * title placeholder's text becomes the passage heading too.
 */
static int slide_text(ws_xb *b, ws_zipx *z, const char *part, int notes, ws_error *err)
{
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    ws_buf title = WS_BUF_INIT;
    int in_t = 0, is_title = 0, skip_shape = 0, sp_depth = -1, r;
    while ((r = ws_xml_next(x, err)) == 1) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_ELEMENT) {
            int empty = ws_xml_empty(x);
            if (!strcmp(n, "sp") && !empty) {
                sp_depth = ws_xml_depth(x);
                is_title = skip_shape = 0;
            } else if (!strcmp(n, "ph") && sp_depth >= 0) {
                char *type = ws_xml_attr(x, "type");
                if (notes)
                    skip_shape = notes_boilerplate(type);
                else
                    is_title = type && (!strcmp(type, "title") || !strcmp(type, "ctrTitle"));
                free(type);
            } else if (!strcmp(n, "t") && !empty) {
                in_t = 1;
            } else if (!strcmp(n, "br")) {
                ws_xb_break(b, 1);
                if (is_title)
                    ws_buf_putc(&title, ' ');
            } else if (!strcmp(n, "tab")) {
                ws_xb_text(b, " ", 1, 1);
            }
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            if (!strcmp(n, "t")) {
                in_t = 0;
            } else if (!strcmp(n, "p")) {
                ws_xb_break(b, 1);
                if (is_title)
                    ws_buf_putc(&title, ' ');
            } else if (!strcmp(n, "tc")) {
                ws_xb_break(b, 1);
            } else if (!strcmp(n, "sp") && ws_xml_depth(x) == sp_depth) {
                ws_xb_break(b, 2);
                if (is_title && title.len && !notes) {
                    const char *s = ws_buf_cstr(&title);
                    if (s)
                        ws_xb_set_heading(b, s, title.len);
                }
                sp_depth = -1;
                is_title = skip_shape = 0;
            }
        } else if (in_t && !skip_shape) {
            const char *v = ws_xml_value(x);
            if (v) {
                size_t vl = strlen(v);
                ws_xb_text(b, v, vl, 1);
                if (is_title && title.len < WS_X_HEADING_MAX)
                    ws_buf_append(&title, v, vl);
            }
        }
        if (b->full || b->oom)
            break;
    }
    ws_buf_free(&title);
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

static int pptx(ws_xb *b, ws_zipx *z, ws_error *err)
{
    const char *pres = "ppt/presentation.xml";
    rels prels;
    int rc = rels_load(b, z, pres, &prels, err);
    if (rc != WS_OK)
        return rc;
    ws_xml *x = NULL;
    rc = ws_xml_open(z, pres, &x, err);
    /* The slide list first: the parts are read after it is closed. */
    char **slides = NULL;
    size_t nslides = 0, cap = 0;
    int r = 0;
    while (rc == WS_OK && (r = ws_xml_next(x, err)) == 1) {
        if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || strcmp(ws_xml_name(x), "sldId"))
            continue;
        if (nslides + 1 >= WS_X_MAX_PASSAGES)
            break;
        char *rid = ws_xml_attr_ns(x, "id");
        const rel *e = rels_find(&prels, rid);
        free(rid);
        char path[512];
        if (!e || e->external || !ws_zipx_resolve(pres, e->target, path, sizeof path))
            continue;
        if (nslides == cap) {
            cap = cap ? cap * 2 : 32;
            char **v = realloc(slides, cap * sizeof *v);
            if (!v) {
                b->oom = 1;
                break;
            }
            slides = v;
        }
        if (!(slides[nslides] = strdup(path))) {
            b->oom = 1;
            break;
        }
        nslides++;
    }
    if (rc == WS_OK && r < 0)
        rc = r;
    ws_xml_close(x);
    rels_free(&prels);

    for (size_t i = 0; rc == WS_OK && i < nslides && !b->full && !b->oom; i++) {
        if (!ws_zipx_has(z, slides[i]))
            continue; /* a dangling entry in the list: the slide is lost */
        ws_xb_page(b, WS_PASSAGE_SLIDE, (unsigned)(i + 1), NULL, 0);
        rc = slide_text(b, z, slides[i], 0, err);
        rels srels;
        if (rc == WS_OK)
            rc = rels_load(b, z, slides[i], &srels, err);
        if (rc != WS_OK)
            break;
        rels_links(b, &srels);
        for (size_t k = 0; rc == WS_OK && k < srels.n; k++) {
            char np[512];
            if (rel_is(&srels.v[k], "notesSlide") && !srels.v[k].external &&
                ws_zipx_resolve(slides[i], srels.v[k].target, np, sizeof np) &&
                ws_zipx_has(z, np)) {
                ws_xb_break(b, 2);
                rc = slide_text(b, z, np, 1, err);
                break;
            }
        }
        rels_free(&srels);
        /* No title in the metadata: the first slide's title is the deck's. */
        if (rc == WS_OK && !b->x->title && b->heading)
            ws_xb_field(b, &b->x->title, b->heading, strlen(b->heading));
    }
    for (size_t i = 0; i < nslides; i++)
        free(slides[i]);
    free(slides);
    return rc;
}

/* ---- Word ----------------------------------------------------------------- */

typedef struct style {
    char *id;
    int level; /* 1-9 heading, 0 title, -1 neither */
} style;

typedef struct styles {
    style *v;
    size_t n;
} styles;

static int heading_name_level(const char *name)
{
    if (!name)
        return -1;
    if (!strcasecmp(name, "title") || !strcasecmp(name, "Titel"))
        return 0;
    if (!strncasecmp(name, "heading ", 8) && name[8] >= '1' && name[8] <= '9')
        return name[8] - '0';
    return -1;
}

static int styles_load(ws_xb *b, ws_zipx *z, styles *out, ws_error *err)
{
    memset(out, 0, sizeof *out);
    const char *part = "word/styles.xml";
    if (!ws_zipx_has(z, part))
        return WS_OK;
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    size_t cap = 0;
    style *cur = NULL;
    int r;
    while ((r = ws_xml_next(x, err)) == 1) {
        if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *n = ws_xml_name(x);
        if (!strcmp(n, "style")) {
            cur = NULL;
            if (out->n >= MAX_STYLES)
                continue;
            if (out->n == cap) {
                cap = cap ? cap * 2 : 64;
                style *v = realloc(out->v, cap * sizeof *v);
                if (!v) {
                    b->oom = 1;
                    break;
                }
                out->v = v;
            }
            char *id = ws_xml_attr(x, "styleId");
            if (!id)
                continue;
            cur = &out->v[out->n++];
            cur->id = id;
            cur->level = -1;
        } else if (cur && !strcmp(n, "name")) {
            char *v = ws_xml_attr(x, "val");
            if (cur->level < 0)
                cur->level = heading_name_level(v);
            free(v);
        } else if (cur && !strcmp(n, "outlineLvl")) {
            char *v = ws_xml_attr(x, "val");
            int lv = v ? atoi(v) : 9;
            if (lv >= 0 && lv < 9 && cur->level < 0)
                cur->level = lv + 1;
            free(v);
        }
    }
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

static int style_level(const styles *s, const char *id)
{
    for (size_t i = 0; id && i < s->n; i++)
        if (!strcmp(s->v[i].id, id))
            return s->v[i].level;
    /* No styles part: English and German built-in ids. */
    if (!id)
        return -1;
    if (!strcasecmp(id, "Title"))
        return 0;
    if ((!strncasecmp(id, "Heading", 7) && id[7] >= '1' && id[7] <= '9') ||
        (!strncasecmp(id, "berschrift", 10) && id[10] >= '1' && id[10] <= '9'))
        return 1;
    return -1;
}

typedef struct docx_state {
    ws_xb *b;
    ws_flow f;
    ws_buf head; /* text of a heading paragraph */
    const styles *st;
    const rels *drels;
    /* level: -1 body paragraph, 0 title, 1-9 heading */
    int in_t, in_ppr, level;
} docx_state;

static void styles_free(styles *st)
{
    for (size_t i = 0; i < st->n; i++)
        free(st->v[i].id);
    free(st->v);
}

static void docx_start(docx_state *d, ws_xml *x, const char *n)
{
    ws_xb *b = d->b;
    int empty = ws_xml_empty(x);
    if (!strcmp(n, "p")) {
        d->level = -1;
        ws_buf_reset(&d->head);
        if (empty)
            ws_xb_break(b, 2);
    } else if (!strcmp(n, "pPr")) {
        d->in_ppr = !empty;
    } else if (d->in_ppr && !strcmp(n, "pStyle")) {
        char *v = ws_xml_attr(x, "val");
        d->level = style_level(d->st, v);
        free(v);
    } else if (d->in_ppr && !strcmp(n, "outlineLvl")) {
        char *v = ws_xml_attr(x, "val");
        int lv = v ? atoi(v) : 9;
        if (lv >= 0 && lv < 9)
            d->level = lv + 1;
        free(v);
    } else if (d->in_ppr && !strcmp(n, "pageBreakBefore")) {
        char *v = ws_xml_attr(x, "val");
        if (!v || (strcmp(v, "0") && strcmp(v, "false")))
            ws_flow_page_break(&d->f);
        free(v);
    } else if (d->in_ppr) {
        /* tabs, numbering...: no text inside pPr */
    } else if (!strcmp(n, "t") && !empty) {
        d->in_t = 1;
    } else if (!strcmp(n, "tab")) {
        if (d->level >= 0)
            ws_buf_putc(&d->head, ' ');
        else
            ws_flow_text(&d->f, " ", 1);
    } else if (!strcmp(n, "br") || !strcmp(n, "cr")) {
        char *type = ws_xml_attr(x, "type");
        if (type && !strcmp(type, "page"))
            ws_flow_page_break(&d->f);
        else if (d->level >= 0)
            ws_buf_putc(&d->head, ' ');
        else
            ws_xb_break(b, 1);
        free(type);
    } else if (!strcmp(n, "lastRenderedPageBreak")) {
        ws_flow_page_break(&d->f);
    } else if (!strcmp(n, "hyperlink")) {
        char *rid = ws_xml_attr_ns(x, "id");
        const rel *e = rels_find(d->drels, rid);
        if (e && e->external)
            ws_xb_link(b, e->target, strlen(e->target));
        free(rid);
    }
}

static void docx_end(docx_state *d, const char *n)
{
    ws_xb *b = d->b;
    if (!strcmp(n, "t")) {
        d->in_t = 0;
    } else if (!strcmp(n, "pPr")) {
        d->in_ppr = 0;
    } else if (!strcmp(n, "p")) {
        if (d->level >= 0 && d->head.len) {
            const char *h = ws_buf_cstr(&d->head);
            if (d->level == 0 && h) { /* a "Title" paragraph: also text */
                ws_xb_field(b, &b->x->title, h, d->head.len);
                ws_flow_text(&d->f, h, d->head.len);
            } else if (h) {
                ws_flow_heading(&d->f, h, d->head.len);
            }
        }
        ws_xb_break(b, 2);
        d->level = -1;
    } else if (!strcmp(n, "tc") || !strcmp(n, "tr")) {
        ws_xb_break(b, 2);
    }
}

static void docx_text(docx_state *d, ws_xml *x)
{
    const char *v = ws_xml_value(x);
    if (v && d->level >= 0) {
        if (d->head.len < WS_X_HEADING_MAX)
            ws_buf_append(&d->head, v, strlen(v));
    } else if (v) {
        ws_flow_text(&d->f, v, strlen(v));
    }
}

static int docx(ws_xb *b, ws_zipx *z, ws_error *err)
{
    const char *part = "word/document.xml";
    styles st;
    rels drels;
    int rc = styles_load(b, z, &st, err);
    if (rc == WS_OK)
        rc = rels_load(b, z, part, &drels, err);
    if (rc != WS_OK) {
        styles_free(&st);
        return rc;
    }
    rels_links(b, &drels);
    ws_xml *x = NULL;
    rc = ws_xml_open(z, part, &x, err);
    docx_state d = {.b = b, .head = WS_BUF_INIT, .st = &st, .drels = &drels, .level = -1};
    ws_flow_start(&d.f, b);
    int r = 0;
    while (rc == WS_OK && (r = ws_xml_next(x, err)) == 1 && !b->full && !b->oom) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_ELEMENT)
            docx_start(&d, x, n);
        else if (t == XML_READER_TYPE_END_ELEMENT)
            docx_end(&d, n);
        else if (d.in_t)
            docx_text(&d, x);
    }
    if (rc == WS_OK && r < 0)
        rc = r;
    ws_flow_end(&d.f);
    ws_buf_free(&d.head);
    ws_xml_close(x);
    rels_free(&drels);
    styles_free(&st);
    return rc;
}

int ws_extract_ooxml(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    ws_zipx *z = NULL;
    int rc = ws_zipx_open(b, data, len, &z, err);
    if (rc != WS_OK)
        return rc;
    int is_pptx = b->x->type == WS_DOC_PPTX;
    const char *main = is_pptx ? "ppt/presentation.xml" : "word/document.xml";
    if (!ws_zipx_has(z, main)) {
        const char *other = ws_zipx_has(z, is_pptx ? "word/document.xml" : "ppt/presentation.xml")
                                ? (is_pptx ? "a Word document (docx)" : "a PowerPoint file (pptx)")
                            : ws_zipx_has(z, "xl/workbook.xml") ? "an Excel workbook (xlsx)"
                            : ws_zipx_has(z, "mimetype")        ? "an OpenDocument file"
                                                                : NULL;
        if (other)
            rc = ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a %s (wrong extension?)",
                              b->name, other, is_pptx ? "pptx" : "docx");
        else
            rc = ws_error_set(err, WS_EFORMAT, "%s: not a %s: the container has no %s", b->name,
                              is_pptx ? "PowerPoint file" : "Word document", main);
        ws_zipx_close(z);
        return rc;
    }
    rc = ws_office_meta(b, z, "docProps/core.xml", err);
    if (rc == WS_OK)
        rc = is_pptx ? pptx(b, z, err) : docx(b, z, err);
    ws_zipx_close(z);
    return rc;
}
