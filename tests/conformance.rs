//! Conformance against the service model (`tests/data/cognito-idp-service-2.json`):
//! every request the crate can build is checked against its input shape (members, required
//! members, JSON types, enums, lengths, ranges, patterns); every typed output round-trips
//! through samples generated from the output shapes; `Operation::errors()` matches the model.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cognito_auth::account::*;
use cognito_auth::{
    AuthFlow, Authorization, ChallengeAnswer, Error, ErrorKind, HttpResponse, Operation,
    PoolConfig, Refresh, RefreshFlow, Request, SignIn, Step,
};
use regex::Regex;
use serde_json::{Map, Value, json};
use support::*;

fn model() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cognito-idp-service-2.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn shape<'m>(model: &'m Value, name: &str) -> &'m Value {
    model["shapes"]
        .get(name)
        .unwrap_or_else(|| panic!("no shape {name}"))
}

fn input_shape(model: &Value, operation: Operation) -> String {
    model["operations"][operation.name()]["input"]["shape"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn output_shape(model: &Value, operation: Operation) -> Option<String> {
    model["operations"][operation.name()]["output"]["shape"]
        .as_str()
        .map(str::to_owned)
}

// ---------------------------------------------------------------------------------------------
// The input validator.

/// Model patterns are Java regexes and not anchored; the service means them to cover the whole
/// value, so they are anchored here. Java's `\w`, `\d` and `\s` are ASCII-only, so they are
/// translated to explicit ASCII classes (Rust's are Unicode). `\p{L}` and friends mean the
/// same in both. A pattern that still does not compile is skipped and counted.
fn translate(pattern: &str) -> String {
    let mut out = String::new();
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().unwrap_or('\\');
                let (inside, outside) = match next {
                    'w' => ("A-Za-z0-9_", "[A-Za-z0-9_]"),
                    'd' => ("0-9", "[0-9]"),
                    's' => (" \\t\\n\\x0B\\x0C\\r", "[ \\t\\n\\x0B\\x0C\\r]"),
                    'S' if !in_class => ("", "[^ \\t\\n\\x0B\\x0C\\r]"),
                    _ => ("", ""),
                };
                if !inside.is_empty() && in_class {
                    out.push_str(inside);
                } else if !outside.is_empty() && !in_class {
                    out.push_str(outside);
                } else {
                    out.push('\\');
                    out.push(next);
                }
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    format!("^(?:{out})$")
}

#[derive(Default)]
struct Checker {
    violations: Vec<String>,
    patterns_checked: usize,
    patterns_skipped: BTreeSet<String>,
    regexes: BTreeMap<String, Option<Regex>>,
}

impl Checker {
    fn fail(&mut self, path: &str, what: String) {
        self.violations.push(format!("{path}: {what}"));
    }

    fn check(&mut self, model: &Value, name: &str, value: &Value, path: &str) {
        let s = shape(model, name);
        let kind = s["type"].as_str().unwrap();
        let (min, max) = (s["min"].as_f64(), s["max"].as_f64());
        let check_len = |this: &mut Self, len: usize| {
            let len = len as f64;
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                this.fail(
                    path,
                    format!("{name}: length {len} outside {min:?}..{max:?}"),
                );
            }
        };
        match kind {
            "structure" if s["document"] == true => {}
            "structure" => {
                let Some(object) = value.as_object() else {
                    return self.fail(path, format!("{name}: expected an object, got {value}"));
                };
                let members = s["members"].as_object().unwrap();
                for (key, member) in object {
                    match members.get(key) {
                        Some(m) => {
                            let member_shape = m["shape"].as_str().unwrap();
                            self.check(model, member_shape, member, &format!("{path}.{key}"));
                        }
                        None => self.fail(path, format!("{name} has no member {key}")),
                    }
                }
                for required in s["required"].as_array().into_iter().flatten() {
                    let required = required.as_str().unwrap();
                    if !object.contains_key(required) {
                        self.fail(path, format!("{name}: required member {required} missing"));
                    }
                }
            }
            "string" => {
                let Some(text) = value.as_str() else {
                    return self.fail(path, format!("{name}: expected a string, got {value}"));
                };
                check_len(self, text.chars().count());
                if let Some(values) = s["enum"].as_array() {
                    if !values.iter().any(|v| v == value) {
                        self.fail(path, format!("{name}: {text:?} is not one of {values:?}"));
                    }
                }
                if let Some(pattern) = s["pattern"].as_str() {
                    let regex = self
                        .regexes
                        .entry(pattern.to_owned())
                        .or_insert_with(|| Regex::new(&translate(pattern)).ok())
                        .clone();
                    match regex {
                        Some(regex) => {
                            self.patterns_checked += 1;
                            if !regex.is_match(text) {
                                self.fail(
                                    path,
                                    format!("{name}: {text:?} does not match {pattern}"),
                                );
                            }
                        }
                        None => {
                            self.patterns_skipped.insert(pattern.to_owned());
                        }
                    }
                }
            }
            "boolean" => {
                if !value.is_boolean() {
                    self.fail(path, format!("{name}: expected a boolean, got {value}"));
                }
            }
            "integer" | "long" => match value.as_i64() {
                Some(n) => {
                    let n = n as f64;
                    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                        self.fail(path, format!("{name}: {n} outside {min:?}..{max:?}"));
                    }
                }
                None => self.fail(path, format!("{name}: expected an integer, got {value}")),
            },
            "double" | "float" | "timestamp" => {
                if !value.is_number() {
                    self.fail(path, format!("{name}: expected a number, got {value}"));
                }
            }
            "list" => {
                let Some(items) = value.as_array() else {
                    return self.fail(path, format!("{name}: expected an array, got {value}"));
                };
                check_len(self, items.len());
                let member = s["member"]["shape"].as_str().unwrap();
                for (i, item) in items.iter().enumerate() {
                    self.check(model, member, item, &format!("{path}[{i}]"));
                }
            }
            "map" => {
                let Some(object) = value.as_object() else {
                    return self.fail(path, format!("{name}: expected an object, got {value}"));
                };
                check_len(self, object.len());
                let key_shape = s["key"]["shape"].as_str().unwrap();
                let value_shape = s["value"]["shape"].as_str().unwrap();
                for (k, v) in object {
                    self.check(model, key_shape, &json!(k), &format!("{path}{{key}}"));
                    self.check(model, value_shape, v, &format!("{path}.{k}"));
                }
            }
            other => self.fail(path, format!("{name}: unhandled shape type {other}")),
        }
    }

    fn check_request(&mut self, model: &Value, request: &Request) {
        let operation = request.operation();
        assert_eq!(
            request.target(),
            format!("AWSCognitoIdentityProviderService.{}", operation.name())
        );
        let body: Value = serde_json::from_slice(request.body()).unwrap();
        let input = input_shape(model, operation);
        self.check(model, &input, &body, operation.name());
    }
}

#[test]
fn the_checker_catches_what_it_should() {
    let model = model();
    let mut checker = Checker::default();
    let bad = [
        json!({"AccessToken": "a.b.c", "Bogus": 1}), // unknown member
        json!({}),                                   // required missing
        json!({"AccessToken": 7}),                   // wrong type
        json!({"AccessToken": "has spaces"}),        // pattern
    ];
    for body in &bad {
        checker.check(&model, "GetUserRequest", body, "GetUser");
    }
    checker.check(
        &model,
        "UpdateDeviceStatusRequest",
        &json!({"AccessToken": "t", "DeviceKey": "us-east-1_ab", "DeviceRememberedStatus": "maybe"}),
        "UpdateDeviceStatus",
    );
    checker.check(
        &model,
        "VerifySoftwareTokenRequest",
        &json!({"UserCode": "1234567"}),
        "VerifySoftwareToken",
    );
    checker.check(
        &model,
        "ListDevicesRequest",
        &json!({"AccessToken": "t", "Limit": 61}),
        "ListDevices",
    );
    assert_eq!(checker.violations.len(), 7, "{:#?}", checker.violations);
    let mut ok = Checker::default();
    ok.check(
        &model,
        "GetUserRequest",
        &json!({"AccessToken": "a.b-c_d="}),
        "GetUser",
    );
    assert!(ok.violations.is_empty(), "{:#?}", ok.violations);
}

#[test]
fn every_model_pattern_translates_or_is_counted() {
    let model = model();
    let mut compiled = 0;
    let mut skipped = Vec::new();
    for (name, s) in model["shapes"].as_object().unwrap() {
        if let Some(pattern) = s["pattern"].as_str() {
            match Regex::new(&translate(pattern)) {
                Ok(_) => compiled += 1,
                Err(_) => skipped.push(format!("{name}: {pattern}")),
            }
        }
    }
    println!(
        "model patterns: {compiled} compile as Rust regexes, {} skipped: {skipped:#?}",
        skipped.len()
    );
    assert!(compiled >= 50);
    assert!(skipped.len() <= 5, "{skipped:#?}");
}

#[test]
fn java_classes_are_translated_to_ascii() {
    let re = Regex::new(&translate(r"[\w+=/]+")).unwrap();
    assert!(re.is_match("abc+/=_9"));
    assert!(!re.is_match("é"), "Java's \\w is ASCII");
    let re = Regex::new(&translate(r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+")).unwrap();
    assert!(re.is_match("josé@example.com"));
    assert!(!re.is_match("two words"));
    let re = Regex::new(&translate(r"[\S]+")).unwrap();
    assert!(!re.is_match("a b"));
}

// ---------------------------------------------------------------------------------------------
// Every request the crate builds.

const DEVICE_KEY: &str = "us-east-1_0c5b2a1e-7d3f-4e2a-9b8c-1d2e3f4a5b6c";
const SESSION: &str = "AYABeEXAMPLEsession0123456789";

fn access_token() -> String {
    jwt(json!({"sub": "sub-1", "username": "alice", "token_use": "access"}))
}

fn plain_config() -> PoolConfig {
    PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(3)))
}

fn full_config() -> PoolConfig {
    plain_config()
        .with_client_secret(CLIENT_SECRET)
        .with_client_metadata(BTreeMap::from([("app".into(), "web".into())]))
        .with_analytics_endpoint_id("pinpoint-endpoint-1")
        .with_user_context_data("encoded-context-data")
}

fn account_requests(config: &PoolConfig) -> Vec<Request> {
    let token = access_token();
    let meta = BTreeMap::from([("source".to_owned(), "test".to_owned())]);
    vec![
        SignUp::new("alice", Some("Correct-Horse-9!".into())).request(config),
        SignUp::new("alice@example.com", None)
            .with_attribute("email", "alice@example.com")
            .with_attribute("custom:team", "blue")
            .with_validation_data("invite", "X1")
            .with_client_metadata(meta.clone())
            .request(config),
        ConfirmSignUp::new("alice", "123456").request(config),
        ConfirmSignUp::new("alice", "123456")
            .with_force_alias_creation(true)
            .with_session(SESSION)
            .request(config),
        ResendConfirmationCode::new("alice").request(config),
        ForgotPassword::new("alice")
            .with_client_metadata(meta.clone())
            .request(config),
        ConfirmForgotPassword::new("alice", "654321", "New-Pass-1!").request(config),
        ChangePassword::new(token.as_str(), Some("Old-Pass-1!".into()), "New-Pass-1!")
            .request(config),
        ChangePassword::new(token.as_str(), None, "New-Pass-1!").request(config),
        GetUser::new(token.as_str()).request(config),
        UpdateUserAttributes::new(
            token.as_str(),
            [("email", "new@example.com"), ("name", "Al")],
        )
        .with_client_metadata(meta.clone())
        .request(config),
        UpdateUserAttributes::new(token.as_str(), [("nickname", "")]).request(config),
        VerifyUserAttribute::new(token.as_str(), "email", "112233").request(config),
        GetUserAttributeVerificationCode::new(token.as_str(), "phone_number").request(config),
        GetUserAttributeVerificationCode::new(token.as_str(), "email")
            .with_client_metadata(meta)
            .request(config),
        DeleteUserAttributes::new(token.as_str(), ["custom:team", "nickname"]).request(config),
        DeleteUser::new(token.as_str()).request(config),
        GlobalSignOut::new(token.as_str()).request(config),
        RevokeToken::new("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.refresh").request(config),
        GetUserAuthFactors::new(token.as_str()).request(config),
        UpdateAuthEventFeedback::new(
            "alice",
            "event-1+a",
            "feedback.token-1",
            FeedbackValue::Invalid,
        )
        .request(config),
        AssociateSoftwareToken::with_access_token(token.as_str()).request(config),
        AssociateSoftwareToken::with_session(SESSION).request(config),
        VerifySoftwareToken::with_access_token(token.as_str(), "123456")
            .with_friendly_device_name("Phone")
            .request(config),
        VerifySoftwareToken::with_session(SESSION, "000000").request(config),
        SetUserMfaPreference::new(token.as_str()).request(config),
        SetUserMfaPreference::new(token.as_str())
            .with_sms(MfaSettings::disabled())
            .with_software_token(MfaSettings::enabled(true))
            .with_email(MfaSettings::enabled(false))
            .with_web_authn(true)
            .request(config),
        SetUserSettings::new(token.as_str(), vec![MfaOption::sms()]).request(config),
        SetUserSettings::new(token.as_str(), vec![]).request(config),
        ConfirmDevice::new(token.as_str(), DEVICE_KEY).request(config),
        ConfirmDevice::new(token.as_str(), DEVICE_KEY)
            .with_verifier("dmVyaWZpZXI=", "c2FsdA==")
            .with_device_name("Alice's phone")
            .request(config),
        ListDevices::new(token.as_str()).request(config),
        ListDevices::new(token.as_str())
            .with_limit(60)
            .with_pagination_token("next-page")
            .request(config),
        GetDevice::new(token.as_str(), DEVICE_KEY).request(config),
        UpdateDeviceStatus::new(
            token.as_str(),
            DEVICE_KEY,
            DeviceRememberedStatus::NotRemembered,
        )
        .request(config),
        UpdateDeviceStatus::new(
            token.as_str(),
            DEVICE_KEY,
            DeviceRememberedStatus::Remembered,
        )
        .request(config),
        ForgetDevice::new(token.as_str(), DEVICE_KEY).request(config),
        StartWebAuthnRegistration::new(token.as_str()).request(config),
        CompleteWebAuthnRegistration::new(
            token.as_str(),
            json!({"id": "cred-1", "rawId": "cred-1", "type": "public-key",
                   "response": {"clientDataJSON": "e30", "attestationObject": "o2Nm"}}),
        )
        .request(config),
        ListWebAuthnCredentials::new(token.as_str()).request(config),
        ListWebAuthnCredentials::new(token.as_str())
            .with_max_results(20)
            .with_next_token("token-2")
            .request(config),
        DeleteWebAuthnCredential::new(token.as_str(), "cred-1").request(config),
    ]
}

/// The machines' requests: sign-up, reset, sign-in (with a challenge answer) and refresh.
fn machine_requests(config: &PoolConfig) -> Vec<Request> {
    let shared = Arc::new(config.clone());
    let mut out = Vec::new();

    let mut flow = SignUpFlow::new(
        shared.clone(),
        SignUp::new("bob", Some("Pw-bob-123".into())).with_attribute("email", "b@example.com"),
    );
    out.push(flow.start().unwrap());
    let reply =
        Reply::ok(json!({"UserConfirmed": false, "UserSub": "sub-bob", "Session": SESSION}));
    let _ = flow.handle_response(reply.as_response()).unwrap();
    out.push(flow.resend_code().unwrap());
    let _ = flow
        .handle_response(Reply::ok(json!({})).as_response())
        .unwrap();
    out.push(flow.confirm("123456").unwrap());

    let mut reset = PasswordResetFlow::new(shared.clone(), "bob");
    out.push(reset.start().unwrap());
    let _ = reset
        .handle_response(Reply::ok(json!({})).as_response())
        .unwrap();
    out.push(reset.resend_code().unwrap());
    let _ = reset
        .handle_response(Reply::ok(json!({})).as_response())
        .unwrap();
    out.push(reset.confirm("123456", "Pw-bob-456").unwrap());

    let mut sign_in =
        SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_flow(AuthFlow::UserPassword);
    out.push(sign_in.start().unwrap());
    let challenge = Reply::ok(json!({
        "ChallengeName": "SMS_MFA", "Session": SESSION,
        "ChallengeParameters": {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
            "CODE_DELIVERY_DESTINATION": "+*******1234", "USER_ID_FOR_SRP": "bob"}
    }));
    match sign_in
        .handle_response(challenge.as_response(), NOW)
        .unwrap()
    {
        Step::Challenge(_) => out.push(sign_in.answer(ChallengeAnswer::code("123456")).unwrap()),
        other => panic!("expected a challenge, got {other:?}"),
    }
    let mut srp = SignIn::new(shared.clone(), "bob", "Pw-bob-123");
    out.push(srp.start().unwrap());

    for flow in [
        RefreshFlow::GetTokensFromRefreshToken,
        RefreshFlow::RefreshTokenAuth,
    ] {
        let mut refresh = Refresh::from_refresh_token(shared.clone(), "refresh.token-1")
            .with_flow(flow)
            .with_internal_username("bob")
            .with_device_key(DEVICE_KEY);
        out.push(refresh.request().unwrap());
    }
    out
}

/// Feeds one reply to a sign-in and returns the request the step carries or the answer gives.
fn step_request(sign_in: &mut SignIn, reply: Value, answer: Option<ChallengeAnswer>) -> Request {
    match sign_in
        .handle_response(Reply::ok(reply).as_response(), NOW)
        .unwrap()
    {
        Step::Send(request) => request,
        Step::Challenge(_) => sign_in
            .answer(answer.expect("an answer for the challenge"))
            .unwrap(),
        other => panic!("unexpected step {other:?}"),
    }
}

fn challenge(name: &str, parameters: Value) -> Value {
    json!({"ChallengeName": name, "Session": SESSION, "ChallengeParameters": parameters})
}

/// Requests of every challenge flow and of the device machines.
fn challenge_requests(config: &PoolConfig) -> Vec<Request> {
    let shared = Arc::new(config.clone().with_random(Arc::new(FixedRandom::new(9))));
    let device = cognito_auth::DeviceCredentials {
        device_key: DEVICE_KEY.into(),
        device_group_key: "-grpKey1".into(),
        device_password: "device-secret".into(),
        user_sub: "sub-bob".into(),
    };
    let server = SrpServer::new(config.pool_name(), "bob", "Pw-bob-123");
    let mut out = Vec::new();

    // SRP with a device: PASSWORD_VERIFIER, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER.
    let mut sign_in = SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_device(device.clone());
    out.push(sign_in.start().unwrap());
    out.push(step_request(
        &mut sign_in,
        challenge("PASSWORD_VERIFIER", server.challenge_parameters()),
        None,
    ));
    out.push(step_request(
        &mut sign_in,
        challenge("DEVICE_SRP_AUTH", json!({"USERNAME": "bob"})),
        None,
    ));
    let mut device_parameters = server.challenge_parameters();
    device_parameters["USERNAME"] = json!("bob");
    out.push(step_request(
        &mut sign_in,
        challenge("DEVICE_PASSWORD_VERIFIER", device_parameters),
        None,
    ));

    // NEW_PASSWORD_REQUIRED, SELECT_MFA_TYPE, MFA_SETUP (TOTP and e-mail), custom, codes.
    let mut sign_in =
        SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_flow(AuthFlow::UserPassword);
    out.push(sign_in.start().unwrap());
    let new_password = ChallengeAnswer::NewPassword {
        password: "Pw-bob-456".into(),
        attributes: BTreeMap::from([("name".to_owned(), "Bob".to_owned())]),
    };
    let parameters =
        json!({"userAttributes": "{}", "requiredAttributes": "[\"userAttributes.name\"]"});
    out.push(step_request(
        &mut sign_in,
        challenge("NEW_PASSWORD_REQUIRED", parameters),
        Some(new_password),
    ));
    let choose = ChallengeAnswer::SelectMfaType(cognito_auth::MfaType::SoftwareToken);
    let parameters = json!({"MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"});
    out.push(step_request(
        &mut sign_in,
        challenge("SELECT_MFA_TYPE", parameters),
        Some(choose),
    ));
    let parameters = json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"});
    out.push(step_request(
        &mut sign_in,
        challenge("MFA_SETUP", parameters),
        Some(ChallengeAnswer::SetUpTotp),
    ));
    let secret = json!({"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "Session": SESSION});
    let verify = ChallengeAnswer::VerifyTotp {
        code: "123456".into(),
        friendly_name: Some("phone".into()),
    };
    out.push(step_request(&mut sign_in, secret, Some(verify)));
    out.push(step_request(
        &mut sign_in,
        json!({"Status": "SUCCESS", "Session": SESSION}),
        None,
    ));
    let parameters = json!({"MFAS_CAN_SETUP": "[\"EMAIL_OTP\"]"});
    let email = ChallengeAnswer::SetUpEmail("bob@example.com".into());
    out.push(step_request(
        &mut sign_in,
        challenge("MFA_SETUP", parameters),
        Some(email),
    ));
    for name in ["EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SMS_OTP"] {
        out.push(step_request(
            &mut sign_in,
            challenge(name, json!({})),
            Some(ChallengeAnswer::code("12345678")),
        ));
    }
    let custom = ChallengeAnswer::Custom("42".into());
    out.push(step_request(
        &mut sign_in,
        challenge("CUSTOM_CHALLENGE", json!({"q": "?"})),
        Some(custom),
    ));

    // CUSTOM_AUTH starts, USER_AUTH starts and SELECT_CHALLENGE answers, WEB_AUTHN.
    let mut custom =
        SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_flow(AuthFlow::CustomWithSrp);
    out.push(custom.start().unwrap());
    let mut custom = SignIn::passwordless(shared.clone(), "bob", AuthFlow::CustomWithoutSrp);
    out.push(custom.start().unwrap());
    for factor in [
        cognito_auth::FirstFactor::Password,
        cognito_auth::FirstFactor::PasswordSrp,
        cognito_auth::FirstFactor::EmailOtp,
        cognito_auth::FirstFactor::WebAuthn,
    ] {
        let mut user_auth = SignIn::new(shared.clone(), "bob", "Pw-bob-123")
            .with_flow(AuthFlow::UserAuth)
            .with_preferred_challenge(factor.clone())
            .with_session(SESSION);
        out.push(user_auth.start().unwrap());
        let mut select =
            SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_flow(AuthFlow::UserAuth);
        out.push(select.start().unwrap());
        let reply = json!({"ChallengeName": "SELECT_CHALLENGE", "Session": SESSION,
            "AvailableChallenges": ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"]});
        out.push(step_request(
            &mut select,
            reply,
            Some(ChallengeAnswer::SelectFirstFactor(factor)),
        ));
    }
    let mut passkey = SignIn::passwordless(shared.clone(), "bob", AuthFlow::UserAuth);
    out.push(passkey.start().unwrap());
    let options = json!({"CREDENTIAL_REQUEST_OPTIONS": "{\"challenge\":\"abc\"}"});
    let credential = ChallengeAnswer::WebAuthnCredential("{\"id\":\"cred\"}".into());
    out.push(step_request(
        &mut passkey,
        challenge("WEB_AUTHN", options),
        Some(credential),
    ));

    // Server-side sign-in with the admin operations.
    let mut admin = SignIn::new(shared.clone(), "bob", "Pw-bob-123").with_admin_api();
    out.push(admin.start().unwrap());
    out.push(step_request(
        &mut admin,
        challenge("PASSWORD_VERIFIER", server.challenge_parameters()),
        None,
    ));
    let mut admin = SignIn::new(shared.clone(), "bob", "Pw-bob-123")
        .with_admin_api()
        .with_flow(AuthFlow::UserPassword);
    out.push(admin.start().unwrap());
    out.push(step_request(
        &mut admin,
        challenge("SOFTWARE_TOKEN_MFA", json!({})),
        Some(ChallengeAnswer::code("123456")),
    ));

    // Device confirmation.
    let tokens = {
        let mut sign_in =
            SignIn::new(shared.clone(), "bob", "pw").with_flow(AuthFlow::UserPassword);
        sign_in.start().unwrap();
        let mut body = tokens_body("bob", "sub-bob", Some("refresh"));
        body["AuthenticationResult"]["NewDeviceMetadata"] =
            json!({"DeviceKey": DEVICE_KEY, "DeviceGroupKey": "-grpKey1"});
        match sign_in
            .handle_response(Reply::ok(body).as_response(), NOW)
            .unwrap()
        {
            Step::Done(tokens) => *tokens,
            other => panic!("{other:?}"),
        }
    };
    let mut confirmation = cognito_auth::DeviceConfirmation::new(shared.clone(), &tokens).unwrap();
    out.push(confirmation.start(Some("Bob's laptop")).unwrap());
    let _ = confirmation
        .handle_response(Reply::ok(json!({"UserConfirmationNecessary": true})).as_response())
        .unwrap();
    out.push(confirmation.remember(false).unwrap());
    out
}

#[test]
fn every_request_fits_its_input_shape() {
    let model = model();
    let mut checker = Checker::default();
    let mut covered = BTreeSet::new();
    let mut count = 0;
    for config in [plain_config(), full_config()] {
        for request in account_requests(&config)
            .into_iter()
            .chain(machine_requests(&config))
            .chain(challenge_requests(&config))
        {
            covered.insert(request.operation());
            checker.check_request(&model, &request);
            count += 1;
        }
    }
    assert!(
        checker.violations.is_empty(),
        "{} violations:\n{}",
        checker.violations.len(),
        checker.violations.join("\n")
    );
    println!(
        "{count} requests over {} operations checked; {} pattern checks, {} patterns skipped: {:?}",
        covered.len(),
        checker.patterns_checked,
        checker.patterns_skipped.len(),
        checker.patterns_skipped
    );
    assert!(checker.patterns_checked > 100);
    // Every unsigned operation (protocol.md §1.2) is covered; of the SigV4 ones, exactly the
    // admin sign-in family is built typed.
    let mut expected: BTreeSet<Operation> = Operation::ALL
        .iter()
        .copied()
        .filter(|op| op.authorization() == Authorization::Unsigned)
        .collect();
    assert_eq!(expected.len(), 32);
    expected.extend([
        Operation::AdminInitiateAuth,
        Operation::AdminRespondToAuthChallenge,
    ]);
    assert_eq!(covered, expected);
}

#[test]
fn secret_hash_and_client_secret_go_where_the_model_puts_them() {
    let config = full_config();
    let requests = account_requests(&config);
    let bodies: Vec<(Operation, Value)> = requests
        .iter()
        .map(|r| (r.operation(), serde_json::from_slice(r.body()).unwrap()))
        .collect();
    let model = model();
    for (operation, body) in &bodies {
        let members = &shape(&model, &input_shape(&model, *operation))["members"];
        if members.get("SecretHash").is_some() {
            let username = body["Username"].as_str().unwrap();
            assert_eq!(body["SecretHash"], secret_hash(username), "{operation}");
            assert_eq!(
                body["ClientMetadata"].as_object().map(|m| m.is_empty()),
                Some(false)
            );
            assert_eq!(
                body["AnalyticsMetadata"]["AnalyticsEndpointId"],
                "pinpoint-endpoint-1"
            );
            assert_eq!(
                body["UserContextData"]["EncodedData"],
                "encoded-context-data"
            );
        }
        if members.get("ClientSecret").is_some() {
            assert_eq!(body["ClientSecret"], CLIENT_SECRET, "{operation}");
        }
    }
    for request in account_requests(&plain_config()) {
        let body: Value = serde_json::from_slice(request.body()).unwrap();
        for key in [
            "SecretHash",
            "ClientSecret",
            "AnalyticsMetadata",
            "UserContextData",
        ] {
            assert!(
                body.get(key).is_none(),
                "{}: {key} without configuration",
                request.operation()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operation::errors() and error parsing.

#[test]
fn operation_errors_match_the_model() {
    let model = model();
    let operations = model["operations"].as_object().unwrap();
    assert_eq!(operations.len(), Operation::ALL.len());
    for operation in Operation::ALL {
        let modeled: Vec<&str> = operations[operation.name()]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| e["shape"].as_str().unwrap())
            .collect();
        let ours: Vec<&str> = operation.errors().iter().map(ErrorKind::code).collect();
        assert_eq!(ours, modeled, "{operation}");
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs: samples generated from the model.

/// A sample value of `name`: every member (`full`) or only required ones. With `extras`, each
/// structure also carries a member the model does not know.
fn sample(model: &Value, name: &str, member: &str, full: bool, extras: bool) -> Value {
    let s = shape(model, name);
    match s["type"].as_str().unwrap() {
        "structure" if s["document"] == true => {
            json!({"challenge": "Y2hhbGxlbmdl", "rp": {"id": "example.com"}, "pubKeyCredParams": [{"alg": -7}]})
        }
        "structure" => {
            let required: Vec<&str> = s["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut object = Map::new();
            for (key, m) in s["members"].as_object().unwrap() {
                if full || required.contains(&key.as_str()) {
                    let value = sample(model, m["shape"].as_str().unwrap(), key, full, extras);
                    object.insert(key.clone(), value);
                }
            }
            if extras {
                object.insert("FutureMember".into(), json!({"added": [1, 2, "later"]}));
            }
            Value::Object(object)
        }
        "string" => match s["enum"].as_array() {
            Some(values) => values[0].clone(),
            None => {
                let min = s["min"].as_u64().unwrap_or(1) as usize;
                let mut text = format!("{member}0value");
                while text.len() < min {
                    text.push('x');
                }
                json!(text)
            }
        },
        "boolean" => json!(true),
        "integer" | "long" => json!(s["min"].as_i64().unwrap_or(0) + 3),
        "timestamp" => json!(1_715_100_742.022),
        "list" => {
            let member_shape = s["member"]["shape"].as_str().unwrap();
            json!([sample(model, member_shape, member, full, extras)])
        }
        "map" => {
            let value_shape = s["value"]["shape"].as_str().unwrap();
            json!({"key": sample(model, value_shape, member, full, extras)})
        }
        other => panic!("no sample for {other}"),
    }
}

type Parser = fn(u16, &[u8]) -> Result<Value, Error>;

fn parser<C: Call>() -> (Operation, Parser) {
    (C::OPERATION, |status, body| {
        C::parse(HttpResponse::new(status, body)).map(|out| serde_json::to_value(out).unwrap())
    })
}

fn parsers() -> Vec<(Operation, Parser)> {
    vec![
        parser::<SignUp>(),
        parser::<ConfirmSignUp>(),
        parser::<ResendConfirmationCode>(),
        parser::<ForgotPassword>(),
        parser::<ConfirmForgotPassword>(),
        parser::<ChangePassword>(),
        parser::<GetUser>(),
        parser::<UpdateUserAttributes>(),
        parser::<VerifyUserAttribute>(),
        parser::<GetUserAttributeVerificationCode>(),
        parser::<DeleteUserAttributes>(),
        parser::<DeleteUser>(),
        parser::<GlobalSignOut>(),
        parser::<RevokeToken>(),
        parser::<GetUserAuthFactors>(),
        parser::<UpdateAuthEventFeedback>(),
        parser::<AssociateSoftwareToken>(),
        parser::<VerifySoftwareToken>(),
        parser::<SetUserMfaPreference>(),
        parser::<SetUserSettings>(),
        parser::<ConfirmDevice>(),
        parser::<ListDevices>(),
        parser::<GetDevice>(),
        parser::<UpdateDeviceStatus>(),
        parser::<ForgetDevice>(),
        parser::<StartWebAuthnRegistration>(),
        parser::<CompleteWebAuthnRegistration>(),
        parser::<ListWebAuthnCredentials>(),
        parser::<DeleteWebAuthnCredential>(),
    ]
}

#[test]
fn every_typed_output_round_trips_model_samples() {
    let model = model();
    let parsers = parsers();
    let mut with_members = 0;
    for (operation, parse) in &parsers {
        let Some(output) = output_shape(&model, *operation) else {
            // No output shape: any 2xx body is success.
            for body in [&b""[..], b"{}", b" \n", br#"{"Unexpected":1}"#] {
                assert_eq!(parse(200, body).unwrap(), json!({}), "{operation}");
            }
            continue;
        };
        if shape(&model, &output)["members"]
            .as_object()
            .unwrap()
            .is_empty()
        {
            assert_eq!(parse(200, b"{}").unwrap(), json!({}), "{operation}");
            assert_eq!(parse(200, b"").unwrap(), json!({}), "{operation}");
            assert_eq!(
                parse(200, br#"{"Unexpected":[1]}"#).unwrap(),
                json!({}),
                "{operation}"
            );
            continue;
        }
        with_members += 1;
        for full in [true, false] {
            let expected = sample(&model, &output, "", full, false);
            let sent = sample(&model, &output, "", full, true);
            let body = serde_json::to_vec(&sent).unwrap();
            let parsed = parse(200, &body).unwrap_or_else(|e| panic!("{operation} {full}: {e}"));
            assert_eq!(
                parsed, expected,
                "{operation} (full: {full}) does not round-trip"
            );
        }
        // A 2xx body of the wrong shape is an InvalidResponse, never a panic.
        for garbage in [&b"[]"[..], b"{", b"\"x\"", b"{\"Username\": 5}"] {
            match parse(200, garbage) {
                Ok(_) | Err(Error::InvalidResponse(_)) => {}
                Err(other) => panic!("{operation}: {other}"),
            }
        }
    }
    assert_eq!(parsers.len(), 29);
    assert_eq!(with_members, 15);
}

#[test]
fn every_modeled_error_and_an_unknown_one_parse_as_service_errors() {
    let mut checked = 0;
    for (operation, parse) in parsers() {
        let unknown = ErrorKind::Unknown("BrandNewException".into());
        for kind in operation.errors().iter().chain([&unknown]) {
            let body = error_body(kind.code(), "something went wrong").to_string();
            let error = parse(400, body.as_bytes()).unwrap_err();
            assert!(error.is_service(kind), "{operation}: {error}");
            assert_eq!(error.service().unwrap().message(), "something went wrong");
            checked += 1;
        }
    }
    assert!(checked > 29 * 5);
}
