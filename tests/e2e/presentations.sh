#!/usr/bin/env bash
# Presentations and documents through the real binary: PPTX, ODP, DOCX,
# ODT and PDF fixtures (made by LibreOffice, tests/data/docs) are indexed
# in worker processes; a word found only on slide/page N is reported there
# in text and JSON; every hostile fixture is named with its reason while
# the good files stay searchable; recaps and their decks in the corpus
# name each other.
source "$(dirname "$0")/lib.sh"

D=$TMP/docs
mkdir -p "$D"
cp "$SRC"/tests/data/docs/*.{pptx,odp,pdf,docx,odt} "$D/"
cp -r "$SRC/tests/data/docs/hostile" "$D/hostile"

expect_exit 1 "index with hostile files: exit 1" timeout 120 "$WS" index -j 2 "$D"
check "summary: 6 added, 9 failed" grep -q "15 files: 6 added, 0 updated, 0 removed, 0 unchanged, 9 failed" "$TMP/out"
while IFS='|' read -r name why; do
  grep -F "hostile/$name: " "$TMP/err" >"$TMP/line" || true
  check "hostile $name reported: $why" grep -qF "$why" "$TMP/line"
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

# word -> the one place it is, per format
while read -r word type where; do
  expect_exit 0 "$word in $type" "$WS" --type "$type" "$word"
  check "$word: $type names $where" grep -q "· $where ·" "$TMP/out"
done <<'EOF'
Gemeindehaus pptx slide 2
Leuchtturmwärter pptx slide 3
Kaffeeautomat pptx slide 3
Gemeindehaus odp slide 2
Kaffeeautomat odp slide 3
Leuchtturmwärter pdf page 3
Mietspiegel docx page 2
Zugvogel docx page 3
Mietspiegel odt page 2
Zugvogel odt page 3
Zugvogel pdf page 3
EOF

expect_exit 0 "--json for a slide" "$WS" --json --type pptx Kaffeeautomat
check "json: slide 3 and location" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["slide"] == 3 and h["passage"]["kind"] == "slide", h
assert h["location"].endswith("/folien.pptx#slide=3"), h["location"]
assert h["type"] == "pptx" and h["related"] == []
' "$TMP/out"
expect_exit 0 "--json for a page" "$WS" --json --type pdf Zugvogel
check "json: page 3 and location" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert h["page"] == 3 and h["location"].endswith("/bericht.pdf#page=3"), h
' "$TMP/out"
expect_exit 0 "metadata: speaker field" "$WS" 'referent:lenz'
expect_exit 0 "type:odp filter" "$WS" 'type:odp Sprachcafé'

# one document per file: a deck does not flood the results
expect_exit 0 "deck words" "$WS" --json --type pptx 'Willkommen OR Sprachcafé OR Ergebnisse'
check "one hit per deck" python3 -c '
import json, sys
assert len(json.load(open(sys.argv[1]))) == 1' "$TMP/out"

# unchanged on the second run (with one worker), hostile ones fail again
expect_exit 1 "second run -j 1" "$WS" index -j 1 "$D"
check "second run: 6 unchanged" grep -q "6 unchanged, 9 failed" "$TMP/out"
expect_exit 2 "-j 0 refused" "$WS" index -j 0 "$D"
expect_exit 2 "--timeout x refused" "$WS" index --timeout x "$D"

# recap <-> deck in the sample corpus
export WSEARCH_INDEX=$TMP/corpus-index
expect_exit 0 "index the corpus" "$WS" index -q "$SRC/corpus"
expect_exit 0 "deck word" "$WS" Inobhutnahmen
check "deck hit on page 2" grep -q "2024-02-jugendamt-weidenau-lohr.pdf · pdf · 2024-02-21 · page 2" "$TMP/out"
check "deck names its recap" grep -q "related: Unbegleitete minderjährige Geflüchtete.*2024-02-umf-weidenau-lohr.md" "$TMP/out"
expect_exit 0 "recap --json" "$WS" --json --type md 'title:"zwischen warteliste und wartezimmer"'
check "recap relates to both of its decks" python3 -c '
import json, sys
h = json.load(open(sys.argv[1]))[0]
names = sorted(r["path"].rsplit("/", 1)[1] for r in h["related"])
assert names == ["2023-11-gesundheitslotsen-eschenbrueck.pdf", "2023-11-psz-nordhafen-altwerder.pdf"], names
' "$TMP/out"
finish
