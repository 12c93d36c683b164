#!/usr/bin/env bash
# OCR end to end through the real binaries: scanned PDFs and images
# (tests/data/ocr, see make-ocr-fixtures.sh) are recognised in the worker
# processes; a word only on page 2 of a three-page scan is found there, in
# text, --json ("page": 2, "#page=2", "ocr": true) and searchd's JSON; the
# summary counts pages and seconds; an unchanged scan is never recognised
# again; ocr = off, missing language data, a missing extra language and
# bad settings each behave as documented.  Called as:
#   ocr.sh PATH/TO/wsearch SOURCE_DIR PATH/TO/searchd
source "$(dirname "$0")/lib.sh"
SD=$3
D=$TMP/docs
mkdir -p "$D"
for f in scan.pdf gemischt.pdf aushang.png aushang.jpg mappe.tif; do cp "$SRC/tests/data/ocr/$f" "$D/"; done
printf 'Notiz zum Garten\n\nDie Gießkanne steht im Schuppen.\n' >"$D/notiz.txt"
# Recognition must not depend on the machine's speed (a sanitizer build on a
# loaded machine takes many times the 20 s default a page).
echo 'ocr_page_timeout = 600' >>"$WSEARCH_CONFIG"

# json_check FILE PYTHON-EXPR: the expression over the --json hits h
json_check() {
  python3 - "$1" "$2" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

expect_exit 0 "index scans and images (-j 2)" timeout 1000 "$WS" index -j 2 "$D"
check "summary: 6 added" grep -q "6 files: 6 added, 0 updated, 0 removed, 0 unchanged, 0 failed" "$TMP/out"
# scan 3 + gemischt 1 + png 1 + jpg 1 + tif 2
check "summary: OCR pages and seconds" grep -Eq "^OCR: 8 pages in [0-9]+\.[0-9] s \([0-9]+\.[0-9]{2} s a page\)$" "$TMP/out"
grep '^OCR:' "$TMP/out" | sed 's/^/    /'

expect_exit 0 "Kürbis found" "$WS" --type pdf Kürbis
check "text: scan.pdf names page 2 and OCR" grep -q "scan.pdf · pdf · page 2 (OCR) ·" "$TMP/out"
expect_exit 0 "Kürbis --json" "$WS" --json Kürbis
cp "$TMP/out" "$TMP/k.json"
check "--json: scan.pdf page 2, #page=2, ocr true" json_check "$TMP/k.json" \
  "any(x['path'].endswith('/scan.pdf') and x['page']==2 and x['passage']=={'kind':'page','number':2} and x['location'].endswith('scan.pdf#page=2') and x['ocr'] is True for x in h)"
check "--json: the scan page of the mixed PDF too" json_check "$TMP/k.json" \
  "any(x['path'].endswith('/gemischt.pdf') and x['page']==2 and x['ocr'] is True for x in h)"
expect_exit 0 "Tagesordnung (typed page)" "$WS" --json Tagesordnung
check "--json: a typed page is not marked ocr" json_check "$TMP/out" \
  "h[0]['path'].endswith('/gemischt.pdf') and h[0]['page']==1 and 'ocr' not in h[0]"
expect_exit 0 "Nähwerkstatt in images" "$WS" --json Nähwerkstatt
check "png, jpg and tiff found, page 1, ocr" json_check "$TMP/out" \
  "sorted(x['type'] for x in h)==['jpg','png','tiff'] and all(x['page']==1 and x['ocr'] for x in h)"
expect_exit 0 "Kochabend: page 2 of the TIFF" "$WS" --json --type tiff Kochabend
check "tiff page 2" json_check "$TMP/out" "h[0]['page']==2 and h[0]['type']=='tiff'"
expect_exit 0 "type:png filter" "$WS" 'Nähwerkstatt type:png'
check "type:png: one hit" test "$(grep -c '^[0-9]*\. ' "$TMP/out")" -eq 1

# ---- searchd answers the same
SOCK=$TMP/sd.sock
"$SD" --foreground --socket "$SOCK" 2>"$TMP/sd.log" &
SDPID=$!
trap 'kill -TERM "$SDPID" 2>/dev/null; wait "$SDPID" 2>/dev/null; rm -rf "$TMP"' EXIT
up=no
for _ in $(seq 1 200); do
  if curl -s --unix-socket "$SOCK" http://l/health >/dev/null 2>&1; then up=yes; break; fi
  sleep 0.05
done
check "searchd starts" test "$up" = yes
curl -s --unix-socket "$SOCK" 'http://l/search?q=K%C3%BCrbis&type=pdf' >"$TMP/sd.json"
check "searchd: scan.pdf page 2, ocr true" python3 -c "
import json,sys; d=json.load(open('$TMP/sd.json'))
sys.exit(0 if any(x['path'].endswith('/scan.pdf') and x['page']==2 and x['ocr'] is True for x in d['hits']) else 1)"
expect_exit 0 "CLI through searchd" env WSEARCH_SOCKET="$SOCK" "$WS" --type pdf Kürbis
check "through searchd: page 2 (OCR) too" grep -q "scan.pdf · pdf · page 2 (OCR) ·" "$TMP/out"
kill -TERM "$SDPID"
wait "$SDPID" 2>/dev/null || true
trap 'rm -rf "$TMP"' EXIT

# ---- never recognised twice
expect_exit 0 "second run" "$WS" index -j 2 "$D"
check "second run: up to date" grep -q "index is up to date: 6 files checked" "$TMP/out"
check "second run: no OCR" bash -c "! grep -q '^OCR:' '$TMP/out'"
printf 'Die Gießkanne ist jetzt im Keller.\n' >>"$D/notiz.txt"
expect_exit 0 "only the text file changed" "$WS" index -j 2 "$D"
check "one updated" grep -q "6 files: 0 added, 1 updated, 0 removed, 5 unchanged, 0 failed" "$TMP/out"
check "scans not recognised again" bash -c "! grep -q '^OCR:' '$TMP/out'"
touch -d '2020-01-01 12:00' "$D/scan.pdf"
expect_exit 0 "a changed scan" "$WS" index -j 2 "$D"
check "the changed scan is recognised again: 3 pages" grep -q "^OCR: 3 pages in" "$TMP/out"

# ---- ocr = off in the configuration
printf 'ocr = off\nocr_page_timeout = 600\n' >"$TMP/off.conf"
expect_exit 1 "ocr = off: index" env WSEARCH_CONFIG="$TMP/off.conf" WSEARCH_INDEX="$TMP/off" "$WS" index "$D"
check "ocr off: images are not counted, scan.pdf fails" grep -q "3 files: 2 added, 0 updated, 0 removed, 0 unchanged, 1 failed" "$TMP/out"
check "ocr off: today's no text layer message" grep -q "scan.pdf: no text layer in 3 pages (scanned or image-only PDF? OCR is off)" "$TMP/err"
check "ocr off: no OCR line" bash -c "! grep -q '^OCR:' '$TMP/out'"
expect_exit 1 "ocr off: Kürbis not found" env WSEARCH_INDEX="$TMP/off" "$WS" Kürbis
expect_exit 0 "ocr off: the typed page is" env WSEARCH_INDEX="$TMP/off" "$WS" Tagesordnung
# (a named file of a type not indexed is reported as unsupported ones are)
expect_exit 0 "--ocr off names an image it was given" env WSEARCH_INDEX="$TMP/off2" "$WS" index --ocr off "$D/aushang.png"
check "--ocr off: the image is named" grep -q "aushang.png: an image, and OCR is off" "$TMP/err"

# ---- Tesseract without its language data: each file says so, the rest goes on
mkdir -p "$TMP/tessdata"
expect_exit 1 "no language data: index" env TESSDATA_PREFIX="$TMP/tessdata" WSEARCH_INDEX="$TMP/nodata" "$WS" index -j 2 "$D"
check "no language data: 6 files, 1 added (the text), 5 failed" grep -q "6 files: 1 added, 0 updated, 0 removed, 0 unchanged, 5 failed" "$TMP/out"
check "no language data: scan.pdf names the package" grep -q "scan.pdf: OCR needs Tesseract's language data 'deu', not found in $TMP/tessdata/ (install tesseract-ocr-deu, or set ocr_languages)" "$TMP/err"
check "no language data: every image named" test "$(grep -c "OCR needs Tesseract's language data" "$TMP/err")" -eq 5

# ---- a second language that is not installed: a warning, deu goes on
expect_exit 0 "ocr_languages = deu+xyz" env WSEARCH_INDEX="$TMP/xyz" "$WS" index --ocr-languages deu+xyz "$D/scan.pdf"
check "missing extra language: one warning naming it" test "$(grep -c "warning: OCR: no Tesseract language data for 'xyz' (install tesseract-ocr-xyz)" "$TMP/err")" -eq 1
expect_exit 0 "missing extra language: Kürbis still found" env WSEARCH_INDEX="$TMP/xyz" "$WS" Kürbis

# ---- settings are checked
expect_exit 2 "--ocr-dpi 5 refused" "$WS" index --ocr-dpi 5 "$D"
check "--ocr-dpi: says the range" grep -q "ocr_dpi = '5': expected a number from 70 to 1200" "$TMP/err"
expect_exit 2 "--ocr maybe refused" "$WS" index --ocr maybe "$D"
printf 'ocr_languages = ../../etc/passwd\nocr_page_timeout = 600\n' >"$TMP/bad.conf"
expect_exit 2 "config ocr_languages with a path refused" env WSEARCH_CONFIG="$TMP/bad.conf" "$WS" index "$D"
check "names the key" grep -q "ocr_languages = '../../etc/passwd'" "$TMP/err"
expect_exit 0 "--ocr-dpi 150 --ocr-page-timeout 599" env WSEARCH_INDEX="$TMP/dpi" "$WS" index --ocr-dpi 150 --ocr-page-timeout 599 "$D/scan.pdf"
expect_exit 0 "at 150 dpi Kürbis is found" env WSEARCH_INDEX="$TMP/dpi" "$WS" Kürbis

finish
