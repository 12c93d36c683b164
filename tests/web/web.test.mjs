// web.test.mjs - the web front end in a real browser: Debian's chromium,
// driven by playwright-core, against the real searchd on a temporary port
// and a temporary index of corpus/ plus the fixtures (XSS documents, a PDF
// and a deck, a symbolic link out of the corpus).  Also the file serving's
// refusals (path traversal, symlinks) with raw HTTP requests.
//
// Run by run.sh (ctest e2e_web) with WS_BIN, SD_BIN, WS_SRC, WS_WEB_OUT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SRC, OUT, makeTmp, sleep, freePort, request, hitsFor, indexDocs, writeSearchdConf, startSearchd,
  stopSearchd, cleanUp, launchBrowser, searchFor as search,
} from './harness.mjs';

const T = makeTmp('ws-web-');
const TMP = T.dir;
const CORPUS = path.join(TMP, 'corpus');
const INDEX = path.join(TMP, 'index');
const SOCK = path.join(TMP, 'sd.sock');
const OUTSIDE = path.join(TMP, 'outside');
let port = 0;
let base = '';
let daemon = null;
let daemon2 = null;
let daemonLog = '';
let ctx = null;
let page = null;
const pageErrors = [];
const cspViolations = [];
const dialogs = [];

// A raw request to the daemon on its port (or socketPath).
const raw = (p, opts = {}) => request(p, { port, ...opts });
const startDaemon = (args, socket) => startSearchd(args, socket, { env: T.env, onLog: (d) => { daemonLog += d; } });
const stopDaemon = stopSearchd;

async function shot(name, full = true) {
  await page.screenshot({ path: path.join(OUT, name), fullPage: full });
}

// Close the completions for a picture.  Escape only when they are open:
// in an empty-handed search box Escape clears the query.
async function closeSuggestions() {
  if (await page.isVisible('#vorschlaege')) await page.keyboard.press('Escape');
  await page.waitForSelector('#vorschlaege', { state: 'hidden' });
}

const searchFor = (q) => search(page, base, q);

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f));
  fs.cpSync(path.join(SRC, 'corpus'), CORPUS, { recursive: true });
  const fx = path.join(SRC, 'tests', 'web', 'fixtures');
  fs.mkdirSync(path.join(CORPUS, 'test'));
  for (const f of ['xss-probe.txt', 'xss-seite.html']) fs.copyFileSync(path.join(fx, f), path.join(CORPUS, 'test', f));
  const docs = path.join(SRC, 'tests', 'data', 'docs');
  for (const f of ['bericht.pdf', 'folien.pptx']) fs.copyFileSync(path.join(docs, f), path.join(CORPUS, 'test', f));
  // Outside the corpus: a secret that a link in the corpus points at, and
  // a file a corpus document is replaced by (a link) after indexing.
  fs.mkdirSync(OUTSIDE);
  fs.writeFileSync(path.join(OUTSIDE, 'geheim.txt'), 'Geheimakte Zwetschgenkuchen streng vertraulich\n\nNiemals ausliefern.\n');
  fs.symlinkSync(path.join(OUTSIDE, 'geheim.txt'), path.join(CORPUS, 'test', 'verlinkt.txt'));
  fs.writeFileSync(path.join(CORPUS, 'test', 'tausch.txt'), 'Tauschobjekt Holunderblüte\n\nWird nach dem Indexieren durch einen Link ersetzt.\n');
  fs.writeFileSync(path.join(CORPUS, 'test', 'weg.txt'), 'Verschwunden Quittengelee\n\nWird nach dem Indexieren gelöscht.\n');
  indexDocs(T.env, INDEX, CORPUS);
  fs.rmSync(path.join(CORPUS, 'test', 'tausch.txt'));
  fs.symlinkSync(path.join(OUTSIDE, 'geheim.txt'), path.join(CORPUS, 'test', 'tausch.txt'));
  fs.rmSync(path.join(CORPUS, 'test', 'weg.txt'));

  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeSearchdConf(path.join(TMP, 'searchd.conf'));
  daemon = await startDaemon(['--config', path.join(TMP, 'searchd.conf'), '--index', INDEX, '--tcp', `127.0.0.1:${port}`], SOCK);
  ({ ctx, page } = await launchBrowser(TMP));
  ctx.on('page', (p) => watch(p));
  watch(page);
});

function watch(p) {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  // Documents under /file/ run in a sandbox whose CSP blocks their own
  // scripts and images: those reports are the point.  The page has none.
  p.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()) && !new URL(p.url()).pathname.startsWith('/file/')) cspViolations.push(m.text());
  });
}

after(() => cleanUp(T, ctx, daemon, daemon2));

const hitByQuery = (q) => hitsFor(port, q);

// ---- the page -------------------------------------------------------------

test('start page: German, labelled, served with a strict CSP', async () => {
  const res = await page.goto(`${base}/`);
  assert.equal(res.status(), 200);
  const h = res.headers();
  assert.match(h['content-type'], /^text\/html/);
  assert.match(h['content-security-policy'], /script-src 'self'/);
  assert.doesNotMatch(h['content-security-policy'], /unsafe-inline/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(await page.textContent('label[for="q"]'), 'Suchbegriff');
  assert.equal(await page.getAttribute('#q', 'role'), 'combobox');
  assert.equal(await page.getAttribute('#vorschlaege', 'role'), 'listbox');
  assert.equal(await page.getAttribute('#status', 'role'), 'status');
  assert.match(await page.textContent('#start'), /Wonach suchen Sie\?/);
  assert.equal(await page.isVisible('#suchergebnis'), false);
  await shot('01-startseite.png');
});

test('typing a query shows results, debounced, with German types, dates, passages, marks', async () => {
  await page.goto(`${base}/`);
  let searches = 0;
  let last = Date.now();
  const count = (r) => { if (new URL(r.url()).pathname === '/search') { searches++; last = Date.now(); } };
  page.on('request', count);
  await page.click('#q');
  await page.keyboard.type('resilienz kommune', { delay: 40 });
  await page.waitForSelector('#treffer li');
  // until no search has gone out for 500 ms: a late extra one counts too
  while (Date.now() - last < 500) await sleep(50);
  page.off('request', count);
  assert.ok(searches >= 1 && searches <= 3, `debounced: ${searches} searches for 17 keystrokes`);
  assert.match(page.url(), /\?q=resilienz\+kommune$/);
  assert.match(await page.textContent('#status'), /^\d+ Treffer für „resilienz kommune“/);
  const first = page.locator('#treffer li').first();
  assert.ok((await first.locator('h3 a').getAttribute('href')).startsWith('/file/'));
  assert.equal(await first.locator('.typ').textContent(), 'Rückblick');
  assert.ok(await first.locator('.snippet mark').count() >= 1);
  const dates = await page.locator('#treffer time').allTextContents();
  assert.ok(dates.length > 0 && dates.every((d) => /^\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}$/.test(d)), dates.join(' | '));
  const headings = await page.locator('#facetten h3').allTextContents();
  for (const f of ['Typ', 'Jahr', 'Referent:in', 'Organisation', 'Veranstaltung']) assert.ok(headings.includes(f), `facet ${f} in ${headings}`);
  await closeSuggestions();
  await shot('02-ergebnisse-facetten.png');
});

test('autocomplete and the whole search by keyboard only', async () => {
  await page.goto(`${base}/`);
  // Tab from the top of the page reaches the search box.
  let focused = '';
  for (let i = 0; i < 6 && focused !== 'q'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement.id);
  }
  assert.equal(focused, 'q', 'Tab reaches the search box');
  await page.keyboard.type('integ');
  await page.waitForSelector('#vorschlaege:not([hidden]) li');
  assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('#q', 'aria-activedescendant'), 'vorschlag-1');
  assert.equal(await page.getAttribute('#vorschlag-1', 'aria-selected'), 'true');
  const chosen = await page.textContent('#vorschlag-1');
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => new URLSearchParams(location.search).get('q') === v, chosen);
  assert.equal(await page.inputValue('#q'), chosen);
  assert.equal(await page.isVisible('#vorschlaege'), false);
  assert.equal(await page.getAttribute('#q', 'aria-expanded'), 'false');

  // Enter searches what is typed.
  await page.fill('#q', '');
  await page.keyboard.type('wohnraum');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'wohnraum');
  await page.waitForSelector('#treffer li');

  // Tab on to the first facet, press it with the keyboard.
  let cls = '';
  for (let i = 0; i < 12 && cls !== 'facette'; i++) {
    await page.keyboard.press('Tab');
    cls = await page.evaluate(() => document.activeElement.className);
  }
  assert.equal(cls, 'facette', 'Tab reaches the facets');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'a visible focus ring');
  const param = await page.evaluate(() => document.activeElement.dataset.param);
  const value = await page.evaluate(() => document.activeElement.dataset.value);
  await page.keyboard.press('Enter');
  await page.waitForFunction(([p, v]) => new URLSearchParams(location.search).get(p) === v, [param, value]);
  // And on to a result link, which Enter follows.
  let tag = '';
  for (let i = 0; i < 80 && tag !== 'titel-link'; i++) {
    await page.keyboard.press('Tab');
    tag = await page.evaluate(() => document.activeElement.className);
  }
  assert.equal(tag, 'titel-link', 'Tab reaches the results');
  await Promise.all([page.waitForURL(/\/file\/\d+/), page.keyboard.press('Enter')]);
});

test('clicking a facet filters; the filter is in the URL and survives a reload', async () => {
  await searchFor('integration');
  const total = Number((await page.textContent('#status')).match(/^(\d+)/)[1]);
  await page.click('#facetten button[data-param="year"][data-value="2024"]');
  await page.waitForURL(/year=2024/);
  await page.waitForSelector('#facetten button[data-param="year"][aria-pressed="true"]');
  const filtered = Number((await page.textContent('#status')).match(/^(\d+)/)[1]);
  assert.ok(filtered < total, `${filtered} < ${total}`);
  const dates = await page.locator('#treffer time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.ok(dates.length && dates.every((d) => d.startsWith('2024')), dates.join(','));
  assert.match(await page.textContent('#aktive-filter'), /Jahr: 2024/);
  await page.click('#facetten button[data-param="type"][data-value="md"]');
  await page.waitForURL(/type=md/);
  await page.waitForFunction(() => [...document.querySelectorAll('#treffer .typ')].every((t) => t.textContent === 'Rückblick'));
  await shot('03-gefiltert.png');

  // Reload: query and both filters come back from the URL.
  await page.reload();
  await page.waitForSelector('#treffer li');
  assert.equal(await page.inputValue('#q'), 'integration');
  assert.equal(await page.getAttribute('#facetten button[data-param="year"][data-value="2024"]', 'aria-pressed'), 'true');
  assert.equal(await page.getAttribute('#facetten button[data-param="type"][data-value="md"]', 'aria-pressed'), 'true');
  // Back: only the year filter; forward: both again.
  await page.goBack();
  await page.waitForFunction(() => !location.search.includes('type=') && location.search.includes('year=2024'));
  await page.waitForFunction(() => !document.querySelector('#facetten button[data-param="type"][aria-pressed="true"]'));
  await page.goForward();
  await page.waitForSelector('#facetten button[data-param="type"][aria-pressed="true"]');
  // Removing a filter with its chip.
  await page.click('#aktive-filter button[aria-label^="Filter Jahr"]');
  await page.waitForFunction(() => !location.search.includes('year='));
});

test('paging: next page, page numbers, back', async () => {
  await searchFor('integration');
  assert.match(await page.textContent('#status'), /Seite 1 von [2-9]/);
  const firstTitles = await page.locator('#treffer h3').allTextContents();
  await page.click('#seiten a[rel="next"]');
  await page.waitForURL(/page=2/);
  await page.waitForFunction(() => document.querySelector('#treffer li')?.value === 11);
  assert.match(await page.textContent('#status'), /Seite 2 von/);
  assert.equal(await page.getAttribute('#seiten [aria-current="page"]', 'aria-current'), 'page');
  assert.equal(await page.textContent('#seiten [aria-current="page"]'), '2');
  const secondTitles = await page.locator('#treffer h3').allTextContents();
  assert.notDeepEqual(secondTitles, firstTitles);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#treffer li')?.value === 1);
});

test('"Meinten Sie …?" and the empty state for a misspelt query; phone-sized view', async () => {
  await page.goto(`${base}/`);
  await page.click('#q');
  await page.keyboard.type('Reslienz');
  await page.waitForSelector('#meinten:not([hidden])');
  assert.equal(await page.textContent('#meinten'), 'Meinten Sie resilienz?');
  assert.match(await page.textContent('#status'), /Keine Treffer für „Reslienz“/);
  assert.ok(await page.isVisible('#leer'));
  await closeSuggestions();
  assert.equal(await page.inputValue('#q'), 'Reslienz');
  await shot('04-leer-meinten-sie.png');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot('05-telefon-meinten-sie.png');
  await page.click('#meinten a');
  await page.waitForSelector('#treffer li');
  assert.equal(await page.inputValue('#q'), 'resilienz');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px)`);
  await shot('06-telefon-ergebnisse.png', false);
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('ranked, not filtered: "Treffer enthalten nicht alle Wörter" when hits lack words', async () => {
  // one word nobody wrote: the recaps about Resilienz are found, with the notice
  await searchFor('Resilienz Quantenchromodynamik');
  await page.waitForSelector('#teilweise:not([hidden])');
  assert.equal(await page.textContent('#teilweise'),
    'Treffer enthalten nicht alle Wörter: kein Dokument enthält alle.');
  assert.match(await page.locator('#treffer li h3').first().textContent(), /Resilienz/i);
  // a question: its question words are not counted, so its hits have every word
  await searchFor('Was ist Resilienz?');
  await page.waitForSelector('#treffer li');
  assert.equal(await page.isVisible('#teilweise'), false);
  await searchFor('Resilienz');
  await page.waitForSelector('#treffer li');
  assert.equal(await page.isVisible('#teilweise'), false);
});

test('documents open from the results: text, PDF at the page, deck slide', async () => {
  await searchFor('resilienz kommune');
  const href = await page.getAttribute('#treffer li h3 a', 'href');
  const [res] = await Promise.all([page.waitForNavigation(), page.click('#treffer li h3 a')]);
  assert.equal(res.status(), 200);
  assert.match(page.url(), new RegExp(`${href.replace(/[#?]/g, '\\$&')}$`));
  assert.equal(res.headers()['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers()['x-content-type-options'], 'nosniff');
  assert.match(await page.textContent('body'), /Kommunen/);

  // A section deep link: a text fragment on the heading.
  await searchFor('kita');
  const sec = page.locator('#treffer .fundstelle a').first();
  assert.match(await sec.textContent(), /^Abschnitt: /);
  assert.match(await sec.getAttribute('href'), /^\/file\/\d+#:~:text=/);

  await searchFor('Zugvogel');
  const pdf = page.locator('#treffer li', { has: page.locator('.typ', { hasText: 'PDF' }) }).first();
  assert.match(await pdf.locator('h3 a').getAttribute('href'), /^\/file\/\d+#page=3$/);
  assert.match(await pdf.locator('.fundstelle a').textContent(), /^Seite 3/);
  const r = await raw((await pdf.locator('h3 a').getAttribute('href')).split('#')[0]);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/pdf');

  await searchFor('Leuchtturmwärter');
  const deck = page.locator('#treffer li', { has: page.locator('.typ', { hasText: 'Präsentation' }) }).first();
  assert.match(await deck.locator('.fundstelle').textContent(), /Folie 3/);
  const d = await raw(await deck.locator('h3 a').getAttribute('href'));
  assert.equal(d.status, 200);
  assert.match(d.headers['content-type'], /presentationml/);
  assert.match(d.headers['content-disposition'], /^attachment/);
});

test('related recaps/presentations are linked when the API gives them', async () => {
  // Whether or not this searchd already sends "related", the page must
  // render it: add it to a real answer on the way.
  await page.route('**/search?*', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const h of body.hits) h.related ??= [];
    if (body.hits[0]) body.hits[0].related.push({ id: 4242, title: 'Folien <b>zum</b> Termin', type: 'pdf', path: '/x/folien.pdf' });
    await route.fulfill({ response: res, json: body });
  });
  try {
    await searchFor('resilienz kommune');
    const rel = page.locator('#treffer li').first().locator('.verwandt');
    assert.match(await rel.textContent(), /^Dazu: .*Folien <b>zum<\/b> Termin \(PDF\)/);
    assert.ok(await rel.locator('a[href="/file/4242"]').count() === 1);
    assert.equal(await rel.locator('b').count(), 0, 'titles are text');
  } finally {
    await page.unroute('**/search?*');
  }
});

test('a document with HTML and <script> in its text stays inert', async () => {
  await searchFor('Schadcode');
  await page.waitForSelector('#treffer li');
  const titles = await page.locator('#treffer h3').allTextContents();
  assert.ok(titles.some((t) => t.includes('<script>window.__xss=1</script>')), `shown as text: ${titles}`);
  const snippets = (await page.locator('#treffer .snippet').allTextContents()).join(' ');
  assert.match(snippets, /<script>|<img src=x onerror/);
  assert.equal(await page.locator('#treffer script, #treffer img, #treffer iframe, #treffer [onerror], #treffer [onmouseover]').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // The files themselves: text as text; HTML only in a sandbox.
  for (const hit of await hitByQuery('Schadcode')) {
    const res = await page.goto(`${base}/file/${hit.id}`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'], /\bsandbox\b/);
    // inline scripts and handlers would have run by the time the page and
    // everything it loads are done
    await page.waitForLoadState('networkidle');
    assert.equal(await page.evaluate(() => window.__xss), undefined, `${hit.path} ran a script`);
  }
  assert.deepEqual(dialogs, [], 'no alert() ever ran');
});

test('errors: a bad query shows the daemon\'s message; a stopped daemon is reported', async () => {
  await page.goto(`${base}/?q=${encodeURIComponent('"Integration vor Ort')}`);
  await page.waitForSelector('#fehler:not([hidden])');
  assert.match(await page.textContent('#fehler'), /Suchanfrage kann nicht verarbeitet werden.*unbalanced quotation mark/s);
  assert.equal(await page.getAttribute('#fehler', 'role'), 'alert');

  await searchFor('kita');
  assert.equal(await stopDaemon(daemon), 0, daemonLog);
  await page.fill('#q', 'kita schule');
  await page.waitForSelector('#fehler:not([hidden])');
  assert.match(await page.textContent('#fehler'), /Suchdienst ist nicht erreichbar/);
  await shot('07-fehler-dienst-aus.png');
  daemon = await startDaemon(['--config', path.join(TMP, 'searchd.conf'), '--index', INDEX, '--tcp', `127.0.0.1:${port}`], SOCK);
  await page.click('#q');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#fehler', { state: 'hidden' });
  await page.waitForSelector('#treffer li');
});

test('no script errors and no CSP violations on any page', () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
});

// ---- serving files: only the web root's files and indexed documents ------

test('static files: types, CSP, nosniff; on the UNIX socket too', async () => {
  for (const [p, type] of [['/', /^text\/html/], ['/index.html', /^text\/html/], ['/static/app.js', /^text\/javascript/],
    ['/static/style.css', /^text\/css/], ['/static/favicon.svg', /^image\/svg\+xml/]]) {
    for (const socketPath of [undefined, SOCK]) {
      const r = await raw(p, { socketPath });
      assert.equal(r.status, 200, `${p} ${socketPath ?? 'tcp'}`);
      assert.match(r.headers['content-type'], type, p);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
      assert.match(r.headers['content-security-policy'], /default-src 'self'; script-src 'self'/, p);
    }
  }
  const head = await raw('/static/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const api = await raw('/nirgendwo');
  assert.equal(api.status, 404);
  assert.equal(JSON.parse(api.body).error.status, 404, 'API paths keep JSON errors');
  const stats = JSON.parse((await raw('/stats')).body);
  assert.ok(stats.requests.by_endpoint.static >= 10, 'counted as "static" in /stats');
});

test('path traversal and unknown files get 403/404, never a file outside', async () => {
  const cases = [
    '/static/../CMakeLists.txt', '/static/../../etc/passwd', '/static/%2e%2e/CMakeLists.txt',
    '/static/%2E%2E/%2E%2E/etc/passwd', '/static/..%2f..%2fetc%2fpasswd', '/static/%2fetc%2fpasswd',
    '/static//etc/passwd', '/static/.%2e/web/index.html', '/static/./index.html', '/static/.hidden',
    '/static/', '/static', '/static/nope.js', '/static/index.html/', '/static/%00../CMakeLists.txt', '/file/%00../../etc/passwd',
    '/static/%5c..%5cCMakeLists.txt', '/static/..\\..\\etc\\passwd', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
    '/etc/passwd', '//etc/passwd', '/file/../../etc/passwd', '/file/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/file/%2fetc%2fpasswd', '/file//etc/passwd', '/file/0', '/file/999999', '/file/-1', '/file/1abc',
    '/file/', '/file/4294967297', '/file/01',
  ];
  const results = [];
  for (const p of cases) {
    const r = await raw(p);
    results.push(`${r.status} ${p}`);
    // a NUL byte (%00) in the path is refused as such: 400 (docs/api.md)
    const nul = p.includes('%00') && r.status === 400;
    assert.ok(r.status === 403 || r.status === 404 || nul, `${p}: ${r.status}`);
    assert.doesNotMatch(r.body, /root:x:0:0|Geheimakte|cmake_minimum_required/, p);
  }
  fs.writeFileSync(path.join(OUT, 'path-traversal.txt'), results.join('\n') + '\n');
});

test('/file never serves through a symbolic link or a vanished file', async () => {
  // A link in the corpus to a file outside: the indexer skips it, so its
  // text is neither searchable nor served.
  const linked = await hitByQuery('Zwetschgenkuchen');
  assert.equal(linked.length, 0, 'a link to a file outside the corpus is not indexed');
  // A document whose file became a link to the outside after indexing.
  const [swapped] = await hitByQuery('Holunderblüte');
  assert.ok(swapped, 'tausch.txt was indexed');
  let r = await raw(`/file/${swapped.id}`);
  assert.equal(r.status, 403);
  assert.doesNotMatch(r.body, /Geheimakte/);
  // A document whose file was deleted.
  const [gone] = await hitByQuery('Quittengelee');
  r = await raw(`/file/${gone.id}`);
  assert.equal(r.status, 404);
  // Text that is not UTF-8 (the indexer reads it as Windows-1252) says so.
  const [latin] = (await hitByQuery('Einbürgerung')).filter((h) => h.path.endsWith('2024-10-einbuergerung-ebersfurt.txt'));
  r = await raw(`/file/${latin.id}`);
  assert.equal(r.headers['content-type'], 'text/plain; charset=windows-1252');
  // An HTML document: its own type, in a sandbox.
  const [html] = (await hitByQuery('Schadcode')).filter((h) => h.type === 'html');
  r = await raw(`/file/${html.id}`);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/html/);
  assert.match(r.headers['content-security-policy'], /^sandbox/);
});

test('a symbolic link in web_root pointing outside is not served', async () => {
  const web = path.join(TMP, 'web');
  fs.cpSync(path.join(SRC, 'web'), web, { recursive: true });
  fs.writeFileSync(path.join(OUTSIDE, 'geheim.js'), '// Geheimakte\n');
  fs.symlinkSync(path.join(OUTSIDE, 'geheim.js'), path.join(web, 'geheim.js'));
  fs.symlinkSync(OUTSIDE, path.join(web, 'aussen'));
  fs.symlinkSync('style.css', path.join(web, 'innen.css'));
  fs.writeFileSync(path.join(TMP, 'web.conf'), `[searchd]\nweb_root = ${web}\nlog_requests = off\n`);
  const sock2 = path.join(TMP, 'sd2.sock');
  daemon2 = await startDaemon(['--config', path.join(TMP, 'web.conf'), '--index', INDEX], sock2);
  for (const p of ['/static/geheim.js', '/static/aussen/geheim.js', '/static/aussen/geheim.txt']) {
    const r = await raw(p, { socketPath: sock2 });
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.body, /Geheimakte/);
  }
  const inside = await raw('/static/innen.css', { socketPath: sock2 });
  assert.equal(inside.status, 200, 'a link inside web_root is fine');
  assert.equal(await stopDaemon(daemon2), 0, daemonLog);
});

test('searchd stops cleanly after all of it', async () => {
  assert.equal(await stopDaemon(daemon), 0, daemonLog);
});
