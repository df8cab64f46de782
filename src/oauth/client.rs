//! `ManagedLogin`: builds every managed-login request and reads every reply.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::config::PoolConfig;
use crate::oauth::domain::Domain;
use crate::oauth::error::OAuthError;
use crate::oauth::form;
use crate::oauth::pending::{AuthorizationCode, PendingLogin};
use crate::oauth::pkce::{code_challenge, random_token};
use crate::oauth::reply;
use crate::oauth::request::{Endpoint, OAuthRequest};
use crate::oauth::userinfo::UserInfo;
use crate::secret::SecretString;
use crate::time::UnixTime;
use crate::tokens::Tokens;
use crate::wire::response::HttpResponse;

/// Managed login (the hosted UI) for one app client: the authorization code flow with PKCE,
/// and the token, revoke, logout and user-info endpoints. Sans-IO like the rest of the crate:
/// it builds [`OAuthRequest`]s and URLs, reads replies, and draws randomness only from the
/// [`PoolConfig`]'s random source.
///
/// The client id, the client secret (sent as HTTP Basic authentication when set) and the
/// random source come from the [`PoolConfig`].
#[derive(Clone)]
pub struct ManagedLogin {
    config: PoolConfig,
    domain: Domain,
    redirect_uri: String,
}

impl ManagedLogin {
    /// Managed login of `config`'s app client at `domain`, redirecting to `redirect_uri` (one of
    /// the app client's allowed callback URLs, e.g. `myapp://callback` or
    /// `http://localhost:8080/callback`).
    pub fn new(config: &PoolConfig, domain: Domain, redirect_uri: impl Into<String>) -> Self {
        Self {
            config: config.clone(),
            domain,
            redirect_uri: redirect_uri.into(),
        }
    }

    /// The domain.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// The redirect URI new logins use.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Starts building an authorization request (scopes `openid` unless set).
    pub fn authorize(&self) -> AuthorizeBuilder<'_> {
        AuthorizeBuilder {
            login: self,
            scopes: vec!["openid".to_owned()],
            identity_provider: None,
            idp_identifier: None,
            lang: None,
            login_hint: None,
        }
    }

    /// The token request that exchanges the redirect's code (RFC 6749 §4.1.3 with the PKCE
    /// `code_verifier`): `POST <domain>/oauth2/token`, `grant_type=authorization_code`.
    pub fn token_request(&self, pending: &PendingLogin, code: &AuthorizationCode) -> OAuthRequest {
        self.form(
            Endpoint::Token,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", self.config.client_id()),
                ("code", code.expose()),
                ("redirect_uri", pending.redirect_uri()),
                ("code_verifier", pending.code_verifier()),
            ],
        )
    }

    /// Reads the reply to [`token_request`](Self::token_request). `now` dates `expires_at`.
    /// The tokens are not verified: pass the ID token to
    /// [`JwtVerifier::verify_id_token`](crate::verify::JwtVerifier::verify_id_token) with
    /// [`PendingLogin::nonce`].
    ///
    /// # Errors
    /// [`OAuthError::Server`] for an OAuth error reply (`invalid_grant`: the code expired or was
    /// used, or the verifier or redirect URI differ); [`OAuthError::InvalidResponse`] for a 2xx
    /// reply without an access token or ID token (request the `openid` scope), or whose tokens
    /// are not JWTs.
    pub fn handle_token_response(
        &self,
        response: HttpResponse<'_>,
        now: UnixTime,
    ) -> Result<Tokens, OAuthError> {
        reply::tokens(&response, now, None)
    }

    /// A refresh through the token endpoint: `grant_type=refresh_token`.
    pub fn refresh_request(&self, refresh_token: &SecretString) -> OAuthRequest {
        self.form(
            Endpoint::Token,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", self.config.client_id()),
                ("refresh_token", refresh_token.expose()),
            ],
        )
    }

    /// Reads the reply to [`refresh_request`](Self::refresh_request). Unless the pool rotates
    /// refresh tokens, the reply has none and `refresh_token` (the one refreshed with) is
    /// kept in the result.
    ///
    /// # Errors
    /// As [`handle_token_response`](Self::handle_token_response); `invalid_grant` means the
    /// refresh token expired or was revoked: sign in again.
    pub fn handle_refresh_response(
        &self,
        response: HttpResponse<'_>,
        now: UnixTime,
        refresh_token: &SecretString,
    ) -> Result<Tokens, OAuthError> {
        reply::tokens(&response, now, Some(refresh_token))
    }

    /// Revokes a refresh token and the access and ID tokens issued from it:
    /// `POST <domain>/oauth2/revoke` with `token` and `client_id`.
    pub fn revoke_request(&self, refresh_token: &SecretString) -> OAuthRequest {
        self.form(
            Endpoint::Revoke,
            &[
                ("token", refresh_token.expose()),
                ("client_id", self.config.client_id()),
            ],
        )
    }

    /// Reads the reply to [`revoke_request`](Self::revoke_request).
    ///
    /// # Errors
    /// [`OAuthError::Server`] for an OAuth error reply (`unsupported_token_type`,
    /// `invalid_client`...).
    pub fn handle_revoke_response(&self, response: HttpResponse<'_>) -> Result<(), OAuthError> {
        reply::check(&response, Endpoint::Revoke)
    }

    /// The `/logout` URL that ends the managed-login session and then redirects to
    /// `logout_uri` (one of the app client's allowed sign-out URLs). Open it in the browser
    /// that signed in; revoke the refresh token as well.
    pub fn logout_url(&self, logout_uri: &str) -> String {
        let query = form::encode_pairs(
            [
                ("client_id", self.config.client_id()),
                ("logout_uri", logout_uri),
            ],
            false,
        );
        format!("{}?{}", self.domain.logout_url(), query.as_str())
    }

    /// `GET <domain>/oauth2/userInfo` with `Authorization: Bearer <access token>`.
    pub fn userinfo_request(&self, access_token: &SecretString) -> OAuthRequest {
        OAuthRequest::get(
            Endpoint::UserInfo,
            self.domain.userinfo_url(),
            authorization("Bearer ", access_token.expose().len(), |value| {
                value.push_str(access_token.expose());
            }),
        )
    }

    /// Reads the reply to [`userinfo_request`](Self::userinfo_request).
    ///
    /// # Errors
    /// [`OAuthError::Server`] with `invalid_token` when the access token is invalid, expired or
    /// revoked; [`OAuthError::InvalidResponse`] when the reply has no `sub`.
    pub fn handle_userinfo_response(
        &self,
        response: HttpResponse<'_>,
    ) -> Result<UserInfo, OAuthError> {
        reply::user_info(&response)
    }

    /// A form POST to `endpoint`, with HTTP Basic client authentication when the client has a
    /// secret (RFC 6749 §2.3.1: id and secret form-encoded, then `id:secret` in base64).
    fn form(&self, endpoint: Endpoint, pairs: &[(&str, &str)]) -> OAuthRequest {
        let authorization = self.config.client_secret().map(|secret| {
            let (id, secret) = (self.config.client_id(), secret.expose());
            let len = form::encoded_len(id, true) + 1 + form::encoded_len(secret, true);
            let mut credentials = Zeroizing::new(String::with_capacity(len));
            form::encode_into(&mut credentials, id, true);
            credentials.push(':');
            form::encode_into(&mut credentials, secret, true);
            let encoded = base64::encoded_len(len, true).unwrap_or(0);
            authorization("Basic ", encoded, |value| {
                STANDARD.encode_string(credentials.as_bytes(), value);
            })
        });
        let url = match endpoint {
            Endpoint::Revoke => self.domain.revoke_url(),
            Endpoint::Token => self.domain.token_url(),
            Endpoint::UserInfo => self.domain.userinfo_url(),
        };
        OAuthRequest::post_form(
            endpoint,
            url,
            authorization,
            form::encode_pairs(pairs.iter().copied(), true),
        )
    }
}

/// An `Authorization` value, `scheme` then `len` bytes that `write` appends, in a buffer
/// allocated once at its final size: a grown buffer, or a `format!`, would leave a copy of the
/// token or the client secret in freed memory.
fn authorization(scheme: &str, len: usize, write: impl FnOnce(&mut String)) -> SecretString {
    let mut value = String::with_capacity(scheme.len() + len);
    value.push_str(scheme);
    write(&mut value);
    debug_assert_eq!(value.len(), value.capacity());
    SecretString::new(value)
}

impl fmt::Debug for ManagedLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedLogin")
            .field("config", &self.config)
            .field("domain", &self.domain)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

/// An authorization request being built: scopes and the optional parameters of
/// `/oauth2/authorize`. [`build`](Self::build) draws the PKCE verifier, `state` and `nonce`.
#[derive(Debug, Clone)]
#[must_use = "call build() to get the URL and the pending login"]
pub struct AuthorizeBuilder<'a> {
    login: &'a ManagedLogin,
    scopes: Vec<String>,
    identity_provider: Option<String>,
    idp_identifier: Option<String>,
    lang: Option<String>,
    login_hint: Option<String>,
}

impl AuthorizeBuilder<'_> {
    /// The scopes to request (default `openid`). Keep `openid`: without it Cognito issues no
    /// ID token, and the token reply is refused.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// `identity_provider`: skip the login page and go straight to this provider
    /// (`COGNITO`, `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`, or the name of
    /// a SAML or OIDC provider of the pool).
    pub fn identity_provider(mut self, provider: impl Into<String>) -> Self {
        self.identity_provider = Some(provider.into());
        self
    }

    /// `idp_identifier`: pick a SAML or OIDC provider by one of its identifiers (e.g. an
    /// e-mail domain).
    pub fn idp_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.idp_identifier = Some(identifier.into());
        self
    }

    /// `lang`: the language of the managed login pages (e.g. `fr`, `ja`).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// `login_hint`: the user name to prefill on the login page (passed on to an OIDC
    /// provider).
    pub fn login_hint(mut self, hint: impl Into<String>) -> Self {
        self.login_hint = Some(hint.into());
        self
    }

    /// Draws a PKCE verifier (32 random bytes, base64url: 43 characters), a `state` and a
    /// `nonce` from the configured random source, and builds the `/oauth2/authorize` URL with
    /// `response_type=code`, `client_id`, `redirect_uri`, `scope`, `state`,
    /// `code_challenge_method=S256`, `code_challenge`, `nonce` and the optional parameters set.
    ///
    /// # Errors
    /// [`OAuthError::NoRandomSource`] or [`OAuthError::Random`];
    /// [`OAuthError::InvalidInput`] for an empty scope list or a scope with a space.
    pub fn build(self) -> Result<PendingLogin, OAuthError> {
        if self.scopes.is_empty()
            || self
                .scopes
                .iter()
                .any(|s| s.is_empty() || s.contains(char::is_whitespace))
        {
            return Err(OAuthError::InvalidInput(format!(
                "scopes must be non-empty words: {:?}",
                self.scopes
            )));
        }
        let login = self.login;
        let random = login.config.random().ok_or(OAuthError::NoRandomSource)?;
        let code_verifier = random_token(random)?;
        let state = random_token(random)?;
        let nonce = random_token(random)?;
        let challenge = code_challenge(code_verifier.expose());
        let scope = self.scopes.join(" ");
        let mut pairs: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", login.config.client_id()),
            ("redirect_uri", &login.redirect_uri),
            ("scope", &scope),
            ("state", state.expose()),
            ("code_challenge_method", "S256"),
            ("code_challenge", &challenge),
            ("nonce", nonce.expose()),
        ];
        let optional = [
            ("identity_provider", &self.identity_provider),
            ("idp_identifier", &self.idp_identifier),
            ("lang", &self.lang),
            ("login_hint", &self.login_hint),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        }
        let query = form::encode_pairs(pairs, false);
        Ok(PendingLogin {
            authorize_url: format!("{}?{}", login.domain.authorize_url(), query.as_str()),
            redirect_uri: login.redirect_uri.clone(),
            state,
            code_verifier,
            nonce,
        })
    }
}
