// Part of the Node test (run by node.test.mjs, which prints the `node:` line), through
// `cognito-auth/full`: the typed account calls (camelCase, SECRET_HASH from the client secret)
// and managed login against
// `cognito-auth serve` — the pool's HTML login page fetched and its form posted, the redirect's
// Location read back — and JwtVerifier on the tokens it issued.

export function accountAndLoginTests(test, env) {
  const { full, check, claims, endpoint: base, pool, users, secretClient, oauthClient } = env;
  // Everything from `cognito-auth/full`, its own module: PoolConfig and Tokens of that module.
  const {
    CognitoError, PoolConfig, SignIn, accountRequest, accountResponse, accountWithFetch, ManagedLogin, PendingLogin,
    exchangeCodeWithFetch, Tokens, JwtVerifier,
  } = full;
  const REDIRECT = oauthClient.callback_urls[0];
  const config = (client) => new PoolConfig({
    poolId: pool.pool_id, clientId: client.client_id, clientSecret: client.client_secret, endpoint: base(),
  });
  const signInByHand = async (cfg, username, password) => {
    const signIn = new SignIn(cfg, username, password);
    let request = signIn.start();
    for (;;) {
      const response = await fetch(request.url, request);
      const step = signIn.handleResponse(response.status, response.headers, await response.text());
      if (step.kind === 'done') return step.tokens;
      check(step.kind === 'send', `unexpected step ${step.kind}`);
      request = step.request;
    }
  };
  // The pool's base URL, without the trailing slash `serve` prints.
  const endpoint = () => base().replace(/\/+$/, '');
  const fails = (promise) => Promise.resolve().then(promise).then(() => null, (e) => e);
  const codeFor = async (username) => {
    const { messages } = await (await fetch(`${endpoint()}/_testkit/outbox`)).json();
    const mine = messages.filter((m) => m.username === username);
    check(mine.length > 0, `no code for ${username}`);
    return mine[mine.length - 1].code;
  };
  const secretHash = (body) => JSON.parse(body).SecretHash;
  // `serve` issues tokens under its own URL: the issuer and JWKS from its discovery document.
  async function discovery() {
    const doc = await (await fetch(`${endpoint()}/${pool.pool_id}/.well-known/openid-configuration`)).json();
    return { issuer: doc.issuer, jwks: await (await fetch(doc.jwks_uri)).text() };
  }

  test('account: signUp with SECRET_HASH, confirmSignUp, getUser/updateUserAttributes camelCase, changePassword', async () => {
    const cfg = config(secretClient);
    const signUpInput = { username: 'nora', password: 'Sign-Up-Horse-7', userAttributes: { email: 'nora@example.com' } };
    const request = accountRequest(cfg, 'signUp', signUpInput);
    check(typeof secretHash(request.body) === 'string' && secretHash(request.body).length === 44, 'SecretHash sent');
    check(request.headers['X-Amz-Target'] === 'AWSCognitoIdentityProviderService.SignUp', JSON.stringify(request.headers));
    const response = await fetch(request.url, request);
    const signedUp = accountResponse('signUp', response.status, response.headers, await response.text());
    check(signedUp.userConfirmed === false && typeof signedUp.userSub === 'string', JSON.stringify(signedUp));
    check(signedUp.codeDeliveryDetails?.destination !== undefined, JSON.stringify(signedUp));
    const wrong = await fails(() => accountWithFetch(cfg, 'confirmSignUp', { username: 'nora', confirmationCode: '000000' }));
    check(wrong instanceof CognitoError && wrong.code === 'CodeMismatchException', `${wrong}`);
    await accountWithFetch(cfg, 'confirmSignUp', { username: 'nora', confirmationCode: await codeFor('nora') });

    const tokens = await signInByHand(cfg, 'nora', 'Sign-Up-Horse-7');
    const user = await accountWithFetch(cfg, 'getUser', { accessToken: tokens.accessToken });
    check(user.username === 'nora' && user.userAttributes.email === 'nora@example.com', JSON.stringify(user));
    check(user.userAttributes.sub === signedUp.userSub, 'sub');
    await accountWithFetch(cfg, 'updateUserAttributes', { accessToken: tokens.accessToken, userAttributes: { name: 'Nora N.' } });
    const again = await accountWithFetch(cfg, 'GetUser', { accessToken: tokens.accessToken });
    check(again.userAttributes.name === 'Nora N.', JSON.stringify(again));
    await accountWithFetch(cfg, 'changePassword',
      { accessToken: tokens.accessToken, previousPassword: 'Sign-Up-Horse-7', proposedPassword: 'Changed-Horse-8' });
    const old = await fails(() => signInByHand(cfg, 'nora', 'Sign-Up-Horse-7'));
    check(old instanceof CognitoError && old.code === 'NotAuthorizedException', `${old}`);
    (await signInByHand(cfg, 'nora', 'Changed-Horse-8')).dispose();
  });

  test('account: forgotPassword / confirmForgotPassword with SECRET_HASH; bad input is a typed error', async () => {
    const cfg = config(secretClient);
    const sent = await accountWithFetch(cfg, 'forgotPassword', { username: 'bob' });
    check(sent.codeDeliveryDetails?.deliveryMedium === 'EMAIL', JSON.stringify(sent));
    await accountWithFetch(cfg, 'confirmForgotPassword',
      { username: 'bob', confirmationCode: await codeFor('bob'), password: users.bob.password });
    const unknownMember = await fails(() => accountRequest(cfg, 'getUser', { accessToken: 'x', colour: 'red' }));
    check(unknownMember instanceof CognitoError && unknownMember.kind === 'invalidInput', `${unknownMember}`);
    const admin = await fails(() => accountRequest(cfg, 'adminGetUser', { userPoolId: pool.pool_id, username: 'bob' }));
    check(admin instanceof CognitoError && admin.kind === 'invalidInput' && /SigV4/.test(admin.message), `${admin}`);
    // Service names that are not "capitalize the first letter", both ways.
    const mfa = JSON.parse(accountRequest(cfg, 'setUserMfaPreference', {
      accessToken: 'x', smsMfaSettings: { enabled: false }, softwareTokenMfaSettings: { enabled: true, preferredMfa: true },
    }).body);
    check(mfa.SMSMfaSettings?.Enabled === false && mfa.SoftwareTokenMfaSettings?.PreferredMfa === true, JSON.stringify(mfa));
    const got = accountResponse('getUser', 200, {}, JSON.stringify({
      Username: 'u', UserAttributes: [{ Name: 'email', Value: 'u@example.com' }], UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    }));
    check(got.userAttributes.email === 'u@example.com' && got.userMfaSettingList[0] === 'SOFTWARE_TOKEN_MFA', JSON.stringify(got));
    const notJson = await fails(() => accountResponse('getUser', 200, {}, '<html>'));
    check(notJson instanceof CognitoError && notJson.kind === 'invalidResponse', `${notJson}`);
  });

  // GET the login page, post its form with the user's password, return the redirect's Location.
  async function logInThroughPage(authorizeUrl, username, password) {
    const page = await fetch(authorizeUrl);
    check(page.status === 200 && /text\/html/.test(page.headers.get('content-type')), `login page ${page.status}`);
    const html = await page.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html);
    check(action, 'no form on the login page');
    const target = new URL(action[1].replaceAll('&amp;', '&'), authorizeUrl);
    const posted = await fetch(target, {
      method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username, password }).toString(),
    });
    check(posted.status === 302, `login POST ${posted.status}`);
    return posted.headers.get('location');
  }

  const managedLogin = () => new ManagedLogin(config(oauthClient), { domain: endpoint(), redirectUri: REDIRECT });

  test('managed login: authorize URL (PKCE S256), login page, code exchange, ID token verified with the nonce', async () => {
    const login = managedLogin();
    const pending = login.authorize({ scopes: ['openid', 'email'] });
    const url = new URL(pending.authorizeUrl);
    check(url.pathname === '/oauth2/authorize' && url.searchParams.get('code_challenge_method') === 'S256', pending.authorizeUrl);
    check(url.searchParams.get('redirect_uri') === REDIRECT && url.searchParams.get('client_id') === oauthClient.client_id, 'params');
    // Kept across a page load, and restored.
    const restored = PendingLogin.fromStorageJson(pending.toStorageJson());
    check(!JSON.stringify(pending).includes(url.searchParams.get('state')), 'state hidden from JSON.stringify');
    const location = await logInThroughPage(pending.authorizeUrl, 'olga', users.olga.password);
    check(location.startsWith(`${REDIRECT}?code=`), location);
    const request = login.tokenRequest(restored, restored.callback(location));
    check(request.headers.Authorization?.startsWith('Basic '), 'HTTP Basic client authentication');
    check(/grant_type=authorization_code/.test(request.body) && /code_verifier=/.test(request.body), request.url);
    const response = await fetch(request.url, request);
    const tokens = login.handleTokenResponse(response.status, response.headers, await response.text());
    check(tokens instanceof Tokens && claims(tokens.idToken)['cognito:username'] === 'olga', 'tokens');

    const { issuer, jwks } = await discovery();
    const verifier = new JwtVerifier({ issuer, clientId: oauthClient.client_id, jwks });
    const id = verifier.verifyIdToken(tokens.idToken, { nonce: restored.nonce });
    check(id.token_use === 'id' && id.aud === oauthClient.client_id && id.email === 'olga@example.com', JSON.stringify(id));
    const access = verifier.verifyAccessToken(tokens.accessToken);
    check(access.token_use === 'access' && access.client_id === oauthClient.client_id, JSON.stringify(access));

    const infoRequest = login.userInfoRequest(tokens.accessToken);
    check(infoRequest.method === 'GET' && infoRequest.headers.Authorization.startsWith('Bearer '), 'userInfo request');
    const info = await fetch(infoRequest.url, infoRequest);
    const user = login.handleUserInfoResponse(info.status, info.headers, await info.text());
    check(user.sub === id.sub && user.email === 'olga@example.com', JSON.stringify(user));
    const refreshRequest = login.refreshRequest(tokens.refreshToken);
    const refreshed = await fetch(refreshRequest.url, refreshRequest);
    const newTokens = login.handleRefreshResponse(tokens.refreshToken, refreshed.status, refreshed.headers, await refreshed.text());
    check(verifier.verifyAccessToken(newTokens.accessToken).sub === id.sub, 'refreshed');
    const revoke = login.revokeRequest(tokens.refreshToken);
    const revoked = await fetch(revoke.url, revoke);
    login.handleRevokeResponse(revoked.status, revoked.headers, await revoked.text());
    const afterRevoke = await fails(async () => {
      const r = await fetch(refreshRequest.url, refreshRequest);
      login.handleRefreshResponse(tokens.refreshToken, r.status, r.headers, await r.text());
    });
    check(afterRevoke instanceof CognitoError && afterRevoke.code === 'invalid_grant', `${afterRevoke}`);
    check(login.logoutUrl('http://localhost:5173/').startsWith(`${endpoint()}/logout?`), 'logout URL');
    // The same code a second time: invalid_grant (and the pool revokes what the code gave).
    const reused = await fails(async () => {
      const r = await fetch(request.url, request);
      login.handleTokenResponse(r.status, r.headers, await r.text());
    });
    check(reused instanceof CognitoError && reused.kind === 'service' && reused.code === 'invalid_grant', `${reused}`);
  });

  test('managed login: wrong state, error redirect, wrong redirect URI -> typed errors; exchangeCodeWithFetch', async () => {
    const login = managedLogin();
    const pending = login.authorize();
    const other = login.authorize();
    const location = await logInThroughPage(pending.authorizeUrl, 'olga', users.olga.password);
    const crossed = await fails(() => other.callback(location));
    check(crossed instanceof CognitoError && crossed.code === 'StateMismatch', `${crossed}`);
    const state = new URL(pending.authorizeUrl).searchParams.get('state');
    const denied = await fails(() => pending.callback(`${REDIRECT}?error=access_denied&error_description=no&state=${state}`));
    check(denied instanceof CognitoError && denied.kind === 'service' && denied.code === 'access_denied', `${denied}`);
    const noCode = await fails(() => pending.callback(`${REDIRECT}?state=${state}`));
    check(noCode instanceof CognitoError && noCode.code === 'MissingCode', `${noCode}`);
    const tokens = await exchangeCodeWithFetch(login, pending, location);
    check(claims(tokens.accessToken).username !== undefined, 'tokens');
    // A redirect URI the client did not register: the exchange is refused.
    const elsewhere = new ManagedLogin(config(oauthClient), { domain: endpoint(), redirectUri: 'http://localhost:5173/other' });
    const p2 = elsewhere.authorize();
    const page = await fetch(p2.authorizeUrl, { redirect: 'manual' });
    check(page.status >= 300 && page.status !== 200, `authorize with an unregistered redirect URI: ${page.status}`);
  });

  test('JwtVerifier: bad signature, wrong audience, expired, wrong nonce, unknown kid, malformed', async () => {
    const tokens = await signInByHand(config(env.publicClient), 'olga', users.olga.password);
    const { issuer, jwks: text } = await discovery();
    const jwks = JSON.parse(text);
    const clientId = claims(tokens.idToken).aud;
    const verifier = new JwtVerifier({ issuer, clientId, jwks });
    check(verifier.verifyIdToken(tokens.idToken).sub === claims(tokens.idToken).sub, 'valid');
    const code = (fn) => { try { fn(); return 'verified'; } catch (e) { check(e instanceof CognitoError && e.kind === 'verify', `${e}`); return e.code; } };
    const [h, p, s] = tokens.idToken.split('.');
    const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    check(code(() => verifier.verifyIdToken(flipped)) === 'BadSignature', 'bad signature');
    const otherClient = new JwtVerifier({ issuer, clientId: 'someotherclient00001', jwks });
    check(code(() => otherClient.verifyIdToken(tokens.idToken)) === 'Audience', 'audience');
    otherClient.addClientId(clientId);
    check(code(() => otherClient.verifyIdToken(tokens.idToken)) === 'verified', 'second client id');
    const late = claims(tokens.idToken).exp + 3600;
    check(code(() => verifier.verifyIdToken(tokens.idToken, { now: late })) === 'Expired', 'expired');
    verifier.leeway = 7200;
    check(code(() => verifier.verifyIdToken(tokens.idToken, { now: late })) === 'verified', 'leeway');
    check(code(() => verifier.verifyIdToken(tokens.idToken, { nonce: 'not-this-login' })) === 'Nonce', 'nonce');
    check(code(() => verifier.verifyAccessToken(tokens.idToken)) === 'TokenUse', 'token_use');
    const rotated = { keys: jwks.keys.map((k) => ({ ...k, kid: `${k.kid}-rotated` })) };
    check(code(() => new JwtVerifier({ issuer, clientId, jwks: rotated }).verifyIdToken(tokens.idToken)) === 'UnknownKey', 'kid');
    // forPool expects the region's issuer, which a local pool's tokens do not carry.
    check(code(() => JwtVerifier.forPool(config(env.publicClient), jwks).verifyIdToken(tokens.idToken)) === 'Issuer', 'issuer');
    check(code(() => verifier.verifyIdToken('not.a.jwt')) === 'Malformed', 'malformed');
    check(code(() => new JwtVerifier({ issuer: 'x', clientId: 'y', jwks: '{}' })) === 'Jwks', 'jwks');
  });
}
