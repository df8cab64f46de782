/* Smoke test of the C ABI: drives a sign-in through scripted Cognito replies (an SRP
 * PASSWORD_VERIFIER challenge, a TOTP challenge, tokens), then checks the error paths:
 * garbage replies, service errors, null pointers, bad UTF-8, calls out of turn; and the
 * generic account call (SignUp with SECRET_HASH, GetUser, GlobalSignOut, its error paths) and
 * the token manager (due time, a lost reply, backoff, retry, garbage, sign-out).
 * Built and run (under valgrind when present) by tests/c_smoke.rs. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cognito_auth.h"

static int failures = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "smoke.c:%d: check failed: %s (last error: %s)\n",       \
                    __LINE__, #cond, cognito_last_error_message());                  \
            failures++;                                                              \
        }                                                                            \
    } while (0)

#define S(text) (const uint8_t *)(text), strlen(text)

/* JWTs whose claims decode (the signature is not checked). */
#define JWT_HEADER "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ"
#define ACCESS_CLAIMS                                                                       \
    "eyJzdWIiOiJzdWItMSIsInVzZXJuYW1lIjoiYWxpY2UiLCJ0b2tlbl91c2UiOiJhY2Nlc3MiLCJkZXZpY2Vf" \
    "a2V5IjoidXMtZWFzdC0xX2RrIn0"
#define ID_CLAIMS                                                                           \
    "eyJzdWIiOiJzdWItMSIsImNvZ25pdG86dXNlcm5hbWUiOiJhbGljZSIsInRva2VuX3VzZSI6ImlkIn0"

static int contains(const CognitoBytes *bytes, const char *needle) {
    /* Every buffer out is NUL-terminated, so it can be read as a C string. */
    return bytes->data != NULL && bytes->data[bytes->len] == 0 &&
           strstr((const char *)bytes->data, needle) != NULL;
}

static CognitoResult reply(CognitoSignIn *sign_in, uint16_t status, const char *body,
                           CognitoStep *step) {
    CognitoHeader headers[2] = {
        {S("Content-Type"), S("application/x-amz-json-1.1")},
        {S("Date"), S("Tue, 14 Nov 2023 22:13:20 GMT")},
    };
    return cognito_sign_in_handle_response(sign_in, status, headers, 2, (const uint8_t *)body,
                                           strlen(body), 1700000000u, step);
}

static CognitoSignIn *new_sign_in(const CognitoConfig *config) {
    CognitoSignIn *sign_in = NULL;
    CHECK(cognito_sign_in_new(config, S("alice"), S("Correct-Horse-9"), &sign_in) ==
          COGNITO_RESULT_OK);
    CHECK(sign_in != NULL);
    return sign_in;
}

static CognitoResult refresh_reply(CognitoTokenManager *manager, uint16_t status, const char *body,
                                   uint64_t now, uint32_t *outcome, CognitoBytes *tokens) {
    CognitoHeader headers[1] = {{S("Content-Type"), S("application/x-amz-json-1.1")}};
    return cognito_token_manager_handle_response(manager, status, headers, 1,
                                                 (const uint8_t *)body, strlen(body), now,
                                                 outcome, tokens);
}

/* The token manager, on the tokens of the sign-in above (issued at 1700000000, 3600 s). */
static void refresh(const CognitoConfig *config, const CognitoBytes *tokens_json) {
    CognitoTokenManager *manager = NULL;
    CHECK(cognito_token_manager_new(config, tokens_json->data, tokens_json->len, &manager) ==
          COGNITO_RESULT_OK);
    CognitoRequest request;
    bool has_request = true;
    CHECK(cognito_token_manager_poll_refresh(manager, 1700000000u, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(!has_request && request.body.data == NULL); /* not due */
    uint64_t due = 0;
    bool has_time = false;
    CHECK(cognito_token_manager_next_refresh_at(manager, &due, &has_time) == COGNITO_RESULT_OK);
    CHECK(has_time && due == 1700003300u);

    /* Due: a request; none while it is out; its reply is lost; the backoff; the retry. */
    CHECK(cognito_token_manager_poll_refresh(manager, due, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(has_request);
    CHECK(contains(&request.target, "GetTokensFromRefreshToken"));
    CHECK(contains(&request.body, "\"RefreshToken\":\"ref\""));
    cognito_request_free(&request);
    CHECK(cognito_token_manager_poll_refresh(manager, due, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(!has_request);
    CHECK(cognito_token_manager_handle_transport_failure(manager, due) == COGNITO_RESULT_OK);
    CHECK(cognito_token_manager_handle_transport_failure(manager, due) == COGNITO_RESULT_MISUSE);
    CHECK(cognito_token_manager_poll_refresh(manager, due, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(!has_request);
    CHECK(cognito_token_manager_poll_refresh(manager, due + 1, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(has_request);
    cognito_request_free(&request);
    uint32_t outcome = 0;
    CognitoBytes tokens;
    CHECK(refresh_reply(manager, 200,
                        "{\"AuthenticationResult\":{\"AccessToken\":\"" JWT_HEADER "." ACCESS_CLAIMS
                        ".c2ln\",\"IdToken\":\"" JWT_HEADER "." ID_CLAIMS ".c2ln\","
                        "\"RefreshToken\":\"ref2\",\"ExpiresIn\":3600,\"TokenType\":\"Bearer\"}}",
                        due + 1, &outcome, &tokens) == COGNITO_RESULT_OK);
    CHECK(outcome == COGNITO_REFRESH_OUTCOME_REFRESHED);
    CHECK(contains(&tokens, "\"refresh_token\":\"ref2\""));
    cognito_bytes_free(&tokens);
    /* No refresh out: a reply is misuse. */
    CHECK(refresh_reply(manager, 200, "{}", due + 1, &outcome, &tokens) == COGNITO_RESULT_MISUSE);
    CHECK(outcome == 0 && tokens.data == NULL);

    /* Garbage is "retry later"; a refused refresh token signs out. */
    uint64_t later = due + 3600;
    CHECK(cognito_token_manager_poll_refresh(manager, later, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(has_request);
    cognito_request_free(&request);
    CHECK(refresh_reply(manager, 200, "<html>", later, &outcome, &tokens) == COGNITO_RESULT_OK);
    CHECK(outcome == COGNITO_REFRESH_OUTCOME_RETRY_LATER && tokens.data == NULL);
    CHECK(cognito_token_manager_poll_refresh(manager, later + 10, &request, &has_request) ==
          COGNITO_RESULT_OK);
    CHECK(has_request);
    cognito_request_free(&request);
    CHECK(refresh_reply(manager, 400,
                        "{\"__type\":\"NotAuthorizedException\",\"message\":\"Refresh Token has been revoked\"}",
                        later + 10, &outcome, &tokens) == COGNITO_RESULT_OK);
    CHECK(outcome == COGNITO_REFRESH_OUTCOME_SIGNED_OUT);
    CHECK(cognito_token_manager_tokens(manager, &tokens) == COGNITO_RESULT_OK);
    CHECK(tokens.data == NULL);
    CHECK(cognito_token_manager_next_refresh_at(manager, &due, &has_time) == COGNITO_RESULT_OK);
    CHECK(!has_time);

    /* Null pointers, garbage tokens, invalid UTF-8. */
    CHECK(cognito_token_manager_poll_refresh(NULL, 0, &request, &has_request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_token_manager_poll_refresh(manager, 0, &request, NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_token_manager_handle_transport_failure(NULL, 0) == COGNITO_RESULT_NULL_PARAMETER);
    cognito_token_manager_free(manager);
    cognito_token_manager_free(NULL);
    CognitoTokenManager *bad = NULL;
    CHECK(cognito_token_manager_new(config, S("{\"id_token\":"), &bad) == COGNITO_RESULT_INVALID_INPUT);
    CHECK(bad == NULL);
    const uint8_t bad_utf8[] = {'{', 0xc3, '}'};
    CHECK(cognito_token_manager_new(config, bad_utf8, sizeof bad_utf8, &bad) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_token_manager_new(NULL, S("{}"), &bad) == COGNITO_RESULT_NULL_PARAMETER);
}

static void happy_path(const CognitoConfig *config) {
    CognitoSignIn *sign_in = new_sign_in(config);
    CognitoRequest request;
    CHECK(cognito_sign_in_start(sign_in, &request) == COGNITO_RESULT_OK);
    CHECK(contains(&request.url, "http://127.0.0.1:9/"));
    CHECK(contains(&request.method, "POST"));
    CHECK(contains(&request.target, "AWSCognitoIdentityProviderService.InitiateAuth"));
    CHECK(contains(&request.content_type, "application/x-amz-json-1.1"));
    CHECK(contains(&request.body, "USER_SRP_AUTH"));
    CHECK(contains(&request.body, "SRP_A"));
    cognito_request_free(&request);
    CHECK(request.body.data == NULL);
    cognito_request_free(&request); /* a second free does nothing */

    CognitoStep step;
    CHECK(reply(sign_in, 200,
                "{\"ChallengeName\":\"PASSWORD_VERIFIER\",\"Session\":\"s1\",\"ChallengeParameters\":{"
                "\"SRP_B\":\"02\",\"SALT\":\"0a1b2c\",\"SECRET_BLOCK\":\"AAAA\","
                "\"USER_ID_FOR_SRP\":\"alice\"}}",
                &step) == COGNITO_RESULT_OK);
    CHECK(step.kind == COGNITO_STEP_KIND_SEND);
    CHECK(contains(&step.request.target, "RespondToAuthChallenge"));
    CHECK(contains(&step.request.body, "PASSWORD_CLAIM_SIGNATURE"));
    cognito_step_free(&step);

    CHECK(reply(sign_in, 200,
                "{\"ChallengeName\":\"SOFTWARE_TOKEN_MFA\",\"Session\":\"sess\","
                "\"ChallengeParameters\":{}}",
                &step) == COGNITO_RESULT_OK);
    CHECK(step.kind == COGNITO_STEP_KIND_CHALLENGE);
    CHECK(contains(&step.challenge_name, "SOFTWARE_TOKEN_MFA"));
    cognito_step_free(&step);
    uint32_t status = 0;
    CHECK(cognito_sign_in_status(sign_in, &status) == COGNITO_RESULT_OK);
    CHECK(status == COGNITO_STATUS_AWAITING_ANSWER);

    /* An empty code is refused and changes nothing; the right one gives the request. */
    CHECK(cognito_sign_in_answer_code(sign_in, NULL, 0, &request) == COGNITO_RESULT_INVALID_INPUT);
    CHECK(request.body.data == NULL);
    CHECK(cognito_sign_in_answer_code(sign_in, S("123456"), &request) == COGNITO_RESULT_OK);
    CHECK(contains(&request.body, "SOFTWARE_TOKEN_MFA_CODE"));
    cognito_request_free(&request);

    CHECK(reply(sign_in, 200,
                "{\"AuthenticationResult\":{\"AccessToken\":\"" JWT_HEADER "." ACCESS_CLAIMS ".c2ln\","
                "\"IdToken\":\"" JWT_HEADER "." ID_CLAIMS ".c2ln\","
                "\"RefreshToken\":\"ref\",\"ExpiresIn\":3600,\"TokenType\":\"Bearer\"}}",
                &step) == COGNITO_RESULT_OK);
    CHECK(step.kind == COGNITO_STEP_KIND_DONE);
    CHECK(contains(&step.tokens_json, "\"refresh_token\":\"ref\""));
    CHECK(contains(&step.tokens_json, "\"access_token\":\"" JWT_HEADER "." ACCESS_CLAIMS ".c2ln\""));
    CHECK(contains(&step.tokens_json, "\"expires_at\":1700003600"));
    refresh(config, &step.tokens_json);
    cognito_step_free(&step);
    CHECK(cognito_sign_in_status(sign_in, &status) == COGNITO_RESULT_OK);
    CHECK(status == COGNITO_STATUS_DONE);

    /* Out of turn. */
    CHECK(cognito_sign_in_answer_code(sign_in, S("123456"), &request) == COGNITO_RESULT_MISUSE);
    CHECK(strlen(cognito_last_error_message()) > 0);
    cognito_sign_in_free(sign_in);
}

static void error_paths(const CognitoConfig *config) {
    CognitoStep step;
    CognitoRequest request;

    /* Garbage with a success status: INVALID_RESPONSE and a message. */
    CognitoSignIn *sign_in = new_sign_in(config);
    CHECK(reply(sign_in, 200, "{}", &step) == COGNITO_RESULT_MISUSE); /* not started */
    CHECK(cognito_sign_in_start(sign_in, &request) == COGNITO_RESULT_OK);
    cognito_request_free(&request);
    CHECK(reply(sign_in, 200, "<html>proxy error</html>", &step) == COGNITO_RESULT_INVALID_RESPONSE);
    CHECK(cognito_last_error_message() != NULL);
    CHECK(strlen(cognito_last_error_message()) > 0);
    CHECK(step.kind == 0 && step.request.body.data == NULL);
    cognito_step_free(&step);
    /* The failure is final: the same error again. */
    CHECK(reply(sign_in, 200, "{}", &step) == COGNITO_RESULT_INVALID_RESPONSE);
    cognito_sign_in_free(sign_in);

    /* A service error names the exception. */
    sign_in = new_sign_in(config);
    CHECK(cognito_sign_in_start(sign_in, &request) == COGNITO_RESULT_OK);
    cognito_request_free(&request);
    CHECK(reply(sign_in, 400,
                "{\"__type\":\"NotAuthorizedException\",\"message\":\"Incorrect username or password.\"}",
                &step) == COGNITO_RESULT_SERVICE);
    CHECK(strcmp(cognito_last_service_error_code(), "NotAuthorizedException") == 0);
    CHECK(strstr(cognito_last_error_message(), "Incorrect username") != NULL);
    cognito_sign_in_free(sign_in);

    /* An unusable SRP value is a protocol error. */
    sign_in = new_sign_in(config);
    CHECK(cognito_sign_in_start(sign_in, &request) == COGNITO_RESULT_OK);
    cognito_request_free(&request);
    CHECK(reply(sign_in, 200,
                "{\"ChallengeName\":\"PASSWORD_VERIFIER\",\"Session\":\"s1\",\"ChallengeParameters\":{"
                "\"SRP_B\":\"0\",\"SALT\":\"0a\",\"SECRET_BLOCK\":\"AAAA\",\"USER_ID_FOR_SRP\":\"a\"}}",
                &step) == COGNITO_RESULT_PROTOCOL);

    /* Null pointers, bad lengths, bad UTF-8, bad headers. */
    CHECK(cognito_sign_in_start(NULL, &request) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_start(sign_in, NULL) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_handle_response(sign_in, 200, NULL, 0, NULL, 5, 0, &step) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_handle_response(sign_in, 200, NULL, 3, NULL, 0, 0, &step) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_handle_response(sign_in, 200, NULL, 0, (const uint8_t *)"x", SIZE_MAX,
                                          0, &step) == COGNITO_RESULT_INVALID_LENGTH);
    CognitoHeader bad_header = {NULL, 4, NULL, 0};
    CHECK(cognito_sign_in_handle_response(sign_in, 200, &bad_header, 1, NULL, 0, 0, &step) ==
          COGNITO_RESULT_NULL_PARAMETER);
    cognito_sign_in_free(sign_in);

    CognitoSignIn *other = NULL;
    const uint8_t bad_utf8[] = {0xff, 0xfe, 0x41};
    CHECK(cognito_sign_in_new(config, bad_utf8, sizeof bad_utf8, S("pw"), &other) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(other == NULL);
    CHECK(cognito_sign_in_new(NULL, S("a"), S("pw"), &other) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_new(config, S("a"), S("pw"), NULL) == COGNITO_RESULT_NULL_PARAMETER);

    CognitoConfig *bad = NULL;
    CHECK(cognito_config_new(S("no-underscore"), S("client"), NULL, 0, NULL, 0, &bad) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(bad == NULL);
    CHECK(strstr(cognito_last_error_message(), "no-underscore") != NULL);

    /* Freeing null does nothing. */
    cognito_sign_in_free(NULL);
    cognito_config_free(NULL);
    cognito_bytes_free(NULL);
    cognito_step_free(NULL);
    cognito_request_free(NULL);
}

static void totp(void) {
    CognitoBytes code;
    /* RFC 6238, SHA-1, T = 59 s: 94287082, of which 6 digits. */
    CHECK(cognito_totp_code(S("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), 59, &code) == COGNITO_RESULT_OK);
    CHECK(code.len == 6 && strcmp((const char *)code.data, "287082") == 0);
    cognito_bytes_free(&code);
    cognito_bytes_free(&code);
    CHECK(cognito_totp_code(S("not base32!"), 59, &code) == COGNITO_RESULT_INVALID_INPUT);
    CHECK(code.data == NULL);
    CHECK(strlen(cognito_last_error_message()) > 0);
}

static CognitoResult account_reply(const char *operation, uint16_t status, const char *body,
                                   CognitoBytes *json) {
    CognitoHeader headers[1] = {{S("Content-Type"), S("application/x-amz-json-1.1")}};
    return cognito_account_response(S(operation), status, headers, 1, (const uint8_t *)body,
                                    strlen(body), json);
}

static void account(void) {
    /* A client with a secret: SignUp gets SECRET_HASH from the core's builder. */
    CognitoConfig *config = NULL;
    CHECK(cognito_config_new(S("us-east-1_Smoke01"), S("smokeclient01"), S("smoke-client-secret"),
                             S("http://127.0.0.1:9/"), &config) == COGNITO_RESULT_OK);
    CognitoRequest request;
    CHECK(cognito_account_request(config, S("SignUp"),
                                  S("{\"Username\":\"carol\",\"Password\":\"Pass-word-1\","
                                    "\"UserAttributes\":[{\"Name\":\"email\",\"Value\":\"c@e.com\"}]}"),
                                  &request) == COGNITO_RESULT_OK);
    CHECK(contains(&request.target, "AWSCognitoIdentityProviderService.SignUp"));
    CHECK(contains(&request.body, "\"ClientId\":\"smokeclient01\""));
    CHECK(contains(&request.body, "\"SecretHash\":\""));
    CHECK(contains(&request.body, "\"Username\":\"carol\""));
    cognito_request_free(&request);

    CognitoBytes json;
    CHECK(account_reply("SignUp", 200,
                        "{\"UserConfirmed\":false,\"UserSub\":\"sub-1\",\"CodeDeliveryDetails\":"
                        "{\"Destination\":\"c***@e***\",\"DeliveryMedium\":\"EMAIL\","
                        "\"AttributeName\":\"email\"}}",
                        &json) == COGNITO_RESULT_OK);
    CHECK(contains(&json, "\"UserSub\":\"sub-1\""));
    CHECK(contains(&json, "\"DeliveryMedium\":\"EMAIL\""));
    cognito_bytes_free(&json);
    CHECK(json.data == NULL);

    /* GetUser: the request carries the access token; the output is the service's JSON. */
    CHECK(cognito_account_request(config, S("GetUser"), S("{\"AccessToken\":\"tok\"}"), &request) ==
          COGNITO_RESULT_OK);
    CHECK(contains(&request.body, "\"AccessToken\":\"tok\""));
    cognito_request_free(&request);
    CHECK(account_reply("GetUser", 200,
                        "{\"Username\":\"carol\",\"UserAttributes\":[{\"Name\":\"email\","
                        "\"Value\":\"c@e.com\"}]}",
                        &json) == COGNITO_RESULT_OK);
    CHECK(contains(&json, "\"Username\":\"carol\""));
    cognito_bytes_free(&json);
    /* An operation without output gives {}. */
    CHECK(account_reply("GlobalSignOut", 200, "", &json) == COGNITO_RESULT_OK);
    CHECK(json.len == 2 && strcmp((const char *)json.data, "{}") == 0);
    cognito_bytes_free(&json);

    /* Errors: a service error, garbage, bad input, unknown and SigV4 operations. */
    CHECK(account_reply("GetUser", 400,
                        "{\"__type\":\"NotAuthorizedException\",\"message\":\"Invalid Access Token\"}",
                        &json) == COGNITO_RESULT_SERVICE);
    CHECK(strcmp(cognito_last_service_error_code(), "NotAuthorizedException") == 0);
    CHECK(json.data == NULL);
    CHECK(account_reply("GetUser", 200, "<html>", &json) == COGNITO_RESULT_INVALID_RESPONSE);
    CHECK(account_reply("InitiateAuth", 200, "<html>", &json) == COGNITO_RESULT_INVALID_RESPONSE);
    CHECK(json.data == NULL);
    CHECK(cognito_account_request(config, S("GetUser"), S("{\"Bogus\":1}"), &request) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(request.body.data == NULL);
    CHECK(cognito_account_request(config, S("NoSuchOperation"), S("{}"), &request) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_account_request(config, S("AdminGetUser"), S("{}"), &request) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(strstr(cognito_last_error_message(), "SigV4") != NULL);

    /* Null pointers and invalid UTF-8. */
    CHECK(cognito_account_request(NULL, S("GetUser"), S("{}"), &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_account_request(config, NULL, 7, S("{}"), &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_account_request(config, S("GetUser"), S("{}"), NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    const uint8_t bad_utf8[] = {'{', 0xff, '}'};
    CHECK(cognito_account_request(config, S("GetUser"), bad_utf8, sizeof bad_utf8, &request) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_account_response(bad_utf8, sizeof bad_utf8, 200, NULL, 0, NULL, 0, &json) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_account_response(S("GetUser"), 200, NULL, 0, NULL, 4, &json) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_account_response(S("GetUser"), 200, NULL, 0, NULL, 0, NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    cognito_config_free(config);
}

int main(void) {
    CognitoConfig *config = NULL;
    CHECK(cognito_config_new(S("us-east-1_Smoke01"), S("smokeclient01"), NULL, 0,
                             S("http://127.0.0.1:9/"), &config) == COGNITO_RESULT_OK);
    CHECK(config != NULL);
    CHECK(strlen(cognito_last_error_message()) == 0);
    happy_path(config);
    error_paths(config);
    totp();
    account();
    cognito_config_free(config);
    if (failures != 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("c smoke: all checks passed\n");
    return 0;
}
