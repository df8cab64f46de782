#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognito_auth_fuzz_drivers::json_read(data);
});
