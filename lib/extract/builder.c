/*
 * builder.c - the text and passage builder every extractor fills (ws_xb_*).
 *
 * The builder owns the limits (extract_int.h says which): whitespace is
 * collapsed as text arrives, the text stops at max_text on a character
 * boundary, passages open at headings, pages and slides, metadata fields
 * are cleaned and capped.  ws_xb_finish joins the passages into the
 * document's text and guesses a missing date; ws_xb_abort frees what an
 * extractor that failed had built.  Links live in links.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "extract/extract_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/strset.h"
#include "util/text.h"

/* Append a run of non-blank bytes, preceded by whatever break is owed. */
static void emit_run(ws_xb *b, const char *s, size_t n)
{
    char pre[2];
    size_t np = 0;
    /* the "\n\n" that will join this passage to the previous one */
    size_t sep = !b->cur_kept && b->x->npassages ? 2 : 0;
    if (b->cur.len) {
        if (b->pend_nl)
            for (int k = 0; k < b->pend_nl; k++)
                pre[np++] = '\n';
        else if (b->pend_sp)
            pre[np++] = ' ';
    }
    if (b->used + sep + np + n > b->max_text) {
        size_t room = b->max_text - b->used;
        room = room > sep + np ? room - sep - np : 0;
        n = ws_utf8_cut(s, n, room);
        b->full = 1;
        if (!n)
            return;
    }
    ws_buf_append(&b->cur, pre, np);
    ws_buf_append(&b->cur, s, n);
    if (b->cur.oom) {
        b->oom = 1;
        return;
    }
    b->used += sep + np + n;
    b->cur_kept = 1;
    b->pend_nl = 0;
    b->pend_sp = 0;
}

void ws_xb_text_clean(ws_xb *b, const char *s, size_t n, int flow)
{
    size_t i = 0;
    while (i < n && !b->full && !b->oom) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && !flow) {
            if (b->pend_nl < 2)
                b->pend_nl++;
            b->pend_sp = 0;
            i++;
        } else if (is_blank_byte(c)) {
            b->pend_sp = 1;
            i++;
        } else {
            size_t j = i + 1;
            while (j < n && !is_blank_byte((unsigned char)s[j]))
                j++;
            emit_run(b, s + i, j - i);
            i = j;
        }
    }
}

void ws_xb_text(ws_xb *b, const char *s, size_t n, int flow)
{
    if (b->full || b->oom || !n)
        return;
    int plain = 1;
    for (size_t i = 0; i < n && plain; i++) {
        unsigned char c = (unsigned char)s[i];
        plain = c < 0x80 && (c >= 0x20 || c == '\t' || c == '\n');
    }
    if (plain) {
        ws_xb_text_clean(b, s, n, flow);
        return;
    }
    char *clean = NULL;
    size_t clen = 0;
    if (ws_text_clean(s, n, &clean, &clen, NULL, NULL)) {
        b->oom = 1;
        return;
    }
    ws_xb_text_clean(b, clean, clen, flow);
    free(clean);
}

void ws_xb_break(ws_xb *b, int lines)
{
    if (b->pend_nl < lines)
        b->pend_nl = lines > 2 ? 2 : lines;
    b->pend_sp = 0;
}

/* Move the open passage into x->passages if it holds text or a heading. */
static void close_passage(ws_xb *b)
{
    ws_extracted *x = b->x;
    if (b->cur_kept && !b->oom) {
        if (x->npassages == b->passages_cap) {
            size_t cap = b->passages_cap ? b->passages_cap * 2 : 8;
            ws_passage *p = realloc(x->passages, cap * sizeof *p);
            if (!p) {
                b->oom = 1;
                goto reset;
            }
            x->passages = p;
            b->passages_cap = cap;
        }
        ws_passage *p = &x->passages[x->npassages];
        size_t tl = 0;
        char *t = ws_buf_steal(&b->cur, &tl);
        if (!t) {
            b->oom = 1;
            goto reset;
        }
        p->kind = b->kind;
        p->number = b->kind == WS_PASSAGE_SECTION ? ++b->nsections
                    : b->kind != WS_PASSAGE_BODY  ? b->number
                                                  : 0;
        p->heading = b->heading;
        p->text = t;
        p->text_len = tl;
        p->ocr = b->cur_ocr;
        b->heading = NULL;
        x->npassages++;
    }
reset:
    free(b->heading);
    b->heading = NULL;
    ws_buf_free(&b->cur);
    b->cur_kept = 0;
    b->cur_ocr = 0;
    b->pend_nl = b->pend_sp = 0;
}

/* Give the just-opened passage heading h (owned; NULL for none).  Headings
 * are not part of `text` but count against max_text, so that a flood of
 * headings cannot grow the record past it. */
static void take_heading(ws_xb *b, char *h)
{
    if (!h)
        return; /* kept only if text follows */
    /* The passage separator is counted once: with the heading, or with
     * the passage's first text if that came first (cur_kept). */
    size_t need = (!b->cur_kept && b->x->npassages ? 2 : 0) + strlen(h);
    if (b->used + need > b->max_text) {
        b->full = 1;
        free(h);
        return;
    }
    b->used += need;
    b->heading = h;
    b->cur_kept = 1;
}

void ws_xb_section(ws_xb *b, const char *heading, size_t n)
{
    if (b->full || b->oom)
        return;
    char *h = NULL;
    if (ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    if (b->x->npassages + 1 >= WS_X_MAX_PASSAGES) {
        /* Out of passages: the heading becomes a paragraph of the last one. */
        ws_xb_break(b, 2);
        if (h)
            ws_xb_text_clean(b, h, strlen(h), 1);
        ws_xb_break(b, 2);
        free(h);
        return;
    }
    close_passage(b);
    b->kind = WS_PASSAGE_SECTION;
    take_heading(b, h);
}

void ws_xb_page(ws_xb *b, ws_passage_kind kind, unsigned number, const char *heading, size_t n)
{
    if (b->full || b->oom)
        return;
    if (b->x->npassages + 1 >= WS_X_MAX_PASSAGES) {
        ws_xb_break(b, 2); /* out of passages: go on in the last one */
        return;
    }
    char *h = NULL;
    if (heading && ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    close_passage(b);
    b->kind = kind;
    b->number = number;
    take_heading(b, h);
}

void ws_xb_set_heading(ws_xb *b, const char *heading, size_t n)
{
    if (b->full || b->oom || b->heading || !heading)
        return;
    char *h = NULL;
    if (ws_text_field(heading, n, WS_X_HEADING_MAX, &h)) {
        b->oom = 1;
        return;
    }
    take_heading(b, h);
}

void ws_xb_head_append(ws_buf *h, const char *s, size_t n)
{
    if (h->max && h->len + n > h->max) {
        n = ws_utf8_cut(s, n, h->max > h->len ? h->max - h->len : 0);
        h->full = 1;
    }
    ws_buf_append(h, s, n);
}

int ws_xb_decode(ws_xb *b, const char *data, size_t len, char **text, size_t *tlen, ws_error *err)
{
    ws_error e;
    ws_error_clear(&e);
    int conv = 0;
    int rc = ws_text_decode(data, len, text, tlen, &conv, &e);
    if (rc)
        return ws_error_set(err, rc, "%s: %s", b->name, e.msg);
    b->x->converted = conv;
    return WS_OK;
}

void ws_xb_field(ws_xb *b, char **field, const char *s, size_t n)
{
    if (*field || !s)
        return;
    if (ws_text_field(s, n, WS_X_FIELD_MAX, field))
        b->oom = 1;
}

void ws_xb_list_add(ws_xb *b, char ***list, size_t *count, const char *s, size_t n)
{
    if (*count >= WS_X_MAX_LIST || !s)
        return;
    char *v = NULL;
    if (ws_text_field(s, n, WS_X_FIELD_MAX, &v)) {
        b->oom = 1;
        return;
    }
    if (!v)
        return;
    for (size_t i = 0; i < *count; i++) {
        if (strcmp((*list)[i], v) == 0) {
            free(v);
            return;
        }
    }
    char **l = realloc(*list, (*count + 1) * sizeof *l);
    if (!l) {
        free(v);
        b->oom = 1;
        return;
    }
    l[(*count)++] = v;
    *list = l;
}

void ws_xb_list_split(ws_xb *b, char ***list, size_t *count, const char *s, size_t n,
                      const char *seps)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || strchr(seps, s[i])) {
            ws_xb_list_add(b, list, count, s + start, i - start);
            start = i + 1;
        }
    }
}

int ws_xb_date(ws_xb *b, char **date, const char *s, size_t n)
{
    char d[11];
    if (*date || !s || !ws_date_parse(s, n, d))
        return 0;
    *date = malloc(sizeof d);
    if (!*date) {
        b->oom = 1;
        return 0;
    }
    memcpy(*date, d, sizeof d);
    return 1;
}

void ws_xb_abort(ws_xb *b)
{
    ws_buf_free(&b->cur);
    free(b->heading);
    ws_strset_free(b->link_set);
    ws_extracted_free(b->x);
    b->x = NULL;
}

int ws_xb_finish(ws_xb *b, ws_extracted **out, ws_error *err)
{
    close_passage(b);
    ws_extracted *x = b->x;
    if (b->pages_to_sections) {
        /* One page: its headings say more than "page 1". */
        int paged = 0;
        for (size_t i = 0; i < x->npassages; i++)
            paged |= x->passages[i].kind == WS_PASSAGE_PAGE && x->passages[i].number > 1;
        unsigned k = 0;
        for (size_t i = 0; !paged && i < x->npassages; i++) {
            ws_passage *p = &x->passages[i];
            if (p->kind != WS_PASSAGE_PAGE)
                continue;
            p->kind = p->heading ? WS_PASSAGE_SECTION : WS_PASSAGE_BODY;
            p->number = p->heading ? ++k : 0;
        }
    }
    if (!b->oom) {
        size_t total = 0;
        for (size_t i = 0; i < x->npassages; i++)
            total += (i ? 2 : 0) + x->passages[i].text_len;
        x->text = malloc(total + 1);
        if (x->text) {
            size_t o = 0;
            for (size_t i = 0; i < x->npassages; i++) {
                if (i) {
                    memcpy(x->text + o, "\n\n", 2);
                    o += 2;
                }
                memcpy(x->text + o, x->passages[i].text, x->passages[i].text_len);
                o += x->passages[i].text_len;
            }
            x->text[o] = '\0';
            x->text_len = o;
        } else {
            b->oom = 1;
        }
    }
    /* No date in the metadata: the first one in the text is the best guess. */
    char d[11];
    int found = 0;
    for (size_t i = 0; !b->oom && !x->date && !found && i < x->npassages; i++) {
        const ws_passage *p = &x->passages[i];
        found = (p->heading && ws_date_find(p->heading, strlen(p->heading), d)) ||
                ws_date_find(p->text, p->text_len, d);
    }
    if (found) {
        x->date = malloc(sizeof d);
        if (x->date)
            memcpy(x->date, d, sizeof d);
        else
            b->oom = 1;
    }
    if (b->oom) {
        ws_xb_abort(b);
        return ws_error_set(err, WS_ENOMEM, "%s: out of memory", b->name);
    }
    ws_strset_free(b->link_set);
    b->link_set = NULL;
    *out = x;
    b->x = NULL;
    return WS_OK;
}
