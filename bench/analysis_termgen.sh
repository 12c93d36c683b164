#!/usr/bin/env bash
# The term generator's MB/s against Xapian's TermGenerator, in one run:
# the --termgen mode of bench/analysis_cost.sh (see there).
#   bench/analysis_termgen.sh [RUNS] [--baseline REF] [--perf]
# --perf also records one run of each generator (this tree's and, with
# --baseline, REF's) with perf record -g (/usr/bin/perf, linux-perf) and
# prints the top 15 entries of each profile (self time, by symbol; the
# first 1.5 s, loading the word list, left out).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 baseline= perf=
while (($#)); do
  case $1 in
  --baseline) baseline=$2; shift 2 ;;
  --perf) perf=1; shift ;;
  [0-9]*) runs=$1; shift ;;
  *) echo "usage: bench/analysis_cost.sh --termgen [RUNS] [--baseline REF] [--perf]" >&2; exit 2 ;;
  esac
done
BENCH=${WS_BENCH_DIR:-/var/tmp/wsearch-bench}
scripts/install-deps.sh >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target analysis_bench xapian_termgen >/dev/null
ab=build-bench/bench/analysis_bench xt=build-bench/bench/xapian_termgen

# The texts, extracted once (in-process; extraction is not measured).
cache=$BENCH/cache/analysis-text.bin
if [[ ! -s $cache ]]; then
  dirs=()
  help=$BENCH/help/input
  [[ -d $help ]] || help=$BENCH/input # where index_bench.sh kept it before --corpus
  for d in "$BENCH/long/input" "$help" /usr/share/gimp/2.0/help/de; do
    [[ -d $d ]] && dirs+=("$d")
  done
  if [[ ! -d $BENCH/long/input ]]; then
    echo "analysis_cost.sh: no long-document corpus in $BENCH/long/input;" \
      "run bench/index_bench.sh --corpus long --runs 1 once first" >&2
    exit 2
  fi
  mkdir -p "$BENCH/cache"
  echo "== extracting ${dirs[*]} into $cache" >&2
  find "${dirs[@]}" -type f \( -name '*.html' -o -name '*.pdf' -o -name '*.txt' -o -name '*.md' \) |
    sort | "$ab" dump "$cache.tmp" 2>"$BENCH/cache/analysis-dump.err"
  tail -1 "$BENCH/cache/analysis-dump.err" >&2
  mv "$cache.tmp" "$cache"
fi

# The baseline: REF's library with this tree's driver.
if [[ -n $baseline ]]; then
  sha=$(git rev-parse --short "$baseline")
  base=$BENCH/baseline-$sha
  if [[ ! -x $base/build/bench/analysis_bench ]]; then
    rm -rf "$base" && mkdir -p "$base"
    git archive "$sha" | tar -x -C "$base"
    cp bench/analysis_bench.c bench/xapian_termgen.cc bench/CMakeLists.txt "$base/bench/"
    cmake -S "$base" -B "$base/build" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
    cmake --build "$base/build" -j"$(nproc)" --target analysis_bench >/dev/null
  fi
fi

out=$(mktemp /tmp/ws-termgen-XXXXXX)
trap 'rm -f "$out"' EXIT
for _ in $(seq 1 "$runs"); do
  "$ab" run "$cache" | sed 's/^/wsearch /' >>"$out"
  "$xt" "$cache" | sed 's/^/xapian /' >>"$out"
  [[ -n $baseline ]] && "$base/build/bench/analysis_bench" run "$cache" | sed 's/^/base /' >>"$out"
done
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { grep "^$1 " "$out" | sed "s/.*: \([0-9.]*\) MB\/s per CPU s, \([0-9.]*\) MB\/s wall.*/\\$2/" | median; }
mb=$(grep -m1 '^wsearch ' "$out" | sed 's/.*termgen: \([0-9.]*\) MB.*/\1/')
echo "term generator over $mb MB of extracted German text, $runs runs each, alternating, medians"
echo "load: $(uptime | sed 's/.*load average/load average/')"
printf '  %-44s %8s %10s\n' "" "MB/CPU s" "MB/wall s"
tools=(wsearch xapian)
[[ -n $baseline ]] && tools=(base wsearch xapian)
for t in "${tools[@]}"; do
  case $t in
  base) name="wsearch ws_termgen_text at $baseline ($sha)" ;;
  wsearch) name="wsearch ws_termgen_text (this tree)" ;;
  xapian) name="Xapian TermGenerator, Stem(\"german\")" ;;
  esac
  printf '  %-44s %8.2f %10.2f\n' "$name" "$(col "$t" 1)" "$(col "$t" 2)"
done
awk -v w="$(col wsearch 1)" -v x="$(col xapian 1)" -v b="$([[ -n $baseline ]] && col base 1 || echo 0)" \
  'BEGIN {printf "  per CPU second: wsearch/Xapian x%.2f", w / x;
          if (b > 0) printf ", wsearch/baseline x%.2f", w / b; print ""}'

# The profiles: where the time goes, before and after.
top15() { # label, binary
  local data
  data=$(mktemp /tmp/ws-termgen-perf-XXXXXX)
  perf record -g -D 1500 -o "$data" "$2" run "$cache" >/dev/null 2>&1
  echo "perf top 15 (self), $1:"
  perf report -i "$data" --no-children --stdio --sort dso,symbol -g none 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed -n '1,15s/^/  /p'
  rm -f "$data"
}
if [[ -n $perf ]]; then
  [[ -n $baseline ]] && top15 "$baseline ($sha)" "$base/build/bench/analysis_bench"
  top15 "this tree" "$ab"
fi
