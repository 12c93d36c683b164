#!/usr/bin/env bash
# make-fixtures.sh - regenerate the legacy binary Office fixtures here.
#
# LibreOffice in headless mode converts flat OpenDocument sources written
# below (a three-slide deck, a three-page report, a two-sheet workbook)
# into the binary formats of Office 97-2003 (.ppt, .doc, .xls) and RTF, so
# the fixtures come from a real producer.  The password-protected ones are
# made from the good ones by setting the spec's encryption marks (Word:
# fEncrypted in the FIB; PowerPoint: the CurrentUser header token of an
# encrypted document), which is exactly what a reader checks; the damaged
# one is a truncated container.  The outputs are committed, so the test
# suite never needs LibreOffice; run this only to change them.
#
# Known words (tests rely on them):
#   deck (alt-folien.ppt):  slide 2 "Bürgerbus" (and a link to
#                           https://example.org/buergerbus), slide 3 "Holzwerkstatt",
#                           slide 3 notes "Schlüsselkasten", slide 3 title
#                           "Werkstattbericht"
#   report (alt-bericht.doc, .rtf): page 2 "Streuobstwiese", page 3
#                           "Kranichzug"
#   workbook (alt-liste.xls): sheet 2 "Kontakte" holds "Fahrradreparatur"
#                           and a date cell (17.05.2008)
#
# Usage: tests/data/legacy/make-fixtures.sh   (needs libreoffice-impress,
# libreoffice-writer, libreoffice-calc, and libgsf-1-dev for olecopy.c)
set -euo pipefail
cd "$(dirname "$0")"
. ../lo-fixtures.sh
lo_start ws-legacy libreoffice-impress libreoffice-writer libreoffice-calc
# olecopy (libgsf) takes out the preview image LibreOffice's PowerPoint
# export puts into the SummaryInformation property set (~450 KB).
cc -O1 -o "$WORK/olecopy" olecopy.c $(pkg-config --cflags --libs libgsf-1)

META=$(odf_meta "Jonas Falk" "Altbestand für wsearch" 2008-03-11T09:30:00 2008-04-02T12:00:00 Nachbarschaft)

deck "Nachbarschaftstreff: Folien von 2008" \
  "$(slide 1 "Nachbarschaftstreff" "Begrüßung der Gäste aus dem Viertel." "Namensschilder verteilen.")" \
  "$(slide 2 "Mobilität im Quartier" "Der Bürgerbus fährt montags und donnerstags: <text:a xlink:href=\"https://example.org/buergerbus\">Fahrplan</text:a>." "Fahrplan zeigen.")" \
  "$(slide 3 "Werkstattbericht" "In der Holzwerkstatt bauen Jugendliche Nistkästen." "Den Schlüsselkasten im Flur erwähnen.")" >"$WORK/alt-folien.fodp"

report "Jahresbericht Quartiersarbeit 2007" >"$WORK/alt-bericht.fodt" <<EOF
   <text:h text:style-name="Heading_20_1" text:outline-level="1">Einleitung</text:h>
   <text:p>Das Quartiersbüro blickt auf ein bewegtes Jahr zurück. Mehr unter <text:a xlink:href="https://example.org/quartier">example.org</text:a>.</text:p>
   <text:h text:style-name="PB" text:outline-level="1">Grünflächen</text:h>
   <text:p>Die Streuobstwiese am Stadtrand wird gemeinsam gepflegt.</text:p>
   <table:table table:name="Zahlen">
    <table:table-column table:number-columns-repeated="2"/>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Bäume</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>37</text:p></table:table-cell>
    </table:table-row>
   </table:table>
   <text:h text:style-name="PB" text:outline-level="1">Ausblick</text:h>
   <text:p>Im Frühjahr kommt der Kranichzug über das Viertel.</text:p>
EOF

cat >"$WORK/alt-liste.fods" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ODF_NS office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 ${META/TITLE/Listen des Quartiersbüros}
 <office:automatic-styles>
  <number:date-style style:name="N1"><number:day number:style="long"/><number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>
  <style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
   <table:table table:name="Kurse">
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Kurs</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Plätze</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Deutsch für Anfänger</text:p></table:table-cell>
     <table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell>
    </table:table-row>
   </table:table>
   <table:table table:name="Kontakte">
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Angebot</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Ansprechperson</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Fahrradreparatur</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Frau Özdemir</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="float" office:value="2.5"><text:p>2,5</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Stunden</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Nächster Termin</text:p></table:table-cell>
     <table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2008-05-17"><text:p>17.05.08</text:p></table:table-cell>
    </table:table-row>
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document>
EOF

conv ppt "$WORK/alt-folien.fodp"
conv doc "$WORK/alt-bericht.fodt"
conv rtf "$WORK/alt-bericht.fodt"
conv xls "$WORK/alt-liste.fods"
lo_written alt-folien.ppt alt-bericht.doc alt-bericht.rtf alt-liste.xls
for f in alt-folien.ppt alt-bericht.doc alt-bericht.rtf alt-liste.xls; do
  case $f in
    *.rtf) cp "$WORK/out/$f" . ;;
    *) "$WORK/olecopy" "$WORK/out/$f" "$f" -nothumb ;;
  esac
done

mkdir -p hostile
python3 - <<'EOF'
import struct

def patch_once(data, old, new, align=1):
    """Replace the one occurrence of old (at an offset that is a multiple of align)."""
    hits = [i for i in range(0, len(data) - len(old) + 1, align) if data[i:i + len(old)] == old]
    assert len(hits) == 1, (old, hits)
    i = hits[0]
    return data[:i] + new + data[i + len(new):]

# Word: the WordDocument stream starts a 512-byte sector with the FIB
# (wIdent 0xA5EC); setting fEncrypted (bit 8 of the flags at 0x0A) is what
# Word's own encryption does to the FIB.
doc = bytearray(open("alt-bericht.doc", "rb").read())
hits = [i for i in range(512, len(doc), 512) if doc[i:i + 2] == b"\xec\xa5"]
assert len(hits) == 1, hits
flags = struct.unpack_from("<H", doc, hits[0] + 0x0A)[0]
struct.pack_into("<H", doc, hits[0] + 0x0A, flags | 0x0100)
open("hostile/geheim.doc", "wb").write(bytes(doc))

# PowerPoint: the CurrentUser stream's headerToken says whether the
# document is encrypted (0xE391C05F plain, 0xF3D1C4DF encrypted).
ppt = open("alt-folien.ppt", "rb").read()
ppt = patch_once(ppt, struct.pack("<I", 0xE391C05F), struct.pack("<I", 0xF3D1C4DF))
open("hostile/geheim.ppt", "wb").write(ppt)

# a truncated container: the first 1000 bytes of the deck
open("hostile/abgeschnitten.ppt", "wb").write(open("alt-folien.ppt", "rb").read()[:1000])
EOF
ls -l . hostile
