//! Sign-up, confirmation codes, password changes and resets, user attributes,
//! GetUser and DeleteUser.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::outbox::{Medium, Purpose, mask};
use crate::pool::{Cx, Pool};
use crate::srp::Verifier;
use crate::store::{MAX_CODE_ATTEMPTS, PendingCode, Step, User, UserMfa, UserStatus};
use crate::wire::{Body, attribute_list};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

impl Pool {
    pub(crate) fn sign_up(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let client_id = body.str("ClientId")?;
        let typed = body.str("Username")?;
        let password = body.opt_str("Password")?.ok_or_else(|| {
            ApiError::invalid_parameter("Password is required for this user pool")
        })?;
        let attributes = body.attributes("UserAttributes")?;
        self.check_secret_hash(client_id, typed, body.opt_str("SecretHash")?)?;
        let username_attr = self.username_attribute_for(typed);
        if !self.config.username_attributes.is_empty() && username_attr.is_none() {
            return Err(ApiError::invalid_parameter(
                "Username should be either an email or a phone number.",
            ));
        }
        if self.find_user(typed).is_some() {
            return Err(match username_attr {
                Some("email") => ApiError::new(
                    "UsernameExistsException",
                    "An account with the given email already exists.",
                ),
                _ => ApiError::new("UsernameExistsException", "User already exists"),
            });
        }
        self.check_policy(password)?;
        let mut attrs = BTreeMap::new();
        for (name, value) in attributes {
            if name == "sub" || name.ends_with("_verified") {
                return Err(ApiError::not_authorized(format!(
                    "A client attempted to write unauthorized attribute {name}"
                )));
            }
            attrs.insert(name, value);
        }
        if let Some(attr) = username_attr {
            attrs.insert(attr.to_owned(), typed.to_owned());
        }
        let sub = crypto::uuid(cx.rng);
        let username = if username_attr.is_some() {
            sub.clone()
        } else {
            typed.to_owned()
        };
        let verifier = Verifier::generate(self.config.pool_name(), &username, password, cx.rng);
        let user = User {
            username: username.clone(),
            sub: sub.clone(),
            status: UserStatus::Unconfirmed,
            verifier,
            attributes: attrs,
            mfa: UserMfa::default(),
            devices: BTreeMap::new(),
            device_group_key: format!("-{}", crypto::opaque(cx.rng, 6)),
            codes: BTreeMap::new(),
            modified: cx.now,
            created: cx.now,
            temporary_password_expires: None,
            passkeys: crate::webauthn::Passkeys::default(),
        };
        self.users.insert(username.clone(), user);
        let details = self.deliver(&username, "signup", Purpose::SignUp, DAY, cx)?;
        let mut response =
            json!({"UserConfirmed": false, "UserSub": sub, "CodeDeliveryDetails": details});
        // For choice-based sign-in right after confirmation: a Session for ConfirmSignUp.
        if self.client(client_id)?.allows("ALLOW_USER_AUTH") {
            let opened = self.challenge(&username, client_id, None, Step::SignedUp, json!({}), cx);
            if let Some(obj) = response.as_object_mut() {
                obj.insert(
                    "Session".to_owned(),
                    opened.get("Session").cloned().unwrap_or_default(),
                );
            }
        }
        Ok(response)
    }

    /// Sends a code, remembers it under `key` for `validity` seconds, and returns
    /// CodeDeliveryDetails.
    fn deliver(
        &mut self,
        username: &str,
        key: &str,
        purpose: Purpose,
        validity: u64,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let prefer = match &purpose {
            Purpose::VerifyAttribute(a) if a == "phone_number" => Medium::Sms,
            _ => Medium::Email,
        };
        let (code, delivery) = self.send_code(username, purpose, prefer, cx);
        let expires = cx.now.saturating_add(validity);
        self.user_mut(username)?.codes.insert(
            key.to_owned(),
            PendingCode {
                code,
                expires,
                failed_attempts: 0,
            },
        );
        Ok(match delivery {
            Some((medium, destination)) => json!({
                "Destination": mask(&destination),
                "DeliveryMedium": medium.as_str(),
                "AttributeName": if medium == Medium::Email { "email" } else { "phone_number" },
            }),
            None => json!({}),
        })
    }

    /// Checks and consumes the code stored under `key` (compared in constant time). After
    /// [`MAX_CODE_ATTEMPTS`] wrong tries the code is dead: ExpiredCodeException, even for
    /// the right code, until a new one is sent.
    fn redeem(&mut self, username: &str, key: &str, sent: &str, now: u64) -> ApiResult<()> {
        let user = self.user_mut(username)?;
        let pending = user
            .codes
            .get_mut(key)
            .ok_or_else(ApiError::code_mismatch)?;
        if pending.failed_attempts >= MAX_CODE_ATTEMPTS {
            return Err(ApiError::expired_code());
        }
        if !crypto::ct_eq(&pending.code, sent) {
            pending.failed_attempts += 1;
            return Err(ApiError::code_mismatch());
        }
        if pending.expires <= now {
            user.codes.remove(key);
            return Err(ApiError::expired_code());
        }
        user.codes.remove(key);
        Ok(())
    }

    /// The user named in an unauthenticated request, after SecretHash.
    fn named_user(&self, body: &Body) -> ApiResult<String> {
        let client_id = body.str("ClientId")?;
        let typed = body.str("Username")?;
        self.check_secret_hash(client_id, typed, body.opt_str("SecretHash")?)?;
        self.internal_name(typed)
            .ok_or_else(ApiError::user_not_found)
    }

    pub(crate) fn confirm_sign_up(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.named_user(body)?;
        let code = body.str("ConfirmationCode")?;
        let status = self.user_mut(&username)?.status;
        if status != UserStatus::Unconfirmed {
            return Err(ApiError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                status.as_str()
            )));
        }
        // SignUp's Session, if sent, must be this user's and still open; it is spent only
        // when the code is right.
        let token = body.opt_str("Session")?;
        let client_id = body.str("ClientId")?;
        if let Some(token) = token {
            let open = self.sessions.get(token).is_some_and(|s| {
                matches!(s.step, Step::SignedUp)
                    && s.username == username
                    && s.client_id == client_id
                    && s.expires > cx.now
            });
            if !open {
                return Err(ApiError::invalid_session());
            }
        }
        self.redeem(&username, "signup", code, cx.now)?;
        let user = self.user_mut(&username)?;
        user.status = UserStatus::Confirmed;
        for attr in ["email", "phone_number"] {
            if user.attributes.contains_key(attr) {
                user.attributes
                    .insert(format!("{attr}_verified"), "true".into());
                break;
            }
        }
        let Some(token) = token else {
            return Ok(json!({}));
        };
        self.sessions.remove(token);
        let opened = self.challenge(
            &username,
            client_id,
            None,
            Step::SignUpConfirmed,
            json!({}),
            cx,
        );
        Ok(json!({"Session": opened.get("Session")}))
    }

    pub(crate) fn resend_confirmation_code(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let username = self.named_user(body)?;
        if self.user_mut(&username)?.status != UserStatus::Unconfirmed {
            return Err(ApiError::invalid_parameter("User is already confirmed."));
        }
        let details = self.deliver(&username, "signup", Purpose::SignUp, DAY, cx)?;
        Ok(json!({"CodeDeliveryDetails": details}))
    }

    pub(crate) fn forgot_password(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.named_user(body)?;
        let details = self.deliver(&username, "forgot", Purpose::ForgotPassword, HOUR, cx)?;
        Ok(json!({"CodeDeliveryDetails": details}))
    }

    pub(crate) fn confirm_forgot_password(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let username = self.named_user(body)?;
        let code = body.str("ConfirmationCode")?;
        let password = body.str("Password")?;
        self.check_policy(password)?;
        self.redeem(&username, "forgot", code, cx.now)?;
        let pool_name = self.config.pool_name().to_owned();
        let user = self.user_mut(&username)?;
        user.verifier = Verifier::generate(&pool_name, &username, password, cx.rng);
        if user.status != UserStatus::Unconfirmed {
            user.status = UserStatus::Confirmed;
        }
        user.modified = cx.now;
        Ok(json!({}))
    }

    pub(crate) fn change_password(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let proposed = body.str("ProposedPassword")?;
        let previous = body.opt_str("PreviousPassword")?.unwrap_or_default();
        let username = self.authorize(token, cx.now)?;
        let pool_name = self.config.pool_name().to_owned();
        if !self
            .user_mut(&username)?
            .verifier
            .matches(&pool_name, &username, previous)
        {
            return Err(ApiError::incorrect_password());
        }
        self.check_policy(proposed)?;
        let user = self.user_mut(&username)?;
        user.verifier = Verifier::generate(&pool_name, &username, proposed, cx.rng);
        user.modified = cx.now;
        Ok(json!({}))
    }

    pub(crate) fn get_user(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.authorize(body.str("AccessToken")?, cx.now)?;
        let factors = self.config.mfa_factors.clone();
        let user = self.user_mut(&username)?;
        let sub = ("sub".to_owned(), user.sub.clone());
        let mut response = json!({
            "Username": user.username,
            "UserAttributes": attribute_list(std::iter::once((&sub.0, &sub.1)).chain(user.attributes.iter())),
        });
        if let Some(obj) = response.as_object_mut() {
            obj.extend(super::admin::mfa_settings(user, &factors));
        }
        Ok(response)
    }

    pub(crate) fn update_user_attributes(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let attributes = body.attributes("UserAttributes")?;
        let username = self.authorize(token, cx.now)?;
        if attributes
            .iter()
            .any(|(n, _)| n == "sub" || n.ends_with("_verified"))
        {
            return Err(ApiError::invalid_parameter(
                "Cannot modify the non-mutable attribute sub or *_verified",
            ));
        }
        let mut to_verify = Vec::new();
        let user = self.user_mut(&username)?;
        for (name, value) in attributes {
            let changed = user.attributes.get(&name) != Some(&value);
            if changed && (name == "email" || name == "phone_number") {
                user.attributes
                    .insert(format!("{name}_verified"), "false".into());
                to_verify.push(name.clone());
            }
            user.attributes.insert(name, value);
        }
        user.modified = cx.now;
        let mut details = Vec::new();
        for name in to_verify {
            let key = format!("verify:{name}");
            details.push(self.deliver(&username, &key, Purpose::VerifyAttribute(name), DAY, cx)?);
        }
        Ok(json!({"CodeDeliveryDetailsList": details}))
    }

    pub(crate) fn get_user_attribute_verification_code(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let name = body.str("AttributeName")?.to_owned();
        let username = self.authorize(token, cx.now)?;
        if self.user_mut(&username)?.attr(&name).is_none() {
            return Err(ApiError::invalid_parameter(format!(
                "Requested attribute {name} is not set"
            )));
        }
        let key = format!("verify:{name}");
        let details = self.deliver(&username, &key, Purpose::VerifyAttribute(name), DAY, cx)?;
        Ok(json!({"CodeDeliveryDetails": details}))
    }

    pub(crate) fn verify_user_attribute(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("AccessToken")?;
        let name = body.str("AttributeName")?;
        let code = body.str("Code")?;
        let username = self.authorize(token, cx.now)?;
        self.redeem(&username, &format!("verify:{name}"), code, cx.now)?;
        let user = self.user_mut(&username)?;
        user.attributes
            .insert(format!("{name}_verified"), "true".into());
        Ok(json!({}))
    }

    pub(crate) fn delete_user(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.authorize(body.str("AccessToken")?, cx.now)?;
        self.sign_out_everywhere(&username);
        self.users.remove(&username);
        Ok(json!({}))
    }
}
