//! Shapes shared by several account operations.

use serde::{Deserialize, Serialize};

use crate::wire::read::{self, JsonReader};

/// Defines a string enum of the service that may grow: known values as variants, anything
/// else kept verbatim in `Unknown`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this crate does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The value as the service spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }

            /// Reads a value as the service spells it; unknown ones become `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(|value| Self::from_wire(&value))
            }
        }
    };
}
pub(crate) use open_enum;

open_enum! {
    /// `DeliveryMediumType`: how a code was sent.
    DeliveryMedium {
        /// A text message.
        Sms => "SMS",
        /// An e-mail.
        Email => "EMAIL",
    }
}

open_enum! {
    /// `AuthFactorType`: a way the user can sign in.
    AuthFactor {
        /// A password.
        Password => "PASSWORD",
        /// A one-time code by e-mail.
        EmailOtp => "EMAIL_OTP",
        /// A one-time code by SMS.
        SmsOtp => "SMS_OTP",
        /// A passkey.
        WebAuthn => "WEB_AUTHN",
        /// An authenticator app (TOTP).
        SoftwareToken => "SOFTWARE_TOKEN",
    }
}

/// `AttributeType`: one user (or device) attribute, e.g. `email`, `custom:team`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Attribute {
    /// The attribute name (`email`, `phone_number`, `custom:...`).
    pub name: String,
    /// The value; the service may leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Attribute {
    /// An attribute with a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }
}

/// Finds the value of the attribute `name` in `attributes`.
pub(crate) fn find<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.value.as_deref())
}

/// `CodeDeliveryDetailsType`: where Cognito sent a code (the destination is masked, e.g.
/// `j***@e***.com`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CodeDeliveryDetails {
    /// The masked address or number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// SMS or e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_medium: Option<DeliveryMedium>,
    /// The attribute the code went to (`email`, `phone_number`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
}

/// The output of operations that send a code: ForgotPassword, ResendConfirmationCode,
/// GetUserAttributeVerificationCode.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CodeSent {
    /// Where the code went. Absent when the pool hides whether the user exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

/// `MFAOptionType`: a legacy (SMS) MFA option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MfaOption {
    /// Only SMS is supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_medium: Option<DeliveryMedium>,
    /// `phone_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
}

impl MfaOption {
    /// SMS to the `phone_number` attribute, the only option the service supports.
    pub fn sms() -> Self {
        Self {
            delivery_medium: Some(DeliveryMedium::Sms),
            attribute_name: Some("phone_number".to_owned()),
        }
    }
}

/// The output of operations that return nothing: any 2xx reply, whatever its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Empty {}

impl Empty {
    /// Any object.
    pub(crate) fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        reader.any_object().map(|()| Self {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!(DeliveryMedium::from_wire("EMAIL"), DeliveryMedium::Email);
        let pigeon = DeliveryMedium::from_wire("PIGEON");
        assert_eq!(pigeon, DeliveryMedium::Unknown("PIGEON".into()));
        assert_eq!(pigeon.as_str(), "PIGEON");
        let json = serde_json::to_string(&AuthFactor::WebAuthn).unwrap_or_default();
        assert_eq!(json, r#""WEB_AUTHN""#);
    }

    #[test]
    fn attributes_are_found_by_name() {
        let list = [
            Attribute::new("email", "a@b.c"),
            Attribute {
                name: "x".into(),
                value: None,
            },
        ];
        assert_eq!(find(&list, "email"), Some("a@b.c"));
        assert_eq!(find(&list, "x"), None);
        assert_eq!(find(&list, "y"), None);
    }
}
