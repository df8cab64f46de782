//! The terminal: a hidden prompt whose echo is restored however it ends (a line, an error,
//! Ctrl-C), and the process's one handler for Ctrl-C and termination signals.

use std::sync::mpsc::Sender;
use std::sync::{Mutex, OnceLock};

use cognito_auth::SecretString;

use crate::app::{Class, Failure};

/// The terminal settings to restore (`stty -g`) while a hidden prompt is up.
static SAVED: Mutex<Option<String>> = Mutex::new(None);
/// Where `serve` waits for a signal; without it a signal restores the terminal and exits 130.
static STOP: OnceLock<Sender<()>> = OnceLock::new();
/// The handler, installed once.
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

/// Installs the signal handler (once). A signal then sends to the stop channel when `serve`
/// set one, else restores the terminal's echo if a hidden prompt had turned it off and exits
/// with status 130, as a shell reports an interrupted command.
pub(crate) fn install_handler() -> Result<(), Failure> {
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                if let Some(stop) = STOP.get() {
                    let _ = stop.send(());
                    return;
                }
                restore();
                eprintln!();
                std::process::exit(130);
            })
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Failure::new(format!("cannot install the signal handler: {e}")))
}

/// Signals (Ctrl-C, SIGTERM) are sent to `stop` from now on.
#[cfg(feature = "local-pool")]
pub(crate) fn stop_on_signal(stop: Sender<()>) -> Result<(), Failure> {
    let _ = STOP.set(stop);
    install_handler()
}

/// Puts the saved terminal settings back, if a hidden prompt is up.
fn restore() {
    let saved = SAVED.lock().map(|mut saved| saved.take()).unwrap_or(None);
    if let Some(saved) = saved {
        let _ = stty(&[&saved]);
    }
}

/// Restores the terminal when dropped: after the line, on an error, on a panic.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore();
    }
}

#[cfg(unix)]
fn stty(args: &[&str]) -> Result<String, Failure> {
    let output = std::process::Command::new("stty")
        .args(args)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| Failure::new(format!("cannot run stty: {e}")))?;
    match output.status.success() {
        true => Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned()),
        false => Err(Failure::new("stty could not change the terminal")),
    }
}

#[cfg(not(unix))]
fn stty(_args: &[&str]) -> Result<String, Failure> {
    Ok(String::new())
}

/// Reads a line from the terminal without echo; the echo comes back however this ends.
#[cfg(unix)]
pub(crate) fn read_hidden(prompt: &str) -> Result<SecretString, Failure> {
    use std::io::Write;
    install_handler()?;
    let saved = stty(&["-g"])?;
    if let Ok(mut slot) = SAVED.lock() {
        *slot = Some(saved);
    }
    let guard = Restore;
    stty(&["-echo"])?;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let line =
        crate::app::bounded_line(&mut std::io::stdin().lock(), prompt.trim_end_matches(": "));
    eprintln!();
    drop(guard);
    line?.ok_or_else(|| Failure::of(Class::Usage, "input_needed", "no answer (end of input)"))
}

/// Reads a line from the terminal without echo.
#[cfg(not(unix))]
pub(crate) fn read_hidden(prompt: &str) -> Result<SecretString, Failure> {
    let _guard = Restore;
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(Failure::from)
}
