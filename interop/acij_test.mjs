// amazon-cognito-identity-js (a client nobody here wrote) signs in against `cognito-auth serve`.
//
// Run: node interop/acij_test.mjs   (after `npm ci --prefix interop` and the release build)
//
// Checks, with the library's own SRP, device and MFA code over Node's global fetch:
// SRP right password -> tokens (the library then confirms the new device by itself, as the
// pool tracks devices); wrong password -> NotAuthorizedException; unknown user; refreshSession
// (REFRESH_TOKEN_AUTH); a TOTP user -> totpRequired -> sendMFACode(wrong) -> CodeMismatchException
// -> sendMFACode(right, 'SOFTWARE_TOKEN_MFA') -> tokens (RFC 6238 computed here with
// node:crypto); setDeviceStatusRemembered, then a sign-in through DEVICE_SRP_AUTH that skips MFA;
// globalSignOut then refresh refused. Ends with `acij: N passed, M failed`; exit 1 on failure.

import { createHmac } from 'node:crypto';

import acij from 'amazon-cognito-identity-js';

import {
  MemoryStorage, callbacks, check, checkSession as checkSessionFor, expectEvent, expectFailure,
  loadPool, run,
} from './harness.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;

const { path: configPath, pool } = loadPool('pool.json');
const publicClient = pool.clients.find((c) => !c.client_secret).client_id;
const users = Object.fromEntries(pool.users.map((u) => [u.username, u]));

// ---- RFC 6238 TOTP (SHA1, 6 digits, 30 s) -------------------------------------------------
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function hotp(secret, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

// The pool accepts each 30-second step once (±1 step): never reuse a step.
let lastStep = 0;
async function totpCode(secret) {
  for (let i = 0; i < 3; i += 1) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const step = Math.max(now, lastStep + 1);
    if (step <= now + 1) {
      lastStep = step;
      return hotp(secret, step);
    }
    await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
  }
  throw new Error('no unused TOTP step');
}

// RFC 6238 appendix B vector (SHA1, secret "12345678901234567890", T=59 s -> 94287082, 8 digits;
// the 6-digit code is its last 6 digits).
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

// ---- the library, promisified -------------------------------------------------------------
let endpoint;
function makeUser(username, storage = new MemoryStorage()) {
  const userPool = new CognitoUserPool({
    UserPoolId: pool.pool_id, ClientId: publicClient, endpoint, Storage: storage,
  });
  return new CognitoUser({ Username: username, Pool: userPool, Storage: storage });
}

// Resolves with {event, ...}: 'success', 'totp', 'mfa', 'newPassword', 'failure'.
function authenticate(user, password) {
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), callbacks(resolve));
  });
}

function sendMfaCode(user, code) {
  return new Promise((resolve) => user.sendMFACode(code, callbacks(resolve), 'SOFTWARE_TOKEN_MFA'));
}

const node = (fn) => new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));

const checkSession = (session, username) => checkSessionFor(session, username, publicClient);

// ---- the tests ----------------------------------------------------------------------------
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('totp helper matches RFC 6238 appendix B', () => {
  check(hotp(rfcSecret, 1) === '287082', hotp(rfcSecret, 1));
  check(hotp(rfcSecret, 37037036) === '081804', hotp(rfcSecret, 37037036));
});

test('SRP sign-in, right password -> tokens (new device confirmed by the library)', async () => {
  const user = makeUser('alice');
  const result = expectEvent(await authenticate(user, users.alice.password), 'success');
  checkSession(result.session, 'alice');
  // The pool tracks devices (user_opt_in): the library ran ConfirmDevice itself.
  check(result.userConfirmationNecessary === true, `userConfirmationNecessary ${result.userConfirmationNecessary}`);
});

test('SRP sign-in, wrong password -> NotAuthorizedException', async () => {
  expectFailure(await authenticate(makeUser('alice'), 'Wrong-Horse-9'), 'NotAuthorizedException');
});

test('SRP sign-in, unknown user -> UserNotFoundException', async () => {
  expectFailure(await authenticate(makeUser('nobody'), 'Wrong-Horse-9'), 'UserNotFoundException', 'NotAuthorizedException');
});

test('refreshSession (REFRESH_TOKEN_AUTH) -> new tokens; globalSignOut -> refresh refused', async () => {
  const user = makeUser('alice');
  const { session } = expectEvent(await authenticate(user, users.alice.password), 'success');
  const refreshed = await node((cb) => user.refreshSession(session.getRefreshToken(), cb));
  checkSession(refreshed, 'alice');
  check(refreshed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken(), 'same access token');
  await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
  const error = await node((cb) => user.refreshSession(session.getRefreshToken(), cb)).then(
    () => null, (e) => e);
  check(error && error.code === 'NotAuthorizedException', `refresh after sign-out: ${error && error.code}`);
});

let taraStorage;
let taraDeviceKey;
test('SOFTWARE_TOKEN_MFA: totpRequired, wrong code refused, right code -> tokens', async () => {
  taraStorage = new MemoryStorage();
  const user = makeUser('tara', taraStorage);
  const challenge = expectEvent(await authenticate(user, users.tara.password), 'totp');
  check(challenge.name === 'SOFTWARE_TOKEN_MFA', `challenge ${challenge.name}`);
  const secret = users.tara.mfa.totp_secret;
  const now = Math.floor(Date.now() / 1000 / 30);
  const valid = new Set([now - 1, now, now + 1, now + 2].map((s) => hotp(secret, s)));
  let wrong = hotp(secret, now - 1000);
  for (let s = now - 999; valid.has(wrong); s += 1) wrong = hotp(secret, s);
  expectFailure(await sendMfaCode(user, wrong), 'CodeMismatchException');
  const result = expectEvent(await sendMfaCode(user, await totpCode(secret)), 'success');
  checkSession(result.session, 'tara');
  check(result.userConfirmationNecessary === true, 'the new device was not confirmed');
  taraDeviceKey = user.deviceKey;
  check(taraDeviceKey, 'no device key cached');
  await new Promise((resolve, reject) => user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
});

test('remembered device: DEVICE_SRP_AUTH -> DEVICE_PASSWORD_VERIFIER, MFA skipped', async () => {
  check(taraStorage, 'needs the TOTP test');
  const user = makeUser('tara', taraStorage); // same storage: the device key and password
  const result = expectEvent(await authenticate(user, users.tara.password), 'success');
  const access = checkSession(result.session, 'tara');
  check(access.device_key === taraDeviceKey, `device_key ${access.device_key} != ${taraDeviceKey}`);
  // Without the device (fresh storage) the same user is asked for a code again.
  const other = expectEvent(await authenticate(makeUser('tara'), users.tara.password), 'totp');
  check(other.name === 'SOFTWARE_TOKEN_MFA', other.name);
});

await run('acij', configPath, tests, (info) => { endpoint = info.endpoint; });
