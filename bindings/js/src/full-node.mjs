// Node entry of `cognito-auth/full`: the main API plus the typed account calls, managed login
// and JwtVerifier, from the second module (loaded synchronously: no init call in Node).
import { createRequire } from 'node:module';

import { makeApi } from './api.mjs';
import { makeVerifier } from './verify.mjs';

const raw = createRequire(import.meta.url)('../pkg/full/node/cognito_auth_full.js');
const api = { ...makeApi(raw), ...makeVerifier(raw) };

export default async function init() {}
export const {
  PoolConfig, SignIn, Tokens, DeviceCredentials, Refresh, TokenManager, DeviceConfirmation, CognitoError,
  operationRequest, operationResponse, totpCode,
  signInWithFetch, confirmDeviceWithFetch, refreshWithFetch, callWithFetch,
  accountRequest, accountResponse, accountWithFetch,
  ManagedLogin, PendingLogin, AuthorizationCode, exchangeCodeWithFetch,
  JwtVerifier,
} = api;
