//! Regenerates `include/cognito_auth.h` from the sources with cbindgen. The header is
//! committed; CI checks that a build leaves it unchanged (`git diff --exit-code`).

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))?;
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src").join("lib.rs"))
        .generate()?
        .write_to_file(dir.join("include").join("cognito_auth.h"));
    Ok(())
}
