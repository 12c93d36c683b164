#!/usr/bin/env bash
# Normal-query latency next to trickling connections (issue 16, failure 2).
# Not a test: it prints figures.
#   bench/trickle_bench.sh [CONNECTIONS] [SECONDS] [BUILD_DIR]   (1100, 30, build/)
# Starts searchd with its default limits on a UNIX socket, opens CONNECTIONS
# connections that each send one byte every 1-6 s (reopened a second after
# searchd cuts one), and meanwhile runs normal queries one after another
# (tests/e2e/limits.py trickle); prints p50/p99/max of those queries, how
# many failed, and searchd's cut counters.  Then the same queries without
# the trickling crowd, for comparison on the same (shared, noisy) machine.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1100} secs=${2:-30} build=${3:-build}
work=$(mktemp -d /tmp/ws-trickle-XXXXXX)
trap 'kill $sd 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
for i in 1 2 3; do cp -r corpus "$work/corpus-$i"; done
printf '[searchd]\nlog_requests = off\n' >"$work/sd.conf"
export WSEARCH_INDEX=$work/index WSEARCH_CONFIG=$work/sd.conf
"$build/wsearch" index -q "$work"/corpus-* >/dev/null 2>&1 || true
"$build/searchd" --foreground --socket "$work/sd.sock" 2>"$work/sd.log" &
sd=$!
for _ in $(seq 1 100); do curl -s --unix-socket "$work/sd.sock" http://l/health >/dev/null && break; sleep 0.05; done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); searchd defaults (request_timeout 5 s, max_connections 1024)"
L="python3 tests/e2e/limits.py"
$L trickle "unix:$work/sd.sock" 0 5 1000 0.005 | python3 -c "import json,sys; d=json.load(sys.stdin); print('no crowd:            %4d queries, %d failed, p50 %6.2f ms, p99 %6.2f ms, max %6.2f ms' % (d['queries'], len(d['failed']), d['p50_ms'], d['p99_ms'], d['max_ms']))"
$L trickle "unix:$work/sd.sock" "$n" "$secs" 100000 0.02 | python3 -c "import json,sys; d=json.load(sys.stdin); print('%5d trickling conns: %4d queries, %d failed, p50 %6.2f ms, p99 %6.2f ms, max %6.2f ms; server cut %d connections, longest lived %.1f s' % (d['connections'], d['queries'], len(d['failed']), d['p50_ms'], d['p99_ms'], d['max_ms'], d['cut_by_server'], d['longest_lived_s'] or 0))"
curl -s --unix-socket "$work/sd.sock" http://l/stats | python3 -c "import json,sys; print('searchd:', json.dumps(json.load(sys.stdin)['connections']))"
