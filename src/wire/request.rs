//! A request to Cognito, ready for any HTTP client.

use core::fmt;
use std::sync::Arc;

use serde::Serialize;
use zeroize::Zeroize as _;

use crate::config::PoolConfig;
use crate::error::Error;
use crate::wire::operation::Operation;
use crate::wire::read::{self, JsonReader};

/// The `Content-Type` of every Cognito user-pools request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One HTTP request to send: `POST` to [`url`](Self::url) with [`headers`](Self::headers) and
/// [`body`](Self::body). The body often carries secrets (passwords, tokens, sessions): it is
/// zeroized on drop and `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    operation: Operation,
    url: Arc<str>,
    body: SecretBody,
}

/// A request body that leaves no copy of itself behind: when it must grow, the old buffer is
/// zeroized before it is freed, and on drop the bytes written are zeroized (the spare
/// capacity never held any). Zeroizing the used length only, not a generous reserve, keeps
/// the cost of a request proportional to its size.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SecretBody(Vec<u8>);

impl SecretBody {
    /// Enough for the common requests (an InitiateAuth with SRP_A is about 1 KB).
    const INITIAL_CAPACITY: usize = 2048;

    pub(crate) fn new() -> Self {
        Self(Vec::with_capacity(Self::INITIAL_CAPACITY))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl std::io::Write for SecretBody {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let needed = self.0.len().saturating_add(buf.len());
        if needed > self.0.capacity() {
            let mut grown = Vec::with_capacity(needed.max(self.0.capacity().saturating_mul(2)));
            grown.extend_from_slice(&self.0);
            self.0.zeroize();
            self.0 = grown;
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for SecretBody {
    fn drop(&mut self) {
        self.0.as_mut_slice().zeroize();
    }
}

impl Request {
    /// Serializes `input` (an operation's input shape) into a request for `config`'s endpoint.
    pub(crate) fn new<T: Serialize + ?Sized>(
        config: &PoolConfig,
        operation: Operation,
        input: &T,
    ) -> Self {
        let mut body = SecretBody::new();
        // Writing derived `Serialize` structs of strings and maps into memory cannot fail.
        let _ = serde_json::to_writer(&mut body, input);
        Self {
            operation,
            url: config.shared_url(),
            body,
        }
    }

    /// A request with a body built by the caller, for operations this crate does not type.
    /// The body must be the operation's JSON input shape.
    pub fn from_json(config: &PoolConfig, operation: Operation, body: &serde_json::Value) -> Self {
        Self::new(config, operation, body)
    }

    /// A request whose body is `json`, JSON text the caller built, for operations this crate
    /// does not type (what a binding gets from its host language, without going through a
    /// [`serde_json::Value`]). The text is copied into the zeroizing body as it is.
    ///
    /// ```
    /// use cognito_auth::{Operation, PoolConfig, Request};
    /// let config = PoolConfig::new("us-east-1_AbCdEfGhI", "1example23456789")?;
    /// let json = r#"{"AccessToken":"eyJ..."}"#;
    /// let request = Request::from_json_text(&config, Operation::GetUser, json)?;
    /// assert_eq!(request.body(), json.as_bytes());
    /// assert!(Request::from_json_text(&config, Operation::GetUser, "[1]").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `json` is not one JSON object.
    pub fn from_json_text(
        config: &PoolConfig,
        operation: Operation,
        json: &str,
    ) -> Result<Self, Error> {
        if read::whole(json.as_bytes(), JsonReader::any_object).is_err() {
            return Err(Error::InvalidInput(format!(
                "the input of {} is not one JSON object",
                operation.name()
            )));
        }
        let mut body = SecretBody(Vec::with_capacity(json.len()));
        body.0.extend_from_slice(json.as_bytes());
        Ok(Self {
            operation,
            url: config.shared_url(),
            body,
        })
    }

    /// The operation this request calls.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// Always `POST`.
    pub fn method(&self) -> &'static str {
        "POST"
    }

    /// Where to send it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `X-Amz-Target`, e.g. `AWSCognitoIdentityProviderService.InitiateAuth`.
    pub fn target(&self) -> &'static str {
        self.operation.target()
    }

    /// The headers to send: `Content-Type` and `X-Amz-Target`. Your HTTP client adds `Host`
    /// and `Content-Length`.
    pub fn headers(&self) -> [(&'static str, &'static str); 2] {
        [
            ("Content-Type", CONTENT_TYPE),
            ("X-Amz-Target", self.target()),
        ]
    }

    /// The JSON body.
    pub fn body(&self) -> &[u8] {
        &self.body.0
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("url", &self.url)
            .field(
                "body",
                &format_args!("<{} bytes, redacted>", self.body.0.len()),
            )
            .finish()
    }
}

/// The request as an `http::Request`, for clients built on the `http` crate (hyper, reqwest's
/// parts). The body moves into the result, which is a plain `Vec<u8>`: zeroizing it after the
/// send is the caller's (no copy stays behind in this crate).
///
/// # Errors
/// [`Error::InvalidInput`] when the endpoint (see
/// [`PoolConfig::with_endpoint`](crate::PoolConfig::with_endpoint)) is not a valid URI: a request
/// is never sent to a path it was not meant for.
#[cfg(feature = "http")]
impl TryFrom<Request> for http::Request<Vec<u8>> {
    type Error = Error;

    fn try_from(mut request: Request) -> Result<Self, Error> {
        let uri = request.url.parse::<http::Uri>().map_err(|e| {
            Error::InvalidInput(format!(
                "the endpoint {:?} is not a valid URI: {e}",
                request.url
            ))
        })?;
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(Error::InvalidInput(format!(
                "the endpoint {:?} is not an absolute URL (scheme and host)",
                request.url
            )));
        }
        let target = request.target();
        let mut out = http::Request::new(core::mem::take(&mut request.body.0));
        *out.method_mut() = http::Method::POST;
        *out.uri_mut() = uri;
        let headers = out.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(CONTENT_TYPE),
        );
        headers.insert("x-amz-target", http::HeaderValue::from_static(target));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::SecretBody;

    #[test]
    fn json_text_must_be_one_object() -> Result<(), crate::ConfigError> {
        use crate::{Error, Operation, PoolConfig, Request};
        let config = PoolConfig::new("us-east-1_AbC123", "client")?;
        let from = |json: &str| Request::from_json_text(&config, Operation::GetUser, json);
        assert!(from(" \n{\"AccessToken\":\"t\"} ").is_ok_and(|r| r.body().len() == 22));
        // Valid JSON, though beyond f64: sent as it is (the service reads its own numbers).
        assert!(from("{\"n\":1e400}").is_ok());
        for bad in ["", "[]", "\"x\"", "{", "{} {}", "{}x", "null"] {
            assert!(
                matches!(from(bad), Err(Error::InvalidInput(m)) if m.contains("GetUser")),
                "{bad:?}"
            );
        }
        Ok(())
    }

    #[cfg(feature = "http")]
    #[test]
    fn an_endpoint_that_is_no_uri_is_an_error() -> Result<(), crate::Error> {
        use crate::{Error, Operation, PoolConfig, Request};
        let request = |endpoint: &str| -> Result<Request, Error> {
            let config = PoolConfig::new("us-east-1_AbC123", "client")
                .map_err(|e| Error::InvalidInput(e.to_string()))?
                .with_endpoint(endpoint);
            Ok(Request::from_json(
                &config,
                Operation::GetUser,
                &serde_json::json!({}),
            ))
        };
        for bad in ["http://exa mple.com/", "not a url", "/relative/path", ""] {
            let converted = request(bad).and_then(http::Request::<Vec<u8>>::try_from);
            assert!(
                matches!(converted, Err(Error::InvalidInput(_))),
                "{bad:?}: {converted:?}"
            );
        }
        let good = http::Request::<Vec<u8>>::try_from(request("http://127.0.0.1:9229/")?)?;
        assert_eq!(good.uri(), "http://127.0.0.1:9229/");
        assert_eq!(good.body().as_slice(), b"{}");
        Ok(())
    }

    /// A body larger than the initial reserve grows by whole copies and keeps every byte.
    #[test]
    fn a_body_grows_past_its_reserve_intact() {
        let mut body = SecretBody::new();
        let chunk: Vec<u8> = (0..=255u8).collect();
        for _ in 0..40 {
            assert!(body.write_all(&chunk).is_ok());
        }
        assert_eq!(body.0.len(), 40 * 256);
        assert!(body.0.chunks(256).all(|c| c == chunk.as_slice()));
    }
}
