//! Response members read in place: strings borrowed from the body, and ChallengeParameters
//! held without a map, so the SRP steps parse their response once and allocate nothing.

use core::fmt;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};
use zeroize::Zeroize as _;

/// A JSON string borrowed from the response body, or owned when it had escapes (serde's
/// own `Cow<str>` always copies inside containers and options). An owned copy is zeroized
/// on drop: these strings include Sessions.
pub(crate) struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for Text<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(s) = &mut self.0 {
            s.zeroize();
        }
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<text>")
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Pairs kept inline; the SRP steps send five, other challenges rarely more.
const INLINE: usize = 8;

/// `ChallengeParameters`: string members in arrival order, the first [`INLINE`] on the
/// stack and any more on the heap. A repeated name is an error, not a silent overwrite.
#[derive(Default)]
pub(crate) struct ChallengeParameters<'a> {
    inline: [Option<(Text<'a>, Text<'a>)>; INLINE],
    spill: Vec<(Text<'a>, Text<'a>)>,
}

impl<'a> ChallengeParameters<'a> {
    fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inline
            .iter()
            .flatten()
            .chain(&self.spill)
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `name`, if sent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// Owned copies, for a challenge the app answers (and may suspend).
    pub(crate) fn to_map(&self) -> BTreeMap<String, String> {
        self.pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// A name sent twice, if any. Up to eight pairwise, without allocating; more by sorting,
    /// not pairwise: a hostile response may carry many thousands of parameters.
    fn repeated_name(&self) -> Option<String> {
        if self.spill.is_empty() {
            return self
                .pairs()
                .enumerate()
                .find(|&(i, (name, _))| self.pairs().skip(i + 1).any(|(other, _)| other == name))
                .map(|(_, (name, _))| name.to_owned());
        }
        let mut names: Vec<&str> = self.pairs().map(|(name, _)| name).collect();
        names.sort_unstable();
        names.windows(2).find_map(|w| match w {
            [a, b] if a == b => Some((*a).to_owned()),
            _ => None,
        })
    }

    fn push(&mut self, pair: (Text<'a>, Text<'a>)) {
        match self.inline.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(pair),
            None => self.spill.push(pair),
        }
    }
}

impl fmt::Debug for ChallengeParameters<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pairs().map(|(k, _)| k))
            .finish()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ChallengeParameters<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = ChallengeParameters<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = ChallengeParameters::default();
                while let Some(pair) = map.next_entry::<Text<'de>, Text<'de>>()? {
                    out.push(pair);
                }
                match out.repeated_name() {
                    Some(name) => Err(de::Error::custom(format_args!(
                        "ChallengeParameters names {name} twice"
                    ))),
                    None => Ok(out),
                }
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The members of an error body the SDKs read. Only string values count: a member of another
/// type reads as absent, any other member is skipped, and a repeated member keeps its last
/// value (as reading the object into a map would). Read in place, strings borrowed, with no
/// serde_json::Value (kept out of the WebAssembly module).
#[derive(Default)]
pub(crate) struct ErrorMembers<'a> {
    values: [Option<Text<'a>>; ERROR_MEMBERS.len()],
}

const ERROR_MEMBERS: [&str; 5] = ["code", "__type", "message", "Message", "errorMessage"];

impl ErrorMembers<'_> {
    /// The first of `names` present as a string.
    pub(crate) fn first(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            let index = ERROR_MEMBERS.iter().position(|m| m == name)?;
            self.values.get(index)?.as_ref().map(Text::as_str)
        })
    }
}

/// A member value: a string, or `None` for any other JSON value (consumed whole).
struct MaybeText<'a>(Option<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = MaybeText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(MaybeText(Some(Text(Cow::Borrowed(v)))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MaybeText(Some(Text(Cow::Owned(v.to_owned())))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(MaybeText(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(MaybeText(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(MaybeText(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(MaybeText(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(MaybeText(None))
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(MaybeText(None))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ErrorMembers<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = ErrorMembers<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = ErrorMembers::default();
                while let Some(name) = map.next_key::<Text<'de>>()? {
                    let slot = ERROR_MEMBERS
                        .iter()
                        .position(|m| *m == name.as_str())
                        .and_then(|i| out.values.get_mut(i));
                    match slot {
                        Some(slot) => *slot = map.next_value::<MaybeText<'de>>()?.0,
                        None => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_read_in_place_and_spill_past_the_inline_pairs() {
        let json = r#"{"A":"1","B":"2","C":"3","D":"4","E":"5","F":"6","G":"7","H":"8","I":"9","J":"1\u0030"}"#;
        let parsed: Result<ChallengeParameters<'_>, _> = serde_json::from_str(json);
        assert!(parsed.is_ok(), "{parsed:?}");
        let Ok(parsed) = parsed else { return };
        assert_eq!(parsed.get("A"), Some("1"));
        assert!(matches!(
            parsed.inline[0],
            Some((Text(Cow::Borrowed(_)), _))
        ));
        assert_eq!(parsed.get("I"), Some("9"));
        assert_eq!(parsed.get("J"), Some("10"), "an escaped value is owned");
        assert_eq!(parsed.spill.len(), 2);
        assert_eq!(parsed.to_map().len(), 10);
        assert_eq!(parsed.get("K"), None);
    }

    #[test]
    fn error_members_read_strings_only_and_the_last_of_a_repeat() {
        let body = br#"{"other":{"a":[1,{"b":null}]},"message":5,"Message":"second",
            "__type":"x#First","__type":"x#Last","code":["NotAString"],"errorMessage":null}"#;
        let parsed: Result<ErrorMembers<'_>, _> = serde_json::from_slice(body);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        let Ok(members) = parsed else { return };
        assert_eq!(members.first(&["message", "Message"]), Some("second"));
        assert_eq!(members.first(&["__type"]), Some("x#Last"));
        assert_eq!(members.first(&["code"]), None);
        assert_eq!(members.first(&["errorMessage"]), None);
        assert_eq!(
            members.first(&["other"]),
            None,
            "only the members the SDKs read"
        );
        let escaped: Result<ErrorMembers<'_>, _> =
            serde_json::from_slice(br#"{"mess\u0061ge":"a\nb"}"#);
        assert!(escaped.is_ok_and(|m| m.first(&["message"]) == Some("a\nb")));
        for not_an_object in [&b"[]"[..], b"\"message\"", b"{\"message\":", b"null"] {
            let parsed: Result<ErrorMembers<'_>, _> = serde_json::from_slice(not_an_object);
            assert!(parsed.is_err());
        }
    }

    #[test]
    fn a_repeated_or_non_string_parameter_is_an_error() {
        let twice: Result<ChallengeParameters<'_>, _> =
            serde_json::from_str(r#"{"SRP_B":"01","SRP_B":"02"}"#);
        assert!(twice.is_err_and(|e| e.to_string().contains("SRP_B twice")));
        let many: String = (0..20_000).map(|i| format!(r#""P{i}":"v","#)).collect();
        let repeated = format!(r#"{{{many}"P7":"again"}}"#);
        let spilled: Result<ChallengeParameters<'_>, _> = serde_json::from_str(&repeated);
        assert!(spilled.is_err_and(|e| e.to_string().contains("P7 twice")));
        let distinct = format!(r#"{{{many}"last":"v"}}"#);
        let unique: Result<ChallengeParameters<'_>, _> = serde_json::from_str(&distinct);
        assert!(unique.is_ok_and(|p| p.get("P19999") == Some("v")));
        let number: Result<ChallengeParameters<'_>, _> = serde_json::from_str(r#"{"N":1}"#);
        assert!(number.is_err());
        let list: Result<ChallengeParameters<'_>, _> = serde_json::from_str(r#"["a"]"#);
        assert!(list.is_err());
    }
}
