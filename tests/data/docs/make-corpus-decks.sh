#!/usr/bin/env bash
# make-corpus-decks.sh - write the speakers' slide decks that sample recaps
# in corpus/ link to ("zur Präsentation": praesentationen/….pdf), so those
# links resolve and the recap <-> presentation relation can be shown.
#
# Each deck is fictional, like the recaps: its slides restate the talk the
# recap summarises.  A flat OpenDocument presentation is generated here and
# LibreOffice (headless) exports it to PDF; the PDF's creation date is then
# set to the day of the talk (same length, so the xref table stays valid).
# The PDFs are committed; run this only to change them.
# Needs: libreoffice-impress (apt-get install --no-install-recommends).
set -euo pipefail
cd "$(dirname "$0")/../../../corpus"
command -v soffice >/dev/null || { echo "needs LibreOffice (libreoffice-impress)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/ws-decks-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'EOF'
import sys
from xml.sax.saxutils import escape

work = sys.argv[1]
decks = {
  "2023/praesentationen/2023-11-psz-nordhafen-altwerder": (
    "Gestufte Versorgung im PSZ Nordhafen-Altwerder", "Dr. Rania Saleh", "2023-11-15",
    "psychosoziale Versorgung, Trauma, Stabilisierung", [
    ("Gestufte Versorgung im PSZ Nordhafen-Altwerder",
     "Dr. Rania Saleh, Psychosoziales Zentrum Nordhafen-Altwerder|Kommunaler Praxisdialog Integration, 15. November 2023"),
    ("Ausgangslage",
     "780 Klient*innen im Jahr 2022|Wartezeit auf einen Therapieplatz: sieben Monate|Eingeschränkte Leistungen nach dem Asylbewerberleistungsgesetz in den ersten 18 Monaten"),
    ("Das Stufenmodell",
     "Stufe 1: Psychoedukation in Unterkünften und Sprachkursen|Stufe 2: Stabilisierungsgruppen in fünf Sprachen, mit Sprachmittlung|Stufe 3: Einzeltherapie für etwa jede fünfte Person"),
    ("Kinder und Schulen",
     "Gruppen an drei Grundschulen: Gefühle, Schlaf, Zugehörigkeit|Ziel: seelische Widerstandskraft stärken, nicht eine Diagnose behandeln|Schulungen für Mitarbeiter*innen in Unterkünften und Jobcentern"),
    ("Was Kommunen tun können",
     "Anträge auf Psychotherapie zügig bescheiden|Den Sprachmittlungspool auch für Therapiesitzungen öffnen|Psychosoziale Kriterien bei der Belegung von Unterkünften beachten"),
  ]),
  "2023/praesentationen/2023-11-gesundheitslotsen-eschenbrueck": (
    "Gesundheitslotsen in Eschenbrück", "Jens Maaßen", "2023-11-15",
    "Gesundheit, Gesundheitslotsen, Gesundheitskarte", [
    ("Gesundheitslotsen in Eschenbrück",
     "Jens Maaßen, Gesundheitsamt der Stadt Eschenbrück|Kommunaler Praxisdialog Integration, 15. November 2023"),
    ("Das Projekt",
     "22 Lotsinnen und Lotsen mit eigener Migrations- oder Fluchtgeschichte|Geschult in 50 Stunden|Sie erklären das Gesundheitssystem in ihrer Herkunftssprache"),
    ("Themen der Veranstaltungen",
     "Hausarztpraxis und Überweisung|Notruf 112 oder ärztlicher Bereitschaftsdienst 116117|Impfungen, Zahngesundheit, psychische Gesundheit"),
    ("Reichweite 2023",
     "140 Veranstaltungen in Unterkünften, Moscheegemeinden, Kulturvereinen und Integrationskursen|Rund 2.100 erreichte Menschen"),
    ("Elektronische Gesundheitskarte",
     "Seit 2021 für Asylsuchende in Eschenbrück|Keine verspäteten Behandlungsscheine mehr vom Sozialamt"),
  ]),
  "2024/praesentationen/2024-02-jugendamt-weidenau-lohr": (
    "Ein Jugendamt am Limit", "Kerstin Wöhler", "2024-02-21",
    "unbegleitete Minderjährige, Jugendhilfe, Vormundschaft", [
    ("Ein Jugendamt am Limit",
     "Kerstin Wöhler, Allgemeiner Sozialer Dienst|Jugendamt des Kreises Weidenau-Lohr"),
    ("Inobhutnahmen 2023",
     "210 junge Menschen in Obhut genommen|Verteilung nach dem Königsteiner Schlüssel|Alle regulären Wohngruppen im Sommer belegt"),
    ("Das Clearinghaus",
     "In einer ehemaligen Jugendherberge, für die ersten acht bis zwölf Wochen|Gesundheitliche Erstuntersuchung und Klärung von Familienangehörigen|Sprachförderung ab der ersten Woche, Bestellung einer Vormundschaft"),
    ("Engpass Vormundschaft",
     "Amtsvormünder betreuen bis zu 50 junge Menschen gleichzeitig|26 ehrenamtliche Einzelvormünder, geschult und begleitet vom Jugendamt"),
  ]),
  "2023/praesentationen/2023-09-integrationsmobil-ostmarsch": (
    "Die Beratung kommt ins Dorf: Das Integrationsmobil", "Sven Kuhlmann", "2023-09-20",
    "ländlicher Raum, Beratung, Mobilität", [
    ("Die Beratung kommt ins Dorf",
     "Sven Kuhlmann, Integrationsbeauftragter des Kreises Ostmarsch|Kommunaler Praxisdialog Integration, 20. September 2023"),
    ("Der Kreis Ostmarsch",
     "31 Gemeinden auf gut 1.100 Quadratkilometern|Gemeindegrößen von 400 bis 14.000 Einwohnern|Nur drei Gemeinden mit eigener Integrationsstelle"),
    ("Das Integrationsmobil",
     "Ein umgebauter Kleinbus, seit 2021 unterwegs|Wöchentlich neun feste Haltepunkte|An Bord: Ausländerbehörde, Jobcenter, Migrationsberatung; Sprachmittlerin per Video"),
    ("Zahlen 2022",
     "Rund 2.400 Beratungskontakte|Video-Sprechstunden in vier Dorfgemeinschaftshäusern"),
  ]),
}

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')

for path, (title, author, date, keywords, slides) in decks.items():
    pages = []
    for i, (head, body) in enumerate(slides, 1):
        paras = "".join("<text:p>%s</text:p>" % escape(p) for p in body.split("|"))
        pages.append(
            '<draw:page draw:name="page%d" draw:master-page-name="Default">'
            '<draw:frame presentation:style-name="Default-title" draw:layer="layout" presentation:class="title" '
            'presentation:user-transformed="true" svg:x="1cm" svg:y="1cm" svg:width="25cm" svg:height="3cm">'
            '<draw:text-box><text:p>%s</text:p></draw:text-box></draw:frame>'
            '<draw:frame presentation:style-name="Default-outline1" draw:layer="layout" presentation:class="outline" '
            'presentation:user-transformed="true" svg:x="1cm" svg:y="5cm" svg:width="25cm" svg:height="9cm">'
            '<draw:text-box>%s</draw:text-box></draw:frame></draw:page>' % (i, escape(head), paras))
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<office:document %s office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">'
           '<office:meta><dc:title>%s</dc:title><meta:initial-creator>%s</meta:initial-creator><dc:creator>%s</dc:creator>'
           '<meta:keyword>%s</meta:keyword><meta:creation-date>%sT12:30:00</meta:creation-date></office:meta>'
           '<office:styles><style:style style:name="Default-title" style:family="presentation"/>'
           '<style:style style:name="Default-outline1" style:family="presentation"/></office:styles>'
           '<office:automatic-styles><style:page-layout style:name="PM1"><style:page-layout-properties '
           'fo:page-width="28cm" fo:page-height="15.75cm"/></style:page-layout></office:automatic-styles>'
           '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="PM1">'
           '<draw:frame presentation:style-name="Default-title" presentation:class="title" presentation:placeholder="true" '
           'svg:x="1cm" svg:y="1cm" svg:width="25cm" svg:height="3cm"><draw:text-box/></draw:frame>'
           '<draw:frame presentation:style-name="Default-outline1" presentation:class="outline" presentation:placeholder="true" '
           'svg:x="1cm" svg:y="5cm" svg:width="25cm" svg:height="9cm"><draw:text-box/></draw:frame>'
           '</style:master-page></office:master-styles>'
           '<office:body><office:presentation>%s</office:presentation></office:body></office:document>\n'
           % (NS, escape(title), escape(author), escape(author), escape(keywords), date, "".join(pages)))
    name = path.split("/")[-1]
    open("%s/%s.fodp" % (work, name), "w", encoding="utf-8").write(doc)
    open("%s/%s.target" % (work, name), "w").write(path + "\n" + date + "\n")
EOF

for src in "$WORK"/*.fodp; do
  name=$(basename "$src" .fodp)
  soffice -env:UserInstallation=file://$WORK/profile --headless --norestore \
    --convert-to pdf --outdir "$WORK" "$src" >/dev/null 2>&1
  { read -r target; read -r date; } <"$WORK/$name.target"
  mkdir -p "$(dirname "$target")"
  # CreationDate/ModDate "D:YYYYMMDDhhmmss..." -> the talk's day, same length.
  python3 - "$WORK/$name.pdf" "$target.pdf" "$date" <<'EOF'
import re, sys
src, dst, date = sys.argv[1:]
data = open(src, "rb").read()
day = date.replace("-", "").encode()
data = re.sub(rb"/(CreationDate|ModDate)\(D:\d{8}", lambda m: b"/" + m.group(1) + b"(D:" + day, data)
open(dst, "wb").write(data)
EOF
  echo "wrote corpus/$target.pdf"
done
