#!/usr/bin/env bash
# The fuzz targets as regression tests: build every libFuzzer target in fuzz/
# with clang (ASan/UBSan, as fuzz/CMakeLists.txt sets them up) and run each
# once over its seeds (fuzz/make-seeds.sh from the fixtures, plus the
# committed corpora in fuzz/corpus/), no mutation.  This keeps the targets
# compiling and every input that once found a bug replayed.  Real fuzzing is
# run by hand (README, "Hostile input"); this only replays.
# Usage: scripts/fuzz-smoke.sh [BUILD_DIR]   (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$dir" -DWS_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
targets=$(sed -n 's/^ *ws_fuzz_target(\([^ $]*\) .*/\1/p; s/^foreach(name \(.*\))$/\1/p' \
  fuzz/CMakeLists.txt | tr ' ' '\n' | grep -v '^\${' | sort -u)
cmake --build "$dir" -j"$(nproc)" $(for t in $targets; do printf -- '--target fuzz_%s ' "$t"; done) >/dev/null
rm -rf "$dir/seeds" && bash fuzz/make-seeds.sh "$dir/seeds" >/dev/null
# glib and libgsf are built without frame pointers: the slow unwinder lets
# lsan.supp's library-scoped entries match (see there).
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp
fail=0
for t in $targets; do
  inputs=()
  for d in "$dir/seeds/$t" "fuzz/corpus/$t"; do
    [[ -d $d ]] && [[ -n $(ls -A "$d") ]] && inputs+=("$d")
  done
  if (( ${#inputs[@]} == 0 )); then
    echo "fuzz-smoke: fuzz_$t has no seeds (add them to fuzz/make-seeds.sh)" >&2
    fail=1
    continue
  fi
  n=$(find "${inputs[@]}" -type f | wc -l)
  # artifacts (a crash's input, slow units) into the build folder, not here
  if "$dir/fuzz/fuzz_$t" -runs=0 -artifact_prefix="$dir/" -timeout=300 "${inputs[@]}" >"$dir/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t: $n inputs replayed"
  else
    echo "fuzz_$t: FAILED on its seeds (log: $dir/fuzz_$t.log)" >&2
    tail -30 "$dir/fuzz_$t.log" >&2
    fail=1
  fi
done
exit $fail
