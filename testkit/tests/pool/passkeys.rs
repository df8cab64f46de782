//! Passkeys end to end over HTTP: the library's WebAuthn calls and its WEB_AUTHN sign-in
//! against the pool, with a software authenticator whose signatures the pool really checks.

use std::sync::Arc;

use cognito_auth::account::{
    Call, CompleteWebAuthnRegistration, DeleteWebAuthnCredential, GetUserAuthFactors,
    ListWebAuthnCredentials, StartWebAuthnRegistration,
};
use cognito_auth::{
    AuthFlow, Challenge, ChallengeAnswer, Error, FirstFactor, HttpResponse, PoolConfig, Request,
    SignIn, Step, Tokens, UnixTime,
};
use cognito_auth_testkit::{
    ClientConfig, Config, Pool, SeededRng, Server, SignInPolicy, WebAuthnConfiguration,
};
use serde_json::{Value, json};

use crate::authenticator::{Authenticator, FLAG_UP, Format, b64, tamper_client_data, unb64};
use crate::support::*;
use crate::user_auth::USER_AUTH_CLIENT;

const RP_ID: &str = "auth.example.com";
const ORIGIN: &str = "https://auth.example.com";

fn passkey_config(factors: &[&str], web_authn: WebAuthnConfiguration) -> Config {
    let mut config =
        base_config().with_client(ClientConfig::new(USER_AUTH_CLIENT).allow_user_auth());
    config.sign_in_policy = SignInPolicy {
        allowed_first_auth_factors: factors.iter().map(|f| (*f).to_owned()).collect(),
    };
    config.web_authn_configuration = web_authn;
    config
}

/// The pool on loopback and the library configured for it.
struct Remote {
    server: Server,
    config: Arc<PoolConfig>,
}

impl Remote {
    fn start(config: Config) -> Self {
        let mut rng = SeededRng::new(17);
        let server =
            Server::start(Pool::new(config, NOW, &mut rng).unwrap(), "127.0.0.1:0").unwrap();
        let config = Arc::new(
            PoolConfig::new(POOL_ID, USER_AUTH_CLIENT)
                .unwrap()
                .with_endpoint(server.url()),
        );
        Self { server, config }
    }

    fn exchange(&self, request: &Request) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let headers: Vec<(&str, &str)> = request.headers().to_vec();
        crate::http::http(
            request.url(),
            request.method(),
            "/",
            &headers,
            request.body(),
        )
    }

    fn call<C: Call>(&self, call: &C) -> Result<C::Output, Error> {
        let (status, _, body) = self.exchange(&call.request(&self.config));
        C::parse(HttpResponse::new(status, &body))
    }

    fn drive(&self, sign_in: &mut SignIn, mut request: Request) -> Result<Step, Error> {
        let now = UnixTime::from_system_time(std::time::SystemTime::now());
        loop {
            let (status, headers, body) = self.exchange(&request);
            let mut response = HttpResponse::new(status, &body);
            for (name, value) in &headers {
                response = response.header(name, value);
            }
            match sign_in.handle_response(response, now)? {
                Step::Send(next) => request = next,
                other => return Ok(other),
            }
        }
    }

    /// Signs alice in with her password (SRP inside USER_AUTH).
    fn password_tokens(&self) -> Tokens {
        let mut sign_in = SignIn::new(self.config.clone(), "alice", PASSWORD)
            .with_flow(AuthFlow::UserAuth)
            .with_preferred_challenge(FirstFactor::PasswordSrp);
        let first = sign_in.start().unwrap();
        done(self.drive(&mut sign_in, first).unwrap())
    }

    /// USER_AUTH preferring WEB_AUTHN: the machine's WEB_AUTHN challenge and the sign-in.
    fn passkey_challenge(&self) -> (SignIn, String) {
        let mut sign_in = SignIn::passwordless(self.config.clone(), "alice", AuthFlow::UserAuth)
            .with_preferred_challenge(FirstFactor::WebAuthn);
        let first = sign_in.start().unwrap();
        match self.drive(&mut sign_in, first).unwrap() {
            Step::Challenge(Challenge::WebAuthn {
                credential_request_options,
            }) => (sign_in, credential_request_options),
            other => panic!("expected WEB_AUTHN, got {other:?}"),
        }
    }

    /// Answers a WEB_AUTHN challenge with `credential`.
    fn answer(&self, sign_in: &mut SignIn, credential: String) -> Result<Step, Error> {
        let request = sign_in
            .answer(ChallengeAnswer::WebAuthnCredential(credential))
            .unwrap();
        self.drive(sign_in, request)
    }

    /// StartWebAuthnRegistration then CompleteWebAuthnRegistration with `auth`.
    fn register(&self, access: &str, auth: &Authenticator, format: Format) -> Result<(), Error> {
        let options = self
            .call(&StartWebAuthnRegistration::new(access))?
            .credential_creation_options;
        self.call(&CompleteWebAuthnRegistration::new(
            access,
            auth.register(&options, format),
        ))
        .map(|_| ())
    }
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Service(e)) => format!("{}: {}", e.kind().code(), e.message()),
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn kind<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    code(result).split(':').next().unwrap().to_owned()
}

fn factors(remote: &Remote, access: &str) -> Vec<String> {
    let factors = remote.call(&GetUserAuthFactors::new(access)).unwrap();
    factors
        .configured_user_auth_factors
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn register_list_and_sign_in_with_a_passkey() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let tokens = remote.password_tokens();
    let access = tokens.access_token.expose();
    assert_eq!(factors(&remote, access), ["PASSWORD"]);

    let options = remote
        .call(&StartWebAuthnRegistration::new(access))
        .unwrap()
        .credential_creation_options;
    assert_eq!(options["rp"]["id"], RP_ID);
    assert_eq!(unb64(options["challenge"].as_str().unwrap()).len(), 32);
    let sub = tokens.id_claims().unwrap().sub.unwrap();
    assert_eq!(
        unb64(options["user"]["id"].as_str().unwrap()),
        sub.as_bytes()
    );
    assert!(
        options["pubKeyCredParams"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "public-key", "alg": -7}))
    );
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "preferred"
    );
    assert_eq!(options["excludeCredentials"], json!([]));

    let mut auth = Authenticator::new(3, RP_ID, ORIGIN);
    remote
        .call(&CompleteWebAuthnRegistration::new(
            access,
            auth.register(&options, Format::None),
        ))
        .unwrap();
    // The challenge was spent.
    assert_eq!(
        kind(remote.call(&CompleteWebAuthnRegistration::new(
            access,
            auth.register(&options, Format::None)
        ))),
        "WebAuthnChallengeNotFoundException"
    );

    let listed = remote.call(&ListWebAuthnCredentials::new(access)).unwrap();
    assert_eq!(listed.credentials.len(), 1);
    let credential = &listed.credentials[0];
    assert_eq!(credential.credential_id, b64(&auth.credential_id));
    assert_eq!(credential.relying_party_id, RP_ID);
    assert_eq!(credential.authenticator_transports, ["internal", "hybrid"]);
    assert_eq!(
        credential.authenticator_attachment.as_deref(),
        Some("platform")
    );
    assert!(credential.created_at > 1.7e9, "{}", credential.created_at);
    assert_eq!(factors(&remote, access), ["PASSWORD", "WEB_AUTHN"]);

    // PREFERRED_CHALLENGE WEB_AUTHN: the options name the credential and the RP.
    let (mut sign_in, request_options) = remote.passkey_challenge();
    let parsed: Value = serde_json::from_str(&request_options).unwrap();
    assert_eq!(parsed["rpId"], RP_ID);
    assert_eq!(
        parsed["allowCredentials"][0]["id"],
        b64(&auth.credential_id)
    );
    let credential = auth.assert(&request_options);
    let signed_in = done(remote.answer(&mut sign_in, credential).unwrap());
    assert_eq!(signed_in.id_claims().unwrap().sub, Some(sub.clone()));

    // SELECT_CHALLENGE offers WEB_AUTHN too, with the user handle checked when sent.
    let mut select = SignIn::passwordless(remote.config.clone(), "alice", AuthFlow::UserAuth);
    let first = select.start().unwrap();
    let Step::Challenge(Challenge::SelectChallenge(offered)) =
        remote.drive(&mut select, first).unwrap()
    else {
        panic!("expected SELECT_CHALLENGE");
    };
    assert!(offered.contains(&FirstFactor::WebAuthn), "{offered:?}");
    let request = select
        .answer(ChallengeAnswer::SelectFirstFactor(FirstFactor::WebAuthn))
        .unwrap();
    let Step::Challenge(Challenge::WebAuthn {
        credential_request_options,
    }) = remote.drive(&mut select, request).unwrap()
    else {
        panic!("expected WEB_AUTHN");
    };
    let challenge: Value = serde_json::from_str(&credential_request_options).unwrap();
    let credential = auth.assert_for(
        challenge["challenge"].as_str().unwrap(),
        Some(&b64(sub.as_bytes())),
    );
    done(remote.answer(&mut select, credential).unwrap());
    remote.server.shutdown();
}

#[test]
fn packed_self_attestation_is_verified() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID).require_user_verification(),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    let mut auth = Authenticator::new(5, RP_ID, ORIGIN);
    remote.register(&access, &auth, Format::Packed).unwrap();

    // A packed statement signed by another key than the credential's is refused.
    let other = Authenticator::new(6, RP_ID, ORIGIN);
    let options = remote
        .call(&StartWebAuthnRegistration::new(access.as_str()))
        .unwrap()
        .credential_creation_options;
    let forged = Authenticator::new(7, RP_ID, ORIGIN).register_attested_by(&options, &other);
    assert_eq!(
        code(remote.call(&CompleteWebAuthnRegistration::new(access.as_str(), forged))),
        "InvalidParameterException: the packed self-attestation signature does not verify with the credential key"
    );

    // UserVerification required: an authenticator that did not verify the user is refused.
    let mut lax = Authenticator::new(8, RP_ID, ORIGIN);
    lax.flags = FLAG_UP;
    assert_eq!(
        kind(remote.register(&access, &lax, Format::None)),
        "WebAuthnCredentialNotSupportedException"
    );

    let (mut sign_in, options) = remote.passkey_challenge();
    assert_eq!(
        serde_json::from_str::<Value>(&options).unwrap()["userVerification"],
        "required"
    );
    auth.flags = FLAG_UP;
    let unverified = auth.assert(&options);
    assert_eq!(
        code(remote.answer(&mut sign_in, unverified)),
        "NotAuthorizedException: the user was not verified (flag UV) and the pool requires user verification"
    );
    auth.flags = FLAG_UP | crate::authenticator::FLAG_UV;
    let (mut sign_in, options) = remote.passkey_challenge();
    let credential = auth.assert(&options);
    done(remote.answer(&mut sign_in, credential).unwrap());
    remote.server.shutdown();
}

#[test]
fn rs256_credentials_register_and_sign_in() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    let mut auth = Authenticator::rs256(RP_ID, ORIGIN);
    remote.register(&access, &auth, Format::Packed).unwrap();
    let (mut sign_in, options) = remote.passkey_challenge();
    let credential = auth.assert(&options);
    done(remote.answer(&mut sign_in, credential).unwrap());
    let (mut sign_in, options) = remote.passkey_challenge();
    let forged = tamper_client_data(&auth.assert(&options), |d| d["extra"] = json!(1));
    assert_eq!(
        code(remote.answer(&mut sign_in, forged)),
        "NotAuthorizedException: the assertion signature does not verify with the registered key"
    );
    remote.server.shutdown();
}

#[test]
fn registration_refuses_each_wrong_part_with_the_services_exception() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    let complete = |credential: Value| {
        code(remote.call(&CompleteWebAuthnRegistration::new(
            access.as_str(),
            credential,
        )))
    };
    let auth = Authenticator::new(9, RP_ID, ORIGIN);

    // Nothing started yet.
    assert!(
        complete(auth.register_for(&b64(&[1; 32]), Format::None))
            .starts_with("WebAuthnChallengeNotFoundException: ")
    );

    let start = || {
        remote
            .call(&StartWebAuthnRegistration::new(access.as_str()))
            .unwrap()
            .credential_creation_options
    };
    let options = start();
    assert_eq!(
        complete(auth.register_for(&b64(&[1; 32]), Format::None)),
        "WebAuthnChallengeNotFoundException: clientDataJSON.challenge is not the challenge the pool issued"
    );
    let mut phished = Authenticator::new(9, RP_ID, "https://auth.example.com.evil.test");
    assert_eq!(
        complete(phished.register(&options, Format::None)),
        "WebAuthnOriginNotAllowedException: origin \"https://auth.example.com.evil.test\" is not allowed for relying party \"auth.example.com\""
    );
    phished.origin = ORIGIN.to_owned();
    phished.rp_id = "evil.test".to_owned();
    assert_eq!(
        complete(phished.register(&options, Format::None)),
        "WebAuthnRelyingPartyMismatchException: rpIdHash is not SHA-256 of the relying party id \"auth.example.com\""
    );
    let mut absent = Authenticator::new(9, RP_ID, ORIGIN);
    absent.flags = 0;
    assert_eq!(
        complete(absent.register(&options, Format::None)),
        "InvalidParameterException: the user was not present (flag UP is not set)"
    );
    // clientDataJSON of an assertion (type webauthn.get) is no registration.
    let mut wrong_type = auth.register(&options, Format::None);
    let data = tamper_client_data(&wrong_type.to_string(), |d| {
        d["type"] = json!("webauthn.get")
    });
    wrong_type = serde_json::from_str(&data).unwrap();
    assert_eq!(
        complete(wrong_type),
        "InvalidParameterException: clientDataJSON.type is \"webauthn.get\", expected \"webauthn.create\""
    );
    // Another format.
    let mut u2f = auth.register(&options, Format::None);
    let object = unb64(u2f["response"]["attestationObject"].as_str().unwrap());
    let mut value: ciborium::Value = ciborium::from_reader(object.as_slice()).unwrap();
    if let ciborium::Value::Map(entries) = &mut value {
        entries[0].1 = ciborium::Value::Text("fido-u2f".into());
    }
    let mut bytes = Vec::new();
    ciborium::into_writer(&value, &mut bytes).unwrap();
    u2f["response"]["attestationObject"] = json!(b64(&bytes));
    assert!(complete(u2f).starts_with("WebAuthnCredentialNotSupportedException: "));
    // Garbage is a typed error, not a panic.
    for garbage in [
        json!("x"),
        json!({"type": "public-key", "id": "AA", "response": {"clientDataJSON": "!!"}}),
    ] {
        assert!(complete(garbage).starts_with("InvalidParameterException: "));
    }
    // The pending challenge survived the failures: the right credential still registers.
    remote
        .call(&CompleteWebAuthnRegistration::new(
            access.as_str(),
            auth.register(&options, Format::None),
        ))
        .unwrap();
    remote.server.shutdown();
}

#[test]
fn passkeys_need_the_pool_to_enable_them() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    assert_eq!(
        kind(remote.call(&StartWebAuthnRegistration::new(access.as_str()))),
        "WebAuthnNotEnabledException"
    );
    remote.server.shutdown();
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::default(),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    assert_eq!(
        kind(remote.call(&StartWebAuthnRegistration::new(access.as_str()))),
        "WebAuthnConfigurationMissingException"
    );
    assert_eq!(
        kind(remote.call(&StartWebAuthnRegistration::new("not.a.token"))),
        "NotAuthorizedException"
    );
    remote.server.shutdown();
}

#[test]
fn sign_in_refuses_each_wrong_part() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    let mut auth = Authenticator::new(11, RP_ID, ORIGIN);
    remote.register(&access, &auth, Format::None).unwrap();
    let refused = |credential: &dyn Fn(&mut Authenticator, &str) -> String,
                   auth: &mut Authenticator| {
        let (mut sign_in, options) = remote.passkey_challenge();
        let credential = credential(auth, &options);
        code(remote.answer(&mut sign_in, credential))
    };

    // A challenge the pool did not issue for this session.
    assert_eq!(
        refused(&|a, _| a.assert_for(&b64(&[2; 32]), None), &mut auth),
        "NotAuthorizedException: clientDataJSON.challenge is not the challenge the pool issued"
    );
    // Another site's origin, another RP's hash.
    auth.origin = "https://evil.test".into();
    assert_eq!(
        refused(&|a, o| a.assert(o), &mut auth),
        "NotAuthorizedException: origin \"https://evil.test\" is not allowed for relying party \"auth.example.com\""
    );
    auth.origin = ORIGIN.into();
    auth.rp_id = "example.com".into();
    assert_eq!(
        refused(&|a, o| a.assert(o), &mut auth),
        "NotAuthorizedException: rpIdHash is not SHA-256 of the relying party id \"auth.example.com\""
    );
    auth.rp_id = RP_ID.into();
    // Well-formed, but signed by another key.
    assert_eq!(
        refused(&|a, o| a.impostor(12).assert(o), &mut auth),
        "NotAuthorizedException: the assertion signature does not verify with the registered key"
    );
    // clientDataJSON changed after signing (same challenge and origin).
    assert_eq!(
        refused(
            &|a, o| tamper_client_data(&a.assert(o), |d| d["extra"] = json!("x")),
            &mut auth
        ),
        "NotAuthorizedException: the assertion signature does not verify with the registered key"
    );
    // Another user's handle.
    assert_eq!(
        refused(
            &|a, o| {
                let challenge: Value = serde_json::from_str(o).unwrap();
                a.assert_for(
                    challenge["challenge"].as_str().unwrap(),
                    Some(&b64(b"someone-else")),
                )
            },
            &mut auth
        ),
        "NotAuthorizedException: response.userHandle is not this user's"
    );

    // A good sign-in moves the counter; an assertion that does not move it past is refused.
    let (mut sign_in, options) = remote.passkey_challenge();
    let credential = auth.assert(&options);
    done(remote.answer(&mut sign_in, credential).unwrap());
    let seen = auth.sign_count;
    auth.sign_count = seen - 1; // the next assertion carries `seen` again: a clone?
    assert_eq!(
        refused(&|a, o| a.assert(o), &mut auth),
        format!(
            "NotAuthorizedException: the signature counter {seen} did not increase past {seen}"
        )
    );
    // Deleted between the challenge and the answer.
    let (mut sign_in, options) = remote.passkey_challenge();
    remote
        .call(&DeleteWebAuthnCredential::new(
            access.as_str(),
            b64(&auth.credential_id),
        ))
        .unwrap();
    let credential = auth.assert(&options);
    assert_eq!(
        code(remote.answer(&mut sign_in, credential)),
        "NotAuthorizedException: the credential is not registered for this user"
    );
    // And with none left, WEB_AUTHN is no longer offered.
    assert_eq!(factors(&remote, &access), ["PASSWORD"]);
    remote.server.shutdown();
}

#[test]
fn list_pages_and_delete_checks_the_id() {
    let remote = Remote::start(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let access = remote.password_tokens().access_token.expose().to_owned();
    let auths: Vec<Authenticator> = (20..23)
        .map(|s| Authenticator::new(s, RP_ID, ORIGIN))
        .collect();
    for auth in &auths {
        remote.register(&access, auth, Format::None).unwrap();
    }
    // The same credential again: the options exclude it, and the pool refuses it.
    let options = remote
        .call(&StartWebAuthnRegistration::new(access.as_str()))
        .unwrap()
        .credential_creation_options;
    assert_eq!(options["excludeCredentials"].as_array().unwrap().len(), 3);
    assert_eq!(
        code(remote.call(&CompleteWebAuthnRegistration::new(
            access.as_str(),
            auths[0].register(&options, Format::None)
        ))),
        "InvalidParameterException: This credential id is already registered"
    );

    let first = remote
        .call(&ListWebAuthnCredentials::new(access.as_str()).with_max_results(2))
        .unwrap();
    assert_eq!(first.credentials.len(), 2);
    let next = first.next_token.clone().expect("a second page");
    let second = remote
        .call(
            &ListWebAuthnCredentials::new(access.as_str())
                .with_max_results(2)
                .with_next_token(next),
        )
        .unwrap();
    assert_eq!(second.credentials.len(), 1);
    assert!(second.next_token.is_none());
    let ids: Vec<String> = first
        .credentials
        .iter()
        .chain(&second.credentials)
        .map(|c| c.credential_id.clone())
        .collect();
    let expected: Vec<String> = auths.iter().map(|a| b64(&a.credential_id)).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        kind(remote.call(&ListWebAuthnCredentials::new(access.as_str()).with_max_results(21))),
        "InvalidParameterException"
    );

    assert_eq!(
        kind(remote.call(&DeleteWebAuthnCredential::new(
            access.as_str(),
            "bm90LWEtY3JlZGVudGlhbA"
        ))),
        "ResourceNotFoundException"
    );
    remote
        .call(&DeleteWebAuthnCredential::new(
            access.as_str(),
            &expected[1],
        ))
        .unwrap();
    let left = remote
        .call(&ListWebAuthnCredentials::new(access.as_str()))
        .unwrap();
    assert_eq!(left.credentials.len(), 2);
    assert!(
        left.credentials
            .iter()
            .all(|c| c.credential_id != expected[1])
    );
    remote.server.shutdown();
}

#[test]
fn a_registration_expires_and_belongs_to_the_client_that_started_it() {
    // In process, with the clock in hand.
    let mut h = Harness::new(passkey_config(
        &["PASSWORD", "WEB_AUTHN"],
        WebAuthnConfiguration::new(RP_ID),
    ));
    let tokens = |h: &mut Harness, client_id: &str| {
        let mut sign_in =
            SignIn::new(client(client_id), "alice", PASSWORD).with_flow(AuthFlow::UserPassword);
        done(h.sign_in(&mut sign_in).unwrap())
            .access_token
            .expose()
            .to_owned()
    };
    let secret = tokens(&mut h, SECRET_CLIENT);
    let public = tokens(&mut h, PUBLIC_CLIENT);
    let config = client(USER_AUTH_CLIENT);
    let call = |h: &mut Harness, call: &dyn Fn() -> Request| {
        let response = h.send(&call());
        (response.status, response.json_body())
    };
    let start = |access: &str| StartWebAuthnRegistration::new(access).request(&config);
    let auth = Authenticator::new(30, RP_ID, ORIGIN);

    // Started with one client's token, completed with another's.
    let (_, started) = call(&mut h, &|| start(&public));
    let credential = auth.register(&started["CredentialCreationOptions"], Format::None);
    let complete = |access: &str, credential: &Value| {
        CompleteWebAuthnRegistration::new(access, credential.clone()).request(&config)
    };
    let (status, body) = call(&mut h, &|| complete(&secret, &credential));
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("WebAuthnClientMismatchException"))
    );

    // Five minutes later the challenge is gone.
    h.now += 301;
    let (status, body) = call(&mut h, &|| complete(&public, &credential));
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("WebAuthnChallengeNotFoundException"))
    );

    // In time, with the same client, it registers.
    let (_, started) = call(&mut h, &|| start(&public));
    let credential = auth.register(&started["CredentialCreationOptions"], Format::None);
    h.now += 299;
    let (status, body) = call(&mut h, &|| complete(&public, &credential));
    assert_eq!((status, body), (200, json!({})));
}

#[test]
fn the_json_configuration_takes_the_services_names() {
    let config = Config::from_json(
        r#"{"pool_id": "us-east-1_TestKit01",
            "sign_in_policy": {"allowed_first_auth_factors": ["PASSWORD", "WEB_AUTHN"]},
            "web_authn_configuration": {"relying_party_id": "auth.example.com",
                                        "user_verification": "required",
                                        "allowed_origins": ["android:apk-key-hash:abc"]}}"#,
    )
    .unwrap();
    assert_eq!(
        config.web_authn_configuration,
        WebAuthnConfiguration::new(RP_ID)
            .require_user_verification()
            .with_allowed_origin("android:apk-key-hash:abc")
    );
    for bad in [
        r#"{"pool_id": "us-east-1_X", "web_authn_configuration": {"user_verification": "always"}}"#,
        r#"{"pool_id": "us-east-1_X", "web_authn_configuration": {"rp_id": "example.com"}}"#,
    ] {
        assert!(Config::from_json(bad).is_err(), "{bad}");
    }
}
