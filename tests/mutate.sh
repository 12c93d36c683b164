#!/usr/bin/env bash
# mutate.sh - does the suite notice when a feature breaks?
#
# Copies the working tree to a scratch folder (with ../shared beside it, as
# in the development setup), builds it once, then for each breakage listed
# in tests/mutations.tsv: applies it, rebuilds, runs ctest (stopping at the
# first failure), records which test caught it, and undoes it.  Prints a
# table.  Not part of ctest: it runs the suite once per breakage (about a
# minute each on 2 cores).
#
# Usage: tests/mutate.sh [NAME...]   (default: every breakage in the list)
#        tests/mutate.sh --check      (only check that every breakage's text
#        still occurs once in its file; ctest runs this, so a list that went
#        stale when the code moved fails the suite instead of the next run)
# --targeted (first argument): run only the tests the list's fifth column
# names for each breakage (a ctest -R pattern), a few minutes in all instead
# of a suite per breakage; a row without one runs the whole suite.
# MUTATE_CTEST="-R e2e_cli" passes extra options to ctest (e.g. to run only
# the tests that should catch the breakages asked for, when time is short).
# Exit status: 0 when every breakage was caught, 1 otherwise, 2 on setup
# errors (a breakage whose text is not in its file is a setup error: the
# list has gone stale).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
LIST=$SRC/tests/mutations.tsv

# count FILE OLD: how often OLD occurs in FILE
count() {
  python3 - "$@" <<'PY'
import sys
path, old = sys.argv[1:3]
print(open(path, encoding="utf-8").read().count(old))
PY
}

if [[ ${1:-} == --check ]]; then
  bad=0 n=0
  while IFS=$'\t' read -r name file old new _; do
    [[ -z $name || $name == '#'* ]] && continue
    n=$((n + 1))
    if [[ -z ${new+x} || ! -f $SRC/$file ]]; then
      echo "mutations.tsv: $name: no such file or missing column: $file" >&2; bad=1; continue
    fi
    c=$(count "$SRC/$file" "$old")
    if [[ $c != 1 ]]; then
      echo "mutations.tsv: $name: its text occurs $c times in $file, not once: $old" >&2; bad=1
    fi
  done <"$LIST"
  echo "$n breakages listed"
  exit $bad
fi
SCRATCH=$(mktemp -d /tmp/ws-mutate-XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
jobs=$(nproc)

# the tree as it is now (uncommitted changes included), without builds
mkdir "$SCRATCH/main"
(cd "$SRC" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$SCRATCH/main")
[[ -d $SRC/../shared ]] && ln -s "$(cd "$SRC/../shared" && pwd)" "$SCRATCH/shared"
M=$SCRATCH/main
B=$M/build
echo "building a scratch copy in $M" >&2
cmake -S "$M" -B "$B" -DWS_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$B" -j"$jobs" >/dev/null

# apply FILE OLD NEW: replace the one occurrence of OLD (exit 2 if none)
apply() {
  python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1:4]
s = open(path, encoding="utf-8").read()
n = s.count(old)
if n != 1:
    sys.exit(f"{path}: the text to break occurs {n} times, not once: {old}")
open(path, "w", encoding="utf-8").write(s.replace(old, new))
PY
}

targeted=0
if [[ ${1:-} == --targeted ]]; then
  targeted=1
  shift
fi
want=("$@")
caught=0 missed=0
rows=()
while IFS=$'\t' read -r name file old new catch; do
  [[ -z $name || $name == '#'* ]] && continue
  if ((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]]; then continue; fi
  cp "$M/$file" "$SCRATCH/orig"
  apply "$M/$file" "$old" "$new" || exit 2
  if ! cmake --build "$B" -j"$jobs" >"$SCRATCH/build.log" 2>&1; then
    verdict="does not build"; by="(compiler)"
  else
    set +e
    # shellcheck disable=SC2086 # MUTATE_CTEST is a list of options
    only=()
    ((targeted)) && [[ -n ${catch:-} ]] && only=(-R "$catch")
    (cd "$B" && ctest -j"$jobs" --stop-on-failure --timeout 600 "${only[@]}" ${MUTATE_CTEST:-}) >"$SCRATCH/ctest.log" 2>&1
    rc=$?
    set -e
    # (|| true: a breakage nothing caught has no FAILED list, and under
    # set -e -o pipefail the empty grep would end the whole run silently)
    by=$(sed -n '/The following tests FAILED/,$p' "$SCRATCH/ctest.log" | grep -oE ' - [a-z0-9_]+ ' | tr -d ' -' | paste -sd, - || true)
    if [[ $rc -ne 0 ]]; then
      verdict=caught
    elif grep -q "tests did not run" "$SCRATCH/ctest.log"; then
      verdict=caught; by="(skipped tests)"
    else
      verdict=MISSED; by="none"
    fi
  fi
  cp "$SCRATCH/orig" "$M/$file"
  touch "$M/$file"
  [[ $verdict == caught ]] && caught=$((caught + 1)) || missed=$((missed + 1))
  rows+=("| $name | \`$file\` | $verdict | ${by:-?} |")
  echo "$name: $verdict by ${by:-?}" >&2
done <"$LIST"

echo "| breakage | file | verdict | caught by |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
echo
echo "$caught caught, $missed missed"
[[ $missed -eq 0 ]]
