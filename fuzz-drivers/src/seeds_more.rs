//! Seeds of the targets that need no SRP math, in the drivers' input format.

use serde_json::json;

use crate::input::*;
use crate::responses::*;
use crate::*;

type Seeds = Vec<(&'static str, String, Vec<u8>)>;

fn push(out: &mut Seeds, target: &'static str, name: &str, seed: SeedWriter) {
    out.push((target, name.to_owned(), seed.finish()));
}

/// A raw 200 reply as `account_response` reads it: status 200, no headers, raw body.
fn raw_200(body: &str) -> SeedWriter {
    SeedWriter::new().byte(0).byte(0).byte(0).string(body)
}

pub(crate) fn more_seeds(sign_in: &Seeds) -> Seeds {
    let mut out = Seeds::new();
    // sign_in_password: the USER_PASSWORD_AUTH transcripts of sign_in, and CUSTOM_AUTH.
    for (target, name, bytes) in sign_in {
        if *target == "sign_in" && !name.starts_with("srp_") {
            out.push(("sign_in_password", name.clone(), bytes.clone()));
        }
    }
    let custom = seeds_custom();
    out.push(("sign_in_password", "custom_without_srp".into(), custom));

    // account_responses: flags (bit 1: requests too), status, headers, body.
    push(
        &mut out,
        "account_responses",
        "get_user",
        SeedWriter::new()
            .byte(2)
            .then(raw_200(
                r#"{"Username":"u-1","UserAttributes":[{"Name":"email","Value":"a@example.com"}],"MFAOptions":[{"DeliveryMedium":"SMS","AttributeName":"phone_number"}]}"#,
            ))
            .string("alice@example.com")
            .byte(10)
            .byte(60),
    );
    push(
        &mut out,
        "account_responses",
        "error_header",
        SeedWriter::new()
            .byte(0)
            .byte(1)
            .byte(1)
            .byte(0)
            .byte(0)
            .byte(0)
            .string(r#"{"message":"Access Token has been revoked"}"#),
    );
    // A generated object: SecretCode = the TOTP secret, Session = a Session marker.
    push(
        &mut out,
        "account_responses",
        "software_token_secret",
        SeedWriter::new()
            .byte(1)
            .byte(0)
            .byte(0)
            .byte(1)
            .byte(2)
            .byte(12)
            .byte(0)
            .byte(13)
            .byte(0),
    );
    push(
        &mut out,
        "account_responses",
        "list_devices",
        SeedWriter::new().byte(0).then(raw_200(
            r#"{"Devices":[{"DeviceKey":"us-east-1_k","DeviceAttributes":[{"Name":"device_name","Value":"phone"}],"DeviceCreateDate":1.7E9}],"PaginationToken":"p"}"#,
        )),
    );

    // sign_up_flow: start, ConfirmationRequired, a wrong code, then confirmed.
    let confirmation_required = SeedWriter::new()
        .byte(0)
        .byte(1)
        .byte(0)
        .string("5f0c-sub")
        .byte(0);
    let wrong_code = SeedWriter::new()
        .byte(0)
        .byte(2)
        .byte(0)
        .string("Invalid code");
    let confirmed = SeedWriter::new()
        .byte(0)
        .byte(1)
        .byte(1)
        .string("5f0c-sub")
        .byte(0);
    push(
        &mut out,
        "sign_up_flow",
        "wrong_code_then_confirmed",
        SeedWriter::new()
            .byte(0)
            .string("alice@example.com")
            .byte(2)
            .then(confirmation_required.clone())
            .byte(3)
            .string("123456")
            .then(wrong_code.clone())
            .byte(3)
            .string("654321")
            .then(confirmed.clone()),
    );
    push(
        &mut out,
        "sign_up_flow",
        "resume_resend",
        SeedWriter::new()
            .byte(3)
            .byte(4)
            .then(confirmation_required.clone())
            .byte(3)
            .string("123456")
            .then(confirmed.clone()),
    );
    // password_reset_flow: start, code sent, wrong code, resend, confirm, done.
    push(
        &mut out,
        "password_reset_flow",
        "wrong_code_resend_done",
        SeedWriter::new()
            .byte(0)
            .byte(2)
            .then(confirmation_required.clone())
            .byte(3)
            .string("123456")
            .byte(0)
            .then(wrong_code)
            .byte(4)
            .then(confirmation_required)
            .byte(3)
            .string("654321")
            .byte(0)
            .byte(0)
            .byte(0)
            .then(raw_200("")),
    );

    // device_confirmation: a sub in both tokens; start, confirmed (ask the user), remember.
    let device = |flags: u8| {
        SeedWriter::new()
            .byte(flags)
            .string("us-east-1_0f1e2d3c-4b5a-6978")
            .string("-grp")
            .string("5f0c-sub")
            .string("5f0c-sub")
            .byte(0)
            .string("My phone")
            .byte(1)
            .then(raw_200(r#"{"UserConfirmationNecessary":true}"#))
            .byte(3)
            .byte(1)
            .byte(4)
            .then(raw_200(""))
    };
    push(&mut out, "device_confirmation", "remembered", device(12));
    push(&mut out, "device_confirmation", "no_new_device", device(2));

    // device_store: two users, an alias, insert, link, remove, look up.
    push(
        &mut out,
        "device_store",
        "two_users",
        SeedWriter::new()
            .byte(0)
            .byte(2)
            .raw(&[0, 0, 0, 0, 1, 0, 1, 1])
            .byte(1)
            .raw(&[3, 0])
            .raw(&[0, 4, 0, 2, 2, 1, 5, 1, 2, 0, 3]),
    );
    let store = json!({ "by_sub": { "s": { "device_key": "k", "device_group_key": "g",
        "device_password": "p", "user_sub": "s" } }, "aliases": { "a": "s" } });
    push(
        &mut out,
        "device_store",
        "raw_json",
        SeedWriter::new()
            .byte(1)
            .string(&store.to_string())
            .raw(&[2, 3, 3]),
    );

    // token_manager: due, refreshed, due again, transport failure, throttled, signed out.
    let tokens_reply = SeedWriter::new()
        .byte(0)
        .byte(0)
        .byte(BODY_TOKENS)
        .byte(4)
        .string("a1b2-internal")
        .raw(&u64::MAX.to_le_bytes())
        .raw(&3600u64.to_le_bytes());
    let error_reply = |status: u8, code: u8| {
        SeedWriter::new()
            .byte(status)
            .byte(0)
            .byte(BODY_ERROR)
            .byte(0)
            .byte(code)
            .byte(0)
            .string("no")
    };
    push(
        &mut out,
        "token_manager",
        "refresh_fail_backoff_sign_out",
        SeedWriter::new()
            .byte(0)
            .raw(&FIXED_NOW.as_secs().to_le_bytes())
            .raw(&3600u16.to_le_bytes())
            .raw(&300u16.to_le_bytes())
            .byte(30)
            .byte(7)
            .byte(1)
            .raw(&3400u16.to_le_bytes())
            .byte(3)
            .byte(5)
            .then(tokens_reply)
            .byte(1)
            .raw(&3400u16.to_le_bytes())
            .byte(3)
            .byte(6)
            .byte(0)
            .byte(1)
            .byte(3)
            .byte(5)
            .then(error_reply(4, 5))
            .byte(0)
            .byte(2)
            .byte(3)
            .byte(0)
            .byte(40)
            .byte(3)
            .byte(5)
            .then(error_reply(1, 0))
            .byte(3)
            .byte(4),
    );
    push(
        &mut out,
        "token_manager",
        "short_lifetime_timeout",
        SeedWriter::new()
            .byte(4)
            .raw(&FIXED_NOW.as_secs().to_le_bytes())
            .raw(&5u16.to_le_bytes())
            .raw(&300u16.to_le_bytes())
            .byte(1)
            .raw(&[3, 0, 10, 3, 0, 29, 3, 4, 0, 2, 3, 5, 0, 0, 0, 0, 0]),
    );

    // jwt_claims: well-typed claims; then a padded payload and a raw token.
    push(
        &mut out,
        "jwt_claims",
        "access_and_id",
        SeedWriter::new()
            .byte(0)
            .byte(0)
            .byte(3)
            .byte(0)
            .byte(0)
            .string("5f0c")
            .byte(0)
            .byte(1)
            .string("a1b2-internal")
            .byte(10)
            .byte(0)
            .raw(&1_700_003_600u64.to_le_bytes())
            .byte(0)
            .byte(2)
            .byte(0)
            .byte(2)
            .string("a1b2-internal")
            .byte(0)
            .byte(0)
            .string("5f0c")
            .raw(&FIXED_NOW.as_secs().to_le_bytes())
            .raw(&300u64.to_le_bytes()),
    );
    push(
        &mut out,
        "jwt_claims",
        "padded_and_raw",
        SeedWriter::new()
            .byte(1)
            .byte(3)
            .byte(1)
            .byte(0)
            .byte(0)
            .string("5f0c")
            .byte(5)
            .string("not-a-jwt")
            .raw(&u64::MAX.to_le_bytes()),
    );

    // http_date: a formatted time, the RFC's example, an impossible date.
    push(
        &mut out,
        "http_date",
        "formatted",
        SeedWriter::new()
            .byte(0)
            .raw(&1_700_000_000u64.to_le_bytes()),
    );
    push(
        &mut out,
        "http_date",
        "rfc_example",
        SeedWriter::new()
            .byte(1)
            .string("Sun, 06 Nov 1994 08:49:37 GMT"),
    );
    push(
        &mut out,
        "http_date",
        "february_31",
        SeedWriter::new()
            .byte(0x41)
            .string("Thu, 31 Feb 2024 00:00:00 GMT"),
    );

    // suspended_resume: an SMS_MFA answered; a TOTP enrolment verified; raw JSON.
    let sms = SeedWriter::new()
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(0)
        .byte(1)
        .byte(4)
        .byte(2)
        .byte(0)
        .byte(0)
        .string("a1b2-internal")
        .raw(&FIXED_NOW.as_secs().to_le_bytes())
        .byte(5)
        .byte(2)
        .byte(0)
        .byte(0)
        .json_response(0, &crate::seeds::seed_tokens_json(false));
    push(&mut out, "suspended_resume", "sms_mfa", sms);
    let totp = SeedWriter::new()
        .byte(0)
        .byte(16)
        .byte(0)
        .byte(5)
        .byte(0)
        .byte(0)
        .string("a1b2-internal")
        .string("Example")
        .string("alice")
        .raw(&FIXED_NOW.as_secs().to_le_bytes())
        .byte(5)
        .byte(2)
        .byte(8)
        .string("123456")
        .string("phone")
        .byte(0)
        .then(raw_200(r#"{"Status":"SUCCESS","Session":"next"}"#));
    push(&mut out, "suspended_resume", "totp_setup", totp);
    let raw = json!({ "username": "alice", "user_id": null, "device": null,
        "challenge_name": "CUSTOM_CHALLENGE", "session": "s", "parameters": { "q": "2+2" },
        "available_challenges": [], "totp": null, "received_at": 1 });
    push(
        &mut out,
        "suspended_resume",
        "raw_custom",
        SeedWriter::new()
            .byte(1)
            .string(&raw.to_string())
            .raw(&[0, 2, 5])
            .string("4"),
    );
    // json_read: the text itself; replies, stored shapes, escapes, numbers at the edges.
    let json_read = [
        (
            "auth_result",
            r#"{"AuthenticationResult":{"AccessToken":"a.b.c","ExpiresIn":3600,"NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}},"ChallengeParameters":{}}"#,
        ),
        (
            "escapes",
            r#"["\u00e9\ud83d\ude00\n\"\/\\", "\ud800", "café"]"#,
        ),
        (
            "numbers",
            "[0,-0,1.5e3,-12E-2,9223372036854775807,18446744073709551616,1e400,01]",
        ),
        ("i64_max", "9223372036854775807"),
        ("u64_max", " 18446744073709551615 "),
        ("nested", r#"[[[[[[[[[[{"a":[null,true,false]}]]]]]]]]]]"#),
        (
            "tokens",
            r#"{"id_token":"i","access_token":"a","refresh_token":null,"token_type":"Bearer","expires_in":3600,"expires_at":1700003600,"new_device":{"device_key":"k","device_group_key":"g"}}"#,
        ),
        ("tokens_as_array", r#"["i","a",null,"Bearer",1,2,null]"#),
        (
            "device",
            r#"{"device_key":"k","device_group_key":"g","device_password":"p","user_sub":"s","x":{}}"#,
        ),
        (
            "repeated",
            r#"{"device_key":"k","device_key":"k","device_group_key":"g","device_password":"p","user_sub":"s"}"#,
        ),
    ];
    for (name, text) in json_read {
        out.push(("json_read", name.to_owned(), text.as_bytes().to_vec()));
    }
    out
}

/// CUSTOM_AUTH without SRP: a custom challenge, its answer, tokens.
fn seeds_custom() -> Vec<u8> {
    let challenge = crate::seeds::seed_challenge_json(
        "CUSTOM_CHALLENGE",
        &json!({ "USERNAME": "a1b2", "question": "2+2?" }),
    );
    SeedWriter::new()
        .byte(0x10)
        .byte(0)
        .json_response(0, &challenge)
        .byte(2)
        .byte(5)
        .string("4")
        .byte(0)
        .json_response(0, &crate::seeds::seed_tokens_json(true))
        .finish()
}
