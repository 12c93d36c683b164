#!/usr/bin/env python3
"""ocr_quality.py - how much of a scan's text a search finds after OCR.

For each image-only fixture of tests/data/ocr, the dictionary words of the
source texts it was made from (every distinct word of the text that the
German word list knows, as written or in lower case) are searched with the
real wsearch over an index of the fixtures; a word counts as found when
the fixture is among its hits.  Prints one line per fixture and the total,
and exits 1 when a fixture or the total is under --min (a fraction).

Usage: ocr_quality.py WSEARCH INDEX SOURCE_DIR [--min 0.95] [--dict FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys

# fixture -> the source text of each of its pages (make-ocr-fixtures.sh)
FIXTURES = {
    "scan.pdf": ["seite1.txt", "seite2.txt", "seite3.txt"],
    "gemischt.pdf": [None, "seite2.txt"],  # page 1 is typed, not a scan
    "aushang.png": ["aushang.txt"],
    "aushang.jpg": ["aushang.txt"],
    "mappe.tif": ["aushang.txt", "seite3.txt"],  # bilevel, Group 4
    "kopie.pdf": ["seite3.txt"],  # a poor photocopy
    "streifen.pdf": ["seite1.txt"],  # 24 strips of image
}
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wsearch")
    ap.add_argument("index")
    ap.add_argument("source")
    ap.add_argument("--min", type=float, default=0.95)
    ap.add_argument("--dict", default="/usr/share/dict/ngerman")
    a = ap.parse_args()
    with open(a.dict, encoding="utf-8", errors="replace") as f:
        known = {w.strip() for w in f}
    data = os.path.join(a.source, "tests", "data", "ocr")

    def words(name):
        text = open(os.path.join(data, name), encoding="utf-8").read()
        return {w for w in WORD.findall(text) if len(w) >= 2 and (w in known or w.lower() in known)}

    wanted = {fx: set().union(*(words(p) for p in pages if p)) for fx, pages in FIXTURES.items()}
    env = dict(os.environ, WSEARCH_INDEX=a.index, WSEARCH_CONFIG=os.devnull)
    env.pop("WSEARCH_SOCKET", None)
    found_in = {}
    for w in sorted(set().union(*wanted.values())):
        r = subprocess.run([a.wsearch, "--direct", "--json", "-n", "50", w], env=env,
                           capture_output=True, text=True)
        hits = json.loads(r.stdout) if r.returncode == 0 else []
        found_in[w] = {os.path.basename(h["path"]) for h in hits}
    ok = True
    total = hit = 0
    for fx, ws in wanted.items():
        missed = sorted(w for w in ws if fx not in found_in[w])
        n = len(ws)
        share = (n - len(missed)) / n
        total += n
        hit += n - len(missed)
        ok &= share >= a.min
        print(f"{fx:13s} {n - len(missed):3d}/{n:3d} dictionary words found ({share:.1%})"
              + (f"; missed: {' '.join(missed)}" if missed else ""))
    share = hit / total
    ok &= share >= a.min
    print(f"{'all':13s} {hit:3d}/{total:3d} ({share:.1%}), required {a.min:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
