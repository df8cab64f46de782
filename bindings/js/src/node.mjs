// Node entry: the wasm-bindgen `nodejs` glue loads the module synchronously, so the API is ready
// on import (no init call). `init()` exists for code shared with browsers and does nothing.
import { createRequire } from 'node:module';

import { makeApi } from './api.mjs';

const raw = createRequire(import.meta.url)('../pkg/node/cognito_auth_wasm.js');
const api = makeApi(raw);

export default async function init() {}
export const {
  PoolConfig, SignIn, Tokens, DeviceCredentials, Refresh, TokenManager, DeviceConfirmation, CognitoError,
  operationRequest, operationResponse, totpCode,
  signInWithFetch, confirmDeviceWithFetch, refreshWithFetch, callWithFetch,
} = api;
