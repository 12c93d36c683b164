// legacy.test.mjs - legacy Office files in the web front end: the real
// searchd on a temporary port over an index of the .ppt/.doc/.xls/.rtf
// fixtures (tests/data/legacy), Debian's chromium through playwright-core.
// A word only on slide 3 of the .ppt shows "Folie 3" with the German type
// label, the .doc and the sheet of the .xls are found, and the files are
// served as downloads with their Office 97 content types.
//
// Run by run.sh (ctest e2e_web) with WS_BIN, SD_BIN, WS_SRC.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SRC, makeTmp, request, indexDocs, serveIndex, cleanUp, launchBrowser, searchFor as search } from './harness.mjs';

const T = makeTmp('ws-web-legacy-');
const TMP = T.dir;
const DOCS = path.join(TMP, 'docs');
const INDEX = path.join(TMP, 'index');
let base = '';
let daemon = null;
let ctx = null;
let page = null;
const pageErrors = [];

// A GET of a full URL of the daemon (the fragment stays in the browser).
const get = (url) => {
  const u = new URL(url);
  return request(`${u.pathname}${u.search}`, { port: u.port });
};

before(async () => {
  fs.mkdirSync(DOCS);
  const legacy = path.join(SRC, 'tests', 'data', 'legacy');
  for (const f of ['alt-folien.ppt', 'alt-bericht.doc', 'alt-liste.xls', 'alt-bericht.rtf']) fs.copyFileSync(path.join(legacy, f), path.join(DOCS, f));
  indexDocs(T.env, INDEX, DOCS);
  ({ daemon, base } = await serveIndex(T, INDEX));
  ({ ctx, page } = await launchBrowser(TMP));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(() => cleanUp(T, ctx, daemon));

const searchFor = (q) => search(page, base, q);

test('a word only on slide 3 of a .ppt: the hit says Folie 3', async () => {
  await searchFor('Holzwerkstatt');
  const hits = page.locator('#treffer li');
  assert.equal(await hits.count(), 1);
  assert.equal(await hits.locator('.typ').textContent(), 'Präsentation');
  assert.match(await hits.locator('.fundstelle').textContent(), /^Fundstelle: Folie 3$/);
  assert.match(await hits.locator('h3').textContent(), /Nachbarschaftstreff: Folien von 2008/);
  const href = await hits.locator('h3 a').getAttribute('href');
  const r = await get(`${base}${href}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/vnd.ms-powerpoint');
  assert.match(r.headers['content-disposition'], /^attachment/);
  // the speaker notes of slide 3 lead to slide 3 too
  await searchFor('Schlüsselkasten');
  assert.match(await page.locator('#treffer li .fundstelle').textContent(), /Folie 3/);
  // and slide 1, with its title placeholder as heading
  await searchFor('Namensschilder');
  assert.match(await page.locator('#treffer li .fundstelle').textContent(), /Folie 1: Nachbarschaftstreff/);
});

test('a .doc, an .rtf and a sheet of an .xls are found', async () => {
  await searchFor('Streuobstwiese');
  const types = await page.locator('#treffer li .typ').allTextContents();
  assert.deepEqual(types.sort(), ['Dokument', 'Dokument']);
  for (const f of ['alt-bericht.doc', 'alt-bericht.rtf']) {
    const doc = page.locator('#treffer li').filter({ hasText: f });
    assert.match(await doc.locator('.fundstelle').textContent(), /Seite 2: Grünflächen/, f);
  }
  await searchFor('Fahrradreparatur');
  const sheet = page.locator('#treffer li');
  assert.equal(await sheet.count(), 1);
  assert.equal(await sheet.locator('.typ').textContent(), 'Tabelle');
  assert.match(await sheet.locator('.fundstelle').textContent(), /Tabellenblatt 2: Kontakte/);
  const r = await get(`${base}${await sheet.locator('h3 a').getAttribute('href')}`.split('#')[0]);
  assert.equal(r.headers['content-type'], 'application/vnd.ms-excel');
});

test('no script errors on the page', () => {
  assert.deepEqual(pageErrors, []);
});
