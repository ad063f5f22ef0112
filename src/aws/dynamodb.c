/* dynamodb.c -- see dynamodb.h.
 *
 * Signing traps of libcurl 7.88 (NOTES.md): a body streamed through a read
 * callback is signed as if empty, so the body goes in CURLOPT_POSTFIELDS;
 * headers whose names are prefixes of each other are mis-ordered in
 * SignedHeaders and a header removed with "Name:" is still signed, so we
 * add only the headers DynamoDB needs and remove none. */
#include "dynamodb.h"

#include "util/buffer.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct dynamo_client {
    CURL *curl;
    aws_config config;
    char url[600];
    char sigv4[128];
    char userpwd[400];
    int max_attempts, base_ms, cap_ms;
    unsigned long requests;
    int64_t deadline_ms;
    uint64_t rng;
    buffer body; /* the response body of the request in flight */
};

dynamo_client *dynamo_client_new(const aws_config *config, char *err,
                                 size_t errlen) {
    static int curl_ready;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "libcurl could not be initialised");
            return NULL;
        }
        curl_ready = 1;
    }
    dynamo_client *c = calloc(1, sizeof *c);
    if (c == NULL || (c->curl = curl_easy_init()) == NULL) {
        free(c);
        snprintf(err, errlen, "libcurl could not be initialised");
        return NULL;
    }
    c->config = *config;
    snprintf(c->url, sizeof c->url, "%s/", config->endpoint);
    snprintf(c->sigv4, sizeof c->sigv4, "aws:amz:%s:dynamodb", config->region);
    snprintf(c->userpwd, sizeof c->userpwd, "%s:%s", config->access_key,
             config->secret_key);
    c->max_attempts = 3;
    c->base_ms = 50;
    c->cap_ms = 1000;
    c->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)c;
    if (c->rng == 0) c->rng = 1;
    return c;
}

void dynamo_client_free(dynamo_client *c) {
    if (c == NULL) return;
    curl_easy_cleanup(c->curl);
    buffer_free(&c->body);
    /* the secret stays in memory no longer than the client */
    memset(c->userpwd, 0, sizeof c->userpwd);
    memset(&c->config, 0, sizeof c->config);
    free(c);
}

void dynamo_set_retry(dynamo_client *c, int max_attempts, int base_ms,
                      int cap_ms) {
    c->max_attempts = max_attempts < 1 ? 1 : max_attempts;
    c->base_ms = base_ms < 0 ? 0 : base_ms;
    c->cap_ms = cap_ms < 0 ? 0 : cap_ms;
}

unsigned long dynamo_request_count(const dynamo_client *c) { return c->requests; }

void dynamo_set_deadline(dynamo_client *c, int64_t deadline_ms) {
    c->deadline_ms = deadline_ms;
}

/* Milliseconds a request may take: 10 s, or what is left before the
 * deadline; 0 when nothing is left. */
static long request_budget(const dynamo_client *c) {
    if (c->deadline_ms == 0) return 10000;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    int64_t left = c->deadline_ms - now;
    if (left <= 0) return 0;
    return left < 10000 ? (long)left : 10000;
}

/* Full jitter: a random delay in [0, min(cap, base * 2^attempt)]. */
static void backoff(dynamo_client *c, int attempt) {
    long limit = c->base_ms;
    for (int i = 0; i < attempt && limit < c->cap_ms; i++) limit *= 2;
    if (limit > c->cap_ms) limit = c->cap_ms;
    if (limit <= 0) return;
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    long ms = (long)(c->rng % (uint64_t)(limit + 1));
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Errors worth another attempt: DynamoDB is busy or briefly failing. */
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
static long send_once(dynamo_client *c, const char *op, const char *body,
                      char *err, size_t errlen) {
    char target[96], token[sizeof c->config.session_token + 32];
    struct curl_slist *headers = NULL;
    snprintf(target, sizeof target, "X-Amz-Target: DynamoDB_20120810.%s", op);
    headers = curl_slist_append(headers, "Content-Type: application/x-amz-json-1.0");
    headers = curl_slist_append(headers, target);
    if (c->config.session_token[0]) {
        /* Lambda always runs with session credentials */
        snprintf(token, sizeof token, "x-amz-security-token: %s",
                 c->config.session_token);
        headers = curl_slist_append(headers, token);
    }
    CURL *h = c->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, c->sigv4);
    curl_easy_setopt(h, CURLOPT_USERPWD, c->userpwd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->body);
    long budget = request_budget(c);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, budget < 3000 ? budget : 3000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, budget);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    buffer_reset(&c->body);
    c->requests++;
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, errlen, "DynamoDB %s: %s", op, curl_easy_strerror(rc));
    curl_slist_free_all(headers);
    memset(token, 0, sizeof token);
    return status;
}

dynamo_status dynamo_call(dynamo_client *c, const char *op,
                          const cJSON *request, cJSON **response, char *err,
                          size_t errlen) {
    if (response) *response = NULL;
    char *body = cJSON_PrintUnformatted(request);
    if (body == NULL) {
        snprintf(err, errlen, "DynamoDB %s: out of memory", op);
        return DYNAMO_ERROR;
    }
    dynamo_status result = DYNAMO_ERROR;
    int attempts = 0;
    for (int attempt = 0; attempt < c->max_attempts; attempt++) {
        if (attempt) backoff(c, attempt);
        if (request_budget(c) == 0) { /* the invocation must answer now */
            snprintf(err, errlen, "DynamoDB %s: no time left before the "
                     "Lambda deadline", op);
            break;
        }
        attempts++;
        long status = send_once(c, op, body, err, errlen);
        if (status == 0) continue; /* transport error: try again */
        cJSON *json = c->body.len ? cJSON_ParseWithLength(c->body.data, c->body.len) : NULL;
        if (status == 200 && json) {
            if (response)
                *response = json;
            else
                cJSON_Delete(json);
            result = DYNAMO_OK;
            break;
        }
        /* {"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException",
         *  "message":"..."}: the type after '#' */
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItem(json, "__type"));
        const char *message = cJSON_GetStringValue(cJSON_GetObjectItem(json, "message"));
        if (message == NULL)
            message = cJSON_GetStringValue(cJSON_GetObjectItem(json, "Message"));
        if (type && strchr(type, '#')) type = strchr(type, '#') + 1;
        if (type && strcmp(type, "ConditionalCheckFailedException") == 0) {
            cJSON_Delete(json);
            result = DYNAMO_CONDITION_FAILED;
            break;
        }
        snprintf(err, errlen, "DynamoDB %s: %s%s%.200s (HTTP %ld)", op,
                 type ? type : "error", message ? ": " : "",
                 message ? message : "", status);
        int again = retryable(type ? type : "", status);
        cJSON_Delete(json);
        if (!again) break;
    }
    if (result == DYNAMO_ERROR && attempts > 1) {
        size_t n = strlen(err);
        snprintf(err + n, errlen - n, ", after %d attempts", attempts);
    }
    cJSON_free(body);
    return result;
}

static cJSON *attr_def(const char *name) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "AttributeName", name);
    cJSON_AddStringToObject(d, "AttributeType", "S");
    return d;
}

static cJSON *key_elem(const char *name, const char *type) {
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "AttributeName", name);
    cJSON_AddStringToObject(k, "KeyType", type);
    return k;
}

/* A global secondary index with all attributes projected. */
static cJSON *index_def(const char *name, const char *hash, const char *range) {
    cJSON *gsi = cJSON_CreateObject();
    cJSON_AddStringToObject(gsi, "IndexName", name);
    cJSON *schema = cJSON_AddArrayToObject(gsi, "KeySchema");
    cJSON_AddItemToArray(schema, key_elem(hash, "HASH"));
    cJSON_AddItemToArray(schema, key_elem(range, "RANGE"));
    cJSON *proj = cJSON_AddObjectToObject(gsi, "Projection");
    cJSON_AddStringToObject(proj, "ProjectionType", "ALL");
    return gsi;
}

dynamo_status dynamo_create_table(dynamo_client *c, const char *table,
                                  char *err, size_t errlen) {
    /* Keep in step with template.yaml's FeedingsTable. */
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "TableName", table);
    cJSON_AddStringToObject(req, "BillingMode", "PAY_PER_REQUEST");
    cJSON *defs = cJSON_AddArrayToObject(req, "AttributeDefinitions");
    cJSON_AddItemToArray(defs, attr_def("pk"));
    cJSON_AddItemToArray(defs, attr_def("sk"));
    cJSON_AddItemToArray(defs, attr_def("entry_pk"));
    cJSON_AddItemToArray(defs, attr_def("entry"));
    cJSON *schema = cJSON_AddArrayToObject(req, "KeySchema");
    cJSON_AddItemToArray(schema, key_elem("pk", "HASH"));
    cJSON_AddItemToArray(schema, key_elem("sk", "RANGE"));
    cJSON *gsis = cJSON_AddArrayToObject(req, "GlobalSecondaryIndexes");
    cJSON_AddItemToArray(gsis, index_def("by_entry", "entry_pk", "entry"));
    dynamo_status st = dynamo_call(c, "CreateTable", req, NULL, err, errlen);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return st;

    /* new tables start CREATING; poll until ACTIVE (about half a second on
     * dynalite, seconds on AWS) */
    cJSON *describe = cJSON_CreateObject();
    cJSON_AddStringToObject(describe, "TableName", table);
    for (int i = 0; i < 600; i++) {
        cJSON *out;
        st = dynamo_call(c, "DescribeTable", describe, &out, err, errlen);
        if (st != DYNAMO_OK) break;
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(out, "Table"), "TableStatus"));
        int active = status && strcmp(status, "ACTIVE") == 0;
        cJSON_Delete(out);
        if (active) break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cJSON_Delete(describe);
    return st;
}
