#!/usr/bin/env bash
# The wsearch CLI on the bundled corpus: ranking, highlighting, JSON,
# German word forms, options and exit codes.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "index the corpus" "$WS" index --synonyms "$SRC/config/synonyms.txt" "$SRC/corpus"
check "the thesaurus is loaded" contains "$TMP/out" "synonyms loaded"
check "index reports what it added" contains "$TMP/out" "added"

# The seed recap is the first hit for the issue's own query.
expect_exit 0 "wsearch resilienz kommune" "$WS" resilienz kommune
check "seed recap listed first" bash -c "sed -n 2p '$TMP/out' | grep -q 000_3d92feaf9bbe7cfa.txt"
check "first hit has the recap's title" bash -c "head -1 '$TMP/out' | grep -q 'Resilienz, Engagement und Vernetzung'"
check "plain output has no escape codes when piped" bash -c "! grep -q $'\e' '$TMP/out'"

expect_exit 0 "--color=always" "$WS" --color=always resilienz kommune
check "highlighted words are bold" grep -qE $'\e\\[1m(Resilienz|Kommunen?)\e\\[0m' "$TMP/out"

# JSON parses, carries the fields, and marks point at the matched words.
expect_exit 0 "--json" "$WS" --json -n 5 resilienz kommune
check "JSON array with the required fields" python3 - "$TMP/out" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
assert isinstance(hits, list) and 1 <= len(hits) <= 5, hits
import re
types = {"txt", "md", "html", "pdf", "pptx", "odp", "docx", "odt"}
for h in hits:
    assert h["path"].startswith("/") and h["title"] and h["type"] in types, h
    assert isinstance(h["score"], (int, float)) and h["score"] > 0, h
    assert h["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", h["date"]), h
    assert h["snippet"] and h["highlights"], h  # every hit shows why it matched
    for s, e in h["highlights"]:
        w = h["snippet"].encode()[s:e].decode().lower()
        # the query's words, or their synonyms from config/synonyms.txt
        assert w.startswith(("resilien", "kommun", "gemeinde", "stadt", "städt", "landkreis",
                             "kreis", "widerstandsf")), w
assert hits[0]["path"].endswith("000_3d92feaf9bbe7cfa.txt")
assert hits[0]["score"] >= hits[-1]["score"]
PY

# Dates reach --json from each source: YAML front matter (md), <meta> (html),
# the first full date in a text file.
expect_exit 0 "--json dates" "$WS" --json -n 100 Integration
check "each document's own date in --json" python3 - "$TMP/out" "$SRC/corpus" <<'PY'
import json, os, re, sys
hits = {os.path.relpath(h["path"], sys.argv[2]): h["date"] for h in json.load(open(sys.argv[1]))}
want = {"2023/2023-07-kita-schule-auenstedt.md": "2023-07-19",          # front matter
        "2023/2023-04-integrationskurse-bad-wiesenthal.html": "2023-04-19",  # <meta>
        "2025/2025-10-ukraine-arbeit-ostmarsch.txt": "2025-04-01"}            # in the text
for path, date in want.items():
    assert hits.get(path) == date, (path, hits.get(path))
# every md file's front matter date is what --json says
n = 0
for path, date in hits.items():
    if path.endswith(".md"):
        m = re.search(r"^date: *(\d{4}-\d{2}-\d{2})", open(os.path.join(sys.argv[2], path)).read(), re.M)
        if m:
            assert date == m.group(1), (path, date, m.group(1))
            n += 1
assert n >= 5, n
assert sum(1 for d in hits.values() if d) >= 20, hits
PY

# German word forms: Kommune and Kommunen find the same documents.
"$WS" --json -n 100 Kommunen >"$TMP/a.json"
"$WS" --json -n 100 Kommune >"$TMP/b.json"
check "Kommunen and Kommune find the same documents" python3 - "$TMP/a.json" "$TMP/b.json" <<'PY'
import json, sys
a = sorted(h["path"] for h in json.load(open(sys.argv[1])))
b = sorted(h["path"] for h in json.load(open(sys.argv[2])))
assert a == b and len(a) >= 5, (a, b)
PY
"$WS" --json -n 100 'Akteur:innen' >"$TMP/a.json"
"$WS" --json -n 100 'Akteur*innen' >"$TMP/b.json"
check "Akteur:innen and Akteur*innen find the same documents" python3 - "$TMP/a.json" "$TMP/b.json" <<'PY'
import json, sys
a = sorted(h["path"] for h in json.load(open(sys.argv[1])))
b = sorted(h["path"] for h in json.load(open(sys.argv[2])))
assert a == b and len(a) >= 1, (a, b)
PY
expect_exit 0 "phrase with ß folding" "$WS" '"Dessau-Rosslau"'
check "phrase finds the seed" contains "$TMP/out" "000_3d92feaf9bbe7cfa.txt"

# The thesaurus: Schutzsuchende (a word no recap uses) finds the Geflüchtete.
expect_exit 1 "no document says Schutzsuchende" grep -rqi schutzsuchend "$SRC/corpus" --include=*.txt --include=*.md --include=*.html
expect_exit 0 "Schutzsuchende finds documents through the thesaurus" "$WS" --json -n 100 Schutzsuchende
check "they are the documents about Geflüchtete" python3 - "$TMP/out" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
assert len(hits) >= 5 and all("flücht" in (h["snippet"] + h["title"]).lower() or "asyl" in (h["snippet"] + h["title"]).lower() for h in hits[:5]), hits[:2]
PY

# --explain says in German how the query was understood.
expect_exit 0 "--explain" "$WS" --explain 'Akteur:innen Dessau-Roßlau Fluechtlinge Reslienz'
check "explains the gender form" grep -q "„Akteur:innen“ → akteurinnen, Stamm akteur; Genderform" "$TMP/out"
check "explains the hyphenated word as a phrase" grep -q "^Bindestrich-Wort „Dessau-Roßlau“: die Teile, direkt hintereinander wie eine Phrase" "$TMP/out"
check "explains ß = ss in a part" grep -q "^  „Roßlau“ → rosslau; ß = ss" "$TMP/out"
check "explains the umlaut read from ue" grep -q "fluechtlinge als Umlaut gelesen: flüchtlinge" "$TMP/out"
check "names the thesaurus synonyms" grep -q "Synonyme aus dem Thesaurus (Stämme):.*schutzsuch" "$TMP/out"
check "offers the spelling correction" grep -q "^Meinten Sie: .*resilienz" "$TMP/out"
expect_exit 0 "a misspelt query is ranked: the known word is found" "$WS" Intergration Kommunen
check "and suggests the known words only" grep -q "Did you mean: integration kommunen" "$TMP/out"

# German stopwords: dropped outside phrases, kept inside and when alone.
"$WS" --json -n 100 'die Kommunen und' >"$TMP/a.json"
"$WS" --json -n 100 Kommunen >"$TMP/b.json"
check "stopwords do not narrow a query" cmp -s "$TMP/a.json" "$TMP/b.json"
expect_exit 0 "--explain names a stopword" "$WS" --explain 'Integration vor Ort'
check "vor is a stopword outside phrases" grep -q "„vor“ → vor.*Stoppwort" "$TMP/out"
expect_exit 0 "a query of stopwords only still searches" "$WS" und
expect_exit 0 "stopwords inside a phrase count" "$WS" --json '"Integration vor Ort"'
check "the phrase finds the seed only where the words stand together" python3 -c "
import json; h=json.load(open('$TMP/out')); assert len(h)==1 and h[0]['path'].endswith('000_3d92feaf9bbe7cfa.txt'), h"

# Options.
expect_exit 0 "-n 2" "$WS" -n 2 --json Integration
check "-n limits the hits" python3 -c "import json,sys; assert len(json.load(open('$TMP/out')))==2"
expect_exit 0 "--type md" "$WS" --json --type md Integration
check "--type filters" python3 -c "import json; h=json.load(open('$TMP/out')); assert h and all(x['type']=='md' for x in h)"
expect_exit 0 "--sort date" "$WS" --json --sort date -n 50 Integration
check "--sort date orders newest first" python3 -c "
import json
d = [x['date'] for x in json.load(open('$TMP/out'))]
dated = [x for x in d if x]
# newest first, undated documents last, and most documents have a date
assert len(dated) >= 20 and d[:len(dated)] == sorted(dated, reverse=True), d"
expect_exit 0 "--help" "$WS" --help
check "help names the exit codes" contains "$TMP/out" "Exit status"
expect_exit 0 "--version" "$WS" --version

# Exit codes and one-line errors.
expect_exit 1 "no hits exits 1" "$WS" Quantenchromodynamik
expect_exit 2 "unbalanced quotes exit 2" "$WS" '"Integration vor Ort'
check "one line naming the problem" bash -c "[[ \$(wc -l <'$TMP/err') -eq 1 ]] && grep -q 'unbalanced quotation mark' '$TMP/err'"
expect_exit 2 "missing index exits 2" "$WS" --index "$TMP/nowhere" Kommune
check "says there is no index" bash -c "[[ \$(wc -l <'$TMP/err') -eq 1 ]] && grep -q 'no index at' '$TMP/err'"
expect_exit 2 "10 000-character query" "$WS" "$(head -c 10000 /dev/zero | tr '\0' 'a')"
check "says the query is too long" contains "$TMP/err" "too long"
expect_exit 2 "invalid UTF-8 query" "$WS" $'Gr\xf6\xdfe'
check "says it is not UTF-8" contains "$TMP/err" "UTF-8"
expect_exit 2 "no query" "$WS" --json
expect_exit 2 "unknown option" "$WS" --frobnicate Kommune
expect_exit 1 "-- searches words that look like commands" "$WS" -- info +Quantenchromodynamik
check "it searched for 'info' instead of running the command" contains "$TMP/out" "no hits for: info +Quantenchromodynamik"
expect_exit 0 "info" "$WS" info
check "info counts the documents" grep -qE '^documents: +[0-9]{2,}' "$TMP/out"
# Closed compounds, split with wngerman's list: parts are found, the whole
# word ranks first, short look-alikes are not.
mkdir -p "$TMP/komp"
printf 'Eins\n\nDie Kommunalverwaltung plant neue Wege.\n' >"$TMP/komp/a.txt"
printf 'Zwei\n\nDie Verwaltung plant neue Wege.\n' >"$TMP/komp/b.txt"
printf 'Drei\n\nDie Wandhalterung trägt das Schild.\n' >"$TMP/komp/c.txt"
expect_exit 0 "index with the word list" "$WS" --index "$TMP/komp-idx" index --dictionary /usr/share/dict/ngerman "$TMP/komp"
expect_exit 0 "Verwaltung" "$WS" --index "$TMP/komp-idx" --json Verwaltung
check "finds the part inside Kommunalverwaltung, the whole word first" python3 -c "
import json; h=[x['path'].rsplit('/',1)[1] for x in json.load(open('$TMP/out'))]; assert h==['b.txt','a.txt'], h"
check "the highlight marks the part inside the compound" python3 -c "
import json
h = {x['path'].rsplit('/', 1)[1]: x for x in json.load(open('$TMP/out'))}['a.txt']
b = h['snippet'].encode()
assert [b[s:e].decode() for s, e in h['highlights']] == ['verwaltung'], h"
expect_exit 0 "--explain shows the split" "$WS" --index "$TMP/komp-idx" --explain Kommunalverwaltung
check "Zerlegung: kommunal + verwaltung" grep -q "Zerlegung: kommunal + verwaltung" "$TMP/out"
expect_exit 1 "Alterung does not find Wandhalterung" "$WS" --index "$TMP/komp-idx" Alterung
expect_exit 0 "Halterung does" "$WS" --index "$TMP/komp-idx" Halterung

# The highlight marks the part of a compound that matched, at its start, in
# the middle (with its linking s) or at its end, also where folding changed
# byte lengths before it (ẞ -> ss, a soft hyphen at the seam).  A look-alike
# inside a word (Wandh|alterung) stays unmarked even in a document that
# matches through the word itself.
mkdir -p "$TMP/teil"
printf 'Eins\n\nDas Asylbewerberleistungsgesetz gilt.\n' >"$TMP/teil/a.txt"
printf 'Zwei\n\nDie Flüchtlingsunterkunft ist voll.\n' >"$TMP/teil/b.txt"
printf 'Drei\n\nDer Integrationskursträger lädt ein.\n' >"$TMP/teil/c.txt"
printf 'Vier\n\nDie STRAẞENVERKEHRSBEHÖRDE prüft den Asylbewerber\xc2\xadleistungsbescheid.\n' \
  >"$TMP/teil/d.txt"
printf 'Fünf\n\nDie Wandhalterung zeigt Spuren der Alterung.\n' >"$TMP/teil/e.txt"
expect_exit 0 "index compounds to highlight" "$WS" --index "$TMP/teil-idx" index \
  --dictionary /usr/share/dict/ngerman "$TMP/teil"
# marked FILE QUERY: what the --json highlights of FILE's hit cover
marked() {
  "$WS" --index "$TMP/teil-idx" --json "$2" | python3 -c '
import json, sys
for h in json.load(sys.stdin):
    if h["path"].endswith("/" + sys.argv[1]):
        b = h["snippet"].encode()
        print(" ".join(b[s:e].decode() for s, e in h["highlights"]))' "$1"
}
check "start: [Asyl]bewerberleistungsgesetz" test "$(marked a.txt Asyl)" = Asyl
check "middle: Asylbewerber[leistungs]gesetz" test "$(marked a.txt Leistungen)" = leistungs
check "middle: Asyl[bewerber]leistungsgesetz" test "$(marked a.txt Bewerber)" = bewerber
check "end: Asylbewerberleistungs[gesetz]" test "$(marked a.txt Gesetze)" = gesetz
check "the whole word stays whole" test "$(marked a.txt Asylbewerberleistungsgesetz)" = \
  Asylbewerberleistungsgesetz
check "umlaut and linking s: [Flüchtlings]unterkunft" test "$(marked b.txt Flüchtling)" = \
  Flüchtlings
check "end after a linking s: Flüchtlings[unterkunft]" test "$(marked b.txt Unterkünfte)" = \
  unterkunft
check "middle: Integrations[kurs]träger" test "$(marked c.txt Kurs)" = kurs
check "end with umlaut: Integrationskurs[träger]" test "$(marked c.txt Träger)" = träger
check "middle after ẞ: STRAẞEN[VERKEHRS]BEHÖRDE" test "$(marked d.txt Verkehr)" = VERKEHRS
check "end after ẞ: STRAẞENVERKEHRS[BEHÖRDE]" test "$(marked d.txt Behörde)" = BEHÖRDE
check "middle after a soft hyphen, which stays unmarked" test "$(marked d.txt Leistung)" = \
  leistungs
check "start before a soft hyphen, which stays unmarked" test "$(marked d.txt Asylbewerber)" = \
  Asylbewerber
check "no false friend: Wandhalterung stays unmarked" test "$(marked e.txt Alterung)" = Alterung
expect_exit 0 "--color=always marks the middle part" "$WS" --index "$TMP/teil-idx" --color=always \
  Leistungen
check "Asylbewerber[leistungs]gesetz in bold" contains "$TMP/out" \
  $'Asylbewerber\e[1mleistungs\e[0mgesetz'
finish
