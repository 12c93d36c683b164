#!/usr/bin/env bash
# OCR quality: at least 95 % of the dictionary words of the source texts of
# the image-only fixtures (tests/data/ocr) must be found by a search after
# indexing them (the measuring is tests/e2e/ocr_quality.py; bench/ocr_bench.sh
# prints the same figures with the time per page).
source "$(dirname "$0")/lib.sh"
D=$TMP/scans
mkdir -p "$D"
for f in scan.pdf gemischt.pdf kopie.pdf streifen.pdf aushang.png aushang.jpg mappe.tif; do
  cp "$SRC/tests/data/ocr/$f" "$D/"
done
[[ -r /usr/share/dict/ngerman ]] || { echo "needs the word list: apt-get install wngerman" >&2; exit 1; }
# (ten minutes a page: a sanitizer build on a loaded machine is slow)
expect_exit 0 "index the scans" timeout 1200 "$WS" index -j 2 --ocr-page-timeout 600 "$D"
check "seven scans indexed" grep -q "7 files: 7 added" "$TMP/out"
set +e
python3 "$SRC/tests/e2e/ocr_quality.py" "$WS" "$WSEARCH_INDEX" "$SRC" --min 0.95 >"$TMP/q"
rc=$?
set -e
sed 's/^/    /' "$TMP/q"
check "the measurement ran over seven scans" test "$(grep -c 'dictionary words found' "$TMP/q")" -eq 7
check "each scan and all together: at least 95 % of the dictionary words found" test "$rc" -eq 0
finish
