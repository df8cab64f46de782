//! JWT claims (`Claims::decode`, `Tokens::id_claims`/`access_claims`/`internal_username`)
//! against a reference decoder built on `serde_json::Value`.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use cognito_auth::{Claims, Tokens, UnixTime};

use crate::device::tokens_json;
use crate::input::*;
use crate::oracle::*;
use crate::*;

const STRING_CLAIMS: [&str; 10] = [
    "sub",
    "username",
    "cognito:username",
    "token_use",
    "client_id",
    "aud",
    "iss",
    "origin_jti",
    "device_key",
    "email",
];
const NUMBER_CLAIMS: [&str; 3] = ["exp", "iat", "auth_time"];

/// A claims object: known claims with well- or ill-typed values, and others.
fn claims_value(inp: &mut Input<'_>) -> Value {
    let mut map = Map::new();
    for _ in 0..inp.byte() % 8 {
        let kind = inp.byte();
        let key = match kind % 3 {
            0 => inp.pick_or_string(&STRING_CLAIMS),
            1 => inp.pick_or_string(&NUMBER_CLAIMS),
            _ => inp.string(),
        };
        let value = match (kind >> 2) % 6 {
            0 | 1 => json!(inp.string()),
            2 => json!(inp.u64()),
            3 => Value::Null,
            4 => json!(i64::from_le_bytes(inp.u64().to_le_bytes())),
            _ => crate::json::value(inp, 2),
        };
        map.insert(key, value);
    }
    Value::Object(map)
}

/// A token: a JWT over generated claims (with odd encodings), or raw text.
fn token(inp: &mut Input<'_>, signature: &str) -> (String, bool) {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mode = inp.byte();
    match mode % 6 {
        0..=2 => (
            jwt_parts(&b64.encode(claims_value(inp).to_string()), signature),
            true,
        ),
        3 => {
            // Padded, or standard base64, or a payload that is not an object.
            let payload = claims_value(inp).to_string();
            let encoded = match mode >> 4 {
                0 => format!("{}==", b64.encode(&payload)),
                1 => base64::engine::general_purpose::STANDARD.encode(&payload),
                2 => b64.encode(inp.bytes()),
                _ => b64.encode(crate::json::value(inp, 2).to_string()),
            };
            (jwt_parts(&encoded, signature), false)
        }
        4 => {
            let parts: Vec<String> = (0..inp.byte() % 6).map(|_| inp.string()).collect();
            (parts.join("."), false)
        }
        _ => (inp.string(), false),
    }
}

fn jwt_parts(payload: &str, signature: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{payload}.{signature}",
        b64.encode(br#"{"alg":"RS256"}"#)
    )
}

/// The payload as JSON, decoded the way the documentation says: three parts, base64url.
fn reference(jwt: &str) -> Option<Value> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [_, payload, _] = parts.as_slice() else {
        return None;
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether every known claim of `object` is absent, null or of its type.
fn well_typed(object: &Map<String, Value>) -> bool {
    STRING_CLAIMS
        .iter()
        .all(|k| object.get(*k).is_none_or(|v| v.is_null() || v.is_string()))
        && NUMBER_CLAIMS
            .iter()
            .all(|k| object.get(*k).is_none_or(|v| v.is_null() || v.is_u64()))
}

/// One token through `Claims::decode` and the reference.
fn check_claims(
    data: &[u8],
    jwt: &str,
    generated: bool,
    decoded: &Result<Claims, cognito_auth::Error>,
) {
    let reference = reference(jwt);
    match decoded {
        Ok(claims) => {
            check_debug(data, "Claims' Debug", claims);
            let Some(value) = &reference else {
                panic!("{jwt:?} decoded, but is not base64url JSON in three parts");
            };
            if let Some(object) = value.as_object() {
                let s = |k: &str| object.get(k).and_then(Value::as_str).map(str::to_owned);
                let n = |k: &str| object.get(k).and_then(Value::as_u64);
                assert_eq!(claims.sub, s("sub"));
                assert_eq!(claims.username, s("username"));
                assert_eq!(claims.cognito_username, s("cognito:username"));
                assert_eq!(claims.token_use, s("token_use"));
                assert_eq!(claims.client_id, s("client_id"));
                assert_eq!(claims.aud, s("aud"));
                assert_eq!(claims.iss, s("iss"));
                assert_eq!(claims.origin_jti, s("origin_jti"));
                assert_eq!(claims.device_key, s("device_key"));
                assert_eq!(claims.email, s("email"));
                assert_eq!(
                    (claims.exp, claims.iat, claims.auth_time),
                    (n("exp"), n("iat"), n("auth_time"))
                );
            }
        }
        Err(e) => {
            check_error(data, e);
            // A generated JWT has no duplicate members: well-typed claims must decode.
            if generated && let Some(object) = reference.as_ref().and_then(Value::as_object) {
                assert!(
                    !well_typed(object),
                    "{jwt:?} with well-typed claims refused: {e}"
                );
            }
        }
    }
}

/// Flags (bit 0 an ExpiresIn from the input), an access token, an ID token, a margin and a
/// time: the claims of both, the internal user name, expiry.
pub fn jwt_claims(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let (access, access_generated) = token(&mut inp, ACCESS_TOKEN_MARKER);
    let (id, id_generated) = token(&mut inp, ID_TOKEN_MARKER);
    let expires_in = if flags & 1 != 0 { inp.u64() } else { 3600 };
    let now = UnixTime(inp.u64());
    let margin = inp.u64();

    let access_claims = Claims::decode(&access);
    check_claims(data, &access, access_generated, &access_claims);
    let id_claims = Claims::decode(&id);
    check_claims(data, &id, id_generated, &id_claims);

    let value = tokens_json(
        &json!({}),
        &json!({}),
        expires_in,
        FIXED_NOW.as_secs().saturating_add(expires_in),
        None,
        None,
    );
    let mut value = value;
    if let Some(map) = value.as_object_mut() {
        map.insert("access_token".into(), json!(access));
        map.insert("id_token".into(), json!(id));
    }
    let tokens: Tokens = match serde_json::from_value(value) {
        Ok(t) => t,
        Err(e) => panic!("the tokens template does not deserialize: {e}"),
    };
    check_debug(data, "the Tokens' Debug", &tokens);
    assert_eq!(
        tokens.access_claims().ok(),
        access_claims.as_ref().ok().cloned()
    );
    assert_eq!(tokens.id_claims().ok(), id_claims.as_ref().ok().cloned());
    let a = access_claims.ok();
    let i = id_claims.ok();
    let want = a
        .as_ref()
        .and_then(|c| c.username.clone())
        .or_else(|| i.as_ref().and_then(|c| c.cognito_username.clone()))
        .or_else(|| a.as_ref().and_then(|c| c.sub.clone()))
        .or_else(|| i.as_ref().and_then(|c| c.sub.clone()));
    assert_eq!(tokens.internal_username(), want, "internal_username");
    assert_eq!(
        tokens.is_expired(now, margin),
        u128::from(now.as_secs()) + u128::from(margin) >= u128::from(tokens.expires_at.as_secs()),
        "is_expired"
    );
}
