//! The TOTP helper works on a copy of the secret (normalized: no spaces or padding, upper
//! case). That copy must be zeroized, and must never grow: a buffer that grows leaves the
//! old one, with part of the secret in it, to the allocator without zeroizing it. Counted
//! with a counting global allocator; one test in this binary so nothing else allocates
//! meanwhile.
#![allow(clippy::unwrap_used)]

use std::alloc::System;

use cognito_auth::{UnixTime, totp};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn the_normalized_secret_is_never_grown() {
    // RFC 6238's secret, lower case and spaced as apps show it, and a 160-character one.
    let spaced = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
    let long = "GEZDGNBVGY3TQOJQ".repeat(10);
    for secret in [spaced, long.as_str()] {
        let region = Region::new(GLOBAL);
        let code = totp::code(secret, UnixTime(59)).unwrap();
        let change = region.change();
        assert_eq!(code.len(), 6);
        assert_eq!(change.reallocations, 0, "{secret}: {change:?}");
    }
    assert_eq!(totp::code(spaced, UnixTime(59)).unwrap(), "287082");
}
