//! The sans-IO pool: `handle(target, body, now, rng) -> PoolResponse`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use rand_core::RngCore;
use serde_json::Value;

use crate::config::{ClientConfig, Config, UserSeed};
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::jwt::Signer;
use crate::outbox::{Medium, Message, Purpose};
use crate::srp::Verifier;
use crate::store::{RefreshRecord, Session, TriggerCall, User, UserMfa, UserStatus};
use crate::wire::Body;

/// The `X-Amz-Target` prefix of every cognito-idp operation.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// An HTTP response from the pool: status, headers, JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolResponse {
    /// 200 on success, 400 for client errors, 500 for server faults.
    pub status: u16,
    /// `Content-Type` and, for errors, `x-amzn-ErrorType`.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Vec<u8>,
}

impl PoolResponse {
    pub(crate) fn json(value: &Value) -> Self {
        Self {
            status: 200,
            headers: vec![(
                "Content-Type".to_owned(),
                "application/x-amz-json-1.1".to_owned(),
            )],
            body: value.to_string().into_bytes(),
        }
    }

    /// The service's error shape.
    pub fn error(error: &ApiError) -> Self {
        let body = serde_json::json!({"__type": error.kind, "message": error.message});
        Self {
            status: error.status(),
            headers: vec![
                (
                    "Content-Type".to_owned(),
                    "application/x-amz-json-1.1".to_owned(),
                ),
                ("x-amzn-ErrorType".to_owned(), error.kind.to_owned()),
            ],
            body: body.to_string().into_bytes(),
        }
    }

    /// The body as JSON (`Null` if it is not JSON).
    pub fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `__type` of an error response.
    pub fn error_type(&self) -> Option<String> {
        (self.status >= 300).then(|| {
            self.json_body()
                .get("__type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        })
    }
}

/// A pool configuration that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid pool configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A local Cognito user pool. Every input (request, time, randomness) is passed in.
pub struct Pool {
    pub(crate) config: Config,
    pub(crate) issuer: String,
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) refresh_tokens: HashMap<String, RefreshRecord>,
    /// `origin_jti`s whose access tokens are revoked.
    pub(crate) revoked_origins: HashSet<String>,
    pub(crate) outbox: Vec<Message>,
    /// The outbox keeps the newest this many messages.
    pub(crate) outbox_limit: usize,
    /// The Lambda triggers played from configuration, newest last (as many as the outbox).
    pub(crate) trigger_calls: Vec<TriggerCall>,
    /// ClientMetadata of the InitiateAuth / RespondToAuthChallenge being handled (for the
    /// triggers).
    pub(crate) request_metadata: BTreeMap<String, String>,
    /// The `now` of the last sweep of expired sessions.
    pub(crate) sessions_swept_at: u64,
    pub(crate) signer: Signer,
    /// Managed login: authorization codes and logins waiting for their TOTP code.
    pub(crate) web: crate::web::WebState,
}

/// How many messages the outbox keeps by default (the newest).
pub const DEFAULT_OUTBOX_LIMIT: usize = 1000;
/// At most this many open challenge sessions; beyond it the one closest to expiry goes.
/// Each costs an SRP exchange to open, and they expire in minutes anyway.
pub(crate) const MAX_SESSIONS: usize = 10_000;

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("pool_id", &self.config.pool_id)
            .field("users", &self.users.len())
            .field("sessions", &self.sessions.len())
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// Builds the pool and its seeded users (salts and UUIDs drawn from `rng`, at time `now`).
    ///
    /// # Errors
    /// A pool id without `_`, a user with an unknown status or a bad TOTP secret, two users
    /// with one name, or a client without an id.
    pub fn new(config: Config, now: u64, rng: &mut dyn RngCore) -> Result<Self, ConfigError> {
        if config.region().is_empty() || config.pool_name().is_empty() {
            return Err(ConfigError(format!(
                "pool id {:?} is not <region>_<name>",
                config.pool_id
            )));
        }
        if config.clients.iter().any(|c| c.client_id.is_empty()) {
            return Err(ConfigError("a client has an empty client_id".into()));
        }
        crate::sigv4::check_credentials(&config.admin_credentials).map_err(ConfigError)?;
        let signer = Signer::test_key().ok_or_else(|| ConfigError("embedded test key".into()))?;
        let issuer = config.issuer.clone().unwrap_or_else(|| {
            format!(
                "https://cognito-idp.{}.amazonaws.com/{}",
                config.region(),
                config.pool_id
            )
        });
        let seeds = config.users.clone();
        let mut pool = Self {
            config,
            issuer,
            users: BTreeMap::new(),
            sessions: HashMap::new(),
            refresh_tokens: HashMap::new(),
            revoked_origins: HashSet::new(),
            outbox: Vec::new(),
            outbox_limit: DEFAULT_OUTBOX_LIMIT,
            trigger_calls: Vec::new(),
            request_metadata: BTreeMap::new(),
            sessions_swept_at: 0,
            signer,
            web: crate::web::WebState::default(),
        };
        for seed in &seeds {
            pool.add_user(seed, now, rng)?;
        }
        Ok(pool)
    }

    /// Adds a user as an administrator would. Returns the internal user name.
    ///
    /// # Errors
    /// Unknown status, bad TOTP secret, or the name is taken.
    pub fn add_user(
        &mut self,
        seed: &UserSeed,
        now: u64,
        rng: &mut dyn RngCore,
    ) -> Result<String, ConfigError> {
        let status = UserStatus::parse(&seed.status)
            .ok_or_else(|| ConfigError(format!("unknown status {:?}", seed.status)))?;
        if self.find_user(&seed.username).is_some() {
            return Err(ConfigError(format!(
                "user {:?} exists twice",
                seed.username
            )));
        }
        let mut attributes = seed.attributes.clone();
        let sub = attributes
            .remove("sub")
            .unwrap_or_else(|| crypto::uuid(rng));
        if let Some(attr) = self.username_attribute_for(&seed.username) {
            attributes.insert(attr.to_owned(), seed.username.clone());
        }
        let username = if self.config.username_attributes.is_empty() {
            seed.username.clone()
        } else {
            sub.clone()
        };
        for attr in ["email", "phone_number"] {
            if attributes.contains_key(attr) {
                attributes
                    .entry(format!("{attr}_verified"))
                    .or_insert_with(|| "true".to_owned());
            }
        }
        let totp = match &seed.mfa.totp_secret {
            Some(b32) => Some(
                totp_rs::Secret::try_from_base32(b32)
                    .map_err(|e| ConfigError(format!("totp_secret: {e}")))?
                    .as_bytes()
                    .to_vec(),
            ),
            None => None,
        };
        let verifier = Verifier::generate(self.config.pool_name(), &username, &seed.password, rng);
        let user = User {
            username: username.clone(),
            sub,
            status,
            verifier,
            attributes,
            mfa: UserMfa {
                totp_enabled: totp.is_some(),
                totp,
                sms: seed.mfa.sms,
                email: seed.mfa.email,
                preferred: seed.mfa.preferred.clone(),
                ..UserMfa::default()
            },
            devices: BTreeMap::new(),
            device_group_key: format!("-{}", crypto::opaque(rng, 6)),
            codes: BTreeMap::new(),
            modified: now,
            created: now,
            temporary_password_expires: None,
            passkeys: crate::webauthn::Passkeys::default(),
        };
        self.users.insert(username.clone(), user);
        Ok(username)
    }

    /// Handles one request. `target` is the `X-Amz-Target` header; `now` is Unix seconds.
    /// Never panics: malformed input gets the service's error shapes.
    pub fn handle(
        &mut self,
        target: &str,
        body: &[u8],
        now: u64,
        rng: &mut dyn RngCore,
    ) -> PoolResponse {
        let Some(operation) = target.strip_prefix(TARGET_PREFIX) else {
            return PoolResponse::error(&ApiError::new(
                "UnknownOperationException",
                format!("Unknown operation {target}"),
            ));
        };
        let outcome = Body::parse(body).and_then(|body| {
            let mut cx = Cx { now, rng };
            self.dispatch(operation, &body, &mut cx)
        });
        match outcome {
            Ok(value) => PoolResponse::json(&value),
            Err(error) => PoolResponse::error(&error),
        }
    }

    fn dispatch(&mut self, operation: &str, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        match operation {
            "InitiateAuth" => self.initiate_auth(body, cx),
            "RespondToAuthChallenge" => self.respond_to_auth_challenge(body, cx),
            "GetTokensFromRefreshToken" => self.get_tokens_from_refresh_token(body, cx),
            "RevokeToken" => self.revoke_token(body),
            "GlobalSignOut" => self.global_sign_out(body, cx),
            "SignUp" => self.sign_up(body, cx),
            "ConfirmSignUp" => self.confirm_sign_up(body, cx),
            "ResendConfirmationCode" => self.resend_confirmation_code(body, cx),
            "ForgotPassword" => self.forgot_password(body, cx),
            "ConfirmForgotPassword" => self.confirm_forgot_password(body, cx),
            "ChangePassword" => self.change_password(body, cx),
            "GetUser" => self.get_user(body, cx),
            "UpdateUserAttributes" => self.update_user_attributes(body, cx),
            "VerifyUserAttribute" => self.verify_user_attribute(body, cx),
            "GetUserAttributeVerificationCode" => {
                self.get_user_attribute_verification_code(body, cx)
            }
            "DeleteUser" => self.delete_user(body, cx),
            "AssociateSoftwareToken" => self.associate_software_token(body, cx),
            "VerifySoftwareToken" => self.verify_software_token(body, cx),
            "SetUserMFAPreference" => self.set_user_mfa_preference(body, cx),
            "ConfirmDevice" => self.confirm_device(body, cx),
            "ListDevices" => self.list_devices(body, cx),
            "GetDevice" => self.get_device(body, cx),
            "ForgetDevice" => self.forget_device(body, cx),
            "UpdateDeviceStatus" => self.update_device_status(body, cx),
            "GetUserAuthFactors" => self.get_user_auth_factors(body, cx),
            "StartWebAuthnRegistration" => self.start_web_authn_registration(body, cx),
            "CompleteWebAuthnRegistration" => self.complete_web_authn_registration(body, cx),
            "ListWebAuthnCredentials" => self.list_web_authn_credentials(body, cx),
            "DeleteWebAuthnCredential" => self.delete_web_authn_credential(body, cx),
            // Served by `handle_http`, which sees the signature; here there is none.
            other if crate::ops::SIGNED_OPERATIONS.contains(&other) => {
                Err(crate::ops::missing_authentication())
            }
            other => Err(ApiError::new(
                "UnknownOperationException",
                format!("cognito-auth-testkit does not implement {other}"),
            )),
        }
    }

    /// The pool's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The `iss` claim of issued tokens.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Changes the `iss` claim (the HTTP server sets its own URL).
    pub fn set_issuer(&mut self, issuer: impl Into<String>) {
        self.issuer = issuer.into();
    }

    /// The JWKS document (`{"keys": [...]}`) with the public signing key.
    pub fn jwks(&self) -> Value {
        self.signer.jwks()
    }

    /// Where the HTTP server serves the JWKS: `/<pool id>/.well-known/jwks.json`.
    pub fn jwks_path(&self) -> String {
        format!("/{}/.well-known/jwks.json", self.config.pool_id)
    }

    /// The codes sent so far, oldest first: the newest [`outbox_limit`](Self::outbox_limit)
    /// of them.
    pub fn outbox(&self) -> &[Message] {
        &self.outbox
    }

    /// How many messages the outbox keeps ([`DEFAULT_OUTBOX_LIMIT`] unless set).
    pub fn outbox_limit(&self) -> usize {
        self.outbox_limit
    }

    /// Keeps only the newest `limit` messages from now on (at least 1).
    pub fn set_outbox_limit(&mut self, limit: usize) {
        self.outbox_limit = limit.max(1);
        self.trim_outbox();
    }

    pub(crate) fn trim_outbox(&mut self) {
        let excess = self.outbox.len().saturating_sub(self.outbox_limit);
        if excess > 0 {
            self.outbox.drain(..excess);
        }
        let excess = self.trigger_calls.len().saturating_sub(self.outbox_limit);
        if excess > 0 {
            self.trigger_calls.drain(..excess);
        }
    }

    /// The CUSTOM_AUTH trigger calls so far, oldest first, with the ClientMetadata each
    /// request carried (the newest [`outbox_limit`](Self::outbox_limit) of them).
    pub fn trigger_calls(&self) -> &[TriggerCall] {
        &self.trigger_calls
    }

    /// Records a trigger call with the current request's ClientMetadata.
    pub(crate) fn record_trigger(
        &mut self,
        trigger: &'static str,
        username: &str,
        client_id: &str,
        now: u64,
    ) {
        self.trigger_calls.push(TriggerCall {
            trigger,
            username: username.to_owned(),
            client_id: client_id.to_owned(),
            client_metadata: self.request_metadata.clone(),
            at: now,
        });
        self.trim_outbox();
    }

    /// How many challenge sessions are open (expired ones are swept as new ones open).
    pub fn open_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Drops expired sessions (at most once per second of `now`), and when
    /// [`MAX_SESSIONS`] are still open, the one that expires first.
    pub(crate) fn sweep_sessions(&mut self, now: u64) {
        if now != self.sessions_swept_at {
            self.sessions_swept_at = now;
            self.sessions.retain(|_, s| s.expires > now);
        }
        while self.sessions.len() >= MAX_SESSIONS {
            let first = self
                .sessions
                .iter()
                .min_by_key(|(_, s)| s.expires)
                .map(|(token, _)| token.clone());
            match first {
                Some(token) => self.sessions.remove(&token),
                None => break,
            };
        }
    }

    /// Removes and returns the newest code sent to `who` (internal name, user name typed at
    /// sign-up, or the e-mail / phone number it went to).
    pub fn take_code(&mut self, who: &str) -> Option<String> {
        let internal = self.find_user(who).map(|u| u.username.clone());
        let index = self.outbox.iter().rposition(|m| {
            m.addressed_to(who) || internal.as_deref().is_some_and(|n| m.username == n)
        })?;
        Some(self.outbox.remove(index).code)
    }

    /// A user's status by any name they sign in with.
    pub fn user_status(&self, who: &str) -> Option<UserStatus> {
        self.find_user(who).map(|u| u.status)
    }

    /// A user's internal name (USER_ID_FOR_SRP) by any name they sign in with.
    pub fn internal_username(&self, who: &str) -> Option<&str> {
        self.find_user(who).map(|u| u.username.as_str())
    }

    /// A user's attributes (`sub` included).
    pub fn user_attributes(&self, who: &str) -> Option<BTreeMap<String, String>> {
        self.find_user(who).map(|u| {
            let mut attrs = u.attributes.clone();
            attrs.insert("sub".to_owned(), u.sub.clone());
            attrs
        })
    }

    // ---- shared helpers for the operations ----

    /// Which username attribute a typed name is, in a pool with username attributes.
    pub(crate) fn username_attribute_for(&self, typed: &str) -> Option<&'static str> {
        let wants = |a: &str| self.config.username_attributes.iter().any(|x| x == a);
        if typed.contains('@') && wants("email") {
            Some("email")
        } else if typed.starts_with('+') && wants("phone_number") {
            Some("phone_number")
        } else {
            None
        }
    }

    /// The user someone means by `typed`: the internal name, or a username
    /// attribute / verified alias.
    pub(crate) fn find_user(&self, typed: &str) -> Option<&User> {
        if let Some(user) = self.users.get(typed) {
            return Some(user);
        }
        let by_attr = |attr: &str, need_verified: bool| {
            self.users
                .values()
                .find(|u| u.attr(attr) == Some(typed) && (!need_verified || u.verified(attr)))
        };
        for attr in &self.config.username_attributes {
            if let Some(user) = by_attr(attr, false) {
                return Some(user);
            }
        }
        for attr in &self.config.alias_attributes {
            if let Some(user) = by_attr(attr, true) {
                return Some(user);
            }
        }
        None
    }

    pub(crate) fn internal_name(&self, typed: &str) -> Option<String> {
        self.find_user(typed).map(|u| u.username.clone())
    }

    pub(crate) fn user_mut(&mut self, username: &str) -> ApiResult<&mut User> {
        self.users
            .get_mut(username)
            .ok_or_else(ApiError::user_not_found)
    }

    pub(crate) fn client(&self, client_id: &str) -> ApiResult<&ClientConfig> {
        self.config
            .clients
            .iter()
            .find(|c| c.client_id == client_id)
            .ok_or_else(|| {
                ApiError::new(
                    "ResourceNotFoundException",
                    format!("User pool client {client_id} does not exist."),
                )
            })
    }

    /// Checks SECRET_HASH (or `SecretHash`) over `username` for a client with a secret.
    pub(crate) fn check_secret_hash(
        &self,
        client_id: &str,
        username: &str,
        sent: Option<&str>,
    ) -> ApiResult<()> {
        let client = self.client(client_id)?;
        let Some(secret) = &client.client_secret else {
            return Ok(());
        };
        let Some(sent) = sent else {
            return Err(ApiError::not_authorized(format!(
                "Client {client_id} is configured for secret but secret was not received"
            )));
        };
        if crypto::secret_hash_matches(secret, username, client_id, sent) {
            Ok(())
        } else {
            Err(ApiError::not_authorized(format!(
                "Unable to verify secret hash for client {client_id}"
            )))
        }
    }

    /// Checks a raw `ClientSecret` (GetTokensFromRefreshToken, RevokeToken).
    pub(crate) fn check_client_secret(&self, client_id: &str, sent: Option<&str>) -> ApiResult<()> {
        let client = self.client(client_id)?;
        match (&client.client_secret, sent) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(ApiError::not_authorized(format!(
                "Client {client_id} is configured for secret but secret was not received"
            ))),
            (Some(secret), Some(sent)) if crypto::ct_eq(secret, sent) => Ok(()),
            (Some(_), Some(_)) => Err(ApiError::not_authorized(format!(
                "Unable to verify secret hash for client {client_id}"
            ))),
        }
    }

    /// The user an access token belongs to, after checking its signature, use, expiry
    /// and revocation.
    pub(crate) fn authorize(&self, token: &str, now: u64) -> ApiResult<String> {
        let claims = self
            .signer
            .verify(token)
            .ok_or_else(ApiError::invalid_access_token)?;
        let get = |k: &str| claims.get(k).and_then(Value::as_str);
        if get("token_use") != Some("access") || get("iss") != Some(self.issuer.as_str()) {
            return Err(ApiError::invalid_access_token());
        }
        if claims.get("exp").and_then(Value::as_u64).unwrap_or(0) <= now {
            return Err(ApiError::not_authorized("Access Token has expired"));
        }
        if get("origin_jti").is_some_and(|o| self.revoked_origins.contains(o)) {
            return Err(ApiError::not_authorized("Access Token has been revoked"));
        }
        let username = get("username").ok_or_else(ApiError::invalid_access_token)?;
        let user = self
            .users
            .get(username)
            .filter(|u| Some(u.sub.as_str()) == get("sub"))
            .ok_or_else(ApiError::user_not_found)?;
        Ok(user.username.clone())
    }

    /// Sends a code to the user's e-mail (or phone) and records it.
    pub(crate) fn send_code(
        &mut self,
        username: &str,
        purpose: Purpose,
        prefer: Medium,
        cx: &mut Cx<'_>,
    ) -> (String, Option<(Medium, String)>) {
        let code = crypto::code(cx.rng);
        let user = self.users.get(username);
        let email = user.and_then(|u| u.attr("email")).map(String::from);
        let phone = user.and_then(|u| u.attr("phone_number")).map(String::from);
        let delivery = match (prefer, email, phone) {
            (Medium::Sms, _, Some(p)) => Some((Medium::Sms, p)),
            (_, Some(e), _) => Some((Medium::Email, e)),
            (_, None, Some(p)) => Some((Medium::Sms, p)),
            (_, None, None) => None,
        };
        self.outbox.push(Message {
            username: username.to_owned(),
            destination: delivery.as_ref().map(|(_, d)| d.clone()),
            medium: delivery.as_ref().map_or(prefer, |(m, _)| *m),
            purpose,
            code: code.clone(),
            sent_at: cx.now,
        });
        self.trim_outbox();
        (code, delivery)
    }
}

/// The per-request context: the time and the random source.
pub(crate) struct Cx<'a> {
    pub(crate) now: u64,
    pub(crate) rng: &'a mut dyn RngCore,
}
