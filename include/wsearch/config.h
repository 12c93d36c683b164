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
#include "wsearch/extract.h"

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
 * Settings: every program (wsearch, wsearch index, searchd) resolves each
 * setting through ws_config_resolve, so they agree on
 *
 *   precedence   command-line flag > environment variable > configuration
 *                file > default, for every setting;
 *   off          "off", "none" and "" all mean off, for every setting that
 *                can be off (a thesaurus, the word list, a socket, ...);
 *   checking     a value the setting does not allow is WS_EINVAL naming
 *                where it came from ("FILE:LINE: key = 'value': expected
 *                ...", "$WSEARCH_INDEX = ...", or "key = ..." for a flag).
 *
 * config/wsearch.conf lists the keys; docs/api.md the environment
 * variables (WSEARCH_INDEX, WSEARCH_SOCKET, WSEARCH_SYNONYMS,
 * WSEARCH_DICTIONARY, WSEARCH_OPENTHESAURUS).
 */
typedef enum ws_setting_from {
    WS_FROM_DEFAULT = 0,
    WS_FROM_CONFIG,
    WS_FROM_ENV,
    WS_FROM_FLAG
} ws_setting_from;

typedef struct ws_setting {
    /* The value in effect; NULL when off (or unset without a default).
     * Points into the flag, the environment, c or buf: valid while those
     * are and this struct is. */
    const char *value;
    unsigned number;      /* numbers and on/off settings: the value */
    int off;              /* 1: off ("off", "none" or empty) */
    ws_setting_from from; /* where value came from */
    char buf[4096];       /* a computed default (the default index path, ...) */
} ws_setting;

/*
 * Resolve key (as in the file: "index", "searchd.threads") from flag (the
 * command line's value, NULL when not given), its environment variable,
 * c (may be NULL) and its default, and check it.  WS_EINVAL for an unknown
 * key or a bad value.
 */
int ws_config_resolve(const ws_config *c, const char *key, const char *flag, ws_setting *out,
                      ws_error *err);

/*
 * Every key c sets is one wsearch knows and every value is allowed: else
 * WS_EINVAL "FILE:LINE: unknown key 'x'" (or the bad value).  Both
 * programs read the same file, so searchd's keys are known to wsearch.
 */
int ws_config_check(const ws_config *c, ws_error *err);

/*
 * OCR settings: one key ("ocr" auto|off, "ocr_languages" Tesseract names
 * joined by '+' such as deu+eng, "ocr_dpi" 70-1200, "ocr_page_timeout"
 * 1-3600 seconds) checked and stored in o; the `wsearch index` flags of the
 * same names go through here too.  value is not copied (ocr_languages
 * points at it).  WS_EINVAL naming key and value when the value is not
 * allowed; unknown keys are ignored.
 */
int ws_config_ocr_set(ws_extract_options *o, const char *key, const char *value, ws_error *err);

/* Where the installed data (web/) is, found from where the running
 * program is installed: PREFIX/bin/searchd -> PREFIX/share/wsearch, so
 * `cmake --install --prefix P` works whatever the build was configured
 * with; else the folder compiled in.  malloc'd. */
char *ws_config_data_dir(void);

/*
 * The first configuration file that exists of: $WSEARCH_CONFIG,
 * $XDG_CONFIG_HOME/wsearch/wsearch.conf (or ~/.config/...), and the
 * system-wide file installed with wsearch.  NULL if none does.  The
 * returned string is malloc'd; the caller frees it.
 */
char *ws_config_default_path(void);

#ifdef __cplusplus
}
#endif

#endif /* WSEARCH_CONFIG_H */
