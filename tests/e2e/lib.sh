# lib.sh - shared helpers for the end-to-end tests.  Each test script is
# called as: bash test.sh PATH/TO/wsearch SOURCE_DIR
set -euo pipefail
WS=$1
SRC=$2
TMP=$(mktemp -d /tmp/ws-e2e-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export WSEARCH_INDEX=$TMP/index
: >"$TMP/empty.conf"
export WSEARCH_CONFIG=$TMP/empty.conf  # no user or system config
unset NO_COLOR
PASSED=0
FAILED=0

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

# expect_exit CODE DESCRIPTION COMMAND...: run, capture out/err, check the code
expect_exit() {
  local code=$1 d=$2; shift 2
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  set -e
  if [[ $rc -eq $code ]]; then ok "$d (exit $rc)"; else
    not_ok "$d: exit $rc, expected $code"; sed 's/^/    out: /' "$TMP/out" | head -20; sed 's/^/    err: /' "$TMP/err" | head -20
  fi
}

contains() { grep -qF -- "$2" "$1"; }

# search_json OUT QUERY [OPTIONS...]: run "$WS --json -n 50 OPTIONS QUERY"
# into OUT and check what the exit code promises: 0 with a non-empty JSON
# list, 1 with [] (no hits).  Anything else (exit 2, a sanitizer abort,
# output that is no JSON) is a failure of its own, printed, and returns 1:
# a broken search must never read as "not found".
search_json() {
  local out=$1 q=$2 rc; shift 2
  set +e
  "$WS" --json -n 50 "$@" -- "$q" >"$out" 2>"$TMP/search_err"
  rc=$?
  set -e
  python3 - "$out" "$rc" <<'PY' && return 0
import json, sys
rc = int(sys.argv[2])
try:
    hits = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(f"exit {rc}, output is no JSON")
if not isinstance(hits, list) or (rc == 0) != bool(hits) or rc not in (0, 1):
    sys.exit(f"exit {rc} with {len(hits) if isinstance(hits, list) else 'no'} hits")
PY
  sed 's/^/    err: /' "$TMP/search_err" | head -5
  return 1
}

# finds HITS FILE: print yes if the --json hits in HITS include a document
# named FILE, no otherwise.  HITS must be JSON (see search_json).
finds() {
  python3 - "$1" "$2" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
print("yes" if any(h["path"].endswith("/" + sys.argv[2]) for h in hits) else "no")
PY
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND every 50 ms until it
# succeeds or SECONDS pass (a deadline, not a fixed sleep).
wait_for() {
  local d=$1 secs=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then not_ok "$d (not within ${secs} s)"; return 1; fi
    sleep 0.05
  done
  ok "$d"
}

# summary_has FILE N WORD: the indexer's summary line in FILE says exactly
# "N WORD" (so "1 removed" does not match "11 removed").
summary_has() { grep -qE "(^|[^0-9])$2 $3([^a-z]|\$)" "$1"; }

finish() {
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 ]]
}
