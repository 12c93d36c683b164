#!/usr/bin/env bash
# Legacy Office files and RTF through the real binary: the .ppt, .doc, .xls
# and .rtf fixtures LibreOffice wrote (tests/data/legacy) are indexed in
# worker processes; a word only on slide 3 of the deck names slide 3 in text
# and JSON, the report's words name their pages, a sheet's word its sheet;
# encrypted and truncated files are reported by name with their reason
# while the good ones stay searchable; a second run leaves them unchanged.
source "$(dirname "$0")/lib.sh"

D=$TMP/legacy
mkdir -p "$D"
cp "$SRC"/tests/data/legacy/*.{ppt,doc,xls,rtf} "$D/"
cp -r "$SRC/tests/data/legacy/hostile" "$D/hostile"

expect_exit 1 "index with hostile files: exit 1" timeout 120 "$WS" index -j 2 "$D"
check "summary: 4 added, 3 failed" grep -q "7 files: 4 added, 0 updated, 0 removed, 0 unchanged, 3 failed" "$TMP/out"
while IFS='|' read -r name why; do
  grep -F "hostile/$name: " "$TMP/err" >"$TMP/line" || true
  check "hostile $name reported: $why" grep -qF "$why" "$TMP/line"
done <<'EOF2'
geheim.doc|encrypted (password-protected) Word document, skipped
geheim.ppt|encrypted (password-protected) PowerPoint file, skipped
abgeschnitten.ppt|damaged or truncated OLE container
EOF2

# word -> the one place it is
while read -r word type where; do
  expect_exit 0 "$word in $type" "$WS" --color never --type "$type" "$word"
  check "$word: $type names $where" grep -q "· $type · 2008-03-11 · $where ·" "$TMP/out"
done <<'EOF2'
Bürgerbus ppt slide 2
Holzwerkstatt ppt slide 3
Schlüsselkasten ppt slide 3
Streuobstwiese doc page 2
Kranichzug doc page 3
Streuobstwiese rtf page 2
Kranichzug rtf page 3
Fahrradreparatur xls sheet "Kontakte"
EOF2
expect_exit 0 "the doc's last page" "$WS" --color never --type doc Kranichzug
check "doc snippet" grep -q "Kranichzug über das Viertel" "$TMP/out"

expect_exit 0 "--json for slide 3 of the .ppt" "$WS" --json Holzwerkstatt
check "json: slide 3 and location" python3 -c '
import json, sys
hits = json.load(open(sys.argv[1]))
assert len(hits) == 1, hits
h = hits[0]
assert h["slide"] == 3 and h["passage"] == {"kind": "slide", "number": 3}, h
assert h["location"].endswith("/alt-folien.ppt#slide=3"), h["location"]
assert h["type"] == "ppt" and h["title"] == "Nachbarschaftstreff: Folien von 2008", h
' "$TMP/out"
expect_exit 0 "--json for the .doc" "$WS" --json --type doc Streuobstwiese
check "json: doc path and type" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["path"].endswith("/alt-bericht.doc") and h["type"] == "doc", h
assert h["page"] == 2 and h["passage"]["heading"] == "Grünflächen", h
assert "Streuobstwiese" in h["snippet"], h["snippet"]
' "$TMP/out"
expect_exit 0 "--json for sheet 2 of the .xls" "$WS" --json Fahrradreparatur
check "json: the sheet by name and number" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["type"] == "xls" and h["sheet"] == "Kontakte", h
assert h["passage"] == {"kind": "sheet", "number": 2, "heading": "Kontakte"}, h
' "$TMP/out"
expect_exit 0 "metadata: author as speaker" "$WS" --type ppt 'referent:falk'
expect_exit 0 "type:xls filter" "$WS" 'type:xls Özdemir'
expect_exit 1 "master slide text is not indexed" "$WS" --type ppt 'Outline'

expect_exit 1 "second run -j 1" "$WS" index -j 1 "$D"
check "second run: 4 unchanged, 3 failed" grep -q "4 unchanged, 3 failed" "$TMP/out"
finish
