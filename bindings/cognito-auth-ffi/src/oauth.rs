//! Managed login (the hosted UI): `cognito_auth::oauth` behind objects. The app opens
//! `PendingLogin.authorize_url()` in ASWebAuthenticationSession / Custom Tabs, hands the
//! callback URL back to `PendingLogin.callback`, sends `ManagedLogin.token_request` and passes
//! the reply to `handle_token_response`: the same `Tokens` as the API sign-in. Every request
//! is built and every reply read by the core.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use cognito_auth::oauth::{self, Domain};
use cognito_auth::{SecretString, UnixTime};

use crate::PoolConfig;
use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::{Header, Tokens, body_secret, with_response};

/// Where the pool's managed login lives.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum LoginDomain {
    /// A Cognito prefix domain: `https://<prefix>.auth.<region>.amazoncognito.com`.
    Prefix {
        /// The domain prefix chosen for the pool.
        prefix: String,
        /// The pool's region, e.g. `eu-west-1`.
        region: String,
    },
    /// A custom domain (`auth.example.com`), over HTTPS.
    Custom {
        /// The host name, without scheme or path.
        host: String,
    },
    /// Any base URL (`http://127.0.0.1:9229` for the local pool, a proxy).
    BaseUrl {
        /// `http(s)://host[:port][/path]`.
        url: String,
    },
}

impl TryFrom<LoginDomain> for Domain {
    type Error = CognitoError;

    fn try_from(domain: LoginDomain) -> Result<Self, CognitoError> {
        Ok(match domain {
            LoginDomain::Prefix { prefix, region } => Domain::prefix(&prefix, &region)?,
            LoginDomain::Custom { host } => Domain::custom(&host)?,
            LoginDomain::BaseUrl { url } => Domain::base_url(&url)?,
        })
    }
}

/// A request to a managed-login endpoint. Unlike `HttpRequest` it may be a `GET` (userInfo),
/// its body is a form, and its `Authorization` header is a secret (the client secret as HTTP
/// Basic, or `Bearer <access token>`), so it is kept out of `headers`: when set, send
/// `Authorization: <authorization.reveal()>` as well.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OAuthRequest {
    /// The endpoint.
    pub url: String,
    /// `POST`, or `GET` for userInfo.
    pub method: String,
    /// `Content-Type` for a form; never `Authorization`.
    pub headers: Vec<Header>,
    /// The `Authorization` header value, when the request needs one.
    pub authorization: Option<Arc<Secret>>,
    /// The form body (empty for a `GET`); it carries the code, the PKCE verifier or a token.
    pub body: Arc<Secret>,
}

impl From<oauth::OAuthRequest> for OAuthRequest {
    fn from(request: oauth::OAuthRequest) -> Self {
        let mut headers = Vec::new();
        let mut authorization = None;
        for (name, value) in request.headers() {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(Secret::wrap(SecretString::new(value)));
            } else {
                headers.push(Header {
                    name: name.to_owned(),
                    value: value.to_owned(),
                });
            }
        }
        let body = body_secret(request.body());
        OAuthRequest {
            url: request.url().to_owned(),
            method: request.method().to_owned(),
            headers,
            authorization,
            body: Secret::wrap(body),
        }
    }
}

/// What `/oauth2/userInfo` said about the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserInfo {
    /// The user's stable id.
    pub sub: String,
    /// Cognito's internal user name.
    pub username: Option<String>,
    /// The e-mail address.
    pub email: Option<String>,
    /// Whether it is verified.
    pub email_verified: Option<bool>,
    /// The phone number.
    pub phone_number: Option<String>,
    /// Whether it is verified.
    pub phone_number_verified: Option<bool>,
    /// Every other attribute, each as JSON text (`"\"Kim\""`, `"[...]"`).
    pub other: HashMap<String, String>,
}

impl From<oauth::UserInfo> for UserInfo {
    fn from(info: oauth::UserInfo) -> Self {
        UserInfo {
            sub: info.sub,
            username: info.username,
            email: info.email,
            email_verified: info.email_verified,
            phone_number: info.phone_number,
            phone_number_verified: info.phone_number_verified,
            other: info
                .other
                .into_iter()
                .map(|(name, value)| (name, value.to_string()))
                .collect(),
        }
    }
}

/// Managed login for one app client at one domain, redirecting to one redirect URI (one of
/// the client's callback URLs, e.g. `myapp://callback`). Builds every request, reads every
/// reply; sans-IO.
#[derive(Debug, uniffi::Object)]
pub struct ManagedLogin {
    inner: oauth::ManagedLogin,
}

#[uniffi::export]
impl ManagedLogin {
    /// Managed login of `config`'s app client (its secret, if any, authenticates the token
    /// and revoke requests) at `domain`.
    ///
    /// # Errors
    /// `InvalidInput` for a domain that cannot be used.
    #[uniffi::constructor]
    pub fn new(
        config: Arc<PoolConfig>,
        domain: LoginDomain,
        redirect_uri: String,
    ) -> Result<Arc<Self>, CognitoError> {
        let domain = Domain::try_from(domain)?;
        Ok(Arc::new(Self {
            inner: oauth::ManagedLogin::new(&config.core(), domain, redirect_uri),
        }))
    }

    /// The domain's base URL.
    pub fn domain_url(&self) -> String {
        self.inner.domain().url().to_owned()
    }

    /// The redirect URI of new logins.
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// Starts a login: draws the PKCE verifier, `state` and `nonce`, and builds the
    /// `/oauth2/authorize` URL with `scopes` (empty: `openid`) and the optional
    /// `identity_provider` (skip the login page: `Google`, `SignInWithApple`, a SAML/OIDC
    /// provider's name), `idp_identifier`, `lang` and `login_hint`.
    ///
    /// # Errors
    /// `InvalidInput` for a scope that is empty or has a space; `Internal` when the random
    /// source fails.
    #[uniffi::method(default(
        identity_provider = None,
        idp_identifier = None,
        lang = None,
        login_hint = None
    ))]
    pub fn authorize(
        &self,
        scopes: Vec<String>,
        identity_provider: Option<String>,
        idp_identifier: Option<String>,
        lang: Option<String>,
        login_hint: Option<String>,
    ) -> Result<Arc<PendingLogin>, CognitoError> {
        let mut builder = self.inner.authorize();
        if !scopes.is_empty() {
            builder = builder.scopes(scopes);
        }
        if let Some(provider) = identity_provider {
            builder = builder.identity_provider(provider);
        }
        if let Some(identifier) = idp_identifier {
            builder = builder.idp_identifier(identifier);
        }
        if let Some(lang) = lang {
            builder = builder.lang(lang);
        }
        if let Some(hint) = login_hint {
            builder = builder.login_hint(hint);
        }
        Ok(Arc::new(PendingLogin {
            inner: builder.build()?,
        }))
    }

    /// The code exchange (`POST /oauth2/token`, `grant_type=authorization_code`, the PKCE
    /// verifier and the redirect URI of `pending`).
    pub fn token_request(
        &self,
        pending: Arc<PendingLogin>,
        code: Arc<AuthorizationCode>,
    ) -> OAuthRequest {
        self.inner.token_request(&pending.inner, &code.inner).into()
    }

    /// Reads the reply to `token_request`: the tokens (not verified: give the ID token and
    /// `pending.nonce()` to `JwtVerifier.verify_id_token`).
    ///
    /// # Errors
    /// `AuthorizationServer` for an OAuth error (`invalid_grant`: the code expired or was used,
    /// or the verifier or redirect URI differ); `InvalidResponse` for anything else unusable.
    pub fn handle_token_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_secs: u64,
    ) -> Result<Tokens, CognitoError> {
        with_response(status, &headers, body, |response| {
            self.inner
                .handle_token_response(response, UnixTime(now_unix_secs))
        })
        .map(Into::into)
        .map_err(Into::into)
    }

    /// A refresh through the token endpoint (`grant_type=refresh_token`).
    pub fn refresh_request(&self, refresh_token: Arc<Secret>) -> OAuthRequest {
        self.inner
            .refresh_request(&Secret::into_core(refresh_token))
            .into()
    }

    /// Reads the reply to `refresh_request`; without rotation, `refresh_token` is kept in the
    /// tokens returned.
    ///
    /// # Errors
    /// As `handle_token_response`; `invalid_grant`: sign in again.
    pub fn handle_refresh_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_secs: u64,
        refresh_token: Arc<Secret>,
    ) -> Result<Tokens, CognitoError> {
        let refresh_token = Secret::into_core(refresh_token);
        with_response(status, &headers, body, |response| {
            self.inner
                .handle_refresh_response(response, UnixTime(now_unix_secs), &refresh_token)
        })
        .map(Into::into)
        .map_err(Into::into)
    }

    /// Revokes a refresh token (and what was issued from it): `POST /oauth2/revoke`.
    pub fn revoke_request(&self, refresh_token: Arc<Secret>) -> OAuthRequest {
        self.inner
            .revoke_request(&Secret::into_core(refresh_token))
            .into()
    }

    /// Reads the reply to `revoke_request`.
    ///
    /// # Errors
    /// `AuthorizationServer` for an OAuth error reply.
    pub fn handle_revoke_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<(), CognitoError> {
        with_response(status, &headers, body, |response| {
            self.inner.handle_revoke_response(response)
        })
        .map_err(Into::into)
    }

    /// The `/logout` URL that ends the managed-login session and redirects to `logout_uri`
    /// (one of the client's sign-out URLs). Open it in the same browser session.
    pub fn logout_url(&self, logout_uri: String) -> String {
        self.inner.logout_url(&logout_uri)
    }

    /// `GET /oauth2/userInfo` with the access token.
    pub fn userinfo_request(&self, access_token: Arc<Secret>) -> OAuthRequest {
        self.inner
            .userinfo_request(&Secret::into_core(access_token))
            .into()
    }

    /// Reads the reply to `userinfo_request`.
    ///
    /// # Errors
    /// `AuthorizationServer` (`invalid_token`) for an invalid, expired or revoked access token;
    /// `InvalidResponse` for a reply without `sub`.
    pub fn handle_userinfo_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<UserInfo, CognitoError> {
        with_response(status, &headers, body, |response| {
            self.inner.handle_userinfo_response(response)
        })
        .map(Into::into)
        .map_err(Into::into)
    }
}

/// A login in progress: the URL to open, and the PKCE verifier, `state` and `nonce` the
/// redirect and the ID token are checked against. Keep it until the callback comes back;
/// where the app may be stopped meanwhile, `export()` it (a `Secret`: store it as tokens are
/// stored) and `PendingLogin.import_login(secret)` it. It prints only the authorize endpoint,
/// its secrets as `<redacted>`, and they are zeroized when it goes.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct PendingLogin {
    inner: oauth::PendingLogin,
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core's Debug redacts the URL's query, the state, verifier and nonce.
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[uniffi::export]
impl PendingLogin {
    /// Reads what `export` wrote.
    ///
    /// # Errors
    /// `InvalidInput` when it is not an exported login (its message never quotes the text).
    #[uniffi::constructor]
    pub fn import_login(exported: Arc<Secret>) -> Result<Arc<Self>, CognitoError> {
        let inner = serde_json::from_str(exported.expose())
            .map_err(|e| CognitoError::unreadable("an exported login", &e))?;
        Ok(Arc::new(Self { inner }))
    }

    /// The login as JSON, in a `Secret` (it holds the PKCE verifier).
    ///
    /// # Errors
    /// `Internal` when it cannot be serialized.
    pub fn export(&self) -> Result<Arc<Secret>, CognitoError> {
        let json = SecretString::json(&self.inner).map_err(|e| CognitoError::Internal {
            reason: format!("cannot serialize the login: {e}"),
        })?;
        Ok(Secret::wrap(json))
    }

    /// The `/oauth2/authorize` URL to open (ASWebAuthenticationSession, Custom Tabs, the
    /// system browser). It carries the state and nonce: do not log it.
    pub fn authorize_url(&self) -> String {
        self.inner.authorize_url().to_owned()
    }

    /// The redirect URI the login started with.
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// The OIDC nonce of this login, for `JwtVerifier.verify_id_token`.
    pub fn nonce(&self) -> Arc<Secret> {
        Secret::new(self.inner.nonce().to_owned())
    }

    /// Reads the callback URL the browser was sent to (or its query) and checks its `state`
    /// in constant time.
    ///
    /// # Errors
    /// `AuthorizationServer` for an error redirect (`error=access_denied`...);
    /// `InvalidRedirect` with `StateMismatch` (forged or crossed: start over), `MissingState`,
    /// `MissingCode` or `Malformed`.
    pub fn callback(&self, callback_url: String) -> Result<Arc<AuthorizationCode>, CognitoError> {
        let callback_url = zeroize::Zeroizing::new(callback_url);
        Ok(Arc::new(AuthorizationCode {
            inner: self.inner.callback(&callback_url)?,
        }))
    }
}

/// The authorization code of a callback whose state matched: give it to
/// `ManagedLogin.token_request`. Prints as `<redacted>`; zeroized when it goes.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct AuthorizationCode {
    inner: oauth::AuthorizationCode,
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode(<redacted>)")
    }
}

impl fmt::Display for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
