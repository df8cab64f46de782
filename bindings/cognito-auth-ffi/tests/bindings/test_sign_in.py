"""Drives the generated Python bindings against `cognito-auth serve`, over HTTP with urllib.

Run by tests/python_bindings.rs, which generates the bindings and sets:
  COGNITO_AUTH_FFI_BINDINGS  the folder with cognito_auth_ffi.py and the library beside it
  COGNITO_AUTH_CLI           the cognito-auth binary (its `serve` command is the local pool)
Prints "python: N passed, M failed" and exits non-zero on any failure.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

sys.path.insert(0, os.environ["COGNITO_AUTH_FFI_BINDINGS"])
import cognito_auth_ffi as cog  # noqa: E402
# Managed login, JwtVerifier, claims and DeviceStore: run by main() with the tests below.
from test_managed_login import (  # noqa: E402
    OAUTH_CLIENT_CONFIG, test_device_store, test_managed_login)

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CLIENT_SECRET = "pybindingsclientsecret0123456789abcdef"
POOL = {
    "pool_id": "us-east-1_PyBind01",
    "clients": [
        {"client_id": "pypublicclient0001"},
        {"client_id": "pysecretclient0001", "client_secret": CLIENT_SECRET},
        {"client_id": "pypasswordclient01",
         "explicit_auth_flows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
        OAUTH_CLIENT_CONFIG,
    ],
    "mfa": "optional",
    "users": [
        {"username": "alice", "password": "Correct-Horse-9", "status": "CONFIRMED",
         "attributes": {"email": "alice@example.com"}},
        {"username": "bob", "password": "Battery-Staple-7", "status": "CONFIRMED",
         "mfa": {"totp_secret": TOTP_SECRET, "preferred": "SOFTWARE_TOKEN_MFA"}},
    ],
}


def send(request):
    """The app's HTTP stack: POST the request, return (status, headers, body)."""
    assert request.method == "POST"
    http = urllib.request.Request(
        request.url,
        data=request.body.reveal().encode(),
        method=request.method,
        headers={h.name: h.value for h in request.headers},
    )
    try:
        with urllib.request.urlopen(http, timeout=30) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, list(error.headers.items()), error.read()


def headers_of(pairs):
    return [cog.Header(name=name, value=value) for name, value in pairs]


def drive(session, request):
    """Sends requests until the sign-in needs the user or is over."""
    while True:
        status, headers, body = send(request)
        step = session.handle_response(status, headers_of(headers), body, int(time.time()))
        if step.is_send():
            request = step.request
        else:
            return step


def test_srp_sign_in_and_refresh(pool):
    config = cog.PoolConfig(pool["pool_id"], "pypublicclient0001", None, pool["endpoint"])
    session = cog.SignInSession(config, "alice", "Correct-Horse-9")
    assert session.status().is_not_started()
    step = drive(session, session.start())
    assert step.is_done(), step
    tokens = step.tokens
    assert tokens.access_token.reveal().count(".") == 2
    assert tokens.id_token.reveal().count(".") == 2
    assert tokens.refresh_token and tokens.refresh_token.reveal()
    assert tokens.token_type == "Bearer"
    assert tokens.expires_at >= int(time.time()) + tokens.expires_in - 60
    assert session.status().is_done()

    refresh = cog.Refresh(config, tokens, cog.RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    status, headers, body = send(refresh.request())
    refreshed = refresh.handle_response(status, headers_of(headers), body, int(time.time()))
    assert refreshed.access_token.reveal().count(".") == 2
    assert refreshed.refresh_token == tokens.refresh_token
    assert refreshed.refresh_token.reveal() == tokens.refresh_token.reveal()


def test_wrong_password_is_not_authorized(pool):
    config = cog.PoolConfig(pool["pool_id"], "pypublicclient0001", None, pool["endpoint"])
    session = cog.SignInSession(config, "alice", "Wrong-Horse-9")
    try:
        drive(session, session.start())
    except cog.CognitoError.Service as error:
        assert error.code == "NotAuthorizedException", error.code
        assert error.retryable is False
        assert "Incorrect" in error.reason, error.reason
    else:
        raise AssertionError("a wrong password signed in")
    assert session.status().is_failed()


def test_totp_challenge_with_client_secret(pool):
    config = cog.PoolConfig(pool["pool_id"], "pysecretclient0001", CLIENT_SECRET, pool["endpoint"])
    session = cog.SignInSession(config, "bob", "Battery-Staple-7")
    step = drive(session, session.start())
    assert step.is_challenge(), step
    assert step.challenge.is_software_token_mfa(), step.challenge

    # The app goes to the background and comes back: suspend and resume.
    suspended = session.suspend()
    assert suspended is not None and not suspended.is_empty()
    assert "Battery-Staple-7" not in suspended.reveal()
    assert_never_printed([json.loads(suspended.reveal())["session"]], suspended)
    resumed = cog.SignInSession.resume(config, suspended.reveal())

    # A wrong code is a Service error that leaves the challenge open.
    request = resumed.answer(cog.ChallengeAnswer.CODE(code=cog.Secret("000000")))
    status, headers, body = send(request)
    try:
        resumed.handle_response(status, headers_of(headers), body, int(time.time()))
        raise AssertionError("a wrong code was accepted")
    except cog.CognitoError.Service as error:
        assert error.code == "CodeMismatchException", error.code
    assert resumed.status().is_awaiting_answer()

    code = cog.totp_code(TOTP_SECRET, int(time.time()))
    step = drive(resumed, resumed.answer(cog.ChallengeAnswer.CODE(code=cog.Secret(code))))
    assert step.is_done(), step


def test_errors_are_exceptions_not_crashes(pool):
    try:
        cog.PoolConfig("no-underscore", "client", None, None)
        raise AssertionError("a bad pool id was accepted")
    except cog.CognitoError.InvalidInput as error:
        assert "no-underscore" in error.reason
    config = cog.PoolConfig(pool["pool_id"], "pypublicclient0001", None, pool["endpoint"])
    session = cog.SignInSession(config, "alice", "Correct-Horse-9")
    try:
        session.answer(cog.ChallengeAnswer.CODE(code=cog.Secret("1")))
        raise AssertionError("answered without a challenge")
    except cog.CognitoError.Misuse:
        pass
    session.start()
    for status, body in [(200, b"<html>"), (200, b"{}"), (502, b""), (0, bytes(range(256)))]:
        fresh = cog.SignInSession(config, "alice", "x")
        fresh.start()
        try:
            fresh.handle_response(status, [cog.Header(name="Date", value="garbage")], body, 0)
            raise AssertionError(f"garbage {status} {body!r} was accepted")
        except cog.CognitoError as error:
            assert str(error)
    try:
        cog.SignInSession.resume(config, "{not json")
        raise AssertionError("garbage resumed")
    except cog.CognitoError.InvalidInput:
        pass


def assert_never_printed(secrets, *shown):
    """No secret, nor any long part of one (a JWT's segments), in repr() or str()."""
    needles = set()
    for value in secrets:
        assert value and len(value) >= 8, value
        needles.add(value)
        needles.update(part for part in value.split(".") if len(part) >= 16)
    for value in shown:
        for printed in (repr(value), str(value), repr([value]), str({"v": value})):
            for needle in needles:
                assert needle not in printed, f"{needle[:12]}... is printed: {printed[:300]}"


def test_secrets_never_print(pool):
    config = cog.PoolConfig(pool["pool_id"], "pypasswordclient01", None, pool["endpoint"])
    # USER_PASSWORD_AUTH: the password itself is in the first request's body.
    session = cog.SignInSession.with_options(
        config, "alice", "Correct-Horse-9", cog.AuthFlow.USER_PASSWORD, None)
    request = session.start()
    assert "Correct-Horse-9" in request.body.reveal()
    assert_never_printed(["Correct-Horse-9"], request, request.body)

    status, headers, body = send(request)
    step = session.handle_response(status, headers_of(headers), body, int(time.time()))
    assert step.is_done(), step
    tokens = step.tokens
    values = [tokens.id_token.reveal(), tokens.access_token.reveal(), tokens.refresh_token.reveal()]
    assert_never_printed(values, tokens, step, tokens.id_token, tokens.access_token,
                         tokens.refresh_token)

    # A refresh request carries the refresh token in its body.
    refresh = cog.Refresh(config, tokens, cog.RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    request = refresh.request()
    assert tokens.refresh_token.reveal() in request.body.reveal()
    assert_never_printed([tokens.refresh_token.reveal()], request, cog.NextStep.SEND(request=request))

    device = cog.DeviceCredentials(device_key="us-east-1_dk", device_group_key="dgk",
                                   device_password=cog.Secret("device-secret-xyz"), user_sub="sub")
    assert device.device_password.reveal() == "device-secret-xyz"
    assert_never_printed(["device-secret-xyz"], device,
                         cog.ConfirmedDevice(credentials=device, user_confirmation_necessary=False))

    enrolment = cog.TotpEnrolment(secret=cog.Secret(TOTP_SECRET),
                                  uri=cog.Secret(f"otpauth://totp/x?secret={TOTP_SECRET}"))
    assert_never_printed([TOTP_SECRET], enrolment, cog.AuthChallenge.TOTP_SETUP(setup=enrolment))

    answers = [
        cog.ChallengeAnswer.PASSWORD(password=cog.Secret("Hunter-2-password")),
        cog.ChallengeAnswer.NEW_PASSWORD(password=cog.Secret("Hunter-2-password"), attributes={}),
        cog.ChallengeAnswer.CODE(code=cog.Secret("Hunter-2-password")),
        cog.ChallengeAnswer.VERIFY_TOTP(code=cog.Secret("Hunter-2-password"), friendly_name=None),
        cog.ChallengeAnswer.CUSTOM(answer=cog.Secret("Hunter-2-password")),
    ]
    assert_never_printed(["Hunter-2-password"], *answers)



# ---------------------------------------------------------------------------------------------
# The account journey, on a pool of its own: MFA required (so a new user enrols TOTP at
# MFA_SETUP), devices remembered on the user's say-so, refresh-token rotation with a grace
# period, an app client with a secret (every SignUp / ConfirmSignUp / ForgotPassword carries
# SECRET_HASH, which the pool verifies).

JOURNEY_SECRET = "pyjourneyclientsecret0123456789abcdef"
JOURNEY_POOL = {
    "pool_id": "us-east-1_PyJourney1",
    "clients": [
        {"client_id": "pyjourneyclient001", "client_secret": JOURNEY_SECRET,
         "refresh_token_rotation": {"enabled": True, "retry_grace_period_seconds": 120},
         "enable_token_revocation": True},
    ],
    "mfa": "on",
    "mfa_factors": ["SOFTWARE_TOKEN_MFA"],
    "device_tracking": "user_opt_in",
}


def outbox_code(endpoint, username, after=0):
    """The newest code the local pool 'sent' to `username` (GET /_testkit/outbox)."""
    with urllib.request.urlopen(endpoint.rstrip("/") + "/_testkit/outbox", timeout=30) as r:
        messages = json.load(r)["messages"]
    codes = [m["code"] for m in messages if m["username"] == username]
    assert len(codes) > after, (username, messages)
    return codes[-1], len(codes)


def call(operation, status_headers_body):
    status, headers, body = status_headers_body
    return operation.handle_response(status, headers_of(headers), body)


def expect(error_type, fn, *args, code=None):
    """Runs fn(*args) and returns the error it must raise."""
    try:
        fn(*args)
    except error_type as error:
        if code is not None:
            assert error.code == code, (error.code, error)
        assert str(error)
        return error
    raise AssertionError(f"{fn} did not raise {error_type.__name__}")


def test_account_journey(_pool):
    with tempfile.TemporaryDirectory() as folder:
        server, pool = start_pool(os.environ["COGNITO_AUTH_CLI"], folder, JOURNEY_POOL)
        try:
            journey(pool)
        finally:
            server.terminate()
            server.wait(timeout=10)


def journey(pool):
    endpoint = pool["endpoint"]
    config = cog.PoolConfig(pool["pool_id"], "pyjourneyclient001", JOURNEY_SECRET, endpoint)
    first, second, third = "First-Horse-1!", "Second-Horse-2!", "Third-Horse-3!"

    # Sign up, a wrong code, a new code, the right code.
    flow = cog.SignUpFlow(config, "carol", cog.Secret(first),
                          {"email": "carol@example.com", "name": "Carol"})
    expect(cog.CognitoError.Misuse, flow.confirm, cog.Secret("123456"))
    step = call(flow, send(flow.start()))
    assert step.is_confirmation_required(), step
    user_sub = step.user_sub
    assert user_sub and flow.user_sub() == user_sub
    assert step.delivery.medium == "EMAIL" and step.delivery.attribute_name == "email", step
    expect(cog.CognitoError.Misuse, flow.start)
    request = flow.confirm(cog.Secret("000000"))
    expect(cog.CognitoError.Service, call, flow, send(request), code="CodeMismatchException")
    assert flow.is_awaiting_code()
    _, sent = outbox_code(endpoint, "carol")
    step = call(flow, send(flow.resend_code()))
    assert step.is_code_resent(), step
    code, _ = outbox_code(endpoint, "carol", after=sent)
    step = call(flow, send(flow.confirm(cog.Secret(code))))
    assert step.is_confirmed() and step.user_sub == user_sub, step
    assert flow.is_done()
    expect(cog.CognitoError.Misuse, flow.resend_code)

    # SRP sign-in; the pool requires MFA: enrol an authenticator at MFA_SETUP.
    session = cog.SignInSession(config, "carol", first)
    step = drive(session, session.start())
    assert step.is_challenge() and step.challenge.is_mfa_setup(), step
    assert "SOFTWARE_TOKEN_MFA" in step.challenge.factors
    step = drive(session, session.answer(cog.ChallengeAnswer.SET_UP_TOTP()))
    assert step.is_challenge() and step.challenge.is_totp_setup(), step
    totp_secret = step.challenge.setup.secret.reveal()
    code = cog.totp_code(totp_secret, int(time.time()))
    step = drive(session, session.answer(
        cog.ChallengeAnswer.VERIFY_TOTP(code=cog.Secret(code), friendly_name="phone")))
    assert step.is_done(), step
    tokens = step.tokens
    assert tokens.new_device is not None

    # Remember the device.
    confirmation = cog.DeviceConfirmation(config, tokens)
    status, headers, body = send(confirmation.start("Carol's phone"))
    confirmed = confirmation.handle_response(status, headers_of(headers), body)
    device = confirmed.credentials
    assert device.user_sub == user_sub
    if confirmed.user_confirmation_necessary:
        status, headers, body = send(confirmation.remember(True))
        confirmation.handle_status_response(status, headers_of(headers), body)

    # The user: read, update, read again; the generic AccountCall reaches the same calls.
    access = tokens.access_token
    get = cog.GetUser(config, access)
    user = call(get, send(get.request()))
    assert user.username == "carol", user
    assert user.attributes["email"] == "carol@example.com" and user.attributes["sub"] == user_sub
    assert "SOFTWARE_TOKEN_MFA" in user.mfa_methods, user
    update = cog.UpdateUserAttributes(config, access, {"name": "Carol Q"})
    assert call(update, send(update.request())) == []
    assert call(get, send(get.request())).attributes["name"] == "Carol Q"
    generic = cog.AccountCall(config, "UpdateUserAttributes", json.dumps(
        {"AccessToken": access.reveal(),
         "UserAttributes": [{"Name": "email", "Value": "carol@example.org"}]}))
    output = json.loads(call(generic, send(generic.request())).reveal())
    assert output["CodeDeliveryDetailsList"][0]["AttributeName"] == "email", output
    code, _ = outbox_code(endpoint, "carol")
    verify = cog.AccountCall(config, "VerifyUserAttribute", json.dumps(
        {"AccessToken": access.reveal(), "AttributeName": "email", "Code": code}))
    assert call(verify, send(verify.request())).reveal() == "{}"
    generic = cog.AccountCall(config, "GetUser", json.dumps({"AccessToken": access.reveal()}))
    output = json.loads(call(generic, send(generic.request())).reveal())
    attributes = {a["Name"]: a.get("Value") for a in output["UserAttributes"]}
    assert attributes["email"] == "carol@example.org", attributes
    assert attributes["email_verified"] == "true", attributes

    # Devices.
    devices = cog.ListDevices(config, access, 10, None)
    listed = call(devices, send(devices.request()))
    assert [d.device_key for d in listed.devices] == [device.device_key], listed
    assert listed.devices[0].name in (None, "Carol's phone"), listed

    # The session survives a restart: export, import, manage its tokens.
    stored = cog.StoredSession(config, tokens, device, "carol")
    exported = stored.export()
    assert json.loads(exported.reveal())["version"] == 1
    assert_never_printed([tokens.refresh_token.reveal(), device.device_password.reveal()],
                         exported, stored)
    restored = cog.StoredSession.import_session(config, cog.Secret(exported.reveal()))
    assert restored.tokens() == tokens and restored.device() == device
    assert restored.username() == "carol"

    # Refresh through the TokenManager: not due yet; due; the reply is lost; the retry
    # (with the same refresh token, inside the rotation grace period) succeeds.
    manager = cog.TokenManager.from_session(config, restored)
    now = int(time.time())
    assert manager.poll_refresh(now) is None
    due = manager.next_refresh_at()
    assert now < due <= tokens.expires_at, (now, due, tokens.expires_at)
    expect(cog.CognitoError.Misuse, manager.handle_transport_failure, now)
    request = manager.poll_refresh(due)
    assert request is not None and manager.is_refreshing()
    assert manager.poll_refresh(due) is None, "a second refresh while one is out"
    send(request)                                  # sent, but the reply is lost
    manager.handle_transport_failure(due)
    assert not manager.is_refreshing()
    assert manager.poll_refresh(due) is None, "no backoff after a failure"
    retry_at = manager.next_refresh_at()
    assert due < retry_at <= due + 1, (due, retry_at)
    request = manager.poll_refresh(retry_at)
    assert request is not None
    status, headers, body = send(request)
    outcome = manager.handle_refresh_response(status, headers_of(headers), body, retry_at)
    assert outcome.is_refreshed(), outcome
    refreshed = outcome.tokens
    assert refreshed.refresh_token != tokens.refresh_token, "the refresh token did not rotate"
    assert manager.tokens() == refreshed
    expect(cog.CognitoError.Misuse, manager.handle_refresh_response, 200, [], b"{}", retry_at)
    # A garbage reply to a refresh is "retry later", never a sign-out.
    assert manager.refresh_now() is not None
    outcome = manager.handle_refresh_response(200, [], b"<html>", retry_at)
    assert outcome.is_retry_later() and outcome.code == "", outcome
    assert manager.tokens() == refreshed
    stored = stored.with_tokens(refreshed)
    access = manager.access_token(int(time.time()))
    assert access == refreshed.access_token

    # Change the password (a wrong previous one first).
    change = cog.ChangePassword(config, access, cog.Secret("Wrong-Horse-0!"), cog.Secret(second))
    expect(cog.CognitoError.Service, call, change, send(change.request()),
           code="NotAuthorizedException")
    change = cog.ChangePassword(config, access, cog.Secret(first), cog.Secret(second))
    assert call(change, send(change.request())) is None

    # Forgot password: a code, the new password.
    reset = cog.PasswordResetFlow(config, "carol")
    expect(cog.CognitoError.Misuse, reset.confirm, cog.Secret("1"), cog.Secret(third))
    step = call(reset, send(reset.start()))
    assert step.is_code_sent() and step.delivery.medium == "EMAIL", step
    expect(cog.CognitoError.Misuse, reset.start)
    code, _ = outbox_code(endpoint, "carol")
    step = call(reset, send(reset.confirm(cog.Secret(code), cog.Secret(third))))
    assert step.is_done() and reset.is_done(), step

    # Sign in with the new password on the remembered device: no MFA asked.
    session = cog.SignInSession.with_options(
        config, "carol", third, cog.AuthFlow.USER_SRP, restored.device())
    step = drive(session, session.start())
    assert step.is_done(), step

    # Global sign-out: the refresh token held is refused, the manager signs out.
    sign_out = cog.GlobalSignOut(config, access)
    assert call(sign_out, send(sign_out.request())) is None
    status, headers, body = send(manager.refresh_now())
    outcome = manager.handle_refresh_response(status, headers_of(headers), body, int(time.time()))
    assert outcome.is_signed_out() and outcome.code == "NotAuthorizedException", outcome
    assert manager.tokens() is None and manager.next_refresh_at() is None
    expect(cog.CognitoError.InvalidInput, manager.refresh_now)
    # ...and so is the one in the stored session, through a fresh Refresh.
    refresh = cog.Refresh(config, stored.tokens(), cog.RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    status, headers, body = send(refresh.request())
    expect(cog.CognitoError.Service, refresh.handle_response, status, headers_of(headers), body,
           int(time.time()), code="NotAuthorizedException")

    # The stored session still round-trips (the app deletes it after a sign-out).
    again = cog.StoredSession.import_session(config, stored.export())
    assert again.tokens() == refreshed and again.device() == device


def test_account_call_signs_up_with_secret_hash(pool):
    """The generic call builds SignUp / ConfirmSignUp with the core's builders: SECRET_HASH
    is added (the pool checks it), the output is the service's JSON."""
    config = cog.PoolConfig(pool["pool_id"], "pysecretclient0001", CLIENT_SECRET, pool["endpoint"])
    sign_up = cog.AccountCall(config, "SignUp", json.dumps({
        "Username": "dave", "Password": "Dave-Horse-4!",
        "UserAttributes": [{"Name": "email", "Value": "dave@example.com"}]}))
    assert sign_up.operation() == "SignUp"
    request = sign_up.request()
    body = json.loads(request.body.reveal())
    assert body["SecretHash"] and body["ClientId"] == "pysecretclient0001"
    assert {h.name: h.value for h in request.headers}["X-Amz-Target"].endswith(".SignUp")
    output = json.loads(call(sign_up, send(request)).reveal())
    assert output["UserConfirmed"] is False and output["UserSub"], output
    code, _ = outbox_code(pool["endpoint"], "dave")
    confirm = cog.AccountCall(config, "ConfirmSignUp", json.dumps(
        {"Username": "dave", "ConfirmationCode": code}))
    json.loads(call(confirm, send(confirm.request())).reveal())
    session = cog.SignInSession(config, "dave", "Dave-Horse-4!")
    assert drive(session, session.start()).is_done()
    # Sending the same request again (a retry) is refused by Cognito, as a typed error.
    expect(cog.CognitoError.Service, call, sign_up, send(sign_up.request()),
           code="UsernameExistsException")


def test_account_bad_input_is_typed_errors(pool):
    config = cog.PoolConfig(pool["pool_id"], "pypublicclient0001", None, pool["endpoint"])
    invalid = cog.CognitoError.InvalidInput
    expect(invalid, cog.AccountCall, config, "NoSuchOperation", "{}")
    expect(invalid, cog.AccountCall, config, "AdminGetUser", "{}")          # SigV4
    expect(invalid, cog.AccountCall, config, "GetUser", "{not json")
    expect(invalid, cog.AccountCall, config, "GetUser", "[]")
    expect(invalid, cog.AccountCall, config, "GetUser", "{}")              # no AccessToken
    expect(invalid, cog.AccountCall, config, "GetUser", '{"AccessToken": "t", "Bogus": 1}')
    expect(invalid, cog.AccountCall, config, "GetUser",
           '{"AccessToken": "t", "ClientId": "another-client"}')
    expect(invalid, cog.AccountCall, config, "UpdateDeviceStatus",
           '{"AccessToken": "t", "DeviceKey": "k", "DeviceRememberedStatus": "maybe"}')
    expect(invalid, cog.AccountCall, config, "AssociateSoftwareToken", "{}")

    get = cog.AccountCall(config, "GetUser", '{"AccessToken": "not-a-token"}')
    # Against the pool: a typed service error.
    expect(cog.CognitoError.Service, call, get, send(get.request()), code="NotAuthorizedException")
    # Garbage replies.
    for status, body in [(200, b"<html>"), (200, b"[1]"), (200, bytes(range(256)))]:
        expect(cog.CognitoError.InvalidResponse, get.handle_response, status, [], body)
    for status, body in [(502, b""), (400, b"{"), (0, b"\xff")]:
        expect(cog.CognitoError.Service, get.handle_response, status, [], body)
    typed = cog.GetUser(config, cog.Secret("not-a-token"))
    expect(cog.CognitoError.InvalidResponse, typed.handle_response, 200, [], b'{"Username": 5}')
    devices = cog.ListDevices(config, cog.Secret("t"), None, None)
    expect(cog.CognitoError.InvalidResponse, devices.handle_response, 200, [], b'{"Devices": 1}')
    untyped = cog.AccountCall(config, "InitiateAuth", '{"AuthFlow": "USER_SRP_AUTH"}')
    expect(cog.CognitoError.InvalidResponse, untyped.handle_response, 200, [], b"<html>")
    assert untyped.handle_response(200, [], b" ").reveal() == "{}"

    # Calls out of turn.
    flow = cog.SignUpFlow(config, "erin", cog.Secret("Erin-Horse-5!"), {})
    expect(cog.CognitoError.Misuse, flow.handle_response, 200, [], b"{}")
    expect(cog.CognitoError.Misuse, flow.resend_code)
    reset = cog.PasswordResetFlow(config, "erin")
    expect(cog.CognitoError.Misuse, reset.handle_response, 200, [], b"{}")
    expect(cog.CognitoError.Misuse, reset.resend_code)
    resumed = cog.SignUpFlow.resume_confirmation(config, "erin")
    assert resumed.is_awaiting_code()
    expect(cog.CognitoError.Misuse, resumed.start)

    # Stored sessions that are not ours.
    session = cog.SignInSession(config, "alice", "Correct-Horse-9")
    tokens = drive(session, session.start()).tokens
    good = cog.StoredSession(config, tokens, None, None).export().reveal()
    for blob in ["", "garbage", "[]", "{}", '{"version": "1"}', '{"version": 2}',
                 '{"version": 1}', good.replace('"version":1', '"version":99'),
                 good[: len(good) // 2]]:
        error = expect(invalid, cog.StoredSession.import_session, config, cog.Secret(blob))
        assert tokens.refresh_token.reveal() not in str(error)
    assert "99" in str(expect(invalid, cog.StoredSession.import_session, config,
                              cog.Secret(good.replace('"version":1', '"version":99'))))
    other = cog.PoolConfig(pool["pool_id"], "pysecretclient0001", CLIENT_SECRET, pool["endpoint"])
    expect(invalid, cog.StoredSession.import_session, other, cog.Secret(good))

    # A manager without a refresh token.
    bare = cog.Tokens(id_token=tokens.id_token, access_token=tokens.access_token,
                      refresh_token=None, token_type="Bearer", expires_in=3600,
                      expires_at=tokens.expires_at, new_device=None)
    manager = cog.TokenManager(config, bare)
    expect(invalid, manager.poll_refresh, tokens.expires_at + 10_000)
    expect(cog.CognitoError.Misuse, manager.handle_transport_failure, 0)


def start_pool(cli, folder, config=POOL):
    path = os.path.join(folder, "pool.json")
    with open(path, "w") as f:
        json.dump(config, f)
    server = subprocess.Popen(
        [cli, "serve", "--port", "0", "--config", path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = server.stdout.readline()
    if not line:
        server.kill()
        raise RuntimeError(f"serve printed nothing: {server.stderr.read()}")
    info = json.loads(line)
    assert info["pool_id"] == config["pool_id"]
    return server, info


def main():
    with tempfile.TemporaryDirectory() as folder:
        server, pool = start_pool(os.environ["COGNITO_AUTH_CLI"], folder)
        passed = failed = 0
        try:
            for name, test in sorted(globals().items()):
                if name.startswith("test_") and callable(test):
                    try:
                        test(pool)
                        passed += 1
                        print(f"ok   {name}")
                    except Exception:
                        failed += 1
                        print(f"FAIL {name}")
                        traceback.print_exc()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"python: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
