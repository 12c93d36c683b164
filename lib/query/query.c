/*
 * query.c - query rewriting before Xapian parses it.
 *
 * Xapian's QueryParser tokenises and lowercases on its own, differently
 * from our analysis: it would split "Akteur:innen", keep "ß", and, with
 * STEM_SOME, leave every capitalised word (every German noun) unstemmed.
 * So the query is first read by the lexer (lexer.c: words cut by
 * ws_analyze exactly like the documents, each with its syntactic role),
 * and each word replaced by its analysed form.  What lies between words
 * (spaces, quotes, parentheses, +, -, *) stays as typed, so the parser's
 * syntax keeps working.
 *
 * A ws_query holds the lexed tokens with their umlaut readings, so the
 * spelling suggestion for a query that found nothing corrects those tokens
 * instead of reading the query again.
 */
#include "query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/compound.h"
#include "analysis/stopwords.h"
#include "analysis/termgen.h"
#include "index/schema.h"
#include "query/lexer.h"
#include "query/query_impl.h"
#include "wsearch/extract.h"
#include "util/text.h"

/* Copy the text between two words, normalising quotes.  `glue` turns
 * punctuation that joins two words without a space into a hyphen, which
 * the parser reads as a phrase, as the indexer saw consecutive words. */
static void copy_gap(ws_buf *out, const char *s, size_t n, int between_words)
{
    if (between_words && ws_query_glued(s, n)) {
        ws_buf_putc(out, '-');
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t ql = ws_quote_len(s + i, n - i);
        if (ql) {
            ws_buf_putc(out, '"');
            i += ql;
            continue;
        }
        ws_buf_putc(out, s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
        i++;
    }
}

/* How well the index knows a word: as written plus in its stemmed form. */
static uint32_t known_score(ws_analyzer *a, ws_known_fn known, void *ctx, const char *term)
{
    return ws_termgen_known(a, known, ctx, term);
}

/* Replace term in place by its best-known umlaut spelling: the term
 * generator says which spelling the index filed (ws_termgen_transliterate). */
static void transliterate(ws_analyzer *a, ws_known_fn known, void *ctx, char *term, int in_phrase)
{
    ws_termgen_transliterate(a, known, ctx, term, in_phrase);
}

void ws_query_transliterate_as(ws_analyzer *a, ws_known_fn known, void *ctx, char *term,
                               int in_phrase)
{
    transliterate(a, known, ctx, term, in_phrase);
}

/* Could folding have hidden how this word was spelled?  Umlauts, ß and
 * ss, and ae/oe/ue read as umlauts.  Only such words get the exact-spelling
 * bonus: rewarding the inflection as typed (Kommunen over Kommune) would
 * work against the stemming. */
static int foldable(const qtok *k, const char *surface, size_t n)
{
    if (strcmp(k->typed, k->term) != 0 || strstr(k->typed, "ss"))
        return 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)surface[i] >= 0x80)
            return 1;
    return 0;
}

/* The exact-spelling bonus terms of a word: the word as typed (before any
 * transliteration) and its ß/ss spelling (see ws_exact_term). */
static void exact_terms(ws_buf *exact, const char *surface, size_t n, const char *typed)
{
    char e[WS_MAX_TERM + 2];
    ws_buf_puts(exact, typed);
    ws_buf_putc(exact, '\n');
    if (ws_exact_term(surface, n, typed, strlen(typed), e, sizeof e) > 0) {
        ws_buf_puts(exact, e);
        ws_buf_putc(exact, '\n');
    }
}

/* Is token i glued to the word before it (part of a longer word)? */
static int glued_before(const qtok *t, size_t i)
{
    return i > 0 && (t[i].flags & WS_QF_GLUED);
}

/* A hyphenated compound of two to four words (Online-Austausch) is
 * searched as written, a phrase of its parts, or closed (Onlineaustausch):
 * the indexer gives hyphenated words their joined stem too.  Returns the
 * tokens taken, 0 if token i starts no such compound. */
static size_t join_hyphens(const char *q, const qtok *t, size_t n, size_t i, ws_buf *out)
{
    if (glued_before(t, i))
        return 0;
    size_t run = 1, total = strlen(t[i].term);
    while (i + run < n && run < 5) {
        const qtok *p = &t[i + run - 1], *k = &t[i + run];
        if (k->start != p->end + 1 || q[p->end] != '-')
            break;
        total += strlen(k->term);
        run++;
    }
    if (run < 2 || run > 4 || total > WS_MAX_TERM)
        return 0;
    if (i + run < n && glued_before(t, i + run))
        return 0;
    for (size_t j = 0; j < run; j++)
        if ((t[i + j].flags & QF_SYNTAX) || (t[i + j].term[0] >= '0' && t[i + j].term[0] <= '9'))
            return 0;
    ws_buf_putc(out, '(');
    for (size_t j = 0; j < run; j++) {
        if (j)
            ws_buf_putc(out, '-');
        ws_buf_puts(out, t[i + j].term);
    }
    ws_buf_puts(out, " OR ");
    for (size_t j = 0; j < run; j++)
        ws_buf_puts(out, t[i + j].term);
    ws_buf_putc(out, ')');
    return run;
}

/* Longest run of words tried as one multi-word thesaurus entry. */
#define WS_PHRASE_WORDS 6

/* The longest run of plain words from token i that is a thesaurus entry;
 * its other spellings go to alts.  0 if none. */
static size_t phrase_run(ws_query_extras *x, const qtok *t, size_t n, size_t i, ws_buf *alts)
{
    size_t run = 0;
    while (i + run < n && run < WS_PHRASE_WORDS && !(t[i + run].flags & QF_SYNTAX)) {
        if (run && !(t[i + run].flags & WS_QF_JOINED))
            break;
        run++;
    }
    /* part of a longer hyphenated word (Welcome-Center-Team): not an entry */
    if (glued_before(t, i))
        run = 0;
    ws_buf key = WS_BUF_INIT;
    size_t used = 0;
    for (size_t m = run; m >= 1 && !used; m--) {
        if (i + m < n && glued_before(t, i + m))
            continue;
        ws_buf_reset(&key);
        for (size_t j = 0; j < m; j++) {
            if (j)
                ws_buf_putc(&key, ' ');
            ws_buf_puts(&key, t[i + j].term);
        }
        if (ws_buf_cstr(&key) && x->phrases(x->ctx, ws_buf_cstr(&key), alts) > 0)
            used = m;
    }
    ws_buf_free(&key);
    return used;
}

/* Where a run of plain words starting at token i is a thesaurus entry
 * with several words on one side (BAMF = Bundesamt für Migration und
 * Flüchtlinge), write the run OR-ed with every other spelling and return
 * how many tokens it took; 0 if none. */
static size_t expand_phrases(ws_query_extras *x, const char *q, const qtok *t, size_t n, size_t i,
                             ws_buf *out)
{
    ws_buf alts = WS_BUF_INIT;
    size_t used = phrase_run(x, t, n, i, &alts);
    if (used && ws_buf_cstr(&alts)) {
        /* the words as typed: Welcome-Center stays a hyphenated phrase */
        ws_buf_puts(out, used > 1 ? "((" : "(");
        for (size_t j = 0; j < used; j++) {
            if (j)
                ws_buf_putc(out, q[t[i + j].start - 1] == '-' ? '-' : ' ');
            ws_buf_puts(out, t[i + j].term);
        }
        if (used > 1)
            ws_buf_putc(out, ')');
        for (const char *p = alts.data; *p;) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            /* several words as a group, not a phrase: stemmed, they also
             * meet "des Kommunalen Integrationszentrums" */
            int multi = memchr(p, ' ', l) != NULL;
            ws_buf_puts(out, multi ? " OR (" : " OR ");
            ws_buf_append(out, p, l);
            if (multi)
                ws_buf_putc(out, ')');
            p += l + (nl != NULL);
        }
        ws_buf_putc(out, ')');
    }
    ws_buf_free(&alts);
    return used;
}

/* The rewriter's reading of a lexer token: an operator name or a field
 * name is just that, whatever surrounds it; a word in a date range or
 * NEAR/n is copied as typed. */
static unsigned rewriter_flags(const ws_qtoken *k)
{
    unsigned gap = k->flags & (WS_QF_GLUED | WS_QF_JOINED);
    if (k->flags & WS_QF_RAW)
        return gap | WS_QF_RAW;
    if (k->flags & WS_QF_OPNAME)
        return gap | WS_QF_OPNAME;
    if (k->flags & WS_QF_FIELDNAME)
        return gap | (k->flags & (WS_QF_FIELDNAME | WS_QF_DATE));
    return gap | (k->flags & (WS_QF_PHRASE | QF_NEG | WS_QF_LOVE | WS_QF_WILD | WS_QF_VALUE |
                              WS_QF_SUSPENDED));
}

/* -word alone is a syntax error to Xapian, which then searches the query
 * again as plain words: it would find what it should exclude.  Without a
 * positive word, -word is written NOT word (FLAG_PURE_NOT).  A query of
 * stopwords only asks for them. */
static void query_summary(ws_query *p)
{
    const unsigned skip = WS_QF_OPNAME | WS_QF_FIELDNAME | WS_QF_RAW;
    p->positive = 0;
    p->all_stop = 0;
    for (size_t i = 0; i < p->lex.n; i++)
        if (!(p->t[i].flags & (skip | QF_NEG)))
            p->positive = 1;
    for (size_t i = 0; i < p->lex.n; i++) {
        const qtok *k = &p->t[i];
        if (k->flags & (skip | WS_QF_PHRASE | WS_QF_WILD))
            continue;
        if (!ws_is_stopword(k->term)) {
            p->all_stop = 0;
            break;
        }
        p->all_stop = 1;
    }
}

int ws_query_parse(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                   void *ctx, ws_query **out, ws_error *err)
{
    *out = NULL;
    ws_query *p = calloc(1, sizeof *p);
    if (!p)
        return ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    p->a = a;
    p->known = known;
    p->ctx = ctx;
    int rc = ws_query_lex(a, q, len, max, &p->lex, err);
    if (rc == WS_OK && p->lex.n &&
        (!(p->t = calloc(p->lex.n, sizeof *p->t)) || !(p->cut = calloc(p->lex.n, sizeof *p->cut))))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    if (rc != WS_OK) {
        ws_query_free(p);
        return rc;
    }
    for (size_t i = 0; i < p->lex.n; i++) {
        const ws_qtoken *l = &p->lex.v[i];
        qtok *k = &p->t[i];
        k->start = l->start;
        k->end = l->end;
        k->flags = rewriter_flags(l);
        memcpy(k->term, l->term, strlen(l->term) + 1);
        memcpy(k->typed, l->term, strlen(l->term) + 1);
        /* typed ae/oe/ue read as umlauts; never a wildcard's beginning */
        if (known && !(k->flags & (WS_QF_RAW | WS_QF_OPNAME | WS_QF_FIELDNAME | WS_QF_WILD)))
            transliterate(a, known, ctx, k->term, (k->flags & WS_QF_PHRASE) != 0);
    }
    query_summary(p);
    *out = p;
    return WS_OK;
}

void ws_query_free(ws_query *p)
{
    if (!p)
        return;
    ws_qlex_free(&p->lex);
    free(p->t);
    free(p->cut);
    free(p);
}

const ws_qlex *ws_query_tokens(const ws_query *p)
{
    return &p->lex;
}

/* One pass writing the query for the parser. */
typedef struct emitter {
    const ws_query *p;
    qtok *t;               /* the tokens' terms, corrected in place */
    ws_query_extras *x;    /* NULL: no thesaurus, hyphen joins, exact terms */
    ws_suggest_fn suggest; /* NULL: no correction */
    void *sctx;
    int corrected;
    ws_buf *out;
    ws_error *err;
    size_t *cut; /* NULL, or where each token's text begins (ws_query.cut) */
    size_t base; /* out->len before the query */
} emitter;

/* AND, NEAR/3, ADJ/2: as typed.  Returns where the text goes on. */
static size_t emit_operator(emitter *e, size_t i)
{
    const ws_qtoken *l = &e->p->lex.v[i];
    const char *q = e->p->lex.q;
    ws_buf_append(e->out, q + l->start, l->raw_end - l->start);
    return l->raw_end;
}

/* A field name, lowercased with its ':'; datum:2024-01-01..2024-12-31 goes
 * to the range processor untouched, up to the next space. */
static size_t emit_field(emitter *e, size_t i)
{
    const ws_qtoken *l = &e->p->lex.v[i];
    const char *q = e->p->lex.q;
    for (size_t j = l->start; j < l->end; j++)
        ws_buf_putc(e->out, (char)(q[j] >= 'A' && q[j] <= 'Z' ? q[j] + 32 : q[j]));
    ws_buf_putc(e->out, ':');
    if (!(l->flags & WS_QF_DATE))
        return l->end + 1;
    ws_buf_append(e->out, q + l->end + 1, l->raw_end - (l->end + 1));
    return l->raw_end;
}

/* A word the index does not know gets its closest known spelling; never a
 * wildcard, whose letters are a beginning, not a word. */
static int correct_word(emitter *e, qtok *k)
{
    const ws_query *p = e->p;
    if (!e->suggest || (k->flags & WS_QF_WILD) || (k->term[0] >= '0' && k->term[0] <= '9') ||
        known_score(p->a, p->known, p->ctx, k->term) != 0)
        return WS_OK;
    char fix[WS_MAX_TERM + 1];
    int n = e->suggest(e->sctx, k->term, fix, sizeof fix, e->err);
    if (n < 0)
        return n;
    if (n > 0) {
        memcpy(k->term, fix, strlen(fix) + 1);
        e->corrected = 1;
    }
    return WS_OK;
}

/* A plain word, or a run of them as a thesaurus entry or a hyphenated
 * compound.  Returns the tokens taken (at least 1), or a negative error. */
static long emit_word(emitter *e, size_t i)
{
    const ws_query *p = e->p;
    const char *q = p->lex.q;
    qtok *k = &e->t[i];
    size_t used = 0;
    if (e->x && e->x->phrases)
        used = expand_phrases(e->x, q, e->t, p->lex.n, i, e->out);
    if (!used && e->x)
        used = join_hyphens(q, e->t, p->lex.n, i, e->out);
    if (used)
        return (long)used;
    const char *s = q + k->start;
    size_t n = k->end - k->start;
    if (e->x && e->x->exact && !(k->flags & (QF_NEG | WS_QF_WILD | WS_QF_VALUE | WS_QF_PHRASE)) &&
        !ws_is_stopword(k->typed) && foldable(k, s, n))
        exact_terms(e->x->exact, s, n, k->typed);
    int rc = correct_word(e, k);
    if (rc != WS_OK)
        return rc;
    /* A query of stopwords only, or a stopword with + or - or a field,
     * asks for the word itself: as a phrase, since the index keeps no
     * stems for stopwords. */
    int quote = !(k->flags & WS_QF_PHRASE) && ws_is_stopword(k->term) &&
                (p->all_stop || (k->flags & (WS_QF_LOVE | QF_NEG | WS_QF_VALUE)));
    if (quote)
        ws_buf_putc(e->out, '"');
    ws_buf_puts(e->out, k->term);
    if (quote)
        ws_buf_putc(e->out, '"');
    return 1;
}

static int emit(emitter *e)
{
    const ws_query *p = e->p;
    const char *q = p->lex.q;
    size_t at = 0;
    for (size_t i = 0; e->cut && i < p->lex.n; i++)
        e->cut[i] = NO_CUT;
    for (size_t i = 0; i < p->lex.n; i++) {
        qtok *k = &e->t[i];
        if ((k->flags & WS_QF_RAW) || k->start < at)
            continue; /* swallowed by a date range or NEAR/n */
        if (e->cut)
            e->cut[i] = e->out->len - e->base;
        copy_gap(e->out, q + at, k->start - at, i > 0 && at == e->t[i - 1].end);
        if ((k->flags & WS_QF_SUSPENDED) && e->out->len && e->out->data[e->out->len - 1] == '-')
            e->out->data[e->out->len - 1] = ' '; /* "und -organisationen": a word */
        if (!p->positive && (k->flags & QF_NEG) && e->out->len &&
            e->out->data[e->out->len - 1] == '-' && k->start > 0 && q[k->start - 1] == '-') {
            e->out->len--;
            ws_buf_puts(e->out, "NOT ");
        }
        if (k->flags & WS_QF_OPNAME) {
            at = emit_operator(e, i);
            continue;
        }
        if (k->flags & WS_QF_FIELDNAME) {
            at = emit_field(e, i);
            continue;
        }
        long used = emit_word(e, i);
        if (used < 0)
            return (int)used;
        i += (size_t)used - 1;
        at = e->t[i].end;
    }
    copy_gap(e->out, q + at, p->lex.len - at, 0);
    if (!ws_buf_cstr(e->out))
        return ws_error_set(e->err, WS_ENOMEM, "out of memory rewriting the query");
    return WS_OK;
}

int ws_query_write(ws_query *p, ws_query_extras *x, ws_buf *out, ws_error *err)
{
    emitter e = {p, p->t, x, NULL, NULL, 0, out, err, p->cut, out->len};
    return emit(&e);
}

int ws_query_suggest(const ws_query *p, ws_suggest_fn suggest, void *ctx, ws_buf *out,
                     int *corrected, ws_error *err)
{
    *corrected = 0;
    /* corrected on a copy: a search retried after a reopen asks again */
    qtok *t = p->lex.n ? malloc(p->lex.n * sizeof *t) : NULL;
    if (p->lex.n && !t)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    if (t)
        memcpy(t, p->t, p->lex.n * sizeof *t);
    emitter e = {p, t, NULL, suggest, ctx, 0, out, err, NULL, 0};
    int rc = emit(&e);
    *corrected = e.corrected;
    free(t);
    return rc;
}

/* Lex, then write: what every entry point below does. */
static int rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                   void *ctx, ws_query_extras *x, ws_buf *out, ws_error *err)
{
    ws_query *p = NULL;
    int rc = ws_query_parse(a, q, len, max, known, ctx, &p, err);
    if (rc == WS_OK)
        rc = ws_query_write(p, x, out, err);
    ws_query_free(p);
    return rc;
}

int ws_query_rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_buf *out,
                     ws_error *err)
{
    return rewrite(a, q, len, max, NULL, NULL, NULL, out, err);
}

int ws_query_prepare(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                     void *ctx, ws_query_extras *x, ws_buf *out, ws_error *err)
{
    return rewrite(a, q, len, max, known, ctx, x, out, err);
}
