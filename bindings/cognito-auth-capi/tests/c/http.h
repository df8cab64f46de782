/* A small HTTP/1.1 client over POSIX sockets for tests/c/live.c: one request per connection
 * (Connection: close), to the loopback `cognito-auth serve` only (no TLS, no redirects). What
 * a real app does with libcurl or its platform's HTTP stack. Buffers that held a request or a
 * reply (tokens, passwords) are wiped before they are freed. */

#ifndef COGNITO_TEST_HTTP_H
#define COGNITO_TEST_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cognito_auth.h"

#define HTTP_MAX_HEADERS 32

typedef struct {
    int status;
    char *raw; /* the whole reply, NUL-terminated */
    size_t raw_len;
    CognitoHeader headers[HTTP_MAX_HEADERS]; /* pointing into `raw` */
    size_t headers_len;
    const uint8_t *body;
    size_t body_len;
} Reply;

static char http_host[64] = "127.0.0.1";
static int http_port = 0;

static void wipe(void *data, size_t len) {
    volatile unsigned char *p = data;
    while (len--) *p++ = 0;
}

/* `http://127.0.0.1:PORT[/...]`. */
static bool http_set_endpoint(const char *endpoint) {
    return sscanf(endpoint, "http://%63[^:/]:%d", http_host, &http_port) == 2 && http_port > 0;
}

static bool write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static void reply_free(Reply *reply) {
    if (reply->raw != NULL) {
        wipe(reply->raw, reply->raw_len);
        free(reply->raw);
    }
    memset(reply, 0, sizeof *reply);
}

/* Splits the raw reply into status, headers and body; false when it is not HTTP. */
static bool parse_reply(Reply *reply) {
    char *end = strstr(reply->raw, "\r\n\r\n");
    if (end == NULL || sscanf(reply->raw, "HTTP/1.%*d %d", &reply->status) != 1) return false;
    char *line = strstr(reply->raw, "\r\n") + 2;
    long content_length = -1;
    while (line < end && reply->headers_len < HTTP_MAX_HEADERS) {
        char *eol = strstr(line, "\r\n");
        char *colon = memchr(line, ':', (size_t)(eol - line));
        if (colon != NULL) {
            char *value = colon + 1;
            while (*value == ' ') value++;
            CognitoHeader *h = &reply->headers[reply->headers_len++];
            h->name = (const uint8_t *)line;
            h->name_len = (size_t)(colon - line);
            h->value = (const uint8_t *)value;
            h->value_len = (size_t)(eol - value);
            if (h->name_len == 14 && strncasecmp(line, "Content-Length", 14) == 0)
                content_length = strtol(value, NULL, 10);
        }
        line = eol + 2;
    }
    reply->body = (const uint8_t *)(end + 4);
    reply->body_len = reply->raw_len - (size_t)(end + 4 - reply->raw);
    if (content_length >= 0 && (size_t)content_length < reply->body_len)
        reply->body_len = (size_t)content_length;
    return true;
}

/* Sends one request and reads the whole reply into `*reply` (free it with reply_free). */
static bool http_exchange(const char *method, const char *path, const char *target,
                          const char *content_type, const uint8_t *body, size_t body_len,
                          Reply *reply) {
    memset(reply, 0, sizeof *reply);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct timeval timeout = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)http_port);
    bool ok = inet_pton(AF_INET, http_host, &address.sin_addr) == 1 &&
              connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
    char head[1024];
    int head_len = snprintf(head, sizeof head,
                            "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
                            "Content-Type: %s\r\nX-Amz-Target: %s\r\nContent-Length: %zu\r\n\r\n",
                            method, path, http_host, http_port, content_type, target, body_len);
    ok = ok && head_len > 0 && (size_t)head_len < sizeof head &&
         write_all(fd, head, (size_t)head_len) && (body_len == 0 || write_all(fd, body, body_len));
    size_t capacity = 0;
    while (ok) {
        if (capacity - reply->raw_len < 4096) {
            /* Grow by copying, so the old buffer can be wiped (realloc would not). */
            size_t grown = capacity * 2 + 8192;
            char *bigger = malloc(grown);
            if (bigger == NULL) {
                ok = false;
                break;
            }
            if (reply->raw != NULL) {
                memcpy(bigger, reply->raw, reply->raw_len);
                wipe(reply->raw, capacity);
                free(reply->raw);
            }
            reply->raw = bigger;
            capacity = grown;
        }
        ssize_t n = read(fd, reply->raw + reply->raw_len, capacity - reply->raw_len - 1);
        if (n < 0) ok = false;
        if (n <= 0) break;
        reply->raw_len += (size_t)n;
    }
    close(fd);
    if (ok && reply->raw != NULL) {
        reply->raw[reply->raw_len] = 0;
        ok = parse_reply(reply);
    } else {
        ok = false;
    }
    if (!ok) reply_free(reply);
    return ok;
}

/* Sends a request the library made (POST to the path of its URL). */
static bool http_send(const CognitoRequest *request, Reply *reply) {
    const char *url = (const char *)request->url.data;
    const char *path = strchr(url + strlen("http://"), '/');
    return http_exchange((const char *)request->method.data, path != NULL ? path : "/",
                         (const char *)request->target.data,
                         (const char *)request->content_type.data, request->body.data,
                         request->body.len, reply);
}

#endif
