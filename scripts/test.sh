#!/usr/bin/env bash
# Every test on a fresh Debian machine: install what is needed, then build
# and run the whole suite twice: a normal build with warnings as errors and
# an AddressSanitizer/UndefinedBehaviorSanitizer build; then replay the fuzz
# targets over their seeds (clang).
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
# Reference data the tests read lives beside the checkout (CI lays a copy of
# shared/ there).  Without it the Snowball vocabulary test is skipped, and a
# skipped test fails this run (below): say why before building anything.
if [[ ! -d ../shared/testdata ]]; then
  echo "scripts/test.sh: ../shared/testdata is missing beside the checkout ($(cd .. && pwd)/shared):" >&2
  echo "  CI has it there; for a check in another folder, link it, e.g. ln -s /work/shared ../shared" >&2
  exit 1
fi
jobs=$(nproc)

run_suite() { # name, cmake options...
  local name=$1; shift
  echo "== $name build"
  # WS_TESTS=ON: a missing test package is an error here, never a skipped suite
  cmake -S . -B "build-$name" -DWS_WERROR=ON -DWS_TESTS=ON "$@" >/dev/null
  cmake --build "build-$name" -j"$jobs" >/dev/null
  echo "== $name tests"
  (cd "build-$name" && ctest --output-on-failure -j"$jobs") | tee "build-$name/ctest.log"
  # Everything a test needs was installed above, so a skipped test means a
  # check that silently did not run: that fails the run too.
  if grep -q "tests did not run" "build-$name/ctest.log"; then
    echo "== $name: tests were skipped although their dependencies are installed:" >&2
    grep -E "\((Skipped|Not Run|Disabled)\)" "build-$name/ctest.log" >&2
    return 1
  fi
}

run_suite release -DCMAKE_BUILD_TYPE=RelWithDebInfo
# halt_on_error: a sanitizer report fails the test instead of scrolling by.
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DWS_SANITIZE=ON
# The libFuzzer targets must keep compiling, and every seed (and every input
# that once found a bug, fuzz/corpus/) must still pass under ASan/UBSan.
echo "== fuzz targets over their seeds"
scripts/fuzz-smoke.sh build-fuzz
echo "== all tests passed"
