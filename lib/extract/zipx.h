/*
 * zipx.h - checked zip containers and safe XML readers over their parts
 * (internal to the Office extractors).
 *
 * OOXML (pptx, docx) and OpenDocument (odp, odt) files are zip archives of
 * XML parts.  Neither the archive nor the XML is trusted: ws_zipx_open
 * refuses containers that are damaged, encrypted, hold too many entries or
 * claim too much uncompressed data (zip bombs), before any part is read,
 * trusting the central directory over the local headers (see zipx.c);
 * opening a large part refuses it when it expands too many times; reading
 * a part stops at its declared size and at a hard cap, whatever the
 * archive claims, and a part that inflates to less is damaged; XML is read by libxml2's streaming
 * reader with no network, no entity substitution and no DTD (a part that declares a DOCTYPE is
 * refused: neither format uses one, and billion-laughs files do), with bounded nesting.
 */
#ifndef WS_ZIPX_H
#define WS_ZIPX_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlreader.h>

#include "extract/extract_int.h"

#define WS_ZIP_MAX_ENTRIES 20000               /* entries in one container */
#define WS_ZIP_MAX_TOTAL   ((size_t)2 << 30)   /* declared uncompressed bytes, all entries */
#define WS_ZIP_MAX_PART    ((size_t)512 << 20) /* bytes read from one XML part */
#define WS_ZIP_MAX_RATIO   200                 /* uncompressed/compressed of a part read ... */
#define WS_ZIP_RATIO_FROM  ((uint64_t)1 << 20) /* ... when it claims more bytes than this */
#define WS_XML_MAX_DEPTH   256                 /* element nesting in a part */

typedef struct ws_zipx ws_zipx;

/* Open the zip in data[0..len) (not copied: it must outlive the handle)
 * and check it as described above.  Messages start with b->name. */
int ws_zipx_open(ws_xb *b, const char *data, size_t len, ws_zipx **out, ws_error *err);
void ws_zipx_close(ws_zipx *z);

/* 1 if the container holds an entry of that name. */
int ws_zipx_has(ws_zipx *z, const char *name);

/* Read a whole (small) part into a malloc'd NUL-terminated buffer of at
 * most max bytes; WS_ENOTFOUND if there is no such entry. */
int ws_zipx_read(ws_zipx *z, const char *name, size_t max, char **out, size_t *len, ws_error *err);

/* A streaming XML reader over one part. */
typedef struct ws_xml ws_xml;
int ws_xml_open(ws_zipx *z, const char *name, ws_xml **out, ws_error *err);
/* The next node: 1 when there is one, 0 at the end, a WS_E* status on a
 * parse error, a DOCTYPE, nesting past WS_XML_MAX_DEPTH or a part that is
 * too big (err says which, naming the part). */
int ws_xml_next(ws_xml *x, ws_error *err);
void ws_xml_close(ws_xml *x);

/* The underlying reader, for node type, names, depth and attributes. */
xmlTextReaderPtr ws_xml_reader(ws_xml *x);

/* Convenience views of the current node. */
int ws_xml_type(ws_xml *x);         /* XML_READER_TYPE_* */
const char *ws_xml_name(ws_xml *x); /* local name, "" for none */
int ws_xml_depth(ws_xml *x);
int ws_xml_empty(ws_xml *x); /* an element written <x/>: no end node follows */
/* Attribute by local name (any namespace); malloc'd or NULL. */
char *ws_xml_attr(ws_xml *x, const char *local);
/* Text of a text or significant-whitespace node, or NULL. */
const char *ws_xml_value(ws_xml *x);

/* Attribute by local name that is in some namespace (r:id, not id). */
char *ws_xml_attr_ns(ws_xml *x, const char *local);
/* Skip the rest of the current element's subtree: the next ws_xml_next
 * gives the node after its end.  Nothing to do for an empty element. */
int ws_xml_skip(ws_xml *x, ws_error *err);
/* Append the text inside the current element to out (at most max bytes)
 * and move to its end. */
int ws_xml_collect(ws_xml *x, ws_buf *out, size_t max, ws_error *err);

/* Resolve a relationship target against the folder of the part that
 * names it ("ppt/slides" + "../notesSlides/n1.xml"); "/x" is from the
 * root.  Writes at most cap bytes; 0 if the result does not fit or climbs
 * above the root. */
int ws_zipx_resolve(const char *base_part, const char *target, char *out, size_t cap);

/* ---- shared by the Office extractors ------------------------------------- */

/* Metadata from docProps/core.xml (OOXML) or meta.xml (ODF): title,
 * creator(s), subject, keywords, description, created/modified dates.
 * A missing part is not an error. */
int ws_office_meta(ws_xb *b, ws_zipx *z, const char *part, ws_error *err);

/*
 * Running text of a word processing document (docx, odt): passages start at
 * headings and at page breaks; see "docx, odt" in wsearch/extract.h.
 */
typedef struct ws_flow {
    ws_xb *b;
    unsigned page;
    int page_text;    /* the current page has text or a heading */
    int want_heading; /* a page break opened a passage: give it the section */
    char *section;    /* heading in force */
} ws_flow;

/* An OpenDocument container's checks (extract_odf.c): not encrypted, the
 * mimetype entry (if any) matches b's type, content.xml is there. */
int ws_odf_check(ws_xb *b, ws_zipx *z, ws_error *err);

void ws_flow_start(ws_flow *f, ws_xb *b);
void ws_flow_text(ws_flow *f, const char *s, size_t n);
void ws_flow_heading(ws_flow *f, const char *h, size_t n);
void ws_flow_page_break(ws_flow *f);
void ws_flow_end(ws_flow *f);

#endif /* WS_ZIPX_H */
