/* webhook_test.c -- the webhook handler on the real bot and an in-memory
 * SQLite store: the security rules, the replies, the failure statuses, and
 * the project's fixtures (tests/fixtures) against the outcomes written by
 * hand in their manifest. With --shared DIR it is instead the separate,
 * optional check of ../shared's fixtures. */
#include "webhook/http_event.h"
#include "store/store.h"
#include "telegram/update.h"
#include "util/base64.h"
#include "webhook/webhook.h"
#include "test_files.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SECRET "test-secret-Ab3"
#define USER 111111111LL
#define NOON 1795867200LL /* 2026-11-28T12:00:00Z */

typedef struct {
    store *store;
    bot *bot;
    webhook_config config;
} fixture;

static int setup(void **state) {
    char err[512];
    fixture *fx = calloc(1, sizeof *fx);
    fx->store = store_open("sqlite::memory:", err, sizeof err);
    fx->bot = bot_new(fx->store, "Europe/London", err, sizeof err);
    snprintf(fx->config.secret, sizeof fx->config.secret, "%s", SECRET);
    if (webhook_config_set_allowed(&fx->config, "111111111, 4503599627370495", err,
                                   sizeof err) != 0)
        return -1;
    *state = fx;
    return fx->bot ? 0 : -1;
}

static int teardown(void **state) {
    fixture *fx = *state;
    bot_free(fx->bot);
    store_close(fx->store);
    webhook_config_free(&fx->config);
    free(fx);
    return 0;
}

/* An HTTP API event carrying `body`, with `secret` (NULL: no header). */
static char *event_v2(const char *body, const char *secret, const char *method) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "version", "2.0");
    cJSON *headers = cJSON_AddObjectToObject(e, "headers");
    cJSON_AddStringToObject(headers, "content-type", "application/json");
    if (secret) cJSON_AddStringToObject(headers, "x-telegram-bot-api-secret-token", secret);
    cJSON *http = cJSON_AddObjectToObject(cJSON_AddObjectToObject(e, "requestContext"), "http");
    cJSON_AddStringToObject(http, "method", method);
    cJSON_AddStringToObject(e, "body", body);
    cJSON_AddBoolToObject(e, "isBase64Encoded", 0);
    char *json = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    return json;
}

static char *text_update(int64_t update, int64_t chat, int64_t from, int64_t message,
                         const char *text, const char *kind) {
    char *body = malloc(strlen(text) * 2 + 512);
    cJSON *t = cJSON_CreateString(text);
    char *quoted = cJSON_PrintUnformatted(t);
    sprintf(body,
            "{\"update_id\":%lld,\"%s\":{\"message_id\":%lld,\"from\":{\"id\":%lld,"
            "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":%lld,"
            "\"type\":\"private\"},\"date\":%lld,\"text\":%s}}",
            (long long)update, kind, (long long)message, (long long)from,
            (long long)chat, (long long)NOON, quoted);
    cJSON_free(quoted);
    cJSON_Delete(t);
    return body;
}

typedef struct {
    int status;
    cJSON *method; /* the webhook response's Bot API call, NULL if none */
} answer;

/* Delivers an event of `len` bytes (it may hold NUL bytes). */
static answer handle_len(fixture *fx, const char *event, size_t len) {
    webhook_result result;
    char *json = webhook_handle(&fx->config, fx->bot, NULL, event, len,
                                NOON * 1000 + 5000, &result);
    assert_non_null(json);
    cJSON *response = cJSON_Parse(json);
    assert_non_null(response);
    answer a = {(int)cJSON_GetNumberValue(cJSON_GetObjectItem(response, "statusCode")), NULL};
    assert_int_equal(a.status, result.status);
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(response, "body"));
    assert_non_null(body);
    if (body[0]) {
        a.method = cJSON_Parse(body);
        assert_non_null(a.method);
    }
    cJSON_Delete(response);
    free(json);
    return a;
}

static answer handle(fixture *fx, const char *event) {
    return handle_len(fx, event, strlen(event));
}

static answer say(fixture *fx, int64_t message, const char *text) {
    char *body = text_update(message, USER, USER, message, text, "message");
    char *event = event_v2(body, SECRET, "POST");
    answer a = handle(fx, event);
    free(event);
    free(body);
    return a;
}

static const char *field(const answer *a, const char *name) {
    return cJSON_GetStringValue(cJSON_GetObjectItem(a->method, name));
}

/* The feedings of the family's log (the default family: the fixture's
 * config names none) recorded in chat `chat`. */
static int feedings(fixture *fx, int64_t chat) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->store->ops->list_range(fx->store, STORE_DEFAULT_FAMILY, 0,
                                                INT64_MAX / 2, &list, err),
                     STORE_OK);
    int n = 0;
    for (size_t i = 0; i < list.count; i++) n += list.items[i].chat_id == chat;
    store_list_free(&list);
    return n;
}

/* The update of USER pressing button `data` (press id `press`) under the
 * bot's reply `reply_id`, into body. */
static void press_body(char *body, size_t size, int update_id, const char *press,
                       const char *data, int reply_id) {
    snprintf(body, size,
             "{\"update_id\":%d,\"callback_query\":{\"id\":\"%s\",\"from\":{\"id\":%lld,"
             "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat_instance\":\"1\",\"data\":\"%s\","
             "\"message\":{\"message_id\":%d,\"chat\":{\"id\":%lld,\"type\":\"private\"},"
             "\"date\":%lld,\"text\":\"...\"}}}",
             update_id, press, USER, data, reply_id, USER, NOON);
}

/* Record: a reply quoting the message, with an Undo button that works once. */
static void test_record_and_undo_button(void **state) {
    fixture *fx = *state;
    answer a = say(fx, 41, "12pm 120ml milk");
    assert_int_equal(a.status, 200);
    assert_string_equal(field(&a, "method"), "sendMessage");
    assert_int_equal((int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(a.method, "chat_id")), USER);
    assert_string_equal(field(&a, "text"), "🍼 120 ml milk at 12:00 — today 120 ml in 1 feed");
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(a.method, "reply_parameters"), "message_id")), 41);
    const cJSON *button = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(a.method, "reply_markup"), "inline_keyboard"), 0), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(button, "text")), "Undo");
    const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(button, "callback_data"));
    /* message 41, line 1, at 12:00 London (epoch seconds): the store's key */
    assert_string_equal(data, "undo:41.1@1795867200");
    assert_true(strlen(data) <= 64);
    assert_int_equal(feedings(fx, USER), 1);

    char body[1024];
    press_body(body, sizeof body, 2, "cb1", data, 42);
    cJSON_Delete(a.method);
    char *event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_string_equal(field(&a, "method"), "answerCallbackQuery");
    assert_string_equal(field(&a, "callback_query_id"), "cb1");
    assert_non_null(strstr(field(&a, "text"), "Removed 120 ml milk at 12:00"));
    assert_int_equal(feedings(fx, USER), 0);
    cJSON_Delete(a.method);
    /* the same press delivered again (its answer was lost): the same answer */
    a = handle(fx, event);
    assert_non_null(strstr(field(&a, "text"), "Removed 120 ml milk at 12:00"));
    assert_int_equal(feedings(fx, USER), 0);
    cJSON_Delete(a.method);
    free(event);
    /* pressed again, a new press: nothing more removed */
    char *cb1 = strstr(body, "\"cb1\"");
    assert_non_null(cb1);
    cb1[3] = '2';
    event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_string_equal(field(&a, "callback_query_id"), "cb2");
    assert_string_equal(field(&a, "text"), "That feeding was already removed.");
    cJSON_Delete(a.method);
    free(event);
}

/* Twins: the Undo button under a "both" reply carries how many babies'
 * feedings the line has, and removes them all. */
static void test_twins_undo_button_data(void **state) {
    fixture *fx = *state;
    answer a = say(fx, 50, "babies Mia Leo");
    cJSON_Delete(a.method);
    a = say(fx, 51, "both 60ml each at 11am");
    assert_string_equal(field(&a, "text"), "🍼 60 ml milk for Mia at 11:00\n"
                                           "🍼 60 ml milk for Leo at 11:00\n"
                                           "Today: 120 ml in 2 feeds (Mia 60 ml · Leo 60 ml)");
    const cJSON *button = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(a.method, "reply_markup"), "inline_keyboard"), 0), 0);
    const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(button, "callback_data"));
    /* message 51, line 1, at 11:00 London, and the line's 2 babies */
    assert_string_equal(data, "undo:51.1@1795863600+2");
    assert_int_equal(feedings(fx, USER), 2);
    char body[1024];
    press_body(body, sizeof body, 3, "cb9", data, 52);
    cJSON_Delete(a.method);
    char *event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_non_null(strstr(field(&a, "text"), "Removed 60 ml milk for Mia and 60 ml milk for Leo"));
    assert_int_equal(feedings(fx, USER), 0);
    cJSON_Delete(a.method);
    free(event);
}

/* The amount of the log's only feeding (written in chat USER). */
static int only_amount(fixture *fx) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->store->ops->list_range(fx->store, STORE_DEFAULT_FAMILY, 0,
                                                INT64_MAX / 2, &list, err),
                     STORE_OK);
    assert_int_equal(list.count, 1);
    int ml = list.items[0].amount_ml;
    store_list_free(&list);
    return ml;
}

/* A press of the button with callback data `data`, as press `id`. */
static answer press_button(fixture *fx, const char *id, const char *data) {
    char body[1024];
    snprintf(body, sizeof body,
             "{\"update_id\":3,\"callback_query\":{\"id\":\"%s\",\"from\":{\"id\":%lld,"
             "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat_instance\":\"1\",\"data\":\"%s\","
             "\"message\":{\"message_id\":52,\"chat\":{\"id\":%lld,\"type\":\"private\"},"
             "\"date\":%lld,\"text\":\"...\"}}}",
             id, USER, data, USER, NOON);
    char *event = event_v2(body, SECRET, "POST");
    answer a = handle(fx, event);
    free(event);
    assert_int_equal(a.status, 200);
    assert_string_equal(field(&a, "method"), "answerCallbackQuery");
    return a;
}

/* A correction changes the feeding's amount, once, and its reply's Undo
 * button ("back:<message>") puts the amount back, once per press. */
static void test_correction_and_put_back_button(void **state) {
    fixture *fx = *state;
    answer a = say(fx, 51, "12pm 120ml milk");
    cJSON_Delete(a.method);
    a = say(fx, 52, "make that 110");
    assert_string_equal(field(&a, "text"), "✏️ 120 → 110 ml milk at 12:00 — today 110 ml in 1 feed");
    const cJSON *button = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetObjectItem(a.method, "reply_markup"), "inline_keyboard"), 0), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(button, "text")), "Undo");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(button, "callback_data")),
                        "back:52");
    cJSON_Delete(a.method);
    assert_int_equal(only_amount(fx), 110);
    /* the correction delivered again: the same answer, changed once */
    a = say(fx, 52, "make that 110");
    assert_string_equal(field(&a, "text"), "✏️ 120 → 110 ml milk at 12:00 — today 110 ml in 1 feed");
    cJSON_Delete(a.method);
    assert_int_equal(only_amount(fx), 110);

    a = press_button(fx, "cb-back-1", "back:52");
    assert_string_equal(field(&a, "text"), "↩️ Put back: 120 ml milk at 12:00 — today 120 ml in 1 feed");
    cJSON_Delete(a.method);
    assert_int_equal(only_amount(fx), 120);
    /* the same press again: the same answer, nothing more */
    a = press_button(fx, "cb-back-1", "back:52");
    assert_string_equal(field(&a, "text"), "↩️ Put back: 120 ml milk at 12:00 — today 120 ml in 1 feed");
    cJSON_Delete(a.method);
    /* another press: it is not 110 any more */
    a = press_button(fx, "cb-back-2", "back:52");
    assert_string_equal(field(&a, "text"),
                        "That feeding was changed again since (now 120 ml milk): nothing put back.");
    cJSON_Delete(a.method);
    assert_int_equal(only_amount(fx), 120);
    /* a button no correction made, and forged ones */
    static const char *const unknown[] = {"back:53"};
    static const char *const forged[] = {"back:", "back:x", "back:52x", "back:0",
                                         "back:99999999999999999999"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        a = press_button(fx, "cb-back-3", unknown[i]);
        assert_non_null(strstr(field(&a, "text"), "too old to put back"));
        cJSON_Delete(a.method);
    }
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        a = press_button(fx, "cb-back-4", forged[i]);
        assert_string_equal(field(&a, "text"), "That button does nothing any more.");
        cJSON_Delete(a.method);
    }
    assert_int_equal(only_amount(fx), 120);
}

/* The same update delivered twice: one feeding, the same answer. */
static void test_redelivery(void **state) {
    fixture *fx = *state;
    answer first = say(fx, 7, "90ml formula");
    answer again = say(fx, 7, "90ml formula");
    assert_string_equal(field(&first, "text"), field(&again, "text"));
    char *a = cJSON_PrintUnformatted(first.method), *b = cJSON_PrintUnformatted(again.method);
    assert_string_equal(a, b);
    cJSON_free(a);
    cJSON_free(b);
    assert_int_equal(feedings(fx, USER), 1);
    cJSON_Delete(first.method);
    cJSON_Delete(again.method);
}

/* Scheduled messages all have message_id 0: each update is its own
 * feeding, and a redelivered one is still recorded once. */
static void test_scheduled_messages(void **state) {
    fixture *fx = *state;
    for (int round = 0; round < 2; round++)
        for (int update = 1; update <= 2; update++) {
            char *body = text_update(update, USER, USER, 0, update == 1 ? "8am 50ml" : "9am 60ml",
                                     "message");
            char *event = event_v2(body, SECRET, "POST");
            answer a = handle(fx, event);
            assert_int_equal(a.status, 200);
            cJSON_Delete(a.method);
            free(event);
            free(body);
        }
    assert_int_equal(feedings(fx, USER), 2);
}

/* An edited message replaces its feeding. */
static void test_edit(void **state) {
    fixture *fx = *state;
    answer a = say(fx, 5, "12pm 120ml");
    cJSON_Delete(a.method);
    char *body = text_update(6, USER, USER, 5, "12pm 130ml", "edited_message");
    char *event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_string_equal(field(&a, "text"), "✏️ Updated: 🍼 130 ml milk at 12:00 — today 130 ml in 1 feed");
    assert_int_equal(feedings(fx, USER), 1);
    cJSON_Delete(a.method);
    free(event);
    free(body);
}

/* Without the right secret: 401, nothing parsed or stored. */
static void test_secret(void **state) {
    fixture *fx = *state;
    char *body = text_update(1, USER, USER, 1, "120ml", "message");
    static const char *const wrong[] = {NULL, "", "test-secret-Ab", "test-secret-Ab3x",
                                        "TEST-SECRET-AB3", "test-secret-Ab4"};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        char *event = event_v2(body, wrong[i], "POST");
        answer a = handle(fx, event);
        assert_int_equal(a.status, 401);
        assert_null(a.method);
        free(event);
    }
    assert_int_equal(feedings(fx, USER), 0);
    free(body);
}

/* Prints one failed case of a table; returns 1, to count it. */
static int report(const char *fmt, ...) {
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    print_error("%s\n", what);
    return 1;
}

/* `event` with the first `placeholder` replaced by `rawlen` bytes of raw
 * JSON text (escapes such as \u0000 kept as written, or NUL bytes); the
 * result's length in *len. */
static char *splice(const char *event, const char *placeholder, const char *raw,
                    size_t rawlen, size_t *len) {
    const char *at = strstr(event, placeholder);
    assert_non_null(at);
    size_t head = (size_t)(at - event), tail = strlen(at + strlen(placeholder));
    char *out = malloc(head + rawlen + tail + 1);
    memcpy(out, event, head);
    memcpy(out + head, raw, rawlen);
    memcpy(out + head + rawlen, at + strlen(placeholder), tail + 1);
    *len = head + rawlen + tail;
    return out;
}

/* The secret header compared by its real length (issue 11, defect 9):
 * cJSON keeps "\u0000" as a NUL byte inside its C string, where a C
 * string comparison stopped, so the right secret with anything after a
 * NUL got in. */
static void test_secret_exact_length(void **state) {
    fixture *fx = *state;
    int bad = 0;
    char *body = text_update(1, USER, USER, 1, "120ml", "message");
    char *event = event_v2(body, "@SECRET@", "POST");
    static const struct { const char *raw; size_t len; int status; } cases[] = {
        {SECRET, sizeof SECRET - 1, 200},                  /* the splice itself works */
        {SECRET "\\u0000", sizeof SECRET + 5, 401},        /* a NUL after the secret */
        {SECRET "\\u0000x", sizeof SECRET + 6, 401},       /* ... and more */
        {"\\u0000" SECRET, sizeof SECRET + 5, 401},        /* a NUL before it */
        {SECRET "\0", sizeof SECRET, 401},                 /* a raw NUL byte in the JSON */
        {SECRET "\0" SECRET, 2 * sizeof SECRET - 1, 401},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *spliced = splice(event, "@SECRET@", cases[i].raw, cases[i].len, &len);
        answer a = handle_len(fx, spliced, len);
        if (a.status != cases[i].status)
            bad += report("case %zu: status %d, expected %d", i, a.status, cases[i].status);
        cJSON_Delete(a.method);
        free(spliced);
    }
    assert_int_equal(bad, 0);
    assert_int_equal(feedings(fx, USER), 1); /* the first case's only */
    free(event);
    free(body);
}

/* Header values carry their real lengths, as JSON spells them: escapes,
 * surrogate pairs, NUL bytes (which cJSON keeps inside its C strings). A
 * NUL in a key or the method is no HTTP request's: refused. */
static void test_event_string_lengths(void **state) {
    (void)state;
    static const struct { const char *raw; size_t rawlen, len; } cases[] = {
        {"abc", 3, 3},
        {"a\\u0000b", 8, 3},
        {"\\u0000", 6, 1},
        {"a\0b", 3, 3},                      /* a raw NUL byte */
        {"\\u00e9\\u20AC", 12, 5},           /* 2 + 3 bytes of UTF-8 */
        {"\\ud83c\\udf7c\\u0000", 18, 5},    /* a surrogate pair: 4 bytes */
        {"caf\xC3\xA9", 5, 5},
        {"\\n\\t\\\"\\\\\\/", 10, 5},
        {"", 0, 0},
    };
    static const char head[] = "{\"headers\":{\"X-Test\":\"";
    static const char tail[] = "\"},\"httpMethod\":\"POST\",\"body\":\"x\\u0000y\"}";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[256], err[256];
        size_t n = 0;
        memcpy(json, head, sizeof head - 1);
        n += sizeof head - 1;
        memcpy(json + n, cases[i].raw, cases[i].rawlen);
        n += cases[i].rawlen;
        memcpy(json + n, tail, sizeof tail - 1);
        n += sizeof tail - 1;
        http_event e;
        if (http_event_decode(json, n, &e, err, sizeof err) != 0) fail_msg("case %zu: %s", i, err);
        size_t len = 99;
        assert_non_null(http_event_header(&e, "x-test", &len));
        if (len != cases[i].len) fail_msg("case %zu: length %zu, expected %zu", i, len, cases[i].len);
        assert_int_equal(http_event_read_body(&e, err, sizeof err), 0);
        assert_int_equal(e.body_len, 3);
        assert_memory_equal(e.body, "x\0y", 4);
        http_event_free(&e);
    }
    static const char *const refused[] = {
        "{\"headers\":{\"X-Test\\u0000\":\"1\"},\"httpMethod\":\"POST\"}",
        "{\"httpMethod\":\"POST\\u0000\"}",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char err[256];
        http_event e;
        assert_int_equal(http_event_decode(refused[i], strlen(refused[i]), &e, err, sizeof err), -1);
        assert_non_null(strstr(err, "NUL"));
        http_event_free(&e);
    }
}

/* The secret is checked before the body is decoded (issue 11, defect 9):
 * a caller without it gets 401 whatever its body; Telegram (the right
 * secret) gets 200 even for bad base64, or it would retry it. */
static void test_secret_before_body(void **state) {
    fixture *fx = *state;
    int bad = 0;
    static const struct { const char *secret; int status; } cases[] = {
        {"wrong", 401}, {NULL, 401}, {"", 401}, {SECRET, 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *e = cJSON_Parse("{\"version\":\"2.0\",\"requestContext\":{\"http\":"
                               "{\"method\":\"POST\"}},\"body\":\"%%% not base64 %%%\","
                               "\"isBase64Encoded\":true}");
        cJSON *headers = cJSON_AddObjectToObject(e, "headers");
        if (cases[i].secret)
            cJSON_AddStringToObject(headers, "x-telegram-bot-api-secret-token", cases[i].secret);
        char *event = cJSON_PrintUnformatted(e);
        answer a = handle(fx, event);
        if (a.status != cases[i].status)
            bad += report("case %zu: status %d, expected %d", i, a.status, cases[i].status);
        free(event);
        cJSON_Delete(e);
    }
    assert_int_equal(bad, 0);
}

/* A webhook whose secret is empty (an empty SSM parameter) lets nobody in,
 * an empty header least of all (issue 11, defect 9). */
static void test_empty_secret(void **state) {
    fixture *fx = *state;
    int bad = 0;
    fx->config.secret[0] = '\0';
    char *body = text_update(1, USER, USER, 1, "120ml", "message");
    static const char *const given[] = {"", NULL, SECRET};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        char *event = event_v2(body, given[i], "POST");
        answer a = handle(fx, event);
        if (a.status != 401) bad += report("case %zu: status %d, expected 401", i, a.status);
        cJSON_Delete(a.method);
        free(event);
    }
    assert_int_equal(bad, 0);
    assert_int_equal(feedings(fx, USER), 0);
    free(body);
}

/* A body read by its real length: an update followed by a NUL and more is
 * not an update (it used to be read up to the NUL and recorded). */
static void test_body_with_nul(void **state) {
    fixture *fx = *state;
    char *update = text_update(1, USER, USER, 1, "120ml", "message");
    char *body = malloc(strlen(update) + 8);
    sprintf(body, "%s@NUL@", update);
    char *event = event_v2(body, SECRET, "POST");
    size_t len;
    char *spliced = splice(event, "@NUL@", "\\u0000{}", 8, &len);
    answer a = handle_len(fx, spliced, len);
    assert_int_equal(a.status, 200); /* undecodable, from Telegram: not retried */
    assert_null(a.method);
    assert_int_equal(feedings(fx, USER), 0);
    free(spliced);
    free(event);
    free(body);
    free(update);
}

/* Ids outside what Telegram sends are refused as the update is decoded
 * (issue 11, defect 10): message id × 10^4 keys the store's entry order,
 * and overflowed for ids above 9.2e14. Message and update ids are 32-bit
 * in the Bot API, chat and user ids at most 52 bits. Refused means no
 * answer and nothing stored, with 200 (issue 14: Telegram retries any
 * other status). */
static void test_ids_out_of_range(void **state) {
    fixture *fx = *state;
    int bad = 0;
    static const struct { int64_t update, chat, from, message; int answered; } cases[] = {
        {1, USER, USER, 922337203685478LL, 0},  /* × 10^4 overflows int64 */
        {2, USER, USER, 9007199254740991LL, 0}, /* 2^53 - 1 */
        {3, USER, USER, 2147483648LL, 0},       /* 2^31 */
        {4, USER, USER, -7, 0},
        {922337203685478LL, USER, USER, 0, 0},  /* scheduled: keyed by -update_id */
        {2147483648LL, USER, USER, 0, 0},
        {5, 4503599627370496LL, USER, 8, 0},    /* chat id 2^52 */
        {6, -4503599627370496LL, USER, 9, 0},
        {7, USER, 4503599627370496LL, 10, 0},   /* user id 2^52 */
        {8, USER, USER, 2147483647LL, 1},       /* the largest message id */
        {2147483647LL, USER, USER, 0, 1},       /* the largest update id */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int edited = 0; edited < 2; edited++) {
            char *body = text_update(cases[i].update, cases[i].chat, cases[i].from,
                                     cases[i].message, "12pm 120ml",
                                     edited ? "edited_message" : "message");
            char *event = event_v2(body, SECRET, "POST");
            answer a = handle(fx, event);
            if (a.status != 200 || (a.method != NULL) != cases[i].answered)
                bad += report("case %zu%s: status %d, %s; expected 200, %s", i,
                              edited ? " (edited)" : "", a.status,
                              a.method ? "answered" : "no answer",
                              cases[i].answered ? "answered" : "no answer");
            cJSON_Delete(a.method);
            free(event);
            free(body);
        }
    assert_int_equal(bad, 0);
    assert_int_equal(feedings(fx, USER), 2);
    assert_int_equal(feedings(fx, 4503599627370496LL), 0);
    assert_int_equal(feedings(fx, -4503599627370496LL), 0);

    /* Undo buttons: the largest message id works; one no Telegram message
     * has is a button that does nothing */
    static const struct { const char *data, *reply; } buttons[] = {
        {"undo:922337203685478.1", "That button does nothing any more."},
        {"undo:99999999999999999999.1", "That button does nothing any more."},
        {"undo:2147483648.1", "That button does nothing any more."},
        {"undo:2147483647.100000", "That button does nothing any more."},
        {"undo:2147483647.1@", "That button does nothing any more."},
        {"undo:2147483647.1@x", "That button does nothing any more."},
        {"undo:2147483647.1@-5", "That button does nothing any more."},
        {"undo:2147483647.1@253402300800", "That button does nothing any more."},
        {"undo:2147483647.1@1795867200x", "That button does nothing any more."},
        {"undo:2147483647.1@1795867200+1", "That button does nothing any more."},
        {"undo:2147483647.1@1795867200+5", "That button does nothing any more."},
        {"undo:2147483647.1+2x", "That button does nothing any more."},
        {"undo:2147483647.1+", "That button does nothing any more."},
        {"undo:2147483647.1+ 2", "That button does nothing any more."},
        {"undo:2147483647.1++2", "That button does nothing any more."},
        {"undo:2147483647.1+-2", "That button does nothing any more."},
        /* a wrong instant (a forged button) only costs a look-up */
        {"undo:2147483647.1@1795860000", "Removed 120 ml milk at 12:00"},
        {"undo:2147483647.1", "That feeding was already removed."},
    };
    for (size_t i = 0; i < sizeof buttons / sizeof buttons[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"update_id\":%zu,\"callback_query\":{\"id\":\"cb%zu\",\"from\":{\"id\":%lld,"
                 "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat_instance\":\"1\",\"data\":\"%s\","
                 "\"message\":{\"message_id\":42,\"chat\":{\"id\":%lld,\"type\":\"private\"},"
                 "\"date\":%lld,\"text\":\"...\"}}}",
                 20 + i, i, USER, buttons[i].data, USER, NOON);
        char *event = event_v2(body, SECRET, "POST");
        answer a = handle(fx, event);
        assert_int_equal(a.status, 200);
        if (strstr(field(&a, "text"), buttons[i].reply) == NULL)
            bad += report("%s: \"%s\", expected \"%s\"", buttons[i].data, field(&a, "text"),
                     buttons[i].reply);
        cJSON_Delete(a.method);
        free(event);
    }
    assert_int_equal(bad, 0);
    assert_int_equal(feedings(fx, USER), 1);
}

/* Someone else: one polite reply with their id, nothing stored; bots are
 * ignored. Ids are 64-bit: a group id and a 52-bit user id (the most the
 * Bot API sends) survive. */
static void test_users(void **state) {
    fixture *fx = *state;
    char *body = text_update(1, -1001234567890123LL, 222222222, 9, "120ml", "message");
    char *event = event_v2(body, SECRET, "POST");
    answer a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(field(&a, "text"), "Your Telegram user id is 222222222"));
    char *json = cJSON_PrintUnformatted(a.method);
    assert_non_null(strstr(json, "\"chat_id\":-1001234567890123"));
    cJSON_free(json);
    cJSON_Delete(a.method);
    free(event);
    free(body);
    assert_int_equal(feedings(fx, -1001234567890123LL), 0);

    body = text_update(2, -1001234567890123LL, 4503599627370495LL, 10, "120ml", "message");
    event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_string_equal(field(&a, "method"), "sendMessage");
    cJSON_Delete(a.method);
    free(event);
    free(body);
    assert_int_equal(feedings(fx, -1001234567890123LL), 1);

    const char *from_bot = "{\"update_id\":3,\"message\":{\"message_id\":11,\"from\":"
                           "{\"id\":111111111,\"is_bot\":true,\"first_name\":\"B\"},"
                           "\"chat\":{\"id\":5,\"type\":\"private\"},\"date\":1,\"text\":\"120ml\"}}";
    event = event_v2(from_bot, SECRET, "POST");
    a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_null(a.method);
    free(event);
    assert_int_equal(feedings(fx, 5), 0);
}

/* Bad requests are never 5xx, and from Telegram (the right secret) 200
 * with no answer: Telegram retries anything but 2xx, holding back the
 * chat's later messages meanwhile (issue 14). Not an HTTP event, or not a
 * POST: 400 and 405, as no Telegram request is either. */
static void test_bad_requests(void **state) {
    fixture *fx = *state;
    static const struct { const char *body, *method; int status; } cases[] = {
        {"not json", "POST", 200},
        {"{\"message\":{}}", "POST", 200},             /* no update_id */
        {"[1,2,3]", "POST", 200},
        {"{\"update_id\":1,\"message\":{\"text\":\"x\"}}", "POST", 200}, /* no chat */
        {"{\"update_id\":1}", "GET", 405},
        {"{\"update_id\":1,\"poll\":{}}", "POST", 200}, /* not for us: ignored */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *event = event_v2(cases[i].body, SECRET, cases[i].method);
        answer a = handle(fx, event);
        assert_int_equal(a.status, cases[i].status);
        assert_null(a.method);
        free(event);
    }
    char *big = malloc(WEBHOOK_BODY_MAX + 100);
    memset(big, ' ', WEBHOOK_BODY_MAX + 99);
    big[WEBHOOK_BODY_MAX + 99] = '\0';
    char *event = event_v2(big, SECRET, "POST");
    answer a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_null(a.method);
    free(event);
    free(big);
    a = handle(fx, "not an event");
    assert_int_equal(a.status, 400);
    a = handle(fx, "{\"statusCode\":200}");
    assert_int_equal(a.status, 400);
    assert_int_equal(feedings(fx, USER), 0);
}

/* A base64 body and a payload 1.0 event with mixed-case headers. */
static void test_event_shapes(void **state) {
    fixture *fx = *state;
    /* {"update_id":1,"message":{...,"text":"total?"}} in base64 */
    char *body = text_update(1, USER, USER, 3, "total?", "message");
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(body);
    char *b64 = malloc(n * 2 + 8), *p = b64;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)body[i] << 16;
        if (i + 1 < n) v |= (unsigned char)body[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)body[i + 2];
        *p++ = alphabet[v >> 18 & 63];
        *p++ = alphabet[v >> 12 & 63];
        *p++ = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        *p++ = i + 2 < n ? alphabet[v & 63] : '=';
    }
    *p = '\0';
    cJSON *e = cJSON_Parse("{\"version\":\"2.0\",\"headers\":{\"x-telegram-bot-api-secret-token\":"
                           "\"" SECRET "\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                           "\"isBase64Encoded\":true}");
    cJSON_AddStringToObject(e, "body", b64);
    char *event = cJSON_PrintUnformatted(e);
    answer a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_non_null(strstr(field(&a, "text"), "No feeds recorded today"));
    cJSON_Delete(a.method);
    free(event);
    cJSON_Delete(e);
    free(b64);

    e = cJSON_Parse("{\"httpMethod\":\"POST\",\"headers\":{\"X-Telegram-Bot-Api-Secret-Token\":"
                    "\"" SECRET "\"},\"isBase64Encoded\":false}");
    cJSON_AddStringToObject(e, "body", body);
    event = cJSON_PrintUnformatted(e);
    a = handle(fx, event);
    assert_int_equal(a.status, 200);
    cJSON_Delete(a.method);
    free(event);
    cJSON_Delete(e);
    free(body);
}

/* The service message of a group upgraded to a supergroup, in chat
 * `chat` of type `type` (sent by user `from`), naming the other chat in
 * `field`. */
static answer typed_migration(fixture *fx, int update, int64_t chat, const char *type,
                              const char *field, const char *other, int64_t from) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"update_id\":%d,\"message\":{\"message_id\":%d,\"from\":{\"id\":%lld,"
             "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat\":{\"id\":%lld,\"type\":"
             "\"%s\"},\"date\":%lld,\"%s\":%s}}",
             update, update, (long long)from, (long long)chat, type, (long long)NOON, field,
             other);
    char *event = event_v2(body, SECRET, "POST");
    answer a = handle(fx, event);
    free(event);
    return a;
}

/* The same, in a chat of the type its id says. */
static answer migration(fixture *fx, int update, int64_t chat, const char *field,
                        const char *other, int64_t from) {
    const char *type = chat > 0 ? "private" : chat <= TG_SUPERGROUP_ID_MAX ? "supergroup"
                                                                          : "group";
    return typed_migration(fx, update, chat, type, field, other, from);
}

/* How many schedules the family has in chat `chat`. */
static size_t schedules_in(fixture *fx, int64_t chat) {
    store_schedule got[STORE_SCHEDULES_MAX];
    size_t n = 0;
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->store->ops->list_schedules(fx->store, STORE_DEFAULT_FAMILY, chat, got,
                                                    STORE_SCHEDULES_MAX, &n, err),
                     STORE_OK);
    for (size_t i = 0; i < n; i++) assert_int_equal(got[i].chat_id, chat);
    return n;
}

/* A group upgraded to a supergroup: Telegram says so in the old chat
 * (migrate_to_chat_id) and in the new (migrate_from_chat_id), on behalf
 * of whoever did it (a stranger too). The first moves the reminders and
 * alert set in the group to the new id; the second, and either delivered
 * again, move nothing more; no reply. A malformed one is not a move. */
static void test_group_upgraded(void **state) {
    fixture *fx = *state;
    const int64_t group = -4001, supergroup = -1001234567890LL;
    store_schedule sc = {.family = STORE_DEFAULT_FAMILY, .chat_id = group,
                         .kind = STORE_REMIND_EVERY, .due_ms = NOON * 1000 + 3600000,
                         .every_min = 60, .set_ms = NOON * 1000};
    store_stamp(sc.set_ms, group, 5, sc.by);
    int stale;
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->store->ops->put_schedule(fx->store, &sc, &stale, err), STORE_OK);
    sc.kind = STORE_ALERT;
    assert_int_equal(fx->store->ops->put_schedule(fx->store, &sc, &stale, err), STORE_OK);

    answer a = migration(fx, 1, group, "migrate_to_chat_id", "\"-1001234567890\"", USER);
    assert_int_equal(a.status, 200); /* a string: not Telegram's, not a move */
    assert_null(a.method);
    a = migration(fx, 2, group, "migrate_to_chat_id", "1.5", USER);
    assert_int_equal(a.status, 200);
    assert_int_equal(schedules_in(fx, group), 2);

    a = migration(fx, 3, group, "migrate_to_chat_id", "-1001234567890", 999);
    assert_int_equal(a.status, 200);
    assert_null(a.method);
    assert_int_equal(schedules_in(fx, group), 0);
    assert_int_equal(schedules_in(fx, supergroup), 2);
    for (int again = 0; again < 2; again++) {
        a = migration(fx, 4, supergroup, "migrate_from_chat_id", "-4001", USER);
        assert_int_equal(a.status, 200);
        assert_null(a.method);
        a = migration(fx, 3, group, "migrate_to_chat_id", "-1001234567890", 999);
        assert_int_equal(a.status, 200);
    }
    assert_int_equal(schedules_in(fx, group), 0);
    assert_int_equal(schedules_in(fx, supergroup), 2);
    assert_int_equal(feedings(fx, group) + feedings(fx, supergroup), 0);

    /* the new chat's message alone (the old one's lost) moves them too */
    sc.chat_id = -4002;
    store_stamp(sc.set_ms, sc.chat_id, 6, sc.by);
    assert_int_equal(fx->store->ops->put_schedule(fx->store, &sc, &stale, err), STORE_OK);
    a = migration(fx, 5, -1001234567891LL, "migrate_from_chat_id", "-4002", USER);
    assert_int_equal(a.status, 200);
    assert_int_equal(schedules_in(fx, -4002), 0);
    assert_int_equal(schedules_in(fx, -1001234567891LL), 1);

    /* not Telegram's kind of upgrade, so not a move: from a private chat
     * (a forged update could otherwise take a parent's reminders), to an
     * id that is no supergroup's, or from a supergroup's id */
    sc.chat_id = USER;
    store_stamp(sc.set_ms, sc.chat_id, 7, sc.by);
    assert_int_equal(fx->store->ops->put_schedule(fx->store, &sc, &stale, err), STORE_OK);
    sc.chat_id = -4003;
    store_stamp(sc.set_ms, sc.chat_id, 8, sc.by);
    assert_int_equal(fx->store->ops->put_schedule(fx->store, &sc, &stale, err), STORE_OK);
    a = migration(fx, 6, USER, "migrate_to_chat_id", "-1001234567892", USER);
    assert_int_equal(a.status, 200);
    a = migration(fx, 7, -4003, "migrate_to_chat_id", "-4004", USER);
    assert_int_equal(a.status, 200);
    a = migration(fx, 8, -1001234567893LL, "migrate_from_chat_id", "-1001234567890", USER);
    assert_int_equal(a.status, 200);
    /* ... or in a chat of another type than Telegram writes them in */
    a = typed_migration(fx, 9, -1001234567894LL, "channel", "migrate_from_chat_id", "-4003",
                        USER);
    assert_int_equal(a.status, 200);
    a = typed_migration(fx, 10, -4003, "supergroup", "migrate_to_chat_id", "-1001234567895",
                        USER);
    assert_int_equal(a.status, 200);
    assert_int_equal(schedules_in(fx, USER), 1);
    assert_int_equal(schedules_in(fx, -4003), 1);
    assert_int_equal(schedules_in(fx, -1001234567892LL) + schedules_in(fx, -4004) +
                         schedules_in(fx, -1001234567893LL) +
                         schedules_in(fx, -1001234567894LL) +
                         schedules_in(fx, -1001234567895LL),
                     0);
    assert_int_equal(schedules_in(fx, supergroup), 2);
}

/* When the store cannot be reached: 500, so Telegram delivers it again. */
static void test_store_down(void **state) {
    (void)state;
    char err[512];
    setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1", 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    fixture fx = {0};
    fx.store = store_open("dynamodb:feedings", err, sizeof err);
    assert_non_null(fx.store);
    fx.bot = bot_new(fx.store, "UTC", err, sizeof err);
    snprintf(fx.config.secret, sizeof fx.config.secret, "%s", SECRET);
    assert_int_equal(webhook_config_set_allowed(&fx.config, "111111111", err, sizeof err), 0);
    answer a = say(&fx, 1, "120ml");
    assert_int_equal(a.status, 500);
    assert_null(a.method);
    bot_free(fx.bot);
    store_close(fx.store);
    webhook_config_free(&fx.config);
}

/* ALLOWED_USER_IDS must be ids; errors name the setting, never a value. */
static void test_config(void **state) {
    (void)state;
    webhook_config c = {0};
    char err[256];
    assert_int_equal(webhook_config_set_allowed(&c, "1, 2,3", err, sizeof err), 0);
    assert_int_equal(c.nallowed, 3);
    assert_int_equal(webhook_config_set_allowed(&c, "12a", err, sizeof err), -1);
    assert_non_null(strstr(err, "ALLOWED_USER_IDS"));
    assert_int_equal(webhook_config_set_allowed(&c, " , ", err, sizeof err), -1);
    webhook_config_free(&c);
    unsetenv("MILKBOT_WEBHOOK_SECRET");
    setenv("ALLOWED_USER_IDS", "1", 1);
    assert_int_equal(webhook_config_from_env(&c, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "MILKBOT_WEBHOOK_SECRET"));
    webhook_config_free(&c);
    /* the secret read later (from SSM): unset until then */
    assert_int_equal(webhook_config_from_env(&c, 1, err, sizeof err), 0);
    assert_string_equal(c.secret, "");
    webhook_config_free(&c);
    setenv("MILKBOT_WEBHOOK_SECRET", "hush-hush", 1);
    unsetenv("ALLOWED_USER_IDS");
    assert_int_equal(webhook_config_from_env(&c, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "ALLOWED_USER_IDS"));
    assert_null(strstr(err, "hush-hush"));
    webhook_config_free(&c);
    /* a secret Telegram would not take is refused, named, never shown */
    setenv("ALLOWED_USER_IDS", "1", 1);
    setenv("MILKBOT_WEBHOOK_SECRET", "hush hush!", 1);
    assert_int_equal(webhook_config_from_env(&c, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "MILKBOT_WEBHOOK_SECRET"));
    assert_null(strstr(err, "hush"));
    webhook_config_free(&c);
}

/* The secret token (issue 11, defect 9): never empty, which would let an
 * empty header in; 1 to 256 of the characters Telegram allows. */
static void test_config_secret(void **state) {
    (void)state;
    webhook_config c = {0};
    char err[256], longest[WEBHOOK_SECRET_MAX + 2];
    static const struct { const char *secret; int ok; } cases[] = {
        {"", 0},
        {"a", 1},
        {"Az09_-", 1},
        {"with space", 0},
        {"caf\xC3\xA9", 0},
        {"semi;colon", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(c.secret, sizeof c.secret, "previous");
        int status = webhook_config_set_secret(&c, cases[i].secret, err, sizeof err);
        assert_int_equal(status, cases[i].ok ? 0 : -1);
        /* set exactly, or left unset: never the previous one */
        assert_string_equal(c.secret, cases[i].ok ? cases[i].secret : "");
        if (!cases[i].ok && cases[i].secret[0]) assert_null(strstr(err, cases[i].secret));
    }
    memset(longest, 'x', WEBHOOK_SECRET_MAX);
    longest[WEBHOOK_SECRET_MAX] = '\0';
    assert_int_equal(webhook_config_set_secret(&c, longest, err, sizeof err), 0);
    assert_int_equal(strlen(c.secret), WEBHOOK_SECRET_MAX);
    strcat(longest, "x");
    assert_int_equal(webhook_config_set_secret(&c, longest, err, sizeof err), -1);
    assert_non_null(strstr(err, "too long"));
    webhook_config_free(&c);
}

/* --- the project's fixtures: tests/fixtures/MANIFEST.tsv ---------------------
 * Each row names a fixture and what a user should see when it arrives,
 * written by hand (see the manifest's header for the columns): the expected
 * reply never comes from the decoders under test, so a decoder bug shows as
 * a row that fails. Every row runs on a fresh store; all rows are checked
 * and every mismatch printed before the test fails. */

#define MANIFEST_ROWS_MAX 256
#define MANIFEST_COLUMNS 8

typedef struct {
    int line;
    const char *file, *as, *given, *method, *to, *reply; /* "-": none */
    int status, feedings;
} manifest_row;

typedef struct {
    char *text; /* the manifest, cut into fields in place */
    const char *secret, *allowed, *tz;
    const char *bot_token, *bot_username; /* @bot: "ID:x USERNAME" */
    int64_t wall_ms;
    manifest_row rows[MANIFEST_ROWS_MAX];
    size_t nrows;
} manifest;

static void row_fail(const manifest_row *row, const char *fmt, ...) {
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    print_error("MANIFEST.tsv:%d %s: %s\n", row->line, row->file ? row->file : "", what);
}

static int parse_int(const char *s, int *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 999) return -1;
    *out = (int)v;
    return 0;
}

/* The reply column's escapes, undone in place: "\n" a line break, "\\" a
 * backslash (a TSV field cannot hold a real line break). -1 on any other. */
static int unescape(char *s) {
    char *out = s;
    for (; *s; s++) {
        if (*s != '\\') {
            *out++ = *s;
            continue;
        }
        s++;
        if (*s == 'n') *out++ = '\n';
        else if (*s == '\\') *out++ = '\\';
        else return -1;
    }
    *out = '\0';
    return 0;
}

/* One row's fields; returns how many problems it has (said why). */
static int manifest_row_parse(manifest *m, char *line, int number) {
    char *column[MANIFEST_COLUMNS] = {line};
    int n = 0;
    for (char *p = line; p; n++) {
        char *tab = strchr(p, '\t');
        if (tab) *tab++ = '\0';
        if (n < MANIFEST_COLUMNS) column[n] = p;
        p = tab;
    }
    manifest_row row = {.line = number, .file = column[0]};
    if (n != MANIFEST_COLUMNS) {
        row_fail(&row, "%d columns, expected %d (tab-separated)", n, MANIFEST_COLUMNS);
        return 1;
    }
    if (m->nrows == MANIFEST_ROWS_MAX) {
        row_fail(&row, "more than %d rows: raise MANIFEST_ROWS_MAX", MANIFEST_ROWS_MAX);
        return 1;
    }
    row.as = column[1], row.given = column[2];
    row.method = column[4], row.to = column[5], row.reply = column[6];
    int bad = 0;
    for (size_t i = 0; i < m->nrows; i++)
        if (strcmp(m->rows[i].file, row.file) == 0) {
            row_fail(&row, "a second row (the first is line %d)", m->rows[i].line);
            bad++;
        }
    if (strcmp(row.as, "event") != 0 && strcmp(row.as, "update") != 0) {
        row_fail(&row, "as is \"%s\", not event or update", row.as);
        bad++;
    }
    if (parse_int(column[3], &row.status) != 0 || parse_int(column[7], &row.feedings) != 0) {
        row_fail(&row, "status and feedings must be numbers");
        bad++;
    }
    int none = strcmp(row.method, "-") == 0;
    if (!none && strcmp(row.method, "sendMessage") != 0 &&
        strcmp(row.method, "answerCallbackQuery") != 0) {
        row_fail(&row, "method \"%s\" is not one the webhook answers with", row.method);
        bad++;
    }
    /* a reply has a recipient and a text; no reply has neither */
    if ((strcmp(row.to, "-") == 0) != none || (strcmp(row.reply, "-") == 0) != none ||
        unescape(column[6]) != 0) {
        row_fail(&row, "to and reply must both be given with a method, and \"-\" without");
        bad++;
    }
    if (!bad) m->rows[m->nrows++] = row;
    return bad;
}

/* Reads the manifest at `path`: its directives, then its rows. Returns how
 * many problems it has (said why); free m->text in any case. */
static int manifest_load(manifest *m, const char *path) {
    memset(m, 0, sizeof *m);
    m->text = read_test_file(path, NULL);
    if (m->text == NULL) {
        print_error("%s: cannot read it\n", path);
        return 1;
    }
    int bad = 0, number = 0;
    long long wall = 0;
    for (char *line = m->text, *next; line; line = next) {
        number++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        if (line[0] != '@') {
            bad += manifest_row_parse(m, line, number);
            continue;
        }
        char *value = strchr(line, '\t');
        if (value) *value++ = '\0';
        if (value && m->nrows == 0 && strcmp(line, "@secret") == 0) {
            m->secret = value;
        } else if (value && m->nrows == 0 && strcmp(line, "@allowed") == 0) {
            m->allowed = value;
        } else if (value && m->nrows == 0 && strcmp(line, "@tz") == 0) {
            m->tz = value;
        } else if (value && m->nrows == 0 && strcmp(line, "@bot") == 0 && strchr(value, ' ')) {
            char *space = strchr(value, ' ');
            *space = '\0';
            m->bot_token = value;
            m->bot_username = space + 1;
        } else if (value && m->nrows == 0 && strcmp(line, "@wall") == 0 &&
                   sscanf(value, "%lld", &wall) == 1) {
            m->wall_ms = wall * 1000;
        } else {
            manifest_row at = {.line = number, .file = line};
            row_fail(&at, "not a directive: @secret, @allowed, @tz, @bot or @wall, a "
                     "tab, a value, before the first row");
            bad++;
        }
    }
    if (!m->secret || !m->allowed || !m->tz || !m->wall_ms || !m->bot_token) {
        print_error("%s: @secret, @allowed, @tz, @bot and @wall are all needed\n", path);
        bad++;
    }
    if (m->nrows == 0) {
        print_error("%s: no rows\n", path);
        bad++;
    }
    return bad;
}

static const manifest_row *manifest_find(const manifest *m, const char *file, size_t len) {
    for (size_t i = 0; i < m->nrows; i++)
        if (strlen(m->rows[i].file) == len && strncmp(m->rows[i].file, file, len) == 0)
            return &m->rows[i];
    return NULL;
}

/* Every .json file under FIXTURES_DIR/`sub` (sub "" for the top) must have
 * a row: marks each row whose file exists in seen[]; returns how many files
 * have none. */
static int manifest_walk(const manifest *m, const char *sub, int *seen) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s%s%s", FIXTURES_DIR, sub[0] ? "/" : "", sub);
    DIR *d = opendir(dir);
    if (d == NULL) {
        print_error("%s: cannot read the folder\n", dir);
        return 1;
    }
    int orphans = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.') continue;
        char rel[1024], path[2048];
        snprintf(rel, sizeof rel, "%s%s%s", sub, sub[0] ? "/" : "", ent->d_name);
        snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, rel);
        DIR *child = opendir(path);
        if (child) {
            closedir(child);
            orphans += manifest_walk(m, rel, seen);
            continue;
        }
        size_t n = strlen(rel);
        if (n < 5 || strcmp(rel + n - 5, ".json") != 0) continue;
        const manifest_row *row = manifest_find(m, rel, n);
        if (row == NULL) {
            print_error("tests/fixtures/%s: a fixture without a row in MANIFEST.tsv\n", rel);
            orphans++;
        } else {
            seen[row - m->rows] = 1;
        }
    }
    closedir(d);
    return orphans;
}

static int manifest_coverage(const manifest *m) {
    int seen[MANIFEST_ROWS_MAX] = {0};
    int bad = manifest_walk(m, "", seen);
    for (size_t i = 0; i < m->nrows; i++)
        if (!seen[i]) {
            row_fail(&m->rows[i], "a row without its file");
            bad++;
        }
    return bad;
}

/* The chats a row's feedings are counted in: every whole number the
 * delivered updates hold. */
typedef struct {
    int64_t items[512];
    size_t n;
} id_set;

static void ids_collect(id_set *ids, const cJSON *j) {
    /* whole numbers within 2^53, as every Telegram id is */
    if (cJSON_IsNumber(j) && j->valuedouble > -9e15 && j->valuedouble < 9e15 &&
        j->valuedouble == (double)(int64_t)j->valuedouble) {
        int64_t id = (int64_t)j->valuedouble;
        for (size_t i = 0; i < ids->n; i++)
            if (ids->items[i] == id) return;
        if (ids->n < sizeof ids->items / sizeof ids->items[0]) ids->items[ids->n++] = id;
    }
    const cJSON *child;
    cJSON_ArrayForEach(child, j) {
        ids_collect(ids, child);
    }
}

/* For an event, its body (base64 undone) is the update. */
static void ids_collect_event(id_set *ids, const char *event) {
    cJSON *e = cJSON_Parse(event);
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(e, "body"));
    char *decoded = NULL;
    size_t len;
    if (body && cJSON_IsTrue(cJSON_GetObjectItem(e, "isBase64Encoded")))
        body = decoded = base64_decode(body, strlen(body), &len);
    cJSON *update = body ? cJSON_Parse(body) : NULL;
    ids_collect(ids, update);
    cJSON_Delete(update);
    free(decoded);
    cJSON_Delete(e);
}

static int count_feedings(fixture *fx, const id_set *ids) {
    int n = 0;
    for (size_t i = 0; i < ids->n; i++) n += feedings(fx, ids->items[i]);
    return n;
}

/* Delivers a row's fixture as the row says; its status, and the Bot API
 * method answered (NULL if none). Returns -1 (said why) when the fixture or
 * the response cannot be read. */
static int manifest_deliver(const manifest *m, const manifest_row *row, fixture *fx,
                            id_set *ids, answer *out) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, row->file);
    char *json = read_test_file(path, NULL);
    if (json == NULL) {
        row_fail(row, "cannot read %s", path);
        return -1;
    }
    char *event = json;
    if (strcmp(row->as, "update") == 0) {
        cJSON *update = cJSON_Parse(json);
        ids_collect(ids, update);
        cJSON_Delete(update);
        event = event_v2(json, m->secret, "POST");
    } else {
        ids_collect_event(ids, json);
    }
    webhook_result result;
    char *response = webhook_handle(&fx->config, fx->bot, NULL, event, strlen(event),
                                    m->wall_ms, &result);
    cJSON *r = response ? cJSON_Parse(response) : NULL;
    const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(r, "body"));
    out->status = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(r, "statusCode"));
    out->method = body && body[0] ? cJSON_Parse(body) : NULL;
    int ok = body && (body[0] == '\0' || out->method);
    if (!ok) row_fail(row, "the response is not a Lambda response with a JSON body: %s",
                      response ? response : "(none)");
    cJSON_Delete(r);
    free(response);
    if (event != json) free(event);
    free(json);
    return ok ? 0 : -1;
}

/* The webhook's answer against the row; returns how many columns differ. */
static int manifest_compare(const manifest_row *row, const answer *a, int stored) {
    int bad = 0;
    if (a->status != row->status) {
        row_fail(row, "status %d, expected %d", a->status, row->status);
        bad++;
    }
    const char *method = a->method ? field(a, "method") : NULL;
    if (strcmp(method ? method : "-", row->method) != 0) {
        row_fail(row, "method %s, expected %s", method ? method : "none", row->method);
        bad++;
    }
    if (method) {
        /* who sees it: a chat for sendMessage, the button's press for
         * answerCallbackQuery */
        const cJSON *chat = cJSON_GetObjectItem(a->method, "chat_id");
        const char *press = field(a, "callback_query_id");
        char to[64];
        if (cJSON_IsNumber(chat))
            snprintf(to, sizeof to, "%lld", (long long)cJSON_GetNumberValue(chat));
        else
            snprintf(to, sizeof to, "%s", press ? press : "-");
        if (strcmp(to, row->to) != 0) {
            row_fail(row, "sent to %s, expected %s", to, row->to);
            bad++;
        }
        const char *text = field(a, "text");
        if (text == NULL || strstr(text, row->reply) == NULL) {
            row_fail(row, "reply \"%s\" lacks \"%s\"", text ? text : "", row->reply);
            bad++;
        }
    }
    if (stored != row->feedings) {
        row_fail(row, "%d feedings stored, expected %d", stored, row->feedings);
        bad++;
    }
    return bad;
}

/* Runs one row on a fresh store: its givens, then its fixture. Returns
 * nonzero when anything differs from the manifest. */
static int manifest_check(const manifest *m, const manifest_row *row) {
    char err[512];
    fixture fx = {0};
    fx.store = store_open("sqlite::memory:", err, sizeof err);
    fx.bot = fx.store ? bot_new(fx.store, m->tz, err, sizeof err) : NULL;
    snprintf(fx.config.secret, sizeof fx.config.secret, "%s", m->secret);
    int bad = 0;
    if (fx.bot == NULL || webhook_config_set_allowed(&fx.config, m->allowed, err, sizeof err) ||
        webhook_config_set_bot(&fx.config, m->bot_token, m->bot_username, err, sizeof err)) {
        row_fail(row, "cannot set up the bot: %s", err);
        bad++;
    }
    id_set *ids = calloc(1, sizeof *ids);
    answer a = {0};
    for (const char *g = row->given; !bad && strcmp(g, "-") != 0 && *g;) {
        size_t len = strcspn(g, ",");
        const manifest_row *given = manifest_find(m, g, len);
        if (given == NULL) {
            row_fail(row, "given %.*s has no row", (int)len, g);
            bad++;
        } else if (manifest_deliver(m, given, &fx, ids, &a) != 0) {
            bad++;
        } else if (a.status != given->status) {
            row_fail(row, "given %s answered %d, its row says %d", given->file, a.status,
                     given->status);
            bad++;
        }
        cJSON_Delete(a.method);
        a.method = NULL;
        g += len + (g[len] == ',');
    }
    if (!bad && manifest_deliver(m, row, &fx, ids, &a) == 0)
        bad += manifest_compare(row, &a, count_feedings(&fx, ids));
    else
        bad++;
    cJSON_Delete(a.method);
    free(ids);
    bot_free(fx.bot);
    store_close(fx.store);
    webhook_config_free(&fx.config);
    return bad;
}

static void test_fixture_manifest(void **state) {
    (void)state;
    manifest *m = malloc(sizeof *m);
    int bad = manifest_load(m, FIXTURES_DIR "/MANIFEST.tsv");
    int failed = 0;
    if (bad == 0) {
        bad += manifest_coverage(m);
        for (size_t i = 0; i < m->nrows; i++) failed += manifest_check(m, &m->rows[i]) != 0;
        if (failed) print_error("%d of %zu manifest rows failed\n", failed, m->nrows);
    }
    free(m->text);
    free(m);
    assert_int_equal(bad + failed, 0);
}

/* --- ../shared/fixtures: an extra check, when it is beside the checkout ------
 * Real API Gateway events and Telegram updates from elsewhere (see its
 * SOURCES.md). Their outcomes are not written down: these tests only ask
 * that nothing crashes and that the status and reply fit the decoded kind.
 * Run as `webhook_test --shared DIR` (ctest: webhook_shared_fixtures),
 * which exits SKIPPED when DIR is absent, so a lone clone reports a skip
 * rather than a pass. */

#define SKIPPED 77 /* webhook_shared_fixtures' SKIP_RETURN_CODE */

static const char *shared_dir;

/* Calls `check` with every .json file of shared_dir/`sub` (name, bytes,
 * length); returns how many there were. */
static int each_fixture(fixture *fx, const char *sub,
                        void (*check)(fixture *, const char *, const char *, size_t,
                                      int *),
                        int *counter) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", shared_dir, sub);
    DIR *d = opendir(dir);
    if (d == NULL) {
        print_error("%s: cannot read the folder\n", dir);
        fail();
    }
    struct dirent *ent;
    int seen = 0;
    while ((ent = readdir(d)) != NULL) {
        if (strstr(ent->d_name, ".json") == NULL) continue;
        char path[1024];
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        char *json = read_test_file(path, &len);
        assert_non_null(json);
        check(fx, ent->d_name, json, len, counter);
        free(json);
        seen++;
    }
    closedir(d);
    return seen;
}

/* A real API Gateway / Function URL event decodes; none carries the
 * secret, so a POST is 401, a GET 405, a response object 400. */
static void check_apigw(fixture *fx, const char *name, const char *json, size_t len,
                        int *counter) {
    (void)counter;
    char err[256];
    http_event e;
    int decoded = http_event_decode(json, len, &e, err, sizeof err);
    int is_response = strstr(name, "response") != NULL;
    if (decoded != 0 && !is_response) {
        print_error("%s: %s\n", name, err);
        fail();
    }
    int expect = is_response ? 400 : strcmp(e.method, "POST") == 0 ? 401 : 405;
    http_event_free(&e);
    answer a = handle(fx, json);
    if (a.status != expect) {
        print_error("%s: status %d, expected %d\n", name, a.status, expect);
        fail();
    }
}

static void test_shared_apigw_fixtures(void **state) {
    assert_true(each_fixture(*state, "apigw", check_apigw, NULL) >= 7);
}

/* A Telegram update fixture, delivered with the secret by an allowed user,
 * is handled: 200, and a reply exactly when it is a text message or a
 * button from a person -- in a group, a message may be the people's own
 * talk (no reply: the manifest's group rows say which). */
static void check_update(fixture *fx, const char *name, const char *json, size_t len,
                         int *replies) {
    char err[256], allowed[64];
    tg_update u;
    if (tg_update_decode(json, len, &u, err, sizeof err) != 0) {
        print_error("%s: %s\n", name, err);
        fail();
    }
    snprintf(allowed, sizeof allowed, "%lld", (long long)u.from_id);
    int expect_reply = (u.kind == TG_MESSAGE || u.kind == TG_EDITED ||
                        u.kind == TG_CALLBACK) && !u.from_is_bot;
    /* (a command is never talk: with no username set here, every
     * /command@Name is this bot's) */
    int may_be_talk = u.in_group && u.kind != TG_CALLBACK && !(u.text && u.text[0] == '/');
    tg_update_free(&u);
    assert_int_equal(webhook_config_set_allowed(&fx->config, allowed, err, sizeof err), 0);
    char *event = event_v2(json, SECRET, "POST");
    answer a = handle(fx, event);
    if (a.status != 200 || ((a.method != NULL) != expect_reply && !(may_be_talk && !a.method))) {
        print_error("%s: status %d, %s reply\n", name, a.status, a.method ? "a" : "no");
        fail();
    }
    *replies += a.method != NULL;
    cJSON_Delete(a.method);
    free(event);
}

static void test_shared_telegram_fixtures(void **state) {
    int replies = 0;
    assert_true(each_fixture(*state, "telegram", check_update, &replies) >= 39);
    assert_true(replies >= 15);
}

static int run_shared(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        printf("skipped: %s is absent (it sits beside the checkout; the "
               "project's own fixtures are tests/fixtures, run by the webhook test)\n",
               dir);
        return SKIPPED;
    }
    closedir(d);
    shared_dir = dir;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shared_apigw_fixtures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_telegram_fixtures, setup, teardown),
    };
    return cmocka_run_group_tests_name("webhook_shared_fixtures", tests, NULL, NULL);
}

int main(int argc, char **argv) {
    char err[256];
    if (clock_init(err, sizeof err) != 0) return 2;
    if (argc == 3 && strcmp(argv[1], "--shared") == 0) return run_shared(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: webhook_test [--shared SHARED_FIXTURES_DIR]\n");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_and_undo_button, setup, teardown),
        cmocka_unit_test_setup_teardown(test_twins_undo_button_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correction_and_put_back_button, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redelivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_exact_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_before_body, setup, teardown),
        cmocka_unit_test(test_event_string_lengths),
        cmocka_unit_test_setup_teardown(test_empty_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_with_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_upgraded, setup, teardown),
        cmocka_unit_test(test_store_down),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_secret),
        cmocka_unit_test(test_fixture_manifest),
    };
    return cmocka_run_group_tests_name("webhook", tests, NULL, NULL);
}
