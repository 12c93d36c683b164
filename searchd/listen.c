/*
 * listen.c - the daemon's listening sockets.
 *
 * A UNIX socket is the default: file permissions decide who may search,
 * and nginx or curl reach it directly.  A socket file left by a crashed
 * daemon is replaced, but one that answers belongs to a running daemon
 * and is never taken over.  TCP is for a local web front end and is
 * restricted to loopback addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "searchd.h"

#define BACKLOG 511

int sd_listen_fds(int *fds, int max)
{
    const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
    int count = 0;
    if (pid && n && strtol(pid, NULL, 10) == (long)getpid()) {
        long k = strtol(n, NULL, 10);
        for (long i = 0; i < k && count < max; i++) {
            int fd = 3 + (int)i; /* SD_LISTEN_FDS_START */
            fcntl(fd, F_SETFD, FD_CLOEXEC);
            fds[count++] = fd;
        }
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return count;
}

int sd_is_unix(int fd)
{
    struct sockaddr_storage ss;
    socklen_t l = sizeof ss;
    return getsockname(fd, (struct sockaddr *)&ss, &l) == 0 && ss.ss_family == AF_UNIX;
}

int sd_listen_unix(const char *path, unsigned mode, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "%s: socket path too long (at most %zu bytes)", path,
                 sizeof sa.sun_path - 1);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);

    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a socket; not replacing it", path);
            return -1;
        }
        /* Is somebody answering?  Then it is a live daemon's socket. */
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            snprintf(err, errlen, "%s: another searchd is listening there", path);
            return -1;
        }
        if (probe >= 0)
            close(probe);
        if (unlink(path) != 0) {
            snprintf(err, errlen, "%s: cannot remove stale socket: %s", path, strerror(errno));
            return -1;
        }
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    /* Create it with no access for anyone, then open it up to `mode`:
     * there is no moment where it is wider than asked. */
    mode_t old = umask(0777);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || chmod(path, mode) != 0 || listen(fd, BACKLOG) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int sd_listen_tcp(const char *addr, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || !colon[1]) {
        snprintf(err, errlen, "%s: expected host:port, e.g. 127.0.0.1:8080", addr);
        return -1;
    }
    size_t hl = (size_t)(colon - addr);
    if (hl >= sizeof host) {
        snprintf(err, errlen, "%s: host name too long", addr);
        return -1;
    }
    memcpy(host, addr, hl);
    host[hl] = '\0';
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(host, colon + 1, &hints, &res);
    if (g != 0) {
        snprintf(err, errlen, "%s: %s", addr, gai_strerror(g));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int loop = 0;
        if (ai->ai_family == AF_INET)
            loop = (ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) >> 24) == 127;
        else if (ai->ai_family == AF_INET6)
            loop = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
        if (!loop) {
            snprintf(err, errlen,
                     "%s: not a loopback address; searchd serves TCP only on "
                     "127.0.0.0/8 or ::1 (put a reverse proxy in front for more)",
                     addr);
            continue;
        }
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, BACKLOG) == 0)
            break;
        snprintf(err, errlen, "%s: %s", addr, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}
