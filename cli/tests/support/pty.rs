//! The CLI on a pseudo-terminal driven by python3's pty module (pty.py), for its prompts:
//! shared by hostile.rs and e2e.rs.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Runs `bin args` on a pseudo-terminal: for each `(expect, send)`, waits for `expect` in the
/// output and types `send`. Returns the exit status (negative: killed by that signal),
/// whether the terminal echoes after the run, and everything shown.
pub fn drive(
    bin: &OsStr,
    args: &[impl AsRef<OsStr>],
    steps: &[(&str, &str)],
) -> (i64, bool, String) {
    const DRIVER: &str = include_str!("pty.py");
    let steps: Vec<[&str; 2]> = steps.iter().map(|(e, s)| [*e, *s]).collect();
    let output = Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(serde_json::to_string(&steps).unwrap())
        .arg(bin)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("python3 drives the pseudo-terminal");
    let result: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (
        result["code"].as_i64().unwrap(),
        result["echo"].as_bool().unwrap(),
        result["shown"].as_str().unwrap().to_owned(),
    )
}
