// harness.mjs - what the browser tests share: the programs under test from
// run.sh's environment, a temporary folder with an empty configuration, an
// index built with the real wsearch, the real searchd on a free port (and
// its UNIX socket) polled until /health answers, raw HTTP requests, and
// Debian's chromium through playwright-core.
//
// Each *.test.mjs builds its own corpus and index, so the files do not
// depend on each other's documents; this module holds no state of its own
// beyond what a call returns.

import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const WS = process.env.WS_BIN;
export const SD = process.env.SD_BIN;
export const SRC = process.env.WS_SRC;
export const OUT = process.env.WS_WEB_OUT ?? path.join(os.tmpdir(), 'wsearch-web-output');
export const CHROMIUM = process.env.WS_CHROMIUM ?? '/usr/bin/chromium';
assert.ok(WS && SD && SRC, 'WS_BIN, SD_BIN and WS_SRC must be set (run through run.sh)');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A temporary folder with an empty configuration file, and the environment
// that points wsearch and searchd at it (no settings from the machine).
export function makeTmp(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const conf = path.join(dir, 'empty.conf');
  fs.writeFileSync(conf, '');
  return { dir, conf, env: { ...process.env, WSEARCH_CONFIG: conf } };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

// A raw request: the path goes out exactly as given (no normalisation),
// over TCP to 127.0.0.1:port or over socketPath.  body is the response as
// UTF-8 text, bytes the same as a Buffer.
export function request(p, { port, socketPath, method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const opts = socketPath ? { socketPath, path: p, method } : { host: '127.0.0.1', port, path: p, method };
    const req = http.request(opts, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    // Only a guard against a hung daemon, never a speed check: under
    // ctest -j8 on 2 cores a first search after startup took over 5 s.
    req.setTimeout(120000, () => req.destroy(new Error(`no answer within 120 s: ${method} ${p}`)));
    req.end();
  });
}

// wsearch --index INDEX index [args...] DOCS, failing the caller on error.
export function indexDocs(env, index, docs, args = []) {
  execFileSync(WS, ['--index', index, 'index', ...args, docs], { env, stdio: 'pipe' });
}

// A searchd configuration serving the web front end of the source tree.
export function writeSearchdConf(file) {
  fs.writeFileSync(file, `[searchd]\nweb_root = ${path.join(SRC, 'web')}\nlog_requests = off\n`);
  return file;
}

// Start searchd in the foreground on socket (plus whatever args say) and
// wait, with a deadline, until /health answers there.  onLog receives its
// standard error, for the message of a failed assertion.
export async function startSearchd(args, socket, { env, onLog = () => {} } = {}) {
  const p = spawn(SD, ['--foreground', '--socket', socket, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  p.stderr.on('data', (d) => { log += d; onLog(d); });
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    try {
      const r = await request('/health', { socketPath: socket });
      if (r.status === 200) return p;
    } catch { /* not yet */ }
    if (p.exitCode !== null) break;
    await sleep(50);
  }
  p.kill('SIGKILL');
  throw new Error(`searchd did not start:\n${log}`);
}

// SIGTERM; resolves with the exit code (0 unless something went wrong,
// e.g. a sanitizer report in the ASan build).
export function stopSearchd(p) {
  if (!p) return Promise.resolve(null);
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(p.exitCode ?? p.signalCode);
  return new Promise((resolve) => {
    p.once('exit', (code, sig) => resolve(code ?? sig));
    p.kill('SIGTERM');
  });
}

// searchd serving index and the web front end on a free port of
// 127.0.0.1 (and on dir/sd.sock), started as startSearchd does.
export async function serveIndex(T, index, { onLog } = {}) {
  const port = await freePort();
  const conf = writeSearchdConf(path.join(T.dir, 'searchd.conf'));
  const socket = path.join(T.dir, 'sd.sock');
  const daemon = await startSearchd(['--config', conf, '--index', index, '--tcp', `127.0.0.1:${port}`], socket, { env: T.env, onLog });
  return { daemon, port, socket, base: `http://127.0.0.1:${port}` };
}

// The end of a test file: browser closed, daemon stopped, T removed.
export async function cleanUp(T, ctx, ...daemons) {
  await ctx?.close();
  for (const d of daemons) await stopSearchd(d);
  fs.rmSync(T.dir, { recursive: true, force: true });
}

// Headless chromium with a fresh profile below dir, German locale.
export async function launchBrowser(dir) {
  const ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(dir, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.setDefaultTimeout(10000);
  return { ctx, page };
}

// Open the page for query q and wait until the status line says something.
export async function searchFor(page, base, q) {
  await page.goto(`${base}/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('#status:not(:empty)');
}

// The hits of the JSON API for q.
export async function hitsFor(port, q) {
  const r = await request(`/search?q=${encodeURIComponent(q)}`, { port });
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body).hits;
}
