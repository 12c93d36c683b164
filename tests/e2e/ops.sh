#!/usr/bin/env bash
# ops.sh - inputs that were accepted wrongly and data that was quietly lost
# or exposed (issue 16, failures 6 and 7), each through the real programs.
# Called as: ops.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
SD=$3
SDPID=
trap '[[ -n $SDPID ]] && kill -TERM $SDPID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
cp -r "$SRC/corpus" "$TMP/corpus"
"$WS" index -q "$TMP/corpus" >/dev/null 2>&1

# ---- failure 7: inputs
expect_exit 2 "--from 2024-13-45 is an error" "$WS" --from 2024-13-45 kommune
check "naming the bad date" contains "$TMP/err" "'2024-13-45' is not a date"
expect_exit 2 "--from 2023-02-29 (no leap year) is an error" "$WS" --from 2023-02-29 kommune
expect_exit 0 "--from 2024-02-29 (leap year) is fine" "$WS" --from 2024-02-29 kommune
expect_exit 2 "--from after --to is an error" "$WS" --from 2024-06-01 --to 2024-01-01 kommune
check "saying the range is empty" contains "$TMP/err" "empty date range"
expect_exit 2 "datum:2024-06-01..2024-01-01 is an error" "$WS" 'kommune datum:2024-06-01..2024-01-01'
check "saying the range is empty, not 'no words'" contains "$TMP/err" "empty date range: 2024-06-01 is after 2024-01-01"
expect_exit 2 "datum:2024-02-30..2024-03-01 is an error" "$WS" 'kommune datum:2024-02-30..2024-03-01'
check "naming the bad date" contains "$TMP/err" "'2024-02-30' is not a date"
expect_exit 0 "a good datum range still works" "$WS" 'kommune datum:2024-01-01..2024-06-30'
expect_exit 2 "--type exe is an error" "$WS" --type exe kommune
check "naming the known types" contains "$TMP/err" "unknown type 'exe' (known types: txt, md, html, pdf"
expect_exit 0 "--type md works" "$WS" --type md kommune
expect_exit 2 "wsearch index with no folder is a usage error" "$WS" index
check "saying what is missing" contains "$TMP/err" "name at least one folder"
expect_exit 0 "-n1 is accepted" "$WS" --json -n1 kommune
check "and gives one hit" python3 -c "import json; assert len(json.load(open('$TMP/out'))) == 1"
expect_exit 0 "--limit=2 is accepted" "$WS" --json --limit=2 kommune
check "and gives two hits" python3 -c "import json; assert len(json.load(open('$TMP/out'))) == 2"
mkdir -p "$TMP/loop"
ln -s "$TMP/loop/b" "$TMP/loop/a"; ln -s "$TMP/loop/a" "$TMP/loop/b"
ln -s "$TMP/loop/nowhere" "$TMP/loop/dangling.txt"
echo "Schleifentest" >"$TMP/loop/f.txt"
expect_exit 0 "a folder with a link loop is indexed" "$WS" -i "$TMP/ix-loop" index "$TMP/loop"
check "the loop is called a loop" contains "$TMP/err" "loop/a: symbolic link loop"
check "a dangling link is still called dangling" contains "$TMP/err" "dangling.txt: dangling symbolic link"

# ---- failure 6: a file over the 16 MiB text limit
mkdir -p "$TMP/big"
python3 - "$TMP/big/gross.txt" <<'PY'
import sys
line = "Ein langer Bericht über Integration und Teilhabe in der Kommune.\n"
with open(sys.argv[1], "w") as f:
    f.write(line * ((17 << 20) // len(line)))
    f.write("Schlusswortganzhinten\n")
PY
expect_exit 0 "a 17 MiB text file is indexed" "$WS" -i "$TMP/ix-big" index "$TMP/big"
check "with a warning naming it, its size and what was kept" \
  grep -Eq "gross.txt: [0-9]+ bytes: text longer than the 16 MiB limit, only its first [0-9]+ bytes are searchable" "$TMP/err"
expect_exit 0 "its head is searchable" "$WS" -i "$TMP/ix-big" teilhabe
expect_exit 1 "its tail is not (as the warning said)" "$WS" -i "$TMP/ix-big" schlusswortganzhinten

# ---- failure 6: a folder named on the command line that is gone
mkdir -p "$TMP/v/keep" "$TMP/v/gone"
echo "Bleibtwort" >"$TMP/v/keep/k.txt"
echo "Verschwindwort eins" >"$TMP/v/gone/g1.txt"
echo "Verschwindwort zwei" >"$TMP/v/gone/g2.txt"
expect_exit 0 "two folders indexed" "$WS" -i "$TMP/ix-v" index "$TMP/v/keep" "$TMP/v/gone"
rm -rf "$TMP/v/gone"
expect_exit 0 "the same command after one folder is deleted" "$WS" -i "$TMP/ix-v" index "$TMP/v/keep" "$TMP/v/gone"
check "says the folder is gone and its documents removed" contains "$TMP/err" "v/gone: no longer exists: removed its 2 documents from the index"
expect_exit 1 "its documents are no longer found" "$WS" -i "$TMP/ix-v" verschwindwort
expect_exit 0 "the other folder's are" "$WS" -i "$TMP/ix-v" bleibtwort
expect_exit 2 "a folder that never existed is still an error" "$WS" -i "$TMP/ix-v" index "$TMP/v/keep" "$TMP/v/typo"
expect_exit 0 "after the other folders were indexed" "$WS" -i "$TMP/ix-v" bleibtwort

# ---- failure 6: files others may not read
mkdir -p "$TMP/p"
echo "Geheimsache im Personalbericht" >"$TMP/p/geheim.txt"
echo "Offenesache im Jahresbericht" >"$TMP/p/offen.txt"
chmod 600 "$TMP/p/geheim.txt"
chmod 755 "$TMP" "$TMP/p"
expect_exit 0 "a folder with a mode-0600 file is indexed" "$WS" -i "$TMP/ix-p" index "$TMP/p"
check "with a warning that the index became private" contains "$TMP/err" "geheim.txt: not readable by group and others"
mode=$(stat -c %a "$TMP/ix-p")
check "the index folder gives others nothing (mode $mode)" test "$((8#$mode & 8#077))" -eq 0
if [[ $(id -u) == 0 ]]; then
  expect_exit 2 "another user cannot read the private file's text from the index" \
    setpriv --reuid nobody --regid nogroup --clear-groups "$WS" --direct -i "$TMP/ix-p" geheimsache
fi
SOCK=$TMP/sd.sock
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_sd() {
  "$SD" --foreground --index "$TMP/ix-p" --socket "$SOCK" --tcp "127.0.0.1:$PORT" "$@" 2>>"$TMP/sd.log" &
  SDPID=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0; sleep 0.05; done
  cat "$TMP/sd.log"; return 1
}
stop_sd() { kill -TERM "$SDPID"; wait "$SDPID" 2>/dev/null || true; SDPID=; }
docid() { curl -s --unix-socket "$SOCK" "http://l/search?q=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["id"])'; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "searchd starts on a socket and TCP" start_sd
gid=$(docid geheimsache); oid=$(docid offenesache)
check "/file of the private file over TCP: 403" test "$(code "http://127.0.0.1:$PORT/file/$gid")" = 403
check "/file of the public file over TCP: 200" test "$(code "http://127.0.0.1:$PORT/file/$oid")" = 200
check "/file of the private file over the UNIX socket: 200" test "$(code --unix-socket "$SOCK" "http://l/file/$gid")" = 200
stop_sd
printf '[searchd]\nserve_private = true\n' >"$TMP/private.conf"
check "searchd with serve_private = true starts" start_sd --config "$TMP/private.conf"
check "then the private file is served over TCP: 200" test "$(code "http://127.0.0.1:$PORT/file/$gid")" = 200
stop_sd
finish
