//! The admin API: operations a server calls with IAM credentials, each SigV4-signed
//! (sigv4.rs): AdminInitiateAuth, AdminRespondToAuthChallenge, AdminCreateUser,
//! AdminSetUserPassword, AdminGetUser, AdminDeleteUser, AdminConfirmSignUp,
//! AdminUserGlobalSignOut and ListUsers (list_users.rs).

use rand_core::RngCore;
use serde_json::{Value, json};

use crate::config::UserSeed;
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::outbox::{Medium, Message, Purpose};
use crate::pool::{Cx, Pool, PoolResponse, TARGET_PREFIX};
use crate::sigv4::{self, SignedRequest};
use crate::srp::Verifier;
use crate::store::{User, UserStatus};
use crate::wire::{Body, attribute_list};

/// The operations served here; each needs a SigV4 signature.
pub(crate) const SIGNED_OPERATIONS: [&str; 9] = [
    "AdminInitiateAuth",
    "AdminRespondToAuthChallenge",
    "AdminCreateUser",
    "AdminSetUserPassword",
    "AdminGetUser",
    "AdminDeleteUser",
    "AdminConfirmSignUp",
    "AdminUserGlobalSignOut",
    "ListUsers",
];

/// An admin operation without a signature (through [`Pool::handle`], which sees no headers,
/// or an HTTP request without `Authorization`).
pub(crate) fn missing_authentication() -> ApiError {
    ApiError::new(
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )
}

impl Pool {
    /// Handles one HTTP request to the operations endpoint: `method`, `target` (the request
    /// target as sent: path and query), the headers (`X-Amz-Target` names the operation) and
    /// the body, at `now` (Unix seconds). The operations that need IAM credentials
    /// (AdminInitiateAuth, AdminCreateUser, ListUsers, ...) are served only with an AWS SigV4
    /// signature by one of the configuration's `admin_credentials` for the pool's region and
    /// service `cognito-idp`; everything else is [`handle`](Self::handle).
    pub fn handle_http(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(String, String)],
        body: &[u8],
        now: u64,
        rng: &mut dyn RngCore,
    ) -> PoolResponse {
        let amz_target = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("X-Amz-Target"))
            .map_or("", |(_, v)| v.as_str());
        let operation = amz_target.strip_prefix(TARGET_PREFIX).unwrap_or_default();
        if !SIGNED_OPERATIONS.contains(&operation) {
            return self.handle(amz_target, body, now, rng);
        }
        let request = SignedRequest {
            method,
            target,
            headers,
            body,
        };
        let outcome = sigv4::verify(
            &request,
            &self.config.admin_credentials,
            self.config.region(),
            now,
        )
        .and_then(|()| Body::parse(body))
        .and_then(|body| {
            let mut cx = Cx { now, rng };
            self.dispatch_admin(operation, &body, &mut cx)
        });
        match outcome {
            Ok(value) => PoolResponse::json(&value),
            Err(error) => PoolResponse::error(&error),
        }
    }

    fn dispatch_admin(
        &mut self,
        operation: &str,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        self.check_pool_id(body)?;
        match operation {
            "AdminInitiateAuth" => self.admin_initiate_auth(body, cx),
            // The same challenges and checks as RespondToAuthChallenge.
            "AdminRespondToAuthChallenge" => self.respond_to_auth_challenge(body, cx),
            "AdminCreateUser" => self.admin_create_user(body, cx),
            "AdminSetUserPassword" => self.admin_set_user_password(body, cx),
            "AdminGetUser" => self.admin_get_user(body),
            "AdminDeleteUser" => {
                let username = self.admin_user(body)?;
                self.sign_out_everywhere(&username);
                self.users.remove(&username);
                Ok(json!({}))
            }
            "AdminConfirmSignUp" => self.admin_confirm_sign_up(body, cx),
            "AdminUserGlobalSignOut" => {
                let username = self.admin_user(body)?;
                self.sign_out_everywhere(&username);
                Ok(json!({}))
            }
            "ListUsers" => self.list_users(body),
            other => Err(ApiError::new(
                "UnknownOperationException",
                format!("cognito-auth-testkit does not implement {other}"),
            )),
        }
    }

    /// `UserPoolId` must name this pool.
    fn check_pool_id(&self, body: &Body) -> ApiResult<()> {
        let id = body.str("UserPoolId")?;
        if id == self.config.pool_id {
            Ok(())
        } else {
            Err(ApiError::new(
                "ResourceNotFoundException",
                format!("User pool {id} does not exist."),
            ))
        }
    }

    /// The internal name of the `Username` member (a user name, alias or `sub`).
    fn admin_user(&self, body: &Body) -> ApiResult<String> {
        let typed = body.str("Username")?;
        self.internal_name(typed)
            .or_else(|| {
                self.users
                    .values()
                    .find(|u| u.sub == typed)
                    .map(|u| u.username.clone())
            })
            .ok_or_else(ApiError::user_not_found)
    }

    fn admin_initiate_auth(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let flow = body.str("AuthFlow")?;
        match flow {
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                let client = self.client(body.str("ClientId")?)?.clone();
                if !client.allows("ALLOW_ADMIN_USER_PASSWORD_AUTH")
                    && !client.allows("ADMIN_NO_SRP_AUTH")
                {
                    return Err(ApiError::invalid_parameter(
                        "Auth flow not enabled for this client",
                    ));
                }
                let params = body.string_map("AuthParameters")?;
                self.request_metadata = body.string_map("ClientMetadata")?;
                let device_key = params.get("DEVICE_KEY").cloned();
                self.password_auth(&client, &params, device_key, cx)
            }
            "USER_PASSWORD_AUTH" => Err(ApiError::invalid_parameter(
                "Initiate Auth method not supported: USER_PASSWORD_AUTH is for InitiateAuth; \
                 AdminInitiateAuth takes ADMIN_USER_PASSWORD_AUTH",
            )),
            // USER_SRP_AUTH, REFRESH_TOKEN_AUTH, CUSTOM_AUTH and USER_AUTH: as InitiateAuth.
            _ => self.initiate_auth(body, cx),
        }
    }

    fn admin_create_user(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let typed = body.str("Username")?;
        let action = body.opt_str("MessageAction")?;
        let mediums = match body.opt_string_list("DesiredDeliveryMediums")? {
            Some(list) => list,
            None => vec!["SMS".to_owned()],
        };
        if let Some(bad) = mediums.iter().find(|m| *m != "SMS" && *m != "EMAIL") {
            return Err(ApiError::invalid_parameter(format!(
                "1 validation error detected: Value '[{bad}]' at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy enum value set: [SMS, EMAIL]"
            )));
        }
        let password = match body.opt_str("TemporaryPassword")? {
            Some(p) if !p.is_empty() => {
                self.check_policy(p)?;
                p.to_owned()
            }
            _ => self.temporary_password(cx.rng),
        };
        let username = match action {
            Some("RESEND") => {
                let username = self.admin_user(body)?;
                let user = self.user_mut(&username)?;
                if user.status != UserStatus::ForceChangePassword {
                    return Err(ApiError::new(
                        "UnsupportedUserStateException",
                        format!(
                            "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                            username
                        ),
                    ));
                }
                self.set_password(&username, &password, UserStatus::ForceChangePassword, cx)?;
                username
            }
            None | Some("SUPPRESS") => self.create_user(typed, &password, body, cx)?,
            Some(other) => {
                return Err(ApiError::invalid_parameter(format!(
                    "1 validation error detected: Value '{other}' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
                )));
            }
        };
        if action != Some("SUPPRESS") {
            self.invite(&username, &password, &mediums, cx.now);
        }
        let user = self
            .users
            .get(&username)
            .ok_or_else(ApiError::user_not_found)?;
        Ok(json!({"User": user_type(user, None)}))
    }

    /// A new FORCE_CHANGE_PASSWORD user with `UserAttributes`; returns the internal name.
    fn create_user(
        &mut self,
        typed: &str,
        password: &str,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<String> {
        if !self.config.username_attributes.is_empty()
            && self.username_attribute_for(typed).is_none()
        {
            return Err(ApiError::invalid_parameter(
                "Username should be either an email or a phone number.",
            ));
        }
        if self.find_user(typed).is_some() {
            return Err(ApiError::new(
                "UsernameExistsException",
                "User account already exists",
            ));
        }
        let mut seed = UserSeed::new(typed, password).with_status("FORCE_CHANGE_PASSWORD");
        for (name, value) in body.attributes("UserAttributes")? {
            if name == "sub" {
                return Err(ApiError::invalid_parameter(
                    "Cannot modify the non-mutable attribute sub",
                ));
            }
            seed.attributes.insert(name, value);
        }
        // An administrator's e-mail or phone is unverified unless the request says so (the
        // seeded users of the configuration are marked verified instead).
        for attr in ["email", "phone_number"] {
            if seed.attributes.contains_key(attr)
                || self.username_attribute_for(typed) == Some(attr)
            {
                seed.attributes
                    .entry(format!("{attr}_verified"))
                    .or_insert_with(|| "false".to_owned());
            }
        }
        let username = self
            .add_user(&seed, cx.now, cx.rng)
            .map_err(|e| ApiError::invalid_parameter(e.0))?;
        let expires = self.temporary_password_expiry(UserStatus::ForceChangePassword, cx.now);
        self.user_mut(&username)?.temporary_password_expires = expires;
        Ok(username)
    }

    /// A temporary password the pool's policy accepts: random letters, digits and symbols.
    fn temporary_password(&self, rng: &mut dyn RngCore) -> String {
        let length = self.config.password_policy.minimum_length.max(12);
        let random = crypto::opaque(rng, length);
        let mut password: String = random.chars().take(length.saturating_sub(4)).collect();
        password.push_str("Aa1!");
        password
    }

    /// The invitation: the temporary password to the first of the desired mediums the user
    /// has an address for (the outbox; `code` is the password).
    fn invite(&mut self, username: &str, password: &str, mediums: &[String], now: u64) {
        let Some(user) = self.users.get(username) else {
            return;
        };
        let delivery = mediums.iter().find_map(|m| match m.as_str() {
            "EMAIL" => user.attr("email").map(|a| (Medium::Email, a.to_owned())),
            _ => user
                .attr("phone_number")
                .map(|a| (Medium::Sms, a.to_owned())),
        });
        let Some((medium, destination)) = delivery else {
            return;
        };
        self.outbox.push(Message {
            username: username.to_owned(),
            destination: Some(destination),
            medium,
            purpose: Purpose::TemporaryPassword,
            code: password.to_owned(),
            sent_at: now,
        });
        self.trim_outbox();
    }

    /// A new SRP verifier for `password` and the status it leaves the user in.
    fn set_password(
        &mut self,
        username: &str,
        password: &str,
        status: UserStatus,
        cx: &mut Cx<'_>,
    ) -> ApiResult<()> {
        let verifier = Verifier::generate(self.config.pool_name(), username, password, cx.rng);
        let expires = self.temporary_password_expiry(status, cx.now);
        let user = self.user_mut(username)?;
        user.verifier = verifier;
        user.status = status;
        user.modified = cx.now;
        user.temporary_password_expires = expires;
        Ok(())
    }

    /// A FORCE_CHANGE_PASSWORD password works `temporary_password_validity_days` from `now`.
    fn temporary_password_expiry(&self, status: UserStatus, now: u64) -> Option<u64> {
        let days = self.config.password_policy.temporary_password_validity_days;
        (status == UserStatus::ForceChangePassword)
            .then(|| now.saturating_add(days.saturating_mul(86_400)))
    }

    fn admin_set_user_password(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.admin_user(body)?;
        let password = body.str("Password")?;
        let permanent = body.opt_bool("Permanent")?.unwrap_or(false);
        self.check_policy(password)?;
        let status = match permanent {
            true => UserStatus::Confirmed,
            false => UserStatus::ForceChangePassword,
        };
        self.set_password(&username, password, status, cx)?;
        Ok(json!({}))
    }

    fn admin_get_user(&mut self, body: &Body) -> ApiResult<Value> {
        let username = self.admin_user(body)?;
        let factors = self.config.mfa_factors.clone();
        let user = self.user_mut(&username)?;
        let mut response = user_type(user, None);
        if let Some(obj) = response.as_object_mut() {
            // AdminGetUser names the list UserAttributes where UserType says Attributes.
            if let Some(attributes) = obj.remove("Attributes") {
                obj.insert("UserAttributes".into(), attributes);
            }
            obj.extend(mfa_settings(user, &factors));
        }
        Ok(response)
    }

    fn admin_confirm_sign_up(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.admin_user(body)?;
        let user = self.user_mut(&username)?;
        if user.status != UserStatus::Unconfirmed {
            return Err(ApiError::not_authorized(format!(
                "User cannot be confirmed. Current status is {}",
                user.status.as_str()
            )));
        }
        user.status = UserStatus::Confirmed;
        user.codes.remove("signup");
        user.modified = cx.now;
        Ok(json!({}))
    }
}

/// `UserType`: Username, Attributes (`sub` first; only `only` if given), UserCreateDate,
/// UserLastModifiedDate (epoch seconds), Enabled, UserStatus.
pub(crate) fn user_type(user: &User, only: Option<&[String]>) -> Value {
    let sub = ("sub".to_owned(), user.sub.clone());
    let wanted = |name: &String| only.is_none_or(|names| names.contains(name));
    let attributes = attribute_list(
        std::iter::once((&sub.0, &sub.1))
            .chain(user.attributes.iter())
            .filter(|(name, _)| wanted(name)),
    );
    json!({
        "Username": user.username,
        "Attributes": attributes,
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": true,
        "UserStatus": user.status.as_str(),
    })
}

/// `UserMFASettingList` (when the user has enabled factors) and `PreferredMfaSetting` (when
/// set), as GetUser and AdminGetUser answer.
pub(crate) fn mfa_settings(user: &User, pool_factors: &[String]) -> serde_json::Map<String, Value> {
    let mut settings = serde_json::Map::new();
    let enabled = user.enabled_factors(pool_factors);
    if !enabled.is_empty() {
        settings.insert("UserMFASettingList".into(), json!(enabled));
    }
    if let Some(preferred) = &user.mfa.preferred {
        settings.insert("PreferredMfaSetting".into(), json!(preferred));
    }
    settings
}
