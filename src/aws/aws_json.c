/* aws_json.c -- see aws_json.h.
 *
 * Signing traps of libcurl 7.88 (NOTES.md): a body streamed through a read
 * callback is signed as if empty, so the body goes in CURLOPT_POSTFIELDS;
 * headers whose names are prefixes of each other are mis-ordered in
 * SignedHeaders and a header removed with "Name:" is still signed, so we
 * add only the headers the services need and remove none. */
#include "aws_json.h"

#include "util/buffer.h"
#include "util/ca_bundle.h"
#include "util/deadline.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct aws_json_client {
    CURL *curl;
    aws_json_service service;
    aws_config config;
    char url[600];
    char sigv4[128];
    char userpwd[400];
    int max_attempts, base_ms, cap_ms;
    unsigned long requests;
    uint64_t bytes_received; /* response bodies, every attempt's */
    int64_t deadline_ms;
    uint64_t rng;
    buffer body; /* the response body of the request in flight */
};

aws_json_client *aws_json_client_new(const aws_config *config,
                                     const aws_json_service *service,
                                     char *err, size_t errlen) {
    static int curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "libcurl could not be initialised");
            return NULL;
        }
        curl_ready = 1;
    }
    if (ca_bundle_check(err, errlen) != 0) return NULL;
    aws_json_client *c = calloc(1, sizeof *c);
    if (c == NULL || (c->curl = curl_easy_init()) == NULL) {
        free(c);
        snprintf(err, errlen, "libcurl could not be initialised");
        return NULL;
    }
    c->config = *config;
    c->service = *service;
    snprintf(c->url, sizeof c->url, "%s/", config->endpoint);
    snprintf(c->sigv4, sizeof c->sigv4, "aws:amz:%s:%s", config->region,
             service->signing_name);
    snprintf(c->userpwd, sizeof c->userpwd, "%s:%s", config->access_key,
             config->secret_key);
    c->max_attempts = 3;
    c->base_ms = 50;
    c->cap_ms = 1000;
    c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)c;
    if (c->rng == 0) c->rng = 1;
    return c;
}

void aws_json_client_free(aws_json_client *c) {
    if (c == NULL) return;
    curl_easy_cleanup(c->curl);
    buffer_free(&c->body);
    /* the secret stays in memory no longer than the client */
    memset(c->userpwd, 0, sizeof c->userpwd);
    memset(&c->config, 0, sizeof c->config);
    free(c);
}

void aws_json_set_retry(aws_json_client *c, int max_attempts, int base_ms,
                        int cap_ms) {
    c->max_attempts = max_attempts < 1 ? 1 : max_attempts;
    c->base_ms = base_ms < 0 ? 0 : base_ms;
    c->cap_ms = cap_ms < 0 ? 0 : cap_ms;
}

unsigned long aws_json_request_count(const aws_json_client *c) { return c->requests; }

uint64_t aws_json_bytes_received(const aws_json_client *c) { return c->bytes_received; }

void aws_json_set_deadline(aws_json_client *c, int64_t deadline_ms) {
    c->deadline_ms = deadline_ms;
}

const char *aws_json_region(const aws_json_client *c) { return c->config.region; }

/* The handle made ready for one request to the service: what the
 * connection's request and every later one share (differing connection
 * options would keep the connection from being reused), the body
 * emptied, and the time the request may take. */
static CURL *request_handle(aws_json_client *c, long connect_ms, long total_ms) {
    CURL *h = c->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    /* HTTP(S) only: bootstrap links libcurl's other protocols as stubs
     * (packaging/curl_unused.c) */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    ca_bundle_apply(h);
    buffer_reset(&c->body);
    return h;
}

int aws_json_connect(aws_json_client *c, long timeout_ms, char *err,
                     size_t errlen) {
    CURLcode rc = curl_easy_perform(request_handle(c, timeout_ms, timeout_ms));
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s: connecting: %s", c->service.name,
                 curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

/* Milliseconds a request may take: 10 s, or what is left before the
 * deadline; 0 when nothing is left. */
static long request_budget(const aws_json_client *c) {
    return deadline_budget_ms(c->deadline_ms, 10000);
}

/* Full jitter: a random delay in [0, min(cap, base * 2^attempt)], and
 * never past the deadline: a wait the deadline cuts short leaves the next
 * attempt no time, and the caller then reports it as out of time. */
static void backoff(aws_json_client *c, int attempt) {
    long limit = c->base_ms;
    for (int i = 0; i < attempt && limit < c->cap_ms; i++) limit *= 2;
    if (limit > c->cap_ms) limit = c->cap_ms;
    if (c->deadline_ms) {
        long left = request_budget(c);
        if (limit > left) limit = left;
    }
    if (limit <= 0) return;
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    long ms = (long)(c->rng % (uint64_t)(limit + 1));
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Errors worth another attempt: the service is busy or briefly failing. */
static int retryable(const char *type, long status) {
    static const char *const types[] = {
        "ProvisionedThroughputExceededException", "ThrottlingException",
        "RequestLimitExceeded", "InternalServerError", "ServiceUnavailable",
        "LimitExceededException", "TransactionInProgressException",
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0) return 1;
    return status >= 500;
}

/* One HTTP exchange. Returns the HTTP status, or 0 for a transport error
 * (message in err). */
static long send_once(aws_json_client *c, const char *op, const char *body,
                      char *err, size_t errlen) {
    char target[96], token[sizeof c->config.session_token + 32];
    struct curl_slist *headers = NULL;
    char content_type[64];
    snprintf(target, sizeof target, "X-Amz-Target: %s.%s",
             c->service.target_prefix, op);
    snprintf(content_type, sizeof content_type,
             "Content-Type: application/x-amz-json-%s", c->service.json_version);
    headers = curl_slist_append(headers, content_type);
    headers = curl_slist_append(headers, target);
    if (c->config.session_token[0]) {
        /* Lambda always runs with session credentials */
        snprintf(token, sizeof token, "x-amz-security-token: %s",
                 c->config.session_token);
        headers = curl_slist_append(headers, token);
    }
    /* at least 1 ms: to libcurl a timeout of 0 means none at all, and the
     * budget can run out between the caller's check and here (a loaded
     * machine): the request would then wait on a hung peer for ever */
    long budget = request_budget(c);
    if (budget < 1) budget = 1;
    CURL *h = request_handle(c, budget < 3000 ? budget : 3000L, budget);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, c->sigv4);
    curl_easy_setopt(h, CURLOPT_USERPWD, c->userpwd);
    c->requests++;
    CURLcode rc = curl_easy_perform(h);
    c->bytes_received += c->body.len;
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, errlen, "%s %s: %s", c->service.name, op,
                 curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    memset(token, 0, sizeof token);
    return status;
}

int aws_json_call(aws_json_client *c, const char *op, const cJSON *request,
                  cJSON **response, char *error_type, size_t typelen,
                  char *err, size_t errlen) {
    const char *service = c->service.name;
    if (response) *response = NULL;
    if (error_type && typelen) error_type[0] = '\0';
    char *body = cJSON_PrintUnformatted(request);
    if (body == NULL) {
        snprintf(err, errlen, "%s %s: out of memory", service, op);
        return -1;
    }
    int result = -1, attempts = 0;
    for (int attempt = 0; attempt < c->max_attempts; attempt++) {
        if (attempt) backoff(c, attempt);
        if (request_budget(c) == 0) { /* the invocation must answer now */
            snprintf(err, errlen, "%s %s: no time left before the Lambda "
                     "deadline", service, op);
            break;
        }
        attempts++;
        long status = send_once(c, op, body, err, errlen);
        if (status == 0) continue; /* transport error: try again */
        cJSON *json = c->body.len ? cJSON_ParseWithLength(c->body.data, c->body.len) : NULL;
        if (c->service.secret_answers && c->body.data)
            memset(c->body.data, 0, c->body.len); /* the parsed copy is the caller's to wipe */
        if (status == 200 && json) {
            if (response)
                *response = json;
            else
                cJSON_Delete(json);
            result = 0;
            break;
        }
        /* {"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",
         *  "message":"..."}: the type after '#' */
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(json, "__type"));
        const char *message = cJSON_GetStringValue(cJSON_GetObjectItem(json, "message"));
        if (message == NULL)
            message = cJSON_GetStringValue(cJSON_GetObjectItem(json, "Message"));
        if (type && strchr(type, '#')) type = strchr(type, '#') + 1;
        if (error_type && typelen)
            snprintf(error_type, typelen, "%s", type ? type : "");
        snprintf(err, errlen, "%s %s: %s%s%.200s (HTTP %ld)", service, op,
                 type ? type : "error", message ? ": " : "",
                 message ? message : "", status);
        int again = retryable(type ? type : "", status);
        cJSON_Delete(json);
        if (!again) break;
    }
    if (result != 0 && attempts > 1) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, ", after %d attempts", attempts);
    }
    cJSON_free(body);
    return result;
}
