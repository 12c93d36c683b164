/*
 * analysis.c - the German analysis pipeline (see wsearch/analysis.h).
 *
 * The tokenizer walks code points with utf8proc and decides where words
 * start and end; every word then goes through fold -> gender -> stem.  The
 * indexer, the snippet highlighter and the query rewriter all call
 * ws_analyze, so a word is cut and spelled the same everywhere.
 */
#include "analysis/analysis.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analysis/termgen.h"
#include "index/schema.h"
#include "util/hash.h"

/*
 * The stem cache: folded word -> stem, for the words seen before.  A text
 * repeats its words (and a compound's parts recur across compounds), and
 * libstemmer costs far more than a hash and a memcmp.  Direct-mapped and
 * bounded: a slot holds a word and its stem when both fit in 62 bytes
 * (nearly every German word); a colliding word takes the slot over.
 */
#define STEM_SLOTS 8192 /* 512 KB */
typedef struct stem_slot {
    unsigned char klen, slen; /* klen 0: empty */
    char b[62];               /* the word, then its stem */
} stem_slot;

struct ws_analyzer {
    struct sb_stemmer *stemmer;
    int no_stem;      /* stem step switched off (ws_analyzer_set_stemming) */
    int stem_later;   /* left to the caller (ws_analyze_stem_later) */
    int no_ascii;     /* ASCII fast paths off (tests: ws_analyzer_set_ascii_fast) */
    stem_slot *stems; /* STEM_SLOTS */
};

void ws_analyzer_set_ascii_fast(ws_analyzer *a, int on)
{
    a->no_ascii = !on;
}

void ws_analyzer_set_stemming(ws_analyzer *a, int on)
{
    a->no_stem = !on;
}

int ws_stem_may_match(const char *term, const char *stem)
{
    const unsigned char *t = (const unsigned char *)term, *s = (const unsigned char *)stem;
    while (*s) {
        unsigned char c = *t;
        size_t adv = 1;
        /* ä ö ü (C3 A4, C3 B6, C3 BC) stand for a o u in a stem */
        if (c == 0xC3 && (t[1] == 0xA4 || t[1] == 0xB6 || t[1] == 0xBC)) {
            c = t[1] == 0xA4 ? 'a' : t[1] == 0xB6 ? 'o' : 'u';
            adv = 2;
        }
        if (!*t || c != *s)
            return 0;
        t += adv;
        s++;
    }
    return 1;
}

/* Bumped whenever a change here alters the terms an index holds. */
#define WS_ANALYSIS_VERSION 4

int ws_analyzer_new(ws_analyzer **out, ws_error *err)
{
    *out = NULL;
    ws_analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return ws_error_set(err, WS_ENOMEM, "out of memory creating the analyzer");
    a->stems = calloc(STEM_SLOTS, sizeof *a->stems);
    if (!a->stems) {
        free(a);
        return ws_error_set(err, WS_ENOMEM, "out of memory creating the analyzer");
    }
    a->stemmer = sb_stemmer_new("german", "UTF_8");
    if (!a->stemmer) {
        free(a->stems);
        free(a);
        return ws_error_set(err, WS_EINTERNAL, "libstemmer has no German UTF-8 stemmer");
    }
    *out = a;
    return WS_OK;
}

void ws_analyzer_free(ws_analyzer *a)
{
    if (!a)
        return;
    sb_stemmer_delete(a->stemmer);
    free(a->stems);
    free(a);
}

/* A suffix with its length, so the checks below need no strlen. */
typedef struct sfx {
    const char *s;
    size_t n;
} sfx;
#define SFX(lit)                                                                                   \
    {                                                                                              \
        lit, sizeof lit - 1                                                                        \
    }

static int ends_with(const char *t, size_t len, const sfx *x)
{
    return len >= x->n && !memcmp(t + len - x->n, x->s, x->n);
}

/*
 * Step 3b: the feminine forms meet the base word.  Debian's libstemmer 2.2
 * stems "lehrerinnen" to "lehrerinn" and "lehrer" to "lehr", so a search
 * for Lehrer:innen missed the Lehrer (Snowball 3 added an -erin rule).
 * Plural "-innen" is removed after a base of four letters or more (so
 * beginnen, gewinnen, spinnen keep theirs); singular "-in" only after the
 * endings of person nouns, as Termin, Medizin and Benzin end in -in too.
 */
size_t ws_feminine_base(const char *t, size_t len)
{
    /* verbs in -innen, and words that merely end in -erin */
    static const sfx keep[] = {
        SFX("gewinnen"),  SFX("besinnen"),    SFX("ersinnen"),   SFX("entsinnen"),
        SFX("aussinnen"), SFX("auszusinnen"), SFX("nachsinnen"), SFX("entrinnen"),
        SFX("zerrinnen"), SFX("gerinnen"),    SFX("spinnen"),    SFX("drinnen"),
        SFX("hierin"),    SFX("darin"),       SFX("worin"),      SFX("zerin")};
    static const sfx singular[] = {SFX("erin"),  SFX("antin"), SFX("entin"), SFX("istin"),
                                   SFX("eurin"), SFX("ogin"),  SFX("egin"),  SFX("\xc3\xa4rztin"),
                                   SFX("ndin"),  SFX("ertin"), SFX("enkin"), SFX("onin")};
    static const sfx innen = SFX("innen");
    /* Every ending above ends in "in" or "nen", and a word of fewer than
     * 6 bytes keeps its length either way: most words are out at once
     * (this runs for every stem and every compound split). */
    if (len < 6 || t[len - 1] != 'n' || (t[len - 2] != 'i' && t[len - 2] != 'e'))
        return len;
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (ends_with(t, len, &keep[i]))
            return len;
    if (ends_with(t, len, &innen) && len - 5 >= 4)
        return len - 5;
    for (size_t i = 0; i < sizeof singular / sizeof *singular; i++)
        if (ends_with(t, len, &singular[i]) && len - 2 >= 4)
            return len - 2;
    return len;
}

/*
 * Step 4b: Snowball drops a final s after b, d, f, g, h, k, l, m, n, r or t
 * (the genitive: Vereins -> verein), and so cuts Kurs to "kur" while
 * Kurse keeps "kurs": Integrationskurs and Integrationskurse never met.
 * For the nouns whose s is their own, and the compounds they end, the
 * word is stemmed without that rule: every form then stems to the noun.
 */
size_t ws_stem_s_root(const char *t, size_t len)
{
    static const sfx roots[] = {SFX("kurs"), SFX("zins"), SFX("puls"),  SFX("hals"),
                                SFX("fels"), SFX("gips"), SFX("knirps")};
    static const sfx endings[] = {SFX(""), SFX("e"), SFX("en"), SFX("es")};
    /* every root ends in s, every ending in e, n or s: most words are out
     * at the last byte */
    if (len < 4 || (t[len - 1] != 's' && t[len - 1] != 'e' && t[len - 1] != 'n'))
        return 0;
    for (size_t r = 0; r < sizeof roots / sizeof *roots; r++) {
        size_t rl = roots[r].n;
        for (size_t e = 0; e < sizeof endings / sizeof *endings; e++) {
            size_t el = endings[e].n;
            if (len >= rl + el && ends_with(t, len, &endings[e]) &&
                !memcmp(t + len - el - rl, roots[r].s, rl))
                return len - el;
        }
    }
    return 0;
}

/* ws_analyzer_stem without the cache. */
static int stem_word(ws_analyzer *a, const char *term, size_t len, char *out, size_t cap)
{
    len = ws_feminine_base(term, len);
    size_t root = ws_stem_s_root(term, len);
    if (root) {
        /* the stem is the folded root with ä/ö/ü as a/o/u, as Snowball's */
        size_t n = 0;
        for (size_t i = 0; i < root; i++) {
            if ((unsigned char)term[i] == 0xC3 && i + 1 < root &&
                ((unsigned char)term[i + 1] == 0xA4 || (unsigned char)term[i + 1] == 0xB6 ||
                 (unsigned char)term[i + 1] == 0xBC)) {
                if (n + 1 >= cap)
                    return -1;
                unsigned char c = (unsigned char)term[++i];
                out[n++] = c == 0xA4 ? 'a' : c == 0xB6 ? 'o' : 'u';
                continue;
            }
            if (n + 1 >= cap)
                return -1;
            out[n++] = term[i];
        }
        out[n] = '\0';
        return (int)n;
    }
    const sb_symbol *s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)term, (int)len);
    if (!s)
        return -1;
    int n = sb_stemmer_length(a->stemmer);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    memcpy(out, s, (size_t)n);
    out[n] = '\0';
    return n;
}

int ws_analyzer_stem(ws_analyzer *a, const char *term, size_t len, char *out, size_t cap)
{
    if (!len || len > WS_MAX_TERM)
        return -1;
    stem_slot *e = &a->stems[ws_fnv1a(term, len) & (STEM_SLOTS - 1)];
    if (e->klen == len && !memcmp(e->b, term, len)) {
        /* what stem_word says: -1 exactly when the stem does not fit */
        if (e->slen >= cap)
            return -1;
        memcpy(out, e->b + len, e->slen);
        out[e->slen] = '\0';
        return e->slen;
    }
    int n = stem_word(a, term, len, out, cap);
    if (n >= 0 && len + (size_t)n <= sizeof e->b) {
        e->klen = (unsigned char)len;
        e->slen = (unsigned char)n;
        memcpy(e->b, term, len);
        memcpy(e->b + len, out, (size_t)n);
    }
    return n;
}

/* ---- the signature ------------------------------------------------------ */

static pthread_once_t sig_once = PTHREAD_ONCE_INIT;
static char sig_buf[256];

/*
 * libstemmer has no version call, and a different build can stem
 * differently.  So the signature carries a fingerprint of what the linked
 * stemmer does to words whose stems changed between Snowball releases.
 */
static void make_signature(void)
{
    static const char *probe[] = {"kommunen",   "geflüchteten", "akteurinnen", "häuser",
                                  "verwaltung", "aufnahme",     "lehrerinnen", "integration",
                                  "straße",     "vernetzung",   "schönheit",   "quellen"};
    unsigned long h = 5381;
    struct sb_stemmer *st = sb_stemmer_new("german", "UTF_8");
    for (size_t i = 0; st && i < sizeof probe / sizeof *probe; i++) {
        const sb_symbol *s =
            sb_stemmer_stem(st, (const sb_symbol *)probe[i], (int)strlen(probe[i]));
        int n = s ? sb_stemmer_length(st) : 0;
        for (int k = 0; k < n; k++)
            h = (h * 33u) ^ s[k];
        h = (h * 33u) ^ '|';
    }
    if (st)
        sb_stemmer_delete(st);
    snprintf(
        sig_buf, sizeof sig_buf,
        "wsearch-analysis/"
        "%d;nfc;casefold;gender-innen;feminine-base;s-roots;hyphen-parts;exact-ss;umlaut-words;"
        "no-stopword-stems;"
        "stem=snowball-german:%08lx;"
        "utf8proc-%s",
        WS_ANALYSIS_VERSION, h & 0xffffffffUL, utf8proc_unicode_version());
}

const char *ws_analysis_signature(void)
{
    pthread_once(&sig_once, make_signature);
    return sig_buf;
}

/* ---- character classes -------------------------------------------------- */

static int is_word_cat(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

/* ASCII inline (letters and digits), the rest by category: this runs for
 * every character of a text. */
static inline int is_word_cp(utf8proc_int32_t c)
{
    if (c < 0x80)
        return ((unsigned)(c | 0x20) - 'a' < 26) || ((unsigned)c - '0' < 10);
    return is_word_cat(c);
}

static int is_lower_cp(utf8proc_int32_t c)
{
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

/* Ignored inside words: soft hyphen, zero-width (non-)joiners and spaces,
 * which PDFs and word processors sprinkle into words. */
static int is_invisible_cp(utf8proc_int32_t c)
{
    return c == 0x00AD || c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF;
}

static int is_hyphen_cp(utf8proc_int32_t c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

static int is_apostrophe_cp(utf8proc_int32_t c)
{
    return c == '\'' || c == 0x2019;
}

/* Decode one code point at s[i], len bytes in all; returns its byte length
 * (>= 1) and stores the code point, or -1 for invalid UTF-8 (one byte is
 * then skipped by callers). */
static int next_cp(const char *s, size_t len, size_t i, utf8proc_int32_t *c)
{
    if (i >= len)
        return 0;
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
        *c = b;
        return 1;
    }
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), c);
    if (n <= 0) {
        *c = -1;
        return -1;
    }
    return (int)n;
}

/* ---- fold and gender ---------------------------------------------------- */

/*
 * Step 2: case folding in NFC, dropping default-ignorable code points
 * (see termgen.h: the one case folding).  ASCII takes a fast path;
 * everything else goes through utf8proc, which also turns ß into ss.
 */
int ws_fold_general(const char *w, size_t len, char *out, size_t cap)
{
    /* What utf8proc_map does (decompose, then compose and encode in
     * place), into a buffer on the stack: this runs for every word with a
     * non-ASCII letter, and words that fit (all that can become terms,
     * bar ones padded with thousands of ignorables) need no malloc. */
    const utf8proc_option_t opt =
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    utf8proc_int32_t buf[4 * WS_MAX_TERM + 8];
    const size_t nbuf = sizeof buf / sizeof *buf;
    utf8proc_uint8_t *heap = NULL;
    const utf8proc_uint8_t *m = (const utf8proc_uint8_t *)buf;
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)len, buf,
                                            (utf8proc_ssize_t)nbuf, opt);
    if (n < 0)
        return -1;
    if ((size_t)n <= nbuf) {
        n = utf8proc_reencode(buf, n, opt);
    } else {
        n = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)len, &heap, opt);
        m = heap;
    }
    if (n < 0) {
        free(heap);
        return -1;
    }
    /* Apostrophes were part of the surface word only to keep it whole. */
    size_t k = 0;
    for (utf8proc_ssize_t i = 0; i < n;) {
        if (m[i] == '\'') {
            i++;
            continue;
        }
        if (m[i] == 0xE2 && i + 2 < n && m[i + 1] == 0x80 && m[i + 2] == 0x99) {
            i += 3;
            continue;
        }
        if (k + 1 >= cap) {
            free(heap);
            return -1;
        }
        out[k++] = (char)m[i++];
    }
    free(heap);
    if (k >= cap) /* cap 0 */
        return -1;
    out[k] = '\0';
    return (int)k;
}

/*
 * The fast path: ASCII and U+00C0..U+00FF (C3 80..C3 BF: the umlauts, ß
 * and the accented letters of Latin-1), which fold one by one: A-Z and
 * À-Þ (but ×) down by 0x20, ß to "ss", the rest as they are; none of them
 * composes with a neighbour in NFC, and none is ignorable.  Anything else
 * (combining marks, other scripts, invalid UTF-8, an output that does not
 * fit) goes to ws_fold_general, which has the last word.
 */
int ws_fold(const char *w, size_t len, char *out, size_t cap)
{
    const unsigned char *u = (const unsigned char *)w;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = u[i];
        if (c < 0x80) {
            if (c == '\'')
                continue;
            if (n + 1 >= cap)
                return ws_fold_general(w, len, out, cap);
            out[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            continue;
        }
        unsigned char d = i + 1 < len ? u[i + 1] : 0;
        if (c != 0xC3 || d < 0x80 || d > 0xBF || n + 2 >= cap)
            return ws_fold_general(w, len, out, cap);
        i++;
        if (d == 0x9F) { /* ß */
            out[n++] = 's';
            out[n++] = 's';
            continue;
        }
        out[n++] = (char)0xC3;
        out[n++] = (char)(d <= 0x9E && d != 0x97 ? d + 0x20 : d);
    }
    if (n >= cap)
        return ws_fold_general(w, len, out, cap);
    out[n] = '\0';
    return (int)n;
}

/* Is there a ß (C3 9F) or ẞ (E1 BA 9E) in s[0..n)?  What memmem answered,
 * in one pass without a call: this runs for every token of a text. */
static int has_sharp_s(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 1 < n; i++) {
        if (u[i] == 0xC3 && u[i + 1] == 0x9F)
            return 1;
        if (u[i] == 0xE1 && i + 2 < n && u[i + 1] == 0xBA && u[i + 2] == 0x9E)
            return 1;
    }
    return 0;
}

static int has_ss(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == 's' && s[i + 1] == 's')
            return 1;
    return 0;
}

int ws_exact_term(const char *surface, size_t n, const char *term, size_t term_len, char *out,
                  size_t cap)
{
    char tmp[4 * WS_MAX_TERM], f[4 * WS_MAX_TERM];
    if (!has_sharp_s(surface, n)) {
        if (!has_ss(term, term_len) || term_len + 2 > cap)
            return 0;
        out[0] = WS_PFX_EXACT[0];
        memcpy(out + 1, term, term_len + 1);
        return (int)term_len + 1;
    }
    /* Fold the surface with each ß held back as a control byte, which
     * folding leaves alone, then put the ß back. */
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof tmp;) {
        if (i + 1 < n && !memcmp(surface + i, "\xc3\x9f", 2)) {
            tmp[k++] = '\x01';
            i += 2;
        } else if (i + 2 < n && !memcmp(surface + i, "\xe1\xba\x9e", 3)) {
            tmp[k++] = '\x01';
            i += 3;
        } else
            tmp[k++] = surface[i++];
    }
    int fl = ws_fold(tmp, k, f, sizeof f);
    if (fl <= 0)
        return 0;
    size_t o = 0;
    out[o++] = WS_PFX_EXACT[0];
    for (int i = 0; i < fl; i++) {
        if (o + 3 > cap)
            return 0;
        if (f[i] == '\x01') {
            out[o++] = (char)0xC3;
            out[o++] = (char)0x9F;
        } else
            out[o++] = f[i];
    }
    out[o] = '\0';
    return o > WS_MAX_TERM ? 0 : (int)o;
}

/* ---- the tokenizer ------------------------------------------------------ */

typedef struct run {
    size_t start, end; /* surface bytes of the word or compound part */
    size_t base_end;   /* for a gender form, where the stem word ends */
    int gender;        /* 0, or 1 for "-innen" (plural), 2 for "-in" */
} run;

/* Does s[i..) start with "innen"/"in" (any case) followed by a non-word
 * character?  Returns the suffix length, 0 if not. */
static size_t gender_suffix(const char *s, size_t len, size_t i, int *kind)
{
    static const char *sfx[] = {"innen", "in"};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(sfx[k]);
        if (i + n > len)
            continue;
        size_t j = 0;
        while (j < n && (s[i + j] | 0x20) == sfx[k][j])
            j++;
        if (j < n)
            continue;
        utf8proc_int32_t c;
        int cl = next_cp(s, len, i + n, &c);
        if (cl > 0 && is_word_cp(c))
            continue;
        *kind = k == 0 ? 1 : 2;
        return n;
    }
    return 0;
}

/* Scan word characters from i; returns the end of the run. */
static size_t scan_run(const char *s, size_t len, size_t i)
{
    while (i < len) {
        utf8proc_int32_t c;
        int cl = next_cp(s, len, i, &c);
        if (cl <= 0)
            break;
        if (is_word_cp(c) || is_invisible_cp(c)) {
            i += (size_t)cl;
            continue;
        }
        if (is_apostrophe_cp(c)) {
            /* geht's, Kolleg'innen: keep the word whole if a letter follows */
            utf8proc_int32_t d;
            int dl = next_cp(s, len, i + (size_t)cl, &d);
            if (dl > 0 && is_word_cp(d)) {
                i += (size_t)cl;
                continue;
            }
        }
        break;
    }
    return i;
}

/* Binnen-I: "TeilnehmerInnen", "LehrerIn" - a capital I after a lowercase
 * letter, closing the run. */
static int binnen_i(const char *s, size_t start, size_t end, size_t *base_end, int *kind)
{
    static const sfx sfxs[] = {SFX("Innen"), SFX("In")};
    /* both end in 'n': most runs are out at their last byte (this runs
     * for every word) */
    if (end - start < 3 || s[end - 1] != 'n')
        return 0;
    for (int k = 0; k < 2; k++) {
        size_t n = sfxs[k].n;
        if (end - start <= n + 1 || memcmp(s + end - n, sfxs[k].s, n) != 0)
            continue;
        /* the code point before the 'I' */
        size_t p = end - n - 1;
        while (p > start && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        utf8proc_int32_t c;
        if (next_cp(s, end, p, &c) > 0 && is_lower_cp(c)) {
            *base_end = end - n;
            *kind = k == 0 ? 1 : 2;
            return 1;
        }
    }
    return 0;
}

/* A code point's category, ASCII letters and digits without a table
 * lookup: this runs twice per token. */
static utf8proc_category_t category(const ws_analyzer *a, utf8proc_int32_t c)
{
    if (!a->no_ascii && c >= 0 && c < 0x80) {
        if (c >= 'a' && c <= 'z')
            return UTF8PROC_CATEGORY_LL;
        if (c >= 'A' && c <= 'Z')
            return UTF8PROC_CATEGORY_LU;
        if (c >= '0' && c <= '9')
            return UTF8PROC_CATEGORY_ND;
    }
    return utf8proc_category(c);
}

typedef struct emit_ctx {
    ws_analyzer *a;
    const char *text;
    ws_token_fn fn;
    void *ctx;
    uint32_t pos;
} emit_ctx;

/* Fold, normalise the gender form and stem one run, then hand the token
 * to the callback.  Returns non-zero to stop. */
static int emit(emit_ctx *e, const run *r, unsigned flags)
{
    char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1];
    size_t wend = r->gender ? r->base_end : r->end;
    int n = e->a->no_ascii ? ws_fold_general(e->text + r->start, wend - r->start, term, sizeof term)
                           : ws_fold(e->text + r->start, wend - r->start, term, sizeof term);
    if (n <= 0)
        return 0; /* over-long or nothing left after folding: not a word */
    if (r->gender) {
        /* Step 3: Akteur:innen -> akteurinnen, Referent*in -> referentin */
        const char *sfx = r->gender == 1 ? "innen" : "in";
        size_t sl = strlen(sfx);
        if ((size_t)n + sl > WS_MAX_TERM)
            return 0;
        memcpy(term + n, sfx, sl + 1);
        n += (int)sl;
        flags |= WS_TOK_GENDER;
    }
    utf8proc_int32_t c0;
    next_cp(term, (size_t)n, 0, &c0);
    int stem_len = -1;
    if (c0 >= '0' && c0 <= '9')
        flags |= WS_TOK_NUMBER;
    /* Stem only words starting with a letter, as Xapian's query parser
     * does (it never stems a term that starts with a digit). */
    utf8proc_category_t cat = category(e->a, c0);
    int stem_later = 0;
    if (!e->a->no_stem && cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
        if (e->a->stem_later)
            stem_later = 1;
        else
            stem_len = ws_analyzer_stem(e->a, term, (size_t)n, stem, sizeof stem);
    }
    utf8proc_int32_t s0;
    if (next_cp(e->text, r->end, r->start, &s0) > 0 &&
        (category(e->a, s0) == UTF8PROC_CATEGORY_LU || category(e->a, s0) == UTF8PROC_CATEGORY_LT))
        flags |= WS_TOK_UPPER;

    ws_token t;
    t.term = term;
    t.term_len = (size_t)n;
    t.stem = stem_len > 0 ? stem : NULL;
    t.stem_len = stem_len > 0 ? (size_t)stem_len : 0;
    t.start = r->start;
    t.end = r->end;
    t.pos = e->pos++;
    t.flags = flags;
    t.stem_later = stem_later;
    return e->fn(e->ctx, &t);
}

int ws_analyze(ws_analyzer *a, const char *text, size_t len, uint32_t first_pos, uint32_t *next_pos,
               ws_token_fn fn, void *ctx, ws_error *err)
{
    if (!a || (!text && len) || !fn)
        return ws_error_set(err, WS_EINVAL, "ws_analyze: invalid argument");
    emit_ctx e = {a, text, fn, ctx, first_pos};
    size_t i = 0;
    int stop = 0;
    while (i < len && !stop) {
        utf8proc_int32_t c;
        int cl = next_cp(text, len, i, &c);
        if (cl <= 0) {
            i++; /* invalid byte: skip it, never loop */
            continue;
        }
        if (!is_word_cp(c)) {
            i += (size_t)cl;
            continue;
        }
        /* A word, possibly a hyphenated compound of several parts. */
        run parts[64];
        size_t np = 0;
        size_t p = i;
        for (;;) {
            run r = {p, scan_run(text, len, p), 0, 0};
            size_t next = r.end;
            utf8proc_int32_t m;
            int ml = next_cp(text, len, r.end, &m);
            if (ml > 0 && (m == ':' || m == '*' || m == '_' || m == '/')) {
                /* Akteur:innen Akteur*innen Akteur_innen Akteur/innen Akteur/-innen */
                size_t q = r.end + (size_t)ml;
                if (m == '/' && q < len && text[q] == '-')
                    q++;
                int kind = 0;
                size_t sl = gender_suffix(text, len, q, &kind);
                if (sl) {
                    r.base_end = r.end;
                    r.end = q + sl;
                    r.gender = kind;
                    next = r.end;
                }
            }
            if (!r.gender)
                binnen_i(text, r.start, r.end, &r.base_end, &r.gender);
            if (np < sizeof parts / sizeof *parts)
                parts[np++] = r;
            /* Another compound part follows "-" directly (Dessau-Roßlau);
             * "Ein- und Ausreise" has a space after the hyphen. */
            ml = next_cp(text, len, next, &m);
            if (ml > 0 && is_hyphen_cp(m)) {
                utf8proc_int32_t d;
                int dl = next_cp(text, len, next + (size_t)ml, &d);
                if (dl > 0 && is_word_cp(d)) {
                    p = next + (size_t)ml;
                    continue;
                }
            }
            i = next;
            break;
        }
        unsigned flags = np > 1 ? WS_TOK_HYPHEN : 0;
        for (size_t k = 0; k < np && !stop; k++) {
            unsigned f = flags;
            if (parts[k].end < len && text[parts[k].end] == '*' && !parts[k].gender)
                f |= WS_TOK_WILDCARD;
            stop = emit(&e, &parts[k], f);
        }
    }
    if (next_pos)
        *next_pos = e.pos;
    return WS_OK;
}

int ws_analyze_stem_later(ws_analyzer *a, const char *text, size_t len, uint32_t first_pos,
                          uint32_t *next_pos, ws_token_fn fn, void *ctx, ws_error *err)
{
    if (!a)
        return ws_error_set(err, WS_EINVAL, "ws_analyze: invalid argument");
    a->stem_later = 1;
    int rc = ws_analyze(a, text, len, first_pos, next_pos, fn, ctx, err);
    a->stem_later = 0;
    return rc;
}

/* ---- single words ------------------------------------------------------- */

typedef struct one_word {
    char *term, *stem;
    int found;
} one_word;

static int take_first(void *ctx, const ws_token *t)
{
    one_word *o = ctx;
    memcpy(o->term, t->term, t->term_len + 1);
    if (t->stem)
        memcpy(o->stem, t->stem, t->stem_len + 1);
    else
        memcpy(o->stem, t->term, t->term_len + 1);
    o->found = 1;
    return 1;
}

int ws_analyze_word(ws_analyzer *a, const char *word, size_t len, char *term, char *stem,
                    ws_error *err)
{
    if (!a || !word || !term || !stem)
        return ws_error_set(err, WS_EINVAL, "ws_analyze_word: invalid argument");
    one_word o = {term, stem, 0};
    int rc = ws_analyze(a, word, len, 0, NULL, take_first, &o, err);
    if (rc != WS_OK)
        return rc;
    if (!o.found)
        return ws_error_set(err, WS_EINVAL, "'%.*s' contains no word", (int)(len > 60 ? 60 : len),
                            word);
    return WS_OK;
}
