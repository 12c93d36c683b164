#!/usr/bin/env bash
# The term generator's MB/s against Xapian's TermGenerator, in one run:
# the --termgen mode of bench/analysis_cost.sh (see there).
#   bench/analysis_termgen.sh [RUNS] [--baseline REF]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 baseline=
while (($#)); do
  case $1 in
  --baseline) baseline=$2; shift 2 ;;
  [0-9]*) runs=$1; shift ;;
  *) echo "usage: bench/analysis_cost.sh --termgen [RUNS] [--baseline REF]" >&2; exit 2 ;;
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
