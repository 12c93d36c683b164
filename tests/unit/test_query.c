/*
 * test_query.c - what the query parser receives: German analysis applied
 * to words, the query syntax left intact, hostile queries refused clearly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query/query.h"

static ws_analyzer *an;

static int setup(void **state)
{
    (void)state;
    return ws_analyzer_new(&an, NULL);
}

static int teardown(void **state)
{
    (void)state;
    ws_analyzer_free(an);
    return 0;
}

static void expect(const char *in, const char *out)
{
    ws_buf b = WS_BUF_INIT;
    ws_error e;
    int rc = ws_query_rewrite(an, in, strlen(in), 4096, &b, &e);
    if (rc != WS_OK)
        fail_msg("'%s': %s", in, e.msg);
    assert_string_equal(ws_buf_cstr(&b), out);
    ws_buf_free(&b);
}

static void expect_error(const char *in, size_t len, int code, const char *part)
{
    ws_buf b = WS_BUF_INIT;
    ws_error e;
    assert_int_equal(ws_query_rewrite(an, in, len, 4096, &b, &e), code);
    if (!strstr(e.msg, part))
        fail_msg("message '%s' lacks '%s'", e.msg, part);
    ws_buf_free(&b);
}

static void test_words(void **state)
{
    (void)state;
    expect("Resilienz Kommunen", "resilienz kommunen");
    expect("Straße in Dessau-Roßlau", "strasse in dessau-rosslau");
    expect("Akteur:innen Mitarbeiter*innen", "akteurinnen mitarbeiterinnen");
    expect("TeilnehmerInnen", "teilnehmerinnen");
    expect("Flu\xcc\x88"
           "chtlinge",
           "flüchtlinge");
}

static void test_syntax_kept(void **state)
{
    (void)state;
    expect("\"Integration vor Ort\"", "\"integration vor ort\"");
    expect("\xe2\x80\x9eIntegration vor Ort\xe2\x80\x9c", "\"integration vor ort\"");
    expect("Kita OR Schule NOT Hort", "kita OR schule NOT hort");
    expect("Kita -Schule +Hort", "kita -schule +hort");
    /* a suspended compound ("Gruppen und -organisationen") is a word */
    expect("Gruppen und -organisationen", "gruppen und  organisationen");
    expect("Gruppen -organisationen", "gruppen -organisationen");
    expect("(Wohnraum OR Wohnung) Kommune", "(wohnraum OR wohnung) kommune");
    expect("Integr*", "integr*");
    expect("Sprache NEAR/3 Kurs", "sprache NEAR/3 kurs");
    /* lowercase operators are ordinary words */
    expect("kita or schule", "kita or schule");
}

static void test_fields(void **state)
{
    (void)state;
    expect("Title:Resilienz", "title:resilienz");
    expect("referent:Altmann", "referent:altmann");
    expect("typ:md jahr:2024", "typ:md jahr:2024");
    expect("datum:2024-01-01..2024-12-31 Kita", "datum:2024-01-01..2024-12-31 kita");
    /* not a field: the colon is a gender marker or punctuation */
    expect("Referent:innen", "referentinnen");
}

static void test_glued_words(void **state)
{
    (void)state;
    expect("12.03.2024", "12-03-2024");
    expect("12:30 Uhr", "12-30 uhr");
    expect("z.B. Kita", "z-b. kita");
}

static void test_hostile(void **state)
{
    (void)state;
    expect_error("\"Integration vor Ort", 20, WS_EQUERY, "unbalanced quotation mark");
    expect_error("(Kita OR Schule", 15, WS_EQUERY, "'(' without ')'");
    expect_error("Kita)", 5, WS_EQUERY, "')' without '('");
    expect_error("Kita\0Schule", 11, WS_EQUERY, "NUL byte");
    expect_error("Gr\xf6\xdf"
                 "e",
                 5, WS_EQUERY, "not valid UTF-8");
    char *big = malloc(10001);
    memset(big, 'a', 10000);
    big[10000] = '\0';
    expect_error(big, 10000, WS_ETOOBIG, "too long");
    /* 10 000 characters of words under a larger limit still work */
    for (int i = 5; i < 10000; i += 6)
        big[i] = ' ';
    ws_buf b = WS_BUF_INIT;
    ws_error e;
    assert_int_equal(ws_query_rewrite(an, big, 10000, 20000, &b, &e), WS_OK);
    assert_true(b.len > 9000);
    ws_buf_free(&b);
    free(big);
}

/* The lexed query written out is what the one-call rewrite writes, and a
 * hyphenated compound is searched as written or closed. */
static void test_parse_then_write(void **state)
{
    (void)state;
    const char *queries[] = {"Kita OR Schule NOT Hort",
                             "\"Integration vor Ort\" -Kita",
                             "datum:2024-01-01..2024-12-31 Kita",
                             "Sprache NEAR/3 Kurs",
                             "Dessau-Roßlau",
                             "-Kita",
                             "der die das"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        ws_buf a = WS_BUF_INIT, b = WS_BUF_INIT;
        ws_error e;
        ws_query *p = NULL;
        const char *q = queries[i];
        assert_int_equal(ws_query_rewrite(an, q, strlen(q), 4096, &a, &e), WS_OK);
        assert_int_equal(ws_query_parse(an, q, strlen(q), 4096, NULL, NULL, &p, &e), WS_OK);
        assert_int_equal(ws_query_write(p, NULL, &b, &e), WS_OK);
        assert_string_equal(ws_buf_cstr(&a), ws_buf_cstr(&b));
        ws_query_free(p);
        ws_buf_free(&a);
        ws_buf_free(&b);
    }
    expect("-Kita", "NOT kita");
    expect("der die das", "\"der\" \"die\" \"das\"");
    ws_buf b = WS_BUF_INIT, ex = WS_BUF_INIT;
    ws_error e;
    ws_query_extras x = {NULL, NULL, &ex};
    assert_int_equal(
        ws_query_prepare(an, "Online-Austausch Straße", 24, 4096, NULL, NULL, &x, &b, &e), WS_OK);
    assert_string_equal(ws_buf_cstr(&b), "(online-austausch OR onlineaustausch) strasse");
    assert_non_null(strstr(ws_buf_cstr(&ex), "strasse\n"));
    ws_buf_free(&b);
    ws_buf_free(&ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),   cmocka_unit_test(test_syntax_kept),
        cmocka_unit_test(test_fields),  cmocka_unit_test(test_glued_words),
        cmocka_unit_test(test_hostile), cmocka_unit_test(test_parse_then_write),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
