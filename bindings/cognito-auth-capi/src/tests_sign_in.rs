//! The JSON paths of the sign-in options, answers and device credentials leave no copy of a
//! secret in freed memory, and their errors never quote one (the allocator of `tests.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cognito_auth::DeviceCredentials;
use zeroize::Zeroizing;

use crate::bytes::CognitoBytes;
use crate::cognito_bytes_free;
use crate::sign_in_options::{Answer, Options, from_json};
use crate::tests::{MARKER, secret, watch};

/// `parts` joined, in one allocation of exactly their length (a `format!` that grows its
/// buffer would leave stale copies of the secret in freed blocks).
/// Zeroized when dropped, as every test-owned copy of the secret: a stale one in a freed
/// block the library is handed again would be blamed on it too.
fn joined(parts: &[&str]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(parts.iter().map(|p| p.len()).sum()));
    for part in parts {
        text.push_str(part);
    }
    text
}

fn has_marker(text: &str) -> bool {
    text.as_bytes().windows(MARKER.len()).any(|w| w == MARKER)
}

#[test]
fn answers_leave_no_copy_behind() {
    let value = Zeroizing::new(secret(600));
    for json in [
        joined(&[r#"{"type":"CODE","code":""#, &value, r#""}"#]),
        joined(&[r#"{"type":"PASSWORD","password":""#, &value, r#""}"#]),
        joined(&[r#"{"type":"CUSTOM","answer":""#, &value, r#""}"#]),
        joined(&[
            r#"{"type":"NEW_PASSWORD","password":""#,
            &value,
            r#"","attributes":{"name":"x"}}"#,
        ]),
        joined(&[
            r#"{"type":"VERIFY_TOTP","code":""#,
            &value,
            r#"","friendly_name":"phone"}"#,
        ]),
    ] {
        let watched = watch(|| {
            let answer = from_json::<Answer>(&json, "answer_json").unwrap();
            drop(answer.into_core().unwrap());
        });
        assert_eq!(watched.left_behind, 0, "{:.40}: {watched:?}", json.as_str());
    }
}

#[test]
fn refused_answers_leave_no_copy_behind_and_quote_no_secret() {
    let value = Zeroizing::new(secret(600));
    for json in [
        joined(&[
            r#"{"type":"CODE","code":""#,
            &value,
            r#"","mfa":"SMS_MFA"}"#,
        ]),
        joined(&[r#"{"type":"SHOUT","password":""#, &value, r#""}"#]),
        joined(&[r#"{"type":"CODE","code":""#, &value, r#"","bogus":1}"#]),
        joined(&[r#"{"type":"PASSWORD","password":[""#, &value, r#""]}"#]),
        joined(&[r#"{"type":"CUSTOM","answer":""#, &value]),
    ] {
        let mut message = String::new();
        let watched = watch(|| {
            let failure = match from_json::<Answer>(&json, "answer_json") {
                Ok(answer) => answer.into_core().unwrap_err(),
                Err(failure) => failure,
            };
            message = failure.message;
        });
        assert_eq!(watched.left_behind, 0, "{:.40}: {watched:?}", json.as_str());
        assert!(!has_marker(&message), "{message}");
    }
}

#[test]
fn options_with_a_device_leave_no_copy_behind() {
    let value = Zeroizing::new(secret(400));
    let json = joined(&[
        r#"{"flow":"USER_AUTH","session":""#,
        &value,
        r#"","device":{"device_key":"us-east-1_k",
        "device_group_key":"g","device_password":""#,
        &value,
        r#"","user_sub":"s"}}"#,
    ]);
    let watched = watch(|| drop(from_json::<Options>(&json, "options_json").unwrap()));
    assert_eq!(watched.left_behind, 0, "{watched:?}");
    let bad = Zeroizing::new(json.replace(r#""user_sub":"s""#, r#""user_sub":5"#));
    let mut message = String::new();
    let watched = watch(|| {
        message = from_json::<Options>(&bad, "options_json")
            .err()
            .unwrap()
            .message
    });
    assert_eq!(watched.left_behind, 0, "{watched:?}");
    assert!(!has_marker(&message), "{message}");
}

#[test]
fn device_credentials_json_leaves_no_copy_behind() {
    let device = DeviceCredentials {
        device_key: "us-east-1_k".into(),
        device_group_key: "g".into(),
        device_password: secret(500).into(),
        user_sub: "s".into(),
    };
    let watched = watch(|| {
        let mut json = CognitoBytes::json_of(&device).unwrap();
        // SAFETY: a buffer this library filled, freed once.
        unsafe { cognito_bytes_free(&mut json) };
    });
    assert_eq!(watched.left_behind, 0, "{watched:?}");
    assert_eq!(watched.reallocations, 0, "{watched:?}");
}
