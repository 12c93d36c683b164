#!/usr/bin/env bash
# searchd under slow, crowding, expensive and malformed clients (issue 16,
# failures 2, 3 and 5): the real daemon on a UNIX socket and loopback TCP,
# driven by tests/e2e/limits.py.  Asserts answers and cuts, never latency
# figures (those are in bench/trickle_bench.sh and bench/soak.sh).
#   searchd_limits.sh PATH/TO/wsearch SOURCE_DIR PATH/TO/searchd
source "$(dirname "$0")/lib.sh"
SD=$3
L="python3 $(dirname "$0")/limits.py"
SOCK=$TMP/sd.sock
LOG=$TMP/sd.log
export WSEARCH_SOCKET=$SOCK
PORT=$((20000 + $$ % 20000))

cp -r "$SRC/corpus" "$TMP/corpus"
"$WS" index "$TMP/corpus" >/dev/null 2>&1

# Short deadlines so the test is quick; the defaults are in docs/api.md.
cat >"$TMP/sd.conf" <<EOF
[searchd]
request_timeout = 2
connection_timeout = 4
max_connections = 1024
max_connections_per_ip = 8
search_timeout_ms = 2000
EOF
export WSEARCH_CONFIG=$TMP/sd.conf

start() { # extra args...
  "$SD" --foreground --socket "$SOCK" "$@" 2>>"$LOG" &
  SDPID=$!
  for _ in $(seq 1 100); do curl -s --unix-socket "$SOCK" http://l/health >/dev/null && return 0; sleep 0.05; done
  echo "searchd did not start"; cat "$LOG"; return 1
}
STOPS=$TMP/stops  # exit status of each stop
stop() { [[ -n ${SDPID:-} ]] || return 0; kill -TERM "$SDPID" 2>/dev/null; local rc=0; wait "$SDPID" 2>/dev/null || rc=$?; echo "$rc" >>"$STOPS"; SDPID=; }
clean_stops() { stop; ! grep -qv '^0$' "$STOPS" && ! grep -q 'Sanitizer\|runtime error' "$LOG"; }
trap 'stop; rm -rf "$TMP"' EXIT
c() { local u=$1; shift; curl -s -o "$TMP/body" -w '%{http_code}' --unix-socket "$SOCK" "$@" "http://localhost$u" >"$TMP/code" || true; }
status_is() { [[ $(cat "$TMP/code") == "$1" ]]; }
body_has() { python3 -c "import json,sys; d=json.load(open('$TMP/body')); sys.exit(0 if ($1) else 1)"; }
# j FILE EXPR: the JSON object limits.py printed satisfies EXPR (as d)
j() { python3 -c "import json,sys; d=json.load(open('$1')); sys.exit(0 if ($2) else 1)" || { echo "    got: $(cat "$1")"; return 1; }; }
normal_query() { c '/search?q=kommune'; status_is 200 && body_has "d['hits']"; }

check "searchd starts on a UNIX socket and loopback TCP" start --tcp "127.0.0.1:$PORT"

# ---- failure 2: slow clients are cut, normal queries still answered
# 300 connections trickling a byte every 1-6 s for 7 s: every one of them is
# cut by the whole-request deadline (2 s here) although it never idles.
$L trickle "unix:$SOCK" 300 7 60 0.05 >"$TMP/t1"
check "trickling connections are all cut by the request deadline" j "$TMP/t1" "d['first_wave_open']==0 and d['cut_by_server']>=300"
check "normal queries answered next to 300 trickling connections" j "$TMP/t1" "d['queries']>=20 and d['answered']==d['queries'] and not d['failed']"
echo "    (figures, not asserted: $(cat "$TMP/t1"))"
curl -s --unix-socket "$SOCK" http://l/stats >"$TMP/body"
check "/stats counts the deadline cuts" body_has "d['connections']['cut_deadline']>=300"

# 1 100 trickling connections (over the connection limit's headroom), which
# reconnect when cut: the oldest waiting ones are shed, queries get through.
$L trickle "unix:$SOCK" 1100 6 100 0.03 >"$TMP/t2"
check "normal queries answered next to 1 100 trickling connections" j "$TMP/t2" "d['queries']>=20 and d['answered']==d['queries'] and not d['failed']"
echo "    (figures, not asserted: $(cat "$TMP/t2"))"

# 1 100 idle connections at once: a query is still answered.
$L crowd "unix:$SOCK" 1100 >"$TMP/t3"
check "a query is answered while 1 100 idle connections are open" j "$TMP/t3" "d['query_status']==200 and d['query_hits']"

# TCP: at most max_connections_per_ip (8) from one address.
$L per_ip "tcp:127.0.0.1:$PORT" 8 >"$TMP/t4"
check "TCP: a 9th connection from one address is refused, another address is served" j "$TMP/t4" "d['same_address']==0 and d['other_address']==200 and d['other_hits']"
check "daemon alive after the crowds" kill -0 "$SDPID"
check "normal query after the crowds" normal_query

# ---- failure 3: expensive queries are bounded
q680=$(python3 -c "print(' OR '.join(['k*'] * 680))")
c "/search?q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$q680")"
check "680 x k* OR-ed: answered with truncated results" body_has "d['truncated'] is True and 'wildcards' in d['truncated_by'] and d['hits']"
check "680 x k* took well under the search timeout (not seconds of CPU)" body_has "d['took_ms'] < 2000"
check "normal query right after the expensive one" normal_query
c '/search?q=kommune'; check "a normal query is not truncated" body_has "d['truncated'] is False"
c '/search?q=k*'; check "a single wildcard within its share is not truncated" body_has "d['truncated'] is False and d['hits']"
q1200=$(python3 -c "print(' '.join('w%d' % i for i in range(1200)))")
c "/search?q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$q1200")"
# over max_query (4096 bytes) is 414; with a larger max_query the clause cap answers 400
check "1 200 words: refused (414 over max_query)" status_is 414
stop
printf 'max_query = 16384\nmax_connections = 64\n' >>"$TMP/sd.conf"
check "searchd restarts with max_query = 16384, max_connections = 64" start
# 100 idle connections against a limit of 64: the oldest are shed to make
# room (without shedding the query's connection would be refused).
$L crowd "unix:$SOCK" 100 >"$TMP/t5"
check "over max_connections: the oldest idle are shed, the query is answered" j "$TMP/t5" "d['query_status']==200 and d['query_hits'] and d['closed_by_server']>0"
curl -s --unix-socket "$SOCK" http://l/stats >"$TMP/body"
check "/stats counts the shed connections" body_has "d['connections']['cut_shed']>0"
c "/search?q=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$q1200")"
check "1 200 words: 400 with a clear message (over 1 000 clauses)" status_is 400
check "the message says the query is too large" body_has "'too large' in d['error']['message'] and 'at most 1000' in d['error']['message']"
"$WS" --direct "$q680" >/dev/null 2>"$TMP/cli.err" || true
check "the CLI says the results were cut short" contains "$TMP/cli.err" "cut short"

# ---- failure 5: requests that got no answer or the wrong one
$L raw "unix:$SOCK" "GET /search?$(python3 -c "print('&'.join(['q=a'] * 500))") HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >"$TMP/r1"
check "500 x q=a (2 KB URL) gets an answer" j "$TMP/r1" "d['status'] in (200, 400) and d['seconds'] < 2"
$L raw "unix:$SOCK" "GET /search?q=kita HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 40000 /dev/zero | tr '\0' a)\r\n\r\n" >"$TMP/r2"
check "headers over max_request: 431 as JSON" j "$TMP/r2" "d['status']==431 and 'too large' in d['error']"
$L raw "unix:$SOCK" "GET /search?q=kita HTTP/1.1\r\nHost: x\r\n" shut >"$TMP/r3"
check "truncated request (client half-closed): closed, not left hanging" j "$TMP/r3" "d['status']==0 and d['closed']"
$L raw "unix:$SOCK" "GET /sea" >"$TMP/r4"
check "truncated request (client waits): closed by the request deadline" j "$TMP/r4" "d['status']==0 and d['closed']"
for u in '/static/app.js%00.txt' '/file/1%00' '/doc/1%00'; do
  $L raw "unix:$SOCK" "GET $u HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >"$TMP/r5"
  check "$u: 400 as JSON" j "$TMP/r5" "d['status']==400 and 'NUL' in d['error']"
done
$L raw "unix:$SOCK" "GET /search?q=kita\x00schule HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >"$TMP/r6"
check "a raw NUL byte in q: 400 as JSON" j "$TMP/r6" "d['status']==400 and 'NUL' in d['error']"
$L raw "unix:$SOCK" "GET /doc/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >"$TMP/r7"
check "/doc/1 without a NUL is still 200" j "$TMP/r7" "d['status']==200"
check "normal query at the end" normal_query
check "daemon still alive" kill -0 "$SDPID"
check "searchd stopped cleanly each time (exit 0, no sanitizer report)" clean_stops

# OpenThesaurus widening shares the expansion budget: 90 words get fewer
# broad synonyms each, and say so (a short query is not cut).
OT=/usr/share/openthesaurus-de/openthesaurus.txt
if [[ -r $OT ]]; then
  WSEARCH_INDEX=$TMP/ot "$WS" index --openthesaurus "$OT" "$TMP/corpus" >/dev/null 2>&1
  q90=$(python3 -c "print(' '.join(['kommune'] * 90))")
  WSEARCH_INDEX=$TMP/ot "$WS" --direct "$q90" >/dev/null 2>"$TMP/ot.err" || true
  check "90 words with OpenThesaurus: fewer synonyms per word, said on stderr" contains "$TMP/ot.err" "fewer synonyms per word"
  WSEARCH_INDEX=$TMP/ot "$WS" --direct kommune >/dev/null 2>"$TMP/ot.err" || true
  check "one word with OpenThesaurus: not cut" bash -c "! grep -q 'cut short' '$TMP/ot.err'"
else
  not_ok "$OT is missing (Debian package openthesaurus-de-text)"
fi
finish
