//! Tokens Cognito issues, and the JWT claims an app reads from them.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, InvalidResponse, PeerMisbehaved};
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::wire::operation::Operation;
use crate::wire::read::{self, JsonError, JsonReader, members, optional};

/// The result of a sign-in or refresh. Serializable so the app can store it; every token is a
/// [`SecretString`] (zeroized on drop, redacted in `Debug`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tokens {
    /// The ID token (user attributes as claims).
    pub id_token: SecretString,
    /// The access token (for the user's own API calls and your resource servers).
    pub access_token: SecretString,
    /// The refresh token. After a refresh that did not rotate it, this is the one refreshed with.
    pub refresh_token: Option<SecretString>,
    /// `TokenType`, normally `Bearer`.
    pub token_type: String,
    /// `ExpiresIn`: lifetime of the ID and access tokens in seconds.
    pub expires_in: u64,
    /// `now` as passed in when the tokens arrived, plus `expires_in`.
    pub expires_at: UnixTime,
    /// Present when the pool tracks devices and this device is new: confirm it (ConfirmDevice).
    pub new_device: Option<NewDeviceMetadata>,
}

/// `NewDeviceMetadata`: the key Cognito gave this device and its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewDeviceMetadata {
    /// `DeviceKey`, `<region>_<uuid>`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
}

impl Tokens {
    /// True when the ID and access tokens are past `expires_at - margin` at `now`.
    pub fn is_expired(&self, now: UnixTime, margin_secs: u64) -> bool {
        now.as_secs().saturating_add(margin_secs) >= self.expires_at.as_secs()
    }

    /// The access token's claims, decoded without verifying the signature (Cognito verifies
    /// it when the token is used; resource servers must verify it themselves).
    ///
    /// # Errors
    /// When the token is not a JWT with a JSON payload.
    pub fn access_claims(&self) -> Result<Claims, Error> {
        Claims::decode(self.access_token.expose())
    }

    /// The ID token's claims, decoded without verifying the signature.
    ///
    /// # Errors
    /// When the token is not a JWT with a JSON payload.
    pub fn id_claims(&self) -> Result<Claims, Error> {
        Claims::decode(self.id_token.expose())
    }

    /// Cognito's internal user name: the access token's `username`, else the ID token's
    /// `cognito:username`, else `sub`. REFRESH_TOKEN_AUTH computes SECRET_HASH over this,
    /// never over the alias the user typed.
    pub fn internal_username(&self) -> Option<String> {
        let access = self.access_claims().ok();
        let id = self.id_claims().ok();
        access
            .as_ref()
            .and_then(|c| c.username.clone())
            .or_else(|| id.as_ref().and_then(|c| c.cognito_username.clone()))
            .or_else(|| access.and_then(|c| c.sub))
            .or_else(|| id.and_then(|c| c.sub))
    }

    /// Builds tokens from `operation`'s `AuthenticationResult`. The access and ID tokens must
    /// be JWTs whose claims decode; the refresh token is opaque (an encrypted JWT) and must
    /// only be non-empty. Anything else is [`Error::InvalidResponse`].
    pub(crate) fn from_wire(
        result: crate::wire::AuthenticationResult,
        operation: Operation,
        now: UnixTime,
        previous_refresh: Option<SecretString>,
    ) -> Result<Self, Error> {
        let access_token = result
            .access_token
            .ok_or(PeerMisbehaved::IncompleteTokens("AccessToken"))?;
        let id_token = result
            .id_token
            .ok_or(PeerMisbehaved::IncompleteTokens("IdToken"))?;
        let invalid = |member: &str, reason: &str| {
            InvalidResponse::new(operation, format!("{member} is not a JWT: {reason}"))
        };
        for (member, token) in [("AccessToken", &access_token), ("IdToken", &id_token)] {
            check_jwt(token.expose()).map_err(|reason| invalid(member, reason))?;
        }
        if result
            .refresh_token
            .as_ref()
            .is_some_and(SecretString::is_empty)
        {
            return Err(InvalidResponse::new(operation, "RefreshToken is empty").into());
        }
        let expires_in = u64::try_from(result.expires_in.unwrap_or(3600)).unwrap_or(0);
        Ok(Self {
            id_token,
            access_token,
            refresh_token: result.refresh_token.or(previous_refresh),
            token_type: result.token_type.unwrap_or_else(|| "Bearer".to_owned()),
            expires_in,
            expires_at: now.plus(expires_in),
            new_device: result.new_device_metadata.map(|m| NewDeviceMetadata {
                device_key: m.device_key,
                device_group_key: m.device_group_key,
            }),
        })
    }
}

/// Checks that `token` is a JWT an app can read: three dot-separated base64url parts, the
/// header and the payload JSON objects (the payload of the shape [`Claims`] reads), the
/// signature non-empty. The reason it is not says nothing of the token itself.
fn check_jwt(token: &str) -> Result<(), &'static str> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("expected three dot-separated parts");
    };
    // The decoded parts are copies of token text: zeroized when dropped.
    let decode = |part: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map(Zeroizing::new)
            .map_err(|_| "a part is not base64url")
    };
    let not_object = "the header or payload is not a JSON object";
    let any_object = |bytes: &[u8]| read::whole(bytes, JsonReader::any_object);
    if any_object(&decode(header)?).is_err() {
        return Err(not_object);
    }
    let payload = decode(payload)?;
    any_object(&payload).map_err(|_| not_object)?;
    if Claims::parse(&payload).is_err() {
        return Err("the payload's claims have the wrong types");
    }
    let base64url = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_');
    if signature.is_empty() || !signature.trim_end_matches('=').bytes().all(base64url) {
        return Err("the signature is empty or not base64url");
    }
    Ok(())
}

/// The claims of a Cognito access or ID token that apps commonly read. Unverified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Claims {
    /// The user's stable id (a UUID).
    pub sub: Option<String>,
    /// Access tokens: Cognito's internal user name (`username`). ID tokens carry it as
    /// `cognito:username` instead: [`internal_username`](Self::internal_username) reads either.
    pub username: Option<String>,
    /// ID tokens: Cognito's internal user name (`cognito:username`); see
    /// [`internal_username`](Self::internal_username).
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    /// `access` or `id`.
    pub token_use: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: Option<u64>,
    /// Issued at.
    pub iat: Option<u64>,
    /// When the user signed in (unchanged by refresh).
    pub auth_time: Option<u64>,
    /// Access tokens: the app client id.
    pub client_id: Option<String>,
    /// ID tokens: the app client id.
    pub aud: Option<String>,
    /// The issuer, `https://cognito-idp.<region>.amazonaws.com/<pool id>`.
    pub iss: Option<String>,
    /// Present when the token can be revoked with RevokeToken.
    pub origin_jti: Option<String>,
    /// Access tokens of a tracked device.
    pub device_key: Option<String>,
    /// ID tokens: the e-mail address, when the app client may read it.
    pub email: Option<String>,
}

impl Claims {
    /// Cognito's internal user name, from either token: `username` (access tokens), else
    /// `cognito:username` (ID tokens). In pools that sign in with e-mail or phone it is a
    /// UUID, not what the user typed.
    pub fn internal_username(&self) -> Option<&str> {
        self.username
            .as_deref()
            .or(self.cognito_username.as_deref())
    }

    /// Decodes the payload of a JWT (`header.payload.signature`, base64url) without verifying.
    ///
    /// # Errors
    /// When `jwt` is not three dot-separated parts, or the payload is not base64url JSON.
    pub fn decode(jwt: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| {
            InvalidResponse::new(
                Operation::InitiateAuth,
                format!("token is not a JWT: {reason}"),
            )
        };
        let mut parts = jwt.split('.');
        let payload = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(payload), Some(_), None) => payload,
            _ => return Err(invalid("expected three dot-separated parts").into()),
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map(Zeroizing::new)
            .map_err(|e| invalid(&e.to_string()))?;
        Self::parse(&bytes).map_err(|e| invalid(&e.to_string()).into())
    }

    /// Reads a payload (by hand, not by the derived reader: see [`crate::wire::read`]).
    fn parse(payload: &[u8]) -> Result<Self, JsonError> {
        let names = [
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
            "exp",
            "iat",
            "auth_time",
        ];
        let mut out = Self::default();
        read::whole(payload, |reader| {
            members(reader, &names, &mut |r, member| {
                let time = |r: &mut JsonReader<'_>| optional(r, JsonReader::unsigned);
                match member {
                    0 => out.sub = read::text(r)?,
                    1 => out.username = read::text(r)?,
                    2 => out.cognito_username = read::text(r)?,
                    3 => out.token_use = read::text(r)?,
                    4 => out.client_id = read::text(r)?,
                    5 => out.aud = read::text(r)?,
                    6 => out.iss = read::text(r)?,
                    7 => out.origin_jti = read::text(r)?,
                    8 => out.device_key = read::text(r)?,
                    9 => out.email = read::text(r)?,
                    10 => out.exp = time(r)?,
                    11 => out.iat = time(r)?,
                    _ => out.auth_time = time(r)?,
                }
                Ok(())
            })
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            b64.encode(br#"{"alg":"RS256"}"#),
            b64.encode(payload)
        )
    }

    #[test]
    fn check_jwt_wants_object_parts_and_claims_of_their_types() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let token = |header: &str, payload: &str| format!("{}.{}.sig", b64(header), b64(payload));
        assert_eq!(
            check_jwt(&token(r#"{"alg":"RS256"}"#, r#" {"sub":"u","exp":5}"#)),
            Ok(())
        );
        let not_object = Err("the header or payload is not a JSON object");
        assert_eq!(check_jwt(&token("[]", r#"{"sub":"u"}"#)), not_object);
        assert_eq!(
            check_jwt(&token(r#"{"alg":"#, r#"{"sub":"u"}"#)),
            not_object
        );
        assert_eq!(check_jwt(&token("{}", r#"["u",null]"#)), not_object);
        assert_eq!(check_jwt(&token("{}", r#"{"sub":"u""#)), not_object);
        assert_eq!(
            check_jwt(&token("{}", r#"{"exp":"soon"}"#)),
            Err("the payload's claims have the wrong types")
        );
        assert_eq!(
            check_jwt(&format!("{}.{}.", b64("{}"), b64("{}"))),
            Err("the signature is empty or not base64url")
        );
    }

    #[test]
    fn claims_decode_and_internal_username() {
        let tokens = Tokens {
            id_token: jwt(r#"{"sub":"u-1","cognito:username":"u-1","token_use":"id","email":"a@b.c"}"#).into(),
            access_token: jwt(r#"{"sub":"u-1","username":"internal","token_use":"access","exp":10,"auth_time":5}"#)
                .into(),
            refresh_token: None,
            token_type: "Bearer".into(),
            expires_in: 3600,
            expires_at: UnixTime(3600),
            new_device: None,
        };
        let access = tokens
            .access_claims()
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(access.exp, Some(10));
        assert_eq!(access.token_use.as_deref(), Some("access"));
        assert_eq!(tokens.internal_username().as_deref(), Some("internal"));
        assert_eq!(access.internal_username(), Some("internal"));
        let id = tokens.id_claims().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(id.username, None);
        assert_eq!(id.internal_username(), Some("u-1"));
        assert!(tokens.is_expired(UnixTime(3590), 10));
        assert!(!tokens.is_expired(UnixTime(3589), 10));
    }

    #[test]
    fn garbage_tokens_are_errors() {
        for bad in ["", "a.b", "a.!!!.c", "a.b.c.d", "x.bm90anNvbg.y"] {
            assert!(Claims::decode(bad).is_err(), "{bad}");
        }
    }
}
