#!/usr/bin/env bash
# make-seeds.sh OUTDIR - seed corpora for fuzz_pdf, fuzz_ooxml, fuzz_odf,
# fuzz_xlsx, fuzz_ods, fuzz_image and fuzz_record from the document fixtures
# (tests/data/docs, tests/data/ocr), in the input
# layouts those targets expect (see the comment at the top of each).
set -euo pipefail
OUT=${1:?usage: fuzz/make-seeds.sh OUTDIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"/{pdf,ooxml,odf,xlsx,ods,record,image}
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
# one record as a worker sends it: type pptx (5), two passages
def s(v):
    return struct.pack("<I", 0xFFFFFFFF) if v is None else struct.pack("<I", len(v)) + v
rec = struct.pack("<II", 5, 0) + s("Titel".encode()) + s(b"2024-05-15") + s(None) + s(None) + s(None)
rec += struct.pack("<I", 1) + s("Dr. Mira Lenz".encode()) + struct.pack("<I", 0) + struct.pack("<I", 1) + s(b"https://example.org")
rec += struct.pack("<I", 2)
rec += struct.pack("<II", 3, 1) + s("Folie eins".encode()) + s("Text auf Folie eins".encode())
rec += struct.pack("<II", 3, 2) + s(None) + s("Gemeindehaus".encode())
rec += s(None)  # no note
rec += struct.pack("<III", 0, 0, 0)  # OCR: pages, pages skipped, milliseconds
w("%s/record/two-slides" % out, bytes([200]) + rec)
# the images of the OCR fixtures, behind fuzz_image's type byte
for f in glob.glob(docs + "/../ocr/*.*"):
    ext = f.rsplit(".", 1)[1]
    if ext in ("png", "jpg", "tif"):
        t = {"png": 0, "jpg": 1, "tif": 2}[ext]
        w("%s/image/%s" % (out, os.path.basename(f)), bytes([t]) + open(f, "rb").read())
PY
echo "seeds in $OUT"
