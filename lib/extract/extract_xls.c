/*
 * extract_xls.c - Excel 97-2003 (.xls, BIFF8): one SHEET passage per
 * worksheet, headed by the sheet's name, as xlsx and ods (extract_sheet.c).
 *
 * The Workbook stream is a sequence of records ([MS-XLS] 2.1.4: type and
 * length, 16 bits each).  The globals substream comes first: BOUNDSHEET8
 * records give each sheet's name, type and the stream offset of its own
 * BOF, and the shared string table (SST, continued over CONTINUE records;
 * a string's characters may break across them, and each continuation then
 * starts with a new width flag) holds the text of most cells.  A sheet's
 * cells come in row order: LABELSST (index into the SST), LABEL/RSTRING
 * (inline text), NUMBER, RK and MULRK (numbers), BOOLERR, and FORMULA with
 * its cached value (a string result follows in a STRING record): what the
 * sheet showed when it was saved, not the formula.  One line per row, the
 * cells of a row joined by " | " as in xlsx.  Worksheets are read in workbook
 * order, hidden ones included; chart and macro sheets are skipped.  A
 * FILEPASS record means the workbook is encrypted.  Numbers are printed
 * as the shortest exact decimal ("%.15g"); a number whose cell format is
 * a date (a built-in date format, or a FORMAT string with day or year
 * codes, via the cell's XF record) is shown as the date, 11.03.2008, in
 * the workbook's 1900 or 1904 date system (DATEMODE).
 *
 * Bounds: every record must fit in the stream, at most WS_X_MAX_SHEETS
 * sheets and WS_X_MAX_CELLS non-empty cells are read (what was left out is
 * said in the record's note, as for xlsx), and no more than four times the
 * stream's bytes are scanned in all (sheet offsets of a hostile file may
 * repeat or overlap).
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/ole.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLS_MAX_XF  65536 /* cell formats kept (the index is 16 bits) */
#define XLS_MAX_FMT 4096  /* custom number formats kept */

#define RT_FORMULA    0x0006
#define RT_EOF        0x000A
#define RT_FILEPASS   0x002F
#define RT_DATEMODE   0x0022
#define RT_XF         0x00E0
#define RT_FORMAT     0x041E
#define RT_CONTINUE   0x003C
#define RT_BOUNDSHEET 0x0085
#define RT_MULRK      0x00BD
#define RT_RSTRING    0x00D6
#define RT_SST        0x00FC
#define RT_LABELSST   0x00FD
#define RT_NUMBER     0x0203
#define RT_LABEL      0x0204
#define RT_BOOLERR    0x0205
#define RT_STRING     0x0207
#define RT_RK         0x027E
#define RT_BOF        0x0809

typedef struct xrec {
    unsigned type;
    size_t body, len;
} xrec;

typedef struct sheet {
    uint32_t pos;
    char *name;
    size_t nlen;
} sheet;

typedef struct xls {
    ws_xb *b;
    const unsigned char *d;
    size_t len;
    size_t budget; /* bytes that may still be scanned */
    /* the shared strings, NUL-separated UTF-8 in sst, offsets in sst_off */
    ws_buf sst;
    size_t *sst_off;
    size_t nsst;
    sheet *sheets;
    size_t nsheets;
    ws_buf cell;
    int row; /* row of the last cell written, -1 at the start of a sheet */
    unsigned long cells;
    unsigned sheets_total; /* worksheets the workbook lists */
    int cells_full;
    /* dates: XF index -> number format, and which custom formats are dates */
    uint16_t *xf_fmt;
    size_t nxf;
    uint16_t *date_fmts;
    size_t ndate_fmts;
    int f1904;
    int oom;
} xls;

static int rec_at(xls *x, size_t off, xrec *r)
{
    if (!ws_in(x->len, off, 4))
        return 0;
    size_t l = ws_le16(x->d + off + 2);
    if (!ws_in(x->len, off + 4, l) || x->budget < 4 + l)
        return 0;
    x->budget -= 4 + l;
    r->type = ws_le16(x->d + off);
    r->body = off + 4;
    r->len = l;
    return 1;
}

/* cch characters, 8-bit (Latin-1 as stored: the high bytes are zero) or
 * UTF-16LE, at p[0..avail); returns the bytes used, or 0 if they do not fit. */
static size_t put_chars(ws_buf *out, const unsigned char *p, size_t avail, size_t cch, int high)
{
    size_t need = high ? 2 * cch : cch;
    if (need > avail)
        return 0;
    for (size_t i = 0; i < cch; i++) {
        uint32_t c = high ? ws_le16(p + 2 * i) : p[i];
        if (high && c >= 0xD800 && c < 0xDC00 && i + 1 < cch) {
            uint32_t lo = ws_le16(p + 2 * i + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if (c == '\r' || c == '\n')
            ws_buf_putc(out, ' ');
        else if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)
            ws_ole_put(out, c);
    }
    return need;
}

/* ---- the shared string table ------------------------------------------------ */

/* The SST and its CONTINUE records as one byte sequence with the places
 * where a continuation starts. */
typedef struct seq {
    xls *x;
    const size_t *seg_off, *seg_len; /* stream offsets and lengths */
    size_t nseg, seg, at;            /* position: segment and offset in it */
} seq;

static int seq_byte(seq *s, unsigned char *c)
{
    while (s->seg < s->nseg && s->at >= s->seg_len[s->seg]) {
        s->seg++;
        s->at = 0;
    }
    if (s->seg >= s->nseg)
        return 0;
    *c = s->x->d[s->seg_off[s->seg] + s->at++];
    return 1;
}

static int seq_skip(seq *s, size_t n)
{
    unsigned char c;
    for (; n; n--) /* bounded by the SST's own size */
        if (!seq_byte(s, &c))
            return 0;
    return 1;
}

static int seq_u16(seq *s, uint32_t *v)
{
    unsigned char a, b;
    if (!seq_byte(s, &a) || !seq_byte(s, &b))
        return 0;
    *v = (uint32_t)(a | b << 8);
    return 1;
}

static int seq_u32(seq *s, uint32_t *v)
{
    uint32_t lo, hi;
    if (!seq_u16(s, &lo) || !seq_u16(s, &hi))
        return 0;
    *v = lo | hi << 16;
    return 1;
}

/* One XLUnicodeRichExtendedString into x->sst. */
static int sst_string(seq *s, ws_buf *out)
{
    uint32_t cch, runs = 0, ext = 0;
    unsigned char flags;
    if (!seq_u16(s, &cch) || !seq_byte(s, &flags))
        return 0;
    if ((flags & 0x08) && !seq_u16(s, &runs))
        return 0;
    if ((flags & 0x04) && !seq_u32(s, &ext))
        return 0;
    int high = flags & 1;
    for (uint32_t i = 0; i < cch; i++) {
        /* A continuation in the middle of the characters restates the width. */
        if (s->seg < s->nseg && s->at >= s->seg_len[s->seg] && s->seg + 1 < s->nseg) {
            unsigned char f;
            s->seg++;
            s->at = 0;
            if (!seq_byte(s, &f))
                return 0;
            high = f & 1;
        }
        unsigned char a, b = 0;
        if (!seq_byte(s, &a) || (high && !seq_byte(s, &b)))
            return 0;
        uint32_t c = (uint32_t)(a | b << 8);
        if (c == '\r' || c == '\n')
            ws_buf_putc(out, ' ');
        else if (c >= 0x20 && (c < 0xD800 || c > 0xDFFF) && c != 0xFFFE && c != 0xFFFF)
            ws_ole_put(out, c); /* surrogate pairs are rare here: dropped */
    }
    return seq_skip(s, 4 * (size_t)runs) && seq_skip(s, ext);
}

static int read_sst(xls *x, const xrec *sst, size_t next)
{
    size_t segs_cap = 16, nseg = 0;
    size_t *off = malloc(segs_cap * sizeof *off), *len = malloc(segs_cap * sizeof *len);
    int rc = 0;
    if (!off || !len) {
        rc = -1;
        goto out;
    }
    off[0] = sst->body + 8;
    len[0] = sst->len >= 8 ? sst->len - 8 : 0;
    nseg = 1;
    uint32_t unique = sst->len >= 8 ? ws_le32(x->d + sst->body + 4) : 0;
    xrec r;
    while (rec_at(x, next, &r) && r.type == RT_CONTINUE) {
        if (nseg == segs_cap) {
            segs_cap *= 2;
            size_t *o2 = realloc(off, segs_cap * sizeof *o2);
            if (o2)
                off = o2;
            size_t *l2 = o2 ? realloc(len, segs_cap * sizeof *l2) : NULL;
            if (!l2) {
                rc = -1;
                goto out;
            }
            len = l2;
        }
        off[nseg] = r.body;
        len[nseg++] = r.len;
        next = r.body + r.len;
    }
    seq s = {x, off, len, nseg, 0, 0};
    size_t cap = 0;
    for (uint32_t i = 0; i < unique; i++) {
        size_t start = x->sst.len;
        if (!sst_string(&s, &x->sst))
            break;
        ws_buf_putc(&x->sst, '\0');
        if (x->nsst == cap) {
            cap = cap ? cap * 2 : 256;
            size_t *v = realloc(x->sst_off, cap * sizeof *v);
            if (!v) {
                rc = -1;
                goto out;
            }
            x->sst_off = v;
        }
        x->sst_off[x->nsst++] = start;
    }
    if (x->sst.oom)
        rc = -1;
out:
    free(off);
    free(len);
    return rc;
}

/* ---- cells ------------------------------------------------------------------ */

static void cell_text(xls *x, unsigned row, const char *s, size_t n)
{
    ws_xb *b = x->b;
    size_t k = 0;
    while (k < n && s[k] == ' ')
        k++;
    if (k == n)
        return;
    if (x->cells >= WS_X_MAX_CELLS) {
        x->cells_full = 1;
        return;
    }
    x->cells++;
    if (x->row >= 0 && (unsigned)x->row != row)
        ws_xb_break(b, 1);
    else if (x->row >= 0)
        ws_xb_text(b, " | ", 3, 0);
    x->row = (int)row;
    ws_xb_text(b, s, n, 0);
}

/* A custom number format string is a date if it has day or year codes
 * outside quoted text, [colour/locale] brackets and escapes. */
static int format_is_date(const char *f)
{
    int quoted = 0, bracket = 0;
    for (; *f; f++) {
        char c = *f;
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\\' && f[1])
            f++;
        else if (c == '[')
            bracket = 1;
        else if (c == ']')
            bracket = 0;
        else if (!bracket && (c == 'd' || c == 'D' || c == 'y' || c == 'Y' || c == 'j' || c == 'J'))
            return 1; /* j: German Excel's year code */
    }
    return 0;
}

static int is_date_cell(const xls *x, unsigned ixfe)
{
    if (ixfe >= x->nxf)
        return 0;
    unsigned f = x->xf_fmt[ixfe];
    if ((f >= 14 && f <= 17) || f == 22 || (f >= 27 && f <= 36) || (f >= 50 && f <= 58))
        return 1; /* the built-in date formats */
    for (size_t i = 0; i < x->ndate_fmts; i++)
        if (x->date_fmts[i] == f)
            return 1;
    return 0;
}

/* Serial day number to a date (1900 system with Excel's phantom
 * 29.02.1900, or the 1904 system); 0 if out of range. */
static int serial_date(double v, int f1904, char out[16])
{
    if (!(v >= 1 && v < 2958466))
        return 0;
    long days = (long)v;
    if (f1904)
        days += 1462; /* 1904-01-01 is serial 1462 in the 1900 system */
    else if (days > 60)
        days--; /* Excel counts 1900 as a leap year */
    else if (days == 60)
        return 0;
    /* days since 1899-12-31 -> civil date (Howard Hinnant's algorithm,
     * days counted from 1970-01-01) */
    long z = days - 25568 + 719468;
    long era = z / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    return snprintf(out, 16, "%02ld.%02ld.%04ld", d, m, y) == 10;
}

static void cell_number(xls *x, unsigned row, unsigned ixfe, double v)
{
    char s[40];
    if (is_date_cell(x, ixfe) && serial_date(v, x->f1904, s)) {
        cell_text(x, row, s, strlen(s));
        return;
    }
    int n = snprintf(s, sizeof s, "%.15g", v);
    if (n > 0 && (size_t)n < sizeof s && v == v)
        cell_text(x, row, s, (size_t)n);
}

static double rk_value(uint32_t rk)
{
    double v;
    if (rk & 2) {
        v = (double)((int32_t)rk >> 2);
    } else {
        uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
        memcpy(&v, &bits, sizeof v);
    }
    return rk & 1 ? v / 100 : v;
}

static double f64(const unsigned char *p)
{
    uint64_t bits = (uint64_t)ws_le32(p) | (uint64_t)ws_le32(p + 4) << 32;
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* An XLUnicodeString (16-bit count, flags, characters) as a cell. */
static void inline_string(xls *x, unsigned row, const unsigned char *p, size_t avail)
{
    if (avail < 3)
        return;
    ws_buf_reset(&x->cell);
    if (put_chars(&x->cell, p + 3, avail - 3, ws_le16(p), p[2] & 1) && x->cell.len) {
        const char *s = ws_buf_cstr(&x->cell);
        if (s)
            cell_text(x, row, s, x->cell.len);
    }
}

static void read_sheet(xls *x, unsigned number, const sheet *sh)
{
    xrec r;
    size_t off = sh->pos;
    if (!rec_at(x, off, &r) || r.type != RT_BOF || r.len < 4 || ws_le16(x->d + r.body + 2) != 0x10)
        return; /* not a worksheet's BOF */
    ws_xb_page(x->b, WS_PASSAGE_SHEET, number, sh->name, sh->nlen);
    x->row = -1;
    int depth = 1, want_string = -1; /* row of a FORMULA waiting for its STRING */
    off = r.body + r.len;
    while (depth > 0 && !x->b->full && !x->b->oom && rec_at(x, off, &r)) {
        const unsigned char *p = x->d + r.body;
        off = r.body + r.len;
        if (r.type == RT_BOF) {
            depth++; /* an embedded chart: its records are not cells */
            continue;
        }
        if (r.type == RT_EOF) {
            depth--;
            continue;
        }
        if (depth > 1)
            continue;
        unsigned row = r.len >= 2 ? ws_le16(p) : 0, ixfe = r.len >= 6 ? ws_le16(p + 4) : 0;
        switch (r.type) {
        case RT_LABELSST:
            if (r.len >= 10) {
                uint32_t i = ws_le32(p + 6);
                if (i < x->nsst) {
                    const char *s = x->sst.data + x->sst_off[i];
                    cell_text(x, row, s, strlen(s));
                }
            }
            break;
        case RT_LABEL:
        case RT_RSTRING:
            if (r.len >= 6)
                inline_string(x, row, p + 6, r.len - 6);
            break;
        case RT_NUMBER:
            if (r.len >= 14)
                cell_number(x, row, ixfe, f64(p + 6));
            break;
        case RT_RK:
            if (r.len >= 10)
                cell_number(x, row, ixfe, rk_value(ws_le32(p + 6)));
            break;
        case RT_MULRK:
            for (size_t i = 4; r.len >= 6 && i + 6 <= r.len - 2; i += 6)
                cell_number(x, row, ws_le16(p + i), rk_value(ws_le32(p + i + 2)));
            break;
        case RT_BOOLERR:
            if (r.len >= 8 && !p[7])
                cell_text(x, row, p[6] ? "WAHR" : "FALSCH", p[6] ? 4 : 6);
            break;
        case RT_FORMULA:
            if (r.len >= 14) {
                if (ws_le16(p + 12) != 0xFFFF)
                    cell_number(x, row, ixfe, f64(p + 6));
                else if (p[6] == 0)
                    want_string = (int)row;
                else if (p[6] == 1)
                    cell_text(x, row, p[8] ? "WAHR" : "FALSCH", p[8] ? 4 : 6);
            }
            break;
        case RT_STRING:
            if (want_string >= 0)
                inline_string(x, (unsigned)want_string, p, r.len);
            want_string = -1;
            break;
        default:
            break;
        }
    }
    ws_xb_break(x->b, 2);
}

/* An XF record: the number format of one cell format. */
static void add_xf(xls *x, const xrec *r)
{
    if (!x->nxf && !(x->xf_fmt = malloc(XLS_MAX_XF * sizeof *x->xf_fmt))) {
        x->oom = 1;
        return;
    }
    x->xf_fmt[x->nxf++] = ws_le16(x->d + r->body + 2);
}

/* A FORMAT record: its index is kept if it formats dates. */
static void add_format(xls *x, const xrec *r)
{
    const unsigned char *d = x->d;
    ws_buf f = WS_BUF_INIT;
    put_chars(&f, d + r->body + 5, r->len - 5, ws_le16(d + r->body + 2), d[r->body + 4] & 1);
    const char *fs = ws_buf_cstr(&f);
    if (fs && format_is_date(fs)) {
        if (!x->ndate_fmts && !(x->date_fmts = malloc(XLS_MAX_FMT * sizeof *x->date_fmts))) {
            ws_buf_free(&f);
            x->oom = 1;
            return;
        }
        x->date_fmts[x->ndate_fmts++] = ws_le16(d + r->body);
    }
    ws_buf_free(&f);
}

/* A BOUNDSHEET record: a worksheet's name and where its records start. */
static void add_sheet(xls *x, const xrec *r, size_t *cap)
{
    const unsigned char *p = x->d + r->body;
    if (p[5] != 0) /* chart, macro or VB module sheet */
        return;
    if (++x->sheets_total > WS_X_MAX_SHEETS)
        return;
    ws_buf name = WS_BUF_INIT;
    put_chars(&name, p + 8, r->len - 8, p[6], p[7] & 1);
    if (x->nsheets == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        sheet *v = realloc(x->sheets, *cap * sizeof *v);
        if (!v) {
            ws_buf_free(&name);
            x->oom = 1;
            return;
        }
        x->sheets = v;
    }
    sheet *s = &x->sheets[x->nsheets++];
    s->pos = ws_le32(p);
    s->nlen = name.len;
    s->name = name.len ? ws_buf_steal(&name, NULL) : strdup("");
    if (!s->name) {
        x->nsheets--;
        x->oom = 1;
    }
}

/* The globals from off: sheets and shared strings, up to their EOF. */
static int read_globals(xls *x, size_t off, ws_error *err)
{
    xrec r;
    size_t cap = 0;
    while (rec_at(x, off, &r) && r.type != RT_EOF) {
        off = r.body + r.len;
        if (r.type == RT_FILEPASS) {
            return ws_ole_encrypted(x->b, "Excel workbook", err);
        } else if (r.type == RT_DATEMODE && r.len >= 2) {
            x->f1904 = ws_le16(x->d + r.body) == 1;
        } else if (r.type == RT_XF && r.len >= 4 && x->nxf < XLS_MAX_XF) {
            add_xf(x, &r);
        } else if (r.type == RT_FORMAT && r.len >= 5 && x->ndate_fmts < XLS_MAX_FMT) {
            add_format(x, &r);
        } else if (r.type == RT_SST && !x->nsst) {
            if (read_sst(x, &r, off) < 0)
                x->oom = 1;
        } else if (r.type == RT_BOUNDSHEET && r.len >= 8) {
            add_sheet(x, &r, &cap);
        }
        if (x->oom)
            break;
    }
    return WS_OK;
}

/* What was left out, as xlsx says it. */
static void limits_note(xls *x)
{
    ws_xb *b = x->b;
    ws_buf n = WS_BUF_INIT;
    if (x->sheets_total > WS_X_MAX_SHEETS)
        ws_buf_printf(&n, "only the first %u of %u sheets indexed", WS_X_MAX_SHEETS,
                      x->sheets_total);
    if (x->cells_full)
        ws_buf_printf(&n, "%sonly the first %u non-empty cells indexed", n.len ? "; " : "",
                      (unsigned)WS_X_MAX_CELLS);
    free(b->x->note);
    b->x->note = ws_buf_steal(&n, NULL);
    if (!b->x->note)
        x->oom = 1;
}

int ws_extract_xls(ws_xb *b, ws_ole *o, ws_error *err)
{
    unsigned char *d = NULL;
    size_t len = 0;
    int rc = ws_ole_read(o, "Workbook", &d, &len, err);
    if (rc != WS_OK)
        return rc;
    xls x;
    memset(&x, 0, sizeof x);
    x.b = b;
    x.d = d;
    x.len = len;
    x.budget = len > SIZE_MAX / 4 ? SIZE_MAX : 4 * len;
    x.sst = (ws_buf)WS_BUF_INIT;
    x.cell = (ws_buf)WS_BUF_INIT;
    xrec r;
    if (!rec_at(&x, 0, &r) || r.type != RT_BOF || r.len < 4) {
        rc = ws_error_set(err, WS_EFORMAT, "%s: damaged Excel workbook (no BOF record)", b->name);
        goto out;
    }
    if (ws_le16(d + r.body) != 0x0600) {
        rc = ws_error_set(err, WS_EUNSUPPORTED,
                          "%s: Excel workbook older than Excel 97 (BIFF version %#x), skipped",
                          b->name, (unsigned)ws_le16(d + r.body));
        goto out;
    }
    rc = read_globals(&x, r.body + r.len, err);
    if (rc != WS_OK)
        goto out;
    for (size_t i = 0; i < x.nsheets && !x.oom && !b->full && !b->oom; i++)
        read_sheet(&x, (unsigned)i + 1, &x.sheets[i]);
    if (x.sheets_total > WS_X_MAX_SHEETS || x.cells_full) /* as xlsx says it */
        limits_note(&x);
    if (x.oom || x.cell.oom)
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
out:
    for (size_t i = 0; i < x.nsheets; i++)
        free(x.sheets[i].name);
    free(x.sheets);
    free(x.sst_off);
    free(x.xf_fmt);
    free(x.date_fmts);
    ws_buf_free(&x.sst);
    ws_buf_free(&x.cell);
    free(d);
    return rc;
}
