/* runtime.c -- see runtime.h.
 *
 * Configuration, read once at start (a missing or invalid setting fails
 * the initialisation with a message naming it):
 *   AWS_LAMBDA_RUNTIME_API   host:port of the Runtime API (set by Lambda)
 *   MILKBOT_STORE            dynamodb:TABLE (or sqlite:PATH for local runs)
 *   MILKBOT_TZ               zone of chats that have not chosen one (UTC)
 *   ALLOWED_USER_IDS         the family's Telegram user ids
 *   MILKBOT_WEBHOOK_SECRET   the webhook's secret token (never empty), or else
 *   WEBHOOK_SECRET_PARAM     the SSM parameter holding it, read through the
 *                            Parameters and Secrets Lambda Extension
 *                            (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, 2773)
 *                            on the first invocation: the extension only
 *                            answers during invocations, not during init
 *                            (an empty one fails each invocation, saying so)
 *   TELEGRAM_BOT_TOKEN / BOT_TOKEN_PARAM  likewise, for the Bot API call an
 *                            Undo button needs (TELEGRAM_API_URL for tests)
 *   MILKBOT_CA_BUNDLE        CA certificates for HTTPS; by default Amazon
 *                            Linux's, /etc/pki/tls/certs/ca-bundle.crt */
#include "runtime.h"

#include "aws/secret_source.h"
#include "bot/bot.h"
#include "clock/clock.h"
#include "lambda/log.h"
#include "store/store.h"
#include "store/store_dynamodb.h"
#include "telegram/bot_api.h"
#include "util/buffer.h"
#include "util/ca_bundle.h"
#include "webhook/webhook.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The invocation's headers we use. */
typedef struct {
    char request_id[128];
    char trace_id[512];
    long long deadline_ms;
} invocation;

static size_t on_header(char *data, size_t size, size_t n, void *user) {
    invocation *inv = user;
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
        snprintf(inv->request_id, sizeof inv->request_id, "%s", value);
    else if (strcasecmp(line, "Lambda-Runtime-Trace-Id") == 0)
        snprintf(inv->trace_id, sizeof inv->trace_id, "%s", value);
    else if (strcasecmp(line, "Lambda-Runtime-Deadline-Ms") == 0)
        inv->deadline_ms = atoll(value);
    return bytes;
}

typedef struct {
    CURL *curl;       /* one handle for the Runtime API, reused */
    char base[300];   /* http://HOST:PORT/2018-06-01/runtime */
    webhook_config config;
    char secret_param[512]; /* read on the first invocation, if set */
    char token_param[512];
    char token[256];
    tg_api *api;            /* the Bot API, once the token is known */
    store *store;
    dynamo_client *dynamodb; /* the store's client, when it is DynamoDB */
    bot *bot;
} runtime;

/* POSTs a JSON body to the Runtime API; returns the HTTP status (0: none). */
static long post(runtime *rt, const char *path, const char *body,
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

static int init_failed(runtime *rt, const char *message) {
    log_line("error", NULL, message, NULL);
    if (rt->curl) {
        char *body = error_json("Runtime.InitError", message);
        post(rt, "/init/error", body, "Runtime.InitError");
        free(body);
    }
    return 1;
}

/* A parameter through the Parameters and Secrets extension:
 * GET /systemsmanager/parameters/get?name=...&withDecryption=true with the
 * session token as the X-Aws-Parameters-Secrets-Token header. */
static int fetch_parameter(const char *name, char *out, size_t outlen,
                           char *err, size_t errlen) {
    const char *port = getenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT");
    const char *token = getenv("AWS_SESSION_TOKEN");
    CURL *c = curl_easy_init();
    if (c == NULL) {
        snprintf(err, errlen, "libcurl could not be initialised");
        return -1;
    }
    char *escaped = curl_easy_escape(c, name, 0);
    char url[1024], header[4200];
    snprintf(url, sizeof url,
             "http://localhost:%s/systemsmanager/parameters/get?name=%s&withDecryption=true",
             port && port[0] ? port : "2773", escaped ? escaped : "");
    curl_free(escaped);
    snprintf(header, sizeof header, "X-Aws-Parameters-Secrets-Token: %s",
             token ? token : "");
    struct curl_slist *headers = curl_slist_append(NULL, header);
    buffer body = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    memset(header, 0, sizeof header);
    curl_easy_cleanup(c);
    int result = -1;
    cJSON *json = body.data ? cJSON_Parse(body.data) : NULL;
    const char *value = cJSON_GetStringValue(cJSON_GetObjectItem(
        cJSON_GetObjectItem(json, "Parameter"), "Value"));
    if (rc != CURLE_OK)
        snprintf(err, errlen, "reading parameter %.200s: %s", name, curl_easy_strerror(rc));
    else if (status != 200 || value == NULL)
        snprintf(err, errlen, "reading parameter %.200s: HTTP %ld", name, status);
    else if (strlen(value) >= outlen)
        snprintf(err, errlen, "parameter %.200s is too long", name);
    else {
        snprintf(out, outlen, "%s", value);
        result = 0;
    }
    if (body.data) memset(body.data, 0, body.len);
    cJSON_Delete(json);
    free(body.data);
    return result;
}

/* A secret's value from environment variable `value_env` into `value`
 * (none copied when NULL), else the name of the SSM parameter holding it,
 * from `param_env`, into `param` for the first invocation to read. Returns
 * 0, or -1 with a message. */
static int find_secret(const char *value_env, const char *param_env,
                       char *value, size_t valuelen, char *param,
                       size_t paramlen, char *err, size_t errlen) {
    const char *name;
    switch (secret_source_find(value_env, NULL, param_env, value, valuelen,
                               &name, err, errlen)) {
    case SECRET_IN_VALUE: return 0;
    case SECRET_TOO_LONG: return -1;
    case SECRET_NOWHERE:
        snprintf(err, errlen, "neither %s nor %s is set", value_env, param_env);
        return -1;
    case SECRET_IN_PARAM: break;
    }
    snprintf(param, paramlen, "%s", name);
    return 0;
}

static int init(runtime *rt, char *err, size_t errlen) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (api == NULL || api[0] == '\0') {
        snprintf(err, errlen, "AWS_LAMBDA_RUNTIME_API is not set: run this "
                 "inside Lambda (or an emulator)");
        return -1;
    }
    snprintf(rt->base, sizeof rt->base, "http://%s/2018-06-01/runtime", api);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
        (rt->curl = curl_easy_init()) == NULL) {
        snprintf(err, errlen, "libcurl could not be initialised");
        return -1;
    }
    const char *spec = getenv("MILKBOT_STORE");
    const char *tz = getenv("MILKBOT_TZ");
    if (spec == NULL || spec[0] == '\0') {
        snprintf(err, errlen, "MILKBOT_STORE is not set (dynamodb:TABLE)");
        return -1;
    }
    if (tz == NULL || tz[0] == '\0') tz = "UTC";

    /* the secret: a value for local runs, else an SSM parameter read on
     * the first invocation */
    if (find_secret("MILKBOT_WEBHOOK_SECRET", "WEBHOOK_SECRET_PARAM", NULL, 0,
                    rt->secret_param, sizeof rt->secret_param, err, errlen) != 0)
        return -1;
    if (webhook_config_from_env(&rt->config, rt->secret_param[0] != '\0', err,
                                errlen) != 0)
        return -1;

    /* the bot token, for the Bot API call an Undo button needs */
    if (find_secret("TELEGRAM_BOT_TOKEN", "BOT_TOKEN_PARAM", rt->token,
                    sizeof rt->token, rt->token_param, sizeof rt->token_param,
                    err, errlen) != 0)
        return -1;
    if (clock_init(err, errlen) != 0) return -1;
    char id[CLOCK_ZONE_ID_MAX];
    if (clock_zone_canonical(tz, id, sizeof id, err, errlen) != 0) {
        char detail[300];
        snprintf(detail, sizeof detail, "MILKBOT_TZ: %.280s", err);
        snprintf(err, errlen, "%s", detail);
        return -1;
    }
    /* Debian's libcurl (linked in) would look where Amazon Linux has none */
    ca_bundle_set_default(CA_BUNDLE_AMAZON_LINUX);
    if (ca_bundle_check(err, errlen) != 0) return -1;
    rt->store = store_open(spec, err, errlen);
    if (rt->store == NULL) return -1;
    if (strncmp(spec, "dynamodb:", 9) == 0) rt->dynamodb = store_dynamodb_client(rt->store);
    rt->bot = bot_new(rt->store, id, err, errlen);
    return rt->bot ? 0 : -1;
}

/* The webhook secret from its SSM parameter. An empty one (or one Telegram
 * would not take) is refused: no request is let in until it is fixed.
 * Returns 0, or -1 with a message naming the parameter (never the value). */
static int read_webhook_secret(runtime *rt, char *err, size_t errlen) {
    char secret[WEBHOOK_SECRET_MAX + 1], why[300];
    if (fetch_parameter(rt->secret_param, secret, sizeof secret, err, errlen) != 0)
        return -1;
    int status = webhook_config_set_secret(&rt->config, secret, why, sizeof why);
    memset(secret, 0, sizeof secret);
    if (status != 0)
        snprintf(err, errlen, "parameter %.200s: %s", rt->secret_param, why);
    return status;
}

/* One invocation: the event in, the response posted. */
static void invoke(runtime *rt, const invocation *inv, const buffer *event) {
    char err[512], path[300];
    if (inv->trace_id[0]) setenv("_X_AMZN_TRACE_ID", inv->trace_id, 1);
    /* secrets from SSM, once per container: the extension answers only now */
    int missing = (rt->config.secret[0] == '\0' &&
                   read_webhook_secret(rt, err, sizeof err) != 0) ||
                  (rt->token[0] == '\0' &&
                   fetch_parameter(rt->token_param, rt->token, sizeof rt->token,
                                   err, sizeof err) != 0);
    if (!missing && rt->api == NULL &&
        (rt->api = tg_api_new(getenv("TELEGRAM_API_URL"), rt->token, err, sizeof err)) == NULL)
        missing = 1;
    if (missing) {
        /* a function error: API Gateway answers 5xx, Telegram retries */
        log_line("error", inv->request_id, err, NULL);
        char *body = error_json("Runtime.SecretUnavailable", err);
        snprintf(path, sizeof path, "/invocation/%s/error", inv->request_id);
        post(rt, path, body, "Runtime.SecretUnavailable");
        free(body);
        return;
    }
    int64_t start = clock_now_ms();
    /* answer before Lambda's deadline, with time to post the answer: a
     * store that hangs becomes a 500 (Telegram retries), not a killed
     * invocation */
    if (rt->dynamodb)
        dynamo_set_deadline(rt->dynamodb, inv->deadline_ms ? inv->deadline_ms - 500 : 0);
    webhook_result result;
    char *response = webhook_handle(&rt->config, rt->bot, rt->api, event->data ? event->data : "",
                                    event->len, start, &result);
    snprintf(path, sizeof path, "/invocation/%s/response", inv->request_id);
    if (response == NULL) {
        char *body = error_json("Runtime.OutOfMemory", "out of memory");
        snprintf(path, sizeof path, "/invocation/%s/error", inv->request_id);
        post(rt, path, body, "Runtime.OutOfMemory");
        free(body);
        return;
    }
    /* logged before the response is posted: after it, Lambda may freeze
     * the process before the line is out */
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddNumberToObject(fields, "status", result.status);
    cJSON_AddStringToObject(fields, "outcome", result.outcome ? result.outcome : "");
    if (result.note[0]) cJSON_AddStringToObject(fields, "note", result.note);
    cJSON_AddNumberToObject(fields, "ms", (double)(clock_now_ms() - start));
    log_line(result.status >= 500 ? "error" : "info", inv->request_id,
             "handled", fields);
    post(rt, path, response, NULL);
    free(response);
}

int lambda_run(void) {
    runtime rt;
    char err[512];
    memset(&rt, 0, sizeof rt);
    if (init(&rt, err, sizeof err) != 0) {
        int status = init_failed(&rt, err);
        bot_free(rt.bot);
        store_close(rt.store);
        if (rt.curl) curl_easy_cleanup(rt.curl);
        webhook_config_free(&rt.config);
        return status;
    }
    /* once per container: which rules its times are computed with */
    cJSON *versions = cJSON_CreateObject();
    cJSON_AddStringToObject(versions, "version", MILKBOT_VERSION);
    cJSON_AddStringToObject(versions, "icu", clock_icu_version());
    cJSON_AddStringToObject(versions, "zone_rules", clock_zone_rules_version());
    log_line("info", NULL, "initialised", versions);
    char next[400];
    snprintf(next, sizeof next, "%s/invocation/next", rt.base);
    for (;;) {
        invocation inv;
        buffer event = {0};
        memset(&inv, 0, sizeof inv);
        curl_easy_reset(rt.curl);
        curl_easy_setopt(rt.curl, CURLOPT_URL, next);
        curl_easy_setopt(rt.curl, CURLOPT_WRITEFUNCTION, buffer_curl_write);
        curl_easy_setopt(rt.curl, CURLOPT_WRITEDATA, &event);
        curl_easy_setopt(rt.curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(rt.curl, CURLOPT_HEADERDATA, &inv);
        /* No timeout: Lambda freezes the process between events, and the
         * wait for the next one may last any time. */
        curl_easy_setopt(rt.curl, CURLOPT_TIMEOUT_MS, 0L);
        CURLcode rc = curl_easy_perform(rt.curl);
        long status = 0;
        if (rc == CURLE_OK) curl_easy_getinfo(rt.curl, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200 || inv.request_id[0] == '\0') {
            /* the Runtime API is gone: the container is being shut down */
            log_line("error", NULL, rc != CURLE_OK ? curl_easy_strerror(rc)
                                                   : "bad answer from the Runtime API",
                     NULL);
            free(event.data);
            break;
        }
        invoke(&rt, &inv, &event);
        free(event.data);
    }
    tg_api_free(rt.api);
    bot_free(rt.bot);
    store_close(rt.store);
    curl_easy_cleanup(rt.curl);
    webhook_config_free(&rt.config);
    memset(rt.token, 0, sizeof rt.token);
    return 1;
}
