//! The two ceremonies: a registration (RegistrationResponseJSON, WebAuthn §7.1) and an
//! assertion (AuthenticationResponseJSON, §7.2), checked against what the pool issued.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::authdata::{
    self, AuthData, FLAG_AT, FLAG_UP, FLAG_UV, parse_attestation_object, parse_auth_data,
};
use super::{Failure, Kind, Passkey, UserVerification, WebAuthnConfiguration, fail};

/// base64url as WebAuthn's JSON encodings write it: no padding (but tolerated).
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// base64url without padding.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
pub(crate) fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    B64URL.decode(text).ok()
}

/// What the pool issued for this ceremony.
pub(crate) struct Expected<'a> {
    pub(crate) challenge: &'a [u8],
    pub(crate) rp_id: &'a str,
    pub(crate) config: &'a WebAuthnConfiguration,
}

fn malformed(message: impl Into<String>) -> Failure {
    fail(Kind::Malformed, message)
}

fn text<'a>(object: &'a Value, name: &str, within: &str) -> Result<&'a str, Failure> {
    object
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(format!("{within}.{name} is missing or not a string")))
}

fn decoded(object: &Value, name: &str, within: &str) -> Result<Vec<u8>, Failure> {
    B64URL
        .decode(text(object, name, within)?)
        .map_err(|_| malformed(format!("{within}.{name} is not base64url")))
}

/// The credential's `id` (checked against `rawId` when both are sent) and its `response`.
fn credential_parts(credential: &Value) -> Result<(Vec<u8>, &Value), Failure> {
    if !credential.is_object() {
        return Err(malformed("the credential is not a JSON object"));
    }
    if text(credential, "type", "credential")? != "public-key" {
        return Err(malformed("credential.type is not public-key"));
    }
    let id = decoded(credential, "id", "credential")?;
    if credential.get("rawId").is_some() && decoded(credential, "rawId", "credential")? != id {
        return Err(malformed("credential.rawId differs from credential.id"));
    }
    let response = credential
        .get("response")
        .filter(|r| r.is_object())
        .ok_or_else(|| malformed("credential.response is missing"))?;
    Ok((id, response))
}

/// Checks clientDataJSON (§7.1 steps 7–10, §7.2 steps 11–14): type, challenge, origin.
fn check_client_data(bytes: &[u8], ceremony: &str, expected: &Expected<'_>) -> Result<(), Failure> {
    let data: Value =
        serde_json::from_slice(bytes).map_err(|_| malformed("clientDataJSON is not JSON"))?;
    let kind = text(&data, "type", "clientDataJSON")?;
    if kind != ceremony {
        return Err(malformed(format!(
            "clientDataJSON.type is {kind:?}, expected {ceremony:?}"
        )));
    }
    let challenge = decoded(&data, "challenge", "clientDataJSON")?;
    if challenge != expected.challenge {
        return Err(fail(
            Kind::Challenge,
            "clientDataJSON.challenge is not the challenge the pool issued",
        ));
    }
    let origin = text(&data, "origin", "clientDataJSON")?;
    let cross_origin = data.get("crossOrigin").and_then(Value::as_bool) == Some(true);
    if cross_origin || !expected.config.origin_allowed(expected.rp_id, origin) {
        return Err(fail(
            Kind::Origin,
            format!(
                "origin {origin:?} is not allowed for relying party {:?}",
                expected.rp_id
            ),
        ));
    }
    Ok(())
}

/// rpIdHash, UP, and UV when the pool requires it.
fn check_auth_data(data: &AuthData, expected: &Expected<'_>) -> Result<(), Failure> {
    if data.rp_id_hash.as_slice() != Sha256::digest(expected.rp_id.as_bytes()).as_slice() {
        return Err(fail(
            Kind::RelyingParty,
            format!(
                "rpIdHash is not SHA-256 of the relying party id {:?}",
                expected.rp_id
            ),
        ));
    }
    if data.flags & FLAG_UP == 0 {
        return Err(malformed("the user was not present (flag UP is not set)"));
    }
    if expected.config.user_verification == UserVerification::Required && data.flags & FLAG_UV == 0
    {
        return Err(fail(
            Kind::NotSupported,
            "the user was not verified (flag UV) and the pool requires user verification",
        ));
    }
    Ok(())
}

/// `authenticatorData ‖ SHA-256(clientDataJSON)`: what attestation and assertion
/// signatures sign.
fn signed_bytes(auth_data: &[u8], client_data: &[u8]) -> Vec<u8> {
    let mut message = auth_data.to_vec();
    message.extend_from_slice(&Sha256::digest(client_data));
    message
}

/// A registration response: the new passkey, created at `now`, named `name`.
pub(crate) fn verify_registration(
    credential: &Value,
    expected: &Expected<'_>,
    name: String,
    now: u64,
) -> Result<Passkey, Failure> {
    let (id, response) = credential_parts(credential)?;
    let client_data = decoded(response, "clientDataJSON", "response")?;
    check_client_data(&client_data, "webauthn.create", expected)?;
    let object = parse_attestation_object(&decoded(response, "attestationObject", "response")?)?;
    let data = parse_auth_data(&object.auth_data)?;
    check_auth_data(&data, expected)?;
    let attested = match (&data.attested, data.flags & FLAG_AT) {
        (Some(attested), FLAG_AT) => attested,
        _ => {
            return Err(malformed(
                "the authenticator data carries no credential (flag AT)",
            ));
        }
    };
    if attested.credential_id != id {
        return Err(malformed(
            "the credential id in the authenticator data differs from credential.id",
        ));
    }
    match object.fmt.as_str() {
        "none" if object.att_stmt.is_empty() => {}
        "none" => return Err(malformed("attestation none has a non-empty attStmt")),
        "packed" => {
            if authdata::stmt_field(&object.att_stmt, "x5c").is_some() {
                return Err(fail(
                    Kind::NotSupported,
                    "packed attestation with a certificate chain (x5c) is not supported; self-attestation is",
                ));
            }
            let alg = authdata::stmt_int(&object.att_stmt, "alg");
            if alg != Some(i128::from(attested.key.alg())) {
                return Err(malformed(format!(
                    "packed attStmt.alg {alg:?} is not the credential key's algorithm {}",
                    attested.key.alg()
                )));
            }
            let signature = authdata::stmt_bytes(&object.att_stmt, "sig")
                .ok_or_else(|| malformed("packed attStmt has no sig"))?;
            if !attested
                .key
                .verifies(&signed_bytes(&object.auth_data, &client_data), signature)
            {
                return Err(malformed(
                    "the packed self-attestation signature does not verify with the credential key",
                ));
            }
        }
        other => {
            return Err(fail(
                Kind::NotSupported,
                format!(
                    "attestation format {other:?} is not supported (none and packed self-attestation are)"
                ),
            ));
        }
    }
    let strings = |name: &str| -> Vec<String> {
        response
            .get(name)
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Passkey {
        id,
        key: attested.key.clone(),
        sign_count: data.sign_count,
        rp_id: expected.rp_id.to_owned(),
        transports: strings("transports"),
        attachment: credential
            .get("authenticatorAttachment")
            .and_then(Value::as_str)
            .map(str::to_owned),
        name,
        created: now,
    })
}

/// An authentication response (a JSON string): the index of the passkey it used among
/// `passkeys` and its new signature count.
pub(crate) fn verify_assertion(
    credential: &str,
    expected: &Expected<'_>,
    passkeys: &[Passkey],
    user_handle: &[u8],
) -> Result<(usize, u32), Failure> {
    let credential: Value =
        serde_json::from_str(credential).map_err(|_| malformed("CREDENTIAL is not JSON"))?;
    let (id, response) = credential_parts(&credential)?;
    let index = passkeys.iter().position(|p| p.id == id).ok_or_else(|| {
        fail(
            Kind::UnknownCredential,
            "the credential is not registered for this user",
        )
    })?;
    let passkey = passkeys
        .get(index)
        .ok_or_else(|| fail(Kind::UnknownCredential, "no such credential"))?;
    if passkey.rp_id != expected.rp_id {
        return Err(fail(
            Kind::RelyingParty,
            "the credential was registered for another relying party",
        ));
    }
    if let Some(handle) = response.get("userHandle").filter(|h| !h.is_null()) {
        let handle = handle
            .as_str()
            .and_then(|h| B64URL.decode(h).ok())
            .ok_or_else(|| malformed("response.userHandle is not base64url"))?;
        if handle != user_handle {
            return Err(malformed("response.userHandle is not this user's"));
        }
    }
    let client_data = decoded(response, "clientDataJSON", "response")?;
    check_client_data(&client_data, "webauthn.get", expected)?;
    let auth_data = decoded(response, "authenticatorData", "response")?;
    let data = parse_auth_data(&auth_data)?;
    check_auth_data(&data, expected)?;
    let signature = decoded(response, "signature", "response")?;
    if !passkey
        .key
        .verifies(&signed_bytes(&auth_data, &client_data), &signature)
    {
        return Err(fail(
            Kind::Signature,
            "the assertion signature does not verify with the registered key",
        ));
    }
    // §7.2 step 22: a counter that does not grow may mean a cloned authenticator.
    if (data.sign_count != 0 || passkey.sign_count != 0) && data.sign_count <= passkey.sign_count {
        return Err(fail(
            Kind::Counter,
            format!(
                "the signature counter {} did not increase past {}",
                data.sign_count, passkey.sign_count
            ),
        ));
    }
    Ok((index, data.sign_count))
}
