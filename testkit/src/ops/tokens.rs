//! Issuing tokens, refreshing them (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken with
//! rotation), RevokeToken and GlobalSignOut.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::param;
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::pool::{Cx, Pool};
use crate::store::RefreshRecord;
use crate::wire::Body;

/// What a managed-login grant adds to the tokens.
#[derive(Debug, Clone)]
pub(crate) struct OAuthGrant {
    /// The granted scopes, space-separated.
    pub(crate) scope: String,
    /// The `nonce` of the authorization request, for the ID token.
    pub(crate) nonce: Option<String>,
}

/// The header of an encrypted (JWE) refresh token, as the service's start.
const REFRESH_HEADER: &str = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ";

impl Pool {
    /// An AuthenticationResult: RS256 access and ID tokens and, if `new_refresh`, a refresh
    /// token. `origin_jti` ties refreshed tokens to the sign-in they came from.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn issue_tokens(
        &mut self,
        username: &str,
        client_id: &str,
        auth_time: u64,
        device_key: Option<String>,
        origin_jti: Option<String>,
        new_refresh: bool,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        self.issue_tokens_for(
            username,
            client_id,
            auth_time,
            device_key,
            origin_jti,
            new_refresh,
            None,
            cx,
        )
    }

    /// [`issue_tokens`](Self::issue_tokens) for a grant of managed login when `grant` is
    /// given: the access token carries its scopes, the ID token its `nonce` (and exists only
    /// with scope `openid`); the refresh token remembers the scopes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn issue_tokens_for(
        &mut self,
        username: &str,
        client_id: &str,
        auth_time: u64,
        device_key: Option<String>,
        origin_jti: Option<String>,
        new_refresh: bool,
        grant: Option<&OAuthGrant>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client = self.client(client_id)?.clone();
        let user = self
            .users
            .get(username)
            .ok_or_else(ApiError::user_not_found)?;
        let now = cx.now;
        let exp = now.saturating_add(client.token_validity_secs);
        let origin_jti = origin_jti.unwrap_or_else(|| crypto::uuid(cx.rng));
        let event_id = crypto::uuid(cx.rng);
        let mut access = json!({
            "sub": user.sub,
            "iss": self.issuer,
            "client_id": client_id,
            "event_id": event_id,
            "token_use": "access",
            "scope": grant.map_or("aws.cognito.signin.user.admin", |g| g.scope.as_str()),
            "auth_time": auth_time,
            "exp": exp,
            "iat": now,
            "jti": crypto::uuid(cx.rng),
            "username": user.username,
        });
        let mut id = Map::new();
        for (name, value) in &user.attributes {
            let value = match value.as_str() {
                "true" if name.ends_with("_verified") => Value::Bool(true),
                "false" if name.ends_with("_verified") => Value::Bool(false),
                _ => Value::String(value.clone()),
            };
            id.insert(name.clone(), value);
        }
        let extra = json!({
            "sub": user.sub,
            "iss": self.issuer,
            "cognito:username": user.username,
            "aud": client_id,
            "event_id": event_id,
            "token_use": "id",
            "auth_time": auth_time,
            "exp": exp,
            "iat": now,
            "jti": crypto::uuid(cx.rng),
        });
        if let Value::Object(extra) = extra {
            id.extend(extra);
        }
        if let Some(grant) = grant {
            if let Some(obj) = access.as_object_mut() {
                obj.insert("version".into(), json!(2));
            }
            if let Some(nonce) = &grant.nonce {
                id.insert("nonce".into(), json!(nonce));
            }
        }
        if client.enable_token_revocation {
            if let Some(obj) = access.as_object_mut() {
                obj.insert("origin_jti".into(), json!(origin_jti));
            }
            id.insert("origin_jti".into(), json!(origin_jti));
        }
        if let (Some(key), Some(obj)) = (&device_key, access.as_object_mut()) {
            obj.insert("device_key".into(), json!(key));
        }
        let signing_failed = || ApiError::new("InternalErrorException", "Token signing failed.");
        let access_token = self.signer.sign(&access).ok_or_else(signing_failed)?;
        let id_token = self
            .signer
            .sign(&Value::Object(id))
            .ok_or_else(signing_failed)?;
        let mut result = json!({
            "AccessToken": access_token,
            "IdToken": id_token,
            "ExpiresIn": client.token_validity_secs,
            "TokenType": "Bearer",
        });
        if grant.is_some_and(|g| !g.scope.split(' ').any(|s| s == "openid")) {
            if let Some(obj) = result.as_object_mut() {
                obj.remove("IdToken");
            }
        }
        if new_refresh {
            let token = format!(
                "{REFRESH_HEADER}.{}.{}.{}.{}",
                crypto::opaque(cx.rng, 256),
                crypto::opaque(cx.rng, 12),
                crypto::opaque(cx.rng, 400),
                crypto::opaque(cx.rng, 16)
            );
            self.refresh_tokens.insert(
                token.clone(),
                RefreshRecord {
                    username: username.to_owned(),
                    client_id: client_id.to_owned(),
                    origin_jti,
                    auth_time,
                    device_key,
                    expires: now.saturating_add(client.refresh_token_validity_secs),
                    revoked: false,
                    rotated_at: None,
                    scope: grant.map(|g| g.scope.clone()),
                },
            );
            if let Some(obj) = result.as_object_mut() {
                obj.insert("RefreshToken".into(), json!(token));
            }
        }
        Ok(result)
    }

    /// InitiateAuth(REFRESH_TOKEN_AUTH): SECRET_HASH over the internal user name; never
    /// with rotation on; no new refresh token.
    pub(crate) fn refresh_token_auth(
        &mut self,
        client_id: &str,
        params: &BTreeMap<String, String>,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = param(params, "REFRESH_TOKEN")?;
        let client = self.client(client_id)?;
        if client.rotation().is_some() {
            return Err(ApiError::invalid_parameter(
                "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken",
            ));
        }
        let username = self
            .live_refresh(client_id, token, cx.now)?
            .username
            .clone();
        self.check_secret_hash(
            client_id,
            &username,
            params.get("SECRET_HASH").map(String::as_str),
        )?;
        let device = params.get("DEVICE_KEY").map(String::as_str);
        let result = self.refresh(client_id, token, device, false, cx)?;
        Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
    }

    pub(crate) fn get_tokens_from_refresh_token(
        &mut self,
        body: &Body,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let token = body.str("RefreshToken")?;
        let client_id = body.str("ClientId")?;
        self.check_client_secret(client_id, body.opt_str("ClientSecret")?)?;
        let rotate = self.client(client_id)?.rotation().is_some();
        let result = self.refresh(client_id, token, body.opt_str("DeviceKey")?, rotate, cx)?;
        Ok(json!({"AuthenticationResult": result}))
    }

    /// A refresh token that may be used now by `client_id`.
    pub(crate) fn live_refresh(
        &self,
        client_id: &str,
        token: &str,
        now: u64,
    ) -> ApiResult<&RefreshRecord> {
        let record = self
            .refresh_tokens
            .get(token)
            .filter(|r| r.client_id == client_id)
            .ok_or_else(ApiError::invalid_refresh_token)?;
        if record.revoked {
            return Err(ApiError::not_authorized("Refresh Token has been revoked"));
        }
        if record.expires <= now {
            return Err(ApiError::not_authorized("Refresh Token has expired"));
        }
        Ok(record)
    }

    pub(crate) fn refresh(
        &mut self,
        client_id: &str,
        token: &str,
        device_key: Option<&str>,
        rotate: bool,
        cx: &mut Cx<'_>,
    ) -> ApiResult<Value> {
        let client = self.client(client_id)?.clone();
        if !client.allows("ALLOW_REFRESH_TOKEN_AUTH") {
            return Err(ApiError::invalid_parameter(
                "Refresh Token Flow not enabled for this client",
            ));
        }
        let record = self.live_refresh(client_id, token, cx.now)?.clone();
        let user = self
            .users
            .get(&record.username)
            .ok_or_else(|| ApiError::not_authorized("User does not exist."))?;
        if let Some(bound) = &record.device_key {
            let confirmed = user.devices.get(bound).is_some_and(|d| d.confirmed());
            if confirmed && device_key != Some(bound.as_str()) {
                return Err(ApiError::invalid_refresh_token());
            }
        }
        if let (Some(at), Some(rotation)) = (record.rotated_at, client.rotation()) {
            if cx.now > at.saturating_add(rotation.retry_grace_period_seconds) {
                return Err(ApiError::new(
                    "RefreshTokenReuseException",
                    "Refresh token has been reused.",
                ));
            }
        }
        if rotate {
            if let Some(old) = self.refresh_tokens.get_mut(token) {
                old.rotated_at.get_or_insert(cx.now);
            }
        }
        let grant = record
            .scope
            .clone()
            .map(|scope| OAuthGrant { scope, nonce: None });
        self.issue_tokens_for(
            &record.username,
            client_id,
            record.auth_time,
            record.device_key.clone(),
            Some(record.origin_jti.clone()),
            rotate,
            grant.as_ref(),
            cx,
        )
    }

    pub(crate) fn revoke_token(&mut self, body: &Body) -> ApiResult<Value> {
        let token = body.str("Token")?;
        let client_id = body.str("ClientId")?;
        self.check_client_secret(client_id, body.opt_str("ClientSecret")?)?;
        if !self.client(client_id)?.enable_token_revocation {
            return Err(ApiError::new(
                "UnsupportedOperationException",
                "Token revocation is not enabled for this client.",
            ));
        }
        if self.signer.verify(token).is_some() {
            return Err(ApiError::new(
                "UnsupportedTokenTypeException",
                "Only refresh tokens can be revoked.",
            ));
        }
        let Some(record) = self.refresh_tokens.get(token) else {
            return Ok(json!({}));
        };
        if record.client_id != client_id {
            return Err(ApiError::new(
                "UnauthorizedException",
                "The token was not issued to this client.",
            ));
        }
        let origin = record.origin_jti.clone();
        self.revoke_origin(&origin);
        Ok(json!({}))
    }

    pub(crate) fn revoke_origin(&mut self, origin: &str) {
        for record in self.refresh_tokens.values_mut() {
            if record.origin_jti == origin {
                record.revoked = true;
            }
        }
        self.revoked_origins.insert(origin.to_owned());
    }

    pub(crate) fn global_sign_out(&mut self, body: &Body, cx: &mut Cx<'_>) -> ApiResult<Value> {
        let username = self.authorize(body.str("AccessToken")?, cx.now)?;
        self.sign_out_everywhere(&username);
        Ok(json!({}))
    }

    /// Revokes every refresh token of the user and the access tokens issued with them.
    pub(crate) fn sign_out_everywhere(&mut self, username: &str) {
        let origins: Vec<String> = self
            .refresh_tokens
            .values()
            .filter(|r| r.username == username)
            .map(|r| r.origin_jti.clone())
            .collect();
        for origin in origins {
            self.revoke_origin(&origin);
        }
    }
}
