/* The C ABI against a running `cognito-auth serve` (tests/c/live_pool.json), over HTTP with the
 * socket client of http.h: every sign-in flow and challenge answer the core has (SRP with a
 * TOTP code across a suspend / resume, MFA_SETUP by TOTP and by e-mail, NEW_PASSWORD_REQUIRED,
 * SELECT_MFA_TYPE, EMAIL_OTP, SMS_MFA, SMS_OTP, USER_PASSWORD_AUTH, USER_AUTH with
 * SELECT_CHALLENGE and with a preferred first factor or ConfirmSignUp's Session, CUSTOM_AUTH
 * with and without SRP), device confirmation and device SRP (MFA skipped), the token manager's
 * refresh, account calls (SignUp, ConfirmSignUp, GetUser, GlobalSignOut) and the refresh
 * refused after the sign-out; then bad input (null pointers, invalid UTF-8, JSON that is not an
 * answer, calls out of turn, garbage replies). Built and run under valgrind by
 * tests/c_smoke.rs:  live <endpoint>. Prints "c live: N passed, M failed", one test per
 * scenario. */

#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "http.h"

/* Each scenario is one test; it fails when any of its checks does. */
static int passed = 0, failed = 0, check_failures = 0;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            check_failures++;                                                                \
            fprintf(stderr, "live.c:%d: check failed: %s (last error: %s)\n", __LINE__, #cond, \
                    cognito_last_error_message());                                           \
        }                                                                                    \
    } while (0)

#define RUN(call)                                                                            \
    do {                                                                                     \
        int before = check_failures;                                                         \
        call;                                                                                \
        if (check_failures == before) {                                                      \
            passed++;                                                                        \
            printf("ok   %s\n", #call);                                                      \
        } else {                                                                             \
            failed++;                                                                        \
            printf("FAIL %s\n", #call);                                                      \
        }                                                                                    \
    } while (0)

#define S(text) (const uint8_t *)(text), strlen(text)
#define OK COGNITO_RESULT_OK

/* The pool of live_pool.json. */
#define POOL_ID "us-east-1_CapiLive1"
#define TOTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

static uint64_t now(void) { return (uint64_t)time(NULL); }

/* The string value of "key" in flat JSON (no escapes in the values read here). */
static bool json_get(const char *json, const char *key, char *out, size_t cap) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\":\"", key);
    const char *start = json != NULL ? strstr(json, needle) : NULL;
    if (start == NULL) return false;
    start += strlen(needle);
    const char *end = strchr(start, '"');
    if (end == NULL || (size_t)(end - start) >= cap) return false;
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = 0;
    return true;
}

/* The newest code the pool "sent" to `username` (GET /_testkit/outbox). */
static bool outbox_code(const char *username, char code[16]) {
    Reply reply;
    if (!http_exchange("GET", "/_testkit/outbox", "", "", NULL, 0, &reply)) return false;
    bool found = false;
    char user[64];
    for (const char *m = strchr((const char *)reply.body, '{'); m != NULL; m = strchr(m, '{')) {
        const char *end = strchr(++m, '}');
        if (end == NULL) break;
        char message[512];
        size_t len = (size_t)(end - m);
        if (len >= sizeof message) continue;
        memcpy(message, m, len);
        message[len] = 0;
        if (json_get(message, "username", user, sizeof user) && strcmp(user, username) == 0)
            found = json_get(message, "code", code, 16) || found;
    }
    reply_free(&reply);
    return found;
}

static CognitoConfig *config = NULL;

static CognitoSignIn *sign_in(const char *user, const char *password, const char *options) {
    CognitoSignIn *s = NULL;
    CHECK(cognito_sign_in_new_with_options(config, S(user), (const uint8_t *)password,
                                           password ? strlen(password) : 0,
                                           (const uint8_t *)options, options ? strlen(options) : 0,
                                           &s) == OK);
    return s;
}

/* Sends `request` (freeing it) and every next request until the sign-in needs the user or is
 * over; `*step` holds that (free it with cognito_step_free). */
static CognitoResult drive(CognitoSignIn *s, CognitoRequest request, CognitoStep *step) {
    for (;;) {
        Reply reply;
        bool sent = http_send(&request, &reply);
        cognito_request_free(&request);
        if (!sent) {
            fprintf(stderr, "live.c: no reply from the pool\n");
            return COGNITO_RESULT_INTERNAL;
        }
        CognitoResult rc = cognito_sign_in_handle_response(
            s, (uint16_t)reply.status, reply.headers, reply.headers_len, reply.body,
            reply.body_len, now(), step);
        reply_free(&reply);
        if (rc != OK || step->kind != COGNITO_STEP_KIND_SEND) return rc;
        request = step->request; /* moved out of the step */
        memset(&step->request, 0, sizeof step->request);
        cognito_step_free(step);
    }
}

static CognitoResult start(CognitoSignIn *s, CognitoStep *step) {
    CognitoRequest request;
    CognitoResult rc = cognito_sign_in_start(s, &request);
    return rc == OK ? drive(s, request, step) : rc;
}

static CognitoResult answer(CognitoSignIn *s, const char *json, CognitoStep *step) {
    CognitoRequest request;
    CognitoResult rc = cognito_sign_in_answer(s, S(json), &request);
    return rc == OK ? drive(s, request, step) : rc;
}

static bool is_challenge(const CognitoStep *step, const char *name) {
    return step->kind == COGNITO_STEP_KIND_CHALLENGE && step->challenge_name.data != NULL &&
           strcmp((const char *)step->challenge_name.data, name) == 0;
}

/* A member of the pending challenge's JSON. */
static bool challenge_has(CognitoSignIn *s, const char *needle) {
    CognitoBytes json;
    bool found = cognito_sign_in_challenge(s, &json) == OK &&
                 strstr((const char *)json.data, needle) != NULL;
    cognito_bytes_free(&json);
    return found;
}

static void answer_code(CognitoSignIn *s, const char *code, CognitoStep *step) {
    char json[128];
    snprintf(json, sizeof json, "{\"type\":\"CODE\",\"code\":\"%s\"}", code);
    CHECK(answer(s, json, step) == OK);
}

static void totp_now(const char *secret, char out[8]) {
    CognitoBytes code;
    CHECK(cognito_totp_code(S(secret), now(), &code) == OK && code.len == 6);
    snprintf(out, 8, "%s", code.data != NULL ? (const char *)code.data : "");
    cognito_bytes_free(&code);
}

/* True for a DONE step (freed here); `*tokens` gets a copy of its tokens JSON (wipe it). */
static bool done(CognitoStep *step, char **tokens) {
    bool ok = step->kind == COGNITO_STEP_KIND_DONE && step->tokens_json.data != NULL;
    if (ok && tokens != NULL) *tokens = strdup((const char *)step->tokens_json.data);
    cognito_step_free(step);
    return ok;
}

static void free_secret(char *text) {
    if (text != NULL) {
        wipe(text, strlen(text));
        free(text);
    }
}

#define PASSWORD "Correct-Horse-9"

/* The last step's Cognito error name after a SERVICE failure. */
static bool service_error(CognitoResult rc, const char *name) {
    return rc == COGNITO_RESULT_SERVICE && strcmp(cognito_last_service_error_code(), name) == 0;
}

static uint32_t status_of(CognitoSignIn *s) {
    uint32_t status = 0;
    CHECK(cognito_sign_in_status(s, &status) == OK);
    return status;
}

/* Sends a request and feeds its reply to a device confirmation. */
static CognitoResult confirm_device(CognitoDeviceConfirmation *c, CognitoRequest *request,
                                    CognitoBytes *device, bool *ask) {
    Reply reply;
    bool sent = http_send(request, &reply);
    cognito_request_free(request);
    if (!sent) return COGNITO_RESULT_INTERNAL;
    CognitoResult rc =
        device != NULL
            ? cognito_device_confirmation_handle_response(c, (uint16_t)reply.status,
                                                          reply.headers, reply.headers_len,
                                                          reply.body, reply.body_len, device, ask)
            : cognito_device_confirmation_handle_status_response(
                  c, (uint16_t)reply.status, reply.headers, reply.headers_len, reply.body,
                  reply.body_len);
    reply_free(&reply);
    return rc;
}

/* SRP with a TOTP code (a wrong one first), the device confirmed and remembered, then device
 * SRP: the pool skips MFA. Keeps the last tokens and the device credentials. */
static void srp_with_totp_then_device(char **tokens, char **device) {
    CognitoSignIn *s = sign_in("cara", PASSWORD, NULL);
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "SOFTWARE_TOKEN_MFA"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "{\"name\":\"SOFTWARE_TOKEN_MFA\"}"));
    CHECK(service_error(answer(s, "{\"type\":\"CODE\",\"code\":\"000000\"}", &step),
                        "CodeMismatchException"));
    CHECK(status_of(s) == COGNITO_STATUS_AWAITING_ANSWER);
    /* The app goes to the background: suspend, free, resume, answer. */
    CognitoBytes suspended;
    CHECK(cognito_sign_in_suspend(s, &suspended) == OK && suspended.data != NULL);
    CHECK(strstr((const char *)suspended.data, PASSWORD) == NULL);
    cognito_sign_in_free(s);
    s = NULL;
    CHECK(cognito_sign_in_resume(config, suspended.data, suspended.len, &s) == OK);
    cognito_bytes_free(&suspended);
    CHECK(challenge_has(s, "{\"name\":\"SOFTWARE_TOKEN_MFA\"}"));
    char code[8];
    totp_now(TOTP_SECRET, code);
    answer_code(s, code, &step);
    char *first = NULL;
    CHECK(done(&step, &first) && strstr(first, "\"new_device\":{") != NULL);
    CHECK(cognito_sign_in_suspend(s, &suspended) == COGNITO_RESULT_MISUSE);
    cognito_sign_in_free(s);

    CognitoDeviceConfirmation *c = NULL;
    CHECK(first != NULL && cognito_device_confirmation_new(config, S(first), &c) == OK);
    free_secret(first);
    CognitoRequest request;
    CHECK(cognito_device_confirmation_start(c, S("C live test"), &request) == OK);
    CHECK(strstr((const char *)request.body.data, "PasswordVerifier") != NULL);
    CognitoBytes credentials;
    bool ask = false;
    CHECK(confirm_device(c, &request, &credentials, &ask) == OK && ask);
    CHECK(credentials.data != NULL && strstr((const char *)credentials.data, "device_password"));
    CHECK(cognito_device_confirmation_remember(c, true, &request) == OK);
    CHECK(confirm_device(c, &request, NULL, NULL) == OK);
    CHECK(cognito_device_confirmation_remember(c, true, &request) == COGNITO_RESULT_MISUSE);
    cognito_device_confirmation_free(c);
    *device = credentials.data != NULL ? strdup((const char *)credentials.data) : NULL;
    cognito_bytes_free(&credentials);

    /* Device SRP: DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER answered by the library. */
    char options[1024];
    snprintf(options, sizeof options, "{\"device\":%s}", *device ? *device : "null");
    s = sign_in("cara", PASSWORD, options);
    wipe(options, sizeof options);
    CHECK(start(s, &step) == OK && done(&step, tokens));
    CHECK(*tokens != NULL && strstr(*tokens, "\"new_device\":null") != NULL);
    cognito_sign_in_free(s);
}

/* Answers EMAIL_OTP (or an SMS code) with the code the pool "sent" and expects the tokens. */
static void answer_sent_code(CognitoSignIn *s, const char *user) {
    char code[16] = "";
    CHECK(outbox_code(user, code));
    CognitoStep step;
    answer_code(s, code, &step);
    CHECK(done(&step, NULL));
}

static char *with_device(const char *options_head, const char *device) {
    size_t len = strlen(options_head) + strlen(device) + 16;
    char *options = malloc(len);
    snprintf(options, len, "{%s\"device\":%s}", options_head, device);
    return options;
}

static void user_password_auth_with_device(const char *device) {
    char *options = with_device("\"flow\":\"USER_PASSWORD_AUTH\",", device);
    CognitoSignIn *s = sign_in("cara", PASSWORD, options);
    free_secret(options);
    CognitoRequest request;
    CHECK(cognito_sign_in_start(s, &request) == OK);
    CHECK(strstr((const char *)request.body.data, "\"USER_PASSWORD_AUTH\"") != NULL);
    CognitoStep step;
    CHECK(drive(s, request, &step) == OK && done(&step, NULL));
    cognito_sign_in_free(s);
}

/* USER_AUTH without a preference: SELECT_CHALLENGE, answered with the password (SRP), then
 * with an e-mailed code. */
static void user_auth_select_challenge(const char *device) {
    char *options = with_device("\"flow\":\"USER_AUTH\",", device);
    CognitoSignIn *s = sign_in("cara", PASSWORD, options);
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "SELECT_CHALLENGE"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "\"PASSWORD_SRP\"") && challenge_has(s, "\"EMAIL_OTP\""));
    CHECK(answer(s, "{\"type\":\"PASSWORD\",\"password\":\"" PASSWORD "\"}", &step) == OK);
    CHECK(done(&step, NULL));
    cognito_sign_in_free(s);

    s = sign_in("cara", NULL, options);
    free_secret(options);
    CHECK(start(s, &step) == OK && is_challenge(&step, "SELECT_CHALLENGE"));
    cognito_step_free(&step);
    CHECK(answer(s, "{\"type\":\"SELECT_FIRST_FACTOR\",\"factor\":\"EMAIL_OTP\"}", &step) == OK);
    CHECK(is_challenge(&step, "EMAIL_OTP") && challenge_has(s, "\"medium\":\"EMAIL\""));
    cognito_step_free(&step);
    answer_sent_code(s, "cara");
    cognito_sign_in_free(s);
}

/* USER_AUTH with PREFERRED_CHALLENGE: PASSWORD_SRP, then EMAIL_OTP without a password. */
static void user_auth_preferred_first_factor(const char *device) {
    char *options = with_device("\"flow\":\"USER_AUTH\",\"preferred_challenge\":\"PASSWORD_SRP\",",
                                device);
    CognitoSignIn *s = sign_in("cara", PASSWORD, options);
    free_secret(options);
    CognitoStep step;
    CHECK(start(s, &step) == OK && done(&step, NULL));
    cognito_sign_in_free(s);

    s = sign_in("cara", NULL, "{\"flow\":\"USER_AUTH\",\"preferred_challenge\":\"EMAIL_OTP\"}");
    CHECK(start(s, &step) == OK && is_challenge(&step, "EMAIL_OTP"));
    cognito_step_free(&step);
    answer_sent_code(s, "cara");
    cognito_sign_in_free(s);
}

/* MFA required, none set up: MFA_SETUP, enrol an authenticator, verify its first code. */
static void mfa_setup_with_totp(void) {
    CognitoSignIn *s =
        sign_in("dora", PASSWORD, "{\"totp_issuer\":\"C\",\"totp_account\":\"dora\"}");
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "MFA_SETUP"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "\"factors\":[") && challenge_has(s, "\"SOFTWARE_TOKEN_MFA\""));
    CHECK(answer(s, "{\"type\":\"SET_UP_TOTP\"}", &step) == OK);
    CHECK(is_challenge(&step, "TOTP_SETUP"));
    cognito_step_free(&step);
    CognitoBytes json;
    char secret[128] = "", code[8] = "", verify[128];
    CHECK(cognito_sign_in_challenge(s, &json) == OK);
    CHECK(json_get((const char *)json.data, "secret", secret, sizeof secret));
    CHECK(strstr((const char *)json.data, "\"uri\":\"otpauth://totp/C:dora?") != NULL);
    cognito_bytes_free(&json);
    totp_now(secret, code);
    wipe(secret, sizeof secret);
    snprintf(verify, sizeof verify,
             "{\"type\":\"VERIFY_TOTP\",\"code\":\"%s\",\"friendly_name\":\"c\"}", code);
    CHECK(answer(s, verify, &step) == OK && done(&step, NULL));
    cognito_sign_in_free(s);
}

/* An account made by an administrator, without an e-mail address: a new password, then MFA
 * set up by e-mail (offered only to users who have no address yet). */
static void new_password_then_mfa_setup_by_email(void) {
    CognitoSignIn *s = sign_in("nina", "Temporary-Horse-1", NULL);
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "NEW_PASSWORD_REQUIRED"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "\"required_attributes\":["));
    CHECK(answer(s, "{\"type\":\"NEW_PASSWORD\",\"password\":\"New-Horse-7!\",\"attributes\":{}}",
                 &step) == OK);
    CHECK(is_challenge(&step, "MFA_SETUP") && challenge_has(s, "\"EMAIL_OTP\""));
    cognito_step_free(&step);
    CHECK(answer(s, "{\"type\":\"SET_UP_EMAIL\",\"email\":\"nina@example.com\"}", &step) == OK);
    CHECK(is_challenge(&step, "EMAIL_OTP"));
    cognito_step_free(&step);
    answer_sent_code(s, "nina");
    cognito_sign_in_free(s);
}

/* Two factors and no preference: SELECT_MFA_TYPE, e-mail chosen. */
static void select_mfa_type(void) {
    CognitoSignIn *s = sign_in("sela", PASSWORD, NULL);
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "SELECT_MFA_TYPE"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "\"SOFTWARE_TOKEN_MFA\"") && challenge_has(s, "\"EMAIL_OTP\""));
    CHECK(answer(s, "{\"type\":\"SELECT_MFA_TYPE\",\"mfa\":\"EMAIL_OTP\"}", &step) == OK);
    CHECK(is_challenge(&step, "EMAIL_OTP"));
    cognito_step_free(&step);
    answer_sent_code(s, "sela");
    cognito_sign_in_free(s);
}

/* SMS: SMS_MFA after the password, then SMS_OTP as USER_AUTH's passwordless first factor. */
static void sms_mfa_and_sms_otp(void) {
    CognitoSignIn *s = sign_in("sami", PASSWORD, NULL);
    CognitoStep step;
    CHECK(start(s, &step) == OK && is_challenge(&step, "SMS_MFA"));
    cognito_step_free(&step);
    CHECK(challenge_has(s, "\"medium\":\"SMS\"") && challenge_has(s, "\"destination\":\"+"));
    answer_sent_code(s, "sami");
    cognito_sign_in_free(s);

    s = sign_in("sami", NULL, "{\"flow\":\"USER_AUTH\",\"preferred_challenge\":\"SMS_OTP\"}");
    CHECK(start(s, &step) == OK && is_challenge(&step, "SMS_OTP"));
    cognito_step_free(&step);
    answer_sent_code(s, "sami");
    cognito_sign_in_free(s);
}

/* CUSTOM_AUTH without a password (a wrong answer first), then with SRP first. */
static void custom_auth(void) {
    const char *options = "{\"flow\":\"CUSTOM_AUTH\",\"client_metadata\":{\"app\":\"c\"}}";
    for (int with_password = 0; with_password < 2; with_password++) {
        CognitoSignIn *s = sign_in("cyra", with_password ? PASSWORD : NULL, options);
        CognitoStep step;
        CHECK(start(s, &step) == OK && is_challenge(&step, "CUSTOM_CHALLENGE"));
        cognito_step_free(&step);
        CHECK(challenge_has(s, "\"question\":\"2 + 2?\""));
        CHECK(answer(s, "{\"type\":\"CUSTOM\",\"answer\":\"5\"}", &step) == OK);
        CHECK(is_challenge(&step, "CUSTOM_CHALLENGE"));
        cognito_step_free(&step);
        CHECK(answer(s, "{\"type\":\"CUSTOM\",\"answer\":\"4\"}", &step) == OK);
        CHECK(done(&step, NULL));
        cognito_sign_in_free(s);
    }
}

static CognitoResult account(const char *operation, const char *input, CognitoBytes *output) {
    CognitoRequest request;
    CognitoResult rc = cognito_account_request(config, S(operation), S(input), &request);
    if (rc != OK) return rc;
    Reply reply;
    bool sent = http_send(&request, &reply);
    cognito_request_free(&request);
    if (!sent) return COGNITO_RESULT_INTERNAL;
    rc = cognito_account_response(S(operation), (uint16_t)reply.status, reply.headers,
                                  reply.headers_len, reply.body, reply.body_len, output);
    reply_free(&reply);
    return rc;
}

/* Sign-up through the generic account call (SignUp, the code from the outbox, ConfirmSignUp
 * with SignUp's Session), then USER_AUTH with ConfirmSignUp's Session: signed in without the
 * password or another code. */
static void sign_up_then_user_auth_with_session(void) {
    CognitoBytes output;
    CHECK(account("SignUp",
                  "{\"Username\":\"cleo\",\"Password\":\"Cleo-Horse-3!\",\"UserAttributes\":"
                  "[{\"Name\":\"email\",\"Value\":\"cleo@example.com\"}]}",
                  &output) == OK);
    char session[4096] = "", code[16] = "", input[4300], options[4200];
    CHECK(json_get((const char *)output.data, "Session", session, sizeof session));
    CHECK(strstr((const char *)output.data, "\"UserConfirmed\":false") != NULL);
    cognito_bytes_free(&output);
    CHECK(outbox_code("cleo", code));
    snprintf(input, sizeof input,
             "{\"Username\":\"cleo\",\"ConfirmationCode\":\"%s\",\"Session\":\"%s\"}", code,
             session);
    CHECK(account("ConfirmSignUp", input, &output) == OK);
    CHECK(json_get((const char *)output.data, "Session", session, sizeof session));
    cognito_bytes_free(&output);
    snprintf(options, sizeof options, "{\"flow\":\"USER_AUTH\",\"session\":\"%s\"}", session);
    CognitoSignIn *s = sign_in("cleo", NULL, options);
    wipe(session, sizeof session);
    wipe(input, sizeof input);
    wipe(options, sizeof options);
    CognitoStep step;
    char *tokens = NULL;
    CHECK(start(s, &step) == OK && done(&step, &tokens));
    CHECK(tokens != NULL && strstr(tokens, "\"access_token\":\"ey") != NULL);
    free_secret(tokens);
    cognito_sign_in_free(s);
}

static CognitoResult refresh_with(CognitoTokenManager *m, uint64_t at, uint32_t *outcome,
                                  CognitoBytes *tokens) {
    CognitoRequest request;
    bool has = false;
    CognitoResult rc = cognito_token_manager_poll_refresh(m, at, &request, &has);
    if (rc != OK || !has) return rc == OK ? COGNITO_RESULT_MISUSE : rc;
    Reply reply;
    bool sent = http_send(&request, &reply);
    cognito_request_free(&request);
    if (!sent) return COGNITO_RESULT_INTERNAL;
    rc = cognito_token_manager_handle_response(m, (uint16_t)reply.status, reply.headers,
                                               reply.headers_len, reply.body, reply.body_len,
                                               at, outcome, tokens);
    reply_free(&reply);
    return rc;
}

/* The token manager refreshes when due; GetUser and GlobalSignOut through the generic
 * account call; the refresh token is refused after the sign-out. */
static void refresh_account_and_sign_out(const char *tokens) {
    CognitoTokenManager *m = NULL;
    CHECK(tokens != NULL && cognito_token_manager_new(config, S(tokens), &m) == OK);
    uint64_t due = 0;
    bool has_time = false;
    CHECK(cognito_token_manager_next_refresh_at(m, &due, &has_time) == OK && has_time);
    uint32_t outcome = 0;
    CognitoBytes refreshed;
    CHECK(refresh_with(m, due, &outcome, &refreshed) == OK);
    CHECK(outcome == COGNITO_REFRESH_OUTCOME_REFRESHED && refreshed.data != NULL);
    char access[4096] = "", input[4200];
    CHECK(json_get((const char *)refreshed.data, "access_token", access, sizeof access));
    cognito_bytes_free(&refreshed);

    snprintf(input, sizeof input, "{\"AccessToken\":\"%s\"}", access);
    CognitoBytes output;
    CHECK(account("GetUser", input, &output) == OK);
    CHECK(output.data != NULL && strstr((const char *)output.data, "\"Username\":\"cara\""));
    cognito_bytes_free(&output);
    CHECK(account("GlobalSignOut", input, &output) == OK);
    cognito_bytes_free(&output);
    CHECK(service_error(account("GetUser", input, &output), "NotAuthorizedException"));
    wipe(access, sizeof access);
    wipe(input, sizeof input);

    CHECK(cognito_token_manager_next_refresh_at(m, &due, &has_time) == OK && has_time);
    CHECK(refresh_with(m, due, &outcome, &refreshed) == OK);
    CHECK(outcome == COGNITO_REFRESH_OUTCOME_SIGNED_OUT && refreshed.data == NULL);
    CHECK(strcmp(cognito_last_service_error_code(), "") == 0);
    cognito_token_manager_free(m);
}

static const uint8_t NOT_UTF8[] = {'{', 0xff, 0xfe, '}'};

/* Null pointers, invalid UTF-8, JSON that is not an answer, calls out of turn and garbage
 * replies: typed result codes, the handles still usable, nothing leaked. */
static void bad_input(const char *tokens) {
    CognitoSignIn *s = NULL;
    CHECK(cognito_sign_in_new_with_options(NULL, S("cara"), S(PASSWORD), NULL, 0, &s) ==
          COGNITO_RESULT_NULL_PARAMETER && s == NULL);
    CHECK(cognito_sign_in_new_with_options(config, S("cara"), S(PASSWORD), NULL, 0, NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_new_with_options(config, NOT_UTF8, 4, S(PASSWORD), NULL, 0, &s) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_sign_in_new_with_options(config, S("cara"), S(PASSWORD), NOT_UTF8, 4, &s) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_sign_in_new_with_options(config, S("cara"), NULL, 0, NULL, 0, &s) ==
          COGNITO_RESULT_NULL_PARAMETER);
    const char *bad_options[] = {"{not json", "[]", "{\"flow\":\"NOPE\"}", "{\"bogus\":1}",
                                 "{\"preferred_challenge\":\"EMAIL_OTP\"}",
                                 "{\"flow\":\"USER_AUTH\",\"preferred_challenge\":\"PIGEON\"}",
                                 "{\"totp_issuer\":\"x\"}", "{\"device\":{\"device_key\":1}}"};
    for (size_t i = 0; i < sizeof bad_options / sizeof *bad_options; i++) {
        CHECK(cognito_sign_in_new_with_options(config, S("cara"), S(PASSWORD), S(bad_options[i]),
                                               &s) == COGNITO_RESULT_INVALID_INPUT && s == NULL);
    }

    const char *bad_suspended[] = {"", "{}", "[]", "{\"username\":\"cara\"}"};
    for (size_t i = 0; i < sizeof bad_suspended / sizeof *bad_suspended; i++) {
        CHECK(cognito_sign_in_resume(config, S(bad_suspended[i]), &s) ==
                  COGNITO_RESULT_INVALID_INPUT &&
              s == NULL);
    }
    CHECK(cognito_sign_in_resume(config, NOT_UTF8, 4, &s) == COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_sign_in_resume(NULL, S("{}"), &s) == COGNITO_RESULT_NULL_PARAMETER);

    s = sign_in("cara", PASSWORD, NULL);
    CognitoRequest request;
    CognitoBytes json;
    CHECK(cognito_sign_in_suspend(s, &json) == COGNITO_RESULT_MISUSE && json.data == NULL);
    CHECK(cognito_sign_in_challenge(s, &json) == COGNITO_RESULT_MISUSE && json.data == NULL);
    CHECK(cognito_sign_in_challenge(s, NULL) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_answer(s, S("{\"type\":\"CODE\",\"code\":\"1\"}"), &request) ==
          COGNITO_RESULT_MISUSE);
    CHECK(cognito_sign_in_answer(NULL, S("{\"type\":\"CODE\",\"code\":\"1\"}"), &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_sign_in_answer(s, NOT_UTF8, 4, &request) == COGNITO_RESULT_INVALID_UTF8);
    const char *bad_answers[] = {"", "{", "{\"code\":\"1\"}", "{\"type\":\"CODE\"}",
                                 "{\"type\":\"CODE\",\"code\":\"1\",\"mfa\":\"SMS_MFA\"}",
                                 "{\"type\":\"SHOUT\"}",
                                 "{\"type\":\"SELECT_MFA_TYPE\",\"mfa\":\"X\"}",
                                 "{\"type\":\"PASSWORD\",\"password\":98765432}"};
    for (size_t i = 0; i < sizeof bad_answers / sizeof *bad_answers; i++) {
        CHECK(cognito_sign_in_answer(s, S(bad_answers[i]), &request) ==
              COGNITO_RESULT_INVALID_INPUT);
        CHECK(strstr(cognito_last_error_message(), "98765432") == NULL);
        CHECK(request.body.data == NULL);
    }
    /* Garbage replies from "the pool". */
    CognitoStep step;
    CHECK(cognito_sign_in_start(s, &request) == OK);
    cognito_request_free(&request);
    CHECK(cognito_sign_in_handle_response(s, 200, NULL, 0, S("<html>"), now(), &step) ==
          COGNITO_RESULT_INVALID_RESPONSE && step.kind == 0);
    CHECK(status_of(s) == COGNITO_STATUS_FAILED);
    cognito_sign_in_free(s);
    s = sign_in("cara", PASSWORD, NULL);
    CHECK(cognito_sign_in_start(s, &request) == OK);
    cognito_request_free(&request);
    CHECK(cognito_sign_in_handle_response(s, 500, NULL, 0, NOT_UTF8, 4, now(), &step) ==
          COGNITO_RESULT_SERVICE);
    cognito_sign_in_free(s);

    /* Device confirmation: tokens without a new device, not tokens, out of turn, garbage. */
    CognitoDeviceConfirmation *c = NULL;
    CHECK(cognito_device_confirmation_new(config, S(tokens ? tokens : "{}"), &c) ==
          COGNITO_RESULT_INVALID_INPUT && c == NULL);
    CHECK(cognito_device_confirmation_new(config, S("{\"id_token\":"), &c) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_device_confirmation_new(config, NOT_UTF8, 4, &c) == COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_device_confirmation_new(NULL, S("{}"), &c) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_device_confirmation_start(NULL, NULL, 0, &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CognitoBytes device;
    bool ask = true;
    CHECK(cognito_device_confirmation_handle_response(NULL, 200, NULL, 0, S("{}"), &device,
                                                      &ask) == COGNITO_RESULT_NULL_PARAMETER);
    CHECK(device.data == NULL && !ask);
    cognito_device_confirmation_free(NULL);
}

int main(int argc, char **argv) {
    if (argc != 2 || !http_set_endpoint(argv[1])) {
        fprintf(stderr, "usage: live http://127.0.0.1:PORT\n");
        return 2;
    }
    CHECK(cognito_config_new(S(POOL_ID), S("capilivepublic01"), NULL, 0, S(argv[1]), &config) ==
          OK);
    char *tokens = NULL, *device = NULL;
    RUN(srp_with_totp_then_device(&tokens, &device));
    RUN(user_password_auth_with_device(device));
    RUN(user_auth_select_challenge(device));
    RUN(user_auth_preferred_first_factor(device));
    RUN(mfa_setup_with_totp());
    RUN(new_password_then_mfa_setup_by_email());
    RUN(select_mfa_type());
    RUN(sms_mfa_and_sms_otp());
    RUN(custom_auth());
    RUN(sign_up_then_user_auth_with_session());
    RUN(refresh_account_and_sign_out(tokens));
    RUN(bad_input(tokens));
    free_secret(tokens);
    free_secret(device);
    cognito_config_free(config);
    printf("c live: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
