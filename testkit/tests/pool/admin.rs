//! The admin API end to end over HTTP: the library's `with_admin_api` sign-in and its
//! operations, each signed by the library's `sigv4` feature (the aws-sigv4 crate) and checked
//! by the pool's own verifier; then what the service refuses.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_auth::{
    AuthFlow, AwsCredentials, Challenge, ChallengeAnswer, HttpResponse, Operation, PoolConfig,
    Refresh, Request, SignIn, Step, Tokens, UnixTime,
};
use cognito_auth_testkit::{
    AdminCredentials, ClientConfig, Pool, Purpose, SeededRng, Server, UserStatus,
};
use serde_json::{Value, json};

use crate::http::http;
use crate::support::*;

const ADMIN_CLIENT: &str = "adminclient00001";
const KEY_ID: &str = "AKIDTESTKITADMIN";
const SECRET_KEY: &str = "testkit/admin/secret/key/0123456789abcdef";

fn start() -> Server {
    let mut config = base_config().with_client(ClientConfig::new(ADMIN_CLIENT));
    if let Some(admin) = config.clients.last_mut() {
        admin
            .explicit_auth_flows
            .push("ALLOW_ADMIN_USER_PASSWORD_AUTH".into());
    }
    config.admin_credentials = vec![AdminCredentials::new(KEY_ID, SECRET_KEY)];
    let mut rng = SeededRng::new(17);
    Server::start(
        Pool::new(config, unix_now(), &mut rng).unwrap(),
        "127.0.0.1:0",
    )
    .unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn config(server: &Server, client_id: &str) -> Arc<PoolConfig> {
    Arc::new(
        PoolConfig::new(POOL_ID, client_id)
            .unwrap()
            .with_endpoint(server.url()),
    )
}

fn admin() -> AwsCredentials {
    AwsCredentials::new(KEY_ID, SECRET_KEY, None)
}

/// Sends `request`, signed with `credentials` as of `at` (unsigned with `None`).
fn send(request: &Request, credentials: Option<&AwsCredentials>, at: SystemTime) -> (u16, Value) {
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    if let Some(credentials) = credentials {
        headers.extend(request.sigv4_headers(credentials, "us-east-1", at).unwrap());
    }
    let borrowed: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let (status, _, body) = http(
        request.url(),
        request.method(),
        "/",
        &borrowed,
        request.body(),
    );
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// An admin operation signed now by the configured credentials; expects success.
fn admin_ok(server: &Server, operation: Operation, body: Value) -> Value {
    let request = Request::from_json(&config(server, ADMIN_CLIENT), operation, &body);
    let (status, reply) = send(&request, Some(&admin()), SystemTime::now());
    assert_eq!(status, 200, "{operation:?}: {reply}");
    reply
}

fn admin_err(server: &Server, operation: Operation, body: Value) -> String {
    let request = Request::from_json(&config(server, ADMIN_CLIENT), operation, &body);
    let (status, reply) = send(&request, Some(&admin()), SystemTime::now());
    assert_eq!(status, 400, "{operation:?}: {reply}");
    reply["__type"].as_str().unwrap_or_default().to_owned()
}

/// Drives a sign-in over HTTP, signing every request (the admin operations need it).
fn drive(sign_in: &mut SignIn, mut request: Request) -> Result<Step, cognito_auth::Error> {
    loop {
        let (status, reply) = send(&request, Some(&admin()), SystemTime::now());
        let body = reply.to_string();
        match sign_in.handle_response(
            HttpResponse::new(status, body.as_bytes()),
            UnixTime(unix_now()),
        )? {
            Step::Send(next) => request = next,
            other => return Ok(other),
        }
    }
}

fn temporary_password(server: &Server, username: &str) -> Option<String> {
    server
        .pool()
        .outbox()
        .iter()
        .rev()
        .find(|m| m.username == username && m.purpose == Purpose::TemporaryPassword)
        .map(|m| m.code.clone())
}

fn user_names(reply: &Value) -> Vec<String> {
    reply["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn create_first_sign_in_manage_and_delete_over_http() {
    let server = start();
    let pool = json!(POOL_ID);

    // AdminCreateUser: a temporary password by e-mail (the outbox), FORCE_CHANGE_PASSWORD.
    let created = admin_ok(
        &server,
        Operation::AdminCreateUser,
        json!({"UserPoolId": pool, "Username": "newbie", "DesiredDeliveryMediums": ["EMAIL"],
               "UserAttributes": [{"Name": "email", "Value": "newbie@example.com"}]}),
    );
    assert_eq!(created["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(created["User"]["Enabled"], true);
    let first_invitation = temporary_password(&server, "newbie").expect("the invitation");
    // RESEND: a new temporary password replaces the first.
    admin_ok(
        &server,
        Operation::AdminCreateUser,
        json!({"UserPoolId": pool, "Username": "newbie", "MessageAction": "RESEND",
               "DesiredDeliveryMediums": ["EMAIL"]}),
    );
    let temporary = temporary_password(&server, "newbie").expect("the second invitation");
    assert_ne!(temporary, first_invitation);
    let mut stale = SignIn::new(
        config(&server, ADMIN_CLIENT),
        "newbie",
        first_invitation.as_str(),
    )
    .with_flow(AuthFlow::UserPassword)
    .with_admin_api();
    let request = stale.start().unwrap();
    assert!(
        drive(&mut stale, request).is_err(),
        "the first temporary password"
    );
    assert_eq!(
        admin_err(
            &server,
            Operation::AdminCreateUser,
            json!({"UserPoolId": pool, "Username": "newbie"})
        ),
        "UsernameExistsException"
    );
    // SUPPRESS: no message; the administrator's own temporary password.
    admin_ok(
        &server,
        Operation::AdminCreateUser,
        json!({"UserPoolId": pool, "Username": "quiet", "MessageAction": "SUPPRESS",
               "TemporaryPassword": "Quiet-Temp-1"}),
    );
    assert_eq!(temporary_password(&server, "quiet"), None);

    // First sign-in through AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) → NEW_PASSWORD_REQUIRED
    // → AdminRespondToAuthChallenge → tokens.
    let mut sign_in = SignIn::new(config(&server, ADMIN_CLIENT), "newbie", temporary.as_str())
        .with_flow(AuthFlow::UserPassword)
        .with_admin_api();
    let first = sign_in.start().unwrap();
    assert_eq!(first.operation(), Operation::AdminInitiateAuth);
    let Step::Challenge(Challenge::NewPasswordRequired { .. }) =
        drive(&mut sign_in, first).unwrap()
    else {
        panic!("expected NEW_PASSWORD_REQUIRED")
    };
    let answer = sign_in
        .answer(ChallengeAnswer::NewPassword {
            password: "Newbie-Chosen-2".into(),
            attributes: BTreeMap::new(),
        })
        .unwrap();
    assert_eq!(answer.operation(), Operation::AdminRespondToAuthChallenge);
    let tokens = done(drive(&mut sign_in, answer).unwrap());
    assert_eq!(
        server.pool().user_status("newbie"),
        Some(UserStatus::Confirmed)
    );

    // The admin SRP flow (AdminInitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER) with the new one.
    let mut srp =
        SignIn::new(config(&server, ADMIN_CLIENT), "newbie", "Newbie-Chosen-2").with_admin_api();
    let request = srp.start().unwrap();
    done(drive(&mut srp, request).unwrap());

    // AdminGetUser.
    let user = admin_ok(
        &server,
        Operation::AdminGetUser,
        json!({"UserPoolId": pool, "Username": "newbie"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
    let attributes = user["UserAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({"Name": "email", "Value": "newbie@example.com"})));
    assert!(attributes.iter().any(|a| a["Name"] == "sub"));
    assert!(user["UserCreateDate"].as_u64().is_some());

    // AdminSetUserPassword: permanent → the public SRP sign-in works; temporary → FORCE_CHANGE.
    admin_ok(
        &server,
        Operation::AdminSetUserPassword,
        json!({"UserPoolId": pool, "Username": "quiet", "Password": "Quiet-Perm-2", "Permanent": true}),
    );
    assert_eq!(
        server.pool().user_status("quiet"),
        Some(UserStatus::Confirmed)
    );
    let mut public = SignIn::new(config(&server, PUBLIC_CLIENT), "quiet", "Quiet-Perm-2");
    let request = public.start().unwrap();
    done(drive(&mut public, request).unwrap());
    admin_ok(
        &server,
        Operation::AdminSetUserPassword,
        json!({"UserPoolId": pool, "Username": "quiet", "Password": "Quiet-Temp-3", "Permanent": false}),
    );
    assert_eq!(
        server.pool().user_status("quiet"),
        Some(UserStatus::ForceChangePassword)
    );
    assert_eq!(
        admin_err(
            &server,
            Operation::AdminSetUserPassword,
            json!({"UserPoolId": pool, "Username": "quiet", "Password": "short", "Permanent": true})
        ),
        "InvalidPasswordException"
    );

    // ListUsers: filters, then every user one page at a time.
    let list = |filter: &str| {
        user_names(&admin_ok(
            &server,
            Operation::ListUsers,
            json!({"UserPoolId": pool, "Filter": filter}),
        ))
    };
    assert_eq!(list(r#"email ^= "newbie@""#), vec!["newbie"]);
    assert_eq!(list(r#"email = "newbie""#), Vec::<String>::new());
    assert_eq!(
        list(r#"cognito:user_status = "force_change_password""#),
        vec!["quiet"]
    );
    assert_eq!(list(r#"username = "alice""#), vec!["alice"]);
    assert_eq!(
        admin_err(
            &server,
            Operation::ListUsers,
            json!({"UserPoolId": pool, "Filter": "custom:x = \"1\""})
        ),
        "InvalidParameterException"
    );
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": pool, "Limit": 1});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let page = admin_ok(&server, Operation::ListUsers, body);
        seen.extend(user_names(&page));
        match page["PaginationToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, vec!["alice", "newbie", "quiet"]);

    // AdminUserGlobalSignOut: the refresh token from before is refused.
    admin_ok(
        &server,
        Operation::AdminUserGlobalSignOut,
        json!({"UserPoolId": pool, "Username": "newbie"}),
    );
    assert!(
        refresh(&server, &tokens).is_err(),
        "a signed-out refresh token"
    );

    // AdminDeleteUser.
    admin_ok(
        &server,
        Operation::AdminDeleteUser,
        json!({"UserPoolId": pool, "Username": "newbie"}),
    );
    assert_eq!(
        admin_err(
            &server,
            Operation::AdminGetUser,
            json!({"UserPoolId": pool, "Username": "newbie"})
        ),
        "UserNotFoundException"
    );
    // Another pool id.
    assert_eq!(
        admin_err(
            &server,
            Operation::AdminGetUser,
            json!({"UserPoolId": "us-east-1_Other", "Username": "alice"})
        ),
        "ResourceNotFoundException"
    );
    server.shutdown();
}

fn refresh(server: &Server, tokens: &Tokens) -> Result<Tokens, cognito_auth::Error> {
    let mut refresh = Refresh::new(config(server, PUBLIC_CLIENT), tokens)?;
    let request = refresh.request()?;
    let (status, reply) = send(&request, None, SystemTime::now());
    let body = reply.to_string();
    refresh.handle_response(
        HttpResponse::new(status, body.as_bytes()),
        UnixTime(unix_now()),
    )
}

#[test]
fn admin_confirm_sign_up_and_the_client_flow_setting() {
    let server = start();
    let public = config(&server, PUBLIC_CLIENT);
    let sign_up = Request::from_json(
        &public,
        Operation::SignUp,
        &json!({"ClientId": PUBLIC_CLIENT, "Username": "pending", "Password": PASSWORD}),
    );
    assert_eq!(send(&sign_up, None, SystemTime::now()).0, 200);
    assert_eq!(
        server.pool().user_status("pending"),
        Some(UserStatus::Unconfirmed)
    );
    let body = json!({"UserPoolId": POOL_ID, "Username": "pending"});
    admin_ok(&server, Operation::AdminConfirmSignUp, body.clone());
    assert_eq!(
        server.pool().user_status("pending"),
        Some(UserStatus::Confirmed)
    );
    assert_eq!(
        admin_err(&server, Operation::AdminConfirmSignUp, body),
        "NotAuthorizedException"
    );
    // ADMIN_USER_PASSWORD_AUTH needs ALLOW_ADMIN_USER_PASSWORD_AUTH on the client.
    let mut sign_in = SignIn::new(config(&server, PUBLIC_CLIENT), "alice", PASSWORD)
        .with_flow(AuthFlow::UserPassword)
        .with_admin_api();
    let request = sign_in.start().unwrap();
    let err = drive(&mut sign_in, request).unwrap_err().to_string();
    assert!(
        err.contains("Auth flow not enabled for this client"),
        "{err}"
    );
    server.shutdown();
}

#[test]
fn refuses_a_wrong_secret_an_unknown_key_a_stale_date_and_no_signature() {
    let server = start();
    let request = Request::from_json(
        &config(&server, ADMIN_CLIENT),
        Operation::AdminGetUser,
        &json!({"UserPoolId": POOL_ID, "Username": "alice"}),
    );
    let now = SystemTime::now();
    assert_eq!(send(&request, Some(&admin()), now).0, 200);

    let wrong_secret = AwsCredentials::new(KEY_ID, "not-the-secret-key", None);
    let (status, reply) = send(&request, Some(&wrong_secret), now);
    assert_eq!(
        (status, reply["__type"].as_str()),
        (400, Some("InvalidSignatureException"))
    );
    assert!(
        reply["message"].as_str().unwrap().starts_with(
            "The request signature we calculated does not match the signature you provided."
        ),
        "{reply}"
    );

    let unknown = AwsCredentials::new("AKIDNOBODYKNOWS0", SECRET_KEY, None);
    let (status, reply) = send(&request, Some(&unknown), now);
    assert_eq!(status, 400);
    assert_eq!(
        reply,
        json!({"__type": "UnrecognizedClientException",
               "message": "The security token included in the request is invalid."})
    );

    let stale = now - Duration::from_secs(600);
    let (status, reply) = send(&request, Some(&admin()), stale);
    assert_eq!(
        (status, reply["__type"].as_str()),
        (400, Some("InvalidSignatureException"))
    );
    assert!(
        reply["message"]
            .as_str()
            .unwrap()
            .starts_with("Signature expired: "),
        "{reply}"
    );

    // A session token the pool never issued.
    let with_token = AwsCredentials::new(KEY_ID, SECRET_KEY, Some("token".into()));
    assert_eq!(
        send(&request, Some(&with_token), now).1["__type"],
        "UnrecognizedClientException"
    );

    let (status, reply) = send(&request, None, now);
    assert_eq!(
        (status, reply["__type"].as_str()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    // In process, `handle` sees no headers: the same refusal.
    let in_process = server.pool().handle(
        "AWSCognitoIdentityProviderService.ListUsers",
        json!({"UserPoolId": POOL_ID}).to_string().as_bytes(),
        unix_now(),
        &mut SeededRng::new(3),
    );
    assert_eq!(
        (in_process.status, in_process.error_type().as_deref()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    // The admin sign-in unsigned: refused before the password is looked at.
    let mut sign_in = SignIn::new(config(&server, ADMIN_CLIENT), "alice", PASSWORD)
        .with_flow(AuthFlow::UserPassword)
        .with_admin_api();
    let (status, reply) = send(&sign_in.start().unwrap(), None, now);
    assert_eq!(
        (status, reply["__type"].as_str()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    server.shutdown();
}

/// In process, with the pool's clock in hand: `Pool::handle_http` with requests the library
/// signed at that time.
fn in_process(pool: &mut Pool, now: u64, operation: Operation, body: Value) -> (u16, Value) {
    let config = PoolConfig::new(POOL_ID, ADMIN_CLIENT).unwrap();
    let request = Request::from_json(&config, operation, &body);
    let at = UNIX_EPOCH + Duration::from_secs(now);
    let mut headers: Vec<(String, String)> =
        vec![("Host".into(), "cognito-idp.us-east-1.amazonaws.com".into())];
    headers.extend(
        request
            .headers()
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    headers.extend(request.sigv4_headers(&admin(), "us-east-1", at).unwrap());
    let reply = pool.handle_http(
        "POST",
        "/",
        &headers,
        request.body(),
        now,
        &mut SeededRng::new(8),
    );
    (reply.status, reply.json_body())
}

#[test]
fn a_temporary_password_expires_after_the_policy_days() {
    let mut config = base_config().with_client(ClientConfig::new(ADMIN_CLIENT));
    if let Some(admin) = config.clients.last_mut() {
        admin
            .explicit_auth_flows
            .push("ALLOW_ADMIN_USER_PASSWORD_AUTH".into());
    }
    config.admin_credentials = vec![AdminCredentials::new(KEY_ID, SECRET_KEY)];
    config.password_policy.temporary_password_validity_days = 2;
    let mut pool = Pool::new(config, NOW, &mut SeededRng::new(4)).unwrap();
    let create = json!({"UserPoolId": POOL_ID, "Username": "late", "MessageAction": "SUPPRESS",
                        "TemporaryPassword": "Late-Temp-1"});
    assert_eq!(
        in_process(&mut pool, NOW, Operation::AdminCreateUser, create).0,
        200
    );
    let sign_in = json!({"UserPoolId": POOL_ID, "ClientId": ADMIN_CLIENT,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "late", "PASSWORD": "Late-Temp-1"}});
    let day = 86_400;
    let (status, reply) = in_process(
        &mut pool,
        NOW + 2 * day - 1,
        Operation::AdminInitiateAuth,
        sign_in.clone(),
    );
    assert_eq!(
        (status, reply["ChallengeName"].as_str()),
        (200, Some("NEW_PASSWORD_REQUIRED"))
    );
    let (status, reply) = in_process(
        &mut pool,
        NOW + 2 * day,
        Operation::AdminInitiateAuth,
        sign_in.clone(),
    );
    assert_eq!(status, 400);
    assert_eq!(
        reply["message"],
        "Temporary password has expired and must be reset by an administrator."
    );
    // A new temporary password from AdminSetUserPassword starts the days again.
    let later = NOW + 3 * day;
    let set = json!({"UserPoolId": POOL_ID, "Username": "late", "Password": "Late-Temp-1", "Permanent": false});
    assert_eq!(
        in_process(&mut pool, later, Operation::AdminSetUserPassword, set).0,
        200
    );
    let (status, reply) = in_process(
        &mut pool,
        later + day,
        Operation::AdminInitiateAuth,
        sign_in,
    );
    assert_eq!(
        (status, reply["ChallengeName"].as_str()),
        (200, Some("NEW_PASSWORD_REQUIRED"))
    );
}

#[test]
fn admin_credentials_in_the_json_configuration() {
    let with = |credentials: &str| {
        cognito_auth_testkit::Config::from_json(&format!(
            r#"{{"pool_id": "{POOL_ID}", "clients": [{{"client_id": "c1"}}],
                "admin_credentials": {credentials}}}"#
        ))
    };
    let config = with(
        r#"[{"access_key_id": "AKID1", "secret_access_key": "first-secret-key"},
            {"access_key_id": "ASIA2", "secret_access_key": "s2", "session_token": "session-token-two"}]"#,
    )
    .unwrap();
    assert_eq!(
        config.admin_credentials[1].session_token.as_deref(),
        Some("session-token-two")
    );
    let shown = format!("{config:?}");
    assert!(
        shown.contains("AKID1")
            && !shown.contains("first-secret-key")
            && !shown.contains("session-token-two"),
        "the secret and the token are never printed: {shown}"
    );
    assert!(Pool::new(config, NOW, &mut SeededRng::new(1)).is_ok());
    assert!(with(r#"[{"access_key_id": "AKID1", "secret": "s1"}]"#).is_err());
    for bad in [
        r#"[{"access_key_id": "", "secret_access_key": "s1"}]"#,
        r#"[{"access_key_id": "AKID1", "secret_access_key": ""}]"#,
        r#"[{"access_key_id": "AKID1", "secret_access_key": "a"},
            {"access_key_id": "AKID1", "secret_access_key": "b"}]"#,
    ] {
        let err = Pool::new(with(bad).unwrap(), NOW, &mut SeededRng::new(1)).unwrap_err();
        assert!(err.0.contains("admin_credentials"), "{err}");
    }
}
