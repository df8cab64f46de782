//! Passkeys: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials, DeleteWebAuthnCredential, and the WEB_AUTHN first factor of
//! USER_AUTH (CREDENTIAL_REQUEST_OPTIONS, answered with CREDENTIAL).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::param;
use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::store::Step;
use crate::webauthn::{self, Expected, Passkey, PendingRegistration};
use crate::wire::Body;

/// How long a registration challenge lasts (the options' `timeout`).
const REGISTRATION_TIMEOUT_SECS: u64 = 300;
/// The `timeout` of a sign-in's request options, in milliseconds (the session bounds it).
const SIGN_IN_TIMEOUT_MS: u64 = 180_000;
/// Passkeys one user may have (the service's quota).
const MAX_PASSKEYS: usize = 20;
/// ListWebAuthnCredentials' largest and default page.
const MAX_PAGE: u64 = 20;

fn challenge_bytes(cx: &mut Cx<'_>) -> Vec<u8> {
    let mut challenge = vec![0u8; 32];
    cx.rng.fill_bytes(&mut challenge);
    challenge
}

fn descriptor(passkey: &Passkey) -> Value {
    let mut value = json!({"type": "public-key", "id": webauthn::b64url(&passkey.id)});
    if !passkey.transports.is_empty() {
        if let Some(obj) = value.as_object_mut() {
            obj.insert("transports".into(), json!(passkey.transports));
        }
    }
    value
}

impl Pool {
    /// The relying party id, when the pool offers passkeys: WEB_AUTHN among the first
    /// factors (else WebAuthnNotEnabledException) and a relying party configured (else
    /// WebAuthnConfigurationMissingException).
    fn relying_party(&self) -> ApiResult<String> {
        if !self.config.sign_in_policy.allows("WEB_AUTHN") {
            return Err(ApiError::new(
                "WebAuthnNotEnabledException",
                "Passkeys are not enabled: WEB_AUTHN is not in the pool's AllowedFirstAuthFactors",
            ));
        }
        self.config
            .web_authn_configuration
            .relying_party_id
            .clone()
            .ok_or_else(|| {
                ApiError::new(
                    "WebAuthnConfigurationMissingException",
                    "The user pool has no WebAuthn relying party id",
                )
            })
    }

    /// The `client_id` of an access token `authorize` accepted.
    fn token_client(&self, token: &str) -> Option<String> {
        let claims = self.signer.verify(token)?;
        claims.get("client_id")?.as_str().map(str::to_owned)
    }

    /// The WebAuthn user handle: the user's `sub`.
    fn user_handle(&self, username: &str) -> Vec<u8> {
        self.users
            .get(username)
            .map(|u| u.sub.as_bytes().to_vec())
            .unwrap_or_default()
    }

    pub(crate) fn start_web_authn_registration(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let username = self.authorize(token, cx.now)?;
        let rp_id = self.relying_party()?;
        let client_id = self.token_client(token).unwrap_or_default();
        let verification = self.config.web_authn_configuration.user_verification;
        let challenge = challenge_bytes(cx);
        let user = self.user_mut(&username)?;
        let options = json!({
            "challenge": webauthn::b64url(&challenge),
            "rp": {"id": rp_id, "name": rp_id},
            "user": {
                "id": webauthn::b64url(user.sub.as_bytes()),
                "name": username,
                "displayName": username,
            },
            "pubKeyCredParams": [
                {"type": "public-key", "alg": -7},
                {"type": "public-key", "alg": -257},
            ],
            "timeout": REGISTRATION_TIMEOUT_SECS * 1000,
            "excludeCredentials":
                user.passkeys.credentials.iter().map(descriptor).collect::<Vec<_>>(),
            "authenticatorSelection": {
                "residentKey": "required",
                "requireResidentKey": true,
                "userVerification": verification.as_str(),
            },
        });
        // A new start replaces the pending challenge: only the newest can complete.
        user.passkeys.pending = Some(PendingRegistration {
            challenge,
            client_id,
            expires: cx.now.saturating_add(REGISTRATION_TIMEOUT_SECS),
        });
        Ok(json!({"CredentialCreationOptions": options}))
    }

    pub(crate) fn complete_web_authn_registration(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let credential = body
            .value("Credential")
            .ok_or_else(|| ApiError::missing_member("Credential"))?;
        let username = self.authorize(token, cx.now)?;
        let rp_id = self.relying_party()?;
        let client_id = self.token_client(token).unwrap_or_default();
        let taken = |id: &[u8]| {
            self.users
                .values()
                .any(|u| u.passkeys.credentials.iter().any(|p| p.id == id))
        };
        let user = self
            .users
            .get(&username)
            .ok_or_else(ApiError::user_not_found)?;
        let pending = user
            .passkeys
            .pending
            .as_ref()
            .filter(|p| p.expires > cx.now)
            .ok_or_else(|| {
                ApiError::new(
                    "WebAuthnChallengeNotFoundException",
                    "No registration challenge is pending for this user (or it expired): call StartWebAuthnRegistration",
                )
            })?;
        if pending.client_id != client_id {
            return Err(ApiError::new(
                "WebAuthnClientMismatchException",
                "The access token is for another app client than StartWebAuthnRegistration's",
            ));
        }
        if user.passkeys.credentials.len() >= MAX_PASSKEYS {
            return Err(ApiError::new(
                "LimitExceededException",
                format!("A user can register at most {MAX_PASSKEYS} passkeys"),
            ));
        }
        let expected = Expected {
            challenge: &pending.challenge,
            rp_id: &rp_id,
            config: &self.config.web_authn_configuration,
        };
        let name = format!("Passkey {}", user.passkeys.credentials.len() + 1);
        let passkey = webauthn::verify_registration(credential, &expected, name, cx.now)
            .map_err(webauthn::Failure::at_registration)?;
        if taken(&passkey.id) {
            return Err(ApiError::invalid_parameter(
                "This credential id is already registered",
            ));
        }
        let user = self.user_mut(&username)?;
        user.passkeys.pending = None;
        user.passkeys.credentials.push(passkey);
        user.modified = cx.now;
        Ok(json!({}))
    }

    pub(crate) fn list_web_authn_credentials(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let max = body.opt_u64("MaxResults")?.unwrap_or(MAX_PAGE);
        if max > MAX_PAGE {
            return Err(ApiError::invalid_parameter(format!(
                "1 validation error detected: Value '{max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {MAX_PAGE}"
            )));
        }
        let start = match body.opt_str("NextToken")? {
            Some(next) => next
                .parse::<usize>()
                .map_err(|_| ApiError::invalid_parameter("Invalid NextToken"))?,
            None => 0,
        };
        let username = self.authorize(token, cx.now)?;
        let user = self.user_mut(&username)?;
        // MaxResults 0 reads as the default: a page of none would never advance.
        let page = usize::try_from(if max == 0 { MAX_PAGE } else { max }).unwrap_or(20);
        let all = &user.passkeys.credentials;
        let credentials: Vec<Value> = all
            .iter()
            .skip(start)
            .take(page)
            .map(|p| {
                let mut value = json!({
                    "CredentialId": webauthn::b64url(&p.id),
                    "FriendlyCredentialName": p.name,
                    "RelyingPartyId": p.rp_id,
                    "AuthenticatorTransports": p.transports,
                    "CreatedAt": p.created,
                });
                if let (Some(attachment), Some(obj)) = (&p.attachment, value.as_object_mut()) {
                    obj.insert("AuthenticatorAttachment".into(), json!(attachment));
                }
                value
            })
            .collect();
        let mut response = json!({"Credentials": credentials});
        let next = start.saturating_add(page);
        if next < all.len() {
            if let Some(obj) = response.as_object_mut() {
                obj.insert("NextToken".into(), json!(next.to_string()));
            }
        }
        Ok(response)
    }

    pub(crate) fn delete_web_authn_credential(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let id = body.str("CredentialId")?.to_owned();
        let username = self.authorize(token, cx.now)?;
        let user = self.user_mut(&username)?;
        let before = user.passkeys.credentials.len();
        user.passkeys
            .credentials
            .retain(|p| webauthn::b64url(&p.id) != id);
        if user.passkeys.credentials.len() == before {
            return Err(ApiError::new(
                "ResourceNotFoundException",
                "No passkey with this CredentialId for the user",
            ));
        }
        user.modified = cx.now;
        Ok(json!({}))
    }

    /// Whether USER_AUTH may offer WEB_AUTHN to `username`: passkeys enabled and one
    /// registered.
    pub(crate) fn has_passkey(&self, username: &str) -> bool {
        self.relying_party().is_ok()
            && self
                .users
                .get(username)
                .is_some_and(|u| !u.passkeys.credentials.is_empty())
    }

    /// The WEB_AUTHN challenge: PublicKeyCredentialRequestOptions with a fresh challenge
    /// and the user's credentials.
    pub(crate) fn web_authn_challenge(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let rp_id = self.relying_party()?;
        let verification = self.config.web_authn_configuration.user_verification;
        let challenge = challenge_bytes(cx);
        let user = self.user_mut(username)?;
        let options = json!({
            "challenge": webauthn::b64url(&challenge),
            "timeout": SIGN_IN_TIMEOUT_MS,
            "rpId": rp_id,
            "allowCredentials":
                user.passkeys.credentials.iter().map(descriptor).collect::<Vec<_>>(),
            "userVerification": verification.as_str(),
        });
        let parameters = json!({"CREDENTIAL_REQUEST_OPTIONS": options.to_string()});
        let step = Step::WebAuthn { challenge };
        Ok(self.challenge(username, client_id, device_key, step, parameters, cx))
    }

    /// WEB_AUTHN answered with CREDENTIAL: the assertion is checked, the counter kept, and
    /// the user is signed in (a passkey is the whole sign-in: no MFA follows).
    pub(crate) fn answer_web_authn(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        challenge: &[u8],
        responses: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let credential = param(responses, "CREDENTIAL")?;
        let rp_id = self.relying_party()?;
        let handle = self.user_handle(username);
        let user = self
            .users
            .get(username)
            .ok_or_else(ApiError::user_not_found)?;
        let expected = Expected {
            challenge,
            rp_id: &rp_id,
            config: &self.config.web_authn_configuration,
        };
        let (index, count) =
            webauthn::verify_assertion(credential, &expected, &user.passkeys.credentials, &handle)
                .map_err(webauthn::Failure::at_sign_in)?;
        if let Some(passkey) = self.user_mut(username)?.passkeys.credentials.get_mut(index) {
            passkey.sign_count = count;
        }
        self.finish(username, client_id, device_key, cx)
    }
}
