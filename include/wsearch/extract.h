/*
 * wsearch/extract.h - turning files into text and metadata.
 *
 * One extractor per format (lib/extract/extract_*.c).  Every extractor treats
 * its input as hostile: sizes are bounded, encodings are checked, parsers
 * run without network access or entity expansion, and failure is a status
 * plus a one-line reason, never a crash or a partial document.
 *
 * The result is a ws_extracted record whose strings are all UTF-8 in NFC.
 * The body is kept as a list of passages (a section under a heading, a
 * page, a slide) so that a hit can point at where it matched; `text` is all
 * passages joined by blank lines.
 *
 * What each format yields:
 *   txt   one BODY passage.  Title: the first of the first five non-empty
 *         lines that is at most 120 characters, does not end with '.' and
 *         does not start with '©' (NULL if none: use the file name).
 *   md    YAML front matter between leading "---" lines gives title, date,
 *         speakers (also speaker, author(s), referent(en)), organisation
 *         (organization, org), event, tags (keywords) and description; a
 *         value may be a scalar or a list (a scalar is split at ';' for
 *         speakers, at ',' or ';' for tags).  Front matter that is not a
 *         valid YAML mapping, or uses anchors or aliases, is not an error:
 *         its metadata is ignored and its lines are indexed as text.  Each
 *         heading starts a SECTION passage; text before the first heading
 *         is a BODY passage.  Title falls back to the first level-1 heading.
 *   html  <title> (else the first <h1>), <meta> description, date, author,
 *         keywords; text only from <main>, else from the <article>s, else
 *         from <body>, without script, style, nav, forms and the like; each
 *         h1-h6 starts a SECTION passage.  <meta charset> is ignored: the
 *         bytes decide the encoding (see ws_text_decode).  A page libxml2
 *         stops reading early (nested deeper than 256 elements) fails
 *         with WS_EFORMAT rather than being indexed in part.
 *   pptx, odp  one SLIDE passage per slide, numbered in presentation order
 *         (hidden slides included); the slide's title placeholder is its
 *         heading and also the first line of its text; the speaker notes
 *         follow the slide's own text; tables give one line per cell.
 *         Title: metadata, else the first slide's title.
 *   docx, odt  paragraphs and tables' text; a heading (outline level or a
 *         "Heading n" style) starts a new passage, and so does a page break
 *         the file records (explicit breaks, ODT soft page breaks, DOCX
 *         rendered page breaks).  A document that spans more than one page
 *         gives PAGE passages (number = page, heading = the section heading
 *         in force); a one-page document gives SECTION passages as md does.
 *         Title: metadata, else the first heading.
 *   xlsx, ods  one SHEET passage per sheet in workbook order (hidden sheets
 *         included), numbered from 1, heading = the sheet's name; its text
 *         is the cells row by row in the order the file stores them (row
 *         order), one line per row, cells separated by " | ".  A cell gives
 *         what a reader sees: its text (xlsx: shared strings, inline strings,
 *         rich text without phonetic runs; ods: its paragraphs), numbers as
 *         stored, dates as DD.MM.YYYY (xlsx: a number whose cell format is
 *         a date, 1900 or 1904 system), and for
 *         a formula the cached result the writer saved, never the formula;
 *         booleans, error values and cell comments give no text; ods rows
 *         and cells marked repeated give their text once.  At most
 *         WS_X_MAX_SHEETS sheets and WS_X_MAX_CELLS non-empty cells per
 *         workbook (and the shared string table under the same caps) are
 *         read: past that, `note` says what was left out.  Title: metadata.
 *   ppt   (PowerPoint 97-2003) as pptx: one SLIDE passage per slide in the
 *         order of the slide list, read through the persist directory (the
 *         newest edit wins); title placeholder as heading and first line,
 *         notes after the slide's text, masters not read; hyperlinks.
 *   doc   (Word 97-2003, and Word 6/95 files that are not fast-saved) the
 *         main text, then footnotes, endnotes and text boxes, through the
 *         piece table; of fields only the result (HYPERLINK gives a link);
 *         table cells one per line; headings (an outline level, or a
 *         "heading 1-9" style) and page breaks (in the text, or a
 *         paragraph's page break before) give passages as in docx.
 *   xls   (Excel 97-2003, BIFF8) as xlsx: one SHEET passage per worksheet
 *         in workbook order, heading = its name; a line per row, cells
 *         separated by " | ", as the values they showed (shared strings, inline strings,
 *         numbers, booleans, formulas' cached results; numbers in a date
 *         format as DD.MM.YYYY).
 *   rtf   (and RTF content in a .doc file) paragraphs with \outlinelevel
 *         as headings, \page and \pagebb as page breaks, as docx does;
 *         tables, pictures, headers and footers and unknown destinations
 *         skipped; \info gives the metadata.
 *   doc, ppt, xls sit in an OLE2 compound file (libgsf); metadata comes from
 *         its SummaryInformation property set.  Word's fEncrypted, the
 *         PowerPoint CurrentUser token or CryptSession10Container, Excel's
 *         FILEPASS, or an EncryptionInfo stream fail with WS_EUNSUPPORTED
 *         "encrypted (password-protected)"; a damaged container or record
 *         structure fails with WS_EFORMAT and the reason.
 *   pdf   one PAGE passage per page with text, in reading order (poppler).
 *         Title: the info dictionary, else a short first line of page 1.
 *         A page without a text layer that shows an image, or whose text
 *         layer is a few characters (a stamped page number) over an image
 *         covering most of the page, is rendered (cairo, ocr_dpi) and
 *         recognised with Tesseract (ocr_languages): a PAGE passage with
 *         ocr = 1.  A PDF whose pages give no text at all fails with
 *         WS_EFORMAT ("no text layer"; with OCR on, none recognised).
 *   png, jpg, tiff  images, only with OCR on (Leptonica reads them): one
 *         PAGE passage per image page (a TIFF may hold several), ocr = 1.
 *         An image over 50 megapixels fails with WS_ETOOBIG.
 *   ocr   Tesseract runs through its C API in the calling process (the
 *         indexer's workers), loaded on first use; each page has
 *         ocr_page_timeout seconds, a page over it is skipped and counted
 *         in ocr_skipped.  Missing language data fails the file with
 *         WS_EUNSUPPORTED naming the package to install; a language of
 *         several ("deu+eng") that is missing is left out (the indexer
 *         warns).  Pages recognised and the time spent are in ocr_pages
 *         and ocr_seconds.
 *   Office and PDF metadata: title, author(s) (speakers), subject
 *   (description), keywords (tags), creation (else modification) date,
 *   hyperlinks (links).  Containers are checked before they are read: zip
 *   entry count, total and per-entry uncompressed size and compression
 *   ratio are capped (zip bombs fail with WS_ETOOBIG); XML is parsed with
 *   no network, no entity substitution and no DTD (a part that declares
 *   one fails), nesting bounded.  Encrypted or password-protected files
 *   fail with WS_EUNSUPPORTED and a message saying so; a file whose
 *   content is another format than its extension says (a PDF named .pptx)
 *   fails with WS_EFORMAT naming both.
 * In all formats a SECTION passage's heading is in `heading` and not part of
 * its text (a heading with no text under it is a passage with text "");
 * text is whitespace-normalised (runs of blanks become one space, lines are
 * trimmed, at most one blank line in a row); links are de-duplicated; and
 * when the metadata gives no valid date, `date` is the first full date in
 * the headings and text.
 */
#ifndef WSEARCH_EXTRACT_H
#define WSEARCH_EXTRACT_H

#include <stddef.h>

#include "wsearch/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ws_doctype {
    WS_DOC_UNKNOWN = 0,
    WS_DOC_TXT,
    WS_DOC_MD,
    WS_DOC_HTML,
    WS_DOC_PDF,
    WS_DOC_PPTX,
    WS_DOC_ODP,
    WS_DOC_DOCX,
    WS_DOC_ODT,
    WS_DOC_XLSX,
    WS_DOC_ODS,
    WS_DOC_DOC, /* Word 97-2003 */
    WS_DOC_PPT, /* PowerPoint 97-2003 */
    WS_DOC_XLS, /* Excel 97-2003 */
    WS_DOC_RTF,
    WS_DOC_PNG, /* images: text only by OCR */
    WS_DOC_JPEG,
    WS_DOC_TIFF,
    WS_DOC_COUNT_ /* not a type: one past the last, for loops over the types */
} ws_doctype;

/* Type from the file name's extension (case-insensitive): .txt .text,
 * .md .markdown, .html .htm .xhtml, .pdf, .pptx, .odp, .docx, .odt, .xlsx,
 * .ods, .doc .dot, .ppt .pps .pot, .xls .xlt, .rtf, .png, .jpg .jpeg, .tif
 * .tiff.  WS_DOC_UNKNOWN otherwise. */
ws_doctype ws_doctype_from_path(const char *path);
/* Short stable name used in the index and in output: "txt", "md", "html",
 * "pdf", "pptx", "odp", "docx", "odt", "xlsx", "ods", "doc", "ppt", "xls",
 * "rtf", "png", "jpg", "tiff". */
const char *ws_doctype_name(ws_doctype t);
/* The reverse of ws_doctype_name; WS_DOC_UNKNOWN for anything else. */
ws_doctype ws_doctype_from_name(const char *name);

typedef enum ws_passage_kind {
    WS_PASSAGE_BODY = 0, /* text with no finer structure */
    WS_PASSAGE_SECTION,  /* text under a heading */
    WS_PASSAGE_PAGE,
    WS_PASSAGE_SLIDE,
    WS_PASSAGE_SHEET /* a spreadsheet's sheet: number from 1, heading its name */
} ws_passage_kind;

typedef struct ws_passage {
    ws_passage_kind kind;
    unsigned number; /* 1-based page/slide/sheet/section number; 0 for BODY */
    char *heading;   /* section heading or slide title; may be NULL */
    char *text;      /* never NULL */
    size_t text_len;
    int ocr; /* 1: text recognised from the page image (OCR), not read */
} ws_passage;

typedef struct ws_extracted {
    ws_doctype type;
    char *title;        /* may be NULL when the document has none */
    char *date;         /* "YYYY-MM-DD" or NULL; validated */
    char *description;  /* may be NULL */
    char *organisation; /* may be NULL */
    char *event;        /* may be NULL */
    char **speakers;    /* nspeakers strings */
    size_t nspeakers;
    char **tags; /* ntags strings */
    size_t ntags;
    char **links; /* link targets found in the text (href, Markdown links) */
    size_t nlinks;
    ws_passage *passages;
    size_t npassages;
    char *text; /* all passages joined by "\n\n"; never NULL */
    size_t text_len;
    int converted;        /* 1 if the source was Windows-1252/Latin-1 and was converted */
    char *note;           /* a limit left part of the file unread (sheets, cells): one line
                             for the user, or NULL; the document is still indexed */
    int truncated;        /* 1 if text was dropped at max_text (the rest is not searchable) */
    unsigned ocr_pages;   /* pages recognised by OCR */
    unsigned ocr_skipped; /* pages OCR gave up on (over ocr_page_timeout) */
    double ocr_seconds;   /* time spent rendering and recognising them */
} ws_extracted;

typedef enum ws_ocr_mode {
    WS_OCR_AUTO = 0, /* recognise pages and images that have no text */
    WS_OCR_OFF       /* never: scans fail with "no text layer", images are skipped */
} ws_ocr_mode;

typedef struct ws_extract_options {
    unsigned version;   /* WS_EXTRACT_OPTIONS_VERSION */
    size_t max_input;   /* bytes read from a file; larger files fail with WS_ETOOBIG */
    size_t max_text;    /* bytes of text (and headings) kept; the rest is dropped */
    unsigned max_depth; /* element nesting accepted in markup; deeper content is skipped */
    /* OCR (see "ocr" above) */
    ws_ocr_mode ocr;
    const char *ocr_languages; /* Tesseract languages, "deu+eng"; NULL: "deu" */
    unsigned ocr_dpi;          /* rendering resolution of a PDF page (300) */
    unsigned ocr_page_timeout; /* seconds a page may take to recognise (20) */
    /* Called before each page is recognised (the worker pool extends the
     * file's deadline by one page's time); may be NULL. */
    void (*ocr_page_hook)(void *ctx, unsigned page);
    void *ocr_hook_ctx;
} ws_extract_options; /* a field left 0 takes its default */

#define WS_EXTRACT_OPTIONS_VERSION 1
#define WS_EXTRACT_OPTIONS_INIT                                                                    \
    {                                                                                              \
        WS_EXTRACT_OPTIONS_VERSION, (size_t)64 << 20, (size_t)16 << 20, 256, WS_OCR_AUTO, NULL,    \
            300, 20, NULL, NULL                                                                    \
    }

/*
 * Read and extract the file at path.  opts may be NULL for the defaults.
 * On success *out is a new record the caller frees with ws_extracted_free.
 * Errors: WS_ENOTFOUND (no such file), WS_EIO (unreadable, with errno's
 * text, or not a regular file), WS_ETOOBIG, WS_EFORMAT (binary data in a
 * text file, markup that cannot be parsed), WS_EUNSUPPORTED (unknown type),
 * WS_EINVAL (bad arguments or options version).  Messages start with path.
 * Anything but a regular file is refused without being opened.  An empty
 * file is a valid document with empty text.
 */
int ws_extract_file(const char *path, const ws_extract_options *opts, ws_extracted **out,
                    ws_error *err);

/* The same on a buffer already in memory (len bytes, need not be
 * NUL-terminated; max_input applies too).  `name` is only used in
 * messages and may be NULL. */
int ws_extract_buffer(ws_doctype type, const char *data, size_t len, const char *name,
                      const ws_extract_options *opts, ws_extracted **out, ws_error *err);

void ws_extracted_free(ws_extracted *x);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_EXTRACT_H */
