#!/usr/bin/env bash
# query_bench.sh - what a query costs, on long documents and on corpus/,
# against the raw-Xapian floor and Omega's CGI, side by side in one run.
#
#   bench/query_bench.sh [--copies C] [--rounds R] [--rss N] [--per-query]
#                        [--corpus long|copies|all]
#
# Corpora:
#   long    the long-document corpus of bench/index_bench.sh --corpus long
#           (1 944 files, 123 MB: lilypond manuals, debian-reference,
#           developers-reference, manpages-de rendered), built by that
#           script's own prep_long (read from it, not copied) into
#           $QB/long/input, with its conversion cache in
#           /var/tmp/wsearch-bench/cache; queries bench/queries-long.txt;
#   copies  C copies (default 20) of corpus/; queries bench/queries.txt.
# Each corpus is indexed by wsearch and by omindex (--stemmer=german), once
# and kept in $QB (WS_QBENCH_DIR, default /var/tmp/wsearch-qbench); a
# wsearch index the binary refuses is rebuilt.  bench/query_bench then
# measures, per query and interleaved, the raw-Xapian floor (the very
# query ws_search runs, top 10 + document data), ws_search in-process,
# searchd over its UNIX socket and Omega's CGI (a process per query);
# throughput at 1, 2, 8 and 64 clients; searchd's RSS after 1 000 and
# after N (default 100 000) requests.  Last, document length: the same
# query on a one-document index of a 10 KB and of a 10 MB text, the words
# it looks for once, in the middle.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
QB=${WS_QBENCH_DIR:-/var/tmp/wsearch-qbench}
BENCH=${WS_BENCH_DIR:-/var/tmp/wsearch-bench} # index_bench.sh's cache lives here
COPIES=20 ROUNDS=20 RSS=100000 PERQ=() CORPORA=(long copies)
while (($#)); do
  case $1 in
  --copies) COPIES=$2; shift 2 ;;
  --rounds) ROUNDS=$2; shift 2 ;;
  --rss) RSS=$2; shift 2 ;;
  --per-query) PERQ=(--per-query); shift ;;
  --corpus)
    case $2 in long | copies) CORPORA=("$2") ;; all) CORPORA=(long copies) ;;
    *) echo "query_bench.sh: --corpus long|copies|all" >&2; exit 2 ;; esac
    shift 2 ;;
  *) echo "usage: bench/query_bench.sh [--copies C] [--rounds R] [--rss N] [--per-query]" \
       "[--corpus long|copies|all]" >&2; exit 2 ;;
  esac
done

pkgs=(xapian-omega xapian-tools lilypond-doc-html-de lilypond-doc-pdf-de debian-reference-de
      developers-reference-de manpages-de groff-base)
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

mkdir -p "$QB"
B=$SRC/build-bench
echo "== building wsearch (Release) in $B" >&2
cmake -S "$SRC" -B "$B" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build "$B" -j"$(nproc)" --target wsearch-cli searchd query_bench >/dev/null
WS=$B/wsearch
export WSEARCH_CONFIG=/dev/null

# The long corpus is index_bench.sh's: its prep_long, read from the script.
# shellcheck source=/dev/null
source <(sed -n '/^prep_long() {/,/^}/p' "$SRC/bench/index_bench.sh")

prep_copies() { # folder
  for i in $(seq 1 "$COPIES"); do cp -r "$SRC/corpus" "$1/corpus-$i"; done
}

# A text of about $2 bytes of German prose (rendered man pages), with the
# words the length query looks for once, in the middle.
make_text() { # file bytes
  local half=$(($2 / 2))
  { find "$BENCH/cache/man-de" -name '*.txt' -size +2k | sort | xargs cat | head -c "$half"
    printf '\n\nDie Wohnsitzauflage bindet anerkannte Geflüchtete an ihren Landkreis.\n\n'
    find "$BENCH/cache/man-de" -name '*.txt' -size +2k | sort -r | xargs cat | head -c "$half"
  } >"$1" 2>/dev/null || true
}

index_all() { # corpus: wsearch and omindex indexes of $QB/$1/input, kept between runs
  local d=$QB/$1
  if [[ ! -f $d/input.done ]]; then
    echo "== preparing the $1 corpus in $d/input" >&2
    rm -rf "$d"; mkdir -p "$d/input"
    "prep_$1" "$d/input"
    touch "$d/input.done"
  fi
  if ! "$WS" --index "$d/wsearch.db" info >/dev/null 2>&1; then
    echo "== wsearch index of $1" >&2
    rm -rf "$d/wsearch.db"
  fi
  "$WS" --index "$d/wsearch.db" index -q "$d/input" >/dev/null 2>&1 || true
  if [[ ! -d $d/omega/default ]]; then
    echo "== omindex index of $1" >&2
    mkdir -p "$d/omega"
    omindex --db "$d/omega/default" --url / --stemmer=german "$d/input" >/dev/null 2>&1 || true
  fi
}

# Omega's CGI with its own templates, the query template asking for German
# stemming (omindex was told --stemmer=german).
omega_setup() { # corpus -> prints the config file
  local d=$QB/$1
  # copies, not the package's symlinks: the query template is rewritten
  rm -rf "$d/omega-templates"
  mkdir -p "$d/omega-templates" "$d/omega-log"
  cp -rL /var/lib/xapian-omega/templates/. "$d/omega-templates/"
  rm -f "$d/omega-templates/query"
  { printf '$set{stemmer,german}'; cat /var/lib/xapian-omega/templates/query; } \
    >"$d/omega-templates/query"
  printf 'database_dir %s\ntemplate_dir %s\nlog_dir %s\n' "$d/omega" "$d/omega-templates" \
    "$d/omega-log" >"$d/omega.conf"
  echo "$d/omega.conf"
}

sd=""
trap '[[ -n $sd ]] && kill "$sd" 2>/dev/null || true' EXIT
run_corpus() { # corpus queries-file
  local d=$QB/$1 conf
  index_all "$1"
  conf=$(omega_setup "$1")
  rm -f "$d/sd.sock"
  printf '[searchd]\nlog_requests = off\n' >"$d/searchd.conf"
  "$B/searchd" --foreground --config "$d/searchd.conf" --index "$d/wsearch.db" \
    --socket "$d/sd.sock" 2>"$d/sd.log" &
  sd=$!
  for _ in $(seq 1 200); do [[ -S $d/sd.sock ]] && break; sleep 0.05; done
  local docs mb
  docs=$("$WS" --index "$d/wsearch.db" info | awk '/^documents/ {print $2}')
  mb=$(du -sm "$d/input" | cut -f1)
  echo
  echo "== $1: $docs documents, $mb MB of files; queries $(basename "$2") ($(grep -vc '^#' "$2"))"
  "$B/bench/query_bench" --label "$1" --index "$d/wsearch.db" --queries "$2" \
    --socket "$d/sd.sock" --pid "$sd" --omega-conf "$conf" --omega-db default \
    --rounds "$ROUNDS" --rss "$RSS" "${PERQ[@]}" | tee "$d/result.txt"
  kill "$sd"; wait "$sd" 2>/dev/null || true; sd=""
}

length_bench() {
  local d=$QB/length
  mkdir -p "$d/short" "$d/long"
  [[ -s $d/short/kurz.txt ]] || make_text "$d/short/kurz.txt" 10240
  [[ -s $d/long/lang.txt ]] || make_text "$d/long/lang.txt" 10485760
  for k in short long; do
    "$WS" --index "$d/$k.db" info >/dev/null 2>&1 || rm -rf "$d/$k.db"
    "$WS" --index "$d/$k.db" index -q "$d/$k" >/dev/null 2>&1 || true
  done
  echo
  echo "== document length: $(stat -c %s "$d/short/kurz.txt") and $(stat -c %s "$d/long/lang.txt") bytes"
  "$B/bench/query_bench" --length "$d/short.db" "$d/long.db" \
    --query "Wohnsitzauflage Geflüchtete" --rounds 50 | tee "$d/result.txt"
}

echo "machine: $(nproc) cores; $(uptime | sed 's/.*load/load/')"
for c in "${CORPORA[@]}"; do
  case $c in
  long) run_corpus long "$SRC/bench/queries-long.txt" ;;
  copies) run_corpus copies "$SRC/bench/queries.txt" ;;
  esac
done
length_bench
echo
echo "== summary (ms; ratios to the raw-Xapian floor of the same queries)"
for c in "${CORPORA[@]}"; do
  grep -E "^  $c " "$QB/$c/result.txt" || true
  grep -E "^$c: searchd RSS|^  ( 1| 2| 8|64) clients" "$QB/$c/result.txt" | sed "s/^ /  $c/" || true
done
grep -E "long/short" "$QB/length/result.txt" || true
echo "after: $(uptime | sed 's/.*load/load/')"
