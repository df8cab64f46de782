//! Every operation of the Cognito user-pools API (`cognito-idp`, 2016-04-18) and how it is
//! authorized. Generated from the service model in `shared/model`; `tests/model.rs` checks that
//! this list and the model agree.

use core::fmt;

/// How Cognito authorizes a request for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authorization {
    /// Sent unsigned. Authority comes from the body: the client id, a challenge `Session`, a
    /// refresh token, or the user's `AccessToken` as a body member.
    Unsigned,
    /// Needs AWS Signature Version 4 (service `cognito-idp`) with IAM credentials; meant for
    /// back ends, never for an app's own user.
    SigV4,
}

macro_rules! operations {
    ($( $(#[$doc:meta])* $name:ident => $auth:ident, )*) => {
        /// A Cognito user-pools operation. `X-Amz-Target` is
        /// `AWSCognitoIdentityProviderService.<name>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[$doc])* $name, )*
        }

        impl Operation {
            /// Every operation in the service model, in alphabetical order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name,)*];

            /// The operation's name as the service spells it (`"InitiateAuth"`).
            pub const fn name(self) -> &'static str {
                match self { $(Operation::$name => stringify!($name),)* }
            }

            /// The value of the `X-Amz-Target` header.
            pub const fn target(self) -> &'static str {
                match self {
                    $(Operation::$name => concat!("AWSCognitoIdentityProviderService.", stringify!($name)),)*
                }
            }

            /// How the service authorizes this operation.
            pub const fn authorization(self) -> Authorization {
                match self { $(Operation::$name => Authorization::$auth,)* }
            }

            /// Looks an operation up by its service name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($name) => Some(Operation::$name),)* _ => None }
            }
        }
    };
}

operations! {
    /// Adds additional user attributes to the user pool schema.
    AddCustomAttributes => SigV4,
    /// Creates a new client secret for an existing confidential user pool app client.
    AddUserPoolClientSecret => SigV4,
    /// Adds a user to a group.
    AdminAddUserToGroup => SigV4,
    /// Confirms user sign-up as an administrator.
    AdminConfirmSignUp => SigV4,
    /// Creates a new user in the specified user pool.
    AdminCreateUser => SigV4,
    /// Deletes a user profile in your user pool.
    AdminDeleteUser => SigV4,
    /// Deletes attribute values from a user.
    AdminDeleteUserAttributes => SigV4,
    /// Prevents the user from signing in with the specified external (SAML or social) identity provider (IdP).
    AdminDisableProviderForUser => SigV4,
    /// Deactivates a user profile and revokes all access tokens for the user.
    AdminDisableUser => SigV4,
    /// Activates sign-in for a user profile that previously had sign-in access disabled.
    AdminEnableUser => SigV4,
    /// Forgets, or deletes, a remembered device from a user's profile.
    AdminForgetDevice => SigV4,
    /// Given the device key, returns details for a user's device.
    AdminGetDevice => SigV4,
    /// Given a username, returns details about a user profile in a user pool.
    AdminGetUser => SigV4,
    /// Lists the authentication options for a user in a user pool.
    AdminGetUserAuthFactors => SigV4,
    /// Starts sign-in for applications with a server-side component, for example a traditional web application.
    AdminInitiateAuth => SigV4,
    /// Links an existing user account in a user pool, or DestinationUser, to an identity from an external IdP, or SourceUser, based on a specified...
    AdminLinkProviderForUser => SigV4,
    /// Lists a user's registered devices.
    AdminListDevices => SigV4,
    /// Lists the groups that a user belongs to.
    AdminListGroupsForUser => SigV4,
    /// Requests a history of user activity and any risks detected as part of Amazon Cognito threat protection.
    AdminListUserAuthEvents => SigV4,
    /// Given a username and a group name, removes them from the group.
    AdminRemoveUserFromGroup => SigV4,
    /// Begins the password reset process.
    AdminResetUserPassword => SigV4,
    /// Some API operations in a user pool generate a challenge, like a prompt for an MFA code, for device authentication that bypasses MFA, or for a...
    AdminRespondToAuthChallenge => SigV4,
    /// Sets the user's multi-factor authentication (MFA) preference, including which MFA options are activated, and if any are preferred.
    AdminSetUserMFAPreference => SigV4,
    /// Sets the specified user's password in a user pool.
    AdminSetUserPassword => SigV4,
    /// This action is no longer supported.
    AdminSetUserSettings => SigV4,
    /// Provides the feedback for an authentication event generated by threat protection features.
    AdminUpdateAuthEventFeedback => SigV4,
    /// Updates the status of a user's device so that it is marked as remembered or not remembered for the purpose of device authentication.
    AdminUpdateDeviceStatus => SigV4,
    /// Updates the specified user's attributes.
    AdminUpdateUserAttributes => SigV4,
    /// Invalidates the identity, access, and refresh tokens that Amazon Cognito issued to a user.
    AdminUserGlobalSignOut => SigV4,
    /// Begins setup of time-based one-time password (TOTP) multi-factor authentication (MFA) for a user, with a unique private key that Amazon Cognito...
    AssociateSoftwareToken => Unsigned,
    /// Changes the password for the currently signed-in user.
    ChangePassword => Unsigned,
    /// Completes registration of a passkey authenticator for the currently signed-in user.
    CompleteWebAuthnRegistration => Unsigned,
    /// Confirms a device that a user wants to remember.
    ConfirmDevice => Unsigned,
    /// This public API operation accepts a confirmation code that Amazon Cognito sent to a user and accepts a new password for that user.
    ConfirmForgotPassword => Unsigned,
    /// Confirms the account of a new user.
    ConfirmSignUp => Unsigned,
    /// Creates a new group in the specified user pool.
    CreateGroup => SigV4,
    /// Adds a configuration and trust relationship between a third-party identity provider (IdP) and a user pool.
    CreateIdentityProvider => SigV4,
    /// Creates a new set of branding settings for a user pool style and associates it with an app client.
    CreateManagedLoginBranding => SigV4,
    /// Creates a new OAuth2.0 resource server and defines custom scopes within it.
    CreateResourceServer => SigV4,
    /// Creates terms documents for the requested app client.
    CreateTerms => SigV4,
    /// Creates a user import job.
    CreateUserImportJob => SigV4,
    /// Creates a new Amazon Cognito user pool.
    CreateUserPool => SigV4,
    /// Creates an app client in a user pool.
    CreateUserPoolClient => SigV4,
    /// A user pool domain hosts managed login, an authorization server and web server for authentication in your application.
    CreateUserPoolDomain => SigV4,
    /// Creates a replica of an existing user pool in a specified Amazon Web Services Region.
    CreateUserPoolReplica => SigV4,
    /// Deletes a group from the specified user pool.
    DeleteGroup => SigV4,
    /// Deletes a user pool identity provider (IdP).
    DeleteIdentityProvider => SigV4,
    /// Deletes a managed login branding style.
    DeleteManagedLoginBranding => SigV4,
    /// Deletes a resource server.
    DeleteResourceServer => SigV4,
    /// Deletes the terms documents with the requested ID from your app client.
    DeleteTerms => SigV4,
    /// Deletes the profile of the currently signed-in user.
    DeleteUser => Unsigned,
    /// Deletes attributes from the currently signed-in user.
    DeleteUserAttributes => Unsigned,
    /// Deletes a user pool.
    DeleteUserPool => SigV4,
    /// Deletes a user pool app client.
    DeleteUserPoolClient => SigV4,
    /// Deletes a specific client secret from a user pool app client.
    DeleteUserPoolClientSecret => SigV4,
    /// Given a user pool ID and domain identifier, deletes a user pool domain.
    DeleteUserPoolDomain => SigV4,
    /// Deletes a secondary replica user pool.
    DeleteUserPoolReplica => SigV4,
    /// Deletes a registered passkey, or WebAuthn, authenticator for the currently signed-in user.
    DeleteWebAuthnCredential => Unsigned,
    /// Given a user pool ID and identity provider (IdP) name, returns details about the IdP.
    DescribeIdentityProvider => SigV4,
    /// Given the ID of a managed login branding style, returns detailed information about the style.
    DescribeManagedLoginBranding => SigV4,
    /// Given the ID of a user pool app client, returns detailed information about the style assigned to the app client.
    DescribeManagedLoginBrandingByClient => SigV4,
    /// Describes a resource server.
    DescribeResourceServer => SigV4,
    /// Given an app client or user pool ID where threat protection is configured, describes the risk configuration.
    DescribeRiskConfiguration => SigV4,
    /// Returns details for the requested terms documents ID.
    DescribeTerms => SigV4,
    /// Describes a user import job.
    DescribeUserImportJob => SigV4,
    /// Given a user pool ID, returns configuration information.
    DescribeUserPool => SigV4,
    /// Given an app client ID, returns configuration information.
    DescribeUserPoolClient => SigV4,
    /// Given a user pool domain name, returns information about the domain configuration.
    DescribeUserPoolDomain => SigV4,
    /// Given a device key, deletes a remembered device as the currently signed-in user.
    ForgetDevice => Unsigned,
    /// Sends a password-reset confirmation code to the email address or phone number of the requested username.
    ForgotPassword => Unsigned,
    /// Given a user pool ID, generates a comma-separated value (CSV) list populated with available user attributes in the user pool.
    GetCSVHeader => SigV4,
    /// Given a device key, returns information about a remembered device for the current user.
    GetDevice => Unsigned,
    /// Given a user pool ID and a group name, returns information about the user group.
    GetGroup => SigV4,
    /// Given the identifier of an identity provider (IdP), for example examplecorp, returns information about the user pool configuration for that IdP.
    GetIdentityProviderByIdentifier => SigV4,
    /// Given a user pool ID, returns the logging configuration.
    GetLogDeliveryConfiguration => SigV4,
    /// Returns the current provisioned limit for a specific API category.
    GetProvisionedLimit => SigV4,
    /// Given a user pool ID, returns the signing certificate for SAML 2.0 federation.
    GetSigningCertificate => SigV4,
    /// Given a refresh token, issues new ID, access, and optionally refresh tokens for the user who owns the submitted token.
    GetTokensFromRefreshToken => Unsigned,
    /// Given a user pool ID or app client, returns information about classic hosted UI branding that you applied, if any.
    GetUICustomization => SigV4,
    /// Gets user attributes and and MFA settings for the currently signed-in user.
    GetUser => Unsigned,
    /// Given an attribute name, sends a user attribute verification code for the specified attribute name to the currently signed-in user.
    GetUserAttributeVerificationCode => Unsigned,
    /// Lists the authentication options for the currently signed-in user.
    GetUserAuthFactors => Unsigned,
    /// Given a user pool ID, returns configuration for sign-in with WebAuthn authenticators and for multi-factor authentication (MFA).
    GetUserPoolMfaConfig => SigV4,
    /// Invalidates the identity, access, and refresh tokens that Amazon Cognito issued to a user.
    GlobalSignOut => Unsigned,
    /// Declares an authentication flow and initiates sign-in for a user in the Amazon Cognito user directory.
    InitiateAuth => Unsigned,
    /// Lists the devices that Amazon Cognito has registered to the currently signed-in user.
    ListDevices => Unsigned,
    /// Given a user pool ID, returns user pool groups and their details.
    ListGroups => SigV4,
    /// Given a user pool ID, returns information about configured identity providers (IdPs).
    ListIdentityProviders => SigV4,
    /// Given a user pool ID, returns all resource servers and their details.
    ListResourceServers => SigV4,
    /// Lists the tags that are assigned to an Amazon Cognito user pool.
    ListTagsForResource => SigV4,
    /// Returns details about all terms documents for the requested user pool.
    ListTerms => SigV4,
    /// Given a user pool ID, returns user import jobs and their details.
    ListUserImportJobs => SigV4,
    /// Lists all client secrets associated with a user pool app client.
    ListUserPoolClientSecrets => SigV4,
    /// Given a user pool ID, lists app clients.
    ListUserPoolClients => SigV4,
    /// Lists all replicas for a user pool, including both primary and secondary replicas.
    ListUserPoolReplicas => SigV4,
    /// Lists user pools and their details in the current Amazon Web Services account.
    ListUserPools => SigV4,
    /// Given a user pool ID, returns a list of users and their basic details in a user pool.
    ListUsers => SigV4,
    /// Given a user pool ID and a group name, returns a list of users in the group.
    ListUsersInGroup => SigV4,
    /// Generates a list of the currently signed-in user's registered passkey, or WebAuthn, credentials.
    ListWebAuthnCredentials => Unsigned,
    /// Resends the code that confirms a new account for a user who has signed up in your user pool.
    ResendConfirmationCode => Unsigned,
    /// Some API operations in a user pool generate a challenge, like a prompt for an MFA code, for device authentication that bypasses MFA, or for a...
    RespondToAuthChallenge => Unsigned,
    /// Revokes all of the access tokens generated by, and at the same time as, the specified refresh token.
    RevokeToken => Unsigned,
    /// Sets up or modifies the logging configuration of a user pool.
    SetLogDeliveryConfiguration => SigV4,
    /// Configures threat protection for a user pool or app client.
    SetRiskConfiguration => SigV4,
    /// Configures UI branding settings for domains with the hosted UI (classic) branding version.
    SetUICustomization => SigV4,
    /// Set the user's multi-factor authentication (MFA) method preference, including which MFA factors are activated and if any are preferred.
    SetUserMFAPreference => Unsigned,
    /// Sets user pool multi-factor authentication (MFA) and passkey configuration.
    SetUserPoolMfaConfig => SigV4,
    /// This action is no longer supported.
    SetUserSettings => Unsigned,
    /// Registers a user with an app client and requests a user name, password, and user attributes in the user pool.
    SignUp => Unsigned,
    /// Instructs your user pool to start importing users from a CSV file that contains their usernames and attributes.
    StartUserImportJob => SigV4,
    /// Requests credential creation options from your user pool for the currently signed-in user.
    StartWebAuthnRegistration => Unsigned,
    /// Instructs your user pool to stop a running job that's importing users from a CSV file that contains their usernames and attributes.
    StopUserImportJob => SigV4,
    /// Assigns a set of tags to an Amazon Cognito user pool.
    TagResource => SigV4,
    /// Given tag IDs that you previously assigned to a user pool, removes them.
    UntagResource => SigV4,
    /// Provides the feedback for an authentication event generated by threat protection features.
    UpdateAuthEventFeedback => Unsigned,
    /// Updates the status of a the currently signed-in user's device so that it is marked as remembered or not remembered for the purpose of device...
    UpdateDeviceStatus => Unsigned,
    /// Given the name of a user pool group, updates any of the properties for precedence, IAM role, or description.
    UpdateGroup => SigV4,
    /// Modifies the configuration and trust relationship between a third-party identity provider (IdP) and a user pool.
    UpdateIdentityProvider => SigV4,
    /// Configures the branding settings for a user pool style.
    UpdateManagedLoginBranding => SigV4,
    /// Sets the provisioned limit for a specific API category.
    UpdateProvisionedLimit => SigV4,
    /// Updates the name and scopes of a resource server.
    UpdateResourceServer => SigV4,
    /// Modifies existing terms documents for the requested app client.
    UpdateTerms => SigV4,
    /// Updates the currently signed-in user's attributes.
    UpdateUserAttributes => Unsigned,
    /// Updates the configuration of a user pool.
    UpdateUserPool => SigV4,
    /// Given a user pool app client ID, updates the configuration.
    UpdateUserPoolClient => SigV4,
    /// A user pool domain hosts managed login, an authorization server and web server for authentication in your application.
    UpdateUserPoolDomain => SigV4,
    /// Updates replica-specific settings for a user pool replica.
    UpdateUserPoolReplica => SigV4,
    /// Registers the current user's time-based one-time password (TOTP) authenticator with a code generated in their authenticator app from a private key...
    VerifySoftwareToken => Unsigned,
    /// Submits a verification code for a signed-in user who has added or changed a value of an auto-verified attribute.
    VerifyUserAttribute => Unsigned,}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
