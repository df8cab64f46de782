//! A request to Cognito, ready for any HTTP client.

use core::fmt;
use std::sync::Arc;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::config::PoolConfig;
use crate::operation::Operation;

/// The `Content-Type` of every Cognito user-pools request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One HTTP request to send: `POST` to [`url`](Self::url) with [`headers`](Self::headers) and
/// [`body`](Self::body). The body often carries secrets (passwords, tokens, sessions): it is
/// zeroized on drop and `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    operation: Operation,
    url: Arc<str>,
    body: Zeroizing<Vec<u8>>,
}

impl Request {
    /// Serializes `input` (an operation's input shape) into a request for `config`'s endpoint.
    pub(crate) fn new<T: Serialize + ?Sized>(
        config: &PoolConfig,
        operation: Operation,
        input: &T,
    ) -> Self {
        // Reserve up front so serialization does not leave reallocated copies of secrets behind.
        let mut body = Zeroizing::new(Vec::with_capacity(4096));
        // Writing derived `Serialize` structs of strings and maps into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *body, input);
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
        &self.body
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("url", &self.url)
            .field(
                "body",
                &format_args!("<{} bytes, redacted>", self.body.len()),
            )
            .finish()
    }
}

#[cfg(feature = "http")]
impl From<Request> for http::Request<Vec<u8>> {
    fn from(request: Request) -> Self {
        let mut out = http::Request::new(request.body.to_vec());
        *out.method_mut() = http::Method::POST;
        if let Ok(uri) = request.url.parse::<http::Uri>() {
            *out.uri_mut() = uri;
        }
        let headers = out.headers_mut();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(CONTENT_TYPE),
        );
        headers.insert(
            "x-amz-target",
            http::HeaderValue::from_static(request.target()),
        );
        out
    }
}
