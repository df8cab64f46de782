//! A request to one of the managed-login endpoints, ready for any HTTP client.

use core::fmt;

use zeroize::Zeroizing;

#[cfg(feature = "http")]
use crate::oauth::error::OAuthError;
use crate::secret::SecretString;

/// The `Content-Type` of the token and revoke requests.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Which managed-login endpoint a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /oauth2/token`: the code exchange or a refresh.
    Token,
    /// `POST /oauth2/revoke`.
    Revoke,
    /// `GET /oauth2/userInfo`.
    UserInfo,
}

impl Endpoint {
    /// The endpoint's path, e.g. `/oauth2/token`.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Token => "/oauth2/token",
            Self::Revoke => "/oauth2/revoke",
            Self::UserInfo => "/oauth2/userInfo",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// One HTTP request to a managed-login endpoint: [`method`](Self::method) to
/// [`url`](Self::url) with [`headers`](Self::headers) and [`body`](Self::body).
///
/// Unlike the API's [`Request`](crate::Request) (always `POST` with JSON and `X-Amz-Target`),
/// it may be a `GET`, its body is a form, and its `Authorization` header carries the client
/// secret or an access token. The body and that header are zeroized on drop and `Debug`
/// prints neither.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthRequest {
    endpoint: Endpoint,
    url: String,
    authorization: Option<SecretString>,
    body: Zeroizing<Vec<u8>>,
}

impl OAuthRequest {
    pub(crate) fn post_form(
        endpoint: Endpoint,
        url: String,
        authorization: Option<SecretString>,
        body: Zeroizing<String>,
    ) -> Self {
        Self {
            endpoint,
            url,
            authorization,
            body: Zeroizing::new(body.as_bytes().to_vec()),
        }
    }

    pub(crate) fn get(endpoint: Endpoint, url: String, authorization: SecretString) -> Self {
        Self {
            endpoint,
            url,
            authorization: Some(authorization),
            body: Zeroizing::new(Vec::new()),
        }
    }

    /// The endpoint it goes to.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// `POST`, or `GET` for [`Endpoint::UserInfo`].
    pub fn method(&self) -> &'static str {
        match self.endpoint {
            Endpoint::UserInfo => "GET",
            Endpoint::Token | Endpoint::Revoke => "POST",
        }
    }

    /// Where to send it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers to send: `Content-Type` for a form body, `Authorization` (HTTP Basic
    /// client authentication, or `Bearer` with the access token) when needed. Your HTTP client
    /// adds `Host` and `Content-Length`. The `Authorization` value is a secret: do not log it.
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        let mut headers = Vec::with_capacity(2);
        if self.method() == "POST" {
            headers.push(("Content-Type", FORM_CONTENT_TYPE));
        }
        if let Some(authorization) = &self.authorization {
            headers.push(("Authorization", authorization.expose()));
        }
        headers
    }

    /// The form body; empty for a `GET`.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for OAuthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthRequest")
            .field("method", &self.method())
            .field("url", &self.url)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "body",
                &format_args!("<{} bytes, redacted>", self.body.len()),
            )
            .finish()
    }
}

/// The request as an `http::Request`, for clients built on the `http` crate. The body is
/// copied into the result, which is a plain `Vec<u8>`: zeroizing it after the send is the
/// caller's.
///
/// # Errors
/// [`OAuthError::InvalidInput`] when the URL is not an absolute URI.
#[cfg(feature = "http")]
impl TryFrom<OAuthRequest> for http::Request<Vec<u8>> {
    type Error = OAuthError;

    fn try_from(request: OAuthRequest) -> Result<Self, OAuthError> {
        let invalid = |why: String| OAuthError::InvalidInput(why);
        let uri = request
            .url
            .parse::<http::Uri>()
            .map_err(|e| invalid(format!("{:?} is not a valid URI: {e}", request.url)))?;
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(invalid(format!(
                "{:?} is not an absolute URL (scheme and host)",
                request.url
            )));
        }
        let mut out = http::Request::new(request.body.to_vec());
        *out.method_mut() = if request.method() == "GET" {
            http::Method::GET
        } else {
            http::Method::POST
        };
        *out.uri_mut() = uri;
        for (name, value) in request.headers() {
            let mut value = http::HeaderValue::from_str(value)
                .map_err(|_| invalid(format!("the {name} header is not a valid header value")))?;
            value.set_sensitive(name == "Authorization");
            out.headers_mut().insert(name, value);
        }
        Ok(out)
    }
}
