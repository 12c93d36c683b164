/*
 * test_text.c - unit tests for text decoding (lib/util/text.c): UTF-8 checks,
 * Windows-1252 fallback, control characters, line ends, NFC, binary data,
 * and the date parser every extractor uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"
#include "wsearch/extract.h"
#include "extract/extract_int.h"

/* Decode s (n bytes) and compare with want; returns the converted flag. */
static int decode_eq(const char *s, size_t n, const char *want)
{
    char *out = NULL;
    size_t len = 0;
    int conv = -1;
    ws_error err;
    assert_int_equal(ws_text_decode(s, n, &out, &len, &conv, &err), WS_OK);
    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
    free(out);
    return conv;
}

#define DECODE_EQ(lit, want) decode_eq(lit, sizeof(lit) - 1, want)

static void test_utf8_valid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        int valid;
    } cases[] = {
        {"", 0, 1},
        {"Kommunen", 8, 1},
        {"Gr\xC3\xB6\xC3\x9F"
         "e",
         7, 1}, /* Größe */
        {"\xE2\x80\x9E"
         "Zitat\xE2\x80\x9C",
         11, 1},                    /* „Zitat“ */
        {"\xF0\x9F\x98\x80", 4, 1}, /* U+1F600 */
        {"\xF4\x8F\xBF\xBF", 4, 1}, /* U+10FFFF */
        {"a\0b", 3, 1},             /* NUL is well-formed */
        {"\xC3", 1, 0},             /* truncated */
        {"\xE2\x80", 2, 0},         /* truncated */
        {"\x80", 1, 0},             /* lone continuation */
        {"\xC0\xAF", 2, 0},         /* overlong '/' */
        {"\xC1\xBF", 2, 0},         /* overlong */
        {"\xE0\x80\xAF", 3, 0},     /* overlong 3-byte */
        {"\xF0\x80\x80\xAF", 4, 0}, /* overlong 4-byte */
        {"\xED\xA0\x80", 3, 0},     /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3, 0},     /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 4, 0}, /* U+110000 */
        {"\xF5\x80\x80\x80", 4, 0},
        {"\xFF", 1, 0},
        {"Gr\xF6\xDF"
         "e",
         5, 0},             /* Latin-1 */
        {"\xC3\x28", 2, 0}, /* bad continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(ws_utf8_valid(cases[i].s, cases[i].n), cases[i].valid);
}

static void test_utf8_passthrough(void **state)
{
    (void)state;
    assert_int_equal(DECODE_EQ("Gr\xC3\xB6\xC3\x9F"
                               "e der Stra\xC3\x9F"
                               "e, \xC3\x84rger",
                               "Größe der Straße, Ärger"),
                     0);
    assert_int_equal(
        DECODE_EQ("Akteur:innen in Dessau-Ro\xC3\x9Flau", "Akteur:innen in Dessau-Roßlau"), 0);
}

static void test_latin1(void **state)
{
    (void)state;
    assert_int_equal(DECODE_EQ("Gr\xF6\xDF"
                               "e",
                               "Größe"),
                     1);
    assert_int_equal(DECODE_EQ("\xC4rger \xFC"
                               "ber \xD6l",
                               "Ärger über Öl"),
                     1);
}

static void test_cp1252(void **state)
{
    (void)state;
    /* „Hallo“ – 5 € … the 0x80-0x9F range Latin-1 lacks */
    assert_int_equal(DECODE_EQ("\x84Hallo\x93 \x96 5 \x80\x85", "„Hallo“ – 5 €…"), 1);
    assert_int_equal(DECODE_EQ("\x91"
                               "einfach\x92 \x97 \x8A\x9A",
                               "‘einfach’ — Šš"),
                     1);
    /* bytes Windows-1252 leaves undefined */
    assert_int_equal(DECODE_EQ("a\x81"
                               "b\x8D\x8F\x90\x9D",
                               "a\xEF\xBF\xBD"
                               "b\xEF\xBF\xBD\xEF\xBF\xBD"
                               "\xEF\xBF\xBD\xEF\xBF\xBD"),
                     1);
    /* one stray byte makes the whole input Windows-1252 */
    assert_int_equal(DECODE_EQ("\xC3\xA4 \xE4", "Ã¤ ä"), 1);
}

static void test_bom(void **state)
{
    (void)state;
    assert_int_equal(DECODE_EQ("\xEF\xBB\xBF"
                               "Text",
                               "Text"),
                     0);
    DECODE_EQ("\xEF\xBB\xBF", "");
    /* a BOM followed by Latin-1 is still stripped */
    assert_int_equal(DECODE_EQ("\xEF\xBB\xBF"
                               "Gr\xF6\xDF"
                               "e",
                               "Größe"),
                     1);
}

static void test_line_ends_and_controls(void **state)
{
    (void)state;
    DECODE_EQ("eins\r\nzwei\rdrei\n\r\nvier", "eins\nzwei\ndrei\n\nvier");
    DECODE_EQ("a\tb\x01"
              "c\x1B[0m\x7F",
              "a\tbc[0m\x7F");
    DECODE_EQ("Seite 1\fSeite 2\vx", "Seite 1\nSeite 2\nx");
    DECODE_EQ("", "");
}

static void test_nul_dropped(void **state)
{
    (void)state;
    /* One NUL in 300 bytes is a stray byte, not binary data. */
    char in[301], want[301];
    memset(in, 'x', 300);
    in[150] = '\0';
    memset(want, 'x', 299);
    want[299] = '\0';
    assert_int_equal(decode_eq(in, 300, want), 0);
}

static void test_nfc(void **state)
{
    (void)state;
    DECODE_EQ("u\xCC\x88"
              "ber",
              "über");
    DECODE_EQ("A\xCC\x8A"
              "ngstr\xC3\xB6m",
              "Ångström");
    DECODE_EQ("Mu\xCC\x88nchen \xC3\xBC", "München ü");
    /* Hangul composes too (not only Latin) */
    DECODE_EQ("\xE1\x84\x92\xE1\x85\xA1", "\xED\x95\x98");
}

/* NFC works in chunks; make sure sequences across chunk edges compose. */
static void test_nfc_long(void **state)
{
    (void)state;
    const size_t reps = 100000;
    const char *unit = "u\xCC\x88"; /* u + combining diaeresis */
    size_t ul = strlen(unit);
    char *in = malloc(reps * ul + 1), *want = malloc(reps * 2 + 1);
    assert_non_null(in);
    assert_non_null(want);
    for (size_t i = 0; i < reps; i++) {
        memcpy(in + i * ul, unit, ul);
        memcpy(want + i * 2, "\xC3\xBC", 2);
    }
    in[reps * ul] = '\0';
    want[reps * 2] = '\0';
    decode_eq(in, reps * ul, want);

    /* a long run without ASCII, then a combining mark after it */
    size_t n = 0;
    for (size_t i = 0; i < 50000; i++, n += 2)
        memcpy(in + n, "\xC3\xA4", 2);
    memcpy(in + n, "o\xCC\x88", 3);
    in[n + 3] = '\0';
    memcpy(want, in, n);
    memcpy(want + n, "\xC3\xB6", 3);
    decode_eq(in, n + 3, want);
    free(in);
    free(want);
}

static void test_binary(void **state)
{
    (void)state;
    static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    char *out = (char *)1;
    ws_error err;
    assert_int_equal(ws_text_decode(png, sizeof png - 1, &out, NULL, NULL, &err), WS_EFORMAT);
    assert_null(out);
    assert_int_equal(err.code, WS_EFORMAT);
    assert_non_null(strstr(err.msg, "binary"));

    assert_int_equal(ws_text_decode("a\0\0b", 4, &out, NULL, NULL, &err), WS_EFORMAT);

    static const char utf16[] = "\xFF\xFEH\0a\0l\0l\0o\0";
    assert_int_equal(ws_text_decode(utf16, sizeof utf16 - 1, &out, NULL, NULL, &err), WS_EFORMAT);
    assert_non_null(strstr(err.msg, "UTF-16"));

    /* NULs past the first 8 KiB are not looked at, only dropped */
    size_t n = WS_TEXT_SNIFF + 100;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    memset(big + WS_TEXT_SNIFF, 0, 100);
    size_t len = 0;
    assert_int_equal(ws_text_decode(big, n, &out, &len, NULL, &err), WS_OK);
    assert_int_equal(len, WS_TEXT_SNIFF);
    free(out);
    free(big);
}

static void test_field(void **state)
{
    (void)state;
    char *f = NULL;
    assert_int_equal(ws_text_field("  Netzwerke\n\t und  Resilienz ", 30, 100, &f), WS_OK);
    assert_string_equal(f, "Netzwerke und Resilienz");
    free(f);
    assert_int_equal(ws_text_field(" \n ", 3, 100, &f), WS_OK);
    assert_null(f);
    /* cut on a character boundary: "Größe" is G r ö(2) ß(2) e */
    assert_int_equal(ws_text_field("Gr\xC3\xB6\xC3\x9F"
                                   "e",
                                   7, 4, &f),
                     WS_OK);
    assert_string_equal(f, "Gr\xC3\xB6");
    free(f);
    assert_int_equal(ws_utf8_cut("Gr\xC3\xB6\xC3\x9F"
                                 "e",
                                 7, 3),
                     2);
    assert_int_equal(ws_utf8_count("Gr\xC3\xB6\xC3\x9F"
                                   "e",
                                   7),
                     5);
}

static void test_date_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"2025-03-19", "2025-03-19"},
        {"2025-03-19T10:00:00+01:00", "2025-03-19"},
        {" 19.03.2025 ", "2025-03-19"},
        {"1.3.2025", "2025-03-01"},
        {"19. März 2025", "2025-03-19"},
        {"19. Maerz 2025", "2025-03-19"},
        {"19.März 2025", "2025-03-19"},
        {"19. Mär. 2025", "2025-03-19"},
        {"3. Okt. 2024", "2024-10-03"},
        {"Mittwoch, 23. Juli 2025", "2025-07-23"},
        {"Mi., 23.07.2025", "2025-07-23"},
        {"29.02.2024", "2024-02-29"},
        {"1. JÄNNER 2025", "2025-01-01"},
        {"März 2025", NULL},
        {"2025", NULL},
        {"29.02.2025", NULL},
        {"31.04.2025", NULL},
        {"2025-13-01", NULL},
        {"2025-00-10", NULL},
        {"32.01.2025", NULL},
        {"0.01.2025", NULL},
        {"19.03.25", NULL},
        {"19. Mürz 2025", NULL},
        {"Termin: 19.03.2025", NULL},
        {"19.03.1850", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[11] = "";
        int ok = ws_date_parse(cases[i].in, strlen(cases[i].in), out);
        if (cases[i].want) {
            if (!ok)
                fail_msg("refused: %s", cases[i].in);
            assert_string_equal(out, cases[i].want);
        } else if (ok) {
            fail_msg("accepted: %s -> %s", cases[i].in, out);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),  cmocka_unit_test(test_utf8_passthrough),
        cmocka_unit_test(test_latin1),      cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_bom),         cmocka_unit_test(test_line_ends_and_controls),
        cmocka_unit_test(test_nul_dropped), cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_nfc_long),    cmocka_unit_test(test_binary),
        cmocka_unit_test(test_field),       cmocka_unit_test(test_date_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
