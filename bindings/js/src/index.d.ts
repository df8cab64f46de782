// Type declarations of the npm package `cognito-auth` (Node entry src/node.mjs, web entry src/web.mjs).

/** Browsers: fetch and instantiate the .wasm once, before anything else. Node: does nothing. */
export default function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<unknown>;

export interface HttpRequest {
  url: string;
  /** 'GET' only for managed login's userInfo request. */
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** JSON; may carry the password (USER_PASSWORD_AUTH), tokens or the Session. */
  body: string;
}

export type HeadersInput = Headers | Map<string, string> | Array<[string, string]> | Record<string, string | string[] | undefined>;
export type BodyInput = string | ArrayBuffer | ArrayBufferView;

/** 'verify': a token that did not verify (cognito-auth/verify; `code` names the check). */
export type ErrorKind = 'service' | 'invalidResponse' | 'protocol' | 'misuse' | 'invalidInput' | 'internal' | 'verify';

export class CognitoError extends Error {
  readonly name: 'CognitoError';
  readonly kind: ErrorKind;
  /**
   * The service's exception name, e.g. 'NotAuthorizedException' (kind 'service'); for managed
   * login the OAuth error code ('invalid_grant', 'access_denied') or the redirect's fault
   * ('StateMismatch', 'MissingState', 'MissingCode', 'MalformedRedirect').
   */
  readonly code?: string;
  /** Throttling and server faults: try again later. */
  readonly retryable: boolean;
  readonly status?: number;
  readonly requestId?: string;
}

export interface PoolConfigOptions {
  poolId: string;
  clientId: string;
  clientSecret?: string;
  /** Another endpoint than the region's (a local pool, a proxy). */
  endpoint?: string;
}

export class PoolConfig {
  constructor(options: PoolConfigOptions);
  readonly poolId: string;
  readonly clientId: string;
  readonly url: string;
}

export interface NewDeviceMetadata { deviceKey: string; deviceGroupKey: string }

/** Tokens kept in wasm memory; printed and serialized as <redacted>. */
export class Tokens {
  static fromStorageJson(json: string): Tokens;
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly tokenType: string;
  readonly expiresIn: number;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly newDevice: NewDeviceMetadata | undefined;
  readonly internalUsername: string | undefined;
  isExpired(now?: number, marginSeconds?: number): boolean;
  /** JSON holding the tokens, for secure storage. */
  toStorageJson(): string;
  /** Zeroizes them in wasm memory. */
  dispose(): void;
}

export class DeviceCredentials {
  static fromStorageJson(json: string): DeviceCredentials;
  readonly deviceKey: string;
  readonly deviceGroupKey: string;
  readonly userSub: string;
  readonly devicePassword: string;
  toStorageJson(): string;
  dispose(): void;
}

export interface Challenge {
  /** Cognito's ChallengeName: 'SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'EMAIL_OTP', 'NEW_PASSWORD_REQUIRED', ... */
  name: string;
  destination?: string;
  medium?: string;
  factors?: string[];
  userAttributes?: Record<string, string>;
  requiredAttributes?: string[];
  parameters?: Record<string, string>;
  /** TOTP enrolment (MFA_SETUP): the base32 secret and otpauth URI. */
  secret?: string;
  uri?: string;
  credentialRequestOptions?: string;
}

export type ChallengeAnswer =
  | string
  | { code: string }
  | { kind: 'code'; code: string }
  | { kind: 'selectMfaType'; factor: string }
  | { kind: 'newPassword'; password: string; attributes?: Record<string, string> }
  | { kind: 'custom'; answer: string }
  | { kind: 'webAuthnCredential'; credential: string }
  | { kind: 'setUpTotp' }
  | { kind: 'verifyTotp'; code: string; friendlyName?: string }
  | { kind: 'setUpEmail'; email: string }
  | { kind: 'selectFirstFactor'; factor: string }
  | { kind: 'password'; password: string };

export type Step =
  | { kind: 'send'; request: HttpRequest }
  | { kind: 'challenge'; challenge: Challenge }
  | { kind: 'done'; tokens: Tokens }
  | { kind: 'deviceForgotten'; request: HttpRequest; deviceKey: string }
  | { kind: 'confirmSignUp' }
  | { kind: 'resetPassword' };

export type AuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_AUTH' | 'CUSTOM_AUTH_WITHOUT_SRP' | 'USER_AUTH';
export type RefreshFlow = 'GetTokensFromRefreshToken' | 'REFRESH_TOKEN_AUTH';

export class SignIn {
  constructor(config: PoolConfig, username: string, password?: string, options?: { flow?: AuthFlow; device?: DeviceCredentials });
  /** `cognito-auth/full` only (the main entry throws a 'misuse' CognitoError). */
  static resume(config: PoolConfig, suspendedJson: string): SignIn;
  start(): HttpRequest;
  /** `now`: Unix seconds (default Date.now() / 1000). Throws CognitoError. */
  handleResponse(status: number, headers: HeadersInput, body: BodyInput, now?: number): Step;
  answer(answer: ChallengeAnswer): HttpRequest;
  readonly status: 'notStarted' | 'awaitingResponse' | 'awaitingAnswer' | 'done' | 'failed';
  readonly userId: string | undefined;
  /** `cognito-auth/full` only (the main entry throws a 'misuse' CognitoError). */
  suspend(): string | undefined;
  dispose(): void;
}

export class Refresh {
  constructor(config: PoolConfig, tokens: Tokens, options?: { flow?: RefreshFlow });
  static fromRefreshToken(config: PoolConfig, refreshToken: string,
    options?: { flow?: RefreshFlow; internalUsername?: string; deviceKey?: string }): Refresh;
  request(): HttpRequest;
  handleResponse(status: number, headers: HeadersInput, body: BodyInput, now?: number): Tokens;
}

export class TokenManager {
  constructor(config: PoolConfig, tokens: Tokens, options?: { margin?: number; flow?: RefreshFlow; requestTimeout?: number });
  readonly tokens: Tokens | undefined;
  accessToken(now?: number): string | undefined;
  readonly isRefreshing: boolean;
  nextRefreshAt(): number | undefined;
  pollRefresh(now?: number): HttpRequest | undefined;
  refreshNow(): HttpRequest | undefined;
  handleRefreshResponse(status: number, headers: HeadersInput, body: BodyInput, now?: number):
    { outcome: 'refreshed' | 'retryLater' | 'signedOut'; error?: CognitoError };
  handleTransportFailure(now?: number): void;
}

export class DeviceConfirmation {
  constructor(config: PoolConfig, tokens: Tokens);
  start(deviceName?: string): HttpRequest;
  handleResponse(status: number, headers: HeadersInput, body: BodyInput): { device: DeviceCredentials; userConfirmationNecessary: boolean };
  remember(remember?: boolean): HttpRequest;
  handleStatusResponse(status: number, headers: HeadersInput, body: BodyInput): void;
}

/** Any Cognito operation by name with its JSON input (no SECRET_HASH is added). */
export function operationRequest(config: PoolConfig, operation: string, input: unknown): HttpRequest;
export function operationResponse(status: number, headers: HeadersInput, body: BodyInput): any;
/** `cognito-auth/full` only (the main entry throws a 'misuse' CognitoError). */
export function totpCode(secret: string, now?: number): string;

type Fetch = typeof globalThis.fetch;
export interface SignInWithFetchOptions {
  onChallenge?: (challenge: Challenge, context: { error?: CognitoError }) => ChallengeAnswer | Promise<ChallengeAnswer>;
  device?: DeviceCredentials;
  flow?: AuthFlow;
  fetch?: Fetch;
  now?: number | (() => number);
  maxCodeRetries?: number;
}
export function signInWithFetch(config: PoolConfig, username: string, password: string | undefined,
  options?: SignInWithFetchOptions & { confirmDevice?: undefined | false }): Promise<Tokens>;
export function signInWithFetch(config: PoolConfig, username: string, password: string | undefined,
  options: SignInWithFetchOptions & { confirmDevice: true | { deviceName?: string; remember?: boolean } }):
  Promise<{ tokens: Tokens; device: DeviceCredentials | undefined }>;
export function confirmDeviceWithFetch(config: PoolConfig, tokens: Tokens,
  options?: { deviceName?: string; remember?: boolean; fetch?: Fetch }): Promise<DeviceCredentials>;
export function refreshWithFetch(config: PoolConfig, tokens: Tokens, options?: { flow?: RefreshFlow; fetch?: Fetch; now?: number }): Promise<Tokens>;
export function callWithFetch(config: PoolConfig, operation: string, input: unknown, options?: { fetch?: Fetch }): Promise<any>;

