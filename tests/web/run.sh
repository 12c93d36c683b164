#!/usr/bin/env bash
# run.sh - ctest entry for the browser tests (e2e_web): checks that node,
# npm and Debian's chromium are there, installs playwright-core from the
# lock file (npm ci) when node_modules does not match it, then runs
# the *.test.mjs files with node's built-in test runner.
# Usage: run.sh PATH/TO/wsearch PATH/TO/searchd SOURCE_DIR OUTPUT_DIR
set -euo pipefail
export WS_BIN=$1 SD_BIN=$2 WS_SRC=$3 WS_WEB_OUT=$4
cd "$(dirname "$0")"
for c in node npm; do
  command -v "$c" >/dev/null || { echo "e2e_web: '$c' is missing; run scripts/install-deps.sh --tests" >&2; exit 1; }
done
CHROMIUM=${WS_CHROMIUM:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || { echo "e2e_web: no chromium at $CHROMIUM; run scripts/install-deps.sh --tests" >&2; exit 1; }
want=$(node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")
have=$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }")
if [[ $want != "$have" ]]; then
  # One install at a time, should two builds test at once.
  flock /tmp/wsearch-web-npm.lock npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p "$WS_WEB_OUT"
# WS_WEB_TEST: other test files of this folder (ctest e2e_web_ocr: ocr.test.mjs)
exec node --test --test-concurrency=1 --test-reporter=spec ${WS_WEB_TEST:-web.test.mjs sheets.test.mjs legacy.test.mjs}
