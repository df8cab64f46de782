//! The binary parts: authenticator data (WebAuthn §6.1), the attestation object and the
//! COSE public key (RFC 9053), both CBOR; and signature checks with the credential key.

use ciborium::Value;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};

use super::{Failure, Kind, fail};

/// User present.
pub(crate) const FLAG_UP: u8 = 0x01;
/// User verified.
pub(crate) const FLAG_UV: u8 = 0x04;
/// Backup eligible.
const FLAG_BE: u8 = 0x08;
/// Backed up.
const FLAG_BS: u8 = 0x10;
/// Attested credential data included.
pub(crate) const FLAG_AT: u8 = 0x40;
/// Extension data included.
const FLAG_ED: u8 = 0x80;

/// COSE algorithm ES256 (ECDSA P-256 with SHA-256).
pub(crate) const ES256: i64 = -7;
/// COSE algorithm RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
pub(crate) const RS256: i64 = -257;

/// The longest credential id WebAuthn allows.
const MAX_CREDENTIAL_ID: usize = 1023;

/// A credential public key the pool can verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CoseKey {
    /// P-256, as the uncompressed point `04 ‖ x ‖ y`.
    Es256 { point: Vec<u8> },
    /// RSA modulus and exponent, big-endian.
    Rs256 { n: Vec<u8>, e: Vec<u8> },
}

impl CoseKey {
    /// The COSE algorithm.
    pub(crate) fn alg(&self) -> i64 {
        match self {
            CoseKey::Es256 { .. } => ES256,
            CoseKey::Rs256 { .. } => RS256,
        }
    }

    /// Whether `signature` (DER for ES256, as WebAuthn sends it) signs `message`.
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            CoseKey::Es256 { point } => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                    .verify(message, signature)
                    .is_ok()
            }
            CoseKey::Rs256 { n, e } => RsaPublicKeyComponents { n, e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, signature)
                .is_ok(),
        }
    }
}

/// The credential a registration creates.
#[derive(Debug, Clone)]
pub(crate) struct Attested {
    pub(crate) credential_id: Vec<u8>,
    pub(crate) key: CoseKey,
}

/// Parsed authenticator data.
#[derive(Debug, Clone)]
pub(crate) struct AuthData {
    pub(crate) rp_id_hash: [u8; 32],
    pub(crate) flags: u8,
    pub(crate) sign_count: u32,
    /// Present when flag AT is set.
    pub(crate) attested: Option<Attested>,
}

fn malformed(message: impl Into<String>) -> Failure {
    fail(Kind::Malformed, message)
}

/// Reads one CBOR item from the front of `bytes`, advancing it.
fn read_item(bytes: &mut &[u8], what: &str) -> Result<Value, Failure> {
    ciborium::from_reader(bytes).map_err(|e| malformed(format!("{what} is not CBOR: {e}")))
}

/// Parses authenticator data: `rpIdHash(32) ‖ flags(1) ‖ signCount(4)`, then the attested
/// credential data when AT is set, then the extensions when ED is set, and nothing more.
pub(crate) fn parse_auth_data(bytes: &[u8]) -> Result<AuthData, Failure> {
    let (Some(hash), Some(&flags), Some(count)) =
        (bytes.get(..32), bytes.get(32), bytes.get(33..37))
    else {
        return Err(malformed(
            "authenticator data is shorter than its 37-byte header",
        ));
    };
    let mut rp_id_hash = [0u8; 32];
    rp_id_hash.copy_from_slice(hash);
    let mut count_bytes = [0u8; 4];
    count_bytes.copy_from_slice(count);
    if flags & FLAG_BS != 0 && flags & FLAG_BE == 0 {
        return Err(malformed(
            "authenticator data says backed up (BS) but not backup eligible (BE)",
        ));
    }
    let mut rest = bytes.get(37..).unwrap_or_default();
    let attested = if flags & FLAG_AT != 0 {
        Some(parse_attested(&mut rest)?)
    } else {
        None
    };
    if flags & FLAG_ED != 0 {
        match read_item(&mut rest, "the extensions")? {
            Value::Map(_) => {}
            _ => return Err(malformed("the extensions are not a CBOR map")),
        }
    }
    if !rest.is_empty() {
        return Err(malformed(format!(
            "{} unexpected bytes after the authenticator data",
            rest.len()
        )));
    }
    Ok(AuthData {
        rp_id_hash,
        flags,
        sign_count: u32::from_be_bytes(count_bytes),
        attested,
    })
}

/// `aaguid(16) ‖ credentialIdLength(2) ‖ credentialId ‖ credentialPublicKey (COSE)`.
fn parse_attested(rest: &mut &[u8]) -> Result<Attested, Failure> {
    let short = || malformed("the attested credential data is truncated");
    let length: [u8; 2] = rest
        .get(16..18)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(short)?;
    let length = usize::from(u16::from_be_bytes(length));
    if length == 0 || length > MAX_CREDENTIAL_ID {
        return Err(malformed(format!(
            "credential id length {length} is not 1 to {MAX_CREDENTIAL_ID}"
        )));
    }
    let credential_id = rest.get(18..18 + length).ok_or_else(short)?.to_vec();
    *rest = rest.get(18 + length..).unwrap_or_default();
    let key = parse_cose_key(&read_item(rest, "the credential public key")?)?;
    Ok(Attested { credential_id, key })
}

fn int_key(map: &[(Value, Value)], key: i64) -> Option<&Value> {
    map.iter()
        .find(|(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == i128::from(key)))
        .map(|(_, v)| v)
}

fn as_int(value: Option<&Value>) -> Option<i128> {
    match value {
        Some(Value::Integer(i)) => Some(i128::from(*i)),
        _ => None,
    }
}

fn as_bytes(value: Option<&Value>) -> Option<&[u8]> {
    match value {
        Some(Value::Bytes(b)) => Some(b),
        _ => None,
    }
}

/// A COSE_Key: EC2 on P-256 with ES256, or RSA with RS256; anything else is not supported.
pub(crate) fn parse_cose_key(value: &Value) -> Result<CoseKey, Failure> {
    let Value::Map(map) = value else {
        return Err(malformed("the credential public key is not a COSE_Key map"));
    };
    let kty = as_int(int_key(map, 1));
    let alg = as_int(int_key(map, 3));
    match (kty, alg) {
        (Some(2), Some(-7)) => {
            if as_int(int_key(map, -1)) != Some(1) {
                return Err(fail(
                    Kind::NotSupported,
                    "only the P-256 curve is supported for ES256",
                ));
            }
            let (Some(x), Some(y)) = (as_bytes(int_key(map, -2)), as_bytes(int_key(map, -3)))
            else {
                return Err(malformed("the EC2 key lacks x or y"));
            };
            if x.len() != 32 || y.len() != 32 {
                return Err(malformed("the P-256 coordinates are not 32 bytes each"));
            }
            let mut point = Vec::with_capacity(65);
            point.push(4);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            Ok(CoseKey::Es256 { point })
        }
        (Some(3), Some(-257)) => {
            let (Some(n), Some(e)) = (as_bytes(int_key(map, -1)), as_bytes(int_key(map, -2)))
            else {
                return Err(malformed("the RSA key lacks n or e"));
            };
            Ok(CoseKey::Rs256 {
                n: n.to_vec(),
                e: e.to_vec(),
            })
        }
        (kty, alg) => Err(fail(
            Kind::NotSupported,
            format!(
                "credential key type {kty:?} with algorithm {alg:?} is not supported (ES256 -7 and RS256 -257 are)"
            ),
        )),
    }
}

/// The attestation object: `{"fmt": text, "attStmt": map, "authData": bytes}`.
pub(crate) struct AttestationObject {
    pub(crate) fmt: String,
    pub(crate) att_stmt: Vec<(Value, Value)>,
    pub(crate) auth_data: Vec<u8>,
}

pub(crate) fn parse_attestation_object(bytes: &[u8]) -> Result<AttestationObject, Failure> {
    let mut rest = bytes;
    let Value::Map(map) = read_item(&mut rest, "the attestation object")? else {
        return Err(malformed("the attestation object is not a CBOR map"));
    };
    if !rest.is_empty() {
        return Err(malformed("unexpected bytes after the attestation object"));
    }
    let field = |name: &str| {
        map.iter()
            .find(|(k, _)| matches!(k, Value::Text(t) if t == name))
            .map(|(_, v)| v.clone())
    };
    match (field("fmt"), field("attStmt"), field("authData")) {
        (Some(Value::Text(fmt)), Some(Value::Map(att_stmt)), Some(Value::Bytes(auth_data))) => {
            Ok(AttestationObject {
                fmt,
                att_stmt,
                auth_data,
            })
        }
        _ => Err(malformed(
            "the attestation object needs fmt (text), attStmt (map) and authData (bytes)",
        )),
    }
}

/// A text-keyed member of an attestation statement.
pub(crate) fn stmt_field<'a>(stmt: &'a [(Value, Value)], name: &str) -> Option<&'a Value> {
    stmt.iter()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == name))
        .map(|(_, v)| v)
}

pub(crate) fn stmt_int(stmt: &[(Value, Value)], name: &str) -> Option<i128> {
    as_int(stmt_field(stmt, name))
}

pub(crate) fn stmt_bytes<'a>(stmt: &'a [(Value, Value)], name: &str) -> Option<&'a [u8]> {
    as_bytes(stmt_field(stmt, name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn header(flags: u8) -> Vec<u8> {
        let mut data = vec![7u8; 32];
        data.push(flags);
        data.extend_from_slice(&5u32.to_be_bytes());
        data
    }

    #[test]
    fn header_only_and_trailing_bytes() {
        let parsed = parse_auth_data(&header(FLAG_UP)).unwrap();
        assert_eq!((parsed.flags, parsed.sign_count), (FLAG_UP, 5));
        assert!(parsed.attested.is_none());
        let mut extra = header(FLAG_UP);
        extra.push(0);
        assert_eq!(parse_auth_data(&extra).unwrap_err().kind, Kind::Malformed);
        assert_eq!(parse_auth_data(&[0; 36]).unwrap_err().kind, Kind::Malformed);
        let at_truncated = header(FLAG_UP | FLAG_AT);
        assert_eq!(
            parse_auth_data(&at_truncated).unwrap_err().kind,
            Kind::Malformed
        );
    }

    /// authData with attested credential data for a 16-byte id and an ES256 key.
    fn attested() -> Vec<u8> {
        let mut data = header(FLAG_UP | FLAG_AT);
        data.extend_from_slice(&[0; 16]);
        data.extend_from_slice(&16u16.to_be_bytes());
        data.extend_from_slice(&[9; 16]);
        let int = |i: i64| Value::Integer(i.into());
        let key = Value::Map(vec![
            (int(1), int(2)),
            (int(3), int(-7)),
            (int(-1), int(1)),
            (int(-2), Value::Bytes(vec![3; 32])),
            (int(-3), Value::Bytes(vec![4; 32])),
        ]);
        ciborium::into_writer(&key, &mut data).unwrap();
        data
    }

    #[test]
    fn every_truncation_and_bit_flip_is_a_typed_error_or_a_parse() {
        let data = attested();
        let parsed = parse_auth_data(&data).unwrap();
        let attested = parsed.attested.unwrap();
        assert_eq!(attested.credential_id, [9; 16]);
        assert_eq!(attested.key.alg(), ES256);
        for cut in 0..data.len() {
            assert!(parse_auth_data(&data[..cut]).is_err(), "cut at {cut}");
        }
        for index in 0..data.len() {
            for bit in 0..8 {
                let mut flipped = data.clone();
                flipped[index] ^= 1 << bit;
                let _ = parse_auth_data(&flipped);
                let _ = parse_attestation_object(&flipped);
            }
        }
    }

    #[test]
    fn unsupported_keys_are_named() {
        // OKP / EdDSA.
        let okp = Value::Map(vec![
            (Value::Integer(1.into()), Value::Integer(1.into())),
            (Value::Integer(3.into()), Value::Integer((-8).into())),
        ]);
        assert_eq!(parse_cose_key(&okp).unwrap_err().kind, Kind::NotSupported);
        assert_eq!(
            parse_cose_key(&Value::Integer(1.into())).unwrap_err().kind,
            Kind::Malformed
        );
    }
}
