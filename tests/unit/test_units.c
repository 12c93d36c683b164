/*
 * test_units.c - a query cut into the units a search ranks by
 * (query/units.c): which words are optional, required, excluded or a
 * filter, which are not counted, and which queries stay boolean.  One
 * table of real German queries; each row lists the units as
 * "role:text|..." and the words not counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query/lexer.h"
#include "query/query.h"
#include "util/buf.h"

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

static const struct {
    const char *query;
    const char *units;   /* "role:text|...", "" for a boolean query */
    const char *dropped; /* the words not counted, as typed, space-separated */
} rows[] = {
    /* questions: question and function words are not counted */
    {"Wie können Kommunen Wohnraum für Geflüchtete finden?",
     "optional:kommunen|optional:wohnraum|optional:geflüchtete|optional:finden", "Wie können für"},
    {"Was ist Resilienz?", "optional:resilienz", "Was ist"},
    {"Wann gibt es Sprachkurse?", "optional:sprachkurse", "Wann gibt es"},
    {"Welche Leistungen gibt es bei Krankheit?", "optional:leistungen|optional:krankheit",
     "Welche gibt es bei"},
    {"Warum wurde die Wohnsitzauflage eingeführt?", "optional:wohnsitzauflage|optional:eingeführt",
     "Warum wurde die"},
    {"Wo finde ich eine Beratungsstelle?", "optional:finde|optional:beratungsstelle",
     "Wo ich eine"},
    {"Wer hat das Asylbewerberleistungsgesetz beschlossen?",
     "optional:asylbewerberleistungsgesetz|optional:beschlossen", "Wer hat das"},
    /* a query of nothing but such words searches them */
    {"wie was", "optional:\"wie\"|optional:\"was\"", ""},
    /* plain words are optional, explicit syntax is strict */
    {"Einbürgerungsbewerber Lebensunterhalt",
     "optional:einbürgerungsbewerber|optional:lebensunterhalt", ""},
    {"+Wohnsitzauflage Flüchtlinge", "required:wohnsitzauflage|optional:flüchtlinge", ""},
    {"Integration \"vor Ort\" Kommune",
     "optional:integration|required:\"vor ort\"|optional:kommune", ""},
    {"Integration -Kita", "optional:integration|excluded:kita", ""},
    {"Sprachtreff -\"Tee und Kuchen\"", "optional:sprachtreff|excluded:\"tee und kuchen\"", ""},
    {"title:Resilienz Kommune", "required:title:resilienz|optional:kommune", ""},
    {"type:md type:txt Lesepatenschaft", "optional:lesepatenschaft|filter:type:md type:txt", ""},
    {"jahr:2024 Sprachkurs", "optional:sprachkurs|filter:jahr:2024", ""},
    {"title:\"zwischen warteliste und wartezimmer\" Kita",
     "required:title:\"zwischen warteliste und wartezimmer\"|optional:kita", ""},
    {"integr* Kommune", "optional:integr*|optional:kommune", ""},
    /* words glued by punctuation stay one unit */
    {"Dessau-Roßlau Integration", "optional:dessau-rosslau|optional:integration", ""},
    /* operators or brackets: the user's own boolean query, no units */
    {"Kita OR Schule", "", ""},
    {"Kita AND Schule", "", ""},
    {"Kita NOT Schule", "", ""},
    {"(Kita Schule) Kommune", "", ""},
    {"Sprachtreff NEAR Garten", "", ""},
    {"-Kita", "", ""},
    /* a question for a name: its verb says what is asked, not what the
     * text holds; only after wie/was at the start, and never when typed
     * as syntax or as a plain word elsewhere */
    {"Wie heißt das Amt für Ausländerangelegenheiten?",
     "optional:amt|optional:ausländerangelegenheiten", "Wie heißt das für"},
    {"Wie hieß das Projekt in Lindenau?", "optional:projekt|optional:lindenau", "Wie hieß das in"},
    {"Wie hießen die Sprachkurse früher?", "optional:sprachkurse|optional:früher",
     "Wie hießen die"},
    {"Wie heißen die Beratungsstellen für Geflüchtete?",
     "optional:beratungsstellen|optional:geflüchtete", "Wie heißen die für"},
    {"Wie nennt man das Bleiberecht nach Ausbildung?",
     "optional:bleiberecht|optional:ausbildung", "Wie nennt man das nach"},
    {"Wie nannte man die Gastarbeiter?", "optional:gastarbeiter", "Wie nannte man die"},
    {"Wie wird die Duldung für Auszubildende genannt?",
     "optional:duldung|optional:auszubildende", "Wie wird die für genannt"},
    {"Was bezeichnet man als Spurwechsel?", "optional:spurwechsel", "Was bezeichnet man als"},
    {"Wie werden Menschen ohne Aufenthaltstitel bezeichnet?",
     "optional:menschen|optional:aufenthaltstitel", "Wie werden ohne bezeichnet"},
    {"Was heißt Resilienz?", "optional:resilienz", "Was heißt"},
    {"Heißt es Geflüchtete oder Flüchtlinge?",
     "optional:heisst|optional:geflüchtete|optional:flüchtlinge", "es oder"},
    {"Kita heißt Kindertagesstätte", "optional:kita|optional:heisst|optional:kindertagesstätte", ""},
    {"Wie +heißt das Amt?", "required:heisst|optional:amt", "Wie das"},
    {"Wie \"heißt das\" Amt?", "required:\"heisst das\"|optional:amt", "Wie"},
};

static void check_row(size_t r)
{
    ws_query *p = NULL;
    ws_error e;
    ws_buf rw = WS_BUF_INIT, got = WS_BUF_INIT, drop = WS_BUF_INIT;
    const char *q = rows[r].query;
    if (ws_query_parse(an, q, strlen(q), 4096, NULL, NULL, &p, &e) != WS_OK)
        fail_msg("'%s': %s", q, e.msg);
    assert_int_equal(ws_query_write(p, NULL, &rw, &e), WS_OK);
    ws_qunits u;
    assert_int_equal(ws_query_units(p, ws_buf_cstr(&rw), &u, &e), WS_OK);
    for (size_t k = 0; k < u.n; k++) {
        if (k)
            ws_buf_putc(&got, '|');
        ws_buf_puts(&got, ws_qrole_name(u.v[k].role));
        ws_buf_putc(&got, ':');
        ws_buf_puts(&got, u.v[k].text);
    }
    const ws_qlex *l = ws_query_tokens(p);
    for (size_t k = 0; k < u.ndropped; k++) {
        if (k)
            ws_buf_putc(&drop, ' ');
        const ws_qtoken *t = &l->v[u.dropped[k]];
        ws_buf_append(&drop, q + t->start, t->end - t->start);
    }
    const char *g = got.len ? ws_buf_cstr(&got) : "", *d = drop.len ? ws_buf_cstr(&drop) : "";
    if (strcmp(g, rows[r].units) || strcmp(d, rows[r].dropped))
        fail_msg("'%s': units '%s' (want '%s'), not counted '%s' (want '%s')", q, g, rows[r].units,
                 d, rows[r].dropped);
    ws_qunits_free(&u);
    ws_query_free(p);
    ws_buf_free(&rw);
    ws_buf_free(&got);
    ws_buf_free(&drop);
}

static void test_table(void **state)
{
    (void)state;
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++)
        check_row(r);
}

/* Hostile input: many words and quotes, every unit within the text. */
static void test_many_units(void **state)
{
    (void)state;
    ws_buf q = WS_BUF_INIT, rw = WS_BUF_INIT;
    for (int i = 0; i < 900; i++)
        ws_buf_puts(&q, i % 3 == 0 ? "\"a b\" " : i % 3 == 1 ? "-wort " : "kita* ");
    ws_query *p = NULL;
    ws_error e;
    assert_int_equal(ws_query_parse(an, q.data, q.len, 0, NULL, NULL, &p, &e), WS_OK);
    assert_int_equal(ws_query_write(p, NULL, &rw, &e), WS_OK);
    ws_qunits u;
    assert_int_equal(ws_query_units(p, ws_buf_cstr(&rw), &u, &e), WS_OK);
    assert_int_equal(u.n, 900);
    for (size_t k = 0; k < u.n; k++)
        assert_true(strlen(u.v[k].text) > 0 && strlen(u.v[k].text) <= 7);
    ws_qunits_free(&u);
    ws_query_free(p);
    ws_buf_free(&q);
    ws_buf_free(&rw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_many_units),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
