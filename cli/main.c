/*
 * main.c - the wsearch command: search an index, or build one.
 *
 *   wsearch [OPTIONS] QUERY...        search (the index opened directly)
 *   wsearch index [OPTIONS] FOLDER... build or update the index
 *   wsearch info                      what the index holds
 *
 * Only the public API in include/wsearch/ is used here, as curl's tool
 * uses only libcurl's.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wsearch/search.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("wsearch: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *f)
{
    fputs("usage: wsearch [OPTIONS] QUERY...\n"
          "       wsearch index [--rebuild] [-q|-v] FOLDER|FILE...\n"
          "       wsearch info\n"
          "\n"
          "Search German recaps and presentations.  Hits with all the words come first,\n"
          "then those with some of them (+word, \"phrases\" and fields are required);\n"
          "German word forms match each other (Kommune finds Kommunen).\n"
          "\n"
          "Query syntax:\n"
          "  \"Integration vor Ort\"   exact phrase       wohnraum OR wohnung  either word\n"
          "  kita -schule            without a word     integr*              word beginning\n"
          "  title:resilienz  referent:altmann  org:stiftung  event:austausch  tag:ehrenamt\n"
          "  type:md  jahr:2024  datum:2024-01-01..2024-06-30\n"
          "\n"
          "Options:\n"
          "  -i, --index DIR     index to use (default: $WSEARCH_INDEX, the config's\n"
          "                      'index', or ~/.local/share/wsearch/index)\n"
          "  -n, --limit N       show N hits (default 10)\n"
          "      --offset N      skip the first N hits\n"
          "      --type TYPE     only documents of TYPE (txt, md, html)\n"
          "      --from DATE     only documents dated DATE (YYYY-MM-DD) or later\n"
          "      --to DATE       only documents dated DATE or earlier\n"
          "      --sort ORDER    relevance (default), date (newest first), date-asc\n"
          "      --json          print hits as a JSON array\n"
          "      --color WHEN    highlight with ANSI bold: auto (default), always, never\n"
          "      --rewrite       print the query as the analysis rewrote it, and exit\n"
          "      --explain       say in German how each part of the query was understood\n"
          "                      (words, stems, gender forms, umlauts, synonyms, phrases,\n"
          "                      operators, NEAR, fields, dates, wildcards, spelling), and exit\n"
          "      --socket PATH   ask the searchd listening on PATH (error if it does not answer)\n"
          "      --direct        open the index directly, even if searchd is running\n"
          "  -c, --config FILE   read FILE instead of the default configuration\n"
          "  -h, --help          this text;  -V, --version  the version\n"
          "\n"
          "By default wsearch asks searchd when its socket ($WSEARCH_SOCKET, the config's\n"
          "searchd.socket, or the default) answers for the same index, else opens the index.\n"
          "\n"
          "Exit status: 0 hits found, 1 no hits, 2 error.  To search for the words\n"
          "'index' or 'info', write: wsearch -- index\n",
          f);
}

static int parse_uint(const char *opt, const char *s, unsigned max, unsigned *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || (unsigned long)v > max) {
        cli_error("%s wants a number from 0 to %u, not '%s'", opt, max, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* The same output whether the results came from the index or searchd. */
static int print_results(const ws_results *r, const out_opts *oo, const char *q)
{
    if (!r->nhits && !oo->json)
        fprintf(stdout, "no hits for: %s\n", q);
    /* On stderr, so --json output stays what it was; the hits are real. */
    if (r->truncated)
        cli_error("note: results cut short by the query budget (%s%s%s%s%s): these are the best "
                  "hits found within it",
                  r->truncated & WS_TRUNCATED_WILDCARDS ? "wildcards stand for fewer words" : "",
                  (r->truncated & WS_TRUNCATED_WILDCARDS) && (r->truncated & ~1u) ? "; " : "",
                  r->truncated & WS_TRUNCATED_TIME ? "time limit reached" : "",
                  (r->truncated & WS_TRUNCATED_TIME) && (r->truncated & WS_TRUNCATED_SYNONYMS)
                      ? "; "
                      : "",
                  r->truncated & WS_TRUNCATED_SYNONYMS ? "fewer synonyms per word" : "");
    /* Ranked, not filtered: say when hits lack some of the words. */
    if (r->partial)
        cli_error("note: %u of %zu hits match only some of the words", r->partial, r->nhits);
    out_results(stdout, r, oo);
    return r->nhits ? EXIT_HITS : EXIT_NOHITS;
}

/* What the command line asked for; color and limit are resolved after it. */
typedef struct search_args {
    ws_search_options so;
    out_opts oo;
    const char *color, *limit, *socket;
    int rewrite_only, direct; /* rewrite_only: 1 --rewrite, 2 --explain */
    char *q;                  /* every non-option word joined by spaces */
    size_t ql;
} search_args;

static void append_word(search_args *sa, const char *a)
{
    if (sa->ql)
        sa->q[sa->ql++] = ' ';
    memcpy(sa->q + sa->ql, a, strlen(a));
    sa->ql += strlen(a);
}

/* --sort's value; 0, or -1 after saying why. */
static int parse_sort(ws_search_options *so, const char *s)
{
    if (!strcmp(s, "relevance"))
        so->sort = WS_SORT_RELEVANCE;
    else if (!strcmp(s, "date"))
        so->sort = WS_SORT_DATE_DESC;
    else if (!strcmp(s, "date-asc"))
        so->sort = WS_SORT_DATE_ASC;
    else {
        cli_error("--sort wants relevance, date or date-asc, not '%s'", s);
        return -1;
    }
    return 0;
}

/* The option loop and the query; 0, or -1 after saying why. */
static int parse_search_args(cli_env *env, search_args *sa, int argc, char **argv)
{
    int only_words = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (only_words || a[0] != '-' || !a[1]) {
            append_word(sa, a);
        } else if (!strcmp(a, "--")) {
            only_words = 1;
        } else if ((!strcmp(a, "-n") || !strcmp(a, "--limit")) && has_val) {
            sa->limit = argv[++i];
        } else if (!strncmp(a, "-n", 2) && a[2] >= '0' && a[2] <= '9') {
            sa->limit = a + 2; /* -n1 as -n 1 */
        } else if (!strncmp(a, "--limit=", 8)) {
            sa->limit = a + 8;
        } else if (!strcmp(a, "--offset") && has_val) {
            if (parse_uint(a, argv[++i], 1000000, &sa->so.offset))
                return -1;
        } else if (!strcmp(a, "--type") && has_val) {
            sa->so.type = argv[++i];
        } else if (!strcmp(a, "--from") && has_val) {
            sa->so.date_from = argv[++i];
        } else if (!strcmp(a, "--to") && has_val) {
            sa->so.date_to = argv[++i];
        } else if (!strcmp(a, "--sort") && has_val) {
            if (parse_sort(&sa->so, argv[++i]))
                return -1;
        } else if (!strcmp(a, "--json")) {
            sa->oo.json = 1;
        } else if (!strcmp(a, "--rewrite")) {
            sa->rewrite_only = 1;
        } else if (!strcmp(a, "--explain")) {
            sa->rewrite_only = 2;
        } else if ((!strcmp(a, "-i") || !strcmp(a, "--index")) && has_val) {
            env->index = argv[++i]; /* also accepted after other options */
        } else if (!strcmp(a, "--direct")) {
            sa->direct = 1;
        } else if (!strcmp(a, "--socket") && has_val) {
            sa->socket = argv[++i];
        } else if (!strcmp(a, "--color") && has_val) {
            sa->color = argv[++i];
        } else if (!strncmp(a, "--color=", 8)) {
            sa->color = a + 8;
        } else if (a[1] != '-' && !strchr("ncih", a[1])) {
            /* "-wort" is a query word excluding wort, as in the syntax. */
            append_word(sa, a);
        } else {
            cli_error("unknown option '%s' (see wsearch --help)", a);
            return -1;
        }
    }
    sa->q[sa->ql] = '\0';
    if (!sa->ql) {
        cli_error("no query given (see wsearch --help)");
        return -1;
    }
    return 0;
}

/* Settings: flag > environment > config > default (ws_config_resolve);
 * 0, or -1 after saying why. */
static int resolve_search_settings(const cli_env *env, search_args *sa, ws_setting *sock)
{
    ws_error err;
    ws_error_clear(&err);
    ws_setting st;
    if (ws_config_resolve(env->config, "limit", sa->limit, &st, &err) != WS_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    if (st.from != WS_FROM_DEFAULT)
        sa->so.limit = st.number;
    if (ws_config_resolve(env->config, "color", sa->color, &st, &err) != WS_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    if (st.number == 0) /* auto */
        sa->oo.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !sa->oo.json;
    else
        sa->oo.color = st.number == 1 && !sa->oo.json; /* always, never */
    sa->oo.query = sa->q;

    if (ws_config_resolve(env->config, "searchd.socket", sa->socket, sock, &err) != WS_OK) {
        cli_error("%s", err.msg);
        return -1;
    }
    return 0;
}

/* Through searchd when one serves this index; 1 when done (*rc set),
 * 0 to search directly. */
static int search_remote(const cli_env *env, const search_args *sa, const ws_setting *sock, int *rc)
{
    /* a socket that is off means: open the index directly */
    if (sa->rewrite_only || !(sa->socket || !sa->direct) || !sock->value)
        return 0;
    ws_results *r = NULL;
    char msg[600];
    int rr = remote_search(sock->value, env->index, sa->q, &sa->so, &r, msg, sizeof msg);
    if (rr == REMOTE_ERROR || (rr != REMOTE_OK && sa->socket)) {
        cli_error("%s", msg);
        return 1;
    }
    if (rr == REMOTE_OK) {
        *rc = print_results(r, &sa->oo, sa->q);
        ws_results_free(r);
        return 1;
    }
    /* no daemon, or one for another index: search directly */
    return 0;
}

/* --explain and --rewrite print what the query becomes; the exit code. */
static int print_rewrite(ws_searcher *s, const search_args *sa, ws_error *err)
{
    int rc = EXIT_ERROR;
    if (sa->rewrite_only == 2) {
        char **lines = NULL;
        size_t nl = 0;
        if (ws_search_explain(s, sa->q, sa->ql, &lines, &nl, err) != WS_OK) {
            cli_error("%s", err->msg);
        } else {
            for (size_t i = 0; i < nl; i++)
                puts(lines[i]);
            rc = 0;
        }
        ws_strings_free(lines, nl);
        return rc;
    }
    char *rw = NULL;
    if (ws_search_rewrite(s, sa->q, sa->ql, &rw, err) != WS_OK) {
        cli_error("%s", err->msg);
    } else {
        puts(rw);
        rc = 0;
    }
    free(rw);
    return rc;
}

/* The index opened here, not through searchd; the exit code. */
static int search_direct(const cli_env *env, const search_args *sa)
{
    ws_error err;
    ws_error_clear(&err);
    ws_searcher *s = NULL;
    if (ws_searcher_open(&s, env->index, &err) != WS_OK) {
        cli_error("%s", err.msg);
        return EXIT_ERROR;
    }
    int rc = EXIT_ERROR;
    ws_results *r = NULL;
    if (sa->rewrite_only) {
        rc = print_rewrite(s, sa, &err);
    } else if (ws_search(s, sa->q, sa->ql, &sa->so, &r, &err) != WS_OK) {
        cli_error("%s", err.msg);
    } else {
        rc = print_results(r, &sa->oo, sa->q);
        ws_results_free(r);
    }
    ws_searcher_close(s);
    return rc;
}

static int cmd_search(cli_env *env, int argc, char **argv)
{
    search_args sa = {.so = WS_SEARCH_OPTIONS_INIT, .oo = {0, 0, NULL}};
    /* The query is every non-option word joined by spaces. */
    size_t qcap = 1;
    for (int i = 0; i < argc; i++)
        qcap += strlen(argv[i]) + 1;
    sa.q = malloc(qcap);
    if (!sa.q) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int rc = EXIT_ERROR;
    ws_setting sock;
    if (parse_search_args(env, &sa, argc, argv) == 0 &&
        resolve_search_settings(env, &sa, &sock) == 0 && !search_remote(env, &sa, &sock, &rc))
        rc = search_direct(env, &sa);
    free(sa.q);
    if (fflush(stdout) != 0 && rc != EXIT_ERROR) {
        cli_error("cannot write the results");
        rc = EXIT_ERROR;
    }
    return rc;
}

int cmd_info(cli_env *env, int argc, char **argv)
{
    (void)argv;
    if (argc) {
        cli_error("info takes no arguments");
        return EXIT_ERROR;
    }
    ws_error err;
    ws_searcher *s = NULL;
    uint32_t n = 0;
    if (ws_searcher_open(&s, env->index, &err) != WS_OK ||
        ws_searcher_doccount(s, &n, &err) != WS_OK) {
        cli_error("%s", err.msg);
        ws_searcher_close(s);
        return EXIT_ERROR;
    }
    ws_version_info v;
    ws_version(&v);
    printf("index:     %s\ndocuments: %u\nanalysis:  %s\nxapian:    %s\n", env->index, n,
           v.analysis, v.xapian);
    ws_searcher_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    cli_env env = {NULL, NULL, "wsearch"};
    const char *index = NULL, *config_path = NULL;
    int first = 1;
    /* Global options come before the command or query. */
    for (; first < argc; first++) {
        const char *a = argv[first];
        if ((!strcmp(a, "-i") || !strcmp(a, "--index")) && first + 1 < argc)
            index = argv[++first];
        else if (!strncmp(a, "--index=", 8))
            index = a + 8;
        else if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && first + 1 < argc)
            config_path = argv[++first];
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            ws_version_info v;
            ws_version(&v);
            printf("wsearch %s (xapian %s)\n", v.wsearch, v.xapian);
            return 0;
        } else
            break;
    }
    if (first >= argc) {
        usage(stderr);
        return EXIT_ERROR;
    }

    ws_error err;
    ws_error_clear(&err);
    char *cfg_default = config_path ? NULL : ws_config_default_path();
    const char *cfg = config_path ? config_path : cfg_default;
    int rc = cfg ? ws_config_load(&env.config, cfg, &err) : ws_config_new(&env.config, &err);
    free(cfg_default);
    /* An unknown key or a bad value is an error at once, naming file:line. */
    if (rc == WS_OK)
        rc = ws_config_check(env.config, &err);
    /* Precedence: --index, $WSEARCH_INDEX, the config's "index", default. */
    static ws_setting idx; /* static: env.index points into it until exit */
    if (rc == WS_OK)
        rc = ws_config_resolve(env.config, "index", index, &idx, &err);
    if (rc != WS_OK) {
        cli_error("%s", err.msg);
        ws_config_free(env.config);
        return EXIT_ERROR;
    }
    env.index = idx.value;

    const char *cmd = argv[first];
    if (!strcmp(cmd, "index"))
        rc = cmd_index(&env, argc - first - 1, argv + first + 1);
    else if (!strcmp(cmd, "info"))
        rc = cmd_info(&env, argc - first - 1, argv + first + 1);
    else
        rc = cmd_search(&env, argc - first, argv + first);
    ws_config_free(env.config);
    return rc;
}
