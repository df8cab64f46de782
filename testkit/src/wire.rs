//! Reading request members without panicking: absent or `null` required
//! members are InvalidParameterException, members of the wrong JSON type are
//! SerializationException, as the service answers.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// A parsed request body: a JSON object.
pub(crate) struct Body(Map<String, Value>);

impl Body {
    /// Parses `bytes` as a JSON object. An empty body reads as `{}`.
    pub(crate) fn parse(bytes: &[u8]) -> ApiResult<Self> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Map::new()));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::serialization(
                "Start of structure or map found where not expected.",
            )),
            Err(_) => Err(ApiError::serialization("Invalid JSON in request body.")),
        }
    }

    fn present(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A member of any JSON type (a Document), absent when missing or null.
    pub(crate) fn value(&self, name: &str) -> Option<&Value> {
        self.present(name)
    }

    /// An optional string member.
    pub(crate) fn opt_str(&self, name: &str) -> ApiResult<Option<&str>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(type_error(name, "STRING_VALUE")),
        }
    }

    /// A required string member.
    pub(crate) fn str(&self, name: &str) -> ApiResult<&str> {
        self.opt_str(name)?
            .ok_or_else(|| ApiError::missing_member(name))
    }

    /// An optional boolean member.
    pub(crate) fn opt_bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(type_error(name, "BOOLEAN_VALUE")),
        }
    }

    /// An optional integer member.
    pub(crate) fn opt_u64(&self, name: &str) -> ApiResult<Option<u64>> {
        match self.present(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| type_error(name, "INTEGER_VALUE")),
        }
    }

    /// An optional string→string map member (AuthParameters, ChallengeResponses). A `null`
    /// value reads as absent, as the service reads it: amazon-cognito-identity-js sends
    /// `"DEVICE_KEY": null` when it has no device.
    pub(crate) fn string_map(&self, name: &str) -> ApiResult<BTreeMap<String, String>> {
        match self.present(name) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some(Ok((k.clone(), s.clone()))),
                    Value::Null => None,
                    _ => Some(Err(type_error(name, "STRING_VALUE"))),
                })
                .collect(),
            Some(_) => Err(type_error(name, "map")),
        }
    }

    /// An optional list of strings (AttributesToGet, DesiredDeliveryMediums).
    pub(crate) fn opt_string_list(&self, name: &str) -> ApiResult<Option<Vec<String>>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(type_error(name, "STRING_VALUE")),
                })
                .collect::<ApiResult<Vec<String>>>()
                .map(Some),
            Some(_) => Err(type_error(name, "list")),
        }
    }

    /// An optional nested structure member.
    pub(crate) fn opt_struct(&self, name: &str) -> ApiResult<Option<Body>> {
        match self.present(name) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Body(map.clone()))),
            Some(_) => Err(type_error(name, "structure")),
        }
    }

    /// An optional list of `{"Name": ..., "Value": ...}` attributes.
    pub(crate) fn attributes(&self, name: &str) -> ApiResult<Vec<(String, String)>> {
        let list = match self.present(name) {
            None => return Ok(Vec::new()),
            Some(Value::Array(list)) => list,
            Some(_) => return Err(type_error(name, "list")),
        };
        list.iter()
            .map(|item| {
                let Value::Object(map) = item else {
                    return Err(type_error(name, "structure"));
                };
                let entry = Body(map.clone());
                let attr_name = entry.str("Name")?.to_owned();
                let value = entry.opt_str("Value")?.unwrap_or_default().to_owned();
                Ok((attr_name, value))
            })
            .collect()
    }
}

fn type_error(member: &str, expected: &str) -> ApiError {
    ApiError::serialization(format!(
        "Unexpected JSON type for member {member}: expected {expected}"
    ))
}

/// `[{"Name": n, "Value": v}, ...]`.
pub(crate) fn attribute_list<'a>(
    attrs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Value {
    Value::Array(
        attrs
            .into_iter()
            .map(|(name, value)| serde_json::json!({"Name": name, "Value": value}))
            .collect(),
    )
}
