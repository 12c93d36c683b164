#!/usr/bin/env bash
# index_bench.sh - indexing throughput and memory: wsearch vs. Omega's omindex
# on the same folder of real German documents, in one run.
#
# Inputs are installed and prepared here (as root, or with sudo):
#   - libreoffice-help-de: 2 561 German HTML help pages;
#   - German PDF manuals from Debian documentation packages (debian-edu-doc-de,
#     linuxcnc-doc-de);
#   - PDFs made by LibreOffice (headless) from every 8th help page, cached in
#     $BENCH/cache so later runs skip the conversion.
# Then both indexers build a fresh index of $BENCH/input, one after the other,
# each under /usr/bin/time -v, and the figures are printed side by side:
# files/s, MB/s (input bytes), peak RSS, index size, and wsearch/omindex.
#
# Usage: bench/index_bench.sh [-j N]   (N: wsearch worker processes; default
# the number of CPUs).  Environment: WS_BENCH_DIR (default
# /var/tmp/wsearch-bench), WS_BENCH_EVERY (help pages per converted PDF, 8).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${WS_BENCH_DIR:-/var/tmp/wsearch-bench}
EVERY=${WS_BENCH_EVERY:-8}
JOBS=()
if [[ "${1:-}" == "-j" && -n "${2:-}" ]]; then JOBS=(-j "$2"); fi

pkgs=(xapian-omega xapian-tools poppler-utils time libreoffice-writer libreoffice-help-de
      debian-edu-doc-de linuxcnc-doc-de cmake build-essential pkg-config)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$SRC/scripts/install-deps.sh" >/dev/null

mkdir -p "$BENCH"
echo "== building wsearch (Release) in $BENCH/build" >&2
cmake -S "$SRC" -B "$BENCH/build" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build "$BENCH/build" -j"$(nproc)" --target wsearch-cli >/dev/null
WS=$BENCH/build/wsearch

echo "== preparing input in $BENCH/input" >&2
IN=$BENCH/input
rm -rf "$IN"
mkdir -p "$IN/pdf-debian" "$BENCH/cache/pdf-lo"
cp -r /usr/share/libreoffice/help/de "$IN/help-de"
for f in /usr/share/doc/debian-edu-doc-de/*.pdf /usr/share/doc/linuxcnc/*_de.pdf; do
  [[ -f $f ]] && cp "$f" "$IN/pdf-debian/"
done
# PDFs from help pages, converted once and cached.  Pages are copied under
# flattened unique names first: many help folders share file names.
mapfile -t pages < <(find /usr/share/libreoffice/help/de -name '*.html' | sort | awk "NR % $EVERY == 1")
tmp=$(mktemp -d /tmp/ws-bench-XXXXXX)
mkdir -p "$tmp/src"
todo=0
for p in "${pages[@]}"; do
  rel=${p#/usr/share/libreoffice/help/de/}
  flat=${rel//\//_}
  if [[ ! -s "$BENCH/cache/pdf-lo/${flat%.html}.pdf" ]]; then
    cp "$p" "$tmp/src/$flat"
    todo=$((todo + 1))
  fi
done
if (( todo )); then
  echo "   converting $todo help pages to PDF with LibreOffice (cached)" >&2
  soffice -env:UserInstallation=file://$tmp/profile --headless --norestore \
    --convert-to pdf --outdir "$BENCH/cache/pdf-lo" "$tmp"/src/*.html >/dev/null 2>&1 || true
fi
rm -rf "$tmp"
cp -r "$BENCH/cache/pdf-lo" "$IN/pdf-lo"

nhtml=$(find "$IN" -name '*.html' | wc -l)
npdf=$(find "$IN" -name '*.pdf' | wc -l)
nfiles=$((nhtml + npdf))
bytes=$(find "$IN" \( -name '*.html' -o -name '*.pdf' \) -printf '%s\n' | awk '{s += $1} END {print s}')
mb=$(awk "BEGIN {printf \"%.1f\", $bytes / 1048576}")
echo "input: $nfiles files ($nhtml HTML, $npdf PDF), $mb MB" >&2
# Read everything once so neither tool pays for a cold page cache.
find "$IN" -type f -exec cat {} + >/dev/null

run() { # name, index dir, command...
  local name=$1 db=$2; shift 2
  rm -rf "$db"
  /usr/bin/time -v -o "$BENCH/$name.time" "$@" >"$BENCH/$name.out" 2>"$BENCH/$name.err" || true
}
echo "== omindex" >&2
run omindex "$BENCH/omega.db" omindex --db "$BENCH/omega.db" --url / --stemmer=german "$IN"
echo "== wsearch" >&2
run wsearch "$BENCH/wsearch.db" env WSEARCH_CONFIG=/dev/null "$WS" --index "$BENCH/wsearch.db" \
  index -q "${JOBS[@]}" "$IN"

secs() { # GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03"
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"
}
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
docs_omega=$(xapian-delve "$BENCH/omega.db" 2>/dev/null | awk '/number of documents/ {print $NF}')
docs_ws=$(env WSEARCH_CONFIG=/dev/null "$WS" --index "$BENCH/wsearch.db" info 2>/dev/null |
  awk '/^documents:/ {print $2}')
t_o=$(secs "$BENCH/omindex.time"); t_w=$(secs "$BENCH/wsearch.time")
r_o=$(rss "$BENCH/omindex.time"); r_w=$(rss "$BENCH/wsearch.time")
s_o=$(du -sk "$BENCH/omega.db" | cut -f1); s_w=$(du -sk "$BENCH/wsearch.db" | cut -f1)
failed=$(grep -c '' "$BENCH/wsearch.err" || true)

printf '\ninput: %s files (%s HTML, %s PDF), %s MB; %s cores\n' "$nfiles" "$nhtml" "$npdf" "$mb" "$(nproc)"
printf '%-9s %9s %9s %9s %12s %11s %9s\n' tool seconds files/s MB/s "peak RSS MB" "index MB" documents
line() { # name secs rss_kb size_kb docs
  awk -v n="$1" -v t="$2" -v r="$3" -v s="$4" -v d="$5" -v f="$nfiles" -v b="$bytes" 'BEGIN {
    printf "%-9s %9.1f %9.1f %9.2f %12.1f %11.1f %9s\n", n, t, f / t, b / 1048576 / t, r / 1024, s / 1024, d }'
}
line omindex "$t_o" "$r_o" "$s_o" "$docs_omega"
line wsearch "$t_w" "$r_w" "$s_w" "$docs_ws"
awk -v to="$t_o" -v tw="$t_w" -v ro="$r_o" -v rw="$r_w" -v so="$s_o" -v sw="$s_w" 'BEGIN {
  printf "wsearch/omindex: throughput x%.2f, peak RSS x%.2f, index size x%.2f\n", to / tw, rw / ro, sw / so }'
echo "(wsearch reported $failed problem lines: $BENCH/wsearch.err; peak RSS is GNU time's: the largest"
echo " single process of each tool's process tree - omindex's pdftotext children, wsearch's workers)"
