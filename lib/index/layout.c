/*
 * layout.c - generation folders and the stub file that names the live one
 * (see layout.h for the design).
 *
 * The stub is Xapian's own format ("glass RELATIVE-PATH"), so every Xapian
 * reader, including python3-xapian and xapian-delve, opens the index path
 * as before.  Writers resolve it here because they need the folder itself.
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "index/layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STUB_MAX 4096

static char *join(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = malloc(la + ls + lb + 1);
    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, sep, ls);
        memcpy(s + la + ls, b, lb + 1);
    }
    return s;
}

/* The folder part of path ("." when there is none); malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The database named by the stub file at path; malloc'd. */
static int read_stub(const char *path, char **out, ws_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return ws_error_set(err, WS_EIO, "%s: %s", path, strerror(errno));
    char buf[STUB_MAX + 1];
    size_t n = fread(buf, 1, STUB_MAX, f);
    fclose(f);
    buf[n] = '\0';
    char *save = NULL; /* strtok_r: a library may be called from any thread */
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line || *line == '#')
            continue;
        char *sp = strpbrk(line, " \t");
        if (!sp || (strncmp(line, "glass", 5) && strncmp(line, "auto", 4)))
            break;
        while (*sp == ' ' || *sp == '\t')
            sp++;
        size_t len = strlen(sp);
        while (len && (sp[len - 1] == ' ' || sp[len - 1] == '\r'))
            sp[--len] = '\0';
        if (!len)
            break;
        if (*sp == '/') {
            *out = strdup(sp);
        } else {
            char *d = dir_of(path);
            *out = d ? join(d, "/", sp) : NULL;
            free(d);
        }
        return *out ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    return ws_error_set(err, WS_EFORMAT,
                        "%s: neither an index folder nor a stub file naming one ('glass DIR')",
                        path);
}

int ws_layout_live(const char *path, char **dir, int *is_stub, ws_error *err)
{
    struct stat st;
    *dir = NULL;
    if (is_stub)
        *is_stub = 0;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        if (is_stub)
            *is_stub = 1;
        return read_stub(path, dir, err);
    }
    *dir = strdup(path);
    return *dir ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int ws_layout_new_generation(const char *path, char **dir, ws_error *err)
{
    *dir = NULL;
    char *gen = join(path, "", ".gen");
    if (!gen)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    if (mkdir(gen, 0777) != 0 && errno != EEXIST) {
        int rc = ws_error_set(err, WS_EIO, "%s: cannot create: %s", gen, strerror(errno));
        free(gen);
        return rc;
    }
    DIR *d = opendir(gen);
    if (!d) {
        int rc = ws_error_set(err, WS_EIO, "%s: %s", gen, strerror(errno));
        free(gen);
        return rc;
    }
    unsigned long max = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (all_digits(e->d_name)) {
            unsigned long v = strtoul(e->d_name, NULL, 10);
            if (v > max && v < 1000000000ul)
                max = v;
        }
    }
    closedir(d);
    char num[24];
    snprintf(num, sizeof num, "%lu", max + 1);
    *dir = join(gen, "/", num);
    free(gen);
    return *dir ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

void ws_layout_discard(const char *gendir)
{
    if (gendir)
        nftw(gendir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Delete the generations under gen except keep1 and keep2 (base names). */
static void prune(const char *gen, const char *keep1, const char *keep2)
{
    DIR *d = opendir(gen);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!all_digits(e->d_name) || !strcmp(e->d_name, keep1) ||
            (keep2 && !strcmp(e->d_name, keep2)))
            continue;
        char *p = join(gen, "/", e->d_name);
        if (p)
            ws_layout_discard(p);
        free(p);
    }
    closedir(d);
}

int ws_layout_publish(const char *path, const char *gendir, ws_error *err)
{
    int rc = WS_OK;
    char *gen = join(path, "", ".gen");
    char *tmp = gen ? join(gen, "/", "stub.tmp") : NULL;
    char *parent = dir_of(path);
    char *old = NULL; /* the generation being replaced, if one of ours */
    const char *keep2 = NULL;
    if (!gen || !tmp || !parent) {
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        goto out;
    }
    /* The stub names the generation relative to its own folder, so the
     * index and its .gen folder can be moved together. */
    FILE *f = fopen(tmp, "w");
    if (!f) {
        rc = ws_error_set(err, WS_EIO, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    int wok = fprintf(f, "glass %s.gen/%s\n", base_of(path), base_of(gendir)) > 0;
    wok = fflush(f) == 0 && wok;
    wok = fsync(fileno(f)) == 0 && wok;
    if (fclose(f) != 0 || !wok) {
        rc = ws_error_set(err, WS_EIO, "%s: cannot write: %s", tmp, strerror(errno));
        goto out;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* A plain folder from before: trade places with the stub in one
         * step, then keep the folder as generation 0. */
        char *zero = join(gen, "/", "0");
        if (!zero) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
            goto out;
        }
        ws_layout_discard(zero);
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
            if (rename(tmp, zero) != 0)
                ws_layout_discard(tmp);
        } else if (rename(path, zero) != 0 || rename(tmp, path) != 0) {
            /* a file system without RENAME_EXCHANGE: a short gap */
            rc = ws_error_set(err, WS_EIO, "%s: cannot replace the index: %s", path,
                              strerror(errno));
        }
        free(zero);
        keep2 = "0";
    } else {
        if (stat(path, &st) == 0 && read_stub(path, &old, NULL) == WS_OK) {
            char *od = dir_of(old);
            char *gd = dir_of(gendir);
            if (od && gd && !strcmp(base_of(od), base_of(gd)))
                keep2 = base_of(old);
            free(od);
            free(gd);
        }
        if (rename(tmp, path) != 0)
            rc = ws_error_set(err, WS_EIO, "%s: cannot replace the index: %s", path,
                              strerror(errno));
    }
    if (rc == WS_OK) {
        sync_dir(parent);
        prune(gen, base_of(gendir), keep2);
    } else {
        unlink(tmp);
    }
out:
    free(old);
    free(parent);
    free(tmp);
    free(gen);
    return rc;
}

int ws_layout_swap_dir(const char *dir, const char *newdir, ws_error *err)
{
    struct stat st;
    int rc = WS_OK;
    if (stat(dir, &st) != 0 || chmod(newdir, st.st_mode & 07777) != 0)
        rc = ws_error_set(err, WS_EIO, "%s: %s", dir, strerror(errno));
    else if (renameat2(AT_FDCWD, newdir, AT_FDCWD, dir, RENAME_EXCHANGE) != 0)
        rc = ws_error_set(err, WS_EIO, "%s: cannot exchange folders: %s", dir, strerror(errno));
    if (rc != WS_OK) {
        ws_layout_discard(newdir);
        return rc;
    }
    char *parent = dir_of(dir);
    if (parent)
        sync_dir(parent);
    free(parent);
    return WS_OK;
}
