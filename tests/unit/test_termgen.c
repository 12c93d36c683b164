/*
 * test_termgen.c - the term generator: every term kind with its offsets.
 *
 * Table-driven: a text becomes a list of (kind, term, wdf, position,
 * start, end), rendered as one line so a case reads as what the index
 * holds.  Cases that need the compound list (wngerman) skip without it.
 * The ASCII fast paths are checked against the utf8proc path over the
 * Snowball German vocabulary in ../shared/testdata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_skip.h"

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "index/schema.h"
#include "util/buf.h"

#define NGERMAN "/usr/share/dict/ngerman"
#define VOC     WS_SHARED_DIR "/testdata/snowball-german/voc.txt"

static ws_analyzer *an;
static ws_compounds *dict;

static int setup(void **state)
{
    (void)state;
    if (ws_analyzer_new(&an, NULL) != WS_OK)
        return -1;
    if (access(NGERMAN, R_OK) == 0 && ws_compounds_load(&dict, NGERMAN, NULL) != WS_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ws_compounds_free(dict);
    ws_analyzer_free(an);
    return 0;
}

static const char kind_char[] = {'W', 'S', 'E', 'P', 'J'};

/* "K:term/wdf@pos[start,end)" for each term, space-separated. */
static void render(const ws_termlist *l, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l->n && o < cap; i++) {
        const ws_term *t = &l->v[i];
        int n =
            snprintf(out + o, cap - o, "%s%c:%s/%u@%u[%zu,%zu)", i ? " " : "", kind_char[t->kind],
                     ws_termlist_term(l, i), (unsigned)t->wdf, (unsigned)t->pos, t->start, t->end);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

static int generate(const ws_compounds *d, const char *prefix, uint32_t wdf, const char *text,
                    size_t len, char *out, size_t cap, uint32_t *next)
{
    ws_termgen *tg = NULL;
    ws_termlist l = WS_TERMLIST_INIT;
    uint32_t pos = 1;
    int rc = ws_termgen_new(&tg, an, d, NULL);
    if (rc == WS_OK)
        rc = ws_termgen_text(tg, prefix, wdf, text, len, &pos, &l, NULL);
    render(&l, out, cap);
    if (next)
        *next = pos;
    ws_termlist_free(&l);
    ws_termgen_free(tg);
    return rc;
}

typedef struct tcase {
    const char *prefix;
    const char *text;
    const char *want;
} tcase;

static void run_cases(const tcase *c, size_t n, const ws_compounds *d)
{
    char got[4096];
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(
            generate(d, c[i].prefix, 1, c[i].text, strlen(c[i].text), got, sizeof got, NULL),
            WS_OK);
        if (strcmp(got, c[i].want) != 0)
            print_message("text '%s'\n  got  %s\n  want %s\n", c[i].text, got, c[i].want);
        assert_string_equal(got, c[i].want);
    }
}

/* Term kinds that need no word list. */
static void test_kinds(void **state)
{
    (void)state;
    static const tcase cases[] = {
        {"", "", ""},
        {"", "   ,;  ", ""},
        {"", "Kommunen", "W:kommunen/1@1[0,8) S:Zkommun/1@1[0,8)"},
        /* ß: folded to ss, the exact spelling kept; ss: its own exact term */
        {"", "Straße", "W:strasse/1@1[0,7) S:Zstrass/1@1[0,7) E:Estraße/1@1[0,7)"},
        {"", "Rosslau", "W:rosslau/1@1[0,7) S:Zrosslau/1@1[0,7) E:Erosslau/1@1[0,7)"},
        /* gender forms: one word, meeting the base word's stem */
        {"", "Akteur:innen", "W:akteurinnen/1@1[0,12) S:Zakteur/1@1[0,12)"},
        {"", "Akteur*in", "W:akteurin/1@1[0,9) S:Zakteur/1@1[0,9)"},
        {"", "LehrerInnen", "W:lehrerinnen/1@1[0,11) S:Zlehr/1@1[0,11)"},
        {"", "Lehrer/-innen", "W:lehrerinnen/1@1[0,13) S:Zlehr/1@1[0,13)"},
        /* hyphenated: a part per position, the joined stems from the second on */
        {"", "Online-Austausch",
         "W:online/1@1[0,6) S:Zonlin/1@1[0,6) W:austausch/1@2[7,16) S:Zaustausch/1@2[7,16) "
         "J:Zonlineaustausch/0@2[0,16)"},
        {"", "Dessau-Roßlau-Süd",
         "W:dessau/1@1[0,6) S:Zdessau/1@1[0,6) E:Edessau/1@1[0,6) W:rosslau/1@2[7,14) "
         "S:Zrosslau/1@2[7,14) "
         "E:Eroßlau/1@2[7,14) J:Zdessaurosslau/0@2[0,14) W:süd/1@3[15,19) S:Zsud/1@3[15,19) "
         "J:Zdessaurosslausud/0@3[0,19)"},
        /* "Ein- und Ausreise": a space after the hyphen, no join */
        {"", "Ein- und", "W:ein/1@1[0,3) W:und/1@2[5,8)"},
        /* digits: no stem, no join */
        {"", "2024 G-20", "W:2024/1@1[0,4) W:g/1@2[5,6) S:Zg/1@2[5,6) W:20/1@3[7,9)"},
        /* stopwords keep their word, never a stem */
        {"", "über", "W:über/1@1[0,5)"},
        /* a field: prefixed word and stem, no exact, part or join terms */
        {WS_PFX_TITLE, "Straße Online-Austausch",
         "W:Sstrasse/1@1[0,7) S:ZSstrass/1@1[0,7) W:Sonline/1@2[8,14) S:ZSonlin/1@2[8,14) "
         "W:Saustausch/1@3[15,24) S:ZSaustausch/1@3[15,24)"},
        /* soft hyphen inside a word: dropped from the term, kept in the span */
        {"", "Ver\xc2\xadwaltung", "W:verwaltung/1@1[0,12) S:Zverwalt/1@1[0,12)"},
        /* invalid UTF-8 separates words and is skipped */
        {"", "Kita\xff\xfeHaus",
         "W:kita/1@1[0,4) S:Zkita/1@1[0,4) W:haus/1@2[6,10) S:Zhaus/1@2[6,10)"},
        {"", "\xc3", ""},
    };
    run_cases(cases, sizeof cases / sizeof *cases, NULL);
}

/* Over-long words (hashes, base64) are no terms; the words around them are. */
static void test_overlong(void **state)
{
    (void)state;
    char text[512], got[1024];
    memset(text, 'a', 300);
    memcpy(text + 300, " Kita", 6);
    uint32_t next = 0;
    assert_int_equal(generate(NULL, "", 1, text, strlen(text), got, sizeof got, &next), WS_OK);
    /* the skipped word takes no position */
    assert_string_equal(got, "W:kita/1@1[301,305) S:Zkita/1@1[301,305)");
    assert_int_equal(next, 2);
    /* exactly WS_MAX_TERM bytes is still a word */
    memset(text, 'b', WS_MAX_TERM);
    text[WS_MAX_TERM] = '\0';
    assert_int_equal(generate(NULL, "", 1, text, strlen(text), got, sizeof got, NULL), WS_OK);
    assert_non_null(strstr(got, "W:bbbb"));
}

/* Term kinds that come from the word list: compound parts, umlaut readings. */
static void test_dictionary(void **state)
{
    (void)state;
    if (!dict) {
        WS_SKIP(NGERMAN " (Debian package wngerman) is not installed");
    }
    static const tcase cases[] = {
        {"", "Kommunalverwaltung",
         "W:kommunalverwaltung/1@1[0,18) S:Zkommunalverwalt/1@1[0,18) "
         "P:Zkommunal/0@1[0,8) P:Zverwalt/0@1[8,18)"},
        /* parts and the compounds that start the word, by their own surface */
        {"", "Asylbewerberleistungsgesetz",
         "W:asylbewerberleistungsgesetz/1@1[0,27) S:Zasylbewerberleistungsgesetz/1@1[0,27) "
         "P:Zasyl/0@1[0,4) P:Zbewerb/0@1[4,12) P:Zleistung/0@1[12,20) P:Zgesetz/0@1[21,27) "
         "P:Zasylbewerb/0@1[0,12) P:Zasylbewerberleist/0@1[0,20)"},
        /* a non-ASCII surface: offsets mapped back through the folding */
        {"", "FLÜCHTLINGSUNTERKUNFT",
         "W:flüchtlingsunterkunft/1@1[0,22) S:Zfluchtlingsunterkunft/1@1[0,22) "
         "P:Zfluchtling/0@1[0,11) P:Zunterkunft/0@1[12,22)"},
        /* typed without umlauts: the stem is the umlaut reading's, the word stays */
        {"", "Fluechtlinge", "W:fluechtlinge/1@1[0,12) S:Zfluchtling/1@1[0,12)"},
        /* words of the list as written stay as written */
        {"", "Quelle", "W:quelle/1@1[0,6) S:Zquell/1@1[0,6)"},
        /* a part that is a stopword gives no part term (über in übersetzen) */
        {"", "Wandhalterung",
         "W:wandhalterung/1@1[0,13) S:Zwandhalter/1@1[0,13) "
         "P:Zwand/0@1[0,4) P:Zhalter/0@1[4,13)"},
    };
    run_cases(cases, sizeof cases / sizeof *cases, dict);
}

/* ws_fold: case folding in NFC, ignorables and apostrophes dropped, also
 * for a word too long for its stack buffer. */
static void test_fold(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"Kommunen", "kommunen"},
        {"STRASSE", "strasse"},
        {"Stra\xc3\x9f"
         "e",
         "strasse"},
        {"STRA\xe1\xba\x9e"
         "E",
         "strasse"},
        {"Fu\xcc\x88"
         "r",
         "f\xc3\xbcr"}, /* decomposed ü composed */
        {"geht's", "gehts"},
        {"Kolleg\xe2\x80\x99innen", "kolleginnen"},
        {"Ver\xc2\xadwaltung", "verwaltung"},
        {"", ""},
    };
    char out[WS_MAX_TERM + 1];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int n = ws_fold(cases[i][0], strlen(cases[i][0]), out, sizeof out);
        assert_int_equal(n, (int)strlen(cases[i][1]));
        assert_string_equal(out, cases[i][1]);
    }
    /* a word padded with 2000 soft hyphens: past the stack buffer */
    ws_buf b = WS_BUF_INIT;
    ws_buf_puts(&b, "A");
    for (int i = 0; i < 2000; i++)
        ws_buf_puts(&b, "\xc2\xad");
    ws_buf_puts(&b, "\xc3\x9c");
    assert_non_null(ws_buf_cstr(&b));
    assert_int_equal(ws_fold(b.data, b.len, out, sizeof out), 3);
    assert_string_equal(out, "a\xc3\xbc");
    /* does not fit: -1, never cut */
    assert_int_equal(ws_fold("Kommunen", 8, out, 8), -1);
    assert_int_equal(ws_fold("K\xc3\x9c"
                             "che",
                             6, out, 4),
                     -1);
    ws_buf_free(&b);
}

/* The list is reused: a second text appends, clear empties without freeing. */
static void test_reuse(void **state)
{
    (void)state;
    ws_termgen *tg = NULL;
    ws_termlist l = WS_TERMLIST_INIT;
    uint32_t pos = 1;
    assert_int_equal(ws_termgen_new(&tg, an, NULL, NULL), WS_OK);
    assert_int_equal(ws_termgen_text(tg, "", 5, "Kita", 4, &pos, &l, NULL), WS_OK);
    assert_int_equal(ws_termgen_text(tg, "", 1, "Schule", 6, &pos, &l, NULL), WS_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[0].wdf, 5);
    assert_string_equal(ws_termlist_term(&l, 2), "schule");
    assert_int_equal(l.v[2].pos, 2);
    assert_int_equal(pos, 3);
    char *arena = l.arena;
    ws_termlist_clear(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(ws_termgen_text(tg, "", 1, "Kita", 4, &pos, &l, NULL), WS_OK);
    assert_ptr_equal(l.arena, arena);
    assert_int_equal(ws_termgen_text(tg, NULL, 1, "x", 1, &pos, &l, NULL), WS_EINVAL);
    ws_termlist_free(&l);
    ws_termgen_free(tg);
}

/* The query side: the umlaut spelling the index knows best. */
static uint32_t known_stub(void *ctx, const char *term)
{
    (void)ctx;
    return !strcmp(term, "Zfluchtling") ? 7 : !strcmp(term, "flüchtlinge") ? 2 : 0;
}

static void test_transliterate(void **state)
{
    (void)state;
    char t[WS_MAX_TERM + 1];
    strcpy(t, "fluechtlinge");
    ws_termgen_transliterate(an, known_stub, NULL, t, 0);
    assert_string_equal(t, "flüchtlinge");
    strcpy(t, "quelle"); /* nothing known: as typed */
    ws_termgen_transliterate(an, known_stub, NULL, t, 0);
    assert_string_equal(t, "quelle");
    assert_int_equal(ws_termgen_known(an, known_stub, NULL, "flüchtlinge"), 9);
    char z[WS_MAX_TERM + 4];
    assert_int_equal(ws_termgen_stem_term(an, "S", "kommunen", 8, z, sizeof z), 8);
    assert_string_equal(z, "ZSkommun");
    assert_int_equal(ws_termgen_stem_term(an, "S", "kommunen", 8, z, 4), 0);
}

/* The one ae/oe/ue scan and the surface mapping the highlighter uses. */
static void test_umlaut_scan_and_surface(void **state)
{
    (void)state;
    size_t at[8];
    assert_int_equal(ws_umlaut_scan("quelle", 6, at, 8), 0);
    assert_int_equal(ws_umlaut_scan("aeoeue", 6, at, 8), 3);
    assert_int_equal(at[2], 4);
    assert_int_equal(ws_umlaut_scan("aeoeue", 6, NULL, 1), 1);
    char out[32];
    size_t k = ws_umlaut_spell("fluechtlinge", 12, (size_t[]){2}, 1, 1, out, sizeof out);
    assert_int_equal(k, 12);
    assert_string_equal(out, "flüchtlinge");
    /* ẞ folds to ss: the cut after "stra" of "strasse" is after 4 bytes of STRAẞE */
    const char *w = "STRA\xe1\xba\x9e"
                    "E";
    assert_int_equal(ws_termgen_surface_at(w, strlen(w), "strasse", 7, 4, 0), 4);
    assert_int_equal(ws_termgen_surface_at(w, strlen(w), "strasse", 7, 5, 0), (size_t)-1);
    assert_int_equal(ws_termgen_surface_at(w, strlen(w), "strasse", 7, 6, 0), 7);
}

/* ws_fold and the tokenizer's ASCII fast paths give exactly what utf8proc
 * gives, over the Snowball vocabulary as written, Capitalised and in CAPS. */
static void test_ascii_path_equals_utf8proc(void **state)
{
    (void)state;
    FILE *voc = fopen(VOC, "r");
    if (!voc) {
        WS_SKIP("shared/testdata/snowball-german not found beside the repository");
    }
    char line[256], f1[512], f2[512];
    size_t words = 0, ascii = 0;
    ws_buf text = WS_BUF_INIT;
    while (fgets(line, sizeof line, voc)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (!n)
            continue;
        char forms[3][256];
        strcpy(forms[0], line);
        strcpy(forms[1], line);
        strcpy(forms[2], line);
        if (forms[1][0] >= 'a' && forms[1][0] <= 'z')
            forms[1][0] = (char)(forms[1][0] - 32);
        for (size_t i = 0; i < n; i++)
            if (forms[2][i] >= 'a' && forms[2][i] <= 'z')
                forms[2][i] = (char)(forms[2][i] - 32);
        int is_ascii = 1;
        for (size_t i = 0; i < n; i++)
            is_ascii &= (unsigned char)line[i] < 0x80;
        ascii += (size_t)is_ascii;
        for (int v = 0; v < 3; v++) {
            int a = ws_fold(forms[v], n, f1, sizeof f1);
            int b = ws_fold_general(forms[v], n, f2, sizeof f2);
            assert_int_equal(a, b);
            assert_string_equal(f1, f2);
            ws_buf_puts(&text, forms[v]);
            ws_buf_putc(&text, ' ');
        }
        words++;
    }
    fclose(voc);
    assert_true(words > 30000);
    /* the whole vocabulary as one text, through the generator both ways */
    ws_termgen *tg = NULL;
    ws_termlist fast = WS_TERMLIST_INIT, slow = WS_TERMLIST_INIT;
    uint32_t p1 = 1, p2 = 1;
    assert_non_null(ws_buf_cstr(&text));
    assert_int_equal(ws_termgen_new(&tg, an, dict, NULL), WS_OK);
    assert_int_equal(ws_termgen_text(tg, "", 1, text.data, text.len, &p1, &fast, NULL), WS_OK);
    ws_analyzer_set_ascii_fast(an, 0);
    int rc = ws_termgen_text(tg, "", 1, text.data, text.len, &p2, &slow, NULL);
    ws_analyzer_set_ascii_fast(an, 1);
    assert_int_equal(rc, WS_OK);
    assert_int_equal(p1, p2);
    assert_int_equal(fast.n, slow.n);
    for (size_t i = 0; i < fast.n; i++) {
        assert_string_equal(ws_termlist_term(&fast, i), ws_termlist_term(&slow, i));
        assert_int_equal(fast.v[i].kind, slow.v[i].kind);
        assert_int_equal(fast.v[i].pos, slow.v[i].pos);
        assert_int_equal(fast.v[i].flags, slow.v[i].flags);
        assert_int_equal(fast.v[i].start, slow.v[i].start);
        assert_int_equal(fast.v[i].end, slow.v[i].end);
    }
    print_message("ascii fast path: %zu words (%zu ASCII) x 3 spellings, %zu terms identical\n",
                  words, ascii, fast.n);
    ws_termlist_free(&fast);
    ws_termlist_free(&slow);
    ws_termgen_free(tg);
    ws_buf_free(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_dictionary),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_transliterate),
        cmocka_unit_test(test_umlaut_scan_and_surface),
        cmocka_unit_test(test_ascii_path_equals_utf8proc),
    };
    return WS_RESULT(cmocka_run_group_tests(tests, setup, teardown));
}
