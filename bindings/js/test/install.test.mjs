// The built package installed into an empty folder, then the issue's contract run from there:
// `npm pack` this folder, `npm install <tarball>` in a fresh temporary project (no other
// dependency), and a script in that project that imports 'cognito-auth' (no init call in
// Node), signs in with the sans-IO loop against `cognito-auth serve`, sees a wrong password
// throw CognitoError, and loads 'cognito-auth/full'; its TypeScript declarations must be
// installed too. Prints `install: N passed, M failed`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pool, publicClient, startServe, users } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const project = mkdtempSync(join(tmpdir(), 'cognito-auth-install-'));
const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

// What an app writes, straight from the contract.
const app = `
const { PoolConfig, SignIn, CognitoError } = await import('cognito-auth');
const [poolId, clientId, endpoint, username, password] = process.argv.slice(2);
const config = new PoolConfig({ poolId, clientId, endpoint });
async function signIn(password) {
  const signIn = new SignIn(config, username, password);
  let request = signIn.start();
  for (;;) {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const step = signIn.handleResponse(response.status, Object.fromEntries(response.headers), await response.text(), Date.now() / 1000);
    if (step.kind === 'send') request = step.request;
    else if (step.kind === 'done') return step.tokens;
    else throw new Error('unexpected step ' + step.kind);
  }
}
const tokens = await signIn(password);
const wrong = await signIn(password + '!').then(() => 'no error', (e) => e instanceof CognitoError ? e.code : String(e));
const full = await import('cognito-auth/full');
console.log(JSON.stringify({
  access: tokens.accessToken.split('.').length, id: tokens.idToken.split('.').length,
  refresh: typeof tokens.refreshToken, expiresIn: tokens.expiresIn, wrong,
  full: typeof full.accountWithFetch === 'function' && typeof full.JwtVerifier === 'function',
}));
`;

let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
  if (ok) passed += 1; else failed += 1;
};
let server;
try {
  const tarball = npm(['pack', '--pack-destination', project], packageDir).trim().split('\n').pop();
  writeFileSync(join(project, 'package.json'), '{ "name": "app", "version": "1.0.0", "type": "module", "private": true }\n');
  npm(['install', join(project, tarball)], project);
  const installed = join(project, 'node_modules', 'cognito-auth');
  check('installed with its modules and TypeScript declarations',
    ['src/index.d.ts', 'src/full.d.ts', 'pkg/node/cognito_auth_wasm_bg.wasm', 'pkg/web/cognito_auth_wasm_bg.wasm']
      .every((f) => existsSync(join(installed, f))), installed);
  writeFileSync(join(project, 'app.mjs'), app);
  server = await startServe();
  const out = execFileSync(process.execPath, ['app.mjs', pool.pool_id, publicClient.client_id, server.endpoint,
    'alice', users.alice.password], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  const result = JSON.parse(out.trim().split('\n').pop());
  check('the contract from the empty project: SRP sign-in -> tokens', result.access === 3 && result.id === 3
    && result.refresh === 'string' && result.expiresIn > 0, out);
  check('a wrong password throws CognitoError NotAuthorizedException', result.wrong === 'NotAuthorizedException', result.wrong);
  check("'cognito-auth/full' loads from the installed package", result.full === true, out);
} catch (error) {
  check('install and run', false, error && error.stack ? error.stack : error);
} finally {
  if (server) await server.stop();
  rmSync(project, { recursive: true, force: true });
}
console.log(`install: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
