/*
 * explain_syntax.c - the --explain lines of the query's syntax: fields and
 * filters, date ranges (Xapian's own reading, asked by parsing the range
 * alone), wildcards (how many words the index holds for them) and the
 * operators AND, OR, NOT, XOR, NEAR and ADJ.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/explain.h"
#include "wsearch/search.h"
#include "xapian/xapian.h"

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

void ws_explain_field_label(const ws_field *f, const char **label, const char **scope)
{
    *label = "?";
    *scope = "";
    for (size_t i = 0; i < sizeof field_labels / sizeof *field_labels; i++)
        if (!strcmp(field_labels[i].prefix, f->prefix)) {
            *label = field_labels[i].label;
            *scope = field_labels[i].scope;
        }
}

const char *ws_explain_excluded_note(int excluded, int loved)
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
void ws_explain_dates(explain *e, const tok *k)
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
        ws_explain_line(
            e->out,
            "Datumsbereich %s bis %s (%.*s:): nur Dokumente mit einem Datum darin, beide "
            "Grenzen eingeschlossen; Dokumente ohne Datum fallen weg",
            a, b, nl, e->q + k->start);
    else if (strlen(lo) == 8)
        ws_explain_line(e->out,
                        "Datumsbereich ab %s (%.*s:): nur Dokumente mit einem Datum ab diesem Tag; "
                        "Dokumente ohne Datum fallen weg",
                        a, nl, e->q + k->start);
    else if (strlen(hi) == 8)
        ws_explain_line(
            e->out,
            "Datumsbereich bis %s (%.*s:): nur Dokumente mit einem Datum bis zu diesem Tag; "
            "Dokumente ohne Datum fallen weg",
            b, nl, e->q + k->start);
    else if (!memmem(v, (size_t)vl, "..", 2))
        ws_explain_line(
            e->out,
            "„%.*s:%.*s“ ist kein Datumsbereich (es fehlt „..“): so werden Wörter gesucht; "
            "ein Tag ist %.*s:%.*s..%.*s",
            nl, e->q + k->start, vl, v, nl, e->q + k->start, vl, v, vl, v);
    else
        ws_explain_line(
            e->out,
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

void ws_explain_wildcard(explain *e, const tok *k, const word_use *u)
{
    char term[WS_MAX_TERM + 1], prefix[WS_MAX_TERM + 8];
    ws_explain_word_term(e, k, 0, 1, term);
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
        ws_explain_field_label(u->field, &label, &scope);
    ws_explain_line(e->out, "%*s„%.*s*“ Platzhalter: Wörter, die mit „%s“ beginnen (%s)%s%s%s",
                    u->indent, "", (int)(k->end - k->start), e->q + k->start, term, many,
                    u->field ? ", im Feld " : "", u->field ? label : "",
                    ws_explain_excluded_note(u->excluded, u->loved));
}

void ws_explain_operator(explain *e, size_t i, int pure)
{
    const tok *k = &e->v[i];
    switch (k->op) {
    case WS_QOP_AND:
        ws_explain_line(e->out,
                        "AND: beide Seiten müssen vorkommen (wie zwischen Wörtern ohne Operator)");
        break;
    case WS_QOP_OR:
        ws_explain_line(e->out,
                        "OR: eines der Wörter genügt – ohne Klammern alles davor oder alles "
                        "danach: „a b OR c“ heißt „(a b) OR c“");
        break;
    case WS_QOP_NOT: {
        size_t words = 0;
        for (size_t j = i + 1; j < e->n; j++) {
            if (e->v[j].kind == WS_QK_OP && e->v[j].op != WS_QOP_NEAR && e->v[j].op != WS_QOP_ADJ)
                break;
            words += e->v[j].kind == WS_QK_WORD;
        }
        ws_explain_line(e->out, "NOT: %s%s",
                        pure ? "alle Dokumente außer denen mit dem, was folgt"
                             : "was folgt, darf nicht vorkommen – Treffer damit fallen weg",
                        words > 1 ? " (bei mehreren Wörtern: Treffer mit ihnen allen)" : "");
        break;
    }
    case WS_QOP_XOR:
        ws_explain_line(e->out, "XOR: genau eine der beiden Seiten, nicht beide");
        break;
    default: { /* NEAR, ADJ */
        ws_buf words = WS_BUF_INIT;
        char t[WS_MAX_TERM + 1];
        if (i > 0 && (e->v[i - 1].flags & WS_QF_NEAR)) {
            ws_explain_word_term(e, &e->v[i - 1], 0, 0, t);
            ws_buf_printf(&words, "„%s“", t);
        }
        for (size_t j = i + 1; j < e->n; j++) {
            if (e->v[j].kind == WS_QK_PART)
                continue;
            if (e->v[j].flags & WS_QF_NEAR) {
                ws_explain_word_term(e, &e->v[j], 0, 0, t);
                ws_buf_printf(&words, "%s„%s“", words.len ? " und " : "", t);
            }
            break;
        }
        const char *w = ws_buf_cstr(&words) ? ws_buf_cstr(&words) : "";
        if (k->op == WS_QOP_NEAR)
            ws_explain_line(e->out,
                            "NEAR: die Wörter höchstens %u %s voneinander entfernt, in beliebiger "
                            "Reihenfolge (%s%sgenau diese Wortformen, ohne Stamm und Synonyme)",
                            k->window, k->window == 1 ? "Wort" : "Wörter", w, *w ? "; " : "");
        else
            ws_explain_line(e->out,
                            "ADJ: die Wörter in dieser Reihenfolge, höchstens %u %s voneinander "
                            "entfernt (%s%sgenau diese Wortformen, ohne Stamm und Synonyme)",
                            k->window, k->window == 1 ? "Wort" : "Wörter", w, *w ? "; " : "");
        ws_buf_free(&words);
    }
    }
}
