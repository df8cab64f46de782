/* Managed login and token verification through the C ABI, against a running
 * `cognito-auth serve` (tests/c/oauth_pool.json), over HTTP with the socket client of http.h.
 * The program plays the browser too: it GETs the authorize URL, POSTs the login page's form
 * and takes the redirect's Location (nothing listens on myapp://callback). Then the callback is
 * checked (a forged state, an error= redirect, a missing code), the code exchanged, the tokens
 * verified with the pool's JWKS (a tampered token, a wrong nonce, an unknown kid, a bad JWKS),
 * refreshed, userInfo read, the refresh token revoked; and bad input (null pointers, invalid
 * UTF-8, garbage). Built and run under valgrind by tests/c_smoke.rs:  oauth <endpoint>.
 * Prints "c oauth: N passed, M failed". */

#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "http.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (cond) {                                                                           \
            passed++;                                                                         \
        } else {                                                                              \
            failed++;                                                                         \
            fprintf(stderr, "oauth.c:%d: check failed: %s (last error: %s)\n", __LINE__,     \
                    #cond, cognito_last_error_message());                                     \
        }                                                                                     \
    } while (0)

#define S(text) (const uint8_t *)(text), strlen(text)
#define B(bytes) (bytes).data, (bytes).len
#define OK COGNITO_RESULT_OK
#define LAST_CODE_IS(text) (strcmp(cognito_last_service_error_code(), (text)) == 0)

#define POOL_ID "us-east-1_CapiOauth1"
#define CLIENT_ID "capioauthpublic1"
#define CALLBACK "myapp://callback"

static char endpoint[128];

static uint64_t now(void) { return (uint64_t)time(NULL); }

/* A query parameter of a URL (base64url values: no decoding needed), into `out`. */
static bool query_get(const char *url, const char *name, char *out, size_t cap) {
    char needle[64];
    snprintf(needle, sizeof needle, "%s=", name);
    for (const char *p = strchr(url, '?'); p != NULL; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, needle, strlen(needle)) != 0) continue;
        const char *start = p + 1 + strlen(needle);
        size_t len = strcspn(start, "&#");
        if (len >= cap) return false;
        memcpy(out, start, len);
        out[len] = 0;
        return true;
    }
    return false;
}

/* The string value of "key" in flat JSON (no escapes in the values read here), malloc'd. */
static char *json_dup(const char *json, const char *key) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"%s\":\"", key);
    const char *start = json != NULL ? strstr(json, needle) : NULL;
    if (start == NULL) return NULL;
    start += strlen(needle);
    const char *end = strchr(start, '"');
    return end != NULL ? strndup(start, (size_t)(end - start)) : NULL;
}

/* The value of a reply header, malloc'd. */
static char *header_dup(const Reply *reply, const char *name) {
    for (size_t i = 0; i < reply->headers_len; i++) {
        const CognitoHeader *h = &reply->headers[i];
        if (h->name_len == strlen(name) && strncasecmp((const char *)h->name, name, h->name_len) == 0)
            return strndup((const char *)h->value, h->value_len);
    }
    return NULL;
}

/* The path (and query) of an absolute http URL. */
static const char *path_of(const char *url) {
    const char *path = strchr(url + strlen("http://"), '/');
    return path != NULL ? path : "/";
}

/* Sends a request the library made, with its Authorization header when it has one (the
 * public client of this test has no secret, so only userInfo carries one: then the request
 * goes out by hand, as http.h sends no Authorization). */
static bool send_oauth(const CognitoOAuthRequest *request, Reply *reply) {
    const char *url = (const char *)request->url.data;
    if (request->authorization.data == NULL) {
        const char *type = request->content_type.data != NULL
                               ? (const char *)request->content_type.data
                               : "text/plain";
        return http_exchange((const char *)request->method.data, path_of(url), "", type,
                             request->body.data, request->body.len, reply);
    }
    memset(reply, 0, sizeof *reply);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)http_port);
    char head[4096];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
                            "Authorization: %s\r\nContent-Length: 0\r\n\r\n",
                            (const char *)request->method.data, path_of(url), http_host,
                            http_port, (const char *)request->authorization.data);
    bool ok = inet_pton(AF_INET, http_host, &address.sin_addr) == 1 &&
              connect(fd, (struct sockaddr *)&address, sizeof address) == 0 && head_len > 0 &&
              (size_t)head_len < sizeof head && write_all(fd, head, (size_t)head_len);
    wipe(head, sizeof head);
    size_t capacity = 65536;
    reply->raw = ok ? malloc(capacity) : NULL;
    while (reply->raw != NULL && reply->raw_len < capacity - 1) {
        ssize_t n = read(fd, reply->raw + reply->raw_len, capacity - 1 - reply->raw_len);
        if (n <= 0) break;
        reply->raw_len += (size_t)n;
    }
    close(fd);
    if (reply->raw == NULL) return false;
    reply->raw[reply->raw_len] = 0;
    if (parse_reply(reply)) return true;
    reply_free(reply);
    return false;
}

/* Plays the browser: the login page, its form, the redirect. Returns the Location, malloc'd. */
static char *sign_in_on_the_login_page(const char *authorize_url) {
    Reply page;
    if (!http_exchange("GET", path_of(authorize_url), "", "text/plain", NULL, 0, &page))
        return NULL;
    CHECK(page.status == 200);
    const char *action = strstr((const char *)page.body, "action=\"");
    char target[4096] = {0};
    if (action != NULL) {
        /* The action is HTML-escaped: &amp; back to &. */
        action += strlen("action=\"");
        size_t j = 0;
        for (const char *p = action; *p != '"' && *p != 0 && j < sizeof target - 1; j++) {
            if (strncmp(p, "&amp;", 5) == 0) {
                target[j] = '&';
                p += 5;
            } else {
                target[j] = *p++;
            }
        }
    }
    CHECK(strstr((const char *)page.body, "name=\"password\"") != NULL);
    reply_free(&page);
    if (target[0] != '/') return NULL;
    const char *form = "username=olga&password=Correct-Horse-9";
    Reply redirect;
    if (!http_exchange("POST", target, "", "application/x-www-form-urlencoded", S(form),
                       &redirect))
        return NULL;
    CHECK(redirect.status == 302);
    char *location = header_dup(&redirect, "Location");
    reply_free(&redirect);
    return location;
}

static char *fetch_jwks(void) {
    char path[128];
    snprintf(path, sizeof path, "/%s/.well-known/jwks.json", POOL_ID);
    Reply reply;
    if (!http_exchange("GET", path, "", "text/plain", NULL, 0, &reply)) return NULL;
    char *jwks = reply.status == 200 ? strndup((const char *)reply.body, reply.body_len) : NULL;
    reply_free(&reply);
    return jwks;
}

static void verification(const CognitoConfig *config, const char *id_token,
                         const char *access_token, const char *nonce) {
    char *jwks = fetch_jwks();
    CHECK(jwks != NULL && strstr(jwks, "\"kid\"") != NULL);
    if (jwks == NULL) return;
    char issuer[256];
    snprintf(issuer, sizeof issuer, "%s/%s", endpoint, POOL_ID);
    CognitoJwtVerifier *verifier = NULL;
    CHECK(cognito_jwt_verifier_new(config, S(issuer), S(jwks), &verifier) == OK);
    CognitoBytes claims = {0};
    CHECK(cognito_jwt_verify_id_token(verifier, S(id_token), now(), S(nonce), &claims) == OK);
    CHECK(claims.data != NULL && strstr((char *)claims.data, "\"cognito:username\":\"olga\""));
    CHECK(claims.data != NULL && strstr((char *)claims.data, "\"token_use\":\"id\""));
    cognito_bytes_free(&claims);
    CHECK(cognito_jwt_verify_access_token(verifier, S(access_token), now(), &claims) == OK);
    CHECK(claims.data != NULL && strstr((char *)claims.data, "\"client_id\":\"" CLIENT_ID "\""));
    cognito_bytes_free(&claims);

    /* A tampered payload, a wrong nonce, an expired token, an access token as an ID token. */
    char *tampered = strdup(id_token);
    char *payload = strchr(tampered, '.') + 1;
    payload[4] = payload[4] == 'A' ? 'B' : 'A';
    CHECK(cognito_jwt_verify_id_token(verifier, S(tampered), now(), NULL, 0, &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("bad_signature"));
    CHECK(claims.data == NULL);
    free(tampered);
    CHECK(cognito_jwt_verify_id_token(verifier, S(id_token), now(), S("another-nonce"), &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("nonce"));
    CHECK(cognito_jwt_verify_access_token(verifier, S(access_token), now() + 864000, &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("expired"));
    CHECK(cognito_jwt_verify_id_token(verifier, S(access_token), now(), NULL, 0, &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("token_use"));
    CHECK(cognito_jwt_verify_id_token(verifier, S("not-a-jwt"), now(), NULL, 0, &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("malformed"));
    CHECK(cognito_jwt_verify_access_token(verifier, NULL, 5, now(), &claims) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_jwt_verify_access_token(NULL, S(access_token), now(), &claims) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_jwt_verify_access_token(verifier, S("\xff\xfe.a.b"), now(), &claims) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_jwt_verify_access_token(verifier, S(access_token), now(), NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    cognito_jwt_verifier_free(verifier);

    /* The issuer of the AWS pool is not the local pool's. */
    CHECK(cognito_jwt_verifier_new(config, NULL, 0, S(jwks), &verifier) == OK);
    CHECK(cognito_jwt_verify_access_token(verifier, S(access_token), now(), &claims) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("issuer"));
    cognito_jwt_verifier_free(verifier);

    /* Keys rotated away: the token's kid is unknown, which says to refetch the JWKS. */
    char *kid = strstr(jwks, "\"kid\":\"");
    kid[strlen("\"kid\":\"")] ^= 1;
    CHECK(cognito_jwt_verifier_new(config, S(issuer), S(jwks), &verifier) == OK);
    CHECK(cognito_jwt_verify_access_token(verifier, S(access_token), now(), &claims) ==
              COGNITO_RESULT_UNKNOWN_KEY &&
          LAST_CODE_IS("unknown_key"));
    cognito_jwt_verifier_free(verifier);
    free(jwks);

    verifier = (CognitoJwtVerifier *)0x1;
    CHECK(cognito_jwt_verifier_new(config, S(issuer), S("{\"keys\":[]}"), &verifier) ==
              COGNITO_RESULT_INVALID_TOKEN &&
          LAST_CODE_IS("jwks") && verifier == NULL);
    CHECK(cognito_jwt_verifier_new(config, S(issuer), S("\xff"), &verifier) ==
          COGNITO_RESULT_INVALID_TOKEN);
    CHECK(cognito_jwt_verifier_new(NULL, S(issuer), S("{}"), &verifier) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_jwt_verifier_new(config, S("\xff"), S("{}"), &verifier) ==
          COGNITO_RESULT_INVALID_UTF8);
    cognito_jwt_verifier_free(NULL);
}

/* Refresh, userInfo, revoke (the refresh token is refused after), logout. */
static void after_sign_in(const CognitoManagedLogin *login, const char *access_token,
                          const char *refresh_token) {
    CognitoOAuthRequest request = {0};
    Reply reply;
    CognitoBytes out = {0};
    CHECK(cognito_managed_login_request(login, COGNITO_MANAGED_LOGIN_CALL_REFRESH,
                                        S(refresh_token), &request) == OK);
    CHECK(strstr((char *)request.body.data, "grant_type=refresh_token") != NULL);
    CHECK(send_oauth(&request, &reply));
    CHECK(cognito_managed_login_token_response(login, (uint16_t)reply.status, reply.headers,
                                               reply.headers_len, reply.body, reply.body_len,
                                               now(), S(refresh_token), &out) == OK);
    char *kept = json_dup((char *)out.data, "refresh_token");
    CHECK(kept != NULL && strcmp(kept, refresh_token) == 0);
    free(kept);
    cognito_bytes_free(&out);
    reply_free(&reply);
    cognito_oauth_request_free(&request);

    CHECK(cognito_managed_login_request(login, COGNITO_MANAGED_LOGIN_CALL_USER_INFO,
                                        S(access_token), &request) == OK);
    CHECK(strcmp((char *)request.method.data, "GET") == 0 &&
          strncmp((char *)request.authorization.data, "Bearer ", 7) == 0);
    CHECK(send_oauth(&request, &reply));
    CHECK(cognito_managed_login_response(login, COGNITO_MANAGED_LOGIN_CALL_USER_INFO,
                                         (uint16_t)reply.status, reply.headers,
                                         reply.headers_len, reply.body, reply.body_len,
                                         &out) == OK);
    CHECK(out.data != NULL && strstr((char *)out.data, "\"username\":\"olga\"") &&
          strstr((char *)out.data, "\"sub\":\""));
    cognito_bytes_free(&out);
    reply_free(&reply);
    cognito_oauth_request_free(&request);

    CHECK(cognito_managed_login_request(login, COGNITO_MANAGED_LOGIN_CALL_REVOKE,
                                        S(refresh_token), &request) == OK);
    CHECK(send_oauth(&request, &reply));
    CHECK(cognito_managed_login_response(login, COGNITO_MANAGED_LOGIN_CALL_REVOKE,
                                         (uint16_t)reply.status, reply.headers,
                                         reply.headers_len, reply.body, reply.body_len,
                                         &out) == OK);
    CHECK(out.len == 2);
    cognito_bytes_free(&out);
    reply_free(&reply);
    cognito_oauth_request_free(&request);

    CHECK(cognito_managed_login_request(login, COGNITO_MANAGED_LOGIN_CALL_REFRESH,
                                        S(refresh_token), &request) == OK);
    CHECK(send_oauth(&request, &reply));
    CHECK(cognito_managed_login_token_response(login, (uint16_t)reply.status, reply.headers,
                                               reply.headers_len, reply.body, reply.body_len,
                                               now(), S(refresh_token), &out) ==
              COGNITO_RESULT_OAUTH &&
          LAST_CODE_IS("invalid_grant"));
    CHECK(out.data == NULL);
    reply_free(&reply);
    cognito_oauth_request_free(&request);
    cognito_oauth_request_free(&request); /* a second free is harmless */

    CHECK(cognito_managed_login_request(login, 42, S(refresh_token), &request) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_response(login, COGNITO_MANAGED_LOGIN_CALL_REFRESH, 200, NULL, 0,
                                         S("{}"), &out) == COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_response(login, COGNITO_MANAGED_LOGIN_CALL_USER_INFO, 200, NULL,
                                         0, S("<html>"), &out) ==
          COGNITO_RESULT_INVALID_RESPONSE);
    CHECK(cognito_managed_login_logout_url(login, S("myapp://signed-out"), &out) == OK);
    CHECK(strstr((char *)out.data, "/logout?client_id=" CLIENT_ID "&logout_uri=") != NULL);
    cognito_bytes_free(&out);
}

/* The callbacks that must not be exchanged, and bad input to the exchange. */
static void bad_callbacks(const CognitoManagedLogin *login, const CognitoBytes *pending,
                          const char *state) {
    CognitoOAuthRequest request = {0};
    char url[512];
    snprintf(url, sizeof url, CALLBACK "?code=abc&state=%.*sX", (int)strlen(state) - 1, state);
    CHECK(cognito_managed_login_token_request(login, B(*pending), S(url), &request) ==
          COGNITO_RESULT_STATE_MISMATCH);
    CHECK(request.body.data == NULL);
    snprintf(url, sizeof url, CALLBACK "?error=access_denied&error_description=No&state=%s",
             state);
    CHECK(cognito_managed_login_token_request(login, B(*pending), S(url), &request) ==
              COGNITO_RESULT_OAUTH &&
          LAST_CODE_IS("access_denied"));
    snprintf(url, sizeof url, CALLBACK "?state=%s", state);
    CHECK(cognito_managed_login_token_request(login, B(*pending), S(url), &request) ==
          COGNITO_RESULT_INVALID_REDIRECT);
    CHECK(cognito_managed_login_token_request(login, B(*pending), S(CALLBACK "?code=abc"),
                                              &request) == COGNITO_RESULT_INVALID_REDIRECT);
    CHECK(cognito_managed_login_token_request(login, S("{\"garbage\":1}"), S(url), &request) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_token_request(login, B(*pending), S("myapp://\xff"), &request) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_managed_login_token_request(NULL, B(*pending), S(url), &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_managed_login_token_request(login, NULL, 3, S(url), &request) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_managed_login_token_response(login, 200, NULL, 0, S("<html>proxy</html>"),
                                               now(), NULL, 0, NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CognitoBytes out = {0};
    CHECK(cognito_managed_login_token_response(login, 200, NULL, 0, S("<html>proxy</html>"),
                                               now(), NULL, 0, &out) ==
          COGNITO_RESULT_INVALID_RESPONSE);
    CHECK(cognito_managed_login_token_response(
              login, 400, NULL, 0, S("{\"error\":\"invalid_grant\"}"), now(), NULL, 0, &out) ==
              COGNITO_RESULT_OAUTH &&
          LAST_CODE_IS("invalid_grant"));
}

int main(int argc, char **argv) {
    if (argc != 2 || !http_set_endpoint(argv[1]) || strlen(argv[1]) >= sizeof endpoint) {
        fprintf(stderr, "usage: oauth http://127.0.0.1:PORT\n");
        return 2;
    }
    (void)http_send; /* http.h's sender of API requests: not used by managed login */
    snprintf(endpoint, sizeof endpoint, "%s", argv[1]);
    size_t n = strlen(endpoint);
    if (n > 0 && endpoint[n - 1] == '/') endpoint[n - 1] = 0;

    CognitoConfig *config = NULL;
    CHECK(cognito_config_new(S(POOL_ID), S(CLIENT_ID), NULL, 0, S(endpoint), &config) == OK);
    CognitoManagedLogin *login = NULL;
    CHECK(cognito_managed_login_new(config, S(endpoint), S(CALLBACK), &login) == OK);
    CognitoManagedLogin *bad = (CognitoManagedLogin *)0x1;
    CHECK(cognito_managed_login_new(config, S("ftp://x"), S(CALLBACK), &bad) ==
              COGNITO_RESULT_INVALID_INPUT &&
          bad == NULL);
    CHECK(cognito_managed_login_new(config, S("http://\xff"), S(CALLBACK), &bad) ==
          COGNITO_RESULT_INVALID_UTF8);
    CHECK(cognito_managed_login_new(NULL, S(endpoint), S(CALLBACK), &bad) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_managed_login_new(config, S(endpoint), S(CALLBACK), NULL) ==
          COGNITO_RESULT_NULL_PARAMETER);

    CognitoBytes url = {0}, pending = {0};
    CHECK(cognito_managed_login_authorize(login, S("{\"scopes\":[\"openid\",\"bad scope\"]}"),
                                          &url, &pending) == COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_authorize(login, S("{\"colour\":\"red\"}"), &url, &pending) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_authorize(login, S("[1"), &url, &pending) ==
          COGNITO_RESULT_INVALID_INPUT);
    CHECK(cognito_managed_login_authorize(login, S("{}"), NULL, &pending) ==
          COGNITO_RESULT_NULL_PARAMETER);
    CHECK(cognito_managed_login_authorize(
              login, S("{\"scopes\":[\"openid\",\"email\"],\"login_hint\":\"olga\",\"lang\":\"fr\"}"),
              &url, &pending) == OK);
    const char *authorize_url = (const char *)url.data;
    char state[128] = {0}, nonce[128] = {0}, value[128];
    CHECK(authorize_url != NULL && query_get(authorize_url, "state", state, sizeof state) &&
          query_get(authorize_url, "nonce", nonce, sizeof nonce));
    CHECK(query_get(authorize_url, "code_challenge_method", value, sizeof value) &&
          strcmp(value, "S256") == 0);
    CHECK(query_get(authorize_url, "login_hint", value, sizeof value) && strcmp(value, "olga") == 0);
    char *verifier = json_dup((const char *)pending.data, "code_verifier");
    CHECK(verifier != NULL && strlen(verifier) == 43 && strstr(authorize_url, verifier) == NULL);

    bad_callbacks(login, &pending, state);

    char *location = authorize_url != NULL ? sign_in_on_the_login_page(authorize_url) : NULL;
    CHECK(location != NULL && strncmp(location, CALLBACK "?code=", strlen(CALLBACK "?code=")) == 0);
    CognitoOAuthRequest request = {0};
    CognitoBytes tokens = {0};
    if (location != NULL) {
        CHECK(cognito_managed_login_token_request(login, B(pending), S(location), &request) == OK);
        CHECK(request.authorization.data == NULL); /* a public client */
        CHECK(verifier != NULL && strstr((char *)request.body.data, verifier) != NULL);
        Reply reply;
        CHECK(send_oauth(&request, &reply));
        CHECK(cognito_managed_login_token_response(login, (uint16_t)reply.status, reply.headers,
                                                   reply.headers_len, reply.body,
                                                   reply.body_len, now(), NULL, 0,
                                                   &tokens) == OK);
        reply_free(&reply);
        /* The code is single use. */
        CognitoBytes again = {0};
        CHECK(send_oauth(&request, &reply));
        CHECK(cognito_managed_login_token_response(login, (uint16_t)reply.status, reply.headers,
                                                   reply.headers_len, reply.body,
                                                   reply.body_len, now(), NULL, 0, &again) ==
                  COGNITO_RESULT_OAUTH &&
              LAST_CODE_IS("invalid_grant"));
        reply_free(&reply);
        cognito_oauth_request_free(&request);
    }
    char *id_token = json_dup((const char *)tokens.data, "id_token");
    char *access_token = json_dup((const char *)tokens.data, "access_token");
    char *refresh_token = json_dup((const char *)tokens.data, "refresh_token");
    CHECK(id_token != NULL && access_token != NULL && refresh_token != NULL);
    if (id_token != NULL && access_token != NULL) {
        /* The reuse of the code revoked what it gave: verification is offline, so the
         * tokens still verify (a back end would learn of the revocation from userInfo). */
        verification(config, id_token, access_token, nonce);
    }
    CognitoBytes fresh = {0}, fresh_pending = {0};
    CHECK(cognito_managed_login_authorize(login, NULL, 0, &fresh, &fresh_pending) == OK);
    char *fresh_location = fresh.data != NULL ? sign_in_on_the_login_page((char *)fresh.data) : NULL;
    if (fresh_location != NULL) {
        CHECK(cognito_managed_login_token_request(login, B(fresh_pending), S(fresh_location),
                                                  &request) == OK);
        Reply reply;
        CognitoBytes second = {0};
        CHECK(send_oauth(&request, &reply));
        CHECK(cognito_managed_login_token_response(login, (uint16_t)reply.status, reply.headers,
                                                   reply.headers_len, reply.body,
                                                   reply.body_len, now(), NULL, 0,
                                                   &second) == OK);
        reply_free(&reply);
        cognito_oauth_request_free(&request);
        char *access = json_dup((const char *)second.data, "access_token");
        char *refresh = json_dup((const char *)second.data, "refresh_token");
        CHECK(access != NULL && refresh != NULL);
        if (access != NULL && refresh != NULL) after_sign_in(login, access, refresh);
        free(access);
        free(refresh);
        cognito_bytes_free(&second);
    }

    free(fresh_location);
    free(location);
    free(verifier);
    free(id_token);
    free(access_token);
    free(refresh_token);
    cognito_bytes_free(&tokens);
    cognito_bytes_free(&fresh);
    cognito_bytes_free(&fresh_pending);
    cognito_bytes_free(&url);
    cognito_bytes_free(&pending);
    cognito_managed_login_free(login);
    cognito_managed_login_free(NULL);
    cognito_config_free(config);
    printf("c oauth: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
