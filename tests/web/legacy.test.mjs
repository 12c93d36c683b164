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
const CHROMIUM = process.env.WS_CHROMIUM ?? '/usr/bin/chromium';
assert.ok(WS && SD && SRC, 'WS_BIN, SD_BIN and WS_SRC must be set (run through run.sh)');

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-web-legacy-'));
const DOCS = path.join(TMP, 'docs');
const INDEX = path.join(TMP, 'index');
const SOCK = path.join(TMP, 'sd.sock');
const CONF = path.join(TMP, 'empty.conf');
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

function get(url, socketPath) {
  return new Promise((resolve, reject) => {
    const req = http.request(socketPath ? { socketPath, path: url } : url, (res) => {
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
  fs.writeFileSync(CONF, '');
  fs.mkdirSync(DOCS);
  const legacy = path.join(SRC, 'tests', 'data', 'legacy');
  for (const f of ['alt-folien.ppt', 'alt-bericht.doc', 'alt-liste.xls', 'alt-bericht.rtf']) fs.copyFileSync(path.join(legacy, f), path.join(DOCS, f));
  execFileSync(WS, ['--index', INDEX, 'index', DOCS], { env: { ...process.env, WSEARCH_CONFIG: CONF }, stdio: 'pipe' });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(TMP, 'searchd.conf'), `[searchd]\nweb_root = ${path.join(SRC, 'web')}\nlog_requests = off\n`);
  daemon = spawn(SD, ['--foreground', '--socket', SOCK, '--config', path.join(TMP, 'searchd.conf'), '--index', INDEX, '--tcp', `127.0.0.1:${port}`], {
    env: { ...process.env, WSEARCH_CONFIG: CONF },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  daemon.stderr.on('data', (d) => { daemonLog += d; });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    try {
      up = (await get('/health', SOCK)).status === 200;
    } catch { /* not yet */ }
    if (!up) {
      if (daemon.exitCode !== null) break;
      await sleep(50);
    }
  }
  assert.ok(up, `searchd did not start:\n${daemonLog}`);
  ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(TMP, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
