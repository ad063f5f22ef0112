/* bot_api.c -- see bot_api.h. */
#include "bot_api.h"
#include "update.h"

#include "util/buffer.h"
#include "util/ca_bundle.h"
#include "util/deadline.h"

#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last call's request may have reached Telegram, but its answer
 * never came (a timeout, a connection cut): it may have been carried out. */
#define TG_UNANSWERED (-1)

struct tg_api {
    CURL *curl; /* reused: keep-alive to Telegram across invocations */
    char base[4200];
    buffer body;
    int64_t deadline_ms;
    int error_code; /* Telegram's error_code of the last call; 0: none;
                       TG_UNANSWERED: sent, and no answer came */
    int retry_after; /* seconds, of the last call's 429; 0: none said */
    int64_t migrate_to; /* the chat's new id, of the last call's 400; 0: none */
    long timeout_ms; /* a call's longest wait; 0: TG_API_TIMEOUT_MS */
    volatile sig_atomic_t *stop; /* a call gives up once it is set */
};

#define TG_API_TIMEOUT_MS 5000

tg_api *tg_api_new(const char *base_url, const char *token, char *err,
                   size_t errlen) {
    if (ca_bundle_check(err, errlen) != 0) return NULL;
    tg_api *a = calloc(1, sizeof *a);
    if (a == NULL || (a->curl = curl_easy_init()) == NULL) {
        free(a);
        snprintf(err, errlen, "libcurl could not be initialised");
        return NULL;
    }
    if (base_url == NULL || base_url[0] == '\0') base_url = "https://api.telegram.org";
    snprintf(a->base, sizeof a->base, "%s/bot%s", base_url, token);
    return a;
}

void tg_api_free(tg_api *a) {
    if (a == NULL) return;
    curl_easy_cleanup(a->curl);
    memset(a->base, 0, sizeof a->base); /* it holds the token */
    buffer_free(&a->body);
    free(a);
}

void tg_api_set_deadline(tg_api *a, int64_t deadline_ms) {
    a->deadline_ms = deadline_ms;
}

void tg_api_set_timeout(tg_api *a, long timeout_ms) {
    a->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

void tg_api_set_stop(tg_api *a, volatile sig_atomic_t *stop) {
    a->stop = stop;
}

int tg_api_last_error(const tg_api *a, int *retry_after) {
    if (retry_after) *retry_after = a->retry_after;
    return a->error_code;
}

/* libcurl's progress callback: a nonzero answer aborts the transfer. */
static int check_stop(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
                      curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const tg_api *a = ctx;
    return a->stop && *a->stop ? 1 : 0;
}

int tg_api_call(tg_api *a, const char *method, const cJSON *params, char *err,
                size_t errlen) {
    return tg_api_call_result(a, method, params, NULL, err, errlen);
}

int tg_api_call_result(tg_api *a, const char *method, const cJSON *params,
                       cJSON **result, char *err, size_t errlen) {
    if (result) *result = NULL;
    a->error_code = 0;
    a->retry_after = 0;
    a->migrate_to = 0;
    long budget = deadline_budget_ms(a->deadline_ms,
                                     a->timeout_ms ? a->timeout_ms : TG_API_TIMEOUT_MS);
    if (budget == 0) {
        snprintf(err, errlen, "%s: no time left before the deadline", method);
        return -1;
    }
    char url[4300];
    char *json = cJSON_PrintUnformatted(params);
    if (json == NULL) {
        snprintf(err, errlen, "%s: out of memory", method);
        return -1;
    }
    snprintf(url, sizeof url, "%s/%s", a->base, method);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_reset(a->curl);
    curl_easy_setopt(a->curl, CURLOPT_URL, url);
    /* HTTP(S) only: bootstrap links libcurl's other protocols as stubs
     * (packaging/curl_unused.c) */
    curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, buffer_curl_write);
    curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, &a->body);
    curl_easy_setopt(a->curl, CURLOPT_TIMEOUT_MS, budget);
    curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
    if (a->stop) {
        curl_easy_setopt(a->curl, CURLOPT_XFERINFOFUNCTION, check_stop);
        curl_easy_setopt(a->curl, CURLOPT_XFERINFODATA, a);
        curl_easy_setopt(a->curl, CURLOPT_NOPROGRESS, 0L);
    }
    ca_bundle_apply(a->curl);
    buffer_reset(&a->body);
    CURLcode rc = curl_easy_perform(a->curl);
    memset(url, 0, sizeof url);
    curl_slist_free_all(headers);
    cJSON_free(json);
    long http_status = 0;
    curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, &http_status);
    if (rc != CURLE_OK) {
        /* failures before a byte was sent leave nothing done; any other may
         * have been carried out */
        if (rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_RESOLVE_PROXY &&
            rc != CURLE_COULDNT_CONNECT && rc != CURLE_SSL_CONNECT_ERROR &&
            rc != CURLE_PEER_FAILED_VERIFICATION && rc != CURLE_SSL_CACERT_BADFILE &&
            rc != CURLE_SSL_CERTPROBLEM && rc != CURLE_UNSUPPORTED_PROTOCOL &&
            rc != CURLE_URL_MALFORMAT)
            a->error_code = TG_UNANSWERED;
        /* curl's message names no URL, so no token */
        snprintf(err, errlen, "%s: %s", method, curl_easy_strerror(rc));
        return -1;
    }
    cJSON *answer = a->body.len ? cJSON_ParseWithLength(a->body.data, a->body.len) : NULL;
    int ok = cJSON_IsTrue(cJSON_GetObjectItem(answer, "ok"));
    if (ok && result) *result = cJSON_DetachItemFromObject(answer, "result");
    if (!ok) {
        cJSON *code = cJSON_GetObjectItem(answer, "error_code");
        if (cJSON_IsNumber(code)) a->error_code = code->valueint;
        /* a proxy's 502 carries no Telegram answer: its HTTP status */
        else if (http_status >= 400 && http_status <= 599) a->error_code = (int)http_status;
        const cJSON *after = cJSON_GetObjectItem(cJSON_GetObjectItem(answer, "parameters"),
                                                 "retry_after");
        if (cJSON_IsNumber(after) && after->valueint > 0) a->retry_after = after->valueint;
        /* "group chat was upgraded to a supergroup chat": its new id, held
         * to the ids Telegram sends (update.h) */
        const cJSON *to = cJSON_GetObjectItem(cJSON_GetObjectItem(answer, "parameters"),
                                              "migrate_to_chat_id");
        if (cJSON_IsNumber(to) && to->valuedouble == floor(to->valuedouble) &&
            fabs(to->valuedouble) <= (double)TG_CHAT_ID_MAX)
            a->migrate_to = (int64_t)to->valuedouble;
        const char *why = cJSON_GetStringValue(cJSON_GetObjectItem(answer, "description"));
        if (why == NULL && http_status >= 400)
            snprintf(err, errlen, "%s: HTTP %ld, not Telegram's answer", method, http_status);
        else
            snprintf(err, errlen, "%s: %.200s", method, why ? why : "no answer");
    }
    cJSON_Delete(answer);
    return ok ? 0 : -1;
}

int64_t tg_api_migrated_to(const tg_api *a) {
    return a->migrate_to;
}

int tg_api_send_message(tg_api *a, int64_t chat_id, const char *text, char *err,
                        size_t errlen) {
    cJSON *params = cJSON_CreateObject();
    if (params == NULL || cJSON_AddNumberToObject(params, "chat_id", (double)chat_id) == NULL ||
        cJSON_AddStringToObject(params, "text", text) == NULL) {
        cJSON_Delete(params);
        snprintf(err, errlen, "sendMessage: out of memory");
        return -1;
    }
    int status = tg_api_call(a, "sendMessage", params, err, errlen);
    cJSON_Delete(params);
    if (status == 0) return 0;
    /* 400 (chat not found), 403 (blocked, kicked): saying it again will
     * not help. Sent without an answer: it may have been said, and
     * sendMessage has no key that would make a second one harmless, so
     * it is not sent again (never twice). 429, 5xx, and a network that
     * let nothing through: later may work. */
    if (a->error_code == TG_UNANSWERED) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, " (sent, no answer: not sent again)");
        return 1;
    }
    return a->error_code == 400 || a->error_code == 403 ? 1 : -1;
}
