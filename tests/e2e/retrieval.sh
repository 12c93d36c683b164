#!/usr/bin/env bash
# Retrieval that holds on questions, partial matches, known items and
# compounds (issue 14), table-driven on tests/data/retrieval/cases.tsv:
# each row is a query and what its hits must show:
#   1FILE      FILE ranks first
#   >A B       A ranks above B (both found)
#   =FILE      FILE is found and matches every word of the query
#   ~FILE      FILE is found but matches only some of them ("all_words": false)
#   +FILE      FILE is found;  !FILE  FILE is not found at all
# The fixtures are laws titled by their name, short notices that cite
# them, and texts that use a compound's parts apart.
source "$(dirname "$0")/lib.sh"
R=$SRC/tests/data/retrieval
DICT=/usr/share/dict/ngerman
[[ -r $DICT ]] || { echo "not ok - $DICT (Debian package wngerman) is missing"; exit 1; }
export WSEARCH_DICTIONARY=$DICT

expect_exit 0 "index the retrieval fixtures" "$WS" index --synonyms "$SRC/config/synonyms.txt" \
  --dictionary "$DICT" "$R"

n=0
while IFS=$'\t' read -r query want rule; do
  [[ $query == query || $query == \#* || -z $query ]] && continue
  n=$((n + 1))
  if ! search_json "$TMP/hits" "$query"; then
    not_ok "$rule: '$query' failed"
    continue
  fi
  verdict=$(python3 - "$TMP/hits" "$want" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
names = [h["path"].rsplit("/", 1)[-1] for h in hits]
full = {h["path"].rsplit("/", 1)[-1]: h["all_words"] for h in hits}
kind, arg = sys.argv[2][0], sys.argv[2][1:]
if kind == ">":
    a, b = arg.split()
    ok = a in names and b in names and names.index(a) < names.index(b)
elif kind == "1":
    ok = bool(names) and names[0] == arg
elif kind == "=":
    ok = arg in names and full[arg]
elif kind == "~":
    ok = arg in names and not full[arg]
elif kind == "+":
    ok = arg in names
else:
    ok = arg not in names
print("yes" if ok else "no: got " + " ".join(("" if full[x] else "~") + x for x in names))
PY
)
  if [[ $verdict == yes ]]; then ok "$rule: '$query' $want"; else
    not_ok "$rule: '$query' $want ($verdict)"; fi
done <"$R/cases.tsv"
echo "# retrieval rows: $n"

# The CLI says when hits lack words; a sort by date is no ranking: strict.
expect_exit 0 "a partial match is found" "$WS" Integrationskurs Quantenchromodynamik
check "... and the CLI says so" contains "$TMP/err" "hits match only some of the words"
expect_exit 1 "sorted by date, every word is required" "$WS" --sort date Integrationskurs \
  Quantenchromodynamik
expect_exit 0 "--explain names the optional words" "$WS" --explain \
  'Wann gilt die +Wohnsitzauflage für anerkannte Flüchtlinge?'
check "... the required one" contains "$TMP/out" "Pflicht (jeder Treffer enthält es): wohnsitzauflage"
check "... the optional ones" contains "$TMP/out" \
  "Optional (Treffer enthalten möglichst viele davon): gilt, anerkannte, flüchtlinge"
check "... and the question words not counted" contains "$TMP/out" \
  "Nicht gezählt (Funktions- und Fragewörter): Wann, die, für"
expect_exit 0 "--explain of a boolean query" "$WS" --explain 'Wohnsitzauflage AND Flüchtlinge'
check "... says every word is required" contains "$TMP/out" "Alle Wörter sind Pflicht"
finish
