/*
 * termgen.c - the term generator (see termgen.h).
 *
 * ws_analyze cuts the text into tokens (folded word, stem, offsets); this
 * file decides which index terms each token becomes.  It is the indexer's
 * former add_token/add_parts/join_hyphen, made free of Xapian so that a
 * worker process can run it: terms go into a ws_termlist whose arrays grow
 * by doubling and are reused, so the hot path allocates nothing per word.
 * The query side's transliteration lives here too, because it answers the
 * same question backwards (which spelling of a query word the index filed).
 */
#include "analysis/termgen.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analysis/stopwords.h"
#include "analysis/wordcache.h"
#include "index/schema.h"

/* The memo of per-word answers (see word_info): 65 536 places of 64 bytes
 * and 1 MB for long records, 5 MB in all (twice the places measured no
 * faster on 42 MB of German, half of them 10 % slower); words longer than
 * MEMO_TERM are rare and worked out each time. */
#define MEMO_WORDS  (1u << 16)
#define MEMO_BYTES  (1u << 20)
#define MEMO_TERM   56
#define MEMO_PREFIX 8

struct ws_termgen {
    ws_analyzer *an;
    const ws_compounds *dict;
    /* the text being generated */
    const char *prefix;
    size_t pl;
    uint32_t wdf;
    const char *text;
    ws_termlist *out;
    int rc;
    ws_error *err;
    /* the parts so far of a hyphenated compound, joined (see join_hyphen) */
    char joined[WS_MAX_TERM + 1];
    size_t joined_len, prev_end, join_start;
    uint32_t prev_pos;
    ws_wordcache *memo; /* word_info of the words seen before (may be NULL) */
};

void ws_termlist_clear(ws_termlist *l)
{
    l->n = 0;
    l->used = 0;
}

void ws_termlist_free(ws_termlist *l)
{
    free(l->v);
    free(l->arena);
    *l = (ws_termlist)WS_TERMLIST_INIT;
}

int ws_termgen_new(ws_termgen **out, ws_analyzer *an, const ws_compounds *dict, ws_error *err)
{
    *out = NULL;
    if (!an)
        return ws_error_set(err, WS_EINVAL, "ws_termgen_new: no analyzer");
    ws_termgen *g = calloc(1, sizeof *g);
    if (!g)
        return ws_error_set(err, WS_ENOMEM, "out of memory creating the term generator");
    g->an = an;
    g->dict = dict;
    /* without its memo the generator is slower, not wrong */
    g->memo = ws_wordcache_new(MEMO_WORDS, MEMO_BYTES);
    *out = g;
    return WS_OK;
}

void ws_termgen_free(ws_termgen *g)
{
    if (g)
        ws_wordcache_free(g->memo);
    free(g);
}

void ws_termgen_set_dict(ws_termgen *g, const ws_compounds *dict)
{
    if (dict != g->dict)
        ws_wordcache_clear(g->memo);
    g->dict = dict;
}

/* Append one term; on failure the generator's rc says so. */
static void push(ws_termgen *g, ws_term_kind kind, const char *t, size_t n, const ws_token *tok,
                 uint32_t wdf, size_t start, size_t end)
{
    ws_termlist *l = g->out;
    if (g->rc != WS_OK)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        ws_term *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            g->rc = ws_error_set(g->err, WS_ENOMEM, "out of memory generating terms");
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    if (l->used + n + 1 > l->arena_cap || l->used + n + 1 > UINT32_MAX) {
        size_t cap = l->arena_cap ? l->arena_cap * 2 : 4096;
        while (cap < l->used + n + 1)
            cap *= 2;
        char *a = cap <= UINT32_MAX ? realloc(l->arena, cap) : NULL;
        if (!a) {
            g->rc = ws_error_set(g->err, WS_ENOMEM, "out of memory generating terms");
            return;
        }
        l->arena = a;
        l->arena_cap = cap;
    }
    ws_term *e = &l->v[l->n++];
    e->off = (uint32_t)l->used;
    e->len = (uint32_t)n;
    e->pos = tok->pos;
    e->wdf = wdf;
    e->start = start;
    e->end = end;
    e->kind = (unsigned char)kind;
    e->flags = (unsigned char)tok->flags;
    memcpy(l->arena + l->used, t, n);
    l->arena[l->used + n] = '\0';
    l->used += n + 1;
}

size_t ws_termgen_stem_term(ws_analyzer *an, const char *prefix, const char *term, size_t len,
                            char *out, size_t cap)
{
    size_t zl = strlen(WS_PFX_STEM), pl = strlen(prefix);
    if (cap < zl + pl + 2)
        return 0;
    int sl = ws_analyzer_stem(an, term, len, out + zl + pl, cap - zl - pl);
    if (sl <= 0)
        return 0;
    memcpy(out, WS_PFX_STEM, zl);
    memcpy(out + zl, prefix, pl);
    return zl + pl + (size_t)sl;
}

/* The surface span of bytes [a, b) of token t's folded term, or the whole
 * token where folding moved the bytes so they cannot be mapped back. */
static void part_span(const ws_termgen *g, const ws_token *t, size_t a, size_t b, size_t *start,
                      size_t *end)
{
    const char *sw = g->text + t->start;
    size_t sn = t->end - t->start;
    size_t sa = a ? ws_termgen_surface_at(sw, sn, t->term, t->term_len, a, 1) : 0;
    size_t sb = b < t->term_len ? ws_termgen_surface_at(sw, sn, t->term, t->term_len, b, 0) : sn;
    *start = t->start;
    *end = t->end;
    if (sa != (size_t)-1 && sb != (size_t)-1 && sa < sb) {
        *start = t->start + sa;
        *end = t->start + sb;
    }
}

/*
 * What a token's folded word becomes besides its WORD term: the stem of
 * its STEM term (the umlaut reading's, none for a stopword) and its
 * compound parts.  All of it follows from the word and the word list, so
 * it is worked out once per distinct word (word_info_make) and kept in the
 * memo; a token then only looks it up (word_info_get).
 */
#define MAX_PARTS 11 /* the spans of a split into at most 6 parts */
typedef struct word_info {
    size_t raw_slen;  /* length of the word's own stem (0: none) */
    const char *stem; /* NULL: no STEM term */
    size_t slen;
    int uml; /* the parts are of the umlaut reading: no span of their own */
    size_t nparts;
    struct {
        size_t start, len, tl; /* bytes of the word; length of term */
        const char *term;      /* "Z" + stem of the part */
    } part[MAX_PARTS];
    char buf[WS_MAX_TERM + 1];             /* the umlaut reading's stem */
    char raw[WS_MAX_TERM + 1];             /* the word's own stem */
    char pbuf[MAX_PARTS][WS_MAX_TERM + 2]; /* the parts' terms */
} word_info;

/* The parts of a closed compound become stemmed terms of weight 0: the
 * document matches a search for a part (Verwaltung finds
 * Kommunalverwaltung), while documents with the whole word rank above it.
 * word is the token's term or its umlaut reading. */
static void word_parts(ws_termgen *g, const char *word, size_t wlen, word_info *w)
{
    ws_part parts[6];
    size_t n = ws_compounds_split(g->dict, word, wlen, parts, 6);
    if (n < 2)
        return;
    /* Each part, and each compound that starts the word (asylbewerber in
     * asylbewerberleistungsgesetz): spans [0, end of part k] for k >= 1. */
    for (size_t i = 0; i < 2 * n - 1; i++) {
        size_t start = i < n ? parts[i].start : 0;
        size_t plen = i < n ? parts[i].len : parts[i - n + 1].start + parts[i - n + 1].len;
        if (i >= n && i - n + 1 == n - 1)
            continue; /* the whole word: indexed already */
        /* übersetzen is über + setzen, but a search for über is for
         * the word (see on_token) */
        char part[WS_MAX_TERM + 1];
        memcpy(part, word + start, plen);
        part[plen] = '\0';
        if (ws_is_stopword(part))
            continue;
        char *term = w->pbuf[w->nparts];
        size_t tl = ws_termgen_stem_term(g->an, "", word + start, plen, term, WS_MAX_TERM + 2);
        if (!tl)
            continue;
        w->part[w->nparts].start = start;
        w->part[w->nparts].len = plen;
        w->part[w->nparts].tl = tl;
        w->part[w->nparts].term = term;
        w->nparts++;
    }
}

/* Work out w for token t, a field prefix of pl bytes; with_parts 0 skips
 * the compound split (a field's terms have no parts). */
static void word_info_make(ws_termgen *g, const ws_token *t, size_t pl, int with_parts,
                           word_info *w)
{
    /* "Fluechtlinge", typed without umlauts, is filed under the stem of
     * "Flüchtlinge" when the word list says that is the word; the word
     * itself keeps its spelling, for phrases and the exact-spelling bonus. */
    const char *word = t->term;
    size_t wlen = t->term_len;
    char uml[WS_MAX_TERM + 1];
    w->stem = t->stem;
    w->slen = t->stem_len;
    if (t->stem_later) { /* what the analyzer would have given */
        int n = ws_analyzer_stem(g->an, t->term, t->term_len, w->raw, sizeof w->raw);
        w->stem = n > 0 ? w->raw : NULL;
        w->slen = n > 0 ? (size_t)n : 0;
    }
    w->raw_slen = w->slen;
    w->uml = 0;
    w->nparts = 0;
    if (g->dict && w->stem && !(t->flags & WS_TOK_NUMBER)) {
        size_t ul = ws_compounds_umlaut(g->dict, t->term, t->term_len, uml, sizeof uml);
        int us = ul ? ws_analyzer_stem(g->an, uml, ul, w->buf, sizeof w->buf) : -1;
        if (us > 0 && 1 + pl + (size_t)us + 1 <= WS_MAX_TERM + 8) {
            word = uml;
            wlen = ul;
            w->stem = w->buf;
            w->slen = (size_t)us;
            w->uml = 1;
        }
    }
    /* Stopwords are never searched by stem (queries drop them, and one of
     * only stopwords asks for the words): their stems would only make
     * "Uber" find every "über", since stems fold umlauts. */
    if (w->stem && ws_is_stopword(t->term))
        w->stem = NULL;
    if (with_parts && g->dict && w->stem && wlen >= 2 * WS_MIN_PART)
        word_parts(g, word, wlen, w);
}

/* The memo's record of w: flags (1 stem, 2 umlaut reading), the length
 * of the word's own stem, the STEM term's stem, then per part its start,
 * length and term; every length and offset fits a byte (a word of the
 * memo has at most MEMO_TERM bytes, a term at most WS_MAX_TERM + 2). */
static size_t word_info_encode(const word_info *w, unsigned char *r)
{
    size_t n = 0;
    r[n++] = (unsigned char)((w->stem ? 1 : 0) | (w->uml ? 2 : 0));
    r[n++] = (unsigned char)w->raw_slen;
    r[n++] = (unsigned char)(w->stem ? w->slen : 0);
    if (w->stem) {
        memcpy(r + n, w->stem, w->slen);
        n += w->slen;
    }
    r[n++] = (unsigned char)w->nparts;
    for (size_t k = 0; k < w->nparts; k++) {
        r[n++] = (unsigned char)w->part[k].start;
        r[n++] = (unsigned char)w->part[k].len;
        r[n++] = (unsigned char)w->part[k].tl;
        memcpy(r + n, w->part[k].term, w->part[k].tl);
        n += w->part[k].tl;
    }
    return n;
}

/* w pointing into record r (valid until the memo next changes). */
static void word_info_decode(const unsigned char *r, word_info *w)
{
    size_t n = 3;
    w->uml = (r[0] & 2) != 0;
    w->raw_slen = r[1];
    w->slen = r[2];
    w->stem = (r[0] & 1) ? (const char *)r + n : NULL;
    n += w->slen;
    w->nparts = r[n++];
    for (size_t k = 0; k < w->nparts; k++) {
        w->part[k].start = r[n];
        w->part[k].len = r[n + 1];
        w->part[k].tl = r[n + 2];
        w->part[k].term = (const char *)r + n + 3;
        n += 3 + w->part[k].tl;
    }
}

/* w for token t, from the memo when the word is there. */
static void word_info_get(ws_termgen *g, const ws_token *t, size_t pl, word_info *w)
{
    /* A word of the memo must not depend on the prefix: with a short word
     * and prefix, every length check of word_info_make passes either way. */
    if (!g->memo || !g->dict || !t->stem_later || t->term_len > MEMO_TERM || pl > MEMO_PREFIX) {
        word_info_make(g, t, pl, !pl, w);
        return;
    }
    size_t n;
    const unsigned char *r = ws_wordcache_get(g->memo, t->term, t->term_len, &n);
    if (r) {
        word_info_decode(r, w);
        return;
    }
    word_info_make(g, t, 0, 1, w);
    unsigned char rec[4 + WS_MAX_TERM + MAX_PARTS * (3 + WS_MAX_TERM + 2)];
    size_t rl = word_info_encode(w, rec);
    ws_wordcache_put(g->memo, t->term, t->term_len, rec, rl);
}

/* Only a hyphen, as written between two parts of a compound? */
static int hyphen_between(const char *s, size_t n)
{
    return (n == 1 && s[0] == '-') ||
           (n == 3 && (!memcmp(s, "\xe2\x80\x90", 3) || !memcmp(s, "\xe2\x80\x91", 3)));
}

/* Online-Austausch is also written Onlineaustausch: each hyphenated
 * compound also gives the stems of its parts joined so far (onlineaustausch),
 * with wdf 0 like the parts of a closed compound, so the closed spelling
 * finds it and a document spelled that way ranks first. */
static void join_hyphen(ws_termgen *g, const ws_token *t)
{
    int cont = g->joined_len && t->pos == g->prev_pos + 1 && t->start >= g->prev_end &&
               hyphen_between(g->text + g->prev_end, t->start - g->prev_end);
    if (!(t->flags & WS_TOK_HYPHEN) || (t->flags & WS_TOK_NUMBER) ||
        (cont ? g->joined_len : 0) + t->term_len + 1 > sizeof g->joined) {
        g->joined_len = 0;
        return;
    }
    if (!cont) {
        g->joined_len = 0;
        g->join_start = t->start;
    }
    memcpy(g->joined + g->joined_len, t->term, t->term_len + 1);
    g->joined_len += t->term_len;
    g->prev_end = t->end;
    g->prev_pos = t->pos;
    char term[WS_MAX_TERM + 2];
    size_t tl =
        cont ? ws_termgen_stem_term(g->an, "", g->joined, g->joined_len, term, sizeof term) : 0;
    if (tl)
        push(g, WS_TERM_JOIN, term, tl, t, 0, g->join_start, t->end);
}

static int on_token(void *vctx, const ws_token *t)
{
    ws_termgen *g = vctx;
    char term[WS_MAX_TERM + 8];
    size_t pl = g->pl;
    word_info w;
    word_info_get(g, t, pl, &w);
    if (pl + t->term_len + 1 > sizeof term || 1 + pl + w.raw_slen + 1 > sizeof term)
        return 0; /* cannot happen with WS_MAX_TERM words; skip rather than cut */
    memcpy(term, g->prefix, pl);
    memcpy(term + pl, t->term, t->term_len + 1);
    push(g, WS_TERM_WORD, term, pl + t->term_len, t, g->wdf, t->start, t->end);
    size_t zl = sizeof WS_PFX_STEM - 1;
    if (w.stem && zl + pl + w.slen + 1 <= sizeof term) {
        memcpy(term, WS_PFX_STEM, zl);
        memcpy(term + zl, g->prefix, pl);
        memcpy(term + zl + pl, w.stem, w.slen);
        push(g, WS_TERM_STEM, term, zl + pl + w.slen, t, g->wdf, t->start, t->end);
    }
    if (pl)
        return g->rc != WS_OK;
    int el = ws_exact_term(g->text + t->start, t->end - t->start, t->term, t->term_len, term,
                           sizeof term);
    if (el > 0)
        push(g, WS_TERM_EXACT, term, (size_t)el, t, g->wdf, t->start, t->end);
    for (size_t k = 0; k < w.nparts && g->rc == WS_OK; k++) {
        size_t s = t->start, e = t->end;
        if (!w.uml)
            part_span(g, t, w.part[k].start, w.part[k].start + w.part[k].len, &s, &e);
        push(g, WS_TERM_PART, w.part[k].term, w.part[k].tl, t, 0, s, e);
    }
    if (g->rc == WS_OK)
        join_hyphen(g, t);
    return g->rc != WS_OK;
}

int ws_termgen_text(ws_termgen *g, const char *prefix, uint32_t wdf, const char *text, size_t len,
                    uint32_t *pos, ws_termlist *out, ws_error *err)
{
    if (!g || !prefix || !pos || !out || (!text && len))
        return ws_error_set(err, WS_EINVAL, "ws_termgen_text: invalid argument");
    g->prefix = prefix;
    g->pl = strlen(prefix);
    g->wdf = wdf;
    g->text = text ? text : "";
    g->out = out;
    g->rc = WS_OK;
    g->err = err;
    g->joined_len = 0;
    uint32_t next = *pos;
    int rc = ws_analyze_stem_later(g->an, g->text, len, *pos, &next, on_token, g, err);
    if (rc == WS_OK)
        rc = g->rc;
    *pos = next;
    return rc;
}

/* ---- the query side: which spelling the index filed --------------------- */

uint32_t ws_termgen_known(ws_analyzer *an, ws_term_known_fn known, void *ctx, const char *term)
{
    char z[WS_MAX_TERM + 2];
    uint32_t n = known(ctx, term);
    if (ws_termgen_stem_term(an, "", term, strlen(term), z, sizeof z))
        n += known(ctx, z);
    return n;
}

typedef struct translit_ctx {
    ws_analyzer *an;
    ws_term_known_fn known;
    void *ctx;
    char best[WS_MAX_TERM + 1];
    uint32_t best_score;
} translit_ctx;

static int take_variant(void *vctx, const char *cand, size_t len)
{
    translit_ctx *c = vctx;
    if (len > WS_MAX_TERM)
        return 0;
    uint32_t sc = ws_termgen_known(c->an, c->known, c->ctx, cand);
    if (sc > c->best_score) {
        c->best_score = sc;
        memcpy(c->best, cand, len + 1);
    }
    return 0;
}

void ws_termgen_transliterate(ws_analyzer *an, ws_term_known_fn known, void *ctx, char *term,
                              int in_phrase)
{
    char z[WS_MAX_TERM + 2];
    size_t len = strlen(term);
    if (!memchr(term, 'e', len))
        return;
    if (in_phrase) {
        if (known(ctx, term))
            return;
    } else if (ws_termgen_stem_term(an, "", term, len, z, sizeof z) && known(ctx, z)) {
        return;
    }
    translit_ctx c = {an, known, ctx, "", 0};
    ws_umlaut_variants(term, len, take_variant, &c);
    if (c.best_score)
        memcpy(term, c.best, strlen(c.best) + 1);
}

/* ---- surfaces ----------------------------------------------------------- */

static int utf8_cont(const char *s, size_t i)
{
    return ((unsigned char)s[i] & 0xC0) == 0x80;
}

size_t ws_termgen_surface_at(const char *w, size_t n, const char *term, size_t term_len, size_t f,
                             int last)
{
    int ascii = n == term_len;
    for (size_t i = 0; ascii && i < n; i++)
        ascii = (unsigned char)w[i] < 0x80;
    if (ascii) /* folding only lowered the case: bytes map one to one */
        return f;
    size_t found = (size_t)-1;
    char s[4 * WS_MAX_TERM + 8];
    for (size_t c = 0; c <= n; c++) {
        if (c < n && utf8_cont(w, c))
            continue;
        int k = ws_fold(w, c, s, sizeof s);
        if (k < 0 || (size_t)k > f)
            break; /* a longer cut never folds to fewer bytes */
        if ((size_t)k == f && !memcmp(s, term, f)) {
            found = c;
            if (!last)
                break;
        }
    }
    return found;
}
