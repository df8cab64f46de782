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
