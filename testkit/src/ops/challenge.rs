//! What follows a proven password: NEW_PASSWORD_REQUIRED, device SRP, MFA
//! (SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP), tokens.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::param;
use crate::config::{DeviceTracking, MfaMode};
use crate::error::{ApiError, ApiResult};
use crate::outbox::{Medium, Purpose, mask};
use crate::pool::{Cx, Pool};
use crate::srp::{self, ServerExchange, Verifier};
use crate::store::{Session, Step, UserStatus};

impl Pool {
    /// Answers one challenge of an open session.
    pub(crate) fn answer(
        &mut self,
        session: Session,
        responses: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let Session {
            username,
            client_id,
            device_key,
            step,
            ..
        } = session;
        let device_key = responses.get("DEVICE_KEY").cloned().or(device_key);
        match step {
            Step::PasswordVerifier(exchange) => {
                let verifier = self.user_mut(&username)?.verifier.clone();
                let pool_name = self.config.pool_name().to_owned();
                Self::check_proof(
                    &exchange, &verifier, &pool_name, &username, responses, cx.now,
                )?;
                self.after_password(&username, &client_id, device_key, cx)
            }
            Step::NewPasswordRequired => {
                let password = param(responses, "NEW_PASSWORD")?;
                self.check_policy(password)?;
                let required = self.config.required_attributes.clone();
                let pool_name = self.config.pool_name().to_owned();
                let user = self.user_mut(&username)?;
                let mut attributes = user.attributes.clone();
                for (key, value) in responses {
                    if let Some(name) = key.strip_prefix("userAttributes.") {
                        if name == "sub" || name.ends_with("_verified") {
                            return Err(ApiError::not_authorized(format!(
                                "Cannot modify the non-mutable attribute {name}"
                            )));
                        }
                        attributes.insert(name.to_owned(), value.clone());
                    }
                }
                if let Some(missing) = required.iter().find(|r| !attributes.contains_key(*r)) {
                    return Err(ApiError::invalid_parameter(format!(
                        "Invalid attributes given, {missing} is missing"
                    )));
                }
                user.attributes = attributes;
                user.verifier = Verifier::generate(&pool_name, &username, password, cx.rng);
                user.status = UserStatus::Confirmed;
                user.modified = cx.now;
                self.mfa_or_device(&username, &client_id, device_key, cx)
            }
            Step::Mfa { challenge, code } => {
                let key = format!("{challenge}_CODE");
                let sent = param(responses, &key)?;
                let ok = match code {
                    Some(code) => crate::crypto::ct_eq(&code, sent),
                    None => self.check_totp(&username, sent, cx.now, true)?,
                };
                if !ok {
                    return Err(ApiError::new(
                        "CodeMismatchException",
                        "Invalid code received for user",
                    ));
                }
                self.finish(&username, &client_id, device_key, cx)
            }
            Step::SelectMfaType(options) => {
                let answer = param(responses, "ANSWER")?;
                let chosen = options
                    .into_iter()
                    .find(|o| *o == answer)
                    .ok_or_else(|| ApiError::invalid_parameter("Invalid MFA type"))?;
                Ok(self.mfa_challenge(&username, &client_id, device_key, chosen, cx))
            }
            Step::MfaSetupVerified => self.finish(&username, &client_id, device_key, cx),
            Step::MfaSetup if responses.contains_key("EMAIL") => {
                self.set_up_email_mfa(&username, &client_id, device_key, responses, cx)
            }
            Step::MfaSetup | Step::MfaSetupAssociated(_) => Err(ApiError::invalid_parameter(
                "Software token MFA has not been set up: call AssociateSoftwareToken and VerifySoftwareToken",
            )),
            Step::MfaEmailSetup { email, code } => {
                let sent = param(responses, "EMAIL_OTP_CODE")?;
                if !crate::crypto::ct_eq(&code, sent) {
                    return Err(ApiError::new(
                        "CodeMismatchException",
                        "Invalid code received for user",
                    ));
                }
                // The address is proven: it becomes the user's, verified, with e-mail MFA on.
                let user = self.user_mut(&username)?;
                user.attributes.insert("email".to_owned(), email);
                user.attributes
                    .insert("email_verified".to_owned(), "true".to_owned());
                user.mfa.email = true;
                user.mfa
                    .preferred
                    .get_or_insert_with(|| "EMAIL_OTP".to_owned());
                user.modified = cx.now;
                self.finish(&username, &client_id, device_key, cx)
            }
            Step::SelectChallenge(available) => {
                let answer = param(responses, "ANSWER")?;
                let factor = available
                    .into_iter()
                    .find(|f| *f == answer)
                    .ok_or_else(|| {
                        ApiError::invalid_parameter(format!(
                            "The challenge {answer} is not available for this user"
                        ))
                    })?;
                self.first_factor(&username, &client_id, device_key, factor, responses, cx)
            }
            Step::CustomPasswordVerifier(exchange) => {
                let verifier = self.user_mut(&username)?.verifier.clone();
                let pool_name = self.config.pool_name().to_owned();
                Self::check_proof(
                    &exchange, &verifier, &pool_name, &username, responses, cx.now,
                )?;
                self.record_trigger("DefineAuthChallenge", &username, &client_id, cx.now);
                self.next_custom_challenge(&username, &client_id, device_key, 0, 0, cx)
            }
            Step::Custom {
                index,
                expected,
                wrong_answers,
            } => self.answer_custom(
                &username,
                &client_id,
                device_key,
                (index, &expected, wrong_answers),
                responses,
                cx,
            ),
            Step::SignedUp | Step::SignUpConfirmed => Err(ApiError::invalid_session()),
            Step::WebAuthn { challenge } => {
                self.answer_web_authn(&username, &client_id, device_key, &challenge, responses, cx)
            }
            Step::DeviceSrpAuth => {
                let key = param(responses, "DEVICE_KEY")?;
                let srp_a = param(responses, "SRP_A")?;
                let user = self.user_mut(&username)?;
                let verifier = user
                    .devices
                    .get(key)
                    .and_then(|d| d.verifier.clone())
                    .ok_or_else(ApiError::device_not_found)?;
                let a = srp::parse_public_a(srp_a)
                    .ok_or_else(|| ApiError::invalid_parameter("SRP_A is not a valid value"))?;
                let exchange = ServerExchange::start(&verifier, a, cx.rng);
                let parameters = json!({
                    "SRP_B": exchange.srp_b_hex(),
                    "SALT": srp::hex(&verifier.salt),
                    "SECRET_BLOCK": STANDARD.encode(&exchange.secret_block),
                    "USERNAME": username,
                });
                let step = Step::DevicePasswordVerifier {
                    device_key: key.to_owned(),
                    exchange,
                };
                Ok(self.challenge(
                    &username,
                    &client_id,
                    Some(key.to_owned()),
                    step,
                    parameters,
                    cx,
                ))
            }
            Step::DevicePasswordVerifier {
                device_key,
                exchange,
            } => {
                let user = self.user_mut(&username)?;
                let group = user.device_group_key.clone();
                let device = user
                    .devices
                    .get_mut(&device_key)
                    .ok_or_else(ApiError::device_not_found)?;
                let verifier = device
                    .verifier
                    .clone()
                    .ok_or_else(ApiError::device_not_found)?;
                Self::check_proof(&exchange, &verifier, &group, &device_key, responses, cx.now)?;
                device.last_authenticated = cx.now;
                self.finish(&username, &client_id, Some(device_key), cx)
            }
        }
    }

    /// The password is proven: account status, then devices and MFA, then tokens.
    pub(crate) fn after_password(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let user = self.user_mut(username)?;
        match user.status {
            UserStatus::Unconfirmed => Err(ApiError::new(
                "UserNotConfirmedException",
                "User is not confirmed.",
            )),
            UserStatus::ResetRequired => Err(ApiError::new(
                "PasswordResetRequiredException",
                "Password reset required for the user",
            )),
            UserStatus::ForceChangePassword
                if user
                    .temporary_password_expires
                    .is_some_and(|expires| expires <= cx.now) =>
            {
                Err(ApiError::not_authorized(
                    "Temporary password has expired and must be reset by an administrator.",
                ))
            }
            UserStatus::ForceChangePassword => {
                let mut shown = user.attributes.clone();
                shown.remove("email_verified");
                shown.remove("phone_number_verified");
                let required: Vec<String> = self
                    .config
                    .required_attributes
                    .iter()
                    .filter(|a| !shown.contains_key(*a))
                    .map(|a| format!("userAttributes.{a}"))
                    .collect();
                let parameters = json!({
                    "USER_ID_FOR_SRP": username,
                    "requiredAttributes": serde_json::to_string(&required).unwrap_or_default(),
                    "userAttributes": serde_json::to_string(&shown).unwrap_or_default(),
                });
                Ok(self.challenge(
                    username,
                    client_id,
                    device_key,
                    Step::NewPasswordRequired,
                    parameters,
                    cx,
                ))
            }
            UserStatus::Confirmed => self.mfa_or_device(username, client_id, device_key, cx),
        }
    }

    /// A remembered device skips MFA via device SRP; otherwise MFA as the pool says.
    fn mfa_or_device(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let pool_factors = self.config.mfa_factors.clone();
        let user = self.user_mut(username)?;
        if let Some(key) = &device_key {
            let device = user
                .devices
                .get(key)
                .ok_or_else(ApiError::device_not_found)?;
            if device.confirmed() && device.remembered {
                let parameters = json!({"USERNAME": username});
                return Ok(self.challenge(
                    username,
                    client_id,
                    device_key,
                    Step::DeviceSrpAuth,
                    parameters,
                    cx,
                ));
            }
        }
        let factors = user.enabled_factors(&pool_factors);
        let preferred = user.mfa.preferred.clone();
        match self.config.mfa {
            MfaMode::Off => self.finish(username, client_id, device_key, cx),
            MfaMode::Optional if factors.is_empty() => {
                self.finish(username, client_id, device_key, cx)
            }
            MfaMode::On if factors.is_empty() => {
                let can_setup = self.mfa_can_set_up(username)?;
                if can_setup.is_empty() {
                    return Err(ApiError::new(
                        "InvalidUserPoolConfigurationException",
                        "The user has no MFA factor and the pool offers none to set up",
                    ));
                }
                let parameters = json!({
                    "MFAS_CAN_SETUP": serde_json::to_string(&can_setup).unwrap_or_default(),
                });
                Ok(self.challenge(
                    username,
                    client_id,
                    device_key,
                    Step::MfaSetup,
                    parameters,
                    cx,
                ))
            }
            _ => {
                let chosen = factors
                    .iter()
                    .find(|f| preferred.as_deref() == Some(**f))
                    .copied()
                    .or_else(|| {
                        (factors.len() == 1)
                            .then(|| factors.first().copied())
                            .flatten()
                    });
                match chosen {
                    Some(factor) => {
                        Ok(self.mfa_challenge(username, client_id, device_key, factor, cx))
                    }
                    None => {
                        let parameters = json!({
                            "MFAS_CAN_CHOOSE": serde_json::to_string(&factors).unwrap_or_default(),
                        });
                        Ok(self.challenge(
                            username,
                            client_id,
                            device_key,
                            Step::SelectMfaType(factors),
                            parameters,
                            cx,
                        ))
                    }
                }
            }
        }
    }

    /// SMS_MFA / EMAIL_OTP / SMS_OTP (a code goes to the outbox) or SOFTWARE_TOKEN_MFA.
    pub(crate) fn mfa_challenge(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        factor: &'static str,
        cx: &mut Cx<'_>,
    ) -> Value {
        let medium = match factor {
            "SMS_MFA" | "SMS_OTP" => Medium::Sms,
            "EMAIL_OTP" => Medium::Email,
            _ => {
                let step = Step::Mfa {
                    challenge: factor,
                    code: None,
                };
                return self.challenge(username, client_id, device_key, step, json!({}), cx);
            }
        };
        let (code, delivery) = self.send_code(username, Purpose::Mfa, medium, cx);
        let (medium, destination) =
            delivery.map_or((medium, String::new()), |(m, d)| (m, mask(&d)));
        let parameters = json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": medium.as_str(),
            "CODE_DELIVERY_DESTINATION": destination,
        });
        let step = Step::Mfa {
            challenge: factor,
            code: Some(code),
        };
        self.challenge(username, client_id, device_key, step, parameters, cx)
    }

    /// What MFA_SETUP offers: an authenticator app when the pool offers TOTP; e-mail codes
    /// when the pool offers EMAIL_OTP and the user has no e-mail address yet (the answer
    /// names one: `EMAIL`).
    fn mfa_can_set_up(&mut self, username: &str) -> ApiResult<Vec<&'static str>> {
        let offered = |f: &str| self.config.mfa_factors.iter().any(|x| x == f);
        let (totp, email) = (offered("SOFTWARE_TOKEN_MFA"), offered("EMAIL_OTP"));
        let has_email = self.user_mut(username)?.attr("email").is_some();
        let mut factors = Vec::new();
        if totp {
            factors.push("SOFTWARE_TOKEN_MFA");
        }
        if email && !has_email {
            factors.push("EMAIL_OTP");
        }
        Ok(factors)
    }

    /// MFA_SETUP answered with `EMAIL`: a code goes to that address, asked as EMAIL_OTP.
    fn set_up_email_mfa(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        responses: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        if !self.mfa_can_set_up(username)?.contains(&"EMAIL_OTP") {
            return Err(ApiError::invalid_parameter(
                "E-mail MFA cannot be set up for this user",
            ));
        }
        let email = param(responses, "EMAIL")?.trim();
        let valid = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !valid {
            return Err(ApiError::invalid_parameter("Invalid email address format."));
        }
        let email = email.to_owned();
        let code = crate::crypto::code(cx.rng);
        self.outbox.push(crate::outbox::Message {
            username: username.to_owned(),
            destination: Some(email.clone()),
            medium: Medium::Email,
            purpose: Purpose::Mfa,
            code: code.clone(),
            sent_at: cx.now,
        });
        self.trim_outbox();
        let parameters = json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": Medium::Email.as_str(),
            "CODE_DELIVERY_DESTINATION": mask(&email),
        });
        let step = Step::MfaEmailSetup { email, code };
        Ok(self.challenge(username, client_id, device_key, step, parameters, cx))
    }

    /// Signed in: tokens, plus NewDeviceMetadata when the pool tracks devices and this
    /// sign-in came without a device the pool knows.
    pub(crate) fn finish(
        &mut self,
        username: &str,
        client_id: &str,
        device_key: Option<String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let tracking = self.config.device_tracking;
        let region = self.config.region().to_owned();
        let user = self.user_mut(username)?;
        let known = device_key.filter(|k| user.devices.contains_key(k));
        let mut new_device = None;
        let device_key = match known {
            Some(key) => Some(key),
            None if tracking != DeviceTracking::Off => {
                let key = format!("{region}_{}", crate::crypto::uuid(cx.rng));
                user.devices.insert(
                    key.clone(),
                    crate::store::Device {
                        key: key.clone(),
                        name: None,
                        verifier: None,
                        remembered: false,
                        created: cx.now,
                        last_modified: cx.now,
                        last_authenticated: cx.now,
                    },
                );
                new_device =
                    Some(json!({"DeviceKey": key, "DeviceGroupKey": user.device_group_key}));
                Some(key)
            }
            None => None,
        };
        let mut result =
            self.issue_tokens(username, client_id, cx.now, device_key, None, true, cx)?;
        if let (Some(meta), Some(obj)) = (new_device, result.as_object_mut()) {
            obj.insert("NewDeviceMetadata".to_owned(), meta);
        }
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    pub(crate) fn check_policy(&self, password: &str) -> ApiResult<()> {
        match self.config.password_policy.violation(password) {
            Some(reason) => Err(ApiError::new(
                "InvalidPasswordException",
                format!("Password does not conform to policy: {reason}"),
            )),
            None => Ok(()),
        }
    }
}
