//! ListUsers: the service's server-side filter (`attr = "v"`, `attr ^= "v"` on the searchable
//! standard attributes), AttributesToGet, and pages by Limit / PaginationToken.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::admin::user_type;
use crate::error::{ApiError, ApiResult};
use crate::pool::Pool;
use crate::store::User;
use crate::wire::Body;

/// The attributes ListUsers can search (the service documents exactly these; custom
/// attributes are not searchable).
const SEARCHABLE: [&str; 10] = [
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

/// `attr = "value"` (exact) or `attr ^= "value"` (prefix).
#[derive(Debug, PartialEq, Eq)]
struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

impl Filter {
    /// Parses the service's filter syntax; quotes and backslashes in the value are escaped
    /// with a backslash. An empty filter is `None` (every user).
    fn parse(text: &str) -> ApiResult<Option<Self>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || ApiError::invalid_parameter("Error while parsing filter.");
        // Attribute names hold no `=`: the first one is the operator's (`=` or `^=`).
        let i = text.find('=').ok_or_else(bad)?;
        let prefix = i > 0 && text.as_bytes().get(i - 1) == Some(&b'^');
        let attribute = text.get(..i - usize::from(prefix)).ok_or_else(bad)?.trim();
        let quoted = text.get(i + 1..).ok_or_else(bad)?.trim();
        if attribute.is_empty() {
            return Err(bad());
        }
        let inner = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or_else(bad)?;
        let mut value = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.push(chars.next().ok_or_else(bad)?),
                '"' => return Err(bad()),
                c => value.push(c),
            }
        }
        if !SEARCHABLE.contains(&attribute) {
            return Err(ApiError::invalid_parameter(format!(
                "Invalid search attribute: {attribute}"
            )));
        }
        Ok(Some(Self {
            attribute: attribute.to_owned(),
            prefix,
            value,
        }))
    }

    fn matches(&self, user: &User) -> bool {
        let status_matches = |actual: &str| {
            if self.prefix {
                actual
                    .to_ascii_lowercase()
                    .starts_with(&self.value.to_ascii_lowercase())
            } else {
                actual.eq_ignore_ascii_case(&self.value)
            }
        };
        let actual = match self.attribute.as_str() {
            "username" => Some(user.username.as_str()),
            "sub" => Some(user.sub.as_str()),
            // Case-insensitive, as documented.
            "cognito:user_status" => return status_matches(user.status.as_str()),
            // Every testkit user is enabled (no AdminDisableUser).
            "status" => Some("Enabled"),
            other => user.attr(other),
        };
        actual.is_some_and(|actual| match self.prefix {
            true => actual.starts_with(&self.value),
            false => actual == self.value,
        })
    }
}

impl Pool {
    pub(crate) fn list_users(&self, body: &Body) -> ApiResult<Value> {
        let filter = Filter::parse(body.opt_str("Filter")?.unwrap_or_default())?;
        let limit = match body.opt_u64("Limit")? {
            None | Some(0) => 60,
            Some(n @ 1..=60) => n,
            Some(n) => {
                return Err(ApiError::invalid_parameter(format!(
                    "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
                )));
            }
        };
        let only = body.opt_string_list("AttributesToGet")?;
        // The token is the last user name of the previous page: pages stay right when users
        // come and go between calls.
        let after = match body.opt_str("PaginationToken")? {
            Some(token) => Some(
                URL_SAFE_NO_PAD
                    .decode(token)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| ApiError::invalid_parameter("Invalid pagination token"))?,
            ),
            None => None,
        };
        let mut matching = self
            .users
            .values()
            .filter(|u| after.as_ref().is_none_or(|a| u.username > *a))
            .filter(|u| filter.as_ref().is_none_or(|f| f.matches(u)));
        let page: Vec<&User> = matching
            .by_ref()
            .take(usize::try_from(limit).unwrap_or(60))
            .collect();
        let users: Vec<Value> = page.iter().map(|u| user_type(u, only.as_deref())).collect();
        let mut response = json!({ "Users": users });
        if matching.next().is_some() {
            if let (Some(obj), Some(last)) = (response.as_object_mut(), page.last()) {
                obj.insert(
                    "PaginationToken".into(),
                    json!(URL_SAFE_NO_PAD.encode(&last.username)),
                );
            }
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_filters() {
        let f = |text: &str| Filter::parse(text).map_err(|e| e.message);
        assert_eq!(f(""), Ok(None));
        assert_eq!(
            f(r#"family_name = "Reddy""#),
            Ok(Some(Filter {
                attribute: "family_name".into(),
                prefix: false,
                value: "Reddy".into()
            }))
        );
        assert_eq!(
            f(r#"given_name ^= "Jo\"n\\""#),
            Ok(Some(Filter {
                attribute: "given_name".into(),
                prefix: true,
                value: "Jo\"n\\".into()
            }))
        );
        assert_eq!(
            f(r#"email="a@example.com""#).map(|x| x.map(|x| x.value)),
            Ok(Some("a@example.com".into()))
        );
        assert_eq!(
            f(r#"email = "x^=y""#).map(|x| x.map(|x| (x.prefix, x.value))),
            Ok(Some((false, "x^=y".into())))
        );
        for bad in [
            r#"email"#,
            r#"= "x""#,
            r#"email = a"#,
            r#"email = "a"b""#,
            r#"email ^= "a\"#,
        ] {
            assert_eq!(f(bad), Err("Error while parsing filter.".into()), "{bad}");
        }
        assert_eq!(
            f(r#"custom:team = "x""#),
            Err("Invalid search attribute: custom:team".into())
        );
    }
}
