#!/usr/bin/env bash
# ocr_bench.sh - what OCR costs: seconds per page, at 300 and 150 dpi, with
# one and two workers; whether the rest of a run goes on while scans are
# recognised; the workers' address space against their limit; and the
# share of dictionary words found (tests/e2e/ocr_quality.py) at each dpi.
#
# Input: the image-only fixtures of tests/data/ocr (10 pages), COPIES times
# (default 4: 40 pages), and corpus/ for the mixed run.  Figures only,
# nothing asserted (the machine is shared: compare within one run).
#
# Usage: bench/ocr_bench.sh [COPIES]   Environment: WS_BENCH_DIR (default
# /var/tmp/wsearch-ocr-bench), WS_BUILD (a build folder to use instead of
# building Release there).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${WS_BENCH_DIR:-/var/tmp/wsearch-ocr-bench}
COPIES=${1:-4}
mkdir -p "$BENCH"
if [[ -n ${WS_BUILD:-} ]]; then
  WS=$WS_BUILD/wsearch
else
  echo "== building wsearch (Release) in $BENCH/build" >&2
  cmake -S "$SRC" -B "$BENCH/build" -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
  cmake --build "$BENCH/build" -j"$(nproc)" --target wsearch-cli >/dev/null
  WS=$BENCH/build/wsearch
fi
export WSEARCH_CONFIG=/dev/null
unset WSEARCH_SOCKET

SCANS=$BENCH/scans MIXED=$BENCH/mixed
rm -rf "$SCANS" "$MIXED"
mkdir -p "$SCANS" "$MIXED"
for c in $(seq 1 "$COPIES"); do
  mkdir -p "$SCANS/$c"
  for f in scan.pdf gemischt.pdf kopie.pdf streifen.pdf aushang.png aushang.jpg mappe.tif; do
    cp "$SRC/tests/data/ocr/$f" "$SCANS/$c/"
  done
done
cp -r "$SCANS" "$MIXED/scans"
cp -r "$SRC/corpus" "$MIXED/corpus"
pages=$((COPIES * 10))

# run NAME ARGS...: a fresh index; wall time, the OCR line, the largest
# worker address space seen (sampled every 0.1 s)
run() {
  local name=$1; shift
  rm -rf "$BENCH/ix-$name"
  local t0 t1 maxvsz=0
  t0=$(date +%s.%N)
  "$WS" --index "$BENCH/ix-$name" index "$@" >"$BENCH/$name.out" 2>"$BENCH/$name.err" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for v in $(ps -o vsz= --ppid "$pid" 2>/dev/null); do (( v > maxvsz )) && maxvsz=$v; done
    sleep 0.1
  done
  wait "$pid" || true
  t1=$(date +%s.%N)
  local ocr
  ocr=$(grep '^OCR:' "$BENCH/$name.out" || echo "OCR: none")
  printf '  %-22s %6.1f s wall   %s   worker VSZ max %d MB\n' "$name" \
    "$(echo "$t1 - $t0" | bc)" "$ocr" $((maxvsz / 1024))
  echo "$t1 - $t0" | bc >"$BENCH/$name.wall"
}

echo "== $pages scanned pages ($COPIES copies of tests/data/ocr), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
run scans-300dpi-j1 -j 1 "$SCANS"
run scans-300dpi-j2 -j 2 "$SCANS"
run scans-150dpi-j2 -j 2 --ocr-dpi 150 "$SCANS"
echo "== the rest of a run goes on: corpus/ alone, scans alone, both (-j 2)"
run corpus-only -j 2 "$MIXED/corpus"
run scans-only -j 2 "$MIXED/scans"
run corpus+scans -j 2 "$MIXED"
printf '  sum of the two alone: %.1f s; together: %.1f s\n' \
  "$(echo "$(cat "$BENCH/corpus-only.wall") + $(cat "$BENCH/scans-only.wall")" | bc)" \
  "$(cat "$BENCH/corpus+scans.wall")"
echo "== worker address-space limit (RLIMIT_AS): 2048 MB"
echo "== dictionary words found (tests/e2e/ocr_quality.py), first copy of each fixture"
for name in scans-300dpi-j2 scans-150dpi-j2; do
  echo "  $name:"
  # the measurement looks for the fixtures by file name: one copy is enough
  python3 "$SRC/tests/e2e/ocr_quality.py" "$WS" "$BENCH/ix-$name" "$SRC" | sed 's/^/    /' || true
done
