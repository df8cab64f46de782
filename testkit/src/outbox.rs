//! Codes the pool "sends": sign-up confirmations, password resets, attribute
//! verifications and SMS/e-mail MFA codes land here for tests to read.

/// How a code was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// By e-mail.
    Email,
    /// By SMS.
    Sms,
}

impl Medium {
    /// `EMAIL` or `SMS`, as CodeDeliveryDetails names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Email => "EMAIL",
            Medium::Sms => "SMS",
        }
    }
}

/// Why a code was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// SignUp / ResendConfirmationCode.
    SignUp,
    /// ForgotPassword.
    ForgotPassword,
    /// Verification of a changed attribute (`email`, `phone_number`).
    VerifyAttribute(String),
    /// An SMS_MFA or EMAIL_OTP sign-in code.
    Mfa,
    /// AdminCreateUser's invitation: the `code` is the temporary password.
    TemporaryPassword,
}

/// One delivered code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The user's internal name.
    pub username: String,
    /// The e-mail address or phone number it went to, if the user has one.
    pub destination: Option<String>,
    /// E-mail or SMS.
    pub medium: Medium,
    /// Why.
    pub purpose: Purpose,
    /// The code.
    pub code: String,
    /// When (Unix seconds, the `now` of the request).
    pub sent_at: u64,
}

impl Message {
    pub(crate) fn addressed_to(&self, who: &str) -> bool {
        self.username == who || self.destination.as_deref() == Some(who)
    }
}

/// Masks a destination as the service does: `a***@e***`, `+*******1234`.
pub(crate) fn mask(destination: &str) -> String {
    if let Some((local, domain)) = destination.split_once('@') {
        let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        format!("{}***@{}***", first(local), first(domain))
    } else {
        let tail: String = destination
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("+*******{tail}")
    }
}
