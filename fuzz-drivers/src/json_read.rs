//! The core's JSON reader (`src/wire/read.rs`) against serde_json, which it replaced on the
//! sign-in path: the same texts accepted, the same values read, the same integers, and the same
//! stored tokens and device credentials as their derived `Deserialize`.

use serde::de::IgnoredAny;
use serde_json::{Map, Value};

use cognito_auth::fuzzing::{JsonTree, read_integers, read_json, skip_json};
use cognito_auth::{DeviceCredentials, Tokens};

/// The reader refuses an array where an object belongs; a derived serde reader takes the
/// members in order from one.
const EXPECTED_OBJECT: &str = "expected an object";
/// The reader recurses, so it stops at serde_json's nesting limit (127 levels) even in a value it
/// skips; serde_json skips any depth without recursing.
const TOO_DEEP: &str = "nested too deeply";

/// The input is the JSON text itself.
pub fn json_read(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // Skipping (unknown members): the syntax serde_json's `IgnoredAny` checks.
    let skipped = skip_json(data);
    let ignored = serde_json::from_slice::<IgnoredAny>(data);
    match (&skipped, &ignored) {
        (Err(e), Ok(_)) => assert!(e.contains(TOO_DEEP), "{text:?}: skip refused ({e})"),
        (Ok(()), Err(e)) => panic!("{text:?}: skipped, serde_json refused: {e}"),
        _ => {}
    }
    // Reading (strings decoded): the values serde_json's `Value` reads. `Value` also refuses
    // numbers beyond f64's range, which the reader keeps as text.
    let tree = read_json(data);
    match (
        tree.as_ref().ok().map(to_value),
        serde_json::from_slice::<Value>(data),
    ) {
        (Some(Some(ours)), Ok(value)) => assert_eq!(ours, value, "{text:?}"),
        (Some(Some(ours)), Err(e)) => panic!("{text:?}: read {ours:?}, serde_json refused: {e}"),
        (None, Ok(value)) => panic!("{text:?}: refused ({tree:?}), serde_json read {value:?}"),
        _ => {}
    }
    let (signed, unsigned) = read_integers(data);
    assert_eq!(
        signed.ok(),
        serde_json::from_slice::<i64>(data).ok(),
        "i64 {text:?}"
    );
    assert_eq!(
        unsigned.ok(),
        serde_json::from_slice::<u64>(data).ok(),
        "u64 {text:?}"
    );
    if let Ok(text) = std::str::from_utf8(data) {
        same_as_serde(
            Tokens::from_json(text).map_err(|e| e.to_string()),
            serde_json::from_str::<Tokens>(text),
        );
        same_as_serde(
            DeviceCredentials::from_json(text).map_err(|e| e.to_string()),
            serde_json::from_str::<DeviceCredentials>(text),
        );
    }
}

fn same_as_serde<T: PartialEq + std::fmt::Debug>(
    ours: Result<T, String>,
    serde: Result<T, serde_json::Error>,
) {
    match (ours, serde) {
        (Ok(ours), Ok(serde)) => assert_eq!(ours, serde),
        (Err(_), Err(_)) => {}
        (Ok(ours), Err(e)) => panic!("read {ours:?}, serde_json refused: {e}"),
        (Err(e), Ok(serde)) => assert!(
            e.contains(EXPECTED_OBJECT) || e.contains(TOO_DEEP),
            "refused ({e}), serde_json read {serde:?}"
        ),
    }
}

/// The tree as serde_json's `Value` holds it (a repeated member keeps its last value); `None`
/// when it holds a number `Value` cannot.
fn to_value(tree: &JsonTree) -> Option<Value> {
    Some(match tree {
        JsonTree::Null => Value::Null,
        JsonTree::Bool(b) => Value::Bool(*b),
        JsonTree::Number(text) => serde_json::from_str(text).ok()?,
        JsonTree::String(s) => Value::String(s.clone()),
        JsonTree::Array(elements) => {
            Value::Array(elements.iter().map(to_value).collect::<Option<_>>()?)
        }
        JsonTree::Object(members) => {
            let mut map = Map::new();
            for (name, value) in members {
                map.insert(name.clone(), to_value(value)?);
            }
            Value::Object(map)
        }
    })
}
