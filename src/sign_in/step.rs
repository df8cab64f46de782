//! What a sign-in tells the app: the next step, and where the machine is.

use super::challenge::Challenge;
use crate::tokens::Tokens;
use crate::wire::operation::Operation;
use crate::wire::request::Request;

/// What the app does next, returned by
/// [`SignIn::handle_response`](crate::SignIn::handle_response).
#[derive(Debug)]
#[must_use]
#[non_exhaustive]
pub enum Step {
    /// Send this request and pass the reply to
    /// [`SignIn::handle_response`](crate::SignIn::handle_response).
    Send(Request),
    /// Ask the user, then call [`SignIn::answer`](crate::SignIn::answer).
    Challenge(Challenge),
    /// Signed in. When [`Tokens::new_device`] is set the pool tracks devices: confirm it with
    /// [`DeviceConfirmation`](crate::DeviceConfirmation).
    Done(Box<Tokens>),
    /// The account exists but its sign-up was never confirmed (UserNotConfirmedException):
    /// confirm it with the code sent at sign-up (or resend one), then sign in again.
    ConfirmSignUp,
    /// An administrator requires a password reset (PasswordResetRequiredException): run
    /// ForgotPassword and ConfirmForgotPassword, then sign in again.
    ResetPassword,
    /// Cognito no longer knows the stored device ("Device does not exist."): delete the
    /// stored credentials for `device_key`, then send `request`, the same step without it.
    DeviceForgotten {
        /// The same request without DEVICE_KEY.
        request: Request,
        /// The key to delete from storage.
        device_key: String,
    },
}

/// Where a [`SignIn`](crate::SignIn) is, for logs and UIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// `start` not yet called.
    NotStarted,
    /// A request is out; waiting for `handle_response`.
    AwaitingResponse(Operation),
    /// A challenge waits for `answer`.
    AwaitingAnswer,
    /// Finished: tokens delivered or another step named.
    Done,
    /// Failed for good; every call returns the error.
    Failed,
}
