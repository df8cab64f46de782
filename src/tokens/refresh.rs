//! Refreshing tokens: GetTokensFromRefreshToken (default) or InitiateAuth REFRESH_TOKEN_AUTH.

use std::sync::Arc;

use crate::config::PoolConfig;
use crate::error::{ApiMisuse, Error, PeerMisbehaved};
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::wire;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

/// Which operation refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RefreshFlow {
    /// `GetTokensFromRefreshToken`: works with refresh-token rotation, takes the raw client
    /// secret (no SECRET_HASH). The default, as in current Amplify.
    #[default]
    GetTokensFromRefreshToken,
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`: not allowed when rotation is on. With a
    /// client secret, SECRET_HASH is computed over Cognito's internal user name.
    RefreshTokenAuth,
}

/// One token refresh, as a sans-IO machine: [`request`](Self::request), send it, then
/// [`handle_response`](Self::handle_response). When Cognito rotates the refresh token the new
/// one is returned; otherwise the old one is kept in the result.
///
/// An error ([`Error::is_retryable`] tells throttling and server faults from a refresh token
/// that is no longer good) leaves the stored tokens alone: only the app decides to sign out.
#[derive(Debug)]
pub struct Refresh {
    config: Arc<PoolConfig>,
    refresh_token: SecretString,
    internal_username: Option<String>,
    device_key: Option<String>,
    flow: RefreshFlow,
    state: RefreshState,
}

#[derive(Debug)]
enum RefreshState {
    Ready,
    Sent(Operation),
    Done,
    Failed(Error),
}

impl Refresh {
    /// Refreshes `tokens`. The internal user name for SECRET_HASH is read from the tokens'
    /// claims, so an alias the user typed can never end up in it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the tokens carry no refresh token.
    pub fn new(config: Arc<PoolConfig>, tokens: &Tokens) -> Result<Self, Error> {
        let refresh_token = tokens
            .refresh_token
            .clone()
            .ok_or_else(|| Error::InvalidInput("these tokens have no refresh token".into()))?;
        let mut refresh = Self::from_refresh_token(config, refresh_token);
        refresh.internal_username = tokens.internal_username();
        if let Some(device_key) = tokens.access_claims().ok().and_then(|c| c.device_key) {
            refresh.device_key = Some(device_key);
        }
        Ok(refresh)
    }

    /// Refreshes a stored refresh token. For REFRESH_TOKEN_AUTH with a client secret, also
    /// call [`with_internal_username`](Self::with_internal_username).
    pub fn from_refresh_token(
        config: Arc<PoolConfig>,
        refresh_token: impl Into<SecretString>,
    ) -> Self {
        Self {
            config,
            refresh_token: refresh_token.into(),
            internal_username: None,
            device_key: None,
            flow: RefreshFlow::default(),
            state: RefreshState::Ready,
        }
    }

    /// Chooses the operation.
    #[must_use]
    pub fn with_flow(mut self, flow: RefreshFlow) -> Self {
        self.flow = flow;
        self
    }

    /// Cognito's internal user name (the access token's `username` claim), for SECRET_HASH.
    #[must_use]
    pub fn with_internal_username(mut self, username: impl Into<String>) -> Self {
        self.internal_username = Some(username.into());
        self
    }

    /// The remembered device's key. A pool that tracks devices rejects a refresh without it.
    #[must_use]
    pub fn with_device_key(mut self, device_key: impl Into<String>) -> Self {
        self.device_key = Some(device_key.into());
        self
    }

    /// This refresh as if its request had been sent: for reading a reply to an identical
    /// request sent earlier (one [`crate::TokenManager`] gave up on).
    pub(crate) fn awaiting_reply(mut self) -> Self {
        self.state = RefreshState::Sent(match self.flow {
            RefreshFlow::GetTokensFromRefreshToken => Operation::GetTokensFromRefreshToken,
            RefreshFlow::RefreshTokenAuth => Operation::InitiateAuth,
        });
        self
    }

    /// The request to send.
    ///
    /// # Errors
    /// [`ApiMisuse::AlreadyStarted`] on a second call; [`Error::InvalidInput`] for
    /// REFRESH_TOKEN_AUTH with a client secret but no internal user name.
    pub fn request(&mut self) -> Result<Request, Error> {
        match &self.state {
            RefreshState::Ready => {}
            RefreshState::Failed(e) => return Err(e.clone()),
            _ => return Err(ApiMisuse::AlreadyStarted.into()),
        }
        let config = &self.config;
        let request = match self.flow {
            RefreshFlow::GetTokensFromRefreshToken => Request::new(
                config,
                Operation::GetTokensFromRefreshToken,
                &wire::GetTokensFromRefreshToken {
                    refresh_token: self.refresh_token.expose(),
                    client_id: config.client_id(),
                    client_secret: config.client_secret().map(SecretString::expose),
                    device_key: self.device_key.as_deref(),
                    client_metadata: (!config.context.client_metadata.is_empty())
                        .then_some(&config.context.client_metadata),
                },
            ),
            RefreshFlow::RefreshTokenAuth => {
                let secret_hash = match (config.client_secret(), &self.internal_username) {
                    (None, _) => None,
                    (Some(_), Some(username)) => config.secret_hash(username),
                    (Some(_), None) => {
                        return Err(Error::InvalidInput(
                            "REFRESH_TOKEN_AUTH with a client secret needs the user's internal name \
                             (Refresh::new reads it from the tokens)"
                                .into(),
                        ));
                    }
                };
                let parameters = wire::AuthParameters {
                    refresh_token: Some(self.refresh_token.expose()),
                    secret_hash: secret_hash.as_deref(),
                    device_key: self.device_key.as_deref(),
                    ..Default::default()
                };
                Request::new(
                    config,
                    Operation::InitiateAuth,
                    &wire::InitiateAuth {
                        user_pool_id: None,
                        auth_flow: "REFRESH_TOKEN_AUTH",
                        client_id: config.client_id(),
                        auth_parameters: parameters,
                        session: None,
                        context: wire::Context::from(&config.context),
                    },
                )
            }
        };
        self.state = RefreshState::Sent(request.operation());
        Ok(request)
    }

    /// Reads the new tokens. `now` dates their expiry.
    ///
    /// # Errors
    /// [`Error::Service`] (RefreshTokenReuseException, NotAuthorizedException "Invalid
    /// Refresh Token", throttling...), [`Error::InvalidResponse`], [`Error::PeerMisbehaved`].
    /// Final: make a new `Refresh` to try again.
    pub fn handle_response(
        &mut self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<Tokens, Error> {
        let operation = match &self.state {
            RefreshState::Sent(operation) => *operation,
            RefreshState::Failed(e) => return Err(e.clone()),
            _ => return Err(ApiMisuse::NoRequestInFlight.into()),
        };
        let result = match operation {
            Operation::GetTokensFromRefreshToken => response
                .read(operation, wire::RefreshResponse::read)
                .map(|r| r.authentication_result),
            _ => response
                .read(operation, wire::AuthResponse::read)
                .map(|r| r.authentication_result),
        };
        let outcome = result
            .and_then(|r| r.ok_or_else(|| PeerMisbehaved::NoResult.into()))
            .and_then(|r| Tokens::from_wire(r, operation, now, Some(self.refresh_token.clone())));
        self.state = match &outcome {
            Ok(_) => RefreshState::Done,
            Err(e) => RefreshState::Failed(e.clone()),
        };
        outcome
    }
}
