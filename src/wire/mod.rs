//! The wire: what goes to Cognito and what comes back, independent of any flow.
//!
//! A [`Request`](request::Request) is built by the machines and sent by the caller; an
//! [`HttpResponse`](response::HttpResponse) is parsed here, service errors included. The
//! operation catalog and SigV4 live here too; the JSON shapes are private.

mod borrowed;
mod json;
pub mod operation;
pub(crate) mod operation_errors;
pub(crate) mod read;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod service_error;
#[cfg(feature = "sigv4")]
pub(crate) mod sigv4;

pub(crate) use json::*;
