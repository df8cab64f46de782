"""boto3 (SigV4 signed by botocore, a signer nobody here wrote) drives the admin API of
`cognito-auth serve`, whose pool verifies every signature against `admin_credentials`.

Run: python3 interop/boto3_admin_test.py   (needs boto3, pytest; the release binary, or
COGNITO_AUTH_BIN)

What is checked, with interop/pool-admin.json:
- AdminCreateUser: the temporary password in the outbox (GET /_testkit/outbox), status
  FORCE_CHANGE_PASSWORD; SUPPRESS sends nothing; an existing name -> UsernameExistsException.
- AdminInitiateAuth ADMIN_USER_PASSWORD_AUTH -> NEW_PASSWORD_REQUIRED ->
  AdminRespondToAuthChallenge -> tokens (also with a client secret's SECRET_HASH); a client
  without ALLOW_ADMIN_USER_PASSWORD_AUTH is refused; REFRESH_TOKEN_AUTH through the admin call.
- AdminSetUserPassword (Permanent true / false), AdminGetUser, AdminConfirmSignUp,
  AdminUserGlobalSignOut (then the refresh token is refused), AdminDeleteUser.
- ListUsers with `=` and `^=` filters, AttributesToGet, and botocore's paginator page by page.
- Refused as the service refuses: a wrong secret key (InvalidSignatureException), an unknown
  access key (UnrecognizedClientException), a clock 10 minutes behind ("Signature expired"),
  an unsigned request (MissingAuthenticationTokenException).
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import subprocess
import sys
import urllib.request

import boto3
import botocore
import botocore.auth
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pool-admin.json")
with open(CONFIG) as f:
    POOL = json.load(f)
POOL_ID = POOL["pool_id"]
REGION = POOL_ID.split("_")[0]
PUBLIC = POOL["clients"][0]["client_id"]
SECRET_CLIENT = POOL["clients"][1]["client_id"]
SECRET = POOL["clients"][1]["client_secret"]
NO_ADMIN_FLOW = POOL["clients"][2]["client_id"]
KEY = POOL["admin_credentials"][0]["access_key_id"]
SECRET_KEY = POOL["admin_credentials"][0]["secret_access_key"]
PASSWORD = "Correct-Horse-9"

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# Loopback only, never through a proxy a machine may configure.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ.pop(name, None)


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen(
        [harness.BINARY, "serve", "--port", "0", "--config", CONFIG],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        info = json.loads(harness.read_first_line(proc, 30))
        assert info["pool_id"] == POOL_ID
        yield info
    finally:
        harness.stop(proc)


def idp(server, key=KEY, secret=SECRET_KEY, **config):
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server["endpoint"].rstrip("/"),
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}, **config),
    )


def outbox(server):
    url = server["endpoint"].rstrip("/") + "/_testkit/outbox"
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.load(reply)["messages"]


def invitation(server, username):
    sent = [m for m in outbox(server) if m["username"] == username]
    return sent[-1]["code"] if sent else None


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def create(client, username, **extra):
    return client.admin_create_user(UserPoolId=POOL_ID, Username=username, **extra)["User"]


def password_auth(client, username, password, client_id=PUBLIC):
    params = {"USERNAME": username, "PASSWORD": password}
    if client_id == SECRET_CLIENT:
        digest = hmac.new(SECRET.encode(), (username + client_id).encode(), hashlib.sha256)
        params["SECRET_HASH"] = base64.b64encode(digest.digest()).decode()
    return client.admin_initiate_auth(
        UserPoolId=POOL_ID,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters=params,
    )


def test_create_user_then_first_sign_in_with_new_password(server):
    client = idp(server)
    user = create(
        client,
        "newbie",
        UserAttributes=[{"Name": "email", "Value": "newbie@example.com"}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD" and user["Enabled"] is True
    assert isinstance(user["UserCreateDate"], datetime.datetime)
    temporary = invitation(server, "newbie")
    assert temporary
    first = password_auth(client, "newbie", temporary)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = client.admin_respond_to_auth_challenge(
        UserPoolId=POOL_ID,
        ClientId=PUBLIC,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": "newbie", "NEW_PASSWORD": "Newbie-Chosen-2"},
    )
    assert done["AuthenticationResult"]["AccessToken"]
    got = client.admin_get_user(UserPoolId=POOL_ID, Username="newbie")
    assert got["UserStatus"] == "CONFIRMED"
    assert {"Name": "email", "Value": "newbie@example.com"} in got["UserAttributes"]
    again = password_auth(client, "newbie", "Newbie-Chosen-2")
    assert again["AuthenticationResult"]["IdToken"]
    with pytest.raises(ClientError) as excinfo:
        password_auth(client, "newbie", temporary)
    assert code(excinfo) == "NotAuthorizedException"


def test_suppress_and_existing_user(server):
    client = idp(server)
    create(client, "quiet", MessageAction="SUPPRESS", TemporaryPassword="Quiet-Temp-1")
    assert invitation(server, "quiet") is None
    with pytest.raises(ClientError) as excinfo:
        create(client, "quiet")
    assert code(excinfo) == "UsernameExistsException"
    with pytest.raises(ClientError) as excinfo:
        create(client, "weak", TemporaryPassword="short")
    assert code(excinfo) == "InvalidPasswordException"


def test_set_user_password_permanent_and_temporary_with_secret_hash(server):
    client = idp(server)
    create(client, "setme", MessageAction="SUPPRESS")
    client.admin_set_user_password(
        UserPoolId=POOL_ID, Username="setme", Password="Set-Perm-Pass1", Permanent=True
    )
    tokens = password_auth(client, "setme", "Set-Perm-Pass1", SECRET_CLIENT)
    assert tokens["AuthenticationResult"]["RefreshToken"]
    client.admin_set_user_password(
        UserPoolId=POOL_ID, Username="setme", Password="Set-Temp-Pass2", Permanent=False
    )
    assert client.admin_get_user(UserPoolId=POOL_ID, Username="setme")["UserStatus"] == (
        "FORCE_CHANGE_PASSWORD"
    )
    assert password_auth(client, "setme", "Set-Temp-Pass2")["ChallengeName"] == (
        "NEW_PASSWORD_REQUIRED"
    )


def test_admin_flow_needs_the_client_setting(server):
    with pytest.raises(ClientError) as excinfo:
        password_auth(idp(server), "alice", PASSWORD, NO_ADMIN_FLOW)
    assert code(excinfo) == "InvalidParameterException"


def test_list_users_filters_and_pages(server):
    client = idp(server)
    names = lambda reply: sorted(u["Username"] for u in reply["Users"])  # noqa: E731
    assert names(client.list_users(UserPoolId=POOL_ID, Filter='given_name ^= "Al"')) == [
        "albert",
        "alice",
    ]
    exact = client.list_users(
        UserPoolId=POOL_ID, Filter='email = "bob@example.com"', AttributesToGet=["email"]
    )
    assert names(exact) == ["bob"]
    assert exact["Users"][0]["Attributes"] == [{"Name": "email", "Value": "bob@example.com"}]
    with pytest.raises(ClientError) as excinfo:
        client.list_users(UserPoolId=POOL_ID, Filter='custom:team = "x"')
    assert code(excinfo) == "InvalidParameterException"
    pages = client.get_paginator("list_users").paginate(
        UserPoolId=POOL_ID, PaginationConfig={"PageSize": 2}
    )
    seen, sizes = [], []
    for page in pages:
        sizes.append(len(page["Users"]))
        seen += [u["Username"] for u in page["Users"]]
    everyone = names(client.list_users(UserPoolId=POOL_ID))
    assert sorted(seen) == everyone and len(seen) == len(set(seen))
    assert len(sizes) >= 2 and all(size <= 2 for size in sizes)


def test_global_sign_out_refuses_the_refresh_token(server):
    client = idp(server)
    tokens = password_auth(client, "alice", PASSWORD)["AuthenticationResult"]
    refresh = dict(
        UserPoolId=POOL_ID,
        ClientId=PUBLIC,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )
    assert client.admin_initiate_auth(**refresh)["AuthenticationResult"]["AccessToken"]
    client.admin_user_global_sign_out(UserPoolId=POOL_ID, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        client.admin_initiate_auth(**refresh)
    assert code(excinfo) == "NotAuthorizedException"


def test_confirm_sign_up_and_delete(server):
    client = idp(server)
    client.sign_up(ClientId=PUBLIC, Username="pending", Password=PASSWORD)
    assert client.admin_get_user(UserPoolId=POOL_ID, Username="pending")["UserStatus"] == (
        "UNCONFIRMED"
    )
    client.admin_confirm_sign_up(UserPoolId=POOL_ID, Username="pending")
    assert client.admin_get_user(UserPoolId=POOL_ID, Username="pending")["UserStatus"] == (
        "CONFIRMED"
    )
    with pytest.raises(ClientError) as excinfo:
        client.admin_confirm_sign_up(UserPoolId=POOL_ID, Username="pending")
    assert code(excinfo) == "NotAuthorizedException"
    client.admin_delete_user(UserPoolId=POOL_ID, Username="pending")
    with pytest.raises(ClientError) as excinfo:
        client.admin_get_user(UserPoolId=POOL_ID, Username="pending")
    assert code(excinfo) == "UserNotFoundException"


def test_wrong_secret_key_is_refused(server):
    with pytest.raises(ClientError) as excinfo:
        idp(server, secret="not-the-secret").admin_get_user(UserPoolId=POOL_ID, Username="bob")
    assert code(excinfo) == "InvalidSignatureException"
    assert message(excinfo).startswith(
        "The request signature we calculated does not match the signature you provided."
    )


def test_unknown_access_key_is_refused(server):
    with pytest.raises(ClientError) as excinfo:
        idp(server, key="AKIDNOBODYKNOWS01").list_users(UserPoolId=POOL_ID)
    assert code(excinfo) == "UnrecognizedClientException"
    assert message(excinfo) == "The security token included in the request is invalid."


def test_stale_signature_is_refused(server, monkeypatch):
    behind = botocore.auth.get_current_datetime() - datetime.timedelta(minutes=10)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: behind)
    with pytest.raises(ClientError) as excinfo:
        idp(server).admin_get_user(UserPoolId=POOL_ID, Username="bob")
    assert code(excinfo) == "InvalidSignatureException"
    assert message(excinfo).startswith("Signature expired: ")


def test_unsigned_request_is_refused(server):
    with pytest.raises(ClientError) as excinfo:
        idp(server, signature_version=botocore.UNSIGNED).admin_get_user(
            UserPoolId=POOL_ID, Username="bob"
        )
    assert code(excinfo) == "MissingAuthenticationTokenException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


if __name__ == "__main__":
    harness.main(__file__, "boto3-admin")
