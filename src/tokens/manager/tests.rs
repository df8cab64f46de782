//! TokenManager's behaviour: single flight, timeouts, transport failures, backoff, lifetimes.

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
    let body =
        serde_json::json!({"__type": "NotAuthorizedException", "message": "Invalid Refresh Token"});
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

/// Found by fuzzing: `now + timeout` saturated at `u64::MAX`, so at the end of time every
/// poll gave the refresh up at once and sent a second one while the first was out.
#[test]
fn a_time_past_year_9999_is_refused_and_changes_nothing() {
    let mut manager = manager();
    let error = manager.poll_refresh(UnixTime(u64::MAX)).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput(m) if m.contains("9999-12-31")),
        "{error:?}"
    );
    assert!(!manager.is_refreshing());
    assert!(manager.poll_refresh(UnixTime(LATEST_SECS + 1)).is_err());
    // The latest time itself is a time: a refresh goes out, and stays out until its timeout.
    assert!(
        manager
            .poll_refresh(UnixTime(LATEST_SECS))
            .unwrap()
            .is_some()
    );
    assert!(
        manager
            .poll_refresh(UnixTime(LATEST_SECS))
            .unwrap()
            .is_none()
    );
    assert_eq!(
        manager.next_refresh_at(),
        Some(UnixTime(LATEST_SECS + DEFAULT_REQUEST_TIMEOUT_SECS))
    );
}

/// Found by fuzzing: a failure learned at the end of time backed off to a saturated
/// `u64::MAX`, shorter than the backoff. It now counts from the latest time.
#[test]
fn a_failure_learned_past_year_9999_backs_off_from_the_latest_time() {
    let mut manager = manager();
    assert!(manager.poll_refresh(DUE).unwrap().is_some());
    manager
        .handle_transport_failure(UnixTime(u64::MAX))
        .unwrap();
    assert_eq!(manager.next_refresh_at(), Some(UnixTime(LATEST_SECS + 1)));
}

/// An absurd request timeout left a lost refresh out for good (`sent_at + u64::MAX`
/// saturated): the refresh was never given up on. It is clamped to an hour.
#[test]
fn an_absurd_request_timeout_is_clamped_to_an_hour() {
    let mut manager = manager().with_request_timeout(u64::MAX);
    assert!(manager.poll_refresh(DUE).unwrap().is_some());
    assert!(
        manager
            .poll_refresh(at(MAX_REQUEST_TIMEOUT_SECS - 1))
            .unwrap()
            .is_none()
    );
    assert_eq!(
        manager.next_refresh_at(),
        Some(at(MAX_REQUEST_TIMEOUT_SECS))
    );
    assert!(
        manager
            .poll_refresh(at(MAX_REQUEST_TIMEOUT_SECS + 1))
            .unwrap()
            .is_some(),
        "the lost refresh is given up on and sent again"
    );
}
