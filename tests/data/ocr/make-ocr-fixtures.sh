#!/usr/bin/env bash
# make-ocr-fixtures.sh - regenerate the scanned-document fixtures in this folder.
#
# The German source texts (seite1-3.txt, aushang.txt) are typeset with
# ImageMagick in DejaVu Serif, grey, at 150 dpi, the way an office scanner
# files a letter, and written as image files and as PDFs that hold nothing
# but the page images (python3, no text layer, no fonts):
#   scan.pdf     3 pages, seite1-3; a word only on page 2: "Kürbis"
#   gemischt.pdf page 1 typed (a real text layer, "Tagesordnung"); page 2 the
#                scan of seite2.txt under a stamped text layer of a few
#                characters ("- 2 -"), as scanners and numbering tools leave
#   streifen.pdf 1 page, seite1.txt stored as 24 strips of image, each under
#                5 % of the page, as some scanners write a page
#   kopie.pdf    1 page, seite3.txt as a poor photocopy: slanted by 1.5
#                degrees, blurred, noisy, low contrast, JPEG inside
#   aushang.png, aushang.jpg  one page, aushang.txt ("Nähwerkstatt")
#   mappe.tif    2 pages (bilevel, Group 4): aushang.txt, then seite3.txt
# The OCR tests and bench/ocr_bench.sh search for the words of the source
# texts, so text and images must be regenerated together.  The outputs are
# committed; the suite never runs this.
#
# Usage: tests/data/ocr/make-ocr-fixtures.sh  (needs imagemagick,
# fonts-dejavu-core, python3)
set -euo pipefail
cd "$(dirname "$0")"
CONVERT=/usr/bin/convert # Debian's ImageMagick, not a stand-in on PATH
[[ -x $CONVERT ]] || { echo "needs ImageMagick: apt-get install -y imagemagick" >&2; exit 1; }
WORK=$(mktemp -d /tmp/ws-ocr-fixtures-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
DPI=150
W=1240 H=1754 # A4 at 150 dpi

# page TEXTFILE OUT.png: the text set on an A4 page, 8-bit grey (the text is
# passed inline: the security policy forbids caption:@file)
page() {
  $CONVERT -density $DPI -units PixelsPerInch -background white -fill black \
    -font DejaVu-Serif -pointsize 11 -size $((W - 260))x caption:"$(<"$1")" \
    -gravity northwest -bordercolor white -border 130x150 \
    -extent ${W}x${H} -colorspace Gray -depth 8 -strip "$2"
}
for n in 1 2 3; do page seite$n.txt "$WORK/p$n.png"; done
page aushang.txt "$WORK/aushang.png"
# the photocopy: what OCR meets in real folders
$CONVERT "$WORK/p3.png" -background white -rotate 1.5 -gravity center -extent ${W}x${H} \
  -blur 0x0.7 -level 12%,88% -seed 15 -attenuate 0.5 +noise Gaussian -colorspace Gray \
  -quality 60 -strip "$WORK/kopie.jpg"
for f in p1 p2 p3 aushang; do $CONVERT "$WORK/$f.png" -depth 8 gray:"$WORK/$f.gray"; done

cp "$WORK/aushang.png" aushang.png
$CONVERT "$WORK/aushang.png" -quality 75 aushang.jpg
$CONVERT "$WORK/aushang.png" "$WORK/p3.png" -threshold 60% -monochrome \
  -compress Group4 -density $DPI -units PixelsPerInch mappe.tif

/usr/bin/python3 - "$WORK" $W $H $DPI <<'PY'
import sys, zlib
work, w, h, dpi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pw, ph = w * 72 / dpi, h * 72 / dpi  # page size in points

def pdf(path, pages):
    """pages: list of (grey image file or None, content text ops or b'')"""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for img, text in pages:
        content, res = b"", b"/Font << /F1 3 0 R >>"
        if img and img.endswith(".jpg"):  # JPEG as is: /DCTDecode
            data = open(f"{work}/{img}", "rb").read()
            objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode "
                        b"/Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream")
            res += b" /XObject << /Im1 %d 0 R >>" % len(objs)
            content += b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q\n" % (pw, ph)
        elif img:
            data = zlib.compress(open(f"{work}/{img}.gray", "rb").read(), 9)
            objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                        b"/Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream")
            res += b" /XObject << /Im1 %d 0 R >>" % len(objs)
            content += b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q\n" % (pw, ph)
        content += text
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << %s >> /Contents %d 0 R >>" % (pw, ph, res, len(objs)))
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    open(path, "wb").write(out)

pdf("scan.pdf", [("p1", b""), ("p2", b""), ("p3", b"")])
typed = (b"BT /F1 14 Tf 72 760 Td (Tagesordnung der Sitzung) Tj 0 -24 Td /F1 11 Tf "
         b"(Bericht der Gruppe und Planung des Gartens.) Tj ET\n")
stamp = b"BT /F1 9 Tf %.2f 30 Td (- 2 -) Tj ET\n" % (pw / 2 - 10)
pdf("gemischt.pdf", [(None, typed), ("p2", stamp)])
pdf("kopie.pdf", [("kopie.jpg", b"")])

# the strips: one page, 24 images stacked
rows = open(f"{work}/p1.gray", "rb").read()
n = 24
step = (h + n - 1) // n
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", None]
xo, content = [], b""
for k in range(n):
    y0, y1 = k * step, min(h, (k + 1) * step)
    data = zlib.compress(rows[y0 * w:y1 * w], 9)
    objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
                b"/Length %d >>\nstream\n" % (w, y1 - y0, len(data)) + data + b"\nendstream")
    xo.append(b"/S%d %d 0 R" % (k, len(objs)))
    sh = (y1 - y0) * 72 / dpi
    content += b"q %.2f 0 0 %.2f 0 %.2f cm /S%d Do Q\n" % (pw, sh, ph - y1 * 72 / dpi, k)
objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
objs[2] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << %s >> >> "
           b"/Contents %d 0 R >>" % (pw, ph, b" ".join(xo), len(objs)))
out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open("streifen.pdf", "wb").write(out)
PY
ls -l scan.pdf gemischt.pdf streifen.pdf kopie.pdf aushang.png aushang.jpg mappe.tif
