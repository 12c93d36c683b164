/*
 * test_record.c - the record codec (lib/index/record.c) and the worker
 * message built on it (lib/index/pool.c): every field survives a round
 * trip, from empty to the limits; metadata decodes without the text (a
 * record whose text region is cut off still gives its fields to a decoder
 * that is told only the header and metadata); and truncated, corrupted or
 * foreign bytes are refused with WS_ECORRUPT, never misread.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "index/pool.h"
#include "index/record.h"
#include "index/schema.h"
#include "wsearch/index.h"
#include "wsearch/search.h"
#include "xapian/xapian.h"
#include "ws_skip.h"

/* ---- building records ------------------------------------------------------ */

static char *rep(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static char **list_of(size_t n, size_t len, char c)
{
    char **v = n ? calloc(n, sizeof *v) : NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = rep((char)(c + (char)(i % 20)), len);
    return v;
}

/* A record with np passages; text and headings from the given sizes. */
static ws_extracted *make(size_t np, size_t plen, const char *heading, int ocr_every)
{
    ws_extracted *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->type = WS_DOC_PDF;
    x->npassages = np;
    x->passages = np ? calloc(np, sizeof *x->passages) : NULL;
    size_t tl = 0;
    for (size_t i = 0; i < np; i++) {
        ws_passage *p = &x->passages[i];
        p->kind = (ws_passage_kind)(i % 5);
        p->number = (unsigned)i + 1;
        p->heading = heading ? strdup(heading) : NULL;
        p->text = rep((char)('a' + (char)(i % 26)), plen);
        p->text_len = plen;
        p->ocr = ocr_every && i % (size_t)ocr_every == 0;
        tl += (i ? 2 : 0) + plen;
    }
    x->text = malloc(tl + 1);
    size_t o = 0;
    for (size_t i = 0; i < np; i++) {
        if (i) {
            memcpy(x->text + o, "\n\n", 2);
            o += 2;
        }
        memcpy(x->text + o, x->passages[i].text, plen);
        o += plen;
    }
    x->text[o] = '\0';
    x->text_len = o;
    return x;
}

static void expect_same(const ws_record *r, const ws_extracted *x, const char *path)
{
    const char *want[WS_FIELD_COUNT_] = {path,           x->title,        x->date,
                                         x->description, x->organisation, x->event};
    for (int f = 0; f < WS_FIELD_COUNT_; f++) {
        if (!want[f] || !*want[f])
            assert_null(r->str[f]); /* empty is stored as absent */
        else
            assert_string_equal(r->str[f], want[f]);
    }
    assert_int_equal(r->type, x->type);
    char **lists[WS_LIST_COUNT_] = {x->speakers, x->tags, x->links};
    size_t n[WS_LIST_COUNT_] = {x->nspeakers, x->ntags, x->nlinks};
    for (int l = 0; l < WS_LIST_COUNT_; l++) {
        assert_int_equal(r->nlist[l], n[l]);
        for (size_t i = 0; i < n[l]; i++)
            assert_string_equal(r->list[l][i], lists[l][i]);
    }
    assert_int_equal(r->npassages, x->npassages);
    assert_int_equal(r->text_len, x->text_len);
    assert_memory_equal(r->text, x->text, x->text_len);
    for (size_t i = 0; i < x->npassages; i++) {
        const ws_record_passage *p = &r->passages[i];
        assert_int_equal(p->kind, x->passages[i].kind);
        assert_int_equal(p->number, x->passages[i].number);
        assert_int_equal(p->ocr, x->passages[i].ocr);
        if (x->passages[i].heading)
            assert_string_equal(p->heading, x->passages[i].heading);
        else
            assert_null(p->heading);
        const char *t;
        size_t tl;
        ws_error e;
        assert_int_equal(ws_record_passage_text(r, i, &t, &tl, &e), WS_OK);
        assert_int_equal(tl, x->passages[i].text_len);
        assert_memory_equal(t, x->passages[i].text, tl);
        assert_true(t >= r->buf && t + tl <= r->buf + r->len); /* a slice, not a copy */
    }
}

/* ---- round trips ------------------------------------------------------------ */

typedef struct rt_case {
    const char *name;
    size_t np, plen, nlist, item;
    const char *heading;
    int ocr_every;
    int fields; /* 0: none, 1: short, 2: at the limit */
} rt_case;

static const rt_case cases[] = {
    {"empty", 0, 0, 0, 0, NULL, 0, 0},
    {"one body", 1, 12, 0, 0, NULL, 0, 1},
    {"empty heading and text", 1, 0, 1, 0, "", 0, 1},
    {"headings and OCR", 7, 100, 3, 8, "Überschrift", 2, 1},
    {"many passages", 5000, 3, 2, 4, "H", 3, 1},
    {"maximal fields and lists", 3, 50, WS_RECORD_MAX_LIST, 16, NULL, 1, 2},
    {"long passage", 2, 1 << 20, 1, 1, NULL, 0, 1},
};

static void fill_fields(ws_extracted *x, const rt_case *c)
{
    size_t n = c->fields == 2 ? WS_RECORD_FIELD_MAX : 9;
    if (!c->fields)
        return;
    x->title = rep('T', n);
    x->date = strdup("2024-03-20");
    x->description = c->fields == 2 ? rep('D', n) : strdup("Beschreibung mit ä");
    x->organisation = rep('O', n);
    x->event = strdup("");
    x->speakers = list_of(c->nlist, c->item, 'S');
    x->nspeakers = c->nlist;
    x->tags = list_of(c->nlist, c->item, 'a');
    x->ntags = c->nlist;
    size_t nl = c->fields == 2 ? WS_RECORD_MAX_LINKS : c->nlist;
    x->links = list_of(nl, c->fields == 2 ? WS_RECORD_LINK_MAX : c->item, 'l');
    x->nlinks = nl;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const rt_case *c = &cases[k];
        print_message("case %s\n", c->name);
        ws_extracted *x = make(c->np, c->plen, c->heading, c->ocr_every);
        fill_fields(x, c);
        const char *path = c->fields ? "/srv/korpus/ä.pdf" : NULL;
        char *buf = NULL;
        size_t len = 0;
        ws_error e;
        assert_int_equal(ws_record_encode(x, path, NULL, &buf, &len, &e), WS_OK);
        ws_record r;
        assert_int_equal(ws_record_open(&r, buf, len, &e), WS_OK);
        assert_int_equal(ws_record_check_text(&r, &e), WS_OK);
        expect_same(&r, x, path);
        ws_record_free(&r);
        /* the worker message: same record plus the run's fields */
        x->converted = 1;
        x->truncated = c->np > 1;
        x->note = c->fields ? strdup("nur die ersten Blätter") : NULL;
        x->ocr_pages = (unsigned)(c->np % 2000);
        x->ocr_skipped = 1;
        x->ocr_seconds = 1.5;
        char *m = NULL;
        size_t ml = 0;
        assert_int_equal(ws_pool_encode(x, &m, &ml), WS_OK);
        ws_extracted *y = NULL;
        int rc = ws_pool_decode(m, ml, WS_DOC_PDF, (size_t)16 << 20, &y, &e);
        if (rc != WS_OK)
            print_message("%s\n", e.msg);
        assert_int_equal(rc, WS_OK);
        assert_int_equal(y->converted, 1);
        assert_int_equal(y->truncated, x->truncated);
        assert_int_equal(y->ocr_pages, x->ocr_pages);
        assert_int_equal(y->ocr_skipped, 1);
        assert_true(y->ocr_seconds > 1.49 && y->ocr_seconds < 1.51);
        if (x->note)
            assert_string_equal(y->note, x->note);
        assert_int_equal(y->npassages, x->npassages);
        assert_int_equal(y->text_len, x->text_len);
        assert_memory_equal(y->text, x->text, x->text_len);
        for (size_t i = 0; i < y->npassages; i++)
            assert_int_equal(y->passages[i].ocr, x->passages[i].ocr);
        ws_extracted_free(y);
        free(m);
        free(buf);
        ws_extracted_free(x);
    }
}

/* An over-long field is refused by the decoder, whatever wrote it. */
static void test_limits(void **state)
{
    (void)state;
    ws_extracted *x = make(1, 4, NULL, 0);
    x->title = rep('T', WS_RECORD_FIELD_MAX + 1);
    char *buf = NULL;
    size_t len = 0;
    ws_error e;
    assert_int_equal(ws_record_encode(x, "/p", NULL, &buf, &len, &e), WS_OK);
    ws_record r;
    assert_int_equal(ws_record_open(&r, buf, len, &e), WS_ECORRUPT);
    assert_non_null(strstr(e.msg, "longer than allowed"));
    free(buf);
    ws_extracted_free(x);
}

/* ---- lazy decoding ---------------------------------------------------------- */

/* The decoder reads the header and metadata only: give it a record whose
 * text region holds garbage (invalid UTF-8, NUL bytes) and it still
 * decodes every field; only the text accessors refuse. */
static void test_metadata_without_text(void **state)
{
    (void)state;
    ws_extracted *x = make(3, 1000, "Kapitel", 0);
    x->title = strdup("Titel");
    char *buf = NULL;
    size_t len = 0;
    ws_error e;
    assert_int_equal(ws_record_encode(x, "/a/b.pdf", NULL, &buf, &len, &e), WS_OK);
    size_t text_at = len - 1 - x->text_len;
    memset(buf + text_at, 0xff, x->text_len); /* the text: all invalid */
    buf[text_at + 10] = '\0';
    ws_record r;
    assert_int_equal(ws_record_open(&r, buf, len, &e), WS_OK);
    assert_string_equal(r.str[WS_FIELD_TITLE], "Titel");
    assert_string_equal(r.str[WS_FIELD_PATH], "/a/b.pdf");
    assert_int_equal(r.npassages, 3);
    assert_string_equal(r.passages[2].heading, "Kapitel");
    assert_int_equal(r.passages[2].start, 2004);
    const char *t;
    size_t tl;
    assert_int_equal(ws_record_passage_text(&r, 1, &t, &tl, &e), WS_ECORRUPT);
    assert_int_equal(ws_record_check_text(&r, &e), WS_ECORRUPT);
    assert_int_equal(ws_record_text_prefix(&r, 100, &t, &tl, &e), WS_ECORRUPT);
    ws_record_free(&r);
    free(buf);
    ws_extracted_free(x);
}

/* ---- hostile bytes ------------------------------------------------------------ */

static void put32(char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (char)((v >> (8 * k)) & 0xff);
}

static void test_truncated(void **state)
{
    (void)state;
    ws_extracted *x = make(4, 30, "Abschnitt", 2);
    x->title = strdup("Titel");
    x->speakers = list_of(2, 5, 'S');
    x->nspeakers = 2;
    char *buf = NULL;
    size_t len = 0;
    ws_error e;
    assert_int_equal(ws_record_encode(x, "/p.pdf", NULL, &buf, &len, &e), WS_OK);
    for (size_t cut = 0; cut < len; cut++) {
        ws_record r;
        char *c = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any overread */
        memcpy(c, buf, cut);
        assert_int_equal(ws_record_open(&r, c, cut, &e), WS_ECORRUPT);
        assert_null(r.passages);
        free(c);
    }
    /* the worker message too */
    char *m = NULL;
    size_t ml = 0;
    assert_int_equal(ws_pool_encode(x, &m, &ml), WS_OK);
    for (size_t cut = 0; cut < ml; cut++) {
        ws_extracted *y = NULL;
        char *c = malloc(cut ? cut : 1);
        memcpy(c, m, cut);
        assert_int_equal(ws_pool_decode(c, cut, WS_DOC_PDF, 1 << 20, &y, &e), WS_EFORMAT);
        assert_null(y);
        free(c);
    }
    free(m);
    free(buf);
    ws_extracted_free(x);
}

typedef struct corrupt_case {
    const char *name;
    size_t at; /* byte offset; SIZE_MAX - k: k bytes from the end */
    uint32_t value;
    int width; /* 1 or 4 bytes */
    const char *why;
} corrupt_case;

/* Offsets in the record test_corrupt builds: header 12, path "/p" at 12
 * (4 + 3), title..event absent at 19 (5 x 4), lists at 39 (3 x 4), the
 * passage count at 51, the first passage at 55 (kind, number, start, end,
 * heading: 20 bytes), the second at 75, the text's length 15 bytes before
 * the end ("aaaa\n\nbbbb" and its NUL). */
static const corrupt_case corrupt[] = {
    {"magic", 0, 'X', 1, "not a wsearch record"},
    {"version", 3, 9, 1, "version 9"},
    {"type", 4, 200, 1, "unknown type"},
    {"flags", 5, 2, 1, "unknown type or flags"},
    {"meta_len too big", 8, 0x7fffffffu, 4, "ends early"},
    {"meta_len too small", 8, 10, 4, "text length"},
    {"path length past the end", 12, 5000, 4, "longer than allowed"},
    {"path length off by one", 12, 3, 4, "clean UTF-8"},
    {"list count", 39, 100000, 4, "too many list entries"},
    {"passage count", 51, 1000, 4, "too many passages"},
    {"passage kind", 55, 7, 4, "unknown passage kind"},
    {"passage kind bit", 55, 0x201, 4, "unknown passage kind"},
    {"passage start after end", 63, 9, 4, "passage outside the text"},
    {"passage end past the text", 67, 1000, 4, "passage outside the text"},
    {"text length", SIZE_MAX - 15, 5, 4, "text length"},
    {"final NUL", SIZE_MAX - 1, 'x', 1, "text length"},
};

static void test_corrupt(void **state)
{
    (void)state;
    ws_extracted *x = make(2, 4, NULL, 0);
    x->passages[0].kind = WS_PASSAGE_SECTION;
    char *buf = NULL;
    size_t len = 0;
    ws_error e;
    assert_int_equal(ws_record_encode(x, "/p", NULL, &buf, &len, &e), WS_OK);
    ws_record r;
    assert_int_equal(ws_record_open(&r, buf, len, &e), WS_OK);
    assert_int_equal(r.passages[0].kind, WS_PASSAGE_SECTION);
    ws_record_free(&r);
    for (size_t k = 0; k < sizeof corrupt / sizeof *corrupt; k++) {
        const corrupt_case *c = &corrupt[k];
        print_message("case %s\n", c->name);
        char *m = malloc(len);
        memcpy(m, buf, len);
        size_t at = c->at >= SIZE_MAX - 64 ? len - (SIZE_MAX - c->at) : c->at;
        if (c->width == 1)
            m[at] = (char)c->value;
        else
            put32(m + at, c->value);
        assert_int_equal(ws_record_open(&r, m, len, &e), WS_ECORRUPT);
        assert_non_null(strstr(e.msg, c->why));
        free(m);
    }
    /* passages that overlap */
    char *m = malloc(len);
    memcpy(m, buf, len);
    put32(m + 83, 0); /* second passage's start: 0 < first's end */
    assert_int_equal(ws_record_open(&r, m, len, &e), WS_ECORRUPT);
    free(m);
    /* random damage: refused or clean, never a crash */
    m = malloc(len);
    unsigned seed = 7;
    for (int round = 0; round < 20000; round++) {
        memcpy(m, buf, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            m[(seed >> 8) % len] = (char)(seed >> 16);
        }
        if (ws_record_open(&r, m, len, &e) == WS_OK) {
            for (size_t i = 0; i < r.npassages; i++)
                assert_true(r.passages[i].end <= r.text_len);
            ws_record_free(&r);
        }
    }
    free(m);
    free(buf);
    ws_extracted_free(x);
}

/* A part: its stretch of the passages (a piece of the first, the second
 * whole, a piece of the third), its number and offset; a later part leaves
 * the file-wide fields to part 0; a part number beyond the count is
 * refused. */
static void test_part(void **state)
{
    (void)state;
    ws_extracted *x = make(3, 10, "Kapitel", 0);
    x->description = strdup("Beschreibung");
    x->ntags = 1;
    x->tags = calloc(1, sizeof *x->tags);
    x->tags[0] = strdup("Wohnraum");
    ws_record_part pt = {2, 3, 0, 4, 2, 6, 4};
    ws_buf b = WS_BUF_INIT;
    assert_int_equal(ws_record_append_part(&b, x, "/p", "Titel", &pt), WS_OK);
    ws_record r;
    ws_error e;
    assert_int_equal(ws_record_open(&r, b.data, b.len, &e), WS_OK);
    assert_int_equal(r.part, 2);
    assert_int_equal(r.nparts, 3);
    assert_int_equal(r.text_off, 4);
    assert_int_equal(r.text_len, 6 + 2 + 10 + 2 + 6);
    assert_memory_equal(r.text, "aaaaaa\n\nbbbbbbbbbb\n\ncccccc", r.text_len);
    assert_int_equal(r.npassages, 3);
    assert_int_equal(r.passages[1].start, 8);
    assert_int_equal(r.passages[1].end, 18);
    assert_int_equal(r.passages[2].number, 3);
    assert_string_equal(r.passages[2].heading, "Kapitel");
    assert_string_equal(r.str[WS_FIELD_TITLE], "Titel");
    assert_null(r.str[WS_FIELD_DESCRIPTION]);
    assert_int_equal(r.nlist[WS_LIST_TAGS], 0);
    /* the part number sits 12 bytes before the text's length */
    size_t at = b.len - 1 - r.text_len - 4 - 12;
    ws_record_free(&r);
    put32(b.data + at, 3); /* part 3 of 3 */
    assert_int_equal(ws_record_open(&r, b.data, b.len, &e), WS_ECORRUPT);
    assert_non_null(strstr(e.msg, "part number out of range"));
    /* a range outside the passages is the caller's error */
    ws_record_part bad = {0, 1, 0, 0, 3, 0, 0};
    assert_int_equal(ws_record_append_part(&b, x, "/p", NULL, &bad), WS_EINVAL);
    ws_buf_free(&b);
    ws_extracted_free(x);
}

/* Through the library: a hit and ws_searcher_document read the binary
 * record; a damaged one is WS_ECORRUPT with a message naming the
 * document, never a crash or a half-filled hit. */
static void test_index_record(void **state)
{
    (void)state;
    char dir[] = "/tmp/ws-test-record-XXXXXX", docs[64], idx[64], file[96], cmd[128];
    assert_non_null(mkdtemp(dir));
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
    snprintf(file, sizeof file, "%s/wohnraum.md", docs);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", docs);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("---\ntitle: Wohnraum\nspeakers: [Dr. Aylin Kaya]\n---\n\n# Einleitung\n\nVorwort.\n\n"
          "# Diskussion\n\nDie Kommune sucht Wohnraum.\n",
          f);
    fclose(f);
    ws_index *ix = NULL;
    ws_error e;
    ws_index_stats st;
    const char *roots[] = {docs};
    assert_int_equal(ws_index_open(&ix, idx, NULL, &e), WS_OK);
    assert_int_equal(ws_index_update(ix, roots, 1, NULL, NULL, &st, &e), WS_OK);
    assert_int_equal(ws_index_close(ix, &e), WS_OK);

    ws_searcher *s = NULL;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    ws_results *r = NULL;
    assert_int_equal(ws_search(s, "Kommune", 7, NULL, &r, &e), WS_OK);
    assert_int_equal(r->nhits, 1);
    assert_string_equal(r->hits[0].title, "Wohnraum");
    assert_int_equal(r->hits[0].type, WS_DOC_MD);
    assert_int_equal(r->hits[0].passage_kind, WS_PASSAGE_SECTION);
    assert_string_equal(r->hits[0].passage_heading, "Diskussion");
    ws_results_free(r);
    ws_document *d = NULL;
    assert_int_equal(ws_searcher_document(s, 1, &d, &e), WS_OK);
    const char *const *v;
    assert_int_equal(ws_document_list(d, WS_LIST_SPEAKERS, &v), 1);
    assert_string_equal(v[0], "Dr. Aylin Kaya");
    const ws_document_passage *p;
    assert_int_equal(ws_document_passages(d, &p), 2);
    size_t tl;
    const char *t = ws_document_text(d, &tl);
    assert_memory_equal(t + p[1].start, "Die Kommune", 11);
    assert_null(ws_document_field(d, WS_FIELD_EVENT));
    ws_document_free(d);
    ws_searcher_close(s);

    /* damage the stored record: the second passage ends past the text */
    ws_xdb *db = NULL;
    assert_int_equal(ws_xdb_open_write(&db, idx, WS_XDB_OPEN, &e), WS_OK);
    ws_xdoc *doc = NULL;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(ws_xdb_get_document(db, 1, &doc, &e), WS_OK);
    assert_int_equal(ws_xdoc_get_data(doc, &data, &len, &e), WS_OK);
    ws_record rec;
    assert_int_equal(ws_record_open(&rec, data, len, &e), WS_OK);
    /* find the second passage's end (its u32 equals the text length) */
    size_t end_at = 0;
    for (size_t i = WS_RECORD_HEADER; i + 4 <= len; i++) {
        uint32_t u = (uint32_t)(unsigned char)data[i] | (uint32_t)(unsigned char)data[i + 1] << 8 |
                     (uint32_t)(unsigned char)data[i + 2] << 16 |
                     (uint32_t)(unsigned char)data[i + 3] << 24;
        if (u == rec.text_len && i > end_at && i < (size_t)(rec.text - data) - 4) {
            end_at = i;
            break;
        }
    }
    ws_record_free(&rec);
    assert_true(end_at > 0);
    put32(data + end_at, 0x7fffffffu);
    assert_int_equal(ws_xdoc_set_data(doc, data, len, &e), WS_OK);
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(file, idterm);
    assert_int_equal(ws_xdb_replace_by_term(db, idterm, doc, NULL, &e), WS_OK);
    assert_int_equal(ws_xdb_commit(db, &e), WS_OK);
    ws_xdoc_free(doc);
    free(data);
    ws_xdb_close(db);

    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    r = NULL;
    assert_int_equal(ws_search(s, "Kommune", 7, NULL, &r, &e), WS_ECORRUPT);
    assert_null(r);
    assert_non_null(strstr(e.msg, "passage outside the text"));
    assert_int_equal(ws_searcher_document(s, 1, &d, &e), WS_ECORRUPT);
    assert_null(d);
    ws_searcher_close(s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_names(void **state)
{
    (void)state;
    for (int k = WS_PASSAGE_BODY; k <= WS_PASSAGE_SHEET; k++)
        assert_int_equal(ws_passage_kind_from_name(ws_passage_kind_name((ws_passage_kind)k)), k);
    assert_int_equal(ws_passage_kind_from_name("chapter"), WS_PASSAGE_BODY);
    assert_int_equal(ws_passage_kind_from_name(NULL), WS_PASSAGE_BODY);
    assert_string_equal(ws_passage_kind_name(WS_PASSAGE_SLIDE), "slide");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_metadata_without_text),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_part),
        cmocka_unit_test(test_index_record),
        cmocka_unit_test(test_names),
    };
    return WS_RESULT(cmocka_run_group_tests(tests, NULL, NULL));
}
