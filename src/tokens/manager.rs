//! Keeping a user's tokens fresh: one refresh at a time, rotation-aware, and never signing the
//! user out because of throttling or a server fault.

use std::sync::Arc;

use crate::config::PoolConfig;
use crate::error::Error;
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::tokens::refresh::{Refresh, RefreshFlow};
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;
use crate::wire::service_error::ErrorKind;

/// What a refresh response did to the stored tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshOutcome {
    /// New tokens are stored (with the rotated refresh token, if Cognito sent one).
    Refreshed,
    /// A transient failure (throttling, a server fault, an unreadable response): the tokens
    /// are kept and a later [`TokenManager::poll_refresh`] tries again.
    RetryLater(Error),
    /// The refresh token is no longer good (revoked, expired, reused after rotation, user
    /// gone): the tokens are dropped and the user must sign in again.
    SignedOut(Error),
}

/// A user's tokens with single-flight refresh, as a sans-IO value.
///
/// Call [`poll_refresh`](Self::poll_refresh) before using the access token: it returns a
/// request only when the tokens are about to expire and no refresh is already out, so
/// concurrent callers never send two refreshes (which would trip refresh-token rotation).
/// Feed the reply to [`handle_refresh_response`](Self::handle_refresh_response). Put the
/// manager behind your own mutex when several threads use it.
#[derive(Debug)]
pub struct TokenManager {
    config: Arc<PoolConfig>,
    tokens: Option<Tokens>,
    in_flight: Option<Refresh>,
    flow: RefreshFlow,
    margin_secs: u64,
}

impl TokenManager {
    /// Manages `tokens`; refreshes 5 minutes before they expire, with GetTokensFromRefreshToken.
    pub fn new(config: Arc<PoolConfig>, tokens: Tokens) -> Self {
        Self {
            config,
            tokens: Some(tokens),
            in_flight: None,
            flow: RefreshFlow::default(),
            margin_secs: 300,
        }
    }

    /// Refreshes this many seconds before expiry.
    #[must_use]
    pub fn with_margin(mut self, secs: u64) -> Self {
        self.margin_secs = secs;
        self
    }

    /// Chooses the refresh operation.
    #[must_use]
    pub fn with_flow(mut self, flow: RefreshFlow) -> Self {
        self.flow = flow;
        self
    }

    /// The current tokens; `None` once signed out.
    pub fn tokens(&self) -> Option<&Tokens> {
        self.tokens.as_ref()
    }

    /// The access token, if it is still valid at `now` (expiry is not checked against the
    /// margin: a token in its last minutes is still good to send).
    pub fn access_token(&self, now: UnixTime) -> Option<&SecretString> {
        self.tokens
            .as_ref()
            .filter(|t| !t.is_expired(now, 0))
            .map(|t| &t.access_token)
    }

    /// True while a refresh request is out.
    pub fn is_refreshing(&self) -> bool {
        self.in_flight.is_some()
    }

    /// A refresh request when the tokens expire within the margin at `now` and none is out.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the tokens carry no refresh token.
    pub fn poll_refresh(&mut self, now: UnixTime) -> Result<Option<Request>, Error> {
        match &self.tokens {
            Some(tokens) if tokens.is_expired(now, self.margin_secs) => self.refresh_now(),
            _ => Ok(None),
        }
    }

    /// A refresh request now, unless one is already out (then `None`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when signed out or the tokens carry no refresh token.
    pub fn refresh_now(&mut self) -> Result<Option<Request>, Error> {
        if self.in_flight.is_some() {
            return Ok(None);
        }
        let tokens = self
            .tokens
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("signed out: no tokens to refresh".into()))?;
        let mut refresh = Refresh::new(self.config.clone(), tokens)?.with_flow(self.flow);
        let request = refresh.request()?;
        self.in_flight = Some(refresh);
        Ok(Some(request))
    }

    /// Applies the reply to the refresh request.
    ///
    /// # Errors
    /// [`crate::ApiMisuse::NoRequestInFlight`] when no refresh is out.
    pub fn handle_refresh_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<RefreshOutcome, Error> {
        let mut refresh = self
            .in_flight
            .take()
            .ok_or(crate::ApiMisuse::NoRequestInFlight)?;
        Ok(match refresh.handle_response(response, now) {
            Ok(tokens) => {
                self.tokens = Some(tokens);
                RefreshOutcome::Refreshed
            }
            Err(error) if ends_session(&error) => {
                self.tokens = None;
                RefreshOutcome::SignedOut(error)
            }
            Err(error) => RefreshOutcome::RetryLater(error),
        })
    }
}

/// Errors that mean the refresh token will never work again.
fn ends_session(error: &Error) -> bool {
    error.service().is_some_and(|e| {
        matches!(
            e.kind(),
            ErrorKind::NotAuthorized
                | ErrorKind::RefreshTokenReuse
                | ErrorKind::UserNotFound
                | ErrorKind::UserNotConfirmed
        )
    })
}
