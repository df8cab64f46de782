//! PKCE (RFC 7636) with S256, and the random values of one login.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::oauth::error::OAuthError;
use crate::random::SecureRandom;
use crate::secret::SecretString;

/// The S256 `code_challenge` of a PKCE `code_verifier` (RFC 7636 §4.2):
/// `BASE64URL(SHA-256(verifier))`, no padding.
///
/// ```
/// // RFC 7636, appendix B.
/// assert_eq!(
///     cognito_auth::oauth::code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
/// );
/// ```
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// 32 random bytes, base64url without padding (43 characters): a PKCE verifier (RFC 7636
/// §4.1 asks for 43 to 128 characters from 32 octets), a `state` or a `nonce`.
pub(crate) fn random_token(random: &dyn SecureRandom) -> Result<SecretString, OAuthError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    random.fill(bytes.as_mut_slice())?;
    Ok(SecretString::new(URL_SAFE_NO_PAD.encode(bytes.as_slice())))
}
