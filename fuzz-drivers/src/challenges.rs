//! Arbitrary challenges, every answer to them, and suspend/resume.

use std::collections::BTreeMap;

use cognito_auth::{
    ChallengeAnswer, Error, HttpResponse, MfaType, Operation, SignIn, Status, Step,
};

use crate::input::*;
use crate::machines::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// Every ChallengeAnswer variant the input can make, plus ones that fit the challenge.
pub(crate) fn answers_for(
    inp: &mut Input<'_>,
    pending: Option<&cognito_auth::Challenge>,
) -> Vec<ChallengeAnswer> {
    let mut answers = vec![
        ChallengeAnswer::code("123456"),
        ChallengeAnswer::code(inp.string()),
        ChallengeAnswer::SelectMfaType(MfaType::Sms),
        ChallengeAnswer::SelectMfaType(MfaType::SoftwareToken),
        ChallengeAnswer::SelectMfaType(MfaType::Email),
        ChallengeAnswer::SelectMfaType(MfaType::Other(inp.string())),
        ChallengeAnswer::NewPassword {
            password: NEW_PASSWORD.into(),
            attributes: attributes(inp),
        },
        ChallengeAnswer::NewPassword {
            password: "".into(),
            attributes: BTreeMap::new(),
        },
        ChallengeAnswer::Custom(inp.string().into()),
        ChallengeAnswer::WebAuthnCredential(inp.string()),
        ChallengeAnswer::SetUpTotp,
        ChallengeAnswer::VerifyTotp {
            code: "123456".into(),
            friendly_name: None,
        },
        ChallengeAnswer::SetUpEmail(inp.string()),
        ChallengeAnswer::SelectFirstFactor(cognito_auth::FirstFactor::PasswordSrp),
        ChallengeAnswer::SelectFirstFactor(cognito_auth::FirstFactor::Password),
        ChallengeAnswer::SelectFirstFactor(cognito_auth::FirstFactor::EmailOtp),
        ChallengeAnswer::Password(PASSWORD.into()),
    ];
    match pending {
        Some(cognito_auth::Challenge::NewPasswordRequired {
            user_attributes,
            required_attributes,
        }) => {
            let mut attributes: BTreeMap<String, String> = required_attributes
                .iter()
                .map(|name| (name.clone(), "fuzz".to_owned()))
                .collect();
            attributes.extend(user_attributes.clone());
            answers.push(ChallengeAnswer::NewPassword {
                password: NEW_PASSWORD.into(),
                attributes,
            });
        }
        Some(
            cognito_auth::Challenge::SelectMfaType(offered)
            | cognito_auth::Challenge::MfaSetup(offered),
        ) => {
            answers.extend(offered.iter().cloned().map(ChallengeAnswer::SelectMfaType));
        }
        _ => {}
    }
    answers
}

/// An arbitrary challenge (name, parameters, AvailableChallenges) as the reply to InitiateAuth
/// or, with flag bit 1, to an MFA code; then every ChallengeAnswer variant on a fresh machine
/// each, plus suspend/resume. No SRP math: the PASSWORD_SRP answer and the flag bit 4 path are
/// [`challenge_params_srp`]'s.
pub fn challenge_params(data: &[u8]) {
    challenge_params_with(data, false);
}

/// [`challenge_params`] with the SRP paths: with flag bit 4 the same response after
/// USER_SRP_AUTH, and the PASSWORD_SRP answer (one g^a). Replayed over the seeds; the `sign_in`
/// target fuzzes these paths.
pub fn challenge_params_srp(data: &[u8]) {
    challenge_params_with(data, true);
}

fn challenge_params_with(data: &[u8], srp: bool) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let client_secret = flags & 1 != 0;
    let body = challenge_body(&mut inp).to_string();
    let response = HttpResponse::new(200, body.as_bytes());

    let at_challenge = || -> Option<SignIn> {
        let mut sign_in = if flags & 2 != 0 {
            sign_in_after_code(client_secret)?
        } else {
            let mut s = SignIn::new(config(client_secret), USERNAME, PASSWORD)
                .with_flow(cognito_auth::AuthFlow::UserPassword);
            s.start().ok()?;
            s
        };
        let mut oracle = SignInOracle::new(data);
        let result = sign_in.handle_response(response, FIXED_NOW);
        oracle.observe(&sign_in, &result, |s| check_step(data, s));
        if let Ok(Step::Challenge(challenge)) = &result {
            assert_eq!(sign_in.status(), Status::AwaitingAnswer);
            assert_eq!(sign_in.pending_challenge(), Some(challenge));
        }
        (sign_in.status() == Status::AwaitingAnswer).then_some(sign_in)
    };
    if srp && flags & 4 != 0 {
        // SRP flow: the same response after USER_SRP_AUTH (one g^a).
        let mut sign_in = SignIn::new(config(client_secret), USERNAME, PASSWORD);
        if sign_in.start().is_ok() {
            feed_sign_in(data, &mut sign_in, response, false);
        }
    }
    let Some(first) = at_challenge() else {
        return;
    };
    let pending = first.pending_challenge().cloned();

    // Suspend, serialize, resume: the same challenge.
    if let Some(suspended) = first.suspend() {
        assert_no_secret(data, "a SuspendedSignIn's Debug", &format!("{suspended:?}"));
        let json = serde_json::to_string(&suspended).unwrap_or_default();
        let back: Option<cognito_auth::SuspendedSignIn> = serde_json::from_str(&json).ok();
        assert_eq!(
            back.as_ref(),
            Some(&suspended),
            "suspend does not round-trip"
        );
        match SignIn::resume(config(client_secret), suspended) {
            Ok(resumed) => assert_eq!(resumed.pending_challenge(), pending.as_ref()),
            Err(e) => panic!("resume failed on a challenge that parsed: {e}"),
        }
    } else {
        panic!("a machine waiting for an answer cannot be suspended");
    }

    for answer in answers_for(&mut inp, pending.as_ref()) {
        if !srp
            && matches!(
                answer,
                ChallengeAnswer::SelectFirstFactor(cognito_auth::FirstFactor::PasswordSrp)
            )
        {
            continue;
        }
        let Some(mut sign_in) = at_challenge() else {
            return;
        };
        match sign_in.answer(answer) {
            Ok(request) => {
                check_request(data, &request);
                // MFA setup answers call AssociateSoftwareToken / VerifySoftwareToken.
                assert!(matches!(
                    request.operation(),
                    Operation::RespondToAuthChallenge
                        | Operation::AssociateSoftwareToken
                        | Operation::VerifySoftwareToken
                ));
                assert_eq!(
                    sign_in.status(),
                    Status::AwaitingResponse(request.operation())
                );
                let again = sign_in.answer(ChallengeAnswer::code("1"));
                assert!(again.is_err(), "answered twice");
            }
            Err(e) => {
                check_error(data, &e);
                assert!(
                    matches!(e, Error::ApiMisuse(_) | Error::InvalidInput(_)),
                    "a refused answer gave {e:?}"
                );
                assert_eq!(sign_in.status(), Status::AwaitingAnswer);
                assert_eq!(sign_in.pending_challenge(), pending.as_ref());
            }
        }
    }
}
