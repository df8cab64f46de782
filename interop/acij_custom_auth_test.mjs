// amazon-cognito-identity-js (a client nobody here wrote) signs in with CUSTOM_AUTH against
// `cognito-auth serve --config pool-custom-auth.json`, whose DefineAuthChallenge /
// CreateAuthChallenge / VerifyAuthChallengeResponse triggers are the pool's `custom_auth` script.
//
// Run: node interop/acij_custom_auth_test.mjs   (after `npm ci --prefix interop` and the release build)
//
// The pool's user names are e-mail addresses (`username_attributes`), as in AWS's passwordless
// e-mail sample: the internal name is a UUID. Checks, with the library's own CUSTOM_AUTH code over
// Node's global fetch:
// - without SRP (`initiateAuth`): the pool's two challenges answered in the customChallenge
//   callback (`sendCustomChallengeAnswer`, which names the user by the e-mail typed) -> tokens;
//   then refreshSession.
// - with SRP first (`authenticationFlowType = 'CUSTOM_AUTH'`, `authenticateUser`: the library
//   sends `CHALLENGE_NAME: SRP_A` and answers PASSWORD_VERIFIER itself) -> the challenges ->
//   tokens; a wrong password refused at PASSWORD_VERIFIER.
// - a wrong answer: the same challenge asked again, then the right answer goes on; the third
//   wrong answer ends the sign-in (NotAuthorizedException).
// - a client whose script requires the password (`require_password`) and sends an e-mail code:
//   without SRP refused; with SRP the code read from the pool's outbox -> tokens.
// Ends with `acij-custom-auth: N passed, M failed`; exit 1 on failure.

import acij from 'amazon-cognito-identity-js';

import {
  MemoryStorage, callbacks, check, checkSession, expectEvent, expectFailure, loadPool, run,
} from './harness.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;

const { path: configPath, pool } = loadPool('pool-custom-auth.json');
const [poolScripted, passwordFirst] = pool.clients.map((c) => c.client_id);
const users = Object.fromEntries(pool.users.map((u) => [u.username, u]));
const [firstChallenge, secondChallenge] = pool.custom_auth.challenges;

// Every InitiateAuth / RespondToAuthChallenge body the library sends, to check what it asked for.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  const target = init.headers && (init.headers['X-Amz-Target'] || init.headers['x-amz-target']);
  if (target && typeof init.body === 'string') sent.push({ target: target.split('.').pop(), body: JSON.parse(init.body) });
  return realFetch(url, init);
};

// ---- the library, promisified -------------------------------------------------------------
let endpoint;
function makeUser(username, clientId = poolScripted) {
  const storage = new MemoryStorage();
  const userPool = new CognitoUserPool({
    UserPoolId: pool.pool_id, ClientId: clientId, endpoint, Storage: storage,
  });
  const user = new CognitoUser({ Username: username, Pool: userPool, Storage: storage });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  return user;
}

const details = (username, password, clientMetadata) => new AuthenticationDetails({
  Username: username, Password: password, ClientMetadata: clientMetadata,
});

// CUSTOM_AUTH without SRP: InitiateAuth with USERNAME only.
const initiateAuth = (user, clientMetadata) => new Promise((resolve) => {
  user.initiateAuth(details(user.getUsername(), undefined, clientMetadata), callbacks(resolve));
});

// CUSTOM_AUTH with SRP first: CHALLENGE_NAME SRP_A, then PASSWORD_VERIFIER by the library.
const authenticate = (user, password) => new Promise((resolve) => {
  user.authenticateUser(details(user.getUsername(), password), callbacks(resolve));
});

const answer = (user, text) => new Promise((resolve) => {
  user.sendCustomChallengeAnswer(text, callbacks(resolve), { step: 'answer' });
});

/** The challenge's parameters: `challenge`'s public ones and USERNAME, the internal name. */
function expectChallenge(result, challenge) {
  const { parameters } = expectEvent(result, 'custom');
  for (const [key, value] of Object.entries(challenge.public)) {
    check(parameters[key] === value, `challenge ${key} = ${parameters[key]}, expected ${value}`);
  }
  check(/^[0-9a-f-]{36}$/.test(parameters.USERNAME), `challenge USERNAME ${parameters.USERNAME}`);
  return parameters;
}

/** Both of the pool's challenges, answered right: tokens for the user who typed `email`. */
async function answerBoth(user, first, email, clientId = poolScripted) {
  const internal = expectChallenge(first, firstChallenge).USERNAME;
  const second = await answer(user, firstChallenge.answer);
  check(expectChallenge(second, secondChallenge).USERNAME === internal, 'another user');
  const { session } = expectEvent(await answer(user, secondChallenge.answer), 'success');
  signedIn(session, internal, email, clientId);
  return session;
}

/** Tokens of the user `internal`, who signed in as `email`. */
function signedIn(session, internal, email, clientId) {
  checkSession(session, internal, clientId);
  const id = session.getIdToken().decodePayload();
  check(id.email === email, `id token email ${id.email}`);
}

function lastInitiateAuth() {
  const calls = sent.filter((c) => c.target === 'InitiateAuth');
  check(calls.length, 'no InitiateAuth sent');
  return calls[calls.length - 1].body;
}

async function outbox() {
  const reply = await realFetch(new URL('_testkit/outbox', endpoint));
  check(reply.ok, `outbox: HTTP ${reply.status}`);
  return (await reply.json()).messages;
}
/** The newest code the pool "sent" to `email`, past the first `after` outbox messages. */
async function takeCode(email, after) {
  const messages = (await outbox()).slice(after).filter((m) => m.destination === email);
  check(messages.length, `no code for ${email} in the outbox`);
  return messages[messages.length - 1].code;
}

// ---- the tests ----------------------------------------------------------------------------
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const [carol, cyril] = pool.users.map((u) => u.username);
const password = (email) => users[email].password;

test('without SRP (initiateAuth): both scripted challenges -> tokens; refreshSession', async () => {
  const user = makeUser(carol);
  const first = await initiateAuth(user, { app: 'interop' });
  const request = lastInitiateAuth();
  check(request.AuthFlow === 'CUSTOM_AUTH', `AuthFlow ${request.AuthFlow}`);
  check(!('SRP_A' in request.AuthParameters) && !('CHALLENGE_NAME' in request.AuthParameters),
    'initiateAuth sent an SRP step');
  check(request.ClientMetadata && request.ClientMetadata.app === 'interop', 'ClientMetadata not sent');
  const session = await answerBoth(user, first, carol);
  // The library named the user as typed in its answers (the service takes that).
  const answers = sent.filter((c) => c.body.ChallengeName === 'CUSTOM_CHALLENGE');
  check(answers.length >= 2 && answers.slice(-2).every((c) => c.body.ChallengeResponses.USERNAME === carol),
    'the answers did not name the user by the e-mail');
  const refreshed = await new Promise((resolve, reject) => user.refreshSession(
    session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))));
  check(lastInitiateAuth().AuthParameters.DEVICE_KEY === null, 'refreshSession sent a DEVICE_KEY');
  signedIn(refreshed, session.getAccessToken().decodePayload().username, carol, poolScripted);
});

test('with SRP first (CHALLENGE_NAME SRP_A, PASSWORD_VERIFIER) -> challenges -> tokens', async () => {
  const user = makeUser(carol);
  const first = await authenticate(user, password(carol));
  const request = lastInitiateAuth();
  check(request.AuthParameters.CHALLENGE_NAME === 'SRP_A', `CHALLENGE_NAME ${request.AuthParameters.CHALLENGE_NAME}`);
  check(request.AuthParameters.SRP_A, 'no SRP_A');
  const verifier = sent[sent.length - 1];
  check(verifier.target === 'RespondToAuthChallenge' && verifier.body.ChallengeName === 'PASSWORD_VERIFIER',
    `the library did not answer PASSWORD_VERIFIER (${verifier.target} ${verifier.body.ChallengeName})`);
  await answerBoth(user, first, carol);
});

test('with SRP first, wrong password -> NotAuthorizedException at PASSWORD_VERIFIER', async () => {
  expectFailure(await authenticate(makeUser(carol), 'Wrong-Horse-9'), 'NotAuthorizedException');
  check(sent[sent.length - 1].body.ChallengeName === 'PASSWORD_VERIFIER', 'refused elsewhere');
});

test('unknown user -> UserNotFoundException', async () => {
  expectFailure(await initiateAuth(makeUser('nobody@example.com')), 'UserNotFoundException', 'NotAuthorizedException');
});

test('a wrong answer: the same challenge again, then the right answer goes on', async () => {
  const user = makeUser(cyril);
  const first = await initiateAuth(user);
  expectChallenge(first, firstChallenge);
  const sessionBefore = user.Session;
  const again = await answer(user, 'five');
  expectChallenge(again, firstChallenge);
  check(user.Session && user.Session !== sessionBefore, 'no new Session after a wrong answer');
  await answerBoth(user, again, cyril);
});

test('three wrong answers -> NotAuthorizedException', async () => {
  const user = makeUser(cyril);
  let result = await initiateAuth(user);
  for (const wrong of ['1', '2']) {
    expectChallenge(result, firstChallenge);
    result = await answer(user, wrong);
  }
  expectChallenge(result, firstChallenge);
  expectFailure(await answer(user, '3'), 'NotAuthorizedException');
});

test('require_password client: without SRP refused', async () => {
  expectFailure(await initiateAuth(makeUser(carol, passwordFirst)), 'NotAuthorizedException');
});

test('require_password client: SRP, then the e-mail code from the outbox -> tokens', async () => {
  const user = makeUser(carol, passwordFirst);
  const seen = (await outbox()).length;
  const challenge = expectEvent(await authenticate(user, password(carol)), 'custom');
  check(challenge.parameters.kind === 'email-code', `challenge ${JSON.stringify(challenge.parameters)}`);
  const code = await takeCode(carol, seen);
  // A wrong code: the challenge again, with a new code sent.
  expectEvent(await answer(user, code === '000000' ? '111111' : '000000'), 'custom');
  const sentAgain = (await outbox()).slice(seen).filter((m) => m.destination === carol);
  check(sentAgain.length === 2, `${sentAgain.length} codes sent`);
  const { session } = expectEvent(await answer(user, await takeCode(carol, seen)), 'success');
  signedIn(session, challenge.parameters.USERNAME, carol, passwordFirst);
});

await run('acij-custom-auth', configPath, tests, (info) => { endpoint = info.endpoint; });
