//! `TokenManager`: the core's single-flight, rotation-aware refresh, behind a lock.

use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth::UnixTime;

use crate::PoolConfig;
use crate::error::CognitoError;
use crate::secret::Secret;
use crate::session::StoredSession;
use crate::tokens::RefreshFlow;
use crate::types::{Header, HttpRequest, Tokens, with_response};

/// What a refresh reply did to the tokens. `code` is Cognito's exception name (empty when
/// the failure was not a service error), `reason` the whole error as text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RefreshOutcome {
    /// New tokens are held (and returned here: store them, e.g. as a `StoredSession`).
    Refreshed {
        /// The new tokens (the refresh token rotated if Cognito rotated it).
        tokens: Tokens,
    },
    /// Throttling, a server fault or an unreadable reply: the tokens are kept and
    /// `poll_refresh` tries again after a backoff (`next_refresh_at`).
    RetryLater {
        /// Cognito's exception name, or empty.
        code: String,
        /// What failed.
        reason: String,
    },
    /// The refresh token is no longer good (revoked, expired, reused): the tokens are
    /// dropped; delete the stored session and sign in again.
    SignedOut {
        /// Cognito's exception name, or empty.
        code: String,
        /// What failed.
        reason: String,
    },
}

fn parts(error: &cognito_auth::Error) -> (String, String) {
    (
        error
            .service()
            .map(|s| s.kind().code().to_owned())
            .unwrap_or_default(),
        error.to_string(),
    )
}

/// A user's tokens with single-flight refresh. Before using the access token (and when the
/// timer set to `next_refresh_at` fires), call `poll_refresh(now)`: it gives a request only
/// when the tokens are due and no refresh is out, so two threads never send two refreshes
/// (which would trip refresh-token rotation). Send it; pass the reply to
/// `handle_refresh_response`, or call `handle_transport_failure` when none came (timeout,
/// offline). Failures back off (1 s doubling to 5 min); a refresh left unanswered for the
/// request timeout (30 s) is given up on by the next poll. One object may be shared between
/// threads.
#[derive(Debug, uniffi::Object)]
pub struct TokenManager {
    inner: Mutex<cognito_auth::TokenManager>,
}

#[uniffi::export]
impl TokenManager {
    /// Manages `tokens` (from a sign-in or a `StoredSession`): refreshes 5 minutes before
    /// they expire with GetTokensFromRefreshToken.
    ///
    /// # Errors
    /// `InvalidInput` for tokens that cannot be used.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, tokens: Tokens) -> Result<Arc<Self>, CognitoError> {
        Self::with_options(
            config,
            tokens,
            RefreshFlow::GetTokensFromRefreshToken,
            None,
            None,
        )
    }

    /// The tokens of a stored session.
    #[uniffi::constructor]
    pub fn from_session(config: Arc<PoolConfig>, session: Arc<StoredSession>) -> Arc<Self> {
        Self::wrap(cognito_auth::TokenManager::new(
            config.core(),
            session.core_tokens().clone(),
        ))
    }

    /// With a refresh operation, a margin before expiry (seconds; at most half the tokens'
    /// lifetime is used) and a request timeout (seconds, at least 1): make it at least your
    /// HTTP client's own timeout.
    ///
    /// # Errors
    /// `InvalidInput` for tokens that cannot be used.
    #[uniffi::constructor]
    pub fn with_options(
        config: Arc<PoolConfig>,
        tokens: Tokens,
        flow: RefreshFlow,
        margin_secs: Option<u64>,
        request_timeout_secs: Option<u64>,
    ) -> Result<Arc<Self>, CognitoError> {
        let tokens = cognito_auth::Tokens::try_from(&tokens)?;
        let mut manager =
            cognito_auth::TokenManager::new(config.core(), tokens).with_flow(flow.into());
        if let Some(margin) = margin_secs {
            manager = manager.with_margin(margin);
        }
        if let Some(timeout) = request_timeout_secs {
            manager = manager.with_request_timeout(timeout);
        }
        Ok(Self::wrap(manager))
    }

    /// A refresh request when the tokens are due at `now_unix_secs`, the backoff after a
    /// failure has passed and none is out; `None` otherwise.
    ///
    /// # Errors
    /// `InvalidInput` when the tokens carry no refresh token.
    pub fn poll_refresh(&self, now_unix_secs: u64) -> Result<Option<HttpRequest>, CognitoError> {
        Ok(self
            .lock()?
            .poll_refresh(UnixTime(now_unix_secs))?
            .map(Into::into))
    }

    /// A refresh request now, whatever the expiry and the backoff, unless one is out (then
    /// `None`).
    ///
    /// # Errors
    /// `InvalidInput` when signed out or without a refresh token.
    pub fn refresh_now(&self) -> Result<Option<HttpRequest>, CognitoError> {
        Ok(self.lock()?.refresh_now()?.map(Into::into))
    }

    /// The reply to the refresh request.
    ///
    /// # Errors
    /// `Misuse` when no refresh is out (and the reply is not a late one that can be applied).
    pub fn handle_refresh_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_secs: u64,
    ) -> Result<RefreshOutcome, CognitoError> {
        let mut manager = self.lock()?;
        let outcome = with_response(status, &headers, body, |response| {
            manager.handle_refresh_response(response, UnixTime(now_unix_secs))
        })?;
        Ok(match outcome {
            cognito_auth::RefreshOutcome::Refreshed => match manager.tokens() {
                Some(tokens) => RefreshOutcome::Refreshed {
                    tokens: tokens.clone().into(),
                },
                None => {
                    return Err(CognitoError::Internal {
                        reason: "refreshed, but no tokens are held".into(),
                    });
                }
            },
            cognito_auth::RefreshOutcome::RetryLater(error) => {
                let (code, reason) = parts(&error);
                RefreshOutcome::RetryLater { code, reason }
            }
            cognito_auth::RefreshOutcome::SignedOut(error) => {
                let (code, reason) = parts(&error);
                RefreshOutcome::SignedOut { code, reason }
            }
            other => RefreshOutcome::RetryLater {
                code: String::new(),
                reason: format!("{other:?}"),
            },
        })
    }

    /// No reply came to the refresh request: the tokens are kept and `poll_refresh` sends
    /// another after the backoff. (A reply that still arrives later may be passed in.)
    ///
    /// # Errors
    /// `Misuse` when no refresh is out (safe to ignore).
    pub fn handle_transport_failure(&self, now_unix_secs: u64) -> Result<(), CognitoError> {
        Ok(self
            .lock()?
            .handle_transport_failure(UnixTime(now_unix_secs))?)
    }

    /// When `poll_refresh` next has something to do (Unix seconds; may be past), for a timer;
    /// `None` when signed out or while a `refresh_now` request is out unpolled.
    pub fn next_refresh_at(&self) -> Option<u64> {
        self.lock().ok()?.next_refresh_at().map(|t| t.as_secs())
    }

    /// The tokens held; `None` once signed out.
    pub fn tokens(&self) -> Option<Tokens> {
        self.lock().ok()?.tokens().cloned().map(Into::into)
    }

    /// The access token if it is still valid at `now_unix_secs`.
    pub fn access_token(&self, now_unix_secs: u64) -> Option<Arc<Secret>> {
        self.lock()
            .ok()?
            .access_token(UnixTime(now_unix_secs))
            .cloned()
            .map(Secret::wrap)
    }

    /// True while a refresh request is out.
    pub fn is_refreshing(&self) -> bool {
        self.lock().is_ok_and(|m| m.is_refreshing())
    }
}

impl TokenManager {
    fn wrap(manager: cognito_auth::TokenManager) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(manager),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, cognito_auth::TokenManager>, CognitoError> {
        self.inner
            .lock()
            .map_err(|_| CognitoError::poisoned("token manager"))
    }
}
