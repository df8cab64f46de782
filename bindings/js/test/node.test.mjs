// The npm package in Node against `cognito-auth serve`: sans-IO SignIn over fetch (SRP), wrong
// password -> CognitoError, a client with a secret, SOFTWARE_TOKEN_MFA (wrong code retried),
// device confirmation then DEVICE_SRP_AUTH without MFA, Refresh and TokenManager, the generic
// operation call, the fetch driver, and tokens kept out of console.log / JSON.stringify.
// Prints `node: N passed, M failed`; exit 1 on failure.
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';

import { accountAndLoginTests } from './account_login.test.mjs';
import { freshTotp, oauthClient, publicClient, secretClient, pool, startServe, users, withTimeout } from './serve.mjs';

const api = await import('cognito-auth');
const full = await import('cognito-auth/full');
const {
  PoolConfig, SignIn, CognitoError, Refresh, TokenManager, DeviceConfirmation, DeviceCredentials, Tokens,
  signInWithFetch, confirmDeviceWithFetch, callWithFetch,
} = api;
// TOTP codes (and suspend/resume) are in the full entry only.
const { totpCode } = full;

const check = (condition, message) => { if (!condition) throw new Error(message); };
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

// RFC 6238 with node:crypto, to check the exported helper against.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0; let value = 0; const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch); bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
function hotp(secret, counter) {
  const message = Buffer.alloc(8); message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', base32(secret)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

let endpoint;
const config = (client = publicClient) => new PoolConfig({
  poolId: pool.pool_id, clientId: client.client_id, clientSecret: client.client_secret, endpoint,
});

async function send(request) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  return [response.status, response.headers, await response.text()];
}

// The contract's loop, by hand. Returns the tokens; `answer(challenge)` answers challenges.
async function signInByHand(cfg, username, password, { device, answer } = {}) {
  const signIn = new SignIn(cfg, username, password, { device });
  let request = signIn.start();
  for (;;) {
    const step = signIn.handleResponse(...await send(request), Date.now() / 1000);
    if (step.kind === 'send') request = step.request;
    else if (step.kind === 'challenge') {
      if (!answer) throw new Error(`unexpected challenge ${step.challenge.name}`);
      request = signIn.answer(await answer(step.challenge, signIn));
    } else if (step.kind === 'done') return step.tokens;
    else throw new Error(`unexpected step ${step.kind}`);
  }
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('totpCode matches RFC 6238 (node:crypto); the main entry points to cognito-auth/full', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  check(totpCode(secret, 59) === '287082', totpCode(secret, 59));
  check(totpCode(secret, 1_111_111_109) === hotp(secret, 37_037_036), 'vector 2');
  let error;
  try { api.totpCode(secret, 59); } catch (e) { error = e; }
  check(error instanceof CognitoError && error.kind === 'misuse' && /cognito-auth\/full/.test(error.message), `${error}`);
});

test('suspend at SOFTWARE_TOKEN_MFA, resume (full entry): the resumed Session is answered', async () => {
  const cfg = new full.PoolConfig({ poolId: pool.pool_id, clientId: publicClient.client_id, endpoint });
  const signIn = new full.SignIn(cfg, 'tara', users.tara.password);
  let request = signIn.start();
  let challenge;
  for (let round = 0; round < 5 && !challenge; round += 1) {
    const step = signIn.handleResponse(...await send(request), Date.now() / 1000);
    if (step.kind === 'send') request = step.request;
    else if (step.kind === 'challenge') challenge = step.challenge;
    else throw new Error(`unexpected step ${step.kind}`);
  }
  check(challenge && challenge.name === 'SOFTWARE_TOKEN_MFA', `${challenge && challenge.name}`);
  const saved = signIn.suspend();
  check(typeof saved === 'string' && !saved.includes(users.tara.password), 'suspended JSON');
  signIn.dispose();
  const resumed = full.SignIn.resume(cfg, saved);
  check(resumed.status === 'awaitingAnswer', resumed.status);
  // A wrong code: the pool takes the resumed Session and refuses the code (no TOTP step used).
  let error;
  try { resumed.handleResponse(...await send(resumed.answer('000000')), Date.now() / 1000); } catch (e) { error = e; }
  check(error instanceof full.CognitoError && error.code === 'CodeMismatchException', `${error}`);
  error = undefined;
  try { full.SignIn.resume(cfg, '{"not":"a sign-in"}'); } catch (e) { error = e; }
  check(error instanceof full.CognitoError && error.kind === 'invalidInput', `${error}`);
  const main = new SignIn(config(), 'tara', users.tara.password);
  for (const call of [() => main.suspend(), () => SignIn.resume(config(), saved)]) {
    error = undefined;
    try { call(); } catch (e) { error = e; }
    check(error instanceof CognitoError && error.kind === 'misuse', `${error}`);
  }
});

test('SRP sign-in (USER_SRP_AUTH) -> tokens; tokens hidden from console.log and JSON', async () => {
  const tokens = await signInByHand(config(), 'alice', users.alice.password);
  check(tokens instanceof Tokens, 'not Tokens');
  const access = claims(tokens.accessToken);
  check(access.username === 'alice' && access.token_use === 'access', JSON.stringify(access));
  check(claims(tokens.idToken)['cognito:username'] === 'alice', 'id token');
  check(typeof tokens.refreshToken === 'string' && tokens.refreshToken.length > 10, 'refresh token');
  check(tokens.expiresIn > 0 && tokens.expiresAt > Date.now() / 1000, 'expiry');
  for (const shown of [inspect(tokens), JSON.stringify(tokens), String(tokens), inspect({ tokens }, { depth: 5 })]) {
    check(!shown.includes(tokens.accessToken.slice(0, 40)) && !shown.includes(tokens.refreshToken.slice(0, 20)), `shown: ${shown}`);
    check(shown.includes('redacted'), shown);
  }
  // Storage round trip.
  const again = Tokens.fromStorageJson(tokens.toStorageJson());
  check(again.accessToken === tokens.accessToken, 'storage round trip');
  tokens.dispose();
  let threw = false;
  try { void tokens.accessToken; } catch (e) { threw = e instanceof CognitoError && e.kind === 'misuse'; }
  check(threw, 'a disposed Tokens still reads');
});

test('wrong password -> CognitoError NotAuthorizedException, not retryable', async () => {
  const error = await signInByHand(config(), 'alice', 'Wrong-Horse-9').then(() => null, (e) => e);
  check(error instanceof CognitoError, `not a CognitoError: ${error}`);
  check(error.code === 'NotAuthorizedException' && error.kind === 'service', `${error.code} ${error.kind}`);
  check(error.retryable === false, 'retryable');
  check(error instanceof Error && error.message.includes('NotAuthorizedException'), error.message);
});

test('bad config -> CognitoError invalidInput', () => {
  let error;
  try { new PoolConfig({ poolId: 'no-underscore', clientId: 'x' }); } catch (e) { error = e; }
  check(error instanceof CognitoError && error.kind === 'invalidInput', `${error}`);
});

test('client with a secret (SECRET_HASH) -> tokens', async () => {
  const tokens = await signInByHand(config(secretClient), 'alice', users.alice.password);
  check(claims(tokens.accessToken).client_id === secretClient.client_id, 'client_id');
  check(!inspect(config(secretClient)).includes(secretClient.client_secret), 'secret shown');
});

let taraDevice;
test('SOFTWARE_TOKEN_MFA: wrong code refused and retried, right code -> tokens; device confirmed', async () => {
  const secret = users.tara.mfa.totp_secret;
  let wrongSent = false;
  let sawError = false;
  const cfg = config();
  const signIn = new SignIn(cfg, 'tara', users.tara.password);
  let request = signIn.start();
  let tokens;
  for (let round = 0; round < 10 && !tokens; round += 1) {
    let step;
    try {
      step = signIn.handleResponse(...await send(request), Date.now() / 1000);
    } catch (e) {
      check(e instanceof CognitoError && e.code === 'CodeMismatchException', `${e}`);
      sawError = true;
      request = signIn.answer(await freshTotp(totpCode, secret)); // the challenge stays open
      continue;
    }
    if (step.kind === 'send') request = step.request;
    else if (step.kind === 'challenge') {
      check(step.challenge.name === 'SOFTWARE_TOKEN_MFA', step.challenge.name);
      // Malformed answers are typed errors and leave the challenge open.
      const malformed = [undefined, 42, ['code'], { code: 1 }, { kind: 'code', code: 123456 }, { kind: 1 },
        { kind: 'code' }, { kind: 'nope' }, { kind: 'newPassword', password: 'p', attributes: ['x'] },
        { kind: 'newPassword', password: 'p', attributes: { name: 1 } }];
      for (const bad of malformed) {
        let badError;
        try { signIn.answer(bad); } catch (e) { badError = e; }
        check(badError instanceof CognitoError && badError.kind === 'invalidInput', `${JSON.stringify(bad)}: ${badError}`);
      }
      const now = Math.floor(Date.now() / 30_000);
      const valid = new Set([-1, 0, 1, 2].map((d) => hotp(secret, now + d)));
      let wrong = hotp(secret, now - 1000);
      for (let s = now - 999; valid.has(wrong); s += 1) wrong = hotp(secret, s);
      request = signIn.answer({ kind: 'code', code: wrong });
      wrongSent = true;
    } else if (step.kind === 'done') tokens = step.tokens;
  }
  check(wrongSent && sawError && tokens, `wrong ${wrongSent} error ${sawError} tokens ${Boolean(tokens)}`);
  check(tokens.newDevice && tokens.newDevice.deviceKey, 'no new device');
  // DeviceConfirmation by hand: ConfirmDevice, then remembered.
  const confirmation = new DeviceConfirmation(cfg, tokens);
  const confirmed = confirmation.handleResponse(...await send(confirmation.start('node test')));
  check(confirmed.device instanceof DeviceCredentials, 'no device');
  check(confirmed.device.deviceKey === tokens.newDevice.deviceKey, 'device key');
  check(!inspect(confirmed.device).includes(confirmed.device.devicePassword), 'device password shown');
  if (confirmed.userConfirmationNecessary) {
    confirmation.handleStatusResponse(...await send(confirmation.remember(true)));
  }
  taraDevice = DeviceCredentials.fromStorageJson(confirmed.device.toStorageJson());
});

test('remembered device: DEVICE_SRP_AUTH on the next sign-in, MFA skipped', async () => {
  check(taraDevice, 'needs the MFA test');
  const tokens = await signInByHand(config(), 'tara', users.tara.password, { device: taraDevice });
  check(claims(tokens.accessToken).device_key === taraDevice.deviceKey, 'device_key');
  // Without it, MFA again.
  const asked = await signInByHand(config(), 'tara', users.tara.password).then(() => 'done', (e) => `${e.message}`);
  check(asked.includes('SOFTWARE_TOKEN_MFA'), asked);
});

test('Refresh (GetTokensFromRefreshToken and REFRESH_TOKEN_AUTH) and TokenManager', async () => {
  const cfg = config();
  const tokens = await signInByHand(cfg, 'alice', users.alice.password);
  for (const flow of [undefined, 'REFRESH_TOKEN_AUTH']) {
    const refresh = new Refresh(cfg, tokens, { flow });
    const fresh = refresh.handleResponse(...await send(refresh.request()), Date.now() / 1000);
    check(claims(fresh.accessToken).username === 'alice', 'refreshed username');
    check(fresh.accessToken !== tokens.accessToken, 'same access token');
    check(fresh.refreshToken, 'no refresh token kept');
  }
  const manager = new TokenManager(cfg, tokens);
  check(manager.pollRefresh(Date.now() / 1000) === undefined, 'fresh tokens polled for refresh');
  check(manager.accessToken() === tokens.accessToken, 'access token');
  const request = manager.refreshNow();
  check(request && manager.isRefreshing, 'refreshNow');
  const outcome = manager.handleRefreshResponse(...await send(request), Date.now() / 1000);
  check(outcome.outcome === 'refreshed', outcome.outcome);
  check(manager.tokens.accessToken !== tokens.accessToken, 'manager tokens not replaced');
  check(typeof manager.nextRefreshAt() === 'number', 'nextRefreshAt');
});

test('fetch driver: signInWithFetch with onChallenge (TOTP), confirmDevice, then device SRP', async () => {
  const cfg = config();
  const secret = users.tina.mfa.totp_secret;
  const names = [];
  const { tokens, device } = await signInWithFetch(cfg, 'tina', users.tina.password, {
    onChallenge: async (challenge) => { names.push(challenge.name); return freshTotp(totpCode, secret); },
    confirmDevice: { deviceName: 'fetch driver' },
  });
  check(names.join() === 'SOFTWARE_TOKEN_MFA', names.join());
  check(claims(tokens.accessToken).username === 'tina', 'username');
  check(device && device.deviceKey === tokens.newDevice.deviceKey, 'device');
  const again = await signInWithFetch(cfg, 'tina', users.tina.password, {
    device, onChallenge: () => { throw new Error('MFA asked despite the device'); },
  });
  check(claims(again.accessToken).device_key === device.deviceKey, 'device_key');
  const error = await signInWithFetch(cfg, 'tina', 'Wrong-Horse-1').then(() => null, (e) => e);
  check(error instanceof CognitoError && error.code === 'NotAuthorizedException', `${error}`);
});

test('generic operation: GetUser, then GlobalSignOut, then refresh refused', async () => {
  const cfg = config();
  const tokens = await signInByHand(cfg, 'alice', users.alice.password);
  const user = await callWithFetch(cfg, 'GetUser', { AccessToken: tokens.accessToken });
  check(user.Username === 'alice', JSON.stringify(user));
  check(user.UserAttributes.some((a) => a.Name === 'email' && a.Value === 'alice@example.com'), 'email');
  const out = await callWithFetch(cfg, 'GlobalSignOut', { AccessToken: tokens.accessToken });
  check(typeof out === 'object', 'output');
  const refresh = new Refresh(cfg, tokens);
  let error;
  try { refresh.handleResponse(...await send(refresh.request()), Date.now() / 1000); } catch (e) { error = e; }
  check(error instanceof CognitoError && error.code === 'NotAuthorizedException', `${error}`);
  const unknown = await callWithFetch(cfg, 'NoSuchOperation', {}).then(() => null, (e) => e);
  check(unknown instanceof CognitoError && unknown.kind === 'invalidInput', `${unknown}`);
});

test('a server reply that is not Cognito\'s -> CognitoError, never a crash', () => {
  const signIn = new SignIn(config(), 'alice', 'x');
  signIn.start();
  let error;
  try { signIn.handleResponse(200, {}, '<html>', Date.now() / 1000); } catch (e) { error = e; }
  check(error instanceof CognitoError && error.kind === 'invalidResponse', `${error && error.kind}`);
  try { signIn.start(); } catch (e) { error = e; }
  check(error instanceof CognitoError, `${error}`);
});

accountAndLoginTests(test, {
  full, check, claims, endpoint: () => endpoint, pool, users, publicClient, secretClient, oauthClient,
});

let passed = 0;
let failed = 0;
let server;
try {
  server = await startServe();
  endpoint = server.endpoint;
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
  if (server) await server.stop();
}
console.log(`node: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
