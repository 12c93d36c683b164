/*
 * wordcache.h - a bounded memo from folded words to small records (internal).
 *
 * The term generator asks the same questions of every occurrence of a
 * word: its umlaut reading, whether it is a stopword, its compound parts
 * and their stems.  The answers depend on the word (and the word list)
 * only, so they are worked out once per distinct word and kept here as an
 * opaque byte record.  Bounded: a fixed table of words (a word takes over
 * the place of another that hashes there) and a fixed arena for records
 * too long to sit beside their word (when it is full, the memo forgets
 * everything and fills again), so a corpus with an unbounded vocabulary
 * costs linear time and flat memory.  One per term generator, not
 * thread-safe.
 */
#ifndef WS_WORDCACHE_H
#define WS_WORDCACHE_H

#include <stddef.h>

typedef struct ws_wordcache ws_wordcache;

/* A memo of up to max_words places (rounded up to a power of two, at most
 * 2^24; it starts small and grows as words come) and max_bytes for long
 * records; NULL when out of memory. */
ws_wordcache *ws_wordcache_new(size_t max_words, size_t max_bytes);
void ws_wordcache_free(ws_wordcache *c); /* NULL is fine */
/* Forget every word (the word list changed). */
void ws_wordcache_clear(ws_wordcache *c);

/* The record kept for w[0..n), with *len its size; NULL when none. */
const unsigned char *ws_wordcache_get(const ws_wordcache *c, const char *w, size_t n, size_t *len);

/* Keep rec[0..len) for w[0..n) (not yet kept), in the place of whatever
 * word was there, emptying the memo first when the arena is full.  0, or -1
 * when it is not kept (a word over 56 bytes, a record over the bound): the
 * caller just works it out again next time. */
int ws_wordcache_put(ws_wordcache *c, const char *w, size_t n, const void *rec, size_t len);

#endif /* WS_WORDCACHE_H */
