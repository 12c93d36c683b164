#!/usr/bin/env bash
# kill -9 during indexing leaves an index that opens and answers, and the
# next run completes the work.
source "$(dirname "$0")/lib.sh"

N=3000
mkdir -p "$TMP/many"
python3 - "$TMP/many" "$N" <<'PY'
import os, sys, random
random.seed(7)
words = ("Kommune Integration Ehrenamt Wohnraum Sprachkurs Arbeitsmarkt Geflüchtete "
         "Netzwerk Verwaltung Beratung Schule Kita Gesundheit Teilhabe Resilienz").split()
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    body = " ".join(random.choice(words) for _ in range(400))
    with open(os.path.join(d, f"doc{i:05d}.md"), "w") as f:
        f.write(f"---\ntitle: Dokument {i}\n---\n\n# Dokument {i}\n\nMarker{i} {body}\n")
PY

# Start, wait for the first committed batch, then kill hard.
"$WS" index --batch 50 "$TMP/many" >"$TMP/run1.out" 2>&1 &
pid=$!
docs=0
for _ in $(seq 1 600); do
  docs=$("$WS" info 2>/dev/null | awk '/^documents:/ {print $2}') || true
  [[ -n $docs && $docs -gt 0 ]] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
docs=$("$WS" info | awk '/^documents:/ {print $2}')
echo "documents after kill -9: $docs of $N"
check "killed mid-run (some but not all documents committed)" test "$docs" -gt 0 -a "$docs" -lt "$N"
expect_exit 0 "index opens and answers after the kill" "$WS" -n 3 Kommune
expect_exit 0 "rerun completes" "$WS" index --batch 500 "$TMP/many"
check "rerun adds only what was missing" grep -q "$((N - docs)) added" "$TMP/out"
check "rerun skips what was committed" grep -q "$docs unchanged" "$TMP/out"
docs=$("$WS" info | awk '/^documents:/ {print $2}')
check "all $N documents present" test "$docs" -eq "$N"
expect_exit 0 "the last file is searchable" "$WS" "Marker$((N - 1))"
expect_exit 0 "third run" "$WS" index "$TMP/many"
check "third run changes nothing" contains "$TMP/out" "nothing changed"
finish
