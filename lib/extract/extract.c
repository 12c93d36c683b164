/*
 * extract.c - the extraction front door: reading files, dispatching to the
 * per-format extractors, and the builder they all fill (see extract_int.h).
 *
 * Files are read into memory whole, after fstat says they are regular and
 * small enough; the read itself stops one byte past the limit, so a file
 * that grows while it is read cannot slip past max_input either.  Anything
 * but a regular file is refused before it is opened, and opening uses
 * O_NONBLOCK so that a FIFO swapped in at the last moment cannot hang the
 * indexer before fstat refuses it.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"
#include "util/fdio.h"
#include "util/strset.h"

/* ---- document types ---------------------------------------------------- */

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* 1 if s[0..n) starts with the lower-case ASCII prefix p, ignoring case. */
static int ascii_prefix(const char *s, size_t n, const char *p)
{
    size_t i = 0;
    for (; p[i]; i++)
        if (i >= n || ascii_lower((unsigned char)s[i]) != p[i])
            return 0;
    return 1;
}

ws_doctype ws_doctype_from_path(const char *path)
{
    static const struct {
        const char *ext;
        ws_doctype type;
    } exts[] = {{"txt", WS_DOC_TXT},     {"text", WS_DOC_TXT},  {"md", WS_DOC_MD},
                {"markdown", WS_DOC_MD}, {"html", WS_DOC_HTML}, {"htm", WS_DOC_HTML},
                {"xhtml", WS_DOC_HTML},  {"pdf", WS_DOC_PDF},   {"pptx", WS_DOC_PPTX},
                {"odp", WS_DOC_ODP},     {"docx", WS_DOC_DOCX}, {"odt", WS_DOC_ODT},
                {"xlsx", WS_DOC_XLSX},   {"ods", WS_DOC_ODS},   {"doc", WS_DOC_DOC},
                {"ppt", WS_DOC_PPT},     {"xls", WS_DOC_XLS},   {"rtf", WS_DOC_RTF},
                {"pps", WS_DOC_PPT},     {"pot", WS_DOC_PPT},   {"dot", WS_DOC_DOC},
                {"xlt", WS_DOC_XLS},     {"png", WS_DOC_PNG},   {"jpg", WS_DOC_JPEG},
                {"jpeg", WS_DOC_JPEG},   {"tif", WS_DOC_TIFF},  {"tiff", WS_DOC_TIFF}};
    if (!path)
        return WS_DOC_UNKNOWN;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) /* no extension, or a dot file such as ".md" */
        return WS_DOC_UNKNOWN;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (ascii_casecmp(dot + 1, exts[i].ext) == 0)
            return exts[i].type;
    return WS_DOC_UNKNOWN;
}

const char *ws_doctype_name(ws_doctype t)
{
    switch (t) {
    case WS_DOC_TXT:
        return "txt";
    case WS_DOC_MD:
        return "md";
    case WS_DOC_HTML:
        return "html";
    case WS_DOC_PDF:
        return "pdf";
    case WS_DOC_PPTX:
        return "pptx";
    case WS_DOC_ODP:
        return "odp";
    case WS_DOC_DOCX:
        return "docx";
    case WS_DOC_ODT:
        return "odt";
    case WS_DOC_XLSX:
        return "xlsx";
    case WS_DOC_ODS:
        return "ods";
    case WS_DOC_PNG:
        return "png";
    case WS_DOC_JPEG:
        return "jpg";
    case WS_DOC_TIFF:
        return "tiff";
    case WS_DOC_DOC:
        return "doc";
    case WS_DOC_PPT:
        return "ppt";
    case WS_DOC_XLS:
        return "xls";
    case WS_DOC_RTF:
        return "rtf";
    default:
        return "unknown";
    }
}

ws_doctype ws_doctype_from_name(const char *name)
{
    if (!name)
        return WS_DOC_UNKNOWN;
    for (int t = WS_DOC_TXT; t < WS_DOC_COUNT_; t++)
        if (strcmp(name, ws_doctype_name((ws_doctype)t)) == 0)
            return (ws_doctype)t;
    return WS_DOC_UNKNOWN;
}

/* ---- dates ------------------------------------------------------------- */

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2199

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int make_date(int y, int m, int d, char out[11])
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return 0;
    /* Written by hand: the values are range-checked and gcc's format
     * truncation analysis cannot see that. */
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    return 1;
}

/* A number of minw..maxw digits at s[*i], with no digit after it. */
static int read_num(const char *s, size_t len, size_t *i, size_t minw, size_t maxw, int *val)
{
    size_t k = *i;
    int v = 0;
    while (k < len && is_digit((unsigned char)s[k]) && k - *i < maxw)
        v = v * 10 + (s[k++] - '0');
    if (k - *i < minw || (k < len && is_digit((unsigned char)s[k])))
        return 0;
    *i = k;
    *val = v;
    return 1;
}

/* Blanks between the parts of a written date: space, tab, no-break space. */
static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    for (;;) {
        if (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        else if (i + 1 < len && s[i] == '\xC2' && s[i + 1] == '\xA0')
            i += 2;
        else
            return i;
    }
}

/* A word of ASCII letters and German umlauts at s[i], lower-cased into w. */
static size_t read_word(const char *s, size_t len, size_t i, char *w, size_t wmax)
{
    size_t o = 0, k = i;
    while (k < len) {
        unsigned char c = (unsigned char)s[k];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (o + 1 >= wmax)
                return 0;
            w[o++] = (char)ascii_lower(c);
            k++;
        } else if (c == 0xC3 && k + 1 < len) {
            unsigned char d = (unsigned char)s[k + 1];
            if (d == 0x84 || d == 0x96 || d == 0x9C) /* Ä Ö Ü */
                d += 0x20;
            if (d != 0xA4 && d != 0xB6 && d != 0xBC && d != 0x9F)
                break;
            if (o + 2 >= wmax)
                return 0;
            w[o++] = (char)c;
            w[o++] = (char)d;
            k += 2;
        } else {
            break;
        }
    }
    w[o] = '\0';
    return k - i;
}

static int month_number(const char *w)
{
    static const struct {
        const char *name;
        int month;
    } months[] = {
        {"januar", 1},    {"j\xC3\xA4nner", 1}, {"jaenner", 1}, {"jan", 1},
        {"februar", 2},   {"feber", 2},         {"feb", 2},     {"m\xC3\xA4rz", 3},
        {"maerz", 3},     {"m\xC3\xA4r", 3},    {"mrz", 3},     {"april", 4},
        {"apr", 4},       {"mai", 5},           {"juni", 6},    {"jun", 6},
        {"juli", 7},      {"jul", 7},           {"august", 8},  {"aug", 8},
        {"september", 9}, {"sept", 9},          {"sep", 9},     {"oktober", 10},
        {"okt", 10},      {"november", 11},     {"nov", 11},    {"dezember", 12},
        {"dez", 12},
    };
    for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
        if (strcmp(w, months[i].name) == 0)
            return months[i].month;
    return 0;
}

/* A full date starting at s[i] (a digit); 1 and out set if there is one. */
static int date_at(const char *s, size_t len, size_t i, char out[11])
{
    size_t k = i;
    int a, m, y;
    if (read_num(s, len, &k, 4, 4, &y)) { /* 2025-03-19, maybe with a time after it */
        int d;
        if (k < len && s[k] == '-') {
            k++;
            if (read_num(s, len, &k, 2, 2, &m) && k < len && s[k] == '-') {
                k++;
                if (read_num(s, len, &k, 2, 2, &d))
                    return make_date(y, m, d, out);
            }
        }
        return 0;
    }
    if (!read_num(s, len, &k, 1, 2, &a) || k >= len || s[k] != '.')
        return 0;
    k++;
    if (k < len && is_digit((unsigned char)s[k])) { /* 19.03.2025 */
        if (!read_num(s, len, &k, 1, 2, &m) || k >= len || s[k] != '.')
            return 0;
        k++;
        if (!read_num(s, len, &k, 4, 4, &y))
            return 0;
        /* "19.03.2025.1" is a version or a section number, not a date */
        if (k + 1 < len && s[k] == '.' && is_digit((unsigned char)s[k + 1]))
            return 0;
        return make_date(y, m, a, out);
    }
    /* 19. März 2025 */
    char w[16];
    k = skip_blanks(s, len, k);
    size_t wl = read_word(s, len, k, w, sizeof w);
    if (!wl || !(m = month_number(w)))
        return 0;
    k += wl;
    int dot = k < len && s[k] == '.';
    k += (size_t)dot;
    size_t after = skip_blanks(s, len, k);
    if (after == k && !dot)
        return 0;
    k = after;
    if (!read_num(s, len, &k, 4, 4, &y))
        return 0;
    return make_date(y, m, a, out);
}

/* Recaps close with "Der nächste Austausch findet am 23. Juli 2025 statt":
 * that date belongs to the next event, not to this document.  Looks back
 * over the sentence before s[i] for such an announcement. */
static int announces_next_event(const char *s, size_t i)
{
    static const char *cues[] = {"n\xc3\xa4"
                                 "chste",
                                 "N\xc3\xa4"
                                 "chste",
                                 "kommende",
                                 "Kommende",
                                 "folgende",
                                 "Folgende"};
    size_t from = i > 160 ? i - 160 : 0;
    for (size_t k = i; k > from; k--)
        if (s[k - 1] == '\n' ||
            (s[k - 1] == ' ' && k >= 2 && (s[k - 2] == '!' || s[k - 2] == '?'))) {
            from = k;
            break;
        }
    for (size_t c = 0; c < sizeof cues / sizeof *cues; c++) {
        size_t cl = strlen(cues[c]);
        for (size_t k = from; k + cl <= i; k++)
            if (!memcmp(s + k, cues[c], cl))
                return 1;
    }
    return 0;
}

int ws_date_find(const char *s, size_t len, char out[11])
{
    size_t i = 0;
    while (i < len) {
        if (!is_digit((unsigned char)s[i])) {
            i++;
            continue;
        }
        /* Not inside a longer number such as 1.19.03.2025 */
        int inside = i >= 2 && s[i - 1] == '.' && is_digit((unsigned char)s[i - 2]);
        if (!inside && date_at(s, len, i, out) && !announces_next_event(s, i))
            return 1;
        while (i < len && is_digit((unsigned char)s[i]))
            i++;
    }
    return 0;
}

int ws_date_parse(const char *s, size_t len, char out[11])
{
    static const char *const weekdays[] = {
        "montag",    "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
        "sonnabend", "sonntag",  "mo",       "di",         "mi",      "do",
        "fr",        "sa",       "so",       "monday",     "tuesday", "wednesday",
        "thursday",  "friday",   "saturday", "sunday"};
    if (!s || !out)
        return 0;
    size_t i = skip_blanks(s, len, 0);
    while (i < len && (s[i] == '\n' || s[i] == '\r'))
        i = skip_blanks(s, len, i + 1);
    char w[16];
    size_t wl = read_word(s, len, i, w, sizeof w);
    if (wl) {
        size_t d;
        for (d = 0; d < sizeof weekdays / sizeof weekdays[0]; d++)
            if (strcmp(w, weekdays[d]) == 0)
                break;
        if (d == sizeof weekdays / sizeof weekdays[0])
            return 0;
        i += wl;
        if (i < len && s[i] == '.')
            i++;
        if (i < len && s[i] == ',')
            i++;
        i = skip_blanks(s, len, i);
    }
    return i < len && is_digit((unsigned char)s[i]) && date_at(s, len, i, out);
}

/* ---- the builder ------------------------------------------------------- */

static int is_blank_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Append a run of non-blank bytes, preceded by whatever break is owed. */
static void emit_run(ws_xb *b, const char *s, size_t n)
{
    char pre[2];
    size_t np = 0;
    /* the "\n\n" that will join this passage to the previous one */
    size_t sep = !b->cur_kept && b->x->npassages ? 2 : 0;
    if (b->cur.len) {
        if (b->pend_nl)
            for (int k = 0; k < b->pend_nl; k++)
                pre[np++] = '\n';
        else if (b->pend_sp)
            pre[np++] = ' ';
    }
    if (b->used + sep + np + n > b->max_text) {
        size_t room = b->max_text - b->used;
        room = room > sep + np ? room - sep - np : 0;
        n = ws_utf8_cut(s, n, room);
        b->full = 1;
        if (!n)
            return;
    }
    ws_buf_append(&b->cur, pre, np);
    ws_buf_append(&b->cur, s, n);
    if (b->cur.oom) {
        b->oom = 1;
        return;
    }
    b->used += sep + np + n;
    b->cur_kept = 1;
    b->pend_nl = 0;
    b->pend_sp = 0;
}

void ws_xb_text_clean(ws_xb *b, const char *s, size_t n, int flow)
{
    size_t i = 0;
    while (i < n && !b->full && !b->oom) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && !flow) {
            if (b->pend_nl < 2)
                b->pend_nl++;
            b->pend_sp = 0;
            i++;
        } else if (is_blank_byte(c)) {
            b->pend_sp = 1;
            i++;
        } else {
            size_t j = i + 1;
            while (j < n && !is_blank_byte((unsigned char)s[j]))
                j++;
            emit_run(b, s + i, j - i);
            i = j;
        }
    }
}

void ws_xb_text(ws_xb *b, const char *s, size_t n, int flow)
{
    if (b->full || b->oom || !n)
        return;
    int plain = 1;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned char c = (unsigned char)s[i];
        plain = c < 0x80 && (c >= 0x20 || c == '\t' || c == '\n');
    }
    if (plain) {
        ws_xb_text_clean(b, s, n, flow);
        return;
    }
    char *clean = NULL;
    size_t clen = 0;
    if (ws_text_clean(s, n, &clean, &clen, NULL, NULL)) {
        b->oom = 1;
        return;
    }
    ws_xb_text_clean(b, clean, clen, flow);
    free(clean);
}

void ws_xb_break(ws_xb *b, int lines)
{
    if (b->pend_nl < lines)
        b->pend_nl = lines > 2 ? 2 : lines;
    b->pend_sp = 0;
}

/* Move the open passage into x->passages if it holds text or a heading. */
static void close_passage(ws_xb *b)
{
    ws_extracted *x = b->x;
    if (b->cur_kept && !b->oom) {
        if (x->npassages == b->passages_cap) {
            size_t cap = b->passages_cap ? b->passages_cap * 2 : 8;
            ws_passage *p = realloc(x->passages, cap * sizeof *p);
            if (!p) {
                b->oom = 1;
                goto reset;
            }
            x->passages = p;
            b->passages_cap = cap;
        }
        ws_passage *p = &x->passages[x->npassages];
        size_t tl = 0;
        char *t = ws_buf_steal(&b->cur, &tl);
        if (!t) {
            b->oom = 1;
            goto reset;
        }
        p->kind = b->kind;
        p->number = b->kind == WS_PASSAGE_SECTION ? ++b->nsections
                    : b->kind != WS_PASSAGE_BODY  ? b->number
                                                  : 0;
        p->heading = b->heading;
        p->text = t;
        p->text_len = tl;
        p->ocr = b->cur_ocr;
        b->heading = NULL;
        x->npassages++;
    }
reset:
    free(b->heading);
    b->heading = NULL;
    ws_buf_free(&b->cur);
    b->cur_kept = 0;
    b->cur_ocr = 0;
    b->pend_nl = b->pend_sp = 0;
}

/* Give the just-opened passage heading h (owned; NULL for none).  Headings
 * are not part of `text` but count against max_text, so that a flood of
 * headings cannot grow the record past it. */
static void take_heading(ws_xb *b, char *h)
{
    if (!h)
        return; /* kept only if text follows */
    /* The passage separator is counted once: with the heading, or with
     * the passage's first text if that came first (cur_kept). */
    size_t need = (!b->cur_kept && b->x->npassages ? 2 : 0) + strlen(h);
    if (b->used + need > b->max_text) {
        b->full = 1;
        free(h);
        return;
    }
    b->used += need;
    b->heading = h;
    b->cur_kept = 1;
}

void ws_xb_section(ws_xb *b, const char *heading, size_t n)
{
    if (b->full || b->oom)
        return;
    char *h = NULL;
    if (ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    if (b->x->npassages + 1 >= WS_X_MAX_PASSAGES) {
        /* Out of passages: the heading becomes a paragraph of the last one. */
        ws_xb_break(b, 2);
        if (h)
            ws_xb_text_clean(b, h, strlen(h), 1);
        ws_xb_break(b, 2);
        free(h);
        return;
    }
    close_passage(b);
    b->kind = WS_PASSAGE_SECTION;
    take_heading(b, h);
}

void ws_xb_page(ws_xb *b, ws_passage_kind kind, unsigned number, const char *heading, size_t n)
{
    if (b->full || b->oom)
        return;
    if (b->x->npassages + 1 >= WS_X_MAX_PASSAGES) {
        ws_xb_break(b, 2); /* out of passages: go on in the last one */
        return;
    }
    char *h = NULL;
    if (heading && ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    close_passage(b);
    b->kind = kind;
    b->number = number;
    take_heading(b, h);
}

void ws_xb_set_heading(ws_xb *b, const char *heading, size_t n)
{
    if (b->full || b->oom || b->heading || !heading)
        return;
    char *h = NULL;
    if (ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    take_heading(b, h);
}

void ws_xb_head_append(ws_buf *h, const char *s, size_t n)
{
    if (h->max && h->len + n > h->max) {
        n = ws_utf8_cut(s, n, h->max > h->len ? h->max - h->len : 0);
        h->full = 1;
    }
    ws_buf_append(h, s, n);
}

int ws_xb_decode(ws_xb *b, const char *data, size_t len, char **text, size_t *tlen, ws_error *err)
{
    ws_error e;
    ws_error_clear(&e);
    int conv = 0;
    int rc = ws_text_decode(data, len, text, tlen, &conv, &e);
    if (rc)
        return ws_error_set(err, rc, "%s: %s", b->name, e.msg);
    b->x->converted = conv;
    return WS_OK;
}

void ws_xb_field(ws_xb *b, char **field, const char *s, size_t n)
{
    if (*field || !s)
        return;
    if (ws_text_field(s, n, WS_X_FIELD_MAX, field))
        b->oom = 1;
}

void ws_xb_list_add(ws_xb *b, char ***list, size_t *count, const char *s, size_t n)
{
    if (*count >= WS_X_MAX_LIST || !s)
        return;
    char *v = NULL;
    if (ws_text_field(s, n, WS_X_FIELD_MAX, &v)) {
        b->oom = 1;
        return;
    }
    if (!v)
        return;
    for (size_t i = 0; i < *count; i++) {
        if (strcmp((*list)[i], v) == 0) {
            free(v);
            return;
        }
    }
    char **l = realloc(*list, (*count + 1) * sizeof *l);
    if (!l) {
        free(v);
        b->oom = 1;
        return;
    }
    l[(*count)++] = v;
    *list = l;
}

void ws_xb_list_split(ws_xb *b, char ***list, size_t *count, const char *s, size_t n,
                      const char *seps)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || strchr(seps, s[i])) {
            ws_xb_list_add(b, list, count, s + start, i - start);
            start = i + 1;
        }
    }
}

int ws_xb_date(ws_xb *b, char **date, const char *s, size_t n)
{
    char d[11];
    if (*date || !s || !ws_date_parse(s, n, d))
        return 0;
    *date = malloc(sizeof d);
    if (!*date) {
        b->oom = 1;
        return 0;
    }
    memcpy(*date, d, sizeof d);
    return 1;
}

/* ---- links ------------------------------------------------------------- */

void ws_xb_link(ws_xb *b, const char *s, size_t n)
{
    ws_extracted *x = b->x;
    if (!s || x->nlinks >= WS_X_MAX_LINKS || b->oom)
        return;
    while (n && is_blank_byte((unsigned char)*s))
        s++, n--;
    while (n && is_blank_byte((unsigned char)s[n - 1]))
        n--;
    if (!n || n > WS_X_LINK_MAX || s[0] == '#' || ascii_prefix(s, n, "javascript:") ||
        ascii_prefix(s, n, "data:") || ascii_prefix(s, n, "vbscript:"))
        return;
    char *v = NULL;
    if (ws_text_field(s, n, WS_X_LINK_MAX, &v)) {
        b->oom = 1;
        return;
    }
    if (!v)
        return;
    /* each link once: the set holds the links seen, x->links their order */
    int added = 0;
    char **l = NULL;
    if ((!b->link_set && !(b->link_set = ws_strset_new(0))) ||
        ws_strset_add(b->link_set, v, strlen(v), &added) < 0 ||
        (added && !(l = realloc(x->links, (x->nlinks + 1) * sizeof *l)))) {
        free(v);
        b->oom = 1;
        return;
    }
    if (!added) {
        free(v);
        return;
    }
    x->links = l;
    l[x->nlinks++] = v;
}

/* Length of the UTF-8 quote or no-break space at s[i] that ends a URL in
 * prose (« » „ “ ” ‘ ’), or 0. */
static size_t url_stop_seq(const char *s, size_t n, size_t i)
{
    const unsigned char *p = (const unsigned char *)s + i;
    if (i + 1 < n && p[0] == 0xC2 && (p[1] == 0xA0 || p[1] == 0xAB || p[1] == 0xBB))
        return 2;
    if (i + 2 < n && p[0] == 0xE2 && p[1] == 0x80 &&
        (p[2] == 0x98 || p[2] == 0x99 || p[2] == 0x9C || p[2] == 0x9D || p[2] == 0x9E))
        return 3;
    return 0;
}

static int url_byte(unsigned char c)
{
    return c > 0x20 && c != 0x7F && !strchr("<>\"`{}|\\^", c);
}

static int alnum(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* host[0..n) is name.name...tld with a top-level domain common in this
 * corpus; plain words with dots (z.B., u.a.) are not. */
static int plausible_domain(const char *h, size_t n)
{
    static const char *const tlds[] = {"de", "org",  "com", "net", "eu",  "at",
                                       "ch", "info", "io",  "edu", "gov", "int"};
    size_t labels = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (i == start || h[start] == '-' || h[i - 1] == '-')
                return 0;
            labels++;
            if (i < n)
                start = i + 1;
        } else if (!alnum((unsigned char)h[i]) && h[i] != '-') {
            return 0;
        }
    }
    if (labels < 2)
        return 0;
    for (size_t t = 0; t < sizeof tlds / sizeof tlds[0]; t++)
        if (n - start == strlen(tlds[t]) && ascii_prefix(h + start, n - start, tlds[t]))
            return 1;
    return 0;
}

void ws_xb_scan_links(ws_xb *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && b->x->nlinks < WS_X_MAX_LINKS && !b->oom) {
        unsigned char prev = i ? (unsigned char)s[i - 1] : ' ';
        if (!alnum((unsigned char)s[i]) || alnum(prev) || (prev && strchr("-._@/:%&=?#+~", prev))) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && url_byte((unsigned char)s[j]) && !url_stop_seq(s, n, j))
            j++;
        size_t end = j;
        /* Sentence punctuation after a URL is not part of it. */
        for (;;) {
            if (end > i && strchr(".,;:!?'*", s[end - 1])) {
                end--;
                continue;
            }
            if (end > i && (s[end - 1] == ')' || s[end - 1] == ']')) {
                char open = s[end - 1] == ')' ? '(' : '[';
                long depth = 0;
                for (size_t k = i; k < end; k++)
                    depth += s[k] == open ? 1 : s[k] == s[end - 1] ? -1 : 0;
                if (depth < 0) {
                    end--;
                    continue;
                }
            }
            break;
        }
        const char *u = s + i;
        size_t ul = end - i;
        if (ascii_prefix(u, ul, "http://") || ascii_prefix(u, ul, "https://")) {
            size_t rest = ascii_prefix(u, ul, "https://") ? 8 : 7;
            if (ul > rest && alnum((unsigned char)u[rest]))
                ws_xb_link(b, u, ul);
        } else {
            size_t hl = 0;
            while (hl < ul && u[hl] != '/')
                hl++;
            if (plausible_domain(u, hl))
                ws_xb_link(b, u, ul);
        }
        i = j > i ? j : i + 1;
    }
}

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

static int resolve_options(const ws_extract_options *opts, ws_extract_options *o, ws_error *err)
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

static void xb_abort(ws_xb *b)
{
    ws_buf_free(&b->cur);
    free(b->heading);
    ws_strset_free(b->link_set);
    ws_extracted_free(b->x);
    b->x = NULL;
}

static int xb_finish(ws_xb *b, ws_extracted **out, ws_error *err)
{
    close_passage(b);
    ws_extracted *x = b->x;
    if (b->pages_to_sections) {
        /* One page: its headings say more than "page 1". */
        int paged = 0;
        for (size_t i = 0; i < x->npassages; i++)
            paged |= x->passages[i].kind == WS_PASSAGE_PAGE && x->passages[i].number > 1;
        unsigned k = 0;
        for (size_t i = 0; !paged && i < x->npassages; i++) {
            ws_passage *p = &x->passages[i];
            if (p->kind != WS_PASSAGE_PAGE)
                continue;
            p->kind = p->heading ? WS_PASSAGE_SECTION : WS_PASSAGE_BODY;
            p->number = p->heading ? ++k : 0;
        }
    }
    if (!b->oom) {
        size_t total = 0;
        for (size_t i = 0; i < x->npassages; i++)
            total += (i ? 2 : 0) + x->passages[i].text_len;
        x->text = malloc(total + 1);
        if (x->text) {
            size_t o = 0;
            for (size_t i = 0; i < x->npassages; i++) {
                if (i) {
                    memcpy(x->text + o, "\n\n", 2);
                    o += 2;
                }
                memcpy(x->text + o, x->passages[i].text, x->passages[i].text_len);
                o += x->passages[i].text_len;
            }
            x->text[o] = '\0';
            x->text_len = o;
        } else {
            b->oom = 1;
        }
    }
    /* No date in the metadata: the first one in the text is the best guess. */
    char d[11];
    int found = 0;
    for (size_t i = 0; !b->oom && !x->date && !found && i < x->npassages; i++) {
        const ws_passage *p = &x->passages[i];
        found = (p->heading && ws_date_find(p->heading, strlen(p->heading), d)) ||
                ws_date_find(p->text, p->text_len, d);
    }
    if (found) {
        x->date = malloc(sizeof d);
        if (x->date)
            memcpy(x->date, d, sizeof d);
        else
            b->oom = 1;
    }
    if (b->oom) {
        xb_abort(b);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    ws_strset_free(b->link_set);
    b->link_set = NULL;
    *out = x;
    b->x = NULL;
    return WS_OK;
}

/* What the first bytes of a binary document say it is, or NULL. */
static const char *magic_name(const char *d, size_t len)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *name;
    } m[] = {
        {"%PDF-", 5, "a PDF"},
        {"PK\x03\x04", 4, "a zip container"},
        {"PK\x05\x06", 4, "an empty zip container"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "an OLE compound file"},
        {"\x89PNG", 4, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"},
        {"{\\rtf", 5, "an RTF document"},
        {"<?xml", 5, "an XML document"},
    };
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (len >= m[i].len && !memcmp(d, m[i].magic, m[i].len))
            return m[i].name;
    return NULL;
}

/*
 * Office and PDF files say what they are in their first bytes; a file whose
 * content is not what its extension promises is refused here with a
 * message naming both, before any parser sees it.
 */
static int sniff_container(ws_doctype type, const char *d, size_t len, const char *name,
                           ws_error *err)
{
    const char *want = ws_doctype_name(type);
    if (len == 0)
        return ws_error_set(err, WS_EFORMAT, "%s: empty file (0 bytes), not a valid %s", name,
                            want);
    const char *is = magic_name(d, len);
    if (type == WS_DOC_PDF) {
        /* The header may come after some junk, as readers allow. */
        size_t look = len < 1024 ? len : 1024;
        for (size_t i = 0; i + 5 <= look; i++)
            if (!memcmp(d + i, "%PDF-", 5))
                return WS_OK;
        if (is)
            return ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a PDF (wrong extension?)",
                                name, is);
        return ws_error_set(err, WS_EFORMAT, "%s: not a PDF (no %%PDF- header)", name);
    }
    int ole = type == WS_DOC_DOC || type == WS_DOC_PPT || type == WS_DOC_XLS;
    if (is && !strcmp(is, "an OLE compound file") && ole)
        return WS_OK;
    if (is && !strcmp(is, "an RTF document") && (type == WS_DOC_RTF || type == WS_DOC_DOC))
        return WS_OK; /* Word has always let users save RTF under a .doc name */
    if (type == WS_DOC_RTF)
        return ws_error_set(err, WS_EFORMAT, "%s: not an RTF document (no {\\rtf header)", name);
    if (is && !strncmp(is, "a zip", 5) && !ole)
        return WS_OK;
    if (is && !strcmp(is, "an OLE compound file") &&
        (type == WS_DOC_PPTX || type == WS_DOC_DOCX || type == WS_DOC_XLSX))
        /* Office stores password-protected OOXML files in an OLE container
         * (EncryptedPackage); an old binary .ppt/.doc renamed looks the same. */
        return ws_error_set(err, WS_EUNSUPPORTED,
                            "%s: encrypted (password-protected) Office file or legacy binary "
                            "format, skipped",
                            name);
    if (is)
        return ws_error_set(err, WS_EFORMAT, "%s: content is %s, not a %s (wrong extension?)", name,
                            is, want);
    return ws_error_set(err, WS_EFORMAT, "%s: not a %s (not %s)", name, want,
                        ole ? "an OLE compound file" : "a zip container");
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
    int rc = resolve_options(opts, &o, err);
    if (rc)
        return rc;
    if (len > o.max_input)
        return ws_error_set(err, WS_ETOOBIG, "%s: input is %zu bytes, over the limit of %zu", name,
                            len, o.max_input);
    if (type <= WS_DOC_UNKNOWN || type >= WS_DOC_COUNT_)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: unsupported document type", name);
    /* Images say what they are to Leptonica (extract_img.c). */
    if (type >= WS_DOC_PDF && type != WS_DOC_PNG && type != WS_DOC_JPEG && type != WS_DOC_TIFF &&
        (rc = sniff_container(type, data, len, name, err)) != WS_OK)
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
    switch (type) {
    case WS_DOC_TXT:
        rc = ws_extract_txt(&b, data, len, err);
        break;
    case WS_DOC_MD:
        rc = ws_extract_md(&b, data, len, err);
        break;
    case WS_DOC_HTML:
        rc = ws_extract_html(&b, data, len, err);
        break;
    case WS_DOC_PDF:
        rc = ws_extract_pdf(&b, data, len, err);
        break;
    case WS_DOC_PPTX:
    case WS_DOC_DOCX:
        rc = ws_extract_ooxml(&b, data, len, err);
        break;
    case WS_DOC_XLSX:
    case WS_DOC_ODS:
        rc = ws_extract_sheet(&b, data, len, err);
        break;
    case WS_DOC_DOC:
    case WS_DOC_PPT:
    case WS_DOC_XLS:
        rc = len >= 5 && !memcmp(data, "{\\rtf", 5) ? ws_extract_rtf(&b, data, len, err)
                                                    : ws_extract_ole(&b, data, len, err);
        break;
    case WS_DOC_RTF:
        rc = ws_extract_rtf(&b, data, len, err);
        break;
    case WS_DOC_PNG:
    case WS_DOC_JPEG:
    case WS_DOC_TIFF:
        rc = ws_extract_image(&b, data, len, err);
        break;
    default:
        rc = ws_extract_odf(&b, data, len, err);
        break;
    }
    if (rc == WS_OK && b.oom)
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", name);
    if (rc) {
        xb_abort(&b);
        return rc;
    }
    b.x->truncated = b.full;
    return xb_finish(&b, out, err);
}

/* ---- files ------------------------------------------------------------- */

static int errno_error(ws_error *err, const char *path, int e)
{
    char msg[128];
    if (strerror_r(e, msg, sizeof msg) != 0)
        msg[0] = '\0';
    int code = (e == ENOENT || e == ENOTDIR) ? WS_ENOTFOUND : WS_EIO;
    return ws_error_set(err, code, "%s: %s", path, msg[0] ? msg : "cannot read file");
}

static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a pipe";
    if (S_ISSOCK(m))
        return "a socket";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    return "a special file";
}

/* Read all of fd, at most max bytes; ETOOBIG past that. */
static int read_all(int fd, const char *path, size_t size_hint, size_t max, char **data,
                    size_t *len, ws_error *err)
{
    size_t cap = (size_hint < max ? size_hint : max) + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory for %zu bytes", path, cap);
    for (;;) {
        if (n == cap) {
            if (n > max) {
                free(buf);
                return ws_error_set(err, WS_ETOOBIG,
                                    "%s: file grew past the limit of %zu bytes while read", path,
                                    max);
            }
            size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
            char *p = realloc(buf, ncap);
            if (!p) {
                free(buf);
                return ws_error_set(err, WS_ENOMEM, "%s: out of memory", path);
            }
            buf = p;
            cap = ncap;
        }
        size_t got;
        if (ws_read_full(fd, buf + n, cap - n, &got) != 0) {
            int e = errno;
            free(buf);
            return errno_error(err, path, e);
        }
        int end = got < cap - n; /* short only at the end of the file */
        n += got;
        if (end)
            break;
    }
    if (n > max) {
        free(buf);
        return ws_error_set(err, WS_ETOOBIG, "%s: file grew past the limit of %zu bytes while read",
                            path, max);
    }
    *data = buf;
    *len = n;
    return WS_OK;
}

int ws_extract_file(const char *path, const ws_extract_options *opts, ws_extracted **out,
                    ws_error *err)
{
    if (!path || !out)
        return ws_error_set(err, WS_EINVAL, "ws_extract_file: no path or output");
    *out = NULL;
    ws_extract_options o;
    int rc = resolve_options(opts, &o, err);
    if (rc)
        return rc;
    ws_doctype type = ws_doctype_from_path(path);
    if (type == WS_DOC_UNKNOWN)
        return ws_error_set(err, WS_EUNSUPPORTED, "%s: unsupported file type", path);

    /* stat first so that a FIFO or device is never even opened; fstat
     * below checks again in case the path was swapped in between. */
    struct stat st;
    if (stat(path, &st) != 0)
        return errno_error(err, path, errno);
    if (!S_ISREG(st.st_mode))
        return ws_error_set(err, WS_EIO, "%s: is %s, not a regular file", path,
                            file_kind(st.st_mode));
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno_error(err, path, errno);
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return errno_error(err, path, e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ws_error_set(err, WS_EIO, "%s: is %s, not a regular file", path,
                            file_kind(st.st_mode));
    }
    if (st.st_size < 0 || (uintmax_t)st.st_size > (uintmax_t)o.max_input) {
        close(fd);
        return ws_error_set(err, WS_ETOOBIG, "%s: file is %jd bytes, over the limit of %zu", path,
                            (intmax_t)st.st_size, o.max_input);
    }
    char *data = NULL;
    size_t len = 0;
    rc = read_all(fd, path, (size_t)st.st_size, o.max_input, &data, &len, err);
    close(fd);
    if (rc)
        return rc;
    rc = ws_extract_buffer(type, data, len, path, &o, out, err);
    free(data);
    return rc;
}
