//! The files the command line keeps: tokens, device credentials, TOTP secrets. All are
//! secrets: written owner-only, atomically, never through a symbolic link, and never thrown
//! away on the service's word.

use std::io::Write;
use std::path::{Path, PathBuf};

use cognito_auth::SecretString;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::app::Failure;

pub(crate) use crate::stored::{DeviceFile, MAX_FILE_BYTES};

/// A file the command line cannot use: exit class "file".
impl From<crate::stored::FileError> for Failure {
    fn from(error: crate::stored::FileError) -> Self {
        Failure::file(error.to_string())
    }
}

/// Up to `limit` bytes of `path`, and one more to tell a longer file (or a device such as
/// /dev/zero) after reading just past the limit. The files hold secrets: read into room
/// reserved for all of it (a buffer that grew would leave copies behind), wiped when dropped.
fn read_bounded(path: &Path, limit: usize) -> Result<Zeroizing<Vec<u8>>, Failure> {
    use std::io::Read;
    let cannot = |e: std::io::Error| Failure::file(format!("cannot read {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(limit + 1));
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    Ok(bytes)
}

/// Reads a file of at most [`MAX_FILE_BYTES`], naming it in the error; a larger one is refused.
pub(crate) fn read_file(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let mut bytes = read_bounded(path, MAX_FILE_BYTES as usize)?;
    Ok(crate::stored::text(path, std::mem::take(&mut *bytes))?)
}

/// The first line of a secret file (`--client-secret-file`), at most 4 KiB, not empty, trimmed.
pub(crate) fn read_secret_line(path: &Path, what: &str) -> Result<SecretString, Failure> {
    // Not through a BufReader, whose buffer would be freed with the secret in it.
    let bytes = read_bounded(path, crate::app::MAX_SECRET_LINE)?;
    let line = crate::app::bounded_line(&mut bytes.as_slice(), &path.display().to_string())
        .map_err(|e| Failure::file(e.to_string()))?
        .unwrap_or_else(|| SecretString::from(""));
    match line.expose().trim() {
        "" => Err(Failure::file(format!(
            "{}: no {what} in it",
            path.display()
        ))),
        trimmed if trimmed.len() == line.expose().len() => Ok(line),
        trimmed => Ok(SecretString::from(trimmed)),
    }
}

/// Reads one of the CLI's JSON files; `kind` names it in the error ("tokens", "device"):
/// `<path>: not a cognito-auth tokens file: <why>`. Every command loads its files through
/// this, so a corrupt file reads the same everywhere.
pub(crate) fn load<T: DeserializeOwned>(path: &Path, kind: &str) -> Result<T, Failure> {
    Ok(crate::stored::parse(path, kind, &read_file(path)?)?)
}

/// Device credentials written by `sign-in --device-file`.
pub(crate) fn load_device(path: &Path) -> Result<cognito_auth::DeviceCredentials, Failure> {
    Ok(load_device_file(path)?.credentials)
}

/// Reads a device file with the user name it was saved for.
pub(crate) fn load_device_file(path: &Path) -> Result<DeviceFile, Failure> {
    load(path, "device")
}

/// The contents of a device file: the credentials and the user name typed at the sign-in
/// (the device password among them).
pub(crate) fn device_json(
    credentials: &cognito_auth::DeviceCredentials,
    username: &str,
) -> Result<SecretString, Failure> {
    Ok(crate::stored::device_json(credentials, username)?)
}

/// A secret and a newline, as a TOTP secret file holds it: built in room reserved for it (a
/// `format!` that grew would leave copies behind) and wiped when dropped.
pub(crate) fn secret_file_text(secret: &str) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::with_capacity(secret.len() + 1));
    text.push_str(secret);
    text.push('\n');
    text
}

/// Fails when `path` is a symbolic link: a secret is never written through one (it could point
/// anywhere, e.g. into a directory others can read).
pub(crate) fn refuse_symlink(path: &Path) -> Result<(), Failure> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(Failure::file(format!(
            "{}: is a symbolic link; refusing to write a secret through it (name the real file)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Writes a file only its owner can read (tokens, device secrets, TOTP secrets), atomically:
/// a new temporary file in the same directory (created exclusively, mode 0600 from the
/// start), written, synced, renamed over `path`, then the directory synced. A crash leaves
/// either the old file or the new one, never a truncated one; an existing file's mode does
/// not carry over; a symbolic link at `path` is refused.
pub(crate) fn write_private(path: &Path, contents: &str) -> Result<(), Failure> {
    refuse_symlink(path)?;
    let cannot = |e: std::io::Error| Failure::file(format!("cannot write {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| Failure::file(format!("cannot write {}: not a file", path.display())))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut file = builder.tempfile_in(dir).map_err(cannot)?;
    file.write_all(contents.as_bytes()).map_err(cannot)?;
    file.as_file().sync_all().map_err(cannot)?;
    // rename(2) replaces the directory entry: a symlink planted since the check above is
    // replaced itself, its target is not written.
    file.persist(path).map_err(|e| cannot(e.error))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(cannot)?;
    Ok(())
}

/// Moves an existing file out of the way, to `<path>.<label>-<unix time>` (mode 0600), and
/// returns where it went; `None` when there was nothing at `path`.
pub(crate) fn set_aside(path: &Path, label: &str) -> Result<Option<PathBuf>, Failure> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::file(format!("{}: {e}", path.display()))),
    };
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let base = format!("{}.{label}-{time}", path.display());
    let aside = (0..100)
        .map(|n| match n {
            0 => PathBuf::from(&base),
            n => PathBuf::from(format!("{base}-{n}")),
        })
        .find(|candidate| std::fs::symlink_metadata(candidate).is_err())
        .ok_or_else(|| Failure::file(format!("{}: no free name to keep it as", path.display())))?;
    std::fs::rename(path, &aside).map_err(|e| {
        Failure::file(format!(
            "cannot keep {} as {}: {e}",
            path.display(),
            aside.display()
        ))
    })?;
    #[cfg(unix)]
    if metadata.is_file() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&aside, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = metadata;
    Ok(Some(aside))
}

/// Replaces a secret file the user may still need (a TOTP secret enrolled before): the old one
/// is kept aside and stderr says where.
pub(crate) fn replace_private(
    path: &Path,
    contents: &str,
    label: &str,
    what: &str,
) -> Result<(), Failure> {
    refuse_symlink(path)?;
    if let Some(aside) = set_aside(path, label)? {
        eprintln!("Kept the previous {what} as {}.", aside.display());
    }
    write_private(path, contents)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_file_becomes_owner_only_and_is_replaced_not_truncated() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("hard");
        std::fs::hard_link(&path, &link).unwrap();
        write_private(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let path = dir.path().join("secret");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let error = write_private(&path, "new").unwrap_err().to_string();
        assert!(error.contains("symbolic link"), "{error}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }

    #[test]
    fn a_secret_file_gives_its_first_line_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        let read = |contents: &str| {
            std::fs::write(&path, contents).unwrap();
            read_secret_line(&path, "client secret").map(|s| s.expose().to_owned())
        };
        assert_eq!(read(" s3cr\u{e9}t \r\nnext\n").unwrap(), "s3cr\u{e9}t");
        assert_eq!(read("s3cret").unwrap(), "s3cret");
        let long = "x".repeat(crate::app::MAX_SECRET_LINE);
        assert_eq!(read(&format!("{long}\nnext")).unwrap(), long);
        let error = read(&format!("{long}x\n")).unwrap_err().to_string();
        assert!(error.contains("longer than 4096 bytes"), "{error}");
        let error = read("  \nsecret\n").unwrap_err().to_string();
        assert!(error.ends_with(": no client secret in it"), "{error}");
    }

    #[test]
    fn writing_again_replaces_the_contents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        write_private(&path, "one").unwrap();
        write_private(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
    }

    #[test]
    fn set_aside_keeps_the_contents_under_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.json");
        assert_eq!(set_aside(&path, "forgotten").unwrap(), None);
        std::fs::write(&path, "creds").unwrap();
        let first = set_aside(&path, "forgotten").unwrap().unwrap();
        std::fs::write(&path, "creds2").unwrap();
        let second = set_aside(&path, "forgotten").unwrap().unwrap();
        assert_ne!(first, second);
        assert!(!path.exists());
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "creds");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "creds2");
    }
}
