/*
 * walk.c - which files a root holds: the directory walk and .wsearchignore.
 *
 * The walk only looks (lstat, readdir) and decides what is a candidate; it
 * reads no file but .wsearchignore and leaves "changed or not" to the run
 * (schedule.c).  Names in a folder are sorted, so the order of indexing,
 * and with it document ids, does not depend on the file system.  Every
 * entry it passes over is counted and reported (skipped, warning or
 * failed), so nothing the walk meets goes unaccounted; linked folders are
 * not followed and linked files only inside the root, so a link cannot
 * loop the walk or publish a file from outside the indexed folder.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index_int.h"
#include "util/buf.h"

static int list_push(file_list *l, const char *path, ws_doctype type, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        file_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    char *p = strdup(path);
    if (!p)
        return -1;
    l->v[l->n].path = p;
    l->v[l->n].type = type;
    l->v[l->n].st = *st;
    l->n++;
    return 0;
}

void ws_ix_files_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

/* An entry not indexed by design: counted and named to whoever listens
 * (wsearch index -v), so that nothing the walk meets goes unaccounted. */
static void skipped(walk_ctx *w, const char *path, const char *why)
{
    w->stats->ignored++;
    report(w, WS_INDEX_EV_SKIPPED, path, why, 0, 0);
}

/*
 * Names to skip, from a folder's ".wsearchignore" (one shell pattern per
 * line, '#' comments), applying to that folder and the folders below it,
 * as a README next to the documents should not become a document.
 */
typedef struct ignore {
    const struct ignore *parent;
    char **pat;
    size_t n;
} ignore;

static void ignore_load(ignore *ig, const char *dir)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/.wsearchignore", dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return;
    char line[512];
    while (ig->n < 256 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *l = line;
        while (*l == ' ' || *l == '\t')
            l++;
        if (!*l || *l == '#')
            continue;
        char **v = realloc(ig->pat, (ig->n + 1) * sizeof *v);
        if (!v)
            break;
        ig->pat = v;
        if (!(ig->pat[ig->n] = strdup(l)))
            break;
        ig->n++;
    }
    fclose(f);
}

static void ignore_free(ignore *ig)
{
    for (size_t i = 0; i < ig->n; i++)
        free(ig->pat[i]);
    free(ig->pat);
}

static int ignored(const ignore *ig, const char *name)
{
    for (; ig; ig = ig->parent)
        for (size_t i = 0; i < ig->n; i++)
            if (fnmatch(ig->pat[i], name, 0) == 0)
                return 1;
    return 0;
}

/* Consider one path found in a folder (or given as a root). */
static int walk_path(walk_ctx *w, const char *path, unsigned depth, int is_root, const ignore *ig,
                     ws_error *err);

static int walk_dir(walk_ctx *w, const char *dir, unsigned depth, const ignore *parent,
                    ws_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot open folder: %s", strerror(errno));
        report(w, WS_INDEX_EV_FAILED, dir, msg, 0, 0);
        w->stats->failed++;
        return WS_OK;
    }
    /* Read all names first and sort them: the order of indexing (and so
     * of document ids) does not depend on the file system. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = WS_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        if (!strcmp(nm, ".") || !strcmp(nm, ".."))
            continue;
        if (nm[0] == '.' && !w->ix->opts.follow_hidden)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nv = realloc(names, cap * sizeof *nv);
            if (!nv) {
                rc = ws_error_set(err, WS_ENOMEM, "out of memory listing %s", dir);
                break;
            }
            names = nv;
        }
        if (!(names[n] = strdup(nm))) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory listing %s", dir);
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == WS_OK && n)
        qsort(names, n, sizeof *names, cmp_str);
    ignore ig = {parent, NULL, 0};
    ignore_load(&ig, dir);
    ws_buf p = WS_BUF_INIT;
    for (size_t i = 0; i < n && rc == WS_OK; i++) {
        ws_buf_reset(&p);
        ws_buf_puts(&p, dir);
        if (p.len && p.data[p.len - 1] != '/')
            ws_buf_putc(&p, '/');
        ws_buf_puts(&p, names[i]);
        if (!ws_buf_cstr(&p))
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        else if (ignored(&ig, names[i]))
            skipped(w, p.data, "matches a pattern in .wsearchignore");
        else
            rc = walk_path(w, p.data, depth + 1, 0, &ig, err);
    }
    ignore_free(&ig);
    ws_buf_free(&p);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* A symbolic link: 1 to go on with its target's *st, 0 when it was
 * reported and the walk moves on. */
static int follow_link(walk_ctx *w, const char *path, int is_root, struct stat *st)
{
    /* Linked files are indexed; linked folders are not followed, so a
     * link loop cannot trap the walk. */
    if (stat(path, st) != 0) {
        w->stats->ignored++;
        report(w, WS_INDEX_EV_WARNING, path,
               errno == ELOOP ? "symbolic link loop (too many levels of links)"
                              : "dangling symbolic link",
               0, 0);
        return 0;
    }
    if (S_ISDIR(st->st_mode) && !is_root) {
        skipped(w, path, "symbolic link to a folder, not followed");
        return 0;
    }
    /* A link may point anywhere (/etc/passwd named notes.txt): only
     * files inside the indexed folder become searchable. */
    char real[PATH_MAX];
    size_t rl = strlen(w->root);
    if (!is_root && (!realpath(path, real) || strncmp(real, w->root, rl) != 0 ||
                     (real[rl] != '/' && strcmp(w->root, "/") != 0))) {
        w->stats->ignored++;
        report(w, WS_INDEX_EV_WARNING, path,
               "symbolic link to a file outside the indexed folder, skipped", 0, 0);
        return 0;
    }
    return 1;
}

/* A file that cannot be indexed: skipped inside the walk; asked for by
 * name, an error, not a skip. */
static void refuse(walk_ctx *w, const char *path, int is_root, const char *why)
{
    if (!is_root) {
        skipped(w, path, why);
    } else {
        w->stats->failed++;
        report(w, WS_INDEX_EV_FAILED, path, why, 0, 0);
    }
}

/* Name the extension: ".doc" says more than "unsupported". */
static void unsupported_why(const char *path, char *why, size_t size)
{
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (dot && dot != base && dot[1])
        snprintf(why, size, "unsupported file type (.%.40s)", dot + 1);
    else
        snprintf(why, size, "unsupported file type (no extension)");
}

static int walk_path(walk_ctx *w, const char *path, unsigned depth, int is_root, const ignore *ig,
                     ws_error *err)
{
    struct stat lst, st;
    if (lstat(path, &lst) != 0) {
        if (is_root)
            return ws_error_set(err, WS_ENOTFOUND, "%s: %s", path, strerror(errno));
        return WS_OK; /* vanished while we walked */
    }
    st = lst;
    if (S_ISLNK(lst.st_mode) && !follow_link(w, path, is_root, &st))
        return WS_OK;
    if (S_ISDIR(st.st_mode)) {
        if (depth > w->ix->opts.max_depth) {
            w->stats->ignored++;
            report(w, WS_INDEX_EV_WARNING, path, "folder nested too deeply, skipped", 0, 0);
            return WS_OK;
        }
        if (!is_root &&
            ((w->index && !strcmp(path, w->index)) || (w->gen && !strcmp(path, w->gen))))
            return WS_OK; /* the index itself, by design */
        return walk_dir(w, path, depth, ig, err);
    }
    if (!is_root && w->index && !strcmp(path, w->index))
        return WS_OK; /* the index's stub file, by design */
    char why[96];
    if (!S_ISREG(st.st_mode)) { /* sockets, fifos, devices: never read */
        snprintf(why, sizeof why, "not a regular file (%s)",
                 S_ISFIFO(st.st_mode)                         ? "a pipe"
                 : S_ISSOCK(st.st_mode)                       ? "a socket"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                              : "a special file");
        refuse(w, path, is_root, why);
        return WS_OK;
    }
    ws_doctype type = ws_doctype_from_path(path);
    /* Images hold text only for OCR. */
    if (type >= WS_DOC_PNG && type <= WS_DOC_TIFF && w->ix->opts.extract.ocr == WS_OCR_OFF) {
        w->stats->ignored++;
        if (is_root)
            report(w, WS_INDEX_EV_FAILED, path, "an image, and OCR is off: nothing to index", 0, 0);
        return WS_OK;
    }
    if (type == WS_DOC_UNKNOWN) {
        unsupported_why(path, why, sizeof why);
        refuse(w, path, is_root, why);
        return WS_OK;
    }
    if (list_push(&w->files, path, type, &st) != 0)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    return WS_OK;
}

int ws_ix_walk(walk_ctx *w, const char *root, ws_error *err)
{
    return walk_path(w, root, 0, 1, NULL, err);
}
