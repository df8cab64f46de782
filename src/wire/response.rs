//! A response from Cognito as the caller's HTTP client received it.

use core::fmt;

use serde::Deserialize;
use zeroize::Zeroize as _;

use crate::error::{Error, InvalidResponse};
use crate::time::UnixTime;
use crate::wire::operation::Operation;
use crate::wire::read::{self, JsonReader};
use crate::wire::service_error::ServiceError;

/// The parts of an HTTP response the machines read: the status, the body, and the
/// `x-amzn-ErrorType`, `x-amzn-RequestId` and `Date` headers (pass every header to
/// [`header`](Self::header); the others are ignored).
///
/// It borrows the body and headers. To keep a response past the call that received it (an
/// async client, a channel between threads), store an [`OwnedHttpResponse`] and pass
/// [`as_response`](OwnedHttpResponse::as_response).
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

    /// Reads the body of a 2xx response with `read` (a shape of [`crate::wire::read`]); any
    /// other status becomes [`Error::Service`].
    pub(crate) fn read<T>(
        &self,
        operation: Operation,
        read: impl FnOnce(&mut JsonReader<'a>) -> read::Result<T>,
    ) -> Result<T, Error> {
        self.check(operation)?;
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            self.body
        };
        read::whole(body, read).map_err(|e| InvalidResponse::new(operation, e.to_string()).into())
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

/// An [`HttpResponse`] that owns its body and headers, for clients that hand the response over
/// by value (async clients, `http::Response`). Only the headers the machines read are kept
/// (`x-amzn-ErrorType`, `x-amzn-RequestId`, `Date`: keep passing `Date`, it dates the SRP
/// proof). The body carries tokens and sessions: it is zeroized on drop and `Debug` does not
/// print it.
///
/// ```
/// use cognito_auth::OwnedHttpResponse;
/// // What an async client gives: status, a header map, the body bytes.
/// let headers = [("Date", "Tue, 14 Nov 2023 22:13:20 GMT"), ("Content-Length", "2")];
/// let response = OwnedHttpResponse::new(200, b"{}".to_vec()).with_headers(headers);
/// assert_eq!(response.as_response().server_time(), Some(cognito_auth::UnixTime(1_700_000_000)));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedHttpResponse {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl OwnedHttpResponse {
    /// A response with this status and body (a `Vec<u8>`, `bytes::Bytes`, a `String`...).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header, as [`HttpResponse::header`] does: names are matched
    /// case-insensitively, unknown ones dropped.
    #[must_use]
    pub fn header(mut self, name: impl AsRef<str>, value: impl Into<String>) -> Self {
        let name = name.as_ref();
        if is_read_header(name) {
            self.headers.push((name.to_owned(), value.into()));
        }
        self
    }

    /// Adds every header of a map (`&http::HeaderMap`, as reqwest and ureq give it, or pairs
    /// of strings); values that are not UTF-8 are dropped, and so are the headers the
    /// machines do not read.
    #[must_use]
    pub fn with_headers<I, K, V>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        for (name, value) in headers {
            let name = name.as_ref();
            if is_read_header(name) {
                if let Ok(value) = std::str::from_utf8(value.as_ref()) {
                    self.headers.push((name.to_owned(), value.to_owned()));
                }
            }
        }
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The response to pass to the machines' `handle_response`.
    pub fn as_response(&self) -> HttpResponse<'_> {
        self.headers.iter().fold(
            HttpResponse::new(self.status, &self.body),
            |response, (name, value)| response.header(name, value),
        )
    }
}

/// True for the headers [`HttpResponse::header`] keeps.
fn is_read_header(name: &str) -> bool {
    ["x-amzn-errortype", "x-amzn-requestid", "date"]
        .iter()
        .any(|known| name.eq_ignore_ascii_case(known))
}

impl Drop for OwnedHttpResponse {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl fmt::Debug for OwnedHttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedHttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field(
                "body",
                &format_args!("<{} bytes, redacted>", self.body.len()),
            )
            .finish()
    }
}

impl<'a> From<&'a OwnedHttpResponse> for HttpResponse<'a> {
    fn from(response: &'a OwnedHttpResponse) -> Self {
        response.as_response()
    }
}

/// Takes an `http::Response` whose body is bytes (`Vec<u8>`, `bytes::Bytes`, `String`), with
/// its `Date` and error headers.
#[cfg(feature = "http")]
impl<B: Into<Vec<u8>>> From<http::Response<B>> for OwnedHttpResponse {
    fn from(response: http::Response<B>) -> Self {
        let (parts, body) = response.into_parts();
        OwnedHttpResponse::new(parts.status.as_u16(), body).with_headers(&parts.headers)
    }
}

/// Borrows an `http::Response`'s body and its `Date` and error headers.
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

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

    #[test]
    fn owned_keeps_the_headers_the_machines_read() {
        let owned = OwnedHttpResponse::new(400, br#"{"message":"m"}"#.to_vec())
            .header("X-Amzn-ErrorType", "CodeMismatchException:http://internal")
            .header("Content-Type", "application/x-amz-json-1.1")
            .with_headers([("date", DATE), ("x-amzn-requestid", "r-1")]);
        let borrowed = HttpResponse::new(400, br#"{"message":"m"}"#)
            .header("x-amzn-errortype", "CodeMismatchException:http://internal")
            .header("Date", DATE)
            .header("x-amzn-RequestId", "r-1");
        assert_eq!(owned.as_response(), borrowed);
        assert_eq!(HttpResponse::from(&owned), borrowed);
        assert_eq!(owned.status(), 400);
        assert_eq!(owned.body(), br#"{"message":"m"}"#);
        assert_eq!(
            owned.as_response().server_time(),
            Some(UnixTime(1_700_000_000))
        );
        let debug = format!("{owned:?}");
        assert!(!debug.contains("message"), "{debug}");
    }

    #[test]
    fn owned_drops_headers_that_are_not_utf8() {
        let owned = OwnedHttpResponse::new(200, Vec::new())
            .with_headers([("Date", &b"\xff"[..]), ("x-amzn-RequestId", &b"r-2"[..])]);
        assert_eq!(owned.as_response().server_time(), None);
        assert_eq!(
            owned.as_response(),
            HttpResponse::new(200, b"").header("x-amzn-requestid", "r-2")
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn http_responses_carry_the_date() -> Result<(), http::Error> {
        let response = http::Response::builder()
            .status(400)
            .header("Date", DATE)
            .header("x-amzn-ErrorType", "NotAuthorizedException")
            .body(b"{}".to_vec())?;
        let borrowed = HttpResponse::from(&response);
        assert_eq!(borrowed.server_time(), Some(UnixTime(1_700_000_000)));
        let owned = OwnedHttpResponse::from(response);
        assert_eq!(
            owned.as_response(),
            HttpResponse::new(400, b"{}")
                .header("Date", DATE)
                .header("x-amzn-ErrorType", "NotAuthorizedException")
        );
        assert_eq!(
            owned.as_response().server_time(),
            Some(UnixTime(1_700_000_000))
        );
        let text = http::Response::builder()
            .header("date", DATE)
            .body(String::new())?;
        assert_eq!(
            OwnedHttpResponse::from(text).as_response().server_time(),
            Some(UnixTime(1_700_000_000))
        );
        Ok(())
    }
}
