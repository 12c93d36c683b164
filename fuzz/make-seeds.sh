#!/usr/bin/env bash
# make-seeds.sh OUTDIR - seed corpora for fuzz_pdf, fuzz_ooxml, fuzz_odf,
# fuzz_xlsx, fuzz_ods, fuzz_doc, fuzz_ppt, fuzz_xls, fuzz_rtf, fuzz_image,
# fuzz_record, fuzz_docmsg, fuzz_extract and fuzz_query from the fixtures (tests/data/docs,
# tests/data/legacy, tests/data/ocr, tests/data/extract, bench/queries.txt), in the input
# layouts those targets expect (see the comment at the top of each; fuzz_doc,
# fuzz_ppt and fuzz_xls are fuzz_ole.c, the zip formats fuzz_zip.c).
set -euo pipefail
OUT=${1:?usage: fuzz/make-seeds.sh OUTDIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"/{pdf,ooxml,odf,xlsx,ods,record,docmsg,doc,ppt,xls,rtf,image,extract,query}
python3 - "$SRC/tests/data/docs" "$OUT" <<'PY'
import glob, os, struct, sys, zipfile
docs, out = sys.argv[1:]
def w(path, data):
    open(path, "wb").write(data)
for f in glob.glob(docs + "/*.pdf") + glob.glob(docs + "/hostile/*.pdf") + glob.glob(docs + "/../ocr/*.pdf"):
    w("%s/pdf/%s" % (out, os.path.basename(f)), open(f, "rb").read())
parts = {
  "pptx": ["ppt/presentation.xml", "ppt/_rels/presentation.xml.rels", "ppt/slides/slide1.xml",
           "ppt/slides/_rels/slide1.xml.rels", "ppt/notesSlides/notesSlide1.xml",
           "ppt/slides/slide2.xml", "docProps/core.xml"],
  "docx": ["word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"],
  "odp": ["content.xml", "meta.xml", "mimetype", "META-INF/manifest.xml"],
  "odt": ["content.xml", "meta.xml", "mimetype", "META-INF/manifest.xml"],
  "xlsx": ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
           "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "docProps/core.xml"],
  "ods": ["content.xml", "meta.xml", "META-INF/manifest.xml"],
}
sel = {"pptx": 1, "docx": 0, "odp": 1, "odt": 0, "xlsx": 0, "ods": 0}
kinds = {"pptx": "ooxml", "docx": "ooxml", "odp": "odf", "odt": "odf", "xlsx": "xlsx", "ods": "ods"}
for f in glob.glob(docs + "/*.*") + glob.glob(docs + "/hostile/*.*") + glob.glob(docs + "/lenient/*.*"):
    ext = f.rsplit(".", 1)[1]
    if ext not in parts:
        continue
    kind = kinds[ext]
    name = os.path.basename(f)
    w("%s/%s/raw-%s" % (out, kind, name), bytes([sel[ext] | 2]) + open(f, "rb").read())
    try:
        z = zipfile.ZipFile(f)
        data = b"\n@@\n".join(z.read(p) if p in z.namelist() else b"" for p in parts[ext])
        if len(data) < (1 << 20):  # not the zip bomb's 64 MB body
            w("%s/%s/parts-%s" % (out, kind, name), bytes([sel[ext]]) + data)
    except zipfile.BadZipFile:
        pass
# records in the binary layout of lib/index/record.h (docs/schema.md): one
# as a worker sends it (type pptx = 5, two slides, then the run's fields)
# and the same as the index stores it, with a path
def s(v):
    return struct.pack("<I", 0xFFFFFFFF) if v is None else struct.pack("<I", len(v)) + v + b"\0"
def record(path):
    t1, t2 = "Text auf Folie eins".encode(), "Gemeindehaus".encode()
    text = t1 + b"\n\n" + t2
    meta = s(path) + s("Titel".encode()) + s(b"2024-05-15") + s(None) + s(None) + s(None)
    meta += struct.pack("<I", 1) + s("Dr. Mira Lenz".encode()) + struct.pack("<I", 0)
    meta += struct.pack("<I", 1) + s(b"https://example.org")
    meta += struct.pack("<I", 2)
    meta += struct.pack("<IIII", 3, 1, 0, len(t1)) + s("Folie eins".encode())
    meta += struct.pack("<IIII", 3 | 0x100, 2, len(t1) + 2, len(text)) + s(None)
    head = b"WSR\x01" + bytes([5, 0, 0, 0]) + struct.pack("<I", len(meta))
    return head + meta + struct.pack("<I", len(text)) + text + b"\0"
rec = record(None)
msg = struct.pack("<I", len(rec)) + rec + struct.pack("<I", 0) + s(None) + struct.pack("<III", 1, 0, 20)
w("%s/record/two-slides" % out, bytes([200]) + msg)
w("%s/record/stored-two-slides" % out, bytes([1]) + record(b"/srv/korpus/folien.pptx"))
# a docmsg (lib/index/docmsg.h) as a worker sends it for that file: one
# document (the stored record, the type value, two terms), one spelling word
def v(n):
    b = b""
    while True:
        b += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
        n >>= 7
        if not n:
            return b
stored = record(b"/srv/korpus/folien.pptx")
doc = struct.pack("<I", len(stored)) + stored
doc += struct.pack("<I", 1) + struct.pack("<II", 2, 4) + b"pptx"
terms = [(b"folie", 2, [3, 10]), (b"Zfoli", 2, [])]
doc += struct.pack("<I", len(terms))
for t, wdf, pos in terms:
    doc += bytes([len(t)]) + t + v(wdf) + v(len(pos))
    doc += b"".join(v(p - (pos[i - 1] if i else 0)) for i, p in enumerate(pos))
words = bytes([5]) + b"folie" + v(2) + bytes([1])
trailer = struct.pack("<I", 0) + s(None) + struct.pack("<III", 1, 0, 20) + struct.pack("<II", 33, 0)
dm = b"WSD\x01" + struct.pack("<I", 1) + doc + struct.pack("<I", 1) + words + trailer
w("%s/docmsg/two-slides" % out, bytes([200]) + dm)
# the images of the OCR fixtures, behind fuzz_image's type byte
for f in glob.glob(docs + "/../ocr/*.*"):
    ext = f.rsplit(".", 1)[1]
    if ext in ("png", "jpg", "tif"):
        t = {"png": 0, "jpg": 1, "tif": 2}[ext]
        w("%s/image/%s" % (out, os.path.basename(f)), bytes([t]) + open(f, "rb").read())
PY
# Office 97-2003: the whole file (first byte 1), and its streams split out
# (first byte 0) by a minimal reader of the compound file's FAT chains.
python3 - "$SRC/tests/data/legacy" "$OUT" <<'PY'
import glob, os, struct, sys
legacy, out = sys.argv[1:]
def streams(d):
    ss = 1 << struct.unpack_from("<H", d, 30)[0]
    mss = 1 << struct.unpack_from("<H", d, 32)[0]
    nfat, dirstart = struct.unpack_from("<I", d, 44)[0], struct.unpack_from("<I", d, 48)[0]
    minicut, minifat = struct.unpack_from("<I", d, 56)[0], struct.unpack_from("<I", d, 60)[0]
    fat = []
    for s in struct.unpack_from("<109I", d, 76)[:nfat]:
        fat += struct.unpack_from("<%dI" % (ss // 4), d, 512 + s * ss)
    def chain(s, t):
        out = []
        while s < 0xFFFFFFF0 and len(out) < 1 << 16:
            out.append(s)
            s = t[s]
        return out
    def big(s):
        return b"".join(d[512 + x * ss:512 + (x + 1) * ss] for x in chain(s, fat))
    dirs = big(dirstart)
    ents = []
    for i in range(len(dirs) // 128):
        e = dirs[i * 128:(i + 1) * 128]
        nl = struct.unpack_from("<H", e, 64)[0]
        ents.append((e[:max(nl - 2, 0)].decode("utf-16le"), e[66]) + struct.unpack_from("<IQ", e, 116))
    mini = big(ents[0][2])
    mfat = []
    if minifat < 0xFFFFFFF0:
        for s in chain(minifat, fat):
            mfat += struct.unpack_from("<%dI" % (ss // 4), d, 512 + s * ss)
    res = {}
    for name, typ, start, size in ents:
        if typ != 2:
            continue
        if size < minicut:
            res[name] = b"".join(mini[x * mss:(x + 1) * mss] for x in chain(start, mfat))[:size]
        else:
            res[name] = big(start)[:size]
    return res
names = {"doc": ["WordDocument", "0Table", "1Table", "\x05SummaryInformation"],
         "ppt": ["PowerPoint Document", "Current User", "\x05SummaryInformation"],
         "xls": ["Workbook", "\x05SummaryInformation"]}
for f in glob.glob(legacy + "/*.*") + glob.glob(legacy + "/hostile/*.*"):
    ext, base = f.rsplit(".", 1)[1], os.path.basename(f)
    data = open(f, "rb").read()
    if ext == "rtf":
        open("%s/rtf/%s" % (out, base), "wb").write(b"\x00" + data)
    if ext not in names:
        continue
    open("%s/%s/raw-%s" % (out, ext, base), "wb").write(b"\x01" + data)
    try:
        st = streams(data)
    except (struct.error, IndexError):
        continue
    parts = [st.get(n, b"") for n in names[ext]]
    open("%s/%s/streams-%s" % (out, ext, base), "wb").write(b"\x00" + b"\n@@\n".join(parts))
PY
# Text formats behind fuzz_extract's selector byte (sel % 3: txt, md, html;
# no limit bits), and queries for fuzz_query: the benchmark's, plus syntax
# that once needed care (quotes, NEAR, fields, wildcards, a NUL).
python3 - "$SRC" "$OUT" <<'PY'
import glob, os, sys
src, out = sys.argv[1:]
for f in sorted(glob.glob(src + "/tests/data/extract/*")):
    sel = {".txt": 0, ".md": 1, ".html": 2}.get(os.path.splitext(f)[1])
    if sel is not None:
        open("%s/extract/%s" % (out, os.path.basename(f)), "wb").write(bytes([sel]) + open(f, "rb").read())
qs = [l.strip() for l in open(src + "/bench/queries.txt", encoding="utf-8") if l.strip() and not l.startswith("#")]
qs += ['"Integration in Kommunen', 'speaker:"Dr. Kaya" AND -Wohnraum', 'kommun* NEAR/3 resilien*',
       'Akteur:innen OR Lehrer*innen', 'Fluechtlinge +Roßlau', 'a\x00b']
for i, q in enumerate(qs):
    open("%s/query/q%03d" % (out, i), "wb").write(q.encode("utf-8"))
PY
echo "seeds in $OUT"
