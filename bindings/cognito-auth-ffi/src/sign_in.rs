//! `SignInSession`: the core `SignIn` behind a lock, as UniFFI objects must be `Sync`.

use std::sync::{Arc, Mutex, MutexGuard};

use cognito_auth::{SecretString, SignIn, SuspendedSignIn, UnixTime};
use zeroize::Zeroizing;

use crate::PoolConfig;
use crate::challenge::{ChallengeAnswer, NextStep};
use crate::error::CognitoError;
use crate::secret::Secret;
use crate::types::{AuthFlow, DeviceCredentials, Header, HttpRequest, SignInStatus, with_response};

/// One user's sign-in. `start`, then for each request: send it and pass the reply to
/// `handle_response`; on a challenge, `answer`. Calls out of turn are `Misuse` errors that
/// change nothing; other errors are final (the session returns them again), except a wrong
/// one-time code, which may be answered again.
#[derive(Debug, uniffi::Object)]
pub struct SignInSession {
    inner: Mutex<SignIn>,
}

#[uniffi::export]
impl SignInSession {
    /// USER_SRP_AUTH for `username` (or an alias) with `password`.
    #[uniffi::constructor]
    pub fn new(config: Arc<PoolConfig>, username: String, password: String) -> Arc<Self> {
        Self::wrap(SignIn::new(config.core(), username, password))
    }

    /// Any flow, with or without a password (CUSTOM_AUTH without SRP and USER_AUTH with a
    /// code or passkey need none), and with the remembered device of this user if there is
    /// one, so the pool can skip MFA.
    #[uniffi::constructor]
    pub fn with_options(
        config: Arc<PoolConfig>,
        username: String,
        password: Option<String>,
        flow: AuthFlow,
        device: Option<DeviceCredentials>,
    ) -> Arc<Self> {
        let mut sign_in = match password {
            Some(password) => SignIn::new(config.core(), username, password).with_flow(flow.into()),
            None => SignIn::passwordless(config.core(), username, flow.into()),
        };
        if let Some(device) = device {
            sign_in = sign_in.with_device(device.into());
        }
        Self::wrap(sign_in)
    }

    /// A sign-in waiting at the challenge `suspend` saved (the text of its `Secret`).
    ///
    /// # Errors
    /// `InvalidInput` when the JSON is not from `suspend`; `Protocol` when its challenge
    /// parameters do not parse.
    #[uniffi::constructor]
    pub fn resume(
        config: Arc<PoolConfig>,
        suspended_json: String,
    ) -> Result<Arc<Self>, CognitoError> {
        let suspended_json = Zeroizing::new(suspended_json);
        let suspended: SuspendedSignIn = serde_json::from_str(&suspended_json)
            .map_err(|e| CognitoError::invalid_input(format!("not a suspended sign-in: {e}")))?;
        Ok(Self::wrap(SignIn::resume(config.core(), suspended)?))
    }

    /// The InitiateAuth request. Next: send it, then `handle_response`.
    ///
    /// # Errors
    /// `Misuse` when already started; `InvalidInput` when the flow needs a password and none
    /// was given; `Internal` when the random source fails.
    pub fn start(&self) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.start()?.into())
    }

    /// Cognito's reply to the last request: the status, every header (only
    /// `x-amzn-ErrorType`, `x-amzn-RequestId` and `Date` are read) and the body, with the
    /// current time in Unix seconds.
    ///
    /// # Errors
    /// `Service` for Cognito errors (`NotAuthorizedException` for a wrong password...),
    /// `InvalidResponse` / `Protocol` for replies that cannot be used, `Misuse` when no
    /// request is in flight.
    pub fn handle_response(
        &self,
        status: u16,
        headers: Vec<Header>,
        body: Vec<u8>,
        now_unix_secs: u64,
    ) -> Result<NextStep, CognitoError> {
        let mut sign_in = self.lock()?;
        let step = with_response(status, &headers, body, |response| {
            sign_in.handle_response(response, UnixTime(now_unix_secs))
        })?;
        Ok(step.into())
    }

    /// Answers the pending challenge; gives the request to send.
    ///
    /// # Errors
    /// `Misuse` when no challenge is pending or the answer does not fit it; `InvalidInput`
    /// when it is incomplete. Neither changes the state.
    pub fn answer(&self, answer: ChallengeAnswer) -> Result<HttpRequest, CognitoError> {
        Ok(self.lock()?.answer(answer.into())?.into())
    }

    /// Where the sign-in is (`Failed` also when an earlier call panicked).
    pub fn status(&self) -> SignInStatus {
        self.lock()
            .map_or(SignInStatus::Failed, |sign_in| sign_in.status().into())
    }

    /// Cognito's internal user name, once the service has named it.
    pub fn user_id(&self) -> Option<String> {
        self.lock().ok()?.user_id().map(str::to_owned)
    }

    /// A JSON snapshot of a sign-in waiting at a challenge (the Session, never the password),
    /// for an app sent to the background; `None` in any other state. It is a `Secret`: store
    /// its `reveal()` as one and pass that to `resume` while the Session lives (3 minutes by
    /// default).
    ///
    /// # Errors
    /// `Internal` when the session is poisoned or the snapshot cannot be serialized.
    pub fn suspend(&self) -> Result<Option<Arc<Secret>>, CognitoError> {
        let Some(suspended) = self.lock()?.suspend() else {
            return Ok(None);
        };
        SecretString::json(&suspended)
            .map(|json| Some(Secret::wrap(json)))
            .map_err(|e| CognitoError::Internal {
                reason: format!("cannot serialize the sign-in: {e}"),
            })
    }
}

impl SignInSession {
    fn wrap(sign_in: SignIn) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(sign_in),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, SignIn>, CognitoError> {
        self.inner
            .lock()
            .map_err(|_| CognitoError::poisoned("sign-in session"))
    }
}

#[cfg(test)]
impl SignInSession {
    pub(crate) fn inner_for_tests(&self) -> &Mutex<SignIn> {
        &self.inner
    }
}
