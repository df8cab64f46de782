//! The error type of the SRP core.

/// Everything that can go wrong while computing SRP values.
///
/// Every variant is about an input: either a value the server sent (hostile or
/// malformed input never panics, it ends up here) or a value the caller chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrpError {
    /// A number that should be hexadecimal contains something other than `0-9`, `a-f`, `A-F`.
    #[error(
        "{field} is not a hexadecimal number: only the digits 0-9, a-f and A-F are allowed (no prefix, sign or whitespace)"
    )]
    InvalidHex {
        /// Which value was malformed (e.g. `SRP_B`, `SALT`).
        field: &'static str,
    },
    /// A required value is empty.
    #[error("{field} is empty; the server must send a non-empty value")]
    EmptyValue {
        /// Which value was empty.
        field: &'static str,
    },
    /// A hexadecimal number starts with `-`.
    #[error(
        "{field} is a negative number ('-' prefix); Cognito only sends non-negative values, so this response is rejected"
    )]
    NegativeValue {
        /// Which value was negative.
        field: &'static str,
    },
    /// A value is longer than this implementation accepts.
    #[error("{field} is too long: at most {max_hex_digits} hexadecimal digits are accepted")]
    ValueTooLarge {
        /// Which value was too long.
        field: &'static str,
        /// The limit, in hexadecimal digits (two per byte).
        max_hex_digits: usize,
    },
    /// A = g^a mod N is zero (cannot happen for a valid `a`; checked anyway).
    #[error("the client public value A is 0 mod N; choose a different secret a")]
    IllegalA,
    /// B mod N is zero: the server (or an attacker) sent an illegal SRP_B.
    #[error(
        "the server's SRP_B is 0 mod N, which would make the session key predictable; abort this sign-in"
    )]
    IllegalB,
    /// u = H(padHex(A) | padHex(B)) is zero.
    #[error(
        "the scrambling parameter u = H(A | B) is 0; abort this sign-in and start over with a new A"
    )]
    IllegalU,
    /// The client secret ephemeral `a` is not usable.
    #[error(
        "the client secret a must be 1 to 384 big-endian bytes and satisfy 0 < a < N; generate a new random value"
    )]
    EphemeralOutOfRange,
    /// SECRET_BLOCK is not base64.
    #[error(
        "SECRET_BLOCK is not base64 (standard or URL-safe alphabet, padding optional); the server response is malformed"
    )]
    SecretBlock,
    /// SECRET_BLOCK is longer than any the service sends (Cognito's is about 1.7 KB of
    /// base64); refused before it is decoded.
    #[error("SECRET_BLOCK is longer than {max_len} characters; the server response is malformed")]
    SecretBlockTooLarge {
        /// The most characters accepted.
        max_len: usize,
    },
    /// The instant cannot be written as a Cognito TIMESTAMP.
    #[error(
        "the time is outside 1970-01-01 ..= 9999-12-31 (UTC) and cannot be formatted as a TIMESTAMP"
    )]
    TimestampOutOfRange,
}
