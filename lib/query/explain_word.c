/*
 * explain_word.c - the --explain lines of one word: the term it becomes,
 * its stem, gender form, ß = ss, umlauts read from ae/oe/ue, stopword
 * status as Xapian's parse decided it, thesaurus synonyms, compound parts
 * and the exact-spelling bonus, each asked of the index.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stopwords.h"
#include "query/explain.h"
#include "query/query.h"
#include "analysis/analysis.h"
#include "xapian/xapian.h"

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
void ws_explain_word_term(explain *e, const tok *k, int phrase, int wild, char *out)
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
    size_t zl = strlen(WS_PFX_STEM);
    size_t skip = (!strncmp(term, WS_PFX_STEM, zl) ? zl : 0) + sl->skip;
    if (skip < len)
        ws_buf_append(&sl->b, term + skip, len - skip);
    return 0;
}

/* ---- the lines for a word ---------------------------------------------- */

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
        ws_explain_line(e->out, "%*s  Thesaurus (Abkürzung oder mehrere Wörter): auch %s",
                        u->indent, "", ws_buf_cstr(&multi.b) ? ws_buf_cstr(&multi.b) : "");
    ws_buf_free(&multi.b);
    char *sum = NULL;
    if (zkey && ws_xdb_get_metadata(e->s->db, WS_META_BROAD, &sum, NULL) == WS_OK && *sum) {
        syn_list broad = {WS_BUF_INIT, 0, 0};
        char bkey[WS_MAX_TERM + 16];
        snprintf(bkey, sizeof bkey, "%s%s", WS_PFX_BROAD, zkey);
        ws_xdb_synonyms(e->s->db, bkey, list_some, &broad, NULL);
        if (broad.b.len)
            ws_explain_line(
                e->out, "%*s  OpenThesaurus (Stämme, schwächer gewichtet als das Wort selbst): %s",
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
        ws_explain_line(
            e->out,
            "%*s  Schreibweise „%.*s“: Dokumente, die das Wort so schreiben, stehen vor "
            "denen mit anderer Schreibweise (ß/ss, ä/ae, ö/oe, ü/ue)",
            u->indent, "", (int)sl, surf);
}

void ws_explain_word(explain *e, const tok *k, const word_use *u)
{
    char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1], key[WS_MAX_TERM + 8];
    const char *pfx = u->field ? u->field->prefix : "";
    const char *surf = e->q + k->start;
    int sl = (int)(k->end - k->start);
    ws_explain_word_term(e, k, (k->flags & WS_QF_XPHRASE) != 0, 0, term);
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
    ws_explain_line(e->out, "%*s„%.*s“ → %s%s%s%s", u->indent, "", sl, surf, term,
                    n > 0 ? ", Stamm " : "", n > 0 ? stem : "",
                    ws_buf_cstr(&notes) ? ws_buf_cstr(&notes) : "");
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
        ws_explain_line(e->out, "%*s  Synonyme aus dem Thesaurus%s: %s%s", u->indent, "",
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
        ws_explain_line(e->out,
                        "%*s  Zerlegung: %s (eine Suche nach einem Teil findet auch dieses Wort)",
                        u->indent, "", ws_buf_cstr(&sp) ? ws_buf_cstr(&sp) : "");
        ws_buf_free(&sp);
    }
}
