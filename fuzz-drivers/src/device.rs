//! Remembered devices: confirming one (`DeviceConfirmation`) and the store of them
//! (`DeviceStore`, deserialized from arbitrary JSON, then used).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Value, json};

use cognito_auth::{ApiMisuse, DeviceConfirmation, DeviceCredentials, DeviceStore, Error, Tokens};

use crate::account::account_response;
use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// Tokens as an app stores them (serde), with the secret markers as signatures.
pub(crate) fn tokens_json(
    access_claims: &Value,
    id_claims: &Value,
    expires_in: u64,
    expires_at: u64,
    refresh: Option<&str>,
    new_device: Option<(String, String)>,
) -> Value {
    json!({
        "id_token": jwt_signed(id_claims, ID_TOKEN_MARKER),
        "access_token": jwt_signed(access_claims, ACCESS_TOKEN_MARKER),
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": expires_in,
        "expires_at": expires_at,
        "new_device": new_device.map(|(key, group)| json!({ "device_key": key, "device_group_key": group })),
    })
}

fn sub_claims(inp: &mut Input<'_>, present: bool) -> (Value, Option<String>) {
    if present {
        let sub = inp.string();
        (json!({ "sub": sub, "token_use": "access" }), Some(sub))
    } else {
        (json!({ "username": inp.string() }), None)
    }
}

/// DeviceConfirmation: flags (bit 0 client secret, bit 1 no NewDeviceMetadata, bits 2/3 a
/// `sub` in the access/ID token, bit 4 tokens from raw JSON), the device key and group, then
/// calls: start (0), ConfirmDevice's reply (1, 2), remember (3), UpdateDeviceStatus's reply (4).
pub fn device_confirmation(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let device_key = inp.string();
    let group_key = inp.string();
    let (access, access_sub) = sub_claims(&mut inp, flags & 4 != 0);
    let (id, id_sub) = sub_claims(&mut inp, flags & 8 != 0);
    let json = if flags & 16 != 0 {
        inp.bytes().to_vec()
    } else {
        let device = (flags & 2 == 0).then(|| (device_key.clone(), group_key.clone()));
        tokens_json(&access, &id, 3600, FIXED_NOW.as_secs(), None, device)
            .to_string()
            .into_bytes()
    };
    let Ok(tokens) = serde_json::from_slice::<Tokens>(&json) else {
        assert!(flags & 16 != 0, "the tokens template does not deserialize");
        return;
    };
    check_debug(data, "the Tokens' Debug", &tokens);
    let expected = (flags & 16 == 0).then(|| access_sub.or(id_sub));
    let mut confirmation = match DeviceConfirmation::new(config(flags & 1 != 0), &tokens) {
        Ok(c) => c,
        Err(e) => {
            check_error(data, &e);
            assert!(matches!(e, Error::InvalidInput(_)), "new gave {e:?}");
            if let Some(sub) = &expected {
                assert!(
                    flags & 2 != 0 || sub.is_none(),
                    "refused tokens with a device and a sub: {e}"
                );
            }
            return;
        }
    };
    if let Some(sub) = &expected {
        assert!(
            flags & 2 == 0 && sub.is_some(),
            "accepted tokens without a device or sub"
        );
    }
    let mut started = false;
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        match inp.byte() % 5 {
            0 => {
                let name = inp.string();
                let name = (!name.is_empty()).then_some(name.as_str());
                let result = confirmation.start(name);
                match &result {
                    Ok(request) => {
                        assert!(!started, "started twice");
                        started = true;
                        check_request(data, request);
                        check_verifier_config(request.body(), &device_key, flags & 16 == 0);
                    }
                    Err(e) => {
                        check_error(data, e);
                        assert!(
                            started && *e == Error::ApiMisuse(ApiMisuse::AlreadyStarted),
                            "start gave {e:?}"
                        );
                    }
                }
            }
            1 | 2 => {
                let owned = account_response(&mut inp);
                let result = confirmation.handle_response(owned.as_http());
                match &result {
                    Ok(confirmed) => {
                        check_debug(data, "a ConfirmedDevice's Debug", confirmed);
                        let credentials = &confirmed.credentials;
                        assert_eq!(
                            credentials.device_password.expose(),
                            confirmed_device_password(),
                            "the device password is not the one drawn"
                        );
                        if let Some(sub) = &expected {
                            assert_eq!(credentials.device_key, device_key);
                            assert_eq!(credentials.device_group_key, group_key);
                            assert_eq!(Some(&credentials.user_sub), sub.as_ref());
                        }
                        let body: Option<Value> = serde_json::from_slice(owned.body()).ok();
                        if let Some(necessary) = body
                            .as_ref()
                            .and_then(|b| b.get("UserConfirmationNecessary"))
                            .and_then(Value::as_bool)
                        {
                            assert_eq!(confirmed.user_confirmation_necessary, necessary);
                        }
                    }
                    Err(e) => check_error(data, e),
                }
            }
            3 => {
                let result = confirmation.remember(inp.byte() & 1 == 1);
                match &result {
                    Ok(request) => check_request(data, request),
                    Err(e) => check_error(data, e),
                }
            }
            _ => {
                let owned = account_response(&mut inp);
                if let Err(e) = confirmation.handle_status_response(owned.as_http()) {
                    check_error(data, &e);
                }
            }
        }
        check_debug(data, "a DeviceConfirmation's Debug", &confirmation);
    }
}

/// ConfirmDevice's body: the device key, and a verifier config whose salt is the 16 bytes
/// drawn from [`FixedRandom`] and whose verifier is a non-zero number below N.
fn check_verifier_config(body: &[u8], device_key: &str, known_key: bool) {
    let body: Value = match serde_json::from_slice(body) {
        Ok(b) => b,
        Err(e) => panic!("ConfirmDevice's body is not JSON: {e}"),
    };
    if known_key {
        assert_eq!(
            body.get("DeviceKey").and_then(Value::as_str),
            Some(device_key)
        );
    }
    let config = body.get("DeviceSecretVerifierConfig");
    let field = |name: &str| {
        config
            .and_then(|c| c.get(name))
            .and_then(Value::as_str)
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .unwrap_or_else(|| panic!("ConfirmDevice without a base64 {name}"))
    };
    let salt = field("Salt");
    assert!(
        salt.len() <= 17
            && salt
                .iter()
                .rev()
                .zip(FIXED_A[..16].iter().rev())
                .all(|(a, b)| a == b),
        "the salt is not the one drawn"
    );
    let verifier = field("PasswordVerifier");
    let v = num_bigint::BigUint::from_bytes_be(&verifier);
    assert!(
        v < n() && v != num_bigint::BigUint::from(0u8),
        "the verifier is not in 1..N"
    );
}

/// A device's credentials from the input, with the secret device password unless bit 0 of
/// `which` says otherwise.
fn credentials(inp: &mut Input<'_>, which: u8) -> DeviceCredentials {
    let subs = ["sub-a", "sub-b", "sub-c"];
    let keys = ["us-east-1_k1", "us-east-1_k2", "us-east-1_k3"];
    let password = if which & 1 == 0 {
        DEVICE_PASSWORD.to_owned()
    } else {
        inp.string()
    };
    DeviceCredentials {
        device_key: inp.pick_or_string(&keys),
        device_group_key: "-grp".into(),
        device_password: password.into(),
        user_sub: inp.pick_or_string(&subs),
    }
}

const NAMES: [&str; 6] = [
    "sub-a",
    "sub-b",
    "sub-c",
    "alice@example.com",
    "+15555550100",
    "bob",
];

/// The store as a plain model: device key by sub, sub by alias.
#[derive(Debug, Default)]
struct Model {
    by_sub: BTreeMap<String, (String, String)>,
    aliases: BTreeMap<String, String>,
}

impl Model {
    fn from_json(json: &Value) -> Option<Self> {
        let mut model = Model::default();
        for (sub, c) in json.get("by_sub")?.as_object()? {
            let key = c.get("device_key")?.as_str()?.to_owned();
            let user_sub = c.get("user_sub")?.as_str()?.to_owned();
            model.by_sub.insert(sub.clone(), (key, user_sub));
        }
        for (alias, sub) in json.get("aliases")?.as_object()? {
            model
                .aliases
                .insert(alias.clone(), sub.as_str()?.to_owned());
        }
        Some(model)
    }

    fn for_username(&self, typed: &str) -> Option<&(String, String)> {
        let sub = self.aliases.get(typed).map_or(typed, String::as_str);
        self.by_sub.get(sub)
    }
}

/// DeviceStore: from raw JSON (flag bit 0) or a generated one, then insert (0), link an alias
/// (1), remove a device (2), look up (3); each checked against a model, and the store must
/// round-trip through serde and never show a device password.
pub fn device_store(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let json: Vec<u8> = if flags & 1 != 0 {
        inp.bytes().to_vec()
    } else {
        let mut by_sub = serde_json::Map::new();
        for _ in 0..inp.byte() % 4 {
            let sub = inp.pick_or_string(&NAMES);
            let which = inp.byte();
            let c = credentials(&mut inp, which);
            by_sub.insert(
                sub,
                serde_json::to_value(&c).unwrap_or_else(|e| panic!("credentials: {e}")),
            );
        }
        let mut aliases = serde_json::Map::new();
        for _ in 0..inp.byte() % 4 {
            aliases.insert(
                inp.pick_or_string(&NAMES),
                json!(inp.pick_or_string(&NAMES)),
            );
        }
        json!({ "by_sub": by_sub, "aliases": aliases })
            .to_string()
            .into_bytes()
    };
    let mut store: DeviceStore = match serde_json::from_slice(&json) {
        Ok(store) => store,
        Err(e) => {
            assert!(
                flags & 1 != 0,
                "the generated store does not deserialize: {e}"
            );
            assert_no_secret(data, "a DeviceStore error", &e.to_string());
            return;
        }
    };
    // serde_json skips unknown members without checking their UTF-8, so a store can load from
    // bytes a `Value` refuses: nothing to model then (found by the long run, regression seed
    // `regression-invalid-utf8-in-unknown-member`).
    let Ok(value) = serde_json::from_slice::<Value>(&json) else {
        return;
    };
    let Some(mut model) = Model::from_json(&value) else {
        // serde's derived structs also load from a sequence (`[by_sub, aliases]`, regression
        // seed `regression-store-as-a-sequence`): nothing to model then. An object must model.
        assert!(
            value.is_array(),
            "a store deserialized but its JSON has no by_sub/aliases maps"
        );
        return;
    };
    for _ in 0..MAX_STEPS {
        if inp.is_empty() {
            break;
        }
        match inp.byte() % 4 {
            0 => {
                let typed = inp.pick_or_string(&NAMES);
                let which = inp.byte();
                let c = credentials(&mut inp, which);
                store.insert(&typed, c.clone());
                model.aliases.insert(typed.clone(), c.user_sub.clone());
                model.by_sub.insert(
                    c.user_sub.clone(),
                    (c.device_key.clone(), c.user_sub.clone()),
                );
                assert_eq!(store.for_username(&typed), Some(&c), "inserted, not found");
            }
            1 => {
                let typed = inp.pick_or_string(&NAMES);
                let sub = inp.pick_or_string(&NAMES);
                store.link_alias(&typed, &sub);
                model.aliases.insert(typed, sub);
            }
            2 => {
                let key = inp.pick_or_string(&["us-east-1_k1", "us-east-1_k2", "us-east-1_k3"]);
                let removed = store.remove_device(&key);
                let modelled = model
                    .by_sub
                    .iter()
                    .find(|(_, (k, _))| *k == key)
                    .map(|(s, _)| s.clone());
                match (&removed, modelled) {
                    (Some(c), Some(sub)) => {
                        assert_eq!(c.device_key, key, "removed another device");
                        model.by_sub.remove(&sub);
                    }
                    (None, None) => {}
                    (r, m) => panic!("remove_device({key}) gave {r:?}, the model {m:?}"),
                }
                if let Some(c) = &removed {
                    check_debug(data, "a removed device's Debug", c);
                }
            }
            _ => {}
        }
        for name in NAMES {
            let found = store.for_username(name);
            let want = model.for_username(name);
            assert_eq!(
                found.map(|c| (c.device_key.as_str(), c.user_sub.as_str())),
                want.map(|(k, s)| (k.as_str(), s.as_str())),
                "for_username({name}) disagrees with the model"
            );
        }
    }
    check_debug(data, "a DeviceStore's Debug", &store);
    let again = serde_json::to_vec(&store)
        .ok()
        .and_then(|j| serde_json::from_slice::<DeviceStore>(&j).ok());
    assert_eq!(
        again.as_ref(),
        Some(&store),
        "a DeviceStore does not round-trip"
    );
}
