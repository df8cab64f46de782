//! What `/oauth2/userInfo` returns.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// The user's attributes from `/oauth2/userInfo`, as far as the access token's scopes allow
/// (`openid` gives `sub`; `email`, `phone` and `profile` add theirs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UserInfo {
    /// The user's stable id (a UUID).
    pub sub: String,
    /// Cognito's internal user name.
    #[serde(default)]
    pub username: Option<String>,
    /// The e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the e-mail address is verified (Cognito sends `"true"` / `"false"` as strings).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub email_verified: Option<bool>,
    /// The phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Whether the phone number is verified.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub phone_number_verified: Option<bool>,
    /// Every other attribute, as received (`name`, `custom:...`, `identities`...).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// A boolean sent as JSON `true` or as the string `"true"`.
fn lenient_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            Some(serde_json::Value::Bool(b)) => Some(b),
            Some(serde_json::Value::String(s)) => match s.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        },
    )
}
