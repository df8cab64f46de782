//! `SuspendedSignIn` from arbitrary JSON: deserialized, resumed, suspended again, and driven.

use serde_json::{Value, json};

use cognito_auth::{Error, SignIn, Status, SuspendedSignIn, UnixTime};

use crate::input::*;
use crate::machines::drive;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// A suspended sign-in as JSON, from the challenge template and the other fields.
fn suspended_json(inp: &mut Input<'_>) -> Value {
    let flags = inp.byte();
    let challenge = challenge_body(inp);
    let username = if flags & 1 == 0 {
        USERNAME.to_owned()
    } else {
        inp.string()
    };
    let user_id = (flags & 2 == 0).then(|| inp.string());
    let device = (flags & 4 != 0).then(|| {
        json!({ "device_key": "us-east-1_device-fuzz", "device_group_key": "-fuzzgroup",
                "device_password": DEVICE_PASSWORD, "user_sub": inp.string() })
    });
    let session = if flags & 8 == 0 {
        format!("{SESSION_MARKER}-7")
    } else {
        inp.string()
    };
    let totp = (flags & 16 != 0).then(|| {
        let secret = if flags & 32 == 0 {
            TOTP_SECRET.to_owned()
        } else {
            inp.string()
        };
        json!([secret, inp.string(), inp.string()])
    });
    json!({
        "username": username,
        "user_id": user_id,
        "device": device,
        "challenge_name": challenge.get("ChallengeName").cloned().unwrap_or(Value::Null),
        "session": session,
        "parameters": challenge.get("ChallengeParameters").cloned().unwrap_or(json!({})),
        "available_challenges": challenge.get("AvailableChallenges").cloned().unwrap_or(json!([])),
        "totp": totp,
        "received_at": inp.u64(),
    })
}

/// Flags (bit 0 raw JSON, bit 1 client secret), the JSON (raw, or generated), then up to
/// [`MAX_STEPS`] calls on the resumed machine, without SRP math ([`NoRandom`]).
pub fn suspended_resume(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let json = if flags & 1 != 0 {
        inp.bytes().to_vec()
    } else {
        suspended_json(&mut inp).to_string().into_bytes()
    };
    let suspended: SuspendedSignIn = match serde_json::from_slice(&json) {
        Ok(s) => s,
        Err(e) => {
            assert!(
                flags & 1 != 0,
                "the generated SuspendedSignIn does not deserialize: {e}"
            );
            assert_no_secret(data, "a SuspendedSignIn error", &e.to_string());
            return;
        }
    };
    check_debug(data, "a SuspendedSignIn's Debug", &suspended);
    let config = config_no_srp(flags & 2 != 0);
    let mut sign_in = match SignIn::resume(config.clone(), suspended.clone()) {
        Ok(s) => s,
        Err(e) => {
            check_error(data, &e);
            assert!(matches!(e, Error::PeerMisbehaved(_)), "resume gave {e:?}");
            return;
        }
    };
    assert_eq!(
        sign_in.status(),
        Status::AwaitingAnswer,
        "resumed elsewhere than at a challenge"
    );
    check_debug(data, "a resumed SignIn's Debug", &sign_in);
    let Some(again) = sign_in.suspend() else {
        panic!("a resumed sign-in cannot be suspended");
    };
    check_debug(data, "a SuspendedSignIn's Debug", &again);
    assert_eq!(again.received_at(), suspended.received_at());
    let Ok(twice) = SignIn::resume(config, again.clone()) else {
        panic!("a sign-in suspended after resume does not resume");
    };
    assert_eq!(
        twice.pending_challenge(),
        sign_in.pending_challenge(),
        "resume changed the challenge"
    );
    assert_eq!(
        twice.suspend().as_ref(),
        Some(&again),
        "suspend/resume is not stable"
    );

    let mut oracle = SignInOracle::new(data);
    let now = UnixTime(
        suspended
            .received_at()
            .as_secs()
            .saturating_add(u64::from(inp.byte())),
    );
    drive(data, &mut inp, &mut sign_in, now, &mut oracle);
}
