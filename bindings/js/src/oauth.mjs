// Managed login (the core's `cognito_auth::oauth`) for JS: the authorization URL with PKCE S256,
// state and nonce; the redirect read (state compared in constant time); the code exchange,
// refresh, revoke and userInfo requests and their replies, the logout URL. Requests are
// `{ url, method, headers, body }` like the API's; tokens come back as the same `Tokens`.

export function makeManagedLogin(raw, { call, flatHeaders, bodyText, nowSeconds, redactedView, inspect, RAW, Tokens, send, CognitoError }) {
  /** The redirect's authorization code (opaque, zeroized when disposed). */
  class AuthorizationCode {
    constructor(rawCode) { this[RAW] = rawCode; }
    dispose() { if (this[RAW]) { this[RAW].free(); this[RAW] = undefined; } }
    toJSON() { return { code: '<redacted>' }; }
    toString() { return '[AuthorizationCode <redacted>]'; }
    [inspect]() { return redactedView('AuthorizationCode', this.toJSON()); }
  }

  /** A login waiting for its redirect: keep it (toStorageJson) until the browser comes back. */
  class PendingLogin {
    constructor(rawPending) { this[RAW] = rawPending; }
    static fromStorageJson(json) { return new PendingLogin(call(() => raw.RawPendingLogin.fromStorageJson(String(json)))); }
    /** The URL to open in the browser. */
    get authorizeUrl() { return this.#raw().authorizeUrl; }
    get redirectUri() { return this.#raw().redirectUri; }
    /** The nonce the ID token must carry (pass it to JwtVerifier.verifyIdToken). */
    get nonce() { return this.#raw().nonce; }
    /** Reads the redirect URL: the code, or a thrown CognitoError (`access_denied`, StateMismatch, ...). */
    callback(redirectUrl) { return new AuthorizationCode(call(() => this.#raw().callback(String(redirectUrl)))); }
    /** JSON with the PKCE verifier, state and nonce (secrets), for session storage across a page load. */
    toStorageJson() { return call(() => this.#raw().toStorageJson()); }
    dispose() { if (this[RAW]) { this[RAW].free(); this[RAW] = undefined; } }
    #raw() {
      if (!this[RAW]) throw new CognitoError({ kind: 'misuse', message: 'the pending login was disposed' });
      return this[RAW];
    }
    toJSON() { return { authorizeUrl: '<redacted>', redirectUri: this[RAW] ? this.redirectUri : undefined }; }
    toString() { return '[PendingLogin <redacted>]'; }
    [inspect]() { return redactedView('PendingLogin', this.toJSON()); }
  }

  /** The hosted UI of a pool for one app client and redirect URI. */
  class ManagedLogin {
    /** `domain`: a base URL, a custom domain's host, or a Cognito prefix with `region`. */
    constructor(config, { domain, region, redirectUri } = {}) {
      this[RAW] = call(() => new raw.RawManagedLogin(config[RAW], String(domain ?? ''), region ?? undefined,
        String(redirectUri ?? '')));
    }
    get domain() { return this[RAW].domain; }
    get redirectUri() { return this[RAW].redirectUri; }
    /** A new login with its own PKCE verifier, state and nonce. */
    authorize({ scopes = [], identityProvider, idpIdentifier, lang, loginHint } = {}) {
      return new PendingLogin(call(() => this[RAW].authorize(scopes.map(String), identityProvider ?? undefined,
        idpIdentifier ?? undefined, lang ?? undefined, loginHint ?? undefined)));
    }
    tokenRequest(pending, code) { return call(() => this[RAW].tokenRequest(pending[RAW], code[RAW])); }
    handleTokenResponse(status, headers, body, now) {
      return new Tokens(call(() => this[RAW].handleTokenResponse(status, flatHeaders(headers), bodyText(body), nowSeconds(now))));
    }
    refreshRequest(refreshToken) { return call(() => this[RAW].refreshRequest(String(refreshToken))); }
    handleRefreshResponse(refreshToken, status, headers, body, now) {
      return new Tokens(call(() => this[RAW].handleRefreshResponse(String(refreshToken), status, flatHeaders(headers),
        bodyText(body), nowSeconds(now))));
    }
    revokeRequest(refreshToken) { return call(() => this[RAW].revokeRequest(String(refreshToken))); }
    handleRevokeResponse(status, headers, body) {
      call(() => this[RAW].handleRevokeResponse(status, flatHeaders(headers), bodyText(body)));
    }
    logoutUrl(logoutUri) { return this[RAW].logoutUrl(String(logoutUri)); }
    /** A GET: no body, so `fetch(request.url, request)` works as for the POSTs. */
    userInfoRequest(accessToken) {
      const { body, ...request } = call(() => this[RAW].userInfoRequest(String(accessToken)));
      return request;
    }
    /** `{ sub, email, email_verified, ... }` as the endpoint names them. */
    handleUserInfoResponse(status, headers, body) {
      return JSON.parse(call(() => this[RAW].handleUserInfoResponse(status, flatHeaders(headers), bodyText(body))));
    }
    [inspect]() { return redactedView('ManagedLogin', { domain: this.domain, redirectUri: this.redirectUri }); }
  }

  /** The redirect URL of a login → Tokens: reads it, exchanges the code through fetch. */
  async function exchangeCodeWithFetch(login, pending, redirectUrl, { fetch: fetchImpl = globalThis.fetch, now } = {}) {
    const code = pending.callback(redirectUrl);
    try {
      const response = await send(login.tokenRequest(pending, code), fetchImpl);
      return login.handleTokenResponse(response.status, response.headers, response.body, now);
    } finally {
      code.dispose();
    }
  }

  return { ManagedLogin, PendingLogin, AuthorizationCode, exchangeCodeWithFetch };
}
