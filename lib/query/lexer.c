/*
 * lexer.c - the query string read once into typed tokens.
 *
 * Words are cut by ws_analyze, exactly as the documents were, so a token's
 * offsets and folded term are the analysis's own; the syntax is read from
 * the bytes around each word in one pass: quotes (ASCII and typographic)
 * open and close phrases, AND/OR/NOT/XOR/NEAR/ADJ are operators (NEAR/3
 * with its width), "name:" starts a field or a date range, "-", "+" and
 * "*" modify a word, punctuation alone between two words glues them.
 *
 * Two readings of an operator or a field are kept because two stages need
 * them: the rewriter copies any operator name with "/digits" and any
 * field name through (raw_end, WS_QF_OPNAME, WS_QF_FIELDNAME), and Xapian's
 * QueryParser then accepts only some of them (kind, next: NEAR/0 is a
 * word to it, "title:" before a space is no field).  Both live here, so
 * the rewriter and --explain can no longer drift apart.
 */
#include "query/lexer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"

/* Beyond this many words a query is a flood, not a search; with the byte
 * limit of a search (WS_SEARCH_MAX_QUERY) it is never reached. */
#define WS_QLEX_MAX_WORDS 65536

static const char *const op_names[] = {"AND", "OR", "NOT", "XOR", "NEAR", "ADJ"};

const char *ws_operator_name(int op)
{
    return op >= 0 && op < (int)(sizeof op_names / sizeof *op_names) ? op_names[op] : "";
}

int ws_operator_of(const char *s, size_t n)
{
    for (int i = 0; i < (int)(sizeof op_names / sizeof *op_names); i++)
        if (strlen(op_names[i]) == n && !memcmp(op_names[i], s, n))
            return i;
    return -1;
}

size_t ws_quote_len(const char *s, size_t n)
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

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int ws_query_glued(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (is_space(c) || c == '(' || c == ')' || c == '+' || c == '*' ||
            ws_quote_len(s + i, n - i))
            return 0;
    }
    return n > 0;
}

/* Two words joined by s[0..n) are one run for the thesaurus: spaces, or a
 * single hyphen (Welcome-Center). */
static int joined(const char *s, size_t n)
{
    if (n == 1 && s[0] == '-')
        return 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return n > 0;
}

int ws_qtoken_strict(const ws_qtoken *t)
{
    return (t->flags & WS_QF_STRICT) != 0;
}

static const ws_field *field_of(const char *s, size_t n)
{
    for (const ws_field *f = ws_schema_fields; f->name; f++)
        if (strlen(f->name) == n && !strncasecmp(f->name, s, n))
            return f;
    return NULL;
}

static int is_date_field(const char *s, size_t n)
{
    for (const char *const *d = ws_schema_date_fields; *d; d++)
        if (strlen(*d) == n && !strncasecmp(*d, s, n))
            return 1;
    return 0;
}

/* The parser would silently read an open quote to the end of the query; a
 * user is better told. */
static int validate(const char *q, size_t len, size_t max, ws_error *err)
{
    if (max && len > max)
        return ws_error_set(err, WS_ETOOBIG, "query is too long (%zu bytes, at most %zu)", len,
                            max);
    if (len && memchr(q, '\0', len))
        return ws_error_set(err, WS_EQUERY, "query contains a NUL byte");
    if (!ws_utf8_valid(q, len))
        return ws_error_set(err, WS_EQUERY, "query is not valid UTF-8");
    size_t quotes = 0, depth = 0;
    for (size_t i = 0; i < len;) {
        size_t ql = ws_quote_len(q + i, len - i);
        if (ql) {
            quotes++;
            i += ql;
            continue;
        }
        if (q[i] == '(')
            depth++;
        else if (q[i] == ')' && depth-- == 0)
            return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: ')' without '('");
        i++;
    }
    if (quotes % 2)
        return ws_error_set(err, WS_EQUERY,
                            "unbalanced quotation mark in query: a phrase is "
                            "opened with \" but not closed");
    if (depth > 0)
        return ws_error_set(err, WS_EQUERY, "unbalanced parenthesis in query: '(' without ')'");
    return WS_OK;
}

typedef struct lexer {
    ws_qlex *l;
    size_t cap, mcap;
    int oom, flood;
    int in_quote;
} lexer;

static int collect(void *ctx, const ws_token *t)
{
    lexer *x = ctx;
    ws_qlex *l = x->l;
    if (l->n >= WS_QLEX_MAX_WORDS) {
        x->flood = 1;
        return 1;
    }
    if (l->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        ws_qtoken *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            x->oom = 1;
            return 1;
        }
        l->v = v;
        x->cap = cap;
    }
    ws_qtoken *k = &l->v[l->n++];
    memset(k, 0, sizeof *k);
    k->start = t->start;
    k->end = k->next = k->raw_end = t->end;
    k->kind = WS_QK_WORD;
    k->op = -1;
    k->window = WS_NEAR_WINDOW;
    k->tflags = t->flags;
    memcpy(k->term, t->term, t->term_len + 1);
    return 0;
}

/* "-" or "+" right before position p, itself at the start or after a
 * space or "(": Xapian's -word and +word (a hyphen inside a word joins). */
static char modifier(const char *q, size_t p)
{
    if (p == 0 || (q[p - 1] != '-' && q[p - 1] != '+'))
        return 0;
    if (p >= 2 && !is_space(q[p - 2]) && q[p - 2] != '(')
        return 0;
    return q[p - 1];
}

static void add_mark(lexer *x, size_t at, size_t len, ws_qmark_kind kind)
{
    ws_qlex *l = x->l;
    if (l->nmarks == x->mcap) {
        size_t cap = x->mcap ? x->mcap * 2 : 16;
        ws_qmark *m = realloc(l->marks, cap * sizeof *m);
        if (!m) {
            x->oom = 1;
            return;
        }
        l->marks = m;
        x->mcap = cap;
    }
    ws_qmark *m = &l->marks[l->nmarks++];
    m->at = at;
    m->len = len;
    m->close = l->len;
    m->kind = kind;
    m->mod = modifier(l->q, at);
}

/* The quotes and brackets in q[from..to), the bytes before a word. */
static void scan_gap(lexer *x, size_t from, size_t to)
{
    const char *q = x->l->q;
    for (size_t j = from; j < to;) {
        size_t ql = ws_quote_len(q + j, to - j);
        if (ql) {
            add_mark(x, j, ql, x->in_quote ? WS_QM_QUOTE_CLOSE : WS_QM_QUOTE_OPEN);
            x->in_quote = !x->in_quote;
        } else if (!x->in_quote && (q[j] == '(' || q[j] == ')'))
            add_mark(x, j, 1, q[j] == '(' ? WS_QM_OPEN : WS_QM_CLOSE);
        j += ql ? ql : 1;
    }
}

/* The rewriter's reading of an operator name: it copies "/digits" after
 * any of them. */
static void lex_opname(ws_qlex *l, ws_qtoken *k, int op)
{
    k->flags |= WS_QF_OPNAME;
    k->op = op;
    if (k->end < l->len && l->q[k->end] == '/') {
        size_t e = k->end + 1;
        while (e < l->len && l->q[e] >= '0' && l->q[e] <= '9')
            e++;
        k->raw_end = e;
    }
}

/* Xapian's: NEAR/n takes a width above 0 followed by a space or the end
 * (NEAR/0 and NEAR/3x are words to it). */
static void lex_operator(ws_qlex *l, ws_qtoken *k, int op)
{
    const char *q = l->q;
    size_t len = l->len, d = k->end;
    unsigned w = WS_NEAR_WINDOW;
    if ((op == WS_QOP_NEAR || op == WS_QOP_ADJ) && d < len && q[d] == '/') {
        for (w = 0, d++; d < len && q[d] >= '0' && q[d] <= '9'; d++)
            w = w < 100000 ? w * 10 + (unsigned)(q[d] - '0') : w;
        if (!w || (d < len && !is_space(q[d])))
            return;
    }
    k->kind = WS_QK_OP;
    k->op = op;
    k->window = w;
    k->next = d;
}

/* The rewriter's reading of "name:" before token i + 1: it keeps any
 * field name, takes a date range up to the next space and analyses the
 * word right after the ':' as the field's value. */
static void lex_fieldname(ws_qlex *l, size_t i)
{
    ws_qtoken *k = &l->v[i];
    const char *q = l->q;
    k->flags |= WS_QF_FIELDNAME;
    if (is_date_field(q + k->start, k->end - k->start)) {
        size_t e = k->end + 1;
        while (e < l->len && q[e] != ' ' && q[e] != '\t' && q[e] != ')')
            e++;
        k->flags |= WS_QF_DATE;
        k->raw_end = e;
    } else if (i + 1 < l->n && l->v[i + 1].start == k->end + 1)
        l->v[i + 1].flags |= WS_QF_VALUE;
}

/* Xapian's: a field only when followed by a phrase, a bracket or (after
 * any . - / : \ @) a word; a filter's value and a date range run to the
 * next space or ")". */
static void lex_field(ws_qlex *l, size_t i)
{
    ws_qtoken *k = &l->v[i];
    const char *q = l->q, *s = q + k->start;
    size_t len = l->len, n = k->end - k->start;
    if (k->end + 1 >= len)
        return;
    size_t v = k->end + 1;
    const ws_field *f = field_of(s, n);
    int is_field = !is_space(q[v]) && q[v] != ')';
    if (is_field && f && !f->boolean && !ws_quote_len(q + v, len - v) && q[v] != '(') {
        is_field = q[v] != ':';
        while (v < len && strchr(".-/:\\@", q[v]))
            v++;
        is_field &= i + 1 < l->n && l->v[i + 1].start == v;
    }
    if (!is_field)
        return;
    k->kind = WS_QK_FIELD;
    k->field = f;
    k->next = v;
    if (!f || f->boolean) {
        while (k->next < len && !is_space(q[k->next]) && q[k->next] != ')')
            k->next++;
    }
}

static int is_fieldname(const ws_qlex *l, const ws_qtoken *k)
{
    return k->end < l->len && l->q[k->end] == ':' &&
           ws_schema_is_field(l->q + k->start, k->end - k->start);
}

/* The conjunctions after which German writes a suspended compound with a
 * leading hyphen ("Selbsthilfegruppen und -organisationen", "Ein- oder
 * -ausreise"): there "-word" is a word, never an exclusion, or a query
 * copied from such a text would throw out the very documents it quotes. */
static int suspends(const ws_qtoken *k)
{
    static const char *const conj[] = {"und",       "oder", "sowie", "bzw", "beziehungsweise",
                                       "respektive"};
    if (k->kind != WS_QK_WORD || (k->flags & (WS_QF_PHRASE | WS_QF_NEG | WS_QF_LOVE)))
        return 0; /* "-und -x" and "+und -x" are syntax throughout */
    for (size_t i = 0; i < sizeof conj / sizeof *conj; i++)
        if (!strcmp(k->term, conj[i]))
            return 1;
    return 0;
}

/* A token's modifiers and wildcard (the rewriter ignores them on an
 * operator or a field name, Xapian where it reads a word). */
static void lex_modifiers(ws_qlex *l, size_t i)
{
    ws_qtoken *k = &l->v[i];
    char mod = modifier(l->q, k->start);
    if (mod == '-' && i > 0 && !(k->flags & WS_QF_PHRASE) && suspends(&l->v[i - 1]))
        k->flags |= WS_QF_SUSPENDED;
    else if (mod)
        k->flags |= mod == '-' ? WS_QF_NEG : WS_QF_LOVE;
    if (k->end < l->len && l->q[k->end] == '*')
        k->flags |= WS_QF_WILD;
}

/* Facts between neighbours, once every token has its kind. */
static void lex_neighbours(ws_qlex *l)
{
    const char *q = l->q;
    for (size_t i = 1; i < l->n; i++) {
        ws_qtoken *a = &l->v[i - 1], *b = &l->v[i];
        if (b->start > a->end && ws_query_glued(q + a->end, b->start - a->end))
            b->flags |= WS_QF_GLUED;
        if (b->start > a->end && joined(q + a->end, b->start - a->end))
            b->flags |= WS_QF_JOINED;
        if ((b->flags & WS_QF_GLUED) && a->kind == WS_QK_WORD && b->kind == WS_QK_WORD &&
            !(a->flags & WS_QF_PHRASE)) {
            a->flags |= WS_QF_STRICT;
            b->flags |= WS_QF_STRICT;
        }
    }
    /* NEAR and ADJ match their neighbours as written, like a phrase; AND
     * makes both sides required explicitly */
    for (size_t i = 0; i < l->n; i++) {
        ws_qtoken *k = &l->v[i];
        if (k->kind == WS_QK_WORD && (k->flags & (WS_QF_PHRASE | WS_QF_VALUE | WS_QF_LOVE)))
            k->flags |= WS_QF_STRICT;
        if (k->kind != WS_QK_OP || k->op == WS_QOP_OR || k->op == WS_QOP_NOT || k->op == WS_QOP_XOR)
            continue;
        unsigned f = k->op == WS_QOP_AND ? WS_QF_STRICT : WS_QF_NEAR | WS_QF_STRICT;
        if (i > 0 && l->v[i - 1].kind == WS_QK_WORD)
            l->v[i - 1].flags |= f;
        size_t j = i + 1;
        while (j < l->n && l->v[j].kind == WS_QK_PART)
            j++;
        if (j < l->n && l->v[j].kind == WS_QK_WORD)
            l->v[j].flags |= f;
    }
}

/* Where each quote opened closes and each bracket ends, from the query's
 * bytes (every bracket counts, as in validate): the text a line of
 * --explain quotes.  One pass with a stack, so a query of 10 000 brackets
 * costs no more than one of 10 000 letters. */
static void lex_marks(lexer *x)
{
    ws_qlex *l = x->l;
    const char *q = l->q;
    size_t opens = 0, depth = 0, m = 0;
    for (size_t j = 0; j < l->len; j++)
        opens += q[j] == '(';
    size_t *stack = opens ? malloc(opens * sizeof *stack) : NULL;
    if (opens && !stack) {
        x->oom = 1;
        return;
    }
    for (size_t j = 0; j < l->len; j++) {
        while (m < l->nmarks && l->marks[m].at < j)
            m++;
        int is_mark = m < l->nmarks && l->marks[m].at == j;
        if (q[j] == '(')
            stack[depth++] = is_mark && l->marks[m].kind == WS_QM_OPEN ? m : (size_t)-1;
        else if (q[j] == ')' && depth > 0 && stack[--depth] != (size_t)-1)
            l->marks[stack[depth]].close = j + 1;
    }
    free(stack);
    /* a quote closes at the next quote: each scan ends where the next
     * one's quote begins, so the scans together read the query once */
    for (m = 0; m < l->nmarks; m++) {
        ws_qmark *k = &l->marks[m];
        if (k->kind != WS_QM_QUOTE_OPEN)
            continue;
        k->close = l->len;
        for (size_t j = k->at + k->len; j < l->len; j++)
            if (ws_quote_len(q + j, l->len - j)) {
                k->close = j;
                break;
            }
    }
}

/* The quotes in q[from..to) as the rewriter counts them. */
static int toggle_quotes(const char *q, size_t from, size_t to, int in_quote)
{
    for (size_t j = from; j < to;) {
        size_t ql = ws_quote_len(q + j, to - j);
        in_quote ^= ql != 0;
        j += ql ? ql : 1;
    }
    return in_quote;
}

/* The rewriter's reading of token i; returns where its next scan starts. */
static size_t read_rewriter(ws_qlex *l, size_t i, int in_quote, int *after_not)
{
    ws_qtoken *k = &l->v[i];
    int op = in_quote ? -1 : ws_operator_of(l->q + k->start, k->end - k->start);
    if (in_quote)
        k->flags |= WS_QF_PHRASE;
    if (op >= 0) {
        lex_opname(l, k, op);
        *after_not = op == WS_QOP_NOT;
    } else if (!in_quote && is_fieldname(l, k)) {
        lex_fieldname(l, i);
    } else {
        if (*after_not)
            k->flags |= WS_QF_AFTER_NOT;
        *after_not = 0;
    }
    return k->raw_end;
}

/* Xapian's reading of token i; returns where its next scan starts. */
static size_t read_xapian(ws_qlex *l, size_t i, int in_quote)
{
    ws_qtoken *k = &l->v[i];
    int op = in_quote ? -1 : ws_operator_of(l->q + k->start, k->end - k->start);
    if (in_quote)
        k->flags |= WS_QF_XPHRASE;
    if (op >= 0)
        lex_operator(l, k, op);
    if (k->kind == WS_QK_WORD && !in_quote && is_fieldname(l, k))
        lex_field(l, i);
    return k->kind == WS_QK_WORD ? k->end : k->next;
}

/* Each token read twice from one scan: as the rewriter copies it (words
 * inside a date range or NEAR/n skipped) and as Xapian then parses it
 * (what a field or NEAR/n takes skipped); the two differ only on odd
 * queries (tag:"a b", NEAR/0). */
static void classify(lexer *x)
{
    ws_qlex *l = x->l;
    size_t x_at = 0, r_at = 0;
    int after_not = 0, r_quote = 0;
    for (size_t i = 0; i < l->n; i++) {
        ws_qtoken *k = &l->v[i];
        lex_modifiers(l, i);
        int raw = k->start < r_at, part = k->start < x_at;
        if (raw)
            k->flags |= WS_QF_RAW;
        if (part)
            k->kind = WS_QK_PART;
        if (!raw) {
            r_quote = toggle_quotes(l->q, r_at, k->start, r_quote);
            r_at = read_rewriter(l, i, r_quote, &after_not);
        }
        if (!part) {
            scan_gap(x, x_at, k->start);
            x_at = read_xapian(l, i, x->in_quote);
        }
    }
    scan_gap(x, x_at, l->len); /* after the last word: "a (b)" */
}

int ws_query_lex(ws_analyzer *a, const char *q, size_t len, size_t max, ws_qlex *out, ws_error *err)
{
    memset(out, 0, sizeof *out);
    if (!q && len)
        return ws_error_set(err, WS_EINVAL, "ws_query_lex: invalid argument");
    int rc = validate(q, len, max, err);
    if (rc != WS_OK)
        return rc;
    out->q = q ? q : "";
    out->len = len;
    lexer x = {out, 0, 0, 0, 0, 0};
    rc = ws_analyze(a, out->q, len, 1, NULL, collect, &x, err);
    if (rc == WS_OK && x.flood)
        rc = ws_error_set(err, WS_ETOOBIG, "query has too many words (at most %d)",
                          WS_QLEX_MAX_WORDS);
    if (rc == WS_OK && x.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    if (rc == WS_OK) {
        classify(&x);
        lex_neighbours(out);
        lex_marks(&x);
        if (x.oom)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory analysing the query");
    }
    if (rc != WS_OK)
        ws_qlex_free(out);
    return rc;
}

void ws_qlex_free(ws_qlex *l)
{
    if (!l)
        return;
    free(l->v);
    free(l->marks);
    memset(l, 0, sizeof *l);
}
