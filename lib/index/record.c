/*
 * record.c - encoding and decoding the stored per-document record (see
 * record.h for the layout and why it is shaped so).
 *
 * Integers are written byte by byte, little-endian, so an index moves
 * between machines.  The decoder reads the metadata and the passage table
 * into views (pointers into the buffer, one small allocation for the
 * tables) and never reads the text's bytes: a hit in a 10 MB document
 * costs what a hit in a 10 KB one does until its text is asked for.
 */
#define _POSIX_C_SOURCE 200809L
#include "index/record.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"
#include "extract/extract_int.h"

#define STR_ABSENT UINT32_MAX

static const char magic[3] = {'W', 'S', 'R'};

/* ---- encoding ---------------------------------------------------------- */

static void put_u32(ws_buf *b, uint32_t v)
{
    char c[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
                 (char)(v >> 24)};
    ws_buf_append(b, c, 4);
}

static void put_str(ws_buf *b, const char *s, size_t n)
{
    if (!s || n >= STR_ABSENT) {
        put_u32(b, STR_ABSENT);
        return;
    }
    put_u32(b, (uint32_t)n);
    ws_buf_append(b, s, n);
    ws_buf_putc(b, '\0');
}

static void put_cstr(ws_buf *b, const char *s)
{
    put_str(b, s, s ? strlen(s) : 0);
}

static void put_field(ws_buf *b, const char *s)
{
    put_cstr(b, s && *s ? s : NULL);
}

static void put_list(ws_buf *b, char *const *v, size_t n)
{
    put_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++)
        put_cstr(b, v[i]);
}

/* Piece k of a part: passage i's bytes [*s, *e). */
static void piece(const ws_extracted *x, const ws_record_part *pt, size_t i, size_t *s, size_t *e)
{
    *s = i == pt->first ? pt->first_start : 0;
    *e = i == pt->last ? pt->last_end : x->passages[i].text_len;
}

int ws_record_append_part(ws_buf *b, const ws_extracted *x, const char *path, const char *title,
                          const ws_record_part *pt)
{
    size_t at = b->len;
    int head = pt->part == 0;
    size_t np = x->npassages ? pt->last - pt->first + 1 : 0;
    if (x->npassages && (pt->last >= x->npassages || pt->first > pt->last))
        return WS_EINVAL;
    ws_buf_append(b, magic, 3);
    ws_buf_putc(b, (char)WS_RECORD_VERSION);
    ws_buf_putc(b, (char)(unsigned char)x->type);
    ws_buf_putc(b, (char)(x->nlinks ? WS_RECORD_FILE_LINKS : 0)); /* flags */
    ws_buf_putc(b, 0);
    ws_buf_putc(b, 0);
    put_u32(b, 0); /* meta_len, patched below */
    size_t meta = b->len;
    /* an empty field is stored as absent, as the JSON records did; what
     * only the whole document needs (not a hit's line) is in part 0 */
    put_field(b, path);
    put_field(b, title ? title : x->title);
    put_field(b, x->date);
    put_field(b, head ? x->description : NULL);
    put_field(b, head ? x->organisation : NULL);
    put_field(b, head ? x->event : NULL);
    put_list(b, x->speakers, head ? x->nspeakers : 0);
    put_list(b, x->tags, head ? x->ntags : 0);
    put_list(b, x->links, head ? x->nlinks : 0);
    put_u32(b, (uint32_t)np);
    size_t off = 0;
    for (size_t i = pt->first; np && i <= pt->last; i++) {
        const ws_passage *p = &x->passages[i];
        size_t s, e;
        piece(x, pt, i, &s, &e);
        put_u32(b, (uint32_t)p->kind | (p->ocr ? 0x100u : 0)); /* bit 8: recognised text */
        put_u32(b, p->number);
        put_u32(b, (uint32_t)off);
        put_u32(b, (uint32_t)(off + e - s));
        put_cstr(b, p->heading);
        off += e - s + 2; /* pieces are joined by "\n\n" */
    }
    put_u32(b, pt->part);
    put_u32(b, pt->nparts);
    put_u32(b, (uint32_t)pt->text_off);
    size_t text_len = np ? off - 2 : 0;
    if (b->oom || b->len - meta > UINT32_MAX || text_len > WS_RECORD_TEXT_MAX ||
        pt->text_off > WS_RECORD_TEXT_MAX)
        return b->oom ? WS_ENOMEM : WS_ETOOBIG;
    uint32_t ml = (uint32_t)(b->len - meta);
    for (int k = 0; k < 4; k++)
        b->data[at + 8 + (size_t)k] = (char)((ml >> (8 * k)) & 0xff);
    put_u32(b, (uint32_t)text_len);
    for (size_t i = pt->first; np && i <= pt->last; i++) {
        size_t s, e;
        piece(x, pt, i, &s, &e);
        if (i != pt->first)
            ws_buf_append(b, "\n\n", 2);
        ws_buf_append(b, x->passages[i].text + s, e - s);
    }
    ws_buf_putc(b, '\0');
    return b->oom ? WS_ENOMEM : WS_OK;
}

int ws_record_append(ws_buf *b, const ws_extracted *x, const char *path, const char *title)
{
    size_t last = x->npassages ? x->npassages - 1 : 0;
    ws_record_part whole = {0, 1, 0, 0, last, x->npassages ? x->passages[last].text_len : 0, 0};
    return ws_record_append_part(b, x, path, title, &whole);
}

int ws_record_encode(const ws_extracted *x, const char *path, const char *title, char **out,
                     size_t *len, ws_error *err)
{
    ws_buf b = WS_BUF_INIT;
    *out = NULL;
    int rc = ws_record_append(&b, x, path, title);
    if (rc == WS_OK && !(*out = ws_buf_steal(&b, len)))
        rc = WS_ENOMEM;
    ws_buf_free(&b);
    if (rc == WS_ETOOBIG)
        return ws_error_set(err, rc, "%s: record too large to store", path ? path : "document");
    if (rc != WS_OK)
        return ws_error_set(err, rc, "out of memory encoding a record");
    return WS_OK;
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p;
    size_t left;
    const char *why; /* first problem found */
} reader;

static int bad(reader *r, const char *why)
{
    if (!r->why)
        r->why = why;
    return 0;
}

static int get_u32(reader *r, uint32_t *v)
{
    if (r->left < 4)
        return bad(r, "record ends early");
    *v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
         (uint32_t)r->p[3] << 24;
    r->p += 4;
    r->left -= 4;
    return 1;
}

/* A string view: at most max bytes, NUL right after it, none inside, UTF-8. */
static int get_str(reader *r, const char **out, size_t *olen, size_t max)
{
    uint32_t n;
    *out = NULL;
    if (olen)
        *olen = 0;
    if (!get_u32(r, &n))
        return 0;
    if (n == STR_ABSENT)
        return 1;
    if (n > max || (size_t)n >= r->left)
        return bad(r, n > max ? "string longer than allowed" : "record ends early");
    const char *s = (const char *)r->p;
    if (s[n] != '\0' || memchr(s, '\0', n) || !ws_utf8_valid(s, n))
        return bad(r, "string is not clean UTF-8");
    r->p += (size_t)n + 1;
    r->left -= (size_t)n + 1;
    *out = s;
    if (olen)
        *olen = n;
    return 1;
}

static const size_t str_max[WS_FIELD_COUNT_] = {
    WS_RECORD_PATH_MAX,  WS_RECORD_FIELD_MAX, 10,
    WS_RECORD_FIELD_MAX, WS_RECORD_FIELD_MAX, WS_RECORD_FIELD_MAX};
static const size_t list_max[WS_LIST_COUNT_] = {WS_RECORD_MAX_LIST, WS_RECORD_MAX_LIST,
                                                WS_RECORD_MAX_LINKS};
static const size_t item_max[WS_LIST_COUNT_] = {WS_RECORD_FIELD_MAX, WS_RECORD_FIELD_MAX,
                                                WS_RECORD_LINK_MAX};

void ws_record_free(ws_record *r)
{
    if (!r)
        return;
    free(r->list[0]);
    free(r->passages);
    memset(r, 0, sizeof *r);
}

/* The lists: counts first (each entry takes at least 4 bytes), then one
 * block of pointers for all three. */
static int read_lists(reader *r, ws_record *rec)
{
    reader save = *r;
    size_t total = 0;
    for (int l = 0; l < WS_LIST_COUNT_; l++) {
        uint32_t n;
        if (!get_u32(r, &n))
            return 0;
        if (n > list_max[l] || n > r->left / 4)
            return bad(r, "too many list entries");
        for (uint32_t i = 0; i < n; i++) {
            const char *s;
            if (!get_str(r, &s, NULL, item_max[l]))
                return 0;
            if (!s)
                return bad(r, "missing string");
        }
        rec->nlist[l] = n;
        total += n;
    }
    if (!total)
        return 1;
    const char **v = malloc(total * sizeof *v);
    if (!v)
        return bad(r, "out of memory");
    *r = save;
    size_t k = 0;
    for (int l = 0; l < WS_LIST_COUNT_; l++) {
        uint32_t n = 0;
        (void)get_u32(r, &n); /* the first pass checked every count and string */
        if (n > rec->nlist[l])
            n = (uint32_t)rec->nlist[l];
        rec->list[l] = v + k;
        for (uint32_t i = 0; i < n; i++)
            get_str(r, &v[k++], NULL, item_max[l]);
    }
    return 1;
}

static int read_passages(reader *r, ws_record *rec, size_t text_len)
{
    uint32_t n;
    if (!get_u32(r, &n))
        return 0;
    /* an entry takes at least 20 bytes */
    if (n > WS_RECORD_MAX_PASSAGES || n > r->left / 20)
        return bad(r, "too many passages");
    if (!n)
        return 1;
    rec->passages = calloc(n, sizeof *rec->passages);
    if (!rec->passages)
        return bad(r, "out of memory");
    size_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        ws_record_passage *p = &rec->passages[i];
        uint32_t kind, number, start, end;
        if (!get_u32(r, &kind) || !get_u32(r, &number) || !get_u32(r, &start) ||
            !get_u32(r, &end) || !get_str(r, &p->heading, NULL, WS_RECORD_FIELD_MAX))
            return 0;
        p->ocr = (kind & 0x100u) != 0;
        kind &= ~0x100u;
        if (kind > WS_PASSAGE_SHEET)
            return bad(r, "unknown passage kind");
        if (start < prev || end < start || end > text_len)
            return bad(r, "passage outside the text");
        p->kind = (ws_passage_kind)kind;
        p->number = number;
        p->start = start;
        p->end = end;
        prev = end;
        rec->npassages = i + 1;
    }
    return 1;
}

int ws_record_open(ws_record *rec, const char *buf, size_t len, ws_error *err)
{
    memset(rec, 0, sizeof *rec);
    const unsigned char *u = (const unsigned char *)buf;
    if (!buf || len < WS_RECORD_HEADER + 5 || memcmp(buf, magic, 3) != 0)
        return ws_error_set(err, WS_ECORRUPT, "stored record is not a wsearch record");
    if (u[3] != WS_RECORD_VERSION)
        return ws_error_set(err, WS_ECORRUPT, "stored record has version %u, this wsearch reads %u",
                            u[3], WS_RECORD_VERSION);
    if (u[4] >= WS_DOC_COUNT_ || (u[5] & ~WS_RECORD_FILE_LINKS) || u[6] || u[7])
        return ws_error_set(err, WS_ECORRUPT, "stored record: unknown type or flags");
    reader h = {u + 8, 4, NULL};
    uint32_t meta_len, text_len;
    get_u32(&h, &meta_len);
    if (meta_len > len - WS_RECORD_HEADER - 5)
        return ws_error_set(err, WS_ECORRUPT, "stored record: record ends early");
    /* the text's length first: passages are checked against it */
    reader t = {u + WS_RECORD_HEADER + meta_len, 4, NULL};
    get_u32(&t, &text_len);
    size_t text_at = WS_RECORD_HEADER + (size_t)meta_len + 4;
    if (text_len > WS_RECORD_TEXT_MAX || (size_t)text_len + 1 != len - text_at ||
        buf[len - 1] != '\0')
        return ws_error_set(err, WS_ECORRUPT, "stored record: text length does not match");
    rec->buf = buf;
    rec->len = len;
    rec->type = (ws_doctype)u[4];
    rec->file_links = (u[5] & WS_RECORD_FILE_LINKS) != 0;
    rec->text = buf + text_at;
    rec->text_len = text_len;
    reader r = {u + WS_RECORD_HEADER, meta_len, NULL};
    for (int i = 0; i < WS_FIELD_COUNT_ && !r.why; i++)
        get_str(&r, &rec->str[i], &rec->str_len[i], str_max[i]);
    if (!r.why)
        read_lists(&r, rec);
    if (!r.why)
        read_passages(&r, rec, text_len);
    if (!r.why && get_u32(&r, &rec->part) && get_u32(&r, &rec->nparts) &&
        get_u32(&r, &rec->text_off) &&
        (rec->part >= rec->nparts || rec->nparts > WS_RECORD_MAX_PARTS ||
         rec->text_off > WS_RECORD_TEXT_MAX))
        r.why = "part number out of range";
    if (!r.why && r.left)
        r.why = "trailing bytes in the metadata";
    if (r.why) {
        ws_record_free(rec);
        int code = !strcmp(r.why, "out of memory") ? WS_ENOMEM : WS_ECORRUPT;
        return ws_error_set(err, code, "stored record: %s", r.why);
    }
    return WS_OK;
}

int ws_record_check_text(const ws_record *r, ws_error *err)
{
    if (memchr(r->text, '\0', r->text_len) || !ws_utf8_valid(r->text, r->text_len))
        return ws_error_set(err, WS_ECORRUPT, "stored record: text is not clean UTF-8");
    return WS_OK;
}

int ws_record_passage_text(const ws_record *r, size_t i, const char **text, size_t *len,
                           ws_error *err)
{
    *text = "";
    *len = 0;
    if (i >= r->npassages)
        return ws_error_set(err, WS_EINVAL, "no passage %zu", i);
    const ws_record_passage *p = &r->passages[i];
    const char *s = r->text + p->start;
    size_t n = p->end - p->start;
    if (memchr(s, '\0', n) || !ws_utf8_valid(s, n))
        return ws_error_set(err, WS_ECORRUPT, "stored record: passage text is not clean UTF-8");
    *text = s;
    *len = n;
    return WS_OK;
}

int ws_record_text_prefix(const ws_record *r, size_t max, const char **text, size_t *len,
                          ws_error *err)
{
    size_t n = ws_utf8_cut(r->text, r->text_len, max);
    if (memchr(r->text, '\0', n) || !ws_utf8_valid(r->text, n))
        return ws_error_set(err, WS_ECORRUPT, "stored record: text is not clean UTF-8");
    *text = r->text;
    *len = n;
    return WS_OK;
}

const char *ws_passage_kind_name(ws_passage_kind k)
{
    switch (k) {
    case WS_PASSAGE_SECTION:
        return "section";
    case WS_PASSAGE_PAGE:
        return "page";
    case WS_PASSAGE_SLIDE:
        return "slide";
    case WS_PASSAGE_SHEET:
        return "sheet";
    default:
        return "body";
    }
}

ws_passage_kind ws_passage_kind_from_name(const char *name)
{
    for (int k = WS_PASSAGE_SECTION; name && k <= WS_PASSAGE_SHEET; k++)
        if (!strcmp(name, ws_passage_kind_name((ws_passage_kind)k)))
            return (ws_passage_kind)k;
    return WS_PASSAGE_BODY;
}

/* ---- what a worker may send (record.h) ---------------------------------- */

const char *ws_record_check_sent(const ws_record *rec, ws_doctype type, size_t max_text,
                                 const char *path)
{
    if (rec->type != type)
        return "wrong document type";
    const char *rp = rec->str[WS_FIELD_PATH];
    if (path ? !rp || strcmp(rp, path) != 0 : rp != NULL)
        return path ? "the record names another file" : "a worker does not name the file";
    for (int i = WS_FIELD_TITLE; i < WS_FIELD_COUNT_; i++)
        if (rec->str_len[i] > WS_X_FIELD_MAX)
            return "string longer than allowed";
    char d[11];
    const char *date = rec->str[WS_FIELD_DATE];
    if (date && (rec->str_len[WS_FIELD_DATE] != 10 || !ws_date_parse(date, 10, d)))
        return "invalid date";
    if (rec->nlist[WS_LIST_SPEAKERS] > WS_X_MAX_LIST || rec->nlist[WS_LIST_TAGS] > WS_X_MAX_LIST ||
        rec->nlist[WS_LIST_LINKS] > WS_X_MAX_LINKS || rec->npassages > WS_X_MAX_PASSAGES)
        return "too many list entries";
    size_t total = 0;
    for (size_t i = 0; i < rec->npassages; i++) {
        const ws_record_passage *p = &rec->passages[i];
        size_t want = i ? rec->passages[i - 1].end + 2 : 0;
        if (p->start != want || (i && memcmp(rec->text + want - 2, "\n\n", 2) != 0))
            return "passages do not join into the text";
        size_t hl = p->heading ? strlen(p->heading) : 0;
        if (hl > WS_X_HEADING_MAX)
            return "string longer than allowed";
        if (p->end == p->start && !p->heading)
            return "empty passage"; /* the builder never keeps one */
        total += (i ? 2 : 0) + (p->end - p->start) + hl;
        if (p->end - p->start > max_text || total > max_text + 2)
            return "more text than max_text";
    }
    if ((rec->npassages ? rec->passages[rec->npassages - 1].end : 0) != rec->text_len)
        return "passages do not join into the text";
    return NULL;
}
