#!/usr/bin/env bash
# make-sheets.sh - regenerate the spreadsheet fixtures tabelle.xlsx and
# tabelle.ods in this folder.
#
# LibreOffice (headless) converts one flat OpenDocument spreadsheet
# written below into both formats, so the fixtures are what a real office
# suite writes (shared strings, cached formula results, docProps/core.xml
# and meta.xml).  The outputs are committed; the test suite never needs
# LibreOffice.
#
# Known words (tests rely on them):
#   sheet 1 "Kurse":    "Sprachcafé", "Montag"; =SUMME(C2:C3) cached as 32;
#                       a text formula whose cached result is
#                       "Nachhilfegruppe" (the formula itself is not text);
#                       "Beginn" on a date cell shown as 12.03.2025 (xlsx
#                       stores the serial number 45728 and a date format)
#   sheet 2 "Kontakte": "Wasserturmverein" (only there), "Okonkwo"
#   sheet 3 "Leer":     no cells
#   metadata: title "Kursliste Frühjahr", author "Dr. Mira Lenz",
#             keywords "Kurse", "Ehrenamt", created 2025-02-03
#
# Usage: tests/data/docs/make-sheets.sh   (needs libreoffice-calc:
# apt-get install --no-install-recommends libreoffice-calc)
set -euo pipefail
cd "$(dirname "$0")"
. ../lo-fixtures.sh
lo_start ws-sheets libreoffice-calc

s() { echo "<table:table-cell office:value-type=\"string\"><text:p>$1</text:p></table:table-cell>"; }
n() { echo "<table:table-cell office:value-type=\"float\" office:value=\"$1\"><text:p>$1</text:p></table:table-cell>"; }

cat >"$WORK/tabelle.fods" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:meta>
  <dc:title>Kursliste Frühjahr</dc:title>
  <meta:initial-creator>Dr. Mira Lenz</meta:initial-creator>
  <dc:creator>Dr. Mira Lenz</dc:creator>
  <dc:subject>Fixture für wsearch</dc:subject>
  <meta:keyword>Kurse</meta:keyword>
  <meta:keyword>Ehrenamt</meta:keyword>
  <meta:creation-date>2025-02-03T09:00:00</meta:creation-date>
  <dc:date>2025-02-10T12:00:00</dc:date>
 </office:meta>
 <office:automatic-styles>
  <number:date-style style:name="N1"><number:day number:style="long"/><number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text><number:year number:style="long"/></number:date-style>
  <style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
   <table:table table:name="Kurse">
    <table:table-row>$(s Kurs)$(s Tag)$(s Plätze)</table:table-row>
    <table:table-row>$(s "Deutsch A1")$(s Montag)$(n 12)</table:table-row>
    <table:table-row>$(s Sprachcafé)$(s Mittwoch)$(n 20)</table:table-row>
    <table:table-row>$(s Summe)<table:table-cell/><table:table-cell table:formula="of:=SUM([.C2:.C3])" office:value-type="float" office:value="32"><text:p>32</text:p></table:table-cell></table:table-row>
    <table:table-row>$(s Beginn)<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2025-03-12"><text:p>12.03.2025</text:p></table:table-cell></table:table-row>
    <table:table-row>$(s Gruppe)<table:table-cell table:formula="of:=CONCATENATE(&quot;Nachhilfe&quot;;&quot;gruppe&quot;)" office:value-type="string" office:string-value="Nachhilfegruppe"><text:p>Nachhilfegruppe</text:p></table:table-cell></table:table-row>
   </table:table>
   <table:table table:name="Kontakte">
    <table:table-row>$(s Name)$(s Organisation)</table:table-row>
    <table:table-row>$(s "Frau Okonkwo")$(s Wasserturmverein)</table:table-row>
    <table:table-row>$(s "Herr Brandt")$(s Sprachcafé)</table:table-row>
   </table:table>
   <table:table table:name="Leer"/>
  </office:spreadsheet>
 </office:body>
</office:document>
EOF
for f in xlsx ods; do
  conv "$f" "$WORK/tabelle.fods"
  lo_written "tabelle.$f"
  cp "$WORK/out/tabelle.$f" .
done
ls -l tabelle.xlsx tabelle.ods
