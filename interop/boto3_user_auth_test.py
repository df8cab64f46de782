"""boto3 (a client nobody here wrote) signs in with USER_AUTH against `cognito-auth serve`.

Run: python3 interop/boto3_user_auth_test.py   (needs boto3, pytest, pycognito; the release binary)

Plain `cognito-idp` calls, unsigned (botocore.UNSIGNED), as an app without AWS credentials
makes them, against `serve --config pool-user-auth.json` (sign_in_policy PASSWORD + EMAIL_OTP):
- USER_AUTH with PREFERRED_CHALLENGE PASSWORD -> tokens; a wrong password refused; with the
  app client's SECRET_HASH.
- PREFERRED_CHALLENGE EMAIL_OTP / SMS_OTP -> EMAIL_OTP / SMS_OTP with the code read from the
  pool's outbox
  (GET /_testkit/outbox); a wrong code -> CodeMismatchException and the challenge stays open;
  the third wrong code ends the session.
- No preference -> SELECT_CHALLENGE with AvailableChallenges, answered ANSWER=EMAIL_OTP,
  ANSWER=PASSWORD (+ PASSWORD) and ANSWER=PASSWORD_SRP (+ SRP_A, then PASSWORD_VERIFIER with
  pycognito's SRP code); an unverified e-mail is not offered.
- GetUserAuthFactors with the access token.
- SignUp -> ConfirmSignUp (code from the outbox) -> InitiateAuth(USER_AUTH) with the
  ConfirmSignUp Session: tokens without a password (auto sign-in); the Session is single use.
- E-mail MFA: EMAIL_OTP after the password (USER_PASSWORD_AUTH and USER_AUTH PASSWORD);
  SELECT_MFA_TYPE (TOTP and e-mail) answered EMAIL_OTP; MFA_SETUP for e-mail in a pool with MFA
  on (`pool-mfa-setup.json`): EMAIL -> a code to that address -> tokens, the address verified.
"""

import base64
import json
import os
import sys
import urllib.request

import boto3
import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from pycognito.aws_srp import AWSSRP  # noqa: E402

(CONFIG, POOL, POOL_ID, REGION, PUBLIC, SECRET_CLIENT, SECRET, USERS) = harness.pool_settings(
    "pool-user-auth.json"
)

# Loopback only, never through a proxy a machine may configure; no credentials anywhere.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(name, None)

_server = {}
server = harness.server_fixture(CONFIG, POOL_ID, _server)


def unsigned_client(server):
    """An unsigned cognito-idp client: these operations need no AWS credentials."""
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server["endpoint"].rstrip("/"),
        config=Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def idp(server):
    return unsigned_client(server)


def outbox(server):
    url = server["endpoint"].rstrip("/") + "/_testkit/outbox"
    with urllib.request.urlopen(url, timeout=30) as reply:
        return json.load(reply)["messages"]


def take_code(server, username, after=0):
    """The newest code the pool 'sent' to `username`, one of the messages past index `after`."""
    messages = [m for m in outbox(server)[after:] if m["username"] == username]
    assert messages, f"no code for {username} in the outbox"
    return messages[-1]["code"]


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def check_tokens(reply, username, client_id=PUBLIC):
    assert "ChallengeName" not in reply, reply.get("ChallengeName")
    result = reply["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["RefreshToken"]
    access, id_ = claims(result["AccessToken"]), claims(result["IdToken"])
    assert access["username"] == username and access["client_id"] == client_id
    assert access["token_use"] == "access" and id_["token_use"] == "id"
    assert id_["cognito:username"] == username and id_["aud"] == client_id
    return result


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def user_auth(idp, username, client_id=PUBLIC, **params):
    auth = {"USERNAME": username, **params}
    return idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters=auth)


def respond(idp, reply, responses, name=None):
    return idp.respond_to_auth_challenge(
        ClientId=PUBLIC,
        ChallengeName=name or reply["ChallengeName"],
        Session=reply["Session"],
        ChallengeResponses=responses,
    )


def wrong_code(right):
    return "000000" if right != "000000" else "111111"


# ---- PREFERRED_CHALLENGE ------------------------------------------------------------------
def test_preferred_password(idp):
    reply = user_auth(idp, "ursula", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=USERS["ursula"])
    check_tokens(reply, "ursula")


def test_preferred_password_wrong(idp):
    with pytest.raises(ClientError) as excinfo:
        user_auth(idp, "ursula", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wrong-Horse-9")
    assert error_code(excinfo) == "NotAuthorizedException"


def test_preferred_password_secret_hash(idp):
    import hashlib
    import hmac

    digest = hmac.new(SECRET.encode(), ("ursula" + SECRET_CLIENT).encode(), hashlib.sha256)
    secret_hash = base64.b64encode(digest.digest()).decode()
    reply = user_auth(
        idp, "ursula", SECRET_CLIENT,
        PREFERRED_CHALLENGE="PASSWORD", PASSWORD=USERS["ursula"], SECRET_HASH=secret_hash,
    )
    check_tokens(reply, "ursula", SECRET_CLIENT)
    with pytest.raises(ClientError) as excinfo:
        user_auth(idp, "ursula", SECRET_CLIENT, PREFERRED_CHALLENGE="PASSWORD",
                  PASSWORD=USERS["ursula"])
    assert error_code(excinfo) == "NotAuthorizedException"


def test_preferred_email_otp(server, idp):
    seen = len(outbox(server))
    reply = user_auth(idp, "ursula", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert reply["ChallengeName"] == "EMAIL_OTP"
    params = reply["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert params["CODE_DELIVERY_DESTINATION"].startswith("u***@")
    code = take_code(server, "ursula", seen)
    check_tokens(respond(idp, reply, {"USERNAME": "ursula", "EMAIL_OTP_CODE": code}), "ursula")


def test_preferred_sms_otp(server, idp):
    reply = select(idp, "petra")
    assert sorted(reply["AvailableChallenges"]) == ["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]
    seen = len(outbox(server))
    reply = user_auth(idp, "petra", PREFERRED_CHALLENGE="SMS_OTP")
    assert reply["ChallengeName"] == "SMS_OTP"
    assert reply["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    code = take_code(server, "petra", seen)
    check_tokens(respond(idp, reply, {"USERNAME": "petra", "SMS_OTP_CODE": code}), "petra")


def test_wrong_otp_refused_and_counted(server, idp):
    seen = len(outbox(server))
    reply = user_auth(idp, "otto", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = take_code(server, "otto", seen)
    wrong = {"USERNAME": "otto", "EMAIL_OTP_CODE": wrong_code(code)}
    # A wrong code leaves the challenge open: the same Session takes the right one.
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, wrong)
    assert error_code(excinfo) == "CodeMismatchException"
    check_tokens(respond(idp, reply, {"USERNAME": "otto", "EMAIL_OTP_CODE": code}), "otto")

    # Three wrong codes end the sign-in: even the right code is refused after them.
    seen = len(outbox(server))
    reply = user_auth(idp, "otto", PREFERRED_CHALLENGE="EMAIL_OTP")
    code = take_code(server, "otto", seen)
    wrong["EMAIL_OTP_CODE"] = wrong_code(code)
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            respond(idp, reply, wrong)
        assert error_code(excinfo) == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, {"USERNAME": "otto", "EMAIL_OTP_CODE": code})
    assert error_code(excinfo) == "NotAuthorizedException"


# ---- SELECT_CHALLENGE ---------------------------------------------------------------------
def select(idp, username):
    reply = user_auth(idp, username)
    assert reply["ChallengeName"] == "SELECT_CHALLENGE"
    assert reply["Session"]
    return reply


def test_select_challenge_lists_the_users_factors(idp):
    reply = select(idp, "ursula")
    assert sorted(reply["AvailableChallenges"]) == ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]
    # An e-mail address that is not verified is no first factor.
    reply = select(idp, "nomail")
    assert sorted(reply["AvailableChallenges"]) == ["PASSWORD", "PASSWORD_SRP"]


def test_select_challenge_email_otp(server, idp):
    reply = select(idp, "ursula")
    seen = len(outbox(server))
    otp = respond(idp, reply, {"USERNAME": "ursula", "ANSWER": "EMAIL_OTP"})
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = take_code(server, "ursula", seen)
    check_tokens(respond(idp, otp, {"USERNAME": "ursula", "EMAIL_OTP_CODE": code}), "ursula")


def test_select_challenge_password(idp):
    reply = select(idp, "ursula")
    answer = {"USERNAME": "ursula", "ANSWER": "PASSWORD", "PASSWORD": USERS["ursula"]}
    check_tokens(respond(idp, reply, answer), "ursula")
    reply = select(idp, "ursula")
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, {**answer, "PASSWORD": "Wrong-Horse-9"})
    assert error_code(excinfo) == "NotAuthorizedException"


def test_select_challenge_password_srp_with_pycognito_srp(idp):
    # SRP_A and the PASSWORD_VERIFIER proof from pycognito's SRP code, not ours.
    srp = AWSSRP(username="ursula", password=USERS["ursula"], pool_id=POOL_ID,
                 client_id=PUBLIC, client=idp)
    reply = select(idp, "ursula")
    srp_a = srp.get_auth_params()["SRP_A"]
    verifier = respond(idp, reply, {"USERNAME": "ursula", "ANSWER": "PASSWORD_SRP", "SRP_A": srp_a})
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    proof = srp.process_challenge(verifier["ChallengeParameters"], {"USERNAME": "ursula"})
    check_tokens(respond(idp, verifier, proof), "ursula")


def test_select_challenge_answer_not_offered(idp):
    reply = select(idp, "nomail")
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, {"USERNAME": "nomail", "ANSWER": "EMAIL_OTP"})
    assert error_code(excinfo) == "InvalidParameterException"


# ---- GetUserAuthFactors -------------------------------------------------------------------
def test_get_user_auth_factors(server, idp):
    reply = user_auth(idp, "ursula", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=USERS["ursula"])
    token = check_tokens(reply, "ursula")["AccessToken"]
    factors = idp.get_user_auth_factors(AccessToken=token)
    assert factors["Username"] == "ursula"
    assert sorted(factors["ConfiguredUserAuthFactors"]) == ["EMAIL_OTP", "PASSWORD"]
    assert not factors.get("UserMFASettingList")

    seen = len(outbox(server))
    reply = user_auth(idp, "emil", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=USERS["emil"])
    reply = respond(idp, reply, {"USERNAME": "emil",
                                 "EMAIL_OTP_CODE": take_code(server, "emil", seen)})
    factors = idp.get_user_auth_factors(AccessToken=check_tokens(reply, "emil")["AccessToken"])
    assert factors["UserMFASettingList"] == ["EMAIL_OTP"]
    assert factors["PreferredMfaSetting"] == "EMAIL_OTP"

    with pytest.raises(ClientError) as excinfo:
        idp.get_user_auth_factors(AccessToken=token[:-4] + "AAAA")
    assert error_code(excinfo) == "NotAuthorizedException"


# ---- sign-up, then sign-in with ConfirmSignUp's Session ------------------------------------
def sign_up(server, idp, username):
    """SignUp with an e-mail address: (the reply, the confirmation code from the outbox)."""
    seen = len(outbox(server))
    signed_up = idp.sign_up(
        ClientId=PUBLIC, Username=username, Password="Signup-Horse-9",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    return signed_up, take_code(server, username, seen)


def test_sign_up_then_auto_sign_in(server, idp):
    signed_up, code = sign_up(server, idp, "sana")
    with pytest.raises(ClientError) as excinfo:
        idp.confirm_sign_up(ClientId=PUBLIC, Username="sana", ConfirmationCode=wrong_code(code),
                            Session=signed_up["Session"])
    assert error_code(excinfo) == "CodeMismatchException"
    confirmed = idp.confirm_sign_up(ClientId=PUBLIC, Username="sana", ConfirmationCode=code,
                                    Session=signed_up["Session"])
    session = confirmed["Session"]
    assert session
    reply = idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=PUBLIC,
                              AuthParameters={"USERNAME": "sana"}, Session=session)
    tokens = check_tokens(reply, "sana")
    assert claims(tokens["IdToken"])["email"] == "sana@example.com"
    # The Session signs in once.
    with pytest.raises(ClientError) as excinfo:
        idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=PUBLIC,
                          AuthParameters={"USERNAME": "sana"}, Session=session)
    assert error_code(excinfo) == "NotAuthorizedException"


def test_confirm_sign_up_session_is_for_that_user_only(server, idp):
    signed_up, code = sign_up(server, idp, "sid")
    confirmed = idp.confirm_sign_up(ClientId=PUBLIC, Username="sid", ConfirmationCode=code,
                                    Session=signed_up["Session"])
    with pytest.raises(ClientError) as excinfo:
        idp.initiate_auth(AuthFlow="USER_AUTH", ClientId=PUBLIC,
                          AuthParameters={"USERNAME": "ursula"}, Session=confirmed["Session"])
    assert error_code(excinfo) == "NotAuthorizedException"


# ---- e-mail MFA -----------------------------------------------------------------------------
def test_email_mfa_after_password(server, idp):
    seen = len(outbox(server))
    reply = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=PUBLIC,
        AuthParameters={"USERNAME": "emil", "PASSWORD": USERS["emil"]},
    )
    assert reply["ChallengeName"] == "EMAIL_OTP"
    assert reply["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = take_code(server, "emil", seen)
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, {"USERNAME": "emil", "EMAIL_OTP_CODE": wrong_code(code)})
    assert error_code(excinfo) == "CodeMismatchException"
    check_tokens(respond(idp, reply, {"USERNAME": "emil", "EMAIL_OTP_CODE": code}), "emil")


def test_email_mfa_after_user_auth_password(server, idp):
    seen = len(outbox(server))
    reply = user_auth(idp, "emil", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=USERS["emil"])
    assert reply["ChallengeName"] == "EMAIL_OTP"
    code = take_code(server, "emil", seen)
    check_tokens(respond(idp, reply, {"USERNAME": "emil", "EMAIL_OTP_CODE": code}), "emil")


def test_select_mfa_type_then_email_otp(server, idp):
    # TOTP and e-mail MFA, neither preferred: the user picks one.
    reply = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=PUBLIC,
        AuthParameters={"USERNAME": "selma", "PASSWORD": USERS["selma"]},
    )
    assert reply["ChallengeName"] == "SELECT_MFA_TYPE"
    choices = json.loads(reply["ChallengeParameters"]["MFAS_CAN_CHOOSE"])
    assert sorted(choices) == ["EMAIL_OTP", "SOFTWARE_TOKEN_MFA"]
    with pytest.raises(ClientError) as excinfo:
        respond(idp, reply, {"USERNAME": "selma", "ANSWER": "SMS_MFA"})
    assert error_code(excinfo) == "InvalidParameterException"
    reply = idp.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=PUBLIC,
        AuthParameters={"USERNAME": "selma", "PASSWORD": USERS["selma"]},
    )
    seen = len(outbox(server))
    otp = respond(idp, reply, {"USERNAME": "selma", "ANSWER": "EMAIL_OTP"})
    assert otp["ChallengeName"] == "EMAIL_OTP"
    code = take_code(server, "selma", seen)
    check_tokens(respond(idp, otp, {"USERNAME": "selma", "EMAIL_OTP_CODE": code}), "selma")


# ---- MFA_SETUP for e-mail (a pool with MFA on) ------------------------------------------------
(SETUP_CONFIG, SETUP_POOL, SETUP_POOL_ID, _, SETUP_CLIENT, _, _, SETUP_USERS) = (
    harness.pool_settings("pool-mfa-setup.json")
)


@pytest.fixture(scope="module")
def setup_server():
    with harness.serve(SETUP_CONFIG, SETUP_POOL_ID) as (_, info):
        yield info


def test_mfa_setup_for_email(setup_server):
    idp = unsigned_client(setup_server)

    def sign_in():
        return idp.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH", ClientId=SETUP_CLIENT,
            AuthParameters={"USERNAME": "nora", "PASSWORD": SETUP_USERS["nora"]},
        )

    def answer(reply, name, responses):
        return idp.respond_to_auth_challenge(
            ClientId=SETUP_CLIENT, ChallengeName=name, Session=reply["Session"],
            ChallengeResponses={"USERNAME": "nora", **responses},
        )

    reply = sign_in()
    assert reply["ChallengeName"] == "MFA_SETUP"
    assert "EMAIL_OTP" in json.loads(reply["ChallengeParameters"]["MFAS_CAN_SETUP"])
    otp = answer(reply, "MFA_SETUP", {"EMAIL": "nora@example.com"})
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"].startswith("n***@")
    code = take_code(setup_server, "nora")
    with pytest.raises(ClientError) as excinfo:
        answer(otp, "EMAIL_OTP", {"EMAIL_OTP_CODE": wrong_code(code)})
    assert error_code(excinfo) == "CodeMismatchException"
    done = answer(otp, "EMAIL_OTP", {"EMAIL_OTP_CODE": code})
    token = check_tokens(done, "nora", SETUP_CLIENT)["AccessToken"]
    user = idp.get_user(AccessToken=token)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "nora@example.com"
    assert attributes["email_verified"] == "true"
    # From now on the proven address is asked at every sign-in.
    seen = len(outbox(setup_server))
    reply = sign_in()
    assert reply["ChallengeName"] == "EMAIL_OTP"
    code = take_code(setup_server, "nora", seen)
    check_tokens(answer(reply, "EMAIL_OTP", {"EMAIL_OTP_CODE": code}), "nora", SETUP_CLIENT)


def test_zz_server_stops_on_sigterm(server):
    harness.assert_stops_on_sigterm(_server["proc"])


if __name__ == "__main__":
    harness.main(os.path.abspath(__file__), "boto3-user-auth")
