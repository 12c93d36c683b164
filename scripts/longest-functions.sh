#!/bin/sh
# longest-functions.sh - the longest C/C++ functions of lib/, cli/ and searchd/.
#
# For reviews and closing notes: which functions have grown too long to read
# at once.  universal-ctags gives each function's first and last line
# (--fields=+ne); the length counted is end - start + 1, comments and blank
# lines included, as a reader sees it.
#
# usage: scripts/longest-functions.sh [N] [DIR...]   (default 15, lib cli searchd)
set -eu
cd "$(dirname "$0")/.."
n=${1:-15}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- lib cli searchd
command -v ctags >/dev/null || { echo "needs universal-ctags (apt-get install universal-ctags)" >&2; exit 1; }
find "$@" -type f \( -name '*.c' -o -name '*.cc' \) | sort |
    ctags -L - -x --_xformat='%F	%n	%e	%N' --kinds-C=f --kinds-C++=f --fields=+ne 2>/dev/null |
    awk -F '\t' '$3 ~ /^[0-9]+$/ { printf "%6d  %s:%d  %s\n", $3 - $2 + 1, $1, $2, $4 }' |
    sort -rn | head -n "$n"
