//! One SRP client step with secret number `CASE` (0–8): `A = g^a`, then u, x, S and
//! the key for a fixed, public PASSWORD_VERIFIER. The secrets differ from case to
//! case (a 32-byte `a`: all ones, a single set bit, zero bytes, random; passwords of
//! one length), the public values do not. Cases 6–8 give a premaster secret S with
//! leading zero bytes, so that padHex(S), the HKDF input, is shorter than usual
//! (383 and 384 bytes after one zero byte, 382 or 383 after two, against 384 or 385):
//! the length the key derivation must hide. `tests/constant_time.sh` runs it under
//! valgrind and requires the same instruction count in the secret-handling functions
//! for every case.
//!
//! `cargo run --release --example ct_probe -- CASE`
//!
//! `cargo run --release --example ct_probe -- search ZEROS TOP START STEP` finds the
//! seeds of cases 6–8: it tries the pseudo-random `a` of seeds START, START + STEP, …
//! with [`SEARCH_PASSWORD`] and prints the first seed whose S has exactly ZEROS
//! leading zero bytes and, after them, a byte whose top bit is TOP (`0`, `1` or `x`
//! for either). S is pseudo-random: one zero byte takes about 256 tries, two about
//! 65,536 (a few minutes; run two searches with STEP 2 on two cores).

use cognito_auth::srp::{Derivation, EphemeralSecret, SrpClient, VerifierInput, pad_hex};

/// SALT and SRP_B of the first PASSWORD_VERIFIER case of `tests/data/srp.json`.
const SALT: &str = "28398f9f4ba71ab7ac0504a56cc6be18";
const SRP_B: &str = "41ffadaf96c610b13593b36b3e87684cd8624701397d344f5912fd37d37dc3f3\
                     84ca6e524c9e25c5cb8d4214335bd77a0af157ee82384720dafb67e468ba342d\
                     7989126688cc5fb6170a9e46a7d1c3d9e8fe7e70409ca1403826cd6f0776c6e4\
                     610899a16154cdff43790b846d0fed7346ba16e419a78a2d74613a096bb8bfd5\
                     6733dd659f95d9a573ac284340c2e184e15ca330a3cef49ab08222c9f2df1e83\
                     369d354b76fc0d3a0555ffa53e80badc2e99dca042b2584ec639953befe5edcf\
                     0dfe38ff1e8a748698d4cfcd63c87008428a35089cc541a3221204fe7d6f86fe\
                     87129393dce1ec668df5a899658930a6329480548490dcca6e5b9857cd673fc9\
                     168c4b9103360223bb91244b521bcd49f19a068b0bd444dc2fda2af90e64818c\
                     47dcf07a10885182e0786a15437741ed795d9bc8f01a81c30ba16c0ba02bc2c6\
                     6bf01820f6824999b7bf7b2a458b3b6d393dee8c4264c368f5d84feaa4a876ca\
                     3eb2c64d5754d0a5dde8b4e7332242afb656c587106296ab2a24da95ff2253cf";

/// The password of cases 4–8 and of the search.
const SEARCH_PASSWORD: &str = "0123456789abcdef";

/// Cases 6–8: the seed of `a` (for [`random_a`]), the leading zero bytes of S and
/// the top bit of the byte after them (`None`: either), with the length of
/// padHex(S) that gives. The seeds are the first ones `ct_probe search` finds:
/// `search 1 0 0 1` (383 bytes), `search 1 1 0 1` (384 bytes, one zero byte
/// dropped and one added), and `search 2 x 0 2` with `search 2 x 1 2` (382 bytes;
/// seed 67529 came first, the even search stopped at 77496).
const SHORT_S: [(u64, usize, Option<u8>); 3] =
    [(678, 1, Some(0)), (1692, 1, Some(1)), (67529, 2, None)];

/// A pseudo-random 32-byte `a` (xorshift64 from `seed`).
fn random_a(seed: u64) -> [u8; 32] {
    let mut a = [0u8; 32];
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ seed;
    for byte in &mut a {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = state as u8;
    }
    a
}

fn secret_a(case: u8) -> [u8; 32] {
    let mut a = [0u8; 32];
    match case {
        0 => a = [0xff; 32],
        // The single lowest bit: 31 leading zero bytes.
        1 => a.iter_mut().rev().take(1).for_each(|b| *b = 1),
        2 => a.iter_mut().take(1).for_each(|b| *b = 0x80),
        3 => a.iter_mut().step_by(7).for_each(|b| *b = 0x5a),
        6..=8 => a = random_a(SHORT_S.get(usize::from(case - 6)).map_or(0, |c| c.0)),
        _ => a = random_a(u64::from(case)),
    }
    a
}

fn derive(a: &[u8], password: &str) -> Result<Derivation, Box<dyn std::error::Error>> {
    let client = SrpClient::new(EphemeralSecret::from_be_bytes(a)?)?;
    Ok(client.derive(&VerifierInput {
        pool_name: "AbCdEfGhI",
        user_id: "alice",
        password,
        salt_hex: SALT,
        srp_b_hex: SRP_B,
    })?)
}

/// The leading zero bytes of S, the top bit of its first non-zero byte, and the
/// length of padHex(S). Read from S outside the measured functions.
fn shape_of_s(d: &Derivation) -> Result<(usize, u8, usize), Box<dyn std::error::Error>> {
    let hex = d.premaster_hex();
    let zeros = 384 - hex.len().div_ceil(2);
    let pad_len = pad_hex(&hex)?.len();
    // padHex adds one 00 byte exactly when the top bit is set.
    let top = u8::from(pad_len > 384 - zeros);
    Ok((zeros, top, pad_len))
}

fn search(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [zeros, top, start, step] = args else {
        return Err("usage: ct_probe search ZEROS TOP(0|1|x) START STEP".into());
    };
    let zeros: usize = zeros.parse()?;
    let top: Option<u8> = if top == "x" { None } else { Some(top.parse()?) };
    let step: u64 = step.parse()?;
    let mut seed: u64 = start.parse()?;
    loop {
        let (z, t, pad_len) = shape_of_s(&derive(&random_a(seed), SEARCH_PASSWORD)?)?;
        if z == zeros && top.is_none_or(|top| top == t) {
            println!("seed {seed}: S has {z} leading zero bytes, padHex(S) is {pad_len} bytes");
            return Ok(());
        }
        seed += step;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("search") {
        return search(args.get(1..).unwrap_or_default());
    }
    let case: u8 = args
        .first()
        .map(String::as_str)
        .unwrap_or_default()
        .parse()?;
    let password = match case {
        0 => "aaaaaaaaaaaaaaaa",
        1 => "Zz9!Zz9!Zz9!Zz9!",
        2 => "correct horse ba",
        3 => {
            "\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}"
        }
        4..=8 => SEARCH_PASSWORD,
        _ => return Err(format!("no case {case}: 0 to 8").into()),
    };
    let derivation = derive(&secret_a(case), password)?;
    // Keep the key alive so nothing is optimised away; never print key material, even
    // from a probe (examples get copied). The shape of S (how long padHex(S) is) is
    // printed: it is what cases 6–8 exist for, and they fail if it is not what they cover.
    std::hint::black_box(derivation.key());
    let (zeros, top, pad_len) = shape_of_s(&derivation)?;
    if let Some(&(_, want_zeros, want_top)) = usize::from(case)
        .checked_sub(6)
        .and_then(|i| SHORT_S.get(i))
    {
        if zeros != want_zeros || want_top.is_some_and(|want| want != top) {
            return Err(format!(
                "case {case}: S has {zeros} leading zero bytes (next top bit {top}), not \
                 the {want_zeros} (next top bit {want_top:?}) this case exists to cover"
            )
            .into());
        }
    }
    println!(
        "case {case}: derived; S has {zeros} leading zero bytes, padHex(S) is {pad_len} bytes"
    );
    Ok(())
}
