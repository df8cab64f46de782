//! Drivers of the sign-in and refresh machines: whole transcripts and single responses.

use serde_json::json;

use cognito_auth::{
    ChallengeAnswer, ErrorKind, HttpResponse, Refresh, RefreshFlow, SignIn, Status, Step, UnixTime,
};

use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::seeds::*;
use crate::*;

/// A whole sign-in: flags (bit 0 USER_PASSWORD_AUTH, bit 1 client secret, bit 2 device key,
/// bit 3 time from the input), then up to [`MAX_STEPS`] calls (response, answer or start again).
/// Returns the final status (the regression test checks the seeds reach where they should).
/// Every SRP step is computed: the one target that pays for the 3072-bit math on every input.
pub fn sign_in_transcript(data: &[u8]) -> Status {
    transcript(data, true)
}

/// [`sign_in_transcript`] without any SRP math, to explore the state machine fast: the random
/// source always fails ([`NoRandom`]), so USER_SRP_AUTH, CUSTOM_AUTH with SRP, PASSWORD_SRP and
/// DEVICE_SRP_AUTH fail at once with [`cognito_auth::Error::Random`] instead of computing.
/// Flags as for [`sign_in_transcript`], plus bits 4-5 for the flow: 0 USER_PASSWORD_AUTH,
/// 1 CUSTOM_AUTH without SRP, 2 USER_AUTH, 3 as bit 0 says.
pub fn sign_in_password(data: &[u8]) -> Status {
    transcript(data, false)
}

fn transcript(data: &[u8], srp: bool) -> Status {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let now = if flags & 8 != 0 {
        UnixTime(inp.u64())
    } else {
        FIXED_NOW
    };
    let by_bit_0 = if flags & 1 != 0 {
        cognito_auth::AuthFlow::UserPassword
    } else {
        cognito_auth::AuthFlow::UserSrp
    };
    let flow = match (srp, (flags >> 4) & 3) {
        (true, _) | (false, 3) => by_bit_0,
        (false, 0) => cognito_auth::AuthFlow::UserPassword,
        (false, 1) => cognito_auth::AuthFlow::CustomWithoutSrp,
        (false, _) => cognito_auth::AuthFlow::UserAuth,
    };
    let config = if srp {
        config(flags & 2 != 0)
    } else {
        config_no_srp(flags & 2 != 0)
    };
    let mut sign_in = SignIn::new(config, USERNAME, PASSWORD).with_flow(flow);
    if flags & 4 != 0 {
        sign_in = sign_in.with_device(cognito_auth::DeviceCredentials {
            device_key: "us-east-1_device-fuzz".into(),
            device_group_key: "-fuzzgroup".into(),
            device_password: DEVICE_PASSWORD.into(),
            user_sub: "fuzz-sub".into(),
        });
    }
    let mut oracle = SignInOracle::new(data);
    let started = sign_in.start();
    oracle.observe(&sign_in, &started, |r| check_request(data, r));
    drive(data, &mut inp, &mut sign_in, now, &mut oracle);
    sign_in.status()
}

/// Up to [`MAX_STEPS`] calls on a machine: a response (ops 0, 1), an answer (2), start again (3).
pub(crate) fn drive(
    data: &[u8],
    inp: &mut Input<'_>,
    sign_in: &mut SignIn,
    now: UnixTime,
    oracle: &mut SignInOracle<'_>,
) {
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        match inp.byte() % 4 {
            0 | 1 => {
                let response = OwnedResponse::decode(inp);
                let result = sign_in.handle_response(response.as_http(), now);
                oracle.observe(sign_in, &result, |s| check_step(data, s));
            }
            2 => {
                let before = sign_in.status();
                let result = sign_in.answer(answer(inp));
                oracle.observe(sign_in, &result, |r| check_request(data, r));
                if result.is_err() {
                    assert_eq!(
                        sign_in.status(),
                        before,
                        "a refused answer changed the state"
                    );
                }
            }
            _ => {
                let result = sign_in.start();
                oracle.observe(sign_in, &result, |r| check_request(data, r));
            }
        }
    }
}

/// A sign-in waiting for the response to an SMS_MFA code (a cheap RespondToAuthChallenge state).
pub(crate) fn sign_in_after_code(client_secret: bool) -> Option<SignIn> {
    let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD)
        .with_flow(cognito_auth::AuthFlow::UserPassword);
    sign_in.start().ok()?;
    let body = json!({ "ChallengeName": "SMS_MFA", "Session": format!("{SESSION_MARKER}-s1"),
        "ChallengeParameters": { "USERNAME": "a1b2-internal", "CODE_DELIVERY_DESTINATION": "+***1234" } })
    .to_string();
    let step = sign_in.handle_response(HttpResponse::new(200, body.as_bytes()), FIXED_NOW);
    assert!(
        matches!(step, Ok(Step::Challenge(_))),
        "SMS_MFA setup failed"
    );
    sign_in.answer(ChallengeAnswer::code("123456")).ok()?;
    Some(sign_in)
}

/// Feeds one response to a machine in flight; checks the result and that a failure sticks.
/// `after_code`: the request in flight answered a one-time code.
pub(crate) fn feed_sign_in(
    data: &[u8],
    sign_in: &mut SignIn,
    response: HttpResponse<'_>,
    after_code: bool,
) {
    let mut oracle = SignInOracle::new(data);
    let result = sign_in.handle_response(response, FIXED_NOW);
    oracle.observe(sign_in, &result, |s| check_step(data, s));
    if let Err(e) = &result
        && after_code
        && e.is_service(&ErrorKind::CodeMismatch)
    {
        assert_eq!(
            sign_in.status(),
            Status::AwaitingAnswer,
            "a wrong code must leave the challenge open"
        );
    }
    let again = sign_in.handle_response(response, FIXED_NOW);
    oracle.observe(sign_in, &again, |s| check_step(data, s));
}

pub(crate) fn feed_refresh(
    data: &[u8],
    flow: RefreshFlow,
    client_secret: bool,
    response: HttpResponse<'_>,
) {
    let mut refresh = Refresh::from_refresh_token(config(client_secret), REFRESH_TOKEN)
        .with_flow(flow)
        .with_internal_username("a1b2-internal");
    let request = refresh.request();
    match &request {
        Ok(r) => check_request(data, r),
        Err(e) => panic!("the refresh request failed: {e}"),
    }
    let result = refresh.handle_response(response, FIXED_NOW);
    assert_no_secret(data, "the Refresh's Debug", &format!("{refresh:?}"));
    match &result {
        Ok(tokens) => {
            assert_no_secret(data, "the Tokens' Debug", &format!("{tokens:?}"));
            assert!(
                tokens.refresh_token.is_some(),
                "a refresh lost the refresh token"
            );
        }
        Err(e) => {
            check_error(data, e);
            let again = refresh.handle_response(response, FIXED_NOW);
            assert_eq!(
                again.as_ref().err(),
                Some(e),
                "a failed refresh changed its error"
            );
        }
    }
}

/// One arbitrary response into every machine state that takes one without SRP math: SignIn
/// after InitiateAuth (USER_PASSWORD_AUTH, CUSTOM_AUTH without SRP, USER_AUTH), after an MFA
/// code, and Refresh with both flows. The states after USER_SRP_AUTH and after the SRP proof are
/// [`parse_response_srp`]'s and the `sign_in` target's.
pub fn parse_response(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let client_secret = flags & 1 != 0;
    let owned = OwnedResponse::decode(&mut inp);
    let response = owned.as_http();
    crate::raw_bodies::check_raw_body(&owned);

    for flow in [
        cognito_auth::AuthFlow::UserPassword,
        cognito_auth::AuthFlow::CustomWithoutSrp,
        cognito_auth::AuthFlow::UserAuth,
    ] {
        let mut sign_in =
            SignIn::new(config_no_srp(client_secret), USERNAME, PASSWORD).with_flow(flow);
        if sign_in.start().is_ok() {
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
    if let Some(mut sign_in) = sign_in_after_code(client_secret) {
        feed_sign_in(data, &mut sign_in, response, true);
    }
    for flow in [
        RefreshFlow::GetTokensFromRefreshToken,
        RefreshFlow::RefreshTokenAuth,
    ] {
        feed_refresh(data, flow, client_secret, response);
    }
}

/// The same response also into the SRP states: SignIn after USER_SRP_AUTH (one g^a) and, with
/// flag bit 1, after a real PASSWORD_VERIFIER answer (one SRP derivation). Replayed over the
/// `parse_response` seeds; the `sign_in` target fuzzes these states.
pub fn parse_response_srp(data: &[u8]) {
    parse_response(data);
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let client_secret = flags & 1 != 0;
    let owned = OwnedResponse::decode(&mut inp);
    let response = owned.as_http();

    let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD);
    if sign_in.start().is_ok() {
        feed_sign_in(data, &mut sign_in, response, false);
    }
    if flags & 2 != 0 {
        // After a real PASSWORD_VERIFIER answer (one SRP derivation).
        let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD);
        if sign_in.start().is_ok() {
            let verifier = seed_password_verifier_json().to_string();
            let step =
                sign_in.handle_response(HttpResponse::new(200, verifier.as_bytes()), FIXED_NOW);
            assert!(
                matches!(step, Ok(Step::Send(_))),
                "the seed PASSWORD_VERIFIER failed"
            );
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
}
