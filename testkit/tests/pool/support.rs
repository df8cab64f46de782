//! Drives the client library's machines against the pool in-process.

use std::sync::{Arc, Mutex};

use cognito_auth::{
    Error, HttpResponse, PoolConfig, RandomError, Request, SecureRandom, SignIn, Step, UnixTime,
};
use cognito_auth_testkit::{
    ClientConfig, Config, Pool, PoolResponse, RngCore, SeededRng, UserSeed,
};
use serde_json::Value;

pub const POOL_ID: &str = "us-east-1_TestKit01";
pub const PUBLIC_CLIENT: &str = "publicclient0001";
pub const SECRET_CLIENT: &str = "secretclient0001";
pub const CLIENT_SECRET: &str = "s3cr3tclientsecretvalue0123456789abcdef";
pub const PASSWORD: &str = "Correct-Horse-9";
/// 2023-11-14 22:13:20 UTC.
pub const NOW: u64 = 1_700_000_000;

/// The client library's random source, deterministic.
pub struct ClientRandom(Mutex<SeededRng>);

impl SecureRandom for ClientRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
        self.0.lock().map_err(|_| RandomError)?.fill_bytes(buf);
        Ok(())
    }
}

/// A client configuration for `client_id` (with the secret for the secret client).
pub fn client(client_id: &str) -> Arc<PoolConfig> {
    let config = PoolConfig::new(POOL_ID, client_id)
        .unwrap()
        .with_random(Arc::new(ClientRandom(Mutex::new(SeededRng::new(99)))));
    Arc::new(if client_id == SECRET_CLIENT {
        config.with_client_secret(CLIENT_SECRET)
    } else {
        config
    })
}

/// The base pool: a public client (password auth allowed) and a secret client.
pub fn base_config() -> Config {
    Config::new(POOL_ID)
        .with_client(ClientConfig::new(PUBLIC_CLIENT).allow_user_password_auth())
        .with_client(
            ClientConfig::new(SECRET_CLIENT)
                .with_secret(CLIENT_SECRET)
                .allow_user_password_auth(),
        )
        .with_user(UserSeed::new("alice", PASSWORD).with_attribute("email", "alice@example.com"))
}

/// A pool, its random source and a clock.
pub struct Harness {
    pub pool: Pool,
    pub rng: SeededRng,
    pub now: u64,
}

impl Harness {
    pub fn new(config: Config) -> Self {
        let mut rng = SeededRng::new(1);
        let pool = Pool::new(config, NOW, &mut rng).unwrap();
        Self {
            pool,
            rng,
            now: NOW,
        }
    }

    /// Sends a request the client library built.
    pub fn send(&mut self, request: &Request) -> PoolResponse {
        self.pool
            .handle(request.target(), request.body(), self.now, &mut self.rng)
    }

    /// Calls an operation with a hand-built body.
    pub fn call(&mut self, operation: &str, body: Value) -> PoolResponse {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        self.pool.handle(
            &target,
            body.to_string().as_bytes(),
            self.now,
            &mut self.rng,
        )
    }

    /// Like [`call`](Self::call), expecting success; returns the JSON body.
    pub fn ok(&mut self, operation: &str, body: Value) -> Value {
        let response = self.call(operation, body);
        assert_eq!(
            response.status,
            200,
            "{operation}: {}",
            String::from_utf8_lossy(&response.body)
        );
        response.json_body()
    }

    /// Runs the machine's requests until it needs the app (a challenge, tokens, an error).
    pub fn drive(&mut self, sign_in: &mut SignIn, mut request: Request) -> Result<Step, Error> {
        loop {
            let response = self.send(&request);
            let mut http = HttpResponse::new(response.status, &response.body);
            for (name, value) in &response.headers {
                http = http.header(name, value);
            }
            match sign_in.handle_response(http, UnixTime(self.now))? {
                Step::Send(next) => request = next,
                other => return Ok(other),
            }
        }
    }

    /// Starts a sign-in and drives it.
    pub fn sign_in(&mut self, sign_in: &mut SignIn) -> Result<Step, Error> {
        let first = sign_in.start()?;
        self.drive(sign_in, first)
    }
}

/// The tokens of a finished sign-in.
pub fn done(step: Step) -> cognito_auth::Tokens {
    match step {
        Step::Done(tokens) => *tokens,
        other => panic!("expected tokens, got {other:?}"),
    }
}

/// The service error code of a failed call.
pub fn error_code(result: Result<Step, Error>) -> String {
    match result {
        Err(Error::Service(e)) => format!("{}: {}", e.kind().code(), e.message()),
        other => panic!("expected a service error, got {other:?}"),
    }
}

/// A hand-driven SRP exchange with the client library's SRP math, for paths the
/// machines do not take (odd TIMESTAMPs, device SRP).
pub struct HandSrp {
    pub session: String,
    pub params: Value,
}

impl Harness {
    /// InitiateAuth(USER_SRP_AUTH) by hand; returns the PASSWORD_VERIFIER challenge and the client.
    pub fn srp_start(
        &mut self,
        client_id: &str,
        username: &str,
        extra: Value,
    ) -> (cognito_auth::srp::SrpClient, HandSrp) {
        let srp = new_srp_client(3);
        let mut params = serde_json::json!({"USERNAME": username, "SRP_A": srp.public_a_hex()});
        merge(&mut params, extra);
        let body = self.ok(
            "InitiateAuth",
            serde_json::json!({"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": params}),
        );
        assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
        let session = body["Session"].as_str().unwrap().to_owned();
        (
            srp,
            HandSrp {
                session,
                params: body["ChallengeParameters"].clone(),
            },
        )
    }

    /// The PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) answer for `challenge`.
    pub fn srp_answer(
        &mut self,
        client_id: &str,
        name: &str,
        srp: &cognito_auth::srp::SrpClient,
        challenge: &HandSrp,
        (pool_name, user_id, password): (&str, &str, &str),
        timestamp: &str,
        extra: Value,
    ) -> PoolResponse {
        let p = &challenge.params;
        let derivation = srp
            .derive(&cognito_auth::srp::VerifierInput {
                pool_name,
                user_id,
                password,
                salt_hex: p["SALT"].as_str().unwrap(),
                srp_b_hex: p["SRP_B"].as_str().unwrap(),
            })
            .unwrap();
        let block = p["SECRET_BLOCK"].as_str().unwrap();
        let decoded = cognito_auth::srp::decode_secret_block(block).unwrap();
        let signature = derivation.signature(pool_name, user_id, &decoded, timestamp);
        let mut responses = serde_json::json!({
            "USERNAME": p["USERNAME"],
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        });
        merge(&mut responses, extra);
        let mut body = serde_json::json!({"ClientId": client_id, "ChallengeName": name,
                           "Session": challenge.session, "ChallengeResponses": responses});
        // An empty session stands for none at all (as pycognito answers the SRP steps).
        if challenge.session.is_empty() {
            body.as_object_mut().map(|b| b.remove("Session"));
        }
        self.call("RespondToAuthChallenge", body)
    }
}

pub fn new_srp_client(seed: u64) -> cognito_auth::srp::SrpClient {
    let mut a = [0u8; 32];
    SeededRng::new(seed).fill_bytes(&mut a);
    a[0] |= 0x01;
    cognito_auth::srp::SrpClient::new(
        cognito_auth::srp::EphemeralSecret::from_be_bytes(&a).unwrap(),
    )
    .unwrap()
}

pub fn merge(into: &mut Value, extra: Value) {
    if let (Some(into), Value::Object(extra)) = (into.as_object_mut(), extra) {
        into.extend(extra);
    }
}

/// Cognito's TIMESTAMP for `now`, from the client library.
pub fn timestamp(now: u64) -> String {
    cognito_auth::srp::format_timestamp(now).unwrap()
}

/// A TOTP code for a base32 secret at `now`.
pub fn totp_code(secret_b32: &str, now: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret_b32).unwrap();
    totp_rs::Builder::new()
        .with_secret(secret.as_bytes())
        .build_noncompliant()
        .generate(now)
        .to_string()
}
