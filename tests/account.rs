//! Account transcripts against a scripted Cognito that checks every request body: sign-up,
//! password reset, password change, attribute verification, sign-out and revocation, TOTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::sync::Arc;

use cognito_auth::account::*;
use cognito_auth::{
    ApiMisuse, AuthFlow, Error, ErrorKind, PoolConfig, Refresh, SignIn, Step, Tokens,
};
use serde_json::json;
use support::*;

const SIGN_UP_SESSION: &str = "sign-up-session-0123456789abcdef";
const CONFIRM_SESSION: &str = "confirm-session-0123456789abcdef";

fn config(secret: bool) -> Arc<PoolConfig> {
    let config = PoolConfig::new(POOL_ID, CLIENT_ID)
        .unwrap()
        .with_random(Arc::new(FixedRandom::new(11)));
    Arc::new(if secret {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

/// USER_PASSWORD_AUTH with `password`, answered with tokens for `internal`.
fn sign_in(config: &Arc<PoolConfig>, username: &str, password: &str, internal: &str) -> Tokens {
    let mut sign_in =
        SignIn::new(config.clone(), username, password).with_flow(AuthFlow::UserPassword);
    let init = body_of(&sign_in.start().unwrap(), "InitiateAuth");
    assert_eq!(init["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(init["AuthParameters"]["USERNAME"], username);
    assert_eq!(init["AuthParameters"]["PASSWORD"], password);
    let reply = Reply::ok(tokens_body(internal, "sub-1", Some("refresh-1")));
    match sign_in.handle_response(reply.as_response(), NOW).unwrap() {
        Step::Done(tokens) => *tokens,
        other => panic!("expected tokens, got {other:?}"),
    }
}

#[test]
fn sign_up_confirm_then_sign_in() {
    let config = config(true);
    let mut flow = SignUpFlow::new(
        config.clone(),
        SignUp::new("alice", Some("Correct-Horse-9!".into()))
            .with_attribute("email", "alice@example.com")
            .with_validation_data("invite", "X1"),
    );
    let body = body_of(&flow.start().unwrap(), "SignUp");
    assert_eq!(
        body,
        json!({
            "ClientId": CLIENT_ID,
            "SecretHash": secret_hash("alice"),
            "Username": "alice",
            "Password": "Correct-Horse-9!",
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "ValidationData": [{"Name": "invite", "Value": "X1"}],
        })
    );
    assert!(matches!(
        flow.start(),
        Err(Error::ApiMisuse(ApiMisuse::AlreadyStarted))
    ));

    let reply = Reply::ok(json!({
        "UserConfirmed": false,
        "UserSub": "5f6e7d8c-0000-4000-8000-000000000001",
        "CodeDeliveryDetails": {"Destination": "a***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"},
        "Session": SIGN_UP_SESSION,
    }));
    let step = flow.handle_response(reply.as_response()).unwrap();
    let SignUpStep::ConfirmationRequired { user_sub, delivery } = step else {
        panic!("expected a confirmation step, got {step:?}");
    };
    assert_eq!(user_sub, "5f6e7d8c-0000-4000-8000-000000000001");
    let delivery = delivery.unwrap();
    assert_eq!(delivery.delivery_medium, Some(DeliveryMedium::Email));
    assert_eq!(delivery.destination.as_deref(), Some("a***@e***.com"));
    assert!(flow.is_awaiting_code());

    // A wrong code: a typed error, and the flow still waits for a code.
    let body = body_of(&flow.confirm("000000").unwrap(), "ConfirmSignUp");
    assert_eq!(body["Session"], SIGN_UP_SESSION);
    let reply = Reply::error(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    );
    let error = flow.handle_response(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::CodeMismatch), "{error}");
    assert!(flow.is_awaiting_code());

    let body = body_of(&flow.confirm("123456").unwrap(), "ConfirmSignUp");
    assert_eq!(
        body,
        json!({
            "ClientId": CLIENT_ID,
            "SecretHash": secret_hash("alice"),
            "Username": "alice",
            "ConfirmationCode": "123456",
            "Session": SIGN_UP_SESSION,
        })
    );
    let step = flow
        .handle_response(Reply::ok(json!({"Session": CONFIRM_SESSION})).as_response())
        .unwrap();
    let SignUpStep::Confirmed { user_sub, session } = step else {
        panic!("expected Confirmed, got {step:?}");
    };
    assert_eq!(user_sub, "5f6e7d8c-0000-4000-8000-000000000001");
    assert_eq!(
        session.unwrap().expose(),
        CONFIRM_SESSION,
        "the Session for USER_AUTH"
    );
    assert!(flow.is_done());
    assert!(matches!(
        flow.confirm("1"),
        Err(Error::ApiMisuse(ApiMisuse::Finished))
    ));

    let tokens = sign_in(&config, "alice", "Correct-Horse-9!", "alice");
    assert_eq!(tokens.internal_username().as_deref(), Some("alice"));
}

#[test]
fn a_pool_that_confirms_by_itself_ends_at_sign_up() {
    let mut flow = SignUpFlow::new(config(false), SignUp::new("carol", None));
    let body = body_of(&flow.start().unwrap(), "SignUp");
    assert_eq!(body, json!({"ClientId": CLIENT_ID, "Username": "carol"}));
    let reply = Reply::ok(
        json!({"UserConfirmed": true, "UserSub": "sub-carol", "Session": SIGN_UP_SESSION}),
    );
    let step = flow.handle_response(reply.as_response()).unwrap();
    assert_eq!(
        step,
        SignUpStep::Confirmed {
            user_sub: "sub-carol".into(),
            session: Some(SIGN_UP_SESSION.into()),
        }
    );
    assert_eq!(flow.user_sub(), Some("sub-carol"));
    assert!(flow.is_done());
}

#[test]
fn a_failed_sign_up_is_final_and_a_resumed_confirmation_can_resend() {
    let mut flow = SignUpFlow::new(config(false), SignUp::new("dave", Some("pw".into())));
    flow.start().unwrap();
    let reply = Reply::error("UsernameExistsException", "User already exists");
    let error = flow.handle_response(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::UsernameExists));
    assert_eq!(
        flow.confirm("123456").unwrap_err(),
        error,
        "failed stays failed"
    );
    assert_eq!(
        flow.handle_response(reply.as_response()).unwrap_err(),
        error
    );

    let mut flow = SignUpFlow::resume_confirmation(config(true), "dave");
    assert!(matches!(
        flow.handle_response(Reply::ok(json!({})).as_response()),
        Err(Error::ApiMisuse(ApiMisuse::NoRequestInFlight))
    ));
    let body = body_of(&flow.resend_code().unwrap(), "ResendConfirmationCode");
    assert_eq!(
        body,
        json!({"ClientId": CLIENT_ID, "SecretHash": secret_hash("dave"), "Username": "dave"})
    );
    assert!(matches!(
        flow.confirm("1"),
        Err(Error::ApiMisuse(ApiMisuse::NoChallengePending))
    ));
    let reply = Reply::ok(
        json!({"CodeDeliveryDetails": {"DeliveryMedium": "SMS", "Destination": "+*******0100"}}),
    );
    let step = flow.handle_response(reply.as_response()).unwrap();
    let SignUpStep::CodeResent(Some(details)) = step else {
        panic!("{step:?}")
    };
    assert_eq!(details.delivery_medium, Some(DeliveryMedium::Sms));
    let body = body_of(&flow.confirm("222333").unwrap(), "ConfirmSignUp");
    assert!(
        body.get("Session").is_none(),
        "no SignUp Session when resuming"
    );
    let step = flow
        .handle_response(Reply::ok(json!({})).as_response())
        .unwrap();
    assert_eq!(
        step,
        SignUpStep::Confirmed {
            user_sub: String::new(),
            session: None
        }
    );
}

#[test]
fn forgot_password_confirm_then_sign_in_with_the_new_one() {
    let config = config(true);
    let mut reset = PasswordResetFlow::new(config.clone(), "alice");
    assert!(matches!(
        reset.confirm("1", "x"),
        Err(Error::ApiMisuse(ApiMisuse::NoChallengePending))
    ));
    let body = body_of(&reset.start().unwrap(), "ForgotPassword");
    assert_eq!(
        body,
        json!({"ClientId": CLIENT_ID, "SecretHash": secret_hash("alice"), "Username": "alice"})
    );
    let reply = Reply::ok(
        json!({"CodeDeliveryDetails": {"Destination": "a***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"}}),
    );
    let step = reset.handle_response(reply.as_response()).unwrap();
    let PasswordResetStep::CodeSent(Some(details)) = step else {
        panic!("{step:?}")
    };
    assert_eq!(details.attribute_name.as_deref(), Some("email"));

    // An expired code: typed, and the user can ask for a new one.
    reset.confirm("111111", "New-Horse-10!").unwrap();
    let reply = Reply::error(
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    );
    let error = reset.handle_response(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::ExpiredCode));
    assert!(reset.is_awaiting_code());
    body_of(&reset.resend_code().unwrap(), "ForgotPassword");
    let step = reset
        .handle_response(Reply::ok(json!({})).as_response())
        .unwrap();
    assert_eq!(step, PasswordResetStep::CodeSent(None));

    let body = body_of(
        &reset.confirm("424242", "New-Horse-10!").unwrap(),
        "ConfirmForgotPassword",
    );
    assert_eq!(
        body,
        json!({
            "ClientId": CLIENT_ID,
            "SecretHash": secret_hash("alice"),
            "Username": "alice",
            "ConfirmationCode": "424242",
            "Password": "New-Horse-10!",
        })
    );
    let step = reset
        .handle_response(Reply::raw(200, b"").as_response())
        .unwrap();
    assert_eq!(step, PasswordResetStep::Done);
    assert!(reset.is_done());

    sign_in(&config, "alice", "New-Horse-10!", "alice");
}

#[test]
fn a_failed_forgot_password_is_final() {
    let mut reset = PasswordResetFlow::new(config(false), "nobody");
    reset.start().unwrap();
    let reply = Reply::error(
        "UserNotFoundException",
        "Username/client id combination not found.",
    );
    let error = reset.handle_response(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::UserNotFound));
    assert_eq!(reset.resend_code().unwrap_err(), error);
    assert_eq!(reset.start().unwrap_err(), error);
}

#[test]
fn change_password_then_sign_in_with_the_new_one() {
    let config = config(false);
    let tokens = sign_in(&config, "alice", "Old-Pass-1!", "alice");
    let change = ChangePassword::new(
        tokens.access_token.clone(),
        Some("Wrong-Pass".into()),
        "New-Pass-2!",
    );
    assert!(
        !format!("{change:?}").contains("New-Pass-2!"),
        "Debug hides secrets"
    );
    let body = body_of(&change.request(&config), "ChangePassword");
    assert_eq!(
        body,
        json!({
            "PreviousPassword": "Wrong-Pass",
            "ProposedPassword": "New-Pass-2!",
            "AccessToken": tokens.access_token.expose(),
        })
    );
    let reply = Reply::error("NotAuthorizedException", "Incorrect username or password.");
    let error = ChangePassword::parse(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::NotAuthorized));

    let change = ChangePassword::new(
        tokens.access_token.clone(),
        Some("Old-Pass-1!".into()),
        "New-Pass-2!",
    );
    body_of(&change.request(&config), "ChangePassword");
    assert_eq!(
        ChangePassword::parse(Reply::ok(json!({})).as_response()),
        Ok(Empty::default())
    );
    sign_in(&config, "alice", "New-Pass-2!", "alice");
}

#[test]
fn update_an_attribute_then_verify_it() {
    let config = config(false);
    let tokens = sign_in(&config, "alice", "pw", "alice");
    let token = tokens.access_token.expose();

    let update = UpdateUserAttributes::new(token, [("email", "new@example.com")]);
    let body = body_of(&update.request(&config), "UpdateUserAttributes");
    assert_eq!(
        body,
        json!({"UserAttributes": [{"Name": "email", "Value": "new@example.com"}], "AccessToken": token})
    );
    let reply = Reply::ok(json!({"CodeDeliveryDetailsList": [
        {"Destination": "n***@e***.com", "DeliveryMedium": "EMAIL", "AttributeName": "email"}]}));
    let out = UpdateUserAttributes::parse(reply.as_response()).unwrap();
    assert_eq!(out.code_delivery_details_list.len(), 1);
    assert_eq!(
        out.code_delivery_details_list[0].attribute_name.as_deref(),
        Some("email")
    );

    // A wrong code first.
    let verify = VerifyUserAttribute::new(token, "email", "999999");
    body_of(&verify.request(&config), "VerifyUserAttribute");
    let reply = Reply::error(
        "CodeMismatchException",
        "Invalid verification code provided.",
    );
    assert!(
        VerifyUserAttribute::parse(reply.as_response())
            .unwrap_err()
            .is_service(&ErrorKind::CodeMismatch)
    );

    let resend = GetUserAttributeVerificationCode::new(token, "email");
    let body = body_of(&resend.request(&config), "GetUserAttributeVerificationCode");
    assert_eq!(
        body,
        json!({"AccessToken": token, "AttributeName": "email"})
    );
    let sent = GetUserAttributeVerificationCode::parse(
        Reply::ok(json!({"CodeDeliveryDetails": {"DeliveryMedium": "EMAIL"}})).as_response(),
    )
    .unwrap();
    assert_eq!(
        sent.code_delivery_details.unwrap().delivery_medium,
        Some(DeliveryMedium::Email)
    );

    let verify = VerifyUserAttribute::new(token, "email", "123456");
    let body = body_of(&verify.request(&config), "VerifyUserAttribute");
    assert_eq!(
        body,
        json!({"AccessToken": token, "AttributeName": "email", "Code": "123456"})
    );
    VerifyUserAttribute::parse(Reply::ok(json!({})).as_response()).unwrap();

    let body = body_of(&GetUser::new(token).request(&config), "GetUser");
    assert_eq!(body, json!({"AccessToken": token}));
    let reply = Reply::ok(json!({
        "Username": "alice",
        "UserAttributes": [
            {"Name": "sub", "Value": "sub-1"},
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
        "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
        "SomethingNew": {"x": 1},
    }));
    let user = GetUser::parse(reply.as_response()).unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(user.attribute("email"), Some("new@example.com"));
    assert_eq!(user.attribute("email_verified"), Some("true"));
    assert_eq!(user.attribute_map().len(), 3);
    assert_eq!(user.user_mfa_setting_list, ["SOFTWARE_TOKEN_MFA"]);
    assert!(user.mfa_options.is_empty());

    let body = body_of(
        &DeleteUserAttributes::new(token, ["nickname"]).request(&config),
        "DeleteUserAttributes",
    );
    assert_eq!(
        body,
        json!({"UserAttributeNames": ["nickname"], "AccessToken": token})
    );
}

#[test]
fn global_sign_out_then_refresh_fails_as_revoked() {
    let config = config(true);
    let tokens = sign_in(&config, "alice@example.com", "pw", "7c1e-internal");
    let body = body_of(
        &GlobalSignOut::new(tokens.access_token.clone()).request(&config),
        "GlobalSignOut",
    );
    assert_eq!(body, json!({"AccessToken": tokens.access_token.expose()}));
    assert_eq!(
        GlobalSignOut::parse(Reply::ok(json!({})).as_response()),
        Ok(Empty::default())
    );

    let mut refresh = Refresh::new(config.clone(), &tokens).unwrap();
    body_of(&refresh.request().unwrap(), "GetTokensFromRefreshToken");
    let reply = Reply::error("NotAuthorizedException", "Refresh Token has been revoked");
    let error = refresh
        .handle_response(reply.as_response(), NOW)
        .unwrap_err();
    assert!(error.is_service(&ErrorKind::NotAuthorized), "{error}");
    assert_eq!(
        error.service().unwrap().message(),
        "Refresh Token has been revoked"
    );
    assert!(
        !error.is_retryable(),
        "a revoked token is not worth retrying"
    );

    // Calls made with the old access token fail the same typed way.
    let reply = Reply::error("NotAuthorizedException", "Access Token has been revoked");
    let error = GetUser::parse(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::NotAuthorized));
}

#[test]
fn revoke_token_sends_the_raw_client_secret() {
    let tokens = sign_in(&config(false), "alice", "pw", "alice");
    let refresh_token = tokens.refresh_token.clone().unwrap();
    let revoke = RevokeToken::new(refresh_token.clone());
    let body = body_of(&revoke.request(&config(true)), "RevokeToken");
    assert_eq!(
        body,
        json!({"Token": refresh_token.expose(), "ClientId": CLIENT_ID, "ClientSecret": CLIENT_SECRET})
    );
    let body = body_of(&revoke.request(&config(false)), "RevokeToken");
    assert_eq!(
        body,
        json!({"Token": refresh_token.expose(), "ClientId": CLIENT_ID})
    );
    let reply = Reply::error("UnsupportedTokenTypeException", "Unsupported token type");
    let error = RevokeToken::parse(reply.as_response()).unwrap_err();
    assert!(error.is_service(&ErrorKind::UnsupportedTokenType));
}

#[test]
fn totp_enrolment_with_an_access_token() {
    let config = config(false);
    let token = sign_in(&config, "alice", "pw", "alice").access_token;
    let associate = AssociateSoftwareToken::with_access_token(token.clone());
    let body = body_of(&associate.request(&config), "AssociateSoftwareToken");
    assert_eq!(body, json!({"AccessToken": token.expose()}));
    let secret = AssociateSoftwareToken::parse(
        Reply::ok(json!({"SecretCode": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"})).as_response(),
    )
    .unwrap();
    assert_eq!(
        secret.secret_code.as_ref().map(|s| s.expose()),
        Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    );
    assert!(
        !format!("{secret:?}").contains("JBSWY3DP"),
        "Debug hides the TOTP secret"
    );

    let verify = VerifySoftwareToken::with_access_token(token.clone(), "123456")
        .with_friendly_device_name("Phone");
    let body = body_of(&verify.request(&config), "VerifySoftwareToken");
    assert_eq!(
        body,
        json!({"AccessToken": token.expose(), "UserCode": "123456", "FriendlyDeviceName": "Phone"})
    );
    let out =
        VerifySoftwareToken::parse(Reply::ok(json!({"Status": "ERROR"})).as_response()).unwrap();
    assert!(!out.is_success());
    let out =
        VerifySoftwareToken::parse(Reply::ok(json!({"Status": "SUCCESS"})).as_response()).unwrap();
    assert!(out.is_success());
    let out =
        VerifySoftwareToken::parse(Reply::ok(json!({"Status": "LATER"})).as_response()).unwrap();
    assert_eq!(
        out.status,
        Some(VerifySoftwareTokenStatus::Unknown("LATER".into()))
    );

    let prefer =
        SetUserMfaPreference::new(token.clone()).with_software_token(MfaSettings::enabled(true));
    let body = body_of(&prefer.request(&config), "SetUserMFAPreference");
    assert_eq!(
        body,
        json!({"SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}, "AccessToken": token.expose()})
    );
    let body = body_of(
        &GetUserAuthFactors::new(token.clone()).request(&config),
        "GetUserAuthFactors",
    );
    assert_eq!(body, json!({"AccessToken": token.expose()}));
    let factors = GetUserAuthFactors::parse(
        Reply::ok(json!({"Username": "alice", "ConfiguredUserAuthFactors": ["PASSWORD", "SOFTWARE_TOKEN", "QUANTUM"]}))
            .as_response(),
    )
    .unwrap();
    assert_eq!(
        factors.configured_user_auth_factors,
        [
            AuthFactor::Password,
            AuthFactor::SoftwareToken,
            AuthFactor::Unknown("QUANTUM".into())
        ]
    );
}

#[test]
fn devices_have_epoch_dates_and_attributes() {
    let config = config(false);
    let token = sign_in(&config, "alice", "pw", "alice").access_token;
    let key = "us-east-1_0c5b2a1e-7d3f-4e2a-9b8c-1d2e3f4a5b6c";
    let body = body_of(
        &ListDevices::new(token.clone())
            .with_limit(10)
            .request(&config),
        "ListDevices",
    );
    assert_eq!(body, json!({"AccessToken": token.expose(), "Limit": 10}));
    let reply = Reply::ok(json!({
        "Devices": [{
            "DeviceKey": key,
            "DeviceAttributes": [{"Name": "device_name", "Value": "Alice's phone"}, {"Name": "device_status", "Value": "valid"}],
            "DeviceCreateDate": 1715100742.022,
            "DeviceLastAuthenticatedDate": 1715100800,
        }],
        "PaginationToken": "page-2",
    }));
    let list = ListDevices::parse(reply.as_response()).unwrap();
    let device = &list.devices[0];
    assert_eq!(device.name(), Some("Alice's phone"));
    assert_eq!(device.attribute("device_status"), Some("valid"));
    assert_eq!(device.device_create_date, Some(1715100742.022));
    assert_eq!(device.device_last_authenticated_date, Some(1715100800.0));
    assert_eq!(device.device_last_modified_date, None);
    assert_eq!(list.pagination_token.as_deref(), Some("page-2"));

    let update = UpdateDeviceStatus::new(token.clone(), key, DeviceRememberedStatus::NotRemembered);
    let body = body_of(&update.request(&config), "UpdateDeviceStatus");
    assert_eq!(body["DeviceRememberedStatus"], "not_remembered");
    let confirm = ConfirmDevice::new(token.clone(), key)
        .with_verifier("dmVy", "c2FsdA==")
        .with_device_name("Phone");
    let body = body_of(&confirm.request(&config), "ConfirmDevice");
    assert_eq!(
        body,
        json!({"AccessToken": token.expose(), "DeviceKey": key,
               "DeviceSecretVerifierConfig": {"PasswordVerifier": "dmVy", "Salt": "c2FsdA=="}, "DeviceName": "Phone"})
    );
    let out =
        ConfirmDevice::parse(Reply::ok(json!({"UserConfirmationNecessary": true})).as_response())
            .unwrap();
    assert!(out.user_confirmation_necessary);
    let reply = Reply::error("ResourceNotFoundException", "Device does not exist.");
    assert!(
        ForgetDevice::parse(reply.as_response())
            .unwrap_err()
            .is_service(&ErrorKind::ResourceNotFound)
    );
}
