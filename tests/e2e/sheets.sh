#!/usr/bin/env bash
# Spreadsheets, files accounted for, lenient zips, through the real binary:
# a word only on the second sheet of tabelle.xlsx / tabelle.ods (made by
# LibreOffice, tests/data/docs/make-sheets.sh) names that sheet in text
# and --json; a workbook over the sheet limit is indexed with a warning;
# the run summary counts every file it skipped and -v names each with the
# reason, a file named on the command line with an unsupported type is an
# error; valid zips whose local headers disagree with the central
# directory, and a deck with a picture of zeros, are indexed
# (tests/data/docs/lenient, make-lenient.sh) while every hostile fixture
# is still refused with its reason.
source "$(dirname "$0")/lib.sh"

D=$TMP/docs
mkdir -p "$D/andere"
cp "$SRC"/tests/data/docs/tabelle.{xlsx,ods} "$D/"
cp -r "$SRC/tests/data/docs/lenient" "$D/lenient"
cp -r "$SRC/tests/data/docs/hostile" "$D/hostile"
# Files the indexer does not read: each must be counted and named.
printf 'x' >"$D/andere/alt.wpd"
printf 'x' >"$D/andere/LIESMICH"
printf 'x' >"$D/andere/bild.psd"
mkfifo "$D/andere/rohr.txt"
ln -s "$TMP" "$D/andere/verweis"
# A workbook of 1003 sheets: the first 1000 are indexed, a warning says so.
python3 - "$D/viele.xlsx" <<'PY'
import sys, zipfile
n = 1003
wb = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      + "".join('<sheet name="B%d" sheetId="%d" r:id="r%d"/>' % (i, i, i) for i in range(1, n + 1))
      + "</sheets></workbook>")
rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join('<Relationship Id="r%d" Type="worksheet" Target="worksheets/s.xml"/>' % i
                  for i in range(1, n + 1)) + "</Relationships>")
sheet = '<worksheet><sheetData><row><c t="inlineStr"><is><t>Vielblatt</t></is></c></row></sheetData></worksheet>'
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", wb)
    z.writestr("xl/_rels/workbook.xml.rels", rels)
    z.writestr("xl/worksheets/s.xml", sheet)
PY

expect_exit 1 "index: exit 1 for the hostile files" timeout 120 "$WS" index -j 2 "$D"
check "summary: 8 indexed, 9 failed, 5 skipped" \
  grep -q "17 files: 8 added, 0 updated, 0 removed, 0 unchanged, 9 failed, 5 skipped (-v names them)" "$TMP/out"
check "warning names the sheet limit" \
  grep -qF "warning: $D/viele.xlsx: only the first 1000 of 1003 sheets indexed" "$TMP/err"
check "skipped files not named without -v" bash -c "! grep -q alt.wpd '$TMP/err'"
while IFS='|' read -r name why; do
  grep -F "hostile/$name: " "$TMP/err" >"$TMP/line" || true
  check "hostile $name still refused: $why" grep -qF "$why" "$TMP/line"
done <<'EOF'
abgeschnitten.pptx|damaged or truncated zip container
bombe.docx|zip bomb?
lachen.docx|malformed XML in word/document.xml
kaputt.pdf|damaged PDF
scan.pdf|no text layer
leer.pptx|empty file (0 bytes)
falsch.pptx|content is a PDF, not a pptx (wrong extension?)
geheim.docx|encrypted (password-protected)
geheim.pdf|password-protected PDF, skipped
EOF
check "no lenient fixture refused" bash -c "! grep -q 'lenient/' '$TMP/err'"

# The word on sheet 2 names that sheet, in text and JSON, in both formats.
for t in xlsx ods; do
  expect_exit 0 "Wasserturmverein in $t" "$WS" --type "$t" Wasserturmverein
  check "$t: text names sheet \"Kontakte\"" grep -q '· sheet "Kontakte" ·' "$TMP/out"
  expect_exit 0 "Wasserturmverein in $t, --json" "$WS" --json --type "$t" Wasserturmverein
  check "$t: JSON names sheet 2 Kontakte" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["sheet"] == "Kontakte", h
assert h["passage"] == {"kind": "sheet", "number": 2, "heading": "Kontakte"}, h["passage"]
assert h["type"] == sys.argv[2] and h["title"] == "Kursliste Frühjahr", h' "$TMP/out" "$t"
done
expect_exit 0 "cached formula result found" "$WS" --type ods Nachhilfegruppe
expect_exit 1 "the formula is not text" "$WS" CONCATENATE
expect_exit 0 "an xlsx date cell is found as a date" "$WS" --type xlsx 12.03.2025
expect_exit 1 "not as Excel's day number" "$WS" 45728
expect_exit 0 "sheet 1000 of the big workbook indexed" "$WS" Vielblatt

# Lenient zips: each one found where its word is.
while read -r word file where; do
  expect_exit 0 "$word in lenient/$file" "$WS" --json "$word"
  check "lenient/$file found" test "$(finds "$TMP/out" "$file")" = yes
  "$WS" "$word" >"$TMP/all" 2>/dev/null || true
  check "lenient/$file names $where" grep -q "lenient/$file · .* · $where ·" "$TMP/all"
done <<'EOF'
Zugvogel zeit.docx page 3
Zugvogel version.docx page 3
Zugvogel deskriptor.docx page 3
Leuchtturmwärter extra.pptx slide 3
Leuchtturmwärter bild.pptx slide 3
EOF

# -v names every skipped file with its reason.
expect_exit 1 "index -v" "$WS" index -v -j 2 "$D"
while IFS='|' read -r name why; do
  check "-v: $name skipped: $why" grep -qF "skipped $D/andere/$name: $why" "$TMP/err"
done <<'EOF'
alt.wpd|unsupported file type (.wpd)
LIESMICH|unsupported file type (no extension)
bild.psd|unsupported file type (.psd)
rohr.txt|not a regular file (a pipe)
verweis|symbolic link to a folder, not followed
EOF
check "-v summary: 5 skipped" grep -q "5 skipped (" "$TMP/out"
# Named on the command line: an error, not a skip.
expect_exit 1 "unsupported file named explicitly" "$WS" index "$D/andere/alt.wpd"
check "error names it" grep -qF "wsearch: $D/andere/alt.wpd: unsupported file type (.wpd)" "$TMP/err"
check "counted as failed" grep -q "1 failed" "$TMP/out"
finish
