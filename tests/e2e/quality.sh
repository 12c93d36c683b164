#!/usr/bin/env bash
# The search-quality rules, table-driven: tests/data/quality/cases.tsv
# lists queries with the document each must (+) or must not (-) find,
# grouped under "# rule: ..." lines; plain queries rank rather than
# filter (issue 14), so "must not find" means: not among the hits that
# match every word of the query (a hit with only some of them, ranked
# below, says "all_words": false); the rows per rule are counted at the
# end (tests/data/quality/README.md quotes the counts).
source "$(dirname "$0")/lib.sh"
Q=$SRC/tests/data/quality
DICT=/usr/share/dict/ngerman
[[ -r $DICT ]] || { echo "not ok - $DICT (Debian package wngerman) is missing"; exit 1; }

expect_exit 0 "index the rule fixtures" "$WS" index --synonyms "$SRC/config/synonyms.txt" \
  --dictionary "$DICT" "$Q"
section=none
sections=()
declare -A rows=()
while IFS=$'\t' read -r query want rule; do
  [[ $query == query || -z $query ]] && continue
  if [[ $query == '#'* ]]; then
    section=${query#\# }
    section=${section%%:*}
    continue
  fi
  [[ -n ${rows[$section]:-} ]] || sections+=("$section")
  rows[$section]=$((${rows[$section]:-0} + 1))
  rule="$section: $rule"
  file=${want:1}
  if ! search_json "$TMP/hits" "$query"; then
    not_ok "$rule: '$query' failed"
    continue
  fi
  if [[ ${want:0:1} == + ]]; then
    found=$(finds "$TMP/hits" "$file")
  else
    found=$(python3 - "$TMP/hits" "$file" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
print("yes" if any(h["path"].endswith("/" + sys.argv[2]) and h["all_words"] for h in hits)
      else "no")
PY
)
  fi
  if [[ ${want:0:1} == + ]]; then
    check "$rule: '$query' finds $file" test "$found" = yes
  else
    check "$rule: '$query' does not find $file with every word" test "$found" = no
  fi
done <"$Q/cases.tsv"
for s in "${sections[@]}"; do echo "# rows for $s: ${rows[$s]}"; done
finish
