#!/usr/bin/env bash
# Re-indexing touches only what changed: unchanged runs change nothing,
# modified, added and deleted files are followed.
source "$(dirname "$0")/lib.sh"

cp -r "$SRC/corpus" "$TMP/corpus"
C=$TMP/corpus
expect_exit 0 "first run" "$WS" index --synonyms "$SRC/config/synonyms.txt" "$C"
# corpus/.wsearchignore keeps the corpus's own README.md out of the index
total=$(find "$C" -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' -o -name '*.pdf' \) ! -name README.md | wc -l)
check "first run adds every file ($total)" summary_has "$TMP/out" "$total" added

# Xapian's lock file is touched by every writer; the data files must not be.
snap() { (cd "$WSEARCH_INDEX" && find . -type f ! -name flintlock -printf '%p %s %T@\n' | sort) ; }
snap >"$TMP/before"
expect_exit 0 "second run" "$WS" index --synonyms "$SRC/config/synonyms.txt" "$C"
check "second run says nothing changed" contains "$TMP/out" "nothing changed"
snap >"$TMP/after"
check "second run leaves the index files untouched (thesaurus unchanged too)" cmp -s "$TMP/before" "$TMP/after"
cp "$SRC/config/synonyms.txt" "$TMP/syn.txt"; echo "Quartier, Nachbarschaft" >>"$TMP/syn.txt"
expect_exit 0 "a changed thesaurus is reloaded" "$WS" index --synonyms "$TMP/syn.txt" "$C"
check "it says so" contains "$TMP/out" "synonyms loaded"

# Delete a file: its document goes.
victim=$(grep -rl "Sprachmittlung" "$C" | head -1)
[[ -n $victim ]] || victim=$(find "$C" -name '*.md' | head -1)
"$WS" --json -n 100 Sprachmittlung >"$TMP/x.json" || true
check "the file to delete is found before" python3 - "$TMP/x.json" "$victim" <<'PY'
import json, sys
assert any(h["path"] == sys.argv[2] for h in json.load(open(sys.argv[1])))
PY
rm "$victim"
expect_exit 0 "run after a delete" "$WS" index "$C"
check "reports one removed" summary_has "$TMP/out" 1 removed
"$WS" --json -n 100 Sprachmittlung >"$TMP/y.json" || true
check "deleted file gone from results" python3 - "$TMP/y.json" "$victim" <<'PY'
import json, sys
assert all(h["path"] != sys.argv[2] for h in json.load(open(sys.argv[1])))
PY

# Modify a file: new words found, old ones gone.
target=$C/000_3d92feaf9bbe7cfa.txt
printf 'Willkommen: Online Austausch - Neues Thema\n\nHeute ging es um Zwiebelkuchenrezepte.\n' >"$target"
expect_exit 0 "run after a change" "$WS" index "$C"
check "reports one updated" summary_has "$TMP/out" 1 updated
expect_exit 0 "new word found" "$WS" Zwiebelkuchenrezepte
expect_exit 1 "old text gone" "$WS" '"Dessau-Roßlau" Personaler'

# Add a file.
printf -- '---\ntitle: Neu\n---\n\nDie Quartiersmanagerin berichtet.\n' >"$C/neu.md"
expect_exit 0 "run after an add" "$WS" index "$C"
check "reports one added" summary_has "$TMP/out" 1 added
expect_exit 0 "added file found" "$WS" Quartiersmanagerin
finish
