// format.js - German labels, dates, deep links and highlighted snippets.
// Document text only ever reaches the page as text nodes (textContent,
// createTextNode): never as markup.

const TYPE_LABELS = {
  txt: 'Rückblick',
  md: 'Rückblick',
  html: 'Rückblick',
  pdf: 'PDF',
  pptx: 'Präsentation',
  odp: 'Präsentation',
  docx: 'Dokument',
  odt: 'Dokument',
  xlsx: 'Tabelle',
  ods: 'Tabelle',
  ppt: 'Präsentation',
  doc: 'Dokument',
  xls: 'Tabelle',
  rtf: 'Dokument',
  png: 'Bild',
  jpg: 'Bild',
  tiff: 'Bild',
};

// The format behind a label, where several types share one (facets).
const TYPE_FORMATS = { txt: 'Text', md: 'Markdown', html: 'HTML', pptx: 'PowerPoint', odp: 'OpenDocument', docx: 'Word', odt: 'OpenDocument', xlsx: 'Excel', ods: 'OpenDocument', ppt: 'PowerPoint 97', doc: 'Word 97', xls: 'Excel 97', rtf: 'RTF', png: 'PNG', jpg: 'JPEG', tiff: 'TIFF' };

export function typeLabel(type) {
  return TYPE_LABELS[type] ?? (type ? type.toUpperCase() : 'Dokument');
}

export function typeFacetLabel(type) {
  const f = TYPE_FORMATS[type];
  return f ? `${typeLabel(type)} (${f})` : typeLabel(type);
}

export const FACETS = [
  // [facet name in the API's "facets", URL/API parameter, German heading]
  ['type', 'type', 'Typ'],
  ['year', 'year', 'Jahr'],
  ['speaker', 'speaker', 'Referent:in'],
  ['organisation', 'org', 'Organisation'],
  ['event', 'event', 'Veranstaltung'],
];

const MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];

// "2024-03-20" -> "20. März 2024"
export function germanDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return '';
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])}. ${month} ${m[1]}` : '';
}

export function germanNumber(n) {
  return new Intl.NumberFormat('de-DE').format(n);
}

export function fileUrl(id) {
  return `/file/${encodeURIComponent(String(id))}`;
}

// Where in the document the match is, as a label and a link into it:
// PDF pages with #page=N, sections with a text fragment on the heading,
// spreadsheet sheets by number and name.
export function passageLink(hit) {
  const p = hit.passage ?? {};
  const base = fileUrl(hit.id);
  if (p.kind === 'page' && p.number) {
    const label = p.heading ? `Seite ${p.number}: ${p.heading}` : `Seite ${p.number}`;
    return { label, href: hit.type === 'pdf' ? `${base}#page=${p.number}` : base };
  }
  if (p.kind === 'slide' && p.number) {
    const label = p.heading ? `Folie ${p.number}: ${p.heading}` : `Folie ${p.number}`;
    return { label, href: hit.type === 'pdf' ? `${base}#page=${p.number}` : base };
  }
  // A sheet by its number and name; no viewer opens a workbook at a sheet.
  if (p.kind === 'sheet' && p.number) {
    const label = p.heading ? `Tabellenblatt ${p.number}: ${p.heading}` : `Tabellenblatt ${p.number}`;
    return { label, href: base };
  }
  // A section whose heading is the title is the document's start.
  if (p.kind === 'section' && p.heading && p.heading !== hit.title) {
    const frag = encodeURIComponent(p.heading).replace(/-/g, '%2D');
    return { label: `Abschnitt: ${p.heading}`, href: `${base}#:~:text=${frag}` };
  }
  return null;
}

// The document link of a hit: a PDF opens at the matching page.
export function documentHref(hit) {
  const p = hit.passage ?? {};
  if (hit.type === 'pdf' && (p.kind === 'page' || p.kind === 'slide') && p.number) return `${fileUrl(hit.id)}#page=${p.number}`;
  return fileUrl(hit.id);
}

// The snippet as DOM: text nodes, with <mark> around the highlight byte
// ranges (UTF-8 offsets into the snippet, as the API gives them).
export function snippetFragment(snippet, highlights) {
  const frag = document.createDocumentFragment();
  const bytes = new TextEncoder().encode(snippet ?? '');
  const dec = new TextDecoder();
  let at = 0;
  const ranges = (Array.isArray(highlights) ? highlights : [])
    .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .sort((a, b) => a[0] - b[0]);
  for (const [s, e] of ranges) {
    if (s < at || e <= s || e > bytes.length) continue;
    if (s > at) frag.append(document.createTextNode(dec.decode(bytes.subarray(at, s))));
    const mark = document.createElement('mark');
    mark.textContent = dec.decode(bytes.subarray(s, e));
    frag.append(mark);
    at = e;
  }
  if (at < bytes.length) frag.append(document.createTextNode(dec.decode(bytes.subarray(at))));
  return frag;
}

export function fileName(path) {
  return (path ?? '').split('/').pop();
}
