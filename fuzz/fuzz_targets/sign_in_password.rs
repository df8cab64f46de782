#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = cognito_auth_fuzz_drivers::sign_in_password(data);
});
