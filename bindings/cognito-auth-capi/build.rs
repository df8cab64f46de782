//! Generates the C header from the sources with cbindgen, into `OUT_DIR` only: a build never
//! writes to the source tree. The committed copy, `include/cognito_auth.h`, is checked against
//! it by `tests/header.rs` (`COGNITO_CAPI_BLESS=1 cargo test -p cognito-auth-capi --test header`
//! rewrites it).

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))?;
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src").join("lib.rs"))
        .generate()?
        .write_to_file(out.join("cognito_auth.h"));
    Ok(())
}
