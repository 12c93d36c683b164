# lo-fixtures.sh - what the fixture scripts that drive LibreOffice share;
# sourced (not run) by docs/make-fixtures.sh, docs/make-sheets.sh and
# legacy/make-fixtures.sh.
#
# Those scripts write flat OpenDocument sources (.fodp, .fodt, .fods) and
# let LibreOffice in headless mode convert them, so the committed fixtures
# come from a real producer.  Here: the check that LibreOffice is there,
# a private profile in a temporary folder (no first-start wizard, no clash
# with a running office), the conversion, the check that it wrote what was
# asked for, and the pieces of ODF source both document scripts use (the
# namespaces, the metadata block, one slide with notes, a whole deck, a
# paged report).

# lo_start NAME PACKAGE...: exit unless soffice exists (naming the Debian
# packages to install); WORK becomes a temporary folder removed at exit,
# with WORK/out for the conversions, and SOFFICE the command to run.
lo_start() {
  local name=$1
  shift
  command -v soffice >/dev/null || {
    echo "needs LibreOffice: apt-get install -y --no-install-recommends $*" >&2
    exit 1
  }
  WORK=$(mktemp -d "/tmp/$name-XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  SOFFICE=(soffice -env:UserInstallation=file://$WORK/profile --headless --norestore)
  mkdir -p "$WORK/out"
}

conv() { # format file: convert into WORK/out
  "${SOFFICE[@]}" --convert-to "$1" --outdir "$WORK/out" "$2" >/dev/null 2>&1
}

lo_written() { # file...: exit unless LibreOffice wrote each into WORK/out
  local f
  for f; do
    [[ -s "$WORK/out/$f" ]] || { echo "LibreOffice did not write $f" >&2; exit 1; }
  done
}

ODF_NS='xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"'

# odf_meta CREATOR SUBJECT CREATED DATE KEYWORD...: the <office:meta>
# block, its title left as TITLE for ${META/TITLE/...}.
odf_meta() {
  local creator=$1 subject=$2 created=$3 date=$4 k
  shift 4
  printf '<office:meta>\n  <dc:title>TITLE</dc:title>\n'
  printf '  <meta:initial-creator>%s</meta:initial-creator>\n  <dc:creator>%s</dc:creator>\n' "$creator" "$creator"
  printf '  <dc:subject>%s</dc:subject>\n' "$subject"
  for k; do printf '  <meta:keyword>%s</meta:keyword>\n' "$k"; done
  printf '  <meta:creation-date>%s</meta:creation-date>\n  <dc:date>%s</dc:date>\n </office:meta>' "$created" "$date"
}

slide() { # number title body notes
  cat <<EOF_SLIDE
   <draw:page draw:name="page$1" draw:master-page-name="Default" presentation:presentation-page-layout-name="AL1T1">
    <draw:frame presentation:style-name="Default-title" draw:layer="layout" presentation:class="title" presentation:user-transformed="true" svg:x="1cm" svg:y="1cm" svg:width="25cm" svg:height="3cm">
     <draw:text-box><text:p>$2</text:p></draw:text-box>
    </draw:frame>
    <draw:frame presentation:style-name="Default-outline1" draw:layer="layout" presentation:class="outline" presentation:user-transformed="true" svg:x="1cm" svg:y="5cm" svg:width="25cm" svg:height="9cm">
     <draw:text-box><text:p>$3</text:p></draw:text-box>
    </draw:frame>
    <presentation:notes>
     <draw:frame presentation:style-name="Default-notes" draw:layer="layout" presentation:class="notes" presentation:user-transformed="true" svg:x="2cm" svg:y="14cm" svg:width="17cm" svg:height="10cm">
      <draw:text-box><text:p>$4</text:p></draw:text-box>
     </draw:frame>
    </presentation:notes>
   </draw:page>
EOF_SLIDE
}

# deck TITLE SLIDE...: a flat ODF presentation (.fodp) of the slides (made
# with slide), the metadata of $META under TITLE.
deck() {
  local title=$1
  shift
  cat <<EOF_DECK
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ODF_NS office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 ${META/TITLE/$title}
 <office:styles>
  <style:style style:name="Default-title" style:family="presentation"/>
  <style:style style:name="Default-outline1" style:family="presentation"/>
  <style:style style:name="Default-notes" style:family="presentation"/>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" fo:page-height="15.75cm"/></style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <!-- placeholders on the master: without them LibreOffice turns the
       slides' title frames into plain text boxes -->
  <style:master-page style:name="Default" style:page-layout-name="PM1">
   <draw:frame presentation:style-name="Default-title" presentation:class="title" presentation:placeholder="true" svg:x="1cm" svg:y="1cm" svg:width="25cm" svg:height="3cm"><draw:text-box/></draw:frame>
   <draw:frame presentation:style-name="Default-outline1" presentation:class="outline" presentation:placeholder="true" svg:x="1cm" svg:y="5cm" svg:width="25cm" svg:height="9cm"><draw:text-box/></draw:frame>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:presentation>
EOF_DECK
  printf '%s\n' "$@"
  cat <<EOF_DECK
  </office:presentation>
 </office:body>
</office:document>
EOF_DECK
}

# report TITLE: a flat ODF text document (.fodt) whose body, read from
# standard input, uses the paragraph styles Heading_20_1 and PB (a heading
# that starts a new page); the metadata of $META under TITLE.
report() {
  local title=$1
  cat <<EOF_DOC
<?xml version="1.0" encoding="UTF-8"?>
<office:document $ODF_NS office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 ${META/TITLE/$title}
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
   style:parent-style-name="Standard" style:default-outline-level="1" style:class="text">
   <style:text-properties fo:font-size="18pt" fo:font-weight="bold"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="PB" style:family="paragraph" style:parent-style-name="Heading_20_1">
   <style:paragraph-properties fo:break-before="page"/>
  </style:style>
 </office:automatic-styles>
 <office:body>
  <office:text>
EOF_DOC
  cat
  cat <<EOF_DOC
  </office:text>
 </office:body>
</office:document>
EOF_DOC
}
