/*
 * query_impl.h - what a ws_query holds (internal to lib/query): shared by
 * query.c, which lexes and writes it, and units.c, which cuts what it
 * wrote into the units a search ranks by.
 */
#ifndef WS_QUERY_IMPL_H
#define WS_QUERY_IMPL_H

#include <stddef.h>

#include "query/lexer.h"
#include "query/query.h"

typedef struct qtok {
    size_t start, end;
    char term[WS_MAX_TERM + 1];  /* analysed, then transliterated */
    char typed[WS_MAX_TERM + 1]; /* analysed, as typed */
    unsigned flags;              /* the rewriter's WS_QF_* (see rewriter_flags) */
} qtok;

/* Flags that make a word more than a plain word of the text. */
#define QF_NEG (WS_QF_NEG | WS_QF_AFTER_NOT)
#define QF_SYNTAX                                                                                  \
    (WS_QF_OPNAME | WS_QF_FIELDNAME | WS_QF_VALUE | WS_QF_PHRASE | QF_NEG | WS_QF_WILD |           \
     WS_QF_LOVE | WS_QF_RAW)

struct ws_query {
    ws_analyzer *a;
    ws_known_fn known;
    void *ctx;
    ws_qlex lex;
    qtok *t;      /* one per lexer token */
    int positive; /* a word that is not excluded */
    int all_stop; /* the words are stopwords only */
    /* Where ws_query_write began writing each token (the gap before it
     * included), NO_CUT for a token written with the one before it:
     * where the units are cut (ws_query_units). */
    size_t *cut;
};

#define NO_CUT ((size_t)-1)

#endif /* WS_QUERY_IMPL_H */
