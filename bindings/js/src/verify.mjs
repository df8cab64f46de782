// Token verification (the core's `cognito_auth::verify::JwtVerifier`): RS256 against the pool's
// JWKS, issuer, audience / client_id, token_use, exp / nbf / iat with a leeway, the login's
// nonce. Only in the second WebAssembly module (`cognito-auth/full`, the wasm crate's `full`
// feature): RSA would grow the sign-in module every page loads.

import { call, CognitoError, nowSeconds, inspect, redactedView } from './api.mjs';

export function makeVerifier(raw) {
  const RAW = Symbol('raw');

  /** Verifies a pool's ID and access tokens against its JWKS document (fetch and cache it). */
  class JwtVerifier {
    /** `issuer` (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), `clientId`, `jwks` (text or object). */
    constructor({ issuer, clientId, jwks, leeway } = {}) {
      if (issuer === undefined && clientId === undefined && jwks === undefined) return; // forPool()
      this[RAW] = call(() => new raw.RawJwtVerifier(String(issuer ?? ''), String(clientId ?? ''), jwksText(jwks)));
      if (leeway !== undefined) this.leeway = leeway;
    }
    /** For a PoolConfig (or `{ poolId, clientId }`): the issuer follows from the pool id. */
    static forPool({ poolId, clientId }, jwks, { leeway } = {}) {
      const verifier = new JwtVerifier();
      verifier[RAW] = call(() => {
        const config = new raw.RawConfig(String(poolId ?? ''), String(clientId ?? ''), undefined, undefined);
        try { return raw.RawJwtVerifier.forPool(config, jwksText(jwks)); } finally { config.free(); }
      });
      if (leeway !== undefined) verifier.leeway = leeway;
      return verifier;
    }
    get issuer() { return this[RAW].issuer; }
    /** Seconds of clock skew allowed on exp, nbf and iat (default 60). */
    get leeway() { return this[RAW].leeway; }
    set leeway(secs) {
      if (!Number.isInteger(secs) || secs < 0 || secs > 0xffffffff) {
        throw new CognitoError({ kind: 'invalidInput', message: 'the leeway must be a whole number of seconds' });
      }
      this[RAW].leeway = secs;
    }
    /** Accepts tokens of another app client of the pool too. */
    addClientId(clientId) { this[RAW].addClientId(String(clientId)); return this; }
    /** An ID token → its claims; a failed check throws CognitoError kind 'verify' (code 'Expired', 'Nonce', ...). */
    verifyIdToken(token, { now, nonce } = {}) {
      return JSON.parse(call(() => this[RAW].verifyIdToken(String(token), nowSeconds(now), nonce ?? undefined)));
    }
    /** An access token → its claims, or the failed check thrown. */
    verifyAccessToken(token, { now } = {}) {
      return JSON.parse(call(() => this[RAW].verifyAccessToken(String(token), nowSeconds(now))));
    }
    [inspect]() { return redactedView('JwtVerifier', { issuer: this.issuer, leeway: this.leeway }); }
  }

  return { JwtVerifier, CognitoError };
}

function jwksText(jwks) {
  return typeof jwks === 'string' ? jwks : JSON.stringify(jwks ?? null);
}
