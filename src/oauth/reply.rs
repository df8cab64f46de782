//! The endpoints' replies: tokens, OAuth error objects, user info.

use serde::Deserialize;

use crate::oauth::error::{ErrorCode, OAuthError, ServerError};
use crate::oauth::request::Endpoint;
use crate::oauth::userinfo::UserInfo;
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::{Claims, Tokens};
use crate::wire::response::HttpResponse;

/// The token endpoint's success reply (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenReply {
    access_token: Option<SecretString>,
    id_token: Option<SecretString>,
    refresh_token: Option<SecretString>,
    expires_in: Option<u64>,
    token_type: Option<String>,
}

/// The OAuth error object (RFC 6749 §5.2).
#[derive(Deserialize)]
struct ErrorReply {
    error: String,
    error_description: Option<String>,
}

fn invalid(endpoint: Endpoint, reason: impl Into<String>) -> OAuthError {
    OAuthError::InvalidResponse {
        endpoint: endpoint.path(),
        reason: reason.into(),
    }
}

/// Succeeds for 2xx; an OAuth error object becomes [`OAuthError::Server`], any other failure
/// a server error named after the status.
pub(crate) fn check(response: &HttpResponse<'_>, endpoint: Endpoint) -> Result<(), OAuthError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let (code, description) = match serde_json::from_slice::<ErrorReply>(response.body()) {
        Ok(reply) => (ErrorCode::parse(&reply.error), reply.error_description),
        // Not an OAuth error object (a proxy's page, an empty 5xx): classify by status.
        Err(_) => (
            match status {
                401 if endpoint == Endpoint::UserInfo => ErrorCode::InvalidToken,
                401 => ErrorCode::InvalidClient,
                429 | 503 => ErrorCode::TemporarilyUnavailable,
                500.. => ErrorCode::ServerError,
                _ => ErrorCode::InvalidRequest,
            },
            None,
        ),
    };
    Err(OAuthError::Server(ServerError {
        code,
        description,
        status: Some(status),
    }))
}

/// Tokens from a token endpoint reply. `previous_refresh` is kept when the reply carries no
/// refresh token (a refresh without rotation).
pub(crate) fn tokens(
    response: &HttpResponse<'_>,
    now: UnixTime,
    previous_refresh: Option<&SecretString>,
) -> Result<Tokens, OAuthError> {
    let endpoint = Endpoint::Token;
    check(response, endpoint)?;
    let reply: TokenReply = serde_json::from_slice(response.body())
        .map_err(|e| invalid(endpoint, format!("not a token reply: {e}")))?;
    let access_token = reply
        .access_token
        .ok_or_else(|| invalid(endpoint, "no access_token"))?;
    let id_token = reply.id_token.ok_or_else(|| {
        invalid(
            endpoint,
            "no id_token (request the openid scope to get one)",
        )
    })?;
    for (name, token) in [("access_token", &access_token), ("id_token", &id_token)] {
        Claims::decode(token.expose())
            .map_err(|_| invalid(endpoint, format!("{name} is not a JWT")))?;
    }
    if reply
        .refresh_token
        .as_ref()
        .is_some_and(SecretString::is_empty)
    {
        return Err(invalid(endpoint, "refresh_token is empty"));
    }
    let token_type = reply.token_type.unwrap_or_else(|| "Bearer".to_owned());
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(invalid(
            endpoint,
            format!("token_type {token_type:?} is not Bearer"),
        ));
    }
    let expires_in = reply.expires_in.unwrap_or(3600);
    Ok(Tokens {
        id_token,
        access_token,
        refresh_token: reply.refresh_token.or_else(|| previous_refresh.cloned()),
        token_type,
        expires_in,
        expires_at: now.plus(expires_in),
        new_device: None,
    })
}

/// The user info reply.
pub(crate) fn user_info(response: &HttpResponse<'_>) -> Result<UserInfo, OAuthError> {
    check(response, Endpoint::UserInfo)?;
    serde_json::from_slice(response.body())
        .map_err(|e| invalid(Endpoint::UserInfo, format!("not a user info reply: {e}")))
}
