"""Managed login, JwtVerifier, token claims and DeviceStore through the Python bindings.

Imported by test_sign_in.py, whose main() runs these tests with the others against
`cognito-auth serve` (the client `pyoauthclient00001` of its POOL). The browser is played by
urllib: GET the authorize URL, POST the login page's form, and read the redirect's Location
(nothing listens on the app's callback URL `myapp://callback`).
"""

import html
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import cognito_auth_ffi as cog

OAUTH_CLIENT = "pyoauthclient00001"
OAUTH_SECRET = "pyoauthclientsecret0123456789abcdef0"
CALLBACK = "myapp://callback"
SIGNED_OUT = "myapp://signed-out"
OAUTH_CLIENT_CONFIG = {
    "client_id": OAUTH_CLIENT, "client_secret": OAUTH_SECRET,
    "callback_urls": [CALLBACK], "logout_urls": [SIGNED_OUT],
    "allowed_oauth_flows": ["code"],
    "allowed_oauth_scopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """The app captures the redirect to its callback URL instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


BROWSER = urllib.request.build_opener(NoRedirect)


def browse(url, form=None):
    """GET (or POST a form to) `url` as a browser would; (status, headers, body text)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with BROWSER.open(urllib.request.Request(url, data=data), timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def send_oauth(request):
    """Sends an OAuthRequest: its headers, plus Authorization when it has one."""
    headers = {h.name: h.value for h in request.headers}
    if request.authorization is not None:
        headers["Authorization"] = request.authorization.reveal()
    body = request.body.reveal().encode() if request.method == "POST" else None
    http = urllib.request.Request(request.url, data=body, method=request.method, headers=headers)
    try:
        with urllib.request.urlopen(http, timeout=30) as response:
            status, pairs, payload = response.status, response.headers.items(), response.read()
    except urllib.error.HTTPError as error:
        status, pairs, payload = error.code, error.headers.items(), error.read()
    return status, [cog.Header(name=n, value=v) for n, v in pairs], payload


def sign_in_through_the_login_page(pending, username, password):
    """Plays the browser: the login page, its form, and the redirect's Location."""
    status, _, page = browse(pending.authorize_url())
    assert status == 200, (status, page[:300])
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    assert action, page[:500]
    for field in ("username", "password"):
        assert f'name="{field}"' in page, field
    hint = re.search(r'id="username"[^>]*value="([^"]*)"', page)
    assert hint and hint.group(1) == username, "login_hint is not prefilled"
    base = pending.authorize_url().split("/oauth2/authorize")[0]
    status, headers, page = browse(base + html.unescape(action.group(1)),
                                   {"username": username, "password": password})
    assert status == 302, (status, page[:300])
    location = headers["Location"]
    assert location.startswith(CALLBACK + "?"), location
    return location


def raises(error_type, fn, *args):
    try:
        fn(*args)
    except error_type as error:
        assert str(error)
        return error
    raise AssertionError(f"{fn} did not raise {error_type.__name__}")


def test_managed_login(pool):
    from test_sign_in import assert_never_printed  # the shared repr() check

    endpoint = pool["endpoint"].rstrip("/")
    config = cog.PoolConfig(pool["pool_id"], OAUTH_CLIENT, OAUTH_SECRET, endpoint)
    login = cog.ManagedLogin(config, cog.LoginDomain.BASE_URL(url=endpoint), CALLBACK)
    assert login.domain_url() == endpoint and login.redirect_uri() == CALLBACK
    raises(cog.CognitoError.InvalidInput, cog.ManagedLogin, config,
           cog.LoginDomain.BASE_URL(url="ftp://nowhere"), CALLBACK)
    raises(cog.CognitoError.InvalidInput, login.authorize, ["openid", "bad scope"])
    assert cog.ManagedLogin(config, cog.LoginDomain.PREFIX(prefix="myapp", region="eu-west-1"),
                            CALLBACK).domain_url() == "https://myapp.auth.eu-west-1.amazoncognito.com"

    pending = login.authorize(["openid", "email", "profile"], login_hint="alice", lang="fr")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(pending.authorize_url()).query))
    assert query["response_type"] == "code" and query["client_id"] == OAUTH_CLIENT, query
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["login_hint"] == "alice" and query["lang"] == "fr" and query["nonce"], query
    assert query["redirect_uri"] == CALLBACK and query["scope"] == "openid email profile"
    state = query["state"]

    # The app is stopped while the browser is open: the login is exported, then imported.
    exported = pending.export()
    saved = json.loads(exported.reveal())
    secrets = [saved["state"], saved["code_verifier"], saved["nonce"]]
    assert pending.nonce().reveal() == saved["nonce"]
    assert_never_printed(secrets, pending, exported, pending.nonce())
    pending = cog.PendingLogin.import_login(exported)
    raises(cog.CognitoError.InvalidInput, cog.PendingLogin.import_login, cog.Secret("{nope"))

    location = sign_in_through_the_login_page(pending, "alice", "Correct-Horse-9")

    # Callbacks that must not be exchanged: each a typed error.
    forged = location.replace(f"state={state}", "state=" + "A" * len(state))
    error = raises(cog.CognitoError.InvalidRedirect, pending.callback, forged)
    assert error.kind == cog.RedirectErrorKind.STATE_MISMATCH, error
    error = raises(cog.CognitoError.InvalidRedirect, pending.callback, f"{CALLBACK}?state={state}")
    assert error.kind == cog.RedirectErrorKind.MISSING_CODE, error
    error = raises(cog.CognitoError.InvalidRedirect, pending.callback, f"{CALLBACK}?code=x")
    assert error.kind == cog.RedirectErrorKind.MISSING_STATE, error
    error = raises(cog.CognitoError.AuthorizationServer, pending.callback,
                   f"{CALLBACK}?error=access_denied&error_description=User+cancelled&state={state}")
    assert error.code == "access_denied" and error.description == "User cancelled", error
    assert error.status is None and error.retryable is False

    code = pending.callback(location)
    request = login.token_request(pending, code)
    assert request.method == "POST" and request.url == endpoint + "/oauth2/token"
    assert request.authorization.reveal().startswith("Basic ")
    assert all(h.name.lower() != "authorization" for h in request.headers)
    body = dict(urllib.parse.parse_qsl(request.body.reveal()))
    assert body["grant_type"] == "authorization_code"
    assert body["code_verifier"] == saved["code_verifier"]
    assert_never_printed([body["code"], saved["code_verifier"], request.authorization.reveal()],
                         code, request, request.body, request.authorization)
    tokens = login.handle_token_response(*send_oauth(request), int(time.time()))
    assert tokens.refresh_token is not None and tokens.token_type == "Bearer"
    assert_never_printed([tokens.id_token.reveal(), tokens.access_token.reveal(),
                          tokens.refresh_token.reveal()], tokens)

    # The tokens verify against the pool's JWKS, with this login's nonce.
    issuer = f"{endpoint}/{pool['pool_id']}"
    with urllib.request.urlopen(issuer + "/.well-known/jwks.json", timeout=30) as r:
        jwks = r.read().decode()
    verifier = cog.JwtVerifier(issuer, OAUTH_CLIENT, jwks)
    assert verifier.issuer() == issuer and verifier.leeway() == 60
    now = int(time.time())
    verified = verifier.verify_id_token(tokens.id_token, now, pending.nonce())
    claims = verified.claims
    assert claims.token_use == "id" and claims.internal_username == "alice", claims
    assert claims.client_id == OAUTH_CLIENT and claims.iss == issuer, claims
    assert json.loads(verified.payload_json)["nonce"] == saved["nonce"]
    access = verifier.verify_access_token(tokens.access_token, now)
    assert access.claims.token_use == "access" and access.claims.sub == claims.sub
    assert "openid" in access.scopes, access.scopes
    assert cog.id_claims(tokens).sub == claims.sub
    assert cog.access_claims(tokens).internal_username == "alice"
    assert cog.token_claims(tokens.access_token).exp == access.claims.exp

    def refused(kind, fn, *args):
        error = raises(cog.CognitoError.InvalidToken, fn, *args)
        assert error.kind == kind, (kind, error)
        for secret in (tokens.id_token.reveal(), tokens.access_token.reveal()):
            assert secret.split(".")[1] not in str(error)

    header, payload, signature = tokens.id_token.reveal().split(".")
    tampered = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    refused(cog.TokenErrorKind.BAD_SIGNATURE, verifier.verify_id_token,
            cog.Secret(f"{header}.{tampered}.{signature}"), now, None)
    refused(cog.TokenErrorKind.NONCE, verifier.verify_id_token, tokens.id_token, now,
            cog.Secret("another-login-nonce"))
    refused(cog.TokenErrorKind.TOKEN_USE, verifier.verify_id_token, tokens.access_token, now, None)
    refused(cog.TokenErrorKind.EXPIRED, verifier.verify_access_token, tokens.access_token,
            now + 10 * 86_400)
    refused(cog.TokenErrorKind.AUDIENCE, cog.JwtVerifier(issuer, "someoneelse", jwks)
            .verify_access_token, tokens.access_token, now)
    refused(cog.TokenErrorKind.ISSUER, cog.JwtVerifier.for_pool(config, jwks)
            .verify_access_token, tokens.access_token, now)
    rotated = json.loads(jwks)
    for key in rotated["keys"]:
        key["kid"] = "rotated-" + key["kid"]
    refused(cog.TokenErrorKind.UNKNOWN_KEY, cog.JwtVerifier(issuer, OAUTH_CLIENT,
            json.dumps(rotated)).verify_access_token, tokens.access_token, now)
    refused(cog.TokenErrorKind.JWKS, cog.JwtVerifier, issuer, OAUTH_CLIENT, '{"keys": []}')
    refused(cog.TokenErrorKind.MALFORMED, verifier.verify_id_token, cog.Secret("a.b"), now, None)
    assert verifier.with_client_id("someoneelse").verify_access_token(tokens.access_token, now)

    # userInfo, refresh, revoke (the refresh token is refused after), logout.
    userinfo = login.userinfo_request(tokens.access_token)
    assert userinfo.method == "GET" and userinfo.authorization.reveal().startswith("Bearer ")
    info = login.handle_userinfo_response(*send_oauth(userinfo))
    assert info.sub == claims.sub and info.username == "alice", info
    assert info.email == "alice@example.com", info
    error = raises(cog.CognitoError.AuthorizationServer, login.handle_userinfo_response,
                   *send_oauth(login.userinfo_request(cog.Secret("not.a.token"))))
    assert error.code == "invalid_token", error

    refreshed = login.handle_refresh_response(*send_oauth(login.refresh_request(
        tokens.refresh_token)), int(time.time()), tokens.refresh_token)
    verifier.verify_access_token(refreshed.access_token, int(time.time()))
    assert refreshed.refresh_token.reveal() == tokens.refresh_token.reveal()
    login.handle_revoke_response(*send_oauth(login.revoke_request(tokens.refresh_token)))
    error = raises(cog.CognitoError.AuthorizationServer, login.handle_refresh_response,
                   *send_oauth(login.refresh_request(tokens.refresh_token)), int(time.time()),
                   tokens.refresh_token)
    assert error.code == "invalid_grant", error
    # The code is single use (here, after the revocation: a reuse revokes what it gave).
    error = raises(cog.CognitoError.AuthorizationServer, login.handle_token_response,
                   *send_oauth(request), int(time.time()))
    assert error.code == "invalid_grant" and error.status == 400, error
    logout = login.logout_url(SIGNED_OUT)
    assert logout.startswith(endpoint + "/logout?client_id=" + OAUTH_CLIENT), logout
    status, headers, _ = browse(logout)
    assert status == 302 and headers["Location"] == SIGNED_OUT, (status, headers)
    error = raises(cog.CognitoError.InvalidResponse, login.handle_token_response,
                   200, [], b"<html>proxy</html>", 0)


def test_device_store(_pool):
    from test_sign_in import assert_never_printed

    device = cog.DeviceCredentials(device_key="us-east-1_dk1", device_group_key="dgk",
                                   device_password=cog.Secret("device-password-123"),
                                   user_sub="sub-1")
    store = cog.DeviceStore()
    assert store.for_username("alice") is None
    store.insert("alice", device)
    store.link_alias("alice@example.com", "sub-1")
    for name in ("alice", "alice@example.com", "sub-1"):
        assert store.for_username(name) == device, name
    exported = store.export()
    assert "device-password-123" in exported.reveal()
    assert_never_printed(["device-password-123"], store, exported)
    restored = cog.DeviceStore.import_store(exported)
    assert restored.for_username("alice@example.com").device_password.reveal() == \
        "device-password-123"
    assert restored.remove_device("us-east-1_dk1") == device
    assert restored.for_username("alice") is None and restored.remove_device("nope") is None
    assert store.for_username("alice") == device  # the import is a copy
    error = raises(cog.CognitoError.InvalidInput, cog.DeviceStore.import_store,
                   cog.Secret('{"by_sub": "device-password-123"'))
    assert "device-password-123" not in str(error)
