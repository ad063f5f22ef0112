/* fuzz_webhook.c -- libFuzzer harness: any bytes as the Lambda event,
 * through the event decoder, the Telegram update decoder and the bot to the
 * reply, on an in-memory SQLite store.
 *
 * Input layout: byte 0 says how the rest is used: 2, the rest is the
 * secret header's value, written into the JSON text of an event carrying
 * a valid update as it is (NUL bytes included); other even values, the
 * rest is the whole event; odd, the rest is the body of an HTTP API event
 * carrying the right secret (so the update decoder and the bot are
 * reached). Checks that every response is valid JSON with a status the
 * contract allows (never 5xx with a working store; always 200 for a body
 * sent with the right secret, whatever it holds), that any Bot API call
 * in it is valid JSON with a method, and that a header value without
 * escapes gets in exactly when it is the secret, byte for byte. The whole
 * event also goes through the scheduler's tick decoder (#17), and an event
 * it takes for a tick runs a tick of the bot's clock on the same store:
 * every message it says is valid text, and a second tick at the same
 * time says nothing (each thing is said once). */
#include "bot/bot.h"
#include "clock/clock.h"
#include "store/store.h"
#include "lambda/tick_event.h"
#include "webhook/webhook.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET "fuzz-secret"
#define RECYCLE 1000

static store *shared_store;
static bot *shared_bot;
static webhook_config config;
static unsigned long inputs;

static void recycle(void) {
    char err[512];
    bot_free(shared_bot);
    store_close(shared_store);
    shared_store = store_open("sqlite::memory:", err, sizeof err);
    shared_bot = shared_store ? bot_new(shared_store, "Europe/London", err, sizeof err) : NULL;
    if (shared_bot == NULL) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char err[256];
    if (clock_init(err, sizeof err) != 0) abort();
    strcpy(config.secret, SECRET);
    /* the users of the seeds: events/, tests/fixtures (Maya and Tom) and
     * the shared fixtures */
    if (webhook_config_set_allowed(&config,
                                   "1111111,111111111,222222222,123456789,"
                                   "738251904,6120457389",
                                   err, sizeof err) != 0)
        abort();
    /* the bot of tests/fixtures: group mentions, commands and replies */
    if (webhook_config_set_bot(&config, "7391046628:fuzz", "MilkLogBot", err, sizeof err) != 0)
        abort();
    return 0;
}

/* An HTTP API event carrying "total?" from an allowed user, its secret
 * header's value the `n` bytes at `raw` as they are. */
static char *event_with_secret(const uint8_t *raw, size_t n, size_t *len) {
    static const char head[] =
        "{\"headers\":{\"x-telegram-bot-api-secret-token\":\"";
    static const char tail[] =
        "\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":"
        "\"{\\\"update_id\\\":1,\\\"message\\\":{\\\"message_id\\\":1,"
        "\\\"from\\\":{\\\"id\\\":1111111,\\\"first_name\\\":\\\"F\\\"},"
        "\\\"chat\\\":{\\\"id\\\":1111111,\\\"type\\\":\\\"private\\\"},"
        "\\\"date\\\":1795867200,\\\"text\\\":\\\"total?\\\"}}\"}";
    char *event = malloc(sizeof head + n + sizeof tail);
    memcpy(event, head, sizeof head - 1);
    memcpy(event + sizeof head - 1, raw, n);
    memcpy(event + sizeof head - 1 + n, tail, sizeof tail);
    *len = sizeof head - 1 + n + sizeof tail - 1;
    return event;
}

/* What a tick says is text for a person: non-empty and bounded. */
static int say_checked(void *ctx, const store_schedule *sc, const char *text,
                       int64_t *moved_to, char *err, size_t errlen) {
    (void)ctx;
    (void)moved_to;
    (void)sc;
    (void)err;
    (void)errlen;
    size_t len = strlen(text);
    if (len == 0 || len >= BOT_REPLY_MAX) abort();
    return 0;
}

static void tick_checked(const char *event, size_t len, int64_t now_ms) {
    tick_event t;
    if (!tick_event_parse(event, len, &t)) return;
    if (strlen(t.scheduled) >= sizeof t.scheduled ||
        strlen(t.execution) >= sizeof t.execution || t.attempt < 0 || t.attempt >= 1000)
        abort();
    bot_tick_result first, again;
    if (bot_tick(shared_bot, now_ms, "fuzz-1", NULL, 0, say_checked, NULL, &first) != BOT_OK ||
        bot_tick(shared_bot, now_ms, "fuzz-2", NULL, 0, say_checked, NULL, &again) != BOT_OK ||
        (first.due < STORE_DUE_MAX && again.said != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (inputs++ % RECYCLE == 0) recycle(); /* memory stays bounded */
    char *event;
    size_t len;
    /* the status a secret header spelled without escapes must get */
    int expect = 0;
    if (data[0] == 2) {
        event = event_with_secret(data + 1, size - 1, &len);
        if (memchr(data + 1, '\\', size - 1) == NULL && memchr(data + 1, '"', size - 1) == NULL)
            expect = size - 1 == strlen(SECRET) && memcmp(data + 1, SECRET, size - 1) == 0
                         ? 200 : 401;
    } else if (data[0] % 2) {
        cJSON *e = cJSON_CreateObject();
        cJSON *headers = cJSON_AddObjectToObject(e, "headers");
        cJSON_AddStringToObject(headers, "x-telegram-bot-api-secret-token", SECRET);
        cJSON *http = cJSON_AddObjectToObject(cJSON_AddObjectToObject(e, "requestContext"), "http");
        cJSON_AddStringToObject(http, "method", "POST");
        char *body = malloc(size);
        memcpy(body, data + 1, size - 1);
        body[size - 1] = '\0'; /* JSON strings stop at NUL anyway */
        cJSON_AddStringToObject(e, "body", body);
        free(body);
        event = cJSON_PrintUnformatted(e);
        cJSON_Delete(e);
        if (event == NULL) return 0; /* not valid UTF-8 for cJSON: fine */
        len = strlen(event);
        expect = 200; /* Telegram's, whatever the body: never retried */
    } else {
        event = malloc(size);
        memcpy(event, data + 1, size - 1);
        len = size - 1;
    }
    tick_checked(event, len, 1795867200000LL + (int64_t)inputs * 3600000);
    webhook_result result;
    char *response = webhook_handle(&config, shared_bot, NULL, event, len,
                                    1795867200000LL, &result);
    if (response == NULL) abort();
    cJSON *r = cJSON_Parse(response);
    if (r == NULL) abort();
    int status = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(r, "statusCode"));
    if (status != result.status ||
        (status != 200 && status != 400 && status != 401 && status != 405) ||
        (expect && status != expect))
        abort();
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(r, "body"));
    if (body == NULL) abort();
    if (body[0]) {
        cJSON *call = cJSON_Parse(body);
        if (call == NULL || cJSON_GetStringValue(cJSON_GetObjectItem(call, "method")) == NULL)
            abort();
        cJSON_Delete(call);
    }
    cJSON_Delete(r);
    free(response);
    free(event);
    return 0;
}
