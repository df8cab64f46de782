// The JavaScript API over the raw wasm-bindgen classes (bindings/cognito-auth-wasm). Nothing
// here builds a request or reads a reply: that is all the Rust core's. This layer converts
// shapes (headers, answers, errors), keeps tokens out of console.log / JSON.stringify, and
// drives fetch. The typed account calls and managed login (cognito-auth/full only) are in
// account.mjs and oauth.mjs.

import { makeAccount } from './account.mjs';
import { makeManagedLogin } from './oauth.mjs';

export const inspect = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '<redacted>';

/** A Cognito or client-side failure. `code` is the service's exception name for `kind: 'service'`. */
export class CognitoError extends Error {
  constructor(info) {
    super(info.code ? `${info.code}: ${info.message}` : info.message);
    this.name = 'CognitoError';
    /** 'service' | 'invalidResponse' | 'protocol' | 'misuse' | 'invalidInput' | 'internal' */
    this.kind = info.kind;
    /** The service's exception name ('NotAuthorizedException', ...), or undefined. */
    this.code = info.code ?? undefined;
    /** True for throttling and server faults: try again later. */
    this.retryable = Boolean(info.retryable);
    this.status = info.status ?? undefined;
    this.requestId = info.requestId ?? undefined;
  }
}

export function toError(e) {
  if (typeof e === 'string' && e.startsWith('{')) {
    try { return new CognitoError(JSON.parse(e)); } catch { /* not ours */ }
  }
  return e;
}

export function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw toError(e);
  }
}

// Headers as [name, value, name, value, ...]: from a fetch `Headers`, a Map, pairs or an object.
export function flatHeaders(headers) {
  const flat = [];
  if (!headers) return flat;
  const push = (name, value) => {
    if (value === undefined || value === null) return;
    flat.push(String(name), Array.isArray(value) ? value.join(', ') : String(value));
  };
  if (typeof headers.forEach === 'function' && !Array.isArray(headers)) {
    if (headers instanceof Map) headers.forEach((value, name) => push(name, value));
    else headers.forEach((value, name) => push(name, value)); // fetch Headers
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) push(name, value);
  } else {
    for (const name of Object.keys(headers)) push(name, headers[name]);
  }
  return flat;
}

const decoder = new TextDecoder();
export function bodyText(body) {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body));
  if (ArrayBuffer.isView(body)) return decoder.decode(body);
  return String(body);
}

export function nowSeconds(now) {
  return now === undefined ? Date.now() / 1000 : Number(now);
}

export function redactedView(name, view) {
  const object = { ...view };
  Object.defineProperty(object, 'constructor', { value: { name }, enumerable: false });
  return object;
}

export function makeApi(raw) {
  const RAW = Symbol('raw');

  /** The user pool and app client. */
  class PoolConfig {
    constructor({ poolId, clientId, clientSecret, endpoint } = {}) {
      this[RAW] = call(() => new raw.RawConfig(String(poolId ?? ''), String(clientId ?? ''),
        clientSecret ?? undefined, endpoint ?? undefined));
    }
    get poolId() { return this[RAW].poolId; }
    get clientId() { return this[RAW].clientId; }
    get url() { return this[RAW].url; }
    toJSON() { return { poolId: this.poolId, clientId: this.clientId, url: this.url }; }
    [inspect]() { return redactedView('PoolConfig', this.toJSON()); }
  }

  /** Tokens, kept in wasm memory; read each through its getter. Never printed. */
  class Tokens {
    constructor(rawTokens) { this[RAW] = rawTokens; }
    static fromStorageJson(json) { return new Tokens(call(() => raw.RawTokens.fromStorageJson(String(json)))); }
    get idToken() { return this.#raw().idToken; }
    get accessToken() { return this.#raw().accessToken; }
    get refreshToken() { return this.#raw().refreshToken; }
    get tokenType() { return this.#raw().tokenType; }
    get expiresIn() { return this.#raw().expiresIn; }
    get expiresAt() { return this.#raw().expiresAt; }
    get newDevice() { return this.#raw().newDevice; }
    get internalUsername() { return this.#raw().internalUsername; }
    isExpired(now, marginSeconds = 0) { return call(() => this.#raw().isExpired(nowSeconds(now), marginSeconds)); }
    /** JSON holding the tokens, for the app's secure storage. */
    toStorageJson() { return call(() => this.#raw().toStorageJson()); }
    /** Zeroizes the tokens in wasm memory; the object is unusable after. */
    dispose() { if (this[RAW]) { this[RAW].free(); this[RAW] = undefined; } }
    #raw() {
      if (!this[RAW]) throw new CognitoError({ kind: 'misuse', message: 'the tokens were disposed' });
      return this[RAW];
    }
    toJSON() {
      if (!this[RAW]) return { disposed: true };
      return {
        idToken: REDACTED, accessToken: REDACTED, refreshToken: this.refreshToken === undefined ? undefined : REDACTED,
        tokenType: this.tokenType, expiresIn: this.expiresIn, expiresAt: this.expiresAt, newDevice: this.newDevice,
      };
    }
    toString() { return '[Tokens <redacted>]'; }
    [inspect]() { return redactedView('Tokens', this.toJSON()); }
  }

  /** A remembered device. Store `toStorageJson()` securely, under the user's `sub`. */
  class DeviceCredentials {
    constructor(rawDevice) { this[RAW] = rawDevice; }
    static fromStorageJson(json) { return new DeviceCredentials(call(() => raw.RawDevice.fromStorageJson(String(json)))); }
    get deviceKey() { return this[RAW].deviceKey; }
    get deviceGroupKey() { return this[RAW].deviceGroupKey; }
    get userSub() { return this[RAW].userSub; }
    get devicePassword() { return this[RAW].devicePassword; }
    toStorageJson() { return call(() => this[RAW].toStorageJson()); }
    dispose() { if (this[RAW]) { this[RAW].free(); this[RAW] = undefined; } }
    toJSON() {
      return { deviceKey: this.deviceKey, deviceGroupKey: this.deviceGroupKey, userSub: this.userSub, devicePassword: REDACTED };
    }
    toString() { return `[DeviceCredentials ${this.deviceKey}]`; }
    [inspect]() { return redactedView('DeviceCredentials', this.toJSON()); }
  }

  function step(rawStep) {
    switch (rawStep.kind) {
      case 'done': return { kind: 'done', tokens: new Tokens(rawStep.tokens) };
      default: return rawStep;
    }
  }

  // Suspend/resume and TOTP codes are in the full module only (`cognito-auth/full`): the module
  // every page loads leaves out their parsers, SHA-1 and base32.
  function fullOnly(what, present) {
    if (typeof present !== 'function') {
      throw new CognitoError({ kind: 'misuse', message: `${what} is in cognito-auth/full, not in the main entry` });
    }
  }

  // '123456' or { code } → { kind: 'code', code }; otherwise { kind, ... } as documented. The
  // members go to the wasm side as [name, value, ...] (it checks their types), with no JSON.
  function answerParts(answer) {
    if (typeof answer === 'string') answer = { kind: 'code', code: answer };
    else if (answer && !answer.kind && typeof answer.code === 'string') answer = { kind: 'code', code: answer.code };
    const notObject = (value) => typeof value !== 'object' || value === null || Array.isArray(value);
    const invalid = (message) => new CognitoError({ kind: 'invalidInput', message: `not an answer: ${message}` });
    if (notObject(answer)) throw invalid('expected { kind, ... }');
    const { attributes = {}, ...members } = answer;
    if (attributes !== null && notObject(attributes)) throw invalid('`attributes` is not an object');
    return [Object.entries(members).flat(), Object.entries(attributes ?? {}).flat()];
  }

  /** One user's sign-in: start(), then handleResponse() for each reply, answer() challenges. */
  class SignIn {
    constructor(config, username, password, { flow, device } = {}) {
      if (config === undefined) return; // resume()
      this[RAW] = call(() => new raw.RawSignIn(config[RAW], String(username), password ?? undefined,
        flow ?? undefined, device ? device[RAW].clone() : undefined));
    }
    static resume(config, suspendedJson) {
      fullOnly('SignIn.resume', raw.RawSignIn.resume);
      const signIn = new SignIn();
      signIn[RAW] = call(() => raw.RawSignIn.resume(config[RAW], String(suspendedJson)));
      return signIn;
    }
    /** The InitiateAuth request: `{ url, method, headers, body }`. */
    start() { return call(() => this[RAW].start()); }
    /** The reply; `now` in Unix seconds (default: Date.now()). */
    handleResponse(status, headers, body, now) {
      return step(call(() => this[RAW].handleResponse(status, flatHeaders(headers), bodyText(body), nowSeconds(now))));
    }
    answer(answer) { return call(() => this[RAW].answer(...answerParts(answer))); }
    get status() { return this[RAW].status; }
    get userId() { return this[RAW].userId; }
    /** JSON of a sign-in waiting at a challenge (a secret: the Session), or undefined. */
    suspend() { fullOnly('SignIn.suspend', this[RAW].suspend); return call(() => this[RAW].suspend()); }
    dispose() { if (this[RAW]) { this[RAW].free(); this[RAW] = undefined; } }
    [inspect]() { return redactedView('SignIn', { status: this.status }); }
  }

  /** One refresh of the tokens (GetTokensFromRefreshToken unless flow: 'REFRESH_TOKEN_AUTH'). */
  class Refresh {
    constructor(config, tokens, { flow } = {}) {
      if (config === undefined) return;
      this[RAW] = call(() => new raw.RawRefresh(config[RAW], tokens[RAW], flow ?? undefined));
    }
    static fromRefreshToken(config, refreshToken, { flow, internalUsername, deviceKey } = {}) {
      const refresh = new Refresh();
      refresh[RAW] = call(() => raw.RawRefresh.fromRefreshToken(config[RAW], String(refreshToken), flow ?? undefined,
        internalUsername ?? undefined, deviceKey ?? undefined));
      return refresh;
    }
    request() { return call(() => this[RAW].request()); }
    handleResponse(status, headers, body, now) {
      return new Tokens(call(() => this[RAW].handleResponse(status, flatHeaders(headers), bodyText(body), nowSeconds(now))));
    }
  }

  /** Single-flight refresh with backoff (the core's TokenManager). */
  class TokenManager {
    constructor(config, tokens, { margin, flow, requestTimeout } = {}) {
      this[RAW] = call(() => new raw.RawTokenManager(config[RAW], tokens[RAW], margin ?? undefined, flow ?? undefined,
        requestTimeout ?? undefined));
    }
    get tokens() { const t = this[RAW].tokens(); return t ? new Tokens(t) : undefined; }
    accessToken(now) { return call(() => this[RAW].accessToken(nowSeconds(now))); }
    get isRefreshing() { return this[RAW].isRefreshing; }
    nextRefreshAt() { return this[RAW].nextRefreshAt(); }
    pollRefresh(now) { return call(() => this[RAW].pollRefresh(nowSeconds(now))); }
    refreshNow() { return call(() => this[RAW].refreshNow()); }
    /** `{ outcome: 'refreshed' | 'retryLater' | 'signedOut', error?: CognitoError }` */
    handleRefreshResponse(status, headers, body, now) {
      const r = call(() => this[RAW].handleRefreshResponse(status, flatHeaders(headers), bodyText(body), nowSeconds(now)));
      return { outcome: r.outcome, error: r.error === undefined ? undefined : toError(r.error) };
    }
    handleTransportFailure(now) { call(() => this[RAW].handleTransportFailure(nowSeconds(now))); }
    [inspect]() { return redactedView('TokenManager', { isRefreshing: this.isRefreshing }); }
  }

  /** ConfirmDevice for the new device of a sign-in, then (optionally) remember it. */
  class DeviceConfirmation {
    constructor(config, tokens) { this[RAW] = call(() => new raw.RawDeviceConfirmation(config[RAW], tokens[RAW])); }
    start(deviceName) { return call(() => this[RAW].start(deviceName ?? undefined)); }
    /** `{ device: DeviceCredentials, userConfirmationNecessary }` */
    handleResponse(status, headers, body) {
      const r = call(() => this[RAW].handleResponse(status, flatHeaders(headers), bodyText(body)));
      return { device: new DeviceCredentials(r.device), userConfirmationNecessary: r.userConfirmationNecessary };
    }
    remember(remember = true) { return call(() => this[RAW].remember(Boolean(remember))); }
    handleStatusResponse(status, headers, body) {
      call(() => this[RAW].handleStatusResponse(status, flatHeaders(headers), bodyText(body)));
    }
  }

  /** Any operation by name (e.g. 'GetUser') with its JSON input: the request to send. */
  function operationRequest(config, operation, input) {
    return call(() => raw.rawOperationRequest(config[RAW], String(operation), JSON.stringify(input ?? {})));
  }

  /** The reply to operationRequest(): the output object, or a thrown CognitoError. */
  function operationResponse(status, headers, body) {
    return JSON.parse(call(() => raw.rawOperationResponse(status, flatHeaders(headers), bodyText(body))));
  }

  /** The current 6-digit TOTP code for a base32 secret. */
  function totpCode(secret, now) {
    fullOnly('totpCode', raw.totpCode);
    return call(() => raw.totpCode(String(secret), nowSeconds(now)));
  }

  // ---- the fetch driver -------------------------------------------------------------------
  async function send(request, fetchImpl) {
    const response = await fetchImpl(request.url, { method: request.method, headers: request.headers,
      body: request.method === 'GET' ? undefined : request.body });
    return { status: response.status, headers: response.headers, body: await response.text() };
  }

  /**
   * Signs in through fetch. `onChallenge(challenge, { error })` returns the answer (a code
   * string or `{ kind, ... }`); it is asked again after a wrong code (up to `maxCodeRetries`).
   * Resolves to Tokens; with `confirmDevice` (true or confirmDeviceWithFetch's options) it
   * confirms a new device too and resolves to `{ tokens, device }`.
   */
  async function signInWithFetch(config, username, password, options = {}) {
    const { onChallenge, device, flow, fetch: fetchImpl = globalThis.fetch, now, maxCodeRetries = 3, confirmDevice } = options;
    const clock = () => nowSeconds(typeof now === 'function' ? now() : now);
    const signIn = new SignIn(config, username, password, { flow, device });
    try {
      let request = signIn.start();
      let challenge;
      let wrongCodes = 0;
      for (let round = 0; round < 32; round += 1) {
        const response = await send(request, fetchImpl);
        let next;
        try {
          next = signIn.handleResponse(response.status, response.headers, response.body, clock());
        } catch (error) {
          if (error instanceof CognitoError && error.code === 'CodeMismatchException' && challenge && onChallenge
              && wrongCodes < maxCodeRetries) {
            wrongCodes += 1;
            request = signIn.answer(await onChallenge(challenge, { error }));
            continue;
          }
          throw error;
        }
        switch (next.kind) {
          case 'send':
          case 'deviceForgotten':
            request = next.request;
            break;
          case 'challenge':
            if (!onChallenge) throw new CognitoError({ kind: 'misuse', message: `challenge ${next.challenge.name} and no onChallenge` });
            challenge = next.challenge;
            request = signIn.answer(await onChallenge(challenge, {}));
            break;
          case 'done': {
            if (!confirmDevice) return next.tokens;
            const confirmed = next.tokens.newDevice
              ? await confirmDeviceWithFetch(config, next.tokens, { fetch: fetchImpl, ...(confirmDevice === true ? {} : confirmDevice) })
              : undefined;
            return { tokens: next.tokens, device: confirmed };
          }
          default:
            throw new CognitoError({ kind: 'misuse', message: `the sign-in needs ${next.kind}` });
        }
      }
      throw new CognitoError({ kind: 'protocol', message: 'too many round trips' });
    } finally {
      signIn.dispose();
    }
  }

  /** ConfirmDevice (and UpdateDeviceStatus remembered, if `remember` and the pool asks). */
  async function confirmDeviceWithFetch(config, tokens, { deviceName, remember = true, fetch: fetchImpl = globalThis.fetch } = {}) {
    const confirmation = new DeviceConfirmation(config, tokens);
    let response = await send(confirmation.start(deviceName), fetchImpl);
    const { device, userConfirmationNecessary } = confirmation.handleResponse(response.status, response.headers, response.body);
    if (userConfirmationNecessary && remember) {
      response = await send(confirmation.remember(true), fetchImpl);
      confirmation.handleStatusResponse(response.status, response.headers, response.body);
    }
    return device;
  }

  /** Refreshes through fetch; resolves to the new Tokens. */
  async function refreshWithFetch(config, tokens, { flow, fetch: fetchImpl = globalThis.fetch, now } = {}) {
    const refresh = new Refresh(config, tokens, { flow });
    const response = await send(refresh.request(), fetchImpl);
    return refresh.handleResponse(response.status, response.headers, response.body, now);
  }

  /** Any operation through fetch: resolves to its output object. */
  async function callWithFetch(config, operation, input, { fetch: fetchImpl = globalThis.fetch } = {}) {
    const response = await send(operationRequest(config, operation, input), fetchImpl);
    return operationResponse(response.status, response.headers, response.body);
  }

  const shared = {
    call, flatHeaders, bodyText, nowSeconds, redactedView, inspect, RAW, Tokens, send, CognitoError,
  };
  return {
    PoolConfig, SignIn, Tokens, DeviceCredentials, Refresh, TokenManager, DeviceConfirmation, CognitoError,
    operationRequest, operationResponse, totpCode,
    signInWithFetch, confirmDeviceWithFetch, refreshWithFetch, callWithFetch,
    // Only the `full` module (cognito-auth/full) has the typed account calls and managed login.
    ...(raw.rawAccountRequest ? makeAccount(raw, shared) : {}),
    ...(raw.RawManagedLogin ? makeManagedLogin(raw, shared) : {}),
  };
}
