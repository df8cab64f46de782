//! InitiateAuth and RespondToAuthChallenge: SRP, passwords, sessions.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::param;
use crate::config::ClientConfig;
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::srp::{self, ServerExchange, Verifier};
use crate::store::{MAX_SESSION_CODE_ATTEMPTS, Session, Step};
use crate::wire::Body;

/// How far TIMESTAMP may be from `now`, seconds.
const TIMESTAMP_TOLERANCE: u64 = 300;

impl Pool {
    pub(crate) fn initiate_auth(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let client_id = body.str("ClientId")?;
        let flow = body.str("AuthFlow")?;
        let params = body.string_map("AuthParameters")?;
        let client = self.client(client_id)?.clone();
        let device_key = params.get("DEVICE_KEY").cloned();
        self.request_metadata = body.string_map("ClientMetadata")?;
        match flow {
            "USER_SRP_AUTH" => {
                let typed = param(&params, "USERNAME")?;
                let srp_a = param(&params, "SRP_A")?;
                self.check_secret_hash(
                    client_id,
                    typed,
                    params.get("SECRET_HASH").map(String::as_str),
                )?;
                let user = self.sign_in_user(typed, client.prevent_user_existence_errors)?;
                let username = user.username.clone();
                self.password_verifier(&username, client_id, device_key, srp_a, false, cx)
            }
            "USER_PASSWORD_AUTH" => {
                if !client.allows("ALLOW_USER_PASSWORD_AUTH")
                    && !client.allows("USER_PASSWORD_AUTH")
                {
                    return Err(ApiError::invalid_parameter(
                        "USER_PASSWORD_AUTH flow not enabled for this client",
                    ));
                }
                self.password_auth(&client, &params, device_key, cx)
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                self.refresh_token_auth(client_id, &params, cx)
            }
            "USER_AUTH" => {
                let session = body.opt_str("Session")?;
                self.user_auth(&client, &params, session, device_key, cx)
            }
            "CUSTOM_AUTH" => self.custom_auth(&client, &params, device_key, cx),
            // AdminInitiateAuth takes these (ops/admin.rs); InitiateAuth does not.
            "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => Err(ApiError::invalid_parameter(
                format!("Initiate Auth method not supported: {flow} is for AdminInitiateAuth"),
            )),
            other => Err(ApiError::invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
            ))),
        }
    }

    /// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH once the client allows the flow:
    /// SECRET_HASH, then the password against the SRP verifier.
    pub(crate) fn password_auth(
        &mut self,
        client: &ClientConfig,
        params: &BTreeMap<String, String>,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client_id = client.client_id.as_str();
        let typed = param(params, "USERNAME")?;
        let password = param(params, "PASSWORD")?;
        self.check_secret_hash(
            client_id,
            typed,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        let user = self.sign_in_user(typed, client.prevent_user_existence_errors)?;
        if !user
            .verifier
            .matches(self.config.pool_name(), &user.username, password)
        {
            return Err(ApiError::incorrect_password());
        }
        let username = user.username.clone();
        self.after_password(&username, client_id, device_key, cx)
    }

    /// Starts an SRP password proof for `username`: the PASSWORD_VERIFIER challenge (for
    /// CUSTOM_AUTH's SRP step when `custom`).
    pub(crate) fn password_verifier(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        srp_a: &str,
        custom: bool,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let user = self.user_mut(username)?;
        let a = srp::parse_public_a(srp_a)
            .ok_or_else(|| ApiError::invalid_parameter("SRP_A is not a valid value"))?;
        let exchange = ServerExchange::start(&user.verifier, a, cx.rng);
        let parameters = json!({
            "SALT": srp::hex(&user.verifier.salt),
            "SRP_B": exchange.srp_b_hex(),
            "SECRET_BLOCK": STANDARD.encode(&exchange.secret_block),
            "USERNAME": username,
            "USER_ID_FOR_SRP": username,
        });
        let step = if custom {
            Step::CustomPasswordVerifier(exchange)
        } else {
            Step::PasswordVerifier(exchange)
        };
        Ok(self.challenge(username, client_id, device_key, step, parameters, cx))
    }

    /// The user for a sign-in, or the error the client's existence-error setting asks for.
    pub(crate) fn sign_in_user(
        &self,
        typed: &str,
        hide_existence: bool,
    ) -> ApiResult<&crate::store::User> {
        self.find_user(typed).ok_or_else(|| {
            if hide_existence {
                ApiError::incorrect_password()
            } else {
                ApiError::user_not_found()
            }
        })
    }

    /// Opens a session and answers with the challenge.
    pub(crate) fn challenge(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        step: Step,
        parameters: Value,
        cx: &mut Cx<'_>,
    ) -> Value {
        let validity = self
            .client(client_id)
            .map_or(180, |c| c.auth_session_validity_secs);
        let token = crypto::opaque(cx.rng, 96);
        let name = step.challenge_name();
        self.sweep_sessions(cx.now);
        self.sessions.insert(
            token.clone(),
            Session {
                username: username.to_owned(),
                client_id: client_id.to_owned(),
                expires: cx.now.saturating_add(validity),
                device_key,
                step,
                failed_attempts: 0,
            },
        );
        json!({"ChallengeName": name, "Session": token, "ChallengeParameters": parameters})
    }

    /// SELECT_CHALLENGE: [`challenge`](Self::challenge) plus the top-level
    /// `AvailableChallenges`.
    pub(crate) fn select_challenge(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        available: Vec<&'static str>,
        cx: &mut Cx<'_>,
    ) -> Value {
        let list = json!(available);
        let parameters = json!({"USERNAME": username});
        let step = Step::SelectChallenge(available);
        let mut value = self.challenge(username, client_id, device_key, step, parameters, cx);
        if let Some(obj) = value.as_object_mut() {
            obj.insert("AvailableChallenges".to_owned(), list);
        }
        value
    }

    /// Takes a live session for `client_id` (single use).
    pub(crate) fn take_session(
        &mut self,
        token: Option<&str>,
        client_id: Option<&str>,
        now: u64,
    ) -> ApiResult<Session> {
        let token = token
            .ok_or_else(|| ApiError::invalid_parameter("Missing required parameter Session"))?;
        let session = self
            .sessions
            .remove(token)
            .ok_or_else(ApiError::invalid_session)?;
        if session.expires <= now || client_id.is_some_and(|c| c != session.client_id) {
            return Err(ApiError::invalid_session());
        }
        Ok(session)
    }

    pub(crate) fn respond_to_auth_challenge(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client_id = body.str("ClientId")?;
        let name = body.str("ChallengeName")?;
        let responses = body.string_map("ChallengeResponses")?;
        self.client(client_id)?;
        self.request_metadata = body.string_map("ClientMetadata")?;
        let found;
        let token = match body.opt_str("Session")? {
            Some(token) => Some(token),
            None => {
                found = self.session_without_token(client_id, name, &responses);
                found.as_deref()
            }
        };
        let session = self.take_session(token, Some(client_id), cx.now)?;
        if session.step.challenge_name() != name {
            return Err(ApiError::invalid_session());
        }
        let username = param(&responses, "USERNAME")?;
        if !self.answer_names_user(&session.step, username, &session.username) {
            return Err(ApiError::incorrect_password());
        }
        self.check_secret_hash(
            client_id,
            username,
            responses.get("SECRET_HASH").map(String::as_str),
        )?;
        let token = token.unwrap_or_default().to_owned();
        match self.answer(session.clone(), &responses, cx) {
            Err(e) if e.kind == "CodeMismatchException" || e == ApiError::device_not_found() => {
                // A wrong one-time code leaves the same challenge open, up to
                // MAX_SESSION_CODE_ATTEMPTS wrong codes (then the session is gone:
                // "Invalid session for the user."); so does an unknown DEVICE_KEY, which the
                // reference clients answer by resending the same step without it
                // (amazon-cognito-identity-js #200, Amplify's retryOnResourceNotFoundException).
                // The session goes on without the device.
                let mut session = session;
                if e == ApiError::device_not_found() {
                    session.device_key = None;
                } else {
                    session.failed_attempts += 1;
                }
                if session.failed_attempts < MAX_SESSION_CODE_ATTEMPTS {
                    self.sessions.insert(token, session);
                }
                Err(e)
            }
            other => other,
        }
    }

    /// The service takes the SRP steps without a Session (pycognito never sends one): their
    /// state is found by the SECRET_BLOCK echoed back, or for DEVICE_SRP_AUTH by the user and
    /// device. Other challenges need the Session.
    fn session_without_token(
        &self,
        client_id: &str,
        name: &str,
        responses: &std::collections::BTreeMap<String, String>,
    ) -> Option<String> {
        let block = responses
            .get("PASSWORD_CLAIM_SECRET_BLOCK")
            .and_then(|b| STANDARD.decode(b).ok());
        let matches = |session: &Session| {
            session.client_id == client_id
                && match &session.step {
                    Step::PasswordVerifier(exchange)
                    | Step::CustomPasswordVerifier(exchange)
                    | Step::DevicePasswordVerifier { exchange, .. } => {
                        block.as_deref() == Some(exchange.secret_block.as_slice())
                    }
                    Step::DeviceSrpAuth => {
                        responses.get("USERNAME") == Some(&session.username)
                            && responses.get("DEVICE_KEY") == session.device_key.as_ref()
                    }
                    _ => false,
                }
                && session.step.challenge_name() == name
        };
        self.sessions
            .iter()
            .find(|(_, session)| matches(session))
            .map(|(token, _)| token.clone())
    }

    /// Checks a PASSWORD_VERIFIER-style proof against `verifier`.
    pub(crate) fn check_proof(
        exchange: &ServerExchange,
        verifier: &Verifier,
        pool_name: &str,
        user_id: &str,
        responses: &std::collections::BTreeMap<String, String>,
        now: u64,
    ) -> ApiResult<()> {
        let signature = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let block = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let timestamp = param(responses, "TIMESTAMP")?;
        if STANDARD.decode(block).ok().as_deref() != Some(exchange.secret_block.as_slice()) {
            return Err(ApiError::incorrect_password());
        }
        let at = crypto::parse_timestamp(timestamp).ok_or_else(ApiError::incorrect_password)?;
        if at.abs_diff(now) > TIMESTAMP_TOLERANCE {
            return Err(ApiError::incorrect_password());
        }
        let signature = STANDARD
            .decode(signature)
            .map_err(|_| ApiError::incorrect_password())?;
        if exchange.verify(verifier, pool_name, user_id, timestamp, &signature) {
            Ok(())
        } else {
            Err(ApiError::incorrect_password())
        }
    }
}
