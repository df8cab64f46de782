//! Where managed login lives: a Cognito prefix domain, a custom domain, or any base URL.

use core::fmt;

use crate::oauth::error::OAuthError;

/// The base URL of a user pool's managed login (hosted UI) and OAuth 2.0 endpoints.
///
/// ```
/// use cognito_auth::oauth::Domain;
/// let domain = Domain::prefix("myapp", "eu-west-1")?;
/// assert_eq!(domain.url(), "https://myapp.auth.eu-west-1.amazoncognito.com");
/// assert_eq!(Domain::custom("auth.example.com")?.url(), "https://auth.example.com");
/// assert_eq!(Domain::base_url("http://127.0.0.1:9229/")?.url(), "http://127.0.0.1:9229");
/// # Ok::<(), cognito_auth::oauth::OAuthError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Domain {
    base: String,
}

impl Domain {
    /// A Cognito prefix domain: `https://<prefix>.auth.<region>.amazoncognito.com`.
    ///
    /// # Errors
    /// When the prefix or region is empty or has characters other than lower-case letters,
    /// digits and `-`.
    pub fn prefix(prefix: &str, region: &str) -> Result<Self, OAuthError> {
        let label = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !label(prefix) || !label(region) {
            return Err(OAuthError::InvalidInput(format!(
                "a Cognito domain prefix and region are lower-case letters, digits and '-': \
                 {prefix:?}, {region:?}"
            )));
        }
        Ok(Self {
            base: format!("https://{prefix}.auth.{region}.amazoncognito.com"),
        })
    }

    /// A custom domain (`auth.example.com`), served over HTTPS.
    ///
    /// # Errors
    /// When the host is empty or holds a scheme, path, query, user info or whitespace.
    pub fn custom(host: &str) -> Result<Self, OAuthError> {
        let host = host.trim_end_matches('.');
        if host.is_empty()
            || host
                .bytes()
                .any(|b| matches!(b, b'/' | b'?' | b'#' | b'@') || b.is_ascii_whitespace())
        {
            return Err(OAuthError::InvalidInput(format!(
                "{host:?} is not a host name (give it without https:// or a path)"
            )));
        }
        Ok(Self {
            base: format!("https://{host}"),
        })
    }

    /// Any base URL (`http://127.0.0.1:9229` for the local pool, a proxy, a test server);
    /// a trailing `/` is dropped.
    ///
    /// # Errors
    /// When it does not start with `https://` or `http://`, or has a query, fragment or
    /// whitespace.
    pub fn base_url(url: &str) -> Result<Self, OAuthError> {
        let base = url.trim_end_matches('/');
        let rest = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"));
        match rest {
            Some(rest)
                if !rest.is_empty()
                    && !rest
                        .bytes()
                        .any(|b| matches!(b, b'?' | b'#') || b.is_ascii_whitespace()) =>
            {
                Ok(Self {
                    base: base.to_owned(),
                })
            }
            _ => Err(OAuthError::InvalidInput(format!(
                "{url:?} is not an http(s) base URL without query or fragment"
            ))),
        }
    }

    /// The base URL, without a trailing `/`.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// `<base>/oauth2/authorize`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/authorize", self.base)
    }

    /// `<base>/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base)
    }

    /// `<base>/oauth2/revoke`.
    pub fn revoke_url(&self) -> String {
        format!("{}/oauth2/revoke", self.base)
    }

    /// `<base>/oauth2/userInfo`.
    pub fn userinfo_url(&self) -> String {
        format!("{}/oauth2/userInfo", self.base)
    }

    /// `<base>/logout`.
    pub fn logout_url(&self) -> String {
        format!("{}/logout", self.base)
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({})", self.base)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}
