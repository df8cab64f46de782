//! A whole SRP sign-in and a refresh, driven exactly as an app would, against a scripted
//! Cognito in this process (the same one the flow tests use). The scripted side verifies the
//! SRP proof with its own, independent math, so "signed in" means the proof was right.
//!
//! `cargo run --example sign_in`

// serde_json::Value indexing yields Null for a missing key; it cannot panic.
#![allow(clippy::indexing_slicing)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::ExitCode;
use std::sync::Arc;

use cognito_auth::{PoolConfig, Refresh, Request, SignIn, Step};
use serde_json::{Value, json};
use support::{CLIENT_ID, CLIENT_SECRET, NOW, POOL_ID, Reply, SrpServer, tokens_body};

/// The scripted service: one user, `jane@example.com`, whose internal name is a UUID.
struct Cognito {
    srp: SrpServer,
    srp_a: Option<String>,
}

impl Cognito {
    fn handle(&mut self, request: &Request) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(request.body()) else {
            return Reply::error("SerializationException", "body is not JSON");
        };
        match request.operation().name() {
            "InitiateAuth" if body["AuthFlow"] == "USER_SRP_AUTH" => {
                self.srp_a = body["AuthParameters"]["SRP_A"].as_str().map(str::to_owned);
                Reply::ok(
                    json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "example-session-0123456789",
                    "ChallengeParameters": self.srp.challenge_parameters()}),
                )
            }
            "RespondToAuthChallenge" => {
                let responses = &body["ChallengeResponses"];
                let (Some(a), Some(timestamp)) = (&self.srp_a, responses["TIMESTAMP"].as_str())
                else {
                    return Reply::error("InvalidParameterException", "missing SRP_A or TIMESTAMP");
                };
                if responses["PASSWORD_CLAIM_SIGNATURE"]
                    == self.srp.expected_signature(a, timestamp)
                {
                    Reply::ok(tokens_body(
                        &self.srp.user_id,
                        "5f2a-sub",
                        Some("refresh-token-1"),
                    ))
                } else {
                    Reply::error("NotAuthorizedException", "Incorrect username or password.")
                }
            }
            "GetTokensFromRefreshToken" => {
                let mut tokens = tokens_body(&self.srp.user_id, "5f2a-sub", None);
                tokens
                    .as_object_mut()
                    .map(|t| t.remove("ChallengeParameters"));
                Reply::ok(tokens)
            }
            other => Reply::error(
                "InvalidParameterException",
                &format!("{other} is not scripted"),
            ),
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut cognito = Cognito {
        srp: SrpServer::new("AbCdEfGhI", "84514837-dcbc-4af1", "correct horse 42"),
        srp_a: None,
    };
    let config = Arc::new(PoolConfig::new(POOL_ID, CLIENT_ID)?.with_client_secret(CLIENT_SECRET));

    let mut sign_in = SignIn::new(config.clone(), "jane@example.com", "correct horse 42");
    let mut request = sign_in.start()?;
    let tokens = loop {
        let reply = cognito.handle(&request);
        println!(
            "-> {:<24} <- HTTP {}",
            request.operation().name(),
            reply.status
        );
        match sign_in.handle_response(reply.as_response(), NOW)? {
            Step::Send(next) => request = next,
            Step::Done(tokens) => break tokens,
            other => return Err(format!("unexpected step {other:?}").into()),
        }
    };
    let claims = tokens.access_claims()?;
    println!(
        "signed in: username {:?}, sub {:?}, expires at {}",
        claims.username, claims.sub, tokens.expires_at.0
    );

    let mut refresh = Refresh::new(config, &tokens)?;
    let request = refresh.request()?;
    let reply = cognito.handle(&request);
    println!(
        "-> {:<24} <- HTTP {}",
        request.operation().name(),
        reply.status
    );
    let refreshed =
        refresh.handle_response(reply.as_response(), cognito_auth::UnixTime(NOW.0 + 1800))?;
    println!(
        "refreshed: expires at {}, refresh token kept: {}",
        refreshed.expires_at.0,
        refreshed.refresh_token == tokens.refresh_token
    );
    Ok(())
}
