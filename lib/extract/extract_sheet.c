/*
 * extract_sheet.c - spreadsheets: Excel workbooks (xlsx) and OpenDocument
 * spreadsheets (ods).
 *
 * Both become one SHEET passage per sheet, in the workbook's order, with
 * the sheet's name as heading: a hit then says "sheet Kurse", which is how
 * people find their way in a workbook.  A sheet's text is its cells row by
 * row, one line per row, cells joined by " | " so a snippet still shows
 * where one cell ends.  Cells are taken in the order the file stores them;
 * both formats store rows in order, so no sheet is ever held as a grid
 * (a sheet of a million cells costs its text, not its area).
 *
 * A cell gives what a reader sees, never the formula: xlsx keeps a
 * formula's last result in <v> next to <f> (t="str" for text results),
 * ods keeps the displayed value in the cell's <text:p>.  An xlsx date is a
 * number (days since 1900) that only its cell's number format makes a
 * date, so xl/styles.xml is read for which cell formats are dates, and
 * such cells are written as people read them: 12.03.2025.  xlsx stores most
 * text once in the shared string table (xl/sharedStrings.xml), which is
 * therefore read into memory first, under the same caps as the cells.
 *
 * Limits (WS_X_MAX_SHEETS, WS_X_MAX_CELLS) are not silent: what was left
 * out goes into the record's note, which the indexer reports as a warning
 * while the rest of the workbook is indexed.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/zipx.h"

#define CELL_MAX  ((size_t)64 << 10)         /* bytes kept of one cell */
#define RELS_MAX  (WS_X_MAX_SHEETS * 4 + 64) /* relationships of a workbook */
#define PART_NAME 512
#define MAX_XF    65536 /* cell formats read from xl/styles.xml (Excel allows 64000) */
#define MAX_FMT   1024  /* custom number formats remembered */

typedef struct sheet_ctx {
    ws_xb *b;
    unsigned long cells;   /* non-empty cells so far */
    int cells_full;        /* WS_X_MAX_CELLS reached */
    unsigned sheets_total; /* sheets the workbook lists */
    unsigned long missing; /* xlsx: shared-string references not read */
    int strings_full;      /* xlsx: the shared string table was cut */
    ws_buf cell;           /* text of the open cell */
    unsigned row_cells;    /* cells put on the open row */
    /* xlsx shared strings: NUL-separated in str, starting at off[i] */
    ws_buf str;
    size_t *off;
    size_t nstr, capstr;
    /* xlsx cell formats: 1 a date, 2 a date with a time, 0 anything else */
    unsigned char *xf_date;
    size_t nxf;
    int date1904; /* the workbook counts days from 1904 (old Mac Excel) */
} sheet_ctx;

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

static void cell_append(sheet_ctx *s, const char *v, size_t n)
{
    if (s->cell.len + n > CELL_MAX)
        n = CELL_MAX > s->cell.len ? CELL_MAX - s->cell.len : 0;
    ws_buf_append(&s->cell, v, n);
}

/* One cell's text onto the open row. */
static void put_cell(sheet_ctx *s, const char *t, size_t n)
{
    if (!t || blank(t, n))
        return;
    if (s->cells >= WS_X_MAX_CELLS) {
        s->cells_full = 1;
        return;
    }
    s->cells++;
    if (s->row_cells++)
        ws_xb_text(s->b, " | ", 3, 1);
    ws_xb_text(s->b, t, n, 1); /* a line break inside a cell is a space */
}

static void end_row(sheet_ctx *s)
{
    if (s->row_cells)
        ws_xb_break(s->b, 1);
    s->row_cells = 0;
}

static void put_open_cell(sheet_ctx *s)
{
    const char *t = ws_buf_cstr(&s->cell);
    if (!t)
        s->b->oom = 1;
    else
        put_cell(s, t, s->cell.len);
    ws_buf_reset(&s->cell);
}

static void start_sheet(sheet_ctx *s, unsigned number, const char *name)
{
    end_row(s);
    ws_xb_page(s->b, WS_PASSAGE_SHEET, number, name, name ? strlen(name) : 0);
}

/* The note for what the limits left out; NULL when nothing was. */
static void set_note(sheet_ctx *s)
{
    ws_buf n = WS_BUF_INIT;
    if (s->sheets_total > WS_X_MAX_SHEETS)
        ws_buf_printf(&n, "only the first %u of %u sheets indexed", WS_X_MAX_SHEETS,
                      s->sheets_total);
    if (s->cells_full)
        ws_buf_printf(&n, "%sonly the first %u non-empty cells indexed", n.len ? "; " : "",
                      (unsigned)WS_X_MAX_CELLS);
    if (s->missing)
        ws_buf_printf(&n, "%s%lu cells not indexed: %s", n.len ? "; " : "", s->missing,
                      s->strings_full ? "the shared string table is over the limit"
                                      : "their shared string is missing");
    if (n.len) {
        s->b->x->note = ws_buf_steal(&n, NULL);
        if (!s->b->x->note)
            s->b->oom = 1;
    }
    ws_buf_free(&n);
}

/* ---- xlsx --------------------------------------------------------------- */

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* The shared string table: each <si> is one string, its <t> text (rich
 * text: the <t> of every run) without the phonetic guide (<rPh>). */
static int read_strings(sheet_ctx *s, ws_zipx *z, const char *part, ws_error *err)
{
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    ws_buf one = WS_BUF_INIT;
    int in_si = 0, in_t = 0, r;
    while ((r = ws_xml_next(x, err)) == 1) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_ELEMENT) {
            if (!strcmp(n, "rPh")) {
                if ((r = ws_xml_skip(x, err)) != WS_OK)
                    break;
            } else if (!strcmp(n, "si")) {
                ws_buf_reset(&one);
                in_si = 1;
                if (ws_xml_empty(x)) /* <si/>: an empty string still has its index */
                    goto push;
            } else if (!strcmp(n, "t") && in_si && !ws_xml_empty(x)) {
                in_t = 1;
            }
            continue;
        }
        if (t == XML_READER_TYPE_END_ELEMENT) {
            if (!strcmp(n, "t"))
                in_t = 0;
            else if (!strcmp(n, "si") && in_si)
                goto push;
            continue;
        }
        if (in_t) {
            const char *v = ws_xml_value(x);
            if (v) {
                size_t vl = strlen(v);
                if (one.len + vl > CELL_MAX)
                    vl = CELL_MAX > one.len ? CELL_MAX - one.len : 0;
                ws_buf_append(&one, v, vl);
            }
        }
        continue;
    push:
        in_si = in_t = 0;
        if (s->nstr >= WS_X_MAX_CELLS || s->str.len + one.len + 1 > s->b->max_text) {
            s->strings_full = 1; /* later strings are missing: cells say so */
            break;
        }
        if (s->nstr == s->capstr) {
            size_t cap = s->capstr ? s->capstr * 2 : 256;
            size_t *o = realloc(s->off, cap * sizeof *o);
            if (!o) {
                s->b->oom = 1;
                break;
            }
            s->off = o;
            s->capstr = cap;
        }
        s->off[s->nstr++] = s->str.len;
        ws_buf_append(&s->str, one.data ? one.data : "", one.len);
        ws_buf_putc(&s->str, '\0');
        if (s->str.oom || one.oom) {
            s->b->oom = 1;
            break;
        }
    }
    ws_buf_free(&one);
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

/* Is an Excel number format code a date (1), a date and time (2)?  Quoted
 * text, [colours]/[$-407] and escaped characters do not count; a format
 * is a date when it shows a day or a year (m alone may be minutes). */
static int date_code(const char *c)
{
    int date = 0, time = 0;
    for (; *c; c++) {
        if (*c == '"') {
            while (c[1] && c[1] != '"')
                c++;
            if (c[1])
                c++;
        } else if (*c == '[') {
            while (c[1] && c[1] != ']')
                c++;
            if (c[1])
                c++;
        } else if ((*c == '\\' || *c == '_' || *c == '*') && c[1]) {
            c++;
        } else if (*c == 'd' || *c == 'D' || *c == 'y' || *c == 'Y' || *c == 'j' || *c == 'J') {
            date = 1; /* j: Jahr, as German Excel writes TT.MM.JJJJ */
        } else if (*c == 'h' || *c == 'H') {
            time = 1;
        }
    }
    return date ? 1 + time : 0;
}

/* The built-in number formats that are dates (ECMA-376 18.8.30), and
 * their East Asian variants; 45-47 are durations, not dates. */
static int date_builtin(unsigned long id)
{
    return id == 22 ? 2
                    : (id >= 14 && id <= 21) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* xl/styles.xml: custom <numFmt>s, then <cellXfs>, whose n-th <xf> is the
 * format of a cell with s="n". */
static int read_styles(sheet_ctx *s, ws_zipx *z, const char *part, ws_error *err)
{
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    unsigned long fmt_id[MAX_FMT];
    unsigned char fmt_date[MAX_FMT];
    size_t nfmt = 0;
    int in_xfs = 0, r;
    while ((r = ws_xml_next(x, err)) == 1) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(n, "cellXfs")) {
            in_xfs = 0;
            continue;
        }
        if (t != XML_READER_TYPE_ELEMENT)
            continue;
        if (!strcmp(n, "cellXfs")) {
            in_xfs = !ws_xml_empty(x);
        } else if (!strcmp(n, "numFmt") && nfmt < MAX_FMT) {
            char *id = ws_xml_attr(x, "numFmtId"), *code = ws_xml_attr(x, "formatCode");
            if (id && code) {
                fmt_id[nfmt] = strtoul(id, NULL, 10);
                fmt_date[nfmt++] = (unsigned char)date_code(code);
            }
            free(id);
            free(code);
        } else if (!strcmp(n, "xf") && in_xfs && s->nxf < MAX_XF) {
            if (!s->xf_date && !(s->xf_date = calloc(MAX_XF, 1))) {
                s->b->oom = 1;
                break;
            }
            char *id = ws_xml_attr(x, "numFmtId");
            unsigned long v = id ? strtoul(id, NULL, 10) : 0;
            free(id);
            int d = date_builtin(v);
            for (size_t i = 0; i < nfmt; i++)
                if (fmt_id[i] == v)
                    d = fmt_date[i]; /* a custom format may redefine an id */
            s->xf_date[s->nxf++] = (unsigned char)d;
        }
    }
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

/* An xlsx date serial as people read it: 12.03.2025 (14:30).  0 if v is
 * not a day Excel can show. */
static int format_date(const sheet_ctx *s, const char *v, int with_time, char out[48])
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d) || d < 1 || d >= 2958466)
        return 0;
    long serial = (long)d; /* d >= 1: truncation is floor */
    /* Excel's 1900 system has a 29 February 1900 (serial 60) that never
     * was; days after it are one off. */
    long days = s->date1904 ? serial + 1462 - 25569 : serial - (serial >= 61 ? 25569 : 25568);
    /* days since 1970-01-01 to a civil date (H. Hinnant's algorithm) */
    long zd = days + 719468, era = (zd >= 0 ? zd : zd - 146096) / 146097;
    long doe = zd - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2);
    long minutes = (long)((d - (double)serial) * 1440 + 0.5);
    int dd = (int)day, mm = (int)month, yy = (int)year, hh = (int)(minutes / 60),
        mi = (int)(minutes % 60);
    if (with_time && minutes > 0 && minutes < 1440)
        snprintf(out, 48, "%02d.%02d.%04d %02d:%02d", dd, mm, yy, hh, mi);
    else
        snprintf(out, 48, "%02d.%02d.%04d", dd, mm, yy);
    return 1;
}

static const char *shared_string(sheet_ctx *s, const char *idx, size_t *len)
{
    char *end;
    unsigned long i = strtoul(idx, &end, 10);
    if (end == idx || *end || i >= s->nstr) {
        s->missing++;
        return NULL;
    }
    const char *v = s->str.data + s->off[i];
    *len = strlen(v);
    return v;
}

/* One worksheet part: <row>s of <c>s; a cell's value is <v> (a number, a
 * shared string index for t="s", a formula's cached text for t="str") or
 * <is> (an inline string).  Formulas (<f>) are never text. */
static int read_sheet(sheet_ctx *s, ws_zipx *z, const char *part, ws_error *err)
{
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    char type[16] = "";
    int in_c = 0, in_v = 0, in_is = 0, in_t = 0, date = 0, r;
    while ((r = ws_xml_next(x, err)) == 1 && !s->b->full && !s->b->oom) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_ELEMENT) {
            int empty = ws_xml_empty(x);
            if (!strcmp(n, "f") || !strcmp(n, "rPh")) {
                if ((r = ws_xml_skip(x, err)) != WS_OK)
                    break;
            } else if (!strcmp(n, "row")) {
                end_row(s);
            } else if (!strcmp(n, "c") && !empty) {
                char *ty = ws_xml_attr(x, "t");
                snprintf(type, sizeof type, "%s", ty ? ty : "n");
                free(ty);
                char *st = ws_xml_attr(x, "s");
                unsigned long xf = st ? strtoul(st, NULL, 10) : 0;
                free(st);
                date = xf < s->nxf ? s->xf_date[xf] : 0;
                ws_buf_reset(&s->cell);
                in_c = 1;
            } else if (in_c && !strcmp(n, "v") && !empty) {
                in_v = 1;
            } else if (in_c && !strcmp(n, "is") && !empty) {
                in_is = 1;
            } else if (in_is && !strcmp(n, "t") && !empty) {
                in_t = 1;
            }
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            if (!strcmp(n, "v")) {
                in_v = 0;
            } else if (!strcmp(n, "t")) {
                in_t = 0;
            } else if (!strcmp(n, "is")) {
                in_is = 0;
            } else if (!strcmp(n, "row")) {
                end_row(s);
            } else if (!strcmp(n, "c") && in_c) {
                in_c = 0;
                if (!strcmp(type, "s")) {
                    size_t len = 0;
                    const char *c = ws_buf_cstr(&s->cell);
                    const char *v = shared_string(s, c ? c : "", &len);
                    if (v)
                        put_cell(s, v, len);
                    ws_buf_reset(&s->cell);
                } else if (!strcmp(type, "b") || !strcmp(type, "e")) {
                    ws_buf_reset(&s->cell); /* TRUE/FALSE, #DIV/0!: no words */
                } else if (date && !strcmp(type, "n")) {
                    const char *c = ws_buf_cstr(&s->cell);
                    char day[48];
                    if (c && format_date(s, c, date == 2, day))
                        put_cell(s, day, strlen(day));
                    else
                        put_open_cell(s);
                    ws_buf_reset(&s->cell);
                } else {
                    put_open_cell(s); /* n, str, inlineStr, d */
                }
            }
        } else if (in_v || in_t) {
            const char *v = ws_xml_value(x);
            if (v)
                cell_append(s, v, strlen(v));
        }
        if (s->cells_full)
            break; /* nothing more will be kept */
    }
    end_row(s);
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

/* Elements named el of a part, two attributes each (the second in a
 * namespace when ns2): the sheet list and the relationships. */
static int read_pairs(ws_xb *b, ws_zipx *z, const char *part, const char *el, const char *a1,
                      const char *a2, int ns2, const char *a3, size_t max, char ***out, size_t *n,
                      size_t *total, ws_error *err)
{
    *out = NULL;
    *n = *total = 0;
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, part, &x, err);
    if (rc != WS_OK)
        return rc;
    size_t cap = 0;
    char **v = NULL;
    int r;
    while ((r = ws_xml_next(x, err)) == 1) {
        if (ws_xml_type(x) != XML_READER_TYPE_ELEMENT || strcmp(ws_xml_name(x), el))
            continue;
        if (++*total > max)
            continue;
        if (*n + 3 > cap) {
            cap = cap ? cap * 2 : 48;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                b->oom = 1;
                break;
            }
            v = nv;
        }
        v[*n] = ws_xml_attr(x, a1);
        v[*n + 1] = ns2 ? ws_xml_attr_ns(x, a2) : ws_xml_attr(x, a2);
        v[*n + 2] = a3 ? ws_xml_attr(x, a3) : NULL;
        *n += 3;
    }
    ws_xml_close(x);
    *out = v;
    return r < 0 ? r : WS_OK;
}

static int xlsx(sheet_ctx *s, ws_zipx *z, ws_error *err)
{
    ws_xb *b = s->b;
    const char *wb = "xl/workbook.xml";
    char **sh = NULL, **rl = NULL;
    size_t nsh = 0, nrl = 0, tsh = 0, trl = 0;
    int rc =
        read_pairs(b, z, wb, "sheet", "name", "id", 1, NULL, WS_X_MAX_SHEETS, &sh, &nsh, &tsh, err);
    s->sheets_total = tsh > 0xFFFFFFFFu ? 0xFFFFFFFFu : (unsigned)tsh;
    if (rc == WS_OK && ws_zipx_has(z, "xl/_rels/workbook.xml.rels"))
        rc = read_pairs(b, z, "xl/_rels/workbook.xml.rels", "Relationship", "Id", "Target", 0,
                        "Type", RELS_MAX, &rl, &nrl, &trl, err);
    /* Shared strings and styles: named by a relationship, else the usual
     * place. */
    char part[PART_NAME] = "xl/sharedStrings.xml", styles[PART_NAME] = "xl/styles.xml";
    for (size_t i = 0; rc == WS_OK && i < nrl; i += 3) {
        if (rl[i + 1] && rl[i + 2] && ends_with(rl[i + 2], "/sharedStrings") &&
            !ws_zipx_resolve(wb, rl[i + 1], part, sizeof part))
            part[0] = '\0';
        if (rl[i + 1] && rl[i + 2] && ends_with(rl[i + 2], "/styles") &&
            !ws_zipx_resolve(wb, rl[i + 1], styles, sizeof styles))
            styles[0] = '\0';
    }
    if (rc == WS_OK && part[0] && ws_zipx_has(z, part))
        rc = read_strings(s, z, part, err);
    if (rc == WS_OK && styles[0] && ws_zipx_has(z, styles))
        rc = read_styles(s, z, styles, err);
    char **pr = NULL;
    size_t npr = 0, tpr = 0;
    if (rc == WS_OK)
        rc = read_pairs(b, z, wb, "workbookPr", "date1904", "date1904", 0, NULL, 1, &pr, &npr, &tpr,
                        err);
    if (npr && pr[0])
        s->date1904 = !strcmp(pr[0], "1") || !strcmp(pr[0], "true");
    for (size_t i = 0; i < npr; i++)
        free(pr[i]);
    free(pr);
    for (size_t i = 0; rc == WS_OK && !b->oom && i < nsh; i += 3) {
        unsigned number = (unsigned)(i / 3 + 1);
        start_sheet(s, number, sh[i]);
        /* The sheet's part through its relationship id. */
        const char *target = NULL;
        for (size_t k = 0; sh[i + 1] && k < nrl; k += 3)
            if (rl[k] && rl[k + 1] && !strcmp(rl[k], sh[i + 1]))
                target = rl[k + 1];
        if (!target || !ws_zipx_resolve(wb, target, part, sizeof part) || !ws_zipx_has(z, part))
            continue; /* a sheet without a part has no cells */
        rc = read_sheet(s, z, part, err);
        if (s->cells_full)
            break;
    }
    for (size_t i = 0; i < nsh; i++)
        free(sh[i]);
    free(sh);
    for (size_t i = 0; i < nrl; i++)
        free(rl[i]);
    free(rl);
    return rc;
}

/* ---- ods ---------------------------------------------------------------- */

/* content.xml: each <table:table> of <office:spreadsheet> is a sheet; a
 * cell's text is its <text:p> paragraphs (the displayed value, formulas
 * included).  Comments (<office:annotation>) and tables nested in cells
 * are skipped; repeated rows and cells are not multiplied. */
static int ods(sheet_ctx *s, ws_zipx *z, ws_error *err)
{
    ws_xml *x = NULL;
    int rc = ws_xml_open(z, "content.xml", &x, err);
    if (rc != WS_OK)
        return rc;
    int in_ss = 0, in_table = 0, in_cell = 0, in_p = 0, paras = 0, r;
    unsigned number = 0;
    while ((r = ws_xml_next(x, err)) == 1 && !s->b->full && !s->b->oom) {
        int t = ws_xml_type(x);
        const char *n = ws_xml_name(x);
        if (t == XML_READER_TYPE_ELEMENT) {
            int empty = ws_xml_empty(x);
            if (!strcmp(n, "spreadsheet")) {
                in_ss = !empty;
            } else if (!strcmp(n, "annotation") || (!strcmp(n, "table") && in_table)) {
                if ((r = ws_xml_skip(x, err)) != WS_OK)
                    break;
            } else if (!strcmp(n, "table") && in_ss) {
                if (++number > WS_X_MAX_SHEETS) {
                    if ((r = ws_xml_skip(x, err)) != WS_OK)
                        break;
                    continue;
                }
                char *name = ws_xml_attr(x, "name");
                start_sheet(s, number, name);
                free(name);
                in_table = !empty;
            } else if (!in_table) {
                continue;
            } else if (!strcmp(n, "table-row")) {
                end_row(s);
            } else if ((!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) && !empty) {
                ws_buf_reset(&s->cell);
                in_cell = 1;
                paras = 0;
            } else if (in_cell && (!strcmp(n, "p") || !strcmp(n, "h"))) {
                if (paras++)
                    cell_append(s, " ", 1);
                in_p += !empty;
            } else if (in_p && (!strcmp(n, "s") || !strcmp(n, "tab") || !strcmp(n, "line-break"))) {
                cell_append(s, " ", 1);
            }
        } else if (t == XML_READER_TYPE_END_ELEMENT) {
            if (!strcmp(n, "table") && in_table) {
                end_row(s);
                in_table = 0;
            } else if (!strcmp(n, "spreadsheet")) {
                in_ss = 0;
            } else if (!in_table) {
                continue;
            } else if (!strcmp(n, "table-row")) {
                end_row(s);
            } else if ((!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) && in_cell) {
                in_cell = in_p = 0;
                put_open_cell(s);
            } else if ((!strcmp(n, "p") || !strcmp(n, "h")) && in_p) {
                in_p--;
            }
        } else if (in_p) {
            const char *v = ws_xml_value(x);
            if (v)
                cell_append(s, v, strlen(v));
        }
        if (s->cells_full)
            break;
    }
    s->sheets_total = number;
    ws_xml_close(x);
    return r < 0 ? r : WS_OK;
}

/* ---- entry -------------------------------------------------------------- */

int ws_extract_sheet(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    ws_zipx *z = NULL;
    int rc = ws_zipx_open(b, data, len, &z, err);
    if (rc != WS_OK)
        return rc;
    int is_xlsx = b->x->type == WS_DOC_XLSX;
    if (is_xlsx && !ws_zipx_has(z, "xl/workbook.xml")) {
        const char *other = ws_zipx_has(z, "word/document.xml")      ? "a Word document (docx)"
                            : ws_zipx_has(z, "ppt/presentation.xml") ? "a PowerPoint file (pptx)"
                            : ws_zipx_has(z, "mimetype")             ? "an OpenDocument file"
                                                                     : NULL;
        if (other)
            rc = ws_error_set(err, WS_EFORMAT, "%s: content is %s, not an xlsx (wrong extension?)",
                              b->name, other);
        else
            rc = ws_error_set(err, WS_EFORMAT,
                              "%s: not an Excel workbook: the container has no xl/workbook.xml",
                              b->name);
    } else if (!is_xlsx) {
        rc = ws_odf_check(b, z, err);
    }
    if (rc == WS_OK)
        rc = ws_office_meta(b, z, is_xlsx ? "docProps/core.xml" : "meta.xml", err);
    if (rc == WS_OK) {
        sheet_ctx s;
        memset(&s, 0, sizeof s);
        s.b = b;
        s.cell = (ws_buf)WS_BUF_INIT;
        s.str = (ws_buf)WS_BUF_INIT;
        rc = is_xlsx ? xlsx(&s, z, err) : ods(&s, z, err);
        if (rc == WS_OK)
            set_note(&s);
        ws_buf_free(&s.cell);
        ws_buf_free(&s.str);
        free(s.off);
        free(s.xf_date);
    }
    ws_zipx_close(z);
    return rc;
}
