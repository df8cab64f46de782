// Type declarations of `cognito-auth/full` (src/full-node.mjs, src/full-web.mjs): everything the
// main entry has, plus the typed account calls, managed login and JwtVerifier, in a second
// WebAssembly module (their per-operation parsers and RSA stay out of the sign-in module).

import type { PoolConfig, Tokens, HttpRequest, HeadersInput, BodyInput } from './index.js';

export * from './index.js';
export { default } from './index.js';

type Fetch = typeof globalThis.fetch;
// ---- account operations (typed, SECRET_HASH added by the core's builders) ----------------------

/** User attributes by name: `{ email: 'a@example.com', 'custom:plan': 'pro' }`. */
export type Attributes = Record<string, string>;
export interface CodeDeliveryDetails { destination?: string; deliveryMedium?: string; attributeName?: string }
export interface MfaSettings { enabled?: boolean; preferredMfa?: boolean }

/** Each operation's camelCase input and output (the service's members, first letter lowered). */
export interface AccountOperations {
  signUp: {
    input: { username: string; password?: string; userAttributes?: Attributes; validationData?: Attributes;
      clientMetadata?: Record<string, string> };
    output: { userConfirmed: boolean; userSub: string; codeDeliveryDetails?: CodeDeliveryDetails; session?: string };
  };
  confirmSignUp: {
    input: { username: string; confirmationCode: string; forceAliasCreation?: boolean; session?: string;
      clientMetadata?: Record<string, string> };
    output: { session?: string };
  };
  resendConfirmationCode: { input: { username: string; clientMetadata?: Record<string, string> }; output: { codeDeliveryDetails?: CodeDeliveryDetails } };
  forgotPassword: { input: { username: string; clientMetadata?: Record<string, string> }; output: { codeDeliveryDetails?: CodeDeliveryDetails } };
  confirmForgotPassword: {
    input: { username: string; confirmationCode: string; password: string; clientMetadata?: Record<string, string> };
    output: Record<string, never>;
  };
  changePassword: { input: { accessToken: string; previousPassword?: string; proposedPassword: string }; output: Record<string, never> };
  getUser: {
    input: { accessToken: string };
    output: { username: string; userAttributes: Attributes; mfaOptions?: unknown[]; preferredMfaSetting?: string;
      userMfaSettingList?: string[] };
  };
  deleteUser: { input: { accessToken: string }; output: Record<string, never> };
  globalSignOut: { input: { accessToken: string }; output: Record<string, never> };
  getUserAuthFactors: { input: { accessToken: string }; output: { username: string; configuredUserAuthFactors?: string[];
    preferredMfaSetting?: string; userMfaSettingList?: string[] } };
  updateUserAttributes: {
    input: { accessToken: string; userAttributes: Attributes; clientMetadata?: Record<string, string> };
    output: { codeDeliveryDetailsList?: CodeDeliveryDetails[] };
  };
  verifyUserAttribute: { input: { accessToken: string; attributeName: string; code: string }; output: Record<string, never> };
  getUserAttributeVerificationCode: {
    input: { accessToken: string; attributeName: string; clientMetadata?: Record<string, string> };
    output: { codeDeliveryDetails?: CodeDeliveryDetails };
  };
  deleteUserAttributes: { input: { accessToken: string; userAttributeNames: string[] }; output: Record<string, never> };
  revokeToken: { input: { token: string }; output: Record<string, never> };
  confirmDevice: {
    input: { accessToken: string; deviceKey: string; deviceSecretVerifierConfig?: { passwordVerifier: string; salt: string };
      deviceName?: string };
    output: { userConfirmationNecessary?: boolean };
  };
  listDevices: { input: { accessToken: string; limit?: number; paginationToken?: string };
    output: { devices: Array<{ deviceKey?: string; deviceAttributes?: Attributes; [member: string]: unknown }>; paginationToken?: string } };
  getDevice: { input: { accessToken: string; deviceKey: string }; output: { device: { deviceKey?: string; deviceAttributes?: Attributes; [member: string]: unknown } } };
  forgetDevice: { input: { accessToken: string; deviceKey: string }; output: Record<string, never> };
  updateDeviceStatus: { input: { accessToken: string; deviceKey: string; deviceRememberedStatus: 'remembered' | 'not_remembered' };
    output: Record<string, never> };
  associateSoftwareToken: { input: { accessToken: string } | { session: string }; output: { secretCode?: string; session?: string } };
  verifySoftwareToken: { input: ({ accessToken: string } | { session: string }) & { userCode: string; friendlyDeviceName?: string };
    output: { status?: 'SUCCESS' | 'ERROR'; session?: string } };
  setUserMfaPreference: {
    input: { accessToken: string; smsMfaSettings?: MfaSettings; softwareTokenMfaSettings?: MfaSettings;
      emailMfaSettings?: MfaSettings; webAuthnMfaSettings?: { enabled?: boolean } };
    output: Record<string, never>;
  };
}
export type AccountOperation = keyof AccountOperations;

/** The request of an account operation, built by the core (ClientId, SECRET_HASH with a client secret). */
export function accountRequest<O extends AccountOperation>(config: PoolConfig, operation: O, input: AccountOperations[O]['input']): HttpRequest;
/** Its reply: the camelCase output, or a thrown CognitoError. */
export function accountResponse<O extends AccountOperation>(operation: O, status: number, headers: HeadersInput, body: BodyInput):
  AccountOperations[O]['output'];
export function accountWithFetch<O extends AccountOperation>(config: PoolConfig, operation: O, input: AccountOperations[O]['input'],
  options?: { fetch?: Fetch }): Promise<AccountOperations[O]['output']>;

// ---- managed login (hosted UI: OAuth 2.0 authorization code + PKCE S256) ------------------------

/** The redirect's code (opaque; printed as <redacted>). */
export class AuthorizationCode {
  dispose(): void;
}

/** A login waiting for its redirect: the PKCE verifier, state and nonce (secrets). */
export class PendingLogin {
  static fromStorageJson(json: string): PendingLogin;
  /** Open this URL in the browser. */
  readonly authorizeUrl: string;
  readonly redirectUri: string;
  /** The nonce the ID token must carry (JwtVerifier.verifyIdToken's `nonce`). */
  readonly nonce: string;
  /** Reads the redirect URL (state compared in constant time); throws CognitoError on an error redirect or a wrong state. */
  callback(redirectUrl: string): AuthorizationCode;
  /** A secret: keep it in session storage only, for one redirect. */
  toStorageJson(): string;
  dispose(): void;
}

export interface ManagedLoginOptions {
  /** A base URL ('https://auth.example.com', a local pool's endpoint), a custom domain's host, or a prefix with `region`. */
  domain: string;
  region?: string;
  redirectUri: string;
}

export class ManagedLogin {
  constructor(config: PoolConfig, options: ManagedLoginOptions);
  readonly domain: string;
  readonly redirectUri: string;
  authorize(options?: { scopes?: string[]; identityProvider?: string; idpIdentifier?: string; lang?: string; loginHint?: string }): PendingLogin;
  /** POST /oauth2/token (authorization_code with the PKCE verifier; HTTP Basic with a client secret). */
  tokenRequest(pending: PendingLogin, code: AuthorizationCode): HttpRequest;
  handleTokenResponse(status: number, headers: HeadersInput, body: BodyInput, now?: number): Tokens;
  refreshRequest(refreshToken: string): HttpRequest;
  handleRefreshResponse(refreshToken: string, status: number, headers: HeadersInput, body: BodyInput, now?: number): Tokens;
  revokeRequest(refreshToken: string): HttpRequest;
  handleRevokeResponse(status: number, headers: HeadersInput, body: BodyInput): void;
  logoutUrl(logoutUri: string): string;
  /** A GET without a body. */
  userInfoRequest(accessToken: string): Omit<HttpRequest, 'body'>;
  handleUserInfoResponse(status: number, headers: HeadersInput, body: BodyInput): { sub: string; [claim: string]: unknown };
}

/** Reads the redirect URL and exchanges the code through fetch. */
export function exchangeCodeWithFetch(login: ManagedLogin, pending: PendingLogin, redirectUrl: string,
  options?: { fetch?: Fetch; now?: number }): Promise<Tokens>;

// ---- token verification (RS256 against the pool's JWKS) -----------------------------------------

/** JSON Web Key Set: the text of `<issuer>/.well-known/jwks.json`, or the parsed object. */
export type Jwks = string | { keys: unknown[] };

export interface Claims {
  sub?: string;
  iss?: string;
  token_use?: 'id' | 'access';
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

export class JwtVerifier {
  /** `issuer`: `https://cognito-idp.<region>.amazonaws.com/<poolId>`; `leeway` in seconds (default 60). */
  constructor(options: { issuer: string; clientId: string; jwks: Jwks; leeway?: number });
  /** For a PoolConfig or `{ poolId, clientId }`. */
  static forPool(pool: { poolId: string; clientId: string }, jwks: Jwks, options?: { leeway?: number }): JwtVerifier;
  readonly issuer: string;
  leeway: number;
  addClientId(clientId: string): this;
  /** Throws CognitoError kind 'verify', code 'BadSignature' | 'Expired' | 'NotYetValid' | 'Audience' | 'Issuer' | 'TokenUse' | 'Nonce' | 'UnknownKey' (refetch the JWKS) | 'Algorithm' | 'Malformed' | 'Jwks'. */
  verifyIdToken(token: string, options?: { now?: number; nonce?: string }): Claims;
  verifyAccessToken(token: string, options?: { now?: number }): Claims;
}
