//! Checks every case of a vectors file in the `srp.json` format.
//!
//! ```text
//! cargo run --release --example srp_vectors -- tests/data/srp.json
//! ```
//!
//! Prints one line per failing case (section, index, which values differ) and
//! finally `N passed, M failed`. Exit status: 0 if everything passed, 1 if a
//! case failed, 2 if the file cannot be read or is not in the expected format.

use std::process::ExitCode;

use cognito_auth::secret_hash;
use cognito_auth::srp::{
    DeviceVerifier, EphemeralSecret, SrpClient, VerifierInput, decode_secret_block,
    format_timestamp, pad_hex,
};
use num_bigint::BigUint;
use serde_json::Value;
use sha2::{Digest, Sha256};

const SECTIONS: [&str; 5] = [
    "password_verifier",
    "device_verifier",
    "device_srp",
    "secret_hash",
    "timestamp",
];

/// Why one case failed: a missing input, an error, or the names of values that differ.
type CaseResult = Result<Vec<String>, String>;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: srp_vectors PATH/TO/srp.json");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let doc: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{} is not valid JSON: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let mut sections = Vec::new();
    for name in SECTIONS {
        match doc.get(name).and_then(Value::as_array) {
            Some(cases) => sections.push((name, cases)),
            None => {
                eprintln!(
                    "{}: malformed vectors file: section {name:?} is missing or not an array",
                    path.to_string_lossy()
                );
                return ExitCode::from(2);
            }
        }
    }

    let (mut passed, mut failed) = (0usize, 0usize);
    if let Some(group) = doc.get("group") {
        match check_group(group) {
            Ok(diffs) if diffs.is_empty() => {}
            Ok(diffs) => {
                println!("group: {}", describe(&diffs));
                failed += 1;
            }
            Err(e) => {
                println!("group: {e}");
                failed += 1;
            }
        }
    }
    let n = group_n();
    for (name, cases) in sections {
        for (i, case) in cases.iter().enumerate() {
            let result = match name {
                "password_verifier" => check_password_verifier(case, &n),
                "device_verifier" => check_device_verifier(case),
                "device_srp" => check_device_srp(case, &n),
                "secret_hash" => check_secret_hash(case),
                _ => check_timestamp(case),
            };
            match result {
                Ok(diffs) if diffs.is_empty() => passed += 1,
                Ok(diffs) => {
                    println!("{name}[{i}]: {}", describe(&diffs));
                    failed += 1;
                }
                Err(e) => {
                    println!("{name}[{i}]: {e}");
                    failed += 1;
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// "value differs: u" / "values differ: u, s".
fn describe(diffs: &[String]) -> String {
    if diffs.len() == 1 {
        format!("value differs: {}", diffs.join(""))
    } else {
        format!("values differ: {}", diffs.join(", "))
    }
}

fn s<'a>(case: &'a Value, key: &str) -> Result<&'a str, String> {
    case.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("malformed case: string field {key:?} is missing"))
}

fn u(case: &Value, key: &str) -> Result<u64, String> {
    case.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("malformed case: integer field {key:?} is missing"))
}

fn big(hex: &str, what: &str) -> Result<BigUint, String> {
    BigUint::parse_bytes(hex.as_bytes(), 16).ok_or_else(|| format!("{what} is not hex"))
}

fn hex_bytes(hex: &str, what: &str) -> Result<Vec<u8>, String> {
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| {
            padded
                .get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("{what} is not hex"))
        })
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn group_n() -> BigUint {
    let n_hex = concat!(
        "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd",
        "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed",
        "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f",
        "83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b",
        "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510",
        "15728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7",
        "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200c",
        "bbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff",
    );
    BigUint::parse_bytes(n_hex.as_bytes(), 16).unwrap_or_default()
}

fn check_group(group: &Value) -> CaseResult {
    let mut diffs = Vec::new();
    let n = s(group, "n")?;
    let g = s(group, "g")?;
    if big(n, "n")? != group_n() {
        diffs.push("n".to_owned());
    }
    if g != "2" {
        diffs.push("g".to_owned());
    }
    let mut h = Sha256::new();
    h.update(pad_hex(n).map_err(|e| format!("n: {e}"))?);
    h.update(pad_hex(g).map_err(|e| format!("g: {e}"))?);
    if to_hex(&h.finalize()) != s(group, "k")? {
        diffs.push("k".to_owned());
    }
    Ok(diffs)
}

fn diff(diffs: &mut Vec<String>, name: &str, got: &str, expected: &str) {
    if got != expected {
        diffs.push(name.to_owned());
    }
}

fn check_srp(case: &Value, pool: &str, user: &str, password: &str, n: &BigUint) -> CaseResult {
    let mut diffs = Vec::new();
    let a_bytes = hex_bytes(s(case, "a")?, "a")?;
    let a = EphemeralSecret::from_be_bytes(&a_bytes).map_err(|e| format!("a: {e}"))?;
    let client = SrpClient::new(a).map_err(|e| format!("A: {e}"))?;
    diff(
        &mut diffs,
        "srp_a",
        client.public_a_hex(),
        s(case, "srp_a")?,
    );
    let d = client
        .derive(&VerifierInput {
            pool_name: pool,
            user_id: user,
            password,
            salt_hex: s(case, "salt")?,
            srp_b_hex: s(case, "srp_b")?,
        })
        .map_err(|e| format!("derive: {e}"))?;
    diff(&mut diffs, "u", &d.u_hex(), s(case, "u")?);
    diff(&mut diffs, "x", &d.x_hex(), s(case, "x")?);
    diff(&mut diffs, "s", &d.premaster_hex(), s(case, "s")?);
    diff(&mut diffs, "hkdf", &to_hex(d.key()), s(case, "hkdf")?);
    let ts = format_timestamp(u(case, "unix_time")?).map_err(|e| format!("timestamp: {e}"))?;
    diff(&mut diffs, "timestamp", &ts, s(case, "timestamp")?);
    let block =
        decode_secret_block(s(case, "secret_block")?).map_err(|e| format!("secret_block: {e}"))?;
    // Sign the TIMESTAMP string as given, so a timestamp mismatch is reported once.
    let sig = d.signature(pool, user, &block, s(case, "timestamp")?);
    diff(&mut diffs, "signature", &sig, s(case, "signature")?);

    // Server side (num-bigint): v = g^x and S = (A·v^u)^b mod N.
    let g = BigUint::from(2u8);
    let v = big(s(case, "verifier")?, "verifier")?;
    if g.modpow(&big(&d.x_hex(), "x")?, n) != v {
        diffs.push("verifier".to_owned());
    }
    let big_a = big(client.public_a_hex(), "srp_a")?;
    let server_s =
        (&big_a * v.modpow(&big(&d.u_hex(), "u")?, n) % n).modpow(&big(s(case, "b")?, "b")?, n);
    if server_s != big(&d.premaster_hex(), "s")? {
        diffs.push("server-side s (from b, verifier)".to_owned());
    }
    Ok(diffs)
}

fn check_password_verifier(case: &Value, n: &BigUint) -> CaseResult {
    let pool_id = s(case, "pool_id")?;
    let pool = pool_id
        .split_once('_')
        .map(|(_, name)| name)
        .ok_or_else(|| format!("malformed case: pool_id {pool_id:?} has no '_'"))?;
    check_srp(
        case,
        pool,
        s(case, "user_id_for_srp")?,
        s(case, "password")?,
        n,
    )
}

fn check_device_srp(case: &Value, n: &BigUint) -> CaseResult {
    check_srp(
        case,
        s(case, "device_group_key")?,
        s(case, "device_key")?,
        s(case, "device_password")?,
        n,
    )
}

fn check_device_verifier(case: &Value) -> CaseResult {
    let mut diffs = Vec::new();
    let dv = DeviceVerifier::compute(
        s(case, "device_group_key")?,
        s(case, "device_key")?,
        s(case, "device_password")?,
        &hex_bytes(s(case, "salt")?, "salt")?,
    )
    .map_err(|e| format!("device verifier: {e}"))?;
    diff(&mut diffs, "x", &dv.x_hex(), s(case, "x")?);
    diff(
        &mut diffs,
        "password_verifier_b64",
        dv.password_verifier_b64(),
        s(case, "password_verifier_b64")?,
    );
    diff(&mut diffs, "salt_b64", dv.salt_b64(), s(case, "salt_b64")?);
    Ok(diffs)
}

fn check_secret_hash(case: &Value) -> CaseResult {
    let mut diffs = Vec::new();
    let got = secret_hash::compute(
        s(case, "client_id")?,
        s(case, "client_secret")?,
        s(case, "username")?,
    );
    diff(&mut diffs, "secret_hash", &got, s(case, "secret_hash")?);
    Ok(diffs)
}

fn check_timestamp(case: &Value) -> CaseResult {
    let mut diffs = Vec::new();
    let got = format_timestamp(u(case, "unix_time")?).map_err(|e| format!("timestamp: {e}"))?;
    diff(&mut diffs, "timestamp", &got, s(case, "timestamp")?);
    Ok(diffs)
}
