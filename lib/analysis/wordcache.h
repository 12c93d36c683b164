/*
 * wordcache.h - a bounded memo from folded words to small records (internal).
 *
 * The term generator asks the same questions of every occurrence of a
 * word: its umlaut reading, whether it is a stopword, its compound parts
 * and their stems.  The answers depend on the word (and the word list)
 * only, so they are worked out once per distinct word and kept here as an
 * opaque byte record.  Bounded in words and bytes; when either bound is
 * reached the memo is emptied and fills again, which keeps the cost of a
 * corpus with an unbounded vocabulary linear and its memory flat.  One
 * per term generator, not thread-safe.
 */
#ifndef WS_WORDCACHE_H
#define WS_WORDCACHE_H

#include <stddef.h>

typedef struct ws_wordcache ws_wordcache;

/* A memo of at most max_words words and max_bytes of records; NULL when
 * out of memory. */
ws_wordcache *ws_wordcache_new(size_t max_words, size_t max_bytes);
void ws_wordcache_free(ws_wordcache *c); /* NULL is fine */
/* Forget every word (the word list changed). */
void ws_wordcache_clear(ws_wordcache *c);

/* The record kept for w[0..n), with *len its size; NULL when none. */
const unsigned char *ws_wordcache_get(const ws_wordcache *c, const char *w, size_t n, size_t *len);

/* Keep rec[0..len) for w[0..n) (not yet kept), emptying the memo first
 * when it is full.  0, or -1 when it could not be kept (out of memory, or
 * a record larger than the bound): the caller just works it out again. */
int ws_wordcache_put(ws_wordcache *c, const char *w, size_t n, const void *rec, size_t len);

#endif /* WS_WORDCACHE_H */
