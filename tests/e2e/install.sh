#!/usr/bin/env bash
# install.sh - the README's build, install and serve commands as written
# (issue 16, failure 4): `cmake --install build --prefix /usr` into a
# DESTDIR, the installed searchd with --tcp on a free loopback port serving
# the web page and a query (as root and, when run as root, as nobody), a
# build tree's searchd serving the checkout's web/ with no config,
# `--socket off`, and a configure without cmocka.
# Called as: install.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
SD=$3
BUILD=$(dirname "$SD")
ROOT=$TMP/root
chmod 755 "$TMP" # the nobody run below reads the index in here
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve NAME PORT CMD...: start CMD in the background, wait for /health
serve() {
  local name=$1 port=$2; shift 2
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.log" &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.05
  done
  sed 's/^/    log: /' "$TMP/$name.log"; return 1
}
stop_last() { kill -TERM "${PIDS[-1]}" 2>/dev/null; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; }
web_ok() { curl -sf "http://127.0.0.1:$1/" | grep -qi '<html'; }
query_ok() { curl -sf "http://127.0.0.1:$1/search?q=resilienz+kommune" | grep -q '000_3d92feaf9bbe7cfa.txt'; }

# ---- cmake --install build --prefix /usr, as in "Build and install"
check "cmake --install --prefix /usr succeeds" \
  sh -c "DESTDIR='$ROOT' cmake --install '$BUILD' --prefix /usr >'$TMP/install.log' 2>&1"
check "config in /etc/wsearch" test -f "$ROOT/etc/wsearch/wsearch.conf"
check "thesaurus in /etc/wsearch" test -f "$ROOT/etc/wsearch/synonyms.txt"
check "nothing in /usr/local" test ! -e "$ROOT/usr/local"
check "web front end in /usr/share/wsearch/web" test -f "$ROOT/usr/share/wsearch/web/index.html"
check "/usr/bin/wsearch and /usr/sbin/searchd" test -x "$ROOT/usr/bin/wsearch" -a -x "$ROOT/usr/sbin/searchd"
check "units with the watcher's" test -f "$ROOT/usr/lib/systemd/system/wsearch-watch.service" -a -f "$ROOT/usr/lib/systemd/system/wsearch-searchd.socket"
check "man page" test -f "$ROOT/usr/share/man/man1/wsearch.1"
echo "# local edit" >>"$ROOT/etc/wsearch/wsearch.conf"
DESTDIR=$ROOT cmake --install "$BUILD" --prefix /usr >/dev/null 2>&1
check "a second install keeps the administrator's wsearch.conf" grep -q '^# local edit' "$ROOT/etc/wsearch/wsearch.conf"

# ---- the installed programs: index, then the README's web command
cp -r "$SRC/corpus" "$TMP/corpus"
chmod -R a+rX "$TMP/corpus"
"$ROOT/usr/bin/wsearch" index -q "$TMP/corpus" >/dev/null 2>&1
chmod -R a+rX "$TMP/index"
WORK=$TMP/cwd
mkdir -p "$WORK" && chmod 777 "$WORK"
cd "$WORK"
had_run=no; [[ -e /run/wsearch ]] && had_run=yes
PORT=$(free_port)
check "installed searchd --foreground --tcp 127.0.0.1:$PORT starts" \
  serve inst "$PORT" env -u WSEARCH_SOCKET "$ROOT/usr/sbin/searchd" --foreground --tcp "127.0.0.1:$PORT"
check "it serves the installed web page" web_ok "$PORT"
check "and answers a query" query_ok "$PORT"
curl -s "http://127.0.0.1:$PORT/static/app.js" -o "$TMP/app.js"
check "and the page's script" test -s "$TMP/app.js"
stop_last
[[ $had_run == no && $(id -u) == 0 ]] && rmdir /run/wsearch 2>/dev/null || true

if [[ $(id -u) == 0 ]]; then
  # A user that cannot create /run/wsearch: TCP only, with a clear message.
  PORT=$(free_port)
  check "as nobody: searchd --tcp starts (no /run/wsearch for it)" \
    serve nobody "$PORT" setpriv --reuid nobody --regid nogroup --clear-groups \
    env -u WSEARCH_SOCKET -u XDG_RUNTIME_DIR HOME=/nonexistent WSEARCH_INDEX="$TMP/index" \
    "$ROOT/usr/sbin/searchd" --foreground --tcp "127.0.0.1:$PORT"
  check "as nobody: web page" web_ok "$PORT"
  check "as nobody: query" query_ok "$PORT"
  stop_last
  if [[ ! -w /run/wsearch ]]; then
    check "as nobody: says it serves TCP only" grep -q "serving TCP only" "$TMP/nobody.log"
  fi
fi

# ---- --socket off: no socket, and no file named "off"
PORT=$(free_port)
check "--socket off starts" serve off "$PORT" "$SD" --foreground --socket off --tcp "127.0.0.1:$PORT"
stop_last
check "--socket off made no file ./off" test ! -e "$WORK/off"

# ---- the build tree's searchd serves the checkout's web/ without a config
PORT=$(free_port)
check "build-tree searchd starts" serve tree "$PORT" "$SD" --foreground --socket off --tcp "127.0.0.1:$PORT"
check "build-tree searchd serves the checkout's page" web_ok "$PORT"
check "the very web/app.js of the checkout" \
  sh -c "curl -s 'http://127.0.0.1:$PORT/static/app.js' | cmp -s - '$SRC/web/app.js'"
stop_last

# ---- a plain configure works without cmocka (tests then off)
mkdir -p "$TMP/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
  for f in "$d"/*.pc; do [[ -e $f && $(basename "$f") != cmocka.pc ]] && ln -sf "$f" "$TMP/pc/"; done
done
check "cmake -S . -B build succeeds without cmocka" \
  sh -c "PKG_CONFIG_LIBDIR='$TMP/pc' cmake -S '$SRC' -B '$TMP/nocmocka' >'$TMP/nocm.log' 2>&1"
check "and leaves the tests off" grep -q '^WS_TESTS:BOOL=OFF' "$TMP/nocmocka/CMakeCache.txt"
expect_exit 1 "-DWS_TESTS=ON (scripts/test.sh) without cmocka is an error, not a skip" \
  env PKG_CONFIG_LIBDIR="$TMP/pc" cmake -S "$SRC" -B "$TMP/nocmocka2" -DWS_TESTS=ON
finish
