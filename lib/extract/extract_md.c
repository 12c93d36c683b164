/*
 * extract_md.c - Markdown: YAML front matter through libyaml, the body
 * through cmark.
 *
 * Front matter is read from libyaml's event stream rather than its
 * document loader: events never expand aliases, so a "billion laughs"
 * document costs nothing, and any anchor or alias makes us drop the front
 * matter anyway.  Only a flat mapping is understood; values may be a
 * scalar or a sequence of scalars, anything nested is skipped.  Front
 * matter that is not a valid YAML mapping is not an error: the document is
 * still worth finding, so that block is indexed as ordinary text and its
 * metadata ignored.
 *
 * The body is walked with cmark's iterator (no recursion).  Every heading
 * starts a SECTION passage; text before the first heading is a BODY
 * passage.  Raw HTML in the Markdown contributes its text only.
 */
#include "extract/extract_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <yaml.h>

#include "util/text.h"

/* ---- front matter ------------------------------------------------------ */

enum fm_key { FM_NONE, FM_TITLE, FM_DATE, FM_SPEAKERS, FM_ORG, FM_EVENT, FM_TAGS, FM_DESC };

static enum fm_key fm_key_of(const char *k, size_t n)
{
    static const struct {
        const char *name;
        enum fm_key key;
    } keys[] = {
        {"title", FM_TITLE},
        {"titel", FM_TITLE},
        {"date", FM_DATE},
        {"datum", FM_DATE},
        {"speakers", FM_SPEAKERS},
        {"speaker", FM_SPEAKERS},
        {"referent", FM_SPEAKERS},
        {"referenten", FM_SPEAKERS},
        {"referentin", FM_SPEAKERS},
        {"referentinnen", FM_SPEAKERS},
        {"authors", FM_SPEAKERS},
        {"author", FM_SPEAKERS},
        {"organisation", FM_ORG},
        {"organization", FM_ORG},
        {"org", FM_ORG},
        {"event", FM_EVENT},
        {"veranstaltung", FM_EVENT},
        {"tags", FM_TAGS},
        {"keywords", FM_TAGS},
        {"schlagworte", FM_TAGS},
        {"description", FM_DESC},
        {"beschreibung", FM_DESC},
        {"summary", FM_DESC},
    };
    char low[24];
    if (n >= sizeof low)
        return FM_NONE;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(low, keys[i].name) == 0)
            return keys[i].key;
    return FM_NONE;
}

/* A plain scalar spelling YAML's null. */
static int yaml_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* One value for key; item is set for members of a sequence. */
static void fm_value(ws_xb *b, ws_extracted *fm, enum fm_key key, const char *v, size_t n, int item)
{
    switch (key) {
    case FM_TITLE:
        ws_xb_field(b, &fm->title, v, n);
        break;
    case FM_DATE:
        ws_xb_date(b, &fm->date, v, n);
        break;
    case FM_ORG:
        ws_xb_field(b, &fm->organisation, v, n);
        break;
    case FM_EVENT:
        ws_xb_field(b, &fm->event, v, n);
        break;
    case FM_DESC:
        ws_xb_field(b, &fm->description, v, n);
        break;
    case FM_SPEAKERS:
        /* "Dr. Frank Gesemann, DESI" is one speaker; ';' separates several */
        if (item)
            ws_xb_list_add(b, &fm->speakers, &fm->nspeakers, v, n);
        else
            ws_xb_list_split(b, &fm->speakers, &fm->nspeakers, v, n, ";");
        break;
    case FM_TAGS:
        if (item)
            ws_xb_list_add(b, &fm->tags, &fm->ntags, v, n);
        else
            ws_xb_list_split(b, &fm->tags, &fm->ntags, v, n, ",;");
        break;
    default:
        break;
    }
}

static int has_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return 1;
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.anchor != NULL;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.anchor != NULL;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.anchor != NULL;
    default:
        return 0;
    }
}

enum { ST_STREAM, ST_DOC, ST_ROOT, ST_KEY, ST_VALUE, ST_SEQ, ST_SKIP, ST_DONE, ST_FAIL };

typedef struct fm_state {
    ws_xb *b;
    ws_extracted *fm;
    int st, back;   /* the state, and where ST_SKIP returns to */
    unsigned depth; /* nesting inside a skipped value */
    enum fm_key key;
} fm_state;

/* A nested mapping or sequence is skipped to its end. */
static void fm_skip(fm_state *s, yaml_event_type_t t)
{
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
        if (++s->depth > s->b->max_depth)
            s->st = ST_FAIL;
    } else if ((t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) && --s->depth == 0) {
        s->st = s->back;
    }
}

/* ST_VALUE: a key's value; ST_SEQ: an item of a sequence value. */
static void fm_value_event(fm_state *s, const yaml_event_t *ev)
{
    yaml_event_type_t t = ev->type;
    if (s->st == ST_VALUE) {
        if (t == YAML_SCALAR_EVENT) {
            if (!yaml_null(ev))
                fm_value(s->b, s->fm, s->key, (const char *)ev->data.scalar.value,
                         ev->data.scalar.length, 0);
            s->st = ST_KEY;
        } else if (t == YAML_SEQUENCE_START_EVENT) {
            s->st = ST_SEQ;
        } else if (t == YAML_MAPPING_START_EVENT) {
            s->depth = 1;
            s->back = ST_KEY;
            s->st = ST_SKIP;
        } else {
            s->st = ST_FAIL;
        }
        return;
    }
    if (t == YAML_SCALAR_EVENT) {
        if (!yaml_null(ev))
            fm_value(s->b, s->fm, s->key, (const char *)ev->data.scalar.value,
                     ev->data.scalar.length, 1);
    } else if (t == YAML_SEQUENCE_END_EVENT) {
        s->st = ST_KEY;
    } else if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
        s->depth = 1;
        s->back = ST_SEQ;
        s->st = ST_SKIP;
    } else {
        s->st = ST_FAIL;
    }
}

static void fm_step(fm_state *s, const yaml_event_t *ev)
{
    yaml_event_type_t t = ev->type;
    switch (s->st) {
    case ST_STREAM:
        s->st = t == YAML_STREAM_START_EVENT ? ST_DOC : ST_FAIL;
        break;
    case ST_DOC:
        s->st = t == YAML_DOCUMENT_START_EVENT ? ST_ROOT
                : t == YAML_STREAM_END_EVENT   ? ST_DONE
                                               : ST_FAIL;
        break;
    case ST_ROOT:
        /* A bare scalar is prose between two rules, not front matter. */
        s->st = t == YAML_MAPPING_START_EVENT  ? ST_KEY
                : t == YAML_DOCUMENT_END_EVENT ? ST_DONE
                                               : ST_FAIL;
        break;
    case ST_KEY:
        if (t == YAML_MAPPING_END_EVENT) {
            s->st = ST_DONE;
        } else if (t == YAML_SCALAR_EVENT) {
            s->key = fm_key_of((const char *)ev->data.scalar.value, ev->data.scalar.length);
            s->st = ST_VALUE;
        } else {
            s->st = ST_FAIL; /* complex keys */
        }
        break;
    case ST_VALUE:
    case ST_SEQ:
        fm_value_event(s, ev);
        break;
    default:
        s->st = ST_FAIL;
        break;
    }
}

/* Parse the front matter y[0..n) into fm; 1 if it is a valid flat mapping. */
static int fm_parse(ws_xb *b, const char *y, size_t n, ws_extracted *fm)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        b->oom = 1;
        return 0;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)y, n);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    fm_state s = {b, fm, ST_STREAM, ST_KEY, 0, FM_NONE};
    while (s.st != ST_DONE && s.st != ST_FAIL) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            s.st = ST_FAIL;
            break;
        }
        if (has_anchor(&ev))
            s.st = ST_FAIL;
        else if (s.st == ST_SKIP)
            fm_skip(&s, ev.type);
        else
            fm_step(&s, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return s.st == ST_DONE;
}

/* The line t[pos..end) without trailing blanks is exactly d. */
static int line_is(const char *t, size_t pos, size_t end, const char *d)
{
    while (end > pos && (t[end - 1] == ' ' || t[end - 1] == '\t'))
        end--;
    return end - pos == strlen(d) && memcmp(t + pos, d, end - pos) == 0;
}

static size_t line_end(const char *t, size_t n, size_t pos)
{
    const char *nl = memchr(t + pos, '\n', n - pos);
    return nl ? (size_t)(nl - t) : n;
}

/* Handle a leading "---" block; returns where the Markdown body starts. */
static size_t front_matter(ws_xb *b, const char *t, size_t n)
{
    size_t e = line_end(t, n, 0);
    if (!line_is(t, 0, e, "---") || e == n)
        return 0;
    size_t start = e + 1, pos = start;
    while (pos < n &&
           pos - start <= WS_X_FM_MAX) { /* bounded: a closing line further on is not ours */
        size_t le = line_end(t, n, pos);
        if (line_is(t, pos, le, "---") || line_is(t, pos, le, "...")) {
            ws_extracted fm;
            memset(&fm, 0, sizeof fm);
            if (fm_parse(b, t + start, pos - start, &fm)) {
                ws_extracted *x = b->x;
                x->title = fm.title;
                x->date = fm.date;
                x->description = fm.description;
                x->organisation = fm.organisation;
                x->event = fm.event;
                x->speakers = fm.speakers;
                x->nspeakers = fm.nspeakers;
                x->tags = fm.tags;
                x->ntags = fm.ntags;
            } else {
                ws_x_free_meta(&fm);
                ws_xb_text_clean(b, t + start, pos - start, 0);
                ws_xb_break(b, 2);
            }
            return le < n ? le + 1 : n;
        }
        pos = le + 1;
    }
    return 0; /* no closing line: the "---" was a thematic break */
}

/* ---- raw HTML inside Markdown ------------------------------------------ */

typedef struct md_ctx {
    ws_xb *b;
    ws_buf head; /* text of the heading being read */
    int in_heading;
    int h1_seen;
    char skip_tag[8]; /* inside <script> or <style> of raw HTML: its name */
} md_ctx;

static void md_emit(md_ctx *c, const char *s, size_t n, int flow)
{
    if (c->in_heading)
        ws_xb_head_append(&c->head, s, n);
    else
        ws_xb_text(c->b, s, n, flow);
}

/* Text between tags, with the common entities decoded; others stay as
 * written (cmark already decoded entities outside raw HTML). */
static void html_text(md_ctx *c, const char *s, size_t n)
{
    static const struct {
        const char *name;
        const char *utf8;
    } ents[] = {{"amp;", "&"},   {"lt;", "<"},   {"gt;", ">"},
                {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
    size_t i = 0, start = 0;
    while (i < n) {
        if (s[i] != '&') {
            i++;
            continue;
        }
        md_emit(c, s + start, i - start, 1);
        char out[4];
        size_t olen = 0, used = 0;
        if (i + 2 < n && s[i + 1] == '#') {
            size_t k = i + 2;
            int hex = k < n && (s[k] == 'x' || s[k] == 'X');
            k += (size_t)hex;
            uint32_t cp = 0;
            size_t digits = 0;
            for (; k < n && digits < 8; k++, digits++) {
                char ch = s[k];
                int v = ch >= '0' && ch <= '9'          ? ch - '0'
                        : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                        : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                        : -1;
                if (v < 0)
                    break;
                cp = cp * (hex ? 16 : 10) + (uint32_t)v;
            }
            if (digits && k < n && s[k] == ';' && cp && cp <= 0x10FFFF &&
                !(cp >= 0xD800 && cp <= 0xDFFF)) {
                olen = ws_utf8_encode(cp, out);
                used = k + 1 - i;
            }
        } else {
            for (size_t e = 0; e < sizeof ents / sizeof ents[0]; e++) {
                size_t el = strlen(ents[e].name);
                if (n - i - 1 >= el && memcmp(s + i + 1, ents[e].name, el) == 0) {
                    olen = strlen(ents[e].utf8);
                    memcpy(out, ents[e].utf8, olen);
                    used = el + 1;
                    break;
                }
            }
        }
        if (used) {
            md_emit(c, out, olen, 1);
            i += used;
        } else {
            md_emit(c, "&", 1, 1);
            i++;
        }
        start = i;
    }
    md_emit(c, s + start, n - start, 1);
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int tag_is_block(const char *t)
{
    static const char *const blocks[] = {"p",       "div", "br", "li",    "ul",         "ol",
                                         "tr",      "td",  "th", "table", "h1",         "h2",
                                         "h3",      "h4",  "h5", "h6",    "blockquote", "section",
                                         "article", "pre", "hr", "dd",    "dt",         "dl"};
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (strcmp(t, blocks[i]) == 0)
            return 1;
    return 0;
}

static int ci_starts(const char *s, size_t n, const char *p)
{
    size_t i = 0;
    for (; p[i]; i++) {
        char ch = i < n ? s[i] : '\0';
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch + 32);
        if (ch != p[i])
            return 0;
    }
    return 1;
}

/* Raw HTML (a block or one inline tag): keep the text, drop tags, comments
 * and the content of script and style, which may span several inline nodes. */
static void md_html(md_ctx *c, const char *s, size_t n)
{
    size_t i = 0, start = 0;
    while (i < n) {
        if (c->skip_tag[0]) {
            char close[12] = "</";
            strcat(close, c->skip_tag);
            size_t k = i;
            while (k < n && !(s[k] == '<' && ci_starts(s + k, n - k, close)))
                k++;
            if (k == n)
                return;
            c->skip_tag[0] = '\0';
            i = start = k;
        }
        unsigned char nx = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        if (s[i] != '<' || !(nx == '/' || nx == '!' || nx == '?' || is_alpha(nx))) {
            i++;
            continue;
        }
        html_text(c, s + start, i - start);
        size_t end;
        if (ci_starts(s + i, n - i, "<!--")) {
            const char *p = NULL;
            for (size_t k = i + 4; k + 2 < n && !p; k++)
                if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>')
                    p = s + k;
            end = p ? (size_t)(p - s) + 3 : n;
        } else {
            const char *gt = memchr(s + i, '>', n - i);
            end = gt ? (size_t)(gt - s) + 1 : n;
            size_t k = i + 1 + (nx == '/');
            char name[8];
            size_t nl = 0;
            while (k < n && nl + 1 < sizeof name &&
                   (is_alpha((unsigned char)s[k]) || (s[k] >= '1' && s[k] <= '6' && nl)))
                name[nl++] = (char)(s[k++] | 0x20);
            name[nl] = '\0';
            if (nx != '/' && (!strcmp(name, "script") || !strcmp(name, "style")))
                memcpy(c->skip_tag, name, nl + 1);
            else if (tag_is_block(name)) {
                if (c->in_heading)
                    md_emit(c, " ", 1, 1);
                else
                    ws_xb_break(c->b, 1);
            }
        }
        i = start = end;
    }
    html_text(c, s + start, n - start);
}

/* ---- the Markdown body ------------------------------------------------- */

#define MD_MAX_BRACKETS 1000 /* '[' in one paragraph before links are turned off */

/* The end of the blank-line separated chunk at t[pos..), with its count of '['. */
static size_t chunk_end(const char *t, size_t n, size_t pos, size_t *brackets)
{
    size_t nb = 0;
    while (pos < n) {
        size_t le = line_end(t, n, pos), k = pos;
        while (k < le && (t[k] == ' ' || t[k] == '\t'))
            k++;
        if (k == le && le < n) { /* a blank line ends the chunk */
            *brackets = nb;
            return le + 1;
        }
        for (k = pos; k < le; k++)
            nb += t[k] == '[';
        pos = le < n ? le + 1 : n;
    }
    *brackets = nb;
    return n;
}

/*
 * cmark 0.30.2 needs quadratic time for a paragraph with very many '['
 * (fixed upstream in 0.30.3).  No real paragraph has a thousand of them, so
 * in such a paragraph each unescaped '[' gets a backslash: its text stays
 * the same, only its link syntax is lost.  Returns NULL when no paragraph
 * needs it (*oom says whether that was for lack of memory), else a new
 * string of *outlen bytes.
 */
static char *defuse_brackets(const char *t, size_t n, size_t *outlen, int *oom)
{
    size_t pos = 0, nb, extra = 0;
    while (pos < n) {
        size_t end = chunk_end(t, n, pos, &nb);
        if (nb > MD_MAX_BRACKETS)
            extra += nb;
        pos = end;
    }
    *oom = 0;
    if (!extra)
        return NULL;
    char *out = malloc(n + extra + 1);
    if (!out) {
        *oom = 1;
        return NULL;
    }
    size_t o = 0;
    pos = 0;
    while (pos < n) {
        size_t end = chunk_end(t, n, pos, &nb);
        size_t backslashes = 0;
        for (size_t k = pos; k < end; k++) {
            if (t[k] == '[' && nb > MD_MAX_BRACKETS && backslashes % 2 == 0)
                out[o++] = '\\';
            backslashes = t[k] == '\\' ? backslashes + 1 : 0;
            out[o++] = t[k];
        }
        pos = end;
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static int is_leaf(cmark_node_type t)
{
    switch (t) {
    case CMARK_NODE_HTML_BLOCK:
    case CMARK_NODE_THEMATIC_BREAK:
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE:
        return 1;
    default:
        return 0;
    }
}

static void literal(md_ctx *c, cmark_node *node, int flow)
{
    const char *s = cmark_node_get_literal(node);
    if (s)
        md_emit(c, s, strlen(s), flow);
}

static void md_enter(md_ctx *c, cmark_node *node, cmark_node_type t)
{
    ws_xb *b = c->b;
    const char *s;
    if (c->skip_tag[0] && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ||
                           t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK))
        return; /* between an inline <script> and its </script> */
    switch (t) {
    case CMARK_NODE_TEXT:
        literal(c, node, 1);
        if ((s = cmark_node_get_literal(node)) != NULL)
            ws_xb_scan_links(b, s, strlen(s));
        break;
    case CMARK_NODE_CODE:
        literal(c, node, 1);
        break;
    case CMARK_NODE_SOFTBREAK:
        md_emit(c, " ", 1, 1);
        break;
    case CMARK_NODE_LINEBREAK:
        md_emit(c, c->in_heading ? " " : "\n", 1, 0);
        break;
    case CMARK_NODE_CODE_BLOCK:
        ws_xb_break(b, 2);
        literal(c, node, 0);
        ws_xb_break(b, 2);
        break;
    case CMARK_NODE_HTML_BLOCK:
        ws_xb_break(b, 2);
        if ((s = cmark_node_get_literal(node)) != NULL)
            md_html(c, s, strlen(s));
        c->skip_tag[0] = '\0';
        ws_xb_break(b, 2);
        break;
    case CMARK_NODE_HTML_INLINE:
        if ((s = cmark_node_get_literal(node)) != NULL)
            md_html(c, s, strlen(s));
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        ws_xb_break(b, 2);
        break;
    case CMARK_NODE_ITEM:
        ws_xb_break(b, 1);
        break;
    case CMARK_NODE_LINK:
        if ((s = cmark_node_get_url(node)) != NULL)
            ws_xb_link(b, s, strlen(s));
        break;
    case CMARK_NODE_HEADING:
        if (!c->in_heading)
            ws_buf_reset(&c->head);
        c->in_heading++;
        break;
    default:
        break;
    }
}

static void md_exit(md_ctx *c, cmark_node *node, cmark_node_type t)
{
    ws_xb *b = c->b;
    if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)
        c->skip_tag[0] = '\0'; /* an unclosed inline <script> ends with its block */
    switch (t) {
    case CMARK_NODE_PARAGRAPH: {
        cmark_node *parent = cmark_node_parent(node);
        int in_item = parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM;
        ws_xb_break(b, in_item ? 1 : 2);
        break;
    }
    case CMARK_NODE_ITEM:
        ws_xb_break(b, 1);
        break;
    case CMARK_NODE_LIST:
    case CMARK_NODE_BLOCK_QUOTE:
        ws_xb_break(b, 2);
        break;
    case CMARK_NODE_HEADING: {
        if (--c->in_heading)
            break;
        const char *h = ws_buf_cstr(&c->head);
        if (!h) {
            b->oom = 1;
            break;
        }
        if (cmark_node_get_heading_level(node) == 1 && !c->h1_seen) {
            c->h1_seen = 1;
            ws_xb_field(b, &b->x->title, h, c->head.len);
        }
        ws_xb_section(b, h, c->head.len);
        break;
    }
    default:
        break;
    }
}

/* Walk the tree; subtrees nested deeper than max_depth are skipped. */
static void md_walk(md_ctx *c, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    if (!it) {
        c->b->oom = 1;
        return;
    }
    unsigned depth = 0;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && !c->b->oom && !c->b->full) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        if (ev == CMARK_EVENT_ENTER) {
            if (!is_leaf(t)) {
                if (depth >= c->b->max_depth) {
                    /* jump to this node's exit, which is then consumed */
                    cmark_iter_reset(it, node, CMARK_EVENT_EXIT);
                    continue;
                }
                depth++;
            }
            md_enter(c, node, t);
        } else {
            depth--;
            md_exit(c, node, t);
        }
    }
    cmark_iter_free(it);
}

int ws_extract_md(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    char *text = NULL;
    size_t n = 0;
    int rc = ws_xb_decode(b, data, len, &text, &n, err);
    if (rc)
        return rc;
    size_t body = front_matter(b, text, n);
    int oom = 0;
    size_t dlen = 0;
    char *defused = defuse_brackets(text + body, n - body, &dlen, &oom);
    cmark_node *doc = NULL;
    if (!oom)
        doc = defused ? cmark_parse_document(defused, dlen, CMARK_OPT_DEFAULT)
                      : cmark_parse_document(text + body, n - body, CMARK_OPT_DEFAULT);
    free(defused);
    if (!doc) {
        free(text);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory parsing Markdown", b->name);
    }
    md_ctx c;
    memset(&c, 0, sizeof c);
    c.b = b;
    c.head = (ws_buf)WS_BUF_INIT;
    c.head.max = (size_t)64 << 10;
    md_walk(&c, doc);
    ws_buf_free(&c.head);
    cmark_node_free(doc);
    free(text);
    return WS_OK;
}
