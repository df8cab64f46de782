//! Passkeys (WebAuthn Level 3, §7): the pool's configuration, what it stores per credential,
//! and the checks of a registration (attestation `none` or `packed` self-attestation) and of
//! an assertion (sign-in). The operations that use them are in `ops/webauthn.rs`.

mod authdata;
mod ceremony;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod known_answers;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

pub(crate) use authdata::CoseKey;
pub(crate) use ceremony::{Expected, b64url, verify_assertion, verify_registration};

/// `SetUserPoolMfaConfig`'s `WebAuthnConfiguration`, plus the origins the pool accepts (a
/// testkit extension: the service takes them from its domains).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebAuthnConfiguration {
    /// `RelyingPartyId`: the domain passkeys are bound to. Without it StartWebAuthnRegistration
    /// fails with WebAuthnConfigurationMissingException (the service falls back to the pool's
    /// domain, which the testkit does not have).
    #[serde(default)]
    pub relying_party_id: Option<String>,
    /// `UserVerification`: `required` refuses authenticators that did not verify the user
    /// (flag UV); `preferred` (the default) only asks for it.
    #[serde(default)]
    pub user_verification: UserVerification,
    /// Origins accepted besides `https://<relying_party_id>` (any port), its subdomains over
    /// https, and `http://localhost[:port]` when the relying party is `localhost`. Exact
    /// matches, e.g. `android:apk-key-hash:...`.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
}

impl WebAuthnConfiguration {
    /// Passkeys for `relying_party_id`, user verification preferred.
    pub fn new(relying_party_id: impl Into<String>) -> Self {
        Self {
            relying_party_id: Some(relying_party_id.into()),
            ..Self::default()
        }
    }

    /// `UserVerification: required`.
    #[must_use]
    pub fn require_user_verification(mut self) -> Self {
        self.user_verification = UserVerification::Required;
        self
    }

    /// Accepts `origin` too (exact match).
    #[must_use]
    pub fn with_allowed_origin(mut self, origin: impl Into<String>) -> Self {
        self.allowed_origins.push(origin.into());
        self
    }

    /// Whether clientDataJSON's `origin` may speak for `rp_id` (WebAuthn §13.4.9: the origin's
    /// host is the RP ID or a subdomain of it, over https; http only for localhost).
    pub(crate) fn origin_allowed(&self, rp_id: &str, origin: &str) -> bool {
        if self.allowed_origins.iter().any(|o| o == origin) {
            return true;
        }
        let Some((scheme, rest)) = origin.split_once("://") else {
            return false;
        };
        // An origin has no path; a port is digits only.
        let host = match rest.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            Some(_) => return false,
            None => rest,
        };
        if host.is_empty() || host.contains(['/', '?', '#', '@']) {
            return false;
        }
        let same_site = host == rp_id || host.strip_suffix(rp_id).is_some_and(|p| p.ends_with('.'));
        match scheme {
            "https" => same_site,
            "http" => rp_id == "localhost" && host == "localhost",
            _ => false,
        }
    }
}

/// `UserVerificationType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserVerification {
    /// Only authenticators that verify the user (PIN, biometrics).
    Required,
    /// Asked for, not enforced.
    #[default]
    Preferred,
}

impl UserVerification {
    /// The service's (and WebAuthn's) name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserVerification::Required => "required",
            UserVerification::Preferred => "preferred",
        }
    }
}

/// A registered passkey.
#[derive(Debug, Clone)]
pub(crate) struct Passkey {
    /// The raw credential id.
    pub(crate) id: Vec<u8>,
    pub(crate) key: CoseKey,
    /// The authenticator's signature counter as last seen (0: it keeps none).
    pub(crate) sign_count: u32,
    pub(crate) rp_id: String,
    pub(crate) transports: Vec<String>,
    pub(crate) attachment: Option<String>,
    pub(crate) name: String,
    pub(crate) created: u64,
}

/// A StartWebAuthnRegistration waiting for its CompleteWebAuthnRegistration.
#[derive(Debug, Clone)]
pub(crate) struct PendingRegistration {
    pub(crate) challenge: Vec<u8>,
    pub(crate) client_id: String,
    pub(crate) expires: u64,
}

/// A user's passkeys and the registration in progress.
#[derive(Debug, Clone, Default)]
pub(crate) struct Passkeys {
    pub(crate) credentials: Vec<Passkey>,
    pub(crate) pending: Option<PendingRegistration>,
}

/// What went wrong in a ceremony; the operation decides the exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Not the challenge the pool issued (or none is pending).
    Challenge,
    /// clientDataJSON's origin may not speak for the relying party.
    Origin,
    /// rpIdHash is not SHA-256 of the relying party id.
    RelyingParty,
    /// An algorithm, key type or attestation format the pool does not take, or no user
    /// verification where it is required.
    NotSupported,
    /// Not a well-formed credential, or a flag missing.
    Malformed,
    /// The credential is not (or no longer) registered for this user.
    UnknownCredential,
    /// The signature does not verify.
    Signature,
    /// The signature counter did not increase.
    Counter,
}

/// A failed check, with what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) kind: Kind,
    pub(crate) message: String,
}

pub(crate) fn fail(kind: Kind, message: impl Into<String>) -> Failure {
    Failure {
        kind,
        message: message.into(),
    }
}

impl Failure {
    /// The exception CompleteWebAuthnRegistration answers with (its error list names them).
    pub(crate) fn at_registration(self) -> ApiError {
        let kind = match self.kind {
            Kind::Challenge => "WebAuthnChallengeNotFoundException",
            Kind::Origin => "WebAuthnOriginNotAllowedException",
            Kind::RelyingParty => "WebAuthnRelyingPartyMismatchException",
            Kind::NotSupported => "WebAuthnCredentialNotSupportedException",
            Kind::Malformed | Kind::UnknownCredential | Kind::Signature | Kind::Counter => {
                "InvalidParameterException"
            }
        };
        ApiError::new(kind, self.message)
    }

    /// RespondToAuthChallenge(WEB_AUTHN): its error list has no WebAuthn exception, so every
    /// failed assertion is NotAuthorizedException, with what failed in the message.
    pub(crate) fn at_sign_in(self) -> ApiError {
        ApiError::not_authorized(self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_relying_party() {
        let config = WebAuthnConfiguration::new("example.com").with_allowed_origin("app:x");
        for ok in [
            "https://example.com",
            "https://example.com:8443",
            "https://login.example.com",
            "app:x",
        ] {
            assert!(config.origin_allowed("example.com", ok), "{ok}");
        }
        for bad in [
            "http://example.com",
            "https://badexample.com",
            "https://example.com.evil.net",
            "https://example.com/path",
            "https://example.com:",
            "https://user@example.com",
            "example.com",
            "https://",
        ] {
            assert!(!config.origin_allowed("example.com", bad), "{bad}");
        }
        let local = WebAuthnConfiguration::new("localhost");
        assert!(local.origin_allowed("localhost", "http://localhost:5173"));
        assert!(!local.origin_allowed("localhost", "http://127.0.0.1:5173"));
    }
}
