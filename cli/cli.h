/*
 * cli.h - pieces of the wsearch command line tool shared between its files.
 */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdio.h>

#include "wsearch/config.h"
#include "wsearch/index.h"
#include "wsearch/search.h"

/* Exit codes, documented in --help and the man page. */
enum { EXIT_HITS = 0, EXIT_NOHITS = 1, EXIT_ERROR = 2 };

typedef struct cli_env {
    const char *index; /* index path in use */
    ws_config *config; /* never NULL (may be empty) */
    const char *progname;
} cli_env;

/* Print "wsearch: message" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Output of search results. */
typedef struct out_opts {
    int json;
    int color; /* ANSI bold for titles and highlights */
    const char *query;
} out_opts;

void out_results(FILE *f, const ws_results *r, const out_opts *o);

/* Search through searchd on the UNIX socket.  index (may be NULL) is the
 * index the user means: a daemon serving another one is not used. */
enum { REMOTE_OK = 0, REMOTE_UNAVAILABLE, REMOTE_OTHER_INDEX, REMOTE_ERROR };
int remote_search(const char *socket, const char *index, const char *q, const ws_search_options *so,
                  ws_results **out, char *err, size_t errlen);

/* `wsearch index ...`: argc/argv start after the word "index". */
int cmd_index(cli_env *env, int argc, char **argv);
/* `wsearch index --watch`: after the first update, follow the folders
 * (inotify) and update the index as files change, until SIGTERM/SIGINT.
 * Returns an exit code. */
int cli_watch(ws_index *ix, const char *const *paths, size_t n, ws_index_report_fn report,
              void *ctx, int quiet);
/* `wsearch info`: what the index holds. */
int cmd_info(cli_env *env, int argc, char **argv);

#endif /* WS_CLI_H */
