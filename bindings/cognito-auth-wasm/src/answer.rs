//! Challenge answers from JS: `{ kind, ...members }` as JSON text (see `ChallengeAnswer` in the
//! package's typings).

use std::collections::BTreeMap;
use std::fmt;

use cognito_auth::{ChallengeAnswer, FirstFactor, MfaType};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Result, invalid_input};

/// The string members an answer may carry, besides `kind` and `attributes`.
const MEMBERS: [&str; 7] = [
    "code",
    "factor",
    "password",
    "answer",
    "credential",
    "email",
    "friendlyName",
];

/// An answer's members, read by a visitor of its own: a derived internally tagged enum
/// buffers through serde's `Content` (~25 KiB of wasm); no serde_json::Value either.
/// Strings not moved into the answer are zeroized on drop.
#[derive(Default)]
struct Members {
    kind: Option<String>,
    values: [Option<String>; MEMBERS.len()],
    attributes: Option<BTreeMap<String, String>>,
}

impl Drop for Members {
    fn drop(&mut self) {
        self.values.iter_mut().flatten().for_each(Zeroize::zeroize);
        if let Some(attributes) = &mut self.attributes {
            attributes.values_mut().for_each(Zeroize::zeroize);
        }
    }
}

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an answer object")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut map: M,
            ) -> std::result::Result<Members, M::Error> {
                let mut out = Members::default();
                while let Some(name) = map.next_key::<String>()? {
                    let twice = || de::Error::custom(format_args!("`{name}` is given twice"));
                    if name == "kind" {
                        if out.kind.replace(map.next_value()?).is_some() {
                            return Err(twice());
                        }
                    } else if name == "attributes" {
                        let attributes: Option<BTreeMap<String, String>> = map.next_value()?;
                        if out.attributes.is_some() {
                            return Err(twice());
                        }
                        out.attributes = attributes;
                    } else if let Some(i) = MEMBERS.iter().position(|m| *m == name) {
                        let mut value: Option<String> = map.next_value()?;
                        match out.values.get_mut(i) {
                            Some(slot @ None) => *slot = value,
                            _ => {
                                // A repeated password or code is wiped like the first.
                                value.zeroize();
                                return Err(twice());
                            }
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl Members {
    fn take(&mut self, name: &str) -> Option<String> {
        let i = MEMBERS.iter().position(|m| *m == name)?;
        self.values.get_mut(i)?.take()
    }
}

/// Parses an answer; the JSON text is zeroized, and each secret moves into the core's
/// zeroizing `SecretString` without a copy.
pub(crate) fn parse_answer(json: String) -> Result<ChallengeAnswer> {
    let json = Zeroizing::new(json);
    // `from_slice` throughout the crate, as the core reads responses: `from_str` would add a
    // second instantiation of serde_json's parser (~11 KiB of wasm).
    let mut members: Members = serde_json::from_slice(json.as_bytes())
        .map_err(|e| invalid_input(format!("not an answer: {e}")))?;
    let kind = members
        .kind
        .take()
        .ok_or_else(|| invalid_input("not an answer: no `kind`"))?;
    let mut required = |name: &str| {
        members
            .take(name)
            .ok_or_else(|| invalid_input(format!("not an answer: `{kind}` needs `{name}`")))
    };
    Ok(match kind.as_str() {
        "code" => ChallengeAnswer::Code(required("code")?.into()),
        "selectMfaType" => ChallengeAnswer::SelectMfaType(MfaType::from_name(&required("factor")?)),
        "newPassword" => ChallengeAnswer::NewPassword {
            password: required("password")?.into(),
            attributes: members.attributes.take().unwrap_or_default(),
        },
        "custom" => ChallengeAnswer::Custom(required("answer")?.into()),
        "webAuthnCredential" => ChallengeAnswer::WebAuthnCredential(required("credential")?),
        "setUpTotp" => ChallengeAnswer::SetUpTotp,
        "verifyTotp" => ChallengeAnswer::VerifyTotp {
            code: required("code")?.into(),
            friendly_name: members.take("friendlyName"),
        },
        "setUpEmail" => ChallengeAnswer::SetUpEmail(required("email")?),
        "selectFirstFactor" => {
            ChallengeAnswer::SelectFirstFactor(FirstFactor::from_name(&required("factor")?))
        }
        "password" => ChallengeAnswer::Password(required("password")?.into()),
        other => {
            return Err(invalid_input(format!(
                "not an answer: unknown kind {other:?}"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse() {
        let answer = parse_answer(r#"{"kind":"code","code":"123456"}"#.to_owned());
        assert!(matches!(answer, Ok(ChallengeAnswer::Code(code)) if code.expose() == "123456"));
        let answer =
            parse_answer(r#"{"kind":"verifyTotp","code":"1","friendlyName":"phone"}"#.to_owned());
        assert!(matches!(
            answer,
            Ok(ChallengeAnswer::VerifyTotp { friendly_name: Some(n), .. }) if n == "phone"
        ));
        assert!(parse_answer(r#"{"kind":"nope"}"#.to_owned()).is_err());
        let answer = parse_answer(
            r#"{"kind":"newPassword","password":"p","attributes":{"name":"Jane"}}"#.to_owned(),
        );
        assert!(matches!(
            answer,
            Ok(ChallengeAnswer::NewPassword { password, attributes })
                if password.expose() == "p" && attributes.get("name").is_some_and(|n| n == "Jane")
        ));
        for bad in [
            r#"["code"]"#,
            r#"{"code":"1"}"#,
            r#"{"kind":"code"}"#,
            r#"{"kind":"code","code":123456}"#,
            r#"{"kind":"newPassword","password":"p","attributes":{"name":1}}"#,
            r#"{"kind":"newPassword","password":"p","attributes":["x"]}"#,
            r#"{"kind":1}"#,
            r#"{"kind":"password","password":"a","password":"b"}"#,
            r#"{"kind":"code","kind":"custom","code":"1"}"#,
        ] {
            assert!(
                matches!(parse_answer(bad.to_owned()), Err(e) if e.to_json().contains("invalidInput")),
                "{bad}"
            );
        }
    }
}
