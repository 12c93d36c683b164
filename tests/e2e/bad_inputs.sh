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
if [[ $(id -u) -ne 0 ]]; then
  check "unreadable file named" grep -q "geheim.txt" "$TMP/err"
fi
check "summary counts the failure" grep -qE "[1-9][0-9]* failed" "$TMP/out"
check "Latin-1 file reported as converted" grep -q "latin1.txt.*Windows-1252" "$TMP/err"
expect_exit 0 "good txt searchable" "$WS" Begegnungscafé
expect_exit 0 "good md in subfolder searchable" "$WS" Sprachcafé
expect_exit 0 "Latin-1 umlauts decoded" "$WS" '"Größe der Gemeinde"'
expect_exit 0 "Latin-1 ß folded" "$WS" Strasse
expect_exit 0 "broken HTML still indexed" "$WS" Sprachmittlung
expect_exit 0 "broken front matter: body still indexed" "$WS" Dolmetscherpool
expect_exit 0 "deeply nested HTML survived" "$WS" info
expect_exit 1 "entities are not expanded" "$WS" aaaaaaaaaaaaaaaaaaaa
chmod 644 "$D/geheim.txt"
finish
