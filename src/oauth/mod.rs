//! Managed login (the hosted UI): the OAuth 2.0 authorization code flow with PKCE (RFC 7636,
//! S256) and OpenID Connect, sans-IO.
//!
//! 1. [`ManagedLogin::authorize`] builds the `/oauth2/authorize` URL and a [`PendingLogin`]
//!    (PKCE verifier, `state`, `nonce`) the app keeps.
//! 2. The app opens the URL in a browser; the user signs in; the browser is sent to the
//!    redirect URI with `?code=...&state=...`.
//! 3. [`PendingLogin::callback`] reads that URL and checks the `state` (constant time);
//!    [`ManagedLogin::token_request`] builds the code exchange; the app sends it and passes the
//!    reply to [`ManagedLogin::handle_token_response`], which gives the same
//!    [`Tokens`](crate::Tokens) as the API sign-in.
//! 4. Verify the ID token with [`JwtVerifier`](crate::verify::JwtVerifier) and the login's
//!    [`nonce`](PendingLogin::nonce).
//!
//! ```
//! use std::sync::Arc;
//! use cognito_auth::oauth::{Domain, ManagedLogin};
//! use cognito_auth::{HttpResponse, PoolConfig, UnixTime};
//! # struct Fixed;
//! # impl cognito_auth::SecureRandom for Fixed {
//! #     fn fill(&self, buf: &mut [u8]) -> Result<(), cognito_auth::RandomError> { buf.fill(7); Ok(()) }
//! # }
//! let config = PoolConfig::new("us-east-1_AbC123", "1example23456789")?.with_random(Arc::new(Fixed));
//! let login = ManagedLogin::new(&config, Domain::prefix("myapp", "us-east-1")?, "myapp://callback");
//!
//! let pending = login.authorize().scopes(["openid", "email"]).build()?;
//! assert!(pending.authorize_url().starts_with(
//!     "https://myapp.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code&"));
//! // ... open pending.authorize_url(); the browser comes back to:
//! let callback = format!("myapp://callback?code=c0de&state={}", pending.state());
//! let code = pending.callback(&callback)?;
//! let request = login.token_request(&pending, &code);
//! assert_eq!(request.url(), "https://myapp.auth.us-east-1.amazoncognito.com/oauth2/token");
//! // ... send it; an error reply becomes a typed error:
//! let reply = br#"{"error":"invalid_grant","error_description":"Code expired"}"#;
//! let error = login.handle_token_response(HttpResponse::new(400, reply), UnixTime(0)).unwrap_err();
//! assert!(error.is(&cognito_auth::oauth::ErrorCode::InvalidGrant));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod domain;
mod error;
mod form;
mod pending;
mod pkce;
mod reply;
mod request;
mod userinfo;

pub use client::{AuthorizeBuilder, ManagedLogin};
pub use domain::Domain;
pub use error::{ErrorCode, OAuthError, ServerError};
pub use pending::{AuthorizationCode, PendingLogin};
pub use pkce::code_challenge;
pub use request::{Endpoint, FORM_CONTENT_TYPE, OAuthRequest};
pub use userinfo::UserInfo;
