/*
 * explain.h - the parts of --explain (internal to lib/query/explain*.c).
 *
 * explain.c walks the lexer's tokens and writes the query's structure;
 * explain_word.c writes the lines of one word (its analysis, synonyms,
 * compound parts); explain_syntax.c those of fields, date ranges,
 * wildcards and operators.
 */
#ifndef WS_QUERY_EXPLAIN_H
#define WS_QUERY_EXPLAIN_H

#include <stddef.h>

#include "analysis/compound.h"
#include "index/schema.h"
#include "query/lexer.h"
#include "wsearch/search.h"
/* after wsearch/search.h, whose types it uses */
#include "search/searcher.h"
#include "util/buf.h"

typedef ws_strlist lines;

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

/* How a word stands in the query. */
typedef struct word_use {
    const ws_field *field; /* searched in this field, NULL: the text */
    const char *exact;     /* matched as written: "in der Phrase", "bei NEAR", NULL */
    int excluded;          /* -word, NOT word, or inside such a part */
    int loved;             /* +word */
    int indent;            /* spaces before the word's line */
} word_use;

/* Append a line (as long as it needs to be). */
void ws_explain_line(lines *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The term query.c makes of token k (see explain_word.c). */
void ws_explain_word_term(explain *e, const tok *k, int phrase, int wild, char *out);
/* A word's line and the lines under it. */
void ws_explain_word(explain *e, const tok *k, const word_use *u);

/* What a field is called and what it searches. */
void ws_explain_field_label(const ws_field *f, const char **label, const char **scope);
/* " – ausgeschlossen ..." / " – muss vorkommen (+)" / "". */
const char *ws_explain_excluded_note(int excluded, int loved);
void ws_explain_dates(explain *e, const tok *k);
void ws_explain_wildcard(explain *e, const tok *k, const word_use *u);
/* Operator token i; pure: a NOT with nothing before it. */
void ws_explain_operator(explain *e, size_t i, int pure);

#endif /* WS_QUERY_EXPLAIN_H */
