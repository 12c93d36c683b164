/*
 * query.c - query validation and rewriting before Xapian parses it.
 *
 * Xapian's QueryParser tokenises and lowercases on its own, differently
 * from our analysis: it would split "Akteur:innen", keep "ß", and, with
 * STEM_SOME, leave every capitalised word (every German noun) unstemmed.
 * So the query is first cut into words by ws_analyze, exactly like the
 * documents, and each word replaced by its analysed form.  What lies
 * between words (spaces, quotes, parentheses, +, -, *) stays as typed, so
 * the parser's syntax keeps working.
 */
#include "query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/compound.h"
#include "index/schema.h"
#include "analysis/stopwords.h"
#include "analysis/termgen.h"
#include "wsearch/extract.h"
#include "util/text.h"

typedef struct qtok {
    size_t start, end;
    char term[WS_MAX_TERM + 1];  /* analysed, then transliterated */
    char typed[WS_MAX_TERM + 1]; /* analysed, as typed */
    unsigned flags;              /* QT_* */
} qtok;

enum {
    QT_OPERATOR = 1 << 0, /* AND, OR, NOT, ... */
    QT_FIELD = 1 << 1,    /* title: (the name, not the value) */
    QT_VALUE = 1 << 2,    /* the word right after a field name */
    QT_PHRASE = 1 << 3,   /* inside "..." */
    QT_NEG = 1 << 4,      /* -word, NOT word */
    QT_WILD = 1 << 5,     /* word* */
    QT_LOVE = 1 << 6,     /* +word */
    QT_DATE = 1 << 7      /* inside a date range value or NEAR/n: no word */
};

typedef struct qtoks {
    qtok *v;
    size_t n, cap;
    int oom;
} qtoks;

static int collect(void *ctx, const ws_token *t)
{
    qtoks *q = ctx;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        qtok *v = realloc(q->v, cap * sizeof *v);
        if (!v) {
            q->oom = 1;
            return 1;
        }
        q->v = v;
        q->cap = cap;
    }
    qtok *k = &q->v[q->n++];
    k->start = t->start;
    k->end = t->end;
    memcpy(k->term, t->term, t->term_len + 1);
    memcpy(k->typed, t->term, t->term_len + 1);
    k->flags = 0;
    return 0;
}

static int is_operator(const char *s, size_t n)
{
    static const char *ops[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strlen(ops[i]) == n && !memcmp(ops[i], s, n))
            return 1;
    return 0;
}

static int is_date_field(const char *s, size_t n)
{
    for (const char *const *d = ws_schema_date_fields; *d; d++)
        if (strlen(*d) == n && !strncasecmp(*d, s, n))
            return 1;
    return 0;
}

/* Typographic double quotes a German keyboard or word processor produces:
 * „ “ ” « » and the fullwidth quote.  Returns the byte length or 0. */
static size_t quote_len(const char *s, size_t n)
{
    static const char *qs[] = {"\xe2\x80\x9e", "\xe2\x80\x9c", "\xe2\x80\x9d",
                               "\xc2\xab",     "\xc2\xbb",     "\xef\xbc\x82"};
    if (n && s[0] == '"')
        return 1;
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        size_t l = strlen(qs[i]);
        if (n >= l && !memcmp(s, qs[i], l))
            return l;
    }
    return 0;
}

/* Copy the text between two words, normalising quotes.  `glue` turns
 * punctuation that joins two words without a space into a hyphen, which
 * the parser reads as a phrase, as the indexer saw consecutive words. */
static void copy_gap(ws_buf *out, const char *s, size_t n, int between_words)
{
    int glue = between_words && n > 0;
    for (size_t i = 0; i < n && glue; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '+' ||
            c == '*' || quote_len(s + i, n - i))
            glue = 0;
    }
    if (glue) {
        ws_buf_putc(out, '-');
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t ql = quote_len(s + i, n - i);
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

void ws_query_transliterate(ws_analyzer *a, ws_known_fn known, void *ctx, char *term)
{
    transliterate(a, known, ctx, term, 0);
}

/* Is s[0..n), between two words, punctuation that glues them into one
 * (a hyphen, a slash, a dot), not a space or the query's syntax? */
static int glued(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(" \t()\"+", s[i]) || quote_len(s + i, n - i))
            return 0;
    return n > 0;
}

/* Are two words joined by s[0..n) one run for the thesaurus: spaces, or
 * a single hyphen (Welcome-Center)? */
static int joined(const char *s, size_t n)
{
    if (n == 1 && s[0] == '-')
        return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return n > 0;
}

/* Find each word's role from the characters around it (quotes, -, +, *,
 * field names, operators), then read typed ae/oe/ue as umlauts. */
static void mark_tokens(ws_analyzer *a, const char *q, size_t len, ws_known_fn known, void *ctx,
                        qtoks *t)
{
    int in_quote = 0, after_not = 0;
    size_t at = 0, date_end = 0;
    for (size_t i = 0; i < t->n; i++) {
        qtok *k = &t->v[i];
        if (k->start < date_end) {
            k->flags = QT_DATE;
            continue;
        }
        for (size_t j = at; j < k->start;) {
            size_t ql = quote_len(q + j, k->start - j);
            if (ql) {
                in_quote = !in_quote;
                j += ql;
            } else
                j++;
        }
        at = k->end;
        const char *s = q + k->start;
        size_t n = k->end - k->start;
        if (in_quote)
            k->flags |= QT_PHRASE;
        else if (is_operator(s, n)) {
            k->flags = QT_OPERATOR;
            after_not = n == 3 && !memcmp(s, "NOT", 3);
            if (k->end < len && q[k->end] == '/') { /* NEAR/3: the 3 is no word */
                size_t e = k->end + 1;
                while (e < len && q[e] >= '0' && q[e] <= '9')
                    e++;
                date_end = at = e;
            }
            continue;
        }
        if (!in_quote && k->end < len && q[k->end] == ':' && ws_schema_is_field(s, n)) {
            k->flags = QT_FIELD;
            if (is_date_field(s, n)) {
                size_t e = k->end + 1;
                while (e < len && q[e] != ' ' && q[e] != '\t' && q[e] != ')')
                    e++;
                date_end = at = e;
            } else if (i + 1 < t->n && t->v[i + 1].start == k->end + 1)
                t->v[i + 1].flags |= QT_VALUE;
            continue;
        }
        /* "-" or "+" right before the word, after a space, "(" or the start */
        if (k->start > 0 && (q[k->start - 1] == '-' || q[k->start - 1] == '+') &&
            (k->start == 1 || strchr(" \t(", q[k->start - 2])))
            k->flags |= q[k->start - 1] == '-' ? QT_NEG : QT_LOVE;
        if (after_not)
            k->flags |= QT_NEG;
        after_not = 0;
        if (k->end < len && q[k->end] == '*')
            k->flags |= QT_WILD;
        if (known && !(k->flags & QT_WILD))
            transliterate(a, known, ctx, k->term, in_quote);
    }
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

/* A hyphenated compound of two to four words (Online-Austausch) is
 * searched as written, a phrase of its parts, or closed (Onlineaustausch):
 * the indexer gives hyphenated words their joined stem too.  Returns the
 * tokens taken, 0 if token i starts no such compound. */
static size_t join_hyphens(const char *q, qtoks *t, size_t i, ws_buf *out)
{
    const unsigned plain =
        QT_OPERATOR | QT_FIELD | QT_VALUE | QT_PHRASE | QT_NEG | QT_WILD | QT_LOVE | QT_DATE;
    if (i > 0 && glued(q + t->v[i - 1].end, t->v[i].start - t->v[i - 1].end))
        return 0;
    size_t run = 1, total = strlen(t->v[i].term);
    while (i + run < t->n && run < 5) {
        const qtok *p = &t->v[i + run - 1], *k = &t->v[i + run];
        if (k->start != p->end + 1 || q[p->end] != '-')
            break;
        total += strlen(k->term);
        run++;
    }
    if (run < 2 || run > 4 || total > WS_MAX_TERM)
        return 0;
    if (i + run < t->n &&
        glued(q + t->v[i + run - 1].end, t->v[i + run].start - t->v[i + run - 1].end))
        return 0;
    for (size_t j = 0; j < run; j++)
        if ((t->v[i + j].flags & plain) ||
            (t->v[i + j].term[0] >= '0' && t->v[i + j].term[0] <= '9'))
            return 0;
    ws_buf_putc(out, '(');
    for (size_t j = 0; j < run; j++) {
        if (j)
            ws_buf_putc(out, '-');
        ws_buf_puts(out, t->v[i + j].term);
    }
    ws_buf_puts(out, " OR ");
    for (size_t j = 0; j < run; j++)
        ws_buf_puts(out, t->v[i + j].term);
    ws_buf_putc(out, ')');
    return run;
}

/* Longest run of words tried as one multi-word thesaurus entry. */
#define WS_PHRASE_WORDS 6

/* Where a run of plain words starting at token i is a thesaurus entry
 * with several words on one side (BAMF = Bundesamt für Migration und
 * Flüchtlinge), write the run OR-ed with every other spelling and return
 * how many tokens it took; 0 if none. */
static size_t expand_phrases(ws_query_extras *x, const char *q, qtoks *t, size_t i, ws_buf *out)
{
    const unsigned plain =
        QT_OPERATOR | QT_FIELD | QT_VALUE | QT_PHRASE | QT_NEG | QT_WILD | QT_LOVE | QT_DATE;
    size_t run = 0;
    while (i + run < t->n && run < WS_PHRASE_WORDS && !(t->v[i + run].flags & plain)) {
        const qtok *prev = run ? &t->v[i + run - 1] : NULL;
        if (prev && !joined(q + prev->end, t->v[i + run].start - prev->end))
            break;
        run++;
    }
    ws_buf key = WS_BUF_INIT, alts = WS_BUF_INIT;
    size_t used = 0;
    /* part of a longer hyphenated word (Welcome-Center-Team): not an entry */
    if (i > 0 && glued(q + t->v[i - 1].end, t->v[i].start - t->v[i - 1].end))
        run = 0;
    for (size_t m = run; m >= 1 && !used; m--) {
        if (i + m < t->n && glued(q + t->v[i + m - 1].end, t->v[i + m].start - t->v[i + m - 1].end))
            continue;
        ws_buf_reset(&key);
        for (size_t j = 0; j < m; j++) {
            if (j)
                ws_buf_putc(&key, ' ');
            ws_buf_puts(&key, t->v[i + j].term);
        }
        if (ws_buf_cstr(&key) && x->phrases(x->ctx, ws_buf_cstr(&key), &alts) > 0)
            used = m;
    }
    if (used && ws_buf_cstr(&alts)) {
        /* the words as typed: Welcome-Center stays a hyphenated phrase */
        ws_buf_puts(out, used > 1 ? "((" : "(");
        for (size_t j = 0; j < used; j++) {
            if (j)
                ws_buf_putc(out, q[t->v[i + j].start - 1] == '-' ? '-' : ' ');
            ws_buf_puts(out, t->v[i + j].term);
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
    ws_buf_free(&key);
    ws_buf_free(&alts);
    return used;
}

static int rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                   void *ctx, ws_suggest_fn suggest, int *corrected, ws_query_extras *x,
                   ws_buf *out, ws_error *err)
{
    if (max && len > max)
        return ws_error_set(err, WS_ETOOBIG, "query is too long (%zu bytes, at most %zu)", len,
                            max);
    if (memchr(q, '\0', len))
        return ws_error_set(err, WS_EQUERY, "query contains a NUL byte");
    if (!ws_utf8_valid(q, len))
        return ws_error_set(err, WS_EQUERY, "query is not valid UTF-8");
    /* The parser would silently read an open quote to the end of the
     * query; a user is better told. */
    int quotes = 0, depth = 0;
    for (size_t i = 0; i < len;) {
        size_t ql = quote_len(q + i, len - i);
        if (ql) {
            quotes++;
            i += ql;
            continue;
        }
        if (q[i] == '(')
            depth++;
        else if (q[i] == ')' && --depth < 0)
            return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: ')' without '('");
        i++;
    }
    if (quotes % 2)
        return ws_error_set(err, WS_EQUERY,
                            "unbalanced quotation mark in query: a phrase is "
                            "opened with \" but not closed");
    if (depth > 0)
        return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: '(' without ')'");

    qtoks t = {0};
    int rc = ws_analyze(a, q, len, 1, NULL, collect, &t, err);
    if (rc == WS_OK && t.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    if (rc != WS_OK) {
        free(t.v);
        return rc;
    }
    mark_tokens(a, q, len, known, ctx, &t);
    /* -word alone is a syntax error to Xapian, which then searches the
     * query again as plain words: it would find what it should exclude.
     * Without a positive word, -word is written NOT word (FLAG_PURE_NOT). */
    int positive = 0;
    for (size_t i = 0; i < t.n; i++)
        if (!(t.v[i].flags & (QT_OPERATOR | QT_FIELD | QT_DATE | QT_NEG)))
            positive = 1;
    int all_stop = 0;
    for (size_t i = 0; i < t.n; i++) {
        const qtok *k = &t.v[i];
        if (k->flags & (QT_OPERATOR | QT_FIELD | QT_DATE | QT_PHRASE | QT_WILD))
            continue;
        if (!ws_is_stopword(k->term)) {
            all_stop = 0;
            break;
        }
        all_stop = 1;
    }
    size_t at = 0;
    for (size_t i = 0; i < t.n; i++) {
        qtok *k = &t.v[i];
        if ((k->flags & QT_DATE) || k->start < at)
            continue; /* swallowed by a date range or NEAR/n below */
        copy_gap(out, q + at, k->start - at, i > 0 && at == t.v[i - 1].end);
        if (!positive && (k->flags & QT_NEG) && out->len && out->data[out->len - 1] == '-' &&
            k->start > 0 && q[k->start - 1] == '-') {
            out->len--;
            ws_buf_puts(out, "NOT ");
        }
        const char *s = q + k->start;
        size_t n = k->end - k->start;
        if (k->flags & QT_OPERATOR) {
            ws_buf_append(out, s, n);
            /* NEAR/3, ADJ/2 */
            at = k->end;
            if (at < len && q[at] == '/') {
                size_t e = at + 1;
                while (e < len && q[e] >= '0' && q[e] <= '9')
                    e++;
                ws_buf_append(out, q + at, e - at);
                at = e;
            }
            continue;
        }
        if (k->flags & QT_FIELD) {
            for (size_t j = 0; j < n; j++)
                ws_buf_putc(out, (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]));
            ws_buf_putc(out, ':');
            at = k->end + 1;
            if (is_date_field(s, n)) {
                /* datum:2024-01-01..2024-12-31 goes to the range processor
                 * untouched, up to the next space. */
                size_t e = at;
                while (e < len && q[e] != ' ' && q[e] != '\t' && q[e] != ')')
                    e++;
                ws_buf_append(out, q + at, e - at);
                at = e;
            }
            continue;
        }
        if (x && x->phrases) {
            size_t used = expand_phrases(x, q, &t, i, out);
            if (used) {
                at = t.v[i + used - 1].end;
                i += used - 1;
                continue;
            }
        }
        if (x) {
            size_t used = join_hyphens(q, &t, i, out);
            if (used) {
                at = t.v[i + used - 1].end;
                i += used - 1;
                continue;
            }
        }
        if (x && x->exact && !(k->flags & (QT_NEG | QT_WILD | QT_VALUE | QT_PHRASE)) &&
            !ws_is_stopword(k->typed) && foldable(k, s, n))
            exact_terms(x->exact, s, n, k->typed);
        /* A word the index does not know gets its closest known spelling;
         * never a wildcard, whose letters are a beginning, not a word. */
        if (suggest && !(k->flags & QT_WILD) && !(k->term[0] >= '0' && k->term[0] <= '9') &&
            known_score(a, known, ctx, k->term) == 0) {
            char fix[WS_MAX_TERM + 1];
            if (suggest(ctx, k->term, fix, sizeof fix) > 0) {
                memcpy(k->term, fix, strlen(fix) + 1);
                *corrected = 1;
            }
        }
        /* A query of stopwords only, or a stopword with + or - or a field,
         * asks for the word itself: as a phrase, since the index keeps no
         * stems for stopwords. */
        int quote = !(k->flags & QT_PHRASE) && ws_is_stopword(k->term) &&
                    (all_stop || (k->flags & (QT_LOVE | QT_NEG | QT_VALUE)));
        if (quote)
            ws_buf_putc(out, '"');
        ws_buf_puts(out, k->term);
        if (quote)
            ws_buf_putc(out, '"');
        at = k->end;
    }
    copy_gap(out, q + at, len - at, 0);
    free(t.v);
    if (!ws_buf_cstr(out))
        return ws_error_set(err, WS_ENOMEM, "out of memory rewriting the query");
    return WS_OK;
}

int ws_query_rewrite_known(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                           void *ctx, ws_buf *out, ws_error *err)
{
    return rewrite(a, q, len, max, known, ctx, NULL, NULL, NULL, out, err);
}

int ws_query_correct(ws_analyzer *a, const char *q, size_t len, ws_known_fn known,
                     ws_suggest_fn suggest, void *ctx, ws_buf *out, int *corrected, ws_error *err)
{
    *corrected = 0;
    return rewrite(a, q, len, 0, known, ctx, suggest, corrected, NULL, out, err);
}

int ws_query_rewrite(ws_analyzer *a, const char *q, size_t len, size_t max, ws_buf *out,
                     ws_error *err)
{
    return rewrite(a, q, len, max, NULL, NULL, NULL, NULL, NULL, out, err);
}

int ws_query_prepare(ws_analyzer *a, const char *q, size_t len, size_t max, ws_known_fn known,
                     void *ctx, ws_query_extras *x, ws_buf *out, ws_error *err)
{
    return rewrite(a, q, len, max, known, ctx, NULL, NULL, x, out, err);
}
