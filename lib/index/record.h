/*
 * record.h - the one codec for what is stored per document (internal).
 *
 * A record is what a worker sends its parent and what the index keeps as a
 * Xapian document's data: the same bytes, decoded by the same function.
 * It is compact binary with the metadata and the passage table before the
 * text, so a searcher reads a hit's title and passages without touching its
 * text, and one passage's text is a slice of the buffer, not a copy.
 *
 * Layout (little-endian; see docs/schema.md "Document data"):
 *   "WSR" version(u8)  u8 doctype  u8 flags  u16 0  u32 meta_len
 *   (flags: WS_RECORD_FILE_LINKS)
 *   meta (meta_len bytes):  str path, title, date, description,
 *                           organisation, event;
 *                           3 lists (speakers, tags, links): u32 n, n x str;
 *                           u32 npassages, each: u32 kind | ocr << 8,
 *                           u32 number, u32 start, u32 end, str heading;
 *                           u32 part, u32 nparts, u32 text_off
 *   text:                   u32 text_len, the bytes, '\0'
 *   str: u32 length (0xffffffff: absent), the bytes, '\0'
 * Every string is NUL-terminated inside the buffer, so a decoded field is a
 * C string pointing into it (zero copy).  Passages are [start, end) ranges
 * of the text, ascending, not overlapping.
 *
 * Decoding treats the buffer as hostile: every length, count and offset is
 * checked against what is left and against the extractors' limits, strings
 * must be UTF-8 without NUL; anything else is WS_ECORRUPT with a reason,
 * never a crash.  The text itself is checked only by ws_record_check_text
 * (the parent does it for what a worker sends) or per passage slice.
 *
 * A document is stored as parts (docbuild.c): each part is one Xapian
 * document whose record holds the part's text only (a few KB: whole
 * passages, or a piece of a long one) with its own passage table, the
 * fields a hit shows (path, title, date, type), its number, the number of
 * parts and where its text starts in the whole text.  The fields only the
 * whole document needs (description, organisation, event, speakers, tags,
 * links) are in part 0.  The whole text is the parts' texts in order,
 * joined by "\n\n" where the gap between two parts' offsets is 2 (they
 * meet between passages) and by nothing where it is 0 (a passage cut).
 */
#ifndef WS_RECORD_H
#define WS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "wsearch/error.h"
#include "wsearch/extract.h"
#include "wsearch/search.h"

#define WS_RECORD_VERSION 2  /* 2: a record per part of a document */
#define WS_RECORD_HEADER  12 /* magic + version, type, flags, meta_len */
/* Flag: the file has links (kept in part 0): a hit on another part needs
 * part 0 for its related documents only then. */
#define WS_RECORD_FILE_LINKS 1
/* Bounds a decoder enforces whatever the caller's limits (extract_int.h). */
#define WS_RECORD_PATH_MAX     4096
#define WS_RECORD_FIELD_MAX    4096
#define WS_RECORD_LINK_MAX     2048
#define WS_RECORD_MAX_LIST     256
#define WS_RECORD_MAX_LINKS    10000
#define WS_RECORD_MAX_PASSAGES 65536
#define WS_RECORD_TEXT_MAX     ((size_t)1 << 30)
#define WS_RECORD_MAX_PARTS    ((uint32_t)1 << 20)

/* Fields and lists are indexed by ws_doc_field / ws_doc_list
 * (wsearch/search.h); a passage is a ws_document_passage. */
typedef ws_document_passage ws_record_passage;

/* A decoded record: views into the caller's buffer, which must outlive it. */
typedef struct ws_record {
    const char *buf;
    size_t len;
    ws_doctype type;
    const char *str[WS_FIELD_COUNT_]; /* NULL when absent */
    size_t str_len[WS_FIELD_COUNT_];
    const char **list[WS_LIST_COUNT_]; /* one malloc'd block for all three */
    size_t nlist[WS_LIST_COUNT_];
    ws_record_passage *passages; /* malloc'd */
    size_t npassages;
    const char *text; /* into the buffer, NUL-terminated; not checked */
    size_t text_len;
    int file_links;        /* WS_RECORD_FILE_LINKS */
    uint32_t part, nparts; /* this part's number, 0 .. nparts - 1 */
    uint32_t text_off;     /* where its text starts in the whole text */
} ws_record;

/* Which stretch of an extracted file a part holds: from byte first_start
 * of passage first to byte last_end of passage last (exclusive), the
 * passages between whole; ignored for a file without passages. */
typedef struct ws_record_part {
    uint32_t part, nparts;
    size_t first, first_start;
    size_t last, last_end;
    size_t text_off;
} ws_record_part;

/* Part pt of x, appended to b: WS_ENOMEM, WS_ETOOBIG, WS_EINVAL (a range
 * outside x's passages). */
int ws_record_append_part(ws_buf *b, const ws_extracted *x, const char *path, const char *title,
                          const ws_record_part *pt);

/* What the encoder stores: the extracted record whole, as one part, under
 * the given path and title (either may be NULL; title NULL stores
 * x->title). */
int ws_record_encode(const ws_extracted *x, const char *path, const char *title, char **out,
                     size_t *len, ws_error *err);
/* The same, appended to b (for the worker's message). */
int ws_record_append(ws_buf *b, const ws_extracted *x, const char *path, const char *title);

/* Decode buf[0..len): header, metadata and passage table (the text's bytes
 * are not read).  *r holds views into buf; release with ws_record_free.
 * WS_ECORRUPT with the reason, WS_ENOMEM; *r is zeroed on failure. */
int ws_record_open(ws_record *r, const char *buf, size_t len, ws_error *err);
void ws_record_free(ws_record *r);

/* The whole text is UTF-8 without NUL: WS_ECORRUPT otherwise. */
int ws_record_check_text(const ws_record *r, ws_error *err);

/* Passage i's text as a slice of the buffer, checked to be UTF-8. */
int ws_record_passage_text(const ws_record *r, size_t i, const char **text, size_t *len,
                           ws_error *err);

/* The first up to `max` bytes of the text (cut back to a character
 * boundary), checked to be UTF-8: what a snippet scans. */
int ws_record_text_prefix(const ws_record *r, size_t max, const char **text, size_t *len,
                          ws_error *err);

/* What a worker may send beyond what a stored record may hold: the
 * extractors' own limits (extract_int.h), the given type, the passages
 * joined exactly by "\n\n" into the text, no more text than max_text, and
 * the record naming path (path NULL: naming no file).  NULL when it may,
 * else the reason. */
const char *ws_record_check_sent(const ws_record *rec, ws_doctype type, size_t max_text,
                                 const char *path);

#endif /* WS_RECORD_H */
