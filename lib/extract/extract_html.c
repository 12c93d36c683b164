/*
 * extract_html.c - HTML through libxml2's error-tolerant HTML parser.
 *
 * The bytes are decoded by ws_text_decode before libxml2 sees them, and
 * libxml2 is told they are UTF-8 and to ignore <meta charset>: pages often
 * declare one encoding and are written in another, and only the bytes
 * tell the truth.  The parser runs without network access and without
 * HTML_PARSE_HUGE, so libxml2's own size limits stay in force.  When one of
 * them stops the parser (nesting deeper than 256 elements, a text node over
 * 10 MB) the tree holds only the start of the page; that is reported as
 * WS_EFORMAT rather than indexed as if it were the whole document.
 *
 * The tree is walked twice, iteratively (nesting is input-controlled), and
 * children deeper than max_depth are skipped:
 * once over the whole document for metadata (<title>, <meta>, the first
 * <h1>, and where the content is), then over the content for text.  The
 * content is <main> if there is one, else every outermost <article>, else
 * <body>: that leaves site navigation and similar boilerplate out.
 * Elements that are never text (script, style, forms, navigation, ...)
 * are skipped with their subtrees; <header> and <footer> only outside an
 * article or main, where they are the site's rather than the article's.
 */
#include "extract/extract_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include "util/text.h"

#define HTML_OPTIONS                                                                               \
    (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |           \
     HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

#define MAX_ARTICLES 1024 /* content roots kept; later articles are ignored */

/* ---- an iterative walk over a subtree ---------------------------------- */

enum { HW_ENTER, HW_EXIT, HW_DONE };

typedef struct hwalk {
    xmlNode *root;
    xmlNode *node; /* node of the next event */
    int ev;        /* the next event */
    unsigned depth, max;
    int descended; /* the last ENTER went into the children */
} hwalk;

static void hw_init(hwalk *w, xmlNode *root, unsigned depth, unsigned max)
{
    w->root = root;
    w->node = root;
    w->ev = root ? HW_ENTER : HW_DONE;
    w->depth = depth;
    w->max = max;
    w->descended = 0;
}

/* The step after leaving cur. */
static void hw_after_exit(hwalk *w, xmlNode *cur)
{
    if (cur == w->root) {
        w->ev = HW_DONE;
    } else if (cur->next) {
        w->node = cur->next;
        w->ev = HW_ENTER;
    } else {
        w->node = cur->parent;
        w->depth--;
        w->ev = HW_EXIT;
    }
}

/* Next event: 0 when done, else *node and *enter.  Children of nodes at
 * the depth limit are not visited. */
static int hw_next(hwalk *w, xmlNode **node, int *enter)
{
    if (w->ev == HW_DONE)
        return 0;
    xmlNode *cur = w->node;
    *node = cur;
    *enter = w->ev == HW_ENTER;
    w->descended = 0;
    if (w->ev == HW_ENTER) {
        if (cur->type == XML_ELEMENT_NODE && cur->children && w->depth < w->max) {
            w->node = cur->children;
            w->depth++;
            w->descended = 1;
        } else {
            w->ev = HW_EXIT;
        }
    } else {
        hw_after_exit(w, cur);
    }
    return 1;
}

/* Called right after the ENTER of cur: skip its subtree and its EXIT. */
static void hw_skip(hwalk *w, xmlNode *cur)
{
    if (w->descended)
        w->depth--;
    w->descended = 0;
    hw_after_exit(w, cur);
}

static unsigned node_depth(xmlNode *n)
{
    unsigned d = 0;
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        d++;
    return d;
}

/* ---- element classes --------------------------------------------------- */

static int name_in(const xmlChar *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0)
            return 1;
    return 0;
}

#define NAME_IN(name, list) name_in(name, list, sizeof list / sizeof list[0])

static int is_el(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* Never text a reader sees. */
static int dropped(xmlNode *n)
{
    static const char *const drop[] = {"script", "style",  "noscript", "template", "nav",
                                       "aside",  "form",   "button",   "iframe",   "svg",
                                       "select", "object", "embed",    "head"};
    return NAME_IN(n->name, drop) || xmlHasProp(n, (const xmlChar *)"hidden");
}

/* Line breaks an element puts around its text: 2 for paragraphs, 1 for
 * other blocks, 0 for inline elements. */
static int block_lines(const xmlChar *name)
{
    static const char *const para[] = {
        "p",  "h1", "h2", "h3",      "h4",      "h5",     "h6", "pre",  "blockquote", "table",
        "ul", "ol", "dl", "section", "article", "figure", "hr", "main", "address",    "details"};
    static const char *const line[] = {"div",    "li",      "dd",       "dt",         "tr",
                                       "td",     "th",      "caption",  "figcaption", "header",
                                       "footer", "summary", "fieldset", "legend",     "body",
                                       "dialog", "option",  "tbody",    "thead",      "tfoot"};
    if (NAME_IN(name, para))
        return 2;
    if (NAME_IN(name, line))
        return 1;
    return 0;
}

static int heading_level(xmlNode *n)
{
    const xmlChar *s = n->name;
    if (n->type == XML_ELEMENT_NODE && (s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6' &&
        !s[2])
        return s[1] - '0';
    return 0;
}

/* The value of attribute name, or NULL; xmlFree it. */
static xmlChar *attr(xmlNode *n, const char *name)
{
    return xmlGetProp(n, (const xmlChar *)name);
}

/* ---- pass 1: metadata and where the content is -------------------------- */

typedef struct html_meta {
    xmlNode *title, *h1, *main, *body;
    xmlNode *articles[MAX_ARTICLES];
    size_t narticles;
    char *og_description;
} html_meta;

static void meta_tag(ws_xb *b, html_meta *m, xmlNode *n)
{
    static const char *const date_keys[] = {
        "date",           "dc.date",         "dcterms.date",           "dc.date.issued",
        "dcterms.issued", "dcterms.created", "article:published_time", "datepublished"};
    static const char *const desc_keys[] = {"description", "dc.description", "dcterms.description"};
    static const char *const author_keys[] = {"author", "dc.creator", "dcterms.creator"};
    static const char *const tag_keys[] = {"keywords", "news_keywords", "article:tag"};
    ws_extracted *x = b->x;
    xmlChar *key = attr(n, "name");
    if (!key)
        key = attr(n, "property");
    xmlChar *content = attr(n, "content");
    if (key && content) {
        const char *c = (const char *)content;
        size_t cl = strlen(c);
        if (NAME_IN(key, date_keys))
            ws_xb_date(b, &x->date, c, cl);
        else if (NAME_IN(key, desc_keys))
            ws_xb_field(b, &x->description, c, cl);
        else if (xmlStrcasecmp(key, (const xmlChar *)"og:description") == 0)
            ws_xb_field(b, &m->og_description, c, cl);
        else if (NAME_IN(key, author_keys))
            ws_xb_list_split(b, &x->speakers, &x->nspeakers, c, cl, ";");
        else if (NAME_IN(key, tag_keys))
            ws_xb_list_split(b, &x->tags, &x->ntags, c, cl, ",;");
    }
    xmlFree(key);
    xmlFree(content);
}

static void scan_meta(ws_xb *b, html_meta *m, xmlNode *root)
{
    static const char *const opaque[] = {"script", "style", "svg", "template", "noscript"};
    hwalk w;
    hw_init(&w, root, 1, b->max_depth);
    xmlNode *n;
    int enter;
    unsigned in_article = 0;
    while (hw_next(&w, &n, &enter) && !b->oom) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!enter) {
            if (is_el(n, "article"))
                in_article--;
            continue;
        }
        if (NAME_IN(n->name, opaque)) {
            hw_skip(&w, n); /* an <svg><title> is not the page's title */
            continue;
        }
        if (is_el(n, "title") && !m->title) {
            m->title = n;
        } else if (is_el(n, "meta")) {
            meta_tag(b, m, n);
        } else if (is_el(n, "h1") && !m->h1) {
            m->h1 = n;
        } else if (is_el(n, "body") && !m->body) {
            m->body = n;
        } else if (is_el(n, "article")) {
            if (!in_article++ && m->narticles < MAX_ARTICLES)
                m->articles[m->narticles++] = n;
        }
        if (!m->main) {
            xmlChar *role = attr(n, "role");
            if (is_el(n, "main") || (role && xmlStrcasecmp(role, (const xmlChar *)"main") == 0))
                m->main = n;
            xmlFree(role);
        }
    }
}

/* Text of a subtree as one line (for the title), skipping dropped elements. */
static void subtree_text(ws_xb *b, xmlNode *root, ws_buf *out)
{
    hwalk w;
    hw_init(&w, root, node_depth(root), b->max_depth);
    xmlNode *n;
    int enter;
    while (hw_next(&w, &n, &enter) && !out->full && !out->oom) {
        if (!enter)
            continue;
        if (n->type == XML_ELEMENT_NODE && n != root && dropped(n))
            hw_skip(&w, n);
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            ws_buf_puts(out, (const char *)n->content);
        else if (n->type == XML_ELEMENT_NODE && block_lines(n->name))
            ws_buf_putc(out, ' ');
    }
}

/* Set *field from the text of a subtree if it is still empty. */
static void field_from(ws_xb *b, char **field, xmlNode *n)
{
    if (*field || !n)
        return;
    ws_buf t = WS_BUF_INIT;
    t.max = (size_t)64 << 10;
    subtree_text(b, n, &t);
    if (t.oom)
        b->oom = 1;
    else if (t.len)
        ws_xb_field(b, field, t.data, t.len);
    ws_buf_free(&t);
}

/* ---- pass 2: the text -------------------------------------------------- */

typedef struct html_ctx {
    ws_xb *b;
    xmlNode *heading; /* the h1-h6 being read, if any */
    ws_buf head;
    unsigned in_article; /* inside article or main */
    unsigned in_pre;
} html_ctx;

static void text_node(html_ctx *c, xmlNode *n)
{
    if (!n->content)
        return;
    const char *s = (const char *)n->content;
    if (c->heading)
        ws_xb_head_append(&c->head, s, strlen(s));
    else
        ws_xb_text(c->b, s, strlen(s), !c->in_pre);
}

static void enter_element(html_ctx *c, hwalk *w, xmlNode *n)
{
    ws_xb *b = c->b;
    int header_footer = is_el(n, "header") || is_el(n, "footer");
    if (dropped(n) || (header_footer && !c->in_article)) {
        hw_skip(w, n);
        return;
    }
    if (is_el(n, "article") || is_el(n, "main"))
        c->in_article++;
    if (is_el(n, "pre") || is_el(n, "textarea"))
        c->in_pre++;
    if (heading_level(n) && !c->heading) {
        c->heading = n;
        ws_buf_reset(&c->head);
    }
    if (is_el(n, "a")) {
        xmlChar *href = attr(n, "href");
        if (href)
            ws_xb_link(b, (const char *)href, strlen((const char *)href));
        xmlFree(href);
    } else if (is_el(n, "time")) {
        xmlChar *dt = attr(n, "datetime");
        if (dt)
            ws_xb_date(b, &b->x->date, (const char *)dt, strlen((const char *)dt));
        xmlFree(dt);
    } else if (is_el(n, "br")) {
        if (c->heading)
            ws_buf_putc(&c->head, ' ');
        else
            ws_xb_text_clean(b, "\n", 1, 0);
    }
    int lines = block_lines(n->name);
    if (lines && c->heading)
        ws_buf_putc(&c->head, ' ');
    else if (lines)
        ws_xb_break(b, lines);
}

static void exit_element(html_ctx *c, xmlNode *n)
{
    ws_xb *b = c->b;
    if (n == c->heading) {
        c->heading = NULL;
        const char *h = ws_buf_cstr(&c->head);
        if (!h)
            b->oom = 1;
        else
            ws_xb_section(b, h, c->head.len);
    }
    if (is_el(n, "article") || is_el(n, "main"))
        c->in_article--;
    if (is_el(n, "pre") || is_el(n, "textarea"))
        c->in_pre--;
    int lines = block_lines(n->name);
    if (lines && !c->heading)
        ws_xb_break(b, lines);
}

static void content_text(html_ctx *c, xmlNode *root)
{
    hwalk w;
    hw_init(&w, root, node_depth(root), c->b->max_depth);
    xmlNode *n;
    int enter;
    while (hw_next(&w, &n, &enter) && !c->b->oom && !c->b->full) {
        if (n->type == XML_ELEMENT_NODE) {
            if (enter)
                enter_element(c, &w, n);
            else
                exit_element(c, n);
        } else if (enter && (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)) {
            text_node(c, n);
        }
    }
}

/* The parser gave up (RECOVER goes on after ordinary errors; it stops only
 * at its limits or when memory runs out): say which, in user terms. */
static int parse_failure(ws_xb *b, htmlParserCtxtPtr ctxt, ws_error *err)
{
    int code = ctxt->lastError.code;
    if (code == XML_ERR_INTERNAL_ERROR && ctxt->lastError.message &&
        strstr(ctxt->lastError.message, "depth"))
        return ws_error_set(err, WS_EFORMAT, "%s: HTML is nested more than %u elements deep",
                            b->name, xmlParserMaxDepth);
    if (code == XML_ERR_NO_MEMORY)
        return ws_error_set(err, WS_EFORMAT,
                            "%s: HTML parser ran out of memory or hit its size limit "
                            "(a text node over 10 MB?)",
                            b->name);
    char msg[160] = "";
    if (ctxt->lastError.message) {
        size_t l = strlen(ctxt->lastError.message);
        l = l < sizeof msg - 1 ? l : sizeof msg - 1;
        memcpy(msg, ctxt->lastError.message, l);
        while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
            l--;
        msg[l] = '\0';
    }
    return ws_error_set(err, WS_EFORMAT, "%s: HTML could not be parsed%s%s%s", b->name,
                        msg[0] ? " (" : "", msg, msg[0] ? ")" : "");
}

int ws_extract_html(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = ws_xb_decode(b, data, len, &text, &n, err);
    if (rc)
        return rc;
    if (n > INT_MAX) {
        free(text);
        return ws_error_set(err, WS_ETOOBIG, "%s: %zu bytes of HTML is more than the parser takes",
                            b->name, n);
    }
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
        i++;
    if (i == n) { /* nothing to parse; libxml2 would return no document */
        free(text);
        return WS_OK;
    }
    xmlInitParser(); /* once per process; idempotent and locked in libxml2 */
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        free(text);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    htmlDocPtr doc = htmlCtxtReadMemory(ctxt, text, (int)n, NULL, "UTF-8", HTML_OPTIONS);
    free(text);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || ctxt->disableSAX) {
        rc = parse_failure(b, ctxt, err);
        xmlFreeDoc(doc);
        htmlFreeParserCtxt(ctxt);
        return rc;
    }
    htmlFreeParserCtxt(ctxt);

    html_meta *m = calloc(1, sizeof *m);
    if (!m) {
        xmlFreeDoc(doc);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    scan_meta(b, m, root);
    field_from(b, &b->x->title, m->title);
    field_from(b, &b->x->title, m->h1);
    if (!b->x->description && m->og_description) {
        b->x->description = m->og_description;
        m->og_description = NULL;
    }

    html_ctx c;
    memset(&c, 0, sizeof c);
    c.b = b;
    c.head = (ws_buf)WS_BUF_INIT;
    c.head.max = (size_t)64 << 10;
    if (m->main) {
        c.in_article = 1;
        content_text(&c, m->main);
    } else if (m->narticles) {
        for (size_t k = 0; k < m->narticles; k++) {
            c.in_article = 1;
            c.heading = NULL;
            content_text(&c, m->articles[k]);
            ws_xb_break(b, 2);
        }
    } else {
        content_text(&c, m->body ? m->body : root);
    }
    ws_buf_free(&c.head);
    free(m->og_description);
    free(m);
    xmlFreeDoc(doc);
    return WS_OK;
}
