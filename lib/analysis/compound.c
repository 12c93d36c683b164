/*
 * compound.c - closed compounds split with a dictionary.
 *
 * German writes Kommunalverwaltung as one word; a user looking for
 * Verwaltung should find it.  A compound's last part carries its meaning,
 * so the split looks for the longest dictionary word at the end, then
 * takes the rest as a word (with or without a linking element) or splits
 * it again.  Every part must be a dictionary word of at least four
 * letters: short words inside long ones (Alterung in Wandhalterung, Loh
 * in Gütersloh) are where false friends come from.
 */
#define _GNU_SOURCE /* memmem */
#include "analysis/compound.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/termgen.h"
#include "analysis/analysis.h"
#include "util/hash.h"
#include "util/strset.h"

/* At most this many words (ngerman has 356 000). */
#define MAX_WORDS ((size_t)1 << 19)

/*
 * A split asks the word list about every cut of a word: each suffix, and
 * the prefixes before it.  Most candidates are not words, and each exact
 * lookup hashes the candidate and misses the cache several times.  So
 * two Bloom filters stand in front of the list, one over the words'
 * FNV-1a hashes and one over the hashes of the words reversed: a split
 * computes the hash of every prefix and every suffix of its word in one
 * pass each, and asks the list only what a filter does not rule out
 * (about 2 % of the non-words).  A filter never rules out a word of the
 * list, so the splits are the same.
 */
#define BLOOM_BITS ((size_t)1 << 22) /* each: 512 KB for ngerman's 356 000 words */

struct ws_compounds {
    ws_strset *words; /* folded words */
    size_t nwords;
    char id[64];
    uint64_t *fwd, *rev; /* the Bloom filters, BLOOM_BITS each */
};

static void bloom_add(uint64_t *b, uint64_t h)
{
    size_t i = (size_t)h & (BLOOM_BITS - 1), j = (size_t)(h >> 32) & (BLOOM_BITS - 1);
    b[i / 64] |= (uint64_t)1 << (i % 64);
    b[j / 64] |= (uint64_t)1 << (j % 64);
}

static int bloom_has(const uint64_t *b, uint64_t h)
{
    size_t i = (size_t)h & (BLOOM_BITS - 1), j = (size_t)(h >> 32) & (BLOOM_BITS - 1);
    return (b[i / 64] >> (i % 64) & 1) && (b[j / 64] >> (j % 64) & 1);
}

/* FNV-1a of s[0..n) read backwards. */
static uint64_t fnv_reversed(const char *s, size_t n)
{
    uint64_t h = WS_FNV1A_OFFSET;
    while (n)
        h = (h ^ (unsigned char)s[--n]) * WS_FNV1A_PRIME;
    return h;
}

static int lookup(const ws_compounds *d, const char *s, size_t n)
{
    return ws_strset_find(d->words, s, n) >= 0;
}

static int add(ws_compounds *d, const char *w, size_t n)
{
    int added = 0;
    if (ws_strset_add(d->words, w, n, &added) < 0)
        return -1;
    d->nwords += (size_t)added;
    bloom_add(d->fwd, ws_fnv1a(w, n));
    bloom_add(d->rev, fnv_reversed(w, n));
    return 0;
}

int ws_compounds_load(ws_compounds **out, const char *path, ws_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return ws_error_set(err, errno == ENOENT ? WS_ENOTFOUND : WS_EIO, "%s: %s", path,
                            strerror(errno));
    ws_compounds *d = calloc(1, sizeof *d);
    if (d) {
        d->words = ws_strset_new(MAX_WORDS);
        d->fwd = calloc(BLOOM_BITS / 64, sizeof *d->fwd);
        d->rev = calloc(BLOOM_BITS / 64, sizeof *d->rev);
    }
    if (!d || !d->words || !d->fwd || !d->rev) {
        ws_compounds_free(d);
        fclose(f);
        return ws_error_set(err, WS_ENOMEM, "out of memory loading %s", path);
    }
    char line[256], w[256];
    uint64_t sum = WS_FNV1A_OFFSET;
    int rc = WS_OK;
    while (rc == WS_OK && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        sum = ws_fnv1a_add(sum, line, n);
        /* words only: no abbreviations with dots, no apostrophes.  Words
         * of three letters are kept to recognise them (amt in Bundesamt),
         * never to split one off (see split). */
        if (n < WS_MIN_PART - 1 || strcspn(line, ".'- ") < n)
            continue;
        /* folded as terms are (ws_fold: the list has no apostrophes or
         * ignorable code points, so nothing else is dropped) */
        int fl = ws_fold(line, n, w, sizeof w);
        if (fl >= WS_MIN_PART - 1 && d->nwords < MAX_WORDS && add(d, w, (size_t)fl) != 0)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory loading %s", path);
    }
    fclose(f);
    if (rc != WS_OK) {
        ws_compounds_free(d);
        return rc;
    }
    snprintf(d->id, sizeof d->id, "%zu:%016llx", d->nwords, (unsigned long long)sum);
    *out = d;
    return WS_OK;
}

void ws_compounds_free(ws_compounds *d)
{
    if (!d)
        return;
    ws_strset_free(d->words);
    free(d->fwd);
    free(d->rev);
    free(d);
}

const char *ws_compounds_id(const ws_compounds *d)
{
    return d ? d->id : "";
}

/* Count of UTF-8 characters in s[0..n). */
static size_t chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* What a split knows of its word t: the hash and character count of
 * every prefix, for words up to SPLIT_FAST bytes (longer ones, rare,
 * skip the filters and count as they go). */
#define SPLIT_FAST 255
typedef struct split_ctx {
    const ws_compounds *d;
    const char *t;
    int fast;
    uint64_t fh[SPLIT_FAST + 1]; /* fh[k]: FNV-1a of t[0..k) */
    uint16_t cc[SPLIT_FAST + 1]; /* cc[k]: characters in t[0..k) */
} split_ctx;

/* The suffix hashes of t[0..len): rh[at] is t[at..len) reversed. */
typedef struct suffixes {
    uint64_t rh[SPLIT_FAST + 1];
} suffixes;

static void split_init(split_ctx *c, const ws_compounds *d, const char *t, size_t len)
{
    c->d = d;
    c->t = t;
    c->fast = len <= SPLIT_FAST;
    if (!c->fast)
        return;
    c->fh[0] = WS_FNV1A_OFFSET;
    c->cc[0] = 0;
    for (size_t k = 0; k < len; k++) {
        c->fh[k + 1] = (c->fh[k] ^ (unsigned char)t[k]) * WS_FNV1A_PRIME;
        c->cc[k + 1] = (uint16_t)(c->cc[k] + (((unsigned char)t[k] & 0xC0) != 0x80));
    }
}

static void suffixes_init(const split_ctx *c, size_t len, suffixes *x)
{
    if (!c->fast)
        return;
    x->rh[len] = WS_FNV1A_OFFSET;
    for (size_t at = len; at-- > 0;)
        x->rh[at] = (x->rh[at + 1] ^ (unsigned char)c->t[at]) * WS_FNV1A_PRIME;
}

/* Characters in t[a..b). */
static size_t span_chars(const split_ctx *c, size_t a, size_t b)
{
    return c->fast ? (size_t)(c->cc[b] - c->cc[a]) : chars(c->t + a, b - a);
}

/* Is t[0..n) a word? */
static int has_prefix(const split_ctx *c, size_t n)
{
    return (!c->fast || bloom_has(c->d->fwd, c->fh[n])) && lookup(c->d, c->t, n);
}

/* Is t[at..len) a word? */
static int has_suffix(const split_ctx *c, const suffixes *x, size_t at, size_t len)
{
    return (!c->fast || bloom_has(c->d->rev, x->rh[at])) && lookup(c->d, c->t + at, len - at);
}

static size_t split(const split_ctx *c, size_t len, ws_part *parts, size_t max, int depth);

/* The head t[0..hl) before a last part t[hl..len): a word with or
 * without a linking element, or a compound itself.  Fills parts and
 * returns how many, 0 when there is no head. */
static size_t split_head(const split_ctx *c, size_t hl, size_t len, ws_part *parts, size_t max,
                         int depth)
{
    static const char *links[] = {"s", "es", "n", "en", "e", "er"};
    const char *t = c->t;
    /* without a linking element first (Flüchtling·s·unterkunft gives
     * flüchtling, though the list knows flüchtlings too) */
    size_t head = 0;
    for (size_t k = 0; !head && k < sizeof links / sizeof *links; k++) {
        size_t ll = strlen(links[k]);
        if (hl > ll && !memcmp(t + hl - ll, links[k], ll) &&
            span_chars(c, 0, hl - ll) >= WS_MIN_PART && has_prefix(c, hl - ll))
            head = hl - ll;
    }
    if (!head && has_prefix(c, hl))
        head = hl;
    if (head) {
        /* a head that is itself a compound (arbeitsmarkt in
         * arbeitsmarktintegration) is split too, so markt is found */
        size_t n = depth < 3 ? split(c, head, parts, max - 1, depth + 1) : 0;
        if (!n) {
            parts[0] = (ws_part){0, head};
            n = 1;
        }
        parts[n] = (ws_part){hl, len - hl};
        return n + 1;
    }
    if (depth < 3) {
        size_t n = split(c, hl, parts, max - 1, depth + 1);
        /* Integrationskurs-: the head may end in a linking s */
        if (!n && hl > 1 && t[hl - 1] == 's')
            n = split(c, hl - 1, parts, max - 1, depth + 1);
        if (n) {
            parts[n] = (ws_part){hl, len - hl};
            return n + 1;
        }
    }
    return 0;
}

/* The cuts of t[0..len), the longest word at the end first, none at or
 * after feminine (where only the ending would be left).  Its own frame
 * holds the suffix hashes, so the recursion over feminine bases stays
 * small on the stack. */
static size_t split_cuts(const split_ctx *c, size_t len, size_t feminine, ws_part *parts,
                         size_t max, int depth)
{
    const char *t = c->t;
    suffixes x;
    suffixes_init(c, len, &x);
    for (size_t at = 1; at < len; at++) {
        if (((unsigned char)t[at] & 0xC0) == 0x80)
            continue;
        if (span_chars(c, 0, at) < WS_MIN_PART)
            continue;
        if (at == feminine)
            break; /* only the ending is left */
        if (span_chars(c, at, len) < WS_MIN_PART)
            break;
        if (!has_suffix(c, &x, at, len))
            continue;
        /* Bundesamt, Arbeitsamt: the s links a word to "amt", too short
         * to be a part; reading "samt" would be a false friend. */
        if (t[at] == 's' && span_chars(c, at + 1, len) == WS_MIN_PART - 1 &&
            has_suffix(c, &x, at + 1, len))
            continue;
        size_t n = split_head(c, at, len, parts, max, depth);
        if (n)
            return n;
    }
    return 0;
}

/* Split t[0..len) (a prefix of the context's word). */
static size_t split(const split_ctx *c, size_t len, ws_part *parts, size_t max, int depth)
{
    if (max < 2 || span_chars(c, 0, len) < 2 * WS_MIN_PART)
        return 0;
    /* A feminine form splits like its base word, the ending kept on the
     * last part (sozial + arbeiterinnen); when the base is a word of the
     * list, there is nothing to split: "innen" and "rinnen" are words of
     * the list too, but in Akteurinnen and Lehrerinnen they are the ending
     * (see ws_feminine_base), and a search for Innen must not find every
     * Akteur:innen. */
    size_t feminine = ws_feminine_base(c->t, len);
    if (feminine < len) {
        size_t n = split(c, feminine, parts, max, depth);
        if (n) {
            parts[n - 1].len = len - parts[n - 1].start;
            return n;
        }
        if (has_prefix(c, feminine))
            return 0;
    }
    return split_cuts(c, len, feminine, parts, max, depth);
}

/* A split of t[0..len) from scratch. */
static size_t split_word(const ws_compounds *d, const char *t, size_t len, ws_part *parts,
                         size_t max)
{
    split_ctx c;
    split_init(&c, d, t, len);
    return split(&c, len, parts, max, 0);
}

size_t ws_compounds_split(const ws_compounds *d, const char *term, size_t len, ws_part *parts,
                          size_t max)
{
    if (!d || !len)
        return 0;
    return split_word(d, term, len, parts, max);
}

int ws_compounds_has(const ws_compounds *d, const char *w, size_t n)
{
    return d && lookup(d, w, n);
}

size_t ws_umlaut_scan(const char *term, size_t len, size_t *at, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i + 1 < len && n < max; i++)
        if ((term[i] == 'a' || term[i] == 'o' || term[i] == 'u') && term[i + 1] == 'e' &&
            !(term[i] == 'u' && i > 0 && term[i - 1] == 'q')) {
            if (at)
                at[n] = i;
            n++;
            i++;
        }
    return n;
}

size_t ws_umlaut_spell(const char *term, size_t len, const size_t *at, size_t n, uint64_t mask,
                       char *out, size_t cap)
{
    size_t k = 0, j = 0;
    if (!cap)
        return 0;
    for (size_t i = 0; i < len && k + 2 < cap;) {
        if (j < n && i == at[j]) {
            if (mask & ((uint64_t)1 << j)) {
                /* ä ö ü in UTF-8: C3 A4, C3 B6, C3 BC; one byte longer
                 * than the pair */
                out[k++] = (char)0xC3;
                out[k++] = (char)(term[i] == 'a' ? 0xA4 : term[i] == 'o' ? 0xB6 : 0xBC);
                i += 2;
                j++;
                continue;
            }
            j++;
        }
        out[k++] = term[i++];
    }
    out[k] = '\0';
    return k;
}

size_t ws_umlaut_variants(const char *term, size_t len, ws_variant_fn fn, void *ctx)
{
    size_t at[4];
    size_t n = ws_umlaut_scan(term, len, at, 4);
    if (!n || len + n > 255)
        return n;
    char cand[256];
    for (unsigned mask = 1; mask < (1u << n); mask++) {
        size_t k = ws_umlaut_spell(term, len, at, n, mask, cand, sizeof cand);
        if (fn(ctx, cand, k))
            break;
    }
    return n;
}

typedef struct umlaut_ctx {
    const ws_compounds *d;
    char *out;
    size_t cap, len;
} umlaut_ctx;

static int take_umlaut(void *vctx, const char *cand, size_t len)
{
    umlaut_ctx *c = vctx;
    ws_part parts[6];
    if (len + 1 > c->cap || (!lookup(c->d, cand, len) && split_word(c->d, cand, len, parts, 6) < 2))
        return 0;
    memcpy(c->out, cand, len + 1);
    c->len = len;
    return 1;
}

size_t ws_compounds_umlaut(const ws_compounds *d, const char *term, size_t len, char *out,
                           size_t cap)
{
    ws_part parts[6];
    /* quick exit for the many words without a pair */
    if (!d || len < 3 || !ws_umlaut_scan(term, len, NULL, 1))
        return 0;
    /* Quelle, neue, Israel: words as written stay as written */
    if (lookup(d, term, len) || split_word(d, term, len, parts, 6) >= 2)
        return 0;
    umlaut_ctx c = {d, out, cap, 0};
    ws_umlaut_variants(term, len, take_umlaut, &c);
    return c.len;
}
