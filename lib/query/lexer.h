/*
 * lexer.h - a user's query as a typed token array, read once (internal).
 *
 * The rewriter (query.c), --explain (explain.c) and the spelling suggestion
 * all consume this array instead of reading the query's characters again.
 * A token is one word as ws_analyze cuts it (so offsets and folded terms
 * are the analysis's own), classified by the syntax around it; quotes and
 * brackets between words are kept as marks beside the tokens.
 */
#ifndef WS_QUERY_LEXER_H
#define WS_QUERY_LEXER_H

#include <stddef.h>

#include "index/schema.h"
#include "analysis/analysis.h"
#include "wsearch/error.h"

/* How Xapian's QueryParser reads a token of the rewritten query. */
typedef enum ws_qkind {
    WS_QK_WORD,  /* a word (also inside a phrase) */
    WS_QK_OP,    /* AND OR NOT XOR NEAR ADJ, with NEAR/n's width */
    WS_QK_FIELD, /* name: of a field or a date range */
    WS_QK_PART   /* taken by the token before: NEAR/n's n, a filter's value */
} ws_qkind;

enum { WS_QOP_AND, WS_QOP_OR, WS_QOP_NOT, WS_QOP_XOR, WS_QOP_NEAR, WS_QOP_ADJ };

/* Token flags. */
enum {
    WS_QF_PHRASE = 1 << 0,     /* inside "..." (as the rewriter counts quotes) */
    WS_QF_NEG = 1 << 1,        /* -word */
    WS_QF_LOVE = 1 << 2,       /* +word */
    WS_QF_AFTER_NOT = 1 << 3,  /* the word right after NOT */
    WS_QF_WILD = 1 << 4,       /* word* */
    WS_QF_VALUE = 1 << 5,      /* the word right after a field name's ':' */
    WS_QF_RAW = 1 << 6,        /* inside a date range or NEAR/n: copied as typed */
    WS_QF_GLUED = 1 << 7,      /* glued to the previous word by punctuation alone */
    WS_QF_JOINED = 1 << 8,     /* joined to the previous word by spaces or one '-' */
    WS_QF_NEAR = 1 << 9,       /* an operand of NEAR or ADJ */
    WS_QF_OPNAME = 1 << 10,    /* spelled like an operator, outside quotes */
    WS_QF_FIELDNAME = 1 << 11, /* a field name followed by ':' */
    WS_QF_DATE = 1 << 12,      /* FIELDNAME of a date range */
    WS_QF_STRICT = 1 << 13,    /* required by explicit syntax (+, quotes, field
                                * value, AND, glued): never optional */
    WS_QF_XPHRASE = 1 << 14,   /* inside "..." as Xapian reads it: differs from
                                * PHRASE only for quotes in a filter's value */
    WS_QF_SUSPENDED = 1 << 15  /* "-word" after und/oder/sowie/bzw.: the second
                                * half of "Gruppen und -organisationen", a word,
                                * not an exclusion (the rewriter drops the '-') */
};

typedef struct ws_qtoken {
    size_t start, end; /* the word in the query */
    /* Where the token's syntax ends: after NEAR/n's digits for an operator
     * (ADJ/2), after ':' and what a field takes (a filter's value, a date
     * range, the ".-/:\@" before a text field's word), else end. */
    size_t next;
    /* The rewriter's end of an operator or date field: after "/digits" of
     * any operator name, after a date range's value. */
    size_t raw_end;
    ws_qkind kind;
    int op;                     /* WS_QOP_* when kind is WS_QK_OP or OPNAME, else -1 */
    unsigned window;            /* NEAR/ADJ: n of NEAR/n, else 10 */
    const ws_field *field;      /* WS_QK_FIELD: the field, NULL for a date range */
    unsigned flags;             /* WS_QF_* */
    unsigned tflags;            /* WS_TOK_* from the analysis */
    char term[WS_MAX_TERM + 1]; /* analysed, as typed */
} ws_qtoken;

/* Quotes and brackets between words, outside a token's syntax. */
typedef enum ws_qmark_kind {
    WS_QM_QUOTE_OPEN,
    WS_QM_QUOTE_CLOSE,
    WS_QM_OPEN,
    WS_QM_CLOSE
} ws_qmark_kind;

typedef struct ws_qmark {
    size_t at, len; /* the mark's bytes */
    size_t close;   /* QUOTE_OPEN: where its closing quote starts (or the
                     * end); OPEN: after its ')' (or the end) */
    ws_qmark_kind kind;
    char mod; /* '-' or '+' right before it (Xapian's -"..." and +(...)), else 0 */
} ws_qmark;

typedef struct ws_qlex {
    const char *q; /* the query (not owned), valid UTF-8 without NUL */
    size_t len;
    ws_qtoken *v;
    size_t n;
    ws_qmark *marks;
    size_t nmarks;
} ws_qlex;

/* "a NEAR b" without /n: b within 10 words of a (Xapian's default). */
#define WS_NEAR_WINDOW 10
/* More tokens than this: the query is refused (a client's flood of
 * operators or wildcards, not a search). */
#define WS_QLEX_MAX_TOKENS 4096

/*
 * The one function that lexes queries.  Checks q[0..len) (at most max
 * bytes when max > 0, no NUL, valid UTF-8, balanced quotes and brackets)
 * and fills out.  On error out is empty and err says why (WS_EQUERY,
 * WS_ETOOBIG, WS_ENOMEM).  Free with ws_qlex_free.
 */
int ws_query_lex(ws_analyzer *a, const char *q, size_t len, size_t max, ws_qlex *out,
                 ws_error *err);
void ws_qlex_free(ws_qlex *l);

/* Byte length of a double quote at s[0..n): " „ “ ” « » or the fullwidth
 * one; 0 if none. */
size_t ws_quote_len(const char *s, size_t n);

/* WS_QOP_* of s[0..n) (upper case only), -1 if it is no operator. */
int ws_operator_of(const char *s, size_t n);
/* "AND", "OR", ... */
const char *ws_operator_name(int op);

/* Is s[0..n), the bytes between two words, punctuation alone (Dessau-
 * Roßlau, 12.03.2024): no space, bracket, +, * or quote?  The rewriter
 * writes such a gap as "-", which Xapian reads as a phrase. */
int ws_query_glued(const char *s, size_t n);

/* Is the word explicitly required (WS_QF_STRICT) rather than joined to the
 * others by the default conjunction?  (-word is excluded, not required.) */
int ws_qtoken_strict(const ws_qtoken *t);

#endif /* WS_QUERY_LEXER_H */
