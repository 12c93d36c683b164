#!/usr/bin/env bash
# Query benchmark: in-process vs. through searchd, side by side in one run.
#   bench/query_bench.sh [COPIES]
# Builds a release tree, indexes COPIES copies of corpus/ (default 20, so
# the index is not trivially small), starts searchd on a UNIX socket and
# loopback TCP, runs bench/query_bench (latency, throughput over the UNIX
# socket, RSS after 1 000 and 100 000 requests) and wrk over TCP.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-20}
scripts/install-deps.sh
command -v wrk >/dev/null || { sudo=; [[ $(id -u) -ne 0 ]] && sudo=sudo; $sudo apt-get install -y -qq wrk >/dev/null; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWS_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null

work=$(mktemp -d /tmp/ws-bench-XXXXXX)
trap 'kill $sd 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 1 "$copies"); do cp -r corpus "$work/corpus-$i"; done
export WSEARCH_INDEX=$work/index WSEARCH_CONFIG=/dev/null/none
: >"$work/empty.conf"; export WSEARCH_CONFIG=$work/empty.conf
build-bench/wsearch index -q "$work"/corpus-* >/dev/null 2>&1 || true
echo "index: $(build-bench/wsearch info | awk '/^documents/ {print $2}') documents ($copies copies of corpus/)"

port=$((20000 + RANDOM % 20000))
printf '[searchd]\nlog_requests = off\n' >"$work/searchd.conf"
build-bench/searchd --foreground --config "$work/searchd.conf" --socket "$work/sd.sock" \
  --tcp "127.0.0.1:$port" 2>"$work/sd.log" &
sd=$!
for _ in $(seq 1 100); do [[ -S $work/sd.sock ]] && break; sleep 0.05; done
echo "machine: $(nproc) cores; searchd threads: $(nproc)"
build-bench/bench/query_bench "$WSEARCH_INDEX" "$work/sd.sock" bench/queries.txt 5000 "$sd"

echo "throughput over loopback TCP with wrk (GET /search?q=kommune+integration, 5 s each)"
for c in 1 2 8 64; do
  t=$(( c < 2 ? 1 : 2 ))
  rps=$(wrk -t"$t" -c"$c" -d5s "http://127.0.0.1:$port/search?q=kommune+integration" |
        awk '/Requests\/sec/ {print $2}')
  printf '  %2d connections: %8s requests/s\n' "$c" "$rps"
done
