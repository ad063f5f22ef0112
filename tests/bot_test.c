/* bot_test.c -- bot core behaviour that transcripts cannot show well: reply
 * size limits, message size limits, and what happens when the store fails. */
#include "bot/bot.h"
#include "store/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1795867200000LL /* 2026-11-28T08:00:00Z */

/* A store that passes every call to the real SQLite store, except that the
 * operation named in `fail_op` fails as a broken connection would. */
typedef struct {
    store base;
    store *real;
    const char *fail_op;
} faulty_store;

static int failing(store *s, const char *op, char *err) {
    faulty_store *f = (faulty_store *)s;
    if (f->fail_op && strcmp(f->fail_op, op) == 0) {
        snprintf(err, STORE_ERR_MAX, "store: disk I/O error");
        return 1;
    }
    return 0;
}

#define REAL(s) (((faulty_store *)(s))->real)
static int f_add(store *s, store_feeding *feeds, size_t *n, int *already, char *err) {
    return failing(s, "add", err) ? STORE_ERROR
                                  : REAL(s)->ops->add_message(REAL(s), feeds, n, already, err);
}
static int f_list(store *s, int64_t c, int64_t a, int64_t b, store_list *out, char *err) {
    return failing(s, "list", err) ? STORE_ERROR
                                   : REAL(s)->ops->list_range(REAL(s), c, a, b, out, err);
}
static int f_latest(store *s, int64_t c, int64_t b, store_feeding *out, int *found, char *err) {
    return failing(s, "latest", err) ? STORE_ERROR
                                     : REAL(s)->ops->latest_before(REAL(s), c, b, out, found, err);
}
static int f_undo(store *s, int64_t c, int64_t m, store_feeding *out, int *found, char *err) {
    return failing(s, "undo", err) ? STORE_ERROR
                                   : REAL(s)->ops->undo_last(REAL(s), c, m, out, found, err);
}
static int f_remove(store *s, int64_t c, int64_t m, int l, store_feeding *out, int *found, char *err) {
    return failing(s, "remove", err) ? STORE_ERROR
                                     : REAL(s)->ops->remove(REAL(s), c, m, l, out, found, err);
}
static int f_replace(store *s, int64_t c, int64_t m, const store_feeding *feeds, size_t n,
                     store_list *old, char *err) {
    return failing(s, "replace", err) ? STORE_ERROR
                                      : REAL(s)->ops->replace_message(REAL(s), c, m, feeds, n, old, err);
}
static int f_get(store *s, int64_t c, int64_t now, store_chat *out, char *err) {
    return failing(s, "get", err) ? STORE_ERROR : REAL(s)->ops->get_chat(REAL(s), c, now, out, err);
}
static int f_tz(store *s, int64_t c, const char *tz, char *err) {
    return failing(s, "tz", err) ? STORE_ERROR : REAL(s)->ops->set_tz(REAL(s), c, tz, err);
}
static int f_max(store *s, int64_t c, int64_t *out, char *err) {
    return failing(s, "max", err) ? STORE_ERROR : REAL(s)->ops->max_message_id(REAL(s), c, out, err);
}
static void f_close(store *s) { store_close(REAL(s)); }
static const store_ops faulty_ops = {f_add, f_list, f_latest, f_undo, f_remove,
                                     f_replace, f_get, f_tz, f_max, f_close};

typedef struct {
    faulty_store fs;
    bot *bot;
    int64_t next_id;
} fixture;

static int setup(void **state) {
    char err[512];
    fixture *fx = calloc(1, sizeof *fx);
    fx->fs.base.ops = &faulty_ops;
    fx->fs.real = store_open("sqlite::memory:", err, sizeof err);
    fx->bot = bot_new(&fx->fs.base, "Europe/London", err, sizeof err);
    *state = fx;
    return fx->fs.real && fx->bot ? 0 : -1;
}

static int teardown(void **state) {
    fixture *fx = *state;
    bot_free(fx->bot);
    store_close(&fx->fs.base);
    free(fx);
    return 0;
}

static int say(fixture *fx, const char *text, bot_result *r) {
    bot_message m = {.chat_id = 1, .message_id = ++fx->next_id, .who = "Alex",
                     .text = text, .len = strlen(text), .now_ms = NOW,
                     .entered_ms = NOW};
    return bot_handle(fx->bot, &m, r);
}

static int count_feeds(fixture *fx) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(fx->fs.real->ops->list_range(fx->fs.real, 1, 0, INT64_MAX / 2,
                                                  &list, err), STORE_OK);
    int n = (int)list.count;
    store_list_free(&list);
    return n;
}

/* A day of 80 feedings with long notes still gives a reply under the limit,
 * cut with a count of what is not shown. */
static void test_long_total_is_cut(void **state) {
    fixture *fx = *state;
    bot_result r;
    char text[300];
    for (int i = 0; i < 80; i++) {
        snprintf(text, sizeof text, "7:%02d %dml %s", i % 60, 10 + i,
                 "a very long note about this bottle that goes on and on and on");
        assert_int_equal(say(fx, text, &r), BOT_OK);
        assert_int_equal(r.recorded, 1);
    }
    assert_int_equal(say(fx, "total", &r), BOT_OK);
    assert_true(strlen(r.reply.text) < BOT_REPLY_MAX);
    assert_non_null(strstr(r.reply.text, "80 feeds"));
    assert_non_null(strstr(r.reply.text, " more"));
    /* the rows shown and the count of the rest add up to 80 */
    int rows = 0, more = 0;
    for (const char *p = r.reply.text; (p = strchr(p, '\n')) != NULL; p++) rows++;
    const char *tail = strstr(r.reply.text, "\xE2\x80\xA6 and ");
    assert_non_null(tail);
    more = atoi(tail + strlen("\xE2\x80\xA6 and "));
    assert_int_equal(rows - 1 + more, 80);
}

/* Only so many feedings and lines in one message; the rest is named. */
static void test_message_limits(void **state) {
    fixture *fx = *state;
    bot_result r;
    char text[4096] = "";
    for (int i = 0; i < 30; i++) strcat(text, "10ml\n");
    assert_int_equal(say(fx, text, &r), BOT_OK);
    assert_int_equal(r.recorded, STORE_MESSAGE_MAX_FEEDINGS);
    assert_non_null(strstr(r.reply.text, "Line 25 not recorded: too many feedings"));
    assert_int_equal(count_feeds(fx), STORE_MESSAGE_MAX_FEEDINGS);

    text[0] = '\0';
    for (int i = 0; i < 70; i++) strcat(text, "x\n");
    assert_int_equal(say(fx, text, &r), BOT_OK);
    assert_non_null(strstr(r.reply.text, "Line 8 not recorded"));
    assert_non_null(strstr(r.reply.text, "56 more lines not recorded"));
    assert_non_null(strstr(r.reply.text, "Lines from 65 on not read"));
    assert_true(strlen(r.reply.text) < BOT_REPLY_MAX);
}

/* When the store fails, the bot says so, asks for the message again, and
 * nothing is recorded or removed. */
static void test_store_failures(void **state) {
    fixture *fx = *state;
    bot_result r;
    assert_int_equal(say(fx, "120ml", &r), BOT_OK);
    static const struct { const char *op, *message; } cases[] = {
        {"add", "90ml"}, {"get", "90ml"}, {"list", "total"}, {"latest", "last"},
        {"undo", "undo"}, {"tz", "tz Asia/Tokyo"}, {"list", "week"},
        /* the record is written, but its running total cannot be read: the
         * redelivery Telegram then makes records nothing twice */
        {"list", "60ml"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx->fs.fail_op = cases[i].op;
        assert_int_equal(say(fx, cases[i].message, &r), BOT_STORE_FAILED);
        assert_non_null(strstr(r.reply.text, "Couldn't reach the feeding log"));
        assert_non_null(strstr(r.reply.text, "please send that again"));
        assert_null(strstr(r.reply.text, "SELECT"));
    }
    fx->fs.fail_op = NULL;
    /* 120ml, and the 60ml whose reply failed: nothing else */
    assert_int_equal(count_feeds(fx), 2);
    bot_message again = {.chat_id = 1, .message_id = fx->next_id, .who = "Alex",
                         .text = "60ml", .len = 4, .now_ms = NOW, .entered_ms = NOW};
    assert_int_equal(bot_handle(fx->bot, &again, &r), BOT_OK);
    assert_int_equal(r.recorded, 0);
    assert_int_equal(count_feeds(fx), 2);
}

/* The Undo button removes exactly its feeding, once. */
static void test_undo_button(void **state) {
    fixture *fx = *state;
    bot_result r;
    assert_int_equal(say(fx, "8am 100ml", &r), BOT_OK);
    int64_t message = r.first_message_id;
    int line = r.first_line;
    assert_int_equal(say(fx, "9am 50ml", &r), BOT_OK);
    assert_int_equal(bot_undo_feeding(fx->bot, 1, message, line, NOW, &r), BOT_OK);
    assert_non_null(strstr(r.reply.text, "Removed 100 ml milk at 08:00"));
    assert_non_null(strstr(r.reply.text, "Today: 50 ml in 1 feed"));
    assert_int_equal(bot_undo_feeding(fx->bot, 1, message, line, NOW, &r), BOT_OK);
    assert_string_equal(r.reply.text, "That feeding was already removed.");
    assert_int_equal(count_feeds(fx), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long_total_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_button, setup, teardown),
    };
    return cmocka_run_group_tests_name("bot", tests, NULL, NULL);
}
