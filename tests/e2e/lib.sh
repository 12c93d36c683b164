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

# finds HITS FILE: print yes if the --json hits in HITS include a document
# named FILE, no otherwise (also when HITS is no JSON: the query failed)
finds() {
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    hits = json.load(open(sys.argv[1]))
except ValueError:
    hits = []
print("yes" if any(h["path"].endswith("/" + sys.argv[2]) for h in hits) else "no")
PY
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 ]]
}
