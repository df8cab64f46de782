// Starts `cognito-auth serve --port 0` with test/pool.json; resolves once it printed its URL.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const configPath = join(here, 'pool.json');
export const pool = JSON.parse(readFileSync(configPath, 'utf8'));
export const publicClient = pool.clients.find((c) => !c.client_secret);
export const secretClient = pool.clients.find((c) => c.client_secret);
export const oauthClient = pool.clients.find((c) => c.allowed_oauth_flows);
export const users = Object.fromEntries(pool.users.map((u) => [u.username, u]));
const binary = process.env.COGNITO_AUTH_BIN || join(here, '..', '..', '..', 'target', 'release', 'cognito-auth');

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export async function startServe() {
  const child = spawn(binary, ['serve', '--port', '0', '--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.on('error', () => {});
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  const first = await withTimeout(new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    child.once('exit', () => reject(new Error('serve exited before printing its endpoint')));
  }), 30_000, 'serve start');
  const info = JSON.parse(first);
  return {
    endpoint: info.endpoint,
    async stop() {
      child.kill('SIGTERM');
      try { await withTimeout(exited, 10_000, 'serve stop'); } catch { child.kill('SIGKILL'); }
    },
  };
}

// The pool accepts each 30-second TOTP step once: hand out codes of unused steps.
let lastStep = 0;
export async function freshTotp(totpCode, secret) {
  for (let i = 0; i < 3; i += 1) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const step = Math.max(now, lastStep + 1);
    if (step <= now + 1) {
      lastStep = step;
      return totpCode(secret, step * 30);
    }
    await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
  }
  throw new Error('no unused TOTP step');
}
