//! The few entry points the fuzz drivers (`fuzz-drivers/`) and `benches/montgomery.rs` need
//! that the public API does not offer: the private SRP arithmetic, to compare with independent
//! implementations. The drivers, decoders and oracles live in `fuzz-drivers/`. Feature
//! `__fuzzing`; not a stable API.

pub use crate::srp::differential::{Residue, key_from_s};

use crate::wire::read::{self, JsonReader};

/// A JSON value as the core's reader (`wire::read`) reads it, for the differential
/// target `json_read`; numbers are kept as their text, members in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonTree {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonTree>),
    Object(Vec<(String, JsonTree)>),
}

/// `text` as one JSON value (nothing after it) read by the core's reader, or its error.
pub fn read_json(text: &[u8]) -> Result<JsonTree, String> {
    whole(text, tree)
}

fn tree(reader: &mut JsonReader<'_>) -> read::Result<JsonTree> {
    Ok(match reader.peek() {
        Some(b'{') => {
            let mut members = Vec::new();
            reader.object(&mut |r, name| {
                members.push((name.into_string(), tree(r)?));
                Ok(())
            })?;
            JsonTree::Object(members)
        }
        Some(b'[') => {
            let mut elements = Vec::new();
            reader.array(&mut |r| {
                elements.push(tree(r)?);
                Ok(())
            })?;
            JsonTree::Array(elements)
        }
        Some(b'"') => JsonTree::String(reader.string()?.into_string()),
        Some(b't' | b'f') => JsonTree::Bool(reader.bool()?),
        _ if reader.null()? => JsonTree::Null,
        _ => JsonTree::Number(reader.raw()?.to_owned()),
    })
}

/// `text` as one JSON value skipped by the reader (as an unknown member is), or its error.
pub fn skip_json(text: &[u8]) -> Result<(), String> {
    whole(text, JsonReader::skip)
}

/// `text` as one integer read by the reader's `integer` (i64) and `unsigned` (u64).
pub fn read_integers(text: &[u8]) -> (Result<i64, String>, Result<u64, String>) {
    (
        whole(text, JsonReader::integer),
        whole(text, JsonReader::unsigned),
    )
}

fn whole<'a, T>(
    text: &'a [u8],
    read: impl FnOnce(&mut JsonReader<'a>) -> read::Result<T>,
) -> Result<T, String> {
    read::whole(text, read).map_err(|e| e.to_string())
}
