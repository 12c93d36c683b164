#!/usr/bin/env bash
# kill -9 during indexing leaves an index that opens and answers, and the
# next run completes the work.
source "$(dirname "$0")/lib.sh"

N=0
# more FILES: add files doc$N .. doc$((N+FILES-1))
more() {
  python3 - "$TMP/many" "$N" "$1" <<'PY'
import os, sys, random
random.seed(7)
words = ("Kommune Integration Ehrenamt Wohnraum Sprachkurs Arbeitsmarkt Geflüchtete "
         "Netzwerk Verwaltung Beratung Schule Kita Gesundheit Teilhabe Resilienz").split()
d, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, first + n):
    body = " ".join(random.choice(words) for _ in range(400))
    with open(os.path.join(d, f"doc{i:05d}.md"), "w") as f:
        f.write(f"---\ntitle: Dokument {i}\n---\n\n# Dokument {i}\n\nMarker{i} {body}\n")
PY
  N=$((N + $1))
}
mkdir -p "$TMP/many"
more 3000

# Start, wait for the first committed batch, then kill hard.  On a fast or
# idle machine the indexer may finish before the kill lands: then the round
# proves nothing, and it is run again on a fresh index with more files.
for round in 1 2 3; do
  rm -rf "$WSEARCH_INDEX"
  "$WS" index --batch 50 "$TMP/many" >"$TMP/run1.out" 2>&1 &
  pid=$!
  docs=0
  for _ in $(seq 1 1200); do
    docs=$("$WS" info 2>/dev/null | awk '/^documents:/ {print $2}') || true
    [[ -n $docs && $docs -gt 0 ]] && break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  docs=$("$WS" info | awk '/^documents:/ {print $2}')
  [[ $docs -lt $N ]] && break
  echo "round $round: the indexer finished all $N files before the kill; again with more"
  more $N
done
echo "documents after kill -9: $docs of $N"
check "killed mid-run (some but not all documents committed)" test "$docs" -gt 0 -a "$docs" -lt "$N"
expect_exit 0 "index opens and answers after the kill" "$WS" -n 3 Kommune
# a build from empty on 2 cores writes through two writers (index.c):
# the second one's folder is left by the kill, unmerged
expect_exit 0 "rerun completes" "$WS" index --batch 500 "$TMP/many"
check "the second writer's folder a killed build left is removed" test ! -e "$WSEARCH_INDEX.side"
check "rerun adds only what was missing ($((N - docs)))" summary_has "$TMP/out" $((N - docs)) added
check "rerun skips what was committed ($docs)" summary_has "$TMP/out" "$docs" unchanged
docs=$("$WS" info | awk '/^documents:/ {print $2}')
check "all $N documents present" test "$docs" -eq "$N"
expect_exit 0 "the last file is searchable" "$WS" "Marker$((N - 1))"
expect_exit 0 "third run" "$WS" index "$TMP/many"
check "third run changes nothing" contains "$TMP/out" "nothing changed"
finish
