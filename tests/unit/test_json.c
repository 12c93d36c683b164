/*
 * test_json.c - the search answer written straight into JSON: escapes,
 * text that is not UTF-8, the envelope's fields, and reading it back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wsearch/search.h"

static void test_escapes_and_round_trip(void **state)
{
    (void)state;
    ws_range marks[] = {{5, 9}};
    ws_hit h = {0};
    h.docid = 7;
    h.score = 2.0;
    h.percent = 100;
    h.path = "/srv/a \"b\".pdf";
    h.title = "Zeile\neins\t\x01 \\ Ende";
    h.type = WS_DOC_PDF;
    h.snippet = "Die <Kita> & mehr";
    h.marks = marks;
    h.nmarks = 1;
    h.passage_kind = WS_PASSAGE_PAGE;
    h.passage_number = 3;
    ws_results r = {0};
    r.hits = &h;
    r.nhits = 1;
    r.estimated = 1;
    r.estimate = 1;
    r.truncated = WS_TRUNCATED_TIME;
    ws_json_request req = {"kita \xff", 4, 0, 10, "/idx"};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ws_results_to_json(&r, &req, WS_JSON_SNIPPET_HTML, &out, &len, NULL), WS_OK);
    assert_int_equal(len, strlen(out));
    assert_non_null(strstr(out, "\"query\":\"kita\",\"total\":1,\"estimate\":true,"));
    assert_non_null(strstr(out, "\"path\":\"/srv/a \\\"b\\\".pdf\""));
    assert_non_null(strstr(out, "\"title\":\"Zeile\\neins\\t\\u0001 \\\\ Ende\""));
    assert_non_null(strstr(out, "\"score\":2.0,"));
    assert_non_null(strstr(out, "\"date\":null"));
    assert_non_null(strstr(out, "\"snippet_html\":\"Die &lt;<mark>Kita</mark>&gt; &amp; mehr\""));
    assert_non_null(strstr(out, "\"page\":3,\"location\":\"/srv/a \\\"b\\\".pdf#page=3\""));
    assert_non_null(
        strstr(out, "\"truncated\":true,\"truncated_by\":[\"time\"],\"index\":\"/idx\"}"));
    ws_results *back = NULL;
    char *index = NULL;
    assert_int_equal(ws_results_from_json(out, len, &back, &index, NULL), WS_OK);
    assert_string_equal(index, "/idx");
    assert_int_equal(back->nhits, 1);
    assert_true(back->estimate);
    assert_string_equal(back->hits[0].title, h.title);
    assert_string_equal(back->hits[0].path, h.path);
    assert_int_equal(back->hits[0].passage_number, 3);
    assert_int_equal(back->truncated, WS_TRUNCATED_TIME);
    free(index);
    ws_results_free(back);
    free(out);
    /* text that is not UTF-8 is written as null, never as broken JSON */
    ws_json_request bad = {"kita \xff", 6, 0, 10, NULL};
    assert_int_equal(ws_results_to_json(&r, &bad, 0, &out, &len, NULL), WS_OK);
    assert_non_null(strstr(out, "\"query\":null"));
    free(out);
}

/* The CLI's --json: the hits only, indented by two as before. */
static void test_hits_only_indented(void **state)
{
    (void)state;
    ws_hit h = {0};
    h.title = "T";
    h.snippet = "";
    ws_results r = {0};
    r.hits = &h;
    r.nhits = 1;
    char *out = NULL;
    assert_int_equal(ws_results_to_json(&r, NULL, WS_JSON_HITS_ONLY, &out, NULL, NULL), WS_OK);
    assert_memory_equal(out, "[\n  {\n    \"id\": 0,\n    \"path\": \"\",\n    \"title\": \"T\",",
                        52);
    assert_non_null(strstr(out,
                           "\"highlights\": [],\n    \"passage\": {\n      \"kind\": \"body\"\n"
                           "    },\n    \"related\": []\n  }\n]"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_and_round_trip),
        cmocka_unit_test(test_hits_only_indented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
