#!/usr/bin/env bash
# Shards end to end: two wsearch indexes served by real xapian-tcpsrv
# processes (Xapian's remote backend), searched through a stub file by the
# CLI and by searchd, against one local index of the same files.  Called as:
#   shards.sh PATH/TO/wsearch SOURCE_DIR PATH/TO/searchd
# What must hold (README "Scale-out"): the same hits, totals, filters and
# facets as one index; the thesaurus from a local front database named
# first in the stub; a shard that goes down is a clear error (CLI exit 2,
# searchd 503 while it keeps serving), and searchd answers again as soon as
# the shard is back; a shard updated while served is seen by the next query;
# a shard replicated with xapian-replicate gives the master's hits.
source "$(dirname "$0")/lib.sh"
SD=$3
TCPSRV=$(command -v xapian-tcpsrv || true)
if [[ -z $TCPSRV ]]; then
  echo "xapian-tcpsrv not found (Debian package xapian-tools)"
  exit 77
fi
SYN=$SRC/config/synonyms.txt
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

# Two shards of the corpus: 2023 and 2024 in one, 2025 and the seed recap in
# the other; and one index of both folders, the reference.
mkdir -p "$TMP/a" "$TMP/b" "$TMP/empty"
cp -r "$SRC/corpus/2023" "$SRC/corpus/2024" "$TMP/a/"
cp -r "$SRC/corpus/2025" "$SRC"/corpus/000_*.txt "$TMP/b/"
"$WS" --index "$TMP/sa" index -q --synonyms "$SYN" "$TMP/a" >/dev/null 2>&1
"$WS" --index "$TMP/sb" index -q --synonyms "$SYN" "$TMP/b" >/dev/null 2>&1
"$WS" --index "$TMP/all" index -q --synonyms "$SYN" "$TMP/a" "$TMP/b" >/dev/null 2>&1
# The front database: no documents, the thesaurus (and the schema) only.
"$WS" --index "$TMP/front" index -q --synonyms "$SYN" "$TMP/empty" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
listening() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; }
# serve NAME DB: xapian-tcpsrv on a free port; sets PORT_NAME and PID_NAME
serve() {
  local name=$1 db=$2 port
  port=${3:-$(free_port)}
  # Its own session: on SIGTERM xapian-tcpsrv signals its whole process
  # group (to stop its forked children), which would be this test.
  setsid "$TCPSRV" --interface 127.0.0.1 --port "$port" "$db" >>"$TMP/tcpsrv-$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  printf -v "PORT_$name" %s "$port"
  printf -v "PID_$name" %s "$pid"
  wait_for "xapian-tcpsrv serves shard $name on port $port" 10 listening "$port"
}
serve a "$TMP/sa"
serve b "$TMP/sb"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PORT_a" "$PORT_b" >"$TMP/remote.stub"
printf 'glass %s\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$TMP/front" "$PORT_a" "$PORT_b" \
  >"$TMP/shards.stub"

# same_hits DESC QUERY [OPTIONS]: the shards give the reference's hits, in
# its order where the scores differ (ties may come in either order), with
# the same snippets and highlights.  With
# SAME_SET=1 only the same documents: each shard expands a wildcard over its
# own words, so their weights differ from one index's.
same_hits() {
  local d=$1 q=$2; shift 2
  export SAME_SET=${SAME_SET:-0}
  search_json "$TMP/ref.json" "$q" --index "$TMP/all" "$@" || { not_ok "$d: reference search"; return; }
  search_json "$TMP/sh.json" "$q" --index "$TMP/shards.stub" "$@" || { not_ok "$d: search over shards"; return; }
  if python3 - "$TMP/ref.json" "$TMP/sh.json" <<'PY'; then ok "$d"; else not_ok "$d"; fi
import json, sys
ref, sh = (json.load(open(p)) for p in sys.argv[1:3])
def groups(hits):  # paths grouped by score, in rank order
    out = []
    for h in hits:
        if out and abs(out[-1][0] - h["score"]) < 1e-6:
            out[-1][1].add(h["path"])
        else:
            out.append((h["score"], {h["path"]}))
    return [g for _, g in out]
import os
if os.environ["SAME_SET"] == "1":
    groups = lambda hits: sorted(h["path"] for h in hits)
marks = lambda hits: {h["path"]: (h.get("highlights"), h.get("snippet")) for h in hits}
if marks(ref) != marks(sh):  # the matching terms, found per hit on its shard
    print("    snippets or highlights differ")
    sys.exit(1)
if len(ref) != len(sh) or groups(ref) != groups(sh):
    print("    reference:", [h["path"].rsplit("/", 1)[-1] for h in ref][:8])
    print("    shards:   ", [h["path"].rsplit("/", 1)[-1] for h in sh][:8])
    sys.exit(1)
PY
}
docs() { "$WS" --index "$1" info | awk '/^documents:/ {print $2}'; }
check "the shards hold the corpus between them ($(docs "$TMP/sa") + $(docs "$TMP/sb") documents)" \
  test $(($(docs "$TMP/sa") + $(docs "$TMP/sb"))) -eq "$(docs "$TMP/all")"
check "wsearch info reads the stub of shards" test "$(docs "$TMP/shards.stub")" -eq "$(docs "$TMP/all")"
while IFS='|' read -r q opts; do
  # shellcheck disable=SC2086
  same_hits "same hits over shards as one index: $q ${opts}" "$q" $opts
done <<'EOF'
resilienz kommune|
integration|
Wohnraum für Geflüchtete|
ehrenamt -schule|
"psychosoziale Versorgung"|
kita OR schule|
jahr:2024 integration|
type:pdf|
integration|--type md
integration|--from 2024-01-01 --to 2024-12-31
integration|--sort date
Wie können Kommunen Engagement stärken?|
Schutzsuchende|
EOF
SAME_SET=1 same_hits "the same documents over shards for a wildcard: integr*" "integr*"
SAME_SET=1 same_hits "the same documents over shards for a wildcard: kommun* wohn*" "kommun* wohn*"
# Both shards answer: the hits come from both folders.
search_json "$TMP/sh.json" integration --index "$TMP/shards.stub"
check "hits come from both shards" python3 -c "
import json; p=[h['path'] for h in json.load(open('$TMP/sh.json'))]
import sys; sys.exit(0 if any('/a/' in x for x in p) and any('/b/' in x for x in p) else 1)"
# Without the front database the shards' thesaurus is not consulted
# (Xapian's remote backend does not serve synonyms): fewer hits.
search_json "$TMP/ref.json" Schutzsuchende --index "$TMP/all"
"$WS" --json -n 50 --index "$TMP/remote.stub" Schutzsuchende >"$TMP/nofront.json" 2>/dev/null || true
check "the thesaurus needs the front database (without it: fewer hits)" python3 -c "
import json; a=json.load(open('$TMP/ref.json')); b=json.load(open('$TMP/nofront.json'))
import sys; sys.exit(0 if len(b) < len(a) else 1)"

# ---- searchd over the shards, beside searchd over the reference
SOCK=$TMP/sd.sock
RSOCK=$TMP/ref.sock
start_sd() { # socket index
  "$SD" --foreground --socket "$1" --index "$2" 2>>"$TMP/sd-$(basename "$1").log" &
  PIDS+=("$!")
  SDPID=$!
  wait_for "searchd on $(basename "$2") starts" 20 curl -sf --unix-socket "$1" http://l/health
}
start_sd "$RSOCK" "$TMP/all"
start_sd "$SOCK" "$TMP/shards.stub"
SHARD_SD=$SDPID
get() { curl -s -o "$3" -w '%{http_code}' --unix-socket "$1" "http://localhost$2" || true; }
for q in integration "kommune resilienz" "ehrenamt" "jahr:2024"; do
  u="/search?q=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")&size=20"
  get "$RSOCK" "$u" "$TMP/r.json" >/dev/null
  code=$(get "$SOCK" "$u" "$TMP/s.json")
  check "searchd over shards: /search?q=$q answers 200 (got $code)" test "$code" = 200
  check "searchd over shards: total and facet counts equal one index's ($q)" python3 -c "
import json,sys; r=json.load(open('$TMP/r.json')); s=json.load(open('$TMP/s.json'))
ok = r['total']==s['total'] and r['facets']==s['facets'] and r['total']>0 and any(r['facets'].values())
ok = ok and sorted(h['path'] for h in r['hits'])==sorted(h['path'] for h in s['hits'])
sys.exit(0 if ok else 1)"
done
id=$(python3 -c "import json; print(json.load(open('$TMP/s.json'))['hits'][0]['id'])")
path=$(python3 -c "import json; print(json.load(open('$TMP/s.json'))['hits'][0]['path'])")
code=$(get "$SOCK" "/doc/$id" "$TMP/doc.json")
check "/doc/ID of a hit over shards names that hit's file (got $code)" python3 -c "
import json,sys; d=json.load(open('$TMP/doc.json')); sys.exit(0 if d['path']=='$path' and len(d['text'])>100 else 1)"

# ---- a shard goes down, and comes back
kill -TERM "$PID_b"
wait "$PID_b" 2>/dev/null || true
expect_exit 2 "CLI over a stub with a shard down fails" "$WS" --index "$TMP/shards.stub" integration
check "and says which error" grep -q "NetworkError" "$TMP/err"
code=$(get "$SOCK" "/search?q=integration" "$TMP/s.json")
check "searchd answers 503 while a shard is down (got $code)" test "$code" = 503
code=$(get "$SOCK" "/health" "$TMP/h.json")
check "/health says unavailable while a shard is down (got $code)" test "$code" = 503
check "searchd keeps running" kill -0 "$SHARD_SD"
serve b "$TMP/sb" "$PORT_b"
answers_all() {
  [[ $(get "$SOCK" "/search?q=integration" "$TMP/s.json") == 200 ]] &&
    python3 -c "import json,sys; sys.exit(0 if json.load(open('$TMP/s.json'))['total']==json.load(open('$TMP/r0.json'))['total'] else 1)"
}
get "$RSOCK" "/search?q=integration" "$TMP/r0.json" >/dev/null
wait_for "searchd answers over both shards again once the shard is back" 10 answers_all

# ---- a shard updated while it is served
cat >"$TMP/b/2025/2025-12-zebrastreifen.md" <<'EOF'
---
title: Schulweg und Zebrastreifenpatenschaft in Quellbach
date: 2025-12-01
---
Ehrenamtliche begleiten neu zugezogene Familien auf dem Schulweg; die Zebrastreifenpatenschaft
ist ein Angebot der Nachbarschaftshilfe.
EOF
"$WS" --index "$TMP/sb" index -q "$TMP/b" >/dev/null 2>&1
search_json "$TMP/sh.json" Zebrastreifenpatenschaft --index "$TMP/shards.stub"
check "the CLI finds a document added to a served shard" test "$(finds "$TMP/sh.json" 2025-12-zebrastreifen.md)" = yes
found_new() {
  get "$SOCK" "/search?q=Zebrastreifenpatenschaft" "$TMP/s.json" >/dev/null &&
    python3 -c "import json,sys; sys.exit(0 if json.load(open('$TMP/s.json'))['total']==1 else 1)"
}
wait_for "searchd finds it too (reopen over remote shards)" 10 found_new

# ---- a replica (xapian-replicate): a search machine of its own for a shard
mkdir -p "$TMP/master" "$TMP/replica"
export XAPIAN_MAX_CHANGESETS=10 # the master keeps changesets for its replicas
"$WS" --index "$TMP/master/sa" index -q "$TMP/a" >/dev/null 2>&1
RPORT=$(free_port)
setsid xapian-replicate-server --interface 127.0.0.1 --port "$RPORT" "$TMP/master" \
  >>"$TMP/replicate-server.log" 2>&1 &
PIDS+=("$!")
wait_for "xapian-replicate-server serves the master" 10 listening "$RPORT"
replicate() { timeout 60 xapian-replicate --host 127.0.0.1 --port "$RPORT" --master sa --one-shot "$TMP/replica/sa"; }
check "xapian-replicate copies the shard" replicate
search_json "$TMP/ref.json" integration --index "$TMP/master/sa"
search_json "$TMP/sh.json" integration --index "$TMP/replica/sa"
check "the replica gives the master's hits" cmp -s "$TMP/ref.json" "$TMP/sh.json"
cp "$TMP/b/2025/2025-12-zebrastreifen.md" "$TMP/a/"
"$WS" --index "$TMP/master/sa" index -q "$TMP/a" >/dev/null 2>&1
has_changeset() { compgen -G "$TMP/master/sa/changes*" >/dev/null; }
check "the master wrote a changeset for the update" has_changeset
check "xapian-replicate brings the update over" replicate
search_json "$TMP/sh.json" Zebrastreifenpatenschaft --index "$TMP/replica/sa"
check "the replica finds the updated shard's new document" test "$(finds "$TMP/sh.json" 2025-12-zebrastreifen.md)" = yes
unset XAPIAN_MAX_CHANGESETS

kill -TERM "$SHARD_SD"
rc=0
wait "$SHARD_SD" 2>/dev/null || rc=$?
check "searchd over shards exits 0 after SIGTERM (got $rc)" test $rc -eq 0
finish
