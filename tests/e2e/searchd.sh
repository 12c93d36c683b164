#!/usr/bin/env bash
# searchd end to end: the real daemon on a temporary UNIX socket, driven
# with curl --unix-socket and hostile raw clients.  Called as:
#   searchd.sh PATH/TO/wsearch SOURCE_DIR PATH/TO/searchd
source "$(dirname "$0")/lib.sh"
SD=$3
PY="python3 $(dirname "$0")/httpc.py"
SOCK=$TMP/sd.sock
LOG=$TMP/sd.log
export WSEARCH_SOCKET=$SOCK

cp -r "$SRC/corpus" "$TMP/corpus"
"$WS" index "$TMP/corpus" >/dev/null 2>&1

SDENV=(env)
start() { # extra args...  (the daemon's environment: "${SDENV[@]}")
  "${SDENV[@]}" "$SD" --foreground --socket "$SOCK" "$@" 2>>"$LOG" &
  SDPID=$!
  for _ in $(seq 1 100); do [[ -S $SOCK ]] && curl -s --unix-socket "$SOCK" http://l/health >/dev/null && return 0; sleep 0.05; done
  echo "searchd did not start"; cat "$LOG"; return 1
}
# stop: SIGTERM, and the daemon must exit 0 (a leak or crash at shutdown in
# the sanitizer build is a non-zero status and fails the test).
stop() {
  local rc=0
  kill -TERM "$SDPID" 2>/dev/null || return 0
  wait "$SDPID" 2>/dev/null || rc=$?
  check "searchd exits 0 after SIGTERM (got $rc)" test $rc -eq 0
}
trap 'kill -TERM "$SDPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT
# c URL [curl args]: status in $TMP/code, body in $TMP/body
c() { local u=$1; shift; curl -s -o "$TMP/body" -w '%{http_code}' -D "$TMP/headers" --unix-socket "$SOCK" "$@" "http://localhost$u" >"$TMP/code" || true; }
status_is() { [[ $(cat "$TMP/code") == "$1" ]]; }
body_has() { python3 -c "import json,os,sys; d=json.load(open('$TMP/body')); sys.exit(0 if ($1) else 1)"; }

check "searchd starts" start

# ---- every endpoint
c /health; check "GET /health 200" status_is 200
check "/health counts documents" body_has "d['status']=='ok' and d['documents']>=25"
c '/search?q=resilienz+kommune&size=3'; check "GET /search 200" status_is 200
check "/search: seed first, fields, facets, timing" body_has "d['hits'][0]['path'].endswith('000_3d92feaf9bbe7cfa.txt') and d['total']>=1 and {'id','title','path','type','date','score','passage','snippet','snippet_html','highlights'} <= set(d['hits'][0]) and '<mark>' in d['hits'][0]['snippet_html'] and set(d['facets'])=={'type','year','speaker','organisation','event'} and d['took_ms']>=0"
c '/search?q=kita&type=md'; check "type filter" body_has "d['hits'] and all(h['type']=='md' for h in d['hits'])"
c '/search?q=integration&from=2024-01-01&to=2024-12-31&sort=date'; check "date range and sort" body_has "d['hits'] and all('2024-01-01'<=h['date']<='2024-12-31' for h in d['hits']) and [h['date'] for h in d['hits']]==sorted([h['date'] for h in d['hits']],reverse=True)"
c '/search?q=integration&year=2025'; check "year filter" body_has "d['hits'] and all(h['date'].startswith('2025') for h in d['hits'])"
c '/search?q=integration&size=4'; cp "$TMP/body" "$TMP/first4"
c '/search?q=integration&size=2&page=2'; check "paging: page 2 holds hits 3 and 4 of the list" body_has "d['offset']==2 and len(d['hits'])==2 and [h['id'] for h in d['hits']]==[h['id'] for h in json.load(open('$TMP/first4'))['hits'][2:4]]"
c '/search?q=Reslienz'; check "spelling suggestion" body_has "d['suggestion']=='resilienz' and not d['hits']"
# speaker filter: as many hits as the unfiltered facet counted for that
# speaker, fewer than without the filter, and each of them by that speaker
c '/search?q=integration&size=50'
read -r sp_total sp_count sp < <(python3 -c "import json; d=json.load(open('$TMP/body')); f=d['facets']['speaker'][0]; print(d['total'], f['count'], f['value'])")
c "/search?q=integration&size=50&speaker=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$sp")"
export SP=$sp
check "speaker filter ($sp: $sp_count of $sp_total)" body_has "d['total']==$sp_count<$sp_total and len(d['hits'])==$sp_count and any(x['value']==os.environ['SP'] and x['count']==d['total'] for x in d['facets']['speaker'])"
c '/suggest?q=integration+resil'; check "GET /suggest" body_has "'integration resilienz' in d['suggestions']"
c '/explain?q=Akteur:innen+Reslienz'; check "GET /explain" body_has "any('Genderform' in l for l in d['explanation']) and any(l.startswith('Meinten Sie') for l in d['explanation'])"
c '/doc/1'; check "GET /doc/1" body_has "d['id']==1 and d['text'] and d['path']"
c /stats; check "GET /stats" body_has "d['requests']['total']>=5 and d['latency_ms']['p50']>0 and d['documents']>=25 and d['revision']>=1 and d['uptime_s']>0"

# ---- every error status, as JSON with a message
c '/search?q=%22Integration+vor+Ort'; check "400 unbalanced quotes" status_is 400
check "400 says why" body_has "'unbalanced quotation mark' in d['error']['message'] and d['error']['status']==400"
c '/search'; check "400 missing q" status_is 400
c '/search?q=%ff%fe'; check "400 invalid UTF-8" status_is 400
c '/search?q=kita&size=abc'; check "400 bad size" status_is 400
c '/doc/abc'; check "400 bad document id" status_is 400
c '/doc/999999'; check "404 unknown document" status_is 404
c '/nirgendwo'; check "404 unknown endpoint" status_is 404
c '/search?q=kita' -X POST; check "405 POST" status_is 405
check "405 names what is allowed" grep -qi '^Allow: GET, HEAD' "$TMP/headers"
head -c 100000 /dev/urandom >"$TMP/blob"
# Expect: 100-continue, as clients send for large bodies: searchd refuses from
# the announced length before any of the body is sent.  Without it, curl may
# still be writing the body when the 413 and the close arrive, and report
# no answer at all (a race in the client, not a searchd failure).
c '/search?q=kita' -X GET -H 'Expect: 100-continue' --data-binary @"$TMP/blob"
check "413 body too large" status_is 413
c "/search?q=$(head -c 5000 /dev/zero | tr '\0' a)"; check "414 query too long" status_is 414
check "hostile: 1 MB query" $PY huge "$SOCK"
check "hostile: NUL byte" $PY nul "$SOCK"
check "hostile: truncated requests" $PY truncated "$SOCK"
check "hostile: 200 connections at once" $PY many "$SOCK" 200
check "hostile: clients gone mid-response" $PY gone "$SOCK"
check "hostile: a client sending one byte a second" $PY slow "$SOCK"
c '/search?q=kommune'; check "normal query after the hostile clients" status_is 200
check "daemon still alive" kill -0 "$SDPID"

# ---- the CLI through the daemon prints exactly what it prints directly
same=1
for q in "resilienz kommune" "Akteur*innen" '"Integration vor Ort"' "kita -schule" "Reslienz" "title:wohnraum"; do
  for fmt in "" "--json"; do
    "$WS" $fmt -n 5 "$q" >"$TMP/via" 2>&1 || true
    "$WS" --direct $fmt -n 5 "$q" >"$TMP/direct" 2>&1 || true
    cmp -s "$TMP/via" "$TMP/direct" || { same=0; echo "differs: $fmt $q"; diff "$TMP/via" "$TMP/direct" | head -5; }
  done
done
check "CLI output identical through searchd and direct" test $same -eq 1
n_before=$(curl -s --unix-socket "$SOCK" http://l/stats | python3 -c "import json,sys; print(json.load(sys.stdin)['requests']['by_endpoint']['search'])")
"$WS" -n 1 kommune >/dev/null
n_after=$(curl -s --unix-socket "$SOCK" http://l/stats | python3 -c "import json,sys; print(json.load(sys.stdin)['requests']['by_endpoint']['search'])")
check "the CLI did ask the daemon" test "$n_after" -gt "$n_before"
"$WS" --direct -n 1 kommune >/dev/null
"$WS" --direct --json -n 1 kommune >/dev/null
n_direct=$(curl -s --unix-socket "$SOCK" http://l/stats | python3 -c "import json,sys; print(json.load(sys.stdin)['requests']['by_endpoint']['search'])")
check "--direct does not ask the daemon ($n_after -> $n_direct)" test "$n_direct" -eq "$n_after"
expect_exit 2 "--socket to a dead socket is an error" "$WS" --socket "$TMP/none.sock" kommune
expect_exit 0 "--direct works without a daemon" env WSEARCH_SOCKET="$TMP/none.sock" "$WS" --direct kommune
expect_exit 0 "default falls back to the index when no daemon answers" env WSEARCH_SOCKET="$TMP/none.sock" "$WS" kommune

# ---- a live socket is not stolen
expect_exit 1 "second searchd on a live socket refused" "$SD" --foreground --socket "$SOCK"
check "says another searchd is there" contains "$TMP/err" "another searchd"

# ---- serving while indexing
mkdir -p "$TMP/corpus/neu"
python3 - "$TMP/corpus/neu" <<'PY'
import os, sys
for i in range(400):
    open(os.path.join(sys.argv[1], f"n{i:03d}.md"), "w").write(f"# Neu {i}\n\nQuartiersarbeit Nummer{i} " + "Integration Kommune " * 200)
PY
"$WS" index --batch 20 "$TMP/corpus" >/dev/null 2>&1 &
IX=$!
fails=0; n=0
while kill -0 $IX 2>/dev/null; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" 'http://l/search?q=integration+kommune')
  n=$((n + 1)); [[ $code == 200 ]] || fails=$((fails + 1))
done
wait $IX || true
echo "queries during the re-index: $n, failed: $fails"
check "every query during a concurrent re-index succeeded ($n)" test $fails -eq 0 -a $n -gt 0
nummer399() { c '/search?q=Nummer399'; body_has "len(d['hits'])==1"; }
wait_for "new documents visible without a restart" 10 nummer399

# ---- SIGHUP reloads the configuration and reopens the index
mkdir -p "$TMP/other"; printf 'Andere Sammlung\n\nEin Dokument über Streuobstwiesen.\n' >"$TMP/other/a.txt"
"$WS" --index "$TMP/idx2" index "$TMP/other" >/dev/null
printf 'index = %s\n' "$TMP/idx2" >"$TMP/searchd.conf"
stop; rm -f "$SOCK"
export WSEARCH_CONFIG=$TMP/empty.conf
check "flags override the config" start --config "$TMP/searchd.conf" --index "$WSEARCH_INDEX"
c /health; check "serves the flag's index, not the config's" body_has "d['documents']>=25"
stop; rm -f "$SOCK"
printf 'index = %s\n' "$WSEARCH_INDEX" >"$TMP/searchd.conf"
SDENV=(env -u WSEARCH_INDEX)  # only the configuration names the index now
start --config "$TMP/searchd.conf"
c /health; check "serves the configured index" body_has "d['documents']>=25"
printf 'index = %s\n' "$TMP/idx2" >"$TMP/searchd.conf"
kill -HUP "$SDPID"
one_doc() { c /health; body_has "d['documents']==1"; }
wait_for "after SIGHUP: the new index, same process" 10 one_doc
c '/search?q=Streuobstwiese'; check "after SIGHUP: its documents are found" body_has "len(d['hits'])==1"
check "still the same process" kill -0 "$SDPID"

# ---- SIGTERM finishes the request in flight, then exits 0
printf 'index = %s\n' "$WSEARCH_INDEX" >"$TMP/searchd.conf"
kill -HUP "$SDPID"
many_docs() { c /health; body_has "d['documents']>=25"; }
wait_for "after a second SIGHUP: the first index again" 10 many_docs
$PY hold "$SOCK" "$TMP/held" "$TMP/go" >"$TMP/hold.out" 2>&1 &
HOLD=$!
# in flight once /stats counts it beside the /stats request itself
held() { c /stats; body_has "d['in_flight']>=2"; }
wait_for "a request held in flight" 10 held
kill -TERM "$SDPID"
stopping() { grep -q "stopping: finishing 1 request(s) in flight" "$LOG"; }
wait_for "SIGTERM seen with the request in flight" 10 stopping
check "still running while a request is in flight" kill -0 "$SDPID"
touch "$TMP/go"
check "the in-flight request is answered" wait $HOLD
set +e; wait "$SDPID"; rc=$?; set -e
check "exits 0 after SIGTERM (got $rc)" test $rc -eq 0
check "removes its socket" test ! -e "$SOCK"

# ---- overload: more requests at once than allowed gets 503
printf 'index = %s\n[searchd]\nmax_inflight = 1\n' "$WSEARCH_INDEX" >"$TMP/searchd.conf"
start --config "$TMP/searchd.conf"
check "503 with Retry-After when overloaded" $PY overload "$SOCK"
stop

# ---- a stale socket file is replaced; socket activation works
rm -f "$SOCK"; $PY stale "$SOCK"
check "stale socket file present" test -S "$SOCK"
check "starts over a stale socket" start
stop; rm -f "$SOCK"
# The activated daemon is not our child (systemd's role is played by
# httpc.py), so its log is its own file and its end is polled for.
SDPID=$($PY activate "$SOCK" "$SD" --foreground 2>"$TMP/activated.log")
health() { curl -s --unix-socket "$SOCK" http://l/health >/dev/null; }
wait_for "the socket-activated daemon answers" 10 health
c '/search?q=kommune'; check "socket activation (LISTEN_FDS) serves queries" status_is 200
check "socket-activated daemon logged that it serves" grep -q "serving .* on 1 socket" "$TMP/activated.log"
kill -TERM "$SDPID"
gone() { ! kill -0 "$SDPID"; }
wait_for "the socket-activated daemon stops on SIGTERM" 10 gone
check "and logged it" grep -q "stopped" "$TMP/activated.log"
finish
