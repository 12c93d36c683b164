/*
 * test_golden.c - the analysis, pinned: a digest of everything it yields.
 *
 * The term generator, ws_analyze, ws_analyze_word, ws_fold and the
 * compound splitter run over a varied sample (texts of corpus/, hostile
 * inputs built here, and from ../shared/testdata the Snowball German
 * vocabulary and XQuAD's German paragraphs); every term (text, kind,
 * position, wdf, offsets, flags), token and split is folded into a 64-bit
 * FNV-1a digest and compared with the digest recorded from main before
 * the analysis was made fast.  A speed-up that changes one byte of one
 * term fails here, by name of the sample.
 *
 * A change that is meant to alter the analysis records new digests: run
 * the test, take the digests it prints, and bump WS_ANALYSIS_VERSION.  To
 * find what changed, WS_GOLDEN_DUMP=DIR writes every sample's items as
 * text lines (DIR/<sample>.txt), to diff between two builds.
 *
 * The samples from ../shared/testdata, and those that need Debian's
 * wngerman list, skip visibly (ws_skip.h) when the data is missing; the
 * rest always run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ws_skip.h"

#include "analysis/compound.h"
#include "analysis/termgen.h"
#include "index/schema.h"
#include "util/hash.h"

#define NGERMAN "/usr/share/dict/ngerman"
#define VOC     WS_SHARED_DIR "/testdata/snowball-german/voc.txt"
#define XQUAD   WS_SHARED_DIR "/testdata/xquad-de/xquad.de.json"

static ws_analyzer *an;
static ws_compounds *dict;
/* One generator for all samples, as an indexer keeps one for a run: what
 * it remembers from earlier texts must not change a later text's terms. */
static ws_termgen *warm;

/* ---- the digest ---------------------------------------------------------- */

typedef struct digest {
    uint64_t h;
    size_t items;
    FILE *dump; /* WS_GOLDEN_DUMP: the items as text */
} digest;

static void dg_open(digest *d, const char *name)
{
    d->h = WS_FNV1A_OFFSET;
    d->items = 0;
    d->dump = NULL;
    const char *dir = getenv("WS_GOLDEN_DUMP");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.txt", dir, name);
        d->dump = fopen(path, "w");
    }
}

static void dg_bytes(digest *d, const void *p, size_t n)
{
    /* the length first, so ("ab","c") and ("a","bc") differ */
    uint64_t len = n;
    d->h = ws_fnv1a_add(d->h, &len, sizeof len);
    d->h = ws_fnv1a_add(d->h, p, n);
}

static void dg_num(digest *d, uint64_t v)
{
    d->h = ws_fnv1a_add(d->h, &v, sizeof v);
}

/* One item: a tag and its fields, into the digest and the dump. */
static void dg_item(digest *d, char tag, const char *s, size_t n, const uint64_t *v, size_t nv)
{
    d->items++;
    dg_num(d, (unsigned char)tag);
    dg_bytes(d, s, n);
    for (size_t i = 0; i < nv; i++)
        dg_num(d, v[i]);
    if (d->dump) {
        fprintf(d->dump, "%c %.*s", tag, (int)n, s);
        for (size_t i = 0; i < nv; i++)
            fprintf(d->dump, " %llu", (unsigned long long)v[i]);
        fputc('\n', d->dump);
    }
}

/* Compare with the recorded digest; a failure says which sample. */
static void dg_check(digest *d, const char *name, uint64_t want)
{
    if (d->dump)
        fclose(d->dump);
    print_message("golden %-16s %8zu items  digest 0x%016llxULL\n", name, d->items,
                  (unsigned long long)d->h);
    if (d->h != want)
        fail_msg("%s: the analysis changed (digest 0x%016llx, recorded 0x%016llx); "
                 "WS_GOLDEN_DUMP=DIR writes the items to diff",
                 name, (unsigned long long)d->h, (unsigned long long)want);
}

/* ---- what is digested ---------------------------------------------------- */

/* Every term ws_termgen_text yields for text, with prefix and wdf, from
 * generator tg, or from a new one when tg is NULL. */
static void dg_termgen_with(digest *d, ws_termgen *tg, const ws_compounds *cd, const char *prefix,
                            uint32_t wdf, const char *text, size_t len)
{
    ws_termgen *own = NULL;
    ws_termlist l = WS_TERMLIST_INIT;
    uint32_t pos = 1;
    if (!tg)
        assert_int_equal(ws_termgen_new(&own, an, cd, NULL), WS_OK);
    assert_int_equal(ws_termgen_text(tg ? tg : own, prefix, wdf, text, len, &pos, &l, NULL), WS_OK);
    for (size_t i = 0; i < l.n; i++) {
        const ws_term *t = &l.v[i];
        const uint64_t v[] = {t->kind, t->flags, t->pos, t->wdf, t->start, t->end};
        dg_item(d, 'T', ws_termlist_term(&l, i), t->len, v, 6);
    }
    const uint64_t next[] = {pos};
    dg_item(d, 'N', "", 0, next, 1);
    ws_termlist_free(&l);
    ws_termgen_free(own);
}

static void dg_termgen(digest *d, const ws_compounds *cd, const char *prefix, uint32_t wdf,
                       const char *text, size_t len)
{
    dg_termgen_with(d, NULL, cd, prefix, wdf, text, len);
}

static int dg_token(void *ctx, const ws_token *t)
{
    digest *d = ctx;
    const uint64_t v[] = {t->pos, t->flags, t->start, t->end, t->term_len};
    dg_item(d, 'A', t->term, t->term_len, v, 5);
    if (t->stem)
        dg_item(d, 'S', t->stem, t->stem_len, NULL, 0);
    return 0;
}

/* Every token of ws_analyze, stemmed and, with stem 0, unstemmed. */
static void dg_analyze(digest *d, const char *text, size_t len, int stem)
{
    uint32_t next = 0;
    ws_analyzer_set_stemming(an, stem);
    assert_int_equal(ws_analyze(an, text, len, 7, &next, dg_token, d, NULL), WS_OK);
    ws_analyzer_set_stemming(an, 1);
    const uint64_t v[] = {next};
    dg_item(d, 'N', "", 0, v, 1);
}

/* One word through every single-word entry point of the analysis. */
static void dg_word(digest *d, const char *w, size_t n)
{
    char out[4 * WS_MAX_TERM + 8], term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1];
    int fl = ws_fold(w, n, out, sizeof out);
    dg_item(d, 'F', fl > 0 ? out : "", fl > 0 ? (size_t)fl : 0, (const uint64_t[]){(uint64_t)fl},
            1);
    int rc = ws_analyze_word(an, w, n, term, stem, NULL);
    dg_item(d, 'W', rc == WS_OK ? term : "", rc == WS_OK ? strlen(term) : 0,
            (const uint64_t[]){(uint64_t)rc}, 1);
    if (rc != WS_OK || !*term)
        return;
    size_t tl = strlen(term);
    dg_item(d, 'S', stem, strlen(stem), NULL, 0);
    int sl = ws_analyzer_stem(an, term, tl, out, sizeof out);
    dg_item(d, 'R', sl > 0 ? out : "", sl > 0 ? (size_t)sl : 0, (const uint64_t[]){(uint64_t)sl},
            1);
    const uint64_t v[] = {ws_feminine_base(term, tl), ws_stem_s_root(term, tl)};
    dg_item(d, 'B', "", 0, v, 2);
    int el = ws_exact_term(w, n, term, tl, out, sizeof out);
    dg_item(d, 'E', el > 0 ? out : "", el > 0 ? (size_t)el : 0, NULL, 0);
    ws_part parts[6];
    size_t np = dict ? ws_compounds_split(dict, term, tl, parts, 6) : 0;
    for (size_t i = 0; i < np; i++)
        dg_item(d, 'P', term + parts[i].start, parts[i].len,
                (const uint64_t[]){parts[i].start, parts[i].len}, 2);
    size_t ul = dict ? ws_compounds_umlaut(dict, term, tl, out, sizeof out) : 0;
    dg_item(d, 'U', out, ul, (const uint64_t[]){ws_compounds_has(dict, term, tl)}, 1);
}

/* Each line of text[0..len) as a word, and in upper case. */
static void dg_words(digest *d, const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        char up[256];
        dg_word(d, text + i, n);
        if (n < sizeof up) {
            for (size_t k = 0; k < n; k++)
                up[k] = (text[i + k] >= 'a' && text[i + k] <= 'z') ? (char)(text[i + k] - 32)
                                                                   : text[i + k];
            dg_word(d, up, n);
        }
        i += n + 1;
    }
}

/* A text through all of it: body and field terms, with and without the
 * word list, and the tokens. */
static void dg_text(digest *d, const char *text, size_t len)
{
    dg_termgen_with(d, warm, dict, "", 1, text, len);
    dg_termgen_with(d, warm, dict, WS_PFX_TITLE, 5, text, len);
    dg_termgen(d, NULL, "", 1, text, len);
    dg_analyze(d, text, len, 1);
    dg_analyze(d, text, len, 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    fclose(f);
    *len = n;
    return b;
}

/* Put code point c into s as UTF-8; returns its length. */
static size_t put_cp(char *s, unsigned c)
{
    if (c < 0x80) {
        s[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        s[0] = (char)(0xC0 | c >> 6);
        s[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    s[0] = (char)(0xE0 | c >> 12);
    s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    s[2] = (char)(0x80 | (c & 0x3F));
    return 3;
}

/* ---- the samples ---------------------------------------------------------- */

#define S(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }
static const struct {
    const char *s;
    size_t n;
} hostile[] = {
    /* invalid UTF-8: stray, truncated, overlong, surrogates, past U+10FFFF */
    S("\xff\xfe Stra\xc3 \xc3\x28 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xf0\x9f\x98"),
    S("Kommun\x80\x80"
      "en Gefl\xfc\x63htete Ma\xdf"),
    /* combining marks, decomposed umlauts */
    S("Mu\xcc\x88ller Cafe\xcc\x81 a\xcc\x88\xcc\x88\xcc\x88 \xcc\x88vor "
      "Gefl\x75\xcc\x88\x63htete"),
    /* sharp s */
    S("Stra\xc3\x9f"
      "e STRASSE GRO\xe1\xba\x9e Ma\xc3\x9f Masse Ro\xc3\x9flau Rosslau \xe1\xba\x9e "
      "Dessau-Ro\xc3\x9flau Stra\xc3\x9f"
      "enbahn Au\xc3\x9f"
      "enstelle"),
    /* ligatures, Turkish dotted and dotless i, title case */
    S("\xef\xac\x81nden O\xef\xac\x83"
      "ce \xef\xac\x82"
      "ach \xef\xac\x80 \xc4\xb0stanbul "
      "\xc4\xb0\xc4\xb0 \xc4\xb1 \xc7\x85ungla Istanbul"),
    /* digits and numbers */
    S("2024 1.000,50 3-mal 12a B2 \xd9\xa3\xd9\xa4 \xc2\xb2 \xe2\x85\xab 0x1F 2023-11-05 "
      "\xef\xbc\x91"),
    /* hyphens */
    S("Dessau-Ro\xc3\x9flau Ein- und Ausreise Online-Austausch -foo bar- a--b E-Mail-Adresse "
      "x\xe2\x80\x90y\xe2\x80\x91z Arbeitsmarkt-Integrations-Kurs 2-Zimmer-Wohnung"),
    /* gender forms */
    S("Akteur:innen Akteur*innen Akteur_innen AkteurInnen Akteur/-innen Lehrer/innen "
      "Kolleg'innen LehrerIn Referent*in Teilnehmer:Innen Lehrerinnen Beginnen gewinnen Termin"),
    /* scripts */
    S("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3"
      "\x83\x88 \xe4\xb8\xad\xe6\x96\x87 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xce\x95\xce\xbb"
      "\xce\xbb\xce\xb7\xce\xbd\xce\xb9\xce\xba\xce\xac \xd0\xa0\xd1\x83\xd1\x81\xd1\x81\xd0\xba"
      "\xd0\xb8\xd0\xb9 \xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9"),
    /* invisibles, apostrophes, emoji, controls, NUL */
    S("Inte\xc2\xadgration Fl\xc3\xbc"
      "cht\xe2\x80\x8blinge \xef\xbb\xbfText geht's "
      "Kolleg\xe2\x80\x99innen \xe2\x80\x99s \xf0\x9f\x98\x80 a\x01"
      "b\tc\r\nd e\0f"),
    /* umlauts typed as ae/oe/ue, compounds, stopwords as parts */
    S("Fluechtlinge Quelle Aerzte Oeffnung ueber Uebersetzen Kommunalverwaltung "
      "Asylbewerberleistungsgesetz Wandhalterung G\xc3\xbctersloh Integrationskurse Bundesamt "
      "Fl\xc3\xbc"
      "chtlingsunterkunft Arbeitsmarktintegration Sozialarbeiterinnen"),
    /* wildcards and punctuation as a query has them */
    S("integr* \"vor Ort\" +Kita -Hort title:resilienz (a OR b) Kurs Kurse Zinsen"),
};
#undef S

/* Long words and chains, and bytes from a fixed generator. */
static char *make_generated(size_t *len)
{
    size_t cap = 200000, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    for (int i = 0; i < 10000; i++)
        b[n++] = 'a';
    b[n++] = ' ';
    for (int i = 0; i < 5000; i++) {
        b[n++] = (char)0xC3;
        b[n++] = (char)0xA4;
    }
    b[n++] = ' ';
    for (int i = 0; i < 600; i++) {
        memcpy(b + n, "Donaudampf", 10);
        n += 10;
    }
    b[n++] = ' ';
    for (int i = 0; i < 100; i++) {
        memcpy(b + n, "Wort-", 5);
        n += 5;
    }
    b[n++] = ' ';
    for (int i = 0; i < 3000; i++) {
        memcpy(b + n, "\xc2\xad", 2); /* soft hyphens padding one word */
        n += 2;
    }
    memcpy(b + n, "Wort ", 5);
    n += 5;
    uint32_t x = 12345;
    while (n < cap) {
        x = x * 1103515245u + 12345u;
        b[n++] = (char)(x >> 16);
    }
    *len = n;
    return b;
}

/* Text files of corpus/, named: new corpus files do not move the digest. */
static const char *corpus_files[] = {
    "000_3d92feaf9bbe7cfa.txt",
    "README.md",
    "2023/2023-11-psychosoziale-versorgung.md",
    "2023/2023-05-ehrenamt-kirchwalden-oberrode.txt",
    "2023/2023-04-integrationskurse-bad-wiesenthal.html",
    "2023/2023-10-sprachmittlung-rabenfurt.txt",
    "2024/2024-01-anerkennung-saalbrueck.txt",
    "2024/2024-02-umf-weidenau-lohr.md",
    "2024/2024-04-antidiskriminierung-marktheim-ost.html",
    "2024/2024-10-einbuergerung-ebersfurt.txt",
    "2024/2024-12-integrationskonzept-hohenfelde-sued.md",
    "2025/2025-01-arbeitsmarktintegration-faehrbruecken.txt",
    "2025/2025-02-welcome-center-nordhafen-altwerder.html",
    "2025/2025-05-interkulturelle-oeffnung-rabenfurt.md",
};

/* Recorded from main at 81e5145 (before the analysis was made fast; the
 * code points sample with this file built against that commit); corpus,
 * vocabulary and XQuAD again when the stopword list grew by the question
 * words and verb forms (issue 14; stopwords get no stem term), with
 * WS_ANALYSIS_VERSION 4. */
#define WANT_HOSTILE     0xfee4bf9ebd9704a7ULL
#define WANT_CORPUS      0x7b612f2e34934df9ULL
#define WANT_VOC         0xa8f076cc1e10cef7ULL
#define WANT_CODEPOINTS  0x9a3b943036a1940eULL
#define WANT_LONG_SPLITS 0x43e610466300e99dULL
#define WANT_XQUAD       0x36c5e9eb1b19b21bULL

static void need_dict(void)
{
    if (!dict)
        WS_SKIP(NGERMAN " missing (Debian package wngerman): compound splits not checked");
}

static void test_hostile(void **state)
{
    (void)state;
    need_dict();
    digest d;
    dg_open(&d, "hostile");
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        dg_text(&d, hostile[i].s, hostile[i].n);
        dg_words(&d, hostile[i].s, hostile[i].n);
        /* every prefix of a short input: cuts inside code points */
        for (size_t k = 0; k < hostile[i].n && k < 48; k++)
            dg_termgen(&d, dict, "", 1, hostile[i].s, k);
    }
    size_t n;
    char *g = make_generated(&n);
    dg_text(&d, g, n);
    free(g);
    dg_check(&d, "hostile", WANT_HOSTILE);
}

/* Every BMP code point inside a word, alone and after a capital, and
 * every lead byte with every second byte (the decoder's edge cases:
 * overlong forms, surrogates, truncated sequences). */
static char *make_codepoints(size_t *len)
{
    size_t cap = 0x10000 * 12 + 256 * 256 * 4 + 16 * 7 * 7 * 6, n = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    for (unsigned c = 1; c < 0x10000; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        b[n++] = 'a';
        n += put_cp(b + n, c);
        b[n++] = 'b';
        b[n++] = ' ';
        b[n++] = 'K';
        n += put_cp(b + n, c);
        b[n++] = ' ';
    }
    for (unsigned x = 0x80; x < 0x100; x++)
        for (unsigned y = 0; y < 0x100; y++) {
            b[n++] = 'w';
            b[n++] = (char)x;
            b[n++] = (char)(y ? y : 'z');
            b[n++] = ' ';
        }
    static const unsigned char edge[] = {0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0x20};
    for (unsigned x = 0xE0; x < 0xF0; x++)
        for (size_t i = 0; i < sizeof edge; i++)
            for (size_t j = 0; j < sizeof edge; j++) {
                b[n++] = 'u';
                b[n++] = (char)x;
                b[n++] = (char)edge[i];
                b[n++] = (char)edge[j];
                b[n++] = 'v';
                b[n++] = ' ';
            }
    *len = n;
    return b;
}

static void test_codepoints(void **state)
{
    (void)state;
    need_dict();
    digest d;
    dg_open(&d, "codepoints");
    size_t n;
    char *t = make_codepoints(&n);
    dg_termgen_with(&d, warm, dict, "", 1, t, n);
    dg_analyze(&d, t, n, 1);
    free(t);
    dg_check(&d, "codepoints", WANT_CODEPOINTS);
}

/* Splits of long compounds built from words of the list, around the
 * length where the splitter stops using its filters (255 bytes). */
static void test_long_splits(void **state)
{
    (void)state;
    need_dict();
    static const char *words[] = {"verwaltung",  "arbeitsmarkt", "kommunal", "integration",
                                  "flüchtlings", "beratung",     "stelle"};
    digest d;
    dg_open(&d, "long-splits");
    char t[600];
    for (size_t w = 0; w < sizeof words / sizeof *words; w++)
        for (size_t n = 0, k = 0; k < 60; k++) {
            size_t wl = strlen(words[(w + k) % 7]);
            if (n + wl >= sizeof t)
                break;
            memcpy(t + n, words[(w + k) % 7], wl);
            n += wl;
            ws_part parts[6];
            size_t np = ws_compounds_split(dict, t, n, parts, 6);
            const uint64_t v[] = {n, np};
            dg_item(&d, 'L', "", 0, v, 2);
            for (size_t i = 0; i < np; i++)
                dg_item(&d, 'P', t + parts[i].start, parts[i].len,
                        (const uint64_t[]){parts[i].start, parts[i].len}, 2);
        }
    dg_check(&d, "long-splits", WANT_LONG_SPLITS);
}

static void test_corpus(void **state)
{
    (void)state;
    need_dict();
    digest d;
    dg_open(&d, "corpus");
    for (size_t i = 0; i < sizeof corpus_files / sizeof *corpus_files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/corpus/%s", WS_SOURCE_DIR, corpus_files[i]);
        size_t n;
        char *t = slurp(path, &n);
        if (!t)
            fail_msg("%s: cannot read", path);
        dg_text(&d, t, n);
        free(t);
    }
    dg_check(&d, "corpus", WANT_CORPUS);
}

/* A file of ../shared/testdata as text (and, words, line by line). */
static void shared_sample(const char *name, const char *path, int words, uint64_t want)
{
    need_dict();
    size_t n;
    char *t = slurp(path, &n);
    if (!t) {
        WS_SKIP(path);
        return;
    }
    digest d;
    dg_open(&d, name);
    dg_text(&d, t, n);
    if (words)
        dg_words(&d, t, n);
    free(t);
    dg_check(&d, name, want);
}

static void test_voc(void **state)
{
    (void)state;
    shared_sample("snowball-voc", VOC, 1, WANT_VOC);
}

static void test_xquad(void **state)
{
    (void)state;
    shared_sample("xquad-de", XQUAD, 0, WANT_XQUAD);
}

/* ws_fold's fast path against utf8proc's, for every pair of characters
 * around it (ASCII, Latin-1, combining marks, ẞ, a stray byte) and every
 * output capacity up to one past the result. */
static void test_fold_fast_path(void **state)
{
    (void)state;
    unsigned cps[256 + 8];
    size_t ncp = 0;
    for (unsigned c = 1; c < 0x100; c++)
        cps[ncp++] = c;
    const unsigned extra[] = {0x0300, 0x0301, 0x0308, 0x0327, 0x1E9E, 0x2019, 0x00AD, 0x0130};
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        cps[ncp++] = extra[i];
    for (size_t i = 0; i <= ncp; i++) {
        for (size_t j = 0; j < ncp; j++) {
            char w[8], a[16], b[16];
            size_t n = i < ncp ? put_cp(w, cps[i]) : 0;
            if (i == ncp)
                w[n++] = (char)0xC3; /* a lead byte without its continuation */
            n += put_cp(w + n, cps[j]);
            for (size_t cap = 0; cap <= 9; cap++) {
                int ra = ws_fold(w, n, a, cap), rb = ws_fold_general(w, n, b, cap);
                if (ra != rb || (ra > 0 && memcmp(a, b, (size_t)ra + 1)))
                    fail_msg("ws_fold differs for U+%04X U+%04X, cap %zu: %d vs %d",
                             i < ncp ? cps[i] : 0xC3, cps[j], cap, ra, rb);
            }
        }
    }
}

static int setup(void **state)
{
    (void)state;
    if (ws_analyzer_new(&an, NULL) != WS_OK)
        return -1;
    if (access(NGERMAN, R_OK) == 0 && ws_compounds_load(&dict, NGERMAN, NULL) != WS_OK)
        return -1;
    return ws_termgen_new(&warm, an, dict, NULL) == WS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ws_termgen_free(warm);
    ws_compounds_free(dict);
    ws_analyzer_free(an);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile),     cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_codepoints),  cmocka_unit_test(test_voc),
        cmocka_unit_test(test_xquad),       cmocka_unit_test(test_fold_fast_path),
        cmocka_unit_test(test_long_splits),
    };
    return WS_RESULT(cmocka_run_group_tests(tests, setup, teardown));
}
