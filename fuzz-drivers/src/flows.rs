//! The sign-up and password-reset machines (`SignUpFlow`, `PasswordResetFlow`): transcripts of
//! calls and replies, checked for secrets and for final errors that stay final.

use serde_json::{Value, json};

use cognito_auth::account::{PasswordResetFlow, PasswordResetStep, SignUp, SignUpFlow, SignUpStep};
use cognito_auth::{Error, Request};

use crate::account::account_response;
use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// A reply to a flow's request: generated (0), a success template (1) or a service error (2).
fn flow_response(inp: &mut Input<'_>) -> OwnedResponse {
    match inp.byte() % 3 {
        1 => {
            let flags = inp.byte();
            let mut body = serde_json::Map::new();
            body.insert("UserConfirmed".into(), json!(flags & 1 == 1));
            if flags & 2 == 0 {
                body.insert("UserSub".into(), json!(inp.string()));
            }
            if flags & 4 == 0 {
                body.insert("Session".into(), json!(format!("{SESSION_MARKER}-6")));
            }
            if flags & 8 == 0 {
                body.insert(
                    "CodeDeliveryDetails".into(),
                    json!({ "Destination": "a***@e***", "DeliveryMedium": inp.pick_or_string(&["EMAIL", "SMS"]),
                            "AttributeName": "email" }),
                );
            }
            OwnedResponse::new(
                200,
                Vec::new(),
                Value::Object(body).to_string().into_bytes(),
            )
        }
        2 => {
            let code = inp.pick_or_string(&[
                "CodeMismatchException",
                "ExpiredCodeException",
                "InvalidPasswordException",
                "UsernameExistsException",
                "LimitExceededException",
                "TooManyRequestsException",
                "UserNotFoundException",
            ]);
            let body = json!({ "__type": code, "message": inp.string() });
            OwnedResponse::new(400, Vec::new(), body.to_string().into_bytes())
        }
        _ => account_response(inp),
    }
}

/// Tracks a machine's final error: once one is returned, every later call returns it again.
struct Sticky<'d> {
    data: &'d [u8],
    failed: Option<Error>,
}

impl<'d> Sticky<'d> {
    fn new(data: &'d [u8]) -> Self {
        Self { data, failed: None }
    }

    /// `failed_now`: the machine is neither waiting for a code nor done after an error that
    /// is not a misuse, i.e. the error was final.
    fn observe<T: std::fmt::Debug>(&mut self, result: &Result<T, Error>, failed_now: bool) {
        match result {
            Ok(value) => check_debug(self.data, "a flow's result", value),
            Err(e) => check_error(self.data, e),
        }
        if let Some(failed) = &self.failed {
            match result {
                Err(e) => assert_eq!(e, failed, "a failed flow changed its error"),
                Ok(v) => panic!("a failed flow succeeded: {v:?}"),
            }
        } else if let Err(e) = result
            && failed_now
            && !matches!(e, Error::ApiMisuse(_))
        {
            self.failed = Some(e.clone());
        }
    }
}

fn request_session(request: &Request) -> Option<String> {
    let body: Value = serde_json::from_slice(request.body()).ok()?;
    body.get("Session")?.as_str().map(str::to_owned)
}

/// SignUpFlow: flags (bit 0 client secret, bit 1 resume a confirmation), then calls: reply
/// (0, 1), start (2), confirm (3), resend the code (4).
pub fn sign_up_flow(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let config = config(flags & 1 != 0);
    let mut flow = if flags & 2 != 0 {
        SignUpFlow::resume_confirmation(config, USERNAME)
    } else {
        let sign_up = SignUp::new(USERNAME, Some(PASSWORD.into()))
            .with_attribute("email", inp.string())
            .with_validation_data("token", "fuzz-validation-data");
        SignUpFlow::new(config, sign_up)
    };
    let mut sticky = Sticky::new(data);
    // The Session SignUp returned, which ConfirmSignUp must carry.
    let mut session: Option<String> = None;
    let mut sent_sign_up = false;
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        let was_done = flow.is_done();
        let was_awaiting = flow.is_awaiting_code();
        match inp.byte() % 5 {
            0 | 1 => {
                let owned = flow_response(&mut inp);
                let result = flow.handle_response(owned.as_http());
                let failed_now = !flow.is_awaiting_code() && !flow.is_done();
                sticky.observe(&result, failed_now && sent_sign_up_or_awaited(&result));
                if sent_sign_up {
                    session = match &result {
                        Ok(SignUpStep::ConfirmationRequired { .. }) => {
                            serde_json::from_slice::<Value>(owned.body())
                                .ok()
                                .and_then(|b| b.get("Session")?.as_str().map(str::to_owned))
                        }
                        _ => None,
                    };
                }
                if let Ok(SignUpStep::Confirmed { .. }) = &result {
                    assert!(flow.is_done(), "confirmed but not done");
                }
                if let Err(Error::Service(_)) = &result
                    && !sent_sign_up
                    && !was_done
                    && sticky.failed.is_none()
                    && !was_awaiting
                {
                    assert!(
                        flow.is_awaiting_code(),
                        "a service error after confirm or resend must leave the code awaited"
                    );
                }
                sent_sign_up = false;
            }
            2 => {
                let result = flow.start();
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    sent_sign_up = true;
                }
            }
            3 => {
                let code = inp.string();
                let result = flow.confirm(code);
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    assert!(was_awaiting, "confirm without a code awaited");
                    if let Some(session) = &session {
                        assert_eq!(
                            request_session(request).as_ref(),
                            Some(session),
                            "ConfirmSignUp lost SignUp's Session"
                        );
                    }
                }
            }
            _ => {
                let result = flow.resend_code();
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    assert!(was_awaiting, "resend without a code awaited");
                }
            }
        }
        check_debug(data, "a SignUpFlow's Debug", &flow);
        assert!(
            !(flow.is_done() && flow.is_awaiting_code()),
            "done and awaiting a code"
        );
        if was_done {
            assert!(flow.is_done(), "a finished sign-up is no longer done");
        }
    }
}

/// Whether an error from `handle_response` can be the final one (a misuse never is).
fn sent_sign_up_or_awaited<T>(result: &Result<T, Error>) -> bool {
    !matches!(result, Err(Error::ApiMisuse(_)))
}

/// PasswordResetFlow: flags (bit 0 client secret), then calls: reply (0, 1), start (2),
/// confirm with the new password (3), resend the code (4).
pub fn password_reset_flow(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let username = if flags & 2 != 0 {
        inp.string()
    } else {
        USERNAME.to_owned()
    };
    let mut flow = PasswordResetFlow::new(config(flags & 1 != 0), username);
    let mut sticky = Sticky::new(data);
    // What was sent last: 0 nothing, 1 the first ForgotPassword, 2 a resend, 3 a confirm.
    let mut sent = 0u8;
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        let was_done = flow.is_done();
        match inp.byte() % 5 {
            0 | 1 => {
                let owned = flow_response(&mut inp);
                let result = flow.handle_response(owned.as_http());
                let failed_now = !flow.is_awaiting_code() && !flow.is_done();
                sticky.observe(&result, failed_now);
                match (&result, sent) {
                    (Ok(PasswordResetStep::Done), _) => assert!(flow.is_done()),
                    (Ok(PasswordResetStep::CodeSent(_)), _) => assert!(flow.is_awaiting_code()),
                    (Err(Error::Service(_)), 2 | 3) if sticky.failed.is_none() => assert!(
                        flow.is_awaiting_code(),
                        "a service error after confirm or resend must leave the code awaited"
                    ),
                    _ => {}
                }
                sent = 0;
            }
            2 => {
                let result = flow.start();
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    sent = 1;
                }
            }
            3 => {
                let code = inp.string();
                let password = if inp.byte() & 1 == 0 {
                    NEW_PASSWORD.to_owned()
                } else {
                    inp.string()
                };
                let was_awaiting = flow.is_awaiting_code();
                let result = flow.confirm(code, password);
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    assert!(was_awaiting, "confirm without a code awaited");
                    sent = 3;
                }
            }
            _ => {
                let was_awaiting = flow.is_awaiting_code();
                let result = flow.resend_code();
                sticky.observe(&result, false);
                if let Ok(request) = &result {
                    check_request(data, request);
                    assert!(was_awaiting, "resend without a code awaited");
                    sent = 2;
                }
            }
        }
        check_debug(data, "a PasswordResetFlow's Debug", &flow);
        assert!(
            !(flow.is_done() && flow.is_awaiting_code()),
            "done and awaiting a code"
        );
        if was_done {
            assert!(flow.is_done(), "a finished reset is no longer done");
        }
    }
}
