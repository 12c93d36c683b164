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
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const { WS_BIN: WS, SD_BIN: SD, WS_SRC: SRC } = process.env;
const OUT = process.env.WS_WEB_OUT ?? path.join(os.tmpdir(), 'wsearch-web-output');
const CHROMIUM = process.env.WS_CHROMIUM ?? '/usr/bin/chromium';
assert.ok(WS && SD && SRC, 'WS_BIN, SD_BIN and WS_SRC must be set (run through run.sh)');

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-web-sheets-'));
const ENV = { ...process.env, WSEARCH_CONFIG: path.join(TMP, 'empty.conf') };
let port = 0;
let daemon = null;
let daemonLog = '';
let ctx = null;
let page = null;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function get(p) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(TMP, 'empty.conf'), '');
  const corpus = path.join(TMP, 'corpus');
  fs.mkdirSync(corpus);
  for (const f of ['tabelle.xlsx', 'tabelle.ods']) fs.copyFileSync(path.join(SRC, 'tests', 'data', 'docs', f), path.join(corpus, f));
  const index = path.join(TMP, 'index');
  execFileSync(WS, ['--index', index, 'index', corpus], { env: ENV, stdio: 'pipe' });
  port = await freePort();
  fs.writeFileSync(path.join(TMP, 'searchd.conf'), `[searchd]\nweb_root = ${path.join(SRC, 'web')}\nlog_requests = off\n`);
  daemon = spawn(SD, ['--foreground', '--socket', path.join(TMP, 'sd.sock'), '--config', path.join(TMP, 'searchd.conf'),
    '--index', index, '--tcp', `127.0.0.1:${port}`], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  daemon.stderr.on('data', (d) => { daemonLog += d; });
  // Poll /health with a deadline rather than sleeping a fixed time.
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      if ((await get('/health')).status === 200) break;
    } catch { /* not yet */ }
    if (daemon.exitCode !== null || Date.now() > deadline) throw new Error(`searchd did not start:\n${daemonLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(TMP, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
  });
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(10000);
});

after(async () => {
  await ctx?.close();
  if (daemon && daemon.exitCode === null) {
    const done = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await done;
  }
  fs.rmSync(TMP, { recursive: true, force: true });
});

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
