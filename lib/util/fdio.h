/*
 * fdio.h - reading a file descriptor to the end of what is wanted.
 *
 * read(2) may return less than asked (pipes, signals); every caller that
 * needs "all of it" goes through here, so EINTR and short reads are
 * handled once.  Internal to the library.
 */
#ifndef WS_UTIL_FDIO_H
#define WS_UTIL_FDIO_H

#include <stddef.h>

/*
 * Read from fd into buf until len bytes are in or the end of the file:
 * 0 with *got the bytes read (less than len only at the end), or -1 with
 * errno set by read(2).  EINTR is retried.
 */
int ws_read_full(int fd, void *buf, size_t len, size_t *got);

#endif /* WS_UTIL_FDIO_H */
