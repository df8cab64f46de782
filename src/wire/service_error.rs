//! Errors the Cognito service returns, parsed the way the official SDKs do.

use core::fmt;

use crate::wire::json::ErrorMembers;

macro_rules! error_kinds {
    ($( $(#[$doc:meta])* $name:ident => $code:literal, )*) => {
        /// The kind of a service error: every exception in the Cognito service model, plus
        /// [`ErrorKind::Unknown`] for codes the model does not list (the service grows).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$doc])* $name, )*
            /// A code this crate does not know, kept verbatim (empty when the response named none).
            Unknown(String),
        }

        impl ErrorKind {
            /// Every modeled kind (without `Unknown`).
            pub const MODELED: &'static [ErrorKind] = &[$(ErrorKind::$name,)*];

            /// Parses a sanitized error code (`"NotAuthorizedException"`).
            pub fn from_code(code: &str) -> Self {
                match code {
                    $($code => ErrorKind::$name,)*
                    other => ErrorKind::Unknown(other.to_owned()),
                }
            }

            /// The code as the service spells it.
            pub fn code(&self) -> &str {
                match self {
                    $(ErrorKind::$name => $code,)*
                    ErrorKind::Unknown(code) => code,
                }
            }
        }
    };
}

error_kinds! {
/// Thrown when you don't have sufficient permissions to perform the requested operation.
AccessDenied => "AccessDeniedException",
/// Thrown when a user tries to confirm the account with an email address or phone number that has already been supplied as an alias for a different user profile.
AliasExists => "AliasExistsException",
/// Thrown when a verification code fails to deliver successfully.
CodeDeliveryFailure => "CodeDeliveryFailureException",
/// Thrown if the provided code doesn't match what the server was expecting.
CodeMismatch => "CodeMismatchException",
/// Thrown if two or more modifications are happening concurrently.
ConcurrentModification => "ConcurrentModificationException",
/// Thrown when a user attempts to confirm a device with a device key that already exists.
DeviceKeyExists => "DeviceKeyExistsException",
/// Thrown when the provider is already supported by the user pool.
DuplicateProvider => "DuplicateProviderException",
/// Thrown when there is a code mismatch and the service fails to configure the software token TOTP multi-factor authentication (MFA).
EnableSoftwareTokenMfa => "EnableSoftwareTokenMFAException",
/// Thrown if a code has expired.
ExpiredCode => "ExpiredCodeException",
/// Thrown when a feature you attempted to configure isn't available in your current feature plan.
FeatureUnavailableInTier => "FeatureUnavailableInTierException",
/// Thrown when WAF doesn't allow your request based on a web ACL that's associated with your user pool.
Forbidden => "ForbiddenException",
/// Thrown when Amazon Cognito encounters a group that already exists in the user pool.
GroupExists => "GroupExistsException",
/// Thrown when Amazon Cognito encounters an internal error.
InternalError => "InternalErrorException",
/// Thrown when Amazon Cognito encounters an internal server error.
InternalServer => "InternalServerException",
/// Thrown when Amazon Cognito isn't allowed to use your email identity.
InvalidEmailRoleAccessPolicy => "InvalidEmailRoleAccessPolicyException",
/// Thrown when Amazon Cognito encounters an invalid Lambda response.
InvalidLambdaResponse => "InvalidLambdaResponseException",
/// Thrown when the specified OAuth flow is not valid.
InvalidOAuthFlow => "InvalidOAuthFlowException",
/// Thrown when the Amazon Cognito service encounters an invalid parameter.
InvalidParameter => "InvalidParameterException",
/// Thrown when Amazon Cognito encounters an invalid password.
InvalidPassword => "InvalidPasswordException",
/// Thrown when the role provided for SMS configuration doesn't have permission to publish using Amazon SNS.
InvalidSmsRoleAccessPolicy => "InvalidSmsRoleAccessPolicyException",
/// Thrown when the trust relationship is not valid for the role provided for SMS configuration.
InvalidSmsRoleTrustRelationship => "InvalidSmsRoleTrustRelationshipException",
/// Thrown when the user pool configuration is not valid.
InvalidUserPoolConfiguration => "InvalidUserPoolConfigurationException",
/// Thrown when a user exceeds the limit for a requested Amazon Web Services resource.
LimitExceeded => "LimitExceededException",
/// Thrown when Amazon Cognito can't find a multi-factor authentication (MFA) method.
MfaMethodNotFound => "MFAMethodNotFoundException",
/// Thrown when you attempt to apply a managed login branding style to an app client that already has an assigned style.
ManagedLoginBrandingExists => "ManagedLoginBrandingExistsException",
/// Thrown when a user isn't authorized.
NotAuthorized => "NotAuthorizedException",
/// Thrown when an operation is not available in the current region or for the current user pool configuration.
OperationNotEnabled => "OperationNotEnabledException",
/// The message returned when a user's new password matches a previous password and doesn't comply with the password-history policy.
PasswordHistoryPolicyViolation => "PasswordHistoryPolicyViolationException",
/// Thrown when a password reset is required.
PasswordResetRequired => "PasswordResetRequiredException",
/// Thrown when a precondition is not met.
PreconditionNotMet => "PreconditionNotMetException",
/// Thrown when your application requests token refresh with a refresh token that has been invalidated by refresh-token rotation.
RefreshTokenReuse => "RefreshTokenReuseException",
/// Thrown when the Amazon Cognito service can't find the requested resource.
ResourceNotFound => "ResourceNotFoundException",
/// Thrown when the specified scope doesn't exist.
ScopeDoesNotExist => "ScopeDoesNotExistException",
/// The request exceeded your account's service quota.
ServiceQuotaExceeded => "ServiceQuotaExceededException",
/// Thrown when the software token time-based one-time password (TOTP) multi-factor authentication (MFA) isn't activated for the user pool.
SoftwareTokenMfaNotFound => "SoftwareTokenMFANotFoundException",
/// Terms document names must be unique to the app client.
TermsExists => "TermsExistsException",
/// Thrown when you've attempted to change your feature plan but the operation isn't permitted.
TierChangeNotAllowed => "TierChangeNotAllowedException",
/// Thrown when the user has made too many failed attempts for a given action, such as sign-in.
TooManyFailedAttempts => "TooManyFailedAttemptsException",
/// Thrown when the user has made too many requests for a given operation.
TooManyRequests => "TooManyRequestsException",
/// Thrown when the request isn't authorized.
Unauthorized => "UnauthorizedException",
/// Thrown when Amazon Cognito encounters an unexpected exception with Lambda.
UnexpectedLambda => "UnexpectedLambdaException",
/// Thrown when the specified identifier isn't supported.
UnsupportedIdentityProvider => "UnsupportedIdentityProviderException",
/// Thrown when you attempt to perform an operation that isn't enabled for the user pool client.
UnsupportedOperation => "UnsupportedOperationException",
/// Thrown when an unsupported token is passed to an operation.
UnsupportedTokenType => "UnsupportedTokenTypeException",
/// The request failed because the user is in an unsupported state.
UnsupportedUserState => "UnsupportedUserStateException",
/// Thrown when you're trying to modify a user pool while a user import job is in progress for that pool.
UserImportInProgress => "UserImportInProgressException",
/// Thrown when the Amazon Cognito service encounters a user validation exception with the Lambda service.
UserLambdaValidation => "UserLambdaValidationException",
/// Thrown when a user isn't confirmed successfully.
UserNotConfirmed => "UserNotConfirmedException",
/// Thrown when a user isn't found.
UserNotFound => "UserNotFoundException",
/// Thrown when user pool add-ons aren't enabled.
UserPoolAddOnNotEnabled => "UserPoolAddOnNotEnabledException",
/// Thrown when a user pool tag can't be set or updated.
UserPoolTagging => "UserPoolTaggingException",
/// Thrown when Amazon Cognito encounters a user name that already exists in the user pool.
UsernameExists => "UsernameExistsException",
/// Thrown when the challenge from StartWebAuthn registration has expired.
WebAuthnChallengeNotFound => "WebAuthnChallengeNotFoundException",
/// Thrown when the access token is for a different client than the one in the original StartWebAuthnRegistration request.
WebAuthnClientMismatch => "WebAuthnClientMismatchException",
/// Thrown when a user pool doesn't have a configured relying party id or a user pool domain.
WebAuthnConfigurationMissing => "WebAuthnConfigurationMissingException",
/// Thrown when a user presents passkey credentials from an unsupported device or provider.
WebAuthnCredentialNotSupported => "WebAuthnCredentialNotSupportedException",
/// Thrown when the passkey feature isn't enabled for the user pool.
WebAuthnNotEnabled => "WebAuthnNotEnabledException",
/// Thrown when the passkey credential's registration origin does not align with the user pool relying party id.
WebAuthnOriginNotAllowed => "WebAuthnOriginNotAllowedException",
/// Thrown when the given passkey credential is associated with a different relying party ID than the user pool relying party ID.
WebAuthnRelyingPartyMismatch => "WebAuthnRelyingPartyMismatchException",}

/// An error response from Cognito: its kind, message, HTTP status and request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    kind: ErrorKind,
    message: String,
    status: u16,
    request_id: Option<String>,
}

impl ServiceError {
    /// Builds an error from its parts (for tests and for servers speaking the protocol).
    pub fn new(kind: ErrorKind, message: impl Into<String>, status: u16) -> Self {
        Self {
            kind,
            message: message.into(),
            status,
            request_id: None,
        }
    }

    /// Parses a non-2xx response. The code comes from the `x-amzn-ErrorType` header, else the
    /// body's `code`, else its `__type`; it is cut at the first `:` and only what follows a `#`
    /// is kept. The message is the body's `message`, `Message` or `errorMessage`.
    pub(crate) fn parse(
        status: u16,
        error_type: Option<&str>,
        request_id: Option<&str>,
        body: &[u8],
    ) -> Self {
        // Read member by member, as the AWS SDKs do: a body that also carries other members,
        // both `message` and `Message`, or a non-string message still yields its code.
        let members = ErrorMembers::parse(body);
        let member = |names: &[&str]| Some(members.as_ref()?.first(names)?.to_owned());
        let code = error_type
            .filter(|header| !sanitize_code(header).is_empty())
            .map(str::to_owned)
            .or_else(|| member(&["code"]).filter(|c| !sanitize_code(c).is_empty()))
            .or_else(|| member(&["__type"]))
            .unwrap_or_default();
        let message = member(&["message", "Message", "errorMessage"]);
        let kind = ErrorKind::from_code(sanitize_code(&code));
        Self {
            kind,
            message: message.unwrap_or_default(),
            status,
            request_id: request_id.map(str::to_owned),
        }
    }

    /// What went wrong, as a kind to match on.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The service's message, as sent (may be empty).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status of the response. Dispatch on [`kind`](Self::kind), not on this: Cognito
    /// sends 400 for errors its model lists as 403 or 404.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `x-amzn-RequestId` header, for AWS support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// True for throttling and transient server faults, which are worth retrying with backoff.
    /// Everything else (wrong password, expired code, invalid session...) is final.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::TooManyRequests | ErrorKind::InternalError | ErrorKind::InternalServer
        ) || matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }

    /// True when the message says a device key is unknown ("Device does not exist."): the app
    /// should forget the stored device and sign in without it.
    pub fn is_device_not_found(&self) -> bool {
        self.kind == ErrorKind::ResourceNotFound
            && self.message.to_ascii_lowercase().contains("device")
    }

    /// What a person can do about it, when there is something specific to say.
    fn hint(&self) -> Option<&'static str> {
        let message = self.message.to_ascii_lowercase();
        Some(match &self.kind {
            ErrorKind::NotAuthorized
                if message.contains("secret hash")
                    || message.contains("secret was not received") =>
            {
                "the app client has a secret: configure it with PoolConfig::with_client_secret"
            }
            ErrorKind::NotAuthorized if message.contains("session") => {
                "the sign-in session expired or was already used: start the sign-in again"
            }
            ErrorKind::NotAuthorized if message.contains("attempts exceeded") => {
                "too many failed attempts: the user is locked out for a while"
            }
            ErrorKind::NotAuthorized if message.contains("refresh token") => {
                "the refresh token is no longer valid: sign in again"
            }
            ErrorKind::UserNotConfirmed => "confirm the sign-up with the code that was sent",
            ErrorKind::PasswordResetRequired => {
                "reset the password (ForgotPassword) before signing in"
            }
            ErrorKind::InvalidParameter if message.contains("flow") => {
                "enable this auth flow on the app client (ExplicitAuthFlows)"
            }
            ErrorKind::TooManyRequests => "throttled: retry later with backoff",
            ErrorKind::CodeMismatch => "the code is wrong: ask for it again",
            ErrorKind::ExpiredCode => "the code expired: request a new one",
            _ => return None,
        })
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind.code() {
            "" => write!(f, "HTTP {} without an error code", self.status)?,
            code => f.write_str(code)?,
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(hint) = self.hint() {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// `"aws.protocoljson#NotAuthorizedException:http://..."` -> `"NotAuthorizedException"`.
fn sanitize_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or_default();
    let code = code.rsplit_once('#').map_or(code, |(_, tail)| tail);
    code.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_wins_and_is_sanitized() {
        let e = ServiceError::parse(
            400,
            Some("NotAuthorizedException:http://internal.amazon.com/"),
            Some("rid-1"),
            br#"{"__type":"UserNotFoundException","message":"x"}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::NotAuthorized);
        assert_eq!(e.request_id(), Some("rid-1"));
        assert_eq!(e.message(), "x");
    }

    #[test]
    fn code_before_type_and_namespace_cut() {
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"code":"a#CodeMismatchException","__type":"X"}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::CodeMismatch);
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"__type":"com.amazonaws#ExpiredCodeException","Message":"gone"}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::ExpiredCode);
        assert_eq!(e.message(), "gone");
    }

    #[test]
    fn unknown_and_missing_codes_are_kept() {
        let e = ServiceError::parse(400, None, None, br#"{"__type":"BrandNewException"}"#);
        assert_eq!(e.kind(), &ErrorKind::Unknown("BrandNewException".into()));
        let e = ServiceError::parse(503, None, None, b"<html>busy</html>");
        assert_eq!(e.kind(), &ErrorKind::Unknown(String::new()));
        assert!(e.is_retryable());
        assert_eq!(e.to_string(), "HTTP 503 without an error code");
    }

    #[test]
    fn display_tells_what_to_do() {
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"__type":"NotAuthorizedException","message":"Unable to verify secret hash for client abc"}"#,
        );
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("with_client_secret"), "{e}");
    }

    #[test]
    fn odd_bodies_keep_their_code() {
        // Both spellings of the message, as some proxies and emulators send.
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"__type":"NotAuthorizedException","message":"a","Message":"b"}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::NotAuthorized);
        assert_eq!(e.message(), "a");
        // A message that is not a string.
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"__type":"NotAuthorizedException","message":{"text":"Refresh Token has been revoked"}}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::NotAuthorized);
        assert_eq!(e.message(), "");
        // A revoked refresh token stays final whatever else the body holds.
        let e = ServiceError::parse(
            400,
            None,
            None,
            br#"{"code":null,"__type":"NotAuthorizedException","message":7,"extra":[1,2]}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::NotAuthorized);
        assert!(!e.is_retryable());
        // An empty header does not hide the body's code.
        let e = ServiceError::parse(
            400,
            Some(""),
            None,
            br#"{"__type":"UserNotFoundException"}"#,
        );
        assert_eq!(e.kind(), &ErrorKind::UserNotFound);
    }

    #[test]
    fn every_modeled_code_round_trips() {
        for kind in ErrorKind::MODELED {
            assert_eq!(&ErrorKind::from_code(kind.code()), kind);
        }
    }
}
