#!/usr/bin/python3
"""Search-quality evaluation: wsearch against plain Xapian German stemming.

Usage (from the repository root; Debian's python3, which has python3-xapian):

    /usr/bin/python3 tests/eval/eval.py build/wsearch [--per-query]

It reads tests/eval/queries.tsv (queries with graded relevance judgments),
indexes corpus/ into temporary folders -- once with the real wsearch binary
(`wsearch index`), once as a BASELINE with plain Xapian (TermGenerator and
QueryParser with Stem("german"), default settings) -- runs every query on
wsearch and on the baseline with default operator AND and with default OR,
and prints MRR@10, nDCG@10, recall@10, success@1 and success@10 side by side.

With --set xquad it measures on a set written by others instead: XQuAD's
German part (../shared/testdata/xquad-de, CC BY-SA 4.0, not copied into
this repository): every paragraph becomes one Markdown file in a temporary
corpus, and each of the 1 190 questions has the paragraph it was asked of
as its one relevant document.

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
import time

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
    (or STEM_ALL_Z), default query flags, BM25; the default operator is a
    query-time choice (search(query, op)), so one index serves both."""

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
        qp.set_database(db)
        self.qp = qp

    def search(self, query, op="and"):
        """Return (ranked relative paths, error or None)."""
        self.qp.set_default_op(self.x.Query.OP_OR if op == "or" else self.x.Query.OP_AND)
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
        synonyms = os.path.join(ROOT, "config", "synonyms.txt")
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

    def serve(self, tmp):
        """Answer the queries through searchd (beside the binary), as a
        deployment does: the index, analyzer and compound word list are
        loaded once, not once per query.  Without searchd: --direct."""
        sd = os.path.join(os.path.dirname(self.binary), "searchd")
        self.via, self.proc = ["--direct"], None
        if not (os.path.isfile(sd) and os.access(sd, os.X_OK)):
            return
        sock = os.path.join(tmp, "searchd.sock")
        self.proc = subprocess.Popen([sd, "--foreground", "--socket", sock], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            r = subprocess.run([self.binary, "--socket", sock, "--json", "-n", "1", "--", "x"],
                               env=self.env, capture_output=True, text=True, timeout=60)
            if r.returncode in (0, 1):
                self.via = ["--socket", sock]
                return
            time.sleep(0.05)
        self.stop()
        raise Broken("searchd did not answer on " + sock)

    def stop(self):
        if getattr(self, "proc", None) and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)

    def rel(self, path):
        p = os.path.realpath(path)
        if p.startswith(self.corpus + os.sep):
            return p[len(self.corpus) + 1:]
        return path

    def search(self, query):
        """Return (ranked relative paths, error or None); exit 1 = no hits."""
        r = subprocess.run([self.binary, *self.via, "--json", "-n", str(K), "--", query],
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
    return {"mrr": mrr, "ndcg": dcg / idcg if idcg else 0.0, "recall": found / len(rel),
            "s1": 1.0 if mrr == 1.0 else 0.0, "s10": 1.0 if found else 0.0}


def mean(vals):
    return sum(vals) / len(vals) if vals else 0.0


# ------------------------------------------------------------------- main

METRICS = (("mrr", "MRR@10"), ("ndcg", "nDCG@10"), ("recall", "recall@10"),
           ("s1", "success@1"), ("s10", "success@10"))
# The systems compared, in column order: wsearch and the two baselines.
SYSTEMS = (("wsearch", "wsearch"), ("and", "Xapian AND"), ("or", "Xapian OR"))
XQUAD = os.path.join(os.path.dirname(ROOT), "shared", "testdata", "xquad-de", "xquad.de.json")


def xquad_corpus(path, corpus):
    """Write XQuAD's paragraphs into CORPUS as one Markdown file each
    (ARTICLE/pNN.md, the paragraph's text only: no title, so a question must
    be answered from the words of the text) and return its questions as
    queries whose one relevant document is that file."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)["data"]
    except (OSError, ValueError, KeyError) as e:
        raise Broken(f"cannot read XQuAD from {path}: {e} "
                     "(it lives in ../shared/testdata/xquad-de beside the checkout)")
    queries = []
    for art in data:
        slug = "".join(c if c.isalnum() or c in "-_" else "_" for c in art["title"])
        os.makedirs(os.path.join(corpus, slug), exist_ok=True)
        for n, par in enumerate(art["paragraphs"]):
            rel = f"{slug}/p{n:02d}.md"
            with open(os.path.join(corpus, rel), "w", encoding="utf-8") as f:
                f.write(par["context"].strip() + "\n")
            for qa in par["qas"]:
                q = " ".join(qa["question"].split())
                if q:
                    queries.append({"id": qa["id"][-8:], "query": q, "rel": {rel: 1},
                                    "note": ""})
    if not queries:
        raise Broken(f"{path}: no questions")
    return queries


def main(argv):
    ap = argparse.ArgumentParser(
        description="MRR@10, nDCG@10, recall@10, success@1/10 of wsearch and plain Xapian "
                    "baselines (default AND and default OR).")
    ap.add_argument("wsearch", help="the wsearch binary to evaluate, e.g. build/wsearch")
    ap.add_argument("--set", choices=("own", "xquad"), default="own",
                    help="own: corpus/ with tests/eval/queries.tsv (default); xquad: XQuAD's "
                         "German questions and paragraphs (see --xquad)")
    ap.add_argument("--xquad", default=XQUAD, metavar="FILE",
                    help="XQuAD's xquad.de.json (default: ../shared/testdata/xquad-de/ beside "
                         "the checkout)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"),
                    help="folder to index (default: the repository's corpus/)")
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.tsv"),
                    help="query and judgment file (default: tests/eval/queries.tsv)")
    ap.add_argument("--per-query", action="store_true",
                    help="also print one line per query, flagging queries where a "
                         "baseline finds a relevant document that wsearch misses")
    ap.add_argument("--baseline-stemming", choices=("some", "all_z"), default="some",
                    help="QueryParser stemming strategy of the baselines: STEM_SOME (the "
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
                         "recall, s1, s10) is below VALUE, or when any query errs; may be "
                         "repeated")
    args = ap.parse_args(argv)
    gates = {}
    names = [k for k, _ in METRICS]
    for g in args.min:
        key, _, value = g.partition("=")
        try:
            gates[key] = float(value)
        except ValueError:
            raise Broken(f"--min {g}: expected METRIC=NUMBER")
        if key not in names:
            raise Broken(f"--min {g}: the metrics are {', '.join(names)}")

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

    tmp = tempfile.mkdtemp(prefix="wsearch-eval-")
    ws = None
    try:
        if args.set == "xquad":
            corpus = os.path.join(tmp, "xquad")
            queries = xquad_corpus(args.xquad, corpus)
            files = corpus_walk(corpus)
            label = f"XQuAD-de ({os.path.relpath(args.xquad)})"
        else:
            corpus = args.corpus
            if not os.path.isdir(corpus):
                raise Broken(f"no corpus folder at {corpus}")
            files = corpus_walk(corpus)
            if not files:
                raise Broken(f"no documents in {corpus}")
            queries = load_queries(args.queries, set(files))
            label = os.path.relpath(corpus)
        ws = Wsearch(binary, corpus, os.path.join(tmp, "wsearch-index"), tmp, args.openthesaurus)
        ws.serve(tmp)
        base = Baseline(xapian, corpus, files, os.path.join(tmp, "baseline-index"),
                        args.baseline_stemming)
        rows = []
        for q in queries:
            row = {"id": q["id"], "query": q["query"], "note": q["note"], "rel": q["rel"]}
            for name, _ in SYSTEMS:
                if name == "wsearch":
                    ranked, err = ws.search(q["query"])
                else:
                    ranked, err = base.search(q["query"], name)
                ranked = dedupe(ranked)
                row[name] = {"ranked": ranked, "error": err, **metrics(ranked, q["rel"])}
            wfound = {p for p in row["wsearch"]["ranked"] if p in q["rel"]}
            row["baseline_only"] = {
                name: [p for p in row[name]["ranked"] if p in q["rel"] and p not in wfound]
                for name, _ in SYSTEMS[1:]}
            rows.append(row)
    finally:
        if ws:
            ws.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    report(args, label, files, ws, base, rows)
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


def report(args, label, files, ws, base, rows):
    n = len(rows)
    print(f"wsearch search-quality evaluation: {n} queries, {len(files)} documents "
          f"in {label}, cut-off {K}; baselines: plain Xapian, Stem(\"german\"), "
          f"STEM_{args.baseline_stemming.upper()}, BM25, default operator AND and OR")
    for w in ws.index_warnings:
        print(f"  wsearch index: {w}")
    if base.skipped:
        print(f"  baseline could not read (no extractor): {', '.join(base.skipped)}")
    if args.per_query:
        print()
        print(f"{'id':<8} {'query':<42} " + " ".join(f"{t + ' MRR nDCG R@10':>24}"
                                                  for _, t in SYSTEMS)
              + "  relevant documents only a baseline finds")
        for r in rows:
            flags = [f"{t.split()[-1]} ONLY: " + ", ".join(r["baseline_only"][name])
                     for name, t in SYSTEMS[1:] if r["baseline_only"][name]]
            q = r["query"] if len(r["query"]) <= 42 else r["query"][:41] + "…"
            print(f"{r['id']:<8} {q:<42} " + " ".join(f"{fmt(r[name]):>24}" for name, _ in SYSTEMS)
                  + "  " + "; ".join(flags))
            for name, t in SYSTEMS:
                if r[name]["error"]:
                    print(f"         {t} error: {r[name]['error']}")
    print()
    print(f"{'metric (mean over ' + str(n) + ' queries)':<34} "
          + " ".join(f"{t:>10}" for _, t in SYSTEMS))
    for key, mlabel in METRICS:
        print(f"{mlabel:<34} " + " ".join(f"{mean([r[name][key] for r in rows]):>10.3f}"
                                          for name, _ in SYSTEMS))
    print(f"{'queries without hits / with errors':<34} "
          + " ".join(f"{sum(1 for r in rows if not r[name]['ranked'] and not r[name]['error']):>5}"
                     f" / {sum(1 for r in rows if r[name]['error']):<2}" for name, _ in SYSTEMS))
    for name, t in SYSTEMS[1:]:
        better = sum(1 for r in rows if r["wsearch"]["ndcg"] > r[name]["ndcg"] + 1e-9)
        worse = sum(1 for r in rows if r["wsearch"]["ndcg"] < r[name]["ndcg"] - 1e-9)
        flagged = [r["id"] for r in rows if r["baseline_only"][name]]
        print(f"against {t}: nDCG@10 per query wsearch better on {better}, worse on {worse}, "
              f"equal on {n - better - worse}; it finds a relevant document in its top {K} "
              f"that wsearch misses for {len(flagged)}"
              + (f" ({' '.join(flagged[:30])}{' …' if len(flagged) > 30 else ''})"
                 if flagged else ""))
    if any(r["baseline_only"][name] for r in rows for name, _ in SYSTEMS[1:]) \
            and not args.per_query:
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
