/*
 * config_int.h - what the settings resolver (settings.c) needs to see of
 * a loaded configuration: where each key was set, for messages that name
 * the file and line.  Internal to lib/config.
 */
#ifndef WS_CONFIG_INT_H
#define WS_CONFIG_INT_H

#include <stddef.h>

#include "wsearch/config.h"

/* Entry i of c (in file order): 1 and its key, value and line (0: set by
 * ws_config_set), or 0 past the end.  The strings are owned by c. */
int ws_config_entry(const ws_config *c, size_t i, const char **key, const char **value,
                    unsigned *line);
/* The file c was read from, or NULL. */
const char *ws_config_path(const ws_config *c);
/* The line that set key, 0 if unset or set by a program. */
unsigned ws_config_line(const ws_config *c, const char *key);

/* Defaults ws_config_resolve computes (see settings.c). */
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

/* The daemon's socket when the configuration names none:
 * $XDG_RUNTIME_DIR/wsearch/searchd.sock for a user with a runtime folder,
 * else /run/wsearch/searchd.sock (the systemd unit's RuntimeDirectory).
 * malloc'd. */
char *ws_config_default_socket(void);

/* Every OCR key that c sets, through ws_config_ocr_set (c owns the strings). */
int ws_config_ocr(const ws_config *c, ws_extract_options *o, ws_error *err);

#endif /* WS_CONFIG_INT_H */
