#!/usr/bin/env bash
# index_bench.sh - indexing throughput, memory and index size: wsearch vs.
# Omega's omindex on the same folders of real German documents, in one run.
#
# Two corpora, both made from Debian packages (installed here as root, or
# with sudo) so anyone can rebuild them:
#   help  many short pages: libreoffice-help-de's 2 561 HTML help pages, the
#         German PDF manuals of debian-edu-doc-de and linuxcnc-doc-de, and
#         PDFs made by LibreOffice (headless) from every 8th help page;
#   long  long documents (tens of KB to MB): lilypond-doc-html-de's pages
#         (the "big-page" manuals up to 6 MB) and lilypond-doc-pdf-de's
#         manuals, debian-reference-de (HTML, PDF, text), developers-
#         reference-de (HTML and reStructuredText sources as text), and
#         manpages-de rendered to text with groff.
# Conversions (LibreOffice PDFs, rendered man pages) are cached in
# $BENCH/cache, so later runs skip them.  For each corpus both indexers
# build a fresh index RUNS times, alternating omindex and wsearch so that
# noise hits both alike, each under /usr/bin/time -v; the medians are
# printed side by side: files/s, MB/s (input bytes), peak RSS, index size
# (and each Xapian table's size), and wsearch/omindex.
#
# Usage: bench/index_bench.sh [-j N] [--corpus help|long|all] [--runs R]
#                             [--copies C] [--jobs-compare] [--scaling]
#   -j N       wsearch worker processes (default: the number of CPUs)
#   --corpus   which corpus (default all)
#   --runs R   runs of each indexer per corpus (default 3; medians)
#   --copies C index the long corpus C times over (C copies in one folder),
#              to show that the cost per MB stays the same (default 1)
#   --jobs-compare  instead: wsearch alone with -j 1 and -j 2, alternating,
#              RUNS each, on each corpus: medians and the -j 2 / -j 1 ratio
#   --scaling  instead: wsearch alone on 1, 2 and 4 copies of the long corpus
#              (RUNS each): seconds per MB at each and the largest deviation
# Environment: WS_BENCH_DIR (default /var/tmp/wsearch-bench), WS_BENCH_EVERY
# (help pages per converted PDF, 8).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${WS_BENCH_DIR:-/var/tmp/wsearch-bench}
EVERY=${WS_BENCH_EVERY:-8}
JOBS=()
CORPORA=(help long)
RUNS=3
COPIES=1
MODE=compare
while (($#)); do
  case $1 in
  -j) JOBS=(-j "$2"); shift 2 ;;
  --corpus)
    case $2 in help | long) CORPORA=("$2") ;; all) CORPORA=(help long) ;;
    *) echo "index_bench.sh: --corpus help|long|all" >&2; exit 2 ;; esac
    shift 2 ;;
  --runs) RUNS=$2; shift 2 ;;
  --copies) COPIES=$2; shift 2 ;;
  --jobs-compare) MODE=jobs; shift ;;
  --scaling) MODE=scaling; shift ;;
  *) echo "usage: bench/index_bench.sh [-j N] [--corpus help|long|all] [--runs R] [--copies C] [--jobs-compare] [--scaling]" >&2
    exit 2 ;;
  esac
done

pkgs=(xapian-omega xapian-tools poppler-utils time libreoffice-writer libreoffice-help-de
      debian-edu-doc-de linuxcnc-doc-de lilypond-doc-html-de lilypond-doc-pdf-de
      debian-reference-de developers-reference-de manpages-de groff-base
      cmake build-essential pkg-config)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "installing: ${missing[*]}" >&2
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"$SRC/scripts/install-deps.sh" >/dev/null

mkdir -p "$BENCH/cache"
echo "== building wsearch (Release) in $BENCH/build" >&2
cmake -S "$SRC" -B "$BENCH/build" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build "$BENCH/build" -j"$(nproc)" --target wsearch-cli >/dev/null
WS=$BENCH/build/wsearch

# ---- the corpora -----------------------------------------------------------

prep_help() { # folder
  local IN=$1
  mkdir -p "$IN/pdf-debian" "$BENCH/cache/pdf-lo"
  cp -r /usr/share/libreoffice/help/de "$IN/help-de"
  for f in /usr/share/doc/debian-edu-doc-de/*.pdf /usr/share/doc/linuxcnc/*_de.pdf; do
    [[ -f $f ]] && cp "$f" "$IN/pdf-debian/"
  done
  # PDFs from help pages, converted once and cached.  Pages are copied under
  # flattened unique names first: many help folders share file names.
  local pages p rel flat tmp todo=0
  mapfile -t pages < <(find /usr/share/libreoffice/help/de -name '*.html' | sort | awk "NR % $EVERY == 1")
  tmp=$(mktemp -d /tmp/ws-bench-XXXXXX)
  mkdir -p "$tmp/src"
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
}

prep_long() { # folder
  local IN=$1 f out
  mkdir -p "$IN/lilypond" "$IN/debian-reference" "$IN/developers-reference" "$BENCH/cache/man-de"
  find /usr/share/doc/lilypond/html -name '*.de.html' -o -name '*.de.pdf' | while read -r f; do
    rel=${f#/usr/share/doc/lilypond/html/}
    cp "$f" "$IN/lilypond/${rel//\//_}"
  done
  cp /usr/share/debian-reference/*.de.html /usr/share/debian-reference/*.de.pdf "$IN/debian-reference/"
  zcat /usr/share/debian-reference/debian-reference.de.txt.gz >"$IN/debian-reference/debian-reference.de.txt"
  cp /usr/share/developers-reference/de/*.html "$IN/developers-reference/"
  for f in /usr/share/developers-reference/de/_sources/*.rst.txt; do
    cp "$f" "$IN/developers-reference/$(basename "$f" .rst.txt).txt"
  done
  # Manual pages as a reader sees them: rendered once with groff (cached).
  local n=0
  for f in /usr/share/man/de/man*/*.gz; do
    out=$BENCH/cache/man-de/$(basename "$f" .gz).txt
    if [[ ! -s $out ]]; then
      zcat "$f" | MANWIDTH=80 groff -mandoc -Tutf8 -P-cbou 2>/dev/null >"$out.tmp" || true
      mv "$out.tmp" "$out"
      n=$((n + 1))
    fi
  done
  (( n )) && echo "   rendered $n manual pages with groff (cached)" >&2
  mkdir -p "$IN/man-de"
  find "$BENCH/cache/man-de" -name '*.txt' -size +0 -exec cp -t "$IN/man-de" {} +
}

# ---- one corpus: RUNS alternating runs, medians ----------------------------

secs() { # GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03"
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
    for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"
}
cpu() { awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
tables() { # db folder: each glass table's size in MB
  local t s out=""
  for t in postlist position termlist docdata spelling synonym; do
    s=$(du -ck "$1"/$t.glass 2>/dev/null | tail -1 | cut -f1)
    out+=$(awk -v t=$t -v s="${s:-0}" 'BEGIN {printf "%s %.1f  ", t, s / 1024}')
  done
  echo "$out"
}

run() { # name, run number, index dir, command...
  local name=$1 i=$2 db=$3; shift 3
  rm -rf "$db"
  /usr/bin/time -v -o "$OUT/$name.$i.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
}

bench_corpus() { # name
  local name=$1
  OUT=$BENCH/$name
  local IN=$OUT/input
  echo "== preparing the $name corpus in $IN" >&2
  rm -rf "$OUT"
  mkdir -p "$IN"
  if (( COPIES > 1 )); then
    "prep_$name" "$OUT/one"
    for c in $(seq 1 "$COPIES"); do cp -r "$OUT/one" "$IN/copy$c"; done
    rm -rf "$OUT/one"
  else
    "prep_$name" "$IN"
  fi
  local kinds nfiles bytes mb
  kinds=$(find "$IN" -type f | sed -n 's/.*\.\([A-Za-z0-9]*\)$/\1/p' | tr 'A-Z' 'a-z' | sort | uniq -c |
    awk '{printf "%s%s %s", sep, $1, $2; sep = ", "}')
  nfiles=$(find "$IN" -type f | wc -l)
  bytes=$(find "$IN" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  mb=$(awk "BEGIN {printf \"%.1f\", $bytes / 1048576}")
  echo "   $nfiles files ($kinds), $mb MB" >&2
  # Read everything once so neither tool pays for a cold page cache.
  find "$IN" -type f -exec cat {} + >/dev/null
  for i in $(seq 1 "$RUNS"); do
    echo "== $name run $i/$RUNS: omindex" >&2
    run omindex "$i" "$OUT/omega.db" omindex --db "$OUT/omega.db" --url / --stemmer=german "$IN"
    echo "== $name run $i/$RUNS: wsearch" >&2
    run wsearch "$i" "$OUT/wsearch.db" env WSEARCH_CONFIG=/dev/null "$WS" --index "$OUT/wsearch.db" \
      index -q "${JOBS[@]}" "$IN"
  done
  local docs_o docs_w s_o s_w
  docs_o=$(xapian-delve "$OUT/omega.db" 2>/dev/null | awk '/number of documents/ {print $NF}')
  docs_w=$(env WSEARCH_CONFIG=/dev/null "$WS" --index "$OUT/wsearch.db" info 2>/dev/null |
    awk '/^documents:/ {print $2}')
  s_o=$(du -sk "$OUT/omega.db" | cut -f1)
  s_w=$(du -sk "$OUT/wsearch.db" | cut -f1)
  local t_o t_w c_o c_w r_o r_w
  t_o=$(for f in "$OUT"/omindex.*.time; do secs "$f"; done | median)
  t_w=$(for f in "$OUT"/wsearch.*.time; do secs "$f"; done | median)
  c_o=$(for f in "$OUT"/omindex.*.time; do cpu "$f"; done | median)
  c_w=$(for f in "$OUT"/wsearch.*.time; do cpu "$f"; done | median)
  r_o=$(for f in "$OUT"/omindex.*.time; do rss "$f"; done | median)
  r_w=$(for f in "$OUT"/wsearch.*.time; do rss "$f"; done | median)
  local failed
  failed=$(grep -c '' "$OUT/wsearch.err" || true)

  printf '\n%s corpus: %s files (%s), %s MB; %s cores; medians of %s runs each; load now: %s\n' \
    "$name" "$nfiles" "$kinds" "$mb" "$(nproc)" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-9s %9s %9s %9s %9s %12s %11s %9s\n' tool seconds "CPU s" files/s MB/s "peak RSS MB" \
    "index MB" documents
  line() { # name secs cpu rss_kb size_kb docs
    awk -v n="$1" -v t="$2" -v c="$3" -v r="$4" -v s="$5" -v d="$6" -v f="$nfiles" -v b="$bytes" 'BEGIN {
      printf "%-9s %9.1f %9.1f %9.1f %9.2f %12.1f %11.1f %9s\n", n, t, c, f / t, b / 1048576 / t,
        r / 1024, s / 1024, d }'
  }
  line omindex "$t_o" "$c_o" "$r_o" "$s_o" "$docs_o"
  line wsearch "$t_w" "$c_w" "$r_w" "$s_w" "$docs_w"
  awk -v to="$t_o" -v tw="$t_w" -v ro="$r_o" -v rw="$r_w" -v so="$s_o" -v sw="$s_w" -v mb="$mb" 'BEGIN {
    printf "wsearch/omindex: throughput x%.2f, peak RSS x%.2f, index size x%.2f; wsearch %.3f s per MB\n",
      to / tw, rw / ro, sw / so, tw / mb }'
  echo "tables (MB): omindex: $(tables "$OUT/omega.db")"
  echo "tables (MB): wsearch: $(tables "$OUT/wsearch.db")"
  echo "(wsearch: $failed problem lines in $OUT/wsearch.err; peak RSS is GNU time's: the largest"
  echo " single process of each tool's process tree - omindex's pdftotext children, wsearch's workers)"
}

# ---- wsearch against itself: -j 1 vs -j 2, and cost per MB vs size -------

prep_input() { # name copies: a fresh input folder in $OUT/input; sets nfiles, mb
  local name=$1 copies=$2
  OUT=$BENCH/$name
  IN=$OUT/input
  rm -rf "$OUT"
  mkdir -p "$IN"
  "prep_$name" "$OUT/one"
  for c in $(seq 1 "$copies"); do cp -r "$OUT/one" "$IN/copy$c"; done
  rm -rf "$OUT/one"
  nfiles=$(find "$IN" -type f | wc -l)
  mb=$(find "$IN" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1048576}')
  find "$IN" -type f -exec cat {} + >/dev/null
}

ws_run() { # tag run jobs...
  local tag=$1 i=$2; shift 2
  run "wsearch-$tag" "$i" "$OUT/wsearch.db" env WSEARCH_CONFIG=/dev/null "$WS" --index "$OUT/wsearch.db" \
    index -q "$@" "$IN"
}

med() { for f in "$OUT"/wsearch-"$1".*.time; do "$2" "$f"; done | median; }

jobs_compare() { # name
  prep_input "$1" 1
  for i in $(seq 1 "$RUNS"); do
    echo "== $1 run $i/$RUNS: wsearch -j 1, -j 2" >&2
    ws_run j1 "$i" -j 1
    ws_run j2 "$i" -j 2
  done
  local t1 t2
  t1=$(med j1 secs)
  t2=$(med j2 secs)
  printf '\n%s corpus: %s files, %s MB; %s cores; medians of %s runs; load now: %s\n' "$1" "$nfiles" \
    "$mb" "$(nproc)" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
  awk -v a="$t1" -v b="$t2" -v c1="$(med j1 cpu)" -v c2="$(med j2 cpu)" -v mb="$mb" 'BEGIN {
    printf "wsearch -j 1: %6.1f s (CPU %.1f s, %.2f MB/s)\n", a, c1, mb / a
    printf "wsearch -j 2: %6.1f s (CPU %.1f s, %.2f MB/s)\n", b, c2, mb / b
    printf "throughput -j 2 / -j 1: x%.2f\n", a / b }'
}

scaling() {
  local c rows=""
  for c in 1 2 4; do
    prep_input long "$c"
    for i in $(seq 1 "$RUNS"); do
      echo "== long x$c run $i/$RUNS: wsearch" >&2
      ws_run "x$c" "$i" "${JOBS[@]}"
    done
    rows+="$c $mb $(med "x$c" secs) $(med "x$c" rss) $(du -sk "$OUT/wsearch.db" | cut -f1)"$'\n'
  done
  printf '\nlong corpus at 1, 2, 4 copies; %s cores; medians of %s runs; load now: %s\n' "$(nproc)" \
    "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%s' "$rows" | awk '{ spm[NR] = $3 / $2; lo = (NR == 1 || spm[NR] < lo) ? spm[NR] : lo
      hi = (NR == 1 || spm[NR] > hi) ? spm[NR] : hi
      printf "x%s: %7.1f MB %7.1f s  %.3f s per MB  peak RSS %.1f MB  index %.1f MB\n", $1, $2, $3,
        spm[NR], $4 / 1024, $5 / 1024 }
    END { printf "largest deviation of s per MB from the smallest: %+.1f %%\n", (hi / lo - 1) * 100 }'
}

case $MODE in
compare) for c in "${CORPORA[@]}"; do bench_corpus "$c"; done ;;
jobs) for c in "${CORPORA[@]}"; do jobs_compare "$c"; done ;;
scaling) scaling ;;
esac
