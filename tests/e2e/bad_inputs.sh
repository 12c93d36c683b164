#!/usr/bin/env bash
# Hostile and broken files: each is reported by name with a reason, the
# others are indexed, and the index stays usable.
source "$(dirname "$0")/lib.sh"

D=$TMP/docs
mkdir -p "$D/sub"
printf 'Gute Datei\n\nDie Kommune plant ein Begegnungscafé.\n' >"$D/gut.txt"
printf '# Gut\n\nEin Sprachcafé für Mitarbeiter*innen.\n' >"$D/sub/gut.md"
# Latin-1 text: converted, not mangled.
printf 'Latin-1 Datei\n\nDie Gr\xf6\xdfe der Gemeinde und die Stra\xdfe.\n' >"$D/latin1.txt"
# Binary data posing as text.
head -c 4096 /dev/urandom >"$D/binaer.txt"
head -c 2048 /dev/zero >>"$D/binaer.txt"
# Zero bytes: valid, empty.
: >"$D/leer.md"
# Broken markup and front matter.
printf '<html><body><p>Offene <b>Tags <div><p>Kaputtes HTML mit Sprachmittlung' >"$D/kaputt.html"
printf -- '---\ntitle: [unclosed\n  - : :\n---\n\nText mit Dolmetscherpool.\n' >"$D/yaml.md"
# Entity expansion bomb: must not blow up.
{
  echo '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
  echo '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
  echo '<html><body><p>&d;&d;&d;&d; Entitaetenbombe</p></body></html>'
} >"$D/bomb.html"
# Deep nesting.
python3 -c "print('<div>' * 200000 + 'tief' + '</div>' * 200000)" >"$D/tief.html"
# A folder with a document's name, and a FIFO that must never be opened.
mkdir "$D/ordner.md"
mkfifo "$D/fifo.txt"
# Unreadable (only meaningful when not root).
printf 'geheim\n' >"$D/geheim.txt"
chmod 000 "$D/geheim.txt"

expect_exit 1 "indexing completes, exit 1 for failures" timeout 120 "$WS" index "$D"
check "binary file named with its reason" grep -q "binaer.txt: .*binary" "$TMP/err"
check "deeply nested HTML named with its reason" grep -q "tief.html: .*nested" "$TMP/err"
if [[ $(id -u) -ne 0 ]]; then
  check "unreadable file named" grep -q "geheim.txt: .*ermission" "$TMP/err"
fi
check "summary counts the failure" grep -qE "[1-9][0-9]* failed" "$TMP/out"
check "Latin-1 file reported as converted" grep -q "latin1.txt.*Windows-1252" "$TMP/err"
expect_exit 0 "good txt searchable" "$WS" Begegnungscafé
expect_exit 0 "good md in subfolder searchable" "$WS" Sprachcafé
expect_exit 0 "Latin-1 umlauts decoded" "$WS" '"Größe der Gemeinde"'
expect_exit 0 "Latin-1 ß folded" "$WS" Strasse
expect_exit 0 "broken HTML still indexed" "$WS" Sprachmittlung
expect_exit 0 "broken front matter: body still indexed" "$WS" Dolmetscherpool
expect_exit 0 "the index survived the nested HTML" "$WS" info
check "and counts the good documents" grep -qE '^documents: +[5-9]' "$TMP/out"
# The bomb's document is indexed with its entity references as written: its
# text holds "&d;" and not one expanded "aaaaaaaaaa".
expect_exit 0 "the entity bomb's own word is found" "$WS" --json Entitaetenbombe
check "entities are not expanded" python3 -c "
import json; h = json.load(open('$TMP/out'))
assert len(h) == 1 and h[0]['path'].endswith('bomb.html'), h
assert '&d;' in h[0]['snippet'] and 'aaaaaaaaaa' not in h[0]['snippet'], h[0]['snippet']"
chmod 644 "$D/geheim.txt"

# Unreadable files, also when the suite runs as root (as CI does): the
# indexer runs as an unprivileged user for this part, so permission
# errors are real.
if [[ $(id -u) -eq 0 ]]; then
  P=$TMP/priv
  mkdir -p "$P/docs"
  printf 'Lesbar\n\nDie Kommune plant ein Nachbarschaftsfest.\n' >"$P/docs/lesbar.txt"
  printf 'Geheim\n\nVertrauliche Teilnehmerliste.\n' >"$P/docs/geheim.txt"
  chmod 000 "$P/docs/geheim.txt"
  chmod 0755 "$TMP" "$P" "$P/docs"
  mkdir -m 0777 "$P/index"
  # a copy of the binary: the build tree need not be readable by nobody
  install -m 0755 "$WS" "$P/wsearch"
  as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$P" "$@"; }
  expect_exit 1 "as an unprivileged user: exit 1 for the unreadable file" \
    as_nobody "$P/wsearch" --index "$P/index/x" index "$P/docs"
  check "unreadable file named with its reason" grep -q "geheim.txt: .*ermission" "$TMP/err"
  check "summary counts it as failed" grep -qE "(^|[^0-9])1 failed" "$TMP/out"
  expect_exit 0 "the readable file is indexed" as_nobody "$P/wsearch" --index "$P/index/x" Nachbarschaftsfest
  expect_exit 1 "the unreadable one is not" as_nobody "$P/wsearch" --index "$P/index/x" Teilnehmerliste
  chmod 0700 "$TMP"
fi
finish
