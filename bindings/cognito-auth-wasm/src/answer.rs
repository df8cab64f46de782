//! Challenge answers from JS: the members of `{ kind, ...members }` (see `ChallengeAnswer` in
//! the package's typings), handed over as name/value pairs rather than JSON text, so that no
//! JSON parser is needed for them.

use std::collections::BTreeMap;

use cognito_auth::{ChallengeAnswer, FirstFactor, MfaType};
use wasm_bindgen::JsValue;
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

/// A member's value as JS gave it.
pub(crate) enum Value {
    /// `null` or `undefined`: as if the member were not there.
    Absent,
    /// Zeroized unless moved into the answer: it may be a password or a code.
    Text(Zeroizing<String>),
    /// Any other type.
    Other,
}

/// `[name, value, ...]` from JS, as pairs.
pub(crate) fn js_pairs(flat: Vec<JsValue>) -> Result<Vec<(String, Value)>> {
    let mut flat = flat.into_iter();
    let mut out = Vec::with_capacity(flat.len() / 2);
    while let Some(name) = flat.next() {
        let name = name
            .as_string()
            .ok_or_else(|| invalid_input("not an answer: a member name is not a string"))?;
        let value = match flat.next() {
            Some(v) if !v.is_null() && !v.is_undefined() => v
                .as_string()
                .map_or(Value::Other, |text| Value::Text(Zeroizing::new(text))),
            _ => Value::Absent,
        };
        out.push((name, value));
    }
    Ok(out)
}

/// An answer's members. Strings not moved into the answer are zeroized on drop.
#[derive(Default)]
struct Members {
    kind: Option<String>,
    values: [Option<String>; MEMBERS.len()],
    attributes: BTreeMap<String, String>,
}

impl Drop for Members {
    fn drop(&mut self) {
        self.values.iter_mut().flatten().for_each(Zeroize::zeroize);
        self.attributes.values_mut().for_each(Zeroize::zeroize);
    }
}

impl Members {
    fn read(members: Vec<(String, Value)>, attributes: Vec<(String, Value)>) -> Result<Self> {
        let mut out = Members::default();
        for (name, value) in members {
            let slot = if name == "kind" {
                &mut out.kind
            } else if let Some(slot) = MEMBERS
                .iter()
                .position(|m| *m == name)
                .and_then(|i| out.values.get_mut(i))
            {
                slot
            } else {
                continue;
            };
            match value {
                Value::Absent => {}
                Value::Text(mut text) => *slot = Some(core::mem::take(&mut *text)),
                Value::Other => {
                    return Err(invalid_input(format!(
                        "not an answer: `{name}` is not a string"
                    )));
                }
            }
        }
        for (name, value) in attributes {
            let Value::Text(mut text) = value else {
                return Err(invalid_input(format!(
                    "not an answer: attribute `{name}` is not a string"
                )));
            };
            if let Some(mut replaced) = out.attributes.insert(name, core::mem::take(&mut *text)) {
                replaced.zeroize();
            }
        }
        Ok(out)
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let i = MEMBERS.iter().position(|m| *m == name)?;
        self.values.get_mut(i)?.take()
    }
}

/// Reads an answer from its members and, for `newPassword`, its attributes; each secret
/// moves into the core's zeroizing `SecretString` without a copy.
pub(crate) fn parse_answer(
    members: Vec<(String, Value)>,
    attributes: Vec<(String, Value)>,
) -> Result<ChallengeAnswer> {
    let mut members = Members::read(members, attributes)?;
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
            attributes: core::mem::take(&mut members.attributes),
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

    fn text(pairs: &[(&str, &str)]) -> Vec<(String, Value)> {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    (*name).to_owned(),
                    Value::Text(Zeroizing::new((*value).to_owned())),
                )
            })
            .collect()
    }

    fn answer(pairs: &[(&str, &str)]) -> Result<ChallengeAnswer> {
        parse_answer(text(pairs), Vec::new())
    }

    #[test]
    fn answers_parse() {
        let code = answer(&[("kind", "code"), ("code", "123456"), ("other", "x")]);
        assert!(matches!(code, Ok(ChallengeAnswer::Code(code)) if code.expose() == "123456"));
        let totp = answer(&[
            ("kind", "verifyTotp"),
            ("code", "1"),
            ("friendlyName", "phone"),
        ]);
        assert!(matches!(
            totp,
            Ok(ChallengeAnswer::VerifyTotp { friendly_name: Some(n), .. }) if n == "phone"
        ));
        let new_password = parse_answer(
            text(&[("kind", "newPassword"), ("password", "p")]),
            text(&[("name", "Jane")]),
        );
        assert!(matches!(
            new_password,
            Ok(ChallengeAnswer::NewPassword { password, attributes })
                if password.expose() == "p" && attributes.get("name").is_some_and(|n| n == "Jane")
        ));
        let absent = vec![
            (
                "kind".to_owned(),
                Value::Text(Zeroizing::new("setUpTotp".to_owned())),
            ),
            ("code".to_owned(), Value::Absent),
            ("extra".to_owned(), Value::Other),
        ];
        assert!(matches!(
            parse_answer(absent, Vec::new()),
            Ok(ChallengeAnswer::SetUpTotp)
        ));
    }

    #[test]
    fn bad_answers_are_invalid_input() {
        let not_a_string = |name: &str| {
            vec![
                (
                    "kind".to_owned(),
                    Value::Text(Zeroizing::new("code".to_owned())),
                ),
                (name.to_owned(), Value::Other),
            ]
        };
        let bad = [
            parse_answer(text(&[("code", "1")]), Vec::new()),
            answer(&[("kind", "code")]),
            answer(&[("kind", "nope")]),
            parse_answer(not_a_string("code"), Vec::new()),
            parse_answer(not_a_string("kind"), Vec::new()),
            parse_answer(
                text(&[("kind", "newPassword"), ("password", "p")]),
                vec![("name".to_owned(), Value::Other)],
            ),
        ];
        for (i, result) in bad.into_iter().enumerate() {
            assert!(
                matches!(result, Err(e) if e.to_json().contains("invalidInput")),
                "case {i}"
            );
        }
    }
}
