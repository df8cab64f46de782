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
///   [`with_request_timeout`](Self::with_request_timeout)) counts as a failure: the next
///   `poll_refresh` gives it up and, once the backoff allows, sends a new one.
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

    /// Gives up on a refresh left unanswered for this many seconds (at least 1; default 30):
    /// a later [`poll_refresh`](Self::poll_refresh) sends another. Make it at least your HTTP
    /// client's own timeout, so that a slow reply is not overtaken by a second request.
    #[must_use]
    pub fn with_request_timeout(mut self, secs: u64) -> Self {
        self.request_timeout_secs = secs.max(1);
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
    /// [`Error::InvalidInput`] when the tokens carry no refresh token.
    pub fn poll_refresh(&mut self, now: UnixTime) -> Result<Option<Request>, Error> {
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
mod tests {
    use super::*;
    use crate::random::{RandomError, SecureRandom};

    /// When the first tokens arrived.
    const T0: UnixTime = UnixTime(1_700_000_000);
    /// When those tokens (3600 s) are due for refresh with the default 300 s margin.
    const DUE: UnixTime = UnixTime(T0.0 + 3600 - 300);

    /// A random source that always yields the same byte.
    struct Bytes(u8);

    impl SecureRandom for Bytes {
        fn fill(&self, buf: &mut [u8]) -> Result<(), RandomError> {
            buf.fill(self.0);
            Ok(())
        }
    }

    fn config(byte: u8) -> Arc<PoolConfig> {
        Arc::new(
            PoolConfig::new("us-east-1_AbC123", "client-1")
                .unwrap()
                .with_random(Arc::new(Bytes(byte))),
        )
    }

    fn tokens(expires_in: u64, received: UnixTime) -> Tokens {
        Tokens {
            id_token: "id-0".into(),
            access_token: "access-0".into(),
            refresh_token: Some("refresh-0".into()),
            token_type: "Bearer".into(),
            expires_in,
            expires_at: received.plus(expires_in),
            new_device: None,
        }
    }

    /// Tokens received at `T0` for an hour; jitter drawn from zero bytes, so none.
    fn manager() -> TokenManager {
        TokenManager::new(config(0), tokens(3600, T0))
    }

    /// A reply with tokens named `access`. Tokens a refresh returns must be JWTs: the name
    /// rides as the signature part of one, where [`access`] reads it back.
    fn granted(access: &str, expires_in: i64) -> (u16, Vec<u8>) {
        let jwt = |name: &str| format!("eyJhbGciOiJSUzI1NiJ9.e30.{name}");
        let body = serde_json::json!({"AuthenticationResult": {
            "AccessToken": jwt(access), "IdToken": jwt("id"), "ExpiresIn": expires_in,
            "TokenType": "Bearer"
        }});
        (200, body.to_string().into_bytes())
    }

    fn throttled() -> (u16, Vec<u8>) {
        let body =
            serde_json::json!({"__type": "TooManyRequestsException", "message": "Rate exceeded"});
        (400, body.to_string().into_bytes())
    }

    fn reply(
        manager: &mut TokenManager,
        (status, body): (u16, Vec<u8>),
        now: UnixTime,
    ) -> Result<RefreshOutcome, Error> {
        manager.handle_refresh_response(HttpResponse::new(status, &body), now)
    }

    /// The name of the access token held (see [`granted`]).
    fn access(manager: &TokenManager) -> &str {
        let token = manager.tokens().unwrap().access_token.expose();
        token.rsplit('.').next().unwrap_or(token)
    }

    fn at(secs: u64) -> UnixTime {
        DUE.plus(secs)
    }

    #[test]
    fn refresh_is_resent_after_the_request_timeout() {
        let mut manager = manager();
        assert!(manager.poll_refresh(DUE).unwrap().is_some());
        assert!(
            manager.poll_refresh(at(29)).unwrap().is_none(),
            "still waiting"
        );
        let again = manager.poll_refresh(at(30)).unwrap();
        assert!(
            again.is_some(),
            "the unanswered refresh is abandoned and sent again"
        );
        assert!(manager.is_refreshing());
        assert!(
            manager.poll_refresh(at(30)).unwrap().is_none(),
            "single flight still"
        );
    }

    #[test]
    fn request_timeout_is_configurable() {
        let mut manager = manager().with_request_timeout(5);
        assert!(manager.poll_refresh(DUE).unwrap().is_some());
        assert!(manager.poll_refresh(at(4)).unwrap().is_none());
        assert!(manager.poll_refresh(at(5)).unwrap().is_some());
    }

    /// A reply cannot say which request it answers: a late reply to the abandoned refresh is
    /// taken as the answer to the one now out, and the reply after that finds none out.
    #[test]
    fn late_reply_after_the_timeout_is_applied_once() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        manager.poll_refresh(at(30)).unwrap().unwrap();
        let outcome = reply(&mut manager, granted("access-late", 3600), at(31)).unwrap();
        assert_eq!(outcome, RefreshOutcome::Refreshed);
        assert_eq!(access(&manager), "access-late");
        let second = reply(&mut manager, granted("access-second", 3600), at(32));
        assert!(matches!(
            second,
            Err(Error::ApiMisuse(crate::ApiMisuse::NoRequestInFlight))
        ));
        assert_eq!(access(&manager), "access-late", "kept the first answer");
    }

    #[test]
    fn refresh_now_times_out_from_the_first_poll_that_sees_it() {
        let mut manager = manager();
        assert!(manager.refresh_now().unwrap().is_some());
        assert!(
            manager.poll_refresh(DUE).unwrap().is_none(),
            "stamps the request"
        );
        assert!(manager.poll_refresh(at(29)).unwrap().is_none());
        assert!(manager.poll_refresh(at(30)).unwrap().is_some());
        // Tokens not yet due: the timed-out refresh is given up on, and no other is sent.
        let mut early = self::manager();
        early.refresh_now().unwrap().unwrap();
        assert!(early.poll_refresh(T0).unwrap().is_none());
        assert!(early.poll_refresh(T0.plus(30)).unwrap().is_none());
        assert!(!early.is_refreshing());
        assert_eq!(early.next_refresh_at(), Some(DUE));
    }

    #[test]
    fn retry_later_backs_off() {
        let mut manager = manager();
        let mut now = DUE;
        assert!(manager.poll_refresh(now).unwrap().is_some());
        let mut delays = Vec::new();
        for _ in 0..11 {
            let outcome = reply(&mut manager, throttled(), now).unwrap();
            assert!(matches!(outcome, RefreshOutcome::RetryLater(_)));
            assert!(manager.tokens().is_some());
            let mut wait = 0;
            while manager.poll_refresh(now.plus(wait)).unwrap().is_none() {
                wait += 1;
                assert!(wait <= 300, "the backoff is capped at 5 minutes");
            }
            now = now.plus(wait);
            delays.push(wait);
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    }

    #[test]
    fn backoff_resets_after_a_success() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        reply(&mut manager, throttled(), DUE).unwrap();
        manager.poll_refresh(at(1)).unwrap().unwrap();
        reply(&mut manager, throttled(), at(1)).unwrap();
        assert!(
            manager.poll_refresh(at(2)).unwrap().is_none(),
            "2 s the second time"
        );
        manager.poll_refresh(at(3)).unwrap().unwrap();
        let outcome = reply(&mut manager, granted("access-1", 3600), at(3)).unwrap();
        assert_eq!(outcome, RefreshOutcome::Refreshed);
        let due = at(3 + 3600 - 300);
        assert!(manager.poll_refresh(due).unwrap().is_some());
        reply(&mut manager, throttled(), due).unwrap();
        assert!(manager.poll_refresh(due).unwrap().is_none());
        assert!(
            manager.poll_refresh(due.plus(1)).unwrap().is_some(),
            "back to 1 s"
        );
    }

    #[test]
    fn tiny_expires_in_does_not_refresh_every_poll() {
        // 300 s is the shortest access-token lifetime Cognito allows, and the default margin.
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        let outcome = reply(&mut manager, granted("access-1", 300), DUE).unwrap();
        assert_eq!(outcome, RefreshOutcome::Refreshed);
        assert!(
            manager.poll_refresh(DUE).unwrap().is_none(),
            "just refreshed"
        );
        assert!(manager.poll_refresh(at(149)).unwrap().is_none());
        assert!(
            manager.poll_refresh(at(150)).unwrap().is_some(),
            "the margin is at most half the lifetime"
        );
    }

    #[test]
    fn nonsense_expires_in_refreshes_at_most_every_30_s() {
        for expires_in in [0, 1, -5] {
            let mut odd = self::manager();
            odd.poll_refresh(DUE).unwrap().unwrap();
            let outcome = reply(&mut odd, granted("access-odd", expires_in), DUE).unwrap();
            assert_eq!(outcome, RefreshOutcome::Refreshed);
            for secs in 0..30 {
                let polled = odd.poll_refresh(at(secs)).unwrap();
                assert!(
                    polled.is_none(),
                    "ExpiresIn {expires_in}: refreshed again at +{secs} s"
                );
            }
            assert!(odd.poll_refresh(at(30)).unwrap().is_some());
        }
    }

    struct Broken;

    impl SecureRandom for Broken {
        fn fill(&self, _: &mut [u8]) -> Result<(), RandomError> {
            Err(RandomError)
        }
    }

    fn is_no_request_in_flight(result: Result<impl std::fmt::Debug, Error>) -> bool {
        matches!(result, Err(Error::ApiMisuse(ApiMisuse::NoRequestInFlight)))
    }

    #[test]
    fn transport_failure_frees_the_refresh() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        manager.handle_transport_failure(at(5)).unwrap();
        assert!(!manager.is_refreshing());
        assert_eq!(access(&manager), "access-0", "tokens kept");
        assert!(manager.poll_refresh(at(5)).unwrap().is_none(), "backs off");
        assert_eq!(manager.next_refresh_at(), Some(at(6)));
        assert!(manager.poll_refresh(at(6)).unwrap().is_some());
        manager.handle_transport_failure(at(6)).unwrap();
        assert!(
            manager.poll_refresh(at(7)).unwrap().is_none(),
            "2 s the second time"
        );
        assert!(manager.poll_refresh(at(8)).unwrap().is_some());
        // Reported twice, or with nothing out: rejected, nothing changes.
        manager.handle_transport_failure(at(9)).unwrap();
        assert!(is_no_request_in_flight(
            manager.handle_transport_failure(at(9))
        ));
        assert_eq!(manager.next_refresh_at(), Some(at(13)));
    }

    /// With no refresh out, a late reply is applied only if it carries tokens for the refresh
    /// token still held; errors and replies for tokens since replaced change nothing.
    #[test]
    fn late_reply_after_a_transport_failure() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        manager.handle_transport_failure(at(1)).unwrap();
        assert!(is_no_request_in_flight(reply(
            &mut manager,
            throttled(),
            at(1)
        )));
        let outcome = reply(&mut manager, granted("access-late", 3600), at(1)).unwrap();
        assert_eq!(outcome, RefreshOutcome::Refreshed);
        assert_eq!(access(&manager), "access-late");
        assert_eq!(
            manager.next_refresh_at(),
            Some(at(1 + 3600 - 300)),
            "the backoff ended with the success"
        );
        let again = reply(&mut manager, granted("access-later", 3600), at(2));
        assert!(is_no_request_in_flight(again), "those tokens were replaced");
        assert_eq!(access(&manager), "access-late");

        // Without a refresh given up on, any reply with nothing out is rejected.
        let mut fresh = self::manager();
        let stray = reply(&mut fresh, granted("access-stray", 3600), DUE);
        assert!(is_no_request_in_flight(stray));
        assert_eq!(access(&fresh), "access-0");
    }

    #[test]
    fn late_sign_out_reply_is_ignored() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        manager.handle_transport_failure(at(1)).unwrap();
        let body = serde_json::json!({"__type": "NotAuthorizedException", "message": "Invalid Refresh Token"});
        let late = reply(&mut manager, (400, body.to_string().into_bytes()), at(1));
        assert!(is_no_request_in_flight(late));
        assert!(
            manager.tokens().is_some(),
            "the next refresh will learn it again"
        );
        manager.poll_refresh(at(2)).unwrap().unwrap();
        let outcome = reply(&mut manager, (400, body.to_string().into_bytes()), at(2)).unwrap();
        assert!(matches!(outcome, RefreshOutcome::SignedOut(_)));
        assert_eq!(manager.next_refresh_at(), None);
        assert!(manager.poll_refresh(at(100)).unwrap().is_none());
    }

    #[test]
    fn next_refresh_at_tells_when_to_poll() {
        let mut manager = manager();
        assert_eq!(manager.next_refresh_at(), Some(DUE));
        assert!(manager.poll_refresh(DUE.plus(0)).unwrap().is_some());
        assert_eq!(manager.next_refresh_at(), Some(at(30)), "its timeout");
        reply(&mut manager, throttled(), at(2)).unwrap();
        assert_eq!(manager.next_refresh_at(), Some(at(3)), "the backoff");
        manager.poll_refresh(at(3)).unwrap().unwrap();
        reply(&mut manager, granted("access-1", 600), at(4)).unwrap();
        assert_eq!(
            manager.next_refresh_at(),
            Some(at(4 + 300)),
            "half of 600 s"
        );
        let mut unstamped = self::manager();
        unstamped.refresh_now().unwrap().unwrap();
        assert_eq!(unstamped.next_refresh_at(), None, "no time known yet");
        assert!(unstamped.poll_refresh(T0).unwrap().is_none());
        assert_eq!(unstamped.next_refresh_at(), Some(T0.plus(30)));
    }

    #[test]
    fn refresh_now_ignores_the_backoff() {
        let mut manager = manager();
        manager.poll_refresh(DUE).unwrap().unwrap();
        reply(&mut manager, throttled(), DUE).unwrap();
        assert!(manager.poll_refresh(DUE).unwrap().is_none());
        assert!(manager.refresh_now().unwrap().is_some());
        assert!(
            manager.refresh_now().unwrap().is_none(),
            "but not the one out"
        );
    }

    #[test]
    fn backoff_jitter_comes_from_the_random_source() {
        fn delays(random: Arc<dyn SecureRandom>) -> Vec<u64> {
            let config = PoolConfig::new("us-east-1_AbC123", "client-1")
                .unwrap()
                .with_random(random);
            let mut manager = TokenManager::new(Arc::new(config), tokens(3600, T0));
            let mut now = DUE;
            manager.poll_refresh(now).unwrap().unwrap();
            (0..11)
                .map(|_| {
                    manager.handle_transport_failure(now).unwrap();
                    let next = manager.next_refresh_at().unwrap();
                    assert!(
                        manager
                            .poll_refresh(UnixTime(next.0 - 1))
                            .unwrap()
                            .is_none()
                    );
                    manager.poll_refresh(next).unwrap().unwrap();
                    let delay = next.0 - now.0;
                    now = next;
                    delay
                })
                .collect()
        }
        let exact = [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300];
        assert_eq!(
            delays(Arc::new(Broken)),
            exact,
            "no jitter without randomness"
        );
        let jittered = delays(Arc::new(Bytes(0x5a)));
        assert_ne!(jittered, exact);
        for (delay, base) in jittered.iter().zip(exact) {
            assert!((base / 2..=base).contains(delay), "{delay} for {base}");
        }
    }

    #[test]
    fn a_clock_set_back_does_not_stall_the_refresh() {
        let mut manager = manager();
        let future = at(86_400);
        manager.poll_refresh(future).unwrap().unwrap();
        // The clock is corrected by a day: the timeout runs from the corrected time.
        assert!(manager.poll_refresh(DUE).unwrap().is_none());
        assert!(manager.poll_refresh(at(30)).unwrap().is_some());
        manager.handle_transport_failure(future).unwrap();
        assert!(manager.poll_refresh(at(31)).unwrap().is_none());
        assert!(
            manager.poll_refresh(at(31 + 300)).unwrap().is_some(),
            "a backoff never reaches past 5 minutes from now"
        );
    }
}
