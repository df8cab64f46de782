//! Generates the Kotlin and Swift bindings with this crate's `uniffi-bindgen` and checks that
//! no record or enum variant carries a secret as a plain string field: the generated Kotlin
//! `data class`es print every field in `toString()`, and Swift's `print` / `dump` show every
//! stored property, so a token, password, code or TOTP secret must be a `Secret` object
//! (whose `toString()` / `description` / `debugDescription` are `<redacted>`).
//! Neither kotlinc nor swiftc is needed: this reads the generated sources.

#![allow(clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

mod common;

use common::{generate, library, profile_dir};

/// `(container, field)` pairs that hold secrets, in Kotlin's / Swift's camelCase. The
/// container is a record or an enum variant (compared case-insensitively: Kotlin's variant
/// `Code` is Swift's case `code`).
const SECRET_FIELDS: &[(&str, &str)] = &[
    ("Tokens", "idToken"),
    ("Tokens", "accessToken"),
    ("Tokens", "refreshToken"),
    ("DeviceCredentials", "devicePassword"),
    ("HttpRequest", "body"),
    ("TotpEnrolment", "secret"),
    ("TotpEnrolment", "uri"),
    // ChallengeAnswer's variants.
    ("Code", "code"),
    ("NewPassword", "password"),
    ("Custom", "answer"),
    ("VerifyTotp", "code"),
    ("Password", "password"),
    // SignUpStep.Confirmed's Session.
    ("Confirmed", "session"),
    // Managed login: the form body (code, PKCE verifier, tokens) and the Authorization header.
    ("OAuthRequest", "body"),
    ("OAuthRequest", "authorization"),
];

/// Lines that are not comments (KDoc / Swift doc comments describe fields with their names).
/// Swift puts a case payload's field right after the `*/` closing its doc comment.
fn code_lines(source: &str) -> impl Iterator<Item = &str> {
    source
        .lines()
        .map(|line| {
            let line = line.trim();
            line.strip_prefix("*/").map_or(line, str::trim)
        })
        .filter(|line| {
            !(line.starts_with("/**") || line.starts_with('*') || line.starts_with("//"))
        })
}

/// Every `(container, field) -> type` declared in the record classes and enum variants of a
/// Kotlin file: `data class Name(` opens a container, `val|var `field`: Type` is a field.
fn kotlin_fields(source: &str) -> BTreeMap<(String, String), String> {
    let mut fields = BTreeMap::new();
    let mut container = String::new();
    for line in code_lines(source) {
        if let Some(rest) = line.strip_prefix("data class ") {
            container = rest
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or_default()
                .to_owned();
            continue;
        }
        if container.is_empty() {
            continue;
        }
        let Some(rest) = line
            .strip_prefix("val `")
            .or_else(|| line.strip_prefix("var `"))
        else {
            continue;
        };
        if let Some((name, ty)) = rest.split_once("`: ") {
            let ty = ty
                .trim_end_matches([',', ' '])
                .split(')')
                .next()
                .unwrap_or_default();
            fields.insert(
                (container.to_lowercase(), name.to_owned()),
                ty.trim().to_owned(),
            );
        }
    }
    fields
}

/// The same for Swift: `public struct Name {` opens a record, whose fields are
/// `public var field: Type`; `case name(` opens an enum variant, whose fields are
/// `field: Type`.
fn swift_fields(source: &str) -> BTreeMap<(String, String), String> {
    let mut fields = BTreeMap::new();
    let mut container = String::new();
    let mut in_case = false;
    for line in code_lines(source) {
        let opened = match (
            line.strip_prefix("public struct "),
            line.strip_prefix("case "),
        ) {
            (Some(rest), _) => Some((rest, false)),
            (None, Some(rest)) => Some((rest, true)),
            (None, None) => None,
        };
        if let Some((rest, is_case)) = opened {
            container = rest
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap_or_default()
                .to_owned();
            in_case = is_case;
            continue;
        }
        if container.is_empty() {
            continue;
        }
        let declared = line
            .strip_prefix("public var ")
            .or_else(|| line.strip_prefix("public let "));
        let field = match declared {
            Some(field) => field,
            None if in_case => line,
            None => continue,
        };
        let Some((name, ty)) = field.split_once(": ") else {
            continue;
        };
        if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            let ty = ty.trim_end_matches([',', ' ']);
            fields.insert(
                (container.to_lowercase(), name.to_owned()),
                ty.trim().to_owned(),
            );
        }
    }
    fields
}

fn check(language: &str, fields: &BTreeMap<(String, String), String>) -> Vec<String> {
    let mut problems = Vec::new();
    for (container, field) in SECRET_FIELDS {
        match fields.get(&(container.to_lowercase(), (*field).to_owned())) {
            None => problems.push(format!("{language}: {container}.{field} not found")),
            Some(ty) if !ty.starts_with("Secret") => {
                problems.push(format!(
                    "{language}: {container}.{field} is `{ty}`, not a Secret"
                ));
            }
            Some(_) => {}
        }
    }
    problems
}

fn read_generated(folder: &std::path::Path, extension: &str) -> String {
    let mut text = String::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("reading the generated folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                text.push_str(&std::fs::read_to_string(&path).expect("reading a generated file"));
            }
        }
    }
    assert!(
        !text.is_empty(),
        "no .{extension} file in {}",
        folder.display()
    );
    text
}

/// The text of the class opened by `header`, up to the next top-level `open class`.
fn class_body<'a>(source: &'a str, header: &str) -> &'a str {
    let Some(start) = source.find(header) else {
        return "";
    };
    let rest = &source[start..];
    let end = rest[header.len()..]
        .find("\nopen class ")
        .map_or(rest.len(), |i| i + header.len());
    &rest[..end]
}

#[test]
fn kotlin_and_swift_records_hold_secrets_only_as_secret_objects() {
    let library = library(&profile_dir());
    let kotlin = read_generated(
        &generate(&library, "kotlin", "cognito_auth_ffi_kotlin"),
        "kt",
    );
    let swift = read_generated(
        &generate(&library, "swift", "cognito_auth_ffi_swift"),
        "swift",
    );

    let mut problems = check("Kotlin", &kotlin_fields(&kotlin));
    problems.extend(check("Swift", &swift_fields(&swift)));

    // The Secret object itself prints as `<redacted>`: its toString / description /
    // debugDescription go to Rust's Display / Debug.
    let kotlin_secret = class_body(&kotlin, "open class Secret");
    for needle in [
        "override fun toString(): String",
        "secret_uniffi_trait_display",
    ] {
        if !kotlin_secret.contains(needle) {
            problems.push(format!("Kotlin: Secret has no `{needle}`"));
        }
    }
    for needle in [
        "open class Secret",
        "extension Secret: CustomStringConvertible {}",
        "extension Secret: CustomDebugStringConvertible {}",
    ] {
        if !swift.contains(needle) {
            problems.push(format!("Swift: `{needle}` is missing"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The exported interface, as each generator declares it: `(Kotlin, Swift)` declarations.
const DECLARATIONS: &[(&str, &str)] = &[
    ("open class PoolConfig", "open class PoolConfig:"),
    ("open class SignInSession", "open class SignInSession:"),
    ("open class Refresh", "open class Refresh:"),
    (
        "open class DeviceConfirmation",
        "open class DeviceConfirmation:",
    ),
    ("open class Secret", "open class Secret:"),
    ("open class TokenManager", "open class TokenManager:"),
    ("open class StoredSession", "open class StoredSession:"),
    ("open class AccountCall", "open class AccountCall:"),
    ("open class SignUpFlow", "open class SignUpFlow:"),
    (
        "open class PasswordResetFlow",
        "open class PasswordResetFlow:",
    ),
    ("open class ChangePassword", "open class ChangePassword:"),
    ("open class GetUser", "open class GetUser:"),
    (
        "open class UpdateUserAttributes",
        "open class UpdateUserAttributes:",
    ),
    ("open class GlobalSignOut", "open class GlobalSignOut:"),
    ("open class ListDevices", "open class ListDevices:"),
    ("open class ForgetDevice", "open class ForgetDevice:"),
    (
        "open class SetUserMfaPreference",
        "open class SetUserMfaPreference:",
    ),
    ("data class User (", "public struct User {"),
    ("data class Device (", "public struct Device {"),
    ("data class DeviceList (", "public struct DeviceList {"),
    ("data class CodeDelivery (", "public struct CodeDelivery {"),
    (
        "data class MfaPreference (",
        "public struct MfaPreference {",
    ),
    ("sealed class SignUpStep", "public enum SignUpStep {"),
    (
        "sealed class PasswordResetStep",
        "public enum PasswordResetStep {",
    ),
    (
        "sealed class RefreshOutcome",
        "public enum RefreshOutcome {",
    ),
    ("data class Header (", "public struct Header {"),
    ("data class HttpRequest (", "public struct HttpRequest {"),
    ("data class Tokens (", "public struct Tokens {"),
    (
        "data class NewDeviceMetadata (",
        "public struct NewDeviceMetadata {",
    ),
    (
        "data class DeviceCredentials (",
        "public struct DeviceCredentials {",
    ),
    (
        "data class ConfirmedDevice (",
        "public struct ConfirmedDevice {",
    ),
    (
        "data class TotpEnrolment (",
        "public struct TotpEnrolment {",
    ),
    ("sealed class AuthChallenge", "public enum AuthChallenge {"),
    (
        "sealed class ChallengeAnswer",
        "public enum ChallengeAnswer {",
    ),
    ("sealed class NextStep", "public enum NextStep {"),
    ("sealed class SignInStatus", "public enum SignInStatus {"),
    ("enum class AuthFlow", "public enum AuthFlow {"),
    ("enum class RefreshFlow", "public enum RefreshFlow {"),
    (
        "sealed class CognitoException",
        "public enum CognitoError: Swift.Error {",
    ),
    ("fun `totpCode`(", "public func totpCode("),
    // NextStep's variant, which must not shadow the AuthChallenge type in Kotlin.
    ("data class Challenge(", "case challenge("),
];

/// The C symbols (`uniffi_cognito_auth_ffi_fn_*` and `..._checksum_*`) named in a source.
fn ffi_symbols(source: &str) -> std::collections::BTreeSet<&str> {
    let mut symbols = std::collections::BTreeSet::new();
    for prefix in [
        "uniffi_cognito_auth_ffi_fn_",
        "uniffi_cognito_auth_ffi_checksum_",
    ] {
        let mut rest = source;
        while let Some(at) = rest.find(prefix) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(tail.len());
            symbols.insert(&tail[..end]);
            rest = &tail[end..];
        }
    }
    symbols
}

/// Checks that `(`, `[` and `{` are balanced in Swift source, outside comments (nested
/// `/* */` and `//`) and string literals (`"..."` with escapes and `\( ... )` interpolation,
/// `"""` blocks). Returns the first problem.
fn swift_delimiters(source: &str) -> Result<(), String> {
    // Each frame: the closing delimiter expected, or `"` / `'"'` for a string being read
    // (`'"'` marks a `"""` block); `)` frames opened by `\(` return to their string.
    let mut stack: Vec<char> = Vec::new();
    let bytes = source.as_bytes();
    let (mut i, mut line) = (0usize, 1usize);
    let mut comment_depth = 0usize;
    while let Some(&byte) = bytes.get(i) {
        let c = byte as char;
        let next = bytes.get(i + 1).map(|&b| b as char);
        let in_string = matches!(stack.last(), Some('"' | '\''));
        if c == '\n' {
            line += 1;
        }
        if comment_depth > 0 {
            match (c, next) {
                ('/', Some('*')) => (comment_depth += 1, i += 1).1,
                ('*', Some('/')) => (comment_depth -= 1, i += 1).1,
                _ => {}
            }
        } else if in_string {
            let block = stack.last() == Some(&'\'');
            match (c, next) {
                ('\\', Some('(')) => {
                    // Code up to the matching `)`, then back to the string.
                    stack.push(')');
                    i += 1;
                }
                ('\\', _) => i += 1,
                ('"', _) if !block => {
                    stack.pop();
                }
                ('"', _) if source[i..].starts_with("\"\"\"") => {
                    stack.pop();
                    i += 2;
                }
                ('\n', _) if !block => return Err(format!("line {line}: unterminated string")),
                _ => {}
            }
        } else {
            match (c, next) {
                ('/', Some('/')) => {
                    while bytes.get(i).is_some_and(|&b| b != b'\n') {
                        i += 1;
                    }
                    continue;
                }
                ('/', Some('*')) => (comment_depth = 1, i += 1).1,
                ('"', _) if source[i..].starts_with("\"\"\"") => {
                    stack.push('\'');
                    i += 2;
                }
                ('"', _) => stack.push('"'),
                ('(', _) => stack.push(')'),
                ('[', _) => stack.push(']'),
                ('{', _) => stack.push('}'),
                (')' | ']' | '}', _) => match stack.pop() {
                    Some(expected) if expected == c => {}
                    other => {
                        return Err(format!("line {line}: `{c}` where {other:?} was expected"));
                    }
                },
                _ => {}
            }
        }
        i += 1;
    }
    match (stack.last(), comment_depth) {
        (None, 0) => Ok(()),
        (open, depth) => Err(format!("at the end: {open:?} open, comment depth {depth}")),
    }
}

/// swiftc is not available here (Linux CI without a Swift toolchain), so the Swift is checked
/// as far as possible without it: generated whole (source, C header, modulemap) from the same
/// library as the Kotlin that `bindings/kotlin/run.sh` compiles and runs on the JVM, declaring
/// the same types, calling only C symbols its header declares (the same set the Kotlin
/// declares), with balanced
/// delimiters outside comments and strings.
#[test]
fn swift_is_generated_whole_from_the_same_interface_as_the_kotlin() {
    let library = library(&profile_dir());
    let kotlin = read_generated(
        &generate(&library, "kotlin", "cognito_auth_ffi_kotlin_shape"),
        "kt",
    );
    let folder = generate(&library, "swift", "cognito_auth_ffi_swift_shape");
    let read = |name: &str| {
        let text = std::fs::read_to_string(folder.join(name))
            .unwrap_or_else(|e| panic!("{name} was not generated: {e}"));
        assert!(text.len() > 100, "{name} is (nearly) empty");
        text
    };
    let swift = read("CognitoAuth.swift");
    let header = read("CognitoAuthFFI.h");
    let modulemap = std::fs::read_to_string(folder.join("CognitoAuthFFI.modulemap"))
        .expect("the modulemap was not generated");
    assert!(
        modulemap.contains("module CognitoAuthFFI") && modulemap.contains("\"CognitoAuthFFI.h\""),
        "{modulemap}"
    );
    assert!(
        swift.contains("import CognitoAuthFFI"),
        "the module is not imported"
    );

    let mut problems = Vec::new();
    for (in_kotlin, in_swift) in DECLARATIONS {
        if !kotlin.contains(in_kotlin) {
            problems.push(format!("Kotlin: `{in_kotlin}` is missing"));
        }
        if !swift.contains(in_swift) {
            problems.push(format!("Swift: `{in_swift}` is missing"));
        }
    }
    let (in_swift, in_header, in_kotlin) = (
        ffi_symbols(&swift),
        ffi_symbols(&header),
        ffi_symbols(&kotlin),
    );
    assert!(
        in_kotlin.len() >= 30,
        "{} symbols in Kotlin",
        in_kotlin.len()
    );
    // The header declares a few more (`Secret`'s `!=`, which neither language calls).
    if !in_swift.is_subset(&in_header) {
        problems.push(format!(
            "Swift calls what its header does not declare: {:?}",
            in_swift.difference(&in_header).collect::<Vec<_>>()
        ));
    }
    // The Kotlin (run for real on the JVM) declares every C function of the library.
    if in_header != in_kotlin {
        problems.push(format!(
            "the Swift header and the Kotlin declare different symbols: {:?}",
            in_header
                .symmetric_difference(&in_kotlin)
                .collect::<Vec<_>>()
        ));
    }
    if let Err(problem) = swift_delimiters(&swift) {
        problems.push(format!("Swift: {problem}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_delimiter_check_finds_unbalanced_swift() {
    assert_eq!(
        swift_delimiters(r#"let a = "x\(f("(")) }" /* { /* } */ */ // {"#),
        Ok(())
    );
    assert_eq!(swift_delimiters("let s = \"\"\"\n)\"\n\"\"\"\n"), Ok(()));
    assert!(swift_delimiters("func f() { (").is_err());
    assert!(swift_delimiters("func f() { ]}").is_err());
    assert!(swift_delimiters("let a = \"open\n").is_err());
    assert!(swift_delimiters("/* open").is_err());
}
