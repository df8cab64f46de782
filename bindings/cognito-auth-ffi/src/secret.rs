//! `Secret`: a token, password, one-time code, TOTP secret, Session or request body, as an
//! object whose printed forms are `<redacted>` in every language (Kotlin `toString`, Swift
//! `description` / `debugDescription`, Python `repr` / `str`, Rust `Debug`), and whose text
//! is zeroized when the last reference to it goes. `reveal()` gives the text itself.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use cognito_auth::SecretString;

/// A secret. Print it freely: it shows as `<redacted>`. `reveal()` gives the text (to send a
/// request body, to store a token in the keychain / keystore); do not log what it returns.
/// Two secrets are equal when their texts are (compared in constant time for equal
/// lengths); the hash depends on the length only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display, Eq, Hash)]
pub struct Secret(SecretString);

#[uniffi::export]
impl Secret {
    /// Wraps a secret the app has (a password or code typed by the user, a token or device
    /// password read back from the keychain / keystore).
    #[uniffi::constructor]
    pub fn new(value: String) -> Arc<Self> {
        Arc::new(Self(SecretString::new(value)))
    }

    /// The secret's text. The copy returned to the foreign language cannot be zeroized by
    /// this library: keep it short-lived and out of logs.
    pub fn reveal(&self) -> String {
        self.0.expose().to_owned()
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Secret {
    /// Wraps a core secret, without copying it.
    pub(crate) fn wrap(secret: SecretString) -> Arc<Self> {
        Arc::new(Self(secret))
    }

    /// The text, for the conversions into the core types.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The core secret: moved out when this is the last reference, else copied (both are
    /// zeroized when dropped).
    pub(crate) fn into_core(secret: Arc<Self>) -> SecretString {
        match Arc::try_unwrap(secret) {
            Ok(Secret(inner)) => inner,
            Err(shared) => SecretString::new(shared.expose()),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.expose().as_bytes(), other.expose().as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl Hash for Secret {
    /// The length only: consistent with `Eq`, and a hash reveals nothing of the text.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.expose().len().hash(state);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn prints_redacted_compares_by_content_and_hashes_by_length() {
        let a = Secret::new("hunter2-hunter2".into());
        assert_eq!(format!("{a} {a:?}"), "<redacted> <redacted>");
        assert_eq!(a.reveal(), "hunter2-hunter2");
        assert_eq!(*a, *Secret::new("hunter2-hunter2".into()));
        assert_ne!(*a, *Secret::new("hunter2-hunter3".into()));
        assert_ne!(*a, *Secret::new("hunter2".into()));
        let hash = |s: &Secret| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&a), hash(&Secret::new("x".repeat(15))));
        assert!(Secret::new(String::new()).is_empty());
        let shared = Arc::clone(&a);
        assert_eq!(Secret::into_core(shared).expose(), "hunter2-hunter2");
        assert_eq!(Secret::into_core(a).expose(), "hunter2-hunter2");
    }
}
