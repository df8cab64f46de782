#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognito_auth::fuzzing::srp_password_claim(data);
});
