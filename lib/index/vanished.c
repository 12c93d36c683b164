/*
 * vanished.c - documents whose file is gone are deleted.
 *
 * After a root's walk, every id term below the root that the walk did not
 * find (a sorted list, searched by bsearch while Xapian lists the id
 * terms) is a file removed or renamed since the last run.  A root given on
 * the command line that no longer exists is pruned the same way, with a
 * warning, so that its documents do not stay searchable for ever.
 */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/index_int.h"
#include "index/schema.h"

/* ---- removing vanished files -------------------------------------------- */

typedef struct gone_ctx {
    char **seen; /* sorted id terms of the files found */
    size_t nseen;
    char **gone;
    size_t ngone, cap;
    int oom;
} gone_ctx;

static int collect_gone(void *vctx, const char *term, size_t len, uint32_t freq)
{
    (void)len;
    (void)freq;
    gone_ctx *g = vctx;
    const char *key = term;
    if (g->nseen && bsearch(&key, g->seen, g->nseen, sizeof *g->seen, cmp_str))
        return 0;
    if (g->ngone == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 32;
        char **v = realloc(g->gone, cap * sizeof *v);
        if (!v) {
            g->oom = 1;
            return 1;
        }
        g->gone = v;
        g->cap = cap;
    }
    if (!(g->gone[g->ngone] = strdup(term))) {
        g->oom = 1;
        return 1;
    }
    g->ngone++;
    return 0;
}

/* Delete documents below root whose file was not found by this walk. */
int ws_ix_remove_vanished(ws_index *ix, walk_ctx *w, const char *root, int root_is_dir,
                          ws_error *err)
{
    gone_ctx g = {0};
    int rc = WS_OK;
    g.seen = calloc(w->files.n + 1, sizeof *g.seen);
    if (!g.seen)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < w->files.n; i++) {
        char *t = malloc(WS_MAX_IDTERM + 1);
        if (!t) {
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
            break;
        }
        ws_schema_idterm(w->files.v[i].path, t);
        g.seen[g.nseen++] = t;
    }
    if (rc == WS_OK) {
        qsort(g.seen, g.nseen, sizeof *g.seen, cmp_str);
        /* Id terms of very long paths keep only a head of the path (see
         * ws_schema_idterm), so the walk prefix is cut to that head. */
        char prefix[PATH_MAX + 8];
        snprintf(prefix, sizeof prefix, "%s%s%s", WS_PFX_ID, root,
                 root_is_dir && strcmp(root, "/") ? "/" : "");
        size_t head = WS_MAX_IDTERM - 17;
        if (strlen(prefix) > head) {
            while (head > 1 && ((unsigned char)prefix[head] & 0xC0) == 0x80)
                head--;
            prefix[head] = '\0';
        }
        rc = ws_xdb_allterms(ix->db, prefix, collect_gone, &g, err);
        if (rc == WS_OK && g.oom)
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; rc == WS_OK && i < g.ngone; i++) {
        /* A file given as root matches only itself, not "root.bak". */
        if (!root_is_dir && strcmp(g.gone[i] + strlen(WS_PFX_ID), root) != 0)
            continue;
        rc = ws_xdb_delete_by_term(ix->db, g.gone[i], err);
        if (rc == WS_OK) {
            w->stats->removed++;
            ix->pending_docs++;
            report(w, WS_INDEX_EV_REMOVED, g.gone[i] + strlen(WS_PFX_ID), NULL, 0, 0);
        }
    }
    for (size_t i = 0; i < g.nseen; i++)
        free(g.seen[i]);
    free(g.seen);
    for (size_t i = 0; i < g.ngone; i++)
        free(g.gone[i]);
    free(g.gone);
    return rc;
}

/*
 * A root named on the command line that is gone: its documents would stay
 * searchable for ever (issue 16), so they are removed with a warning.  A
 * root that never had documents is a typo: an error once the others are
 * done.  The path is made absolute without resolving links (it cannot be
 * resolved any more); documents were stored under the resolved path, which
 * is the same unless the root was reached through a symbolic link.
 */
int ws_ix_prune_gone_root(ws_index *ix, walk_ctx *w, const char *root, int *pruned, ws_error *err)
{
    char abs[PATH_MAX], cwd[PATH_MAX];
    int len = -1;
    if (root[0] == '/')
        len = snprintf(abs, sizeof abs, "%s", root);
    else if (getcwd(cwd, sizeof cwd))
        len = snprintf(abs, sizeof abs, "%s/%.*s", cwd, (int)(sizeof abs / 2), root);
    if (len < 0 || (size_t)len >= sizeof abs)
        return WS_OK;
    size_t n = strlen(abs);
    while (n > 1 && abs[n - 1] == '/')
        abs[--n] = '\0';
    unsigned long before = w->stats->removed;
    int rc = ws_ix_remove_vanished(ix, w, abs, 1, err);
    if (rc == WS_OK)
        rc = ws_ix_remove_vanished(ix, w, abs, 0, err);
    unsigned long gone = w->stats->removed - before;
    if (rc == WS_OK && gone) {
        char msg[128];
        snprintf(msg, sizeof msg, "no longer exists: removed its %lu document%s from the index",
                 gone, gone == 1 ? "" : "s");
        report(w, WS_INDEX_EV_WARNING, abs, msg, 0, 0);
        *pruned = 1;
        rc = ws_ix_maybe_commit(ix, w, 0, 0, 0, err);
    }
    return rc;
}
