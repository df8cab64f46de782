// The web build in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; no
// browser is downloaded): a page on one localhost port signs a user in against
// `cognito-auth serve` on another port through fetch (so CORS is exercised), shows the result;
// this reads it from the page and saves a screenshot (browser-screenshot.png).
// Prints `browser: N passed, M failed`; exit 1 on failure.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { pool, publicClient, startServe, users, withTimeout } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

// A tiny static server for the package directory; / is the test page.
function startStatic() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = path === '/' ? join(here, 'browser', 'index.html') : normalize(join(packageDir, path));
    if (!file.startsWith(packageDir) || file.includes('node_modules')) { res.writeHead(404).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch { res.writeHead(404).end(); }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let passed = 0;
let failed = 0;
let serve;
let web;
let browser;
try {
  serve = await startServe();
  web = await startStatic();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1000, height: 420 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const query = new URLSearchParams({ endpoint: serve.endpoint, pool: pool.pool_id, client: publicClient.client_id, password: users.bob.password });
  await page.goto(`http://localhost:${web.address().port}/?${query}`);
  await withTimeout(page.waitForSelector('body[data-done="true"]', { timeout: 60_000 }), 65_000, 'page').catch((e) => {
    throw new Error(`${e.message}; page errors: ${errors.join('; ')}`);
  });
  const results = await page.evaluate(() => window.__results);
  for (const c of results.checks) {
    if (c.ok) passed += 1; else failed += 1;
    console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail ?? ''}`);
  }
  const shown = await page.textContent('#result');
  console.log(`page says: ${shown}`);
  await page.screenshot({ path: join(packageDir, 'browser-screenshot.png') });
} catch (error) {
  failed += 1;
  console.log(`FAIL setup: ${error && error.stack ? error.stack : error}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (web) web.close();
  if (serve) await serve.stop();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
