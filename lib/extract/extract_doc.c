/*
 * extract_doc.c - Word 97-2003 (.doc), and Word 6/95 when not fast-saved.
 *
 * The text of a Word document is a sequence of characters addressed by
 * character position (CP) and stored in pieces ([MS-DOC] 2.4.1): the File
 * Information Block at the start of the WordDocument stream gives the
 * lengths of the main text, footnotes, headers, comments, endnotes and
 * text boxes (in that order in CP space) and where the piece table (Clx)
 * lies in the table stream (0Table or 1Table, says fWhichTblStm).  Each
 * piece maps a CP range to an offset in the WordDocument stream, either
 * 8-bit (Windows-1252, "compressed") or UTF-16LE.  Word 6/95 files that
 * were not fast-saved keep their text as one 8-bit run from fcMin.
 *
 * Read here: the main text, footnotes, endnotes and text boxes (headers and
 * footers repeat on every page and comments are not the document's text).
 * Special characters: paragraph marks and cell marks end a line, page and
 * section breaks (0x0C) start a new PAGE passage through the same
 * page/section logic as docx (ws_flow), and of a field ({0x13 code 0x14
 * result 0x15}) only the result is text, while a HYPERLINK field's code
 * gives a link.
 *
 * Headings and page breaks come from paragraph properties: each paragraph
 * mark's file offset is looked up in the PAPX bin table (PlcBtePapx in the
 * table stream, pointing at 512-byte PapxFkp pages of the WordDocument
 * stream), whose entry gives the paragraph's style (istd) and its own
 * property modifiers; the style sheet (STSH) says which styles are the
 * built-in "heading 1-9" (sti 1-9) and what outline level and page break
 * a style sets.  A paragraph with an outline level 1-9 (its own
 * sprmPOutLvl, else its style's) is a heading; sprmPFPageBreakBefore
 * starts a page before it.  Paragraphs are buffered until their mark so
 * that this is known before their text goes out.
 *
 * Bounds: the FIB's arrays are checked against the stream, every piece
 * against the WordDocument stream, CPs must not go backwards, and no more
 * characters are read than the stream has bytes (pieces of a hostile file
 * may overlap); fields nest at most 64 deep for the code/result logic; a
 * paragraph longer than PARA_MAX is passed on as body text in pieces; FKP
 * entries are checked against their 512-byte page, property modifiers
 * against their group, and at most MAX_STYLES styles are read.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/ole.h"

#include <stdlib.h>
#include <string.h>

#include "extract/zipx.h"

#define MAX_FIELD_DEPTH 64
#define FIELD_CODE_MAX  2048
#define PARA_MAX        65536
#define MAX_STYLES      4096

typedef struct pstyle {
    signed char level; /* 1-9 heading, 0 body, -1 not said */
    signed char pagebb;
} pstyle;

typedef struct doc {
    ws_xb *b;
    ws_flow f;
    const unsigned char *wd;
    size_t wdlen;
    size_t budget; /* characters that may still be read */
    ws_buf run;    /* text since the last special character */
    /* fields: bit i of sep = field i has its separator (shows its result) */
    unsigned depth, in_code;
    uint64_t sep;
    ws_buf code; /* the innermost field's code so far */
    /* paragraph properties (Word 97): the PAPX bin table and the styles */
    const unsigned char *bte_fc, *bte_pn;
    size_t nbte;
    pstyle *styles;
    size_t nstyles;
} doc;

/* Property modifiers (sprms) of a paragraph or style: outline level and
 * page break before.  [MS-DOC] 2.2.5: the operand size follows from the
 * top three bits, variable-size operands say their length. */
static void sprms(const unsigned char *g, size_t n, pstyle *ps)
{
    size_t i = 0;
    while (i + 2 <= n) {
        unsigned sprm = ws_le16(g + i), size;
        i += 2;
        switch (sprm >> 13) {
        case 0:
        case 1:
            size = 1;
            break;
        case 2:
        case 4:
        case 5:
            size = 2;
            break;
        case 3:
            size = 4;
            break;
        case 7:
            size = 3;
            break;
        default:                              /* 6: variable */
            if (sprm == 0xD608 && i + 2 <= n) /* sprmTDefTable: 16-bit count, plus one */
                size = ws_le16(g + i) + 1u;
            else if (i < n)
                size = 1u + g[i];
            else
                return;
        }
        if (size > n - i)
            return;
        if (sprm == 0x2407) /* sprmPFPageBreakBefore */
            ps->pagebb = g[i] != 0;
        else if (sprm == 0x2640) /* sprmPOutLvl: 0-8 heading level, 9 body */
            ps->level = g[i] < 9 ? (signed char)(g[i] + 1) : 0;
        i += size;
    }
}

/* The style sheet: per paragraph style, heading level and page break. */
static void load_styles(doc *d, const unsigned char *t, size_t tlen, uint32_t fc, uint32_t lcb)
{
    if (!lcb || !ws_in(tlen, fc, lcb) || lcb < 6)
        return;
    const unsigned char *p = t + fc;
    size_t cbstshi = ws_le16(p);
    if (cbstshi < 4 || !ws_in(lcb, 2, cbstshi))
        return;
    size_t cstd = ws_le16(p + 2), cbbase = ws_le16(p + 4), off = 2 + cbstshi;
    if (cstd > MAX_STYLES)
        cstd = MAX_STYLES;
    d->styles = malloc((cstd ? cstd : 1) * sizeof *d->styles);
    if (!d->styles)
        return;
    d->nstyles = cstd;
    for (size_t i = 0; i < cstd; i++) {
        pstyle *ps = &d->styles[i];
        ps->level = -1;
        ps->pagebb = 0;
        if (!ws_in(lcb, off, 2))
            continue;
        size_t cb = ws_le16(p + off);
        off += 2;
        if (!ws_in(lcb, off, cb)) {
            off = lcb;
            continue;
        }
        const unsigned char *std = p + off;
        off += cb;
        if (cb < 4 || (ws_le16(std + 2) & 0xF) != 1) /* not a paragraph style */
            continue;
        unsigned sti = ws_le16(std) & 0x0FFF;
        if (sti >= 1 && sti <= 9)
            ps->level = (signed char)sti;
        /* after the base: the name (count, UTF-16, NUL), then the UPX of
         * paragraph properties (size, istd, sprms) */
        size_t k = cbbase;
        if (!ws_in(cb, k, 2))
            continue;
        k += 2 + 2 * (size_t)ws_le16(std + k) + 2;
        if (!ws_in(cb, k, 2))
            continue;
        size_t cbupx = ws_le16(std + k);
        if (cbupx >= 2 && ws_in(cb, k + 2, cbupx))
            sprms(std + k + 4, cbupx - 2, ps);
    }
}

/* The properties of the paragraph whose mark is at file offset fc. */
static pstyle para_props(doc *d, size_t fc)
{
    pstyle ps = {-1, 0};
    if (!d->nbte)
        return ps;
    size_t lo = 0, hi = d->nbte; /* the bin whose FC range holds fc */
    while (lo + 1 < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ws_le32(d->bte_fc + 4 * mid) <= fc)
            lo = mid;
        else
            hi = mid;
    }
    size_t page = (size_t)(ws_le32(d->bte_pn + 4 * lo) & 0x3FFFFF) * 512;
    if (!ws_in(d->wdlen, page, 512))
        return ps;
    const unsigned char *fkp = d->wd + page;
    size_t crun = fkp[511];
    if (!crun || 4 * (crun + 1) + 13 * crun > 511)
        return ps;
    size_t j = 0;
    while (j + 1 < crun && ws_le32(fkp + 4 * (j + 1)) <= fc)
        j++;
    size_t b = (size_t)fkp[4 * (crun + 1) + 13 * j] * 2, start, len;
    if (!b || b >= 511)
        return ps;
    if (fkp[b]) {
        start = b + 1;
        len = 2 * (size_t)fkp[b] - 1;
    } else {
        start = b + 2;
        len = 2 * (size_t)fkp[b + 1];
    }
    if (len < 2 || start + len > 511)
        return ps;
    size_t istd = ws_le16(fkp + start);
    if (istd < d->nstyles)
        ps = d->styles[istd];
    sprms(fkp + start + 2, len - 2, &ps);
    return ps;
}

/* The buffered text as body text. */
static void flush(doc *d)
{
    if (d->run.len) {
        const char *s = ws_buf_cstr(&d->run);
        if (s)
            ws_flow_text(&d->f, s, d->run.len);
        else
            d->b->oom = 1;
    }
    ws_buf_reset(&d->run);
}

/* A paragraph (or cell) mark at file offset fc: the buffered paragraph
 * goes out as a heading or as text, after a page break if it asks for one. */
static void para_end(doc *d, size_t fc, int lines)
{
    const char *s = ws_buf_cstr(&d->run);
    if (!s) {
        d->b->oom = 1;
        return;
    }
    if (d->run.len && s[strspn(s, " ")]) {
        pstyle ps = para_props(d, fc);
        if (ps.pagebb)
            ws_flow_page_break(&d->f);
        if (ps.level > 0)
            ws_flow_heading(&d->f, s, d->run.len);
        else
            ws_flow_text(&d->f, s, d->run.len);
    }
    ws_buf_reset(&d->run);
    ws_xb_break(d->b, lines);
}

/* HYPERLINK "target" (switches such as \l may come between). */
static void field_link(doc *d)
{
    const char *c = ws_buf_cstr(&d->code);
    if (!c)
        return;
    while (*c == ' ')
        c++;
    if (strncmp(c, "HYPERLINK", 9) != 0)
        return;
    const char *q = strchr(c + 9, '"');
    const char *e = q ? strchr(q + 1, '"') : NULL;
    if (e && e > q + 1)
        ws_xb_link(d->b, q + 1, (size_t)(e - q - 1));
}

static void put(doc *d, uint32_t c, size_t fc)
{
    if (c == 0x13) { /* field begin */
        if (d->depth < MAX_FIELD_DEPTH)
            d->sep &= ~((uint64_t)1 << d->depth);
        d->depth++;
        d->in_code++;
        ws_buf_reset(&d->code);
        return;
    }
    if (c == 0x14) { /* field separator: the result follows */
        if (d->depth && d->depth <= MAX_FIELD_DEPTH &&
            !(d->sep & ((uint64_t)1 << (d->depth - 1)))) {
            d->sep |= (uint64_t)1 << (d->depth - 1);
            d->in_code--;
            field_link(d);
        }
        return;
    }
    if (c == 0x15) { /* field end */
        if (d->depth) {
            d->depth--;
            if (d->depth >= MAX_FIELD_DEPTH || !(d->sep & ((uint64_t)1 << d->depth))) {
                if (d->in_code)
                    d->in_code--;
                if (d->depth < MAX_FIELD_DEPTH)
                    field_link(d);
            }
        }
        return;
    }
    if (d->in_code) {
        if (d->code.len < FIELD_CODE_MAX)
            ws_ole_put(&d->code, c < 0x20 ? ' ' : c);
        return;
    }
    switch (c) {
    case 0x0D: /* paragraph mark */
        para_end(d, fc, 2);
        return;
    case 0x07: /* table cell or row mark */
        para_end(d, fc, 1);
        return;
    case 0x0B: /* line break */
    case 0x0E: /* column break */
        ws_buf_putc(&d->run, ' ');
        return;
    case 0x0C: /* page or section break */
        flush(d);
        ws_flow_page_break(&d->f);
        return;
    case 0x09:
        ws_buf_putc(&d->run, ' ');
        return;
    case 0x1E: /* non-breaking hyphen */
        ws_buf_putc(&d->run, '-');
        return;
    default:
        /* 0x1F optional hyphen, object anchors, note references ... */
        if (c >= 0x20 && c != 0xFFFE && c != 0xFFFF)
            ws_ole_put(&d->run, c);
    }
}

/* count characters at byte offset fc of the WordDocument stream. */
static int read_chars(doc *d, size_t fc, size_t count, int compressed)
{
    size_t bytes = compressed ? count : 2 * count;
    if (count > d->budget || !ws_in(d->wdlen, fc, bytes))
        return -1;
    d->budget -= count;
    const unsigned char *s = d->wd + fc;
    for (size_t i = 0; i < count && !d->b->full && !d->b->oom; i++) {
        uint32_t c = compressed ? ws_cp1252(s[i]) : ws_le16(s + 2 * i);
        if (!compressed && c >= 0xD800 && c < 0xDC00 && i + 1 < count) {
            uint32_t lo = ws_le16(s + 2 * i + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        put(d, c, compressed ? fc + i : fc + 2 * i);
        if (d->run.len >= PARA_MAX)
            flush(d);
    }
    return 0;
}

typedef struct pieces {
    const unsigned char *cp;  /* n + 1 CPs */
    const unsigned char *pcd; /* n piece descriptors of 8 bytes */
    size_t n;
} pieces;

/* Characters [from, to) of CP space through the piece table. */
static int read_range(doc *d, const pieces *pt, uint32_t from, uint32_t to)
{
    for (size_t k = 0; k < pt->n && from < to && !d->b->full && !d->b->oom; k++) {
        uint32_t a = ws_le32(pt->cp + 4 * k), z = ws_le32(pt->cp + 4 * k + 4);
        if (z <= from || a >= to)
            continue;
        uint32_t s = from > a ? from : a, e = to < z ? to : z;
        uint32_t fcw = ws_le32(pt->pcd + 8 * k + 2);
        int compressed = (fcw & 0x40000000u) != 0;
        size_t fc = compressed ? (fcw & 0x3FFFFFFFu) / 2 + (s - a) : fcw + 2 * (size_t)(s - a);
        if (read_chars(d, fc, e - s, compressed) < 0)
            return -1;
    }
    flush(d); /* a story's last paragraph may lack its mark */
    return 0;
}

static int damaged(doc *d, const char *why, ws_error *err)
{
    return ws_error_set(err, WS_EFORMAT, "%s: damaged Word document (%s)", d->b->name, why);
}

/* The piece table in the table stream's Clx at fc_clx. */
static int read_pieces(doc *d, const unsigned char *tbl, size_t tlen, uint32_t fc_clx,
                       uint32_t lcb_clx, pieces *pt, ws_error *err)
{
    size_t i = 0;
    const unsigned char *clx = tbl + fc_clx;
    if (!lcb_clx || !ws_in(tlen, fc_clx, lcb_clx))
        return damaged(d, "no piece table", err);
    while (i < lcb_clx && clx[i] == 0x01) { /* Prc: property modifiers, skipped */
        if (!ws_in(lcb_clx, i, 3))
            break;
        i += 3 + (size_t)ws_le16(clx + i + 1);
    }
    if (!ws_in(lcb_clx, i, 5) || clx[i] != 0x02)
        return damaged(d, "bad piece table", err);
    size_t plen = ws_le32(clx + i + 1);
    if (!ws_in(lcb_clx, i + 5, plen) || plen < 16 || (plen - 4) % 12)
        return damaged(d, "bad piece table", err);
    pt->n = (plen - 4) / 12;
    pt->cp = clx + i + 5;
    pt->pcd = pt->cp + 4 * (pt->n + 1);
    for (size_t k = 0; k < pt->n; k++)
        if (ws_le32(pt->cp + 4 * k + 4) < ws_le32(pt->cp + 4 * k))
            return damaged(d, "piece table out of order", err);
    return WS_OK;
}

static int read_stories(doc *d, const pieces *pt, const uint32_t *ccp, ws_error *err)
{
    int rc = WS_OK;
    /* Main text, then footnotes, endnotes and text boxes, each where it
     * lies in CP space after the stories before it. */
    uint64_t at = 0;
    static const int read[8] = {1, 1, 0, 0, 1, 1, 1, 0};
    for (int s = 0; s < 8 && rc == WS_OK && !d->b->full && !d->b->oom; s++) {
        if (s == 3)
            continue; /* the reserved slot is not a story */
        uint64_t end = at + ccp[s];
        if (read[s] && ccp[s] && end <= UINT32_MAX) {
            if (s > 0)
                ws_xb_break(d->b, 2);
            if (read_range(d, pt, (uint32_t)at, (uint32_t)end) < 0)
                rc = damaged(d, "piece outside the WordDocument stream", err);
        }
        at = end;
    }
    return rc;
}

/* Word 97 and later: the FIB's variable parts, then the piece table. */
static int word97(doc *d, ws_ole *o, uint16_t flags, ws_error *err)
{
    const unsigned char *wd = d->wd;
    size_t len = d->wdlen, pos = 32;
    if (!ws_in(len, pos, 2))
        return damaged(d, "FIB truncated", err);
    size_t csw = ws_le16(wd + pos);
    pos += 2 + 2 * csw;
    if (!ws_in(len, pos, 2))
        return damaged(d, "FIB truncated", err);
    size_t cslw = ws_le16(wd + pos), lw = pos + 2;
    pos = lw + 4 * cslw;
    if (cslw < 11 || !ws_in(len, pos, 2))
        return damaged(d, "FIB truncated", err);
    size_t cb = ws_le16(wd + pos), fcs = pos + 2;
    if (cb < 34 || !ws_in(len, fcs, 8 * cb))
        return damaged(d, "FIB truncated", err);
    uint32_t ccp[8]; /* text, footnotes, headers, (reserved), comments, endnotes, boxes, hboxes */
    for (int i = 0; i < 8; i++)
        ccp[i] = ws_le32(wd + lw + 4 * (3 + i));
    uint32_t fc_clx = ws_le32(wd + fcs + 33 * 8), lcb_clx = ws_le32(wd + fcs + 33 * 8 + 4);
    uint32_t fc_stsh = ws_le32(wd + fcs + 1 * 8), lcb_stsh = ws_le32(wd + fcs + 1 * 8 + 4);
    uint32_t fc_bte = ws_le32(wd + fcs + 13 * 8), lcb_bte = ws_le32(wd + fcs + 13 * 8 + 4);

    const char *tname = flags & 0x0200 ? "1Table" : "0Table";
    unsigned char *tbl = NULL;
    size_t tlen = 0;
    int rc = ws_ole_read(o, tname, &tbl, &tlen, err);
    if (rc != WS_OK)
        return rc;
    if (!tbl)
        return ws_error_set(err, WS_EFORMAT, "%s: damaged Word document (no %s stream)", d->b->name,
                            tname);
    load_styles(d, tbl, tlen, fc_stsh, lcb_stsh);
    if (lcb_bte >= 12 && (lcb_bte - 4) % 8 == 0 && ws_in(tlen, fc_bte, lcb_bte)) {
        d->nbte = (lcb_bte - 4) / 8;
        d->bte_fc = tbl + fc_bte;
        d->bte_pn = d->bte_fc + 4 * (d->nbte + 1);
    }
    pieces pt = {NULL, NULL, 0};
    rc = read_pieces(d, tbl, tlen, fc_clx, lcb_clx, &pt, err);
    if (rc == WS_OK)
        rc = read_stories(d, &pt, ccp, err);
    d->nbte = 0; /* the bin table lived in tbl */
    free(tbl);
    return rc;
}

int ws_extract_doc(ws_xb *b, ws_ole *o, ws_error *err)
{
    unsigned char *wd = NULL;
    size_t len = 0;
    int rc = ws_ole_read(o, "WordDocument", &wd, &len, err);
    if (rc != WS_OK)
        return rc;
    doc d;
    memset(&d, 0, sizeof d);
    d.b = b;
    d.wd = wd;
    d.wdlen = len;
    d.budget = len;
    d.run = (ws_buf)WS_BUF_INIT;
    d.code = (ws_buf)WS_BUF_INIT;
    uint16_t ident = len >= 32 ? ws_le16(wd) : 0, nfib = len >= 32 ? ws_le16(wd + 2) : 0;
    uint16_t flags = len >= 32 ? ws_le16(wd + 0x0A) : 0;
    if (ident != 0xA5EC) {
        rc = ws_error_set(err, WS_EFORMAT,
                          "%s: not a Word 97-2003 document (no file information block)", b->name);
    } else if (flags & 0x0100) { /* fEncrypted (with fObfuscated: XOR obfuscation) */
        rc = ws_ole_encrypted(b, "Word document", err);
    } else if (nfib < 101) {
        rc = ws_error_set(err, WS_EUNSUPPORTED, "%s: Word 2.0 or older document, skipped", b->name);
    } else {
        ws_flow_start(&d.f, b);
        if (nfib >= 193) {
            rc = word97(&d, o, flags, err);
        } else if (flags & 0x0004) { /* fComplex: a fast save's piece table */
            rc = ws_error_set(err, WS_EUNSUPPORTED,
                              "%s: fast-saved Word 6/95 document, not supported, skipped", b->name);
        } else {
            uint32_t fc_min = ws_le32(wd + 0x18), fc_mac = ws_le32(wd + 0x1C);
            if (fc_mac < fc_min || read_chars(&d, fc_min, fc_mac - fc_min, 1) < 0)
                rc = damaged(&d, "text outside the WordDocument stream", err);
            flush(&d);
        }
        ws_flow_end(&d.f);
    }
    if (rc == WS_OK && (d.run.oom || d.code.oom))
        rc = ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    ws_buf_free(&d.run);
    ws_buf_free(&d.code);
    free(d.styles);
    free(wd);
    return rc;
}
