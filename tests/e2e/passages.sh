#!/usr/bin/env bash
# Passages as the unit of retrieval (docs/schema.md "Parts"): a long file
# is stored as parts of a few KB, and a search still answers per file: one
# hit per file, shown from the part that explains the match and naming its
# section; totals and facet counts count files; /doc/ID of any part gives
# the whole file back; a file's title still ranks it above a short notice
# that cites it.  The long file is a law-like Markdown text of 18 sections.
source "$(dirname "$0")/lib.sh"
SD=$3
SOCK=$TMP/sd.sock
LOG=$TMP/searchd.log
mkdir -p "$TMP/docs"
python3 - "$TMP/docs" <<'PY'
import sys
d = sys.argv[1]
rare = {7: "Wohnsitzauflage", 12: "Beschäftigungsduldung"}
with open(f"{d}/aufenthaltsgesetz.md", "w") as f:
    f.write("# Gesetz über den Aufenthalt von Ausländern im Bundesgebiet\n\n")
    for s in range(1, 19):
        f.write(f"## Abschnitt {s}: Regelung {s}\n\n")
        for p in range(6):
            w = rare.get(s, "Aufenthaltstitel") if p in (1, 4) else "Aufenthaltstitel"
            f.write(f"Absatz {p} des Abschnitts {s}. Die Ausländerbehörde prüft den {w} "
                    f"nach den Vorschriften dieses Gesetzes; die Kommune wird beteiligt, "
                    f"und die Entscheidung ergeht schriftlich mit einer Begründung, "
                    f"die den Beteiligten innerhalb einer angemessenen Frist zugeht.\n\n")
with open(f"{d}/hinweis.md", "w") as f:
    f.write("# Hinweis der Kommune\n\nDas Gesetz über den Aufenthalt von Ausländern im "
            "Bundesgebiet wurde geändert; Fragen zum Aufenthaltstitel beantwortet die Kommune.\n")
PY
cp "$TMP/docs/aufenthaltsgesetz.md" "$TMP/long.md"
expect_exit 0 "index a long file and a short one" "$WS" index "$TMP/docs"
check "the index counts files, not parts" grep -q "(2 documents in" "$TMP/out"

search_json "$TMP/w.json" Wohnsitzauflage
check "a word of section 7 only: one hit, its section, the word highlighted" python3 -c "
import json,sys; h=json.load(open('$TMP/w.json'))
ok = len(h)==1 and h[0]['path'].endswith('aufenthaltsgesetz.md')
ok = ok and h[0]['passage'].get('heading')=='Abschnitt 7: Regelung 7'
ok = ok and any(h[0]['snippet'].encode()[s:e].decode()=='Wohnsitzauflage' for s,e in h[0]['highlights'])
sys.exit(0 if ok else 1)"
search_json "$TMP/b.json" Beschäftigungsduldung
check "a word of section 12 only: the hit names section 12" python3 -c "
import json,sys; h=json.load(open('$TMP/b.json'))
sys.exit(0 if len(h)==1 and h[0]['passage'].get('heading')=='Abschnitt 12: Regelung 12' else 1)"
search_json "$TMP/a.json" Aufenthaltstitel
check "a word in every part: each file once" python3 -c "
import json,sys; p=[x['path'] for x in json.load(open('$TMP/a.json'))]
sys.exit(0 if len(p)==2 and len(set(p))==2 else 1)"
search_json "$TMP/t.json" "Gesetz über den Aufenthalt von Ausländern im Bundesgebiet"
check "the title as query: the law first, above the notice citing it" python3 -c "
import json,sys; h=json.load(open('$TMP/t.json'))
sys.exit(0 if h[0]['path'].endswith('aufenthaltsgesetz.md') else 1)"
search_json "$TMP/f.json" "Wohnsitzauflage Kommune"
check "a rare word and a common one: the part with the rare word is shown" python3 -c "
import json,sys; h=json.load(open('$TMP/f.json'))
sys.exit(0 if h[0]['passage'].get('heading')=='Abschnitt 7: Regelung 7' and 'Wohnsitzauflage' in h[0]['snippet'] else 1)"

# ---- through searchd: totals, facets, the whole document
"$SD" --foreground --socket "$SOCK" 2>>"$LOG" &
SDPID=$!
trap 'kill -TERM "$SDPID" 2>/dev/null || true; rm -rf "$TMP"' EXIT
wait_for "searchd starts" 20 curl -sf --unix-socket "$SOCK" http://l/health
get() { curl -s -o "$2" -w '%{http_code}' --unix-socket "$SOCK" "http://localhost$1" || true; }
get "/search?q=Aufenthaltstitel&size=10" "$TMP/s.json" >/dev/null
check "/search: total and the type facet count files (2), exactly" python3 -c "
import json,sys; d=json.load(open('$TMP/s.json'))
sys.exit(0 if d['total']==2 and not d.get('estimate') and d['facets']['type']==[{'value':'md','count':2}] else 1)"
get "/stats" "$TMP/st.json" >/dev/null
check "/stats counts 2 documents" python3 -c "
import json,sys; sys.exit(0 if json.load(open('$TMP/st.json'))['documents']==2 else 1)"
get "/search?q=Wohnsitzauflage" "$TMP/s.json" >/dev/null
id=$(python3 -c "import json; print(json.load(open('$TMP/s.json'))['hits'][0]['id'])")
code=$(get "/doc/$id" "$TMP/doc.json")
check "/doc/ID of a later part gives the whole file: every section, in order (got $code)" python3 -c "
import json,re,sys; d=json.load(open('$TMP/doc.json')); t=d['text']
heads=[p.get('heading') for p in d['passages']]
n=[int(m) for m in re.findall(r'Absatz 5 des Abschnitts (\d+)\.', t)]
ok = n==list(range(1,19)) and len(t)>20000 and heads.count('Abschnitt 7: Regelung 7')==1
sys.exit(0 if ok else 1)"
kill -TERM "$SDPID"; wait "$SDPID" 2>/dev/null || true

# ---- the long file shrinks to one part, then grows again: no part of the
# old version is left, none is lost
printf '# Gesetz über den Aufenthalt\n\nNur noch ein Absatz über den Aufenthaltstitel.\n' \
  >"$TMP/docs/aufenthaltsgesetz.md"
expect_exit 0 "re-index the shortened file" "$WS" index "$TMP/docs"
expect_exit 1 "a word of the removed sections finds nothing" "$WS" Wohnsitzauflage
search_json "$TMP/a.json" Aufenthaltstitel
check "the shortened file: one hit, its new text" python3 -c "
import json,sys; h=[x for x in json.load(open('$TMP/a.json')) if x['path'].endswith('aufenthaltsgesetz.md')]
sys.exit(0 if len(h)==1 and 'Nur noch ein Absatz' in h[0]['snippet'] else 1)"
cp "$TMP/long.md" "$TMP/docs/aufenthaltsgesetz.md"
expect_exit 0 "re-index the long file again" "$WS" index "$TMP/docs"
search_json "$TMP/w.json" Wohnsitzauflage
check "the long file again: its section 7 found once" python3 -c "
import json,sys; h=json.load(open('$TMP/w.json'))
sys.exit(0 if len(h)==1 and h[0]['passage'].get('heading')=='Abschnitt 7: Regelung 7' else 1)"
finish
