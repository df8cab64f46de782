// The generic account call: an operation's name and its JSON input become a request built by
// the core's typed builder (`cognito_auth::account`), which adds `ClientId`, `SecretHash`,
// `ClientSecret` and the configured context as the typed API does; the reply is read by the
// same operation's `Call::parse` and handed back as the typed output's JSON (the service's own
// PascalCase form). No second wire implementation: operations without a typed builder go
// through `Request::from_json` unchanged, and their reply is checked by the core's error parser.
//
// Compiled into cognito-auth-ffi (`mod account_json`) and, with `include!`, into
// cognito-auth-capi, so Swift, Kotlin, Python and C reach one implementation. It uses only
// `cognito_auth`, `serde`, `serde_json` and `zeroize`, which both crates depend on.

use std::collections::BTreeMap;

use cognito_auth::account::{self, Call};
use cognito_auth::{
    Authorization, Error, HttpResponse, Operation, PoolConfig, Request, SecretString,
};
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use zeroize::Zeroize;

/// Why a generic account call failed.
#[derive(Debug)]
pub(crate) enum AccountError {
    /// The core's error: a service error, an unreadable typed output...
    Core(Error),
    /// The operation name or the JSON input cannot be used.
    Input(String),
    /// A 2xx reply whose body is not JSON (for operations without a typed output).
    Reply(String),
}

impl From<Error> for AccountError {
    fn from(error: Error) -> Self {
        AccountError::Core(error)
    }
}

/// The operation called `name`, if the generic call can send it (not a SigV4 one).
pub(crate) fn account_operation(name: &str) -> Result<Operation, AccountError> {
    let operation = Operation::from_name(name)
        .ok_or_else(|| AccountError::Input(format!("no Cognito operation is named {name:?}")))?;
    if operation.authorization() != Authorization::Unsigned {
        return Err(AccountError::Input(format!(
            "{operation} is an administrative operation signed with AWS credentials (SigV4); \
             apps call the unsigned ones"
        )));
    }
    Ok(operation)
}

/// Declares the input shape of a typed operation: its members in the service's spelling,
/// plus `ClientId` (checked against the configuration) and `SecretHash` (ignored: the builder
/// computes it from the configured client secret). Unknown members are refused, so that none
/// is silently dropped.
macro_rules! input {
    ($name:ident { $($(#[$meta:meta])* $field:ident : $ty:ty,)* }) => {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase", deny_unknown_fields)]
        struct $name {
            #[serde(default)]
            client_id: Option<String>,
            #[serde(default)]
            #[allow(dead_code)]
            secret_hash: Option<IgnoredAny>,
            $($(#[$meta])* $field: $ty,)*
        }

        impl HasClientId for $name {
            fn client_id(&self) -> Option<&str> {
                self.client_id.as_deref()
            }
        }
    };
}

trait HasClientId {
    fn client_id(&self) -> Option<&str>;
}

type Metadata = Option<BTreeMap<String, String>>;

input!(SignUpIn {
    username: String,
    #[serde(default)]
    password: Option<SecretString>,
    #[serde(default)]
    user_attributes: Vec<account::Attribute>,
    #[serde(default)]
    validation_data: Vec<account::Attribute>,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(ConfirmSignUpIn {
    username: String,
    confirmation_code: SecretString,
    #[serde(default)]
    force_alias_creation: Option<bool>,
    #[serde(default)]
    session: Option<SecretString>,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(UsernameIn {
    username: String,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(ConfirmForgotPasswordIn {
    username: String,
    confirmation_code: SecretString,
    password: SecretString,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(ChangePasswordIn {
    access_token: SecretString,
    #[serde(default)]
    previous_password: Option<SecretString>,
    proposed_password: SecretString,
});
input!(AccessTokenIn {
    access_token: SecretString,
});
input!(UpdateUserAttributesIn {
    access_token: SecretString,
    user_attributes: Vec<account::Attribute>,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(VerifyUserAttributeIn {
    access_token: SecretString,
    attribute_name: String,
    code: SecretString,
});
input!(AttributeCodeIn {
    access_token: SecretString,
    attribute_name: String,
    #[serde(default)]
    client_metadata: Metadata,
});
input!(DeleteUserAttributesIn {
    access_token: SecretString,
    user_attribute_names: Vec<String>,
});
input!(RevokeTokenIn {
    token: SecretString,
    #[serde(default)]
    #[allow(dead_code)]
    client_secret: Option<IgnoredAny>,
});
input!(ConfirmDeviceIn {
    access_token: SecretString,
    device_key: String,
    #[serde(default)]
    device_secret_verifier_config: Option<VerifierIn>,
    #[serde(default)]
    device_name: Option<String>,
});
input!(ListDevicesIn {
    access_token: SecretString,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    pagination_token: Option<String>,
});
input!(DeviceKeyIn {
    access_token: SecretString,
    device_key: String,
});
input!(UpdateDeviceStatusIn {
    access_token: SecretString,
    device_key: String,
    device_remembered_status: String,
});
input!(AssociateSoftwareTokenIn {
    #[serde(default)]
    access_token: Option<SecretString>,
    #[serde(default)]
    session: Option<SecretString>,
});
input!(VerifySoftwareTokenIn {
    #[serde(default)]
    access_token: Option<SecretString>,
    #[serde(default)]
    session: Option<SecretString>,
    user_code: SecretString,
    #[serde(default)]
    friendly_device_name: Option<String>,
});
input!(SetUserMfaPreferenceIn {
    access_token: SecretString,
    #[serde(default, rename = "SMSMfaSettings")]
    sms_mfa_settings: Option<MfaIn>,
    #[serde(default)]
    software_token_mfa_settings: Option<MfaIn>,
    #[serde(default)]
    email_mfa_settings: Option<MfaIn>,
    #[serde(default)]
    web_authn_mfa_settings: Option<WebAuthnMfaIn>,
});

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct VerifierIn {
    password_verifier: String,
    salt: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct MfaIn {
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    preferred_mfa: bool,
}

impl MfaIn {
    fn settings(&self) -> account::MfaSettings {
        if self.enabled {
            account::MfaSettings::enabled(self.preferred_mfa)
        } else {
            account::MfaSettings::disabled()
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct WebAuthnMfaIn {
    #[serde(default)]
    enabled: bool,
}

/// Reads the input shape `T`, checking its `ClientId` against the configuration.
fn parse<T: DeserializeOwned + HasClientId>(
    config: &PoolConfig,
    operation: Operation,
    input: &str,
) -> Result<T, AccountError> {
    let parsed: T = serde_json::from_str(input)
        .map_err(|e| AccountError::Input(format!("not a {operation} input: {e}")))?;
    match parsed.client_id() {
        Some(id) if id != config.client_id() => Err(AccountError::Input(format!(
            "the input's ClientId {id:?} is not the configured app client"
        ))),
        _ => Ok(parsed),
    }
}

fn attributes<B>(
    mut builder: B,
    list: Vec<account::Attribute>,
    add: impl Fn(B, String, String) -> B,
) -> B {
    for attribute in list {
        builder = add(builder, attribute.name, attribute.value.unwrap_or_default());
    }
    builder
}

fn pairs(list: Vec<account::Attribute>) -> Vec<(String, String)> {
    list.into_iter()
        .map(|a| (a.name, a.value.unwrap_or_default()))
        .collect()
}

/// The request for operation `name` with the JSON `input` (an object in the service's input
/// shape; empty text is `{}`), built by the core's typed builder when it has one.
pub(crate) fn account_request(
    config: &PoolConfig,
    name: &str,
    input: &str,
) -> Result<Request, AccountError> {
    use Operation as O;
    let op = account_operation(name)?;
    let input = if input.trim().is_empty() { "{}" } else { input };
    Ok(match op {
        O::SignUp => {
            let i: SignUpIn = parse(config, op, input)?;
            let mut b = account::SignUp::new(i.username, i.password);
            b = attributes(b, i.user_attributes, |b, n, v| b.with_attribute(n, v));
            b = attributes(b, i.validation_data, |b, n, v| b.with_validation_data(n, v));
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::ConfirmSignUp => {
            let i: ConfirmSignUpIn = parse(config, op, input)?;
            let mut b = account::ConfirmSignUp::new(i.username, i.confirmation_code);
            if let Some(force) = i.force_alias_creation {
                b = b.with_force_alias_creation(force);
            }
            if let Some(session) = i.session {
                b = b.with_session(session);
            }
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::ResendConfirmationCode => {
            let i: UsernameIn = parse(config, op, input)?;
            let mut b = account::ResendConfirmationCode::new(i.username);
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::ForgotPassword => {
            let i: UsernameIn = parse(config, op, input)?;
            let mut b = account::ForgotPassword::new(i.username);
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::ConfirmForgotPassword => {
            let i: ConfirmForgotPasswordIn = parse(config, op, input)?;
            let mut b =
                account::ConfirmForgotPassword::new(i.username, i.confirmation_code, i.password);
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::ChangePassword => {
            let i: ChangePasswordIn = parse(config, op, input)?;
            account::ChangePassword::new(i.access_token, i.previous_password, i.proposed_password)
                .request(config)
        }
        O::GetUser => {
            let i: AccessTokenIn = parse(config, op, input)?;
            account::GetUser::new(i.access_token).request(config)
        }
        O::DeleteUser => {
            let i: AccessTokenIn = parse(config, op, input)?;
            account::DeleteUser::new(i.access_token).request(config)
        }
        O::GlobalSignOut => {
            let i: AccessTokenIn = parse(config, op, input)?;
            account::GlobalSignOut::new(i.access_token).request(config)
        }
        O::GetUserAuthFactors => {
            let i: AccessTokenIn = parse(config, op, input)?;
            account::GetUserAuthFactors::new(i.access_token).request(config)
        }
        O::UpdateUserAttributes => {
            let i: UpdateUserAttributesIn = parse(config, op, input)?;
            let mut b =
                account::UpdateUserAttributes::new(i.access_token, pairs(i.user_attributes));
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::VerifyUserAttribute => {
            let i: VerifyUserAttributeIn = parse(config, op, input)?;
            account::VerifyUserAttribute::new(i.access_token, i.attribute_name, i.code)
                .request(config)
        }
        O::GetUserAttributeVerificationCode => {
            let i: AttributeCodeIn = parse(config, op, input)?;
            let mut b =
                account::GetUserAttributeVerificationCode::new(i.access_token, i.attribute_name);
            if let Some(m) = i.client_metadata {
                b = b.with_client_metadata(m);
            }
            b.request(config)
        }
        O::DeleteUserAttributes => {
            let i: DeleteUserAttributesIn = parse(config, op, input)?;
            account::DeleteUserAttributes::new(i.access_token, i.user_attribute_names)
                .request(config)
        }
        O::RevokeToken => {
            let i: RevokeTokenIn = parse(config, op, input)?;
            account::RevokeToken::new(i.token).request(config)
        }
        O::ConfirmDevice => {
            let i: ConfirmDeviceIn = parse(config, op, input)?;
            let mut b = account::ConfirmDevice::new(i.access_token, i.device_key);
            if let Some(v) = i.device_secret_verifier_config {
                b = b.with_verifier(v.password_verifier, v.salt);
            }
            if let Some(name) = i.device_name {
                b = b.with_device_name(name);
            }
            b.request(config)
        }
        O::ListDevices => {
            let i: ListDevicesIn = parse(config, op, input)?;
            let mut b = account::ListDevices::new(i.access_token);
            if let Some(limit) = i.limit {
                b = b.with_limit(limit);
            }
            if let Some(token) = i.pagination_token {
                b = b.with_pagination_token(token);
            }
            b.request(config)
        }
        O::GetDevice => {
            let i: DeviceKeyIn = parse(config, op, input)?;
            account::GetDevice::new(i.access_token, i.device_key).request(config)
        }
        O::ForgetDevice => {
            let i: DeviceKeyIn = parse(config, op, input)?;
            account::ForgetDevice::new(i.access_token, i.device_key).request(config)
        }
        O::UpdateDeviceStatus => {
            let i: UpdateDeviceStatusIn = parse(config, op, input)?;
            let status = match i.device_remembered_status.as_str() {
                "remembered" => account::DeviceRememberedStatus::Remembered,
                "not_remembered" => account::DeviceRememberedStatus::NotRemembered,
                other => {
                    return Err(AccountError::Input(format!(
                        "DeviceRememberedStatus is \"remembered\" or \"not_remembered\", not {other:?}"
                    )));
                }
            };
            account::UpdateDeviceStatus::new(i.access_token, i.device_key, status).request(config)
        }
        O::AssociateSoftwareToken => {
            let i: AssociateSoftwareTokenIn = parse(config, op, input)?;
            match (i.access_token, i.session) {
                (Some(token), None) => account::AssociateSoftwareToken::with_access_token(token),
                (None, Some(session)) => account::AssociateSoftwareToken::with_session(session),
                _ => return Err(one_principal(op)),
            }
            .request(config)
        }
        O::VerifySoftwareToken => {
            let i: VerifySoftwareTokenIn = parse(config, op, input)?;
            let mut b = match (i.access_token, i.session) {
                (Some(token), None) => {
                    account::VerifySoftwareToken::with_access_token(token, i.user_code)
                }
                (None, Some(session)) => {
                    account::VerifySoftwareToken::with_session(session, i.user_code)
                }
                _ => return Err(one_principal(op)),
            };
            if let Some(name) = i.friendly_device_name {
                b = b.with_friendly_device_name(name);
            }
            b.request(config)
        }
        O::SetUserMFAPreference => {
            let i: SetUserMfaPreferenceIn = parse(config, op, input)?;
            let mut b = account::SetUserMfaPreference::new(i.access_token);
            if let Some(s) = &i.sms_mfa_settings {
                b = b.with_sms(s.settings());
            }
            if let Some(s) = &i.software_token_mfa_settings {
                b = b.with_software_token(s.settings());
            }
            if let Some(s) = &i.email_mfa_settings {
                b = b.with_email(s.settings());
            }
            if let Some(s) = &i.web_authn_mfa_settings {
                b = b.with_web_authn(s.enabled);
            }
            b.request(config)
        }
        // No typed builder: the input goes as given (it must be the operation's whole input
        // shape, `ClientId` included where the operation takes one).
        _ => {
            let mut value: serde_json::Value = serde_json::from_str(input)
                .map_err(|e| AccountError::Input(format!("the input is not JSON: {e}")))?;
            if !value.is_object() {
                zeroize_value(&mut value);
                return Err(AccountError::Input(format!(
                    "the {op} input must be a JSON object"
                )));
            }
            let request = Request::from_json(config, op, &value);
            zeroize_value(&mut value);
            request
        }
    })
}

fn one_principal(operation: Operation) -> AccountError {
    AccountError::Input(format!(
        "{operation} takes either AccessToken or Session, exactly one"
    ))
}

/// Wipes the strings of a JSON value (an untyped input may carry secrets).
fn zeroize_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => text.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        serde_json::Value::Object(members) => members.values_mut().for_each(zeroize_value),
        _ => {}
    }
}

/// The reply to operation `name`: its output as JSON text (a `SecretString`: outputs carry
/// Sessions, TOTP secrets...), `{}` for operations without output.
pub(crate) fn account_response(
    name: &str,
    response: HttpResponse<'_>,
) -> Result<SecretString, AccountError> {
    use Operation as O;
    let op = account_operation(name)?;
    match op {
        O::SignUp => typed::<account::SignUp>(response),
        O::ConfirmSignUp => typed::<account::ConfirmSignUp>(response),
        O::ResendConfirmationCode => typed::<account::ResendConfirmationCode>(response),
        O::ForgotPassword => typed::<account::ForgotPassword>(response),
        O::ConfirmForgotPassword => typed::<account::ConfirmForgotPassword>(response),
        O::ChangePassword => typed::<account::ChangePassword>(response),
        O::GetUser => typed::<account::GetUser>(response),
        O::DeleteUser => typed::<account::DeleteUser>(response),
        O::GlobalSignOut => typed::<account::GlobalSignOut>(response),
        O::GetUserAuthFactors => typed::<account::GetUserAuthFactors>(response),
        O::UpdateUserAttributes => typed::<account::UpdateUserAttributes>(response),
        O::VerifyUserAttribute => typed::<account::VerifyUserAttribute>(response),
        O::GetUserAttributeVerificationCode => {
            typed::<account::GetUserAttributeVerificationCode>(response)
        }
        O::DeleteUserAttributes => typed::<account::DeleteUserAttributes>(response),
        O::RevokeToken => typed::<account::RevokeToken>(response),
        O::ConfirmDevice => typed::<account::ConfirmDevice>(response),
        O::ListDevices => typed::<account::ListDevices>(response),
        O::GetDevice => typed::<account::GetDevice>(response),
        O::ForgetDevice => typed::<account::ForgetDevice>(response),
        O::UpdateDeviceStatus => typed::<account::UpdateDeviceStatus>(response),
        O::AssociateSoftwareToken => typed::<account::AssociateSoftwareToken>(response),
        O::VerifySoftwareToken => typed::<account::VerifySoftwareToken>(response),
        O::SetUserMFAPreference => typed::<account::SetUserMfaPreference>(response),
        _ => untyped(response),
    }
}

fn typed<C: Call>(response: HttpResponse<'_>) -> Result<SecretString, AccountError> {
    let output = C::parse(response)?;
    SecretString::json(&output)
        .map_err(|e| AccountError::Reply(format!("cannot write the output: {e}")))
}

/// A reply without a typed output: errors read by the core's parser (any `Call` reads them the
/// same way; GlobalSignOut's output is empty, so a 2xx body is not read by it), the body
/// checked to be JSON and handed back as it came.
fn untyped(response: HttpResponse<'_>) -> Result<SecretString, AccountError> {
    account::GlobalSignOut::parse(response)?;
    let text = std::str::from_utf8(response.body())
        .map_err(|_| AccountError::Reply("the reply is not UTF-8".into()))?;
    if text.trim().is_empty() {
        return Ok(SecretString::new("{}"));
    }
    serde_json::from_str::<IgnoredAny>(text)
        .map_err(|e| AccountError::Reply(format!("the reply is not JSON: {e}")))?;
    Ok(SecretString::new(text))
}
