//! Conversions, whole flows against the in-process testkit pool, and garbage in.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;

use cognito_auth::{ApiMisuse, ErrorKind, PeerMisbehaved, RandomError, ServiceError};
use cognito_auth_testkit::{ClientConfig, Config, MfaMode, Pool, SeededRng, UserSeed};

use super::*;

const POOL: &str = "us-east-1_FfiTest01";
const CLIENT: &str = "fficlient000000001";
const NOW: u64 = 1_700_000_000;
const TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

struct Local {
    pool: Pool,
    rng: SeededRng,
}

impl Local {
    fn new(mfa: bool) -> Self {
        let mut rng = SeededRng::new(7);
        let mut user =
            UserSeed::new("alice", "Correct-Horse-9").with_attribute("email", "a@example.com");
        let mut config = Config::new(POOL).with_client(ClientConfig::new(CLIENT));
        if mfa {
            user = user.with_totp_secret(TOTP);
            config.mfa = MfaMode::Optional;
        }
        let pool = Pool::new(config.with_user(user), NOW, &mut rng).unwrap();
        Local { pool, rng }
    }

    /// Sends `request` the way an app's HTTP stack would: headers as a list, body as bytes.
    fn send(&mut self, request: &HttpRequest) -> (u16, Vec<Header>, Vec<u8>) {
        assert_eq!(request.method, "POST");
        let target = request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("x-amz-target"))
            .map(|h| h.value.clone())
            .unwrap();
        let body = request.body.reveal();
        let reply = self
            .pool
            .handle(&target, body.as_bytes(), NOW, &mut self.rng);
        let headers = reply
            .headers
            .into_iter()
            .map(|(name, value)| Header { name, value })
            .collect();
        (reply.status, headers, reply.body)
    }
}

fn secret(text: &str) -> Arc<Secret> {
    Secret::new(text.to_owned())
}

fn config() -> Arc<PoolConfig> {
    PoolConfig::new(
        POOL.into(),
        CLIENT.into(),
        None,
        Some("http://127.0.0.1:9/".into()),
    )
    .unwrap()
}

fn drive(local: &mut Local, session: &SignInSession, mut request: HttpRequest) -> NextStep {
    loop {
        let (status, headers, body) = local.send(&request);
        match session.handle_response(status, headers, body, NOW).unwrap() {
            NextStep::Send { request: next } => request = next,
            other => return other,
        }
    }
}

#[test]
fn srp_sign_in_refresh_and_errors() {
    let mut local = Local::new(false);
    let session = SignInSession::new(config(), "alice".into(), "Correct-Horse-9".into());
    assert_eq!(session.status(), SignInStatus::NotStarted);
    let request = session.start().unwrap();
    assert_eq!(request.url, "http://127.0.0.1:9/");
    let NextStep::Done { tokens } = drive(&mut local, &session, request) else {
        panic!("no tokens");
    };
    assert_eq!(session.status(), SignInStatus::Done);
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_at, NOW + tokens.expires_in);
    assert!(tokens.refresh_token.is_some());
    let debug = format!("{tokens:?}");
    assert!(!debug.contains(&tokens.access_token.reveal()) && debug.contains("<redacted>"));

    // The record goes back into the core type (for Refresh and DeviceConfirmation).
    let core = cognito_auth::Tokens::try_from(&tokens).unwrap();
    assert_eq!(Tokens::from(core), tokens);

    let refresh = Refresh::new(config(), tokens.clone(), RefreshFlow::default()).unwrap();
    let request = refresh.request().unwrap();
    let (status, headers, body) = local.send(&request);
    let refreshed = refresh.handle_response(status, headers, body, NOW).unwrap();
    assert_eq!(refreshed.refresh_token, tokens.refresh_token);
    assert!(matches!(
        refresh.request(),
        Err(CognitoError::Misuse { .. })
    ));

    // No new device here: DeviceConfirmation refuses the tokens.
    assert!(matches!(
        DeviceConfirmation::new(config(), tokens),
        Err(CognitoError::InvalidInput { .. })
    ));

    // A wrong password is Cognito's NotAuthorizedException, and the session stays failed.
    let session = SignInSession::new(config(), "alice".into(), "wrong-Horse-9".into());
    let mut request = session.start().unwrap();
    let error = loop {
        let (status, headers, body) = local.send(&request);
        match session.handle_response(status, headers, body, NOW) {
            Ok(NextStep::Send { request: next }) => request = next,
            Ok(other) => panic!("unexpected {other:?}"),
            Err(error) => break error,
        }
    };
    let CognitoError::Service {
        code, retryable, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(code, "NotAuthorizedException");
    assert!(!retryable);
    assert_eq!(session.status(), SignInStatus::Failed);
    assert!(matches!(session.start(), Err(CognitoError::Service { .. })));
}

#[test]
fn totp_challenge_suspend_resume_and_wrong_code() {
    let mut local = Local::new(true);
    let session = SignInSession::new(config(), "alice".into(), "Correct-Horse-9".into());
    assert_eq!(session.suspend().unwrap(), None);
    let request = session.start().unwrap();
    let step = drive(&mut local, &session, request);
    assert_eq!(
        step,
        NextStep::Challenge {
            challenge: AuthChallenge::SoftwareTokenMfa
        }
    );
    // The app is sent to the background and comes back.
    let json = session.suspend().unwrap().unwrap();
    assert!(!json.reveal().contains("Correct-Horse-9"));
    assert_eq!(format!("{json:?}"), "<redacted>");
    let resumed = SignInSession::resume(config(), json.reveal()).unwrap();
    assert_eq!(resumed.status(), SignInStatus::AwaitingAnswer);
    assert!(matches!(
        SignInSession::resume(config(), "{not json".into()),
        Err(CognitoError::InvalidInput { .. })
    ));

    // An answer that does not fit changes nothing.
    let wrong_kind = resumed.answer(ChallengeAnswer::SetUpTotp);
    assert!(wrong_kind.is_err(), "{wrong_kind:?}");
    let empty = resumed.answer(ChallengeAnswer::Code {
        code: Secret::new(String::new()),
    });
    assert!(matches!(empty, Err(CognitoError::InvalidInput { .. })));

    let code = totp_code(TOTP.into(), NOW).unwrap();
    let request = resumed
        .answer(ChallengeAnswer::Code {
            code: Secret::new(code),
        })
        .unwrap();
    assert!(matches!(
        drive(&mut local, &resumed, request),
        NextStep::Done { .. }
    ));
    assert!(matches!(
        totp_code("not base32 !".into(), NOW),
        Err(CognitoError::InvalidInput { .. })
    ));
}

#[test]
fn every_core_error_is_mapped() {
    let service = ServiceError::new(ErrorKind::TooManyRequests, "slow down", 400);
    assert_eq!(
        CognitoError::from(cognito_auth::Error::from(service)),
        CognitoError::Service {
            code: "TooManyRequestsException".into(),
            reason: "slow down".into(),
            retryable: true
        }
    );
    let unknown = ServiceError::new(ErrorKind::Unknown(String::new()), "", 502);
    assert!(matches!(
        CognitoError::from(cognito_auth::Error::from(unknown)),
        CognitoError::Service {
            retryable: true,
            ..
        }
    ));
    type Check = fn(&CognitoError) -> bool;
    let cases: [(cognito_auth::Error, Check); 4] = [
        (PeerMisbehaved::NoResult.into(), |e| {
            matches!(e, CognitoError::Protocol { .. })
        }),
        (ApiMisuse::NoChallengePending.into(), |e| {
            matches!(e, CognitoError::Misuse { .. })
        }),
        (cognito_auth::Error::InvalidInput("x".into()), |e| {
            matches!(e, CognitoError::InvalidInput { .. })
        }),
        (RandomError.into(), |e| {
            matches!(e, CognitoError::Internal { .. })
        }),
    ];
    for (core, check) in cases {
        let mapped = CognitoError::from(core.clone());
        assert!(check(&mapped), "{core:?} -> {mapped:?}");
        assert!(!mapped.to_string().is_empty());
    }
    assert!(matches!(
        PoolConfig::new("nounderscore".into(), CLIENT.into(), None, None),
        Err(CognitoError::InvalidInput { .. })
    ));
    assert!(matches!(
        PoolConfig::new(POOL.into(), String::new(), None, None),
        Err(CognitoError::InvalidInput { .. })
    ));
    assert!(matches!(
        PoolConfig::new(POOL.into(), CLIENT.into(), None, Some(String::new())),
        Err(CognitoError::InvalidInput { .. })
    ));
}

#[test]
fn secrets_stay_out_of_debug() {
    let request = SignInSession::with_options(
        config(),
        "alice".into(),
        Some("Hunter-2-password".into()),
        AuthFlow::UserPassword,
        None,
    )
    .start()
    .unwrap();
    assert!(request.body.reveal().contains("Hunter-2-password"));
    assert!(!format!("{request:?}").contains("Hunter-2-password"));
    let answer = ChallengeAnswer::Password {
        password: secret("Hunter-2-password"),
    };
    assert!(!format!("{answer:?}").contains("Hunter-2"));
    let device = DeviceCredentials {
        device_key: "k".into(),
        device_group_key: "g".into(),
        device_password: secret("device-secret-xyz"),
        user_sub: "s".into(),
    };
    assert!(!format!("{device:?}").contains("device-secret-xyz"));
    let round = DeviceCredentials::from(cognito_auth::DeviceCredentials::from(device.clone()));
    assert_eq!(round, device);
    let enrolment = TotpEnrolment {
        secret: secret(TOTP),
        uri: Secret::new(format!("otpauth://totp/x?secret={TOTP}")),
    };
    assert!(!format!("{enrolment:?}").contains(TOTP));
}

#[test]
fn a_poisoned_session_is_an_error_not_a_panic() {
    let session = SignInSession::new(config(), "alice".into(), "pw".into());
    let clone = Arc::clone(&session);
    let joined = std::thread::spawn(move || {
        let _guard = clone.inner_for_tests().lock();
        panic!("poison the lock");
    })
    .join();
    assert!(joined.is_err());
    assert!(matches!(
        session.start(),
        Err(CognitoError::Internal { .. })
    ));
    assert_eq!(session.status(), SignInStatus::Failed);
    assert!(session.suspend().is_err());
}

/// A small deterministic generator, so the garbage is the same on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn bytes(&mut self) -> Vec<u8> {
        let len = (self.next() % 64) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Bodies that are nearly right: the shapes a broken proxy or a hostile server sends.
const BODIES: &[&str] = &[
    "",
    "null",
    "[]",
    "{}",
    "{\"__type\":",
    r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{}}"#,
    r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SRP_B":"0","SALT":"zz","SECRET_BLOCK":"!!","USER_ID_FOR_SRP":"alice"},"Session":"s"}"#,
    r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SRP_B":"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","SALT":"1","SECRET_BLOCK":"AAAA","USER_ID_FOR_SRP":""}}"#,
    r#"{"ChallengeName":"SELECT_MFA_TYPE","Session":"s","ChallengeParameters":{"MFAS_CAN_CHOOSE":"[1,"}}"#,
    r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s","ChallengeParameters":{"userAttributes":"{]"}}"#,
    r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"s","ChallengeParameters":{}}"#,
    r#"{"ChallengeName":"QUANTUM","Session":"s","ChallengeParameters":{"a":"b"}}"#,
    r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"b","ExpiresIn":-1}}"#,
    r#"{"AuthenticationResult":{"AccessToken":"a.b.c","IdToken":"x.y.z","ExpiresIn":18446744073709551615,"TokenType":"Bearer"}}"#,
    r#"{"AuthenticationResult":{"AccessToken":"a"}}"#,
    r#"{"__type":"UserNotConfirmedException","message":"x"}"#,
    r#"{"__type":"PasswordResetRequiredException"}"#,
    r#"{"__type":"ResourceNotFoundException","message":"Device does not exist."}"#,
];

const STATUSES: &[u16] = &[
    0,
    100,
    200,
    204,
    301,
    400,
    404,
    429,
    500,
    503,
    599,
    999,
    u16::MAX,
];

fn garbage_headers(rng: &mut XorShift) -> Vec<Header> {
    let names = [
        "x-amzn-ErrorType",
        "X-AMZN-REQUESTID",
        "Date",
        "date",
        "",
        "\u{0}",
        "Content-Type",
    ];
    let values = [
        "",
        "NotAuthorizedException:http://x",
        "Tue, 14 Nov 2023 22:13:20 GMT",
        "Mon, 99 Foo 0000 99:99:99 GMT",
        "#",
        "\u{fffd}\u{0}",
    ];
    (0..rng.next() % 4)
        .map(|_| Header {
            name: rng.pick(&names).to_owned(),
            value: rng.pick(&values).to_owned(),
        })
        .collect()
}

#[test]
fn no_panic_on_garbage_responses() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..600 {
        let flow = [
            AuthFlow::UserSrp,
            AuthFlow::UserPassword,
            AuthFlow::CustomWithoutSrp,
        ][round % 3];
        let password = (flow != AuthFlow::CustomWithoutSrp).then(|| "pw".to_owned());
        let session = SignInSession::with_options(config(), "alice".into(), password, flow, None);
        // Out of turn first: a Misuse error, never a panic.
        assert!(matches!(
            session.handle_response(200, vec![], vec![], NOW),
            Err(CognitoError::Misuse { .. })
        ));
        session.start().unwrap();
        // A few replies in a row: a challenge may lead on to another request.
        for _ in 0..3 {
            let status = STATUSES[(rng.next() % STATUSES.len() as u64) as usize];
            let body = if rng.next() % 4 == 0 {
                rng.bytes()
            } else {
                rng.pick(BODIES).as_bytes().to_vec()
            };
            let headers = garbage_headers(&mut rng);
            let now = [0, NOW, u64::MAX][(rng.next() % 3) as usize];
            match session.handle_response(status, headers, body, now) {
                Ok(NextStep::Challenge { .. }) => {
                    let answers = [
                        ChallengeAnswer::Code {
                            code: secret("123456"),
                        },
                        ChallengeAnswer::SelectMfaType {
                            factor: "NOPE".into(),
                        },
                        ChallengeAnswer::SetUpTotp,
                        ChallengeAnswer::Custom { answer: secret("") },
                    ];
                    let answer = answers[(rng.next() % 4) as usize].clone();
                    let _ = session.answer(answer);
                }
                Ok(_) => {}
                Err(error) => assert!(!error.to_string().is_empty()),
            }
            let _ = session.status();
            let _ = session.suspend().unwrap();
        }
    }
}

#[test]
fn no_panic_on_garbage_refresh_and_device_responses() {
    let mut rng = XorShift(42);
    for _ in 0..200 {
        let refresh = Refresh::from_refresh_token(
            config(),
            "r".into(),
            RefreshFlow::RefreshTokenAuth,
            None,
            Some("dk".into()),
        );
        assert!(refresh.handle_response(200, vec![], vec![], NOW).is_err());
        refresh.request().unwrap();
        let body = rng.pick(BODIES).as_bytes().to_vec();
        let status = STATUSES[(rng.next() % STATUSES.len() as u64) as usize];
        let _ = refresh.handle_response(status, garbage_headers(&mut rng), body, NOW);
    }
    let resumed = SignInSession::resume(
        config(),
        r#"{"username":"a","user_id":null,"device":null,"challenge_name":"SELECT_MFA_TYPE","session":"s","parameters":{"MFAS_CAN_CHOOSE":"[1,"},"available_challenges":[],"totp":null,"received_at":0}"#.into(),
    );
    assert!(
        resumed.is_err(),
        "unparsable challenge parameters must not resume"
    );
}

#[test]
fn challenges_and_answers_convert() {
    use std::collections::{BTreeMap, HashMap};

    use cognito_auth::{CodeDelivery, FirstFactor, MfaType, SecretString, Step};

    let mut delivery = CodeDelivery::default();
    delivery.destination = Some("+*******1234".into());
    delivery.medium = Some("SMS".into());
    let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let hash = |m: BTreeMap<String, String>| -> HashMap<String, String> { m.into_iter().collect() };
    let cases = [
        (
            cognito_auth::Challenge::SmsMfa(delivery.clone()),
            AuthChallenge::SmsMfa {
                destination: Some("+*******1234".into()),
                medium: Some("SMS".into()),
            },
        ),
        (
            cognito_auth::Challenge::SelectMfaType(vec![
                MfaType::Sms,
                MfaType::SoftwareToken,
                MfaType::Other("FUTURE_MFA".into()),
            ]),
            AuthChallenge::SelectMfaType {
                factors: vec![
                    "SMS_MFA".into(),
                    "SOFTWARE_TOKEN_MFA".into(),
                    "FUTURE_MFA".into(),
                ],
            },
        ),
        (
            cognito_auth::Challenge::MfaSetup(vec![MfaType::Email]),
            AuthChallenge::MfaSetup {
                factors: vec!["EMAIL_OTP".into()],
            },
        ),
        (
            cognito_auth::Challenge::NewPasswordRequired {
                user_attributes: map(&[("email", "a@b.c")]),
                required_attributes: vec!["name".into()],
            },
            AuthChallenge::NewPasswordRequired {
                user_attributes: hash(map(&[("email", "a@b.c")])),
                required_attributes: vec!["name".into()],
            },
        ),
        (
            cognito_auth::Challenge::Custom(map(&[("q", "2+2")])),
            AuthChallenge::Custom {
                parameters: hash(map(&[("q", "2+2")])),
            },
        ),
        (
            cognito_auth::Challenge::SelectChallenge(vec![
                FirstFactor::PasswordSrp,
                FirstFactor::WebAuthn,
            ]),
            AuthChallenge::SelectChallenge {
                factors: vec!["PASSWORD_SRP".into(), "WEB_AUTHN".into()],
            },
        ),
        (
            cognito_auth::Challenge::WebAuthn {
                credential_request_options: "{}".into(),
            },
            AuthChallenge::WebAuthn {
                credential_request_options: "{}".into(),
            },
        ),
        (
            cognito_auth::Challenge::DeviceSrpAuth,
            AuthChallenge::DeviceSrpAuth,
        ),
        (
            cognito_auth::Challenge::Unsupported {
                name: "QUANTUM".into(),
                parameters: map(&[("x", "1")]),
            },
            AuthChallenge::Unsupported {
                name: "QUANTUM".into(),
                parameters: hash(map(&[("x", "1")])),
            },
        ),
    ];
    for (core, expected) in cases {
        assert_eq!(AuthChallenge::from(core), expected);
    }
    assert_eq!(NextStep::from(Step::ConfirmSignUp), NextStep::ConfirmSignUp);
    assert_eq!(NextStep::from(Step::ResetPassword), NextStep::ResetPassword);

    use cognito_auth::ChallengeAnswer as A;
    let answers = [
        (
            ChallengeAnswer::Code {
                code: secret("123456"),
            },
            A::Code(SecretString::new("123456")),
        ),
        (
            ChallengeAnswer::SelectMfaType {
                factor: "SOFTWARE_TOKEN_MFA".into(),
            },
            A::SelectMfaType(MfaType::SoftwareToken),
        ),
        (
            ChallengeAnswer::SelectMfaType {
                factor: "NEW_KIND".into(),
            },
            A::SelectMfaType(MfaType::Other("NEW_KIND".into())),
        ),
        (
            ChallengeAnswer::NewPassword {
                password: secret("P4ss-word"),
                attributes: hash(map(&[("name", "Kim")])),
            },
            A::NewPassword {
                password: SecretString::new("P4ss-word"),
                attributes: map(&[("name", "Kim")]),
            },
        ),
        (
            ChallengeAnswer::VerifyTotp {
                code: secret("1"),
                friendly_name: Some("phone".into()),
            },
            A::VerifyTotp {
                code: SecretString::new("1"),
                friendly_name: Some("phone".into()),
            },
        ),
        (
            ChallengeAnswer::SelectFirstFactor {
                factor: "EMAIL_OTP".into(),
            },
            A::SelectFirstFactor(FirstFactor::EmailOtp),
        ),
        (ChallengeAnswer::SetUpTotp, A::SetUpTotp),
        (
            ChallengeAnswer::SetUpEmail {
                email: "a@b.c".into(),
            },
            A::SetUpEmail("a@b.c".into()),
        ),
    ];
    for (ffi, core) in answers {
        assert_eq!(cognito_auth::ChallengeAnswer::from(ffi), core);
    }
}

#[test]
fn sign_up_flow_and_account_calls_against_the_local_pool() {
    let mut local = Local::new(false);
    let flow = SignUpFlow::new(
        config(),
        "bob".into(),
        Some(secret("Battery-Staple-7")),
        [("email".to_owned(), "b@example.com".to_owned())].into(),
    );
    assert!(matches!(
        flow.confirm(secret("1")),
        Err(CognitoError::Misuse { .. })
    ));
    let (status, headers, body) = local.send(&flow.start().unwrap());
    let step = flow.handle_response(status, headers, body).unwrap();
    let SignUpStep::ConfirmationRequired { user_sub, delivery } = step else {
        panic!("{step:?}");
    };
    assert_eq!(delivery.unwrap().medium.as_deref(), Some("EMAIL"));
    let code = local.pool.take_code("bob").unwrap();
    let (status, headers, body) = local.send(&flow.confirm(secret(&code)).unwrap());
    let step = flow.handle_response(status, headers, body).unwrap();
    assert!(matches!(step, SignUpStep::Confirmed { user_sub: ref s, .. } if *s == user_sub));
    assert!(flow.is_done());

    let session = SignInSession::new(config(), "bob".into(), "Battery-Staple-7".into());
    let NextStep::Done { tokens } = drive(&mut local, &session, session.start().unwrap()) else {
        panic!("no tokens");
    };

    // Typed and generic calls agree.
    let get = GetUser::new(config(), Arc::clone(&tokens.access_token));
    let (status, headers, body) = local.send(&get.request());
    let user = get.handle_response(status, headers, body).unwrap();
    assert_eq!(user.attributes["sub"], user_sub);
    let input = format!(
        r#"{{"AccessToken":"{}","ClientId":"{CLIENT}"}}"#,
        tokens.access_token.reveal()
    );
    let call = AccountCall::new(config(), "GetUser".into(), input).unwrap();
    assert_eq!(call.request(), get.request());
    let (status, headers, body) = local.send(&call.request());
    let output = call.handle_response(status, headers, body).unwrap();
    let output: serde_json::Value = serde_json::from_str(&output.reveal()).unwrap();
    assert_eq!(output["Username"], "bob");
    assert!(!format!("{call:?}").contains(&tokens.access_token.reveal()));

    let update = UpdateUserAttributes::new(
        config(),
        Arc::clone(&tokens.access_token),
        [("name".to_owned(), "Bob".to_owned())].into(),
    );
    let (status, headers, body) = local.send(&update.request());
    assert_eq!(update.handle_response(status, headers, body).unwrap(), []);

    let change = ChangePassword::new(
        config(),
        Arc::clone(&tokens.access_token),
        Some(secret("Battery-Staple-7")),
        secret("Battery-Staple-8"),
    );
    let (status, headers, body) = local.send(&change.request());
    change.handle_response(status, headers, body).unwrap();

    let reset = PasswordResetFlow::new(config(), "bob".into());
    let (status, headers, body) = local.send(&reset.start().unwrap());
    assert!(matches!(
        reset.handle_response(status, headers, body).unwrap(),
        PasswordResetStep::CodeSent { .. }
    ));
    let code = local.pool.take_code("bob").unwrap();
    let request = reset
        .confirm(secret(&code), secret("Battery-Staple-9"))
        .unwrap();
    let (status, headers, body) = local.send(&request);
    assert_eq!(
        reset.handle_response(status, headers, body).unwrap(),
        PasswordResetStep::Done
    );

    let sign_out = GlobalSignOut::new(config(), Arc::clone(&tokens.access_token));
    let (status, headers, body) = local.send(&sign_out.request());
    sign_out.handle_response(status, headers, body).unwrap();
    let (status, headers, body) = local.send(&get.request());
    assert!(matches!(
        get.handle_response(status, headers, body),
        Err(CognitoError::Service { code, .. }) if code == "NotAuthorizedException"
    ));
}

#[test]
fn account_call_refuses_what_it_cannot_build() {
    for (operation, input) in [
        ("NoSuchOperation", "{}"),
        ("AdminGetUser", "{}"),
        ("GetUser", "{"),
        ("GetUser", "{}"),
        ("GetUser", r#"{"AccessToken":"t","Extra":1}"#),
        ("GetUser", r#"{"AccessToken":"t","ClientId":"other"}"#),
        ("SignUp", r#"{"Password":"p"}"#),
        ("VerifySoftwareToken", r#"{"UserCode":"1"}"#),
        ("InitiateAuth", "[]"),
    ] {
        assert!(
            matches!(
                AccountCall::new(config(), operation.into(), input.into()),
                Err(CognitoError::InvalidInput { .. })
            ),
            "{operation} {input}"
        );
    }
    let call = AccountCall::new(
        config(),
        "ListDevices".into(),
        r#"{"AccessToken":"t"}"#.into(),
    )
    .unwrap();
    let mut rng = XorShift(7);
    for _ in 0..200 {
        let status = STATUSES[(rng.next() % STATUSES.len() as u64) as usize];
        let body = rng.pick(BODIES).as_bytes().to_vec();
        let _ = call.handle_response(status, garbage_headers(&mut rng), body);
    }
    assert!(matches!(
        call.handle_response(200, vec![], b"{\"Devices\":3}".to_vec()),
        Err(CognitoError::InvalidResponse { .. })
    ));
    // The typed output, in the service's form (unknown members dropped).
    let body = br#"{"Devices":[{"DeviceKey":"dk","Unknown":1}],"PaginationToken":"p"}"#;
    let output = call.handle_response(200, vec![], body.to_vec()).unwrap();
    let output: serde_json::Value = serde_json::from_str(&output.reveal()).unwrap();
    assert_eq!(output["Devices"][0]["DeviceKey"], "dk");
    assert_eq!(output["PaginationToken"], "p");
    assert!(output["Devices"][0].get("Unknown").is_none());
}

#[test]
fn token_manager_and_stored_session() {
    let mut local = Local::new(false);
    let session = SignInSession::new(config(), "alice".into(), "Correct-Horse-9".into());
    let NextStep::Done { tokens } = drive(&mut local, &session, session.start().unwrap()) else {
        panic!("no tokens");
    };
    let stored = StoredSession::new(config(), tokens.clone(), None, Some("alice".into())).unwrap();
    let exported = stored.export().unwrap();
    assert!(!format!("{stored:?} {exported:?}").contains(&tokens.access_token.reveal()));
    let json: serde_json::Value = serde_json::from_str(&exported.reveal()).unwrap();
    assert_eq!(json["version"], 1);
    let restored = StoredSession::import_session(config(), exported).unwrap();
    assert_eq!(restored.tokens(), tokens);
    assert_eq!(restored.username().as_deref(), Some("alice"));
    for blob in ["", "x", "{}", r#"{"version":2}"#, r#"{"version":1}"#] {
        assert!(matches!(
            StoredSession::import_session(config(), secret(blob)),
            Err(CognitoError::InvalidInput { .. })
        ));
    }

    let manager = TokenManager::from_session(config(), restored);
    assert_eq!(manager.poll_refresh(NOW).unwrap(), None);
    let due = manager.next_refresh_at().unwrap();
    let request = manager.poll_refresh(due).unwrap().unwrap();
    assert!(manager.poll_refresh(due).unwrap().is_none());
    manager.handle_transport_failure(due).unwrap();
    assert!(matches!(
        manager.handle_transport_failure(due),
        Err(CognitoError::Misuse { .. })
    ));
    let retry = manager.next_refresh_at().unwrap();
    assert!(retry > due);
    assert_eq!(
        manager.poll_refresh(retry).unwrap().as_ref(),
        Some(&request)
    );
    let (status, headers, body) = local.send(&request);
    let outcome = manager
        .handle_refresh_response(status, headers, body, retry)
        .unwrap();
    let RefreshOutcome::Refreshed { tokens: refreshed } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(manager.tokens(), Some(refreshed));
    manager.refresh_now().unwrap().unwrap();
    let outcome = manager
        .handle_refresh_response(
            400,
            vec![],
            br#"{"__type":"NotAuthorizedException","message":"Refresh Token has been revoked"}"#
                .to_vec(),
            retry,
        )
        .unwrap();
    assert!(
        matches!(outcome, RefreshOutcome::SignedOut { ref code, .. } if code == "NotAuthorizedException")
    );
    assert_eq!(manager.tokens(), None);
    assert_eq!(manager.next_refresh_at(), None);
}
