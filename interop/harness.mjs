// Shared by the amazon-cognito-identity-js interop tests: start `cognito-auth serve` with a pool
// file, run the tests one after another (each bounded), check that serve exits 0 on SIGTERM,
// and end with `<label>: N passed, M failed` (exit 1 on a failure).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.COGNITO_AUTH_BIN || join(here, '..', 'target', 'release', 'cognito-auth');

/** The pool file `name` beside this file: { path, pool }. */
export function loadPool(name) {
  const path = join(here, name);
  return { path, pool: JSON.parse(readFileSync(path, 'utf8')) };
}

/** The Storage the library caches tokens and device keys in (no browser here). */
export class MemoryStorage {
  constructor() { this.map = new Map(); }
  setItem(key, value) { this.map.set(key, String(value)); return value; }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  removeItem(key) { return this.map.delete(key); }
  clear() { this.map.clear(); }
}

/** The library's callback map, resolving with {event, ...}: 'success', 'failure', 'custom',
 *  'totp', 'mfa', 'newPassword', 'selectMfa', 'mfaSetup'. */
export function callbacks(resolve) {
  return {
    onSuccess: (session, userConfirmationNecessary) => resolve({ event: 'success', session, userConfirmationNecessary }),
    onFailure: (error) => resolve({ event: 'failure', error }),
    customChallenge: (parameters) => resolve({ event: 'custom', parameters }),
    totpRequired: (name, parameters) => resolve({ event: 'totp', name, parameters }),
    mfaRequired: (name, parameters) => resolve({ event: 'mfa', name, parameters }),
    newPasswordRequired: () => resolve({ event: 'newPassword' }),
    selectMFAType: (name) => resolve({ event: 'selectMfa', name }),
    mfaSetup: (name) => resolve({ event: 'mfaSetup', name }),
  };
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export function expectEvent(result, event) {
  if (result.event !== event) {
    const detail = result.error ? `${result.error.code}: ${result.error.message}` : JSON.stringify(result);
    throw new Error(`expected ${event}, got ${result.event} (${detail})`);
  }
  return result;
}

export function expectFailure(result, ...codes) {
  expectEvent(result, 'failure');
  if (!codes.includes(result.error.code)) {
    throw new Error(`expected ${codes.join(' or ')}, got ${result.error.code}: ${result.error.message}`);
  }
  return result.error;
}

/** Checks a CognitoUserSession's tokens for `username` and `clientId`; returns the access claims. */
export function checkSession(session, username, clientId) {
  check(session.isValid(), 'the session is not valid');
  const access = session.getAccessToken().decodePayload();
  const id = session.getIdToken().decodePayload();
  check(access.username === username, `access token username ${access.username}`);
  check(access.client_id === clientId, `access token client_id ${access.client_id}`);
  check(access.token_use === 'access' && id.token_use === 'id', 'token_use');
  check(id.aud === clientId, `id token aud ${id.aud}`);
  check(id['cognito:username'] === username, `id token cognito:username ${id['cognito:username']}`);
  check(session.getRefreshToken().getToken(), 'no refresh token');
  return access;
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function startServer(configPath) {
  const child = spawn(binary, ['serve', '--port', '0', '--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.on('error', () => {});
  const lines = createInterface({ input: child.stdout });
  const first = await withTimeout(new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    child.once('exit', () => reject(new Error('serve exited before printing its endpoint')));
  }), 30_000, 'serve start');
  return { child, exited, info: JSON.parse(first) };
}

/** Serves `configPath`, calls `setup(info)` with serve's JSON line (endpoint, pool_id), runs
 *  `tests` ([{name, fn}]) in order, stops serve, prints the closing line and exits. */
export async function run(label, configPath, tests, setup) {
  let passed = 0;
  let failed = 0;
  let server;
  try {
    server = await startServer(configPath);
    console.log(`serve: ${server.info.endpoint} pool ${server.info.pool_id}`);
    setup(server.info);
    for (const { name, fn } of tests) {
      try {
        await withTimeout(Promise.resolve().then(fn), 100_000, name);
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
      }
    }
  } catch (error) {
    failed += 1;
    console.log(`FAIL setup: ${error && error.stack ? error.stack : error}`);
  } finally {
    if (server) {
      const name = 'serve exits 0 on SIGTERM';
      server.child.kill('SIGTERM');
      try {
        const { code, signal } = await withTimeout(server.exited, 15_000, name);
        check(code === 0, `exit code ${code} signal ${signal}`);
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (error) {
        failed += 1;
        server.child.kill('SIGKILL');
        console.log(`FAIL ${name}: ${error}`);
      }
    }
  }
  console.log(`${label}: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
