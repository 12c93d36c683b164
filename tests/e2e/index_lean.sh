#!/usr/bin/env bash
# A smaller index (issue 12): an index built from empty in several batches
# is compacted at the end (one revision, no leftover, the folder's narrowed
# mode kept), incremental runs are not; the spelling table keeps words of
# titles and headings and words of two or more documents, not a word one
# file used once.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3 # python3-xapian
D=$TMP/docs
mkdir -p "$D"
for i in $(seq 1 40); do
  printf -- '---\ntitle: Bericht %s\n---\n\n# Abschnitt %s\n\nDie Kommune plant Wohnraum. Nummer%s\n' \
    "$i" "$i" "$i" >"$D/bericht$i.md"
done
printf 'Heftklammer\n\nEin Zylophantin stand im Text.\n' >"$D/einmal.txt"
printf 'Erste Notiz\n\nDas Marmeladenglas ist leer.\n' >"$D/notiz1.txt"
printf 'Zweite Notiz\n\nNoch ein Marmeladenglas.\n' >"$D/notiz2.txt"
chmod 600 "$D/notiz2.txt" # the index folder must stay as private as this file

db() { "$PY" -c "import xapian, sys; db = xapian.Database(sys.argv[1]); print($1)" "$WSEARCH_INDEX"; }

expect_exit 0 "index from empty in batches of 5" "$WS" index --dictionary off --batch 5 "$D"
check "43 files added, in nine batches" bash -c "grep -q '43 added' '$TMP/out'"
check "the index was compacted into one revision (revision $(db 'db.get_revision()'))" \
  test "$(db 'db.get_revision()')" -eq 1
check "no compaction folder left behind" test ! -e "$WSEARCH_INDEX.compact"
check "all 43 documents" test "$(db 'db.get_doccount()')" -eq 43
mode=$(stat -c %a "$WSEARCH_INDEX")
check "the folder keeps its narrowed mode ($mode)" test "$((8#$mode & 077))" -eq 0
expect_exit 0 "the compacted index answers" "$WS" Marmeladenglas

spell() { db "' '.join(sorted(t.term.decode() for t in db.spellings()))"; }
words=" $(spell) "
check "a word of two documents is a spelling word" contains <(echo "$words") " marmeladenglas "
check "a title word is a spelling word" contains <(echo "$words") " heftklammer "
check "a heading word is a spelling word" contains <(echo "$words") " abschnitt "
check "a word one file used once is not" bash -c "! grep -q ' zylophantin ' <<<'$words'"
expect_exit 1 "a typo of a two-document word" "$WS" Marmeladenglsa
check "is corrected" contains "$TMP/out" "marmeladenglas"
expect_exit 1 "a typo of the once-used word" "$WS" Zylophantim
check "is not 'corrected' to it" bash -c "! grep -qi zylophantin '$TMP/out'"

printf 'Dritte Notiz\n\nZylophantin schon wieder.\n' >"$D/notiz3.txt"
expect_exit 0 "an incremental run" "$WS" index --dictionary off --batch 5 "$D"
check "is not compacted (revision $(db 'db.get_revision()'))" test "$(db 'db.get_revision()')" -eq 2
check "a word becomes a spelling word once a second document uses it" \
  contains <(echo " $(spell) ") " zylophantin "
finish
