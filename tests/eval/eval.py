#!/usr/bin/python3
"""Search-quality evaluation: wsearch against plain Xapian German stemming.

Usage (from the repository root; Debian's python3, which has python3-xapian):

    /usr/bin/python3 tests/eval/eval.py build/wsearch [--per-query]

It reads tests/eval/queries.tsv (queries with graded relevance judgments),
indexes corpus/ twice into temporary folders -- once with the real wsearch
binary (`wsearch index`), once as a BASELINE with plain Xapian (TermGenerator
and QueryParser with Stem("german"), default settings) -- runs every query on
both and prints MRR@10, nDCG@10 and recall@10 side by side.

It reports; with --min METRIC=VALUE it is also a quality gate (ctest runs
it so, see tests/CMakeLists.txt): exit 1 when a gated mean is below its
minimum or a query errs.  Without gates the exit status is 0 whatever the
figures; 2 when something is broken (no binary, no xapian module, bad query
file, indexing error).
"""

import argparse
import fnmatch
import html.parser
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

K = 10
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# What the baseline can read with the standard library (and pdftotext).
BASELINE_TYPES = (".txt", ".md", ".html", ".htm", ".pdf")
# Everything wsearch indexes; files of the other types are listed as skipped.
WSEARCH_TYPES = BASELINE_TYPES + (".pptx", ".odp", ".docx", ".odt")


class Broken(Exception):
    """Something the harness cannot work around: exit 2."""


# ---------------------------------------------------------------- queries


def load_queries(path, corpus_files):
    """Read the query file: id, query, judgments (PATH=GRADE ...), note."""
    queries, seen = [], set()
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Broken(f"cannot read {path}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{n}"
        fields = line.split("\t")
        if len(fields) != 4:
            raise Broken(f"{where}: expected 4 tab-separated fields, got {len(fields)}")
        qid, query, judged, note = (x.strip() for x in fields)
        if not qid or not query:
            raise Broken(f"{where}: empty id or query")
        if qid in seen:
            raise Broken(f"{where}: duplicate id {qid}")
        seen.add(qid)
        rel = {}
        for item in judged.split():
            doc, sep, grade = item.rpartition("=")
            if not sep or grade not in ("1", "2"):
                raise Broken(f"{where}: bad judgment {item!r} (want PATH=1 or PATH=2)")
            if doc not in corpus_files:
                raise Broken(f"{where}: judged document {doc} is not in the corpus")
            if doc in rel:
                raise Broken(f"{where}: {doc} judged twice")
            rel[doc] = int(grade)
        if not rel:
            raise Broken(f"{where}: query {qid} has no relevant document")
        queries.append({"id": qid, "query": query, "rel": rel, "note": note})
    if not queries:
        raise Broken(f"{path}: no queries")
    return queries


# ----------------------------------------------------------------- corpus


def corpus_walk(corpus):
    """Relative paths of the files wsearch would index, honouring
    .wsearchignore (shell patterns per folder, inherited) and skipping
    hidden names, as `wsearch index` does."""
    out = []

    def walk(d, rel, patterns):
        patterns = list(patterns)
        try:
            with open(os.path.join(d, ".wsearchignore"), encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#"):
                        patterns.append(line)
        except OSError:
            pass
        for name in sorted(os.listdir(d)):
            if name.startswith(".") or any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            full = os.path.join(d, name)
            r = f"{rel}/{name}" if rel else name
            if os.path.isdir(full):
                walk(full, r, patterns)
            elif os.path.isfile(full) and name.lower().endswith(WSEARCH_TYPES):
                out.append(r)

    walk(corpus, "", [])
    return out


def decode(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _HtmlText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def baseline_text(path, have_pdftotext):
    """The simple extraction of the baseline; None if it cannot read the type."""
    low = path.lower()
    if low.endswith(".pdf"):
        if not have_pdftotext:
            return None
        r = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                           capture_output=True, timeout=120)
        return decode(r.stdout) if r.returncode == 0 else None
    if not low.endswith(BASELINE_TYPES):
        return None
    with open(path, "rb") as f:
        text = decode(f.read())
    if low.endswith(".md"):
        if text.startswith("---\n"):
            end = text.find("\n---", 3)
            if end != -1:
                nl = text.find("\n", end + 4)
                text = text[nl + 1:] if nl != -1 else ""
    elif low.endswith((".html", ".htm")):
        p = _HtmlText()
        p.feed(text)
        p.close()
        text = "".join(p.parts)
    return text


# --------------------------------------------------------------- baseline


class Baseline:
    """Plain Xapian: TermGenerator + QueryParser, Stem("german"), STEM_SOME
    (or STEM_ALL_Z), default query flags, default operator AND (as wsearch:
    every word must match)."""

    def __init__(self, xapian, corpus, files, dbdir, strategy="some"):
        self.x = xapian
        self.skipped = []
        have_pdftotext = shutil.which("pdftotext") is not None
        db = xapian.WritableDatabase(dbdir, xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_stemmer(xapian.Stem("german"))
        for rel in files:
            text = baseline_text(os.path.join(corpus, rel), have_pdftotext)
            if text is None:
                self.skipped.append(rel)
                continue
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(text)
            doc.set_data(rel)
            db.add_document(doc)
        db.commit()
        self.count = db.get_doccount()
        self.db = db
        qp = xapian.QueryParser()
        qp.set_stemmer(xapian.Stem("german"))
        qp.set_stemming_strategy(xapian.QueryParser.STEM_ALL_Z if strategy == "all_z"
                                 else xapian.QueryParser.STEM_SOME)
        qp.set_default_op(xapian.Query.OP_AND)
        qp.set_database(db)
        self.qp = qp

    def search(self, query):
        """Return (ranked relative paths, error or None)."""
        try:
            q = self.qp.parse_query(query)
        except self.x.QueryParserError as e:
            return [], f"query error: {e}"
        enq = self.x.Enquire(self.db)
        enq.set_query(q)
        return [m.document.get_data().decode("utf-8") for m in enq.get_mset(0, K)], None


# ---------------------------------------------------------------- wsearch


class Wsearch:
    def __init__(self, binary, corpus, idxdir, tmp, openthesaurus=None):
        self.binary = binary
        self.corpus = os.path.realpath(corpus)
        conf = os.path.join(tmp, "empty.conf")
        open(conf, "w").close()
        env = {k: v for k, v in os.environ.items()
               if k not in ("WSEARCH_SOCKET", "WSEARCH_CONFIG", "WSEARCH_INDEX")}
        env.update(WSEARCH_INDEX=idxdir, WSEARCH_CONFIG=conf, NO_COLOR="1")
        self.env = env
        # the project's thesaurus, as a user of the repository gets it
        synonyms = os.path.join(os.path.dirname(corpus), "config", "synonyms.txt")
        cmd = [binary, "index", "-q", "--synonyms", synonyms]
        if openthesaurus:
            cmd += ["--openthesaurus", openthesaurus]
        r = subprocess.run(cmd + [corpus], env=env,
                           capture_output=True,
                           text=True, timeout=1800)
        self.index_warnings = [l for l in r.stderr.splitlines() if l.strip()]
        if r.returncode not in (0, 1):
            raise Broken(f"`wsearch index {corpus}` exited {r.returncode}: "
                         + " | ".join(self.index_warnings[-3:]))

    def rel(self, path):
        p = os.path.realpath(path)
        if p.startswith(self.corpus + os.sep):
            return p[len(self.corpus) + 1:]
        return path

    def search(self, query):
        """Return (ranked relative paths, error or None); exit 1 = no hits."""
        r = subprocess.run([self.binary, "--direct", "--json", "-n", str(K), "--", query],
                           env=self.env, capture_output=True, text=True, timeout=120)
        if r.returncode == 1:
            return [], None
        if r.returncode != 0:
            msg = r.stderr.strip().splitlines()
            return [], f"exit {r.returncode}: {msg[-1] if msg else 'no message'}"
        try:
            hits = json.loads(r.stdout)
        except ValueError as e:
            return [], f"bad JSON output: {e}"
        return [self.rel(h.get("path", "")) for h in hits], None


# ---------------------------------------------------------------- metrics


def dedupe(ranked):
    """Documents in order of their first hit (a system returning several
    passages of one file is scored on the file)."""
    seen, out = set(), []
    for p in ranked:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out[:K]


def metrics(ranked, rel):
    mrr = 0.0
    for i, p in enumerate(ranked):
        if rel.get(p, 0) >= 1:
            mrr = 1.0 / (i + 1)
            break
    dcg = sum((2 ** rel.get(p, 0) - 1) / math.log2(i + 2) for i, p in enumerate(ranked))
    ideal = sorted(rel.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    found = sum(1 for p in ranked if rel.get(p, 0) >= 1)
    return {"mrr": mrr, "ndcg": dcg / idcg if idcg else 0.0, "recall": found / len(rel)}


def mean(vals):
    return sum(vals) / len(vals) if vals else 0.0


# ------------------------------------------------------------------- main


def main(argv):
    ap = argparse.ArgumentParser(
        description="MRR@10, nDCG@10 and recall@10 of wsearch and a plain Xapian baseline.")
    ap.add_argument("wsearch", help="the wsearch binary to evaluate, e.g. build/wsearch")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"),
                    help="folder to index (default: the repository's corpus/)")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.tsv"),
                    help="query and judgment file (default: tests/eval/queries.tsv)")
    ap.add_argument("--per-query", action="store_true",
                    help="also print one line per query, flagging queries where the "
                         "baseline finds a relevant document that wsearch misses")
    ap.add_argument("--baseline-stemming", choices=("some", "all_z"), default="some",
                    help="QueryParser stemming strategy of the baseline: STEM_SOME (the "
                         "default; capitalised words, i.e. German nouns, are not stemmed) "
                         "or STEM_ALL_Z (every word stemmed)")
    ap.add_argument("--openthesaurus", metavar="FILE",
                    help="index wsearch with the broad OpenThesaurus expansion on, e.g. "
                         "/usr/share/openthesaurus-de/openthesaurus.txt (Debian's "
                         "openthesaurus-de-text)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write every query's rankings and metrics to FILE")
    ap.add_argument("--min", metavar="METRIC=VALUE", action="append", default=[],
                    help="quality gate: exit 1 when wsearch's mean METRIC (mrr, ndcg, "
                         "recall) is below VALUE, or when any query errs; may be repeated")
    args = ap.parse_args(argv)
    gates = {}
    for g in args.min:
        key, _, value = g.partition("=")
        try:
            gates[key] = float(value)
        except ValueError:
            raise Broken(f"--min {g}: expected METRIC=NUMBER")
        if key not in ("mrr", "ndcg", "recall"):
            raise Broken(f"--min {g}: the metrics are mrr, ndcg and recall")

    try:
        import xapian
    except ImportError:
        raise Broken("the xapian module is missing: apt-get install python3-xapian, "
                     "and run this script with /usr/bin/python3 (Debian's python)")
    binary = args.wsearch
    if os.sep not in binary:
        binary = shutil.which(binary) or binary
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise Broken(f"no executable wsearch at {args.wsearch}")
    binary = os.path.abspath(binary)
    if not os.path.isdir(args.corpus):
        raise Broken(f"no corpus folder at {args.corpus}")

    files = corpus_walk(args.corpus)
    if not files:
        raise Broken(f"no documents in {args.corpus}")
    queries = load_queries(args.queries, set(files))

    tmp = tempfile.mkdtemp(prefix="wsearch-eval-")
    try:
        ws = Wsearch(binary, args.corpus, os.path.join(tmp, "wsearch-index"), tmp, args.openthesaurus)
        base = Baseline(xapian, args.corpus, files, os.path.join(tmp, "baseline-index"),
                        args.baseline_stemming)
        rows = []
        for q in queries:
            row = {"id": q["id"], "query": q["query"], "note": q["note"], "rel": q["rel"]}
            for name, system in (("wsearch", ws), ("baseline", base)):
                ranked, err = system.search(q["query"])
                ranked = dedupe(ranked)
                row[name] = {"ranked": ranked, "error": err, **metrics(ranked, q["rel"])}
            wfound = {p for p in row["wsearch"]["ranked"] if p in q["rel"]}
            row["baseline_only"] = [p for p in row["baseline"]["ranked"]
                                    if p in q["rel"] and p not in wfound]
            rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report(args, files, ws, base, rows)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False, indent=1)
    return gate(gates, rows)


def gate(gates, rows):
    """0 when every gated mean reaches its minimum and no query erred, else
    1 with one line per miss: a ranking regression fails the suite."""
    misses = []
    for key, minimum in sorted(gates.items()):
        got = mean([r["wsearch"][key] for r in rows])
        if got < minimum:
            misses.append(f"{key} {got:.3f} is below the gate {minimum:.3f}")
    errs = [r["id"] for r in rows if r["wsearch"]["error"]]
    if gates and errs:
        misses.append(f"wsearch failed on {len(errs)} queries: {' '.join(errs)}")
    for m in misses:
        print(f"eval: FAILED: {m}")
    if gates and not misses:
        print("eval: gates passed: " + ", ".join(f"{k} >= {v:.3f}" for k, v in sorted(gates.items())))
    return 1 if misses else 0


def report(args, files, ws, base, rows):
    n = len(rows)
    print(f"wsearch search-quality evaluation: {n} queries, {len(files)} documents "
          f"in {os.path.relpath(args.corpus)}, cut-off {K}; baseline: plain Xapian, "
          f"Stem(\"german\"), STEM_{args.baseline_stemming.upper()}, OP_AND")
    for w in ws.index_warnings:
        print(f"  wsearch index: {w}")
    if base.skipped:
        print(f"  baseline could not read (no extractor): {', '.join(base.skipped)}")
    if args.per_query:
        print()
        print(f"{'id':<4} {'query':<42} {'wsearch MRR nDCG  R@10':>24}   "
              f"{'baseline MRR nDCG  R@10':>24}  relevant documents only the baseline finds")
        for r in rows:
            w, b = r["wsearch"], r["baseline"]
            flag = ""
            if r["baseline_only"]:
                flag = "BASELINE ONLY: " + ", ".join(r["baseline_only"])
            q = r["query"] if len(r["query"]) <= 42 else r["query"][:41] + "…"
            print(f"{r['id']:<4} {q:<42} {fmt(w):>24}   {fmt(b):>24}  {flag}")
            for name, s in (("wsearch", w), ("baseline", b)):
                if s["error"]:
                    print(f"     {name} error: {s['error']}")
    print()
    print(f"{'metric (mean over ' + str(n) + ' queries)':<34} {'wsearch':>8} {'baseline':>9} "
          f"{'diff':>7}")
    for key, label in (("mrr", "MRR@10"), ("ndcg", "nDCG@10"), ("recall", "recall@10")):
        wm, bm = mean([r["wsearch"][key] for r in rows]), mean([r["baseline"][key] for r in rows])
        print(f"{label:<34} {wm:>8.3f} {bm:>9.3f} {wm - bm:>+7.3f}")
    for name in ("wsearch", "baseline"):
        none = sum(1 for r in rows if not r[name]["ranked"] and not r[name]["error"])
        errs = sum(1 for r in rows if r[name]["error"])
        print(f"{name + ': queries without hits / with errors':<34} {none:>8} / {errs}")
    better = sum(1 for r in rows if r["wsearch"]["ndcg"] > r["baseline"]["ndcg"] + 1e-9)
    worse = sum(1 for r in rows if r["wsearch"]["ndcg"] < r["baseline"]["ndcg"] - 1e-9)
    print(f"nDCG@10 per query: wsearch better on {better}, baseline better on {worse}, "
          f"equal on {n - better - worse}")
    flagged = [r["id"] for r in rows if r["baseline_only"]]
    print(f"queries where the baseline finds a relevant document in its top {K} "
          f"that wsearch misses: {len(flagged)}" + (f" ({' '.join(flagged)})" if flagged else ""))
    if flagged and not args.per_query:
        print("(--per-query lists them with the documents)")


def fmt(s):
    if s["error"]:
        return "error"
    return f"{s['mrr']:.2f} {s['ndcg']:.2f} {s['recall']:.2f}"


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Broken as e:
        print(f"eval: {e}", file=sys.stderr)
        sys.exit(2)
    except (OSError, subprocess.SubprocessError) as e:
        print(f"eval: {e}", file=sys.stderr)
        sys.exit(2)
