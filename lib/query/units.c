/*
 * units.c - a query cut into the units a search ranks by (issue 14).
 *
 * Filtering by every word makes one word too many empty the list: a
 * question ("Wie viele Menschen leben in Köln?") always holds a word the
 * paragraph that answers it lacks.  So a plain query is read as units,
 * each something a hit may or must match: a word, a hyphenated word, a
 * thesaurus run, a phrase, a field.  The search (lib/search/coord.c) ranks
 * hits that match every unit first, then those matching some, by weight.
 *
 * The units are cut from the very text ws_query_write wrote for Xapian's
 * parser (the writer records where each token's text begins), so a unit
 * reads exactly as the whole query reads: the same analysis, thesaurus
 * runs, hyphen joins and umlaut readings.  What a unit asks for comes from
 * the lexer's flags: +word, "phrase" and field:value are required (the
 * explicit syntax stays strict), -word and -"phrase" excluded, anything
 * else optional.  Words glued by punctuation (Dessau-Roßlau, 12.03.2024)
 * stay one unit, optional as a whole.  Stopwords are not counted.
 *
 * A query with operators or brackets is the user's own boolean query: it
 * gets no units and runs as written.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/stopwords.h"
#include "query/lexer.h"
#include "query/query.h"
#include "query/query_impl.h"

const char *ws_qrole_name(ws_qrole r)
{
    return r == WS_QR_REQUIRED   ? "required"
           : r == WS_QR_EXCLUDED ? "excluded"
           : r == WS_QR_FILTER   ? "filter"
                                 : "optional";
}

void ws_qunits_free(ws_qunits *u)
{
    free(u->v);
    free(u->dropped);
    free(u->buf);
    free(u->filter);
    memset(u, 0, sizeof *u);
}

/* Operators or brackets: the query is boolean, searched as written. */
static int is_boolean(const ws_query *p)
{
    if (!p->positive)
        return 1;
    for (size_t i = 0; i < p->lex.n; i++)
        if (p->lex.v[i].flags & WS_QF_OPNAME)
            return 1;
    for (size_t m = 0; m < p->lex.nmarks; m++)
        if (p->lex.marks[m].kind == WS_QM_OPEN || p->lex.marks[m].kind == WS_QM_CLOSE)
            return 1;
    return 0;
}

/* The quote mark that opens a phrase between from and to, or NULL. */
static const ws_qmark *quote_between(const ws_qlex *l, size_t from, size_t to)
{
    for (size_t m = 0; m < l->nmarks; m++)
        if (l->marks[m].kind == WS_QM_QUOTE_OPEN && l->marks[m].at >= from && l->marks[m].at < to)
            return &l->marks[m];
    return NULL;
}

/* Does token i, written on its own (a cut), begin a unit?  Not when it is
 * glued to the word before, a field's value, or a phrase's next word. */
/* The verbs of a question that asks for a name ("Wie heißt das Amt, das
 * ...?", "Wie nennt man ...?", "Was bezeichnet man als ...?"), folded:
 * they say what is asked, not what the answer's text holds, which names
 * the thing ("das Amt heißt ..." is rare; "das Ausländeramt" is the text).
 * Only in a question beginning with wie or was: elsewhere they are words. */
static const char *const naming_verbs[] = {
    "heisst",  "heissen", "hiess",      "hiessen",    "nennt",       "nennen",       "nannte",
    "nannten", "genannt", "bezeichnet", "bezeichnen", "bezeichnete", "bezeichneten", NULL,
};

static int naming_question_verb(const ws_query *p, const qtok *k)
{
    if (!p->lex.n || (strcmp(p->t[0].term, "wie") && strcmp(p->t[0].term, "was")) || k == &p->t[0])
        return 0;
    for (const char *const *v = naming_verbs; *v; v++)
        if (!strcmp(k->term, *v))
            return 1;
    return 0;
}

static int begins_unit(const ws_query *p, size_t i)
{
    const ws_qtoken *k = &p->lex.v[i];
    if (p->cut[i] == NO_CUT)
        return 0;
    if (i == 0)
        return 1;
    if (k->flags & (WS_QF_GLUED | WS_QF_VALUE))
        return 0;
    /* title:"a b": the phrase is the field's value */
    const ws_qtoken *prev = &p->lex.v[i - 1];
    if ((prev->flags & WS_QF_FIELDNAME) && !memchr(p->lex.q + prev->end, ' ', k->start - prev->end))
        return 0;
    if (k->flags & WS_QF_PHRASE)
        return quote_between(&p->lex, p->lex.v[i - 1].end, k->start) != NULL;
    return 1;
}

/* What a unit beginning with token i asks of a hit. */
static ws_qrole role_of(const ws_query *p, size_t i)
{
    const ws_qtoken *k = &p->lex.v[i];
    if (k->flags & WS_QF_PHRASE) {
        size_t from = i ? p->lex.v[i - 1].end : 0;
        const ws_qmark *m = quote_between(&p->lex, from, k->start);
        return m && m->mod == '-' ? WS_QR_EXCLUDED : WS_QR_REQUIRED;
    }
    if (k->flags & WS_QF_NEG)
        return WS_QR_EXCLUDED;
    /* type:md, tag:x, datum:a..b: one filter, as Xapian's parser joins
     * them (type:md type:txt is either type) */
    if ((k->flags & WS_QF_FIELDNAME) && (!k->field || k->field->boolean))
        return WS_QR_FILTER;
    if (k->flags & (WS_QF_LOVE | WS_QF_FIELDNAME))
        return WS_QR_REQUIRED;
    return WS_QR_OPTIONAL;
}

/* The unit's text without the spaces and punctuation around it and its
 * own +/- (the role says that); a phrase keeps its quotes, a field its
 * value as typed (datum:2024-01-01.. is an open range). */
static char *trim_unit(char *s, size_t n, int field)
{
    while (n && (*s == ' ' || *s == '+' || *s == '-')) {
        s++;
        n--;
    }
    /* a question's "?", a sentence's "." are no part of its last word */
    while (n && strchr(field ? " " : " ?!.,;", s[n - 1]))
        n--;
    s[n] = '\0';
    return s;
}

/* Add the unit of tokens first..last, written as rw[from, to), copied to
 * the list's buffer at *used. */
static void add_unit(const ws_query *p, ws_qunits *u, const char *rw, size_t first, size_t last,
                     size_t from, size_t to, size_t *used)
{
    ws_qunit *v = &u->v[u->n];
    memset(v, 0, sizeof *v);
    v->first = first;
    v->last = last;
    v->role = role_of(p, first);
    char *at = u->buf + *used;
    memcpy(at, rw + from, to - from);
    *used += to - from + 1;
    v->text = trim_unit(at, to - from, (p->lex.v[first].flags & WS_QF_FIELDNAME) != 0);
    if (!*v->text)
        return;
    if (v->role == WS_QR_FILTER) { /* joined into one unit at the end */
        size_t have = strlen(u->filter);
        if (have)
            u->filter[have++] = ' ';
        memcpy(u->filter + have, v->text, strlen(v->text) + 1);
        return;
    }
    const qtok *k = &p->t[first];
    /* glued plain words: also their terms apart (one buffer area more) */
    int plain = first < last;
    for (size_t i = first; plain && i <= last; i++)
        plain = !(p->t[i].flags & QF_SYNTAX);
    if (plain) {
        char *ap = u->buf + *used;
        for (size_t i = first; i <= last; i++) {
            size_t tl = strlen(p->t[i].term);
            memcpy(u->buf + *used, p->t[i].term, tl);
            *used += tl;
            u->buf[(*used)++] = i < last ? ' ' : '\0';
        }
        v->apart = ap;
    }
    /* one plain word: the search also tries its compound parts and title */
    if (first == last && !(k->flags & QF_SYNTAX) && !(k->term[0] >= '0' && k->term[0] <= '9'))
        memcpy(v->word, k->term, strlen(k->term) + 1);
    /* a stopword is no word to match, unless the query is only those; nor
     * is the verb of a question for a name */
    if (first == last && v->role == WS_QR_OPTIONAL && !p->all_stop && !(k->flags & QF_SYNTAX) &&
        (ws_is_stopword(k->term) || naming_question_verb(p, k))) {
        u->dropped[u->ndropped++] = first;
        return;
    }
    u->n++;
}

/* Past the closing quote in the gap that starts at rw[at] (before the
 * next word's letters), or at itself when there is none. */
static size_t after_quote(const char *rw, size_t at, size_t len)
{
    for (size_t j = at; j < len; j++) {
        unsigned char c = (unsigned char)rw[j];
        if (c == '"')
            return j + 1;
        if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'))
            break;
    }
    return at;
}

int ws_query_units(const ws_query *p, const char *rw, ws_qunits *out, ws_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p->lex.n || is_boolean(p))
        return WS_OK;
    size_t len = strlen(rw);
    /* each unit with its NUL, and glued words apart: the terms are no
     * longer than the text that was written for them */
    out->buf = malloc(2 * (len + p->lex.n) + 1);
    out->dropped = calloc(p->lex.n, sizeof *out->dropped);
    out->filter = calloc(len + p->lex.n + 1, 1);
    /* one more unit: the filters joined */
    if (!out->buf || !(out->v = calloc(p->lex.n + 1, sizeof *out->v)) || !out->dropped ||
        !out->filter) {
        ws_qunits_free(out);
        return ws_error_set(err, WS_ENOMEM, "out of memory cutting the query into units");
    }
    size_t first = (size_t)-1, used = 0, from = 0;
    for (size_t i = 0; i <= p->lex.n; i++) {
        if (i < p->lex.n && !begins_unit(p, i))
            continue;
        if (first != (size_t)-1) {
            size_t to = i < p->lex.n ? p->cut[i] : len;
            to = to > len ? len : to < from ? from : to;
            /* a phrase's closing quote and a wildcard's '*' were
             * written with the gap after the word: they are the unit's */
            if (p->lex.v[i - 1].flags & WS_QF_PHRASE)
                to = after_quote(rw, to, len);
            if ((p->lex.v[i - 1].flags & WS_QF_WILD) && to < len && rw[to] == '*')
                to++;
            add_unit(p, out, rw, first, i - 1, from, to, &used);
            from = to;
        } else if (i < p->lex.n) {
            from = p->cut[i] > len ? len : p->cut[i];
        }
        first = i;
    }
    if (*out->filter) {
        ws_qunit *f = &out->v[out->n++];
        memset(f, 0, sizeof *f);
        f->text = out->filter;
        f->role = WS_QR_FILTER;
    }
    return WS_OK;
}
