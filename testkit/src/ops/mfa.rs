//! TOTP enrolment (AssociateSoftwareToken / VerifySoftwareToken, with an access token
//! or inside MFA_SETUP with a Session), TOTP checks and SetUserMFAPreference.

use serde_json::{Value, json};
use totp_rs::{Algorithm, Builder, Secret};

use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::store::{MAX_SESSION_CODE_ATTEMPTS, Step};
use crate::wire::Body;

/// SHA1, 6 digits, 30-second steps, one step of skew either way.
fn totp(secret: &[u8]) -> totp_rs::Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .build_noncompliant()
}

/// True when `code` is a valid TOTP code for `secret` at `now` (±30 s).
fn code_ok(secret: &[u8], code: &str, now: u64) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret).check(code, now)
}

impl Pool {
    /// Checks a sign-in TOTP code; each 30-second step is accepted once.
    pub(crate) fn check_totp(
        &mut self,
        username: &str,
        code: &str,
        now: u64,
        consume: bool,
    ) -> ApiResult<bool> {
        let user = self.user_mut(username)?;
        let Some(secret) = &user.mfa.totp else {
            return Ok(false);
        };
        match code_ok(secret, code, now) {
            Some(step) if user.mfa.last_totp_step.is_none_or(|last| step > last) => {
                if consume {
                    user.mfa.last_totp_step = Some(step);
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn require_totp_offered(&self) -> ApiResult<()> {
        if self
            .config
            .mfa_factors
            .iter()
            .any(|f| f == "SOFTWARE_TOKEN_MFA")
        {
            Ok(())
        } else {
            Err(ApiError::new(
                "SoftwareTokenMFANotFoundException",
                "Software Token MFA has not been enabled by the userPool",
            ))
        }
    }

    pub(crate) fn associate_software_token(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        self.require_totp_offered()?;
        let mut secret = vec![0u8; 20];
        cx.rng.fill_bytes(&mut secret);
        let code = Secret::from(secret.clone()).to_base32();
        if let Some(token) = body.opt_str("AccessToken")? {
            let username = self.authorize(token, cx.now)?;
            self.user_mut(&username)?.mfa.pending_totp = Some(secret);
            return Ok(json!({"SecretCode": code}));
        }
        let session = self.take_session(body.opt_str("Session")?, None, cx.now)?;
        if !matches!(session.step, Step::MfaSetup | Step::MfaSetupAssociated(_)) {
            return Err(ApiError::invalid_session());
        }
        let next = self.challenge(
            &session.username,
            &session.client_id,
            session.device_key,
            Step::MfaSetupAssociated(secret),
            json!({}),
            cx,
        );
        Ok(json!({"SecretCode": code, "Session": next.get("Session").cloned().unwrap_or_default()}))
    }

    pub(crate) fn verify_software_token(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let code = body.str("UserCode")?;
        let mismatch = || {
            ApiError::new(
                "EnableSoftwareTokenMFAException",
                "Code mismatch and fail enable Software Token MFA",
            )
        };
        if let Some(token) = body.opt_str("AccessToken")? {
            let username = self.authorize(token, cx.now)?;
            let user = self.user_mut(&username)?;
            let pending = user.mfa.pending_totp.clone().ok_or_else(|| {
                ApiError::new(
                    "SoftwareTokenMFANotFoundException",
                    "Call AssociateSoftwareToken first",
                )
            })?;
            if code_ok(&pending, code, cx.now).is_none() {
                return Err(mismatch());
            }
            user.mfa.totp = Some(pending);
            user.mfa.pending_totp = None;
            return Ok(json!({"Status": "SUCCESS"}));
        }
        let token = body.opt_str("Session")?;
        let session = self.take_session(token, None, cx.now)?;
        let Step::MfaSetupAssociated(secret) = &session.step else {
            return Err(ApiError::invalid_session());
        };
        let Some(step) = code_ok(secret, code, cx.now) else {
            // The session survives MAX_SESSION_CODE_ATTEMPTS - 1 wrong codes (store.rs).
            let mut session = session;
            session.failed_attempts += 1;
            if session.failed_attempts < MAX_SESSION_CODE_ATTEMPTS {
                self.sessions
                    .insert(token.unwrap_or_default().to_owned(), session);
            }
            return Err(mismatch());
        };
        let user = self.user_mut(&session.username)?;
        user.mfa.totp = Some(secret.clone());
        user.mfa.totp_enabled = true;
        user.mfa.last_totp_step = Some(step);
        user.mfa
            .preferred
            .get_or_insert_with(|| "SOFTWARE_TOKEN_MFA".to_owned());
        let next = self.challenge(
            &session.username,
            &session.client_id,
            session.device_key,
            Step::MfaSetupVerified,
            json!({}),
            cx,
        );
        Ok(
            json!({"Status": "SUCCESS", "Session": next.get("Session").cloned().unwrap_or_default()}),
        )
    }

    pub(crate) fn set_user_mfa_preference(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let settings = [
            ("SMSMfaSettings", "SMS_MFA"),
            ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
            ("EmailMfaSettings", "EMAIL_OTP"),
        ];
        let mut parsed = Vec::new();
        for (member, factor) in settings {
            if let Some(s) = body.opt_struct(member)? {
                parsed.push((factor, s.opt_bool("Enabled")?, s.opt_bool("PreferredMfa")?));
            }
        }
        let username = self.authorize(token, cx.now)?;
        let user = self.user_mut(&username)?;
        for (factor, enabled, preferred) in parsed {
            if let Some(enabled) = enabled {
                match factor {
                    "SOFTWARE_TOKEN_MFA" if enabled && user.mfa.totp.is_none() => {
                        return Err(ApiError::invalid_parameter(
                            "User has not verified software token mfa",
                        ));
                    }
                    "SMS_MFA" if enabled && user.attr("phone_number").is_none() => {
                        return Err(ApiError::invalid_parameter(
                            "User does not have a phone number",
                        ));
                    }
                    "EMAIL_OTP" if enabled && user.attr("email").is_none() => {
                        return Err(ApiError::invalid_parameter("User does not have an email"));
                    }
                    "SOFTWARE_TOKEN_MFA" => user.mfa.totp_enabled = enabled,
                    "SMS_MFA" => user.mfa.sms = enabled,
                    _ => user.mfa.email = enabled,
                }
                if !enabled && user.mfa.preferred.as_deref() == Some(factor) {
                    user.mfa.preferred = None;
                }
            }
            if preferred == Some(true) {
                user.mfa.preferred = Some(factor.to_owned());
            }
        }
        Ok(json!({}))
    }
}
