//! Reading stored [`Tokens`] back without serde (for bindings that leave serde's derived
//! readers out, see [`crate::wire::read`]).

use crate::error::Error;
use crate::time::UnixTime;
use crate::wire;
use crate::wire::read::{self, JsonReader, members, optional, required};

use super::{NewDeviceMetadata, Tokens};

impl Tokens {
    /// Reads tokens from the JSON their `Serialize` writes (`serde_json::to_string(&tokens)`),
    /// as `serde_json::from_str` would, without serde.
    ///
    /// ```
    /// # fn main() -> Result<(), cognito_auth::Error> {
    /// let json = r#"{"id_token":"i","access_token":"a","refresh_token":null,
    ///     "token_type":"Bearer","expires_in":3600,"expires_at":1700003600,"new_device":null}"#;
    /// let tokens = cognito_auth::Tokens::from_json(json)?;
    /// assert_eq!(tokens.expires_at, cognito_auth::UnixTime(1_700_003_600));
    /// assert!(cognito_auth::Tokens::from_json("{}").is_err());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `json` is not one object of that shape.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        read::whole(json.as_bytes(), Self::read)
            .map_err(|e| Error::InvalidInput(format!("not stored tokens: {e}")))
    }

    fn read(reader: &mut JsonReader<'_>) -> read::Result<Self> {
        let names = [
            "id_token",
            "access_token",
            "refresh_token",
            "token_type",
            "expires_in",
            "expires_at",
            "new_device",
        ];
        let (mut id, mut access, mut refresh, mut token_type) = (None, None, None, None);
        let (mut expires_in, mut expires_at, mut new_device) = (None, None, None);
        members(reader, &names, &mut |r, member| {
            match member {
                0 => id = Some(r.string()?.into_string().into()),
                1 => access = Some(r.string()?.into_string().into()),
                2 => refresh = read::secret(r)?,
                3 => token_type = Some(r.string()?.into_string()),
                4 => expires_in = Some(r.unsigned()?),
                5 => expires_at = Some(UnixTime(r.unsigned()?)),
                _ => new_device = optional(r, read_device)?,
            }
            Ok(())
        })?;
        Ok(Self {
            id_token: required(reader, id, "id_token")?,
            access_token: required(reader, access, "access_token")?,
            refresh_token: refresh,
            token_type: required(reader, token_type, "token_type")?,
            expires_in: required(reader, expires_in, "expires_in")?,
            expires_at: required(reader, expires_at, "expires_at")?,
            new_device,
        })
    }
}

fn read_device(reader: &mut JsonReader<'_>) -> read::Result<NewDeviceMetadata> {
    let (device_key, device_group_key) =
        wire::device_keys(reader, ["device_key", "device_group_key"])?;
    Ok(NewDeviceMetadata {
        device_key,
        device_group_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretString;

    #[test]
    fn reads_what_serde_writes_and_what_serde_reads() {
        let tokens = Tokens {
            id_token: SecretString::new("i\u{e9}\"d"),
            access_token: SecretString::new("a"),
            refresh_token: Some(SecretString::new("r")),
            token_type: "Bearer".to_owned(),
            expires_in: 3600,
            expires_at: UnixTime(1_700_003_600),
            new_device: Some(NewDeviceMetadata {
                device_key: "us-east-1_k".to_owned(),
                device_group_key: "-g".to_owned(),
            }),
        };
        let json = serde_json::to_string(&tokens).unwrap_or_default();
        assert_eq!(Tokens::from_json(&json).ok(), Some(tokens));
        let without_options = r#"{"id_token":"i","access_token":"a","token_type":"t",
            "expires_in":1,"expires_at":2,"extra":[{}]}"#;
        let read = Tokens::from_json(without_options);
        assert!(read.is_ok_and(|t| t.refresh_token.is_none() && t.new_device.is_none()));
        for bad in [
            r#"{"id_token":"i","access_token":"a","token_type":"t","expires_in":1}"#,
            r#"{"id_token":"i","access_token":"a","token_type":"t","expires_in":-1,"expires_at":2}"#,
            r#"{"id_token":"i","id_token":"i","access_token":"a","token_type":"t","expires_in":1,"expires_at":2}"#,
            r#"{"id_token":"i","access_token":"a","token_type":"t","expires_in":1,"expires_at":2,"new_device":{"device_key":"k"}}"#,
            r#"{"id_token":"i","access_token":"a","token_type":"t","expires_in":1,"expires_at":2} x"#,
            "[]",
        ] {
            let serde = serde_json::from_str::<Tokens>(bad);
            assert!(serde.is_err(), "{bad}");
            assert!(
                matches!(Tokens::from_json(bad), Err(Error::InvalidInput(m)) if m.starts_with("not stored tokens")),
                "{bad}"
            );
        }
    }
}
