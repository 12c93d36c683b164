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
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const WS = process.env.WS_BIN;
const SD = process.env.SD_BIN;
const SRC = process.env.WS_SRC;
const OUT = process.env.WS_WEB_OUT ?? path.join(os.tmpdir(), 'wsearch-web-output');
const CHROMIUM = process.env.WS_CHROMIUM ?? '/usr/bin/chromium';
assert.ok(WS && SD && SRC, 'WS_BIN, SD_BIN and WS_SRC must be set (run through run.sh)');

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-web-ocr-'));
const DOCS = path.join(TMP, 'scans');
const INDEX = path.join(TMP, 'index');
const CONF = path.join(TMP, 'empty.conf');
let port = 0;
let base = '';
let daemon = null;
let daemonLog = '';
let ctx = null;
let page = null;
const pageErrors = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  fs.mkdirSync(DOCS);
  fs.writeFileSync(CONF, '');
  for (const f of ['scan.pdf', 'aushang.png']) fs.copyFileSync(path.join(SRC, 'tests', 'data', 'ocr', f), path.join(DOCS, f));
  // ten minutes a page: a sanitizer build on a loaded machine is slow
  execFileSync(WS, ['--index', INDEX, 'index', '--ocr-page-timeout', '600', DOCS], { env: { ...process.env, WSEARCH_CONFIG: CONF }, stdio: 'pipe' });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const conf = path.join(TMP, 'searchd.conf');
  fs.writeFileSync(conf, `[searchd]\nweb_root = ${path.join(SRC, 'web')}\nlog_requests = off\n`);
  daemon = spawn(SD, ['--foreground', '--config', conf, '--index', INDEX, '--tcp', `127.0.0.1:${port}`, '--socket', path.join(TMP, 'sd.sock')], {
    env: { ...process.env, WSEARCH_CONFIG: CONF },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  daemon.stderr.on('data', (d) => { daemonLog += d; });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    try { up = (await get('/health')).status === 200; } catch { await sleep(50); }
  }
  assert.ok(up, `searchd did not start:\n${daemonLog}`);
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
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});

after(async () => {
  await ctx?.close();
  if (daemon && daemon.exitCode === null) {
    await new Promise((resolve) => { daemon.once('exit', resolve); daemon.kill('SIGTERM'); });
  }
  fs.rmSync(TMP, { recursive: true, force: true });
});

async function searchFor(q) {
  await page.goto(`${base}/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#status:not(:empty)');
}

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
  assert.equal(r.body.subarray(1, 4).toString(), 'PNG');
});

test('no script errors on any page', () => {
  assert.deepEqual(pageErrors, []);
});
