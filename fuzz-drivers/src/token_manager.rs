//! `TokenManager`: single-flight refresh with timeouts and backoff, driven with time from the
//! input (including a clock that jumps back), replies, transport failures and explicit
//! refreshes; checked for secrets, single flight, the 30 s floor, the backoff and sign-out.

use std::sync::Arc;

use serde_json::json;

use cognito_auth::{ApiMisuse, Error, RefreshFlow, RefreshOutcome, TokenManager, Tokens, UnixTime};

use crate::device::tokens_json;
use crate::input::*;
use crate::oracle::*;
use crate::responses::*;
use crate::*;

/// The smallest wait `poll_refresh` may leave after the `failures`-th failure in a row: the
/// backoff (1 s doubling, at most 300 s) shortened by at most half by the jitter.
fn min_wait(failures: u32) -> u64 {
    let backoff = 1u64
        .checked_shl(failures.saturating_sub(1).min(16))
        .unwrap_or(u64::MAX)
        .min(300);
    backoff - backoff / 2
}

/// When the tokens arrived, as the manager can tell (`expires_at - expires_in`).
fn received_at(tokens: &Tokens) -> u64 {
    tokens
        .expires_at
        .as_secs()
        .saturating_sub(tokens.expires_in)
}

/// Flags (bit 0 client secret, bit 1 REFRESH_TOKEN_AUTH, bit 2 no jitter source, bit 3 no
/// refresh token, bit 4 a 64-bit ExpiresIn), the time the tokens arrived, their lifetime, the
/// margin and the request timeout; then up to 48 calls: time passes (0, 1) or jumps (2),
/// poll_refresh (3), refresh_now (4), a reply (5), a transport failure (6), reads (7).
pub fn token_manager(data: &[u8]) {
    let mut inp = Input::new(data);
    let flags = inp.byte();
    let mut now = inp.u64();
    let expires_in = if flags & 16 != 0 {
        inp.u64()
    } else {
        u64::from(inp.u16())
    };
    let margin = u64::from(inp.u16());
    let timeout = u64::from(inp.byte());
    let refresh = (flags & 8 == 0).then_some(REFRESH_TOKEN);
    let claims = json!({ "sub": "5f0c", "username": "a1b2-internal", "token_use": "access" });
    let tokens_value = tokens_json(
        &claims,
        &claims,
        expires_in,
        now.saturating_add(expires_in),
        refresh,
        None,
    );
    let tokens: Tokens = match serde_json::from_value(tokens_value) {
        Ok(t) => t,
        Err(e) => panic!("the tokens template does not deserialize: {e}"),
    };
    let config = if flags & 4 != 0 {
        config_with(flags & 1 != 0, Arc::new(NoRandom))
    } else {
        config(flags & 1 != 0)
    };
    let flow = if flags & 2 != 0 {
        RefreshFlow::RefreshTokenAuth
    } else {
        RefreshFlow::GetTokensFromRefreshToken
    };
    let mut manager = TokenManager::new(config, tokens)
        .with_flow(flow)
        .with_margin(margin)
        .with_request_timeout(timeout);

    // The model: explicit failures in a row (replies asking to retry, transport failures)
    // and when the last was learned; None once the clock went back since.
    let mut failures = 0u32;
    let mut last_failure: Option<u64> = None;
    let mut signed_out = false;
    for _ in 0..48 {
        if inp.is_empty() {
            break;
        }
        let before_tokens = manager.tokens().cloned();
        let before_refreshing = manager.is_refreshing();
        let before_next = manager.next_refresh_at();
        let at = UnixTime(now);
        match inp.byte() % 8 {
            0 => now = now.saturating_add(u64::from(inp.byte())),
            1 => now = now.saturating_add(u64::from(inp.u16())),
            2 => {
                let to = inp.u64();
                if to < now {
                    last_failure = None;
                }
                now = to;
            }
            3 => {
                let result = manager.poll_refresh(at);
                match &result {
                    Ok(Some(request)) => {
                        check_request(data, request);
                        assert!(!signed_out, "a signed-out manager refreshed");
                        assert!(manager.is_refreshing(), "a refresh is out but not seen");
                        let Some(tokens) = &before_tokens else {
                            panic!("refreshing without tokens");
                        };
                        assert!(
                            now >= received_at(tokens).saturating_add(30),
                            "refreshed tokens {}s after they arrived (at {now}, tokens {tokens:?})",
                            now.saturating_sub(received_at(tokens))
                        );
                        // Also at the end of time: a time past year 9999 is refused, so no
                        // deadline saturates (regression-timeout-saturates-at-end-of-time).
                        if before_refreshing {
                            assert!(
                                before_next.is_some_and(|t| at >= t),
                                "a second refresh before the first timed out ({before_next:?}, now {now})"
                            );
                        }
                        // A failure past year 9999 counts from then: its backoff cannot
                        // saturate (regression-backoff-saturates-at-end-of-time).
                        if let Some(failed_at) = last_failure {
                            assert!(
                                now.saturating_sub(failed_at) >= min_wait(failures),
                                "refreshed {}s after failure #{failures}",
                                now.saturating_sub(failed_at)
                            );
                        }
                    }
                    Ok(None) => {
                        if signed_out {
                            assert!(!manager.is_refreshing());
                        }
                    }
                    Err(e) => {
                        check_error(data, e);
                        assert!(matches!(e, Error::InvalidInput(_)), "poll gave {e:?}");
                    }
                }
            }
            4 => {
                let result = manager.refresh_now();
                match &result {
                    Ok(Some(request)) => {
                        check_request(data, request);
                        assert!(!before_refreshing, "refresh_now sent a second refresh");
                        assert!(manager.is_refreshing());
                    }
                    Ok(None) => assert!(before_refreshing, "refresh_now sent nothing"),
                    Err(e) => {
                        check_error(data, e);
                        assert!(!before_refreshing);
                    }
                }
                if signed_out {
                    assert!(result.is_err(), "a signed-out manager refreshed now");
                }
            }
            5 => {
                let owned = OwnedResponse::decode(&mut inp);
                let result = manager.handle_refresh_response(owned.as_http(), at);
                assert!(!manager.is_refreshing(), "a reply left a refresh out");
                match &result {
                    Ok(RefreshOutcome::Refreshed) => {
                        let Some(tokens) = manager.tokens() else {
                            panic!("refreshed without tokens");
                        };
                        check_debug(data, "refreshed Tokens", tokens);
                        assert!(
                            tokens.refresh_token.is_some(),
                            "a refresh lost the refresh token"
                        );
                        assert_eq!(tokens.expires_at, at.plus(tokens.expires_in));
                        failures = 0;
                        last_failure = None;
                    }
                    Ok(RefreshOutcome::RetryLater(e)) => {
                        check_error(data, e);
                        assert!(before_refreshing, "a retry without a refresh out");
                        assert_eq!(
                            manager.tokens(),
                            before_tokens.as_ref(),
                            "a retry changed the tokens"
                        );
                        failures += 1;
                        last_failure = Some(now);
                    }
                    Ok(RefreshOutcome::SignedOut(e)) => {
                        check_error(data, e);
                        assert!(before_refreshing, "signed out without a refresh out");
                        signed_out = true;
                        failures = 0;
                        last_failure = None;
                    }
                    Ok(other) => check_debug(data, "a RefreshOutcome", other),
                    Err(e) => {
                        check_error(data, e);
                        assert_eq!(
                            *e,
                            Error::ApiMisuse(ApiMisuse::NoRequestInFlight),
                            "a reply gave {e:?}"
                        );
                        assert!(!before_refreshing, "a reply to a refresh out was refused");
                        assert_eq!(
                            manager.tokens(),
                            before_tokens.as_ref(),
                            "a refused reply changed the tokens"
                        );
                        assert_eq!(
                            manager.next_refresh_at(),
                            before_next,
                            "a refused reply changed the timer"
                        );
                    }
                }
                if let Ok(outcome) = &result {
                    check_debug(data, "a RefreshOutcome", outcome);
                }
            }
            6 => {
                let result = manager.handle_transport_failure(at);
                assert!(!manager.is_refreshing());
                match &result {
                    Ok(()) => {
                        assert!(
                            before_refreshing,
                            "a transport failure without a refresh out"
                        );
                        assert_eq!(
                            manager.tokens(),
                            before_tokens.as_ref(),
                            "a transport failure changed the tokens"
                        );
                        failures += 1;
                        last_failure = Some(now);
                    }
                    Err(e) => {
                        check_error(data, e);
                        assert!(!before_refreshing);
                        assert_eq!(
                            manager.next_refresh_at(),
                            before_next,
                            "a refused failure changed the timer"
                        );
                    }
                }
            }
            _ => {
                let token = manager.access_token(at);
                let valid = manager.tokens().is_some_and(|t| !t.is_expired(at, 0));
                assert_eq!(token.is_some(), valid, "access_token and expiry disagree");
                if let Some(token) = token {
                    check_debug(data, "an access token's Debug", token);
                }
            }
        }
        check_debug(data, "the TokenManager's Debug", &manager);
        if signed_out {
            assert!(
                manager.tokens().is_none(),
                "tokens came back after sign-out"
            );
            assert!(
                manager.next_refresh_at().is_none(),
                "a timer after sign-out"
            );
            assert!(manager.access_token(at).is_none());
        }
    }
}
