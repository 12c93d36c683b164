/*
 * docmsg.c - encoding and validating the ready documents a worker sends
 * (see docmsg.h for the layout and what the writer refuses).
 *
 * The builder merges a document's terms as Xapian's Document would (a
 * hash set of the distinct terms, wdf summed, positions gathered), so the
 * message carries each term once and the writer adds it once.  Positions
 * are delta-coded varints: a long document's positions take about a byte
 * each on the socket.  The decoder reads a document's term section twice:
 * once to check every length, position and bound, once to fill the
 * arrays it then allocates to the exact size, so a hostile message cannot
 * make the writer allocate more than a small multiple of its own length.
 */
#define _POSIX_C_SOURCE 200809L
#include "index/docmsg.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "index/record.h"
#include "index/schema.h"
#include "extract/ocr.h"

#define STR_ABSENT UINT32_MAX
static const char magic[4] = {'W', 'S', 'D', 0x01};

/* ---- writing ------------------------------------------------------------- */

static void put_u32(ws_buf *b, uint32_t v)
{
    char c[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
                 (char)(v >> 24)};
    ws_buf_append(b, c, 4);
}

static void put_var(ws_buf *b, uint32_t v)
{
    char c[5];
    size_t n = 0;
    do {
        c[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    ws_buf_append(b, c, n);
}

void ws_docmsg_builder_init(ws_docmsg_builder *b)
{
    memset(b, 0, sizeof *b);
}

void ws_docmsg_builder_free(ws_docmsg_builder *b)
{
    ws_buf_free(&b->out);
    ws_buf_free(&b->values);
    ws_strset_free(b->terms);
    ws_strset_free(b->words);
    free(b->pairs);
    free(b->wflags);
    memset(b, 0, sizeof *b);
}

void ws_docmsg_add_term(ws_docmsg_builder *b, const char *term, size_t len, uint32_t wdf,
                        uint32_t pos)
{
    if (b->oom || !len || len > WS_DOCMSG_TERM_MAX || pos > WS_DOCMSG_MAX_POS)
        return;
    long i = -1;
    if (b->terms || (b->terms = ws_strset_new(0)))
        i = ws_strset_add(b->terms, term, len, NULL);
    if (i < 0) {
        b->oom = 1;
        return;
    }
    uint32_t *c = ws_strset_counter(b->terms, (size_t)i);
    *c = *c > UINT32_MAX - wdf ? UINT32_MAX : *c + wdf;
    if (!pos)
        return;
    if (b->npairs == b->pcap) {
        size_t cap = b->pcap ? b->pcap * 2 : 4096;
        uint64_t *np = realloc(b->pairs, cap * sizeof *np);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->pairs = np;
        b->pcap = cap;
    }
    b->pairs[b->npairs++] = (uint64_t)i << 32 | pos;
}

void ws_docmsg_add_value(ws_docmsg_builder *b, unsigned slot, const char *data, size_t len)
{
    if (b->nvalues >= WS_DOCMSG_MAX_VALUES || len > WS_DOCMSG_VALUE_MAX)
        return;
    put_u32(&b->values, slot);
    put_u32(&b->values, (uint32_t)len);
    ws_buf_append(&b->values, data, len);
    b->nvalues++;
}

unsigned char *ws_docmsg_add_word(ws_docmsg_builder *b, const char *word, size_t len, int *added)
{
    *added = 0;
    if (b->oom || !len || len > WS_DOCMSG_TERM_MAX)
        return NULL;
    long i = -1;
    if (b->words || (b->words = ws_strset_new(WS_DOCMSG_MAX_WORDS)))
        i = ws_strset_add(b->words, word, len, added);
    if (i < 0)
        return NULL; /* out of memory or a file of too many words: fewer suggestions */
    if ((size_t)i >= b->fcap) {
        size_t cap = b->fcap ? b->fcap * 2 : 1024;
        unsigned char *nf = realloc(b->wflags, cap);
        if (!nf) {
            b->oom = 1;
            return NULL;
        }
        memset(nf + b->fcap, 0, cap - b->fcap);
        b->wflags = nf;
        b->fcap = cap;
    }
    uint32_t *c = ws_strset_counter(b->words, (size_t)i);
    if (*c < UINT32_MAX)
        (*c)++;
    return &b->wflags[i];
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Each term's positions, ascending and once each: the pairs grouped by
 * term (counting sort; the generator adds them in ascending order, so a
 * run needs sorting only where field copies interleave). */
static int encode_terms(ws_docmsg_builder *b)
{
    size_t n = ws_strset_size(b->terms);
    size_t *at = calloc(n + 1, sizeof *at);
    uint32_t *pos = malloc((b->npairs ? b->npairs : 1) * sizeof *pos);
    if (!at || !pos) {
        free(at);
        free(pos);
        return WS_ENOMEM;
    }
    for (size_t k = 0; k < b->npairs; k++)
        at[(b->pairs[k] >> 32) + 1]++;
    for (size_t i = 0; i < n; i++)
        at[i + 1] += at[i];
    for (size_t k = 0; k < b->npairs; k++)
        pos[at[b->pairs[k] >> 32]++] = (uint32_t)b->pairs[k];
    put_u32(&b->out, (uint32_t)n);
    for (size_t i = 0, from = 0; i < n; from = at[i++]) {
        size_t len, np = at[i] - from;
        const char *t = ws_strset_at(b->terms, i, &len);
        uint32_t *p = pos + from;
        for (size_t k = 1; k < np; k++)
            if (p[k] <= p[k - 1]) {
                qsort(p, np, sizeof *p, cmp_u32);
                break;
            }
        size_t u = 0;
        for (size_t k = 0; k < np; k++)
            if (!u || p[k] != p[u - 1])
                p[u++] = p[k];
        ws_buf_putc(&b->out, (char)len);
        ws_buf_append(&b->out, t, len);
        put_var(&b->out, *ws_strset_counter(b->terms, i));
        put_var(&b->out, (uint32_t)u);
        for (size_t k = 0; k < u; k++)
            put_var(&b->out, p[k] - (k ? p[k - 1] : 0));
    }
    free(at);
    free(pos);
    return WS_OK;
}

int ws_docmsg_end_doc(ws_docmsg_builder *b, const char *data, size_t len)
{
    if (!b->out.len) {
        ws_buf_append(&b->out, magic, 4);
        put_u32(&b->out, 0); /* ndocs, set by finish */
    }
    int rc = b->oom || len > UINT32_MAX || !b->terms ? WS_ENOMEM : WS_OK;
    if (rc == WS_OK) {
        put_u32(&b->out, (uint32_t)len);
        ws_buf_append(&b->out, data, len);
        put_u32(&b->out, b->nvalues);
        ws_buf_append(&b->out, b->values.data, b->values.len);
        rc = encode_terms(b);
    }
    ws_strset_free(b->terms);
    b->terms = NULL;
    b->npairs = 0;
    ws_buf_reset(&b->values);
    b->nvalues = 0;
    b->ndocs++;
    return rc == WS_OK && (b->out.oom || b->values.oom) ? WS_ENOMEM : rc;
}

void ws_docmsg_put_trailer(ws_buf *b, const ws_extracted *x, int with_text_len)
{
    put_u32(b, (uint32_t)x->converted | (uint32_t)(x->truncated ? 2 : 0));
    if (x->note) {
        put_u32(b, (uint32_t)strlen(x->note));
        ws_buf_puts(b, x->note);
        ws_buf_putc(b, '\0');
    } else {
        put_u32(b, STR_ABSENT);
    }
    put_u32(b, x->ocr_pages);
    put_u32(b, x->ocr_skipped);
    double ms = x->ocr_seconds * 1000;
    put_u32(b, ms > 0 && ms < 4e9 ? (uint32_t)ms : ms >= 4e9 ? UINT32_MAX : 0);
    if (with_text_len) {
        put_u32(b, (uint32_t)(x->text_len & 0xffffffffu));
        put_u32(b, (uint32_t)((uint64_t)x->text_len >> 32));
    }
}

int ws_docmsg_finish(ws_docmsg_builder *b, const ws_extracted *x, char **out, size_t *len)
{
    *out = NULL;
    if (!b->out.len) {
        ws_buf_append(&b->out, magic, 4);
        put_u32(&b->out, 0);
    }
    size_t nw = ws_strset_size(b->words);
    put_u32(&b->out, (uint32_t)nw);
    for (size_t i = 0; i < nw; i++) {
        size_t wl;
        const char *w = ws_strset_at(b->words, i, &wl);
        ws_buf_putc(&b->out, (char)wl);
        ws_buf_append(&b->out, w, wl);
        put_var(&b->out, *ws_strset_counter(b->words, i));
        ws_buf_putc(&b->out, (char)b->wflags[i]);
    }
    ws_docmsg_put_trailer(&b->out, x, 1);
    int rc = b->oom || b->out.oom ? WS_ENOMEM : WS_OK;
    if (rc == WS_OK) {
        for (int k = 0; k < 4; k++)
            b->out.data[4 + k] = (char)((b->ndocs >> (8 * k)) & 0xff);
        *out = ws_buf_steal(&b->out, len);
        if (!*out)
            rc = WS_ENOMEM;
    }
    ws_buf_free(&b->out);
    ws_strset_free(b->words);
    b->words = NULL;
    if (b->fcap)
        memset(b->wflags, 0, b->fcap);
    b->ndocs = 0;
    b->oom = 0;
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p;
    size_t left;
    const char *why; /* the first problem */
} reader;

static uint32_t get_u32(reader *r)
{
    if (r->why || r->left < 4) {
        if (!r->why)
            r->why = "message ends early";
        return 0;
    }
    const unsigned char *p = r->p;
    r->p += 4;
    r->left -= 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned get_u8(reader *r)
{
    if (r->why || !r->left) {
        if (!r->why)
            r->why = "message ends early";
        return 0;
    }
    r->left--;
    return *r->p++;
}

static uint32_t get_var(reader *r)
{
    uint32_t v = 0;
    for (int shift = 0; !r->why; shift += 7) {
        unsigned c = get_u8(r);
        if (shift == 28 && c > 0x0f) {
            r->why = "number out of range";
            break;
        }
        v |= (uint32_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            break;
    }
    return r->why ? 0 : v;
}

static const char *get_bytes(reader *r, size_t n)
{
    if (r->why || r->left < n) {
        if (!r->why)
            r->why = "message ends early";
        return NULL;
    }
    const char *p = (const char *)r->p;
    r->p += n;
    r->left -= n;
    return p;
}

const char *ws_docmsg_read_trailer(const unsigned char *t, size_t left, int with_text_len,
                                   ws_docmsg_trailer *tr)
{
    memset(tr, 0, sizeof *tr);
    reader r = {t, left, NULL};
    tr->flags = get_u32(&r);
    uint32_t nl = get_u32(&r);
    if (r.why)
        return "record ends early";
    if (tr->flags > 3)
        return "unknown flags";
    if (nl != STR_ABSENT) {
        if (nl > WS_RECORD_FIELD_MAX || (size_t)nl >= r.left)
            return "string longer than allowed";
        if (r.p[nl] || memchr(r.p, '\0', nl) || !ws_utf8_valid((const char *)r.p, nl))
            return "string is not clean UTF-8";
        tr->note = (const char *)r.p;
        get_bytes(&r, (size_t)nl + 1);
    }
    size_t want = with_text_len ? 20 : 12;
    if (r.left != want)
        return r.left < want ? "record ends early" : "trailing bytes";
    tr->ocr_pages = get_u32(&r);
    tr->ocr_skipped = get_u32(&r);
    tr->ocr_ms = get_u32(&r);
    if (with_text_len) {
        tr->text_len = get_u32(&r);
        tr->text_len |= (uint64_t)get_u32(&r) << 32;
    }
    if (tr->ocr_pages > WS_OCR_MAX_PAGES || tr->ocr_skipped > WS_OCR_MAX_PAGES)
        return "more OCR pages than allowed";
    return NULL;
}

void ws_docmsg_free(ws_docmsg *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->docs && i < m->ndocs; i++) {
        free(m->docs[i].terms);
        free(m->docs[i].pos);
    }
    free(m->docs);
    free(m->words);
    free(m->buf);
    free(m);
}

/* Where the parts of a message have got to: part i of n must start its
 * text where part i - 1 ended, or 2 bytes later (the "\n\n" between two
 * passages), and all of them hold no more text than one file may. */
typedef struct part_walk {
    uint32_t i, n;
    uint64_t end; /* where the previous part's text ended in the whole */
} part_walk;

/* The stored record: opened and checked as the searcher will read it. */
static const char *check_record(const char *data, size_t len, const ws_docmsg_expect *want,
                                part_walk *pw)
{
    ws_record rec;
    ws_error rerr;
    const char *why = NULL;
    if (ws_record_open(&rec, data, len, &rerr) != WS_OK)
        return rerr.code == WS_ENOMEM ? "out of memory" : "stored record is damaged";
    if (ws_record_check_text(&rec, &rerr) != WS_OK)
        why = "string is not clean UTF-8";
    else
        why = ws_record_check_sent(&rec, want->type, want->max_text, want->path);
    if (!why && (rec.part != pw->i || rec.nparts != pw->n))
        why = "parts out of order";
    if (!why && pw->i && rec.text_off != pw->end && rec.text_off != pw->end + 2)
        why = "parts do not join into the text";
    if (!why && pw->i == 0 && rec.text_off != 0)
        why = "parts do not join into the text";
    pw->end = (uint64_t)rec.text_off + rec.text_len;
    if (!why && pw->end > (uint64_t)want->max_text + 2)
        why = "more text than max_text";
    /* what only the whole document needs is in its first part */
    if (!why && pw->i &&
        (rec.nlist[WS_LIST_LINKS] || rec.nlist[WS_LIST_TAGS] || rec.nlist[WS_LIST_SPEAKERS] ||
         rec.str[WS_FIELD_DESCRIPTION]))
        why = "document fields in a later part";
    ws_record_free(&rec);
    return why;
}

static const char *read_values(reader *r, ws_docmsg_doc *d)
{
    uint32_t n = get_u32(r);
    if (n > WS_DOCMSG_MAX_VALUES)
        return "too many values";
    for (uint32_t i = 0; i < n && !r->why; i++) {
        ws_docmsg_value *v = &d->values[i];
        uint32_t slot = get_u32(r), len = get_u32(r);
        if (r->why)
            break;
        /* the signature says when the writer saw the file: its own */
        if (slot > 255 || slot == WS_SLOT_SIGNATURE || slot == WS_SLOT_KEY)
            return "value slot not allowed";
        if (len > WS_DOCMSG_VALUE_MAX)
            return "value longer than allowed";
        v->slot = slot;
        v->len = len;
        v->data = get_bytes(r, len);
        d->nvalues = i + 1;
    }
    return r->why;
}

/* Terms that name files: bytes of a path, perhaps cut inside a character. */
static int path_term(const unsigned char *t, size_t n)
{
    return n >= 2 && t[0] == 'X' && (t[1] == 'L' || t[1] == 'F' || t[1] == 'N');
}

/* Pass one over a document's terms: everything checked, positions counted. */
static const char *scan_terms(reader *r, uint32_t n, size_t *npos)
{
    uint64_t wdf_sum = 0;
    *npos = 0;
    for (uint32_t i = 0; i < n && !r->why; i++) {
        unsigned len = get_u8(r);
        const unsigned char *t = (const unsigned char *)get_bytes(r, len);
        uint32_t wdf = get_var(r), np = get_var(r);
        if (r->why)
            break;
        if (!len || len > WS_DOCMSG_TERM_MAX || memchr(t, '\0', len))
            return "term of a bad length";
        if (t[0] == WS_PFX_ID[0] || (len == strlen(WS_PFX_HEAD) && !memcmp(t, WS_PFX_HEAD, len)))
            return "unique id term from a worker";
        if (!path_term(t, len) && !ws_utf8_valid((const char *)t, len))
            return "term is not UTF-8";
        wdf_sum += wdf;
        if (wdf_sum > ((uint64_t)1 << 31) || np > r->left)
            return "term counts out of range";
        uint64_t p = 0;
        for (uint32_t k = 0; k < np && !r->why; k++) {
            uint32_t delta = get_var(r);
            p += delta;
            if (!r->why && (!delta || p > WS_DOCMSG_MAX_POS))
                return "positions not ascending or out of range";
        }
        *npos += np;
    }
    return r->why;
}

/* Pass two: the arrays, from bytes pass one checked. */
static void fill_terms(reader *r, ws_docmsg_doc *d)
{
    size_t at = 0;
    for (size_t i = 0; i < d->nterms; i++) {
        ws_xterm *x = &d->terms[i];
        x->len = get_u8(r);
        x->term = get_bytes(r, x->len);
        x->wdf = get_var(r);
        x->npos = get_var(r);
        x->pos = d->pos + at;
        uint32_t p = 0;
        for (uint32_t k = 0; k < x->npos; k++)
            d->pos[at++] = p += get_var(r);
    }
}

static const char *read_doc(reader *r, ws_docmsg_doc *d, const ws_docmsg_expect *want,
                            part_walk *pw)
{
    uint32_t dl = get_u32(r);
    d->data = get_bytes(r, dl);
    d->data_len = dl;
    if (r->why)
        return r->why;
    const char *why = check_record(d->data, dl, want, pw);
    if (!why)
        why = read_values(r, d);
    uint32_t n = why ? 0 : get_u32(r);
    if (why || r->why)
        return why ? why : r->why;
    if (n > r->left / 3)
        return "too many terms";
    reader again = *r;
    size_t npos = 0;
    if ((why = scan_terms(r, n, &npos)) != NULL)
        return why;
    d->terms = calloc(n ? n : 1, sizeof *d->terms);
    d->pos = malloc((npos ? npos : 1) * sizeof *d->pos);
    if (!d->terms || !d->pos)
        return "out of memory";
    d->nterms = n;
    d->npos = npos;
    fill_terms(&again, d);
    return NULL;
}

static const char *read_words(reader *r, ws_docmsg *m)
{
    uint32_t n = get_u32(r);
    if (r->why)
        return r->why;
    if (n > WS_DOCMSG_MAX_WORDS || n > r->left / 4)
        return "too many spelling words";
    if (n && !(m->words = calloc(n, sizeof *m->words)))
        return "out of memory";
    for (uint32_t i = 0; i < n && !r->why; i++) {
        ws_docmsg_word *w = &m->words[i];
        w->len = get_u8(r);
        w->word = get_bytes(r, w->len);
        w->count = get_var(r);
        w->flags = get_u8(r);
        if (r->why)
            break;
        if (!w->len || memchr(w->word, '\0', w->len) || !ws_utf8_valid(w->word, w->len))
            return "spelling word is not clean UTF-8";
        if (!w->count || w->flags > (WS_SPELL_HEADING | WS_SPELL_KNOWN))
            return "spelling word counts out of range";
        m->nwords = i + 1;
    }
    return r->why;
}

static const char *read_msg(reader *r, ws_docmsg *m, const ws_docmsg_expect *want)
{
    const char *head = get_bytes(r, 4);
    if (!head || memcmp(head, magic, 4) != 0)
        return "not a document message";
    uint32_t n = get_u32(r);
    if (r->why)
        return r->why;
    if (!n || n > WS_DOCMSG_MAX_DOCS || n > r->left / 12)
        return "document count out of range";
    if (!(m->docs = calloc(n, sizeof *m->docs)))
        return "out of memory";
    m->ndocs = n;
    const char *why = NULL;
    part_walk pw = {0, n, 0};
    for (uint32_t i = 0; i < n && !why; i++) {
        pw.i = i;
        why = read_doc(r, &m->docs[i], want, &pw);
        m->nterms += m->docs[i].nterms;
    }
    if (!why)
        why = read_words(r, m);
    ws_docmsg_trailer tr;
    if (!why)
        why = ws_docmsg_read_trailer(r->p, r->left, 1, &tr);
    if (!why && tr.text_len > want->max_text + 2)
        why = "more text than max_text";
    if (why)
        return why;
    m->converted = (tr.flags & 1) != 0;
    m->truncated = (tr.flags & 2) != 0;
    m->note = tr.note;
    m->ocr_pages = tr.ocr_pages;
    m->ocr_skipped = tr.ocr_skipped;
    m->ocr_seconds = tr.ocr_ms / 1000.0;
    m->text_len = tr.text_len;
    return NULL;
}

int ws_docmsg_decode(char *buf, size_t len, const ws_docmsg_expect *want, ws_docmsg **out,
                     ws_error *err)
{
    *out = NULL;
    ws_docmsg *m = calloc(1, sizeof *m);
    if (!m) {
        free(buf);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    m->buf = buf;
    m->len = len;
    reader r = {(const unsigned char *)buf, len, NULL};
    const char *why = buf ? read_msg(&r, m, want) : "no message";
    if (why) {
        ws_docmsg_free(m);
        return ws_error_set(err, !strcmp(why, "out of memory") ? WS_ENOMEM : WS_EFORMAT,
                            "invalid document from the worker: %s", why);
    }
    *out = m;
    return WS_OK;
}
