#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is needed, build,
# index the bundled corpus and answer a query.
# Usage: scripts/demo.sh [QUERY...]   (default query: resilienz kommune)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWS_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
export WSEARCH_INDEX="${WSEARCH_INDEX:-$PWD/build/index}"
build/wsearch index --synonyms config/synonyms.txt corpus/
if (( $# == 0 )); then set -- resilienz kommune; fi
echo "\$ wsearch $*"
build/wsearch -n 5 "$@"
