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
 */
#define _GNU_SOURCE /* memmem */
#include "wsearch/search.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "analysis/compound.h"
#include "query/lexer.h"
#include "query/query.h"
#include "index/schema.h"
#include "search/searcher.h"
#include "analysis/stopwords.h"
#include "wsearch/analysis.h"
#include "wsearch/xapian.h"

/* Brackets nested deeper than this count as this deep. */
#define WS_MAX_DEPTH 32

/* ---- lines ------------------------------------------------------------- */

typedef ws_strlist lines;

static void add_line(lines *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Lines are as long as they need to be: Xapian's description of a long
 * query runs to kilobytes. */
static void add_line(lines *l, const char *fmt, ...)
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

/* The tokens come from the lexer (query/lexer.h), which reads the query as
 * the rewriter writes it and as Xapian's QueryParser then takes it. */
typedef ws_qtoken tok;

typedef struct explain {
    ws_searcher *s;
    const char *q; /* NUL-terminated */
    size_t len;
    lines *out;
    ws_compounds *dict; /* to show compound splits, or NULL */
    const ws_qlex *lex;
    const tok *v; /* lex->v */
    size_t n;
    ws_buf qterms; /* the parsed query's terms, each followed by '\n' */
    int syntax;    /* operators, phrases, -, +, wildcards seen */
} explain;

/* Are tokens i and i + 1 glued by punctuation alone (Dessau-Roßlau,
 * 12.03.2024)?  query.c writes such a gap as "-", which Xapian reads as a
 * phrase. */
static int glued(const explain *e, size_t i)
{
    const tok *a = &e->v[i], *b = &e->v[i + 1];
    return a->kind == WS_QK_WORD && b->kind == WS_QK_WORD && !(a->flags & WS_QF_XPHRASE) &&
           (b->flags & WS_QF_GLUED);
}

/* ---- what the index and the parser say --------------------------------- */

/* Is term one of the terms Xapian's parse of the query searches? */
static int query_has(explain *e, const char *term)
{
    const char *all = ws_buf_cstr(&e->qterms);
    size_t tl = strlen(term);
    for (const char *p = all; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l == tl && !memcmp(p, term, l))
            return 1;
        p += l + (nl != NULL);
    }
    return 0;
}

/* The term query.c makes of token k: its analysed form, with ae/oe/ue
 * read as umlauts the index knows (as in a phrase when phrase is set) and
 * none when a wildcard (whose letters are a beginning, not a word). */
static void word_term(explain *e, const tok *k, int phrase, int wild, char *out)
{
    memcpy(out, k->term, strlen(k->term) + 1);
    /* an operator's name as a word ("NEAR" in a phrase) is just folded */
    if (wild || ws_operator_of(e->q + k->start, k->end - k->start) >= 0)
        return;
    ws_query_transliterate_as(e->s->an, ws_searcher_knows, e->s->db, out, phrase);
}

typedef struct syn_list {
    ws_buf b;
    size_t skip;  /* bytes of field prefix to leave out */
    size_t count; /* listed so far (list_some) */
} syn_list;

/* OpenThesaurus synonyms shown per word (a search uses up to 24). */
#define WS_EXPLAIN_BROAD 12

static int list_synonym(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    syn_list *sl = ctx;
    if (sl->b.len)
        ws_buf_puts(&sl->b, ", ");
    /* "Z" + prefix + stem, or prefix + word: show the stem or word */
    size_t skip = (term[0] == 'Z' ? 1 : 0) + sl->skip;
    if (skip < len)
        ws_buf_append(&sl->b, term + skip, len - skip);
    return 0;
}

/* ---- the lines for a word ---------------------------------------------- */

/* How a word stands in the query. */
typedef struct word_use {
    const ws_field *field; /* searched in this field, NULL: the text */
    const char *exact;     /* matched as written: "in der Phrase", "bei NEAR", NULL */
    int excluded;          /* -word, NOT word, or inside such a part */
    int loved;             /* +word */
    int indent;            /* spaces before the word's line */
} word_use;

/* Up to max synonyms, as list_synonym writes them. */
static int list_some(void *ctx, const char *term, size_t len, uint32_t freq)
{
    syn_list *l = ctx;
    if (++l->count > WS_EXPLAIN_BROAD)
        return 1;
    return list_synonym(ctx, term, len, freq);
}

/* The thesaurus entries of several words, the OpenThesaurus widening and
 * the exact-spelling bonus of one word (see lib/search.c). */
static void explain_extras(explain *e, const tok *k, const word_use *u, const char *term,
                           const char *zkey)
{
    if (u->field || u->excluded)
        return;
    char key[WS_MAX_TERM + 8];
    syn_list multi = {WS_BUF_INIT, 0, 0};
    snprintf(key, sizeof key, "%s%s", WS_PFX_MULTIWORD, term);
    ws_xdb_synonyms(e->s->db, key, list_synonym, &multi, NULL);
    if (multi.b.len)
        add_line(e->out, "%*s  Thesaurus (Abkürzung oder mehrere Wörter): auch %s", u->indent, "",
                 ws_buf_cstr(&multi.b) ? ws_buf_cstr(&multi.b) : "");
    ws_buf_free(&multi.b);
    char *sum = NULL;
    if (zkey && ws_xdb_get_metadata(e->s->db, WS_META_BROAD, &sum, NULL) == WS_OK && *sum) {
        syn_list broad = {WS_BUF_INIT, 0, 0};
        char bkey[WS_MAX_TERM + 16];
        snprintf(bkey, sizeof bkey, "%s%s", WS_PFX_BROAD, zkey);
        ws_xdb_synonyms(e->s->db, bkey, list_some, &broad, NULL);
        if (broad.b.len)
            add_line(e->out,
                     "%*s  OpenThesaurus (Stämme, schwächer gewichtet als das Wort selbst): %s",
                     u->indent, "", ws_buf_cstr(&broad.b) ? ws_buf_cstr(&broad.b) : "");
        ws_buf_free(&broad.b);
    }
    free(sum);
    /* the same test as the query rewriter's: could folding hide the spelling? */
    const char *surf = e->q + k->start;
    size_t sl = k->end - k->start;
    int foldable = strcmp(term, k->term) != 0 || strstr(k->term, "ss") != NULL;
    for (size_t i = 0; i < sl && !foldable; i++)
        foldable = (unsigned char)surf[i] >= 0x80;
    if (foldable && !u->exact && !ws_is_stopword(k->term))
        add_line(e->out,
                 "%*s  Schreibweise „%.*s“: Dokumente, die das Wort so schreiben, stehen vor "
                 "denen mit anderer Schreibweise (ß/ss, ä/ae, ö/oe, ü/ue)",
                 u->indent, "", (int)sl, surf);
}

static void explain_word(explain *e, const tok *k, const word_use *u)
{
    char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1], key[WS_MAX_TERM + 8];
    const char *pfx = u->field ? u->field->prefix : "";
    const char *surf = e->q + k->start;
    int sl = (int)(k->end - k->start);
    word_term(e, k, (k->flags & WS_QF_XPHRASE) != 0, 0, term);
    size_t tl = strlen(term);
    ws_buf notes = WS_BUF_INIT;
    if (k->tflags & WS_TOK_GENDER)
        ws_buf_puts(&notes, u->exact ? "; Genderform, als ein Wort"
                                     : "; Genderform, trifft auch die Grundform");
    else if (!u->exact && ws_feminine_base(term, tl) != tl)
        ws_buf_puts(&notes, "; weibliche Form, trifft auch die Grundform");
    if (memmem(surf, (size_t)sl, "\xc3\x9f", 2) || memmem(surf, (size_t)sl, "\xe1\xba\x9e", 3))
        ws_buf_puts(&notes, "; ß = ss");
    if (strcmp(term, k->term) != 0)
        ws_buf_printf(&notes, "; %s als Umlaut gelesen: %s (im Index bekannt)", k->term, term);
    int n = -1;
    if (!u->exact && !(k->tflags & WS_TOK_NUMBER))
        n = ws_analyzer_stem(e->s->an, term, tl, stem, sizeof stem);
    char zkey[WS_MAX_TERM + 8] = "";
    if (n > 0)
        snprintf(zkey, sizeof zkey, "Z%s%s", pfx, stem);
    snprintf(key, sizeof key, "%s%s", pfx, term);
    int dropped = 0; /* a stopword the parser left out */
    if (ws_is_stopword(term)) {
        if (u->exact)
            ws_buf_printf(&notes, "; Stoppwort, zählt %s mit", u->exact);
        else if (u->loved)
            ws_buf_puts(&notes, "; Stoppwort, mit + doch gesucht");
        else if (query_has(e, key) || (n > 0 && query_has(e, zkey)))
            ws_buf_puts(&notes, "; Stoppwort, hier aber gesucht: sonst bliebe kein Wort");
        else {
            ws_buf_puts(&notes, "; Stoppwort: außerhalb von Phrasen ignoriert");
            dropped = 1;
        }
    }
    if (!dropped &&
        ws_searcher_knows(e->s->db, key) + (n > 0 ? ws_searcher_knows(e->s->db, zkey) : 0) == 0)
        ws_buf_puts(&notes,
                    u->field ? "; kommt in diesem Feld nicht vor" : "; kommt im Index nicht vor");
    add_line(e->out, "%*s„%.*s“ → %s%s%s%s", u->indent, "", sl, surf, term, n > 0 ? ", Stamm " : "",
             n > 0 ? stem : "", ws_buf_cstr(&notes) ? ws_buf_cstr(&notes) : "");
    ws_buf_free(&notes);
    if (u->exact || dropped)
        return;
    /* Synonyms as Xapian looks them up: the word, else its stem. */
    syn_list syn = {WS_BUF_INIT, strlen(pfx), 0};
    int stems = 0;
    ws_xdb_synonyms(e->s->db, key, list_synonym, &syn, NULL);
    if (!syn.b.len && n > 0) {
        ws_xdb_synonyms(e->s->db, zkey, list_synonym, &syn, NULL);
        stems = 1;
    }
    if (syn.b.len)
        add_line(e->out, "%*s  Synonyme aus dem Thesaurus%s: %s%s", u->indent, "",
                 stems ? " (Stämme)" : "", ws_buf_cstr(&syn.b) ? ws_buf_cstr(&syn.b) : "",
                 u->excluded ? " – Treffer mit ihnen fallen ebenso weg" : "");
    ws_buf_free(&syn.b);
    explain_extras(e, k, u, term, n > 0 ? zkey : NULL);
    /* The indexer splits compounds of the text only. */
    ws_part parts[6];
    size_t np = e->dict && !u->field && n > 0 ? ws_compounds_split(e->dict, term, tl, parts, 6) : 0;
    if (np >= 2) {
        ws_buf sp = WS_BUF_INIT;
        for (size_t i = 0; i < np; i++)
            ws_buf_printf(&sp, "%s%.*s", i ? " + " : "", (int)parts[i].len, term + parts[i].start);
        add_line(e->out, "%*s  Zerlegung: %s (eine Suche nach einem Teil findet auch dieses Wort)",
                 u->indent, "", ws_buf_cstr(&sp) ? ws_buf_cstr(&sp) : "");
        ws_buf_free(&sp);
    }
}

/* ---- the lines for the query's syntax ---------------------------------- */

/* What a field searches, by term prefix. */
static const struct {
    const char *prefix, *label, *scope;
} field_labels[] = {
    {WS_PFX_TITLE, "Titel", "nur im Titel gesucht"},
    {WS_PFX_SPEAKER, "Referent/Autor", "nur bei Vortragenden und Autor:innen gesucht"},
    {WS_PFX_ORG, "Organisation", "nur im Namen der Organisation gesucht"},
    {WS_PFX_EVENT, "Veranstaltung", "nur im Namen der Veranstaltung gesucht"},
    {WS_PFX_TAG, "Schlagwort", "nur Dokumente mit genau diesem Schlagwort"},
    {WS_PFX_TYPE, "Dateityp", "nur Dateien dieses Typs"},
    {WS_PFX_YEAR, "Jahr", "nur Dokumente aus diesem Jahr"},
};

static void field_label(const ws_field *f, const char **label, const char **scope)
{
    *label = "?";
    *scope = "";
    for (size_t i = 0; i < sizeof field_labels / sizeof *field_labels; i++)
        if (!strcmp(field_labels[i].prefix, f->prefix)) {
            *label = field_labels[i].label;
            *scope = field_labels[i].scope;
        }
}

static const char *excluded_note(int excluded, int loved)
{
    return excluded ? " – ausgeschlossen: Treffer damit fallen weg"
           : loved  ? " – muss vorkommen (+)"
                    : "";
}

/* "20240301" -> "2024-03-01" */
static void iso_date(const char *d, char out[11])
{
    snprintf(out, 11, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

/* A date range: Xapian's own reading of it, asked by parsing it alone. */
static void explain_dates(explain *e, const tok *k)
{
    const char *v = e->q + k->end + 1;
    int vl = (int)(k->next - (k->end + 1));
    int nl = (int)(k->end - k->start);
    ws_buf one = WS_BUF_INIT;
    for (int i = 0; i < nl; i++) {
        char c = e->q[k->start + (size_t)i];
        ws_buf_putc(&one, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    ws_buf_putc(&one, ':');
    ws_buf_append(&one, v, (size_t)vl);
    ws_xquery *xq = NULL;
    char *desc = NULL;
    char lo[16] = "", hi[16] = "", a[11], b[11];
    const char *src = ws_buf_cstr(&one);
    if (src && ws_xqp_parse(e->s->qp, src, WS_SEARCH_PARSE_FLAGS, &xq, NULL) == WS_OK &&
        ws_xquery_describe(xq, &desc, NULL) == WS_OK) {
        const char *r;
        if ((r = strstr(desc, "VALUE_RANGE ")))
            sscanf(r, "VALUE_RANGE %*u %8[0-9] %8[0-9]", lo, hi);
        else if ((r = strstr(desc, "VALUE_GE ")))
            sscanf(r, "VALUE_GE %*u %8[0-9]", lo);
        else if ((r = strstr(desc, "VALUE_LE ")))
            sscanf(r, "VALUE_LE %*u %8[0-9]", hi);
    }
    if (strlen(lo) == 8)
        iso_date(lo, a);
    if (strlen(hi) == 8)
        iso_date(hi, b);
    if (strlen(lo) == 8 && strlen(hi) == 8)
        add_line(e->out,
                 "Datumsbereich %s bis %s (%.*s:): nur Dokumente mit einem Datum darin, beide "
                 "Grenzen eingeschlossen; Dokumente ohne Datum fallen weg",
                 a, b, nl, e->q + k->start);
    else if (strlen(lo) == 8)
        add_line(e->out,
                 "Datumsbereich ab %s (%.*s:): nur Dokumente mit einem Datum ab diesem Tag; "
                 "Dokumente ohne Datum fallen weg",
                 a, nl, e->q + k->start);
    else if (strlen(hi) == 8)
        add_line(e->out,
                 "Datumsbereich bis %s (%.*s:): nur Dokumente mit einem Datum bis zu diesem Tag; "
                 "Dokumente ohne Datum fallen weg",
                 b, nl, e->q + k->start);
    else if (!memmem(v, (size_t)vl, "..", 2))
        add_line(e->out,
                 "„%.*s:%.*s“ ist kein Datumsbereich (es fehlt „..“): so werden Wörter gesucht; "
                 "ein Tag ist %.*s:%.*s..%.*s",
                 nl, e->q + k->start, vl, v, nl, e->q + k->start, vl, v, vl, v);
    else
        add_line(e->out,
                 "Datumsbereich „%.*s“ nicht verstanden: Daten als JJJJ-MM-TT oder TT.MM.JJJJ "
                 "schreiben, z. B. %.*s:2024-01-01..2024-12-31 (ein Jahr: jahr:2024)",
                 vl, v, nl, e->q + k->start);
    free(desc);
    ws_xquery_free(xq);
    ws_buf_free(&one);
}

typedef struct count_ctx {
    uint32_t n;
} count_ctx;

static int count_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)term;
    (void)len;
    (void)freq;
    return ++((count_ctx *)ctx)->n >= 1000000;
}

static void explain_wildcard(explain *e, const tok *k, const word_use *u)
{
    char term[WS_MAX_TERM + 1], prefix[WS_MAX_TERM + 8];
    word_term(e, k, 0, 1, term);
    const char *pfx = u->field ? u->field->prefix : "";
    snprintf(prefix, sizeof prefix, "%s%s", pfx, term);
    count_ctx c = {0};
    ws_xdb_allterms(e->s->db, prefix, count_term, &c, NULL);
    char many[96];
    if (!c.n)
        snprintf(many, sizeof many, "keines im Index");
    else if (c.n > WS_MAX_WILDCARD)
        snprintf(many, sizeof many, "%u im Index, gesucht werden die %u häufigsten", c.n,
                 WS_MAX_WILDCARD);
    else
        snprintf(many, sizeof many, "%u im Index, höchstens %u", c.n, WS_MAX_WILDCARD);
    const char *label = NULL, *scope = NULL;
    if (u->field)
        field_label(u->field, &label, &scope);
    add_line(e->out, "%*s„%.*s*“ Platzhalter: Wörter, die mit „%s“ beginnen (%s)%s%s%s", u->indent,
             "", (int)(k->end - k->start), e->q + k->start, term, many,
             u->field ? ", im Feld " : "", u->field ? label : "",
             excluded_note(u->excluded, u->loved));
}

static void explain_operator(explain *e, size_t i, int pure)
{
    const tok *k = &e->v[i];
    switch (k->op) {
    case WS_QOP_AND:
        add_line(e->out, "AND: beide Seiten müssen vorkommen (wie zwischen Wörtern ohne Operator)");
        break;
    case WS_QOP_OR:
        add_line(e->out, "OR: eines der Wörter genügt – ohne Klammern alles davor oder alles "
                         "danach: „a b OR c“ heißt „(a b) OR c“");
        break;
    case WS_QOP_NOT: {
        size_t words = 0;
        for (size_t j = i + 1; j < e->n; j++) {
            if (e->v[j].kind == WS_QK_OP && e->v[j].op != WS_QOP_NEAR && e->v[j].op != WS_QOP_ADJ)
                break;
            words += e->v[j].kind == WS_QK_WORD;
        }
        add_line(e->out, "NOT: %s%s",
                 pure ? "alle Dokumente außer denen mit dem, was folgt"
                      : "was folgt, darf nicht vorkommen – Treffer damit fallen weg",
                 words > 1 ? " (bei mehreren Wörtern: Treffer mit ihnen allen)" : "");
        break;
    }
    case WS_QOP_XOR:
        add_line(e->out, "XOR: genau eine der beiden Seiten, nicht beide");
        break;
    default: { /* NEAR, ADJ */
        ws_buf words = WS_BUF_INIT;
        char t[WS_MAX_TERM + 1];
        if (i > 0 && (e->v[i - 1].flags & WS_QF_NEAR)) {
            word_term(e, &e->v[i - 1], 0, 0, t);
            ws_buf_printf(&words, "„%s“", t);
        }
        for (size_t j = i + 1; j < e->n; j++) {
            if (e->v[j].kind == WS_QK_PART)
                continue;
            if (e->v[j].flags & WS_QF_NEAR) {
                word_term(e, &e->v[j], 0, 0, t);
                ws_buf_printf(&words, "%s„%s“", words.len ? " und " : "", t);
            }
            break;
        }
        const char *w = ws_buf_cstr(&words) ? ws_buf_cstr(&words) : "";
        if (k->op == WS_QOP_NEAR)
            add_line(e->out,
                     "NEAR: die Wörter höchstens %u %s voneinander entfernt, in beliebiger "
                     "Reihenfolge (%s%sgenau diese Wortformen, ohne Stamm und Synonyme)",
                     k->window, k->window == 1 ? "Wort" : "Wörter", w, *w ? "; " : "");
        else
            add_line(e->out,
                     "ADJ: die Wörter in dieser Reihenfolge, höchstens %u %s voneinander "
                     "entfernt (%s%sgenau diese Wortformen, ohne Stamm und Synonyme)",
                     k->window, k->window == 1 ? "Wort" : "Wörter", w, *w ? "; " : "");
        ws_buf_free(&words);
    }
    }
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
        field_label(w->phrase_field, &label, &scope);
    add_line(e->out,
             "Phrase „%.*s“: die Wörter in dieser Reihenfolge (Stoppwörter zählen "
             "hier mit), direkt hintereinander, jedes in genau dieser Form – ohne "
             "Stamm und Synonyme%s%s%s",
             (int)(m->close - j), e->q + j, w->phrase_field ? "; " : "",
             w->phrase_field ? scope : "", excluded_note(w->phrase_excluded, mod == '+'));
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
        field_label(f, &label, &scope);
    add_line(e->out, "Klammer %.*s: zusammen ein Teil der Anfrage%s%s%s", (int)(m->close - m->at),
             e->q + m->at, f ? "; " : "", f ? scope : "", excluded_note(ex, mod == '+'));
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
    explain_operator(w->e, i, k->op == WS_QOP_NOT && !w->seen && !w->after_and);
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
        explain_dates(e, k);
        return;
    }
    const char *label, *scope;
    field_label(k->field, &label, &scope);
    if (k->field->boolean) {
        /* Xapian ORs the filters of one field name, ANDs the rest */
        unsigned same = 0;
        for (size_t j = 0; j < e->n; j++)
            same += e->v[j].kind == WS_QK_FIELD && e->v[j].field &&
                    e->v[j].end - e->v[j].start == (size_t)nl &&
                    !strncasecmp(q + e->v[j].start, q + k->start, (size_t)nl);
        add_line(e->out,
                 "%.*s: Feld %s – %s: „%.*s“ (Filter, zählt nicht für die "
                 "Rangfolge)%s%s",
                 nl, q + k->start, label, scope, (int)(k->next - k->end - 1), q + k->end + 1,
                 same > 1 ? "; mehrere Werte dieses Felds: einer genügt" : "",
                 excluded_note(mod == '-' || outer, 0));
        return;
    }
    add_line(e->out, "%.*s: Feld %s – %s%s", nl, q + k->start, label, scope,
             excluded_note(mod == '-' || outer, mod == '+'));
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
        field_label(u->field, &label, &scope);
    add_line(e->out,
             "%s„%.*s“: %s, direkt hintereinander wie eine Phrase (genau diese "
             "Wortformen, ohne Stamm und Synonyme)%s%s%s",
             hyphens ? "Bindestrich-Wort " : "", (int)(e->v[g].end - e->v[i].start),
             q + e->v[i].start, hyphens ? "die Teile" : "durch Satzzeichen verbundene Teile",
             u->field ? "; " : "", u->field ? scope : "", excluded_note(u->excluded, u->loved));
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
        explain_wildcard(e, k, &u);
    } else {
        if (own_excluded) {
            add_line(e->out,
                     "%*s„%.*s“ ausgeschlossen (-Wort / NOT): Treffer mit diesem Wort fallen "
                     "weg",
                     u.indent, "", sl, e->q + k->start);
            u.indent += 2;
        } else if (u.loved) {
            add_line(e->out,
                     "%*s„%.*s“ Pflichtwort (+Wort): muss vorkommen – wie jedes Wort ohne "
                     "Operator; ein Stoppwort wird so doch gesucht",
                     u.indent, "", sl, e->q + k->start);
            u.indent += 2;
        }
        explain_word(e, k, &u);
        if (w->in_quote && (k->flags & WS_QF_WILD))
            add_line(e->out, "%*s  * gilt in einer Phrase nicht als Platzhalter", u.indent, "");
    }
    if (w->in_glue && i == w->glue_last)
        w->in_glue = 0;
}

/* Walk the query part by part. */
static void walk(explain *e)
{
    walker w;
    memset(&w, 0, sizeof w);
    w.e = e;
    w.not_depth = -1;
    w.pend_at = (size_t)-1;
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
    char *desc = NULL;
    ws_error perr;
    ws_error_clear(&perr);
    int parsed = ws_xqp_parse(s->qp, rw, WS_SEARCH_PARSE_FLAGS, &xq, &perr) == WS_OK;
    if (parsed)
        ws_xquery_terms(xq, ws_take_line, &e.qterms, NULL);

    if (rc == WS_OK) {
        walk(&e);
        /* On a plain syntax error (a query of nothing but -words, say)
         * Xapian reads the query again without any syntax: then it reads
         * it just as it reads it with none. */
        ws_xquery *plain = NULL;
        char *d1 = NULL, *d0 = NULL;
        if (parsed && e.syntax && ws_xqp_parse(s->qp, rw, 0, &plain, NULL) == WS_OK &&
            ws_xquery_describe(xq, &d1, NULL) == WS_OK &&
            ws_xquery_describe(plain, &d0, NULL) == WS_OK && !strcmp(d0, d1))
            add_line(&l, "Achtung: Xapian kann diese Anfrage so nicht lesen (etwa nur "
                         "ausgeschlossene Wörter) und sucht darum alle Wörter schlicht – ohne "
                         "Operatoren, Phrasen, -/+, Platzhalter und Synonyme");
        free(d1);
        free(d0);
        ws_xquery_free(plain);
        add_line(&l, "Anfrage nach der Analyse: %s", rw);
    }
    /* The search itself, for its estimate and its spelling suggestion.  A
     * query Xapian cannot read is explained, not refused: the lines above
     * show where it went wrong. */
    ws_search_options o = WS_SEARCH_OPTIONS_INIT;
    o.limit = 1;
    ws_results *r = NULL;
    ws_error serr;
    ws_error_clear(&serr);
    int src = rc == WS_OK ? ws_search(s, query, len, &o, &r, &serr) : rc;
    if (rc == WS_OK && src == WS_OK) {
        add_line(&l, "Treffer (geschätzt): %u", r->estimated);
        if (r->corrected)
            add_line(&l, "Meinten Sie: %s", r->corrected);
    } else if (rc == WS_OK && src == WS_EQUERY) {
        /* the parser's own words when it was the parser that gave up */
        add_line(&l, "Nicht verstanden: %s", parsed ? serr.msg : perr.msg);
    } else if (rc == WS_OK) {
        rc = src;
        if (err)
            *err = serr;
    }
    ws_results_free(r);
    /* what runs: with the OpenThesaurus widening and the exact-spelling
     * bonus, which come after parsing */
    ws_xquery *full = NULL;
    if (rc == WS_OK && parsed && ws_searcher_parse(s, rw, exact, &full, NULL) == WS_OK &&
        ws_xquery_describe(full, &desc, NULL) == WS_OK)
        add_line(&l, "Xapian: %s", desc);
    ws_xquery_free(full);
    free(desc);
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
