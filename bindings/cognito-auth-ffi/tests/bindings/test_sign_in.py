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

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CLIENT_SECRET = "pybindingsclientsecret0123456789abcdef"
POOL = {
    "pool_id": "us-east-1_PyBind01",
    "clients": [
        {"client_id": "pypublicclient0001"},
        {"client_id": "pysecretclient0001", "client_secret": CLIENT_SECRET},
        {"client_id": "pypasswordclient01",
         "explicit_auth_flows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
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


def start_pool(cli, folder):
    path = os.path.join(folder, "pool.json")
    with open(path, "w") as f:
        json.dump(POOL, f)
    server = subprocess.Popen(
        [cli, "serve", "--port", "0", "--config", path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = server.stdout.readline()
    if not line:
        server.kill()
        raise RuntimeError(f"serve printed nothing: {server.stderr.read()}")
    info = json.loads(line)
    assert info["pool_id"] == POOL["pool_id"]
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
