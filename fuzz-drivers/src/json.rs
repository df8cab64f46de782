//! Arbitrary JSON from fuzz input, with the member names and values the account outputs use, so
//! the parsers see well-typed and ill-typed shapes alike.

use serde_json::{Map, Value, json};

use crate::input::*;
use crate::*;

/// Member names of the account operations' outputs (PascalCase, as the service writes them).
pub(crate) const MEMBERS: [&str; 40] = [
    "Username",
    "UserAttributes",
    "Name",
    "Value",
    "MFAOptions",
    "PreferredMfaSetting",
    "UserMFASettingList",
    "CodeDeliveryDetails",
    "CodeDeliveryDetailsList",
    "Destination",
    "DeliveryMedium",
    "AttributeName",
    "SecretCode",
    "Session",
    "Status",
    "UserConfirmed",
    "UserSub",
    "Devices",
    "Device",
    "DeviceKey",
    "DeviceAttributes",
    "DeviceCreateDate",
    "DeviceLastModifiedDate",
    "DeviceLastAuthenticatedDate",
    "PaginationToken",
    "UserConfirmationNecessary",
    "CredentialCreationOptions",
    "Credentials",
    "CredentialId",
    "FriendlyCredentialName",
    "RelyingPartyId",
    "AuthenticatorAttachment",
    "AuthenticatorTransports",
    "CreatedAt",
    "NextToken",
    "ConfiguredUserAuthFactors",
    "Enabled",
    "PreferredMfa",
    "__type",
    "message",
];

/// String values worth trying: enum spellings, dates, ids. The secret markers go only where
/// the service sends secrets ([`object`]): a marker misplaced would be echoed by serde's
/// "invalid type: string ..." in the error, which is an echo of the reply, not a leak.
pub(crate) fn string_value(inp: &mut Input<'_>) -> String {
    let options = [
        "SMS",
        "EMAIL",
        "SUCCESS",
        "ERROR",
        "PASSWORD",
        "EMAIL_OTP",
        "SOFTWARE_TOKEN",
        "WEB_AUTHN",
        "SMS_MFA",
        "SOFTWARE_TOKEN_MFA",
        "remembered",
        "not_remembered",
        "email",
        "a***@e***",
        "2023-11-14T22:13:20Z",
        "us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    ];
    inp.pick_or_string(&options)
}

/// A JSON value, at most `depth` levels deep.
pub(crate) fn value(inp: &mut Input<'_>, depth: u8) -> Value {
    match inp.byte() % 9 {
        0 => Value::Null,
        1 => json!(inp.byte() & 1 == 1),
        2 => json!(inp.u64()),
        3 => json!(i64::from_le_bytes(inp.u64().to_le_bytes())),
        4 => json!(f64::from(inp.u16()) / 7.0),
        5 | 6 if depth > 0 => object(inp, depth - 1),
        7 if depth > 0 => {
            Value::Array((0..inp.byte() % 4).map(|_| value(inp, depth - 1)).collect())
        }
        _ => json!(string_value(inp)),
    }
}

/// The depth [`body`] starts at.
const TOP: u8 = 3;

/// A JSON object with members named from [`MEMBERS`] (or the input).
pub(crate) fn object(inp: &mut Input<'_>, depth: u8) -> Value {
    let mut map = Map::new();
    for _ in 0..inp.byte() % 6 {
        let key = inp.pick_or_string(&MEMBERS);
        // A secret where the service sends one, top level only (bit 0 of the value's first
        // byte clear): nested, it would be part of a free-form member (WebAuthn options), which
        // `Debug` shows as received.
        let secret = match key.as_str() {
            "SecretCode" if depth == TOP => Some(TOTP_SECRET.to_owned()),
            "Session" if depth == TOP => Some(format!("{SESSION_MARKER}-4")),
            _ => None,
        };
        let value = match secret {
            Some(secret) if inp.byte() & 1 == 0 => json!(secret),
            _ => value(inp, depth),
        };
        map.insert(key, value);
    }
    Value::Object(map)
}

/// A response body: raw bytes, or a generated object (as JSON text).
pub(crate) fn body(inp: &mut Input<'_>) -> Vec<u8> {
    match inp.byte() % 3 {
        0 => inp.bytes().to_vec(),
        _ => object(inp, TOP).to_string().into_bytes(),
    }
}
