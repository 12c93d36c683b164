/*
 * docbuild.c - an extracted file made into ready documents (docbuild.h).
 *
 * Runs in a worker process: the writer only writes, so with -j N the
 * analysis, the expensive part on long documents, runs on N cores.  The
 * terms are exactly those the writer used to add itself: the title
 * (prefixed for title: searches and plain with a higher wdf), each
 * passage's heading (wdf 2) and text, the speakers, organisation and event
 * (prefixed and plain), the description and the tags, each text starting
 * at the next multiple of WS_POS_GAP so a phrase never spans two of them.
 * Folded words carry positions (phrases, NEAR); stems, exact spellings,
 * compound parts and joins do not.
 *
 * A file becomes parts (plan_parts), each a Xapian document, so that a
 * query's cost and a hit's snippet are bounded by a part, not by the
 * file: whole passages (sections, pages, slides) up to WS_PART_BYTES of
 * text, a longer passage cut into pieces at a paragraph, line, sentence
 * or word boundary.  Every part holds its own text's terms with positions
 * and, prefixed and without positions, the file's title and fields, so a
 * part ranks with its file's title and field searches work on every part;
 * filter terms and values are on every part.  What concerns the file once
 * (the plain title and fields, the description, the tags' text, links,
 * spelling words of the title and fields) is in part 0.
 *
 * Spelling words are the plain words of the title, headings and body
 * (not numbers, two letters or more), counted per file and marked when
 * they stand in a title or heading or the word list knows them (see
 * spelling.c for which of them the table keeps).
 */
#define _POSIX_C_SOURCE 200809L
#include "index/docbuild.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "index/record.h"
#include "index/schema.h"
#include "search/related.h"

void ws_docbuild_init(ws_docbuild *b, ws_analyzer *an, const ws_compounds *dict)
{
    memset(b, 0, sizeof *b);
    b->an = an;
    b->dict = dict;
    ws_docmsg_builder_init(&b->mb);
}

void ws_docbuild_free(ws_docbuild *b)
{
    ws_termgen_free(b->tg);
    ws_termlist_free(&b->terms);
    ws_docmsg_builder_free(&b->mb);
    ws_buf_free(&b->rec);
    memset(b, 0, sizeof *b);
}

/* A part's text: passages up to this many bytes; a longer one is cut.
 * On the long corpus (bench/index_bench.sh) the index is 1.76 times
 * omindex's with 4 KB parts, 1.55 with 8 KB, 1.46 with 12 KB and 1.39
 * with 16 KB (a position list and termlist entry per term and part, a
 * record per part); one document per file was 1.16. */
#define WS_PART_BYTES 12288

/* How a text's words feed the spelling table. */
enum { SPELL_NONE = 0, SPELL_BODY, SPELL_HEADING };

/* A word the word list knows, or one it split (PART terms follow it). */
static int known_word(const ws_docbuild *b, size_t i)
{
    const ws_termlist *l = &b->terms;
    const ws_term *t = &l->v[i];
    for (size_t j = i + 1; j < l->n && l->v[j].pos == t->pos && l->v[j].kind != WS_TERM_WORD; j++)
        if (l->v[j].kind == WS_TERM_PART)
            return 1;
    return b->dict && ws_compounds_has(b->dict, ws_termlist_term(l, i), t->len);
}

/* The generator's terms into the document: words with their positions,
 * stems, exact spellings, compound parts and hyphen joins without. */
static void add_terms(ws_docbuild *b, int spell)
{
    ws_docmsg_builder *mb = &b->mb;
    for (size_t i = 0; i < b->terms.n; i++) {
        const ws_term *t = &b->terms.v[i];
        const char *term = ws_termlist_term(&b->terms, i);
        int word = t->kind == WS_TERM_WORD;
        ws_docmsg_add_term(mb, term, t->len, t->wdf, word && !b->nopos ? t->pos : 0);
        /* Spelling suggestions come from words, not numbers.  Short words
         * must be there too, or the parser "corrects" vor to davor. */
        if (word && spell && !(t->flags & WS_TOK_NUMBER) && t->len >= 2) {
            int added = 0;
            unsigned char *fl = ws_docmsg_add_word(mb, term, t->len, &added);
            if (fl && spell == SPELL_HEADING)
                *fl |= WS_SPELL_HEADING;
            if (fl && added && known_word(b, i))
                *fl |= WS_SPELL_KNOWN;
        }
    }
}

static int index_text(ws_docbuild *b, const char *prefix, uint32_t wdf, int spell, const char *text,
                      size_t len, uint32_t *pos, ws_error *err)
{
    ws_termlist_clear(&b->terms);
    uint32_t next = *pos;
    int rc = ws_termgen_text(b->tg, prefix, wdf, text, len, &next, &b->terms, err);
    if (rc == WS_OK)
        add_terms(b, *prefix || b->nopos ? SPELL_NONE : spell);
    /* Leave a gap so a phrase never runs from one field into the next. */
    *pos = ((next / WS_POS_GAP) + 1) * WS_POS_GAP;
    return rc;
}

/* Free text in a field: prefixed terms for field search, plain terms so a
 * word search finds it too (unless prefixed_only: a later part). */
static int index_field(ws_docbuild *b, const char *prefix, const char *text, int prefixed_only,
                       uint32_t *pos, ws_error *err)
{
    if (!text || !*text)
        return WS_OK;
    size_t len = strlen(text);
    uint32_t p = *pos;
    int rc = index_text(b, prefix, 1, SPELL_NONE, text, len, &p, err);
    if (rc == WS_OK && !prefixed_only)
        rc = index_text(b, "", 1, SPELL_BODY, text, len, pos, err);
    return rc;
}

/* A title for documents that have none: the file name without extension. */
static char *title_from_path(const char *path)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    const char *dot = strrchr(s, '.');
    size_t n = dot && dot != s ? (size_t)(dot - s) : strlen(s);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (s[i] == '_' || s[i] == '-') ? ' ' : s[i];
    t[n] = '\0';
    return t;
}

/* The free text of part pt: the title, prefixed for title: searches and
 * plain with a higher wdf so a title match outranks a body match; the
 * part's passages (a heading with each piece of its passage); the fields;
 * the description.  Later parts hold the title and fields prefixed only
 * and without positions: the query matches each plain word in the title
 * field too (coord.c), so a part ranks with its file's title, and the
 * plain title words make part 0 the best part of a file that matches by
 * its title alone (not the shortest part, as BM25 would pick). */
static int index_part_text(ws_docbuild *b, const ws_extracted *x, const char *title,
                           const ws_record_part *pt, uint32_t *pos, ws_error *err)
{
    uint32_t p0 = *pos;
    size_t tl = strlen(title);
    int later = pt->part != 0;
    b->nopos = later;
    int rc = index_text(b, WS_PFX_TITLE, 1, SPELL_NONE, title, tl, &p0, err);
    if (rc == WS_OK && !later)
        rc = index_text(b, "", WS_TITLE_WDF, SPELL_HEADING, title, tl, pos, err);
    b->nopos = 0;
    for (size_t i = pt->first; rc == WS_OK && x->npassages && i <= pt->last; i++) {
        const ws_passage *p = &x->passages[i];
        size_t s = i == pt->first ? pt->first_start : 0;
        size_t e = i == pt->last ? pt->last_end : p->text_len;
        if (p->heading && *p->heading) {
            b->nopos = s != 0; /* a continued section: its heading once more, for ranking */
            rc = index_text(b, "", 2, SPELL_HEADING, p->heading, strlen(p->heading), pos, err);
            b->nopos = 0;
        }
        if (rc == WS_OK)
            rc = index_text(b, "", 1, SPELL_BODY, p->text + s, e - s, pos, err);
    }
    b->nopos = later;
    for (size_t i = 0; rc == WS_OK && i < x->nspeakers; i++)
        rc = index_field(b, WS_PFX_SPEAKER, x->speakers[i], later, pos, err);
    if (rc == WS_OK)
        rc = index_field(b, WS_PFX_ORG, x->organisation, later, pos, err);
    if (rc == WS_OK)
        rc = index_field(b, WS_PFX_EVENT, x->event, later, pos, err);
    b->nopos = 0;
    if (rc == WS_OK && !later && x->description)
        rc = index_text(b, "", 1, SPELL_BODY, x->description, strlen(x->description), pos, err);
    return rc;
}

/* Where to cut text[o, len) so the piece holds at most max bytes: after
 * the last paragraph break, else line break, else sentence end, else
 * space in its second half; else at a character boundary. */
static size_t cut_at(const char *t, size_t o, size_t max)
{
    size_t hi = o + max, lo = o + max / 2;
    for (size_t c = hi; c > lo + 1; c--)
        if (t[c - 1] == '\n' && t[c - 2] == '\n')
            return c;
    for (size_t c = hi; c > lo; c--)
        if (t[c - 1] == '\n')
            return c;
    for (size_t c = hi; c > lo + 1; c--)
        if (t[c - 1] == ' ' && (t[c - 2] == '.' || t[c - 2] == '!' || t[c - 2] == '?'))
            return c;
    for (size_t c = hi; c > lo; c--)
        if (t[c - 1] == ' ')
            return c;
    size_t c = hi;
    while (c > o + 1 && ((unsigned char)t[c] & 0xC0) == 0x80)
        c--;
    return c;
}

typedef struct part_plan {
    ws_record_part *v;
    size_t n, cap;
} part_plan;

static int plan_push(part_plan *pl, const ws_record_part *p)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 8;
        ws_record_part *v = realloc(pl->v, cap * sizeof *v);
        if (!v)
            return WS_ENOMEM;
        pl->v = v;
        pl->cap = cap;
    }
    pl->v[pl->n++] = *p;
    return WS_OK;
}

/* The file's parts, in order: consecutive passages while they fit in
 * WS_PART_BYTES, a passage too long for one part cut into pieces that
 * do.  A file without passages is one empty part. */
static int plan_parts(const ws_extracted *x, part_plan *pl)
{
    ws_record_part cur = {0};
    int open = 0, rc = WS_OK;
    size_t size = 0, off = 0; /* off: where passage i starts in the whole text */
    for (size_t i = 0; rc == WS_OK && i < x->npassages; i++) {
        size_t len = x->passages[i].text_len, o = 0;
        for (;;) {
            size_t rest = len - o;
            if (open && size + 2 + rest <= WS_PART_BYTES) {
                cur.last = i;
                cur.last_end = len;
                size += 2 + rest;
                break;
            }
            if (open) {
                rc = plan_push(pl, &cur);
                open = 0;
                if (rc != WS_OK)
                    break;
            }
            cur.first = i;
            cur.first_start = o;
            cur.text_off = off + o;
            cur.last = i;
            open = 1;
            if (rest <= WS_PART_BYTES) {
                cur.last_end = len;
                size = rest;
                break;
            }
            size_t c = cut_at(x->passages[i].text, o, WS_PART_BYTES);
            cur.last_end = c;
            rc = plan_push(pl, &cur);
            open = 0;
            o = c;
            if (rc != WS_OK)
                break;
        }
        off += len + 2;
    }
    if (rc == WS_OK && (open || !pl->n))
        rc = plan_push(pl, &cur);
    for (size_t k = 0; rc == WS_OK && k < pl->n; k++) {
        pl->v[k].part = (uint32_t)k;
        pl->v[k].nparts = (uint32_t)pl->n;
    }
    return rc;
}

static void add_boolean(ws_docbuild *b, const char *term)
{
    ws_docmsg_add_term(&b->mb, term, strlen(term), 0, 0);
}

/* Tags: each word a boolean K term (tag:dolmetschen) on every part, and
 * free text in part 0. */
static int index_tags(ws_docbuild *b, const ws_extracted *x, uint32_t part, uint32_t *pos,
                      ws_error *err)
{
    int rc = WS_OK;
    for (size_t i = 0; rc == WS_OK && i < x->ntags; i++) {
        const char *t = x->tags[i];
        if (part == 0)
            rc = index_text(b, "", 1, SPELL_NONE, t, strlen(t), pos, err);
        char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1];
        for (const char *s = t; rc == WS_OK && *s;) {
            size_t n = strcspn(s, " \t,;");
            if (n && ws_analyze_word(b->an, s, n, term, stem, NULL) == WS_OK) {
                char bt[WS_MAX_TERM + 4];
                snprintf(bt, sizeof bt, "%s%s", WS_PFX_TAG, term);
                add_boolean(b, bt);
            }
            s += n;
            s += strspn(s, " \t,;");
        }
    }
    return rc;
}

static void add_value(ws_docbuild *b, unsigned slot, const char *v, size_t len)
{
    ws_docmsg_add_value(&b->mb, slot, v, len);
}

/* A facet field, without the separators the value uses. */
static void put_facet(ws_buf *v, const char *s)
{
    for (; s && *s; s++)
        ws_buf_putc(v, *s == WS_XFACET_SEP || *s == WS_XFACET_FIELD_SEP ? ' ' : *s);
}

/* The value the searcher counts for facets (schema.h, WS_SLOT_FACETS):
 * the fields as written, the file's key is the writer's. */
static void add_facets(ws_docbuild *b, const ws_extracted *x, const char *type)
{
    ws_buf v = WS_BUF_INIT;
    for (int f = 0; f < WS_FACET_COUNT_; f++) {
        if (f)
            ws_buf_putc(&v, WS_XFACET_FIELD_SEP);
        if (f == WS_FACET_TYPE)
            put_facet(&v, type);
        else if (f == WS_FACET_YEAR && x->date && strlen(x->date) >= 4)
            ws_buf_append(&v, x->date, 4);
        else if (f == WS_FACET_ORG)
            put_facet(&v, x->organisation);
        else if (f == WS_FACET_EVENT)
            put_facet(&v, x->event);
        for (size_t i = 0; f == WS_FACET_SPEAKERS && i < x->nspeakers; i++) {
            if (i)
                ws_buf_putc(&v, WS_XFACET_SEP);
            put_facet(&v, x->speakers[i]);
        }
    }
    if (ws_buf_cstr(&v))
        add_value(b, WS_SLOT_FACETS, v.data, v.len);
    else
        b->mb.oom = 1;
    ws_buf_free(&v);
}

/* Filters and values: type, date, facets (the signature is the writer's). */
static void add_filters(ws_docbuild *b, const ws_extracted *x)
{
    char bt[64];
    const char *tn = ws_doctype_name(x->type);
    snprintf(bt, sizeof bt, "%s%s", WS_PFX_TYPE, tn);
    add_boolean(b, bt);
    if (x->date && strlen(x->date) == 10) {
        char ymd[9];
        snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", x->date, x->date + 5, x->date + 8);
        add_value(b, WS_SLOT_DATE, ymd, 8);
        snprintf(bt, sizeof bt, "%s%.4s", WS_PFX_YEAR, ymd);
        add_boolean(b, bt);
        snprintf(bt, sizeof bt, "%s%.6s", WS_PFX_MONTH, ymd);
        add_boolean(b, bt);
        snprintf(bt, sizeof bt, "%s%s", WS_PFX_DATE, ymd);
        add_boolean(b, bt);
    }
    add_facets(b, x, tn);
}

/* Links to local files, for related documents (see related.h), and the
 * document's own name (the idterm is the writer's). */
static void add_links(ws_docbuild *b, const char *path, const ws_extracted *x)
{
    char rt[WS_MAX_IDTERM + 1], target[PATH_MAX], name[PATH_MAX];
    for (size_t i = 0; i < x->nlinks; i++) {
        if (!ws_related_resolve(path, x->links[i], target, sizeof target))
            continue;
        ws_related_term(WS_PFX_LINK, target, rt);
        add_boolean(b, rt);
        if (ws_related_name(target, name, sizeof name)) {
            ws_related_term(WS_PFX_LINKNAME, name, rt);
            add_boolean(b, rt);
        }
    }
    if (ws_related_name(path, name, sizeof name)) {
        ws_related_term(WS_PFX_NAME, name, rt);
        add_boolean(b, rt);
    }
}

/* Part pt of the file as the builder's next document. */
static int build_part(ws_docbuild *b, const char *path, const ws_extracted *x, const char *title,
                      const ws_record_part *pt, ws_error *err)
{
    uint32_t pos = 1;
    int rc = index_part_text(b, x, title, pt, &pos, err);
    if (rc == WS_OK)
        rc = index_tags(b, x, pt->part, &pos, err);
    if (rc != WS_OK)
        return rc;
    add_filters(b, x);
    if (pt->part == 0)
        add_links(b, path, x);
    /* The stored record (record.h): everything a result line or snippet
     * needs, so searching never goes back to the file. */
    ws_buf_reset(&b->rec);
    rc = ws_record_append_part(&b->rec, x, path, title, pt);
    if (rc == WS_ETOOBIG)
        return ws_error_set(err, rc, "%s: record too large to store", path);
    if (rc == WS_OK && ws_docmsg_end_doc(&b->mb, b->rec.data, b->rec.len) != WS_OK)
        rc = WS_ENOMEM;
    return rc == WS_OK ? WS_OK : ws_error_set(err, rc, "out of memory");
}

int ws_docbuild_file(ws_docbuild *b, const char *path, const ws_extracted *x, char **out,
                     size_t *len, ws_error *err)
{
    *out = NULL;
    int rc = b->tg ? WS_OK : ws_termgen_new(&b->tg, b->an, b->dict, err);
    if (rc != WS_OK)
        return rc;
    ws_termgen_set_dict(b->tg, b->dict);
    char *title = x->title && *x->title ? strdup(x->title) : title_from_path(path);
    part_plan pl = {0};
    if (!title || plan_parts(x, &pl) != WS_OK)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK && pl.n > WS_DOCMSG_MAX_DOCS)
        rc = ws_error_set(err, WS_ETOOBIG, "%s: more than %d parts", path, WS_DOCMSG_MAX_DOCS);
    for (size_t k = 0; rc == WS_OK && k < pl.n; k++)
        rc = build_part(b, path, x, title, &pl.v[k], err);
    if (rc == WS_OK && ws_docmsg_finish(&b->mb, x, out, len) != WS_OK)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc != WS_OK) { /* start the next file clean */
        ws_docmsg_builder_free(&b->mb);
        ws_docmsg_builder_init(&b->mb);
    }
    free(pl.v);
    free(title);
    return rc;
}
