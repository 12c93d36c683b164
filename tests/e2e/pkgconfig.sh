#!/usr/bin/env bash
# pkgconfig.sh - a program embedding wsearch builds against the installed
# library with nothing but pkg-config: `cmake --install` into a fresh
# prefix, then a tiny C11 program using only include/wsearch/ (index a
# folder, search it, print the version) is compiled with
# `pkg-config --static --cflags --libs wsearch` (the library is static, so
# its dependencies come from Requires.private/Libs.private) and run.
# Also: the public headers hold no Xapian or jansson internals.
# Called as: pkgconfig.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$3")
P=$TMP/prefix
command -v pkg-config >/dev/null || { echo "not ok - pkg-config is missing"; exit 1; }
CC=${CC:-cc}

check "cmake --install into a fresh prefix" \
  sh -c "cmake --install '$BUILD' --prefix '$P' >'$TMP/install.log' 2>&1"
PC=$(find "$P" -name wsearch.pc | head -1)
check "wsearch.pc is installed under the library folder" test -n "$PC"
export PKG_CONFIG_PATH=$(dirname "${PC:-$P}")
check "pkg-config knows wsearch" pkg-config --exists wsearch
check "its version is the project's" test "$(pkg-config --modversion wsearch)" = "$("$WS" --version | awk '{print $2}')"
check "--cflags point into the prefix" sh -c "pkg-config --cflags wsearch | grep -q -- '-I.*prefix.*/include'"
check "the library named by --libs is there" sh -c "test -f \"\$(pkg-config --variable=libdir wsearch)/libwsearch.a\""
for h in xapian.h analysis.h; do
  check "no $h among the public headers" test ! -e "$P/include/wsearch/$h"
done
check "no public header but json.h includes a third-party header" \
  sh -c "! grep -l '#include <\(xapian\|jansson\|utf8proc\)' '$P'/include/wsearch/*.h | grep -v '/json.h$'"

mkdir -p "$TMP/docs"
printf 'Bericht\n\nDie Kommune plant mehr Wohnraum für Familien.\n' >"$TMP/docs/a.txt"
cat >"$TMP/embed.c" <<'C'
/* A program embedding wsearch: index a folder, search it. */
#include <stdio.h>
#include <string.h>

#include <wsearch/config.h>
#include <wsearch/index.h>
#include <wsearch/search.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    ws_version_info v;
    ws_version(&v);
    printf("wsearch %s xapian %s\n", v.wsearch, v.xapian);
    ws_error err;
    ws_index *ix = NULL;
    ws_index_options io = WS_INDEX_OPTIONS_INIT;
    io.jobs = 1;
    ws_index_stats st;
    const char *roots[] = {argv[2]};
    if (ws_index_open(&ix, argv[1], &io, &err) != WS_OK ||
        ws_index_update(ix, roots, 1, NULL, NULL, &st, &err) != WS_OK ||
        ws_index_close(ix, &err) != WS_OK) {
        fprintf(stderr, "index: %s\n", err.msg);
        return 1;
    }
    ws_searcher *s = NULL;
    ws_search_options so = WS_SEARCH_OPTIONS_INIT;
    ws_results *r = NULL;
    if (ws_searcher_open(&s, argv[1], &err) != WS_OK ||
        ws_search(s, "Wohnraum", strlen("Wohnraum"), &so, &r, &err) != WS_OK) {
        fprintf(stderr, "search: %s\n", err.msg);
        ws_searcher_close(s);
        return 1;
    }
    printf("hits %zu\n", r->nhits);
    ws_results_free(r);
    ws_searcher_close(s);
    return 0;
}
C
# shellcheck disable=SC2046
check "a C11 program builds with pkg-config --static --cflags --libs wsearch" \
  sh -c "$CC -std=c11 -Wall -Wextra -Werror -pedantic -o '$TMP/embed' '$TMP/embed.c' \$(pkg-config --static --cflags --libs wsearch) 2>'$TMP/cc.log'"
sed 's/^/    cc: /' "$TMP/cc.log" | head -20
expect_exit 0 "the embedding program indexes and searches" "$TMP/embed" "$TMP/idx" "$TMP/docs"
check "it finds the document" grep -q '^hits 1$' "$TMP/out"
check "it names the version" grep -q "^wsearch $(pkg-config --modversion wsearch) xapian " "$TMP/out"
finish
