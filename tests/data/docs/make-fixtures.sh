#!/usr/bin/env bash
# make-fixtures.sh - regenerate the document fixtures in this folder.
#
# The good fixtures are written by a real producer: LibreOffice in headless
# mode converts two flat OpenDocument sources (a three-slide deck and a
# three-page report, with known words on known slides and pages) into
# PPTX, ODP, DOCX, ODT and PDF.  The hostile fixtures are derived from them
# with python3 (truncated zip, zip bomb, billion-laughs XML in a DOCX,
# damaged PDF, PDF without a text layer, zero bytes, wrong extension,
# password-protected files).  The outputs are committed, so the test suite
# never needs LibreOffice; run this only to change them.
#
# Known words (tests rely on them):
#   deck (folien.*):    slide 2 "Gemeindehaus", slide 3 "Leuchtturmwärter",
#                       slide 3 notes "Kaffeeautomat"
#   report (bericht.*): page 2 "Mietspiegel" (in a table), page 3 "Zugvogel"
#                       under the heading "Ausblick"
#
# Usage: tests/data/docs/make-fixtures.sh   (needs libreoffice-impress,
# libreoffice-writer: apt-get install --no-install-recommends ...)
set -euo pipefail
cd "$(dirname "$0")"
. ../lo-fixtures.sh
lo_start ws-fixtures libreoffice-impress libreoffice-writer
META=$(odf_meta "Dr. Mira Lenz" "Fixture für wsearch" 2024-05-15T10:00:00 2024-06-01T12:00:00 Integration Ehrenamt)

deck "Willkommen im Landkreis: Folien zum Praxisdialog" \
  "$(slide 1 "Willkommen im Landkreis" "Begrüßung und Überblick über den Nachmittag." "Zeitplan ansagen.")" \
  "$(slide 2 "Sprachcafé am Marktplatz" "Ehrenamtliche treffen sich jeden Dienstag im Gemeindehaus." "Auf Flyer verweisen.")" \
  "$(slide 3 "Ergebnisse" "Der Leuchtturmwärter berichtet von 42 Teilnehmenden." "Kaffeeautomat erwähnen.")" >"$WORK/folien.fodp"

report "Bericht zur Wohnraumversorgung" >"$WORK/bericht.fodt" <<EOF
   <text:h text:style-name="Heading_20_1" text:outline-level="1">Einleitung</text:h>
   <text:p>Die Kommune stellt ihren Bericht vor. Mehr unter <text:a xlink:href="https://example.org/bericht">example.org</text:a>.</text:p>
   <text:h text:style-name="PB" text:outline-level="1">Wohnraum</text:h>
   <text:p>Geflüchtete Familien suchen Wohnungen in der Kernstadt.</text:p>
   <table:table table:name="Zahlen">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Quelle</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Mietspiegel</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Wohnungen</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>118</text:p></table:table-cell>
    </table:table-row>
   </table:table>
   <text:h text:style-name="PB" text:outline-level="1">Ausblick</text:h>
   <text:p>Im Herbst zieht der Zugvogel weiter, die Arbeit bleibt.</text:p>
EOF

conv odp "$WORK/folien.fodp"
conv pptx "$WORK/folien.fodp"
conv pdf "$WORK/folien.fodp"
conv odt "$WORK/bericht.fodt"
conv docx "$WORK/bericht.fodt"
conv pdf "$WORK/bericht.fodt"
# A password-protected PDF (LibreOffice 7.4 takes JSON filter options).
cp "$WORK/bericht.fodt" "$WORK/geheim.fodt"
"${SOFFICE[@]}" --convert-to 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"geheim"}}' \
  --outdir "$WORK/out" "$WORK/geheim.fodt" >/dev/null 2>&1
lo_written folien.odp folien.pptx folien.pdf bericht.odt bericht.docx bericht.pdf geheim.pdf
for f in folien.odp folien.pptx folien.pdf bericht.odt bericht.docx bericht.pdf geheim.pdf; do
  cp "$WORK/out/$f" .
done

mkdir -p hostile
python3 - <<'EOF'
import io, zipfile, shutil

def rezip(src, dst, replace):
    """Copy the zip src to dst with some parts replaced."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = replace.get(item.filename, zin.read(item.filename))
            zout.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)

# truncated zip: the first half of a good deck
data = open("folien.pptx", "rb").read()
open("hostile/abgeschnitten.pptx", "wb").write(data[: len(data) // 2])

# zip bomb: 64 MB of spaces as the document body, ~60 KB on disk
bomb = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + b" " * (64 << 20) + b"</w:t></w:r></w:p></w:body></w:document>"
rezip("bericht.docx", "hostile/bombe.docx", {"word/document.xml": bomb})

# billion laughs inside a docx
lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
laughs = ('<?xml version="1.0"?>\n<!DOCTYPE w:document [\n' + "\n".join(lol) + "\n]>\n"
          '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>").encode()
rezip("bericht.docx", "hostile/lachen.docx", {"word/document.xml": laughs})

# damaged PDF: header and garbage, no objects, no xref
pdf = open("bericht.pdf", "rb").read()
open("hostile/kaputt.pdf", "wb").write(pdf[:16] + bytes((i * 37) % 251 for i in range(3000)))

# a PDF with one page that only draws a rectangle: no text layer
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
stream = b"0.5 g 100 100 395 642 re f"
objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
out = io.BytesIO()
out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(out.tell())
    out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
xref = out.tell()
out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
for o in offs:
    out.write(b"%010d 00000 n \n" % o)
out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
open("hostile/scan.pdf", "wb").write(out.getvalue())

# zero bytes, and a PDF named .pptx
open("hostile/leer.pptx", "wb").close()
shutil.copy("folien.pdf", "hostile/falsch.pptx")

# a password-protected OOXML file is an OLE compound file (EncryptedPackage);
# its header is enough for the check, the rest is padding
open("hostile/geheim.docx", "wb").write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
EOF
mv geheim.pdf hostile/geheim.pdf
ls -l . hostile
