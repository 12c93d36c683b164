/*
 * test_compound.c - closed compounds split with Debian's wngerman list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_skip.h"

#include "analysis/compound.h"

#define NGERMAN "/usr/share/dict/ngerman"

static ws_compounds *dict;

static int setup(void **state)
{
    (void)state;
    if (access(NGERMAN, R_OK) != 0)
        return 0; /* the tests say so and skip */
    return ws_compounds_load(&dict, NGERMAN, NULL);
}

static int teardown(void **state)
{
    (void)state;
    ws_compounds_free(dict);
    return 0;
}

/* The parts of term joined by "+", "" for no split. */
static const char *split(const char *term)
{
    static char out[256];
    ws_part p[6];
    size_t n = ws_compounds_split(dict, term, strlen(term), p, 6);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%.*s", i ? "+" : "", (int)p[i].len,
                 term + p[i].start);
    return out;
}

static void test_splits(void **state)
{
    (void)state;
    if (!dict) {
        WS_SKIP(NGERMAN " (Debian package wngerman) is not installed");
    }
    static const char *cases[][2] = {
        {"kommunalverwaltung", "kommunal+verwaltung"},
        {"arbeitsmarkt", "arbeit+markt"},         /* linking s */
        {"integrationskurs", "integration+kurs"}, /* linking s */
        {"flüchtlingsunterkunft", "flüchtling+unterkunft"},
        {"asylbewerberleistungsgesetz", "asyl+bewerber+leistung+gesetz"},
        {"wohnraumversorgungskonzept", "wohn+raum+versorgung+konzept"},
        {"sprachkurs", "sprach+kurs"},
        {"wandhalterung", "wand+halterung"}, /* never +alterung */
        {"gütersloh", ""},                   /* no part of 3 letters */
        {"integration", ""},
        {"kommunen", ""},
        {"verwaltung", ""},
        {"arbeitsmarktintegration", "arbeit+markt+integration"}, /* head split again */
        {"halterung", ""},
        /* a feminine ending is no part, though innen and rinnen are words */
        {"akteurinnen", ""},
        {"lehrerinnen", ""},                                /* not lehre+rinnen */
        {"beraterinnen", ""},                               /* not berate+rinnen */
        {"mitarbeiterinnen", ""},                           /* not mitarbeit+rinnen */
        {"referentinnen", ""},                              /* not referent+innen */
        {"sozialarbeiterinnen", "sozial+arbeiterinnen"},    /* split like the base */
        {"quartiersmanagerinnen", "quartier+managerinnen"}, /* the ending stays on */
        {"lehrerinnenzimmer", "lehrerinnen+zimmer"},
        {"dachrinnen", "dach+rinnen"}, /* Rinnen, no feminine form of a "Dachr" */
        /* s + amt: the s links, amt is too short to be a part, Samt is wrong */
        {"bundesamt", ""},
        {"arbeitsamt", ""},
        {"gesundheitsamt", ""},
        {"einkommensteuer", "einkommen+steuer"}, /* s + teuer is no reason to stop */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (strcmp(split(cases[i][0]), cases[i][1]) != 0)
            fail_msg("%s -> '%s', expected '%s'", cases[i][0], split(cases[i][0]), cases[i][1]);
    assert_true(strlen(ws_compounds_id(dict)) > 0);
}

/* ae/oe/ue in a document become umlauts only where the list says so. */
static void test_umlaut_words(void **state)
{
    (void)state;
    if (!dict)
        WS_SKIP(NGERMAN " (Debian package wngerman) is not installed");
    static const char *cases[][2] = {
        {"fluechtlinge", "flüchtlinge"},
        {"auslaenderbehoerde", "ausländerbehörde"},
        {"buergermeisterin", "bürgermeisterin"},
        {"fluechtlingsunterkunft", "flüchtlingsunterkunft"}, /* a compound of list words */
        {"muehlenstrasse", "mühlenstrasse"}, /* the list folds ß to ss, like terms */
        {"quelle", ""},                      /* a word as written */
        {"neue", ""},                        /* idem */
        {"aktuelle", ""},                    /* aktülle is no word */
        {"israel", ""},
        {"kommune", ""}, /* no pair at all */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[256];
        size_t n = ws_compounds_umlaut(dict, cases[i][0], strlen(cases[i][0]), out, sizeof out);
        if (!n)
            out[0] = '\0';
        if (strcmp(out, cases[i][1]) != 0)
            fail_msg("%s -> '%s', expected '%s'", cases[i][0], out, cases[i][1]);
    }
}

static void test_missing_list(void **state)
{
    (void)state;
    ws_compounds *d = NULL;
    ws_error e;
    assert_int_equal(ws_compounds_load(&d, "/nonexistent/wordlist", &e), WS_ENOTFOUND);
    assert_null(d);
    /* no list: nothing is split */
    ws_part p[6];
    assert_int_equal(ws_compounds_split(NULL, "kommunalverwaltung", 18, p, 6), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_splits),
        cmocka_unit_test(test_umlaut_words),
        cmocka_unit_test(test_missing_list),
    };
    return WS_RESULT(cmocka_run_group_tests(tests, setup, teardown));
}
