// sheets.test.mjs - spreadsheets in the web front end: a word only on the
// second sheet of tabelle.xlsx and tabelle.ods (tests/data/docs,
// make-sheets.sh) is shown in a real browser (Debian's chromium through
// playwright-core) as "Tabellenblatt 2: Kontakte" under a "Tabelle" hit,
// the API says "sheet": "Kontakte", and the workbook is served for
// download with its own content type.  Its own index and searchd, so the
// corpus of web.test.mjs stays as it is.
//
// Run by run.sh (ctest e2e_web) with WS_BIN, SD_BIN, WS_SRC, WS_WEB_OUT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SRC, OUT, makeTmp, request, indexDocs, serveIndex, cleanUp, launchBrowser } from './harness.mjs';

const T = makeTmp('ws-web-sheets-');
const TMP = T.dir;
let port = 0;
let daemon = null;
let ctx = null;
let page = null;

const get = (p) => request(p, { port });

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const corpus = path.join(TMP, 'corpus');
  fs.mkdirSync(corpus);
  for (const f of ['tabelle.xlsx', 'tabelle.ods']) fs.copyFileSync(path.join(SRC, 'tests', 'data', 'docs', f), path.join(corpus, f));
  const index = path.join(TMP, 'index');
  indexDocs(T.env, index, corpus);
  ({ daemon, port } = await serveIndex(T, index));
  ({ ctx, page } = await launchBrowser(TMP));
});

after(() => cleanUp(T, ctx, daemon));

test('the API names the sheet a hit is on', async () => {
  const r = await get(`/search?q=${encodeURIComponent('Wasserturmverein')}`);
  assert.equal(r.status, 200, r.body);
  const hits = JSON.parse(r.body).hits;
  assert.deepEqual(hits.map((h) => h.type).sort(), ['ods', 'xlsx']);
  for (const h of hits) {
    assert.equal(h.sheet, 'Kontakte');
    assert.deepEqual(h.passage, { kind: 'sheet', number: 2, heading: 'Kontakte' });
  }
});

test('a hit on sheet 2 shows "Tabellenblatt 2: Kontakte"; the workbook downloads', async () => {
  await page.goto(`http://127.0.0.1:${port}/?q=Wasserturmverein`);
  await page.waitForSelector('#treffer li');
  const items = page.locator('#treffer li');
  assert.equal(await items.count(), 2);
  for (let i = 0; i < 2; i++) {
    const li = items.nth(i);
    assert.equal(await li.locator('.typ').textContent(), 'Tabelle');
    assert.equal(await li.locator('.fundstelle').textContent(), 'Fundstelle: Tabellenblatt 2: Kontakte');
    assert.match(await li.locator('.snippet mark').first().textContent(), /Wasserturmverein/);
  }
  await page.screenshot({ path: path.join(OUT, '20-tabellenblatt.png'), fullPage: true });
  const xlsx = items.filter({ hasText: 'tabelle.xlsx' });
  const d = await get(await xlsx.locator('h3 a').getAttribute('href'));
  assert.equal(d.status, 200);
  assert.match(d.headers['content-type'], /spreadsheetml\.sheet/);
  assert.match(d.headers['content-disposition'], /^attachment/);
});
