//! SECRET_HASH for app clients that have a client secret.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::srp::hmac_sha256;

/// `SECRET_HASH = base64(HMAC-SHA256(key = client_secret, msg = username | client_id))`
/// (standard alphabet, padded), as in the Cognito developer guide.
///
/// `username` must be the same string sent as `USERNAME` in the request.
pub fn compute(client_id: &str, client_secret: &str, username: &str) -> String {
    let mac = hmac_sha256(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    );
    STANDARD.encode(mac)
}

#[cfg(test)]
mod tests {
    #[test]
    fn protocol_example() {
        assert_eq!(
            super::compute("abc123", "secret123", "testuser"),
            "SY+Xkeu7JJFk5+BwxstWm0/OIxj1SIOrfTGc4PUQrGM="
        );
    }
}
