//! Responses and challenge answers decoded from fuzz input: raw bytes or templates that reach the machines' deep states.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use num_bigint::BigUint;
use serde_json::{Value, json};

use cognito_auth::{ChallengeAnswer, FirstFactor, HttpResponse, MfaType, PoolConfig};

use crate::input::*;
use crate::*;

pub(crate) const STATUSES: [u16; 8] = [200, 400, 500, 503, 429, 204, 299, 300];
pub(crate) const HEADER_NAMES: [&str; 3] =
    ["x-amzn-ErrorType", "x-amzn-RequestId", "X-AMZN-ERRORTYPE"];
pub(crate) const BODY_RAW: u8 = 0;
pub(crate) const BODY_PASSWORD_VERIFIER: u8 = 1;
pub(crate) const BODY_TOKENS: u8 = 2;
pub(crate) const BODY_CHALLENGE: u8 = 3;
pub(crate) const BODY_ERROR: u8 = 4;
pub(crate) const BODY_SOFTWARE_TOKEN: u8 = 5;
pub(crate) const BODY_KINDS: u8 = 6;

pub(crate) const CHALLENGE_NAMES: [&str; 14] = [
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "SMS_OTP",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "NEW_PASSWORD_REQUIRED",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "WEB_AUTHN",
    "DEVICE_SRP_AUTH",
    "PASSWORD_VERIFIER",
    "DEVICE_PASSWORD_VERIFIER",
    "PASSWORD",
];
pub(crate) const PARAM_KEYS: [&str; 14] = [
    "MFAS_CAN_CHOOSE",
    "MFAS_CAN_SETUP",
    "userAttributes",
    "requiredAttributes",
    "CODE_DELIVERY_DESTINATION",
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "USERNAME",
    "USER_ID_FOR_SRP",
    "CREDENTIAL_REQUEST_OPTIONS",
    "SALT",
    "SRP_B",
    "SECRET_BLOCK",
    "ANSWER",
    "DEVICE_KEY",
];
pub(crate) const LIST_ITEMS: [&str; 8] = [
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "EMAIL_MFA",
    "userAttributes.name",
    "userAttributes.email",
    "phone_number",
    "PASSWORD",
];
pub(crate) const ATTRIBUTE_NAMES: [&str; 7] = [
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "sub",
    "name",
    "custom:team",
];
pub(crate) const ERROR_CODES: [&str; 9] = [
    "NotAuthorizedException",
    "CodeMismatchException",
    "UserNotConfirmedException",
    "PasswordResetRequiredException",
    "UserNotFoundException",
    "TooManyRequestsException",
    "InternalErrorException",
    "com.amazonaws.cognito.identity.idp.model#ExpiredCodeException",
    "ResourceNotFoundException:http://internal.amazon.com/coral/",
];

/// A response decoded from the input, owning its parts.
#[derive(Debug, Clone)]
pub struct OwnedResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl OwnedResponse {
    /// The response, as a machine takes it.
    pub fn as_http(&self) -> HttpResponse<'_> {
        self.headers
            .iter()
            .fold(HttpResponse::new(self.status, &self.body), |r, (n, v)| {
                r.header(n, v)
            })
    }

    /// A response from its parts.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The status, headers and body.
    pub(crate) fn parts(&self) -> (u16, &[(String, String)], &[u8]) {
        (self.status, &self.headers, &self.body)
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes status, headers and body.
    pub fn decode(inp: &mut Input<'_>) -> Self {
        let i = usize::from(inp.byte());
        let status = match STATUSES.get(i % (STATUSES.len() + 1)) {
            Some(s) => *s,
            None => inp.u16(),
        };
        let headers = (0..inp.byte() % 4)
            .map(|_| (inp.pick_or_string(&HEADER_NAMES), inp.string()))
            .collect();
        let body = match inp.byte() % BODY_KINDS {
            BODY_PASSWORD_VERIFIER => password_verifier_body(inp).to_string().into_bytes(),
            BODY_TOKENS => tokens_body(inp).to_string().into_bytes(),
            BODY_CHALLENGE => challenge_body(inp).to_string().into_bytes(),
            BODY_ERROR => error_body(inp).to_string().into_bytes(),
            BODY_SOFTWARE_TOKEN => software_token_body(inp).to_string().into_bytes(),
            _ => inp.bytes().to_vec(),
        };
        Self {
            status,
            headers,
            body,
        }
    }
}

/// SRP_B choices: (hex, whether it is a multiple of N by construction).
pub(crate) fn srp_b(inp: &mut Input<'_>) -> (String, bool) {
    match inp.byte() % 5 {
        0 | 1 => (hex(inp.bytes()), false),
        2 => {
            // k·N for a k from the input (k = 0 included), in either case, maybe zero-padded.
            let k = BigUint::from_bytes_be(inp.bytes());
            let style = inp.byte();
            let mut digits = (k * n()).to_str_radix(16);
            if style & 1 == 1 {
                digits = digits.to_uppercase();
            }
            let zeros = "0".repeat(usize::from(style >> 1) % 8);
            (format!("{zeros}{digits}"), true)
        }
        3 => (format!("{}{}", hex(inp.bytes()), "0".repeat(768)), false),
        _ => (inp.string(), false),
    }
}

/// Sets `key` of a JSON object (no-op on anything else).
pub(crate) fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// N, from the crate's own constant.
pub(crate) fn n() -> BigUint {
    BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default()
}

pub(crate) fn secret_block(inp: &mut Input<'_>) -> String {
    match inp.byte() % 3 {
        0 => base64::engine::general_purpose::STANDARD.encode(inp.bytes()),
        1 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(inp.bytes()),
        _ => inp.string(),
    }
}

/// PASSWORD_VERIFIER with (mostly) well-formed parameters.
pub(crate) fn password_verifier_body(inp: &mut Input<'_>) -> Value {
    let omit = inp.byte();
    let mut params = serde_json::Map::new();
    let salt = match inp.byte() % 3 {
        0 | 1 => hex(inp.bytes()),
        _ => inp.string(),
    };
    let (b, _) = srp_b(inp);
    let block = secret_block(inp);
    let user_id = inp.string();
    for (bit, key, value) in [
        (1, "SALT", salt),
        (2, "SRP_B", b),
        (4, "SECRET_BLOCK", block),
        (8, "USER_ID_FOR_SRP", user_id.clone()),
        (16, "USERNAME", user_id),
    ] {
        if omit & bit == 0 {
            params.insert(key.to_owned(), Value::String(value));
        }
    }
    let mut body = json!({ "ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params });
    if omit & 32 == 0 {
        set(&mut body, "Session", json!(format!("{SESSION_MARKER}-1")));
    }
    body
}

/// A JWT-shaped token whose payload carries `claims`.
pub(crate) fn jwt(claims: &Value) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.c2ln",
        b64.encode(br#"{"alg":"RS256","kid":"fuzz"}"#),
        b64.encode(claims.to_string())
    )
}

/// A JWT-shaped token whose payload carries `claims` and whose signature is `signature`
/// (one of the secret markers, so that a token shown anywhere is caught).
pub(crate) fn jwt_signed(claims: &Value, signature: &str) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{signature}",
        b64.encode(br#"{"alg":"RS256","kid":"fuzz"}"#),
        b64.encode(claims.to_string())
    )
}

/// AssociateSoftwareToken's reply: the TOTP secret and a Session, either maybe missing.
pub(crate) fn software_token_body(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let mut body = serde_json::Map::new();
    if flags & 1 == 0 {
        body.insert("SecretCode".into(), json!(TOTP_SECRET));
    }
    if flags & 2 == 0 {
        body.insert("Session".into(), json!(format!("{SESSION_MARKER}-3")));
    }
    Value::Object(body)
}

/// An AuthenticationResult with some parts missing or odd.
pub(crate) fn tokens_body(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let username = inp.string();
    let claims = json!({ "sub": "5f0c-fuzz", "username": username, "cognito:username": username,
                         "token_use": "access", "exp": inp.u64() });
    let mut result = serde_json::Map::new();
    if flags & 1 == 0 {
        result.insert(
            "AccessToken".into(),
            json!(jwt_signed(&claims, ACCESS_TOKEN_MARKER)),
        );
    }
    if flags & 2 == 0 {
        result.insert(
            "IdToken".into(),
            json!(jwt_signed(&claims, ID_TOKEN_MARKER)),
        );
    }
    if flags & 4 == 0 {
        result.insert("RefreshToken".into(), json!(ROTATED_REFRESH_TOKEN));
    }
    if flags & 8 == 0 {
        let raw = inp.u64();
        let expires = if flags & 16 == 0 {
            json!(raw % 86_400)
        } else {
            json!(i64::from_le_bytes(raw.to_le_bytes()))
        };
        result.insert("ExpiresIn".into(), expires);
        result.insert("TokenType".into(), json!("Bearer"));
    }
    if flags & 32 != 0 {
        result.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": "us-east-1_dev-fuzz", "DeviceGroupKey": "-grp" }),
        );
    }
    let mut body = json!({ "AuthenticationResult": result });
    if flags & 64 != 0 {
        set(&mut body, "ChallengeParameters", json!({}));
    }
    body
}

/// A JSON list of strings, maybe written the way moto writes it.
pub(crate) fn string_list(inp: &mut Input<'_>) -> String {
    let items: Vec<String> = (0..inp.byte() % 5)
        .map(|_| inp.pick_or_string(&LIST_ITEMS))
        .collect();
    let json = json!(items).to_string();
    if inp.byte() & 1 == 1 {
        json.replace('"', "'")
    } else {
        json
    }
}

/// A userAttributes JSON object with string and non-string values.
pub(crate) fn attribute_object(inp: &mut Input<'_>) -> String {
    let mut map = serde_json::Map::new();
    for _ in 0..inp.byte() % 5 {
        let key = inp.pick_or_string(&ATTRIBUTE_NAMES);
        let value = match inp.byte() % 4 {
            0 => json!(inp.string()),
            1 => json!(inp.u64()),
            2 => json!(null),
            _ => json!([inp.string()]),
        };
        map.insert(key, value);
    }
    Value::Object(map).to_string()
}

/// ChallengeName, ChallengeParameters, Session, AvailableChallenges.
pub(crate) fn challenge_body(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let name = inp.pick_or_string(&CHALLENGE_NAMES);
    let mut params = BTreeMap::new();
    for _ in 0..inp.byte() % 8 {
        let key = inp.pick_or_string(&PARAM_KEYS);
        let value = match inp.byte() % 4 {
            0 => string_list(inp),
            1 => attribute_object(inp),
            2 => inp.pick_or_string(&["+*******1234", "SMS", "EMAIL", "a***@e***"]),
            _ => inp.string(),
        };
        params.insert(key, value);
    }
    let available: Vec<String> = (0..inp.byte() % 4)
        .map(|_| inp.pick_or_string(&CHALLENGE_NAMES))
        .collect();
    let mut body = json!({ "ChallengeName": name, "ChallengeParameters": params });
    if flags & 1 == 0 {
        set(&mut body, "Session", json!(format!("{SESSION_MARKER}-2")));
    }
    if flags & 2 == 0 {
        set(&mut body, "AvailableChallenges", json!(available));
    }
    body
}

/// A service error body.
pub(crate) fn error_body(inp: &mut Input<'_>) -> Value {
    let key = inp.pick_or_string(&["__type", "code"]);
    let code = inp.pick_or_string(&ERROR_CODES);
    let message_key = inp.pick_or_string(&["message", "Message", "errorMessage"]);
    let mut body = serde_json::Map::new();
    body.insert(key, json!(code));
    body.insert(message_key, json!(inp.string()));
    Value::Object(body)
}

pub(crate) fn mfa_type(inp: &mut Input<'_>) -> MfaType {
    match inp.byte() % 4 {
        0 => MfaType::Sms,
        1 => MfaType::SoftwareToken,
        2 => MfaType::Email,
        _ => MfaType::Other(inp.string()),
    }
}

pub(crate) fn attributes(inp: &mut Input<'_>) -> BTreeMap<String, String> {
    (0..inp.byte() % 4)
        .map(|_| (inp.pick_or_string(&ATTRIBUTE_NAMES), inp.string()))
        .collect()
}

/// A challenge answer of any kind.
pub(crate) fn answer(inp: &mut Input<'_>) -> ChallengeAnswer {
    match inp.byte() % 12 {
        0 => ChallengeAnswer::code("123456"),
        1 => ChallengeAnswer::code(inp.string()),
        2 => ChallengeAnswer::SelectMfaType(mfa_type(inp)),
        3 => ChallengeAnswer::NewPassword {
            password: NEW_PASSWORD.into(),
            attributes: attributes(inp),
        },
        4 => ChallengeAnswer::NewPassword {
            password: inp.string().into(),
            attributes: attributes(inp),
        },
        5 => ChallengeAnswer::Custom(inp.string().into()),
        // 0..=6 keep the meaning the checked-in seeds were written with.
        6 => ChallengeAnswer::WebAuthnCredential(inp.string()),
        7 => ChallengeAnswer::SetUpTotp,
        8 => ChallengeAnswer::VerifyTotp {
            code: inp.string().into(),
            friendly_name: Some(inp.string()),
        },
        9 => ChallengeAnswer::SetUpEmail(inp.string()),
        10 => ChallengeAnswer::SelectFirstFactor(FirstFactor::from_name(&inp.string())),
        _ => ChallengeAnswer::Password(inp.string().into()),
    }
}

pub(crate) fn config(client_secret: bool) -> Arc<PoolConfig> {
    config_with(client_secret, Arc::new(FixedRandom))
}

/// A configuration whose random source always fails: no SRP computation can start.
pub(crate) fn config_no_srp(client_secret: bool) -> Arc<PoolConfig> {
    config_with(client_secret, Arc::new(NoRandom))
}

pub(crate) fn config_with(
    client_secret: bool,
    random: Arc<dyn cognito_auth::SecureRandom>,
) -> Arc<PoolConfig> {
    let Ok(config) = PoolConfig::new(POOL_ID, CLIENT_ID) else {
        panic!("the fixed pool id is valid");
    };
    let config = config.with_random(random);
    Arc::new(if client_secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}
