//! Passkey (WebAuthn) registration and management for the signed-in user. The WebAuthn
//! ceremony itself (`navigator.credentials.create`, platform APIs) is the app's: these calls
//! carry its JSON in and out unchanged.

use serde::{Deserialize, Serialize};

use super::call;
use super::types::Empty;
use super::user::access_token_call;
use crate::config::PoolConfig;
use crate::secret::SecretString;

/// Request shape with only `AccessToken`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccessTokenOnly<'a> {
    access_token: &'a str,
}

access_token_call! {
    /// `StartWebAuthnRegistration`: the credential creation options to hand to the
    /// authenticator. Then [`CompleteWebAuthnRegistration`] with what it returns.
    ///
    /// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html).
    /// The exceptions it can return: [`Operation::StartWebAuthnRegistration`](crate::Operation::StartWebAuthnRegistration)`.errors()`.
    StartWebAuthnRegistration
}
call!(
    StartWebAuthnRegistration,
    StartWebAuthnRegistration,
    StartWebAuthnRegistrationOutput
);

/// `StartWebAuthnRegistrationResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct StartWebAuthnRegistrationOutput {
    /// `PublicKeyCredentialCreationOptions` as JSON, for the WebAuthn API.
    pub credential_creation_options: serde_json::Value,
}

/// `CompleteWebAuthnRegistration`: registers the passkey the authenticator created.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html).
/// The exceptions it can return: [`Operation::CompleteWebAuthnRegistration`](crate::Operation::CompleteWebAuthnRegistration)`.errors()`.
#[derive(Debug, Clone)]
pub struct CompleteWebAuthnRegistration {
    access_token: SecretString,
    credential: serde_json::Value,
}

impl CompleteWebAuthnRegistration {
    /// `credential` is the `RegistrationResponseJSON` of the WebAuthn API.
    pub fn new(access_token: impl Into<SecretString>, credential: serde_json::Value) -> Self {
        Self {
            access_token: access_token.into(),
            credential,
        }
    }

    fn wire(&self, _: &PoolConfig) -> CompleteWire<'_> {
        CompleteWire {
            access_token: self.access_token.expose(),
            credential: &self.credential,
        }
    }
}
call!(
    CompleteWebAuthnRegistration,
    CompleteWebAuthnRegistration,
    Empty
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CompleteWire<'a> {
    access_token: &'a str,
    credential: &'a serde_json::Value,
}

/// `ListWebAuthnCredentials`: the signed-in user's passkeys, a page at a time.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html).
/// The exceptions it can return: [`Operation::ListWebAuthnCredentials`](crate::Operation::ListWebAuthnCredentials)`.errors()`.
#[derive(Debug, Clone)]
pub struct ListWebAuthnCredentials {
    access_token: SecretString,
    max_results: Option<u32>,
    next_token: Option<String>,
}

impl ListWebAuthnCredentials {
    /// The first page.
    pub fn new(access_token: impl Into<SecretString>) -> Self {
        Self {
            access_token: access_token.into(),
            max_results: None,
            next_token: None,
        }
    }

    /// At most `max` per page (the service allows 0 to 20).
    #[must_use]
    pub fn with_max_results(mut self, max: u32) -> Self {
        self.max_results = Some(max);
        self
    }

    /// The page after the one that returned `token`.
    #[must_use]
    pub fn with_next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }

    fn wire(&self, _: &PoolConfig) -> ListWire<'_> {
        ListWire {
            access_token: self.access_token.expose(),
            next_token: self.next_token.as_deref(),
            max_results: self.max_results,
        }
    }
}
call!(
    ListWebAuthnCredentials,
    ListWebAuthnCredentials,
    WebAuthnCredentials
);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListWire<'a> {
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_results: Option<u32>,
}

/// `ListWebAuthnCredentialsResponse`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct WebAuthnCredentials {
    /// This page's passkeys.
    #[serde(default)]
    pub credentials: Vec<WebAuthnCredential>,
    /// Present when there are more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `WebAuthnCredentialDescription`: one registered passkey.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct WebAuthnCredential {
    /// The credential id, for [`DeleteWebAuthnCredential`].
    #[serde(default)]
    pub credential_id: String,
    /// The name the authenticator gave it.
    #[serde(default)]
    pub friendly_credential_name: String,
    /// The relying party (the pool's domain).
    #[serde(default)]
    pub relying_party_id: String,
    /// `platform` or `cross-platform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// `usb`, `nfc`, `ble`, `internal`, `hybrid`...
    #[serde(default)]
    pub authenticator_transports: Vec<String>,
    /// When it was registered, seconds since the epoch.
    #[serde(default)]
    pub created_at: f64,
}

/// `DeleteWebAuthnCredential`: deletes one of the signed-in user's passkeys.
///
/// [API reference](https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html).
/// The exceptions it can return: [`Operation::DeleteWebAuthnCredential`](crate::Operation::DeleteWebAuthnCredential)`.errors()`.
#[derive(Debug, Clone)]
pub struct DeleteWebAuthnCredential {
    access_token: SecretString,
    credential_id: String,
}

impl DeleteWebAuthnCredential {
    /// Deletes `credential_id` ([`WebAuthnCredential::credential_id`]).
    pub fn new(access_token: impl Into<SecretString>, credential_id: impl Into<String>) -> Self {
        Self {
            access_token: access_token.into(),
            credential_id: credential_id.into(),
        }
    }

    fn wire(&self, _: &PoolConfig) -> DeleteWire<'_> {
        DeleteWire {
            access_token: self.access_token.expose(),
            credential_id: &self.credential_id,
        }
    }
}
call!(DeleteWebAuthnCredential, DeleteWebAuthnCredential, Empty);

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteWire<'a> {
    access_token: &'a str,
    credential_id: &'a str,
}
