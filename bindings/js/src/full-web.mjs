// Browser entry of `cognito-auth/full`: call `await init()` once (it fetches
// cognito_auth_full_bg.wasm, or pass a URL, Response or module).
import initWasm, * as raw from '../pkg/full/web/cognito_auth_full.js';

import { makeApi } from './api.mjs';
import { makeVerifier } from './verify.mjs';

let ready;
export default function init(input) {
  ready ??= initWasm(input === undefined ? undefined : { module_or_path: input });
  return ready;
}

const api = { ...makeApi(raw), ...makeVerifier(raw) };
export const {
  PoolConfig, SignIn, Tokens, DeviceCredentials, Refresh, TokenManager, DeviceConfirmation, CognitoError,
  operationRequest, operationResponse, totpCode,
  signInWithFetch, confirmDeviceWithFetch, refreshWithFetch, callWithFetch,
  accountRequest, accountResponse, accountWithFetch,
  ManagedLogin, PendingLogin, AuthorizationCode, exchangeCodeWithFetch,
  JwtVerifier,
} = api;
