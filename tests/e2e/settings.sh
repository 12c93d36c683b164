#!/usr/bin/env bash
# settings.sh - one place for settings, seen from the programs: an unknown
# key or a bad value in the configuration stops wsearch and searchd at
# startup with exit 2 and FILE:LINE; the same precedence (flag >
# environment > file > default) and the same "off" everywhere.
# Called as: settings.sh WSEARCH SOURCE_DIR SEARCHD
source "$(dirname "$0")/lib.sh"
SD=$3
mkdir -p "$TMP/docs"
printf 'Bericht\n\nDie Kommunalverwaltung plant Wohnraum.\n' >"$TMP/docs/a.txt"
expect_exit 0 "index a document" "$WS" index -q --dictionary off "$TMP/docs"

# ---- unknown keys and bad values: exit 2, file and line named
printf 'limit = 5\n\ndictonary = /usr/share/dict/ngerman\n' >"$TMP/typo.conf"
expect_exit 2 "wsearch: unknown key refused" "$WS" --config "$TMP/typo.conf" kommune
check "wsearch names file:line and the key" grep -q "$TMP/typo.conf:3: unknown key 'dictonary'" "$TMP/err"
expect_exit 2 "wsearch index: unknown key refused" env WSEARCH_CONFIG="$TMP/typo.conf" "$WS" index "$TMP/docs"
expect_exit 2 "searchd: unknown key refused" "$SD" --foreground --config "$TMP/typo.conf" --socket "$TMP/s.sock"
check "searchd names file:line and the key" grep -q "$TMP/typo.conf:3: unknown key 'dictonary'" "$TMP/err"
printf '[searchd]\nthreads = viele\n' >"$TMP/bad.conf"
expect_exit 2 "searchd: bad value refused" "$SD" --foreground --config "$TMP/bad.conf" --socket "$TMP/s.sock"
check "searchd names file:line, key and range" grep -q "$TMP/bad.conf:2: searchd.threads = 'viele': expected a number from 1 to 256" "$TMP/err"
expect_exit 2 "wsearch reads the same file and refuses it too" "$WS" --config "$TMP/bad.conf" kommune
printf 'color = bunt\n' >"$TMP/color.conf"
expect_exit 2 "a bad color in the file" "$WS" --config "$TMP/color.conf" kommune
check "names the line" grep -q "$TMP/color.conf:1: color = 'bunt'" "$TMP/err"
expect_exit 2 "a bad --color flag" "$WS" --color bunt kommune
expect_exit 2 "-n over the limit" "$WS" -n 5000 kommune

# ---- precedence: flag > environment > file > default
printf 'index = %s\n' "$TMP/nowhere" >"$TMP/idx.conf"
expect_exit 0 "\$WSEARCH_INDEX beats the file's index" env WSEARCH_CONFIG="$TMP/idx.conf" "$WS" kommunalverwaltung
expect_exit 2 "the file's index when no flag or environment names one" env -u WSEARCH_INDEX WSEARCH_CONFIG="$TMP/idx.conf" "$WS" --direct kommunalverwaltung
check "... and it is the file's" grep -q "$TMP/nowhere" "$TMP/err"
expect_exit 0 "--index beats \$WSEARCH_INDEX" env WSEARCH_INDEX="$TMP/nowhere" "$WS" --index "$WSEARCH_INDEX" kommunalverwaltung
printf 'limit = 0\n' >"$TMP/limit.conf"
expect_exit 0 "-n beats the file's limit" env WSEARCH_CONFIG="$TMP/limit.conf" "$WS" -n 1 --json kommunalverwaltung
check "one hit shown" python3 -c "import json,sys; d=json.load(open('$TMP/out')); sys.exit(0 if len(d)==1 else 1)"

# ---- off: the same three spellings for every resource
for off in off none ""; do
  printf 'dictionary = %s\nsynonyms = %s\nopenthesaurus = %s\n' "$off" "$off" "$off" >"$TMP/off.conf"
  expect_exit 0 "dictionary, synonyms, openthesaurus = '$off'" env WSEARCH_CONFIG="$TMP/off.conf" "$WS" index -q "$TMP/docs"
  expect_exit 0 "WSEARCH_DICTIONARY='$off' is off too" env WSEARCH_DICTIONARY="$off" "$WS" index -q "$TMP/docs"
done
expect_exit 2 "index cannot be off" "$WS" --index off kommune
finish
