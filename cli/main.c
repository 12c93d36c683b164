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
          "Search German recaps and presentations.  All words must match; German word\n"
          "forms match each other (Kommune finds Kommunen, Akteur:innen finds Akteur*innen).\n"
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
    out_results(stdout, r, oo);
    return r->nhits ? EXIT_HITS : EXIT_NOHITS;
}

static int cmd_search(cli_env *env, int argc, char **argv)
{
    ws_search_options so = WS_SEARCH_OPTIONS_INIT;
    out_opts oo = {0, 0, NULL};
    const char *color = NULL, *limit = NULL; /* the flags; resolved after the loop */
    int rewrite_only = 0, only_words = 0, direct = 0;
    const char *socket = NULL;
    /* The query is every non-option word joined by spaces. */
    size_t qcap = 1;
    for (int i = 0; i < argc; i++)
        qcap += strlen(argv[i]) + 1;
    char *q = malloc(qcap);
    if (!q) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    size_t ql = 0;
    int rc = EXIT_ERROR;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (only_words || a[0] != '-' || !a[1]) {
            if (ql)
                q[ql++] = ' ';
            memcpy(q + ql, a, strlen(a));
            ql += strlen(a);
        } else if (!strcmp(a, "--")) {
            only_words = 1;
        } else if ((!strcmp(a, "-n") || !strcmp(a, "--limit")) && has_val) {
            limit = argv[++i];
        } else if (!strncmp(a, "-n", 2) && a[2] >= '0' && a[2] <= '9') {
            limit = a + 2; /* -n1 as -n 1 */
        } else if (!strncmp(a, "--limit=", 8)) {
            limit = a + 8;
        } else if (!strcmp(a, "--offset") && has_val) {
            if (parse_uint(a, argv[++i], 1000000, &so.offset))
                goto done;
        } else if (!strcmp(a, "--type") && has_val) {
            so.type = argv[++i];
        } else if (!strcmp(a, "--from") && has_val) {
            so.date_from = argv[++i];
        } else if (!strcmp(a, "--to") && has_val) {
            so.date_to = argv[++i];
        } else if (!strcmp(a, "--sort") && has_val) {
            const char *s = argv[++i];
            if (!strcmp(s, "relevance"))
                so.sort = WS_SORT_RELEVANCE;
            else if (!strcmp(s, "date"))
                so.sort = WS_SORT_DATE_DESC;
            else if (!strcmp(s, "date-asc"))
                so.sort = WS_SORT_DATE_ASC;
            else {
                cli_error("--sort wants relevance, date or date-asc, not '%s'", s);
                goto done;
            }
        } else if (!strcmp(a, "--json")) {
            oo.json = 1;
        } else if (!strcmp(a, "--rewrite")) {
            rewrite_only = 1;
        } else if (!strcmp(a, "--explain")) {
            rewrite_only = 2;
        } else if ((!strcmp(a, "-i") || !strcmp(a, "--index")) && has_val) {
            env->index = argv[++i]; /* also accepted after other options */
        } else if (!strcmp(a, "--direct")) {
            direct = 1;
        } else if (!strcmp(a, "--socket") && has_val) {
            socket = argv[++i];
        } else if (!strcmp(a, "--color") && has_val) {
            color = argv[++i];
        } else if (!strncmp(a, "--color=", 8)) {
            color = a + 8;
        } else if (a[1] != '-' && !strchr("ncih", a[1])) {
            /* "-wort" is a query word excluding wort, as in the syntax. */
            if (ql)
                q[ql++] = ' ';
            memcpy(q + ql, a, strlen(a));
            ql += strlen(a);
        } else {
            cli_error("unknown option '%s' (see wsearch --help)", a);
            goto done;
        }
    }
    q[ql] = '\0';
    if (!ql) {
        cli_error("no query given (see wsearch --help)");
        goto done;
    }
    /* Settings: flag > environment > config > default (ws_config_resolve). */
    ws_error err;
    ws_error_clear(&err);
    ws_setting st;
    if (ws_config_resolve(env->config, "limit", limit, &st, &err) != WS_OK) {
        cli_error("%s", err.msg);
        goto done;
    }
    if (st.from != WS_FROM_DEFAULT)
        so.limit = st.number;
    if (ws_config_resolve(env->config, "color", color, &st, &err) != WS_OK) {
        cli_error("%s", err.msg);
        goto done;
    }
    if (st.number == 0) /* auto */
        oo.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !oo.json;
    else
        oo.color = st.number == 1 && !oo.json; /* always, never */
    oo.query = q;

    ws_results *r = NULL;
    ws_setting sock;
    if (ws_config_resolve(env->config, "searchd.socket", socket, &sock, &err) != WS_OK) {
        cli_error("%s", err.msg);
        goto done;
    }
    /* a socket that is off means: open the index directly */
    if (!rewrite_only && (socket || !direct) && sock.value) {
        char msg[600];
        int rr = remote_search(sock.value, env->index, q, &so, &r, msg, sizeof msg);
        if (rr == REMOTE_ERROR || (rr != REMOTE_OK && socket)) {
            cli_error("%s", msg);
            goto done;
        }
        if (rr == REMOTE_OK) {
            rc = print_results(r, &oo, q);
            ws_results_free(r);
            goto done;
        }
        /* no daemon, or one for another index: search directly */
    }

    ws_searcher *s = NULL;
    if (ws_searcher_open(&s, env->index, &err) != WS_OK) {
        cli_error("%s", err.msg);
        goto done;
    }
    if (rewrite_only == 2) {
        char **lines = NULL;
        size_t nl = 0;
        if (ws_search_explain(s, q, ql, &lines, &nl, &err) != WS_OK) {
            cli_error("%s", err.msg);
        } else {
            for (size_t i = 0; i < nl; i++)
                puts(lines[i]);
            rc = 0;
        }
        ws_strings_free(lines, nl);
        ws_searcher_close(s);
        goto done;
    }
    if (rewrite_only) {
        char *rw = NULL;
        if (ws_search_rewrite(s, q, ql, &rw, &err) != WS_OK) {
            cli_error("%s", err.msg);
        } else {
            puts(rw);
            rc = 0;
        }
        free(rw);
        ws_searcher_close(s);
        goto done;
    }
    if (ws_search(s, q, ql, &so, &r, &err) != WS_OK) {
        cli_error("%s", err.msg);
        ws_searcher_close(s);
        goto done;
    }
    rc = print_results(r, &oo, q);
    ws_results_free(r);
    ws_searcher_close(s);
done:
    free(q);
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
