#!/usr/bin/env bash
# Query syntax, --explain and the spelling suggestion, table-driven on the
# rule fixtures (tests/data/quality):
#   syntax.tsv    a query and the document it must find (+), must not find
#                 among the hits that match every word (-: a plain query
#                 ranks documents with only some of its words below), or
#                 must not find at all (!: strict syntax filters)
#   explain.tsv   a query and a text its --explain must (+) or must not (-)
#                 print: explain is the oracle for the analysis
#   spelling.tsv  a query and the suggestion the CLI prints ("Did you mean:
#                 ..."), "-" where there must be none
# Lines starting with "#" name a group of rows.
source "$(dirname "$0")/lib.sh"
Q=$SRC/tests/data/quality
DICT=/usr/share/dict/ngerman
[[ -r $DICT ]] || { echo "not ok - $DICT (Debian package wngerman) is missing"; exit 1; }
# --explain shows compound splits with this list, as the index was split
export WSEARCH_DICTIONARY=$DICT

# More words beginning with "quaxel" than a wildcard stands for (200): made
# here rather than kept as a fixture, so the other rule tests never see it.
mkdir -p "$TMP/viele"
{
  printf 'Viele Wörter\n\n'
  for a in {a..z}; do for b in {a..j}; do printf 'Quaxel%s%s ' "$a" "$b"; done; done
  printf '\n'
} >"$TMP/viele/syntax-viele.txt"

expect_exit 0 "index the rule fixtures" "$WS" index --synonyms "$SRC/config/synonyms.txt" \
  --dictionary "$DICT" "$Q" "$TMP/viele"

# finds_full HITS FILE: is FILE among the hits that match every word?
finds_full() {
  python3 - "$1" "$2" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
print("yes" if any(h["path"].endswith("/" + sys.argv[2]) and h.get("all_words", True)
                   for h in hits) else "no")
PY
}

# rows FILE: the rows of a table, without its header, blank and # lines
rows() { grep -v -e '^query	' -e '^#' -e '^$' "$1"; }

n=0
while IFS=$'\t' read -r query want rule; do
  n=$((n + 1))
  file=${want:1}
  if ! search_json "$TMP/hits" "$query"; then
    not_ok "syntax: $rule: '$query' failed"
    continue
  fi
  found=$(finds "$TMP/hits" "$file")
  if [[ ${want:0:1} == + ]]; then
    check "syntax: $rule: '$query' finds $file" test "$found" = yes
  elif [[ ${want:0:1} == '!' ]]; then
    check "syntax: $rule: '$query' does not find $file at all" test "$found" = no
  else
    found=$(finds_full "$TMP/hits" "$file")
    check "syntax: $rule: '$query' does not find $file with every word" test "$found" = no
  fi
done < <(rows "$Q/syntax.tsv")
echo "# syntax rows: $n"

n=0
while IFS=$'\t' read -r query want rule; do
  n=$((n + 1))
  text=${want:1}
  set +e
  "$WS" --explain "$query" >"$TMP/explain" 2>"$TMP/err"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    not_ok "explain: $rule: '$query' failed (exit $rc): $(head -1 "$TMP/err")"
    continue
  fi
  if grep -qF -- "$text" "$TMP/explain"; then said=yes; else said=no; fi
  if [[ ${want:0:1} == + ]]; then
    check "explain: $rule: '$query' says '$text'" test $said = yes
  else
    check "explain: $rule: '$query' does not say '$text'" test $said = no
  fi
  # a failing row shows what explain said
  if [[ $said == yes && ${want:0:1} == - || $said == no && ${want:0:1} == + ]]; then
    sed 's/^/    /' "$TMP/explain"
  fi
done < <(rows "$Q/explain.tsv")
echo "# explain rows: $n"

n=0
while IFS=$'\t' read -r query want rule; do
  n=$((n + 1))
  set +e
  "$WS" "$query" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  set -e
  if [[ $rc -eq 2 ]]; then
    not_ok "spelling: $rule: '$query' failed: $(head -1 "$TMP/err")"
    continue
  fi
  got=$(sed -n 's/^Did you mean: //p' "$TMP/out")
  if [[ $want == - ]]; then
    check "spelling: $rule: '$query' gets no suggestion${got:+ (got: $got)}" test -z "$got"
  else
    check "spelling: $rule: '$query' suggests '$want'${got:+ (got: $got)}" test "$got" = "$want"
  fi
done < <(rows "$Q/spelling.tsv")
echo "# spelling rows: $n"
finish
