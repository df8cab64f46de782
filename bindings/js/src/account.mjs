// The typed account operations (the core's `cognito_auth::account`) for JS: camelCase objects in
// and out, converted here to and from the service's JSON. The request is built by the core's
// builder for the operation (ClientId, SECRET_HASH from the configured client secret, the
// context), the reply read by the operation's typed parser (bindings/cognito-auth-wasm
// account.rs); nothing here builds or reads the wire format beyond the renaming.

// Service names whose camelCase is not "lower the first letter".
const SPECIAL = {
  SetUserMFAPreference: 'setUserMfaPreference',
  SMSMfaSettings: 'smsMfaSettings',
  MFAOptions: 'mfaOptions',
  UserMFASettingList: 'userMfaSettingList',
};
const SPECIAL_BACK = Object.fromEntries(Object.entries(SPECIAL).map(([service, js]) => [js, service]));
// Members whose keys belong to the app (left as given), and lists of { Name, Value }.
const OPAQUE = new Set(['clientMetadata']);
const ATTRIBUTE_LISTS = new Set(['userAttributes', 'validationData', 'deviceAttributes']);

/** 'signUp' → 'SignUp', 'setUserMfaPreference' → 'SetUserMFAPreference'. */
export const toServiceName = (name) => SPECIAL_BACK[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
const toJsName = (name) => SPECIAL[name] ?? name.charAt(0).toLowerCase() + name.slice(1);

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

// { email: 'a@b' } (or [{ name, value }]) → [{ Name, Value }].
function attributeList(value) {
  if (Array.isArray(value)) return value.map((a) => ({ Name: String(a.name ?? a.Name), Value: String(a.value ?? a.Value) }));
  if (isPlainObject(value)) return Object.entries(value).map(([name, v]) => ({ Name: name, Value: String(v) }));
  return value;
}

/** A camelCase input object as the service's JSON input. */
export function toServiceInput(input) {
  if (Array.isArray(input)) return input.map(toServiceInput);
  if (!isPlainObject(input)) return input;
  const out = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (OPAQUE.has(key)) out[toServiceName(key)] = value;
    else if (ATTRIBUTE_LISTS.has(key)) out[toServiceName(key)] = attributeList(value);
    else out[toServiceName(key)] = toServiceInput(value);
  }
  return out;
}

/** The service's JSON output as camelCase; attribute lists ([{ Name, Value }]) become { name: value }. */
export function fromServiceOutput(output) {
  if (Array.isArray(output)) return output.map(fromServiceOutput);
  if (!isPlainObject(output)) return output;
  const out = {};
  for (const [key, value] of Object.entries(output)) {
    const name = toJsName(key);
    out[name] = ATTRIBUTE_LISTS.has(name) && Array.isArray(value)
      ? Object.fromEntries(value.map((a) => [a.Name, a.Value]))
      : fromServiceOutput(value);
  }
  return out;
}

/** The account calls over the raw module; `call`, `flatHeaders`, `bodyText` and `RAW` from api.mjs. */
export function makeAccount(raw, { call, flatHeaders, bodyText, RAW, send }) {
  /** The request of an account operation ('signUp', 'getUser', ... or 'SignUp') with a camelCase input. */
  function accountRequest(config, operation, input = {}) {
    return call(() => raw.rawAccountRequest(config[RAW], toServiceName(String(operation)),
      JSON.stringify(toServiceInput(input))));
  }

  /** Its reply: the camelCase output, or a thrown CognitoError. */
  function accountResponse(operation, status, headers, body) {
    const json = call(() => raw.rawAccountResponse(toServiceName(String(operation)), status, flatHeaders(headers), bodyText(body)));
    return fromServiceOutput(JSON.parse(json));
  }

  /** Both through fetch. */
  async function accountWithFetch(config, operation, input = {}, { fetch: fetchImpl = globalThis.fetch } = {}) {
    const response = await send(accountRequest(config, operation, input), fetchImpl);
    return accountResponse(operation, response.status, response.headers, response.body);
  }

  return { accountRequest, accountResponse, accountWithFetch };
}
