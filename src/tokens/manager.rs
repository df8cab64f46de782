//! Keeping a user's tokens fresh: one refresh at a time, rotation-aware, never signing the
//! user out because of throttling, a server fault or a lost connection, and never hammering
//! Cognito: an unanswered refresh times out, failures back off, odd lifetimes are bounded.

use std::sync::Arc;

use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error};
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::tokens::refresh::{Refresh, RefreshFlow};
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;
use crate::wire::service_error::ErrorKind;

/// How long a refresh may go unanswered before [`TokenManager::poll_refresh`] sends another.
const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
/// The longest request timeout: a larger one is clamped to this (an hour is already longer
/// than any HTTP client waits), so that an unanswered refresh is always given up on.
const MAX_REQUEST_TIMEOUT_SECS: u64 = 3600;
/// The latest time the manager takes (9999-12-31T23:59:59Z): every deadline it computes
/// (this plus at most an hour) stays far below `u64::MAX`, where adding would saturate and
/// a timeout or a backoff would end at once.
const LATEST_SECS: u64 = 253_402_300_799;
/// The backoff after one failed refresh; it doubles with each failure in a row...
const BACKOFF_INITIAL_SECS: u64 = 1;
/// ...up to this.
const BACKOFF_MAX_SECS: u64 = 300;
/// `poll_refresh` never refreshes tokens sooner than this after they arrived.
const MIN_REFRESH_INTERVAL_SECS: u64 = 30;

/// What a refresh response did to the stored tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefreshOutcome {
    /// New tokens are stored (with the rotated refresh token, if Cognito sent one).
    Refreshed,
    /// A transient failure (throttling, a server fault, an unreadable response): the tokens
    /// are kept and [`TokenManager::poll_refresh`] tries again after a backoff
    /// ([`TokenManager::next_refresh_at`]).
    RetryLater(Error),
    /// The refresh token is no longer good (revoked, expired, reused after rotation, user
    /// gone): the tokens are dropped and the user must sign in again.
    SignedOut(Error),
}

/// A user's tokens with single-flight refresh, as a sans-IO value.
///
/// Call [`poll_refresh`](Self::poll_refresh) before using the access token: it returns a
/// request only when the tokens are due for refresh and no refresh is already out, so
/// concurrent callers never send two refreshes (which would trip refresh-token rotation).
/// Feed the reply to [`handle_refresh_response`](Self::handle_refresh_response), or report
/// that none came with [`handle_transport_failure`](Self::handle_transport_failure). Put the
/// manager behind your own mutex when several threads use it.
///
/// It cannot get stuck and cannot storm Cognito:
///
/// - **Due time.** Tokens are due `margin` (5 minutes, [`with_margin`](Self::with_margin))
///   before they expire, but the margin is at most half their lifetime (`ExpiresIn`), and
///   `poll_refresh` never refreshes tokens less than 30 s after they arrived. So 5-minute
///   tokens are refreshed after 2.5 minutes rather than at every poll, and a nonsense
///   `ExpiresIn` (0, negative, a few seconds) costs one refresh per 30 s at most.
/// - **Timeout.** A refresh left unanswered for the request timeout (30 s,
///   [`with_request_timeout`](Self::with_request_timeout), at most an hour) counts as a
///   failure: the next `poll_refresh` gives it up and, once the backoff allows, sends a new
///   one.
/// - **Time.** `poll_refresh` refuses a time past 9999-12-31T23:59:59Z (a clock that
///   reads that is broken, and deadlines computed from it would overflow); a reply or a
///   failure learned at such a time counts as learned at that instant.
/// - **Backoff.** After a failure (a [`RefreshOutcome::RetryLater`] reply, a transport
///   failure, a timeout) `poll_refresh` waits 1 s, then 2 s, 4 s... up to 5 minutes for
///   failures in a row, counted from when the failure was learned (for a timeout, from when
///   the request was sent); a success starts again at 1 s. When the [`PoolConfig`] has a
///   random source, each wait is shortened by up to half at random, so that many clients
///   throttled together do not retry in step; without one the waits are exactly as above.
/// - **Late replies.** A reply says nothing of the request it answers, so a reply fed in while
///   a refresh is out is taken as that refresh's answer, even if it was meant for a refresh
///   given up on: they asked the same thing (the same refresh token, the same operation), so
///   either answer is right. A reply fed in while no refresh is out is applied only if it
///   carries tokens and a refresh of the tokens still held was given up on (the tokens it
///   brings are what the on-time reply would have brought; with rotation, dropping them
///   could leave the app holding a refresh token Cognito has already replaced). Anything
///   else then is rejected with [`ApiMisuse::NoRequestInFlight`] and changes nothing. Best,
///   though, is to cancel the HTTP call of a refresh that `poll_refresh` replaced.
///
/// [`refresh_now`](Self::refresh_now) is the explicit override: it ignores the due time and
/// the backoff (but never sends a second refresh while one is out).
///
/// [`next_refresh_at`](Self::next_refresh_at) tells when `poll_refresh` will next have
/// something to do, for a timer:
///
/// ```no_run
/// use std::sync::Arc;
/// use cognito_auth::{HttpResponse, PoolConfig, RefreshOutcome, Request, TokenManager, UnixTime};
/// # use cognito_auth::Tokens;
///
/// /// Your HTTP client: `None` when no reply came (timeout, offline, connection reset).
/// fn send(request: &Request) -> Option<(u16, Vec<u8>)> { unimplemented!() }
/// fn now() -> UnixTime { UnixTime::from_system_time(std::time::SystemTime::now()) }
/// # fn stored_tokens() -> Tokens { unimplemented!() }
///
/// let config = Arc::new(PoolConfig::new("us-east-1_AbC123", "1example23456789")?);
/// let mut manager = TokenManager::new(config, stored_tokens()).with_request_timeout(20);
/// // Before each API call, and when the timer fires:
/// if let Some(request) = manager.poll_refresh(now())? {
///     match send(&request) {
///         Some((status, body)) => {
///             let response = HttpResponse::new(status, &body);
///             if let RefreshOutcome::SignedOut(_) = manager.handle_refresh_response(response, now())? {
///                 // Ask the user to sign in again.
///             }
///         }
///         None => manager.handle_transport_failure(now())?,
///     }
/// }
/// // Set the timer; `None`: signed out, or waiting for the reply to `refresh_now`.
/// let wake_at: Option<UnixTime> = manager.next_refresh_at();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TokenManager {
    config: Arc<PoolConfig>,
    tokens: Option<Tokens>,
    in_flight: Option<InFlight>,
    flow: RefreshFlow,
    margin_secs: u64,
    request_timeout_secs: u64,
    /// Failed refreshes in a row: replies asking to retry, transport failures, timeouts.
    failures: u32,
    /// After a failure, `poll_refresh` sends nothing before this.
    retry_at: Option<UnixTime>,
    /// A refresh of the tokens held was given up on (timed out, or its transport failed): its
    /// reply may still be fed in.
    abandoned: bool,
}

/// The refresh that is out.
#[derive(Debug)]
struct InFlight {
    refresh: Refresh,
    /// The `now` of the `poll_refresh` that sent it or, after `refresh_now`, of the first
    /// `poll_refresh` that saw it out: its timeout runs from here.
    sent_at: Option<UnixTime>,
}

impl TokenManager {
    /// Manages `tokens`; refreshes 5 minutes before they expire, with GetTokensFromRefreshToken,
    /// and gives up on a refresh unanswered for 30 s.
    pub fn new(config: Arc<PoolConfig>, tokens: Tokens) -> Self {
        Self {
            config,
            tokens: Some(tokens),
            in_flight: None,
            flow: RefreshFlow::default(),
            margin_secs: 300,
            request_timeout_secs: DEFAULT_REQUEST_TIMEOUT_SECS,
            failures: 0,
            retry_at: None,
            abandoned: false,
        }
    }

    /// Refreshes this many seconds before expiry, or half the tokens' lifetime before it if
    /// that is less.
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

    /// Gives up on a refresh left unanswered for this many seconds (default 30; clamped to
    /// at least 1 and at most 3600, so that a refresh is always given up on eventually): a
    /// later [`poll_refresh`](Self::poll_refresh) sends another. Make it at least your HTTP
    /// client's own timeout, so that a slow reply is not overtaken by a second request.
    #[must_use]
    pub fn with_request_timeout(mut self, secs: u64) -> Self {
        self.request_timeout_secs = secs.clamp(1, MAX_REQUEST_TIMEOUT_SECS);
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

    /// When [`poll_refresh`](Self::poll_refresh) will next have something to do, for an app
    /// that sets a timer: while no refresh is out, when the tokens are due, pushed back by
    /// the backoff after a failure; while one is out, when it times out. `None` when signed
    /// out, or while a refresh sent by [`refresh_now`](Self::refresh_now) is out and no
    /// `poll_refresh` has seen it yet (its timeout starts at that poll). The time may be past.
    pub fn next_refresh_at(&self) -> Option<UnixTime> {
        let tokens = self.tokens.as_ref()?;
        match &self.in_flight {
            Some(in_flight) => in_flight
                .sent_at
                .map(|sent_at| sent_at.plus(self.request_timeout_secs)),
            None => Some(self.due_at(tokens)),
        }
    }

    /// A refresh request when the tokens are due at `now`, the backoff after a failure has
    /// passed and none is out; gives up on one that is out but timed out.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the tokens carry no refresh token, or `now` is past
    /// 9999-12-31T23:59:59Z (nothing changes then).
    pub fn poll_refresh(&mut self, now: UnixTime) -> Result<Option<Request>, Error> {
        if now.as_secs() > LATEST_SECS {
            return Err(Error::InvalidInput(format!(
                "the time {} is past 9999-12-31T23:59:59Z: the clock is wrong",
                now.as_secs()
            )));
        }
        // A clock set back must not stall the refresh until it catches up again.
        if let Some(in_flight) = &mut self.in_flight {
            if in_flight.sent_at.is_none_or(|sent_at| sent_at > now) {
                in_flight.sent_at = Some(now);
            }
        }
        let latest_retry = now.plus(BACKOFF_MAX_SECS);
        if self
            .retry_at
            .is_some_and(|retry_at| retry_at > latest_retry)
        {
            self.retry_at = Some(latest_retry);
        }
        if let Some(in_flight) = &self.in_flight {
            let sent_at = in_flight.sent_at.unwrap_or(now);
            if now < sent_at.plus(self.request_timeout_secs) {
                return Ok(None);
            }
            // No reply in time: a failure, whose backoff runs from the sending (the timeout
            // has waited already). Its reply may still come; see the type's documentation.
            self.in_flight = None;
            self.abandoned = true;
            self.record_failure(sent_at);
        }
        match &self.tokens {
            Some(tokens) if now >= self.due_at(tokens) => self.send(Some(now)),
            _ => Ok(None),
        }
    }

    /// A refresh request now, whatever the tokens' expiry and the backoff, unless one is
    /// already out (then `None`). Its timeout runs from the next
    /// [`poll_refresh`](Self::poll_refresh), which is the first to learn the time.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when signed out or the tokens carry no refresh token.
    pub fn refresh_now(&mut self) -> Result<Option<Request>, Error> {
        if self.in_flight.is_some() {
            return Ok(None);
        }
        self.send(None)
    }

    /// Applies the reply to the refresh request.
    ///
    /// # Errors
    /// [`ApiMisuse::NoRequestInFlight`] when no refresh is out, unless the reply is a late
    /// one that is applied (see the type's documentation).
    pub fn handle_refresh_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<RefreshOutcome, Error> {
        let Some(InFlight { mut refresh, .. }) = self.in_flight.take() else {
            return self.handle_late_response(response, now);
        };
        Ok(match refresh.handle_response(response, now) {
            Ok(tokens) => {
                self.store(tokens);
                RefreshOutcome::Refreshed
            }
            Err(error) if ends_session(&error) => {
                self.sign_out();
                RefreshOutcome::SignedOut(error)
            }
            Err(error) => {
                self.record_failure(now);
                RefreshOutcome::RetryLater(error)
            }
        })
    }

    /// Reports that the refresh request got no reply (timeout, offline, connection reset,
    /// TLS failure): the refresh is no longer out, the tokens are kept and, as after
    /// [`RefreshOutcome::RetryLater`], `poll_refresh` sends another after the backoff.
    ///
    /// # Errors
    /// [`ApiMisuse::NoRequestInFlight`] when no refresh is out (for instance because
    /// `poll_refresh` already gave up on it): nothing changes, and it is safe to ignore.
    pub fn handle_transport_failure(&mut self, now: UnixTime) -> Result<(), Error> {
        if self.in_flight.take().is_none() {
            return Err(ApiMisuse::NoRequestInFlight.into());
        }
        // A reply may still arrive (the app's notion of failure is not Cognito's).
        self.abandoned = true;
        self.record_failure(now);
        Ok(())
    }

    fn send(&mut self, sent_at: Option<UnixTime>) -> Result<Option<Request>, Error> {
        let tokens = self
            .tokens
            .as_ref()
            .ok_or_else(|| Error::InvalidInput("signed out: no tokens to refresh".into()))?;
        let mut refresh = Refresh::new(self.config.clone(), tokens)?.with_flow(self.flow);
        let request = refresh.request()?;
        self.in_flight = Some(InFlight { refresh, sent_at });
        Ok(Some(request))
    }

    /// A reply with no refresh out: applied only if it carries tokens for the refresh token
    /// held, which a refresh given up on was sent with.
    fn handle_late_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<RefreshOutcome, Error> {
        let tokens = match &self.tokens {
            Some(tokens) if self.abandoned => tokens,
            _ => return Err(ApiMisuse::NoRequestInFlight.into()),
        };
        let mut refresh = Refresh::new(self.config.clone(), tokens)?
            .with_flow(self.flow)
            .awaiting_reply();
        match refresh.handle_response(response, now) {
            Ok(tokens) => {
                self.store(tokens);
                Ok(RefreshOutcome::Refreshed)
            }
            // The refresh it answered was given up on already (and counted as a failure).
            Err(_) => Err(ApiMisuse::NoRequestInFlight.into()),
        }
    }

    /// When `poll_refresh` may send a refresh of `tokens` (no refresh being out).
    fn due_at(&self, tokens: &Tokens) -> UnixTime {
        // Half the lifetime at most, or tokens whose lifetime is within the margin (Cognito
        // allows 5-minute access tokens, the default margin) would be due on arrival, and
        // would be refreshed at every poll. `ExpiresIn` is not refused when odd (0, negative,
        // tiny): the tokens themselves are good, and the 30 s floor bounds the cost.
        let margin = self.margin_secs.min(tokens.expires_in / 2);
        let expires_at = tokens.expires_at.as_secs();
        let received_at = expires_at.saturating_sub(tokens.expires_in);
        let due = expires_at
            .saturating_sub(margin)
            .max(received_at.saturating_add(MIN_REFRESH_INTERVAL_SECS));
        UnixTime(
            self.retry_at
                .map_or(due, |retry_at| due.max(retry_at.as_secs())),
        )
    }

    /// A failed refresh, learned of (or, for a timeout, sent) at `at`: backs off.
    fn record_failure(&mut self, at: UnixTime) {
        // A failure learned past the latest time counts as learned at it: the backoff
        // then cannot saturate, and `poll_refresh` refuses such times anyway.
        let at = UnixTime(at.as_secs().min(LATEST_SECS));
        self.failures = self.failures.saturating_add(1);
        let doublings = self.failures.saturating_sub(1).min(16);
        let backoff = BACKOFF_INITIAL_SECS
            .saturating_mul(1 << doublings)
            .min(BACKOFF_MAX_SECS);
        self.retry_at = Some(at.plus(backoff - self.jitter(backoff / 2)));
    }

    /// Up to `max` seconds from the configured random source; 0 without one, or if it fails
    /// (the backoff then is deterministic, which is still no storm).
    fn jitter(&self, max: u64) -> u64 {
        let Some(random) = self.config.random() else {
            return 0;
        };
        let mut bytes = [0; 8];
        match random.fill(&mut bytes) {
            Ok(()) => u64::from_le_bytes(bytes) % max.saturating_add(1),
            Err(_) => 0,
        }
    }

    fn store(&mut self, tokens: Tokens) {
        self.tokens = Some(tokens);
        self.failures = 0;
        self.retry_at = None;
        self.abandoned = false;
    }

    fn sign_out(&mut self) {
        self.tokens = None;
        self.in_flight = None;
        self.failures = 0;
        self.retry_at = None;
        self.abandoned = false;
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests;
