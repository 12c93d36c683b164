/*
 * wsearch/config.h - the configuration file shared by wsearch and searchd.
 *
 * Format: "key = value" lines, '#' starts a comment, "[section]" lines
 * prefix the keys after them ("[search]" + "limit" is "search.limit").
 * Values may be quoted with "..." to keep leading or trailing spaces.
 * config/wsearch.conf documents every key.
 */
#ifndef WSEARCH_CONFIG_H
#define WSEARCH_CONFIG_H

#include "wsearch/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ws_config ws_config;

/* An empty configuration (every lookup returns the caller's default). */
int ws_config_new(ws_config **out, ws_error *err);

/*
 * Read path into a new configuration.  WS_ENOTFOUND if the file does not
 * exist; WS_EFORMAT naming the line for a syntax error.  Free with
 * ws_config_free.
 */
int ws_config_load(ws_config **out, const char *path, ws_error *err);
void ws_config_free(ws_config *c);

/* The value of key, or NULL if unset.  Owned by c. */
const char *ws_config_get(const ws_config *c, const char *key);

/* Set key to value (both copied), replacing any earlier value. */
int ws_config_set(ws_config *c, const char *key, const char *value, ws_error *err);

/*
 * The first configuration file that exists of: $WSEARCH_CONFIG,
 * $XDG_CONFIG_HOME/wsearch/wsearch.conf (or ~/.config/...), and the
 * system-wide file installed with wsearch.  NULL if none does.  The
 * returned string is malloc'd; the caller frees it.
 */
char *ws_config_default_path(void);

/* The index path used when neither a flag, $WSEARCH_INDEX nor the
 * configuration names one: $XDG_DATA_HOME/wsearch/index (or
 * ~/.local/share/wsearch/index).  malloc'd; NULL if no home is known. */
char *ws_config_default_index(void);

/* Where the installed configuration (wsearch.conf, synonyms.txt) and data
 * (web/) are, found from where the running program is installed:
 * PREFIX/bin/wsearch -> PREFIX/etc/wsearch (/etc/wsearch for /usr) and
 * PREFIX/share/wsearch, so `cmake --install --prefix P` works whatever the
 * build was configured with; else the folders compiled in.  malloc'd. */
char *ws_config_sysconf_dir(void);
char *ws_config_data_dir(void);

/* The daemon's socket when the configuration names none:
 * $XDG_RUNTIME_DIR/wsearch/searchd.sock for a user with a runtime folder,
 * else /run/wsearch/searchd.sock (the systemd unit's RuntimeDirectory).
 * malloc'd. */
char *ws_config_default_socket(void);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_CONFIG_H */
