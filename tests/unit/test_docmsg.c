/*
 * test_docmsg.c - the ready documents a worker sends its writer
 * (lib/index/docbuild.c builds them, lib/index/docmsg.c encodes and
 * validates): a file's terms arrive merged, with wdf and ascending
 * positions where phrases need them, its values, record and spelling
 * words; and a message that lies is refused with the reason, never
 * misread (a long file arrives as parts that join into its text):
 * truncated at any byte, bytes flipped, a term the writer keeps
 * for itself (the unique id), the signature slot, positions out of order,
 * a term that is no UTF-8, a record naming another file or type.
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

#include "index/docbuild.h"
#include "index/docmsg.h"
#include "index/record.h"
#include "index/schema.h"

#define PATH     "/srv/docs/wohnraum.md"
#define MAX_TEXT ((size_t)1 << 20)

static const ws_docmsg_expect want = {PATH, WS_DOC_MD, MAX_TEXT};

/* A small extracted Markdown file: a title, two sections, a tag. */
static ws_extracted *sample(void)
{
    ws_extracted *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->type = WS_DOC_MD;
    x->title = strdup("Wohnraum für Kommunen");
    static const char *const texts[] = {"Die Kommune sucht Wohnraum.", "Kommunen helfen 2024."};
    static const char *const heads[] = {"Einleitung", "Praxis"};
    x->npassages = 2;
    x->passages = calloc(2, sizeof *x->passages);
    size_t l0 = strlen(texts[0]), l1 = strlen(texts[1]);
    x->text_len = l0 + 2 + l1;
    x->text = malloc(x->text_len + 1);
    snprintf(x->text, x->text_len + 1, "%s\n\n%s", texts[0], texts[1]);
    for (int i = 0; i < 2; i++) {
        x->passages[i].kind = WS_PASSAGE_SECTION;
        x->passages[i].number = (unsigned)i + 1;
        x->passages[i].heading = strdup(heads[i]);
        x->passages[i].text = strdup(texts[i]);
        x->passages[i].text_len = strlen(texts[i]);
    }
    x->ntags = 1;
    x->tags = calloc(1, sizeof *x->tags);
    x->tags[0] = strdup("Dolmetschen");
    return x;
}

/* The sample's message, built as a worker builds it. */
static char *sample_msg(size_t *len)
{
    ws_analyzer *an = NULL;
    ws_error err;
    assert_int_equal(ws_analyzer_new(&an, &err), WS_OK);
    ws_docbuild b;
    ws_docbuild_init(&b, an, NULL);
    ws_extracted *x = sample();
    char *m = NULL;
    assert_int_equal(ws_docbuild_file(&b, PATH, x, &m, len, &err), WS_OK);
    ws_extracted_free(x);
    ws_docbuild_free(&b);
    ws_analyzer_free(an);
    return m;
}

static char *copy(const char *m, size_t len)
{
    char *c = malloc(len ? len : 1);
    assert_non_null(c);
    memcpy(c, m, len);
    return c;
}

static const ws_xterm *find(const ws_docmsg_doc *d, const char *term)
{
    for (size_t i = 0; i < d->nterms; i++)
        if (d->terms[i].len == strlen(term) && !memcmp(d->terms[i].term, term, d->terms[i].len))
            return &d->terms[i];
    return NULL;
}

static void test_round_trip(void **state)
{
    (void)state;
    size_t len;
    char *m = sample_msg(&len);
    ws_docmsg *dm = NULL;
    ws_error err;
    assert_int_equal(ws_docmsg_decode(m, len, &want, &dm, &err), WS_OK);
    assert_int_equal(dm->ndocs, 1);
    const ws_docmsg_doc *d = &dm->docs[0];
    /* words: merged over title and body, positions ascending */
    const ws_xterm *t = find(d, "kommunen");
    assert_non_null(t);
    assert_int_equal(t->npos, 2); /* the title and the second section */
    assert_true(t->pos[0] < t->pos[1]);
    assert_int_equal(t->wdf, WS_TITLE_WDF + 1);
    /* a stem carries wdf, never positions; a title copy is prefixed */
    t = find(d, "Zkommun");
    assert_non_null(t);
    assert_int_equal(t->npos, 0);
    assert_true(t->wdf >= 3);
    assert_non_null(find(d, "Swohnraum"));
    /* filters are boolean; the writer adds the unique id itself */
    t = find(d, "Tmd");
    assert_non_null(t);
    assert_int_equal(t->wdf, 0);
    assert_non_null(find(d, "Kdolmetschen"));
    for (size_t i = 0; i < d->nterms; i++)
        assert_true(d->terms[i].term[0] != 'Q');
    int type_value = 0;
    for (unsigned i = 0; i < d->nvalues; i++)
        if (d->values[i].slot == WS_SLOT_FACETS) /* type first, then year, ... */
            type_value = d->values[i].len > 3 && !memcmp(d->values[i].data, "md\x1e", 3);
    assert_true(type_value);
    /* the record is the one the searcher reads */
    ws_record rec;
    assert_int_equal(ws_record_open(&rec, d->data, d->data_len, &err), WS_OK);
    assert_string_equal(rec.str[WS_FIELD_PATH], PATH);
    assert_string_equal(rec.str[WS_FIELD_TITLE], "Wohnraum für Kommunen");
    assert_int_equal(rec.npassages, 2);
    ws_record_free(&rec);
    /* spelling words: title and headings marked, numbers left out */
    int heading = 0, body = 0;
    for (size_t i = 0; i < dm->nwords; i++) {
        const ws_docmsg_word *w = &dm->words[i];
        if (w->len == 10 && !memcmp(w->word, "einleitung", 10))
            heading = (w->flags & WS_SPELL_HEADING) != 0;
        if (w->len == 5 && !memcmp(w->word, "sucht", 5))
            body = w->flags == 0 && w->count == 1;
        assert_false(w->len == 4 && !memcmp(w->word, "2024", 4));
    }
    assert_true(heading);
    assert_true(body);
    assert_int_equal(dm->text_len, strlen("Die Kommune sucht Wohnraum.\n\nKommunen helfen 2024."));
    ws_docmsg_free(dm);
}

/* A long section becomes several parts of at most 12 KB, cut at paragraph
 * breaks; short passages share a part; the parts' texts at their offsets
 * are the file's text; every part carries the title and filters, only
 * part 0 the plain title words and the file-wide fields. */
static void test_parts(void **state)
{
    (void)state;
    ws_extracted *x = sample();
    /* section 2 becomes ~30 KB of paragraphs */
    ws_passage *p = &x->passages[1];
    free(p->text);
    char *long_text = malloc(31000);
    size_t n = 0;
    for (int i = 0; n < 30000; i++)
        n += (size_t)snprintf(long_text + n, 31000 - n,
                              "%sAbsatz %d: Die Wohnsitzauflage gilt für anerkannte Flüchtlinge "
                              "drei Jahre lang, sagt die Ausländerbehörde der Kommune.",
                              i ? "\n\n" : "", i);
    p->text = long_text;
    p->text_len = n;
    free(x->text);
    x->text_len = x->passages[0].text_len + 2 + n;
    x->text = malloc(x->text_len + 1);
    snprintf(x->text, x->text_len + 1, "%s\n\n%s", x->passages[0].text, long_text);
    ws_analyzer *an = NULL;
    ws_error err;
    assert_int_equal(ws_analyzer_new(&an, &err), WS_OK);
    ws_docbuild b;
    ws_docbuild_init(&b, an, NULL);
    char *m = NULL;
    size_t len = 0;
    assert_int_equal(ws_docbuild_file(&b, PATH, x, &m, &len, &err), WS_OK);
    ws_docmsg *dm = NULL;
    assert_int_equal(ws_docmsg_decode(m, len, &want, &dm, &err), WS_OK);
    assert_true(dm->ndocs >= 3 && dm->ndocs <= 4);
    char *joined = calloc(x->text_len + 1, 1);
    size_t end = 0;
    for (size_t k = 0; k < dm->ndocs; k++) {
        const ws_docmsg_doc *d = &dm->docs[k];
        ws_record rec;
        assert_int_equal(ws_record_open(&rec, d->data, d->data_len, &err), WS_OK);
        assert_int_equal(rec.part, k);
        assert_int_equal(rec.nparts, dm->ndocs);
        assert_true(rec.text_len <= 12288);
        assert_true(rec.text_off == end || rec.text_off == end + 2);
        assert_true(rec.text_off + rec.text_len <= x->text_len);
        size_t end_before = end;
        memcpy(joined + rec.text_off, rec.text, rec.text_len);
        if (rec.text_off == end + 2)
            memcpy(joined + end, "\n\n", 2);
        end = rec.text_off + rec.text_len;
        /* a piece of the long section names it; cut after a paragraph */
        assert_true(rec.npassages >= 1);
        const ws_record_passage *last = &rec.passages[rec.npassages - 1];
        assert_string_equal(last->heading, k == 0 && rec.npassages == 1 ? "Einleitung" : "Praxis");
        if (k && rec.text_off == end_before) /* a cut inside a passage */
            assert_memory_equal(joined + end_before - 2, "\n\n", 2);
        /* title field, filters and tags on every part; plain title words
         * and the tag's text only in part 0 */
        assert_non_null(find(d, "Swohnraum"));
        assert_non_null(find(d, "Tmd"));
        assert_non_null(find(d, "Kdolmetschen"));
        assert_true((find(d, "dolmetschen") != NULL) == (k == 0));
        assert_true((rec.nlist[WS_LIST_TAGS] == 1) == (k == 0));
        if (k) { /* words of the part's own text keep their positions */
            const ws_xterm *t = find(d, "wohnsitzauflage");
            assert_non_null(t);
            assert_true(t->npos >= 1);
            assert_null(find(d, "einleitung"));
        }
        ws_record_free(&rec);
    }
    assert_int_equal(end, x->text_len);
    assert_memory_equal(joined, x->text, x->text_len);
    free(joined);
    ws_docmsg_free(dm);
    ws_docbuild_free(&b);
    ws_analyzer_free(an);
    ws_extracted_free(x);
}

/* The sample refused when the writer asked for another file or type. */
static void test_wrong_file(void **state)
{
    (void)state;
    size_t len;
    char *m = sample_msg(&len);
    static const ws_docmsg_expect other[] = {
        {"/srv/docs/other.md", WS_DOC_MD, MAX_TEXT},
        {PATH, WS_DOC_TXT, MAX_TEXT},
        {PATH, WS_DOC_MD, 10},
        {NULL, WS_DOC_MD, MAX_TEXT},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        ws_docmsg *dm = NULL;
        ws_error err;
        assert_int_equal(ws_docmsg_decode(copy(m, len), len, &other[i], &dm, &err), WS_EFORMAT);
        assert_null(dm);
        assert_non_null(strstr(err.msg, "invalid document from the worker: "));
    }
    free(m);
}

/* Cut at every byte, and every byte flipped: refused or decoded, never
 * misread (the sanitizer build watches the reads). */
static void test_truncated_and_flipped(void **state)
{
    (void)state;
    size_t len;
    char *m = sample_msg(&len);
    for (size_t cut = 0; cut < len; cut++) {
        ws_docmsg *dm = NULL;
        ws_error err;
        assert_int_equal(ws_docmsg_decode(copy(m, cut), cut, &want, &dm, &err), WS_EFORMAT);
    }
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            char *c = copy(m, len);
            c[i] = (char)(c[i] ^ (1 << bit));
            ws_docmsg *dm = NULL;
            ws_error err;
            int rc = ws_docmsg_decode(c, len, &want, &dm, &err);
            assert_true(rc == WS_OK || rc == WS_EFORMAT);
            for (size_t t = 0; rc == WS_OK && t < dm->docs[0].nterms; t++) {
                const ws_xterm *x = &dm->docs[0].terms[t];
                assert_true(x->len >= 1 && x->len <= WS_DOCMSG_TERM_MAX && x->term[0] != 'Q');
                for (uint32_t k = 1; k < x->npos; k++)
                    assert_true(x->pos[k] > x->pos[k - 1]);
            }
            ws_docmsg_free(dm);
        }
    }
    free(m);
}

/* ---- messages a builder would never make ----------------------------------- */

static void put_u32(ws_buf *b, uint32_t v)
{
    char c[4] = {(char)(v & 0xff), (char)((v >> 8) & 0xff), (char)((v >> 16) & 0xff),
                 (char)(v >> 24)};
    ws_buf_append(b, c, 4);
}

/* One document with a good record, the given values and one term with
 * the given positions (as deltas, possibly 0), no words, an empty trailer. */
static char *forged(const char *term, size_t tlen, const uint8_t *deltas, size_t nd, uint32_t slot,
                    size_t *len)
{
    ws_extracted *x = sample();
    char *data = NULL;
    size_t dlen = 0;
    ws_error err;
    assert_int_equal(ws_record_encode(x, PATH, NULL, &data, &dlen, &err), WS_OK);
    ws_buf b = WS_BUF_INIT;
    ws_buf_append(&b, "WSD\x01", 4);
    put_u32(&b, 1);
    put_u32(&b, (uint32_t)dlen);
    ws_buf_append(&b, data, dlen);
    put_u32(&b, 1);
    put_u32(&b, slot);
    put_u32(&b, 2);
    ws_buf_append(&b, "md", 2);
    put_u32(&b, 1);
    ws_buf_putc(&b, (char)tlen);
    ws_buf_append(&b, term, tlen);
    ws_buf_putc(&b, 1);
    ws_buf_putc(&b, (char)nd);
    ws_buf_append(&b, (const char *)deltas, nd);
    put_u32(&b, 0); /* words */
    ws_extracted none;
    memset(&none, 0, sizeof none);
    none.text_len = x->text_len;
    ws_docmsg_put_trailer(&b, &none, 1);
    free(data);
    ws_extracted_free(x);
    assert_false(b.oom);
    return ws_buf_steal(&b, len);
}

static void test_forged(void **state)
{
    (void)state;
    static const uint8_t up[] = {3, 4}, zero[] = {3, 0};
    static const struct {
        const char *term;
        const uint8_t *deltas;
        size_t nd;
        uint32_t slot;
        const char *why; /* NULL: accepted */
    } rows[] = {
        {"kommune", up, 2, WS_SLOT_FACETS, NULL},
        {"Q/srv/docs/other.md", NULL, 0, WS_SLOT_FACETS, "unique id term"},
        {"XH", NULL, 0, WS_SLOT_FACETS, "unique id term"}, /* the head term is the writer's */
        {"kommune", up, 2, WS_SLOT_KEY, "value slot not allowed"},
        {"kommune", up, 2, WS_SLOT_SIGNATURE, "value slot not allowed"},
        {"kommune", zero, 2, WS_SLOT_FACETS, "positions not ascending"},
        {"komm\xff", up, 2, WS_SLOT_FACETS, "not UTF-8"},
        {"XL/srv/\xff", NULL, 0, WS_SLOT_FACETS, NULL}, /* a path cut inside a character */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len;
        char *m = forged(rows[i].term, strlen(rows[i].term), rows[i].deltas, rows[i].nd,
                         rows[i].slot, &len);
        ws_docmsg *dm = NULL;
        ws_error err;
        int rc = ws_docmsg_decode(m, len, &want, &dm, &err);
        if (!rows[i].why) {
            assert_int_equal(rc, WS_OK);
            assert_int_equal(dm->docs[0].nterms, 1);
        } else {
            assert_int_equal(rc, WS_EFORMAT);
            if (!strstr(err.msg, rows[i].why))
                fail_msg("row %zu: '%s' does not say '%s'", i, err.msg, rows[i].why);
        }
        ws_docmsg_free(dm);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_parts),
        cmocka_unit_test(test_wrong_file), cmocka_unit_test(test_truncated_and_flipped),
        cmocka_unit_test(test_forged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
