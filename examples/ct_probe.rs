//! One SRP client step with secret number `CASE` (0–5): `A = g^a`, then u, x, S and
//! the key for a fixed, public PASSWORD_VERIFIER. The secrets differ from case to
//! case (a 32-byte `a`: all ones, a single set bit, zero bytes, random; passwords of
//! one length), the public values do not. `tests/constant_time.sh` runs it under
//! valgrind and requires the same instruction count in the secret-handling functions
//! for every case.
//!
//! `cargo run --release --example ct_probe -- CASE`

use cognito_auth::srp::{EphemeralSecret, SrpClient, VerifierInput};

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

fn secret_a(case: u8) -> [u8; 32] {
    let mut a = [0u8; 32];
    match case {
        0 => a = [0xff; 32],
        // The single lowest bit: 31 leading zero bytes.
        1 => a.iter_mut().rev().take(1).for_each(|b| *b = 1),
        2 => a.iter_mut().take(1).for_each(|b| *b = 0x80),
        3 => a.iter_mut().step_by(7).for_each(|b| *b = 0x5a),
        _ => {
            let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ u64::from(case);
            for byte in &mut a {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
        }
    }
    a
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let case: u8 = std::env::args().nth(1).unwrap_or_default().parse()?;
    let password = match case {
        0 => "aaaaaaaaaaaaaaaa",
        1 => "Zz9!Zz9!Zz9!Zz9!",
        2 => "correct horse ba",
        3 => {
            "\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}\u{7f}"
        }
        _ => "0123456789abcdef",
    };
    let client = SrpClient::new(EphemeralSecret::from_be_bytes(&secret_a(case))?)?;
    let derivation = client.derive(&VerifierInput {
        pool_name: "AbCdEfGhI",
        user_id: "alice",
        password,
        salt_hex: SALT,
        srp_b_hex: SRP_B,
    })?;
    // Keep the key alive so nothing is optimised away; never print key material, even
    // from a probe (examples get copied).
    std::hint::black_box(derivation.key());
    println!("case {case}: derived");
    Ok(())
}
