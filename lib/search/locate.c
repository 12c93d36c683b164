/*
 * locate.c - where in a long stored text a query's terms may occur.
 *
 * Cutting a snippet analyses text with the term generator's rules
 * (highlight.c), which costs far more per byte than reading it; a hit in
 * a 10 MB document used to analyse 4 MB.  This pass reads the text once
 * without decoding it and finds the few stretches worth analysing.
 *
 * A key is the first WS_LOCATE_KEY bytes of a term's skeleton: folded,
 * ä/ö/ü read as a/o/u, ß as ss.  A German Snowball stem is a prefix of its
 * folded word so read (analysis.h, ws_stem_may_match), a compound part's
 * stem a prefix of the part, and a folded word its own; so every surface a
 * term matches starts with the key once the surface is read the same way:
 * ASCII and Latin-1 letters in either case, ä or ae, ß or ss, soft hyphens
 * and zero-width characters and hyphens skipped, ligatures (ﬁ) expanded,
 * combining marks skipped.  A match is looked for at every byte, not just
 * at word starts, so parts inside compounds are found too.  Keys may match
 * where the term does not (Kommunikation for "kommun"): the snippet
 * verifies by analysing the windows found, best first.
 *
 * A term whose key would start with a character not read here (Greek,
 * Cyrillic, CJK) makes the whole query unlocatable, and the snippet falls
 * back to scanning the text from its start, as before.
 *
 * The pass stops 64 KB after the first window that holds every key group:
 * nothing later can hold more distinct terms, only more matches.
 */
#include "search/locate.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "index/schema.h"

/* The skeleton of a folded term: what ws_locate_init keys on. */
static size_t skeleton(const char *t, char *out, size_t cap)
{
    size_t k = 0;
    const unsigned char *s = (const unsigned char *)t;
    while (*s && k < cap) {
        if (*s < 0x80) {
            out[k++] = (char)*s++;
            continue;
        }
        if (s[0] != 0xC3 || !s[1])
            break; /* outside Latin-1: the key ends here */
        unsigned char d = s[1];
        if (d == 0xA4 || d == 0xB6 || d == 0xBC) {
            out[k++] = d == 0xA4 ? 'a' : d == 0xB6 ? 'o' : 'u';
        } else if (d == 0x9F) {
            out[k++] = 's';
            if (k < cap)
                out[k++] = 's';
        } else {
            if (k + 2 > cap)
                break;
            out[k++] = (char)0xC3;
            out[k++] = (char)d;
        }
        s += 2;
    }
    out[k] = '\0';
    return k;
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static void mark_first(ws_locate *l, size_t i)
{
    unsigned char c = (unsigned char)l->key[i][0];
    uint64_t bit = (uint64_t)1 << i;
    l->first[c] |= bit;
    if (c >= 'a' && c <= 'z')
        l->first[c - 32] |= bit;
    /* Ä Ö Ü ß and other Latin-1 letters; ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) */
    if (c == 'a' || c == 'o' || c == 'u' || c == 's' || c == 0xC3)
        l->first[0xC3] |= bit;
    if (c == 'f' || c == 's')
        l->first[0xEF] |= bit;
    /* The byte after: the key's second letter in either case, or what the
     * reading skips or expands there (ae, hyphens, soft hyphens, marks,
     * zero-width characters), or anything after a lead byte. */
    unsigned char d = (unsigned char)l->key[i][1];
    if (!d) {
        for (int b = 0; b < 256; b++)
            l->second[b] |= bit;
        return;
    }
    static const unsigned char extra[] = {'-', 0xC2, 0xC3, 0xCC, 0xCD, 0xE2, 0xEF};
    l->second[d] |= bit;
    if (d >= 'a' && d <= 'z')
        l->second[d - 32] |= bit;
    if (c == 'a' || c == 'o' || c == 'u')
        l->second['e'] |= bit, l->second['E'] |= bit;
    for (size_t k = 0; k < sizeof extra; k++)
        l->second[extra[k]] |= bit;
    for (int b = 0x80; b < 0xC0; b++)
        l->second[b] |= bit;
}

void ws_locate_init(ws_locate *l, const ws_strlist *terms)
{
    memset(l, 0, sizeof *l);
    l->usable = 1;
    for (size_t i = 0; i < terms->n; i++) {
        const char *t = terms->v[i];
        if (!strncmp(t, WS_PFX_STEM, strlen(WS_PFX_STEM)))
            t += strlen(WS_PFX_STEM);
        char k[WS_LOCATE_KEY + 1];
        size_t n = skeleton(t, k, WS_LOCATE_KEY);
        if (!n) {
            l->usable = 0;
            return;
        }
        size_t j = 0;
        while (j < l->nkeys && strcmp(l->key[j], k))
            j++;
        if (i < WS_LOCATE_KEYS)
            l->term_group[i] = (unsigned char)j;
        if (j < l->nkeys)
            continue;
        if (l->nkeys == WS_LOCATE_KEYS) {
            l->usable = 0;
            return;
        }
        memcpy(l->key[j], k, n + 1);
        l->klen[j] = (unsigned char)n;
        l->nkeys++;
        mark_first(l, j);
    }
    /* Asylbewerber matches "asyl" and "asylbe": one group, not two. */
    for (size_t i = 0; i < l->nkeys; i++) {
        l->group[i] = (unsigned char)i;
        for (size_t j = 0; j < l->nkeys; j++)
            if (j != i && l->klen[j] < l->klen[i] && !strncmp(l->key[i], l->key[j], l->klen[j]) &&
                l->klen[j] < l->klen[l->group[i]])
                l->group[i] = (unsigned char)j;
    }
    for (size_t i = 0; i < terms->n && i < WS_LOCATE_KEYS; i++)
        l->term_group[i] = l->group[l->term_group[i]];
}

/* Bytes of text at p that read as nothing: soft hyphen, zero-width
 * characters, byte order mark, combining marks (NFD umlauts); 0 if none. */
static size_t ignorable(const unsigned char *p, size_t left)
{
    if (left >= 2 && p[0] == 0xC2 && p[1] == 0xAD)
        return 2;
    if (left >= 2 && (p[0] == 0xCC || (p[0] == 0xCD && p[1] <= 0xAF)) && p[1] >= 0x80)
        return 2;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x8B && p[2] <= 0x8D)
        return 3;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0)
        return 3;
    if (left >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3;
    return 0;
}

/* What a Latin-1 letter (C3 d) or a ligature (EF AC d) reads as, in *out;
 * its length, 0 if it is neither. */
static size_t reads_as(const unsigned char *p, size_t left, char out[4])
{
    static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
    if (left >= 2 && p[0] == 0xC3) {
        unsigned char d = p[1];
        if (d >= 0x80 && d <= 0x9E && d != 0x97)
            d = (unsigned char)(d + 0x20); /* upper to lower case */
        if (d == 0xA4 || d == 0xB6 || d == 0xBC) {
            out[0] = d == 0xA4 ? 'a' : d == 0xB6 ? 'o' : 'u';
            out[1] = '\0';
        } else if (d == 0x9F) {
            memcpy(out, "ss", 3);
        } else {
            out[0] = (char)0xC3;
            out[1] = (char)d;
            out[2] = '\0';
        }
        return 2;
    }
    if (left >= 3 && p[0] == 0xEF && p[1] == 0xAC && p[2] >= 0x80 && p[2] <= 0x86) {
        strcpy(out, lig[p[2] - 0x80]);
        return 3;
    }
    return 0;
}

/* Does text at p read as key k (of n bytes)? */
static int key_at(const unsigned char *p, size_t left, const char *k, size_t n)
{
    size_t j = 0;
    int vowel = 0; /* the last letter read was a, o or u: an e may follow */
    while (j < n) {
        if (!left)
            return 0;
        unsigned char c = *p;
        size_t adv = c < 0x80 ? 1 : ignorable(p, left);
        if (c < 0x80) {
            unsigned char lc = lower(c);
            if (lc == (unsigned char)k[j]) {
                vowel = lc == 'a' || lc == 'o' || lc == 'u';
                j++;
            } else if (!(j && ((vowel && lc == 'e') || c == '-'))) {
                return 0; /* "ae" is ä, and a hyphen joins parts */
            } else {
                vowel = 0;
            }
        } else if (!adv) {
            char r[4] = "";
            adv = reads_as(p, left, r);
            if (!adv)
                return 0;
            size_t rl = strlen(r);
            if (rl > n - j ? strncmp(r, k + j, n - j) : strncmp(r, k + j, rl))
                return 0;
            j += rl < n - j ? rl : n - j;
            vowel = 0;
        }
        p += adv;
        left -= adv;
    }
    return 1;
}

/* ---- windows: where matches cluster --------------------------------------- */

typedef struct cand {
    size_t pos;
    unsigned group;
} cand;

#define RING 256

/* Bytes read on after the first window that holds every group. */
#define WS_LOCATE_MORE ((size_t)64 << 10)

typedef struct collect {
    ws_locate_window *out;
    size_t n, max, span;
} collect;

static int better(const ws_locate_window *a, const ws_locate_window *b)
{
    return a->distinct != b->distinct ? a->distinct > b->distinct : a->count > b->count;
}

/* Keep w among the best, unless a better one starts within span of it;
 * drop the worse ones it shadows. */
static void keep(collect *c, ws_locate_window w)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t d =
            c->out[i].start > w.start ? c->out[i].start - w.start : w.start - c->out[i].start;
        if (d < c->span && !better(&w, &c->out[i]))
            return;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t d =
            c->out[i].start > w.start ? c->out[i].start - w.start : w.start - c->out[i].start;
        if (!(d < c->span))
            c->out[k++] = c->out[i];
    }
    c->n = k;
    size_t at = c->n;
    while (at > 0 && better(&w, &c->out[at - 1]))
        at--;
    if (at >= c->max)
        return;
    if (c->n == c->max)
        c->n--;
    memmove(c->out + at + 1, c->out + at, (c->n - at) * sizeof *c->out);
    c->out[at] = w;
    c->n++;
}

/* The window that starts at ring[head] and holds the ring's n entries. */
static ws_locate_window window_of(const cand *ring, size_t head, size_t n)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= (uint64_t)1 << ring[(head + i) % RING].group;
    int d = 0;
    for (; mask; mask &= mask - 1)
        d++;
    return (ws_locate_window){ring[head].pos, d, (int)n};
}

/* ---- the scan --------------------------------------------------------------- */

/* Most bytes start no key: they are passed over 16 at a time (SSE2, every
 * x86-64) when the keys start with at most WS_LOCATE_SIMD distinct bytes,
 * else by the table. */
#define WS_LOCATE_SIMD 12

typedef struct scan {
    const ws_locate *l;
    const unsigned char *t;
    size_t len;
    cand ring[RING];
    size_t head, n;
    collect c;
    int nbytes; /* distinct first bytes; -1: too many for the vector test */
#ifdef __SSE2__
    __m128i want[WS_LOCATE_SIMD];
#endif
} scan;

static void scan_init(scan *sc, const ws_locate *l)
{
    sc->nbytes = 0;
    for (int b = 0; b < 256; b++) {
        if (!l->first[b])
            continue;
        if (sc->nbytes < 0 || sc->nbytes == WS_LOCATE_SIMD) {
            sc->nbytes = -1;
            continue;
        }
#ifdef __SSE2__
        sc->want[sc->nbytes] = _mm_set1_epi8((char)b);
#endif
        sc->nbytes++;
    }
}

/* Bit i: a key may start at t[base + i], for the 16 bytes from base. */
static unsigned block_mask(const scan *sc, size_t base)
{
#ifdef __SSE2__
    if (sc->nbytes > 0 && base + 16 <= sc->len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(sc->t + base));
        __m128i hit = _mm_cmpeq_epi8(v, sc->want[0]);
        for (int i = 1; i < sc->nbytes; i++)
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, sc->want[i]));
        return (unsigned)_mm_movemask_epi8(hit);
    }
#endif
    unsigned mask = 0;
    for (size_t i = 0; i < 16 && base + i < sc->len; i++)
        if (sc->l->first[sc->t[base + i]])
            mask |= 1u << i;
    return mask;
}

/* A key starts at p: the window at the ring's head is done when p lies
 * beyond its span. */
static void consider(scan *sc, size_t p)
{
    const ws_locate *l = sc->l;
    const unsigned char *t = sc->t;
    uint64_t m = l->first[t[p]] & (p + 1 < sc->len ? l->second[t[p + 1]] : ~(uint64_t)0);
    for (; m; m &= m - 1) {
        unsigned k = (unsigned)__builtin_ctzll(m);
        if (!key_at(t + p, sc->len - p, l->key[k], l->klen[k]))
            continue;
        while (sc->n && (p > sc->ring[sc->head].pos + sc->c.span || sc->n == RING)) {
            keep(&sc->c, window_of(sc->ring, sc->head, sc->n));
            sc->head = (sc->head + 1) % RING;
            sc->n--;
        }
        sc->ring[(sc->head + sc->n) % RING] = (cand){p, l->group[k]};
        sc->n++;
        return; /* one candidate per byte: its first key */
    }
}

size_t ws_locate_windows(const ws_locate *l, const char *text, size_t len, size_t span,
                         ws_locate_window *out, size_t max)
{
    scan *sc = malloc(sizeof *sc);
    if (!sc)
        return 0; /* no window: the snippet shows the text's start */
    sc->l = l;
    sc->t = (const unsigned char *)text;
    sc->len = len;
    sc->head = sc->n = 0;
    sc->c = (collect){out, 0, max, span ? span : 1};
    scan_init(sc, l);
    int groups = 0; /* no window can hold more */
    for (size_t i = 0; i < l->nkeys; i++)
        groups += l->group[i] == i;
    size_t full_at = (size_t)-1;
    for (size_t base = 0; base < len; base += 16) {
        /* A window with every group was found: a little further on may
         * hold more matches, the rest of a 10 MB text is not read. */
        if (full_at == (size_t)-1 && sc->c.n && sc->c.out[0].distinct == groups)
            full_at = base;
        if (full_at != (size_t)-1 && base > full_at + WS_LOCATE_MORE)
            break;
        for (unsigned mask = block_mask(sc, base); mask; mask &= mask - 1)
            consider(sc, base + (size_t)__builtin_ctz(mask));
    }
    for (; sc->n; sc->n--, sc->head = (sc->head + 1) % RING)
        keep(&sc->c, window_of(sc->ring, sc->head, sc->n));
    size_t n = sc->c.n;
    free(sc);
    return n;
}
