//! A response from Cognito as the caller's HTTP client received it.

use serde::Deserialize;

use crate::error::{Error, InvalidResponse};
use crate::time::UnixTime;
use crate::wire::operation::Operation;
use crate::wire::service_error::ServiceError;

/// The parts of an HTTP response the machines read: the status, the body, and the
/// `x-amzn-ErrorType`, `x-amzn-RequestId` and `Date` headers (pass every header to
/// [`header`](Self::header); the others are ignored).
///
/// ```
/// use cognito_auth::HttpResponse;
/// let response = HttpResponse::new(400, br#"{"__type":"NotAuthorizedException"}"#)
///     .header("x-amzn-RequestId", "0f1e2d3c");
/// assert_eq!(response.status(), 400);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    status: u16,
    body: &'a [u8],
    error_type: Option<&'a str>,
    request_id: Option<&'a str>,
    date: Option<&'a str>,
}

impl<'a> HttpResponse<'a> {
    /// A response with this status and body.
    pub fn new(status: u16, body: &'a [u8]) -> Self {
        Self {
            status,
            body,
            error_type: None,
            request_id: None,
            date: None,
        }
    }

    /// Adds a response header; names are matched case-insensitively, unknown ones dropped.
    #[must_use]
    pub fn header(mut self, name: &str, value: &'a str) -> Self {
        if name.eq_ignore_ascii_case("x-amzn-errortype") {
            self.error_type = Some(value);
        } else if name.eq_ignore_ascii_case("x-amzn-requestid") {
            self.request_id = Some(value);
        } else if name.eq_ignore_ascii_case("date") {
            self.date = Some(value);
        }
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The service's clock, from the `Date` header, when the response has a readable one.
    /// The SRP TIMESTAMP is dated by it, so a device whose clock is off still signs in.
    pub fn server_time(&self) -> Option<UnixTime> {
        self.date.and_then(crate::time::parse_http_date)
    }

    /// Parses the body of a 2xx response into `T`; any other status becomes
    /// [`Error::Service`].
    pub(crate) fn parse<T: Deserialize<'a>>(&self, operation: Operation) -> Result<T, Error> {
        self.check(operation)?;
        // An empty 2xx body is an empty object for operations without output.
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            self.body
        };
        serde_json::from_slice(body)
            .map_err(|e| InvalidResponse::new(operation, e.to_string()).into())
    }

    /// Succeeds for 2xx; turns anything else into a [`ServiceError`].
    pub(crate) fn check(&self, _operation: Operation) -> Result<(), Error> {
        if (200..300).contains(&self.status) {
            Ok(())
        } else {
            Err(Error::Service(ServiceError::parse(
                self.status,
                self.error_type,
                self.request_id,
                self.body,
            )))
        }
    }
}

#[cfg(feature = "http")]
impl<'a, B: AsRef<[u8]>> From<&'a http::Response<B>> for HttpResponse<'a> {
    fn from(response: &'a http::Response<B>) -> Self {
        let mut out = HttpResponse::new(response.status().as_u16(), response.body().as_ref());
        for (name, value) in response.headers() {
            if let Ok(value) = value.to_str() {
                out = out.header(name.as_str(), value);
            }
        }
        out
    }
}
