// app.js - the search page: state in the URL, debounced search as one
// types, results, facets, paging, "Meinten Sie …?", empty and error
// states.  The URL (?q=…&type=…&page=…) is the state: typing replaces the
// history entry, a submitted search, a filter or a page adds one, so
// bookmarks, reload and back/forward all work.

import { search, ApiError } from './api.js';
import { attachAutocomplete } from './autocomplete.js';
import {
  FACETS, typeLabel, typeFacetLabel, germanDate, germanNumber, fileUrl, passageLink,
  documentHref, snippetFragment, fileName,
} from './format.js';

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 250;
const KEYS = ['q', 'type', 'year', 'speaker', 'org', 'event', 'sort', 'page'];
const NO_FILTERS = Object.fromEntries(FACETS.map(([, param]) => [param, '']));

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
};

function readUrl() {
  const p = new URLSearchParams(location.search);
  const s = {};
  for (const k of KEYS) s[k] = p.get(k) ?? '';
  s.page = Math.max(1, parseInt(s.page, 10) || 1);
  return s;
}

function toUrl(s) {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    const v = s[k];
    if (!v || (k === 'page' && v === 1) || (k === 'sort' && v === 'relevance')) continue;
    p.set(k, String(v));
  }
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}

let state = readUrl();
let ctrl = null;
let timer = 0;
let seq = 0;

// Go to a new state: 'push' a history entry, 'replace' the current one.
function go(next, how = 'push') {
  state = { ...state, ...next };
  const url = toUrl(state);
  if (url !== location.pathname + location.search) {
    if (how === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }
  run();
}

function showError(err) {
  const box = $('fehler');
  box.replaceChildren(el('p', {},
    el('strong', { text: 'Suche nicht möglich. ' }),
    err.message,
    err.detail ? el('span', { class: 'detail', text: `Meldung des Suchdienstes: ${err.detail}` }) : null,
  ));
  box.hidden = false;
  // The alert says it all; stale results and filters would mislead.
  $('suchergebnis').hidden = true;
}

async function run() {
  const input = $('q');
  if (document.activeElement !== input || input.value.trim() !== state.q.trim()) input.value = state.q;
  $('sort').value = state.sort || 'relevance';
  ctrl?.abort();
  document.title = state.q ? `${state.q} – Suche – Praxiswissen Integration` : 'Suche – Praxiswissen Integration';
  if (!state.q.trim()) {
    $('start').hidden = false;
    $('suchergebnis').hidden = true;
    $('fehler').hidden = true;
    $('status').textContent = '';
    return;
  }
  $('start').hidden = true;
  $('suchergebnis').hidden = false;
  const mine = ++seq;
  ctrl = new AbortController();
  $('ergebnisse').setAttribute('aria-busy', 'true');
  try {
    const res = await search(state, PAGE_SIZE, ctrl.signal);
    if (mine !== seq) return;
    $('fehler').hidden = true;
    $('suchergebnis').hidden = false;
    render(res);
  } catch (e) {
    if (e.name === 'AbortError' || mine !== seq) return;
    showError(e instanceof ApiError ? e : new ApiError('Unerwarteter Fehler: ' + e.message));
  } finally {
    if (mine === seq) $('ergebnisse').removeAttribute('aria-busy');
  }
}

function render(res) {
  const total = res.total ?? 0;
  const hits = Array.isArray(res.hits) ? res.hits : [];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const q = state.q.trim();
  $('status').textContent = total
    ? `${res.estimate ? 'etwa ' : ''}${germanNumber(total)} Treffer für „${q}“` + (pages > 1 ? ` – Seite ${state.page} von ${pages}` : '')
    : `Keine Treffer für „${q}“`;

  // "Meinten Sie …?"
  const m = $('meinten');
  if (res.suggestion && res.suggestion !== q) {
    const a = el('a', { href: toUrl({ ...state, q: res.suggestion, page: 1 }), class: 'vorschlag-link', text: res.suggestion });
    a.addEventListener('click', (e) => { e.preventDefault(); go({ q: res.suggestion, page: 1 }); });
    m.replaceChildren('Meinten Sie ', a, '?');
    m.hidden = false;
  } else {
    m.hidden = true;
  }

  // Ranked, not filtered: say when hits lack some of the words
  const teil = $('teilweise');
  if (hits.length && res.all_words === false) {
    teil.textContent = hits[0].all_words === false
      ? 'Treffer enthalten nicht alle Wörter: kein Dokument enthält alle.'
      : 'Treffer enthalten nicht alle Wörter: die mit allen Wörtern stehen zuerst.';
    teil.hidden = false;
  } else {
    teil.hidden = true;
  }

  // Empty state
  const leer = $('leer');
  const filtered = FACETS.some(([, param]) => state[param]);
  if (!hits.length) {
    leer.replaceChildren(
      el('h2', { text: 'Nichts gefunden' }),
      el('p', { text: filtered
        ? 'Mit den gewählten Filtern passt kein Dokument. Entfernen Sie einen Filter oder ändern Sie die Suchbegriffe.'
        : 'Prüfen Sie die Schreibweise, verwenden Sie weniger oder allgemeinere Wörter oder suchen Sie mit Wortanfang (z. B. integr*).' }),
    );
    leer.hidden = false;
  } else {
    leer.hidden = true;
  }

  $('treffer').replaceChildren(...hits.map((h, i) => renderHit(h, res.offset + i + 1)));
  renderFacets(res.facets ?? {});
  renderPages(pages);
}

function renderHit(h, n) {
  const title = el('a', { href: documentHref(h), class: 'titel-link', text: h.title || fileName(h.path) || 'Ohne Titel' });
  const meta = el('p', { class: 'meta' },
    el('span', { class: `typ typ-${/^[a-z0-9]+$/.test(h.type) ? h.type : 'x'}`, text: typeLabel(h.type) }),
    h.date ? el('time', { datetime: h.date, text: germanDate(h.date) }) : null,
    el('span', { class: 'datei', text: fileName(h.path) }),
  );
  const pl = passageLink(h);
  // Text read by OCR from a scan may hold misread words: say so.
  const ocr = h.ocr === true ? el('span', { class: 'ocr', title: 'Text per Texterkennung (OCR) aus einem Scan gelesen', text: 'OCR' }) : null;
  const passage = pl ? el('p', { class: 'fundstelle' }, 'Fundstelle: ', el('a', { href: pl.href, text: pl.label }), ocr) : null;
  const snippet = el('p', { class: 'snippet' });
  snippet.append(snippetFragment(h.snippet, h.highlights));
  let related = null;
  if (Array.isArray(h.related) && h.related.length) {
    related = el('p', { class: 'verwandt' }, el('span', { class: 'verwandt-label', text: 'Dazu: ' }));
    h.related.forEach((r, i) => {
      if (i) related.append(' · ');
      related.append(el('a', { href: fileUrl(r.id), text: r.title || fileName(r.path) }), ` (${typeLabel(r.type)})`);
    });
  }
  return el('li', { class: 'treffer-eintrag', value: String(n) },
    el('article', { 'aria-labelledby': `treffer-${h.id}` },
      el('h3', { id: `treffer-${h.id}` }, title), meta, passage, snippet, related));
}

// Facet groups show this many values until "Alle anzeigen" is pressed.
const FACET_SHOWN = 6;
const expanded = new Set();

function renderFacets(facets) {
  const box = $('facetten');
  const groups = [];
  // Keep keyboard focus on the control that was pressed across the redraw.
  const had = document.activeElement;
  const refocus = box.contains(had) ? { param: had.dataset.param, value: had.dataset.value, more: had.dataset.more } : null;
  for (const [name, param, heading] of FACETS) {
    const values = Array.isArray(facets[name]) ? [...facets[name]] : [];
    const selected = state[param];
    if (selected && !values.some((v) => v.value === selected)) values.unshift({ value: selected, count: null });
    if (!values.length) continue;
    const id = `facette-${param}`;
    const list = el('ul', { class: 'facetten-liste', 'aria-labelledby': id, id: `${id}-liste` });
    const open = expanded.has(param);
    values.forEach((v, i) => {
      if (!open && i >= FACET_SHOWN && v.value !== selected) return;
      const on = v.value === selected;
      const label = name === 'type' ? typeFacetLabel(v.value) : v.value;
      const b = el('button', { type: 'button', class: 'facette', 'aria-pressed': String(on), 'data-param': param, 'data-value': v.value },
        el('span', { class: 'facette-wert', text: label }),
        v.count !== null ? el('span', { class: 'anzahl', text: germanNumber(v.count), 'aria-label': `${v.count} Treffer` }) : null);
      b.addEventListener('click', () => go({ [param]: on ? '' : v.value, page: 1 }));
      list.append(el('li', {}, b));
    });
    let more = null;
    if (values.length > FACET_SHOWN) {
      more = el('button', { type: 'button', class: 'mehr', 'data-more': param, 'aria-expanded': String(open), 'aria-controls': `${id}-liste`,
        text: open ? 'Weniger anzeigen' : `Alle ${values.length} anzeigen` });
      more.addEventListener('click', () => {
        if (open) expanded.delete(param);
        else expanded.add(param);
        renderFacets(facets);
      });
    }
    groups.push(el('section', { class: 'facetten-gruppe' }, el('h3', { id, text: heading }), list, more));
  }
  box.replaceChildren(...groups);
  if (refocus) {
    const again = [...box.querySelectorAll('button')].find((b) => refocus.more
      ? b.dataset.more === refocus.more
      : b.dataset.param === refocus.param && b.dataset.value === refocus.value);
    again?.focus();
  }

  // The chosen filters, each removable.
  const active = $('aktive-filter');
  const chips = [];
  for (const [name, param, heading] of FACETS) {
    if (!state[param]) continue;
    const label = name === 'type' ? typeFacetLabel(state[param]) : state[param];
    const b = el('button', { type: 'button', class: 'chip', 'aria-label': `Filter ${heading}: ${label} entfernen` },
      `${heading}: ${label}`, el('span', { 'aria-hidden': 'true', text: ' ✕' }));
    b.addEventListener('click', () => {
      go({ [param]: '', page: 1 });
      $('ergebnisse').focus({ preventScroll: true }); // the chip is gone
    });
    chips.push(b);
  }
  if (chips.length > 1) {
    const all = el('button', { type: 'button', class: 'chip alle', text: 'Alle Filter entfernen' });
    all.addEventListener('click', () => {
      go({ ...NO_FILTERS, page: 1 });
      $('ergebnisse').focus({ preventScroll: true });
    });
    chips.push(all);
  }
  active.replaceChildren(...chips);
  active.hidden = !chips.length;
  $('filter').hidden = !chips.length && !groups.length;
  $('suchergebnis').classList.toggle('ohne-filter', $('filter').hidden);
}

function pageLink(n, label, props = {}) {
  const a = el('a', { href: toUrl({ ...state, page: n }), ...props, text: label });
  a.addEventListener('click', (e) => {
    e.preventDefault();
    go({ page: n });
    $('ergebnisse').focus({ preventScroll: true });
    $('ergebnisse').scrollIntoView({ block: 'start' });
  });
  return a;
}

function renderPages(pages) {
  const nav = $('seiten');
  if (pages <= 1) return nav.replaceChildren();
  const cur = Math.min(state.page, pages);
  const items = [];
  if (cur > 1) items.push(pageLink(cur - 1, '‹ Zurück', { rel: 'prev', class: 'seite-pfeil' }));
  const from = Math.max(1, cur - 2), to = Math.min(pages, cur + 2);
  for (let n = from; n <= to; n++) {
    items.push(n === cur
      ? el('span', { class: 'seite aktuell', 'aria-current': 'page', text: String(n) })
      : pageLink(n, String(n), { class: 'seite', 'aria-label': `Seite ${n}` }));
  }
  if (cur < pages) items.push(pageLink(cur + 1, 'Weiter ›', { rel: 'next', class: 'seite-pfeil' }));
  nav.replaceChildren(el('ul', {}, ...items.map((i) => el('li', {}, i))));
}

function init() {
  const input = $('q');
  const ac = attachAutocomplete(input, $('vorschlaege'), (v) => {
    clearTimeout(timer);
    go({ q: v, page: 1 });
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    // The first words typed start a new history entry; more typing
    // refines it rather than filling the history with every letter.
    timer = setTimeout(() => go({ q: input.value, page: 1 }, state.q.trim() ? 'replace' : 'push'), DEBOUNCE_MS);
  });
  $('suchformular').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    ac.cancel();
    go({ q: input.value, page: 1 });
  });
  $('sort').addEventListener('change', (e) => go({ sort: e.target.value, page: 1 }));
  for (const a of document.querySelectorAll('.beispiele a, #home')) {
    a.addEventListener('click', (e) => {
      e.preventDefault();
      const q = new URL(a.href).searchParams.get('q') ?? '';
      go({ q, ...NO_FILTERS, page: 1 });
      if (q) $('ergebnisse').focus({ preventScroll: true });
    });
  }
  window.addEventListener('popstate', () => {
    state = readUrl();
    run();
  });
  run();
}

init();
