#!/usr/bin/env bash
# kill -9 while the workers have analysed documents the writer has not
# written yet (issue 12: analysis runs in the workers, the writer only
# writes, in walk order).  A slow file (the CLI's test seam makes its
# worker sleep) holds the writer back; the other worker analyses the files
# after it, which wait in the writer's window.  Killed then, the index must
# open with exactly the committed batches, whole, and a second run must
# complete it.
source "$(dirname "$0")/lib.sh"

N=1200
SLOW=400
mkdir -p "$TMP/many"
python3 - "$TMP/many" "$N" <<'PY'
import os, sys, random
random.seed(11)
words = ("Kommune Integration Ehrenamt Wohnraum Sprachkurs Arbeitsmarkt Geflüchtete "
         "Netzwerk Verwaltung Beratung Schule Kita Gesundheit Teilhabe Resilienz").split()
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    body = " ".join(random.choice(words) for _ in range(300))
    with open(os.path.join(d, f"doc{i:05d}.md"), "w") as f:
        f.write(f"---\ntitle: Dokument {i}\n---\n\n# Dokument {i}\n\nMarker{i} {body}\n")
PY
slow=$(printf 'doc%05d.md' $SLOW)
# One writer: what is committed is then exactly the files before the slow
# one, in walk order.  (A build from empty otherwise writes half of the
# files through a second writer, merged at the end: crash_resume.sh kills
# such a build.)
export WSEARCH_TEST_ONE_WRITER=1
log=$TMP/started.log
: >"$log"
WSEARCH_TEST_WORKER_LOG=$log WSEARCH_TEST_WORKER_DELAY="$slow:250" \
  "$WS" index -j 2 --timeout 300 --batch 50 "$TMP/many" >"$TMP/run1.out" 2>&1 &
pid=$!
# Wait (bounded) until the batches before the slow file are committed and
# the other worker has started file 1000: files SLOW+1 .. 999 are then
# analysed and waiting in the writer, which still waits for the slow one.
docs=0 ahead=0
for _ in $(seq 1 2400); do
  docs=$("$WS" info 2>/dev/null | awk '/^documents:/ {print $2}') || true
  grep -q 'doc01000\.md$' "$log" && ahead=1
  [[ $ahead -eq 1 && -n $docs && $docs -ge $SLOW ]] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
check "the writer waits for the slow file while later files are analysed" \
  test "$ahead" -eq 1 -a "${docs:-0}" -eq "$SLOW"
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true

docs=$("$WS" info | awk '/^documents:/ {print $2}')
check "after kill -9 the index holds exactly the committed batches ($docs of $SLOW)" test "$docs" -eq "$SLOW"
expect_exit 0 "the last committed document is found" "$WS" --json "Marker$((SLOW - 1))"
check "and it is whole: title and snippet" python3 -c "
import json, sys
h = json.load(open(sys.argv[1]))
sys.exit(not (len(h) == 1 and h[0]['title'] == 'Dokument $((SLOW - 1))' and 'Marker$((SLOW - 1))' in h[0]['snippet']))" "$TMP/out"
expect_exit 1 "the slow file was never written" "$WS" "Marker$SLOW"
expect_exit 1 "nor a document that was analysed but not written" "$WS" "Marker999"

expect_exit 0 "a second run completes" "$WS" index "$TMP/many"
check "it adds what was missing ($((N - SLOW)))" summary_has "$TMP/out" $((N - SLOW)) added
check "and keeps what was committed ($SLOW)" summary_has "$TMP/out" "$SLOW" unchanged
docs=$("$WS" info | awk '/^documents:/ {print $2}')
check "all $N documents present" test "$docs" -eq "$N"
expect_exit 0 "the slow file is searchable now" "$WS" "Marker$SLOW"
expect_exit 0 "and the last" "$WS" "Marker$((N - 1))"
finish
