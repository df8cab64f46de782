//! `uniffi-bindgen`: generates the Swift, Kotlin and Python bindings from the built library
//! (`generate --library target/debug/libcognito_auth_ffi.so --language python --out-dir out`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
