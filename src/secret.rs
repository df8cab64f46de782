//! A string that holds a secret: zeroized on drop, redacted in `Debug`.

use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::wire::request::SecretBody;

/// A secret string (password, token, session, device secret). Zeroized on drop; `Debug` prints
/// `<redacted>`. Read it with [`expose`](Self::expose) only where it must leave the process.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `value` serialized as JSON, for what holds secrets (stored [`Tokens`](crate::Tokens),
    /// [`DeviceCredentials`](crate::DeviceCredentials)). Unlike `serde_json::to_string`, it
    /// leaves no copy in freed memory: the working buffer is zeroized whenever it grows and
    /// when it is dropped, and the result is one allocation of exactly the JSON's length.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use cognito_auth::{SecretString, Tokens};
    /// let stored = r#"{"id_token":"i","access_token":"a","refresh_token":"r",
    ///     "token_type":"Bearer","expires_in":3600,"expires_at":1700003600,"new_device":null}"#;
    /// let tokens = Tokens::from_json(stored)?;
    /// let json = SecretString::json(&tokens)?;
    /// assert_eq!(Tokens::from_json(json.expose())?, tokens);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// What `value`'s `Serialize` implementation returns (derived ones over strings, numbers
    /// and string-keyed maps never fail).
    pub fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Self> {
        let mut body = SecretBody::new();
        serde_json::to_writer(&mut body, value)?;
        Self::from_json_body(&body)
    }

    /// [`json`](Self::json), indented as `serde_json::to_string_pretty` writes it (for a file a
    /// person may read).
    ///
    /// # Errors
    /// As [`json`](Self::json).
    pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Self> {
        let mut body = SecretBody::new();
        serde_json::to_writer_pretty(&mut body, value)?;
        Self::from_json_body(&body)
    }

    /// Not generic, so one copy serves every `T`.
    fn from_json_body(body: &SecretBody) -> serde_json::Result<Self> {
        // serde_json writes UTF-8 only.
        let text = core::str::from_utf8(body.bytes())
            .map_err(|_| <serde_json::Error as serde::ser::Error>::custom("JSON not in UTF-8"))?;
        Ok(Self::new(text))
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretString::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn json_is_exact_for_small_and_grown_values() {
        use std::collections::BTreeMap;
        let json = SecretString::json(&BTreeMap::from([("a", "b")]));
        assert!(json.is_ok_and(|j| j.expose() == r#"{"a":"b"}"# && j.0.capacity() == 9));
        // Past the initial 2 KiB the buffer grows, more than once; the text stays whole and
        // escaped as serde_json escapes it.
        let long = "a\"b\\c\u{1}é".repeat(900);
        let value = BTreeMap::from([("a", long.as_str()), ("b", "y")]);
        let expected = serde_json::to_string(&value).unwrap_or_default();
        assert!(expected.len() > 8192);
        let json = SecretString::json(&value);
        assert!(json.is_ok_and(|j| j.expose() == expected && j.0.capacity() == expected.len()));
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
        let json = SecretString::json_pretty(&value);
        assert!(json.is_ok_and(|j| j.expose() == pretty && j.0.capacity() == pretty.len()));
    }
}
