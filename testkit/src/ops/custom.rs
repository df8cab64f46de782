//! CUSTOM_AUTH with the Lambda triggers played from configuration (`CustomAuth`): an
//! optional SRP password proof first, then the scripted CUSTOM_CHALLENGEs.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::param;
use crate::config::{ClientConfig, CustomAuth};
use crate::error::{ApiError, ApiResult};
use crate::outbox::{Medium, Purpose};
use crate::pool::{Cx, Pool};
use crate::store::{Step, UserStatus};

impl Pool {
    /// The script for `client_id`: the client's own, else the pool's.
    fn custom_script(&self, client_id: &str) -> ApiResult<CustomAuth> {
        self.client(client_id)?
            .custom_auth
            .clone()
            .or_else(|| self.config.custom_auth.clone())
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    "Custom auth lambda trigger is not configured for the user pool.",
                )
            })
    }

    /// True when a challenge answer's `USERNAME` names the session's user: its internal name,
    /// or in a CUSTOM_CHALLENGE or one-time-code answer also the name as typed (an alias or a
    /// username attribute), which the service takes: amazon-cognito-identity-js never learns
    /// the internal name in `initiateAuth` (AWS's passwordless e-mail sample answers so) nor in
    /// USER_PASSWORD_AUTH, whose SMS_MFA answer with the alias succeeds (amplify-js#7615).
    pub(crate) fn answer_names_user(&self, step: &Step, username: &str, internal: &str) -> bool {
        username == internal
            || (matches!(step, Step::Custom { .. } | Step::Mfa { .. })
                && self.internal_name(username).as_deref() == Some(internal))
    }

    /// InitiateAuth(CUSTOM_AUTH).
    pub(crate) fn custom_auth(
        &mut self,
        client: &ClientConfig,
        params: &BTreeMap<String, String>,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client_id = client.client_id.as_str();
        if !client.allows("ALLOW_CUSTOM_AUTH") && !client.allows("CUSTOM_AUTH_FLOW_ONLY") {
            return Err(ApiError::invalid_parameter(
                "CUSTOM_AUTH flow not enabled for this client",
            ));
        }
        let script = self.custom_script(client_id)?;
        let typed = param(params, "USERNAME")?;
        self.check_secret_hash(
            client_id,
            typed,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        let user = self.sign_in_user(typed, client.prevent_user_existence_errors)?;
        let username = user.username.clone();
        match user.status {
            UserStatus::Unconfirmed => {
                return Err(ApiError::new(
                    "UserNotConfirmedException",
                    "User is not confirmed.",
                ));
            }
            UserStatus::ResetRequired => {
                return Err(ApiError::new(
                    "PasswordResetRequiredException",
                    "Password reset required for the user",
                ));
            }
            UserStatus::Confirmed | UserStatus::ForceChangePassword => {}
        }
        self.record_trigger("DefineAuthChallenge", &username, client_id, cx.now);
        match params.get("CHALLENGE_NAME").map(String::as_str) {
            Some("SRP_A") => {
                let srp_a = param(params, "SRP_A")?;
                self.password_verifier(&username, client_id, device_key, srp_a, true, cx)
            }
            Some(other) => Err(ApiError::invalid_parameter(format!(
                "CHALLENGE_NAME {other} cannot start CUSTOM_AUTH (only SRP_A)"
            ))),
            // DefineAuthChallenge refuses to go on without the password.
            None if script.require_password => Err(ApiError::incorrect_password()),
            None => self.next_custom_challenge(&username, client_id, device_key, 0, 0, cx),
        }
    }

    /// DefineAuthChallenge's decision once `index` challenges were answered right: the next
    /// CUSTOM_CHALLENGE (CreateAuthChallenge), or tokens.
    pub(crate) fn next_custom_challenge(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        index: usize,
        wrong_answers: u32,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let script = self.custom_script(client_id)?;
        let Some(challenge) = script.challenges.get(index) else {
            return self.finish(username, client_id, device_key, cx);
        };
        self.record_trigger("CreateAuthChallenge", username, client_id, cx.now);
        let expected = if challenge.send_code {
            self.send_code(username, Purpose::Mfa, Medium::Email, cx).0
        } else {
            challenge.answer.clone().unwrap_or_default()
        };
        let mut parameters = challenge.public.clone();
        parameters.insert("USERNAME".to_owned(), username.to_owned());
        let step = Step::Custom {
            index,
            expected,
            wrong_answers,
        };
        Ok(self.challenge(username, client_id, device_key, step, json!(parameters), cx))
    }

    /// VerifyAuthChallengeResponse, then DefineAuthChallenge: the next challenge, the same
    /// one again after a wrong answer, or failure after `max_wrong_answers` wrong ones.
    pub(crate) fn answer_custom(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        (index, expected, wrong_answers): (usize, &str, u32),
        responses: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let answer = param(responses, "ANSWER")?;
        let script = self.custom_script(client_id)?;
        self.record_trigger("VerifyAuthChallengeResponse", username, client_id, cx.now);
        let correct = !expected.is_empty() && crate::crypto::ct_eq(expected, answer);
        self.record_trigger("DefineAuthChallenge", username, client_id, cx.now);
        if correct {
            return self.next_custom_challenge(
                username,
                client_id,
                device_key,
                index + 1,
                wrong_answers,
                cx,
            );
        }
        let wrong_answers = wrong_answers + 1;
        if wrong_answers >= script.max_wrong_answers.max(1) {
            return Err(ApiError::incorrect_password());
        }
        self.next_custom_challenge(username, client_id, device_key, index, wrong_answers, cx)
    }
}
