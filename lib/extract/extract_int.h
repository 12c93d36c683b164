/*
 * extract_int.h - machinery shared by the extractors (not public).
 *
 * Every extractor fills a ws_xb ("extraction builder"): it appends text,
 * asks for line or paragraph breaks, starts sections, and adds links and
 * metadata.  The builder owns the limits, so no extractor can exceed them:
 * whitespace is collapsed as text arrives (runs of blanks become one space,
 * lines are trimmed, at most one blank line in a row), the total text stops
 * at max_text on a character boundary, and lists and fields have fixed
 * caps (headings count against max_text too, though they are kept apart
 * from the text).  Finishing turns the result into a ws_extracted.
 *
 * Where each part lives: extract.c dispatches, doctype.c says what a file
 * is, file.c reads it with limits, builder.c and links.c are the builder,
 * date.c finds dates; one extract_<format>.c per format.
 */
#ifndef WS_EXTRACT_INT_H
#define WS_EXTRACT_INT_H

#include <stddef.h>

#include "util/buf.h"
#include "wsearch/extract.h"
#include "util/text.h"

#define WS_X_FIELD_MAX    4096  /* bytes kept of a title, description, ... */
#define WS_X_HEADING_MAX  4096  /* bytes kept of a heading */
#define WS_X_LINK_MAX     2048  /* longer link targets are skipped */
#define WS_X_MAX_LINKS    10000 /* links kept per document */
#define WS_X_MAX_LIST     256   /* speakers or tags kept per document */
#define WS_X_MAX_PASSAGES 65536 /* further headings continue the last passage */
#define WS_X_FM_MAX       65536 /* bytes of Markdown front matter parsed */

/* spreadsheets (extract_sheet.c) */
#define WS_X_MAX_SHEETS 1000    /* sheets read from a workbook */
#define WS_X_MAX_CELLS  1000000 /* non-empty cells (and shared strings) read */

typedef struct ws_xb {
    ws_extracted *x;
    const char *name;               /* for messages */
    const ws_extract_options *opts; /* resolved: OCR settings */
    size_t max_text;
    unsigned max_depth;
    size_t used; /* bytes of the final text so far, separators included */
    int full;    /* max_text reached: further text is dropped */
    int oom;
    /* the open passage */
    ws_buf cur;
    ws_passage_kind kind;
    char *heading;
    int cur_kept; /* has text or a heading, so it will be a passage */
    int cur_ocr;  /* its text was recognised (OCR): see ws_xb_ocr_page */
    int pend_nl;  /* line breaks owed before the next text (0-2) */
    int pend_sp;  /* a space is owed before the next text */
    size_t passages_cap;
    unsigned nsections;
    unsigned number;       /* number of the open PAGE or SLIDE passage */
    int pages_to_sections; /* at the end, a document of one page gets
                              SECTION passages instead of PAGE ones */
    struct ws_strset *link_set; /* the links seen, for de-duplication (util/strset.h) */
} ws_xb;

/* The extractors proper; they return a status and fill err with a message
 * that starts with b->name. */
int ws_extract_txt(ws_xb *b, const char *data, size_t len, ws_error *err);
int ws_extract_md(ws_xb *b, const char *data, size_t len, ws_error *err);
int ws_extract_html(ws_xb *b, const char *data, size_t len, ws_error *err);
int ws_extract_pdf(ws_xb *b, const char *data, size_t len, ws_error *err);
/* pptx, docx (extract_ooxml.c) and odp, odt (extract_odf.c) */
int ws_extract_ooxml(ws_xb *b, const char *data, size_t len, ws_error *err);
int ws_extract_odf(ws_xb *b, const char *data, size_t len, ws_error *err);
/* xlsx and ods (extract_sheet.c) */
int ws_extract_sheet(ws_xb *b, const char *data, size_t len, ws_error *err);
/* png, jpg, tiff through Leptonica and OCR (extract_img.c) */
int ws_extract_image(ws_xb *b, const char *data, size_t len, ws_error *err);
/* doc, ppt, xls: OLE2 compound files (extract_ole.c and ole.h) */
int ws_extract_ole(ws_xb *b, const char *data, size_t len, ws_error *err);
int ws_extract_rtf(ws_xb *b, const char *data, size_t len, ws_error *err);

/* ws_text_decode with the file name put in front of any message and
 * b->x->converted set. */
int ws_xb_decode(ws_xb *b, const char *data, size_t len, char **text, size_t *tlen, ws_error *err);

/* Append text.  ws_xb_text cleans and normalises it first (parser output
 * may hold decomposed characters from entities); ws_xb_text_clean takes
 * text that came straight from ws_xb_decode.  With flow set, newlines are
 * ordinary whitespace (HTML); otherwise they are line breaks. */
void ws_xb_text(ws_xb *b, const char *s, size_t n, int flow);
void ws_xb_text_clean(ws_xb *b, const char *s, size_t n, int flow);
/* Owe 1 (line) or 2 (paragraph) line breaks before the next text. */
void ws_xb_break(ws_xb *b, int lines);
/* Close the open passage and start a section under heading (raw text;
 * cleaned here).  The heading goes to passage->heading, not into the text;
 * a section with a heading is kept even when no text follows. */
void ws_xb_section(ws_xb *b, const char *heading, size_t n);

/* Close the open passage and start a PAGE or SLIDE passage numbered
 * number, with heading (raw text, may be NULL).  Out of passages, the text
 * goes on in the last one. */
void ws_xb_page(ws_xb *b, ws_passage_kind kind, unsigned number, const char *heading, size_t n);
/* Give the open passage a heading if it has none yet (a slide's title is
 * known only once its shape has been read). */
void ws_xb_set_heading(ws_xb *b, const char *heading, size_t n);

/* Metadata.  Strings are raw parser output, cleaned and capped here; empty
 * values are ignored.  ws_xb_field keeps an existing value. */
void ws_xb_field(ws_xb *b, char **field, const char *s, size_t n);
void ws_xb_list_add(ws_xb *b, char ***list, size_t *count, const char *s, size_t n);
/* Split s at any of seps and add each trimmed piece. */
void ws_xb_list_split(ws_xb *b, char ***list, size_t *count, const char *s, size_t n,
                      const char *seps);
/* Set *date (if still NULL) when s holds a valid date; 1 if it did. */
int ws_xb_date(ws_xb *b, char **date, const char *s, size_t n);
/* A link target (href, Markdown destination); fragments, javascript: and
 * data: targets, duplicates and over-long targets are skipped. */
void ws_xb_link(ws_xb *b, const char *s, size_t n);
/* Collect bare URLs (http://, https://, www.) and plain domain names with a
 * common top-level domain (welcome-alliance.org) from prose. */
void ws_xb_scan_links(ws_xb *b, const char *s, size_t n);

/* Append to a heading buffer with a max: a piece that does not fit is cut
 * on a character boundary instead of dropped. */
void ws_xb_head_append(ws_buf *h, const char *s, size_t n);

/* Free the metadata strings and lists of x (not passages or text). */
void ws_x_free_meta(ws_extracted *x);

/* First full date (2025-03-19, 19.03.2025, 19. März 2025) in s that does not
 * announce the next event ("Der nächste Austausch findet am ..."); 1 if found. */
int ws_date_find(const char *s, size_t len, char out[11]);

/* The builder's end: ws_xb_finish closes the open passage, joins the text
 * and hands over the record (*out); ws_xb_abort frees what was built. */
int ws_xb_finish(ws_xb *b, ws_extracted **out, ws_error *err);
void ws_xb_abort(ws_xb *b);

/* Options with defaults filled in; WS_EINVAL for an unknown version. */
int ws_x_resolve_options(const ws_extract_options *opts, ws_extract_options *o, ws_error *err);
/* Refuse an Office or PDF input whose first bytes are not what its type
 * promises (doctype.c), with a message naming both. */
int ws_x_sniff_container(ws_doctype type, const char *d, size_t len, const char *name,
                         ws_error *err);

/* Byte helpers the builder, the links and the dates share (ASCII only). */
static inline int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 1 if s[0..n) starts with the lower-case ASCII prefix p, ignoring case. */
static inline int ascii_prefix(const char *s, size_t n, const char *p)
{
    size_t i = 0;
    for (; p[i]; i++)
        if (i >= n || ascii_lower((unsigned char)s[i]) != p[i])
            return 0;
    return 1;
}

static inline int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static inline int is_blank_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/*
 * Read a date at the start of s[0..len) -- 2025-03-19 (a time may follow),
 * 19.03.2025, 19. März 2025 or 19. Mär. 2025, optionally after a weekday
 * ("Mittwoch, 23. Juli 2025") -- and write it to out as "YYYY-MM-DD".
 * Returns 1 if s holds a full, possible date in 1900-2199, else 0 (month
 * and year alone, 31.02.2025 and 2025-13-01 are all refused).
 */
int ws_date_parse(const char *s, size_t len, char out[11]);

#endif /* WS_EXTRACT_INT_H */
