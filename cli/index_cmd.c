/*
 * index_cmd.c - `wsearch index`: build or update the index from folders.
 *
 * Another writer (a watcher writing a batch, a rebuild) makes the open
 * fail with WS_ELOCKED; the command then waits for it, with a growing
 * pause and one line on stderr, for at most LOCK_WAIT_S, because the
 * watcher holds the lock only for a batch and a nightly --rebuild next to
 * it should simply run.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "wsearch/index.h"
#include "wsearch/search.h"

typedef struct progress {
    int tty;     /* draw a progress bar on stderr */
    int verbose; /* one line per file */
    int quiet;   /* failures only */
    int drawn;   /* a bar is on screen and must be cleared before a message */
    unsigned long total;
    double start; /* when the first walk was over (rates count from there) */
} progress;

static double mono_s(void);

static void clear_bar(progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

static void on_event(void *ctx, const ws_index_event *ev)
{
    progress *p = ctx;
    switch (ev->kind) {
    case WS_INDEX_EV_SCAN_DONE:
        p->total = ev->total;
        p->start = mono_s(); /* each root's walk: done counts from 0 again */
        break;
    case WS_INDEX_EV_FAILED:
        clear_bar(p);
        fprintf(stderr, "wsearch: %s: %s\n", ev->path ? ev->path : "?", ev->message);
        break;
    case WS_INDEX_EV_WARNING:
        if (p->quiet)
            break;
        clear_bar(p);
        if (ev->path)
            fprintf(stderr, "wsearch: warning: %s: %s\n", ev->path, ev->message);
        else /* about the run, not a file */
            fprintf(stderr, "wsearch: warning: %s\n", ev->message);
        break;
    case WS_INDEX_EV_REMOVED:
        if (p->verbose) {
            clear_bar(p);
            fprintf(stderr, "removed %s\n", ev->path);
        }
        break;
    case WS_INDEX_EV_FILE:
        if (p->verbose) {
            clear_bar(p);
            fprintf(stderr, "[%lu/%lu] %s\n", ev->done, ev->total, ev->path);
        } else if (p->tty && !p->quiet && ev->total >= 20) {
            /* Redraw at most ~100 times per run: cheap, and no flicker. */
            unsigned long step = ev->total / 100 + 1;
            if (ev->done % step && ev->done != ev->total)
                break;
            int width = 30, fill = (int)(ev->done * (unsigned long)width / ev->total);
            double dt = mono_s() - p->start;
            dt = dt > 0.001 ? dt : 0.001;
            fprintf(stderr, "\rindexing [%.*s%*s] %lu/%lu  %.1f MB/s  %.0f documents/s", fill,
                    "##############################", width - fill, "", ev->done, ev->total,
                    (double)ev->bytes / 1048576 / dt, (double)ev->done / dt);
            p->drawn = 1;
        }
        break;
    case WS_INDEX_EV_SKIPPED:
        if (p->verbose) {
            clear_bar(p);
            fprintf(stderr, "skipped %s: %s\n", ev->path ? ev->path : "?", ev->message);
        }
        break;
    case WS_INDEX_EV_COMMIT:
        break;
    }
}

/* mkdir -p for the index's parent folders. */
static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

#define LOCK_WAIT_S 300 /* how long to wait for another writer */

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ws_index_open, waiting (bounded) while another process writes. */
static int open_waiting(ws_index **ix, const char *path, const ws_index_options *opts,
                        ws_error *err)
{
    double end = mono_s() + LOCK_WAIT_S;
    long pause_ms = 50;
    int said = 0;
    for (;;) {
        int rc = ws_index_open(ix, path, opts, err);
        if (rc != WS_ELOCKED || mono_s() >= end)
            return rc;
        if (!said) {
            fprintf(stderr, "wsearch: %s; waiting for it (at most %d s)\n", err->msg, LOCK_WAIT_S);
            said = 1;
        }
        struct timespec ts = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if ((pause_ms *= 2) > 1000)
            pause_ms = 1000;
    }
}

static void print_summary(const cli_env *env, const ws_index_stats *st, int verbose)
{
    unsigned long changed = st->added + st->updated + st->removed;
    /* What was not indexed by design is counted too; -v names each. */
    char skip[96] = "";
    if (st->ignored)
        snprintf(skip, sizeof skip, ", %lu skipped%s", st->ignored,
                 verbose ? "" : " (-v names them)");
    if (!changed && !st->failed)
        printf("index is up to date: %lu files checked, nothing changed%s (%u documents in %s)\n",
               st->files, skip, st->doccount, env->index);
    else
        printf("%lu files: %lu added, %lu updated, %lu removed, %lu unchanged, %lu failed%s "
               "(%u documents in %s)\n",
               st->files, st->added, st->updated, st->removed, st->unchanged, st->failed, skip,
               st->doccount, env->index);
    if (st->ocr_pages || st->ocr_skipped) {
        /* The slow path, measured: worker time, so it can exceed the run's. */
        printf("OCR: %lu page%s in %.1f s (%.2f s a page)", st->ocr_pages,
               st->ocr_pages == 1 ? "" : "s", st->ocr_seconds,
               st->ocr_seconds / (double)(st->ocr_pages + st->ocr_skipped));
        if (st->ocr_skipped)
            printf(", %lu page%s over the time limit left out", st->ocr_skipped,
                   st->ocr_skipped == 1 ? "" : "s");
        putchar('\n');
    }
}

static void usage_index(FILE *f)
{
    fputs("usage: wsearch index [--rebuild | --watch] [--batch N] [-j N] [--timeout S] [-q | -v] "
          "[--index "
          "DIR]\n"
          "                     FOLDER|FILE...\n"
          "\n"
          "Adds new files, re-reads changed ones, removes documents of deleted files.\n"
          "  --rebuild     build a new index beside the live one and swap it in at the end\n"
          "                (searches never see a half-built index)\n"
          "  --watch       after updating, follow the folders (inotify) and index changes\n"
          "                as they happen, until SIGTERM or ^C\n"
          "  --batch N     commit after every N changed documents (default 10000), and\n"
          "                whenever a batch holds 32 MB of analysed documents\n"
          "  -j, --jobs N  extract in N worker processes (default: number of CPUs)\n"
          "  --timeout S   give up on a file after S seconds (wall clock and CPU; default 60)\n"
          "  -q, --quiet   print only failures\n"
          "  -v, --verbose print every file, and every file skipped with the reason\n"
          "  --synonyms F  load the thesaurus F (default: $WSEARCH_SYNONYMS, the config's\n"
          "                'synonyms', or /etc/wsearch/synonyms.txt if present);\n"
          "                --synonyms off leaves the index's synonyms as they are\n"
          "  --dictionary F  split closed compounds with the word list F (default:\n"
          "                $WSEARCH_DICTIONARY, the config's 'dictionary', or\n"
          "                /usr/share/dict/ngerman from wngerman if present; off: no splitting)\n"
          "  --openthesaurus F  widen searches, at a lower weight, with the general thesaurus\n"
          "                F (Debian's openthesaurus-de-text:\n"
          "                /usr/share/openthesaurus-de/openthesaurus.txt); default:\n"
          "                $WSEARCH_OPENTHESAURUS or the config's 'openthesaurus'; off or\n"
          "                unset: off (an index that had it drops it)\n"
          "  (every setting: flag > environment > config file > default; off, none or an\n"
          "  empty value all mean off)\n"
          "  --ocr auto|off  recognise scanned PDF pages and images with Tesseract\n"
          "                (default: the config's 'ocr', else auto)\n"
          "  --ocr-languages L  Tesseract languages, e.g. deu+eng (default deu)\n"
          "  --ocr-dpi N   render scanned PDF pages at N dpi (default 300)\n"
          "  --ocr-page-timeout S  give up on a page after S seconds (default 20)\n",
          f);
}

/* OCR: the flags of the same names as the config's keys, resolved
 * after the command line like every other setting. */
static const char *const ocr_keys[] = {"ocr", "ocr_languages", "ocr_dpi", "ocr_page_timeout"};

/* What the command line asked for, before the settings are resolved. */
typedef struct index_args {
    ws_index_options opts;
    progress pr;
    const char **roots;
    size_t nroots;
    const char *synonyms, *dictionary, *broad;
    const char *ocr_flags[4];
    int watch;
} index_args;

/* The resolved settings; ocr_languages points into a flag or the config. */
typedef struct index_settings {
    ws_setting dict, syn, bro;
} index_settings;

#define ARGS_GO_ON (-1) /* parse_number/parse_index_args: no exit code yet */

/* --batch, -j/--jobs, --timeout, and -jN (glued); ARGS_GO_ON or the exit code. */
static int parse_number(index_args *a, const char *opt, const char *val, int glued)
{
    char *end;
    if (!strcmp(opt, "--batch")) {
        long n = strtol(val, &end, 10);
        if (*end || n < 1 || n > 1000000) {
            cli_error("--batch wants a number from 1 to 1000000, not '%s'", val);
            return EXIT_ERROR;
        }
        a->opts.batch_docs = (unsigned)n;
    } else if (glued) {
        long n = strtol(val, &end, 10);
        if (*end || n > 256) {
            cli_error("-j wants a number from 1 to 256, not '%s'", val);
            return EXIT_ERROR;
        }
        a->opts.jobs = (unsigned)n;
    } else {
        long n = strtol(val, &end, 10);
        if (*end || n < 1 || n > (strcmp(opt, "--timeout") ? 256 : 86400)) {
            cli_error("%s wants a number from 1 to %d, not '%s'", opt,
                      strcmp(opt, "--timeout") ? 256 : 86400, val);
            return EXIT_ERROR;
        }
        if (!strcmp(opt, "--timeout"))
            a->opts.timeout = a->opts.cpu_limit = (unsigned)n;
        else
            a->opts.jobs = (unsigned)n;
    }
    return ARGS_GO_ON;
}

/* --ocr, --ocr-languages, ... name the config key with '-' for '_'. */
static void set_ocr_flag(index_args *a, const char *opt, const char *val)
{
    char key[32];
    snprintf(key, sizeof key, "%s", opt + 2);
    for (char *k = key; *k; k++)
        *k = *k == '-' ? '_' : *k;
    for (size_t k = 0; k < 4; k++)
        if (!strcmp(key, ocr_keys[k]))
            a->ocr_flags[k] = val;
}

/* The option loop; ARGS_GO_ON or the exit code (0 after --help). */
static int parse_index_args(index_args *ia, int argc, char **argv)
{
    int only_args = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc = ARGS_GO_ON;
        if (only_args || a[0] != '-') {
            ia->roots[ia->nroots++] = a;
        } else if (!strcmp(a, "--synonyms") && i + 1 < argc) {
            ia->synonyms = argv[++i];
        } else if (!strcmp(a, "--dictionary") && i + 1 < argc) {
            ia->dictionary = argv[++i];
        } else if (!strcmp(a, "--openthesaurus") && i + 1 < argc) {
            ia->broad = argv[++i];
        } else if ((!strcmp(a, "--ocr") || !strcmp(a, "--ocr-languages") ||
                    !strcmp(a, "--ocr-dpi") || !strcmp(a, "--ocr-page-timeout")) &&
                   i + 1 < argc) {
            set_ocr_flag(ia, a, argv[++i]);
        } else if (!strcmp(a, "--")) {
            only_args = 1;
        } else if (!strcmp(a, "--rebuild")) {
            ia->opts.rebuild = 1;
        } else if (!strcmp(a, "--watch")) {
            ia->watch = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            ia->pr.quiet = 1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            ia->pr.verbose = 1;
        } else if ((!strcmp(a, "--batch") || !strcmp(a, "-j") || !strcmp(a, "--jobs") ||
                    !strcmp(a, "--timeout")) &&
                   i + 1 < argc) {
            rc = parse_number(ia, a, argv[i + 1], 0);
            i++;
        } else if (!strncmp(a, "-j", 2) && a[2] >= '1' && a[2] <= '9') {
            rc = parse_number(ia, a, a + 2, 1);
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage_index(stdout);
            return 0;
        } else {
            cli_error("index: unknown option '%s' (see wsearch index --help)", a);
            return EXIT_ERROR;
        }
        if (rc != ARGS_GO_ON)
            return rc;
    }
    return ARGS_GO_ON;
}

/* Settings: flag > environment > config > default (ws_config_resolve). */
static int resolve_settings(const cli_env *env, index_args *ia, index_settings *s)
{
    ws_error oerr;
    ws_setting ocr_st;
    for (size_t k = 0; k < 4; k++) {
        if (ws_config_resolve(env->config, ocr_keys[k], ia->ocr_flags[k], &ocr_st, &oerr) !=
                WS_OK ||
            (ocr_st.from != WS_FROM_DEFAULT &&
             ws_config_ocr_set(&ia->opts.extract, ocr_keys[k], ocr_st.value, &oerr) != WS_OK)) {
            cli_error("%s", oerr.msg);
            return EXIT_ERROR;
        }
    }
    if (ws_config_resolve(env->config, "dictionary", ia->dictionary, &s->dict, &oerr) != WS_OK ||
        ws_config_resolve(env->config, "synonyms", ia->synonyms, &s->syn, &oerr) != WS_OK ||
        ws_config_resolve(env->config, "openthesaurus", ia->broad, &s->bro, &oerr) != WS_OK) {
        cli_error("%s", oerr.msg);
        return EXIT_ERROR;
    }
    return ARGS_GO_ON;
}

/*
 * A test seam for the crash tests (tests/e2e/crash_analysed.sh), in the
 * worker before it reads each file: WSEARCH_TEST_WORKER_LOG names a file
 * the path is appended to (what the workers have started), and
 * WSEARCH_TEST_WORKER_DELAY=NAME:S makes the worker sleep S seconds before
 * the file named NAME (a slow file that holds the writer back while the
 * other workers analyse the files after it).
 */
static void test_worker_hook(const char *path)
{
    const char *log = getenv("WSEARCH_TEST_WORKER_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%s\n", path);
        fclose(f);
    }
    const char *d = getenv("WSEARCH_TEST_WORKER_DELAY"), *colon = d ? strrchr(d, ':') : NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (colon && (size_t)(colon - d) == strlen(base) && !strncmp(d, base, strlen(base))) {
        struct timespec t = {atoi(colon + 1), 0};
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            ;
    }
}

/* What is checked before the index is opened; ARGS_GO_ON or the exit code. */
static int check_index_args(const cli_env *env, index_args *ia)
{
    if (!ia->nroots) {
        cli_error("index: name at least one folder or file to index");
        return EXIT_ERROR;
    }
    if (ia->watch && ia->opts.rebuild) {
        cli_error("index: --watch and --rebuild do not go together (rebuild first, then watch)");
        return EXIT_ERROR;
    }
    ia->pr.tty = isatty(STDERR_FILENO);
    if (getenv("WSEARCH_TEST_WORKER_LOG") || getenv("WSEARCH_TEST_WORKER_DELAY"))
        ia->opts.worker_hook = test_worker_hook;
    /* test seam: one Xapian writer (tests of its strict walk-order commits) */
    if (getenv("WSEARCH_TEST_ONE_WRITER"))
        ia->opts.writers = 1;
    if (make_parents(env->index) != 0) {
        cli_error("%s: cannot create the index's folder: %s", env->index, strerror(errno));
        return EXIT_ERROR;
    }
    return ARGS_GO_ON;
}

/* The thesauri, after the documents; a failure counts as a failed file. */
static void load_thesauri(ws_index *ix, const index_settings *s, const progress *pr,
                          ws_index_stats *st)
{
    /* The thesaurus; the installed one by default, if any.  Off leaves
     * the index's synonyms as they are. */
    const char *synonyms = s->syn.value;
    int syn_changed = 0;
    if (synonyms && !(s->syn.from == WS_FROM_DEFAULT && access(synonyms, R_OK) != 0)) {
        ws_error serr;
        if (ws_index_load_synonyms(ix, synonyms, &syn_changed, &serr) != WS_OK) {
            /* the documents are indexed all the same; say what is wrong */
            cli_error("%s", serr.msg);
            st->failed++;
        } else if (syn_changed && !pr->quiet) {
            printf("synonyms loaded from %s\n", synonyms);
        }
    }
    /* OpenThesaurus is a switch: on when named, off (and removed) when not. */
    const char *broad = s->bro.value;
    int broad_changed = 0;
    ws_error berr;
    if (ws_index_load_broad_synonyms(ix, broad, &broad_changed, &berr) != WS_OK) {
        cli_error("%s", berr.msg);
        st->failed++;
    } else if (broad_changed && !pr->quiet) {
        if (broad)
            printf("broad synonyms loaded from %s\n", broad);
        else
            printf("broad synonyms (OpenThesaurus) removed\n");
    }
}

/* Open, update, load the thesauri, watch if asked, close; the exit code. */
static int run_index(cli_env *env, index_args *ia, const index_settings *s)
{
    ws_error err;
    ws_error_clear(&err);
    ws_index *ix = NULL;
    int rc = open_waiting(&ix, env->index, &ia->opts, &err);
    if (rc != WS_OK) {
        cli_error("%s", err.msg);
        return EXIT_ERROR;
    }
    /* The word list for compounds; wngerman's by default, if installed. */
    if (s->dict.value && !(s->dict.from == WS_FROM_DEFAULT && access(s->dict.value, R_OK) != 0) &&
        ws_index_set_dictionary(ix, s->dict.value, &err) != WS_OK) {
        cli_error("%s", err.msg);
        ws_index_close(ix, NULL);
        return EXIT_ERROR;
    }
    ws_index_stats st;
    rc = ws_index_update(ix, ia->roots, ia->nroots, on_event, &ia->pr, &st, &err);
    clear_bar(&ia->pr);
    if (ia->watch && rc == WS_ENOTFOUND) {
        /* a watched folder may not be there yet: it is picked up when it comes */
        cli_error("warning: %s", err.msg);
        rc = WS_OK;
    }
    if (rc == WS_OK)
        load_thesauri(ix, s, &ia->pr, &st);
    int wrc = 0;
    if (ia->watch && rc == WS_OK) {
        print_summary(env, &st, ia->pr.verbose);
        fflush(stdout);
        wrc = cli_watch(ix, ia->roots, ia->nroots, on_event, &ia->pr, ia->pr.quiet);
    }
    ws_error cerr;
    int crc = ws_index_close(ix, &cerr);
    if (rc != WS_OK) {
        cli_error("%s", err.msg);
        return EXIT_ERROR;
    }
    if (crc != WS_OK) {
        cli_error("%s", cerr.msg);
        return EXIT_ERROR;
    }
    if (ia->watch)
        return wrc;
    print_summary(env, &st, ia->pr.verbose);
    /* Failed files were reported above; the index itself is consistent. */
    return st.failed ? EXIT_NOHITS : 0;
}

int cmd_index(cli_env *env, int argc, char **argv)
{
    index_args ia = {.opts = WS_INDEX_OPTIONS_INIT};
    index_settings s;
    ia.roots = calloc((size_t)argc + 1, sizeof *ia.roots);
    if (!ia.roots) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int rc = parse_index_args(&ia, argc, argv);
    if (rc == ARGS_GO_ON)
        rc = resolve_settings(env, &ia, &s);
    if (rc == ARGS_GO_ON)
        rc = check_index_args(env, &ia);
    if (rc == ARGS_GO_ON)
        rc = run_index(env, &ia, &s);
    free(ia.roots);
    return rc;
}
