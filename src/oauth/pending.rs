//! The login in progress, kept by the app until the redirect comes back, and the redirect.

use core::fmt;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::oauth::error::{ErrorCode, OAuthError, ServerError};
use crate::oauth::form;
use crate::secret::SecretString;

/// A login started with [`ManagedLogin::authorize`](crate::oauth::ManagedLogin::authorize):
/// the URL to open, and the PKCE verifier, `state` and `nonce` to check the redirect and the
/// tokens against.
///
/// Keep it until the redirect comes back (in memory, or serialized with serde where the app
/// may be stopped meanwhile: it holds secrets, so store it as you store tokens). The secrets
/// are zeroized on drop and `Debug` prints `<redacted>`. Use it for one redirect only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub(crate) authorize_url: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: SecretString,
    pub(crate) code_verifier: SecretString,
    pub(crate) nonce: SecretString,
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL carries the state and nonce: only its endpoint is shown.
        let endpoint = self
            .authorize_url
            .split_once('?')
            .map_or(self.authorize_url.as_str(), |(endpoint, _)| endpoint);
        f.debug_struct("PendingLogin")
            .field("authorize_url", &format_args!("{endpoint}?<redacted>"))
            .field("redirect_uri", &self.redirect_uri)
            .field("state", &self.state)
            .field("code_verifier", &self.code_verifier)
            .field("nonce", &self.nonce)
            .finish()
    }
}

/// The authorization code of a redirect whose `state` matched, to exchange with
/// [`ManagedLogin::token_request`](crate::oauth::ManagedLogin::token_request). Redacted in
/// `Debug`, zeroized on drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode(pub(crate) SecretString);

impl AuthorizationCode {
    /// The code itself.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl PendingLogin {
    /// The `/oauth2/authorize` URL to open in the browser (or in `ASWebAuthenticationSession`,
    /// Custom Tabs...).
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// The redirect URI the login was started with; the token request repeats it.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The OIDC `nonce` sent with this login: the ID token must carry it (pass it to
    /// [`JwtVerifier::verify_id_token`](crate::verify::JwtVerifier::verify_id_token)).
    pub fn nonce(&self) -> &str {
        self.nonce.expose()
    }

    /// The PKCE `code_verifier` (a secret until the token request is sent).
    pub fn code_verifier(&self) -> &str {
        self.code_verifier.expose()
    }

    /// The `state` sent with this login.
    pub fn state(&self) -> &str {
        self.state.expose()
    }

    /// Reads the redirect: the full callback URL the browser was sent to
    /// (`myapp://callback?code=...&state=...`), or only its query. The `state` is compared in
    /// constant time with this login's.
    ///
    /// # Errors
    /// [`OAuthError::Server`] for an error redirect (`error=access_denied&error_description=...`),
    /// [`OAuthError::StateMismatch`] when the state is not this login's (nothing else in the
    /// redirect is trusted then), [`OAuthError::MissingState`], [`OAuthError::MissingCode`],
    /// [`OAuthError::MalformedRedirect`] (bad encoding, a repeated parameter).
    pub fn callback(&self, redirect: &str) -> Result<AuthorizationCode, OAuthError> {
        let params = parse_query(redirect)?;
        let state = params.get("state");
        let state_matches =
            state.map(|s| bool::from(s.as_bytes().ct_eq(self.state.expose().as_bytes())));
        if state_matches == Some(false) {
            return Err(OAuthError::StateMismatch);
        }
        if let Some(error) = params.get("error") {
            return Err(OAuthError::Server(ServerError {
                code: ErrorCode::parse(error),
                description: params.get("error_description").map(|d| d.to_string()),
                status: None,
            }));
        }
        if state.is_none() {
            return Err(OAuthError::MissingState);
        }
        match params.get("code") {
            Some(code) if !code.is_empty() => {
                Ok(AuthorizationCode(SecretString::new(code.as_str())))
            }
            _ => Err(OAuthError::MissingCode),
        }
    }
}

/// The query parameters of a URL (or of a bare query), decoded; the fragment is ignored.
fn parse_query(redirect: &str) -> Result<BTreeMap<String, Zeroizing<String>>, OAuthError> {
    let without_fragment = redirect
        .split_once('#')
        .map_or(redirect, |(before, _)| before);
    let query = match without_fragment.split_once('?') {
        Some((_, query)) => query,
        None if without_fragment.contains("://") => "",
        None => without_fragment,
    };
    let mut params = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = || OAuthError::MalformedRedirect(format!("bad encoding in {name:?}"));
        let name = form::decode(name).ok_or_else(bad)?.to_string();
        let value = form::decode(value).ok_or_else(bad)?;
        if params.contains_key(&name) {
            // RFC 6749 §3.1: parameters must not be repeated (a smuggled second `code` or
            // `state` is refused rather than guessed between).
            return Err(OAuthError::MalformedRedirect(format!(
                "the parameter {name:?} is repeated"
            )));
        }
        params.insert(name, value);
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingLogin {
        PendingLogin {
            authorize_url: String::new(),
            redirect_uri: "myapp://cb".into(),
            state: "st4te".into(),
            code_verifier: "v".into(),
            nonce: "n".into(),
        }
    }

    #[test]
    fn reads_full_urls_and_bare_queries() -> Result<(), OAuthError> {
        let p = pending();
        assert_eq!(
            p.callback("myapp://cb?code=abc&state=st4te")?.expose(),
            "abc"
        );
        assert_eq!(
            p.callback("code=a%2Bb+c&state=st4te#frag")?.expose(),
            "a+b c"
        );
        assert_eq!(p.callback("myapp://cb"), Err(OAuthError::MissingState));
        assert_eq!(
            p.callback("myapp://cb?state=st4te&code="),
            Err(OAuthError::MissingCode)
        );
        assert!(matches!(
            p.callback("?code=a&code=b&state=st4te"),
            Err(OAuthError::MalformedRedirect(_))
        ));
        assert_eq!(
            p.callback("?code=a&state=st4tf"),
            Err(OAuthError::StateMismatch)
        );
        Ok(())
    }
}
