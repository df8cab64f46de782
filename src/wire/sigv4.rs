//! AWS Signature Version 4 for the operations that need IAM credentials (admin sign-in and
//! every pool-management operation), done by the `aws-sigv4` crate. Feature `sigv4`.

use core::fmt;
use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};

use crate::error::Error;
use crate::secret::SecretString;
use crate::wire::request::Request;

/// IAM credentials for signing. The secret key and session token are zeroized on drop and
/// never printed.
#[derive(Clone)]
pub struct AwsCredentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
}

impl AwsCredentials {
    /// Long-term or temporary credentials (with the session token of temporary ones).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<SecretString>,
        session_token: Option<SecretString>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// The headers that sign this request with SigV4 (service `cognito-idp`, `region`, at
    /// `now`): `Authorization`, `X-Amz-Date`, and `X-Amz-Security-Token` for temporary
    /// credentials. Send them with [`headers`](Self::headers); the `Host` your client sends
    /// must be the URL's host, which is signed.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the URL or the credentials cannot be signed.
    pub fn sigv4_headers(
        &self,
        credentials: &AwsCredentials,
        region: &str,
        now: SystemTime,
    ) -> Result<Vec<(String, String)>, Error> {
        let invalid =
            |e: &dyn fmt::Display| Error::InvalidInput(format!("cannot sign the request: {e}"));
        let identity = aws_credential_types::Credentials::new(
            &credentials.access_key_id,
            credentials.secret_access_key.expose(),
            credentials
                .session_token
                .as_ref()
                .map(|t| t.expose().to_owned()),
            None,
            "cognito-auth",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("cognito-idp")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| invalid(&e))?
            .into();
        let signable = SignableRequest::new(
            self.method(),
            self.url(),
            self.headers().into_iter(),
            SignableBody::Bytes(self.body()),
        )
        .map_err(|e| invalid(&e))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| invalid(&e))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::{Operation, PoolConfig};

    #[test]
    fn signs_with_the_service_name_region_and_date() {
        let config =
            PoolConfig::new("us-east-1_AbC123", "client").unwrap_or_else(|e| unreachable!("{e}"));
        let request = Request::from_json(
            &config,
            Operation::ListUsers,
            &serde_json::json!({"UserPoolId": "us-east-1_AbC123"}),
        );
        let credentials = AwsCredentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Some("token-1".into()),
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let headers = request
            .sigv4_headers(&credentials, "us-east-1", now)
            .unwrap_or_else(|e| unreachable!("{e}"));
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("x-amz-date"), Some("20231114T221320Z"));
        assert_eq!(get("x-amz-security-token"), Some("token-1"));
        let authorization = get("authorization").unwrap_or_default();
        // The same request signed by botocore 1.43.11 (SigV4Auth, clock pinned to this time).
        assert_eq!(
            authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/cognito-idp/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
             Signature=0ff5ff53c50b2bc2c2516a9ae9b91132c75ebc98dddc96883c8baa59b4789e72"
        );
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/cognito-idp/aws4_request"),
            "{authorization}"
        );
        assert!(
            authorization.contains("x-amz-target"),
            "the target is signed: {authorization}"
        );
        // Deterministic for the same inputs, different for another body.
        let again = request
            .sigv4_headers(&credentials, "us-east-1", now)
            .unwrap_or_default();
        assert_eq!(headers, again);
        let other = Request::from_json(
            &config,
            Operation::ListUsers,
            &serde_json::json!({"UserPoolId": "x"}),
        );
        assert_ne!(
            other
                .sigv4_headers(&credentials, "us-east-1", now)
                .unwrap_or_default(),
            headers
        );
        assert!(!format!("{credentials:?}").contains("wJalr"));
    }
}
