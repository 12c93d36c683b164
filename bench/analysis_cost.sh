#!/usr/bin/env bash
# What the analysis costs, two ways.
#
#   bench/analysis_cost.sh [COPIES] [RUNS]
# The dictionary at index time, side by side in one run: compound
# splitting and umlaut reading (on with a word list) vs `--dictionary
# none`, and the OpenThesaurus load.  Indexes COPIES copies of corpus/
# (default 20) from scratch RUNS times (default 5) each way, alternating,
# and prints medians of wall time and the index size (du -k).
#
#   bench/analysis_cost.sh --termgen [RUNS] [--baseline REF] [--perf]
# The term generator alone, in MB of text per CPU second (issue 12 item 2):
# the texts of the long-document corpus, the help-page corpus (both as
# bench/index_bench.sh prepares them under $WS_BENCH_DIR, default
# /var/tmp/wsearch-bench) and gimp-help-de's German pages, extracted once
# into a cache (bench/analysis_bench.c dump), then fed through
# ws_termgen_text (bench/analysis_bench run) and through Xapian's
# TermGenerator with Stem("german") (bench/xapian_termgen.cc), RUNS times
# each (default 5), alternating; with --baseline REF also through REF's
# term generator (e.g. --baseline main, built in $WS_BENCH_DIR with this
# tree's driver).  Prints medians and ratios; --perf adds the top 15 of a
# perf profile of each generator.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --termgen ]]; then
  shift
  exec bash bench/analysis_termgen.sh "$@"
fi
copies=${1:-20}
runs=${2:-5}
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
ws=build-bench/wsearch

work=$(mktemp -d /tmp/ws-cost-XXXXXX)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do cp -r corpus "$work/corpus-$i"; done
: >"$work/empty.conf"
export WSEARCH_CONFIG=$work/empty.conf

# run NAME ARGS...: index into a fresh folder, print "seconds kB"
run() {
  local ix=$work/ix-$1; shift
  rm -rf "$ix"
  local t0 t1
  t0=$(date +%s.%N)
  WSEARCH_INDEX=$ix "$ws" index -q "$@" "$work"/corpus-* >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}') $(du -sk "$ix" | cut -f1)"
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

declare -A secs kb
for r in $(seq 1 "$runs"); do
  for mode in none dict; do
    if [[ $mode == none ]]; then out=$(run none --dictionary none); else
      out=$(run dict --dictionary /usr/share/dict/ngerman); fi
    secs[$mode]+="${out% *}"$'\n'
    kb[$mode]=${out#* }
  done
done
docs=$(WSEARCH_INDEX=$work/ix-dict "$ws" info | awk '/^documents/ {print $2}')
tn=$(printf '%s' "${secs[none]}" | median)
td=$(printf '%s' "${secs[dict]}" | median)
echo "$docs documents ($copies copies of corpus/), $runs runs each, median wall time"
printf '  %-34s %6.2f s  %7d kB\n' "--dictionary none" "$tn" "${kb[none]}"
printf '  %-34s %6.2f s  %7d kB\n' "--dictionary ngerman (default)" "$td" "${kb[dict]}"
awk -v a="$tn" -v b="$td" -v x="${kb[none]}" -v y="${kb[dict]}" \
  'BEGIN {printf "  with the word list: time x%.2f, index size x%.3f\n", b / a, y / x}'

ot=/usr/share/openthesaurus-de/openthesaurus.txt
if [[ -r $ot ]]; then
  cp -r "$work/ix-dict" "$work/ix-ot"
  t0=$(date +%s.%N)
  WSEARCH_INDEX=$work/ix-ot "$ws" index -q --openthesaurus "$ot" "$work"/corpus-* >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  printf '  OpenThesaurus on (load into an up-to-date index): %.2f s, +%d kB\n' \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$(( $(du -sk "$work/ix-ot" | cut -f1) - kb[dict] ))"
fi
