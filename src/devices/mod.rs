//! Remembered devices: the credentials an app stores, and confirming a new device. Device SRP
//! sign-in is answered by the sign-in machine (`sign_in/`); its math is `srp::DeviceVerifier`.

mod confirmation;
mod credentials;

pub use confirmation::{ConfirmedDevice, DeviceConfirmation};
pub use credentials::{DeviceCredentials, DeviceStore};
