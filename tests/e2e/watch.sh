#!/usr/bin/env bash
# watch.sh - `wsearch index --watch` (issue 16, build 4): files created,
# changed, moved and deleted, a new subfolder, a watched folder removed
# and re-created, changes made while the watcher was down, and SIGTERM.
# Each change must become searchable (or unsearchable) within a deadline;
# polling, no fixed sleeps.  Called as: watch.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
D=$TMP/docs
mkdir -p "$D/a"
echo "Ein Bericht über Quartiersmanagement in Lindenau." >"$D/a/eins.txt"
WPID=
trap '[[ -n $WPID ]] && kill -TERM $WPID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

start_watch() {
  "$WS" index --watch -j2 "$D" >>"$TMP/watch.out" 2>>"$TMP/watch.err" &
  WPID=$!
  for _ in $(seq 1 200); do grep -q '^watching' "$TMP/watch.out" 2>/dev/null && return 0; sleep 0.05; done
  cat "$TMP/watch.err"; return 1
}
# hits WORD: the number of hits for WORD (0 when none or no index)
hits() { "$WS" --direct --json -n 100 "$1" 2>/dev/null | python3 -c 'import json,sys
try: print(len(json.load(sys.stdin)))
except ValueError: print(0)'; }
# within SECONDS WORD N: poll until WORD has N hits; prints the wait
within() {
  local limit=$1 word=$2 want=$3 t0 got
  t0=$(date +%s%N)
  while :; do
    got=$(hits "$word")
    [[ $got == "$want" ]] && { echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; return 0; }
    (( $(date +%s%N) - t0 > limit * 1000000000 )) && { echo "still $got hits after ${limit} s"; return 1; }
    sleep 0.1
  done
}
# saw DESCRIPTION WORD N: a check with the time it took
saw() {
  local d=$1 out
  # 2 s is the promise; the deadline is generous for a loaded CI machine
  if out=$(within 10 "$2" "$3"); then ok "$d ($out)"; else not_ok "$d: $out"; fi
}

check "the watcher starts" start_watch
saw "the first walk indexed what was there" quartiersmanagement 1

echo "Neue Notiz zur Sprachmittlung." >"$D/a/zwei.txt"
saw "a created file is found" sprachmittlung 1
echo "Jetzt geht es um Wohnraumversorgung." >"$D/a/zwei.txt"
saw "a changed file: the new word is found" wohnraumversorgung 1
saw "a changed file: the old word is gone" sprachmittlung 0
mkdir -p "$D/b/tief"
echo "Kitaplatzvergabe im neuen Ordner." >"$D/b/tief/drei.md"
saw "a file in a new subfolder is found" kitaplatzvergabe 1
mv "$D/b/tief/drei.md" "$D/a/drei.md"
only_at() { [[ $(hits kitaplatzvergabe) == 1 ]] && "$WS" --direct --json kitaplatzvergabe | grep -q "\"$D/a/drei.md\""; }
moved=no
for _ in $(seq 1 100); do only_at && { moved=yes; break; }; sleep 0.1; done
check "a moved file is found under its new path, and only there" test "$moved" = yes
rm "$D/a/zwei.txt"
saw "a deleted file is gone" wohnraumversorgung 0
echo "Ehrenamtskoordination" >"$D/b/vier.txt"
saw "file in b found" ehrenamtskoordination 1
mv "$D/b" "$TMP/b-away"
saw "a subfolder moved out of the tree: its documents are gone" ehrenamtskoordination 0
mv "$TMP/b-away" "$D/b"
saw "and moved back: found again" ehrenamtskoordination 1
echo "Neu in b nach dem Zurückschieben: Patenschaftsprogramm" >"$D/b/fuenf.txt"
saw "the moved-back folder is watched again" patenschaftsprogramm 1
echo "versteckt Geheimwort" >"$D/a/.hidden.txt"
echo "Sichtbar Kontrollwort" >"$D/a/sichtbar.txt"
saw "(sync point)" kontrollwort 1
check "hidden files are not indexed" test "$(hits geheimwort)" = 0

# The watched folder itself goes away and comes back.
rm -rf "$D"
saw "the watched folder removed: its documents are gone" quartiersmanagement 0
mkdir -p "$D/c"
echo "Wiederkehr: Quartiersmanagement ist zurück." >"$D/c/sechs.txt"
saw "the watched folder re-created: its files are found" quartiersmanagement 1
echo "Noch eine Datei: Integrationslotsen" >"$D/c/sieben.txt"
saw "and it is watched again" integrationslotsen 1

# A burst of 300 files (debounced into few commits, or a rescan).
for i in $(seq 1 300); do echo "Massendatei $i Stapelwort" >"$D/c/m$i.txt"; done
saw "a burst of 300 files is indexed" stapelwort 100  # -n 100 caps the count
check "all 300 of them" sh -c "'$WS' --direct --json -n 1000 stapelwort | python3 -c 'import json,sys; sys.exit(0 if len(json.load(sys.stdin))==300 else 1)'"

# A rebuild while the watcher runs works (the watcher locks per batch):
# tests/e2e/watch_rebuild.sh.
expect_exit 0 "a --rebuild while the watcher runs" "$WS" index --rebuild -q "$D"

# SIGTERM: clean exit 0.
kill -TERM "$WPID"
set +e; wait "$WPID"; wrc=$?; set -e
WPID=
check "SIGTERM: the watcher exits 0 (exit $wrc)" test "$wrc" -eq 0
check "and says it stopped" grep -q '^stopped (SIGTERM)' "$TMP/watch.out"

# Changes made while it was down are caught by the walk on start.
rm "$D/c/sieben.txt"
echo "Während der Pause: Nachbarschaftshilfe" >"$D/c/acht.txt"
check "the watcher starts again" start_watch
saw "a file created while it was down is found" nachbarschaftshilfe 1
saw "a file deleted while it was down is gone" integrationslotsen 0
check "no errors on stderr" test ! -s "$TMP/watch.err"
[[ -s $TMP/watch.err ]] && sed 's/^/    err: /' "$TMP/watch.err" | head
kill -TERM "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=

# A folder (and a single file) that do not exist yet when the watcher starts.
export WSEARCH_INDEX=$TMP/index2
"$WS" index --watch "$TMP/later" "$TMP/single.txt" >"$TMP/w2.out" 2>"$TMP/w2.err" &
WPID=$!
for _ in $(seq 1 200); do grep -q '^watching' "$TMP/w2.out" 2>/dev/null && break; sleep 0.05; done
check "a watcher on folders that are not there yet starts" grep -q '^watching' "$TMP/w2.out"
check "saying what is missing" grep -q 'later' "$TMP/w2.err"
mkdir -p "$TMP/later/x"
echo "Spaeterwort kommt noch" >"$TMP/later/x/neu.txt"
saw "a folder that appears later is indexed" spaeterwort 1
echo "Einzeldateiwort" >"$TMP/single.txt"
saw "a single watched file that appears is indexed" einzeldateiwort 1
echo "Geaendertes Solowort" >"$TMP/single.txt"
saw "and its change is seen" solowort 1
rm "$TMP/single.txt"
saw "and its removal" solowort 0
kill -INT "$WPID"
set +e; wait "$WPID"; wrc=$?; set -e
WPID=
check "SIGINT: the watcher exits 0 too (exit $wrc)" test "$wrc" -eq 0
check "and says it stopped" grep -q '^stopped (SIGINT)' "$TMP/w2.out"

expect_exit 2 "--watch with --rebuild is a usage error" "$WS" index --watch --rebuild "$D"
finish
