/*
 * extract_rtf.c - Rich Text Format (.rtf, and RTF saved under a .doc name).
 *
 * Debian has no maintained RTF parsing library (unrtf and catdoc are
 * programs; librtf is not packaged), and RTF is a plain, documented token
 * stream (Microsoft's RTF 1.9.1 specification), so this is a tokenizer of
 * our own: groups in braces, control words with an optional numeric
 * parameter, control symbols, \'hh bytes in the document's code page
 * (\ansicpg, converted with GLib's iconv; Windows-1252 when absent or
 * unknown) and \uN Unicode characters with their \ucN fallback skipped.
 *
 * Destinations that are not document text are skipped: font, colour,
 * style and list tables, pictures and embedded objects' data, headers and
 * footers, list numbers, and every unknown destination marked \*.  The
 * \info group gives title, author, subject, keywords and the creation
 * date (else the revision date).  Of a field only the result is text; a
 * HYPERLINK instruction gives a link.  Paragraphs (\par) are buffered so a
 * paragraph with an outline level (\outlinelevelN, as Word and LibreOffice
 * write for headings) becomes a heading, and a page break (\page, or a
 * paragraph's \pagebb) starts a new page: passages follow the docx rules
 * through ws_flow.  \cell and \line end lines.
 *
 * Bounds: group nesting deeper than max_depth is skipped, \binN data is
 * skipped within the input, control words are cut at 32 letters and their
 * parameters at 9 digits, buffered paragraph text is flushed at 64 KiB,
 * metadata fields are capped.  Unbalanced braces are tolerated as Word
 * tolerates them; a closing brace past the outermost group ends the
 * document.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "extract/zipx.h"

#define WORD_MAX   32
#define PARA_FLUSH 65536
#define FLD_MAX    2048

enum dest { D_TEXT, D_SKIP, D_INFO, D_TITLE, D_AUTHOR, D_SUBJECT, D_KEYWORDS, D_FLDINST, D_DATE };

typedef struct group {
    unsigned char dest;
    unsigned char uc; /* fallback characters after \uN */
} group;

typedef struct rtf {
    ws_xb *b;
    ws_flow f;
    const char *s;
    size_t len, i;
    group *st;
    unsigned depth, max_depth, skipped; /* skipped: groups past max_depth */
    int star;                           /* \* seen: the next destination is optional */
    unsigned skip;                      /* fallback characters still to skip */
    uint32_t high;                      /* a pending high surrogate from \uN */
    uint32_t cp[128];                   /* bytes 0x80-0xFF in the code page */
    ws_buf para, meta[4], fld;
    int level, pagebb;          /* the paragraph's outline level (-1: body), \pagebb */
    int date[2][3], date_which; /* creatim, revtim: year, month, day */
    int meta_done;
} rtf;

/* Windows-1252 for the upper half unless the document names a code page
 * iconv knows. */
static void set_codepage(rtf *r, const char *charset)
{
    static const uint16_t w1252[32] = {
        0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    for (unsigned c = 0x80; c < 0x100; c++)
        r->cp[c - 0x80] = c < 0xA0 ? w1252[c - 0x80] : c;
    if (!charset)
        return;
    GIConv cd = g_iconv_open("UTF-8", charset);
    if (cd == (GIConv)-1)
        return;
    for (unsigned c = 0x80; c < 0x100; c++) {
        char in = (char)c, out[8];
        gchar *ip = &in, *op = out;
        gsize il = 1, ol = sizeof out;
        g_iconv(cd, NULL, NULL, NULL, NULL);
        if (g_iconv(cd, &ip, &il, &op, &ol) != (gsize)-1 && op > out &&
            g_utf8_validate(out, op - out, NULL))
            r->cp[c - 0x80] = g_utf8_get_char(out);
    }
    g_iconv_close(cd);
}

static void put_cp(ws_buf *out, uint32_t cp)
{
    char u[6];
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF)
        cp = 0xFFFD;
    int n = g_unichar_to_utf8(cp, u);
    ws_buf_append(out, u, (size_t)n);
}

static group *top(rtf *r)
{
    return &r->st[r->depth ? r->depth - 1 : 0];
}

static int skipping(rtf *r)
{
    return r->skipped || top(r)->dest == D_SKIP || top(r)->dest == D_INFO || top(r)->dest == D_DATE;
}

/* ---- paragraphs ---------------------------------------------------------------- */

static void para_out(rtf *r, int end)
{
    size_t n = r->para.len;
    const char *s = ws_buf_cstr(&r->para);
    if (!s) {
        r->b->oom = 1;
        return;
    }
    size_t k = strspn(s, " \t");
    if (k < n) {
        if (r->pagebb) {
            ws_flow_page_break(&r->f);
            r->pagebb = 0; /* once per paragraph */
        }
        if (r->level >= 0 && end)
            ws_flow_heading(&r->f, s, n);
        else
            ws_flow_text(&r->f, s, n);
    }
    ws_buf_reset(&r->para);
}

/* End of paragraph (lines 2), line or cell (1). */
static void para_end(rtf *r, int lines)
{
    para_out(r, 1);
    ws_xb_break(r->b, lines);
}

/* A character of text in the current destination. */
static void text(rtf *r, uint32_t c)
{
    if (r->skip) {
        r->skip--;
        return;
    }
    if (skipping(r))
        return;
    ws_buf *out;
    switch (top(r)->dest) {
    case D_TITLE:
    case D_AUTHOR:
    case D_SUBJECT:
    case D_KEYWORDS:
        out = &r->meta[top(r)->dest - D_TITLE];
        if (out->len >= WS_X_FIELD_MAX)
            return;
        break;
    case D_FLDINST:
        out = &r->fld;
        if (out->len >= FLD_MAX)
            return;
        break;
    default:
        out = &r->para;
        if (r->para.len >= PARA_FLUSH) {
            if (r->level >= 0)
                return; /* a heading that long is capped */
            para_out(r, 0);
        }
    }
    if (c < 0x20)
        c = ' ';
    put_cp(out, c);
}

static void uchar(rtf *r, long v)
{
    uint32_t c = (uint32_t)(v < 0 ? v + 65536 : v) & 0xFFFF;
    unsigned uc = top(r)->uc;
    if (c >= 0xD800 && c < 0xDC00) {
        r->high = c;
    } else {
        if (c >= 0xDC00 && c < 0xE000 && r->high)
            c = 0x10000 + ((r->high - 0xD800) << 10) + (c - 0xDC00);
        r->high = 0;
        text(r, c);
    }
    r->skip = uc;
}

static void finish_meta(rtf *r);

/* ---- groups -------------------------------------------------------------------- */

static void field_link(rtf *r)
{
    const char *c = ws_buf_cstr(&r->fld);
    if (!c)
        return;
    while (*c == ' ')
        c++;
    if (!strncmp(c, "HYPERLINK", 9)) {
        const char *q = strchr(c + 9, '"');
        const char *e = q ? strchr(q + 1, '"') : NULL;
        if (e && e > q + 1)
            ws_xb_link(r->b, q + 1, (size_t)(e - q - 1));
    }
    ws_buf_reset(&r->fld);
}

static void open_group(rtf *r)
{
    r->skip = 0;
    if (r->skipped || r->depth >= r->max_depth) {
        r->skipped++;
        return;
    }
    group g = r->depth ? *top(r) : (group){D_TEXT, 1};
    if (g.dest == D_TITLE || g.dest == D_AUTHOR || g.dest == D_SUBJECT || g.dest == D_KEYWORDS ||
        g.dest == D_FLDINST)
        g.dest = D_SKIP; /* nested groups in a field: formatting only, rarely text */
    r->st[r->depth++] = g;
}

/* 0 when the outermost group closed: the document ends. */
static int close_group(rtf *r)
{
    r->skip = 0;
    if (r->skipped) {
        r->skipped--;
        return 1;
    }
    if (!r->depth)
        return 0;
    if (top(r)->dest == D_FLDINST)
        field_link(r);
    if (top(r)->dest == D_DATE)
        r->date_which = 0;
    if (top(r)->dest == D_INFO) /* before the text, whose first heading is a fallback title */
        finish_meta(r);
    r->depth--;
    return r->depth > 0;
}

/* ---- control words ------------------------------------------------------------- */

static int is_word(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(w, *list))
            return 1;
    return 0;
}

/* Destinations that are not document text. */
static const char *const skip_dests[] = {"fonttbl",
                                         "colortbl",
                                         "stylesheet",
                                         "listtable",
                                         "listoverridetable",
                                         "revtbl",
                                         "rsidtbl",
                                         "generator",
                                         "pict",
                                         "objdata",
                                         "themedata",
                                         "colorschememapping",
                                         "datastore",
                                         "latentstyles",
                                         "xmlnstbl",
                                         "header",
                                         "footer",
                                         "headerl",
                                         "headerr",
                                         "headerf",
                                         "footerl",
                                         "footerr",
                                         "footerf",
                                         "listtext",
                                         "pntext",
                                         "pntxta",
                                         "pntxtb",
                                         "nonshppict",
                                         "filetbl",
                                         "ftnsep",
                                         "ftnsepc",
                                         "aftnsep",
                                         "aftnsepc",
                                         "ftncn",
                                         "aftncn",
                                         "private",
                                         "annotation",
                                         "atnid",
                                         "atnauthor",
                                         "userprops",
                                         "docvar",
                                         "bkmkstart",
                                         "bkmkend",
                                         "mmathPr",
                                         "pgdsctbl",
                                         "template",
                                         "operator",
                                         "comment",
                                         "xe",
                                         "tc",
                                         NULL};

/* In \info (or a date in it): which field the group is, or a date part. */
static void info_control(rtf *r, group *g, const char *w, int has_param, long param)
{
    if (!strcmp(w, "title"))
        g->dest = D_TITLE;
    else if (!strcmp(w, "author")) /* the first: LibreOffice adds the last editor */
        g->dest = r->meta[1].len ? D_SKIP : D_AUTHOR;
    else if (!strcmp(w, "subject"))
        g->dest = D_SUBJECT;
    else if (!strcmp(w, "keywords"))
        g->dest = D_KEYWORDS;
    else if (!strcmp(w, "creatim") || !strcmp(w, "revtim")) {
        g->dest = D_DATE;
        r->date_which = w[0] == 'c' ? 1 : 2;
    } else if (g->dest == D_DATE && r->date_which && has_param) {
        int *d = r->date[r->date_which - 1];
        if (!strcmp(w, "yr"))
            d[0] = (int)param;
        else if (!strcmp(w, "mo"))
            d[1] = (int)param;
        else if (!strcmp(w, "dy"))
            d[2] = (int)param;
    }
}

/* 1 if w starts a destination (info, a field instruction, a skipped one). */
static int dest_control(rtf *r, group *g, const char *w, int star)
{
    if (!strcmp(w, "info")) {
        g->dest = D_INFO;
    } else if (!strcmp(w, "fldinst")) {
        g->dest = D_FLDINST;
        ws_buf_reset(&r->fld);
    } else if (is_word(w, skip_dests)) {
        g->dest = D_SKIP;
    } else if (star && strcmp(w, "fldrslt")) {
        g->dest = D_SKIP; /* an optional destination this reader does not know */
    } else {
        return 0;
    }
    return 1;
}

/* Paragraph structure, code page and special characters in the text. */
static void text_control(rtf *r, group *g, const char *w, int has_param, long param)
{
    if (!strcmp(w, "par") || !strcmp(w, "sect")) {
        if (g->dest == D_TEXT)
            para_end(r, 2);
    } else if (!strcmp(w, "line") || !strcmp(w, "cell") || !strcmp(w, "row")) {
        if (g->dest == D_TEXT && r->level >= 0 && w[0] == 'l')
            text(r, ' ');
        else if (g->dest == D_TEXT)
            para_end(r, 1);
    } else if (!strcmp(w, "page")) {
        if (g->dest == D_TEXT) {
            para_end(r, 2);
            ws_flow_page_break(&r->f);
        }
    } else if (!strcmp(w, "pard")) {
        r->level = -1;
        r->pagebb = 0;
    } else if (!strcmp(w, "outlinelevel")) {
        r->level = has_param && param >= 0 && param < 9 ? (int)param : -1;
    } else if (!strcmp(w, "pagebb")) {
        r->pagebb = !has_param || param != 0;
    } else if (!strcmp(w, "uc")) {
        g->uc = has_param && param >= 0 && param < 16 ? (unsigned char)param : 1;
    } else if (!strcmp(w, "u") && has_param) {
        uchar(r, param);
    } else if (!strcmp(w, "ansicpg") && has_param && param > 0 && param != 1252) {
        char cs[24];
        snprintf(cs, sizeof cs, "CP%ld", param);
        set_codepage(r, cs);
    } else if (!strcmp(w, "tab")) {
        text(r, ' ');
    } else if (!strcmp(w, "emdash")) {
        text(r, 0x2014);
    } else if (!strcmp(w, "endash")) {
        text(r, 0x2013);
    } else if (!strcmp(w, "bullet")) {
        text(r, 0x2022);
    } else if (!strcmp(w, "lquote")) {
        text(r, 0x2018);
    } else if (!strcmp(w, "rquote")) {
        text(r, 0x2019);
    } else if (!strcmp(w, "ldblquote")) {
        text(r, 0x201C);
    } else if (!strcmp(w, "rdblquote")) {
        text(r, 0x201D);
    }
}

static void control(rtf *r, const char *w, int has_param, long param)
{
    group *g = top(r);
    int star = r->star;
    r->star = 0;
    if (r->skipped || !r->depth)
        return;
    if (g->dest == D_SKIP)
        return;
    if (g->dest == D_INFO || g->dest == D_DATE) {
        info_control(r, g, w, has_param, param);
        return;
    }
    if (!dest_control(r, g, w, star))
        text_control(r, g, w, has_param, param);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* After a backslash at s[i - 1]. */
static void backslash(rtf *r)
{
    const char *s = r->s;
    size_t len = r->len;
    if (r->i >= len)
        return;
    char c = s[r->i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        char w[WORD_MAX + 1];
        size_t n = 0;
        while (r->i < len &&
               ((s[r->i] >= 'a' && s[r->i] <= 'z') || (s[r->i] >= 'A' && s[r->i] <= 'Z'))) {
            if (n < WORD_MAX)
                w[n++] = s[r->i];
            r->i++;
        }
        w[n] = '\0';
        int neg = 0, has = 0, digits = 0;
        long v = 0;
        if (r->i < len && s[r->i] == '-' && r->i + 1 < len && s[r->i + 1] >= '0' &&
            s[r->i + 1] <= '9') {
            neg = 1;
            r->i++;
        }
        while (r->i < len && s[r->i] >= '0' && s[r->i] <= '9') {
            if (digits++ < 9) /* fits a 32-bit long */
                v = v * 10 + (s[r->i] - '0');
            has = 1;
            r->i++;
        }
        if (r->i < len && s[r->i] == ' ')
            r->i++;
        if (neg)
            v = -v;
        if (!strcmp(w, "bin")) { /* raw bytes follow: never text */
            size_t n2 = has && v > 0 ? (size_t)v : 0;
            r->i = n2 > len - r->i ? len : r->i + n2;
            return;
        }
        if (r->skip) { /* a control word ends the \uN fallback */
            r->skip = 0;
        }
        control(r, w, has, v);
        return;
    }
    r->i++;
    switch (c) {
    case '\\':
    case '{':
    case '}':
        text(r, (unsigned char)c);
        break;
    case '~':
        text(r, 0xA0);
        break;
    case '_':
        text(r, '-');
        break;
    case '*':
        r->star = 1;
        break;
    case '\'': {
        int h = r->i + 1 < len ? hexval(s[r->i]) : -1, l = h >= 0 ? hexval(s[r->i + 1]) : -1;
        if (h >= 0 && l >= 0) {
            unsigned char byte = (unsigned char)(h << 4 | l);
            r->i += 2;
            text(r, byte < 0x80 ? byte : r->cp[byte - 0x80]);
        }
        break;
    }
    case '\n':
    case '\r':
        control(r, "par", 0, 0);
        break;
    default: /* \- optional hyphen, \: index subentry, ... */
        break;
    }
}

static void finish_meta(rtf *r)
{
    if (r->meta_done++)
        return;
    ws_extracted *x = r->b->x;
    for (int k = 0; k < 4; k++) {
        const char *s = ws_buf_cstr(&r->meta[k]);
        size_t n = r->meta[k].len;
        if (!s || !n)
            continue;
        if (k == 0)
            ws_xb_field(r->b, &x->title, s, n);
        else if (k == 1)
            ws_xb_list_split(r->b, &x->speakers, &x->nspeakers, s, n, ";");
        else if (k == 2)
            ws_xb_field(r->b, &x->description, s, n);
        else
            ws_xb_list_split(r->b, &x->tags, &x->ntags, s, n, ",;");
    }
    for (int k = 0; k < 2 && !x->date; k++) {
        int *d = r->date[k];
        char s[32];
        if (d[0] > 0 && d[0] < 10000 && d[1] > 0 && d[1] < 13 && d[2] > 0 && d[2] < 32) {
            snprintf(s, sizeof s, "%04d-%02d-%02d", d[0], d[1], d[2]);
            ws_xb_date(r->b, &x->date, s, strlen(s));
        }
    }
}

int ws_extract_rtf(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    if (len < 5 || memcmp(data, "{\\rtf", 5) != 0)
        return ws_error_set(err, WS_EFORMAT, "%s: not an RTF document (no {\\rtf header)", b->name);
    rtf r;
    memset(&r, 0, sizeof r);
    r.b = b;
    r.s = data;
    r.len = len;
    r.max_depth = b->max_depth ? b->max_depth : 256;
    r.level = -1;
    r.para = r.fld = (ws_buf)WS_BUF_INIT;
    for (int k = 0; k < 4; k++)
        r.meta[k] = (ws_buf)WS_BUF_INIT;
    r.st = calloc(r.max_depth, sizeof *r.st);
    if (!r.st)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    set_codepage(&r, NULL);
    ws_flow_start(&r.f, b);
    int open = 1;
    while (open && r.i < len && !b->full && !b->oom) {
        char c = data[r.i++];
        if (c == '{')
            open_group(&r);
        else if (c == '}')
            open = close_group(&r);
        else if (c == '\\')
            backslash(&r);
        else if (c == '\r' || c == '\n')
            continue; /* line ends in RTF source are not text */
        else if (r.depth)
            text(&r, (unsigned char)c < 0x80 ? (unsigned char)c : r.cp[(unsigned char)c - 0x80]);
    }
    para_out(&r, 1);
    finish_meta(&r);
    ws_flow_end(&r.f);
    int oom = r.para.oom || r.fld.oom;
    for (int k = 0; k < 4; k++) {
        oom |= r.meta[k].oom;
        ws_buf_free(&r.meta[k]);
    }
    ws_buf_free(&r.para);
    ws_buf_free(&r.fld);
    free(r.st);
    return oom ? ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name) : WS_OK;
}
