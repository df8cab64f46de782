// Browser (and bundler) entry: call `await init()` once before anything else; it fetches and
// instantiates cognito_auth_wasm_bg.wasm (or pass a URL, Response, or module to it).
import initWasm, * as raw from '../pkg/web/cognito_auth_wasm.js';

import { makeApi } from './api.mjs';

let ready;
export default function init(input) {
  ready ??= initWasm(input === undefined ? undefined : { module_or_path: input });
  return ready;
}

const api = makeApi(raw);
export const {
  PoolConfig, SignIn, Tokens, DeviceCredentials, Refresh, TokenManager, DeviceConfirmation, CognitoError,
  operationRequest, operationResponse, totpCode,
  signInWithFetch, confirmDeviceWithFetch, refreshWithFetch, callWithFetch,
} = api;
