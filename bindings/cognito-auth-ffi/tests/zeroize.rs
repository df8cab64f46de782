//! Secrets held on the Rust side of the bindings leave no copy in freed memory: a watching
//! allocator scans every block freed on a thread while it is "armed" for a marker that the
//! secrets of these tests carry.

#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use cognito_auth_ffi::*;

const MARKER: &[u8] = b"SECRET-MARKER-9b2d";
const POOL: &str = "us-east-1_FfiZero01";
const CLIENT: &str = "ffizeroclient00001";

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LEFT_BEHIND: Cell<usize> = const { Cell::new(0) };
}

/// The system allocator; `realloc` is done as a new block, a copy and `dealloc` of the old one,
/// so a buffer that grows shows up as a freed block still holding what it held.
struct Watching;

// SAFETY: every call is forwarded to `System`; the only addition is reading a block that is
// about to be freed, which is allocated and `layout.size()` long.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.try_with(Cell::get).unwrap_or(false) {
            // SAFETY: a live block of `layout.size()` bytes (spare capacity may be
            // uninitialized; it is only compared, in a test).
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(MARKER.len()).any(|w| w == MARKER) {
                let _ = LEFT_BEHIND.try_with(|c| c.set(c.get() + 1));
            }
        }
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as `GlobalAlloc::realloc`'s default.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static WATCHING: Watching = Watching;

/// How many freed blocks still held the marker while `f` ran on this thread.
fn left_behind(what: &str, f: impl FnOnce()) -> Option<String> {
    LEFT_BEHIND.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    let count = LEFT_BEHIND.with(Cell::get);
    (count > 0).then(|| format!("{what}: {count} freed block(s) still held the secret"))
}

/// `prefix.` and the marker repeated past `len` bytes, built in one exact allocation: an
/// intermediate string freed unzeroized would leave the marker in memory that a later
/// allocation reuses, and the scan of its uninitialized tail would find it there.
fn secret(prefix: &str, len: usize) -> String {
    let marker = std::str::from_utf8(MARKER).unwrap();
    let count = len / MARKER.len() + 1;
    let mut text = String::with_capacity(prefix.len() + 1 + count * MARKER.len());
    text.push_str(prefix);
    text.push('.');
    for _ in 0..count {
        text.push_str(marker);
    }
    text
}

fn config() -> std::sync::Arc<PoolConfig> {
    PoolConfig::new(
        POOL.into(),
        CLIENT.into(),
        None,
        Some("http://127.0.0.1:9/".into()),
    )
    .unwrap()
}

/// A JWT whose signature is the marker (the core decodes the header and claims, which
/// hold nothing secret here).
fn jwt(claims: &str) -> String {
    const HEADER: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ";
    format!("{HEADER}.{claims}.{}", secret("sig", 600))
}

fn tokens() -> Tokens {
    const ID: &str =
        "eyJzdWIiOiJzdWItMSIsImNvZ25pdG86dXNlcm5hbWUiOiJhbGljZSIsInRva2VuX3VzZSI6ImlkIn0";
    const ACCESS: &str = "eyJzdWIiOiJzdWItMSIsInVzZXJuYW1lIjoiYWxpY2UiLCJ0b2tlbl91c2UiOiJhY2Nlc3MiLCJkZXZpY2Vfa2V5IjoidXMtZWFzdC0xX2RrIn0";
    Tokens {
        id_token: Secret::new(jwt(ID)),
        access_token: Secret::new(jwt(ACCESS)),
        refresh_token: Some(Secret::new(secret("refresh", 1200))),
        token_type: "Bearer".into(),
        expires_in: 3600,
        expires_at: 1_700_003_600,
        new_device: None,
    }
}

#[test]
fn secrets_leave_no_copy_in_freed_memory() {
    let mut problems = Vec::new();
    let record = tokens();
    problems.extend(left_behind("dropping Tokens", move || drop(record)));
    let record = tokens();
    problems.extend(left_behind("Tokens into the core type", || {
        drop(cognito_auth::Tokens::try_from(&record).unwrap());
    }));
    problems.extend(left_behind("Refresh from Tokens", move || {
        drop(Refresh::new(config(), record, RefreshFlow::default()).unwrap());
    }));
    let session = SignInSession::new(config(), "alice".into(), "pw".into());
    session.start().unwrap();
    let body = secret("body", 3000).into_bytes();
    problems.extend(left_behind("a response body", move || {
        let _ = session.handle_response(200, vec![], body, 1_700_000_000);
    }));
    let dropped = Secret::new(secret("dropped", 500));
    problems.extend(left_behind("a Secret", move || drop(dropped)));
    let password = secret("password", 100);
    let device = DeviceCredentials {
        device_key: "us-east-1_dk".into(),
        device_group_key: "dgk".into(),
        device_password: Secret::new(secret("device", 100)),
        user_sub: "sub".into(),
    };
    problems.extend(left_behind("a sign-in with a device", move || {
        let session = SignInSession::with_options(
            config(),
            "alice".into(),
            Some(password),
            AuthFlow::UserSrp,
            Some(device),
        );
        drop(session);
    }));
    let code = Secret::new(secret("code", 100));
    problems.extend(left_behind("an answer", move || {
        let session = SignInSession::new(config(), "alice".into(), "pw".into());
        let _ = session.answer(ChallengeAnswer::Code { code });
    }));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn managed_login_and_device_store_leave_no_copy_in_freed_memory() {
    let mut problems = Vec::new();
    let domain = LoginDomain::BaseUrl {
        url: "http://127.0.0.1:9".into(),
    };
    let login = ManagedLogin::new(config(), domain, "myapp://callback".into()).unwrap();
    // Cognito's refresh tokens are ~1,800 characters: more than a small form buffer holds.
    let refresh = Secret::new(secret("refresh", 1800));
    let access = Secret::new(secret("access", 1000));
    let l = std::sync::Arc::clone(&login);
    problems.extend(left_behind(
        "refresh, revoke and userInfo requests",
        move || {
            drop(l.refresh_request(std::sync::Arc::clone(&refresh)));
            drop(l.revoke_request(std::sync::Arc::clone(&refresh)));
            drop(l.userinfo_request(std::sync::Arc::clone(&access)));
            drop(l.userinfo_request(access));
            drop(refresh);
        },
    ));
    let pending = login.authorize(vec![], None, None, None, None).unwrap();
    let exported = pending.export().unwrap();
    let state = exported.reveal();
    let state = state
        .split("\"state\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let callback = format!(
        "myapp://callback?code={}&state={state}",
        secret("code", 200)
    );
    let l = std::sync::Arc::clone(&login);
    problems.extend(left_behind("a callback and its code exchange", move || {
        let code = pending.callback(callback).unwrap();
        drop(l.token_request(pending, code));
    }));
    let device = DeviceCredentials {
        device_key: "us-east-1_dk".into(),
        device_group_key: "dgk".into(),
        device_password: Secret::new(secret("device", 300)),
        user_sub: "sub".into(),
    };
    problems.extend(left_behind(
        "a device store exported and imported",
        move || {
            let store = DeviceStore::new();
            store.insert("alice".into(), device).unwrap();
            let exported = store.export().unwrap();
            drop(DeviceStore::import_store(exported).unwrap());
            drop(store);
        },
    ));
    let token = Secret::new(jwt("eyJ0b2tlbl91c2UiOiJpZCJ9"));
    problems.extend(left_behind("decoding claims", move || {
        let _ = token_claims(token);
    }));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
