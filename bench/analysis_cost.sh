#!/usr/bin/env bash
# What the dictionary-based analysis costs at index time, side by side in
# one run: compound splitting and umlaut reading (on with a word list) vs
# `--dictionary none`, and the OpenThesaurus load.
#   bench/analysis_cost.sh [COPIES] [RUNS]
# Indexes COPIES copies of corpus/ (default 20) from scratch RUNS times
# (default 5) each way, alternating, and prints medians of wall time and
# the index size (Xapian's files, du -k).
set -euo pipefail
cd "$(dirname "$0")/.."
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
