//! Buffers handed to C leave no copy of a secret behind: a test allocator scans every block
//! freed while a test is "armed" (per thread) for a marker the secrets carry, and counts
//! allocations and reallocations.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    unsafe_code
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use cognito_auth::{AuthFlow, PoolConfig, SignIn, Step};

use crate::bytes::{CognitoBytes, CognitoRequest};
use crate::sign_in::CognitoStep;
use crate::{cognito_bytes_free, cognito_request_free, cognito_step_free};

/// In every secret of these tests; found in a freed block, it is a copy left behind.
pub(crate) const MARKER: &[u8] = b"SECRET-MARKER-5c1e";

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static LEFT_BEHIND: Cell<usize> = const { Cell::new(0) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static REALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn armed() -> bool {
    ARMED.try_with(Cell::get).unwrap_or(false)
}

fn bump(counter: &'static std::thread::LocalKey<Cell<usize>>) {
    let _ = counter.try_with(|c| c.set(c.get() + 1));
}

/// The system allocator, watching the armed thread. `realloc` is the trait's default (a new
/// block, a copy, and `dealloc` of the old one), so a buffer that grows shows up as a freed
/// block holding what it held.
struct Watching;

// SAFETY: every call is forwarded to `System` with the same arguments; the only addition is
// reading a block that is about to be freed, which is allocated and `layout.size()` long.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        let block = unsafe { System.alloc(layout) };
        if armed() {
            bump(&ALLOCATIONS);
            // A block handed out while armed starts zeroed: a stale copy of a secret another
            // thread (another test) freed without zeroizing would otherwise sit in its spare
            // capacity and be blamed on the code under test when the block is freed.
            if !block.is_null() {
                // SAFETY: a fresh block of `layout.size()` writable bytes.
                unsafe { block.write_bytes(0, layout.size()) };
            }
        }
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if armed() {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes (spare capacity may be
            // uninitialized; it is only compared, in a test).
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(MARKER.len()).any(|w| w == MARKER) {
                bump(&LEFT_BEHIND);
            }
        }
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if armed() {
            bump(&REALLOCATIONS);
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as `GlobalAlloc::realloc`'s default: a new block, copy, free the old one.
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

/// What happened on this thread while `f` ran.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Watched {
    pub(crate) left_behind: usize,
    pub(crate) allocations: usize,
    pub(crate) reallocations: usize,
}

pub(crate) fn watch(f: impl FnOnce()) -> Watched {
    for counter in [&LEFT_BEHIND, &ALLOCATIONS, &REALLOCATIONS] {
        counter.with(|c| c.set(0));
    }
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    Watched {
        left_behind: LEFT_BEHIND.with(Cell::get),
        allocations: ALLOCATIONS.with(Cell::get),
        reallocations: REALLOCATIONS.with(Cell::get),
    }
}

pub(crate) fn secret(len: usize) -> String {
    let marker = std::str::from_utf8(MARKER).unwrap();
    let mut text = marker.repeat(len / MARKER.len() + 1);
    text.truncate(len.max(MARKER.len()));
    text
}

#[test]
fn a_buffer_is_allocated_once_with_room_for_the_nul() {
    for len in [0, 1, 7, 8, 31, 1000, 4096] {
        let text = "x".repeat(len);
        let mut bytes = CognitoBytes::EMPTY;
        let watched = watch(|| bytes = CognitoBytes::from_str(&text));
        assert_eq!(
            (watched.allocations, watched.reallocations),
            (1, 0),
            "len {len}"
        );
        assert_eq!(bytes.len, len);
        // SAFETY: `from_str` made `len + 1` bytes.
        assert_eq!(unsafe { *bytes.data.add(len) }, 0);
        // SAFETY: a buffer this library filled.
        unsafe { cognito_bytes_free(&mut bytes) };
        assert!(bytes.data.is_null() && bytes.len == 0);
    }
}

#[test]
fn freeing_a_buffer_zeroizes_it() {
    let text = secret(300);
    let mut bytes = CognitoBytes::from_str(&text);
    // SAFETY: a buffer this library filled, freed once (the second call sees it unset).
    let watched = watch(|| unsafe {
        cognito_bytes_free(&mut bytes);
        cognito_bytes_free(&mut bytes);
    });
    assert_eq!(watched.left_behind, 0, "{watched:?}");
}

#[test]
fn a_request_body_leaves_no_copy_behind() {
    let config = Arc::new(
        PoolConfig::new("us-east-1_CapiTest1", "capiclient0001")
            .unwrap()
            .with_endpoint("http://127.0.0.1:9/"),
    );
    // USER_PASSWORD_AUTH: the password is in the body.
    let password = secret(2000);
    let request = SignIn::new(config, "alice", password.as_str())
        .with_flow(AuthFlow::UserPassword)
        .start()
        .unwrap();
    let watched = watch(|| {
        let mut request = CognitoRequest::from_request(&request);
        // SAFETY: a request this library filled.
        unsafe { cognito_request_free(&mut request) };
    });
    assert_eq!(watched.left_behind, 0, "{watched:?}");
    assert_eq!(watched.reallocations, 0, "{watched:?}");
}

#[test]
fn tokens_json_leaves_no_copy_behind() {
    let token = |name: &str| format!("{name}.{}", secret(1500));
    let json = serde_json::json!({
        "id_token": token("id"),
        "access_token": token("access"),
        "refresh_token": token("refresh"),
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": 1_700_003_600,
        "new_device": null,
    })
    .to_string();
    let tokens: cognito_auth::Tokens = serde_json::from_str(&json).unwrap();
    let watched = watch(|| {
        let mut step = CognitoStep::from_step(Step::Done(Box::new(tokens))).unwrap();
        // SAFETY: the buffers are valid NUL-terminated text of `len + 1` bytes.
        let text =
            unsafe { std::slice::from_raw_parts(step.tokens_json.data, step.tokens_json.len + 1) };
        assert_eq!(text.last(), Some(&0));
        assert!(text.windows(MARKER.len()).any(|w| w == MARKER));
        // SAFETY: a step this library filled.
        unsafe { cognito_step_free(&mut step) };
        assert!(step.tokens_json.data.is_null());
    });
    assert_eq!(watched.left_behind, 0, "{watched:?}");
    assert_eq!(watched.reallocations, 0, "{watched:?}");
}
