/*
 * explain.c - how a query was understood, in plain German (wsearch
 * --explain, GET /explain).
 *
 * The query's tokens come from the lexer (lexer.c), which reads it the way
 * Xapian's QueryParser reads it once query.c has rewritten it, and are
 * walked in order: quotes open and close phrases; "-" and "+" before a
 * word, phrase or bracket exclude or require it; AND, OR, NOT, XOR, NEAR
 * and ADJ are operators; "name:" starts a field and "datum:" a date range;
 * "word*" is a wildcard; words glued by punctuation (Dessau-Roßlau) are a
 * phrase.  Each part gets a line, each word its analysis (folded form,
 * stem, gender form, ß = ss, umlauts read from ae/oe/ue, thesaurus
 * synonyms, compound parts, stopword).  What Xapian and the index decide
 * (the dates a range means, how many words a wildcard meets, which
 * stopwords were kept, the term each word becomes) is asked of them rather
 * than guessed, so the explanation says what the search does.
 *
 * This file holds the walk over the tokens and the entry point;
 * explain_word.c the lines of a word, explain_syntax.c those of fields,
 * dates, wildcards and operators (see explain.h).
 */
#include "wsearch/search.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/explain.h"
#include "query/query.h"
#include "index/schema.h"
#include "search/coord.h"
#include "search/searcher.h"
#include "analysis/stopwords.h"
#include "analysis/analysis.h"
#include "xapian/xapian.h"

/* Brackets nested deeper than this count as this deep. */
#define WS_MAX_DEPTH 32
/* ---- lines ------------------------------------------------------------- */

/* Lines are as long as they need to be: Xapian's description of a long
 * query runs to kilobytes. */
void ws_explain_line(lines *l, const char *fmt, ...)
{
    if (l->oom)
        return;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *line = need >= 0 ? malloc((size_t)need + 1) : NULL;
    if (line)
        vsnprintf(line, (size_t)need + 1, fmt, ap2);
    va_end(ap2);
    ws_strlist_take(l, line);
}

/* ---- the query's tokens ------------------------------------------------ */

/* Are tokens i and i + 1 glued by punctuation alone (Dessau-Roßlau,
 * 12.03.2024)?  query.c writes such a gap as "-", which Xapian reads as a
 * phrase. */
static int glued(const explain *e, size_t i)
{
    const tok *a = &e->v[i], *b = &e->v[i + 1];
    return a->kind == WS_QK_WORD && b->kind == WS_QK_WORD && !(a->flags & WS_QF_XPHRASE) &&
           (b->flags & WS_QF_GLUED);
}

/* ---- the walk over the tokens ------------------------------------------ */

/* Where the walk stands: brackets, phrases, a field waiting for its value,
 * a NOT's reach, a run of glued words. */
typedef struct walker {
    explain *e;
    struct {
        int excluded;
        const ws_field *field;
    } grp[WS_MAX_DEPTH + 1];
    int depth, deeper, in_quote, phrase_excluded, seen, after_and;
    int not_depth; /* words are NOT's operand from here on, at this depth or deeper */
    const ws_field *phrase_field, *pend_field, *glue_field;
    char pend_mod;
    size_t pend_at, glue_last, mark;
    int in_glue, glue_excluded;
    unsigned *field_uses; /* per ws_schema_fields entry: how often the query names it */
} walker;

static int outer_excluded(const walker *w)
{
    int ex = w->not_depth >= 0 && w->depth >= w->not_depth;
    for (int d = 1; d <= w->depth; d++)
        ex |= w->grp[d].excluded;
    return ex;
}

/* A quote: the line of the phrase it opens, if it holds words. */
static void walk_quote(walker *w, const ws_qmark *m, size_t word_start, int outer)
{
    explain *e = w->e;
    if (m->kind == WS_QM_QUOTE_CLOSE) {
        w->in_quote = 0;
        w->phrase_field = NULL;
        w->phrase_excluded = 0;
        return;
    }
    size_t j = m->at + m->len;
    char mod = m->mod;
    w->phrase_field = NULL;
    if (w->pend_field && w->pend_at == m->at) {
        w->phrase_field = w->pend_field;
        mod = w->pend_mod;
    }
    for (int d = w->depth; !w->phrase_field && d > 0; d--)
        w->phrase_field = w->grp[d].field;
    w->pend_field = NULL;
    w->phrase_excluded = mod == '-' || outer;
    w->in_quote = 1;
    if (m->close < word_start)
        return; /* "": no words, nothing for Xapian to read */
    w->seen = 1;
    w->after_and = 0;
    e->syntax++;
    const char *label = NULL, *scope = NULL;
    if (w->phrase_field)
        ws_explain_field_label(w->phrase_field, &label, &scope);
    ws_explain_line(e->out,
                    "Phrase „%.*s“: die Wörter in dieser Reihenfolge (Stoppwörter zählen "
                    "hier mit), direkt hintereinander, jedes in genau dieser Form – ohne "
                    "Stamm und Synonyme%s%s%s",
                    (int)(m->close - j), e->q + j, w->phrase_field ? "; " : "",
                    w->phrase_field ? scope : "",
                    ws_explain_excluded_note(w->phrase_excluded, mod == '+'));
}

/* A bracket opened or closed. */
static void walk_bracket(walker *w, const ws_qmark *m, int outer)
{
    explain *e = w->e;
    if (m->kind == WS_QM_CLOSE) {
        if (w->deeper > 0) {
            w->deeper--;
        } else if (w->depth > 0) {
            w->grp[w->depth].excluded = 0;
            w->grp[w->depth].field = NULL;
            w->depth--;
            if (w->not_depth > w->depth)
                w->not_depth = -1;
            w->seen = 1;
        }
        return;
    }
    char mod = m->mod;
    const ws_field *f = NULL;
    if (w->pend_field && w->pend_at == m->at) {
        f = w->pend_field;
        mod = w->pend_mod;
    }
    w->pend_field = NULL;
    int ex = mod == '-' || outer;
    if (w->depth < WS_MAX_DEPTH) {
        w->depth++;
        w->grp[w->depth].excluded = mod == '-';
        w->grp[w->depth].field = f;
    } else {
        w->deeper++; /* followed as the deepest level */
    }
    w->seen = w->after_and = 0;
    e->syntax += mod != 0;
    const char *label = NULL, *scope = NULL;
    if (f)
        ws_explain_field_label(f, &label, &scope);
    ws_explain_line(e->out, "Klammer %.*s: zusammen ein Teil der Anfrage%s%s%s",
                    (int)(m->close - m->at), e->q + m->at, f ? "; " : "", f ? scope : "",
                    ws_explain_excluded_note(ex, mod == '+'));
}

/* The quotes and brackets before the word at word_start. */
static void walk_marks(walker *w, size_t word_start)
{
    const ws_qlex *l = w->e->lex;
    int outer = outer_excluded(w);
    for (; w->mark < l->nmarks && l->marks[w->mark].at < word_start; w->mark++) {
        const ws_qmark *m = &l->marks[w->mark];
        if (m->kind == WS_QM_QUOTE_OPEN || m->kind == WS_QM_QUOTE_CLOSE)
            walk_quote(w, m, word_start, outer);
        else
            walk_bracket(w, m, outer);
    }
}

static void walk_operator(walker *w, size_t i)
{
    const tok *k = &w->e->v[i];
    int near = k->op == WS_QOP_NEAR || k->op == WS_QOP_ADJ;
    ws_explain_operator(w->e, i, k->op == WS_QOP_NOT && !w->seen && !w->after_and);
    w->after_and = k->op == WS_QOP_AND;
    w->e->syntax++;
    if (k->op == WS_QOP_NOT)
        w->not_depth = w->depth;
    else if (!near && w->not_depth == w->depth)
        w->not_depth = -1;
    if (!near)
        w->seen = 0;
}

static char mod_of(const tok *k)
{
    return k->flags & WS_QF_NEG ? '-' : k->flags & WS_QF_LOVE ? '+' : 0;
}

static void walk_field(walker *w, size_t i)
{
    explain *e = w->e;
    const tok *k = &e->v[i];
    const char *q = e->q;
    char mod = mod_of(k);
    int nl = (int)(k->end - k->start), outer = outer_excluded(w);
    w->seen = 1;
    w->after_and = 0;
    e->syntax += mod != 0;
    if (!k->field) {
        ws_explain_dates(e, k);
        return;
    }
    const char *label, *scope;
    ws_explain_field_label(k->field, &label, &scope);
    if (k->field->boolean) {
        /* Xapian ORs the filters of one field name, ANDs the rest */
        unsigned same = w->field_uses ? w->field_uses[k->field - ws_schema_fields] : 1;
        ws_explain_line(e->out,
                        "%.*s: Feld %s – %s: „%.*s“ (Filter, zählt nicht für die "
                        "Rangfolge)%s%s",
                        nl, q + k->start, label, scope, (int)(k->next - k->end - 1), q + k->end + 1,
                        same > 1 ? "; mehrere Werte dieses Felds: einer genügt" : "",
                        ws_explain_excluded_note(mod == '-' || outer, 0));
        return;
    }
    ws_explain_line(e->out, "%.*s: Feld %s – %s%s", nl, q + k->start, label, scope,
                    ws_explain_excluded_note(mod == '-' || outer, mod == '+'));
    w->pend_field = k->field;
    w->pend_mod = mod;
    w->pend_at = k->next;
}

/* Dessau-Roßlau: words glued by punctuation, a phrase of their own. */
static void walk_glue(walker *w, size_t i, const word_use *u)
{
    explain *e = w->e;
    const char *q = e->q;
    size_t g = i;
    int hyphens = 1;
    while (g + 1 < e->n && glued(e, g)) {
        for (size_t j = e->v[g].end; j < e->v[g + 1].start; j++)
            hyphens &= q[j] == '-';
        g++;
    }
    const char *label = NULL, *scope = NULL;
    if (u->field)
        ws_explain_field_label(u->field, &label, &scope);
    ws_explain_line(e->out,
                    "%s„%.*s“: %s, direkt hintereinander wie eine Phrase (genau diese "
                    "Wortformen, ohne Stamm und Synonyme)%s%s%s",
                    hyphens ? "Bindestrich-Wort " : "", (int)(e->v[g].end - e->v[i].start),
                    q + e->v[i].start, hyphens ? "die Teile" : "durch Satzzeichen verbundene Teile",
                    u->field ? "; " : "", u->field ? scope : "",
                    ws_explain_excluded_note(u->excluded, u->loved));
    w->in_glue = 1;
    w->glue_last = g;
    w->glue_field = u->field;
    w->glue_excluded = u->excluded;
}

/* How the word stands: its field, its modifier, what excludes it. */
static char word_place(walker *w, const tok *k, word_use *u, int *value)
{
    char mod = 0;
    *value = w->pend_field && w->pend_at == k->start;
    if (*value) {
        u->field = w->pend_field;
        mod = w->pend_mod;
    } else if (w->in_quote) {
        u->field = w->phrase_field;
    } else if (w->in_glue) {
        u->field = w->glue_field;
    } else {
        mod = mod_of(k);
        for (int d = w->depth; !u->field && d > 0; d--)
            u->field = w->grp[d].field;
    }
    if (w->in_quote)
        u->excluded = w->phrase_excluded;
    else if (w->in_glue)
        u->excluded = w->glue_excluded;
    else
        u->excluded = mod == '-' || outer_excluded(w);
    u->loved = !w->in_quote && !w->in_glue && mod == '+';
    return mod;
}

static void walk_word(walker *w, size_t i)
{
    explain *e = w->e;
    const tok *k = &e->v[i];
    word_use u = {NULL, NULL, 0, 0, 0};
    int value;
    char mod = word_place(w, k, &u, &value);
    w->pend_field = NULL;
    w->seen = 1;
    w->after_and = 0;
    e->syntax += mod != 0;
    int wild = !w->in_quote && (k->flags & WS_QF_WILD);
    if (!w->in_quote && !w->in_glue && i + 1 < e->n && glued(e, i))
        walk_glue(w, i, &u);
    if (w->in_quote || w->in_glue || (k->flags & WS_QF_NEAR))
        u.exact = w->in_quote  ? "in der Phrase"
                  : w->in_glue ? "im Bindestrich-Wort"
                               : "bei NEAR/ADJ";
    /* Under the line of its phrase, bracket or field, a word is
     * indented; its own -, + or NOT gets a line of its own. */
    int part = w->in_quote || w->in_glue || value;
    u.indent = part || w->depth > 0 ? 2 : 0;
    int own_excluded = !part && (mod == '-' || (w->not_depth >= 0 && w->not_depth == w->depth));
    int sl = (int)(k->end - k->start);
    if (wild) {
        e->syntax++;
        ws_explain_wildcard(e, k, &u);
    } else {
        if (own_excluded) {
            ws_explain_line(
                e->out,
                "%*s„%.*s“ ausgeschlossen (-Wort / NOT): Treffer mit diesem Wort fallen "
                "weg",
                u.indent, "", sl, e->q + k->start);
            u.indent += 2;
        } else if (k->flags & WS_QF_SUSPENDED) {
            ws_explain_line(e->out,
                            "%*s„-%.*s“ nach „%.*s“: zweite Hälfte eines Worts mit "
                            "Ergänzungsstrich (Gruppen und -organisationen), gesucht, nicht "
                            "ausgeschlossen",
                            u.indent, "", sl, e->q + k->start,
                            (int)(e->v[i - 1].end - e->v[i - 1].start), e->q + e->v[i - 1].start);
            u.indent += 2;
        } else if (u.loved) {
            ws_explain_line(e->out,
                            "%*s„%.*s“ Pflichtwort (+Wort): muss vorkommen – Wörter ohne "
                            "Operator sind optional; ein Stoppwort wird so doch gesucht",
                            u.indent, "", sl, e->q + k->start);
            u.indent += 2;
        }
        ws_explain_word(e, k, &u);
        if (w->in_quote && (k->flags & WS_QF_WILD))
            ws_explain_line(e->out, "%*s  * gilt in einer Phrase nicht als Platzhalter", u.indent,
                            "");
    }
    if (w->in_glue && i == w->glue_last)
        w->in_glue = 0;
}

/* How often the query names each field: counted once, not per field. */
static unsigned *count_fields(const explain *e)
{
    size_t nf = 0;
    while (ws_schema_fields[nf].name)
        nf++;
    unsigned *uses = calloc(nf ? nf : 1, sizeof *uses);
    for (size_t i = 0; uses && i < e->n; i++)
        if (e->v[i].kind == WS_QK_FIELD && e->v[i].field)
            uses[e->v[i].field - ws_schema_fields]++;
    return uses;
}

/* Walk the query part by part. */
static void walk(explain *e)
{
    walker w;
    memset(&w, 0, sizeof w);
    w.e = e;
    w.not_depth = -1;
    w.pend_at = (size_t)-1;
    w.field_uses = count_fields(e);
    for (size_t i = 0; i < e->n; i++) {
        const tok *k = &e->v[i];
        if (k->kind == WS_QK_PART)
            continue;
        walk_marks(&w, k->start);
        if (k->kind == WS_QK_OP)
            walk_operator(&w, i);
        else if (k->kind == WS_QK_FIELD)
            walk_field(&w, i);
        else
            walk_word(&w, i);
    }
    free(w.field_uses);
}

/* The lines of the walk, then what Xapian made of the rewritten query. */
static void explain_reading(explain *e, const char *rw, ws_xquery *xq, int parsed)
{
    ws_searcher *s = e->s;
    walk(e);
    /* On a plain syntax error (a query of nothing but -words, say) Xapian
     * reads the query again without any syntax: then it reads it just as
     * it reads it with none. */
    ws_xquery *plain = NULL;
    char *d1 = NULL, *d0 = NULL;
    if (parsed && e->syntax && ws_xqp_parse(s->qp, rw, 0, &plain, NULL) == WS_OK &&
        ws_xquery_describe(xq, &d1, NULL) == WS_OK &&
        ws_xquery_describe(plain, &d0, NULL) == WS_OK && !strcmp(d0, d1))
        ws_explain_line(e->out,
                        "Achtung: Xapian kann diese Anfrage so nicht lesen (etwa nur "
                        "ausgeschlossene Wörter) und sucht darum alle Wörter schlicht – ohne "
                        "Operatoren, Phrasen, -/+, Platzhalter und Synonyme");
    free(d1);
    free(d0);
    ws_xquery_free(plain);
    ws_explain_line(e->out, "Anfrage nach der Analyse: %s", rw);
}

/* The search itself, for its estimate and its spelling suggestion.  A
 * query Xapian cannot read is explained, not refused: the lines above show
 * where it went wrong. */
static int explain_search(explain *e, const char *query, int parsed, const ws_error *perr,
                          ws_error *err)
{
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.limit = 1;
    ws_results *r = NULL;
    ws_error serr;
    ws_error_clear(&serr);
    int rc = WS_OK, src = ws_search(e->s, query, e->len, &o, &r, &serr);
    if (src == WS_OK) {
        ws_explain_line(e->out, "Treffer (geschätzt): %u", r->estimated);
        if (r->corrected)
            ws_explain_line(e->out, "Meinten Sie: %s", r->corrected);
    } else if (src == WS_EQUERY) {
        /* the parser's own words when it was the parser that gave up */
        ws_explain_line(e->out, "Nicht verstanden: %s", parsed ? serr.msg : perr->msg);
    } else {
        rc = src;
        if (err)
            *err = serr;
    }
    ws_results_free(r);
    return rc;
}

/* One line naming the units of a role, if it has any. */
static void units_line(explain *e, const ws_qunits *u, ws_qrole role, const char *what)
{
    ws_buf b = WS_BUF_INIT;
    for (size_t k = 0; k < u->n; k++) {
        if (u->v[k].role != role)
            continue;
        if (b.len)
            ws_buf_puts(&b, ", ");
        ws_buf_puts(&b, u->v[k].text);
    }
    if (b.len && ws_buf_cstr(&b))
        ws_explain_line(e->out, "%s: %s", what, b.data);
    ws_buf_free(&b);
}

/* Which words every hit has, which it should have as many of as it can
 * (search/coord.c ranks those with all of them first), which are left
 * out of the count. */
static void explain_units(explain *e, const ws_query *pq, const char *rw)
{
    ws_qunits u;
    if (ws_query_units(pq, rw, &u, NULL) != WS_OK)
        return;
    if (!u.n) {
        ws_explain_line(e->out, "Alle Wörter sind Pflicht: die Anfrage hat Operatoren oder "
                                "Klammern und wird gesucht, wie sie geschrieben ist");
        ws_qunits_free(&u);
        return;
    }
    ws_explain_line(e->out, "Rangfolge: zuerst Treffer mit allen Wörtern, dann solche mit "
                            "einigen davon (die Trefferliste sagt es: Treffer enthalten nicht "
                            "alle Wörter)");
    units_line(e, &u, WS_QR_REQUIRED, "Pflicht (jeder Treffer enthält es)");
    units_line(e, &u, WS_QR_OPTIONAL, "Optional (Treffer enthalten möglichst viele davon)");
    units_line(e, &u, WS_QR_EXCLUDED, "Ausgeschlossen");
    units_line(e, &u, WS_QR_FILTER, "Filter");
    ws_buf b = WS_BUF_INIT;
    for (size_t k = 0; k < u.ndropped; k++) {
        const ws_qtoken *t = &e->v[u.dropped[k]];
        if (b.len)
            ws_buf_puts(&b, ", ");
        ws_buf_append(&b, e->q + t->start, t->end - t->start);
    }
    if (b.len && ws_buf_cstr(&b))
        ws_explain_line(e->out, "Nicht gezählt (Funktions- und Fragewörter): %s", b.data);
    ws_buf_free(&b);
    ws_qunits_free(&u);
}

/* What runs: with the OpenThesaurus widening and the exact-spelling bonus,
 * which come after parsing. */
static void explain_final(explain *e, const ws_query *pq, const char *rw, const char *exact)
{
    ws_xquery *full = NULL;
    char *desc = NULL;
    explain_units(e, pq, rw);
    if (ws_searcher_build(e->s, pq, rw, exact, NULL, 0, &full, NULL, NULL) == WS_OK &&
        ws_xquery_describe(full, &desc, NULL) == WS_OK)
        ws_explain_line(e->out, "Xapian: %s", desc);
    ws_xquery_free(full);
    free(desc);
}

int ws_search_explain(ws_searcher *s, const char *query, size_t len, char ***out, size_t *n,
                      ws_error *err)
{
    *out = NULL;
    *n = 0;
    if (!s || (!query && len))
        return ws_error_set(err, WS_EINVAL, "ws_search_explain: invalid argument");
    char *rw = NULL, *exact = NULL;
    ws_query *pq = NULL;
    int rc = ws_searcher_prepare_query(s, query ? query : "", len, 0, &pq, &rw, &exact, err);
    if (rc != WS_OK)
        return rc;
    /* The query is valid UTF-8 without NUL here: a C string from now on. */
    char *q = malloc(len + 1);
    lines l = {0};
    if (!q) {
        free(rw);
        free(exact);
        ws_query_free(pq);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    if (len)
        memcpy(q, query, len);
    q[len] = '\0';
    /* The word list the indexer splits with, to show splits (loaded only
     * here: a search itself does not need it). */
    const char *dpath = getenv("WSEARCH_DICTIONARY");
    ws_compounds *dict = NULL;
    ws_compounds_load(&dict, dpath && *dpath ? dpath : "/usr/share/dict/ngerman", NULL);
    const ws_qlex *lex = ws_query_tokens(pq);
    explain e = {s, q, len, &l, dict, lex, lex->v, lex->n, WS_BUF_INIT, 0};
    /* Xapian's reading of the rewritten query, asked first: which words
     * it kept decides what the lines say about stopwords. */
    ws_xquery *xq = NULL;
    ws_error perr;
    ws_error_clear(&perr);
    int parsed = ws_xqp_parse(s->qp, rw, WS_SEARCH_PARSE_FLAGS, &xq, &perr) == WS_OK;
    if (parsed)
        ws_xquery_terms(xq, ws_take_line, &e.qterms, NULL);
    explain_reading(&e, rw, xq, parsed);
    rc = explain_search(&e, q, parsed, &perr, err);
    if (rc == WS_OK && parsed)
        explain_final(&e, pq, rw, exact);
    free(exact);
    ws_xquery_free(xq);
    ws_compounds_free(dict);
    ws_buf_free(&e.qterms);
    ws_query_free(pq);
    free(q);
    free(rw);
    if (rc == WS_OK && l.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc != WS_OK) {
        ws_strlist_free(&l);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return WS_OK;
}
