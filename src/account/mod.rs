//! Account lifecycle and self-service: every operation an app calls without AWS credentials,
//! besides sign-in and refresh.
//!
//! Each single-call operation is a type implementing [`Call`]: build it with the required
//! members (`new`) and optional ones (`with_*`), turn it into a [`Request`] with
//! [`Call::request`], send that, and read the reply with [`Call::parse`], which gives the
//! typed output or [`Error::Service`]. Builders add `SecretHash` (over the `Username` the
//! request carries) when the app client has a secret, and the raw `ClientSecret` for
//! [`RevokeToken`].
//!
//! Sign-up and password reset take several calls; [`SignUpFlow`] and [`PasswordResetFlow`]
//! drive them as small sans-IO machines.
//!
//! ```
//! use cognito_auth::account::{Call, GetUser};
//! use cognito_auth::{HttpResponse, PoolConfig};
//!
//! let config = PoolConfig::new("us-east-1_AbC123", "1example23456789")?;
//! let request = GetUser::new("eyJraWQ.access.token").request(&config);
//! assert_eq!(request.target(), "AWSCognitoIdentityProviderService.GetUser");
//! // ... POST it, then:
//! let body = br#"{"Username":"u-1","UserAttributes":[{"Name":"email","Value":"a@example.com"}]}"#;
//! let user = GetUser::parse(HttpResponse::new(200, body))?;
//! assert_eq!(user.attribute("email"), Some("a@example.com"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod devices;
mod mfa;
mod password;
mod sign_up;
mod types;
mod user;
mod webauthn;
mod wire;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::PoolConfig;
use crate::error::Error;
use crate::wire::operation::Operation;
use crate::wire::request::Request;
use crate::wire::response::HttpResponse;

pub use devices::{
    ConfirmDevice, ConfirmDeviceOutput, Device, DeviceList, DeviceRememberedStatus, ForgetDevice,
    GetDevice, GetDeviceOutput, ListDevices, UpdateDeviceStatus,
};
pub use mfa::{
    AssociateSoftwareToken, MfaSettings, SetUserMfaPreference, SetUserSettings,
    SoftwareTokenSecret, VerifySoftwareToken, VerifySoftwareTokenOutput, VerifySoftwareTokenStatus,
};
pub use password::{
    ChangePassword, ConfirmForgotPassword, ForgotPassword, PasswordResetFlow, PasswordResetStep,
};
pub use sign_up::{
    ConfirmSignUp, ConfirmSignUpOutput, ResendConfirmationCode, SignUp, SignUpFlow, SignUpOutput,
    SignUpStep,
};
pub use types::{
    Attribute, AuthFactor, CodeDeliveryDetails, CodeSent, DeliveryMedium, Empty, MfaOption,
};
pub use user::{
    AuthFactors, DeleteUser, DeleteUserAttributes, FeedbackValue, GetUser,
    GetUserAttributeVerificationCode, GetUserAuthFactors, GlobalSignOut, RevokeToken,
    UpdateAuthEventFeedback, UpdateUserAttributes, UpdateUserAttributesOutput, User,
    VerifyUserAttribute,
};
pub use webauthn::{
    CompleteWebAuthnRegistration, DeleteWebAuthnCredential, ListWebAuthnCredentials,
    StartWebAuthnRegistration, StartWebAuthnRegistrationOutput, WebAuthnCredential,
    WebAuthnCredentials,
};

mod sealed {
    pub trait Sealed {}
}

/// One call of a Cognito operation: a typed request and its typed output.
///
/// Sans-IO: [`request`](Self::request) builds the bytes to send, [`parse`](Self::parse) reads
/// the reply. Outputs are `Serialize` in the service's own JSON form (PascalCase members), so
/// they can be stored or forwarded as Cognito would have sent them.
pub trait Call: sealed::Sealed {
    /// The operation this call invokes.
    const OPERATION: Operation;
    /// What a successful reply carries ([`Empty`] for operations without output).
    type Output: DeserializeOwned + Serialize;

    /// The request for `config`'s app client and endpoint.
    fn request(&self, config: &PoolConfig) -> Request;

    /// Reads the reply to a request built by [`request`](Self::request). Unknown members are
    /// ignored and missing optional ones are `None` or empty.
    ///
    /// # Errors
    /// [`Error::Service`] for a non-2xx reply (its kind is usually one of
    /// `Self::OPERATION.errors()`, but any code is kept), [`Error::InvalidResponse`] for a
    /// 2xx body that is not the operation's output.
    fn parse(response: HttpResponse<'_>) -> Result<Self::Output, Error> {
        response.parse(Self::OPERATION)
    }
}

/// Implements [`Call`] for a builder whose `wire` method gives the serializable input shape.
/// Outputs on the sign-in path name a hand-written reader (`read = ...`, see
/// [`crate::wire::read`]) instead of their derived one.
macro_rules! call {
    ($ty:ident, $op:ident, Empty) => {
        $crate::account::call!($ty, $op, Empty, read = $crate::account::Empty::read);
    };
    ($ty:ident, $op:ident, $output:ty $(, read = $read:path)?) => {
        impl $crate::account::sealed::Sealed for $ty {}
        impl $crate::account::Call for $ty {
            const OPERATION: $crate::wire::operation::Operation =
                $crate::wire::operation::Operation::$op;
            type Output = $output;
            fn request(
                &self,
                config: &$crate::config::PoolConfig,
            ) -> $crate::wire::request::Request {
                $crate::wire::request::Request::new(config, Self::OPERATION, &self.wire(config))
            }
            $(
            fn parse(
                response: $crate::wire::response::HttpResponse<'_>,
            ) -> Result<Self::Output, $crate::error::Error> {
                response.read(Self::OPERATION, $read)
            }
            )?
        }
    };
}
pub(crate) use call;
