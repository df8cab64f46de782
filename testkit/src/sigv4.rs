//! AWS Signature Version 4 verification for the operations that need IAM credentials (the
//! Admin* operations and ListUsers). Written from the AWS specification ("Create a signed AWS
//! API request": canonical request, string to sign, derived signing key), sharing no code with
//! the `aws-sigv4` crate the library signs with, so that a signing bug cannot hide behind a
//! verifier that makes the same mistake.

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto;
use crate::error::{ApiError, ApiResult};

/// The only algorithm the service accepts in the `Authorization` header.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The signing name of cognito-idp (service model `signingName`).
pub(crate) const SERVICE: &str = "cognito-idp";
/// How far `X-Amz-Date` may be from the pool's clock, seconds (AWS: 5 minutes).
const MAX_SKEW: u64 = 300;

/// One IAM caller the pool accepts on the SigV4 operations (`admin_credentials` in the
/// configuration). The secret and the session token are never printed and are zeroized on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminCredentials {
    /// The access key id (`AKIA...` for long-term keys).
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// For temporary credentials: the session token a request must carry in
    /// `X-Amz-Security-Token`. Without one, a request carrying a token is refused.
    #[serde(default)]
    pub session_token: Option<String>,
}

impl AdminCredentials {
    /// Long-term credentials (no session token).
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: None,
        }
    }
}

impl fmt::Debug for AdminCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Drop for AdminCredentials {
    fn drop(&mut self) {
        wipe(&mut self.secret_access_key);
        if let Some(token) = &mut self.session_token {
            wipe(token);
        }
    }
}

/// Overwrites a secret's bytes with zeros before the memory is freed (`black_box` keeps the
/// writes from being optimized away as dead stores; no `zeroize` dependency for one struct).
fn wipe(secret: &mut String) {
    let mut bytes = std::mem::take(secret).into_bytes();
    bytes.fill(0);
    std::hint::black_box(&bytes);
}

/// `admin_credentials` a pool can use: each with an access key id and a secret, no key id
/// twice (which secret would sign?).
pub(crate) fn check_credentials(credentials: &[AdminCredentials]) -> Result<(), String> {
    for (i, c) in credentials.iter().enumerate() {
        if c.access_key_id.is_empty() || c.secret_access_key.is_empty() {
            return Err(format!(
                "admin_credentials[{i}] needs an access_key_id and a secret_access_key"
            ));
        }
        if credentials
            .iter()
            .take(i)
            .any(|other| other.access_key_id == c.access_key_id)
        {
            return Err(format!(
                "admin_credentials: access key {:?} appears twice",
                c.access_key_id
            ));
        }
    }
    Ok(())
}

/// What a signature covers: the request line, the headers and the body.
pub(crate) struct SignedRequest<'a> {
    pub(crate) method: &'a str,
    /// The request target as sent: path and query, percent-encoded.
    pub(crate) target: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

impl SignedRequest<'_> {
    /// Every value of a header (case-insensitive name), in order.
    fn values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.values(name).next()
    }
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..`.
struct Authorization<'a> {
    access_key_id: &'a str,
    scope: Vec<&'a str>,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn incomplete(message: impl Into<String>) -> ApiError {
    ApiError::new("IncompleteSignatureException", message)
}

fn invalid_signature(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidSignatureException", message)
}

fn unrecognized_client() -> ApiError {
    ApiError::new(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

fn parse_authorization(value: &str) -> ApiResult<Authorization<'_>> {
    let (algorithm, rest) = value.split_once(' ').unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'; only {ALGORITHM} is accepted."
        )));
    }
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {
                return Err(incomplete(format!(
                    "'{part}' is not a valid key=value pair in the Authorization header."
                )));
            }
        }
    }
    let mut missing = String::new();
    for (name, found) in [
        ("Credential", credential.is_some()),
        ("Signature", signature.is_some()),
        ("SignedHeaders", signed.is_some()),
    ] {
        if !found {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(incomplete(missing.trim_end().to_owned()));
    };
    let mut parts = credential.split('/');
    let access_key_id = parts.next().unwrap_or_default();
    let scope: Vec<&str> = parts.collect();
    if access_key_id.is_empty() || scope.len() != 4 {
        return Err(incomplete(format!(
            "Credential '{credential}' is not <access key>/<date>/<region>/<service>/aws4_request."
        )));
    }
    Ok(Authorization {
        access_key_id,
        scope,
        signed_headers: signed.split(';').collect(),
        signature,
    })
}

/// Checks the request's SigV4 signature against `credentials` for `region` and service
/// `cognito-idp` at `now` (Unix seconds). The errors are the service's.
pub(crate) fn verify(
    request: &SignedRequest<'_>,
    credentials: &[AdminCredentials],
    region: &str,
    now: u64,
) -> ApiResult<()> {
    let Some(value) = request.header("Authorization") else {
        return Err(ApiError::new(
            "MissingAuthenticationTokenException",
            "Request is missing Authentication Token",
        ));
    };
    let auth = parse_authorization(value)?;
    let Some(amz_date) = request.header("X-Amz-Date") else {
        return Err(incomplete(
            "Authorization header requires existence of a 'X-Amz-Date' header (the testkit reads no 'Date' header).",
        ));
    };
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        incomplete(format!(
            "X-Amz-Date '{amz_date}' is not yyyyMMdd'T'HHmmss'Z'."
        ))
    })?;
    let credential = credentials
        .iter()
        .find(|c| c.access_key_id == auth.access_key_id)
        .ok_or_else(unrecognized_client)?;
    let token_ok = match (
        &credential.session_token,
        request.header("X-Amz-Security-Token"),
    ) {
        (None, None) => true,
        (Some(expected), Some(sent)) => crypto::ct_eq(expected, sent),
        _ => false,
    };
    if !token_ok {
        return Err(unrecognized_client());
    }
    check_scope(&auth.scope, amz_date, region)?;
    for required in ["host", "x-amz-date"] {
        if !auth.signed_headers.contains(&required) {
            return Err(invalid_signature(format!(
                "'{required}' must be a 'SignedHeader' in the AWS Authorization."
            )));
        }
    }
    if signed_at.saturating_add(MAX_SKEW) < now {
        return Err(invalid_signature(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
            format_amz_date(now.saturating_sub(MAX_SKEW)),
            format_amz_date(now)
        )));
    }
    if signed_at > now.saturating_add(MAX_SKEW) {
        return Err(invalid_signature(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
            format_amz_date(now.saturating_add(MAX_SKEW)),
            format_amz_date(now)
        )));
    }
    let expected = signature(
        request,
        &auth.signed_headers,
        amz_date,
        &auth.scope,
        &credential.secret_access_key,
    );
    if crypto::ct_eq(&expected, auth.signature) {
        Ok(())
    } else {
        Err(invalid_signature(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ))
    }
}

/// The hex signature of `request` over `signed_headers` at `amz_date` with the key derived
/// for `scope` (`[date, region, service, "aws4_request"]`) from `secret`.
fn signature(
    request: &SignedRequest<'_>,
    signed_headers: &[&str],
    amz_date: &str,
    scope: &[&str],
    secret: &str,
) -> String {
    let canonical = canonical_request(request, signed_headers);
    let to_sign = string_to_sign(amz_date, &scope.join("/"), &canonical);
    let part = |i: usize| scope.get(i).copied().unwrap_or_default();
    let key = signing_key(secret, part(0), part(1), part(2));
    hex(&hmac(&key, to_sign.as_bytes()))
}

/// The credential scope must be `<date of X-Amz-Date>/<pool region>/cognito-idp/aws4_request`.
fn check_scope(scope: &[&str], amz_date: &str, region: &str) -> ApiResult<()> {
    let [date, scope_region, service, terminator] = scope else {
        return Err(incomplete("Credential scope has not four parts."));
    };
    let day = amz_date.get(..8).unwrap_or_default();
    if *date != day {
        return Err(invalid_signature(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{day}', from '{amz_date}'."
        )));
    }
    if *scope_region != region {
        return Err(invalid_signature(format!(
            "Credential should be scoped to a valid region, not '{scope_region}'. "
        )));
    }
    if *service != SERVICE {
        return Err(invalid_signature(format!(
            "Credential should be scoped to correct service: '{SERVICE}'. "
        )));
    }
    if *terminator != "aws4_request" {
        return Err(invalid_signature(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )));
    }
    Ok(())
}

/// The canonical request: method, URI, query, headers, signed header list, payload hash.
fn canonical_request(request: &SignedRequest<'_>, signed_headers: &[&str]) -> String {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target, ""));
    let mut out = format!(
        "{}\n{}\n{}\n",
        request.method,
        canonical_uri(path),
        canonical_query(query)
    );
    for name in signed_headers {
        // Several headers of one name: values joined by commas, each trimmed, with runs
        // of spaces folded to one.
        let values: Vec<String> = request
            .values(name)
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        out.push_str(&format!(
            "{}:{}\n",
            name.to_ascii_lowercase(),
            values.join(",")
        ));
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex(&Sha256::digest(request.body)));
    out
}

/// The path with `.` / `..` / empty segments removed (non-S3 services normalize), each
/// segment URI-encoded once more: the path arrives encoded, and AWS encodes it twice.
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.len() > 1 && path.ends_with('/') && !segments.is_empty();
    let mut out = String::from("/");
    out.push_str(
        &segments
            .iter()
            .map(|s| uri_encode(s.as_bytes()))
            .collect::<Vec<_>>()
            .join("/"),
    );
    if trailing {
        out.push('/');
    }
    out
}

/// Query parameters sorted by name, then value, each name and value in the canonical
/// percent-encoding (`name=` for a parameter without a value).
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (recode(name), recode(value))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Re-encodes an already percent-encoded query component canonically: `%XX` escapes are
/// read (a stray `%` is a literal), then everything but the unreserved characters encoded.
fn recode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, escaped) {
            (b'%', Some(decoded)) => {
                raw.push(decoded);
                i += 3;
            }
            _ => {
                raw.push(b);
                i += 1;
            }
        }
    }
    uri_encode(&raw)
}

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters as they are, every
/// other byte as `%XX` in upper case.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `yyyyMMddTHHmmssZ` → Unix seconds.
fn parse_amz_date(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = crypto::days_from_civil(year, month, day);
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

/// Unix seconds → `yyyyMMddTHHmmssZ` (Howard Hinnant's civil-from-days).
fn format_amz_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
