// ocr.test.mjs - scans in the web front end: a word only on page 2 of a
// three-page scanned PDF (tests/data/ocr/scan.pdf, recognised by OCR) is
// found in a real browser, the hit names "Seite 2", links the PDF at
// #page=2 and carries the "OCR" mark; an image hit opens the image.
// Debian's chromium through playwright-core against the real searchd on a
// temporary port, as web.test.mjs does.
//
// Run by run.sh (ctest e2e_web_ocr) with WS_BIN, SD_BIN, WS_SRC, WS_WEB_OUT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  SRC, OUT, makeTmp, request, indexDocs, serveIndex, cleanUp, launchBrowser, searchFor as search,
} from './harness.mjs';

const T = makeTmp('ws-web-ocr-');
const TMP = T.dir;
const DOCS = path.join(TMP, 'scans');
const INDEX = path.join(TMP, 'index');
let port = 0;
let base = '';
let daemon = null;
let ctx = null;
let page = null;
const pageErrors = [];

const get = (p) => request(p, { port });

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  fs.mkdirSync(DOCS);
  for (const f of ['scan.pdf', 'aushang.png']) fs.copyFileSync(path.join(SRC, 'tests', 'data', 'ocr', f), path.join(DOCS, f));
  // ten minutes a page: a sanitizer build on a loaded machine is slow
  indexDocs(T.env, INDEX, DOCS, ['--ocr-page-timeout', '600']);
  ({ daemon, port, base } = await serveIndex(T, INDEX));
  ({ ctx, page } = await launchBrowser(TMP));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(() => cleanUp(T, ctx, daemon));

const searchFor = (q) => search(page, base, q);

test('a word only on page 2 of a scan: Seite 2, #page=2, marked OCR', async () => {
  await searchFor('Kürbis');
  const hits = page.locator('#treffer li');
  assert.equal(await hits.count(), 1);
  const hit = hits.first();
  assert.equal(await hit.locator('.typ').textContent(), 'PDF');
  assert.match(await hit.locator('h3 a').getAttribute('href'), /^\/file\/\d+#page=2$/);
  const where = hit.locator('.fundstelle a');
  assert.match(await where.textContent(), /^Seite 2/);
  assert.match(await where.getAttribute('href'), /^\/file\/\d+#page=2$/);
  const mark = hit.locator('.fundstelle .ocr');
  assert.equal(await mark.textContent(), 'OCR');
  assert.match(await mark.getAttribute('title'), /Texterkennung/);
  assert.ok(await hit.locator('.snippet mark').count() >= 1);
  await page.screenshot({ path: path.join(OUT, 'ocr-01-scan-seite-2.png'), fullPage: true });
  const r = await get((await hit.locator('h3 a').getAttribute('href')).split('#')[0]);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/pdf');
});

test('an image hit: type Bild, Seite 1, OCR, the image served as image/png', async () => {
  await searchFor('Nähwerkstatt');
  const hit = page.locator('#treffer li').first();
  assert.equal(await hit.locator('.typ').textContent(), 'Bild');
  assert.equal(await hit.locator('.fundstelle .ocr').textContent(), 'OCR');
  const r = await get(await hit.locator('h3 a').getAttribute('href'));
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'image/png');
  assert.equal(r.bytes.subarray(1, 4).toString(), 'PNG');
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
