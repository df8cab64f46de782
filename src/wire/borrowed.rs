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
