/*
 * fdio.c - see fdio.h: one read loop for the worker pipes and for files.
 */
#define _POSIX_C_SOURCE 200809L
#include "util/fdio.h"

#include <errno.h>
#include <unistd.h>

int ws_read_full(int fd, void *buf, size_t len, size_t *got)
{
    char *p = buf;
    size_t n = 0;
    while (n < len) {
        ssize_t r = read(fd, p + n, len - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *got = n;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return 0;
}
