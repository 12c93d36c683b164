/*
 * docmsg.h - the ready documents a worker hands the writer (internal).
 *
 * A worker process extracts a file, runs the term generator over it and
 * encodes its stored record (docbuild.c); what it sends its parent is one
 * docmsg: a LIST of Xapian documents (one per file today; issue 13 makes a
 * document per passage) with their terms, wdf and positions, values and
 * data, the file's spelling words, and the run-only facts the writer
 * reports (converted, truncated, note, OCR figures, bytes of text).  The
 * writer only turns each document into a Xapian document in one C-to-C++
 * crossing (ws_xdoc_add_terms) and replaces it.
 *
 * Layout (little-endian; v = LEB128 varint, at most 5 bytes):
 *   "WSD" 0x01  u32 ndocs
 *   per doc:    u32 data_len, data (a record, record.h)
 *               u32 nvalues, each: u32 slot, u32 len, bytes
 *               u32 nterms, each: u8 len, bytes, v wdf, v npos,
 *                                 npos x v (position - previous, > 0)
 *   u32 nwords, each: u8 len, bytes, v count, u8 flags (WS_SPELL_*)
 *   u32 flags (converted | truncated << 1), str note, u32 ocr_pages,
 *   u32 ocr_skipped, u32 ocr_ms, u32 text_len low, u32 text_len high
 *   (str: u32 length or 0xffffffff for none, the bytes, NUL)
 *
 * The writer trusts none of it (ws_docmsg_decode): sizes and counts are
 * bounded by what is left of the message and by the limits below, terms
 * are 1..WS_DOCMSG_TERM_MAX bytes without NUL, words UTF-8, positions
 * ascending and bounded, each record is opened and checked as the
 * searcher would (ws_record_open, ws_record_check_text) and must name the
 * file asked for with the type asked for.  What could touch another file's
 * document is refused outright: unique-id terms ("Q") and the signature
 * slot come from the writer, never from a worker.  A lie a worker can
 * still tell only concerns its own file, as a lying extractor always could.
 */
#ifndef WS_DOCMSG_H
#define WS_DOCMSG_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/strset.h"
#include "wsearch/error.h"
#include "wsearch/extract.h"
#include "xapian/xapian.h"

#define WS_DOCMSG_MAX_DOCS   65537               /* a document per passage and one more */
#define WS_DOCMSG_TERM_MAX   245                 /* Xapian's longest term (glass) */
#define WS_DOCMSG_MAX_VALUES 16                  /* value slots a document may set */
#define WS_DOCMSG_VALUE_MAX  ((size_t)2 << 20)   /* bytes of one value */
#define WS_DOCMSG_MAX_POS    ((uint32_t)1 << 30) /* highest position */
#define WS_DOCMSG_MAX_WORDS  ((size_t)1 << 22)   /* spelling words of one file */

/* Spelling words worth suggesting on their own (see spelling.c). */
enum {
    WS_SPELL_HEADING = 1, /* in a title or heading */
    WS_SPELL_KNOWN = 2    /* the word list knows it or splits it into its words */
};

typedef struct ws_docmsg_value {
    unsigned slot;
    const char *data;
    size_t len;
} ws_docmsg_value;

typedef struct ws_docmsg_doc {
    const char *data; /* the stored record; a view into the message */
    size_t data_len;
    ws_docmsg_value values[WS_DOCMSG_MAX_VALUES];
    unsigned nvalues;
    ws_xterm *terms; /* term bytes are views into the message, positions into pos */
    size_t nterms;
    uint32_t *pos;
    size_t npos;
} ws_docmsg_doc;

typedef struct ws_docmsg_word {
    const char *word; /* a view into the message, not NUL-terminated */
    uint32_t len, count, flags;
} ws_docmsg_word;

/* A decoded message; everything points into buf, which it owns. */
typedef struct ws_docmsg {
    char *buf;
    size_t len;
    ws_docmsg_doc *docs;
    size_t ndocs;
    ws_docmsg_word *words;
    size_t nwords;
    size_t nterms; /* over all documents: what the writer's batch grows by */
    /* run-only, as in ws_extracted */
    int converted, truncated;
    const char *note; /* NULL or NUL-terminated inside buf */
    unsigned ocr_pages, ocr_skipped;
    double ocr_seconds;
    uint64_t text_len;
} ws_docmsg;

void ws_docmsg_free(ws_docmsg *m); /* NULL is fine */

/* What a caller expects of a message: the file it asked for. */
typedef struct ws_docmsg_expect {
    const char *path; /* the record must name it (NULL: must name none) */
    ws_doctype type;
    size_t max_text; /* the extractors' text limit */
} ws_docmsg_expect;

/* Decode and validate buf[0..len) (taken over: freed on failure too).
 * WS_EFORMAT with the reason ("invalid document from the worker: ..."),
 * or WS_ENOMEM. */
int ws_docmsg_decode(char *buf, size_t len, const ws_docmsg_expect *want, ws_docmsg **out,
                     ws_error *err);

/* ---- building a message (the worker side) ------------------------------- */

/* Terms of the document being built, merged: one entry per distinct term
 * with its wdf and positions (as Xapian's Document would merge them). */
typedef struct ws_docmsg_builder {
    ws_buf out;       /* the message so far */
    uint32_t ndocs;   /* documents ended */
    ws_strset *terms; /* the current document's distinct terms */
    uint32_t *wdf;    /* per term entry */
    size_t wcap;
    uint64_t *pairs; /* term entry << 32 | position, in the order added */
    size_t npairs, pcap;
    ws_buf values; /* encoded values of the current document */
    uint32_t nvalues;
    ws_strset *words; /* spelling words of the file; counter = occurrences */
    unsigned char *wflags;
    size_t fcap;
    int oom;
} ws_docmsg_builder;

void ws_docmsg_builder_init(ws_docmsg_builder *b);
void ws_docmsg_builder_free(ws_docmsg_builder *b);
/* Add wdf (and position pos, unless 0) to term[0..len) of the current
 * document; terms longer than WS_DOCMSG_TERM_MAX are dropped, as Xapian
 * would refuse them. */
void ws_docmsg_add_term(ws_docmsg_builder *b, const char *term, size_t len, uint32_t wdf,
                        uint32_t pos);
void ws_docmsg_add_value(ws_docmsg_builder *b, unsigned slot, const char *data, size_t len);
/* One occurrence of a spelling word: its WS_SPELL_* flags for the caller
 * to set (NULL when the word is dropped: too long, too many words, out of
 * memory), *added 1 if the file had not used it before. */
unsigned char *ws_docmsg_add_word(ws_docmsg_builder *b, const char *word, size_t len, int *added);
/* End the current document with its stored record. */
int ws_docmsg_end_doc(ws_docmsg_builder *b, const char *data, size_t len);
/* The whole message, with x's run-only fields: *out malloc'd.  The
 * builder is emptied for the next file.  WS_ENOMEM only. */
int ws_docmsg_finish(ws_docmsg_builder *b, const ws_extracted *x, char **out, size_t *len);

/* The run-only trailer alone (shared with the extracted-record message of
 * pool.h): appended to b / read from p[0..left).  read: NULL or the reason;
 * *used gets the bytes read. */
void ws_docmsg_put_trailer(ws_buf *b, const ws_extracted *x, int with_text_len);
typedef struct ws_docmsg_trailer {
    uint32_t flags, ocr_pages, ocr_skipped, ocr_ms;
    const char *note;
    uint64_t text_len;
} ws_docmsg_trailer;
const char *ws_docmsg_read_trailer(const unsigned char *p, size_t left, int with_text_len,
                                   ws_docmsg_trailer *tr);

#endif /* WS_DOCMSG_H */
