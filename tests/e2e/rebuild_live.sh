#!/usr/bin/env bash
# rebuild_live.sh - `wsearch index --rebuild` while searchd serves (issue
# 16, failure 1): a query loop against the real daemon runs during a loop
# of rebuilds; every answer must be 200 with hits, none empty, none an
# error.  The first rebuild also migrates a plain index folder to the stub
# + generation layout.  Called as: rebuild_live.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
SD=$3
SOCK=$TMP/sd.sock
LOG=$TMP/sd.log
ROUNDS=${WS_REBUILD_ROUNDS:-12}

cp -r "$SRC/corpus" "$TMP/corpus"
"$WS" index "$TMP/corpus" >/dev/null 2>&1
check "a new index starts as a plain folder" test -d "$WSEARCH_INDEX"

"$SD" --foreground --socket "$SOCK" --tcp off 2>>"$LOG" &
SDPID=$!
trap 'kill -TERM $SDPID 2>/dev/null; wait $SDPID 2>/dev/null; rm -rf "$TMP"' EXIT
started=no
for _ in $(seq 1 200); do
  if curl -sf --unix-socket "$SOCK" http://l/health >/dev/null 2>&1; then started=yes; break; fi
  sleep 0.05
done
check "searchd started" test "$started" = yes

# The query loop: keeps asking until the stop file appears, then writes
# "answers empty errors" to $TMP/qstats.
python3 - "$SOCK" "$TMP/stop" "$TMP/qstats" <<'PY' &
import http.client, json, os, socket, sys
sock, stop, out = sys.argv[1:4]
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(sock)
queries = ["resilienz+kommune", "integration", "kita", "ehrenamt", "wohnraum"]
n = empty = errors = 0
c = C("localhost", timeout=10)
while not os.path.exists(stop) or n < 50:
    q = queries[n % len(queries)]
    n += 1
    try:
        c.request("GET", "/search?q=" + q + "&size=3")
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            errors += 1
            print("status", r.status, body[:200], file=sys.stderr)
        elif json.loads(body)["total"] == 0:
            empty += 1
            print("empty answer for", q, file=sys.stderr)
    except Exception as e:
        errors += 1
        print("error", repr(e), file=sys.stderr)
        c = C("localhost", timeout=10)
open(out, "w").write("%d %d %d\n" % (n, empty, errors))
PY
QPID=$!

rebuild_fail=0 direct_fail=0
for i in $(seq 1 "$ROUNDS"); do
  "$WS" index --rebuild -j2 -q "$TMP/corpus" >"$TMP/rb.out" 2>"$TMP/rb.err" || {
    rebuild_fail=$((rebuild_fail + 1)); cat "$TMP/rb.err"; }
  # the CLI opening the index itself during the next rebuild's start
  "$WS" --direct kommune >/dev/null 2>>"$TMP/direct.err" || direct_fail=$((direct_fail + 1))
done
: >"$TMP/stop"
wait "$QPID" || true
read -r answers empty errors <"$TMP/qstats" || { answers=0 empty=0 errors=1; }
echo "# $ROUNDS rebuilds, $answers answers: $empty empty, $errors errors"
check "every rebuild succeeded ($rebuild_fail failed)" test "$rebuild_fail" -eq 0
check "the query loop got answers ($answers)" test "$answers" -ge 50
check "no empty answer for a query with hits ($empty)" test "$empty" -eq 0
check "no error answer ($errors)" test "$errors" -eq 0
check "direct CLI searches all found hits ($direct_fail failed)" test "$direct_fail" -eq 0
[[ -s $TMP/direct.err ]] && sed 's/^/    direct: /' "$TMP/direct.err" | head -5

check "the index path is now a stub file" test -f "$WSEARCH_INDEX"
check "the stub names a generation" grep -Eq '^glass index\.gen/[0-9]+$' "$WSEARCH_INDEX"
gens=$(find "$TMP/index.gen" -mindepth 1 -maxdepth 1 -type d | wc -l)
check "only the live and the previous generation are kept ($gens)" test "$gens" -le 2

# An incremental run after rebuilds writes to the live generation.
echo "Ein neues Dokument über Quartiersmanagement." >"$TMP/corpus/neu.txt"
expect_exit 0 "incremental run after rebuilds" "$WS" index -q "$TMP/corpus"
expect_exit 0 "its new document is found" "$WS" --direct quartiersmanagement
for _ in $(seq 1 100); do
  curl -s --unix-socket "$SOCK" 'http://l/search?q=quartiersmanagement' | grep -q '"total":1' && break
  sleep 0.05
done
check "and searchd sees it" sh -c "curl -s --unix-socket '$SOCK' 'http://l/search?q=quartiersmanagement' | grep -q '\"total\":1'"

# A rebuild that fails (a root that is gone) leaves the live index alone.
live=$(cat "$WSEARCH_INDEX")
expect_exit 2 "a failing rebuild is an error" "$WS" index --rebuild "$TMP/nowhere"
check "and the live index is unchanged" test "$(cat "$WSEARCH_INDEX")" = "$live"
expect_exit 0 "still searchable" "$WS" --direct quartiersmanagement
finish
