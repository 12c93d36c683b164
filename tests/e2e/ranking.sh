#!/usr/bin/env bash
# Spelling, abbreviations and the broad thesaurus, table-driven:
# tests/data/ranking/cases.tsv lists queries with a document each must
# find (+), must not find (-), or two documents in the order they must
# rank (>first second).  The "index" column says which index the row runs
# on: plain (config/synonyms.txt and wngerman), broad (OpenThesaurus on),
# off (OpenThesaurus switched off again).
source "$(dirname "$0")/lib.sh"
R=$SRC/tests/data/ranking
DICT=/usr/share/dict/ngerman
OT=/usr/share/openthesaurus-de/openthesaurus.txt
for f in "$DICT" "$OT"; do
  [[ -r $f ]] || { echo "not ok - $f is missing (Debian packages wngerman, openthesaurus-de-text)"; exit 1; }
done

run_rows() {
  local pass=$1
  while IFS=$'\t' read -r query want rule index; do
    [[ $query == query || $index != "$pass" ]] && continue
    if ! search_json "$TMP/hits" "$query"; then
      not_ok "$rule: '$query' failed"
      continue
    fi
    verdict=$(python3 - "$TMP/hits" "$want" <<'PY'
import json, sys
hits = [h["path"].rsplit("/", 1)[-1] for h in json.load(open(sys.argv[1]))]
want = sys.argv[2]
if want[0] == ">":
    a, b = want[1:].split()
    ok = a in hits and b in hits and hits.index(a) < hits.index(b)
    print("yes" if ok else "no: got " + " ".join(hits))
elif want[0] == "+":
    print("yes" if want[1:] in hits else "no: got " + " ".join(hits))
else:
    print("yes" if want[1:] not in hits else "no: got " + " ".join(hits))
PY
)
    case ${want:0:1} in
      '>') what="ranks ${want:1}" ;;
      '+') what="finds ${want:1}" ;;
      *) what="does not find ${want:1}" ;;
    esac
    if [[ $verdict == yes ]]; then ok "$rule: '$query' $what"; else
      not_ok "$rule: '$query' $what ($verdict)"; fi
  done <"$R/cases.tsv"
}

expect_exit 0 "index the fixtures" "$WS" index --synonyms "$SRC/config/synonyms.txt" \
  --dictionary "$DICT" "$R"
run_rows plain

# The snippet of a document typed without umlauts marks the word too.
"$WS" --json -n 5 Flüchtlinge >"$TMP/hits"
check "highlight: 'Flüchtlinge' marks Fluechtlinge in umschrieben.txt" python3 - "$TMP/hits" <<'PY'
import json, sys
for h in json.load(open(sys.argv[1])):
    if h["path"].endswith("/umschrieben.txt"):
        s = h["snippet"].encode()
        marked = [s[a:b].decode() for a, b in h["highlights"]]
        sys.exit(0 if "Fluechtlinge" in marked else "marked: %r" % marked)
sys.exit("umschrieben.txt not found")
PY

expect_exit 0 "switch OpenThesaurus on" "$WS" index --openthesaurus "$OT" "$R"
check "OpenThesaurus loaded" contains "$TMP/out" "broad synonyms loaded from $OT"
run_rows broad
expect_exit 0 "an unchanged run leaves it" "$WS" index --openthesaurus "$OT" "$R"
check "... and says nothing changed" contains "$TMP/out" "nothing changed"

expect_exit 0 "switch OpenThesaurus off" "$WS" index "$R"
check "OpenThesaurus removed" contains "$TMP/out" "broad synonyms (OpenThesaurus) removed"
run_rows off
finish
