//! The checked-in seed corpus (`fuzz/seeds/`), built in the drivers' input format.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::input::*;
use crate::responses::*;
use crate::*;

/// A PASSWORD_VERIFIER as Cognito sends it (B < N, 16-byte salt, base64 SECRET_BLOCK).
pub(crate) fn seed_password_verifier_json() -> Value {
    let b: Vec<u8> = (0..384u16)
        .map(|i| u8::try_from((i * 37 + 11) % 256).unwrap_or(0) & 0x7f)
        .collect();
    let block: Vec<u8> = (0..96u8).map(|i| i.wrapping_mul(29)).collect();
    json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": "AYABeFuzzSession",
        "ChallengeParameters": {
            "SALT": "d4f1b5a0c3e27f8812aa09b6e4d3c2b1",
            "SRP_B": hex(&b),
            "SECRET_BLOCK": base64::engine::general_purpose::STANDARD.encode(block),
            "USER_ID_FOR_SRP": "a1b2c3d4-internal",
            "USERNAME": "a1b2c3d4-internal",
        }
    })
}

pub(crate) fn seed_tokens_json(rotated: bool) -> Value {
    let claims = json!({ "sub": "5f0c", "username": "a1b2c3d4-internal", "token_use": "access",
                         "device_key": "us-east-1_dev" });
    let mut result = json!({ "AccessToken": jwt(&claims), "IdToken": jwt(&claims),
                             "ExpiresIn": 3600, "TokenType": "Bearer" });
    if rotated {
        set(
            &mut result,
            "RefreshToken",
            json!("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.rotated"),
        );
        set(
            &mut result,
            "NewDeviceMetadata",
            json!({ "DeviceKey": "us-east-1_dev", "DeviceGroupKey": "-grp" }),
        );
    }
    json!({ "AuthenticationResult": result, "ChallengeParameters": {} })
}

pub(crate) fn seed_challenge_json(name: &str, params: &Value) -> Value {
    json!({ "ChallengeName": name, "Session": "AYABeChallengeSession", "ChallengeParameters": params })
}

/// Realistic challenges: (file name, challenge JSON).
pub(crate) fn seed_challenges() -> Vec<(&'static str, Value)> {
    vec![
        (
            "sms_mfa",
            seed_challenge_json(
                "SMS_MFA",
                &json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                         "CODE_DELIVERY_DESTINATION": "+*******1234", "USER_ID_FOR_SRP": "a1b2c3d4-internal" }),
            ),
        ),
        (
            "software_token_mfa",
            seed_challenge_json("SOFTWARE_TOKEN_MFA", &json!({ "USER_ID_FOR_SRP": "a1b2" })),
        ),
        (
            "select_mfa_type",
            seed_challenge_json(
                "SELECT_MFA_TYPE",
                &json!({ "MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]", "USER_ID_FOR_SRP": "a1b2" }),
            ),
        ),
        (
            "mfa_setup_moto",
            seed_challenge_json(
                "MFA_SETUP",
                &json!({ "MFAS_CAN_SETUP": "['SOFTWARE_TOKEN_MFA']" }),
            ),
        ),
        (
            "new_password_required",
            seed_challenge_json(
                "NEW_PASSWORD_REQUIRED",
                &json!({ "userAttributes": "{\"email_verified\":\"true\",\"email\":\"alice@example.com\",\"phone_number\":\"+15555550100\"}",
                         "requiredAttributes": "[\"userAttributes.name\"]", "USER_ID_FOR_SRP": "a1b2" }),
            ),
        ),
        (
            "custom_challenge",
            seed_challenge_json(
                "CUSTOM_CHALLENGE",
                &json!({ "USERNAME": "a1b2", "question": "2+2?" }),
            ),
        ),
        (
            "email_otp",
            seed_challenge_json(
                "EMAIL_OTP",
                &json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***" }),
            ),
        ),
        (
            "web_authn",
            seed_challenge_json(
                "WEB_AUTHN",
                &json!({ "CREDENTIAL_REQUEST_OPTIONS": "{\"challenge\":\"AAAA\",\"rpId\":\"example.com\"}" }),
            ),
        ),
    ]
}

/// The checked-in seed corpus: (target, file name, bytes). `tests/fuzz_regressions.rs`
/// checks that `fuzz/seeds/` holds exactly these (and writes them with
/// `COGNITO_FUZZ_WRITE_SEEDS=1`).
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let verifier = seed_password_verifier_json();
    let tokens = seed_tokens_json(true);

    // sign_in: op 0 = response, 2 = answer, 3 = start again.
    let srp_full = SeedWriter::new()
        .byte(0)
        .byte(0)
        .json_response(0, &verifier)
        .byte(0)
        .json_response(0, &tokens);
    out.push(("sign_in", "srp_full".into(), srp_full.finish()));
    let srp_secret_template = SeedWriter::new()
        .byte(2)
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(BODY_PASSWORD_VERIFIER)
        .byte(0)
        .byte(0)
        .bytes(&[0xd4, 0xf1, 0xb5, 0xa0, 0xc3, 0xe2, 0x7f, 0x88])
        .byte(0)
        .bytes(&[0x42; 384])
        .byte(0)
        .bytes(&[0x17; 64])
        .string("a1b2c3d4-internal")
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(BODY_TOKENS)
        .byte(0)
        .string("a1b2c3d4-internal");
    out.push((
        "sign_in",
        "srp_secret_template".into(),
        srp_secret_template.finish(),
    ));
    let for_challenges = seed_challenges();
    for (name, challenge) in &for_challenges {
        let answer = match *name {
            "select_mfa_type" => SeedWriter::new().byte(2).byte(2).byte(1),
            "mfa_setup_moto" => SeedWriter::new().byte(2).byte(2).byte(1),
            "new_password_required" => SeedWriter::new()
                .byte(2)
                .byte(3)
                .byte(1)
                .byte(5)
                .string("Alice"),
            "custom_challenge" => SeedWriter::new().byte(2).byte(5).string("4"),
            "web_authn" => SeedWriter::new()
                .byte(2)
                .byte(6)
                .string("{\"id\":\"cred\",\"response\":{}}"),
            _ => SeedWriter::new().byte(2).byte(0),
        };
        let bytes = SeedWriter::new()
            .byte(3)
            .byte(0)
            .json_response(0, challenge)
            .then(answer)
            .byte(0)
            .json_response(0, &tokens)
            .finish();
        out.push(("sign_in", format!("password_{name}"), bytes));
    }
    let mismatch = SeedWriter::new()
        .byte(1)
        .byte(0)
        .json_response(
            0,
            &for_challenges
                .first()
                .map(|c| c.1.clone())
                .unwrap_or_default(),
        )
        .byte(2)
        .byte(0)
        .byte(0)
        .error_response("CodeMismatchException", "Invalid code received for user")
        .byte(2)
        .byte(1)
        .string("654321")
        .byte(0)
        .json_response(0, &tokens);
    out.push((
        "sign_in",
        "password_code_mismatch".into(),
        mismatch.finish(),
    ));
    let failed = SeedWriter::new()
        .byte(0)
        .byte(0)
        .error_response("NotAuthorizedException", "Incorrect username or password.")
        .byte(3)
        .byte(2)
        .byte(0)
        .byte(0)
        .json_response(0, &tokens);
    out.push(("sign_in", "not_authorized_sticky".into(), failed.finish()));
    let unconfirmed = SeedWriter::new()
        .byte(1)
        .byte(0)
        .error_response("UserNotConfirmedException", "User is not confirmed.");
    out.push(("sign_in", "user_not_confirmed".into(), unconfirmed.finish()));

    // parse_response: flags, then one response.
    let mut responses = vec![
        (
            "password_verifier",
            SeedWriter::new().json_response(0, &verifier),
        ),
        (
            "tokens_rotated",
            SeedWriter::new().json_response(0, &tokens),
        ),
        (
            "tokens_kept",
            SeedWriter::new().json_response(0, &seed_tokens_json(false)),
        ),
        (
            "not_authorized",
            SeedWriter::new().error_response("NotAuthorizedException", "Invalid Refresh Token"),
        ),
        (
            "code_mismatch",
            SeedWriter::new().error_response("CodeMismatchException", "Invalid code"),
        ),
        (
            "throttled_body_only",
            SeedWriter::new().json_response(
                3,
                &json!({ "__type": "TooManyRequestsException", "message": "Rate exceeded" }),
            ),
        ),
        (
            "empty_200",
            SeedWriter::new().byte(0).byte(0).byte(BODY_RAW).bytes(b""),
        ),
        (
            "deep_200",
            SeedWriter::new()
                .byte(0)
                .byte(0)
                .byte(BODY_RAW)
                .bytes(format!(r#"{{"a":{}{}}}"#, "[".repeat(200), "]".repeat(200)).as_bytes()),
        ),
    ];
    for (name, challenge) in &for_challenges {
        responses.push((name, SeedWriter::new().json_response(0, challenge)));
    }
    for (name, response) in responses {
        for flags in [0u8, 3] {
            let bytes = SeedWriter::new()
                .byte(flags)
                .then(response.clone())
                .finish();
            out.push(("parse_response", format!("{name}_{flags}"), bytes));
        }
    }

    // challenge_params: flags, then the challenge template (flags, name, params, available).
    /// (name, challenge index, [(parameter key index, value)]).
    type Template = (&'static str, u8, Vec<(u8, SeedWriter)>);
    let templates: Vec<Template> = vec![
        // (name, challenge index, [(param key index, value writer)])
        (
            "select_mfa_type",
            4,
            vec![(0, SeedWriter::new().byte(0).byte(2).byte(0).byte(1).byte(0))],
        ),
        (
            "mfa_setup_python",
            5,
            vec![(1, SeedWriter::new().byte(0).byte(1).byte(1).byte(1))],
        ),
        (
            "new_password_required",
            6,
            vec![
                (
                    2,
                    SeedWriter::new()
                        .byte(1)
                        .byte(3)
                        .byte(0)
                        .byte(0)
                        .string("alice@example.com")
                        .byte(1)
                        .byte(0)
                        .string("true")
                        .byte(4)
                        .byte(0)
                        .string("5f0c"),
                ),
                (3, SeedWriter::new().byte(0).byte(1).byte(4).byte(0)),
            ],
        ),
        (
            "sms_mfa",
            0,
            vec![
                (4, SeedWriter::new().byte(2).byte(0)),
                (5, SeedWriter::new().byte(2).byte(1)),
                (6, SeedWriter::new().byte(3).string("a1b2-internal")),
            ],
        ),
        (
            "custom_challenge",
            7,
            vec![(12, SeedWriter::new().byte(3).string("what is 2+2?"))],
        ),
        (
            "web_authn",
            9,
            vec![(
                8,
                SeedWriter::new().byte(3).string("{\"challenge\":\"AAAA\"}"),
            )],
        ),
        ("select_challenge", 8, vec![]),
        ("device_srp_auth", 10, vec![]),
    ];
    for (name, index, params) in templates {
        for flags in [0u8, 3, 4] {
            let mut w = SeedWriter::new()
                .byte(flags)
                .byte(0)
                .byte(index)
                .byte(u8::try_from(params.len()).unwrap_or(0));
            for (key, value) in &params {
                w = w.byte(*key).then(value.clone());
            }
            // AvailableChallenges: PASSWORD, EMAIL_OTP; then answer strings.
            let w = w
                .byte(2)
                .byte(13)
                .byte(2)
                .string("000000")
                .string("Other")
                .byte(1)
                .byte(5)
                .string("Alice")
                .string("4")
                .string("{}");
            out.push(("challenge_params", format!("{name}_{flags}"), w.finish()));
        }
    }

    // srp_password_claim: flags, salt, B, secret block, [pool], user id, [password], secs.
    let claim = |flags: u8, b: SeedWriter| {
        SeedWriter::new()
            .byte(flags)
            .byte(0)
            .bytes(&[0xd4, 0xf1, 0xb5, 0xa0, 0xc3, 0xe2, 0x7f, 0x88, 0x12, 0xaa])
            .then(b)
            .byte(0)
            .bytes(&[0x17; 48])
            .string("a1b2c3d4-internal")
            .raw(&FIXED_NOW.as_secs().to_le_bytes())
            .bytes(&[0x01; 16])
            .finish()
    };
    out.push((
        "srp_password_claim",
        "valid_b".into(),
        claim(8, SeedWriter::new().byte(0).bytes(&[0x42; 384])),
    ));
    out.push((
        "srp_password_claim",
        "b_is_n".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[1]).byte(0)),
    ));
    out.push((
        "srp_password_claim",
        "b_is_zero".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[]).byte(5)),
    ));
    out.push((
        "srp_password_claim",
        "b_is_3n_upper".into(),
        claim(0, SeedWriter::new().byte(2).bytes(&[3]).byte(1)),
    ));
    out.push((
        "srp_password_claim",
        "b_too_long".into(),
        claim(0, SeedWriter::new().byte(3).bytes(&[0x99; 200])),
    ));
    out.push((
        "srp_password_claim",
        "b_negative".into(),
        claim(0, SeedWriter::new().byte(4).string("-1f")),
    ));

    // arithmetic: shape and bytes of x, of y, then the salt.
    let number = |shape: u8, bytes: &[u8]| SeedWriter::new().byte(shape).bytes(bytes);
    let arithmetic = [
        ("all_ones", number(1, &[]), number(1, &[])),
        ("zero_and_ones", number(2, &[]), number(1, &[0x7f])),
        (
            "top_bit_clear",
            number(0, &[0x7f, 0xff]),
            number(0, &[0x80, 0x01]),
        ),
        (
            "leading_zero_bytes",
            number(3 * 40, &[0x80, 0x3c, 0x9e]),
            number(0, &[0x5a]),
        ),
        ("s_is_zero", number(2, &[]), number(0, &[0x01])),
    ];
    for (name, x, y) in arithmetic {
        let seed = x.then(y).bytes(&[0x00, 0xc4, 0x19, 0x77]).finish();
        out.push(("arithmetic", name.into(), seed));
    }
    let more = crate::seeds_more::more_seeds(&out);
    out.extend(more);
    out
}
