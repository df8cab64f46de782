// `cognito-auth login --no-browser` driven by headless Chromium against `cognito-auth serve`:
// the command prints the authorization URL on stderr, the browser opens it, fills the local
// pool's login page (and the TOTP step), the pool redirects to the command's loopback listener,
// and the command prints tokens it verified. Only 127.0.0.1 traffic; every wait is bounded.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.COGNITO_AUTH_BIN || resolve(here, '../../../target/debug/cognito-auth');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const POOL = 'us-east-1_BrowserPool1';
const CLIENT = 'browserclient00000001';
const PASSWORD = 'Correct-Horse-9';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const STEP_TIMEOUT = 20_000;

const work = mkdtempSync(join(tmpdir(), 'cognito-browser-'));
writeFileSync(join(work, 'pool.json'), JSON.stringify({
  pool_id: POOL,
  mfa: 'optional',
  clients: [{
    client_id: CLIENT,
    callback_urls: ['http://127.0.0.1/callback'],
    allowed_oauth_flows: ['code'],
    allowed_oauth_scopes: ['openid', 'email', 'profile'],
  }],
  users: [
    { username: 'alice', password: PASSWORD, attributes: { email: 'alice@example.com', name: 'Alice' } },
    { username: 'tom', password: PASSWORD, mfa: { totp_secret: TOTP_SECRET } },
  ],
}));

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, now = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Spawns the CLI; resolves the first stderr line, and the exit with all output. */
function run(args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  let firstLine;
  const line = new Promise((res) => { firstLine = res; });
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('\n')) firstLine(stderr.split('\n')[0]);
  });
  const exit = new Promise((res) => child.on('exit', (code) => { firstLine(''); res({ code, stdout, stderr }); }));
  return { child, line, exit };
}

async function startServe() {
  const child = spawn(bin, ['serve', '--port', '0', '--config', join(work, 'pool.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await withTimeout(new Promise((res) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; if (out.includes('\n')) res(out.split('\n')[0]); });
  }), STEP_TIMEOUT, 'serve announces its endpoint');
  return { child, endpoint: JSON.parse(first).endpoint };
}

function login(endpoint, extra = []) {
  return run(['--pool-id', POOL, '--client-id', CLIENT, '--json', '--timeout', '30',
    'login', '--domain', endpoint, '--no-browser', '--wait', '60', ...extra]);
}

const results = [];
async function test(name, body) {
  try {
    await withTimeout(body(), 60_000, name);
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${error && error.stack || error}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const serve = await startServe();
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'], headless: true });
try {
  await test('password user: wrong password stays on the page, then verified tokens', async () => {
    const tokensFile = join(work, 'alice.json');
    const cli = login(serve.endpoint, ['--tokens-file', tokensFile]);
    const url = await withTimeout(cli.line, STEP_TIMEOUT, 'the authorization URL on stderr');
    assert(url.startsWith(`${serve.endpoint}oauth2/authorize?`), `not an authorization URL: ${url}`);
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('#username', 'alice');
    await page.fill('#password', 'Wrong-Horse-9');
    await Promise.all([page.waitForLoadState(), page.click('#sign-in')]);
    const error = await page.textContent('#error');
    assert(error.includes('Incorrect username or password'), `no error shown: ${error}`);
    await page.fill('#username', 'alice');
    await page.fill('#password', PASSWORD);
    await page.screenshot({ path: join(here, 'login-page.png') });
    await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/), page.click('#sign-in')]);
    assert((await page.textContent('h1')).includes('Signed in'), 'no "Signed in" page');
    assert((await page.textContent('body')).includes('close this window'), 'no close advice');
    const done = await withTimeout(cli.exit, STEP_TIMEOUT, 'login exits');
    assert(done.code === 0, `exit ${done.code}: ${done.stderr}`);
    const result = JSON.parse(done.stdout).AuthenticationResult;
    const id = claims(result.IdToken);
    assert(id.aud === CLIENT && id.token_use === 'id' && id['cognito:username'] === 'alice', JSON.stringify(id));
    assert(typeof id.nonce === 'string' && url.includes(`nonce=${id.nonce}`), 'the nonce of the URL');
    assert(claims(result.AccessToken).scope === 'openid email profile', 'scopes');
    const saved = JSON.parse(readFileSync(tokensFile, 'utf8')).AuthenticationResult;
    assert(saved.RefreshToken === result.RefreshToken, 'tokens file');
    assert((statSync(tokensFile).mode & 0o077) === 0, 'tokens file is owner-only');
    await page.close();
  });

  await test('TOTP user: the code step, then verified tokens', async () => {
    const cli = login(serve.endpoint);
    const url = await withTimeout(cli.line, STEP_TIMEOUT, 'the authorization URL on stderr');
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('#username', 'tom');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForSelector('#code'), page.click('#sign-in')]);
    await page.screenshot({ path: join(here, 'totp-page.png') });
    await page.fill('#code', totp(TOTP_SECRET));
    await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/), page.click('#verify')]);
    const done = await withTimeout(cli.exit, STEP_TIMEOUT, 'login exits');
    assert(done.code === 0, `exit ${done.code}: ${done.stderr}`);
    const id = claims(JSON.parse(done.stdout).AuthenticationResult.IdToken);
    assert(id['cognito:username'] === 'tom', JSON.stringify(id));
    await page.close();
  });

  await test('a scope the client may not have: error redirect, exit 3 with invalid_scope', async () => {
    const cli = login(serve.endpoint, ['--scope', 'openid phone']);
    const url = await withTimeout(cli.line, STEP_TIMEOUT, 'the authorization URL on stderr');
    const page = await browser.newPage();
    await page.goto(url);
    assert((await page.textContent('h1')).includes('Sign-in failed'), 'no failure page');
    const done = await withTimeout(cli.exit, STEP_TIMEOUT, 'login exits');
    assert(done.code === 3, `exit ${done.code}: ${done.stderr}`);
    const error = JSON.parse(done.stderr.trim().split('\n').pop()).error;
    assert(error.class === 'refused' && error.code === 'invalid_scope', JSON.stringify(error));
    await page.close();
  });
} finally {
  await browser.close();
  serve.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

const passed = results.filter(([, ok]) => ok).length;
console.log(`browser-login: ${passed} passed, ${results.length - passed} failed`);
process.exit(results.length === passed ? 0 : 1);
