//! The committed C header, `include/cognito_auth.h`, must be exactly what cbindgen generates
//! from the sources (build.rs writes that into `OUT_DIR`, never into the source tree).
//!
//! After changing the C ABI, regenerate the committed header with
//! `COGNITO_CAPI_BLESS=1 cargo test -p cognito-auth-capi --test header` and commit it.

#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;

/// What build.rs generated from the current sources.
const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/cognito_auth.h"));

const BLESS: &str = "COGNITO_CAPI_BLESS";

#[test]
fn committed_header_is_what_cbindgen_generates() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("include")
        .join("cognito_auth.h");
    if std::env::var_os(BLESS).is_some_and(|v| v == "1") {
        std::fs::write(&committed_path, GENERATED)
            .unwrap_or_else(|e| panic!("writing {}: {e}", committed_path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&committed_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", committed_path.display()));
    if committed != GENERATED {
        let first_difference = committed
            .lines()
            .zip(GENERATED.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(GENERATED.lines().count()));
        panic!(
            "{} is stale: it differs from the header cbindgen generates from src/ \
             (first at line {}; generated copy: {}/cognito_auth.h).\n\
             Regenerate it with `{BLESS}=1 cargo test -p cognito-auth-capi --test header` \
             and commit the result.",
            committed_path.display(),
            first_difference + 1,
            env!("OUT_DIR"),
        );
    }
}
