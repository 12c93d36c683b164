/*
 * index.c - the indexing pipeline: walk, decide, extract, analyse, write.
 *
 * Like Omega's omindex, one place walks the files and decides what needs
 * (re)indexing; the extractors know nothing about the index.  A document's
 * unique id term is its absolute path, and value slot WS_SLOT_SIGNATURE
 * holds the file's modification time and size when it was indexed, so a
 * second run skips every file whose signature still matches.
 *
 * Extraction happens in worker processes (pool.c) while this process
 * analyses and writes: the walk's list is followed by two cursors, one that
 * checks signatures and hands changed files to idle workers up to a window
 * ahead, and one that writes finished documents strictly in walk order, so
 * document ids and reports do not depend on which worker was faster.
 */
#define _XOPEN_SOURCE 700
#include "wsearch/index.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "analysis/compound.h"
#include "index/layout.h"
#include "analysis/stopwords.h"
#include "extract/ocr.h"
#include "index/pool.h"
#include "index/record.h"
#include "search/related.h"
#include "index/schema.h"
#include "wsearch/analysis.h"
#include "wsearch/xapian.h"

/*
 * The words of a batch for the spelling table, counted here and handed to
 * Xapian once per distinct word just before the commit: add_spelling per
 * occurrence costs a map lookup in the writer each time, which showed in
 * profiles.
 */
typedef struct spell_set {
    char **w;
    uint32_t *n;
    size_t used, cap; /* cap: 0 or a power of two */
    int oom;
} spell_set;

static size_t spell_hash(const char *s, size_t len)
{
    size_t h = 14695981039346656037ull & SIZE_MAX;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * (size_t)1099511628211ull;
    return h;
}

static void spell_add(spell_set *s, const char *w, size_t len)
{
    if (s->oom)
        return;
    if ((s->used + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        char **nw = calloc(cap, sizeof *nw);
        uint32_t *nn = calloc(cap, sizeof *nn);
        if (!nw || !nn) {
            free(nw);
            free(nn);
            s->oom = 1;
            return;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->w[i])
                continue;
            size_t h = spell_hash(s->w[i], strlen(s->w[i])) & (cap - 1);
            while (nw[h])
                h = (h + 1) & (cap - 1);
            nw[h] = s->w[i];
            nn[h] = s->n[i];
        }
        free(s->w);
        free(s->n);
        s->w = nw;
        s->n = nn;
        s->cap = cap;
    }
    size_t h = spell_hash(w, len) & (s->cap - 1);
    for (; s->w[h]; h = (h + 1) & (s->cap - 1)) {
        if (!strncmp(s->w[h], w, len) && !s->w[h][len]) {
            s->n[h]++;
            return;
        }
    }
    if (!(s->w[h] = malloc(len + 1))) {
        s->oom = 1;
        return;
    }
    memcpy(s->w[h], w, len);
    s->w[h][len] = '\0';
    s->n[h] = 1;
    s->used++;
}

/* Add the counted words to the index (if rc is still WS_OK) and free. */
static int spell_flush(ws_xdb *db, spell_set *s, int rc, ws_error *err)
{
    if (rc == WS_OK && s->oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->w[i])
            continue;
        if (rc == WS_OK)
            rc = ws_xdb_add_spelling(db, s->w[i], s->n[i], err);
        free(s->w[i]);
    }
    free(s->w);
    free(s->n);
    memset(s, 0, sizeof *s);
    return rc;
}

struct ws_index {
    ws_xdb *db;
    ws_analyzer *an;
    ws_index_options opts;
    char *path;
    unsigned pending_docs; /* changes since the last commit */
    size_t pending_bytes;
    int meta_dirty; /* metadata written but not committed */
    /* Spelling words of the batch, counted here and added at commit time
     * (see spell_set). */
    struct spell_set *spell;
    ws_compounds *dict; /* word list for compound splitting, or NULL */
    /* --rebuild writes a new generation (gendir) and publishes it at close
     * (layout.h); guard holds the live index's write lock meanwhile, so no
     * other writer changes what is about to be replaced. */
    char *gendir;
    ws_xdb *guard;
    int failed;      /* an update failed: do not publish the half-built generation */
    char *dbdir;     /* the database folder written (for its mode) */
    int ocr_checked; /* OCR languages looked up (see ocr_used) */
};

/* ---- open and close ----------------------------------------------------- */

static int check_signatures(ws_index *ix, const char *path, ws_error *err)
{
    char *schema = NULL, *analysis = NULL;
    uint32_t docs = 0;
    int rc = ws_xdb_doccount(ix->db, &docs, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(ix->db, WS_META_SCHEMA, &schema, err);
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(ix->db, WS_META_ANALYSIS, &analysis, err);
    if (rc == WS_OK && (docs > 0 || *schema || *analysis)) {
        if (strcmp(schema, WS_SCHEMA_VERSION) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index has schema version '%s', this wsearch writes '%s'; "
                              "rebuild it with: wsearch index --rebuild",
                              path, schema, WS_SCHEMA_VERSION);
        else if (strcmp(analysis, ws_analysis_signature()) != 0)
            rc = ws_error_set(err, WS_EVERSION,
                              "%s: index was built with different text analysis (%s); "
                              "rebuild it with: wsearch index --rebuild",
                              path, analysis);
    }
    free(schema);
    free(analysis);
    return rc;
}

/* Write a metadata key only when it changes, so that a run which finds
 * nothing to do does not create a new revision. */
static int set_metadata(ws_index *ix, const char *key, const char *value, ws_error *err)
{
    char *old = NULL;
    int rc = ws_xdb_get_metadata(ix->db, key, &old, err);
    if (rc == WS_OK && strcmp(old, value) != 0) {
        rc = ws_xdb_set_metadata(ix->db, key, value, err);
        ix->meta_dirty = 1;
    }
    free(old);
    return rc;
}

/* Open the live database for writing.  A rebuild may publish a new
 * generation between resolving the stub and taking the lock; then the
 * handle would write into a retired generation, so look again. */
static int open_live(ws_index *ix, const char *path, ws_error *err)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        char *dir = NULL, *again = NULL;
        int rc = ws_layout_live(path, &dir, NULL, err);
        if (rc == WS_OK)
            rc = ws_xdb_open_write(&ix->db, dir, WS_XDB_CREATE, err);
        if (rc == WS_OK)
            rc = ws_layout_live(path, &again, NULL, err);
        int same = rc == WS_OK && !strcmp(dir, again);
        free(again);
        if (rc != WS_OK || same) {
            ix->dbdir = rc == WS_OK ? dir : NULL;
            if (rc != WS_OK)
                free(dir);
            return rc;
        }
        free(dir);
        ws_xdb_close(ix->db);
        ix->db = NULL;
    }
    return ws_error_set(err, WS_ELOCKED, "%s: the index keeps being replaced", path);
}

/* A rebuild: lock the live index (if any), then write a fresh generation. */
static int open_rebuild(ws_index *ix, const char *path, ws_error *err)
{
    char *live = NULL;
    struct stat st;
    int rc = ws_layout_live(path, &live, NULL, err);
    if (rc == WS_OK && stat(live, &st) == 0) {
        rc = ws_xdb_open_write(&ix->guard, live, WS_XDB_OPEN, err);
        if (rc == WS_ENOTFOUND) /* a folder that is no index (yet): nothing to guard */
            rc = WS_OK;
    }
    free(live);
    if (rc == WS_OK)
        rc = ws_layout_new_generation(path, &ix->gendir, err);
    if (rc == WS_OK)
        rc = ws_xdb_open_write(&ix->db, ix->gendir, WS_XDB_OVERWRITE, err);
    if (rc == WS_OK && !(ix->dbdir = strdup(ix->gendir)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    return rc;
}

int ws_index_open(ws_index **out, const char *path, const ws_index_options *opts, ws_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return ws_error_set(err, WS_EINVAL, "no index path given");
    ws_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    if (opts)
        ix->opts = *opts;
    else
        ix->opts = (ws_index_options)WS_INDEX_OPTIONS_INIT;
    if (!ix->opts.batch_docs)
        ix->opts.batch_docs = 200;
    if (!ix->opts.max_depth)
        ix->opts.max_depth = 64;

    /* The index folder's parent must exist; Xapian creates the folder. */
    int rc = ix->opts.rebuild ? open_rebuild(ix, path, err) : open_live(ix, path, err);
    if (rc == WS_ELOCKED)
        rc = ws_error_set(err, WS_ELOCKED, "%s: another process is writing this index", path);
    else if (rc != WS_OK && err)
        rc = ws_error_set(err, rc, "%s: cannot open index for writing: %s", path, err->msg);
    if (rc == WS_OK)
        rc = check_signatures(ix, path, err);
    if (rc == WS_OK && !(ix->spell = calloc(1, sizeof *ix->spell)))
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    if (rc == WS_OK)
        rc = ws_analyzer_new(&ix->an, err);
    if (rc == WS_OK)
        rc = set_metadata(ix, WS_META_SCHEMA, WS_SCHEMA_VERSION, err);
    if (rc == WS_OK)
        rc = set_metadata(ix, WS_META_ANALYSIS, ws_analysis_signature(), err);
    if (rc != WS_OK) {
        ws_analyzer_free(ix->an);
        ws_xdb_close(ix->db);
        ws_xdb_close(ix->guard);
        ws_layout_discard(ix->gendir);
        free(ix->gendir);
        free(ix->dbdir);
        free(ix->spell);
        free(ix->path);
        free(ix);
        return rc;
    }
    *out = ix;
    return WS_OK;
}

int ws_index_close(ws_index *ix, ws_error *err)
{
    if (!ix)
        return WS_OK;
    int rc = WS_OK;
    if (ix->pending_docs || ix->meta_dirty) {
        rc = spell_flush(ix->db, ix->spell, WS_OK, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
    } else {
        spell_flush(ix->db, ix->spell, WS_ENOMEM, NULL); /* nothing to add: just free */
    }
    ws_xdb_close(ix->db);
    free(ix->dbdir);
    if (ix->gendir) {
        /* Readers switch to the new generation only now, when it is whole. */
        if (rc == WS_OK && !ix->failed)
            rc = ws_layout_publish(ix->path, ix->gendir, err);
        else
            ws_layout_discard(ix->gendir);
        ws_xdb_close(ix->guard);
        free(ix->gendir);
    }
    ws_analyzer_free(ix->an);
    ws_compounds_free(ix->dict);
    free(ix->spell);
    free(ix->path);
    free(ix);
    return rc;
}

/* The watcher's way to share the index with a rebuild (index.h): the
 * handle keeps its analyzer, dictionary and options; only the Xapian
 * writer, which holds the lock, is closed and later opened again on
 * whatever generation is live by then. */
int ws_index_release(ws_index *ix, ws_error *err)
{
    if (!ix || ix->gendir)
        return ws_error_set(err, WS_EINVAL, "ws_index_release: not for a rebuild");
    if (!ix->db)
        return WS_OK;
    int rc = WS_OK;
    if (ix->pending_docs || ix->meta_dirty) {
        rc = spell_flush(ix->db, ix->spell, WS_OK, err);
        if (rc == WS_OK)
            rc = ws_xdb_commit(ix->db, err);
        if (rc != WS_OK)
            return rc; /* still held: the caller may retry or close */
    }
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->meta_dirty = 0;
    ws_xdb_close(ix->db);
    ix->db = NULL;
    free(ix->dbdir);
    ix->dbdir = NULL;
    return WS_OK;
}

int ws_index_reacquire(ws_index *ix, ws_error *err)
{
    if (!ix || ix->gendir)
        return ws_error_set(err, WS_EINVAL, "ws_index_reacquire: not for a rebuild");
    if (ix->db)
        return WS_OK;
    int rc = open_live(ix, ix->path, err);
    if (rc == WS_ELOCKED)
        return ws_error_set(err, WS_ELOCKED, "%s: another process is writing this index", ix->path);
    if (rc != WS_OK)
        return ws_error_set(err, rc, "%s: cannot open index for writing: %s", ix->path,
                            err ? err->msg : "");
    /* A rebuild by another wsearch may have changed what the index is. */
    rc = check_signatures(ix, ix->path, err);
    if (rc == WS_OK)
        rc = set_metadata(ix, WS_META_SCHEMA, WS_SCHEMA_VERSION, err);
    if (rc == WS_OK)
        rc = set_metadata(ix, WS_META_ANALYSIS, ws_analysis_signature(), err);
    if (rc != WS_OK) {
        ws_xdb_close(ix->db);
        ix->db = NULL;
        free(ix->dbdir);
        ix->dbdir = NULL;
        ix->meta_dirty = 0;
    }
    return rc;
}

/* ---- the walk ----------------------------------------------------------- */

typedef struct file_entry {
    char *path; /* absolute, canonical folder + name */
    ws_doctype type;
    struct stat st;
} file_entry;

typedef struct file_list {
    file_entry *v;
    size_t n, cap;
} file_list;

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

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct walk_ctx {
    ws_index *ix;
    file_list files;
    ws_index_report_fn report;
    void *rctx;
    ws_index_stats *stats;
    const char *root;  /* real path of the root being walked */
    const char *index; /* real path of the index folder or stub file, or NULL */
    const char *gen;   /* real path of its generations folder (INDEX.gen), or NULL */
} walk_ctx;

static void report(walk_ctx *w, ws_index_event_kind kind, const char *path, const char *msg,
                   unsigned long done, unsigned long total)
{
    if (!w->report)
        return;
    ws_index_event ev = {kind, path, msg, done, total};
    w->report(w->rctx, &ev);
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
    if (S_ISLNK(lst.st_mode)) {
        /* Linked files are indexed; linked folders are not followed, so a
         * link loop cannot trap the walk. */
        if (stat(path, &st) != 0) {
            w->stats->ignored++;
            report(w, WS_INDEX_EV_WARNING, path,
                   errno == ELOOP ? "symbolic link loop (too many levels of links)"
                                  : "dangling symbolic link",
                   0, 0);
            return WS_OK;
        }
        if (S_ISDIR(st.st_mode) && !is_root) {
            skipped(w, path, "symbolic link to a folder, not followed");
            return WS_OK;
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
            return WS_OK;
        }
    }
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
        if (!is_root) {
            skipped(w, path, why);
        } else {
            w->stats->failed++;
            report(w, WS_INDEX_EV_FAILED, path, why, 0, 0);
        }
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
        /* Name the extension: ".doc" says more than "unsupported". */
        const char *base = strrchr(path, '/'), *dot;
        base = base ? base + 1 : path;
        dot = strrchr(base, '.');
        if (dot && dot != base && dot[1])
            snprintf(why, sizeof why, "unsupported file type (.%.40s)", dot + 1);
        else
            snprintf(why, sizeof why, "unsupported file type (no extension)");
        if (!is_root) {
            skipped(w, path, why);
        } else {
            /* asked for by name: an error, not a skip */
            w->stats->failed++;
            report(w, WS_INDEX_EV_FAILED, path, why, 0, 0);
        }
        return WS_OK;
    }
    if (list_push(&w->files, path, type, &st) != 0)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    return WS_OK;
}

/* ---- one document ------------------------------------------------------- */

typedef struct term_ctx {
    ws_xdoc *doc;
    spell_set *spell;
    const char *prefix; /* field prefix, "" for body text */
    uint32_t wdf;
    int positions; /* add positional postings */
    int spelling;  /* feed the spelling dictionary */
    int rc;
    ws_error *err;
    const ws_compounds *dict; /* split closed compounds, or NULL */
    ws_analyzer *an;
    const char *text; /* what is being analysed: tokens point into it */
    /* the parts so far of a hyphenated compound, joined (see join_hyphen) */
    char joined[WS_MAX_TERM + 1];
    size_t joined_len, prev_end;
    uint32_t prev_pos;
} term_ctx;

/* The parts of a closed compound become stemmed terms of weight 0: the
 * document matches a search for a part (Verwaltung finds
 * Kommunalverwaltung), while documents with the whole word rank above it. */
static int add_parts(term_ctx *c, const char *word, size_t wlen)
{
    ws_part parts[6];
    size_t n = ws_compounds_split(c->dict, word, wlen, parts, 6);
    if (n < 2)
        return c->rc;
    char term[WS_MAX_TERM + 2], stem[WS_MAX_TERM + 1];
    /* Each part, and each compound that starts the word (asylbewerber in
     * asylbewerberleistungsgesetz): spans [0, end of part k] for k >= 1. */
    for (size_t i = 0; i < 2 * n - 1 && c->rc == WS_OK; i++) {
        size_t start = i < n ? parts[i].start : 0;
        size_t plen = i < n ? parts[i].len : parts[i - n + 1].start + parts[i - n + 1].len;
        if (i >= n && i - n + 1 == n - 1)
            continue; /* the whole word: indexed already */
        /* übersetzen is über + setzen, but a search for über is for
         * the word (see add_token) */
        char part[WS_MAX_TERM + 1];
        memcpy(part, word + start, plen);
        part[plen] = '\0';
        if (ws_is_stopword(part))
            continue;
        int sl = ws_analyzer_stem(c->an, word + start, plen, stem, sizeof stem);
        if (sl <= 0)
            continue;
        snprintf(term, sizeof term, "%s%s", WS_PFX_STEM, stem);
        c->rc = ws_xdoc_add_term(c->doc, term, 0, c->err);
    }
    return c->rc;
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
static int join_hyphen(term_ctx *c, const ws_token *t)
{
    int cont = c->joined_len && t->pos == c->prev_pos + 1 && t->start >= c->prev_end &&
               hyphen_between(c->text + c->prev_end, t->start - c->prev_end);
    if (!(t->flags & WS_TOK_HYPHEN) || (t->flags & WS_TOK_NUMBER) ||
        (cont ? c->joined_len : 0) + t->term_len + 1 > sizeof c->joined) {
        c->joined_len = 0;
        return c->rc;
    }
    if (!cont)
        c->joined_len = 0;
    memcpy(c->joined + c->joined_len, t->term, t->term_len + 1);
    c->joined_len += t->term_len;
    c->prev_end = t->end;
    c->prev_pos = t->pos;
    char stem[WS_MAX_TERM + 1], term[WS_MAX_TERM + 2];
    if (cont && ws_analyzer_stem(c->an, c->joined, c->joined_len, stem, sizeof stem) > 0) {
        snprintf(term, sizeof term, "%s%s", WS_PFX_STEM, stem);
        c->rc = ws_xdoc_add_term(c->doc, term, 0, c->err);
    }
    return c->rc;
}

static int add_token(void *vctx, const ws_token *t)
{
    term_ctx *c = vctx;
    char term[WS_MAX_TERM + 8];
    /* Built by hand: this runs for every word of every document. */
    size_t pl = strlen(c->prefix);
    if (pl + t->term_len + 1 > sizeof term || 1 + pl + t->stem_len + 1 > sizeof term)
        return 0; /* cannot happen with WS_MAX_TERM words; skip rather than cut */
    memcpy(term, c->prefix, pl);
    memcpy(term + pl, t->term, t->term_len + 1);
    if (c->positions)
        c->rc = ws_xdoc_add_posting(c->doc, term, t->pos, c->wdf, c->err);
    else
        c->rc = ws_xdoc_add_term(c->doc, term, c->wdf, c->err);
    /* "Fluechtlinge", typed without umlauts, is filed under the stem of
     * "Flüchtlinge" when the word list says that is the word; the word
     * itself keeps its spelling, for phrases and the exact-spelling bonus. */
    const char *word = t->term, *stem = t->stem;
    size_t wlen = t->term_len, slen = t->stem_len;
    char uml[WS_MAX_TERM + 1], ustem[WS_MAX_TERM + 1];
    if (c->dict && stem && !(t->flags & WS_TOK_NUMBER)) {
        size_t ul = ws_compounds_umlaut(c->dict, t->term, t->term_len, uml, sizeof uml);
        int us = ul ? ws_analyzer_stem(c->an, uml, ul, ustem, sizeof ustem) : -1;
        if (us > 0 && 1 + pl + (size_t)us + 1 <= sizeof term) {
            word = uml;
            wlen = ul;
            stem = ustem;
            slen = (size_t)us;
        }
    }
    /* Stopwords are never searched by stem (queries drop them, and one of
     * only stopwords asks for the words): their stems would only make
     * "Uber" find every "über", since stems fold umlauts. */
    if (stem && ws_is_stopword(t->term))
        stem = NULL;
    if (c->rc == WS_OK && stem) {
        term[0] = WS_PFX_STEM[0];
        memcpy(term + 1, c->prefix, pl);
        memcpy(term + 1 + pl, stem, slen + 1);
        c->rc = ws_xdoc_add_term(c->doc, term, c->wdf, c->err);
    }
    if (c->rc == WS_OK && !pl && c->text) {
        int el = ws_exact_term(c->text + t->start, t->end - t->start, t->term, t->term_len, term,
                               sizeof term);
        if (el > 0)
            c->rc = ws_xdoc_add_term(c->doc, term, c->wdf, c->err);
    }
    if (c->rc == WS_OK && c->dict && !pl && stem && wlen >= 2 * WS_MIN_PART)
        add_parts(c, word, wlen);
    if (c->rc == WS_OK && !pl && c->text)
        join_hyphen(c, t);
    /* Spelling suggestions come from words, not numbers.  Short words must
     * be there too, or the parser "corrects" vor to davor. */
    if (c->rc == WS_OK && c->spelling && !pl && !(t->flags & WS_TOK_NUMBER) && t->term_len >= 2)
        spell_add(c->spell, t->term, t->term_len);
    return c->rc != WS_OK;
}

static int index_text(ws_index *ix, term_ctx *c, const char *prefix, uint32_t wdf, int positions,
                      const char *text, size_t len, uint32_t *pos)
{
    c->prefix = prefix;
    c->wdf = wdf;
    c->positions = positions;
    c->text = text;
    c->joined_len = 0;
    c->rc = WS_OK;
    uint32_t next = *pos;
    int rc = ws_analyze(ix->an, text, len, *pos, &next, add_token, c, c->err);
    if (rc == WS_OK)
        rc = c->rc;
    /* Leave a gap so a phrase never runs from one field into the next. */
    *pos = ((next / WS_POS_GAP) + 1) * WS_POS_GAP;
    return rc;
}

/* Free text in a field: prefixed terms for field search, plain terms so a
 * word search finds it too. */
static int index_field(ws_index *ix, term_ctx *c, const char *prefix, const char *text,
                       uint32_t *pos)
{
    if (!text || !*text)
        return WS_OK;
    size_t len = strlen(text);
    uint32_t p = *pos;
    int rc = index_text(ix, c, prefix, 1, 1, text, len, &p);
    if (rc == WS_OK)
        rc = index_text(ix, c, "", 1, 1, text, len, pos);
    return rc;
}

/* A title for documents that have none: the file name without extension. */
static char *title_from_path(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (b[i] == '_' || b[i] == '-') ? ' ' : b[i];
    t[n] = '\0';
    return t;
}

/* Values the searcher counts for facets: the fields as written, so a
 * facet shows "Dr. Aylin Kaya", not a folded term. */
static int set_facet_values(ws_xdoc *doc, const ws_extracted *x, ws_error *err)
{
    int rc = WS_OK;
    if (x->organisation && *x->organisation)
        rc = ws_xdoc_set_value(doc, WS_SLOT_ORG, x->organisation, strlen(x->organisation), err);
    if (rc == WS_OK && x->event && *x->event)
        rc = ws_xdoc_set_value(doc, WS_SLOT_EVENT, x->event, strlen(x->event), err);
    if (rc == WS_OK && x->date && strlen(x->date) >= 4)
        rc = ws_xdoc_set_value(doc, WS_SLOT_YEAR, x->date, 4, err);
    if (rc == WS_OK && x->nspeakers) {
        ws_buf b = WS_BUF_INIT;
        for (size_t i = 0; i < x->nspeakers; i++) {
            if (i)
                ws_buf_putc(&b, WS_XFACET_SEP);
            ws_buf_puts(&b, x->speakers[i]);
        }
        if (!ws_buf_cstr(&b))
            rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        else
            rc = ws_xdoc_set_value(doc, WS_SLOT_SPEAKERS, b.data, b.len, err);
        ws_buf_free(&b);
    }
    return rc;
}

static int build_document(ws_index *ix, const file_entry *f, const ws_extracted *x, ws_xdoc **out,
                          ws_error *err)
{
    ws_xdoc *doc = NULL;
    char *title = NULL, *data = NULL;
    int rc = ws_xdoc_new(&doc, err);
    if (rc != WS_OK)
        return rc;
    if (x->title && *x->title)
        title = strdup(x->title);
    else
        title = title_from_path(f->path);
    if (!title) {
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
        goto done;
    }

    term_ctx c = {doc, ix->spell, "", 1, 1, 1, WS_OK, err, ix->dict, ix->an, NULL, "", 0, 0, 0};
    uint32_t pos = 1;
    /* The title, prefixed for title: searches and plain with a higher wdf
     * so a title match outranks a body match. */
    uint32_t p0 = pos;
    rc = index_text(ix, &c, WS_PFX_TITLE, 1, 1, title, strlen(title), &p0);
    if (rc == WS_OK)
        rc = index_text(ix, &c, "", WS_TITLE_WDF, 1, title, strlen(title), &pos);
    for (size_t i = 0; rc == WS_OK && i < x->npassages; i++) {
        const ws_passage *p = &x->passages[i];
        if (p->heading && *p->heading)
            rc = index_text(ix, &c, "", 2, 1, p->heading, strlen(p->heading), &pos);
        if (rc == WS_OK)
            rc = index_text(ix, &c, "", 1, 1, p->text, p->text_len, &pos);
    }
    for (size_t i = 0; rc == WS_OK && i < x->nspeakers; i++)
        rc = index_field(ix, &c, WS_PFX_SPEAKER, x->speakers[i], &pos);
    if (rc == WS_OK)
        rc = index_field(ix, &c, WS_PFX_ORG, x->organisation, &pos);
    if (rc == WS_OK)
        rc = index_field(ix, &c, WS_PFX_EVENT, x->event, &pos);
    if (rc == WS_OK && x->description)
        rc = index_text(ix, &c, "", 1, 1, x->description, strlen(x->description), &pos);
    c.spelling = 0;
    for (size_t i = 0; rc == WS_OK && i < x->ntags; i++) {
        /* Tags: each word a boolean K term (tag:dolmetschen) and free text. */
        const char *t = x->tags[i];
        rc = index_text(ix, &c, "", 1, 1, t, strlen(t), &pos);
        if (rc != WS_OK)
            break;
        char term[WS_MAX_TERM + 1], stem[WS_MAX_TERM + 1];
        const char *s = t;
        while (*s && rc == WS_OK) {
            size_t n = strcspn(s, " \t,;");
            if (n && ws_analyze_word(ix->an, s, n, term, stem, NULL) == WS_OK) {
                char bt[WS_MAX_TERM + 4];
                snprintf(bt, sizeof bt, "%s%s", WS_PFX_TAG, term);
                rc = ws_xdoc_add_boolean_term(doc, bt, err);
            }
            s += n;
            s += strspn(s, " \t,;");
        }
    }

    /* Filters and values. */
    char bt[WS_MAX_IDTERM + 1];
    const char *tn = ws_doctype_name(x->type);
    snprintf(bt, sizeof bt, "%s%s", WS_PFX_TYPE, tn);
    if (rc == WS_OK)
        rc = ws_xdoc_add_boolean_term(doc, bt, err);
    if (rc == WS_OK)
        rc = ws_xdoc_set_value(doc, WS_SLOT_TYPE, tn, strlen(tn), err);
    if (rc == WS_OK && x->date && strlen(x->date) == 10) {
        char ymd[9];
        snprintf(ymd, sizeof ymd, "%.4s%.2s%.2s", x->date, x->date + 5, x->date + 8);
        rc = ws_xdoc_set_value(doc, WS_SLOT_DATE, ymd, 8, err);
        snprintf(bt, sizeof bt, "%s%.4s", WS_PFX_YEAR, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
        snprintf(bt, sizeof bt, "%s%.6s", WS_PFX_MONTH, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
        snprintf(bt, sizeof bt, "%s%s", WS_PFX_DATE, ymd);
        if (rc == WS_OK)
            rc = ws_xdoc_add_boolean_term(doc, bt, err);
    }
    if (rc == WS_OK)
        rc = set_facet_values(doc, x, err);
    char sig[64];
    snprintf(sig, sizeof sig, "%lld.%09ld:%lld", (long long)f->st.st_mtim.tv_sec,
             (long)f->st.st_mtim.tv_nsec, (long long)f->st.st_size);
    if (rc == WS_OK)
        rc = ws_xdoc_set_value(doc, WS_SLOT_SIGNATURE, sig, strlen(sig), err);
    /* Links to local files, for related documents (see related.h). */
    char rt[WS_MAX_IDTERM + 1], target[PATH_MAX], name[PATH_MAX];
    for (size_t i = 0; rc == WS_OK && i < x->nlinks; i++) {
        if (!ws_related_resolve(f->path, x->links[i], target, sizeof target))
            continue;
        ws_related_term(WS_PFX_LINK, target, rt);
        rc = ws_xdoc_add_boolean_term(doc, rt, err);
        if (rc == WS_OK && ws_related_name(target, name, sizeof name)) {
            ws_related_term(WS_PFX_LINKNAME, name, rt);
            rc = ws_xdoc_add_boolean_term(doc, rt, err);
        }
    }
    if (rc == WS_OK && ws_related_name(f->path, name, sizeof name)) {
        ws_related_term(WS_PFX_NAME, name, rt);
        rc = ws_xdoc_add_boolean_term(doc, rt, err);
    }
    ws_schema_idterm(f->path, bt);
    if (rc == WS_OK)
        rc = ws_xdoc_add_boolean_term(doc, bt, err);
    if (rc == WS_OK) {
        /* The stored record (record.h): everything a result line or
         * snippet needs, so searching never goes back to the file. */
        size_t dlen = 0;
        rc = ws_record_encode(x, f->path, title, &data, &dlen, err);
        if (rc == WS_OK)
            rc = ws_xdoc_set_data(doc, data, dlen, err);
    }
done:
    free(title);
    free(data);
    if (rc != WS_OK) {
        ws_xdoc_free(doc);
        return rc;
    }
    *out = doc;
    return WS_OK;
}

/* The stored signature of the document for idterm: "" if there is none;
 * *docid is 0 then. */
static int stored_signature(ws_index *ix, const char *idterm, uint32_t *docid, char **sig,
                            ws_error *err)
{
    uint32_t *ids = NULL;
    size_t n = 0;
    *docid = 0;
    *sig = NULL;
    int rc = ws_xdb_postings(ix->db, idterm, &ids, &n, err);
    if (rc != WS_OK)
        return rc;
    if (n == 0) {
        *sig = strdup("");
        free(ids);
        return *sig ? WS_OK : ws_error_set(err, WS_ENOMEM, "out of memory");
    }
    *docid = ids[0];
    free(ids);
    ws_xdoc *doc = NULL;
    rc = ws_xdb_get_document(ix->db, *docid, &doc, err);
    if (rc == WS_OK)
        rc = ws_xdoc_get_value(doc, WS_SLOT_SIGNATURE, sig, NULL, err);
    ws_xdoc_free(doc);
    return rc;
}

static int maybe_commit(ws_index *ix, walk_ctx *w, int force, unsigned long done,
                        unsigned long total, ws_error *err)
{
    if (!ix->pending_docs && !ix->meta_dirty)
        return WS_OK;
    if (!force && ix->pending_docs < ix->opts.batch_docs &&
        ix->pending_bytes < ix->opts.batch_bytes)
        return WS_OK;
    int rc = spell_flush(ix->db, ix->spell, WS_OK, err);
    if (rc == WS_OK)
        rc = ws_xdb_commit(ix->db, err);
    if (rc != WS_OK)
        return rc;
    ix->pending_docs = 0;
    ix->pending_bytes = 0;
    ix->meta_dirty = 0;
    w->stats->commits++;
    report(w, WS_INDEX_EV_COMMIT, NULL, NULL, done, total);
    return WS_OK;
}

/* Does the file need (re)indexing?  *docid gets its document, if any. */
static int file_changed(ws_index *ix, const file_entry *f, uint32_t *docid, int *changed,
                        ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, idterm);
    char *old = NULL;
    int rc = stored_signature(ix, idterm, docid, &old, err);
    if (rc != WS_OK)
        return rc;
    char sig[64];
    snprintf(sig, sizeof sig, "%lld.%09ld:%lld", (long long)f->st.st_mtim.tv_sec,
             (long)f->st.st_mtim.tv_nsec, (long long)f->st.st_size);
    *changed = !(*docid && !strcmp(old, sig));
    free(old);
    return WS_OK;
}

/* A file was recognised: count it, and the first time in a run, warn
 * about languages asked for that Tesseract has no data for (it leaves them
 * out by itself; a missing first language fails each file instead). */
static void ocr_used(ws_index *ix, walk_ctx *w, const file_entry *f, const ws_extracted *x)
{
    w->stats->ocr_pages += x->ocr_pages;
    w->stats->ocr_skipped += x->ocr_skipped;
    w->stats->ocr_seconds += x->ocr_seconds;
    if (x->ocr_skipped) {
        char msg[128];
        snprintf(msg, sizeof msg, "OCR: %u page%s over the limit of %u s per page, left out",
                 x->ocr_skipped, x->ocr_skipped == 1 ? "" : "s",
                 ix->opts.extract.ocr_page_timeout ? ix->opts.extract.ocr_page_timeout : 20);
        report(w, WS_INDEX_EV_WARNING, f->path, msg, 0, 0);
    }
    const char *langs = ix->opts.extract.ocr_languages;
    if (ix->ocr_checked || !langs || !strchr(langs, '+'))
        return;
    ix->ocr_checked = 1;
    char *missing = NULL;
    if (ws_ocr_missing_languages(langs, &missing, NULL) == WS_OK && missing) {
        char pkgs[384] = "";
        size_t pl = 0;
        for (const char *m = missing; *m && pl < sizeof pkgs;) {
            size_t n = strcspn(m, "+");
            pl += (size_t)snprintf(pkgs + pl, sizeof pkgs - pl, "%stesseract-ocr-%.*s",
                                   pl ? " " : "", (int)n, m);
            m += n + (m[n] == '+');
        }
        char msg[1024];
        snprintf(msg, sizeof msg,
                 "OCR: no Tesseract language data for '%s' (install %s); "
                 "recognising with the other languages of '%s'",
                 missing, pkgs, langs);
        report(w, WS_INDEX_EV_WARNING, NULL, msg, 0, 0);
    }
    free(missing);
}

/* Write the extracted record of a changed file (x is consumed).
 * Only index write errors are returned. */
static int write_file(ws_index *ix, walk_ctx *w, const file_entry *f, uint32_t docid,
                      ws_extracted *x, ws_error *err)
{
    char idterm[WS_MAX_IDTERM + 1];
    ws_schema_idterm(f->path, idterm);
    ws_error xerr;
    ws_error_clear(&xerr);
    if (x->converted)
        report(w, WS_INDEX_EV_WARNING, f->path, "not UTF-8: read as Windows-1252/Latin-1", 0, 0);
    if (x->note)
        report(w, WS_INDEX_EV_WARNING, f->path, x->note, 0, 0);
    if (x->truncated) {
        /* Quietly losing a document's tail was issue 16: say what was kept. */
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%lld bytes: text longer than the %zu MiB limit, only its first %zu bytes are "
                 "searchable",
                 (long long)f->st.st_size, ix->opts.extract.max_text >> 20, x->text_len);
        report(w, WS_INDEX_EV_WARNING, f->path, msg, 0, 0);
    }
    if (x->ocr_pages || x->ocr_skipped)
        ocr_used(ix, w, f, x);
    ws_xdoc *doc = NULL;
    int rc = build_document(ix, f, x, &doc, &xerr);
    size_t bytes = x->text_len;
    ws_extracted_free(x);
    if (rc == WS_ENOMEM || rc == WS_EINTERNAL) {
        report(w, WS_INDEX_EV_FAILED, f->path, xerr.msg, 0, 0);
        w->stats->failed++;
        return WS_OK;
    }
    if (rc != WS_OK)
        return ws_error_set(err, rc, "%s", xerr.msg);
    rc = ws_xdb_replace_by_term(ix->db, idterm, doc, NULL, err);
    ws_xdoc_free(doc);
    if (rc != WS_OK)
        return rc;
    if (docid)
        w->stats->updated++;
    else
        w->stats->added++;
    ix->pending_docs++;
    ix->pending_bytes += bytes;
    return WS_OK;
}

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
static int remove_vanished(ws_index *ix, walk_ctx *w, const char *root, int root_is_dir,
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

/* ---- the run ------------------------------------------------------------ */

/* Where a file of the walk stands. */
enum { F_TODO = 0, F_UNCHANGED, F_RUNNING, F_DONE };

typedef struct slot {
    int state;
    uint32_t docid;
    ws_extracted *x; /* F_DONE: the record, or NULL with msg */
    char *msg;
} slot;

static int start_pool(ws_index *ix, ws_pool **pool, ws_error *err)
{
    ws_pool_options po;
    memset(&po, 0, sizeof po);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    po.jobs = ix->opts.jobs ? ix->opts.jobs : cpus > 0 ? (unsigned)cpus : 1;
    if (po.jobs > 256)
        po.jobs = 256;
    po.timeout = ix->opts.timeout ? ix->opts.timeout : 60;
    po.cpu_limit = ix->opts.cpu_limit ? ix->opts.cpu_limit : 60;
    po.mem_limit = ix->opts.mem_limit ? ix->opts.mem_limit : (size_t)2 << 30;
    po.extract = ix->opts.extract;
    po.hook = ix->opts.worker_hook;
    return ws_pool_new(pool, &po, err);
}

#define WINDOW_FILES 1024
#define WINDOW_BYTES ((size_t)64 << 20)

/* Take one finished file from the pool into its slot. */
static int collect_one(ws_pool *pool, slot *sl, size_t *buffered, ws_error *err)
{
    size_t tag = 0;
    ws_extracted *x = NULL;
    ws_error xerr;
    int rc = ws_pool_wait(pool, &tag, &x, &xerr, err);
    if (rc != WS_OK)
        return rc;
    sl[tag].state = F_DONE;
    sl[tag].x = x;
    if (x)
        *buffered += x->text_len;
    if (!x && !(sl[tag].msg = strdup(xerr.msg[0] ? xerr.msg : "extraction failed")))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    return WS_OK;
}

/* Index the files of one walk: signatures checked ahead, extraction in the
 * pool, writing in order. */
static int run_files(ws_index *ix, walk_ctx *w, ws_pool **pool, ws_error *err)
{
    size_t n = w->files.n;
    if (!n)
        return WS_OK;
    slot *sl = calloc(n, sizeof *sl);
    if (!sl)
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    size_t ahead = 0, next = 0; /* next file to check / to write */
    size_t buffered = 0;        /* text of finished files not yet written */
    int rc = WS_OK;
    while (rc == WS_OK && next < n) {
        /* Keep the workers busy up to a window ahead of the writer: far
         * enough that a slow file (a 1 000-page PDF) is started long before
         * the writer needs it, bounded in files and in text waiting. */
        while (rc == WS_OK && ahead < n && ahead - next < WINDOW_FILES && buffered < WINDOW_BYTES) {
            int changed = 0;
            rc = file_changed(ix, &w->files.v[ahead], &sl[ahead].docid, &changed, err);
            if (rc != WS_OK)
                break;
            if (!changed) {
                sl[ahead++].state = F_UNCHANGED;
                continue;
            }
            if (!*pool && (rc = start_pool(ix, pool, err)) != WS_OK)
                break;
            if (!ws_pool_can_submit(*pool))
                break;
            rc = ws_pool_submit(*pool, ahead, w->files.v[ahead].type, w->files.v[ahead].path, err);
            if (rc == WS_OK)
                sl[ahead++].state = F_RUNNING;
        }
        if (rc != WS_OK)
            break;
        slot *s = &sl[next];
        if (s->state == F_RUNNING) {
            rc = collect_one(*pool, sl, &buffered, err);
            continue;
        }
        const file_entry *f = &w->files.v[next];
        if (s->state == F_UNCHANGED) {
            w->stats->unchanged++;
        } else if (s->x) {
            buffered -= s->x->text_len;
            rc = write_file(ix, w, f, s->docid, s->x, err);
            s->x = NULL;
        } else {
            /* Extractor messages start with the path the event names. */
            const char *m = s->msg;
            size_t pl = strlen(f->path);
            if (!strncmp(m, f->path, pl) && m[pl] == ':' && m[pl + 1] == ' ')
                m += pl + 2;
            report(w, WS_INDEX_EV_FAILED, f->path, m, 0, 0);
            w->stats->failed++;
        }
        free(s->msg);
        s->msg = NULL;
        next++;
        if (rc == WS_OK)
            report(w, WS_INDEX_EV_FILE, f->path, NULL, next, n);
        if (rc == WS_OK)
            rc = maybe_commit(ix, w, 0, next, n, err);
    }
    /* On an index error, drop what is still out: the pool is killed. */
    for (size_t i = 0; i < n; i++) {
        ws_extracted_free(sl[i].x);
        free(sl[i].msg);
    }
    if (rc != WS_OK && *pool) {
        ws_pool_free(*pool);
        *pool = NULL;
    }
    free(sl);
    return rc;
}

/*
 * The index holds the text of every file it read, so it must not be more
 * readable than the most private of them: a file that others (or the
 * group) may not read takes those permissions off the database folder
 * before its text is written (a mode-000 file indexed as root must not end
 * up in a world-readable index).  Permissions are only ever narrowed; a
 * --rebuild starts again from the umask.
 */
static void narrow_mode(ws_index *ix, walk_ctx *w)
{
    mode_t strip = 0;
    const char *why = NULL;
    for (size_t i = 0; i < w->files.n; i++) {
        mode_t m = w->files.v[i].st.st_mode;
        mode_t s = (m & S_IROTH ? 0 : (mode_t)S_IRWXO) | (m & S_IRGRP ? 0 : (mode_t)S_IRWXG);
        if (s & ~strip) {
            strip |= s;
            why = w->files.v[i].path;
        }
    }
    struct stat st;
    if (!strip || !ix->dbdir || stat(ix->dbdir, &st) != 0 || !(st.st_mode & strip))
        return;
    mode_t mode = st.st_mode & 07777 & ~strip;
    if (chmod(ix->dbdir, mode) == 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "not readable by %s: the index folder %s is now mode %04o like it",
                 strip & S_IRWXG ? "group and others" : "others", ix->dbdir, (unsigned)mode);
        report(w, WS_INDEX_EV_WARNING, why, msg, 0, 0);
    }
}

/*
 * A root named on the command line that is gone: its documents would stay
 * searchable for ever (issue 16), so they are removed with a warning.  A
 * root that never had documents is a typo: an error once the others are
 * done.  The path is made absolute without resolving links (it cannot be
 * resolved any more); documents were stored under the resolved path, which
 * is the same unless the root was reached through a symbolic link.
 */
static int prune_gone_root(ws_index *ix, walk_ctx *w, const char *root, int *pruned, ws_error *err)
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
    int rc = remove_vanished(ix, w, abs, 1, err);
    if (rc == WS_OK)
        rc = remove_vanished(ix, w, abs, 0, err);
    unsigned long gone = w->stats->removed - before;
    if (rc == WS_OK && gone) {
        char msg[128];
        snprintf(msg, sizeof msg, "no longer exists: removed its %lu document%s from the index",
                 gone, gone == 1 ? "" : "s");
        report(w, WS_INDEX_EV_WARNING, abs, msg, 0, 0);
        *pruned = 1;
        rc = maybe_commit(ix, w, 0, 0, 0, err);
    }
    return rc;
}

int ws_index_update(ws_index *ix, const char *const *roots, size_t nroots,
                    ws_index_report_fn reportfn, void *ctx, ws_index_stats *stats, ws_error *err)
{
    ws_index_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!ix || !ix->db || (!roots && nroots))
        return ws_error_set(err, WS_EINVAL, "ws_index_update: invalid argument");
    ws_pool *pool = NULL; /* started when the first changed file is found */
    int rc = WS_OK;
    /* The index, by design never indexed when it lies inside an indexed
     * folder: its folder (an index of earlier versions), or its stub file
     * and the generations beside it (INDEX.gen, see layout.h). */
    char index_real[PATH_MAX], gen_real[PATH_MAX + 8];
    int have_index = realpath(ix->path, index_real) != NULL;
    int have_gen = have_index &&
                   snprintf(gen_real, sizeof gen_real, "%s.gen", index_real) < (int)sizeof gen_real;
    const char *missing = NULL; /* a root that does not exist and never had documents */
    for (size_t r = 0; r < nroots && rc == WS_OK; r++) {
        char real[PATH_MAX];
        walk_ctx w = {ix,
                      {0},
                      reportfn,
                      ctx,
                      stats,
                      real,
                      have_index ? index_real : NULL,
                      have_gen ? gen_real : NULL};
        if (!realpath(roots[r], real)) {
            int e = errno, pruned = 0;
            if (e == ENOENT || e == ENOTDIR) {
                rc = prune_gone_root(ix, &w, roots[r], &pruned, err);
                if (rc == WS_OK && !pruned && !missing)
                    missing = roots[r];
            } else {
                rc = ws_error_set(err, WS_ENOTFOUND, "%s: %s", roots[r], strerror(e));
            }
            continue;
        }
        struct stat st;
        int root_is_dir = stat(real, &st) == 0 && S_ISDIR(st.st_mode);
        rc = walk_path(&w, real, 0, 1, NULL, err);
        if (rc == WS_OK)
            narrow_mode(ix, &w);
        if (rc == WS_OK) {
            stats->files += w.files.n;
            report(&w, WS_INDEX_EV_SCAN_DONE, real, NULL, 0, w.files.n);
        }
        if (rc == WS_OK)
            rc = run_files(ix, &w, &pool, err);
        if (rc == WS_OK)
            rc = remove_vanished(ix, &w, real, root_is_dir, err);
        /* Roots share commits (the watcher names many single files): a
         * batch is committed when full, the rest once below. */
        if (rc == WS_OK)
            rc = maybe_commit(ix, &w, 0, w.files.n, w.files.n, err);
        list_free(&w.files);
    }
    ws_pool_free(pool);
    if (rc == WS_OK) {
        walk_ctx w = {ix, {0}, reportfn, ctx, stats, NULL, NULL, NULL};
        rc = maybe_commit(ix, &w, 1, stats->files, stats->files, err);
    }
    if (rc == WS_OK)
        rc = ws_xdb_doccount(ix->db, &stats->doccount, err);
    if (rc == WS_OK && missing) {
        /* the other roots are indexed and committed; this one is a typo */
        rc = ws_error_set(err, WS_ENOTFOUND, "%s: %s", missing, strerror(ENOENT));
    }
    if (rc != WS_OK)
        ix->failed = 1;
    return rc;
}

/* ---- the thesaurus ------------------------------------------------------ */

typedef struct syn_word {
    char key[4 * WS_MAX_TERM];  /* folded words joined by single spaces */
    char stem[WS_MAX_TERM + 2]; /* "Z" + stem of a one-word entry, or "" */
    int ntok, toolong;
} syn_word;

static int syn_token(void *ctx, const ws_token *t)
{
    syn_word *w = ctx;
    size_t kl = strlen(w->key);
    if (kl + 1 + t->term_len + 1 > sizeof w->key) {
        w->toolong = 1;
        return 1;
    }
    if (kl)
        w->key[kl++] = ' ';
    memcpy(w->key + kl, t->term, t->term_len + 1);
    if (w->ntok++ == 0 && t->stem)
        snprintf(w->stem, sizeof w->stem, "%s%s", WS_PFX_STEM, t->stem);
    else
        w->stem[0] = '\0';
    return 0;
}

static int take_key(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    return ws_strlist_add(ctx, term, len) != 0;
}

/* Remove the synonym entries of one thesaurus: those whose key starts
 * with WS_PFX_BROAD (OpenThesaurus) when broad, all others when not. */
static int clear_synonyms(ws_index *ix, int broad, ws_error *err)
{
    ws_strlist keys = {0};
    int rc = ws_xdb_synonym_keys(ix->db, take_key, &keys, err);
    if (rc == WS_OK && keys.oom)
        rc = ws_error_set(err, WS_ENOMEM, "out of memory");
    size_t pl = strlen(WS_PFX_BROAD);
    for (size_t i = 0; rc == WS_OK && i < keys.n; i++)
        if ((strncmp(keys.v[i], WS_PFX_BROAD, pl) == 0) == broad)
            rc = ws_xdb_clear_synonyms(ix->db, keys.v[i], err);
    ws_strlist_free(&keys);
    return rc;
}

#define WS_GROUP_MAX 64

/* Analyse the members of one group (separated by sep) into w; returns how
 * many, or -1 on error.  Text in parentheses is a note, not a word:
 * OpenThesaurus writes "abdüsen (ugs.)". */
static int read_group(ws_index *ix, char *line, const char *sep, syn_word *w, ws_error *err)
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, sep, &save); tok && n < WS_GROUP_MAX;
         tok = strtok_r(NULL, sep, &save)) {
        for (char *o = strchr(tok, '('); o; o = strchr(tok, '(')) {
            char *c = strchr(o, ')');
            if (!c) {
                *o = '\0';
                break;
            }
            memset(o, ' ', (size_t)(c - o) + 1);
        }
        memset(&w[n], 0, sizeof w[n]);
        if (ws_analyze(ix->an, tok, strlen(tok), 1, NULL, syn_token, &w[n], err) != WS_OK)
            return -1;
        if (w[n].ntok >= 1 && !w[n].toolong)
            n++;
    }
    return n;
}

/* One group of config/synonyms.txt.  One-word members are linked by stem
 * ("Z" + stem keys, which Xapian's parser looks up itself, so Kommune and
 * Kommunen expand alike).  A group with a member of several words (BAMF,
 * Bundesamt für Migration und Flüchtlinge) also links every member's
 * words, under "XM" + words, for the query rewriter (lib/query.c). */
static int load_group(ws_index *ix, char *line, ws_error *err)
{
    syn_word w[WS_GROUP_MAX];
    int n = read_group(ix, line, ",", w, err);
    if (n < 0)
        return err ? err->code : WS_EINTERNAL;
    int multi = 0;
    for (int i = 0; i < n; i++)
        multi |= w[i].ntok > 1;
    int rc = WS_OK;
    char key[4 * WS_MAX_TERM + 4];
    for (int i = 0; rc == WS_OK && i < n; i++)
        for (int k = 0; rc == WS_OK && k < n; k++) {
            if (i == k)
                continue;
            if (w[i].ntok == 1 && w[k].ntok == 1 && w[i].stem[0] && w[k].stem[0] &&
                strcmp(w[i].stem, w[k].stem))
                rc = ws_xdb_add_synonym(ix->db, w[i].stem, w[k].stem, err);
            if (rc == WS_OK && multi && strcmp(w[i].key, w[k].key)) {
                snprintf(key, sizeof key, "%s%s", WS_PFX_MULTIWORD, w[i].key);
                rc = ws_xdb_add_synonym(ix->db, key, w[k].key, err);
            }
        }
    return rc;
}

/* OpenThesaurus groups are wide (90 words at most); a word's 12 closest
 * kin are what a search can use, and larger groups are mostly idioms. */
#define WS_BROAD_GROUP 12

/* One line of OpenThesaurus ("a;b;c"): its one-word members linked by
 * stem under "XT" + "Z" + stem. */
static int load_broad_group(ws_index *ix, char *line, ws_error *err)
{
    syn_word w[WS_GROUP_MAX];
    int n = read_group(ix, line, ";", w, err);
    if (n < 0)
        return err ? err->code : WS_EINTERNAL;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (w[i].ntok == 1 && w[i].stem[0])
            w[m++] = w[i];
    if (m > WS_BROAD_GROUP)
        return WS_OK;
    int rc = WS_OK;
    char key[WS_MAX_TERM + 8];
    for (int i = 0; rc == WS_OK && i < m; i++)
        for (int k = 0; rc == WS_OK && k < m; k++)
            if (i != k && strcmp(w[i].stem, w[k].stem)) {
                snprintf(key, sizeof key, "%s%s", WS_PFX_BROAD, w[i].stem);
                rc = ws_xdb_add_synonym(ix->db, key, w[k].stem, err);
            }
    return rc;
}

#define WS_META_SYNONYMS "wsearch.synonyms"
#define WS_MAX_THESAURUS ((long)8 << 20)

/* Read a thesaurus file (UTF-8 text, at most 8 MiB) into b, and its
 * checksum into sum. */
static int read_thesaurus(const char *path, ws_buf *b, char sum[32], ws_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ws_error_set(err, errno == ENOENT ? WS_ENOTFOUND : WS_EIO, "%s: %s", path,
                            strerror(errno));
    b->max = (size_t)WS_MAX_THESAURUS;
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ws_buf_append(b, chunk, got);
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err)
        return ws_error_set(err, WS_EIO, "%s: read error", path);
    if (b->full)
        return ws_error_set(err, WS_ETOOBIG, "%s: thesaurus larger than 8 MiB", path);
    if (!ws_buf_cstr(b))
        return ws_error_set(err, WS_ENOMEM, "out of memory");
    if (!ws_utf8_valid(b->data, b->len))
        return ws_error_set(err, WS_EFORMAT, "%s: not UTF-8 text", path);
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < b->len; i++) {
        h ^= (unsigned char)b->data[i];
        h *= 1099511628211ULL;
    }
    snprintf(sum, 32, "%016llx", (unsigned long long)h);
    return WS_OK;
}

/* Load a thesaurus unless the index holds this very file already (its
 * checksum under meta), so an unchanged run leaves the index untouched.
 * path NULL removes it. */
static int load_thesaurus(ws_index *ix, const char *path, const char *meta, int broad,
                          int (*group)(ws_index *, char *, ws_error *), int *changed, ws_error *err)
{
    if (changed)
        *changed = 0;
    ws_buf b = WS_BUF_INIT;
    char sum[32] = "", *old = NULL;
    int rc = path ? read_thesaurus(path, &b, sum, err) : WS_OK;
    if (rc == WS_OK)
        rc = ws_xdb_get_metadata(ix->db, meta, &old, err);
    int same = rc == WS_OK && !strcmp(old, sum);
    free(old);
    if (rc != WS_OK || same) {
        ws_buf_free(&b);
        return rc;
    }
    rc = clear_synonyms(ix, broad, err);
    char *line = path ? b.data : NULL;
    while (rc == WS_OK && line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = group(ix, line, err);
        line = nl ? nl + 1 : NULL;
    }
    if (rc == WS_OK)
        rc = ws_xdb_set_metadata(ix->db, meta, sum, err);
    if (rc == WS_OK) {
        ix->meta_dirty = 1;
        if (changed)
            *changed = 1;
    }
    ws_buf_free(&b);
    return rc;
}

int ws_index_load_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err)
{
    if (!ix || !path)
        return ws_error_set(err, WS_EINVAL, "ws_index_load_synonyms: invalid argument");
    return load_thesaurus(ix, path, WS_META_SYNONYMS, 0, load_group, changed, err);
}

int ws_index_load_broad_synonyms(ws_index *ix, const char *path, int *changed, ws_error *err)
{
    if (!ix)
        return ws_error_set(err, WS_EINVAL, "ws_index_load_broad_synonyms: invalid argument");
    return load_thesaurus(ix, path, WS_META_BROAD, 1, load_broad_group, changed, err);
}

/* ---- compounds ---------------------------------------------------------- */

#define WS_META_COMPOUNDS "wsearch.compounds"

int ws_index_set_dictionary(ws_index *ix, const char *path, ws_error *err)
{
    ws_compounds *d = NULL;
    int rc = ws_compounds_load(&d, path, err);
    if (rc != WS_OK) {
        ix->failed = 1; /* a rebuild that stops here must not replace the index */
        return rc;
    }
    ws_compounds_free(ix->dict);
    ix->dict = d;
    /* Which list split the documents: a different one changes only new
     * and re-read documents, so it is recorded, not enforced. */
    return set_metadata(ix, WS_META_COMPOUNDS, ws_compounds_id(d), err);
}
