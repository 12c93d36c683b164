/*
 * spelling.c - the spelling table limited to words worth suggesting.
 *
 * A suggestion is only as good as the table it comes from: every word of
 * every file (typos, code, hyphenation debris, OCR noise) made the table
 * as large as the termlist and fed "Did you mean" with words only one file
 * ever used.  A word goes into the table when it
 *   - stands in a title or heading of some file (WS_SPELL_HEADING), or
 *   - is a word the compound word list knows or splits (WS_SPELL_KNOWN), or
 *   - is used by at least two documents: two files of the batch, or one of
 *     the batch while the index (with the batch, not yet committed) has it
 *     in another (the folded word is the term; its termfreq says so).
 * Only words of a single file need that look-up, once per batch.  The
 * frequency added is how often the batch used the word, as before.
 *
 * Counting per batch and adding each word once keeps Xapian's writer from
 * a map lookup per occurrence, which showed in profiles.
 */
#define _POSIX_C_SOURCE 200809L
#include "index/spelling.h"

#include <stdlib.h>
#include <string.h>

#include "util/strset.h"

struct ws_spell {
    ws_strset *words; /* counter: occurrences in the batch; NULL until the first */
    uint32_t *docs;   /* per entry: files of the batch that used it */
    unsigned char *flags;
    size_t cap;
    int oom;
};

ws_spell *ws_spell_new(void)
{
    return calloc(1, sizeof(ws_spell));
}

void ws_spell_clear(ws_spell *s)
{
    if (!s)
        return;
    ws_strset_free(s->words);
    free(s->docs);
    free(s->flags);
    memset(s, 0, sizeof *s);
}

void ws_spell_free(ws_spell *s)
{
    ws_spell_clear(s);
    free(s);
}

static int grow(ws_spell *s, size_t need)
{
    if (need <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap * 2 : 4096;
    while (cap < need)
        cap *= 2;
    uint32_t *d = realloc(s->docs, cap * sizeof *d);
    if (d)
        s->docs = d;
    unsigned char *f = d ? realloc(s->flags, cap) : NULL;
    if (!f)
        return -1;
    s->flags = f;
    memset(s->docs + s->cap, 0, (cap - s->cap) * sizeof *d);
    memset(s->flags + s->cap, 0, cap - s->cap);
    s->cap = cap;
    return 0;
}

void ws_spell_add(ws_spell *s, const ws_docmsg *m)
{
    if (s->oom || !m->nwords)
        return;
    if (!s->words && !(s->words = ws_strset_new(0))) {
        s->oom = 1;
        return;
    }
    for (size_t k = 0; k < m->nwords; k++) {
        const ws_docmsg_word *w = &m->words[k];
        long i = ws_strset_add(s->words, w->word, w->len, NULL);
        if (i < 0 || grow(s, (size_t)i + 1) != 0) {
            s->oom = 1;
            return;
        }
        uint32_t *c = ws_strset_counter(s->words, (size_t)i);
        *c = *c > UINT32_MAX - w->count ? UINT32_MAX : *c + w->count;
        s->docs[i]++;
        s->flags[i] |= (unsigned char)w->flags;
    }
}

int ws_spell_flush(ws_spell *s, ws_xdb *db, ws_error *err)
{
    int rc = s->oom ? ws_error_set(err, WS_ENOMEM, "out of memory") : WS_OK;
    for (size_t i = 0; rc == WS_OK && i < ws_strset_size(s->words); i++) {
        const char *w = ws_strset_at(s->words, i, NULL);
        int keep = s->flags[i] || s->docs[i] >= 2;
        if (!keep) {
            uint32_t tf = 0;
            rc = ws_xdb_termfreq(db, w, &tf, err);
            keep = tf >= 2;
        }
        if (rc == WS_OK && keep)
            rc = ws_xdb_add_spelling(db, w, *ws_strset_counter(s->words, i), err);
    }
    ws_spell_clear(s);
    return rc;
}
