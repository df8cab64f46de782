//! Managed login (`cognito_auth::oauth`; feature `full`, the npm package's `cognito-auth/full`
//! module): the authorization URL with PKCE, state and nonce, the
//! callback, the token, refresh, revoke and userInfo requests and their replies, the logout URL.
//! The requests cross as the API requests do (`{ url, method, headers, body }`); OAuth errors
//! as `CognitoError`s whose `code` is the OAuth code (`invalid_grant`, `access_denied`) or the
//! redirect's fault (`StateMismatch`, `MissingState`, `MissingCode`, `MalformedRedirect`).

use cognito_auth::oauth::{
    AuthorizationCode, Domain, ManagedLogin, OAuthError, OAuthRequest, PendingLogin,
};
use cognito_auth::{SecretString, Tokens};
use js_sys::JsString;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::convert::{object, secret_json};
use crate::error::{Failure, Result, invalid_input};
use crate::{RawConfig, RawTokens, unix_time, with_response};

impl From<OAuthError> for Failure {
    fn from(error: OAuthError) -> Self {
        let message = error.to_string();
        match &error {
            OAuthError::Server(server) => Failure::coded(
                "service",
                server.code.as_str(),
                message,
                error.is_retryable(),
                server.status,
            ),
            OAuthError::StateMismatch => {
                Failure::coded("protocol", "StateMismatch", message, false, None)
            }
            OAuthError::MissingState => {
                Failure::coded("invalidInput", "MissingState", message, false, None)
            }
            OAuthError::MissingCode => {
                Failure::coded("invalidInput", "MissingCode", message, false, None)
            }
            OAuthError::MalformedRedirect(_) => {
                Failure::coded("invalidInput", "MalformedRedirect", message, false, None)
            }
            OAuthError::InvalidResponse { .. } => Failure::invalid_response(message),
            OAuthError::InvalidInput(_) => invalid_input(message),
            _ => Failure::coded("internal", "Random", message, false, None),
        }
    }
}

/// `{ url, method, headers, body }` of an OAuth request (the body, a form, may hold a code or
/// a refresh token; the `Authorization` header the client secret or the access token).
fn oauth_request_to_js(request: &OAuthRequest) -> JsValue {
    let headers = object(
        &request
            .headers()
            .into_iter()
            .map(|(name, value)| (name, JsValue::from_str(value)))
            .collect::<Vec<_>>(),
    );
    let body = JsString::from(String::from_utf8_lossy(request.body()).as_ref());
    object(&[
        ("url", JsValue::from_str(request.url())),
        ("method", JsValue::from_str(request.method())),
        ("headers", headers),
        ("body", body.into()),
    ])
}

/// The hosted UI of a user pool for one app client and redirect URI.
#[wasm_bindgen]
pub struct RawManagedLogin {
    inner: ManagedLogin,
}

#[wasm_bindgen]
impl RawManagedLogin {
    /// `domain`: a base URL (`https://auth.example.com`, `http://127.0.0.1:9229/...`), a
    /// custom domain's host, or a Cognito prefix when `region` is given.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: &RawConfig,
        domain: &str,
        region: Option<String>,
        redirect_uri: String,
    ) -> Result<RawManagedLogin> {
        let domain = match region {
            Some(region) => Domain::prefix(domain, &region),
            None if domain.contains("://") => Domain::base_url(domain),
            None => Domain::custom(domain),
        }
        .map_err(Failure::from)?;
        Ok(RawManagedLogin {
            inner: ManagedLogin::new(&config.inner, domain, redirect_uri),
        })
    }

    /// The domain's base URL.
    #[wasm_bindgen(getter)]
    pub fn domain(&self) -> String {
        self.inner.domain().url().to_owned()
    }

    /// The redirect URI.
    #[wasm_bindgen(getter, js_name = redirectUri)]
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// A new login: the authorization URL with a fresh PKCE verifier, state and nonce.
    /// `scopes` empty: the builder's default.
    pub fn authorize(
        &self,
        scopes: Vec<String>,
        identity_provider: Option<String>,
        idp_identifier: Option<String>,
        lang: Option<String>,
        login_hint: Option<String>,
    ) -> Result<RawPendingLogin> {
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
        Ok(RawPendingLogin {
            inner: builder.build().map_err(Failure::from)?,
        })
    }

    /// The code exchange (`grant_type=authorization_code` with the PKCE verifier).
    #[wasm_bindgen(js_name = tokenRequest)]
    pub fn token_request(&self, pending: &RawPendingLogin, code: &RawAuthorizationCode) -> JsValue {
        oauth_request_to_js(&self.inner.token_request(&pending.inner, &code.inner))
    }

    /// The token endpoint's reply: the tokens, or the OAuth error thrown.
    #[wasm_bindgen(js_name = handleTokenResponse)]
    pub fn handle_token_response(
        &self,
        status: u16,
        headers: Vec<String>,
        body: String,
        now: f64,
    ) -> Result<RawTokens> {
        let now = unix_time(now)?;
        let tokens: Tokens = with_response(status, &headers, body, |response| {
            self.inner.handle_token_response(response, now)
        })
        .map_err(Failure::from)?;
        Ok(RawTokens::wrap(tokens))
    }

    /// A refresh through the token endpoint (`grant_type=refresh_token`).
    #[wasm_bindgen(js_name = refreshRequest)]
    pub fn refresh_request(&self, refresh_token: String) -> JsValue {
        oauth_request_to_js(
            &self
                .inner
                .refresh_request(&SecretString::from(refresh_token)),
        )
    }

    /// Its reply: the new tokens (the refresh token kept when none is returned).
    #[wasm_bindgen(js_name = handleRefreshResponse)]
    pub fn handle_refresh_response(
        &self,
        refresh_token: String,
        status: u16,
        headers: Vec<String>,
        body: String,
        now: f64,
    ) -> Result<RawTokens> {
        let now = unix_time(now)?;
        let refresh_token = SecretString::from(refresh_token);
        let tokens = with_response(status, &headers, body, |response| {
            self.inner
                .handle_refresh_response(response, now, &refresh_token)
        })
        .map_err(Failure::from)?;
        Ok(RawTokens::wrap(tokens))
    }

    /// `/oauth2/revoke` for a refresh token.
    #[wasm_bindgen(js_name = revokeRequest)]
    pub fn revoke_request(&self, refresh_token: String) -> JsValue {
        oauth_request_to_js(
            &self
                .inner
                .revoke_request(&SecretString::from(refresh_token)),
        )
    }

    /// Its reply: nothing, or the OAuth error thrown.
    #[wasm_bindgen(js_name = handleRevokeResponse)]
    pub fn handle_revoke_response(
        &self,
        status: u16,
        headers: Vec<String>,
        body: String,
    ) -> Result<()> {
        with_response(status, &headers, body, |response| {
            self.inner.handle_revoke_response(response)
        })
        .map_err(Failure::from)?;
        Ok(())
    }

    /// The `/logout` URL that signs the browser out and returns to `logout_uri`.
    #[wasm_bindgen(js_name = logoutUrl)]
    pub fn logout_url(&self, logout_uri: &str) -> String {
        self.inner.logout_url(logout_uri)
    }

    /// `/oauth2/userInfo` with the access token.
    #[wasm_bindgen(js_name = userInfoRequest)]
    pub fn userinfo_request(&self, access_token: String) -> JsValue {
        oauth_request_to_js(
            &self
                .inner
                .userinfo_request(&SecretString::from(access_token)),
        )
    }

    /// Its reply: the attributes as JSON (`sub`, `email`, `email_verified`, ... as sent).
    #[wasm_bindgen(js_name = handleUserInfoResponse)]
    pub fn handle_userinfo_response(
        &self,
        status: u16,
        headers: Vec<String>,
        body: String,
    ) -> Result<String> {
        let info = with_response(status, &headers, body, |response| {
            self.inner.handle_userinfo_response(response)
        })
        .map_err(Failure::from)?;
        let mut members = info.other;
        let mut put = |name: &str, value: serde_json::Value| {
            members.insert(name.to_owned(), value);
        };
        put("sub", info.sub.into());
        for (name, value) in [
            ("username", info.username),
            ("email", info.email),
            ("phone_number", info.phone_number),
        ] {
            if let Some(value) = value {
                put(name, value.into());
            }
        }
        for (name, value) in [
            ("email_verified", info.email_verified),
            ("phone_number_verified", info.phone_number_verified),
        ] {
            if let Some(value) = value {
                put(name, value.into());
            }
        }
        serde_json::to_string(&members)
            .map_err(|e| Failure::invalid_response(format!("cannot write the attributes: {e}")))
    }
}

/// A login waiting for its redirect: the PKCE verifier, state and nonce (secrets, zeroized
/// when freed).
#[wasm_bindgen]
pub struct RawPendingLogin {
    inner: PendingLogin,
}

#[wasm_bindgen]
impl RawPendingLogin {
    /// The URL to open in the browser.
    #[wasm_bindgen(getter, js_name = authorizeUrl)]
    pub fn authorize_url(&self) -> String {
        self.inner.authorize_url().to_owned()
    }

    /// The redirect URI it was built for.
    #[wasm_bindgen(getter, js_name = redirectUri)]
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// The OIDC nonce the ID token must carry (a secret of this login).
    #[wasm_bindgen(getter)]
    pub fn nonce(&self) -> JsString {
        JsString::from(self.inner.nonce())
    }

    /// Reads the redirect URL: the code when the state matches (compared in constant time),
    /// otherwise the OAuth error or the redirect's fault thrown.
    pub fn callback(&self, redirect: &str) -> Result<RawAuthorizationCode> {
        Ok(RawAuthorizationCode {
            inner: self.inner.callback(redirect).map_err(Failure::from)?,
        })
    }

    /// JSON holding the verifier, state and nonce, to keep across a page load (session
    /// storage): a secret.
    #[wasm_bindgen(js_name = toStorageJson)]
    pub fn to_storage_json(&self) -> Result<JsString> {
        Ok(JsString::from(secret_json(&self.inner)?.expose()))
    }

    /// The login `toStorageJson` saved.
    #[wasm_bindgen(js_name = fromStorageJson)]
    pub fn from_storage_json(json: String) -> Result<RawPendingLogin> {
        let json = Zeroizing::new(json);
        let inner = serde_json::from_slice(json.as_bytes())
            .map_err(|e| invalid_input(format!("not a pending login: {e}")))?;
        Ok(RawPendingLogin { inner })
    }
}

/// The authorization code of a redirect whose state matched (zeroized when freed).
#[wasm_bindgen]
pub struct RawAuthorizationCode {
    inner: AuthorizationCode,
}
