/* store_dynamodb_test.c -- the store conformance suite on DynamoDB: the real
 * client, through libcurl and SigV4, against dynalite on loopback; one fresh
 * table per test. It runs twice: calling the store directly (every answer
 * read from the table), and in turns as the bot calls it (get_settings first,
 * then answers from the turn's window), so both paths keep every promise. */
#include "dynalite_env.h"
#include "forwarding_store.h"
#include "store/store_dynamodb.h"
#include "store_conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static store *open_table(void *ctx) {
    (void)ctx;
    char table[128], err[512];
    if (dynalite_new_table(table, sizeof table) != 0) return NULL;
    store *s = store_dynamodb_open(table, err, sizeof err);
    if (s == NULL) fprintf(stderr, "%s\n", err);
    return s;
}

/* The bot's way: every call is part of a turn begun with get_settings at a
 * message time near the suite's feedings (2025-11-28T20:00:00Z). */
#define TURN_NOW 1764360000000LL

/* Begins the turn each call belongs to, except for the calls that begin a
 * turn themselves (get_settings) or stand outside turns (max_message_id). */
static int begin_turn(forwarding_store *f, forward_op op, const char *family, char *err) {
    (void)err;
    if (op == FORWARD_GET_SETTINGS || op == FORWARD_MAX_MESSAGE_ID || family == NULL)
        return STORE_OK;
    store_settings settings;
    char turn_err[STORE_ERR_MAX];
    if (f->real->ops->get_settings(f->real, family, TURN_NOW, &settings, turn_err) !=
        STORE_OK)
        fprintf(stderr, "turn: %s\n", turn_err);
    return STORE_OK;
}

static store *open_table_in_turns(void *ctx) {
    forwarding_store *f = forwarding_store_new(open_table(ctx), begin_turn, NULL);
    return f ? &f->base : NULL;
}

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

/* A feeding of user 1, in their private chat, of a message sent at `sent`. */
static store_feeding at(int64_t message, int line, int64_t sent, int64_t at_ms, int ml) {
    store_feeding f = {.chat_id = 1, .message_id = message, .line = line, .from_id = 1,
                       .sent_ms = sent, .at_ms = at_ms, .amount_ml = ml,
                       .kind = PHRASE_MILK, .entered_at_ms = at_ms};
    snprintf(f.day, sizeof f.day, "x");
    return f;
}

/* "week" on DynamoDB reads the per-day sums (dynamodb_sums.h) for the days
 * between sums_from and the turn: after ten days of messages, each in its
 * own turn, with undos, an Undo button, an edit that moves a feeding,
 * corrections (one put back, one undone) and redeliveries, the amounts it
 * lists are exactly the feedings'. */
static void test_week_sums_match_feedings(void **state) {
    (void)state;
    store *s = open_table(NULL);
    assert_non_null(s);
    char err[STORE_ERR_MAX];
    store_settings chat;
    const int64_t t0 = 1764316800000LL; /* 2025-11-28T08:00:00Z */
    int64_t id = 1;
    for (int d = 0; d < 10; d++) {
        int64_t now = t0 + d * DAY_MS;
        for (int k = 0; k < 3; k++, id++) {
            assert_int_equal(s->ops->get_settings(s, "f1", now + k * HOUR_MS, &chat, err), STORE_OK);
            store_feeding feeds[STORE_MESSAGE_MAX_FEEDINGS] = {
                at(id, 1, now + k * HOUR_MS, now + k * HOUR_MS - 30 * 60000, 100 + d * 10 + k),
                at(id, 2, now + k * HOUR_MS, now + k * HOUR_MS - 26 * HOUR_MS, 7)}; /* yesterday */
            /* twins: some feedings name a baby, which the sums keep */
            if (k == 1) snprintf(feeds[0].baby, sizeof feeds[0].baby, "%s", d % 2 ? "Mia" : "Léo");
            size_t n = k == 2 ? 2 : 1, m = n;
            int already;
            assert_int_equal(s->ops->add_message(s, "f1", feeds, &n, &already, err), STORE_OK);
            assert_int_equal(s->ops->add_message(s, "f1", feeds, &m, &already, err), STORE_OK);
            assert_int_equal(already, 1); /* a redelivery: nothing more */
        }
        store_feeding f;
        int found;
        assert_int_equal(s->ops->get_settings(s, "f1", now + 4 * HOUR_MS, &chat, err), STORE_OK);
        int outcome;
        if (d % 4 == 3) {
            /* a correction of the newest entry, delivered twice; on day 3
             * its Undo button puts it back, on day 7 an undo follows */
            int64_t by = id++;
            for (int again = 0; again < 2; again++) {
                assert_int_equal(s->ops->amend_last(s, "f1", 1, by, 1, 333, 0, &f, &outcome, err),
                                 STORE_OK);
                assert_int_equal(outcome, STORE_AMEND_DONE);
            }
            if (d == 3) {
                assert_int_equal(s->ops->put_back(s, "f1", 1, by, "q", &f, &outcome, err), STORE_OK);
                assert_int_equal(outcome, STORE_AMEND_DONE);
            } else {
                assert_int_equal(s->ops->undo_last(s, "f1", 1, id++, 1, &f, &found, err), STORE_OK);
                assert_int_equal(f.amount_ml, 333);
                assert_int_equal(s->ops->amend_last(s, "f1", 1, by, 1, 333, 0, &f, &outcome, err),
                                 STORE_OK);
            }
        } else if (d % 3 == 0) {
            assert_int_equal(s->ops->undo_last(s, "f1", 1, id++, 1, &f, &found, err), STORE_OK);
            assert_int_equal(found, 1);
        } else if (d % 3 == 1) {
            assert_int_equal(s->ops->remove(s, "f1", 1, id - 2, 1, now + HOUR_MS - 30 * 60000, "p",
                                            &f, &found, err),
                             STORE_OK);
            assert_int_equal(found, 1);
        } else {
            store_feeding moved = at(id - 3, 1, now, now - 3 * HOUR_MS, 99);
            store_list old = {0};
            assert_int_equal(s->ops->replace_message(s, "f1", 1, id - 3, now + 4 * HOUR_MS, &moved,
                                                     1, &old, NULL, err),
                             STORE_OK);
            store_list_free(&old);
        }
    }
    const int64_t end = t0 + 9 * DAY_MS + 5 * HOUR_MS;
    assert_int_equal(s->ops->get_settings(s, "f1", end, &chat, err), STORE_OK);
    store_list sums = {0}, feeds = {0};
    assert_int_equal(s->ops->list_amounts(s, "f1", end - 8 * DAY_MS, end, &sums, err), STORE_OK);
    assert_int_equal(s->ops->list_range(s, "f1", end - 8 * DAY_MS, end, &feeds, err), STORE_OK);
    assert_true(feeds.count > 20);
    assert_int_equal(sums.count, feeds.count);
    for (size_t i = 0; i < feeds.count; i++) {
        assert_int_equal(sums.items[i].at_ms, feeds.items[i].at_ms);
        assert_int_equal(sums.items[i].amount_ml, feeds.items[i].amount_ml);
        assert_int_equal(sums.items[i].message_id, feeds.items[i].message_id);
        assert_string_equal(sums.items[i].baby, feeds.items[i].baby);
    }
    store_list_free(&sums);
    store_list_free(&feeds);
    store_close(s);
}

/* A nursing session of user 1 (#16): no amount, sides and minutes. */
static store_feeding nursed(int64_t message, int line, int64_t sent, int64_t at_ms,
                            const char *sides, int left, int right, int minutes) {
    store_feeding f = at(message, line, sent, at_ms, 0);
    f.kind = PHRASE_NURSING;
    snprintf(f.sides, sizeof f.sides, "%s", sides);
    f.left_min = left;
    f.right_min = right;
    f.minutes = minutes;
    snprintf(f.text, sizeof f.text, "nursed");
    return f;
}

/* One message of user 1, in its own turn begun at `sent`; every line
 * with a text, which the sums do not keep. */
static void record(store *s, store_feeding *feeds, size_t n) {
    char err[STORE_ERR_MAX];
    store_settings settings;
    int already;
    for (size_t i = 0; i < n; i++)
        if (!feeds[i].text[0]) snprintf(feeds[i].text, sizeof feeds[i].text, "bottle");
    assert_int_equal(s->ops->get_settings(s, "f1", feeds[0].sent_ms, &settings, err), STORE_OK);
    assert_int_equal(s->ops->add_message(s, "f1", feeds, &n, &already, err), STORE_OK);
    assert_int_equal(already, 0);
}

/* The week's sums carry nursing sessions (dynamodb_sums.h): days of
 * bottles and sessions, each message in its own turn, with a session
 * undone, one edited, one removed by its button and a correction refused
 * on one; a week later "week" lists each bottle's ml and each session's
 * minutes, the older days from the sums. Expected values by hand. */
static void test_week_sums_carry_sessions(void **state) {
    (void)state;
    store *s = open_table(NULL);
    assert_non_null(s);
    char err[STORE_ERR_MAX];
    store_settings settings;
    const int64_t t0 = 1764316800000LL, min = 60000; /* 2025-11-28T08:00:00Z */
    store_feeding f;
    int found, outcome;
    /* day 0: a bottle, a session of 15 min, a message with both */
    store_feeding d0[] = {at(1, 1, t0, t0 - 30 * min, 100)};
    record(s, d0, 1);
    store_feeding d0b[] = {nursed(2, 1, t0 + HOUR_MS, t0 + 30 * min, "LR", 10, 5, 15)};
    record(s, d0b, 1);
    store_feeding d0c[] = {nursed(3, 1, t0 + 2 * HOUR_MS, t0 + 90 * min, "R", 0, 12, 12),
                           at(3, 2, t0 + 2 * HOUR_MS, t0 + 100 * min, 90)};
    record(s, d0c, 2);
    /* "make that 110" after a session: refused, nothing changes */
    store_feeding d0d[] = {nursed(4, 1, t0 + 3 * HOUR_MS, t0 + 150 * min, "L", 0, 0, 0)};
    record(s, d0d, 1);
    assert_int_equal(s->ops->get_settings(s, "f1", t0 + 3 * HOUR_MS + min, &settings, err),
                     STORE_OK);
    assert_int_equal(s->ops->amend_last(s, "f1", 1, 5, 1, 110, 0, &f, &outcome, err), STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_NURSING);
    assert_int_equal(f.message_id, 4);
    /* day 1: a session with no minutes said, one undone, one edited, one
     * removed by its button */
    const int64_t t1 = t0 + DAY_MS;
    store_feeding d1[] = {nursed(6, 1, t1, t1 - 30 * min, "B", 0, 0, 0)};
    record(s, d1, 1);
    store_feeding d1b[] = {nursed(7, 1, t1 + HOUR_MS, t1 + 30 * min, "L", 20, 0, 20)};
    record(s, d1b, 1);
    assert_int_equal(s->ops->get_settings(s, "f1", t1 + HOUR_MS + min, &settings, err), STORE_OK);
    assert_int_equal(s->ops->undo_last(s, "f1", 1, 8, 1, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.minutes, 20);
    store_feeding d1c[] = {nursed(9, 1, t1 + 2 * HOUR_MS, t1 + 90 * min, "RL", 4, 4, 8)};
    record(s, d1c, 1);
    store_feeding edited = nursed(9, 1, t1 + 2 * HOUR_MS, t1 + 90 * min, "RL", 9, 9, 18);
    store_list old = {0};
    assert_int_equal(s->ops->get_settings(s, "f1", t1 + 2 * HOUR_MS + 5 * min, &settings, err),
                     STORE_OK);
    assert_int_equal(s->ops->replace_message(s, "f1", 1, 9, t1 + 2 * HOUR_MS + 5 * min, &edited,
                                             1, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    store_feeding d1d[] = {nursed(10, 1, t1 + 2 * HOUR_MS + 10 * min, t1 + 2 * HOUR_MS, "L", 30,
                                  0, 30)};
    record(s, d1d, 1);
    assert_int_equal(s->ops->get_settings(s, "f1", t1 + 2 * HOUR_MS + 15 * min, &settings, err),
                     STORE_OK);
    assert_int_equal(s->ops->remove(s, "f1", 1, 10, 1, t1 + 2 * HOUR_MS, "p-n", &f, &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    /* day 3: a bottle, in the week's own turn */
    const int64_t t3 = t0 + 3 * DAY_MS, end = t3 + 5 * HOUR_MS;
    store_feeding d3[] = {at(11, 1, t3 + 4 * HOUR_MS, t3 + 4 * HOUR_MS, 60)};
    record(s, d3, 1);

    assert_int_equal(s->ops->get_settings(s, "f1", end, &settings, err), STORE_OK);
    store_list week = {0};
    assert_int_equal(s->ops->list_amounts(s, "f1", end - 4 * DAY_MS, end, &week, err), STORE_OK);
    char got[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < week.count; i++) {
        const store_feeding *g = &week.items[i];
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%lld:", i ? ", " : "",
                                (long long)g->message_id);
        if (g->kind == PHRASE_NURSING)
            len += (size_t)snprintf(got + len, sizeof got - len, "N%d", g->minutes);
        else
            len += (size_t)snprintf(got + len, sizeof got - len, "%d", g->amount_ml);
        if (g->kind == PHRASE_NURSING) assert_int_equal(g->amount_ml, 0);
        /* days 0 and 1 lie before this turn's window: read from the sums,
         * which hold no text (the week did not read those feedings) */
        if (g->at_ms < end - 50 * HOUR_MS) assert_string_equal(g->text, "");
    }
    assert_string_equal(got, "1:100, 2:N15, 3:N12, 3:90, 4:N0, 6:N0, 9:N18, 11:60");
    assert_int_equal(week.items[0].at_ms, t0 - 30 * min);
    assert_int_equal(week.items[6].at_ms, t1 + 90 * min);
    store_list_free(&week);
    store_close(s);
}

/* --- schedules (#17): the by_due index ------------------------------------------ */

#define T0 1764316800000LL /* 2025-11-28T08:00:00Z */

static store_schedule schedule(int64_t chat, store_schedule_kind kind, int64_t message,
                               int64_t due_ms) {
    store_schedule sc = {.family = "f1", .chat_id = chat, .kind = kind,
                         .message_id = kind == STORE_REMIND_ONCE ? message : 0,
                         .due_ms = due_ms, .set_ms = T0};
    store_stamp(T0, chat, message, sc.by);
    return sc;
}

/* The items the by_due index holds, read directly: "<sk>@<due>,...". */
static void index_items(store *s, const char *table, char *out, size_t size) {
    char message[512];
    cJSON *req = cJSON_CreateObject(), *res = NULL;
    cJSON_AddStringToObject(req, "TableName", table);
    cJSON_AddStringToObject(req, "IndexName", "by_due");
    cJSON_AddStringToObject(req, "KeyConditionExpression", "due_pk = :d");
    cJSON *d = cJSON_AddObjectToObject(cJSON_AddObjectToObject(req, "ExpressionAttributeValues"),
                                       ":d");
    cJSON_AddStringToObject(d, "S", "due");
    assert_int_equal(dynamo_call(store_dynamodb_client(s), "Query", req, &res, message,
                                 sizeof message),
                     DYNAMO_OK);
    cJSON_Delete(req);
    size_t len = 0;
    out[0] = '\0';
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(res, "Items")) {
        const char *sk = cJSON_GetStringValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(item, "sk"), "S"));
        const char *due = cJSON_GetStringValue(
            cJSON_GetObjectItem(cJSON_GetObjectItem(item, "due"), "N"));
        len += (size_t)snprintf(out + len, size - len, "%s%s@%s", len ? "," : "",
                                sk ? sk : "?", due ? due : "?");
    }
    cJSON_Delete(res);
}

/* Requests the last call made. */
static unsigned long requests_since(store *s, unsigned long *before) {
    unsigned long now = dynamo_request_count(store_dynamodb_client(s)), n = now - *before;
    *before = now;
    return n;
}

/* The index is sparse: it holds a schedule exactly while it is due (an
 * alert set off, a one-off said, reminders stopped: out of it). And each
 * operation costs what dynamodb_schedules.h says. */
static void test_by_due_is_sparse(void **state) {
    (void)state;
    char table[128], err[512], got[1024];
    assert_int_equal(dynalite_new_table(table, sizeof table), 0);
    store *s = store_dynamodb_open(table, err, sizeof err);
    assert_non_null(s);
    unsigned long count = dynamo_request_count(store_dynamodb_client(s));
    int stale, won, stopped;
    store_schedule off = schedule(1, STORE_ALERT, 1, 0);
    store_schedule every = schedule(1, STORE_REMIND_EVERY, 2, T0 + HOUR_MS);
    store_schedule once = schedule(1, STORE_REMIND_ONCE, 3, T0 + 2 * HOUR_MS);
    assert_int_equal(s->ops->put_schedule(s, &off, &stale, err), STORE_OK);
    assert_int_equal(requests_since(s, &count), 1);
    assert_int_equal(s->ops->put_schedule(s, &every, &stale, err), STORE_OK);
    assert_int_equal(s->ops->put_schedule(s, &once, &stale, err), STORE_OK);
    assert_int_equal(s->ops->put_schedule(s, &once, &stale, err), STORE_OK); /* again */
    /* a one-off reads the chat's repeating reminder first (a stop's mark) */
    assert_int_equal(requests_since(s, &count), 5);
    index_items(s, table, got, sizeof got);
    assert_string_equal(got, "when#1#2#00000000000000000000@1764320400000,"
                             "when#1#1#00000000000000000003@1764324000000");
    requests_since(s, &count);
    store_schedule due[STORE_DUE_MAX], listed[STORE_SCHEDULES_MAX];
    size_t n;
    assert_int_equal(s->ops->due_schedules(s, T0 + 3 * HOUR_MS, due, STORE_DUE_MAX, &n, err),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(requests_since(s, &count), 1);
    assert_int_equal(s->ops->list_schedules(s, "f1", 0, listed, STORE_SCHEDULES_MAX, &n, err),
                     STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(requests_since(s, &count), 1);
    /* the one-off said: out of the index */
    assert_int_equal(s->ops->claim_schedule(s, &once, 0, once.due_ms, "c1", &won, err),
                     STORE_OK);
    assert_int_equal(won, 1);
    assert_int_equal(requests_since(s, &count), 1);
    index_items(s, table, got, sizeof got);
    assert_string_equal(got, "when#1#2#00000000000000000000@1764320400000");
    requests_since(s, &count);
    /* the same claim again (as the client's retry of a lost answer finds
     * it): won, by reading it back; another's: lost */
    assert_int_equal(s->ops->claim_schedule(s, &once, 0, once.due_ms, "c1", &won, err),
                     STORE_OK);
    assert_int_equal(won, 1);
    assert_int_equal(requests_since(s, &count), 2);
    assert_int_equal(s->ops->claim_schedule(s, &once, 0, once.due_ms, "c2", &won, err),
                     STORE_OK);
    assert_int_equal(won, 0);
    assert_int_equal(requests_since(s, &count), 2);
    /* stopped: out of the index; one Query, one write per reminder */
    char stop[STORE_STAMP_MAX];
    store_stamp(T0 + 1000, 1, 9, stop);
    assert_int_equal(s->ops->stop_reminders(s, "f1", 1, stop, &stopped, err), STORE_OK);
    assert_int_equal(stopped, 1);
    assert_int_equal(requests_since(s, &count), 3);
    index_items(s, table, got, sizeof got);
    assert_string_equal(got, "");
    store_close(s);
}

/* A table made before #17 has no by_due index: the tick's read fails with
 * a message that says so and how to add it, and nothing else breaks. */
static void test_table_without_by_due(void **state) {
    (void)state;
    char table[128], err[512];
    snprintf(table, sizeof table, "milkbot-test-old-%d", (int)getpid());
    aws_config config;
    assert_int_equal(aws_config_from_env(&config, "dynamodb", err, sizeof err), 0);
    dynamo_client *c = dynamo_client_new(&config, err, sizeof err);
    assert_non_null(c);
    /* the table of template.yaml before #17 */
    cJSON *req = cJSON_Parse(
        "{\"BillingMode\": \"PAY_PER_REQUEST\", \"AttributeDefinitions\": ["
        "{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"},"
        "{\"AttributeName\": \"sk\", \"AttributeType\": \"S\"},"
        "{\"AttributeName\": \"entry_pk\", \"AttributeType\": \"S\"},"
        "{\"AttributeName\": \"entry\", \"AttributeType\": \"S\"}],"
        "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"},"
        "{\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],"
        "\"GlobalSecondaryIndexes\": [{\"IndexName\": \"by_entry\", \"KeySchema\": ["
        "{\"AttributeName\": \"entry_pk\", \"KeyType\": \"HASH\"},"
        "{\"AttributeName\": \"entry\", \"KeyType\": \"RANGE\"}],"
        "\"Projection\": {\"ProjectionType\": \"ALL\"}}]}");
    cJSON_AddStringToObject(req, "TableName", table);
    assert_int_equal(dynamo_call(c, "CreateTable", req, NULL, err, sizeof err), DYNAMO_OK);
    cJSON_Delete(req);
    cJSON *describe = cJSON_CreateObject();
    cJSON_AddStringToObject(describe, "TableName", table);
    for (int active = 0, i = 0; !active && i < 200; i++) {
        cJSON *out;
        assert_int_equal(dynamo_call(c, "DescribeTable", describe, &out, err, sizeof err),
                         DYNAMO_OK);
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(out, "Table"), "TableStatus"));
        active = status && strcmp(status, "ACTIVE") == 0;
        cJSON_Delete(out);
        if (!active) usleep(50000);
    }
    cJSON_Delete(describe);
    dynamo_client_free(c);

    store *s = store_dynamodb_open(table, err, sizeof err);
    assert_non_null(s);
    int stale;
    store_schedule every = schedule(1, STORE_REMIND_EVERY, 2, T0 + HOUR_MS);
    assert_int_equal(s->ops->put_schedule(s, &every, &stale, err), STORE_OK);
    store_schedule due[STORE_DUE_MAX];
    size_t n = 99;
    err[0] = '\0';
    assert_int_equal(s->ops->due_schedules(s, T0 + 2 * HOUR_MS, due, STORE_DUE_MAX, &n, err),
                     STORE_ERROR);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err, "lacks the by_due index"));
    assert_non_null(strstr(err, "sam deploy"));
    assert_non_null(strstr(err, table));
    store_settings settings;
    assert_int_equal(s->ops->get_settings(s, "f1", T0, &settings, err), STORE_OK);
    store_close(s);
}

int main(void) {
    if (dynalite_env() != 0) return 2;
    const struct CMUnitTest sums[] = {
        cmocka_unit_test(test_week_sums_match_feedings),
        cmocka_unit_test(test_week_sums_carry_sessions),
        cmocka_unit_test(test_by_due_is_sparse),
        cmocka_unit_test(test_table_without_by_due),
    };
    if (cmocka_run_group_tests_name("store_dynamodb (week sums, schedules)", sums, NULL, NULL) != 0)
        return 1;
    const store_backend direct = {"store_conformance(dynamodb, direct)", open_table, NULL};
    const store_backend turns = {"store_conformance(dynamodb, in turns)",
                                 open_table_in_turns, NULL};
    int failed = store_conformance_run(&direct);
    failed += store_conformance_run(&turns);
    return failed;
}
