//! SRP-6a as Amazon Cognito speaks it (3072-bit group, SHA-256, padHex encoding).
