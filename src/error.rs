//! The crate's error type.

use core::fmt;

use crate::random::RandomError;
use crate::srp::SrpError;
use crate::wire::operation::Operation;
use crate::wire::service_error::{ErrorKind, ServiceError};

/// Everything that can go wrong while driving a machine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Cognito answered with an error.
    #[error("Cognito rejected the request: {0}")]
    Service(#[from] ServiceError),
    /// A 2xx response whose body is not what the operation returns.
    #[error("malformed Cognito response: {0}")]
    InvalidResponse(#[from] InvalidResponse),
    /// The response parsed but breaks the protocol (a missing challenge parameter, an unsafe
    /// SRP value...).
    #[error("Cognito violated the protocol: {0}")]
    PeerMisbehaved(#[from] PeerMisbehaved),
    /// A server-supplied SRP value was unusable.
    #[error("SRP failed: {0}")]
    Srp(#[from] SrpError),
    /// The caller used the machine in a way its state does not allow.
    #[error("API misuse: {0}")]
    ApiMisuse(#[from] ApiMisuse),
    /// The caller's input cannot be sent (a missing attribute, an empty code...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The random source failed.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl Error {
    /// The service error, if Cognito sent one.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// True when retrying the same request later may succeed (throttling, server faults).
    pub fn is_retryable(&self) -> bool {
        self.service().is_some_and(ServiceError::is_retryable)
    }

    /// True when the service error is of `kind`.
    pub fn is_service(&self, kind: &ErrorKind) -> bool {
        self.service().is_some_and(|e| e.kind() == kind)
    }
}

/// A 2xx response body that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidResponse {
    operation: Operation,
    reason: String,
}

impl InvalidResponse {
    pub(crate) fn new(operation: Operation, reason: impl Into<String>) -> Self {
        Self {
            operation,
            reason: reason.into(),
        }
    }

    /// The operation whose response it was.
    pub fn operation(&self) -> Operation {
        self.operation
    }

    /// What was wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} response: {}", self.operation, self.reason)
    }
}

impl std::error::Error for InvalidResponse {}

/// Cognito's response broke the protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeerMisbehaved {
    /// A challenge arrived without a parameter it must carry.
    #[error("challenge {challenge} is missing the parameter {parameter}")]
    MissingChallengeParameter {
        /// The challenge name.
        challenge: String,
        /// The missing parameter.
        parameter: &'static str,
    },
    /// A challenge parameter could not be parsed.
    #[error("challenge {challenge} has an unreadable {parameter}: {reason}")]
    InvalidChallengeParameter {
        /// The challenge name.
        challenge: String,
        /// The parameter.
        parameter: &'static str,
        /// Why it is unreadable.
        reason: String,
    },
    /// A challenge came without the `Session` to answer it with.
    #[error("challenge {0} came without a Session")]
    MissingSession(String),
    /// Neither tokens nor a challenge.
    #[error("the response has neither AuthenticationResult nor ChallengeName")]
    NoResult,
    /// The response carried tokens without an access or ID token.
    #[error("AuthenticationResult lacks {0}")]
    IncompleteTokens(&'static str),
    /// A challenge this flow cannot have produced (e.g. PASSWORD_VERIFIER for a password flow).
    #[error("challenge {0} was not expected here")]
    UnexpectedChallenge(String),
    /// The service kept the sign-in going past the most requests one sign-in may take
    /// ([`SignIn::MAX_REQUESTS`](crate::SignIn::MAX_REQUESTS)); no real sign-in needs that
    /// many, so the endpoint is looping.
    #[error(
        "the sign-in did not finish within {limit} requests; the service keeps sending challenges"
    )]
    TooManyRoundTrips {
        /// The most requests a sign-in may send.
        limit: u32,
    },
    /// The service sent the same challenge again right after it was answered, more often than
    /// a real sign-in does (a wrong code is retried without the service sending the challenge
    /// again, so it does not count); or DEVICE_SRP_AUTH a second time in one sign-in.
    #[error("challenge {name} came {times} times after being answered; the service is looping")]
    ChallengeRepeated {
        /// The challenge name.
        name: String,
        /// How many times in a row it came.
        times: u32,
    },
}

/// A method was called in a state that does not allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiMisuse {
    /// `start` was called twice.
    #[error("the machine was already started")]
    AlreadyStarted,
    /// `handle_response` without a request in flight.
    #[error("no request is waiting for a response")]
    NoRequestInFlight,
    /// `answer` while no challenge waits for one.
    #[error("no challenge is waiting for an answer")]
    NoChallengePending,
    /// The answer is for another challenge than the pending one.
    #[error("the answer does not fit the pending challenge")]
    WrongAnswer,
    /// The machine already finished.
    #[error("the machine already finished")]
    Finished,
    /// No random source is configured (the `getrandom` feature is off).
    #[error("no random source: call PoolConfig::with_random")]
    NoRandomSource,
}
