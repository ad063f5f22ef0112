/* runtime.c -- see runtime.h. */
#include "runtime.h"

#include "lambda/log.h"
#include "util/buffer.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct lambda_runtime {
    CURL *curl;     /* one handle for the Runtime API, reused (keep-alive) */
    char base[300]; /* http://HOST:PORT/2018-06-01/runtime */
};

/* The headers of GET /next that we use. */
typedef struct {
    char request_id[128];
    char trace_id[512];
    long long deadline_ms;
} next_headers;

static size_t on_header(char *data, size_t size, size_t n, void *user) {
    next_headers *h = user;
    size_t bytes = size * n;
    char line[640];
    size_t len = bytes < sizeof line - 1 ? bytes : sizeof line - 1;
    memcpy(line, data, len);
    line[len] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    char *colon = strchr(line, ':');
    if (colon == NULL) return bytes;
    *colon = '\0';
    char *value = colon + 1;
    while (*value == ' ') value++;
    if (strcasecmp(line, "Lambda-Runtime-Aws-Request-Id") == 0)
        snprintf(h->request_id, sizeof h->request_id, "%s", value);
    else if (strcasecmp(line, "Lambda-Runtime-Trace-Id") == 0)
        snprintf(h->trace_id, sizeof h->trace_id, "%s", value);
    else if (strcasecmp(line, "Lambda-Runtime-Deadline-Ms") == 0)
        h->deadline_ms = atoll(value);
    return bytes;
}

lambda_runtime *lambda_runtime_new(char *err, size_t errlen) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL || api[0] == '\0') {
        snprintf(err, errlen, "AWS_LAMBDA_RUNTIME_API is not set: run this "
                 "inside Lambda (or an emulator)");
        return NULL;
    }
    lambda_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        (rt->curl = curl_easy_init()) == NULL) {
        free(rt);
        snprintf(err, errlen, "libcurl could not be initialised");
        return NULL;
    }
    snprintf(rt->base, sizeof rt->base, "http://%s/2018-06-01/runtime", api);
    return rt;
}

void lambda_runtime_free(lambda_runtime *rt) {
    if (rt == NULL) return;
    curl_easy_cleanup(rt->curl);
    free(rt);
}

/* POSTs a JSON body to the Runtime API; returns the HTTP status (0: none). */
static long post(lambda_runtime *rt, const char *path, const char *body,
                 const char *error_type) {
    char url[600];
    struct curl_slist *headers = NULL;
    snprintf(url, sizeof url, "%s%s", rt->base, path);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue wait */
    if (error_type) {
        char type_header[200]; /* curl_slist_append copies it */
        snprintf(type_header, sizeof type_header,
                 "Lambda-Runtime-Function-Error-Type: %s", error_type);
        headers = curl_slist_append(headers, type_header);
    }
    buffer ignored = {0};
    curl_easy_reset(rt->curl);
    curl_easy_setopt(rt->curl, CURLOPT_URL, url);
    curl_easy_setopt(rt->curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(rt->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(rt->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(rt->curl, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(rt->curl, CURLOPT_WRITEDATA, &ignored);
    curl_easy_setopt(rt->curl, CURLOPT_TIMEOUT_MS, 10000L);
    long status = 0;
    if (curl_easy_perform(rt->curl) == CURLE_OK)
        curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    buffer_free(&ignored);
    return status;
}

static char *error_json(const char *type, const char *message) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "errorType", type);
    cJSON_AddStringToObject(e, "errorMessage", message);
    char *json = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    return json;
}

static void post_error(lambda_runtime *rt, const char *path, const char *type,
                       const char *message) {
    char *body = error_json(type, message);
    if (body) post(rt, path, body, type);
    cJSON_free(body);
}

void lambda_runtime_init_error(lambda_runtime *rt, const char *message) {
    log_line("error", NULL, message, NULL);
    if (rt) post_error(rt, "/init/error", "Runtime.InitError", message);
}

/* GET /next: the next invocation's headers and event. Returns 0, or -1
 * with what went wrong. */
static int next_invocation(lambda_runtime *rt, next_headers *h, buffer *event,
                           char *err, size_t errlen) {
    char url[400];
    snprintf(url, sizeof url, "%s/invocation/next", rt->base);
    memset(h, 0, sizeof *h);
    buffer_reset(event);
    curl_easy_reset(rt->curl);
    curl_easy_setopt(rt->curl, CURLOPT_URL, url);
    curl_easy_setopt(rt->curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(rt->curl, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(rt->curl, CURLOPT_WRITEDATA, event);
    curl_easy_setopt(rt->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(rt->curl, CURLOPT_HEADERDATA, h);
    /* No timeout: Lambda freezes the process between events, and the wait
     * for the next one may last any time. */
    curl_easy_setopt(rt->curl, CURLOPT_TIMEOUT_MS, 0L);
    CURLcode rc = curl_easy_perform(rt->curl);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(rt->curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK)
        snprintf(err, errlen, "the Runtime API: %s", curl_easy_strerror(rc));
    else if (status != 200)
        snprintf(err, errlen, "the Runtime API answered HTTP %ld", status);
    else if (h->request_id[0] == '\0')
        snprintf(err, errlen, "the Runtime API gave no request id");
    else
        return 0;
    return -1;
}

/* One invocation: the handler's answer posted. */
static void serve(lambda_runtime *rt, const next_headers *h, const buffer *event,
                  lambda_handler handler, void *context) {
    char path[300];
    if (h->trace_id[0]) setenv("_X_AMZN_TRACE_ID", h->trace_id, 1);
    else unsetenv("_X_AMZN_TRACE_ID");
    lambda_invocation inv = {h->request_id, h->trace_id, h->deadline_ms,
                             event->data ? event->data : "", event->len};
    lambda_answer answer;
    memset(&answer, 0, sizeof answer);
    handler(context, &inv, &answer);
    if (answer.response) {
        snprintf(path, sizeof path, "/invocation/%s/response", h->request_id);
        post(rt, path, answer.response, NULL);
        free(answer.response);
        return;
    }
    if (answer.error_type[0] == '\0')
        snprintf(answer.error_type, sizeof answer.error_type, "Runtime.OutOfMemory");
    if (answer.error_message[0] == '\0')
        snprintf(answer.error_message, sizeof answer.error_message, "out of memory");
    snprintf(path, sizeof path, "/invocation/%s/error", h->request_id);
    post_error(rt, path, answer.error_type, answer.error_message);
}

int lambda_runtime_run(lambda_runtime *rt, lambda_handler handler,
                       void *context) {
    buffer event = {0};
    char err[300];
    int failures = 0;
    for (;;) {
        next_headers h;
        if (next_invocation(rt, &h, &event, err, sizeof err) == 0) {
            failures = 0;
            serve(rt, &h, &event, handler, context);
            continue;
        }
        log_line("error", NULL, err, NULL);
        if (++failures >= LAMBDA_NEXT_ATTEMPTS) break; /* shutting down */
        long ms = (long)LAMBDA_NEXT_BACKOFF_MS << (failures - 1);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    buffer_free(&event);
    return 1;
}
