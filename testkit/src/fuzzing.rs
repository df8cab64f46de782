//! The server's HTTP request parser without a socket, for the fuzz drivers (crate
//! `cognito-auth-fuzz-drivers`) and their seed replay. Not part of the supported API.

use std::io::{self, BufRead};

use crate::http::{Limits, ReadOutcome, read_request};

/// A request as the server parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRequest {
    /// The method, as sent.
    pub method: String,
    /// The request target, as sent.
    pub path: String,
    /// The headers in order, names and values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

/// What reading one request gave.
#[derive(Debug)]
pub enum Parsed {
    /// A whole request.
    Request(ParsedRequest),
    /// The stream ended before a request began.
    Closed,
    /// A malformed or too large request; the server answers 400 with this and closes.
    Bad(&'static str),
    /// The stream failed (here: ended inside a body); the server closes.
    Io(io::Error),
}

/// Reads one request from `reader` as the server does, with its default limits except the
/// largest head and body.
pub fn read_one(
    reader: &mut impl BufRead,
    max_header_bytes: usize,
    max_body_bytes: usize,
) -> Parsed {
    let mut limits = Limits::default();
    limits.max_header_bytes = max_header_bytes;
    limits.max_body_bytes = max_body_bytes;
    match read_request(reader, &limits) {
        Ok(ReadOutcome::Request(r)) => Parsed::Request(ParsedRequest {
            method: r.method,
            path: r.path,
            headers: r.headers,
            body: r.body,
        }),
        Ok(ReadOutcome::Closed) => Parsed::Closed,
        Ok(ReadOutcome::Bad(why)) => Parsed::Bad(why),
        Err(e) => Parsed::Io(e),
    }
}
