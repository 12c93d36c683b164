/*
 * test_lexer.c - the query lexer: every token kind with its offsets and
 * flags (a table: query -> tokens written out), hostile queries refused
 * clearly or read in bounded time, and the rewriter and --explain reading
 * the query as the lexer does.
 *
 * A token is written KIND(start,end)surface[flags]: W word, O operator,
 * F field, P part of the token before; flags as letters (see flag_letters).
 * Marks (quotes, brackets) follow the tokens as "@at" with their kind.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "query/lexer.h"
#include "query/query.h"
#include "util/buf.h"
#include "wsearch/index.h"
#include "wsearch/search.h"

static ws_analyzer *an;
static char dir[128], docs[160], idx[160];

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* A small index for the explain agreement test. */
static int setup(void **state)
{
    (void)state;
    if (ws_analyzer_new(&an, NULL) != WS_OK)
        return -1;
    snprintf(dir, sizeof dir, "/tmp/ws-test-lexer-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(docs, sizeof docs, "%s/docs", dir);
    snprintf(idx, sizeof idx, "%s/index", dir);
    mkdir(docs, 0755);
    char p[300];
    snprintf(p, sizeof p, "%s/kita.md", docs);
    if (write_file(p, "# Kita und Schule\n\nDie Kita in Dessau-Roßlau sucht Flüchtlinge "
                      "für die Integration vor Ort und eine Schule.\n") != 0)
        return -1;
    snprintf(p, sizeof p, "%s/hort.txt", docs);
    if (write_file(p, "Der Hort\n\nWohnraum für Kommunen, Sprachkurs am 12.03.2024.\n") != 0)
        return -1;
    ws_index *ix = NULL;
    ws_error e;
    const char *roots[] = {docs};
    ws_index_stats st;
    if (ws_index_open(&ix, idx, NULL, &e) != WS_OK ||
        ws_index_update(ix, roots, 1, NULL, NULL, &st, &e) != WS_OK)
        return -1;
    return ws_index_close(ix, &e) == WS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ws_analyzer_free(an);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const struct {
    unsigned flag;
    char letter;
} flag_letters[] = {
    {WS_QF_PHRASE, 'p'}, {WS_QF_NEG, '-'},    {WS_QF_LOVE, '+'},    {WS_QF_AFTER_NOT, 'n'},
    {WS_QF_WILD, '*'},   {WS_QF_VALUE, 'v'},  {WS_QF_RAW, 'r'},     {WS_QF_GLUED, 'g'},
    {WS_QF_JOINED, 'j'}, {WS_QF_NEAR, 'N'},   {WS_QF_OPNAME, 'o'},  {WS_QF_FIELDNAME, 'f'},
    {WS_QF_DATE, 'd'},   {WS_QF_STRICT, 's'}, {WS_QF_XPHRASE, 'q'}, {WS_QF_SUSPENDED, 'h'},
};

/* The tokens of l as one line (see the top of the file). */
static char *render(const ws_qlex *l)
{
    ws_buf b = WS_BUF_INIT;
    static const char kinds[] = "WOFP";
    static const char *marks[] = {"\"", "\"/", "(", ")"};
    for (size_t i = 0; i < l->n; i++) {
        const ws_qtoken *k = &l->v[i];
        ws_buf_printf(&b, "%s%c(%zu,%zu)%.*s", i ? " " : "", kinds[k->kind], k->start, k->end,
                      (int)(k->end - k->start), l->q + k->start);
        if (k->kind == WS_QK_OP && k->op >= WS_QOP_NEAR)
            ws_buf_printf(&b, "/%u", k->window);
        if (k->next != k->end)
            ws_buf_printf(&b, ">%zu", k->next);
        if (k->raw_end != k->end)
            ws_buf_printf(&b, "~%zu", k->raw_end);
        ws_buf_putc(&b, '[');
        for (size_t f = 0; f < sizeof flag_letters / sizeof *flag_letters; f++)
            if (k->flags & flag_letters[f].flag)
                ws_buf_putc(&b, flag_letters[f].letter);
        ws_buf_putc(&b, ']');
    }
    for (size_t m = 0; m < l->nmarks; m++)
        ws_buf_printf(&b, " @%zu%s%s", l->marks[m].at, marks[l->marks[m].kind],
                      l->marks[m].mod == '-'   ? "-"
                      : l->marks[m].mod == '+' ? "+"
                                               : "");
    ws_buf_putc(&b, '\0');
    return ws_buf_steal(&b, NULL);
}

static void expect_tokens(const char *q, const char *want)
{
    ws_qlex l;
    ws_error e;
    int rc = ws_query_lex(an, q, strlen(q), 0, &l, &e);
    if (rc != WS_OK)
        fail_msg("'%s': %s", q, e.msg);
    char *got = render(&l);
    if (getenv("WS_LEXER_DUMP"))
        print_message("    {\"%s\",\n     \"%s\"},\n", q, got);
    else if (strcmp(got, want) != 0)
        fail_msg("'%s'\n   got: %s\n  want: %s", q, got, want);
    free(got);
    ws_qlex_free(&l);
}

static const struct {
    const char *query, *tokens;
} token_table[] = {
    {"tag:\"Lese f\xc3\xb6"
     "rderung\"",
     "F(0,3)tag>9[f] P(5,9)Lese[p] W(10,20)f\xc3\xb6"
     "rderung[pjs] @20\""},
    {"Kita AND/3 Schule", "W(0,4)Kita[s] O(5,8)AND~10[jo] W(9,10)3[rgs] W(11,17)Schule[j]"},
    {"Kita Schule", "W(0,4)Kita[] W(5,11)Schule[j]"},
    {"", ""},
    {"\"Integration vor Ort\"",
     "W(1,12)Integration[psq] W(13,16)vor[pjsq] W(17,20)Ort[pjsq] @0\" @20\"/"},
    {"\xe2\x80\x9e"
     "Kita\xe2\x80\x9c"
     "",
     "W(3,7)Kita[psq] @0\" @7\"/"},
    {"Kita AND Schule", "W(0,4)Kita[s] O(5,8)AND[jo] W(9,15)Schule[js]"},
    {"Kita OR Schule NOT Hort XOR Garten",
     "W(0,4)Kita[] O(5,7)OR[jo] W(8,14)Schule[j] O(15,18)NOT[jo] W(19,23)Hort[nj] O(24,27)XOR[jo] "
     "W(28,34)Garten[j]"},
    {"kita or schule", "W(0,4)kita[] W(5,7)or[j] W(8,14)schule[j]"},
    {"Kita NEAR/3 Schule",
     "W(0,4)Kita[Ns] O(5,9)NEAR/3>11~11[jo] P(10,11)3[rg] W(12,18)Schule[jNs]"},
    {"Kita NEAR Schule", "W(0,4)Kita[Ns] O(5,9)NEAR/10[jo] W(10,16)Schule[jNs]"},
    {"Kita ADJ/2 Schule", "W(0,4)Kita[Ns] O(5,8)ADJ/2>10~10[jo] P(9,10)2[rg] W(11,17)Schule[jNs]"},
    {"Kita NEAR/0 Schule", "W(0,4)Kita[] W(5,9)NEAR~11[jos] W(10,11)0[rgs] W(12,18)Schule[j]"},
    {"title:Kita", "F(0,5)title>6[f] W(6,10)Kita[vgs]"},
    {"datum:2024-01-01..2024-12-31 Kita",
     "F(0,5)datum>28~28[fd] P(6,10)2024[rg] P(11,13)01[rgj] P(14,16)01[rgj] P(18,22)2024[rg] "
     "P(23,25)12[rgj] P(26,28)31[rgj] W(29,33)Kita[j]"},
    {"tag:Lesef\xc3\xb6"
     "rderung",
     "F(0,3)tag>18[f] P(4,18)Lesef\xc3\xb6"
     "rderung[vg]"},
    {"Referent:innen", "W(0,14)Referent:innen[]"},
    {"title: Kita", "W(0,5)title[f] W(7,11)Kita[]"},
    {"Kita -Schule +Hort", "W(0,4)Kita[] W(6,12)Schule[-] W(14,18)Hort[+s]"},
    /* a suspended compound after a conjunction is a word, not -word */
    {"Gruppen und -organisationen", "W(0,7)Gruppen[] W(8,11)und[j] W(13,27)organisationen[h]"},
    {"Vereine bzw. -verb\xc3\xa4nde", "W(0,7)Vereine[] W(8,11)bzw[j] W(14,23)verb\xc3\xa4nde[h]"},
    {"Gruppen -und -organisationen",
     "W(0,7)Gruppen[] W(9,12)und[-] W(14,28)organisationen[-]"},
    {"\"Gruppen und\" -organisationen",
     "W(1,8)Gruppen[psq] W(9,12)und[pjsq] W(15,29)organisationen[-] @0\" @12\"/"},
    {"Kita und-Schule", "W(0,4)Kita[] W(5,8)und[js] W(9,15)Schule[gjs]"},
    {"Integr*", "W(0,6)Integr[*]"},
    {"-(Kita Schule)", "W(2,6)Kita[] W(7,13)Schule[j] @1(- @13)"},
    {"+\"vor Ort\"", "W(2,5)vor[psq] W(6,9)Ort[pjsq] @1\"+ @9\"/"},
    {"Dessau-Ro\xc3\x9f"
     "lau",
     "W(0,6)Dessau[s] W(7,14)Ro\xc3\x9f"
     "lau[gjs]"},
    {"12.03.2024", "W(0,2)12[s] W(3,5)03[gs] W(6,10)2024[gs]"},
    {"(Kita OR (Schule)) Hort",
     "W(1,5)Kita[] O(6,8)OR[jo] W(10,16)Schule[] W(19,23)Hort[] @0( @9( @16) @17)"},
};

static void test_token_kinds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof token_table / sizeof *token_table; i++)
        expect_tokens(token_table[i].query, token_table[i].tokens);
}

static void expect_error(const char *q, size_t len, size_t max, int code, const char *part)
{
    ws_qlex l;
    ws_error e;
    int rc = ws_query_lex(an, q, len, max, &l, &e);
    if (rc != code)
        fail_msg("query of %zu bytes: got %d, want %d (%s)", len, rc, code, e.msg);
    if (!strstr(e.msg, part))
        fail_msg("message '%s' lacks '%s'", e.msg, part);
    assert_int_equal(l.n, 0);
    assert_null(l.v);
}

/* Builds len bytes repeating unit (the caller frees). */
static char *repeat(const char *unit, size_t len)
{
    char *s = malloc(len + 1);
    size_t ul = strlen(unit);
    for (size_t i = 0; i < len; i++)
        s[i] = unit[i % ul];
    s[len] = '\0';
    return s;
}

static void test_hostile(void **state)
{
    (void)state;
    expect_error("\"Integration vor Ort", 20, 0, WS_EQUERY, "unbalanced quotation mark");
    expect_error("\xe2\x80\x9eKita", 7, 0, WS_EQUERY, "unbalanced quotation mark");
    expect_error("(Kita OR Schule", 15, 0, WS_EQUERY, "'(' without ')'");
    expect_error("Kita)(", 6, 0, WS_EQUERY, "')' without '('");
    expect_error("Kita\0Schule", 11, 0, WS_EQUERY, "NUL byte");
    expect_error("Gr\xf6\xdf"
                 "e",
                 5, 0, WS_EQUERY, "not valid UTF-8");
    expect_error("\xe2\x80", 2, 0, WS_EQUERY, "not valid UTF-8");
    char *big = repeat("a", 10000);
    expect_error(big, 10000, 4096, WS_ETOOBIG, "too long");
    free(big);
    /* floods of wildcards, operators, brackets and quotes: read (the cost
     * is linear, so the work is bounded by the byte limit) */
    const char *units[] = {"a* ", "AND ", "NEAR/3 ", "(a) ", "\"a\" ", "-a ", "title:a ", "a-"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        char *s = repeat(units[u], 10000);
        size_t len = 10000 - 10000 % strlen(units[u]);
        ws_qlex l;
        ws_error e;
        assert_int_equal(ws_query_lex(an, s, len, 0, &l, &e), WS_OK);
        /* a-a-a-...: the analysis cuts an overlong word into a few pieces */
        if (l.n < (u == sizeof units / sizeof *units - 1 ? 1 : 1000))
            fail_msg("'%s' x %zu: %zu tokens", units[u], len / strlen(units[u]), l.n);
        ws_qlex_free(&l);
        ws_buf b = WS_BUF_INIT;
        assert_int_equal(ws_query_rewrite(an, s, len, 0, &b, &e), WS_OK);
        ws_buf_free(&b);
        free(s);
    }
    /* more words than any search takes: refused, not read */
    char *words = repeat("a ", 200000);
    ws_qlex l;
    ws_error e;
    assert_int_equal(ws_query_lex(an, words, 200000, 0, &l, &e), WS_ETOOBIG);
    assert_non_null(strstr(e.msg, "too many words"));
    free(words);
}

/* The rewritten query, lexed again, has the operators, fields and phrases
 * the lexer found in the query as typed: the rewriter keeps the syntax it
 * was told about. */
static void test_rewriter_agrees(void **state)
{
    (void)state;
    const char *queries[] = {
        "Kita AND Schule",
        "\"Integration vor Ort\" OR Hort",
        "Kita NEAR/3 Schule",
        "title:Kita -Schule",
        "(Wohnraum OR Wohnung) Kommune",
        "datum:2024-01-01..2024-12-31",
        "Kita XOR Hort NOT Zaun",
        "Sprache ADJ Kurs",
        "+Hort Kita",
    };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        const char *q = queries[i];
        ws_qlex a, b;
        ws_buf rw = WS_BUF_INIT;
        ws_error e;
        assert_int_equal(ws_query_lex(an, q, strlen(q), 0, &a, &e), WS_OK);
        assert_int_equal(ws_query_rewrite(an, q, strlen(q), 0, &rw, &e), WS_OK);
        assert_int_equal(ws_query_lex(an, rw.data, rw.len, 0, &b, &e), WS_OK);
        size_t ops[2] = {0}, fields[2] = {0}, phrase[2] = {0};
        const ws_qlex *ls[2] = {&a, &b};
        for (int s = 0; s < 2; s++)
            for (size_t j = 0; j < ls[s]->n; j++) {
                ops[s] += ls[s]->v[j].kind == WS_QK_OP;
                fields[s] += ls[s]->v[j].kind == WS_QK_FIELD;
                phrase[s] += (ls[s]->v[j].flags & WS_QF_PHRASE) != 0;
            }
        if (ops[0] != ops[1] || fields[0] != fields[1] || phrase[0] != phrase[1])
            fail_msg("'%s' -> '%s': operators %zu/%zu, fields %zu/%zu, phrase words %zu/%zu", q,
                     rw.data, ops[0], ops[1], fields[0], fields[1], phrase[0], phrase[1]);
        ws_qlex_free(&a);
        ws_qlex_free(&b);
        ws_buf_free(&rw);
    }
}

/* --explain gives every operator a line and every phrase one, and names
 * each word the lexer found. */
static void test_explain_agrees(void **state)
{
    (void)state;
    ws_searcher *s = NULL;
    ws_error e;
    assert_int_equal(ws_searcher_open(&s, idx, &e), WS_OK);
    const char *queries[] = {
        "Kita AND Schule",
        "\"Integration vor Ort\" OR Hort",
        "Kita NEAR/3 Schule",
        "Kita -Schule +Hort",
        "(Wohnraum OR Wohnung) Kommune",
        "Kita XOR Hort NOT Zaun",
        "Sprache ADJ Kurs",
        "Dessau-Roßlau Kita",
        "Integr* Kita",
    };
    static const char *op_lines[] = {"AND:", "OR:", "NOT:", "XOR:", "NEAR:", "ADJ:"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        const char *q = queries[i];
        ws_qlex l;
        char **lines = NULL;
        size_t n = 0;
        assert_int_equal(ws_query_lex(an, q, strlen(q), 0, &l, &e), WS_OK);
        if (ws_search_explain(s, q, strlen(q), &lines, &n, &e) != WS_OK)
            fail_msg("'%s': %s", q, e.msg);
        for (size_t j = 0; j < l.n; j++) {
            const ws_qtoken *k = &l.v[j];
            char want[160];
            if (k->kind == WS_QK_OP)
                snprintf(want, sizeof want, "%s", op_lines[k->op]);
            else if (k->kind == WS_QK_WORD)
                snprintf(want, sizeof want, "„%.*s", (int)(k->end - k->start), q + k->start);
            else
                continue;
            int found = 0;
            for (size_t m = 0; m < n && !found; m++)
                found = strstr(lines[m], want) != NULL;
            if (!found)
                fail_msg("'%s': explain says nothing of '%s'", q, want);
        }
        size_t opens = 0, phrase_lines = 0;
        for (size_t m = 0; m < l.nmarks; m++)
            opens += l.marks[m].kind == WS_QM_QUOTE_OPEN;
        for (size_t m = 0; m < n; m++)
            phrase_lines += strncmp(lines[m], "Phrase „", strlen("Phrase „")) == 0;
        assert_int_equal(opens, phrase_lines);
        ws_strings_free(lines, n);
        ws_qlex_free(&l);
    }
    ws_searcher_close(s);
}

/* The spelling suggestion corrects the tokens the search lexed: words the
 * index knows stay, the query's syntax stays. */
static int suggest_kita(void *ctx, const char *term, char *out, size_t cap, ws_error *err)
{
    (void)ctx;
    (void)err;
    if (strcmp(term, "kitta") != 0 || cap < 5)
        return 0;
    memcpy(out, "kita", 5);
    return 4;
}

static int suggest_fails(void *ctx, const char *term, char *out, size_t cap, ws_error *err)
{
    (void)ctx;
    (void)term;
    (void)out;
    (void)cap;
    return ws_error_set(err, WS_EMODIFIED, "index changed");
}

static uint32_t knows_schule(void *ctx, const char *term)
{
    (void)ctx;
    return strstr(term, "schul") != NULL;
}

static void test_suggest_on_tokens(void **state)
{
    (void)state;
    const char *q = "Kitta AND \"Schule\"";
    ws_query *p = NULL;
    ws_error e;
    assert_int_equal(ws_query_parse(an, q, strlen(q), 0, knows_schule, NULL, &p, &e), WS_OK);
    ws_buf b = WS_BUF_INIT;
    int corrected = 0;
    assert_int_equal(ws_query_suggest(p, suggest_kita, NULL, &b, &corrected, &e), WS_OK);
    assert_true(corrected);
    assert_string_equal(ws_buf_cstr(&b), "kita AND \"schule\"");
    /* the tokens are not changed: a retried search asks again */
    ws_buf_reset(&b);
    assert_int_equal(ws_query_write(p, NULL, &b, &e), WS_OK);
    assert_string_equal(ws_buf_cstr(&b), "kitta AND \"schule\"");
    /* an error of the spelling table reaches the caller */
    ws_buf_reset(&b);
    assert_int_equal(ws_query_suggest(p, suggest_fails, NULL, &b, &corrected, &e), WS_EMODIFIED);
    ws_buf_free(&b);
    ws_query_free(p);
}

/* Strict words (explicit syntax) against words joined by the default
 * conjunction, for the ranked OR of issue 14. */
static void test_strict(void **state)
{
    (void)state;
    const char *q = "Kita Schule +Hort \"vor Ort\" title:Garten Zaun AND Tor -Weg";
    ws_qlex l;
    ws_error e;
    assert_int_equal(ws_query_lex(an, q, strlen(q), 0, &l, &e), WS_OK);
    const char *strict[] = {"Hort", "vor", "Ort", "Garten", "Zaun", "Tor"};
    const char *optional[] = {"Kita", "Schule", "Weg"};
    for (size_t j = 0; j < l.n; j++) {
        const ws_qtoken *k = &l.v[j];
        if (k->kind != WS_QK_WORD)
            continue;
        int want = -1;
        for (size_t s = 0; s < 6; s++)
            if (!strncmp(strict[s], q + k->start, k->end - k->start))
                want = 1;
        for (size_t s = 0; s < 3; s++)
            if (!strncmp(optional[s], q + k->start, k->end - k->start))
                want = 0;
        assert_int_equal(ws_qtoken_strict(k), want);
    }
    ws_qlex_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_kinds),       cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_rewriter_agrees),   cmocka_unit_test(test_explain_agrees),
        cmocka_unit_test(test_suggest_on_tokens), cmocka_unit_test(test_strict),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
