//! Choice-based sign-in (USER_AUTH): PREFERRED_CHALLENGE, SELECT_CHALLENGE with
//! AvailableChallenges, the PASSWORD / PASSWORD_SRP / EMAIL_OTP / SMS_OTP first factors, sign-in
//! with ConfirmSignUp's Session, and GetUserAuthFactors.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::param;
use crate::config::ClientConfig;
use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::store::{Step, User, UserStatus};
use crate::wire::Body;

impl Pool {
    /// The first factors `user` can use, in this order: the pool's `sign_in_policy` and what
    /// the user has (a password always; a verified e-mail for EMAIL_OTP, a verified phone
    /// number for SMS_OTP). Passwordless factors are for confirmed users only.
    pub(crate) fn first_factors(&self, user: &User) -> Vec<&'static str> {
        let policy = &self.config.sign_in_policy;
        let mut factors = Vec::new();
        if policy.allows("PASSWORD") {
            factors.push("PASSWORD");
        }
        if policy.allows("PASSWORD") || policy.allows("PASSWORD_SRP") {
            factors.push("PASSWORD_SRP");
        }
        let confirmed = user.status == UserStatus::Confirmed;
        let reachable = |attr: &str| user.attr(attr).is_some() && user.verified(attr);
        if policy.allows("EMAIL_OTP") && confirmed && reachable("email") {
            factors.push("EMAIL_OTP");
        }
        if policy.allows("SMS_OTP") && confirmed && reachable("phone_number") {
            factors.push("SMS_OTP");
        }
        if confirmed && self.has_passkey(&user.username) {
            factors.push("WEB_AUTHN");
        }
        factors
    }

    /// InitiateAuth(USER_AUTH).
    pub(crate) fn user_auth(
        &mut self,
        client: &ClientConfig,
        params: &BTreeMap<String, String>,
        session: Option<&str>,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client_id = client.client_id.as_str();
        if !client.allows("ALLOW_USER_AUTH") {
            return Err(ApiError::invalid_parameter(
                "USER_AUTH flow not enabled for this client",
            ));
        }
        let typed = param(params, "USERNAME")?;
        self.check_secret_hash(
            client_id,
            typed,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        if let Some(token) = session {
            // Right after sign-up: ConfirmSignUp's Session stands for the first factor.
            let session = self.take_session(Some(token), Some(client_id), cx.now)?;
            let same_user = self.internal_name(typed).as_deref() == Some(&session.username);
            if !matches!(session.step, Step::SignUpConfirmed) || !same_user {
                return Err(ApiError::invalid_session());
            }
            return self.finish(&session.username, client_id, device_key, cx);
        }
        let user = self.sign_in_user(typed, client.prevent_user_existence_errors)?;
        let username = user.username.clone();
        let available = self.first_factors(user);
        let preferred = params
            .get("PREFERRED_CHALLENGE")
            .and_then(|p| available.iter().find(|f| **f == p.as_str()))
            .copied();
        match preferred {
            Some(factor) => self.first_factor(&username, client_id, device_key, factor, params, cx),
            None => Ok(self.select_challenge(&username, client_id, device_key, available, cx)),
        }
    }

    /// One first factor, from PREFERRED_CHALLENGE (`input` = AuthParameters) or
    /// SELECT_CHALLENGE's ANSWER (`input` = ChallengeResponses): PASSWORD is checked at
    /// once, PASSWORD_SRP answers PASSWORD_VERIFIER, EMAIL_OTP / SMS_OTP send a code.
    pub(crate) fn first_factor(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        factor: &'static str,
        input: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        match factor {
            "PASSWORD" => {
                let password = param(input, "PASSWORD")?;
                let pool_name = self.config.pool_name().to_owned();
                if !self
                    .user_mut(username)?
                    .verifier
                    .matches(&pool_name, username, password)
                {
                    return Err(ApiError::incorrect_password());
                }
                self.after_password(username, client_id, device_key, cx)
            }
            "PASSWORD_SRP" => {
                let srp_a = param(input, "SRP_A")?;
                self.password_verifier(username, client_id, device_key, srp_a, false, cx)
            }
            "WEB_AUTHN" => self.web_authn_challenge(username, client_id, device_key, cx),
            // A passwordless first factor is the whole sign-in: no MFA follows.
            code_factor => Ok(self.mfa_challenge(username, client_id, device_key, code_factor, cx)),
        }
    }

    /// GetUserAuthFactors: the first factors USER_AUTH would offer and the MFA settings.
    pub(crate) fn get_user_auth_factors(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let username = self.authorize(body.str("AccessToken")?, cx.now)?;
        let pool_factors = self.config.mfa_factors.clone();
        let user = self.user_mut(&username)?.clone();
        let mut configured: Vec<&str> = Vec::new();
        for factor in self.first_factors(&user) {
            let name = if factor == "PASSWORD_SRP" {
                "PASSWORD"
            } else {
                factor
            };
            if !configured.contains(&name) {
                configured.push(name);
            }
        }
        let mut response = json!({
            "Username": user.username,
            "ConfiguredUserAuthFactors": configured,
        });
        let enabled = user.enabled_factors(&pool_factors);
        if let Some(obj) = response.as_object_mut() {
            if !enabled.is_empty() {
                obj.insert("UserMFASettingList".into(), json!(enabled));
            }
            if let Some(preferred) = &user.mfa.preferred {
                obj.insert("PreferredMfaSetting".into(), json!(preferred));
            }
        }
        Ok(response)
    }
}
