/* webhook_test.c -- the webhook handler on the real bot and an in-memory
 * SQLite store: every shared fixture (real API Gateway events and Telegram
 * updates), the security rules, the replies, and the failure statuses. */
#include "lambda/http_event.h"
#include "store/store.h"
#include "telegram/update.h"
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
    if (webhook_config_set_allowed(&fx->config, "111111111, 9007199254740991", err,
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

static answer handle(fixture *fx, const char *event) {
    webhook_result result;
    char *json = webhook_handle(&fx->config, fx->bot, NULL, event, strlen(event),
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

static int feedings(fixture *fx, int64_t chat) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->store->ops->list_range(fx->store, chat, 0, INT64_MAX / 2, &list, err),
                     STORE_OK);
    int n = (int)list.count;
    store_list_free(&list);
    return n;
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
    assert_string_equal(data, "undo:41.1");
    assert_true(strlen(data) <= 64);
    assert_int_equal(feedings(fx, USER), 1);

    char body[1024];
    snprintf(body, sizeof body,
             "{\"update_id\":2,\"callback_query\":{\"id\":\"cb1\",\"from\":{\"id\":%lld,"
             "\"is_bot\":false,\"first_name\":\"Ana\"},\"chat_instance\":\"1\",\"data\":\"%s\","
             "\"message\":{\"message_id\":42,\"chat\":{\"id\":%lld,\"type\":\"private\"},"
             "\"date\":%lld,\"text\":\"...\"}}}",
             USER, data, USER, NOON);
    cJSON_Delete(a.method);
    char *event = event_v2(body, SECRET, "POST");
    a = handle(fx, event);
    assert_int_equal(a.status, 200);
    assert_string_equal(field(&a, "method"), "answerCallbackQuery");
    assert_string_equal(field(&a, "callback_query_id"), "cb1");
    assert_non_null(strstr(field(&a, "text"), "Removed 120 ml milk at 12:00"));
    assert_int_equal(feedings(fx, USER), 0);
    cJSON_Delete(a.method);
    /* pressed again: nothing more removed */
    a = handle(fx, event);
    assert_string_equal(field(&a, "text"), "That feeding was already removed.");
    cJSON_Delete(a.method);
    free(event);
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

/* Someone else: one polite reply with their id, nothing stored; bots are
 * ignored. Ids are 64-bit: a group id and a 53-bit user id survive. */
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

    body = text_update(2, -1001234567890123LL, 9007199254740991LL, 10, "120ml", "message");
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

/* Bad requests are 4xx, never 5xx (a 5xx holds back the chat's later
 * messages while Telegram retries). */
static void test_bad_requests(void **state) {
    fixture *fx = *state;
    static const struct { const char *body, *method; int status; } cases[] = {
        {"not json", "POST", 400},
        {"{\"message\":{}}", "POST", 400},             /* no update_id */
        {"[1,2,3]", "POST", 400},
        {"{\"update_id\":1,\"message\":{\"text\":\"x\"}}", "POST", 400}, /* no chat */
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
    assert_int_equal(a.status, 413);
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
    assert_int_equal(webhook_config_from_env(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "MILKBOT_WEBHOOK_SECRET"));
    webhook_config_free(&c);
    setenv("MILKBOT_WEBHOOK_SECRET", "hush-hush", 1);
    unsetenv("ALLOWED_USER_IDS");
    assert_int_equal(webhook_config_from_env(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "ALLOWED_USER_IDS"));
    assert_null(strstr(err, "hush-hush"));
    webhook_config_free(&c);
}

/* --- the shared fixtures ------------------------------------------------------ */

/* Calls `check` with every .json file of FIXTURES_DIR/`sub` (name, bytes,
 * length); returns how many there were. Skips the test when ../shared is
 * not beside this checkout. */
static int each_fixture(fixture *fx, const char *sub,
                        void (*check)(fixture *, const char *, const char *, size_t,
                                      int *),
                        int *counter) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", FIXTURES_DIR, sub);
    DIR *d = opendir(dir);
    if (d == NULL) skip();
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
 * button from a person. */
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
    tg_update_free(&u);
    assert_int_equal(webhook_config_set_allowed(&fx->config, allowed, err, sizeof err), 0);
    char *event = event_v2(json, SECRET, "POST");
    answer a = handle(fx, event);
    if (a.status != 200 || (a.method != NULL) != expect_reply) {
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_record_and_undo_button, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redelivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scheduled_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_shapes, setup, teardown),
        cmocka_unit_test(test_store_down),
        cmocka_unit_test(test_config),
        cmocka_unit_test_setup_teardown(test_shared_apigw_fixtures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_telegram_fixtures, setup, teardown),
    };
    char err[256];
    if (clock_init(err, sizeof err) != 0) return 2;
    return cmocka_run_group_tests_name("webhook", tests, NULL, NULL);
}
