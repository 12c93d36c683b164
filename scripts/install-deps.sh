#!/usr/bin/env bash
# Install the Debian packages wsearch needs to build and test, if missing.
# Usage: scripts/install-deps.sh [--tests]
# Runs apt-get as root (directly, or through sudo when not root).
set -euo pipefail

pkgs=(build-essential cmake pkg-config
      libxapian-dev libstemmer-dev libxml2-dev libutf8proc-dev libjansson-dev
      libcmark-dev libyaml-dev libmicrohttpd-dev libcurl4-openssl-dev wngerman
      libpoppler-glib-dev libzip-dev libgsf-1-dev
      libcairo2-dev libleptonica-dev libtesseract-dev libtesseract5 tesseract-ocr-deu)
if [[ "${1:-}" == "--tests" ]]; then
  pkgs+=(libcmocka-dev python3 curl procps python3-xapian poppler-utils
        openthesaurus-de-text)
  # Shards: real xapian-tcpsrv processes (tests/e2e/shards.sh).
  pkgs+=(xapian-tools)
  # The fuzz targets, replayed over their seeds (scripts/fuzz-smoke.sh).
  pkgs+=(clang libclang-rt-dev)
  # Browser tests (tests/web): Debian's chromium, driven by npm's
  # playwright-core (tests/web/run.sh runs npm ci); Debian's node and npm
  # only when the machine has none of its own.
  pkgs+=(chromium fonts-dejavu-core)
  command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
