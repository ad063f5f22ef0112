/* store_conformance.c -- see store_conformance.h. Each test gets a fresh
 * store from the backend and checks one promise of store.h. */
#include "store_conformance.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const store_backend *backend;

#define HOUR_MS 3600000LL
#define T0 1764316800000LL /* 2025-11-28T08:00:00Z */

static int open_store(void **state) {
    store *s = backend->open_fresh(backend->ctx);
    *state = s;
    return s ? 0 : -1;
}

static int close_store(void **state) {
    store_close(*state);
    return 0;
}

/* The family log a test's chat writes in: chat N is in family "fN" (its
 * private chat: its user is N), unless a test writes several chats into
 * one family on purpose. */
static const char *fam(int64_t chat) {
    static char names[8][STORE_FAMILY_MAX];
    static int next;
    char *name = names[next++ % 8];
    snprintf(name, STORE_FAMILY_MAX, "f%lld", (long long)chat);
    return name;
}

/* A feeding of message `message`, sent by user `chat` in their private
 * chat; messages are written a second apart in the order of their ids. */
static store_feeding feeding(int64_t chat, int64_t message, int line,
                             int64_t at_ms, int amount) {
    store_feeding f;
    memset(&f, 0, sizeof f);
    f.chat_id = chat;
    f.message_id = message;
    f.line = line;
    f.from_id = chat;
    f.sent_ms = T0 + message * 1000;
    f.at_ms = at_ms;
    snprintf(f.at, sizeof f.at, "2025-11-28T%02d:00:00+00:00",
             (int)((at_ms - T0) / HOUR_MS + 8) % 24);
    snprintf(f.day, sizeof f.day, "2025-11-28");
    f.amount_ml = amount;
    f.kind = PHRASE_MILK;
    snprintf(f.who, sizeof f.who, "Alex");
    snprintf(f.text, sizeof f.text, "%dml", amount);
    f.entered_at_ms = T0;
    return f;
}

/* Records one message; asserts it was new. */
static void add(store *s, store_feeding *feeds, size_t n) {
    char err[STORE_ERR_MAX];
    int already = -1;
    size_t count = n;
    assert_int_equal(s->ops->add_message(s, fam(feeds[0].chat_id), feeds, &count, &already, err), STORE_OK);
    assert_int_equal(already, 0);
    assert_int_equal(count, n);
}

static void add_one(store *s, int64_t chat, int64_t message, int64_t at_ms,
                    int amount) {
    store_feeding f = feeding(chat, message, 1, at_ms, amount);
    add(s, &f, 1);
}

static store_list list_all(store *s, int64_t chat) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(s->ops->list_range(s, fam(chat), 0, INT64_MAX / 2, &list, err),
                     STORE_OK);
    return list;
}

/* A new store knows nothing, and says so without errors. */
static void test_empty_store(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    int64_t next_id = -1;
    assert_int_equal(s->ops->next_message_id(s, fam(1), 1, &next_id, err), STORE_OK);
    assert_int_equal(next_id, 1);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 0);
    store_feeding f;
    int found = -1;
    assert_int_equal(s->ops->latest_before(s, fam(1), INT64_MAX / 2, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 1001, 1, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 1, 1, 0, "press-1", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    store_settings chat;
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "");
}

/* Every field comes back as written, including text no SQL would like. */
static void test_fields_round_trip(void **state) {
    store *s = *state;
    store_feeding f = feeding(-1001234567890LL, 42, 3, T0 + 90000, 118);
    f.kind = PHRASE_BREASTMILK;
    snprintf(f.baby, sizeof f.baby, "Léo-Ann");
    snprintf(f.who, sizeof f.who, "Zoé \"O'Brien\"");
    snprintf(f.note, sizeof f.note, "🍼 baby's; DROP TABLE feedings; --");
    snprintf(f.text, sizeof f.text, "4oz ebm 🍼 baby's");
    f.entered_at_ms = T0 + 123456;
    add(s, &f, 1);
    store_list list = list_all(s, -1001234567890LL);
    assert_int_equal(list.count, 1);
    const store_feeding *g = &list.items[0];
    assert_int_equal(g->chat_id, f.chat_id);
    assert_int_equal(g->message_id, 42);
    assert_int_equal(g->line, 3);
    assert_int_equal(g->at_ms, f.at_ms);
    assert_string_equal(g->at, f.at);
    assert_string_equal(g->day, f.day);
    assert_int_equal(g->amount_ml, 118);
    assert_int_equal(g->kind, PHRASE_BREASTMILK);
    assert_string_equal(g->who, f.who);
    assert_string_equal(g->baby, "Léo-Ann");
    assert_string_equal(g->note, f.note);
    assert_string_equal(g->text, f.text);
    assert_int_equal(g->entered_at_ms, f.entered_at_ms);
    assert_int_equal(g->from_id, f.from_id);
    assert_int_equal(g->sent_ms, f.sent_ms);
    store_list_free(&list);
}

/* Listed by instant, whatever the order they were entered in; equal
 * instants in entry order. */
static void test_list_in_time_order(void **state) {
    store *s = *state;
    add_one(s, 1, 1, T0 + 3 * HOUR_MS, 30);
    add_one(s, 1, 2, T0 + 1 * HOUR_MS, 10);
    add_one(s, 1, 3, T0 + 2 * HOUR_MS, 20);
    add_one(s, 1, 4, T0 + 2 * HOUR_MS, 21);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 4);
    assert_int_equal(list.items[0].amount_ml, 10);
    assert_int_equal(list.items[1].amount_ml, 20);
    assert_int_equal(list.items[2].amount_ml, 21);
    assert_int_equal(list.items[3].amount_ml, 30);
    store_list_free(&list);
}

/* A range includes its start and excludes its end (local days abut). */
static void test_range_is_half_open(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0, 10);
    add_one(s, 1, 2, T0 + HOUR_MS, 20);
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, fam(1), T0, T0 + HOUR_MS, &list, err), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].amount_ml, 10);
    store_list_free(&list);
    assert_int_equal(s->ops->list_range(s, fam(1), T0 + 1, T0 + HOUR_MS + 1, &list, err), STORE_OK);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].amount_ml, 20);
    store_list_free(&list);
}

/* A redelivered message records nothing and hands back what it recorded. */
static void test_redelivery_records_nothing(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    /* line 2 is earlier in the day than line 1 */
    store_feeding feeds[2] = {feeding(1, 7, 1, T0 + HOUR_MS, 100), feeding(1, 7, 2, T0, 50)};
    add(s, feeds, 2);
    /* the same message again, resolved a minute later */
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {
        feeding(1, 7, 1, T0 + HOUR_MS + 60000, 100), feeding(1, 7, 2, T0 + 60000, 50)};
    size_t n = 2;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(again[0].chat_id), again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_int_equal(n, 2);
    /* as recorded the first time, line by line */
    assert_int_equal(again[0].at_ms, T0 + HOUR_MS);
    assert_int_equal(again[1].at_ms, T0);
    assert_int_equal(store_entry_cmp(&again[0], &feeds[0]), 0);
    assert_int_equal(store_entry_cmp(&again[1], &feeds[1]), 0);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 2);
    store_list_free(&list);
}

/* Even after its feedings were undone, a message is not recorded twice. */
static void test_redelivery_after_undo(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 7, T0, 100);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 1002, 1, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {feeding(1, 7, 1, T0, 100)};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(again[0].chat_id), again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_int_equal(n, 0);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 0);
    store_list_free(&list);
}

/* Undo takes the most recently entered feeding, not the latest in time,
 * and walks back one at a time. */
static void test_undo_walks_entry_order(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0 + 5 * HOUR_MS, 50);
    add_one(s, 1, 2, T0 + 1 * HOUR_MS, 10); /* back-dated: entered last */
    store_feeding lines[2] = {feeding(1, 3, 1, T0 + 3 * HOUR_MS, 31),
                              feeding(1, 3, 2, T0 + 2 * HOUR_MS, 32)};
    add(s, lines, 2);
    static const int expected[] = {32, 31, 10, 50};
    store_feeding f;
    int found;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(s->ops->undo_last(s, fam(1), 1, 100 + (int64_t)i, 1, &f, &found, err), STORE_OK);
        assert_int_equal(found, 1);
        assert_int_equal(f.amount_ml, expected[i]);
    }
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 1004, 1, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
}

/* Entry order holds even when every entry has the same clock. */
static void test_undo_ignores_clock(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    for (int i = 1; i <= 5; i++) add_one(s, 1, i, T0, i * 10);
    store_feeding f;
    int found;
    for (int i = 5; i >= 1; i--) {
        assert_int_equal(s->ops->undo_last(s, fam(1), 1, 200 + i, 1, &f, &found, err), STORE_OK);
        assert_int_equal(f.amount_ml, i * 10);
    }
}

/* An undo message delivered again removes nothing more, and names what it
 * removed the first time; a new undo message goes on walking back. */
static void test_undo_is_once_per_message(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0, 10);
    add_one(s, 1, 2, T0, 20);
    add_one(s, 1, 3, T0, 30);
    store_feeding f;
    int found;
    for (int again = 0; again < 3; again++) {
        assert_int_equal(s->ops->undo_last(s, fam(1), 1, 50, 1, &f, &found, err), STORE_OK);
        assert_int_equal(found, 1);
        assert_int_equal(f.amount_ml, 30);
    }
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 2);
    store_list_free(&list);
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 51, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 20);
    /* an undo that found nothing, delivered again after a new feeding,
     * still removes nothing */
    add_one(s, 3, 1, T0, 1);
    assert_int_equal(s->ops->undo_last(s, fam(3), 3, 2, 3, &f, &found, err), STORE_OK);
    assert_int_equal(s->ops->undo_last(s, fam(3), 3, 3, 3, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    add_one(s, 3, 4, T0, 4);
    assert_int_equal(s->ops->undo_last(s, fam(3), 3, 3, 3, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    store_list three = list_all(s, 3);
    assert_int_equal(three.count, 1);
    store_list_free(&three);
    /* a message that undid is not recorded as a feeding afterwards */
    store_feeding reused[STORE_MESSAGE_MAX_FEEDINGS] = {feeding(3, 3, 1, T0, 9)};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(reused[0].chat_id), reused, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_int_equal(n, 0);
    /* message 50 of another chat is another message */
    add_one(s, 2, 1, T0, 99);
    assert_int_equal(s->ops->undo_last(s, fam(2), 2, 50, 2, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 99);
}

/* Lists every feeding of a chat the way "week" reads them. */
static store_list amounts_all(store *s, int64_t chat) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(s->ops->list_amounts(s, fam(chat), 0, INT64_MAX / 2, &list, err),
                     STORE_OK);
    return list;
}

static int amend(store *s, int64_t chat, int64_t message, int amount, int expect,
                 store_feeding *before) {
    char err[STORE_ERR_MAX];
    int outcome = -1;
    assert_int_equal(s->ops->amend_last(s, fam(chat), chat, message, chat, amount, expect, before,
                                        &outcome, err), STORE_OK);
    return outcome;
}

static int put_back(store *s, int64_t chat, int64_t message, const char *press,
                    store_feeding *now) {
    char err[STORE_ERR_MAX];
    int outcome = -1;
    assert_int_equal(s->ops->put_back(s, fam(chat), chat, message, press, now, &outcome, err),
                     STORE_OK);
    return outcome;
}

/* The amount of the feeding (message, line) as list_range and list_amounts
 * show it; -1 when neither lists it. */
static int amount_of(store *s, int64_t chat, int64_t message, int line) {
    int found = -1, summed = -1;
    store_list list = list_all(s, chat), sums = amounts_all(s, chat);
    for (size_t i = 0; i < list.count; i++)
        if (list.items[i].message_id == message && list.items[i].line == line)
            found = list.items[i].amount_ml;
    for (size_t i = 0; i < sums.count; i++)
        if (sums.items[i].message_id == message && sums.items[i].line == line)
            summed = sums.items[i].amount_ml;
    store_list_free(&list);
    store_list_free(&sums);
    assert_int_equal(found, summed);
    return found;
}

/* A correction changes the amount of the most recently entered feeding
 * (not the latest in time), in place: same key, same place in entry
 * order, no second feeding. The same correction again changes nothing
 * more and names the same feeding as it was, even after later entries,
 * a later undo, or the feeding being changed again. */
static void test_amend_changes_newest_entry(void **state) {
    store *s = *state;
    store_feeding before, f;
    char err[STORE_ERR_MAX];
    int found;
    assert_int_equal(amend(s, 1, 59, 110, 0, &before), STORE_AMEND_NONE);
    add_one(s, 1, 1, T0 + 5 * HOUR_MS, 50);
    /* entered last, placed first: the day before (a message places its
     * feedings at most PHRASE_REACH_MS back) */
    add_one(s, 1, 2, T0 - 30 * HOUR_MS, 120);
    add_one(s, 2, 3, T0, 120); /* another chat's newer entry */
    assert_int_equal(amend(s, 1, 60, 110, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(before.message_id, 2);
    assert_int_equal(before.amount_ml, 120);
    assert_int_equal(amount_of(s, 1, 2, 1), 110);
    assert_int_equal(amount_of(s, 1, 1, 1), 50);
    assert_int_equal(amount_of(s, 2, 3, 1), 120);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 2);
    store_list_free(&list);
    /* delivered again, after a newer entry: the same feeding, once */
    add_one(s, 1, 61, T0, 70);
    for (int again = 0; again < 2; again++) {
        memset(&before, 0, sizeof before);
        assert_int_equal(amend(s, 1, 60, 110, 0, &before), STORE_AMEND_DONE);
        assert_int_equal(before.message_id, 2);
        assert_int_equal(before.amount_ml, 120);
    }
    assert_int_equal(amount_of(s, 1, 2, 1), 110);
    assert_int_equal(amount_of(s, 1, 61, 1), 70);
    /* undo takes entries in their order, the corrected one in its place */
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 62, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.message_id, 61);
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 63, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.message_id, 2);
    assert_int_equal(f.amount_ml, 110);
    assert_int_equal(amount_of(s, 1, 2, 1), -1);
    /* and a late copy of the correction brings nothing back */
    assert_int_equal(amend(s, 1, 60, 110, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(before.amount_ml, 120);
    assert_int_equal(amount_of(s, 1, 2, 1), -1);
    assert_int_equal(amount_of(s, 1, 1, 1), 50);
}

/* "not 120, 100": only when the newest entry has 120; else nothing changes
 * and the feeding is named as it is. */
static void test_amend_expecting_an_amount(void **state) {
    store *s = *state;
    store_feeding before;
    add_one(s, 1, 1, T0, 90);
    assert_int_equal(amend(s, 1, 70, 100, 120, &before), STORE_AMEND_OTHER);
    assert_int_equal(before.message_id, 1);
    assert_int_equal(before.amount_ml, 90);
    assert_int_equal(amount_of(s, 1, 1, 1), 90);
    assert_int_equal(amend(s, 1, 71, 100, 90, &before), STORE_AMEND_DONE);
    assert_int_equal(amount_of(s, 1, 1, 1), 100);
    /* a correction to the amount it has is no change, and no error */
    assert_int_equal(amend(s, 1, 72, 100, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(amount_of(s, 1, 1, 1), 100);
}

/* The Undo button of a correction puts the amount back, once per press,
 * and only while the feeding has the amount that correction gave it. */
static void test_put_back(void **state) {
    store *s = *state;
    store_feeding before, now, f;
    char err[STORE_ERR_MAX];
    int found;
    assert_int_equal(put_back(s, 1, 80, "press-A", &now), STORE_AMEND_NONE);
    add_one(s, 1, 1, T0, 120);
    assert_int_equal(amend(s, 1, 80, 110, 0, &before), STORE_AMEND_DONE);
    for (int again = 0; again < 2; again++) {
        memset(&now, 0, sizeof now);
        assert_int_equal(put_back(s, 1, 80, "press-A", &now), STORE_AMEND_DONE);
        assert_int_equal(now.message_id, 1);
        assert_int_equal(now.amount_ml, 120);
        assert_int_equal(amount_of(s, 1, 1, 1), 120);
    }
    /* another press: it is not 110 any more */
    assert_int_equal(put_back(s, 1, 80, "press-B", &now), STORE_AMEND_OTHER);
    assert_int_equal(now.amount_ml, 120);
    /* a later correction, then the old button: not put back over it */
    assert_int_equal(amend(s, 1, 81, 100, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(before.amount_ml, 120);
    assert_int_equal(put_back(s, 1, 80, "press-C", &now), STORE_AMEND_OTHER);
    assert_int_equal(amount_of(s, 1, 1, 1), 100);
    /* the first press again still answers as it did, changing nothing */
    assert_int_equal(put_back(s, 1, 80, "press-A", &now), STORE_AMEND_DONE);
    assert_int_equal(amount_of(s, 1, 1, 1), 100);
    /* removed since: nothing to put back */
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 82, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 100);
    assert_int_equal(put_back(s, 1, 81, "press-D", &now), STORE_AMEND_GONE);
    assert_int_equal(amount_of(s, 1, 1, 1), -1);
    /* a correction of another chat is not this chat's */
    add_one(s, 2, 1, T0, 60);
    assert_int_equal(put_back(s, 2, 81, "press-E", &now), STORE_AMEND_NONE);
    assert_int_equal(amount_of(s, 2, 1, 1), 60);
}

/* A correction that changed nothing (no feeding yet; not the amount it
 * named) still answers the same when delivered again after a new feeding:
 * it never changes that one. */
static void test_refused_amend_redelivered(void **state) {
    store *s = *state;
    store_feeding before;
    assert_int_equal(amend(s, 1, 50, 110, 0, &before), STORE_AMEND_NONE);
    add_one(s, 1, 51, T0, 120);
    assert_int_equal(amend(s, 1, 52, 90, 100, &before), STORE_AMEND_OTHER);
    assert_int_equal(before.amount_ml, 120);
    add_one(s, 1, 53, T0 + HOUR_MS, 100);
    assert_int_equal(amend(s, 1, 50, 110, 0, &before), STORE_AMEND_NONE);
    assert_int_equal(amend(s, 1, 52, 90, 100, &before), STORE_AMEND_OTHER);
    assert_int_equal(amount_of(s, 1, 51, 1), 120);
    assert_int_equal(amount_of(s, 1, 53, 1), 100);
    /* and a refused correction has nothing to put back */
    assert_int_equal(put_back(s, 1, 52, "press-R", &before), STORE_AMEND_NONE);
    assert_int_equal(amount_of(s, 1, 53, 1), 100);
}

/* An edit of the corrected feeding's message wins over the correction's
 * button: the edited text stands, even when it has the corrected amount. */
static void test_put_back_after_edit(void **state) {
    store *s = *state;
    store_feeding before, now;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0, 120);
    assert_int_equal(amend(s, 1, 2, 110, 0, &before), STORE_AMEND_DONE);
    store_feeding edited = feeding(1, 1, 1, T0, 110);
    edited.kind = PHRASE_FORMULA;
    edited.entered_at_ms = T0 + 60000; /* an edit is entered when made */
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 1, T0 + 60000, &edited, 1, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    assert_int_equal(put_back(s, 1, 2, "press-E", &now), STORE_AMEND_OTHER);
    assert_int_equal(amount_of(s, 1, 1, 1), 110);
    /* an edit that drops the line: nothing to put back either */
    add_one(s, 2, 1, T0, 120);
    assert_int_equal(amend(s, 2, 2, 110, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(s->ops->replace_message(s, fam(2), 2, 1, T0 + 60000, NULL, 0, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    assert_int_equal(put_back(s, 2, 2, "press-F", &now), STORE_AMEND_GONE);
}

/* Removing by key takes exactly that feeding, once: the same press again
 * (a redelivery, or a retry after a lost answer) reports the same feeding,
 * another press finds it gone. */
static void test_remove_by_key(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding lines[2] = {feeding(1, 9, 1, T0, 10), feeding(1, 9, 2, T0, 20)};
    add(s, lines, 2);
    add_one(s, 2, 9, T0, 99); /* same key in another chat */
    store_feeding f;
    int found;
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-A", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 20);
    memset(&f, 0, sizeof f);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-A", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 20);
    assert_int_equal(f.line, 2);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-B", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.items[0].amount_ml, 10);
    store_list_free(&list);
    list = list_all(s, 2);
    assert_int_equal(list.count, 1);
    store_list_free(&list);
}

/* Undoes as message `undo`, after beginning its turn at `now_ms` as the bot
 * does; asserts the answer: the feeding of `amount` ml, or (0) nothing. A
 * failure names the line of the call. */
#define undo_answers(s, chat, undo, now_ms, amount) \
    undo_answers_at(s, chat, undo, now_ms, amount, __FILE__, __LINE__)
static void undo_answers_at(store *s, int64_t chat, int64_t undo, int64_t now_ms,
                            int amount, const char *file, int line) {
    char err[STORE_ERR_MAX];
    store_settings settings;
    store_feeding f;
    int found = -1;
    assert_int_equal(s->ops->get_settings(s, fam(chat), now_ms, &settings, err), STORE_OK);
    assert_int_equal(s->ops->undo_last(s, fam(chat), chat, undo, chat, &f, &found, err), STORE_OK);
    _assert_int_equal(cast_to_largest_integral_type(found),
                      cast_to_largest_integral_type(amount != 0), file, line);
    if (amount)
        _assert_int_equal(cast_to_largest_integral_type(f.amount_ml),
                          cast_to_largest_integral_type(amount), file, line);
}

/* Edits message `message` to the feedings `amounts` (0 ends), one a line. */
static void edit_to(store *s, int64_t chat, int64_t message, const int *amounts) {
    char err[STORE_ERR_MAX];
    store_feeding feeds[STORE_MESSAGE_MAX_FEEDINGS];
    size_t n = 0;
    for (; amounts[n]; n++)
        feeds[n] = feeding(chat, message, (int)n + 1, T0 + (int64_t)n, amounts[n]);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(chat), chat, message, 0, feeds, n, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
}

/* Asserts the amounts listed for a chat, in time order, as "10 25". */
#define assert_amounts(s, chat, expected) \
    assert_amounts_at(s, chat, expected, __FILE__, __LINE__)
static void assert_amounts_at(store *s, int64_t chat, const char *expected,
                              const char *file, int line) {
    char got[256] = "";
    size_t len = 0;
    store_list list = list_all(s, chat);
    for (size_t i = 0; i < list.count && len < sizeof got; i++)
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%d", i ? " " : "",
                                list.items[i].amount_ml);
    store_list_free(&list);
    _assert_string_equal(got, expected, file, line);
}

/* #11, defect 5: an edit makes the message's feedings what it now says, so
 * an undone line comes back if the text still has it; and a redelivered
 * undo, before or after that edit, answers what it answered the first time
 * and removes nothing more. */
static void test_undo_redelivered_after_edit(void **state) {
    store *s = *state;
    store_feeding lines[2] = {feeding(1, 5, 1, T0, 10), feeding(1, 5, 2, T0 + 1, 20)};
    add(s, lines, 2);
    undo_answers(s, 1, 50, T0, 20);
    assert_amounts(s, 1, "10");
    edit_to(s, 1, 5, (const int[]){10, 25, 0}); /* line 2 is back, as 25 */
    assert_amounts(s, 1, "10 25");
    undo_answers(s, 1, 50, T0, 20); /* the first answer, not 25 */
    assert_amounts(s, 1, "10 25");
    undo_answers(s, 1, 51, T0, 25); /* a new undo: the newest entry */
    assert_amounts(s, 1, "10");
    edit_to(s, 1, 5, (const int[]){12, 26, 0});
    assert_amounts(s, 1, "12 26");
    undo_answers(s, 1, 50, T0, 20);
    undo_answers(s, 1, 51, T0, 25);
    assert_amounts(s, 1, "12 26");
    /* an edit to nothing, then back: the undos still answer as they did */
    edit_to(s, 1, 5, (const int[]){0});
    assert_amounts(s, 1, "");
    edit_to(s, 1, 5, (const int[]){13, 0});
    undo_answers(s, 1, 51, T0, 25);
    undo_answers(s, 1, 50, T0, 20);
    assert_amounts(s, 1, "13");
}

/* #11, defect 5: an undo that found nothing answers "nothing" again when
 * delivered again, after feedings were recorded and edited since. */
static void test_undo_of_nothing_redelivered_after_edit(void **state) {
    store *s = *state;
    undo_answers(s, 1, 40, T0, 0);
    add_one(s, 1, 41, T0, 10);
    edit_to(s, 1, 41, (const int[]){11, 0});
    undo_answers(s, 1, 40, T0, 0);
    assert_amounts(s, 1, "11");
}

/* #11, defect 5: a redelivered undo answers as it did even when it comes
 * long after, its feeding older than any window a backend reads. */
static void test_undo_redelivered_much_later(void **state) {
    store *s = *state;
    const int64_t day = 24 * HOUR_MS;
    add_one(s, 1, 1, T0 - 2 * HOUR_MS, 40);
    add_one(s, 1, 2, T0, 10);
    add_one(s, 1, 3, T0 - HOUR_MS, 30); /* back-dated: entered last */
    undo_answers(s, 1, 10, T0, 30);
    undo_answers(s, 1, 10, T0 + 30 * day, 30);
    undo_answers(s, 1, 11, T0, 10);
    undo_answers(s, 1, 11, T0 + 30 * day, 10);
    undo_answers(s, 1, 10, T0 + 400 * day, 30);
    assert_amounts(s, 1, "40");
    /* the same with an edit between: the undone line back, then asked again */
    edit_to(s, 1, 3, (const int[]){33, 0});
    undo_answers(s, 1, 10, T0 + 400 * day, 30);
    undo_answers(s, 1, 11, T0 + 400 * day, 10);
    assert_amounts(s, 1, "40 33");
}

/* #11: the Undo button's press, delivered again after the feeding's message
 * was edited (its line back): the first answer again, nothing removed; a
 * new press of that button removes the line that came back. */
static void test_remove_press_redelivered_after_edit(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding lines[2] = {feeding(1, 9, 1, T0, 10), feeding(1, 9, 2, T0 + 1, 20)};
    add(s, lines, 2);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-A", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    edit_to(s, 1, 9, (const int[]){10, 22, 0});
    assert_amounts(s, 1, "10 22");
    memset(&f, 0, sizeof f);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-A", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 20);
    assert_amounts(s, 1, "10 22");
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-B", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 22);
    assert_amounts(s, 1, "10");
    /* much later, both presses still answer as they did */
    store_settings settings;
    assert_int_equal(s->ops->get_settings(s, fam(1), T0 + 400 * 24 * HOUR_MS, &settings, err),
                     STORE_OK);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-A", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 20);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-B", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 22);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 9, 2, 0, "press-C", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    assert_amounts(s, 1, "10");
}

/* Edits as of edit times: a late copy of an older edit changes nothing and
 * reports the message as it is; the same edit again applies again; an
 * edit of unknown time (0) is applied. (#11, defect 6) */
static void test_edits_out_of_order(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 5, T0, 100);
    store_feeding first = feeding(1, 5, 1, T0, 130), second = feeding(1, 5, 1, T0, 140);
    store_list old = {0};
    int stale = -1;
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, T0 + 60000, &first, 1, &old, &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    store_list_free(&old);
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, T0 + 120000, &second, 1, &old, &stale,
                                             err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(old.count, 1);
    assert_int_equal(old.items[0].amount_ml, 130);
    store_list_free(&old);
    /* edit 1 again, late: nothing changes, the message reads 140 */
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, T0 + 60000, &first, 1, &old, &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(old.count, 1);
    assert_int_equal(old.items[0].amount_ml, 140);
    store_list_free(&old);
    assert_amounts(s, 1, "140");
    /* edit 2 again: applied again, the same */
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, T0 + 120000, &second, 1, &old, &stale,
                                             err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    store_list_free(&old);
    assert_amounts(s, 1, "140");
    /* an edit of unknown time is applied */
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, 0, &first, 1, &old, &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    store_list_free(&old);
    assert_amounts(s, 1, "130");
}

/* The Undo button of a reply weeks old, which carries its feeding's
 * instant: removed once per press, as without it; a wrong instant (a
 * forged or older button) still finds the feeding by its key. */
static void test_remove_old_reply_with_instant(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    const int64_t old_at = T0 - 30 * 24 * HOUR_MS;
    add_one(s, 1, 3, old_at, 70);
    add_one(s, 1, 4, old_at + HOUR_MS, 80);
    add_one(s, 1, 900, T0, 10);
    store_settings chat;
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->remove(s, fam(1), 1, 3, 1, old_at, "p1", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 70);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 3, 1, old_at, "p1", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1); /* the same press: the same answer */
    assert_int_equal(f.amount_ml, 70);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 3, 1, old_at, "p2", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0); /* another press: gone */
    /* a wrong instant */
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 4, 1, old_at + 7 * 60000, "p3", &f, &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 80);
    assert_amounts(s, 1, "10");
}

/* The Undo button after an edit moved its feeding to another instant:
 * the edit's reply's button and the original reply's both reach the live
 * feeding of that line, once (review of #11). */
static void test_button_after_edit_moved_it(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    const int64_t at = T0 - HOUR_MS, moved = T0;
    add_one(s, 1, 101, at, 120);
    store_feeding later = feeding(1, 101, 1, moved, 120);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 101, T0 + 60000, &later, 1, &old, NULL,
                                             err),
                     STORE_OK);
    store_list_free(&old);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->remove(s, fam(1), 1, 101, 1, moved, "pA", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1); /* the edit's reply */
    assert_amounts(s, 1, "");
    add_one(s, 1, 102, at, 90);
    later = feeding(1, 102, 1, moved, 95);
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 102, T0 + 60000, &later, 1, &old, NULL,
                                             err),
                     STORE_OK);
    store_list_free(&old);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 102, 1, at, "pB", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1); /* the original reply's, with the old instant */
    assert_int_equal(f.amount_ml, 95);
    assert_amounts(s, 1, "");
}

/* The Undo button of a message whose lines lie on both sides of any read
 * window a store keeps (here 8 hours apart, 41 and 33 hours before T0):
 * each line is found (review of #11). */
static void test_button_line_far_from_its_message(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding lines[2] = {feeding(1, 301, 1, T0 - 41 * HOUR_MS, 90),
                              feeding(1, 301, 2, T0 - 33 * HOUR_MS, 120)};
    add(s, lines, 2);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->remove(s, fam(1), 1, 301, 1, T0 - 41 * HOUR_MS, "p1", &f, &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 90);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 301, 2, 0, "p2", &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 120);
    assert_amounts(s, 1, "");
}

/* A message delivered (again, or late) after it was edited records nothing
 * the edit does not have: the edit is newer (review of #11). */
static void test_message_after_its_edit(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding lines[2] = {feeding(1, 5, 1, T0, 100), feeding(1, 5, 2, T0 + 1, 120)};
    add(s, lines, 2);
    store_feeding one = feeding(1, 5, 1, T0, 100);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, T0 + 60000, &one, 1, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {lines[0], lines[1]};
    size_t n = 2;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(again[0].chat_id), again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_amounts(s, 1, "100");
    /* the edit arriving first, the message after it */
    store_feeding edited = feeding(1, 6, 1, T0 + 2, 30);
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 6, T0 + 60000, &edited, 1, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    store_feeding original[STORE_MESSAGE_MAX_FEEDINGS] = {feeding(1, 6, 1, T0 + 2, 30),
                                                          feeding(1, 6, 2, T0 + 3, 40)};
    n = 2;
    assert_int_equal(s->ops->add_message(s, fam(original[0].chat_id), original, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_amounts(s, 1, "100 30");
}

/* A press that found its feeding gone finds nothing when delivered again,
 * even after an edit brought the line back (review of #11). */
static void test_press_that_found_nothing(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 7, T0, 50);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 8, 1, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(s->ops->remove(s, fam(1), 1, 7, 1, T0, "pZ", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    store_feeding back = feeding(1, 7, 1, T0, 55);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 7, T0 + 60000, &back, 1, &old, NULL, err),
                     STORE_OK);
    store_list_free(&old);
    assert_amounts(s, 1, "55");
    assert_int_equal(s->ops->remove(s, fam(1), 1, 7, 1, T0, "pZ", &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    assert_amounts(s, 1, "55");
}

/* An edit replaces exactly its message's feedings and returns the old ones. */
static void test_replace_message(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding lines[2] = {feeding(1, 5, 1, T0, 10), feeding(1, 5, 2, T0, 20)};
    add(s, lines, 2);
    add_one(s, 1, 6, T0, 60);
    store_feeding edited = feeding(1, 5, 1, T0 + HOUR_MS, 15);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, 0, &edited, 1, &old, NULL, err), STORE_OK);
    assert_int_equal(old.count, 2);
    assert_int_equal(old.items[0].amount_ml, 10);
    assert_int_equal(old.items[1].amount_ml, 20);
    store_list_free(&old);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].amount_ml, 60);
    assert_int_equal(list.items[1].amount_ml, 15);
    store_list_free(&list);

    /* to nothing */
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 5, 0, NULL, 0, &old, NULL, err), STORE_OK);
    assert_int_equal(old.count, 1);
    store_list_free(&old);
    list = list_all(s, 1);
    assert_int_equal(list.count, 1);
    store_list_free(&list);

    /* an edit of a message that recorded nothing records it ... */
    store_feeding late = feeding(1, 8, 1, T0, 80);
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 8, 0, &late, 1, &old, NULL, err), STORE_OK);
    assert_int_equal(old.count, 0);
    store_list_free(&old);
    /* ... and it then counts as recorded */
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {late};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(again[0].chat_id), again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    /* an edited feeding keeps its message's place in entry order */
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 1006, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 80);
}

/* Chats never see each other's feedings. */
static void test_families_are_separate(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0, 10);
    add_one(s, 2, 1, T0, 20);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(2), 2, 1007, 2, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 20);
    assert_int_equal(s->ops->undo_last(s, fam(2), 2, 1008, 2, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 1);
    store_list_free(&list);
}

/* --- one family, several chats and senders (#15) ------------------------- */

#define ALEX 11
#define SAM 22
#define GROUP (-33)
/* Late in the suite's day: a DynamoDB turn at 20:00 holds these messages
 * as recent, so undo finds its target both in the turn and, without one,
 * through the index. */
#define LATE (T0 + 12 * HOUR_MS - 10 * 60000)

/* A feeding of the Smith family: user `from` wrote message `message` of
 * chat `chat` at `sent`. */
static store_feeding smith(int64_t chat, int64_t from, int64_t message, int64_t sent,
                           int64_t at_ms, int amount) {
    store_feeding f = feeding(chat, message, 1, at_ms, amount);
    f.from_id = from;
    f.sent_ms = sent;
    snprintf(f.who, sizeof f.who, "%s", from == ALEX ? "Alex" : "Sam");
    return f;
}

static void add_smith(store *s, store_feeding f) {
    char err[STORE_ERR_MAX];
    int already = -1;
    size_t n = 1;
    assert_int_equal(s->ops->add_message(s, "smith", &f, &n, &already, err), STORE_OK);
    assert_int_equal(already, 0);
}

/* Undo asked by message (chat, message) of `from`: the amount it removed,
 * 0 for nothing. */
static int smith_undo(store *s, int64_t chat, int64_t message, int64_t from) {
    char err[STORE_ERR_MAX];
    store_feeding f;
    int found = -1;
    assert_int_equal(s->ops->undo_last(s, "smith", chat, message, from, &f, &found, err),
                     STORE_OK);
    return found ? f.amount_ml : 0;
}

/* One log for the family, whichever chat a feeding was written in: both
 * parents' private chats and the group are one day. Message ids are a
 * chat's own: message 1 of each chat is a message of its own, and a
 * redelivery is known by its chat too. The Undo button, whoever presses
 * it, removes exactly its feeding. */
static void test_family_log_spans_chats(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_smith(s, smith(ALEX, ALEX, 1, LATE, T0 + 1 * HOUR_MS, 100));
    add_smith(s, smith(SAM, SAM, 1, LATE + 1000, T0 + 2 * HOUR_MS, 50));
    add_smith(s, smith(GROUP, ALEX, 1, LATE + 2000, T0 + 3 * HOUR_MS, 30));
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, "smith", T0, T0 + 4 * HOUR_MS, &list, err), STORE_OK);
    assert_int_equal(list.count, 3);
    assert_int_equal(list.items[0].chat_id, ALEX);
    assert_int_equal(list.items[1].chat_id, SAM);
    assert_int_equal(list.items[1].amount_ml, 50);
    assert_int_equal(list.items[2].chat_id, GROUP);
    assert_int_equal(list.items[2].from_id, ALEX);
    store_list_free(&list);
    /* Sam's message 1 again: a redelivery of Sam's, answered with Sam's */
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {
        smith(SAM, SAM, 1, LATE + 1000, T0 + 2 * HOUR_MS, 50)};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, "smith", again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_int_equal(n, 1);
    assert_int_equal(again[0].chat_id, SAM);
    assert_int_equal(again[0].amount_ml, 50);
    /* Alex presses the Undo button under Sam's feeding's reply */
    store_feeding f;
    int found = -1;
    assert_int_equal(s->ops->remove(s, "smith", SAM, 1, 1, T0 + 2 * HOUR_MS, "p-alex", &f,
                                    &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 50);
    assert_int_equal(f.chat_id, SAM);
    list = list_all(s, 0);
    assert_int_equal(list.count, 0); /* family "f0": nobody's */
    store_list_free(&list);
    assert_int_equal(s->ops->list_range(s, "smith", 0, INT64_MAX / 2, &list, err), STORE_OK);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].amount_ml + list.items[1].amount_ml, 130);
    store_list_free(&list);
}

/* Undo takes the sender's own newest entry, never another's; entry order
 * across chats is the order the messages were written in, whatever their
 * chats' or messages' ids. A redelivered undo, and an undo with the same
 * message id in another chat, are told apart by the chat. */
static void test_undo_is_per_sender(void **state) {
    store *s = *state;
    add_smith(s, smith(ALEX, ALEX, 5, LATE, T0 + 1 * HOUR_MS, 100));
    add_smith(s, smith(GROUP, ALEX, 2, LATE + 1000, T0 + 2 * HOUR_MS, 30));
    add_smith(s, smith(SAM, SAM, 9, LATE + 2000, T0 + 3 * HOUR_MS, 50));
    add_smith(s, smith(SAM, SAM, 10, LATE + 3000, T0 + 4 * HOUR_MS, 40));
    /* Alex's newest is the group's 30, Sam's 40 being newer still */
    assert_int_equal(smith_undo(s, ALEX, 6, ALEX), 30);
    assert_int_equal(smith_undo(s, SAM, 11, SAM), 40);
    /* delivered again: the same, nothing more */
    assert_int_equal(smith_undo(s, ALEX, 6, ALEX), 30);
    /* message 6 of Sam's chat is another undo than message 6 of Alex's */
    assert_int_equal(smith_undo(s, SAM, 6, SAM), 50);
    assert_int_equal(smith_undo(s, GROUP, 3, ALEX), 100);
    assert_int_equal(smith_undo(s, GROUP, 4, ALEX), 0);
    assert_int_equal(smith_undo(s, SAM, 12, SAM), 0);
    store_list list = {0};
    char err[STORE_ERR_MAX];
    assert_int_equal(s->ops->list_range(s, "smith", 0, INT64_MAX / 2, &list, err), STORE_OK);
    assert_int_equal(list.count, 0);
    store_list_free(&list);
}

/* A correction ("make that 110") changes the sender's own newest entry,
 * not a newer one of another's; its Undo button puts it back. */
static void test_amend_is_per_sender(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_smith(s, smith(ALEX, ALEX, 1, LATE, T0 + 1 * HOUR_MS, 100));
    add_smith(s, smith(SAM, SAM, 1, LATE + 1000, T0 + 2 * HOUR_MS, 50));
    store_feeding before, now;
    int outcome = -1;
    assert_int_equal(s->ops->amend_last(s, "smith", ALEX, 2, ALEX, 110, 0, &before, &outcome,
                                        err),
                     STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_DONE);
    assert_int_equal(before.chat_id, ALEX);
    assert_int_equal(before.amount_ml, 100);
    /* Sam's correction with the same message id, in Sam's chat: Sam's */
    assert_int_equal(s->ops->amend_last(s, "smith", SAM, 2, SAM, 55, 0, &before, &outcome,
                                        err),
                     STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_DONE);
    assert_int_equal(before.chat_id, SAM);
    store_list list = {0};
    assert_int_equal(s->ops->list_range(s, "smith", 0, INT64_MAX / 2, &list, err), STORE_OK);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.items[0].amount_ml, 110);
    assert_int_equal(list.items[1].amount_ml, 55);
    store_list_free(&list);
    assert_int_equal(s->ops->put_back(s, "smith", ALEX, 2, "p-back", &now, &outcome, err),
                     STORE_OK);
    assert_int_equal(outcome, STORE_AMEND_DONE);
    assert_int_equal(now.amount_ml, 100);
    assert_int_equal(s->ops->list_range(s, "smith", 0, INT64_MAX / 2, &list, err), STORE_OK);
    assert_int_equal(list.items[0].amount_ml, 100);
    assert_int_equal(list.items[1].amount_ml, 55);
    store_list_free(&list);
}

/* Settings: the zone and the babies of each family. A setting made by a
 * message entered later stands against an older one delivered again (in
 * the same second too: then the message id tells); the same message again
 * sets it again. */
/* The stamp of message `message` of chat 1, written at T0 + `second` s. */
static const char *by(int second, int64_t message) {
    static char stamps[4][STORE_STAMP_MAX];
    static int next;
    char *stamp = stamps[next++ % 4];
    store_stamp(T0 + second * 1000LL, 1, message, stamp);
    return stamp;
}

static void test_family_settings(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_settings chat;
    int stale = -1;
    add_one(s, 1, 5, T0, 10);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "");
    assert_int_equal(s->ops->set_tz(s, fam(1), "Asia/Kathmandu", by(0, 10), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->set_tz(s, fam(1), "Europe/London", by(0, 11), &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    /* the first message again, late: changes nothing */
    assert_int_equal(s->ops->set_tz(s, fam(1), "Asia/Kathmandu", by(0, 10), &stale, err), STORE_OK);
    assert_int_equal(stale, 1);
    /* the second again: the same */
    assert_int_equal(s->ops->set_tz(s, fam(1), "Europe/London", by(0, 11), &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "Europe/London");
    assert_string_equal(chat.babies, "");
    assert_int_equal(s->ops->set_babies(s, fam(1), "Mia,Léo", by(5, 20), &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->set_babies(s, fam(1), "Ana,Bo", by(4, 30), &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.babies, "Mia,Léo");
    assert_string_equal(chat.tz, "Europe/London");
    assert_int_equal(s->ops->set_tz(s, fam(2), "UTC", by(0, 1), &stale, err), STORE_OK);
    assert_int_equal(s->ops->get_settings(s, fam(2), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "UTC");
    assert_string_equal(chat.babies, "");
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "Europe/London");
    /* two chats' messages in one second cannot be told apart: the one
     * handled last stands, whichever chat's id is lower */
    char other[STORE_STAMP_MAX];
    store_stamp(T0, -100, 1, other);
    assert_int_equal(s->ops->set_tz(s, fam(1), "Asia/Tokyo", other, &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->set_tz(s, fam(1), "Europe/London", by(0, 11), &stale, err),
                     STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &chat, err), STORE_OK);
    assert_string_equal(chat.tz, "Europe/London");
}

/* A new message id is above every id the chat had used when the store
 * began numbering it (ones that only undid or were edited included), and
 * each call allocates a new one. Once a chat's messages are numbered by
 * the store, all its ids come from here (`milkbot chat`). */
static void test_next_message_id(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    int64_t id, previous;
    add_one(s, 1, 5, T0, 10);
    add_one(s, 1, 3, T0, 10);
    add_one(s, 2, 9, T0, 10);
    assert_int_equal(s->ops->next_message_id(s, fam(1), 1, &id, err), STORE_OK);
    assert_true(id > 5);
    previous = id;
    assert_int_equal(s->ops->next_message_id(s, fam(1), 1, &id, err), STORE_OK);
    assert_true(id > previous); /* allocated, not just read */
    previous = id;
    assert_int_equal(s->ops->next_message_id(s, fam(2), 2, &id, err), STORE_OK);
    assert_true(id > 9); /* each chat its own */
    assert_int_equal(s->ops->next_message_id(s, fam(1), 1, &id, err), STORE_OK);
    assert_true(id > previous);
    assert_int_equal(s->ops->next_message_id(s, fam(3), 3, &id, err), STORE_OK);
    assert_int_equal(id, 1);

    /* ids that undid or were edited count too */
    add_one(s, 4, 2, T0, 10);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(4), 4, 7, 4, &f, &found, err), STORE_OK);
    assert_int_equal(f.message_id, 2);
    assert_int_equal(s->ops->next_message_id(s, fam(4), 4, &id, err), STORE_OK);
    assert_true(id > 7);
    store_feeding edited = feeding(5, 8, 1, T0, 70);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(5), 5, 8, 0, &edited, 1, &old, NULL, err), STORE_OK);
    store_list_free(&old);
    assert_int_equal(s->ops->next_message_id(s, fam(5), 5, &id, err), STORE_OK);
    assert_true(id > 8);
}

/* The last feeding before an instant: by instant, then by entry. */
static void test_latest_before(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    add_one(s, 1, 1, T0 + 2 * HOUR_MS, 20);
    add_one(s, 1, 2, T0 + 5 * HOUR_MS, 50);
    add_one(s, 1, 3, T0 + 2 * HOUR_MS, 21);
    store_feeding f;
    int found;
    assert_int_equal(s->ops->latest_before(s, fam(1), T0 + 5 * HOUR_MS, &f, &found, err), STORE_OK);
    assert_int_equal(found, 1);
    assert_int_equal(f.amount_ml, 21);
    assert_int_equal(s->ops->latest_before(s, fam(1), T0 + 5 * HOUR_MS + 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 50);
    assert_int_equal(s->ops->latest_before(s, fam(1), T0, &f, &found, err), STORE_OK);
    assert_int_equal(found, 0);
}

/* A month of feedings lists whole and in order. */
static void test_many_feedings(void **state) {
    store *s = *state;
    for (int i = 0; i < 300; i++)
        add_one(s, 1, i + 1, T0 + (int64_t)((i * 7919) % 300) * HOUR_MS, 1 + i % 1000);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 300);
    for (size_t i = 1; i < list.count; i++)
        assert_true(list.items[i - 1].at_ms <= list.items[i].at_ms);
    store_list_free(&list);
}

/* --- nursing sessions and units (#16) ------------------------------------ */

/* A nursing session of message `message`, line `line`: no amount; its
 * sides and minutes (each side's, and in all) as given. */
static store_feeding session(int64_t chat, int64_t message, int line, int64_t at_ms,
                             const char *sides, int left, int right, int minutes) {
    store_feeding f = feeding(chat, message, line, at_ms, 0);
    f.kind = PHRASE_NURSING;
    snprintf(f.sides, sizeof f.sides, "%s", sides);
    f.left_min = left;
    f.right_min = right;
    f.minutes = minutes;
    snprintf(f.text, sizeof f.text, "nursed %s", sides);
    return f;
}

/* Asserts that `g` is the session (message, line) at `at_ms` with these
 * sides and minutes, and nothing of a bottle. A failure names the line of
 * the call. */
#define assert_session(g, message, line, at_ms, sides, left, right, minutes)               \
    assert_session_at(g, message, line, at_ms, sides, left, right, minutes, __FILE__, \
                      __LINE__)
static void assert_session_at(const store_feeding *g, int64_t message, int line,
                              int64_t at_ms, const char *sides, int left, int right,
                              int minutes, const char *file, int at_line) {
    const struct { int64_t got, want; } ints[] = {
        {g->message_id, message}, {g->line, line},   {g->at_ms, at_ms},
        {g->kind, PHRASE_NURSING}, {g->amount_ml, 0}, {g->left_min, left},
        {g->right_min, right},    {g->minutes, minutes}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        _assert_int_equal(cast_to_largest_integral_type(ints[i].got),
                          cast_to_largest_integral_type(ints[i].want), file, at_line);
    _assert_string_equal(g->sides, sides, file, at_line);
}

/* A session comes back whole from every operation that returns feedings:
 * recorded, delivered again, listed (for totals too), the latest, edited,
 * undone (and that undo delivered again), removed by its button. */
static void test_nursing_round_trip(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_feeding f = session(1, 1, 1, T0 + HOUR_MS, "LRL", 12, 8, 25);
    snprintf(f.baby, sizeof f.baby, "Mia");
    snprintf(f.note, sizeof f.note, "sleepy");
    f.entered_at_ms = T0 + 5000;
    add(s, &f, 1);
    store_feeding again[STORE_MESSAGE_MAX_FEEDINGS] = {f};
    size_t n = 1;
    int already = 0;
    assert_int_equal(s->ops->add_message(s, fam(1), again, &n, &already, err), STORE_OK);
    assert_int_equal(already, 1);
    assert_int_equal(n, 1);
    assert_session(&again[0], 1, 1, T0 + HOUR_MS, "LRL", 12, 8, 25);

    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 1);
    const store_feeding *g = &list.items[0];
    assert_session(g, 1, 1, T0 + HOUR_MS, "LRL", 12, 8, 25);
    assert_int_equal(g->chat_id, 1);
    assert_int_equal(g->from_id, 1);
    assert_int_equal(g->sent_ms, T0 + 1000);
    assert_string_equal(g->baby, "Mia");
    assert_string_equal(g->note, "sleepy");
    assert_string_equal(g->text, "nursed LRL");
    assert_string_equal(g->who, "Alex");
    assert_string_equal(g->at, "2025-11-28T09:00:00+00:00");
    assert_string_equal(g->day, "2025-11-28");
    assert_int_equal(g->entered_at_ms, T0 + 5000);
    store_list_free(&list);

    /* for totals: what list_amounts must have right */
    list = amounts_all(s, 1);
    assert_int_equal(list.count, 1);
    g = &list.items[0];
    assert_int_equal(g->chat_id, 1);
    assert_int_equal(g->message_id, 1);
    assert_int_equal(g->line, 1);
    assert_int_equal(g->at_ms, T0 + HOUR_MS);
    assert_int_equal(g->amount_ml, 0);
    assert_int_equal(g->kind, PHRASE_NURSING);
    assert_int_equal(g->minutes, 25);
    assert_string_equal(g->baby, "Mia");
    store_list_free(&list);

    store_feeding latest;
    int found = -1;
    assert_int_equal(s->ops->latest_before(s, fam(1), T0 + 2 * HOUR_MS, &latest, &found, err),
                     STORE_OK);
    assert_int_equal(found, 1);
    assert_session(&latest, 1, 1, T0 + HOUR_MS, "LRL", 12, 8, 25);

    /* edited: "nursed R 7 then L 5" -- sides in that order, no total said */
    store_feeding edited = session(1, 1, 1, T0 + HOUR_MS, "RL", 5, 7, 0);
    store_list old = {0};
    assert_int_equal(s->ops->replace_message(s, fam(1), 1, 1, 0, &edited, 1, &old, NULL, err),
                     STORE_OK);
    assert_int_equal(old.count, 1);
    assert_session(&old.items[0], 1, 1, T0 + HOUR_MS, "LRL", 12, 8, 25);
    store_list_free(&old);
    list = list_all(s, 1);
    assert_int_equal(list.count, 1);
    assert_session(&list.items[0], 1, 1, T0 + HOUR_MS, "RL", 5, 7, 0);
    store_list_free(&list);

    /* undone, and the undo delivered again: the same session */
    for (int twice = 0; twice < 2; twice++) {
        store_feeding undone;
        memset(&undone, 0, sizeof undone);
        assert_int_equal(s->ops->undo_last(s, fam(1), 1, 2, 1, &undone, &found, err), STORE_OK);
        assert_int_equal(found, 1);
        assert_session(&undone, 1, 1, T0 + HOUR_MS, "RL", 5, 7, 0);
    }
    list = list_all(s, 1);
    assert_int_equal(list.count, 0);
    store_list_free(&list);

    /* "nursed both sides": sides B, no minutes; removed by its button,
     * and that press delivered again */
    store_feeding both = session(1, 3, 1, T0 + 2 * HOUR_MS, "B", 0, 0, 0);
    add(s, &both, 1);
    for (int twice = 0; twice < 2; twice++) {
        store_feeding removed;
        memset(&removed, 0, sizeof removed);
        assert_int_equal(s->ops->remove(s, fam(1), 1, 3, 1, T0 + 2 * HOUR_MS, "press-N",
                                        &removed, &found, err),
                         STORE_OK);
        assert_int_equal(found, 1);
        assert_session(&removed, 3, 1, T0 + 2 * HOUR_MS, "B", 0, 0, 0);
    }
    list = amounts_all(s, 1);
    assert_int_equal(list.count, 0);
    store_list_free(&list);
}

/* A list as "120 formula, nursing L 10/0/10, ..." (a session: sides, or
 * "-" when not said, then left/right/in all), or for totals as
 * "120, N10, ..." (a session: its minutes in all). */
static void describe(const store_list *l, int totals, char *out, size_t size) {
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l->count && len < size; i++) {
        const store_feeding *f = &l->items[i];
        const char *sep = i ? ", " : "";
        if (f->kind == PHRASE_NURSING && totals)
            len += (size_t)snprintf(out + len, size - len, "%sN%d", sep, f->minutes);
        else if (f->kind == PHRASE_NURSING)
            len += (size_t)snprintf(out + len, size - len, "%snursing %s %d/%d/%d", sep,
                                    f->sides[0] ? f->sides : "-", f->left_min,
                                    f->right_min, f->minutes);
        else if (totals)
            len += (size_t)snprintf(out + len, size - len, "%s%d", sep, f->amount_ml);
        else
            len += (size_t)snprintf(out + len, size - len, "%s%d %s", sep, f->amount_ml,
                                    store_kind_name(f->kind));
    }
}

/* A day of bottles and sessions, some in one message: listed in time
 * order, each as it is, and for totals each bottle's ml and each
 * session's minutes. Undo takes a session in its place in entry order. */
static void test_mixed_day(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX], got[512];
    store_feeding night[3] = {feeding(1, 1, 1, T0, 120),
                              session(1, 1, 2, T0 + 3 * HOUR_MS, "L", 10, 0, 10),
                              feeding(1, 1, 3, T0 + 5 * HOUR_MS, 90)};
    night[0].kind = PHRASE_FORMULA;
    add(s, night, 3);
    store_feeding nursed = session(1, 2, 1, T0 + HOUR_MS, "", 0, 0, 0);
    add(s, &nursed, 1);
    add_one(s, 1, 3, T0 + 4 * HOUR_MS, 60);
    store_list list = list_all(s, 1);
    describe(&list, 0, got, sizeof got);
    assert_string_equal(got, "120 formula, nursing - 0/0/0, nursing L 10/0/10, 60 milk, "
                             "90 milk");
    store_list_free(&list);
    list = amounts_all(s, 1);
    describe(&list, 1, got, sizeof got);
    assert_string_equal(got, "120, N0, N10, 60, 90");
    store_list_free(&list);
    /* entry order: the bottle of message 3, then the session of message 2 */
    store_feeding f;
    int found;
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 4, 1, &f, &found, err), STORE_OK);
    assert_int_equal(f.amount_ml, 60);
    assert_int_equal(s->ops->undo_last(s, fam(1), 1, 5, 1, &f, &found, err), STORE_OK);
    assert_session(&f, 2, 1, T0 + HOUR_MS, "", 0, 0, 0);
    list = amounts_all(s, 1);
    describe(&list, 1, got, sizeof got);
    assert_string_equal(got, "120, N10, 90");
    store_list_free(&list);
}

/* "make that 110" after a nursing session: it has no amount, so nothing
 * changes and the answer names the session; the same message again
 * answers the same, after a new bottle too, and has nothing to put
 * back. */
static void test_amend_nursing(void **state) {
    store *s = *state;
    store_feeding before;
    add_one(s, 1, 1, T0, 120);
    store_feeding f = session(1, 2, 1, T0 + HOUR_MS, "LR", 9, 6, 15);
    add(s, &f, 1);
    for (int again = 0; again < 2; again++) {
        memset(&before, 0, sizeof before);
        assert_int_equal(amend(s, 1, 10, 110, 0, &before), STORE_AMEND_NURSING);
        assert_session(&before, 2, 1, T0 + HOUR_MS, "LR", 9, 6, 15);
    }
    /* "not 120, 100": the session is still what it finds */
    assert_int_equal(amend(s, 1, 11, 100, 120, &before), STORE_AMEND_NURSING);
    assert_session(&before, 2, 1, T0 + HOUR_MS, "LR", 9, 6, 15);
    assert_int_equal(amount_of(s, 1, 1, 1), 120);
    assert_int_equal(amount_of(s, 1, 2, 1), 0);
    /* delivered again after a new bottle: still refused, the bottle kept */
    add_one(s, 1, 3, T0 + 2 * HOUR_MS, 80);
    memset(&before, 0, sizeof before);
    assert_int_equal(amend(s, 1, 10, 110, 0, &before), STORE_AMEND_NURSING);
    assert_session(&before, 2, 1, T0 + HOUR_MS, "LR", 9, 6, 15);
    assert_int_equal(amount_of(s, 1, 3, 1), 80);
    store_feeding now;
    assert_int_equal(put_back(s, 1, 10, "press-U", &now), STORE_AMEND_NONE);
    assert_int_equal(amount_of(s, 1, 3, 1), 80);
    /* and a new correction takes the new bottle */
    assert_int_equal(amend(s, 1, 12, 110, 0, &before), STORE_AMEND_DONE);
    assert_int_equal(before.message_id, 3);
    assert_int_equal(amount_of(s, 1, 3, 1), 110);
    store_list list = list_all(s, 1);
    assert_int_equal(list.count, 3);
    assert_session(&list.items[1], 2, 1, T0 + HOUR_MS, "LR", 9, 6, 15);
    store_list_free(&list);
}

/* The family's units, under the rule of every setting: a later message's
 * choice stands against an older one delivered again; the same message
 * again sets it again; the zone and babies are not touched. */
static void test_family_units(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_settings settings;
    int stale = -1;
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "");
    assert_int_equal(s->ops->set_tz(s, fam(1), "Europe/Paris", by(0, 5), &stale, err), STORE_OK);
    assert_int_equal(s->ops->set_babies(s, fam(1), "Mia,Leo", by(0, 6), &stale, err),
                     STORE_OK);
    assert_int_equal(s->ops->set_units(s, fam(1), "oz", by(1, 10), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->set_units(s, fam(1), "ml", by(1, 11), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    /* the first message again, late: changes nothing */
    assert_int_equal(s->ops->set_units(s, fam(1), "oz", by(1, 10), &stale, err), STORE_OK);
    assert_int_equal(stale, 1);
    /* a message of an earlier second, whatever its id */
    assert_int_equal(s->ops->set_units(s, fam(1), "oz", by(0, 99), &stale, err), STORE_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "ml");
    /* the second again: the same */
    assert_int_equal(s->ops->set_units(s, fam(1), "ml", by(1, 11), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    /* a later one stands */
    assert_int_equal(s->ops->set_units(s, fam(1), "oz", by(2, 12), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "oz");
    assert_string_equal(settings.tz, "Europe/Paris");
    assert_string_equal(settings.babies, "Mia,Leo");
    /* a zone set later leaves the units */
    assert_int_equal(s->ops->set_tz(s, fam(1), "UTC", by(3, 13), &stale, err), STORE_OK);
    assert_int_equal(s->ops->get_settings(s, fam(1), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "oz");
    assert_string_equal(settings.tz, "UTC");
    /* a family never read before: its units set first */
    assert_int_equal(s->ops->set_units(s, fam(2), "ml", by(0, 1), &stale, err), STORE_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(s->ops->get_settings(s, fam(2), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "ml");
    assert_string_equal(settings.tz, "");
    assert_int_equal(s->ops->get_settings(s, fam(3), T0, &settings, err), STORE_OK);
    assert_string_equal(settings.units, "");
}

/* --- schedules (#17) ----------------------------------------------------------- */

/* A schedule of `family`'s chat `chat`, set by message `message` of that
 * chat written at T0 + `second` s. */
static store_schedule sched(const char *family, int64_t chat, store_schedule_kind kind,
                            int64_t message, int second, int64_t due_ms) {
    store_schedule sc = {.chat_id = chat, .kind = kind, .due_ms = due_ms,
                         .set_ms = T0 + second * 1000LL};
    snprintf(sc.family, sizeof sc.family, "%s", family);
    sc.message_id = kind == STORE_REMIND_ONCE ? message : 0;
    store_stamp(sc.set_ms, chat, message, sc.by);
    return sc;
}

static int put_sched(store *s, const store_schedule *sc) {
    char err[STORE_ERR_MAX];
    int stale = -1;
    assert_int_equal(s->ops->put_schedule(s, sc, &stale, err), STORE_OK);
    return stale;
}

/* The schedules of a family's chat (0: all its chats), in *n. */
static void list_sched(store *s, const char *family, int64_t chat, store_schedule *out,
                       size_t *n) {
    char err[STORE_ERR_MAX];
    assert_int_equal(s->ops->list_schedules(s, family, chat, out, STORE_SCHEDULES_MAX, n, err),
                     STORE_OK);
}

/* The one schedule of (chat, kind, message) in family, which must exist. */
static store_schedule one_sched(store *s, const char *family, int64_t chat,
                                store_schedule_kind kind, int64_t message) {
    store_schedule all[STORE_SCHEDULES_MAX];
    size_t n;
    list_sched(s, family, chat, all, &n);
    for (size_t i = 0; i < n; i++)
        if (all[i].kind == kind && all[i].message_id == message) return all[i];
    fail_msg("no schedule kind %d message %lld", (int)kind, (long long)message);
    return all[0];
}

static int claim_sched(store *s, const store_schedule *sc, int64_t next, int64_t last,
                       const char *claim) {
    char err[STORE_ERR_MAX];
    int won = -1;
    assert_int_equal(s->ops->claim_schedule(s, sc, next, last, claim, &won, err), STORE_OK);
    return won;
}

/* "1:10@<due>,2:0@<due>..." of the due schedules at now (at most max). */
static void due_text(store *s, int64_t now, size_t max, char *out, size_t size) {
    char err[STORE_ERR_MAX];
    store_schedule due[STORE_DUE_MAX];
    size_t n = 99, len = 0;
    assert_int_equal(s->ops->due_schedules(s, now, due, max, &n, err), STORE_OK);
    assert_true(n <= max);
    out[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s/%lld/%d:%lld@%lld", i ? "," : "",
                                due[i].family, (long long)due[i].chat_id, (int)due[i].kind,
                                (long long)due[i].message_id,
                                (long long)((due[i].due_ms - T0) / 60000));
}

/* Each kind is kept with every field; a one-off reminder is set once
 * (its message again changes nothing, and is not stale); each per-chat
 * kind is one per chat. */
static void test_schedule_each_kind(void **state) {
    store *s = *state;
    store_schedule once = sched("fa", 1, STORE_REMIND_ONCE, 10, 0, T0 + 3 * HOUR_MS);
    store_schedule every = sched("fa", 1, STORE_REMIND_EVERY, 11, 1, T0 + 3 * HOUR_MS);
    every.every_min = 180;
    store_schedule alert = sched("fa", 1, STORE_ALERT, 12, 2, T0 + 4 * HOUR_MS);
    alert.every_min = 240;
    alert.last_ms = T0 - HOUR_MS;
    store_schedule summary = sched("fa", 1, STORE_SUMMARY, 13, 3, T0 + 12 * HOUR_MS);
    summary.hour = 20;
    summary.minute = 30;
    /* listed by kind, whatever the order set */
    assert_int_equal(put_sched(s, &summary), 0);
    assert_int_equal(put_sched(s, &alert), 0);
    assert_int_equal(put_sched(s, &every), 0);
    assert_int_equal(put_sched(s, &once), 0);
    store_schedule got[STORE_SCHEDULES_MAX];
    size_t n;
    list_sched(s, "fa", 1, got, &n);
    assert_int_equal(n, 4);
    const store_schedule *want[] = {&once, &every, &alert, &summary};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(got[i].family, "fa");
        assert_int_equal(got[i].chat_id, 1);
        assert_int_equal(got[i].kind, want[i]->kind);
        assert_int_equal(got[i].message_id, want[i]->message_id);
        assert_int_equal(got[i].due_ms, want[i]->due_ms);
        assert_int_equal(got[i].every_min, want[i]->every_min);
        assert_int_equal(got[i].hour, want[i]->hour);
        assert_int_equal(got[i].minute, want[i]->minute);
        assert_int_equal(got[i].last_ms, want[i]->last_ms);
        assert_int_equal(got[i].set_ms, want[i]->set_ms);
        assert_string_equal(got[i].by, want[i]->by);
    }
    /* the one-off's message again, even saying otherwise: set once */
    store_schedule again = once;
    again.due_ms = T0 + 5 * HOUR_MS;
    assert_int_equal(put_sched(s, &again), 0);
    assert_int_equal(one_sched(s, "fa", 1, STORE_REMIND_ONCE, 10).due_ms, T0 + 3 * HOUR_MS);
    /* another message's one-off is another; "every" again replaces */
    store_schedule second = sched("fa", 1, STORE_REMIND_ONCE, 14, 4, T0 + HOUR_MS);
    assert_int_equal(put_sched(s, &second), 0);
    store_schedule every2 = sched("fa", 1, STORE_REMIND_EVERY, 15, 5, T0 + 2 * HOUR_MS);
    every2.every_min = 120;
    assert_int_equal(put_sched(s, &every2), 0);
    list_sched(s, "fa", 1, got, &n);
    assert_int_equal(n, 5);
    assert_int_equal(got[0].message_id, 10);
    assert_int_equal(got[1].message_id, 14);
    assert_int_equal(got[2].kind, STORE_REMIND_EVERY);
    assert_int_equal(got[2].every_min, 120);
    assert_int_equal(got[2].due_ms, T0 + 2 * HOUR_MS);
    assert_string_equal(got[2].by, every2.by);
    /* another family's chat of the same id sees none of them */
    list_sched(s, "fb", 1, got, &n);
    assert_int_equal(n, 0);
}

/* A per-chat schedule set by a later message stands (set_tz's rule): an
 * older one delivered again changes nothing and is stale, the same one
 * again changes nothing and is not stale; turned off (due 0) it is kept, and an older
 * message never turns it back on. */
static void test_schedule_stale_and_off(void **state) {
    store *s = *state;
    store_schedule a = sched("fa", 1, STORE_ALERT, 20, 5, T0 + 4 * HOUR_MS);
    a.every_min = 240;
    assert_int_equal(put_sched(s, &a), 0);
    store_schedule older = sched("fa", 1, STORE_ALERT, 19, 4, T0 + 2 * HOUR_MS);
    older.every_min = 120;
    assert_int_equal(put_sched(s, &older), 1);
    /* the same second, an earlier message of the chat: older too */
    store_schedule same_second = sched("fa", 1, STORE_ALERT, 18, 5, T0 + 2 * HOUR_MS);
    assert_int_equal(put_sched(s, &same_second), 1);
    store_schedule got = one_sched(s, "fa", 1, STORE_ALERT, 0);
    assert_int_equal(got.every_min, 240);
    assert_int_equal(got.due_ms, T0 + 4 * HOUR_MS);
    /* the same message again (delivered again after the tick moved it
     * on): changes nothing, and is not stale */
    a.due_ms = T0 + 5 * HOUR_MS;
    assert_int_equal(put_sched(s, &a), 0);
    assert_int_equal(one_sched(s, "fa", 1, STORE_ALERT, 0).due_ms, T0 + 4 * HOUR_MS);
    /* "alert off": kept, not due */
    store_schedule off = sched("fa", 1, STORE_ALERT, 21, 6, 0);
    assert_int_equal(put_sched(s, &off), 0);
    got = one_sched(s, "fa", 1, STORE_ALERT, 0);
    assert_int_equal(got.due_ms, 0);
    assert_string_equal(got.by, off.by);
    char text[256];
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "");
    /* the message that turned it on, delivered again: stays off */
    assert_int_equal(put_sched(s, &a), 1);
    assert_int_equal(one_sched(s, "fa", 1, STORE_ALERT, 0).due_ms, 0);
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "");
    /* a newer one turns it on again */
    store_schedule on = sched("fa", 1, STORE_ALERT, 22, 7, T0 + 3 * HOUR_MS);
    assert_int_equal(put_sched(s, &on), 0);
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/1/3:0@180");
}

/* "stop reminders" stops the chat's reminders of both kinds set before
 * it (not a later one, not alerts or summaries, not another chat's),
 * counts those that were due, and delivered again does nothing more and
 * answers the same; an older "remind every" delivered again after it
 * does not start again. */
static void test_stop_reminders(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX], text[512];
    store_schedule r1 = sched("fa", 1, STORE_REMIND_ONCE, 10, 10, T0 + HOUR_MS);
    store_schedule r2 = sched("fa", 1, STORE_REMIND_ONCE, 11, 11, T0 + 2 * HOUR_MS);
    store_schedule said = sched("fa", 1, STORE_REMIND_ONCE, 12, 12, 0);
    store_schedule every = sched("fa", 1, STORE_REMIND_EVERY, 13, 13, T0 + 3 * HOUR_MS);
    every.every_min = 180;
    store_schedule alert = sched("fa", 1, STORE_ALERT, 14, 14, T0 + 4 * HOUR_MS);
    store_schedule summary = sched("fa", 1, STORE_SUMMARY, 15, 15, T0 + 5 * HOUR_MS);
    store_schedule other_chat = sched("fa", 2, STORE_REMIND_ONCE, 10, 16, T0 + 6 * HOUR_MS);
    store_schedule later = sched("fa", 1, STORE_REMIND_ONCE, 30, 30, T0 + 7 * HOUR_MS);
    const store_schedule *all[] = {&r1, &r2, &said, &every, &alert, &summary, &other_chat,
                                   &later};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_int_equal(put_sched(s, all[i]), 0);
    char stop[STORE_STAMP_MAX];
    store_stamp(T0 + 20 * 1000LL, 1, 20, stop);
    for (int again = 0; again < 2; again++) {
        int stopped = -1;
        assert_int_equal(s->ops->stop_reminders(s, "fa", 1, stop, &stopped, err), STORE_OK);
        assert_int_equal(stopped, 3);
        due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
        assert_string_equal(text, "fa/1/3:0@240,fa/1/4:0@300,fa/2/1:10@360,fa/1/1:30@420");
    }
    const int64_t stopped_ones[] = {10, 11, 12};
    for (size_t i = 0; i < 3; i++) {
        store_schedule got = one_sched(s, "fa", 1, STORE_REMIND_ONCE, stopped_ones[i]);
        assert_int_equal(got.due_ms, 0);
        assert_string_equal(got.by, stop);
    }
    assert_string_equal(one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0).by, stop);
    assert_string_equal(one_sched(s, "fa", 1, STORE_REMIND_ONCE, 30).by, later.by);
    assert_string_equal(one_sched(s, "fa", 1, STORE_ALERT, 0).by, alert.by);
    /* "remind every" delivered again after the stop: stale, stays off */
    assert_int_equal(put_sched(s, &every), 1);
    assert_int_equal(one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0).due_ms, 0);
    /* a stop in a chat with nothing due: none */
    int stopped = -1;
    store_stamp(T0 + 21 * 1000LL, 3, 1, stop);
    assert_int_equal(s->ops->stop_reminders(s, "fa", 3, stop, &stopped, err), STORE_OK);
    assert_int_equal(stopped, 0);
    /* ...leaves its mark: reminders of messages before the stop, handled
     * after it, stay stopped (stale); one of a later message is set */
    store_schedule late_every = sched("fa", 3, STORE_REMIND_EVERY, 0, 19, T0 + HOUR_MS);
    late_every.every_min = 60;
    assert_int_equal(put_sched(s, &late_every), 1);
    store_schedule late_once = sched("fa", 3, STORE_REMIND_ONCE, 0, 20, T0 + HOUR_MS);
    assert_int_equal(put_sched(s, &late_once), 1);
    store_schedule after = sched("fa", 3, STORE_REMIND_ONCE, 2, 22, T0 + HOUR_MS);
    assert_int_equal(put_sched(s, &after), 0);
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/3/1:2@60,fa/1/3:0@240,fa/1/4:0@300,fa/2/1:10@360,"
                              "fa/1/1:30@420");
    /* ...and that message again is its redelivery, not stale */
    assert_int_equal(put_sched(s, &after), 0);
}

/* One chat's schedules, or all of the family's chats' (0), by kind then
 * message id, a one-off reminder said or stopped last (c, message 5: it
 * never crowds out what is set); at most max. */
static void test_list_schedules(void **state) {
    store *s = *state;
    char err[STORE_ERR_MAX];
    store_schedule a = sched("fa", 1, STORE_SUMMARY, 1, 1, T0);
    store_schedule b = sched("fa", -100, STORE_REMIND_ONCE, 7, 2, T0);
    store_schedule c = sched("fa", 1, STORE_REMIND_ONCE, 5, 3, 0);
    store_schedule d = sched("fa", -100, STORE_ALERT, 2, 4, T0);
    store_schedule e = sched("fb", 1, STORE_ALERT, 3, 5, T0);
    const store_schedule *all[] = {&a, &b, &c, &d, &e};
    for (size_t i = 0; i < 5; i++) assert_int_equal(put_sched(s, all[i]), 0);
    store_schedule got[STORE_SCHEDULES_MAX];
    size_t n;
    list_sched(s, "fa", 1, got, &n);
    assert_int_equal(n, 2);
    assert_int_equal(got[0].kind, STORE_SUMMARY);
    assert_int_equal(got[1].message_id, 5);
    list_sched(s, "fa", -100, got, &n);
    assert_int_equal(n, 2);
    assert_int_equal(got[0].message_id, 7);
    assert_int_equal(got[1].kind, STORE_ALERT);
    list_sched(s, "fa", 0, got, &n);
    assert_int_equal(n, 4);
    assert_int_equal(got[0].message_id, 7);
    assert_int_equal(got[1].kind, STORE_ALERT);
    assert_int_equal(got[1].chat_id, -100);
    assert_int_equal(got[2].kind, STORE_SUMMARY);
    assert_int_equal(got[3].message_id, 5);
    assert_int_equal(s->ops->list_schedules(s, "fa", 0, got, 3, &n, err), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(got[2].kind, STORE_SUMMARY);
    list_sched(s, "fb", 0, got, &n);
    assert_int_equal(n, 1);
    list_sched(s, "fc", 0, got, &n);
    assert_int_equal(n, 0);
}

/* A tick reads every family's due schedules, soonest first, at most max:
 * due at now counts, later ones and ones not due do not. */
static void test_due_schedules(void **state) {
    store *s = *state;
    char text[512];
    store_schedule a = sched("fa", 1, STORE_REMIND_ONCE, 1, 1, T0 + 30 * 60000);
    store_schedule b = sched("fb", 2, STORE_ALERT, 2, 2, T0 + 10 * 60000);
    store_schedule c = sched("fa", 3, STORE_SUMMARY, 3, 3, T0 + 20 * 60000);
    store_schedule d = sched("fb", 2, STORE_REMIND_EVERY, 4, 4, T0 + 90 * 60000);
    store_schedule e = sched("fa", 1, STORE_ALERT, 5, 5, 0);
    const store_schedule *all[] = {&a, &b, &c, &d, &e};
    for (size_t i = 0; i < 5; i++) assert_int_equal(put_sched(s, all[i]), 0);
    due_text(s, T0, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "");
    due_text(s, T0 + 30 * 60000, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fb/2/3:0@10,fa/3/4:0@20,fa/1/1:1@30");
    due_text(s, T0 + 30 * 60000, 2, text, sizeof text);
    assert_string_equal(text, "fb/2/3:0@10,fa/3/4:0@20");
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fb/2/3:0@10,fa/3/4:0@20,fa/1/1:1@30,fb/2/2:0@90");
    store_schedule got[STORE_DUE_MAX];
    size_t n;
    char err[STORE_ERR_MAX];
    assert_int_equal(s->ops->due_schedules(s, T0 + 15 * 60000, got, STORE_DUE_MAX, &n, err),
                     STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(got[0].by, b.by);
    assert_int_equal(got[0].set_ms, b.set_ms);
}

/* A tick claims a due schedule once: the same old due time again (an
 * overlapping tick) loses, the same attempt again (a retry after a lost
 * answer) wins again and changes nothing; giving it back makes it due
 * again; a claim of a schedule set anew meanwhile loses; a said one-off
 * is due no more. */
static void test_claim_schedule(void **state) {
    store *s = *state;
    char text[256];
    const int64_t due = T0 + HOUR_MS, next = T0 + 4 * HOUR_MS;
    store_schedule every = sched("fa", 1, STORE_REMIND_EVERY, 1, 1, due);
    every.every_min = 180;
    assert_int_equal(put_sched(s, &every), 0);
    store_schedule seen = one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0);
    assert_int_equal(claim_sched(s, &seen, next, due, "tick-1"), 1);
    store_schedule got = one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0);
    assert_int_equal(got.due_ms, next);
    assert_int_equal(got.last_ms, due);
    assert_int_equal(got.every_min, 180);
    assert_string_equal(got.by, every.by);
    assert_int_equal(claim_sched(s, &seen, next, due, "tick-2"), 0);
    assert_int_equal(claim_sched(s, &seen, next, due, "tick-1"), 1);
    assert_int_equal(claim_sched(s, &seen, next + 1, due, "tick-1"), 0);
    assert_int_equal(one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0).due_ms, next);
    due_text(s, due, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "");
    /* the send failed: given back, due again at its old time */
    assert_int_equal(claim_sched(s, &got, due, seen.last_ms, "tick-1"), 1);
    due_text(s, due, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/1/2:0@60");
    got = one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0);
    assert_int_equal(got.last_ms, 0);
    /* the next tick takes it */
    assert_int_equal(claim_sched(s, &got, next, due, "tick-3"), 1);
    assert_int_equal(claim_sched(s, &seen, next, due, "tick-1"), 0);
    /* set anew by a later message, due at the very same time: a claim
     * of what the tick saw before loses */
    got = one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0);
    store_schedule anew = sched("fa", 1, STORE_REMIND_EVERY, 2, 2, next);
    anew.every_min = 60;
    assert_int_equal(put_sched(s, &anew), 0);
    assert_int_equal(claim_sched(s, &got, next + 3 * HOUR_MS, next, "tick-4"), 0);
    assert_int_equal(one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0).every_min, 60);
    store_schedule fresh = one_sched(s, "fa", 1, STORE_REMIND_EVERY, 0);
    assert_int_equal(claim_sched(s, &fresh, next + HOUR_MS, next, "tick-5"), 1);

    /* a one-off: said once, due no more, kept until forgotten */
    store_schedule once = sched("fa", 1, STORE_REMIND_ONCE, 3, 3, due);
    assert_int_equal(put_sched(s, &once), 0);
    assert_int_equal(claim_sched(s, &once, 0, due, "tick-6"), 1);
    assert_int_equal(claim_sched(s, &once, 0, due, "tick-7"), 0);
    assert_int_equal(claim_sched(s, &once, 0, due, "tick-6"), 1);
    got = one_sched(s, "fa", 1, STORE_REMIND_ONCE, 3);
    assert_int_equal(got.due_ms, 0);
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/1/2:0@300");
    /* its send failed: given back from "not due" */
    assert_int_equal(claim_sched(s, &got, due, 0, "tick-6"), 1);
    due_text(s, T0 + 100 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/1/1:3@60,fa/1/2:0@300");
    /* a claim of a schedule that is not there: lost, no error */
    store_schedule none = sched("fa", 9, STORE_ALERT, 1, 1, due);
    assert_int_equal(claim_sched(s, &none, next, due, "tick-8"), 0);
}

static int move_sched(store *s, const char *family, int64_t from, int64_t to) {
    char err[STORE_ERR_MAX];
    int moved = -1;
    assert_int_equal(s->ops->move_schedules(s, family, from, to, &moved, err), STORE_OK);
    return moved;
}

/* A group upgraded to a supergroup (new id): its schedules go on in the
 * new chat as they were -- due times, a tick's claim, what set them --
 * except one the new chat set of its own, which stands. Another chat's
 * and another family's stay. Moving again moves nothing. */
static void test_move_schedules(void **state) {
    store *s = *state;
    char text[512];
    const int64_t group = -4001, supergroup = -1001234567890LL;
    store_schedule once = sched("fa", group, STORE_REMIND_ONCE, 10, 0, T0 + 3 * HOUR_MS);
    store_schedule every = sched("fa", group, STORE_REMIND_EVERY, 11, 1, T0 + 2 * HOUR_MS);
    every.every_min = 120;
    store_schedule alert = sched("fa", group, STORE_ALERT, 12, 2, T0 + 4 * HOUR_MS);
    alert.every_min = 240;
    alert.last_ms = T0 - HOUR_MS;
    store_schedule summary = sched("fa", group, STORE_SUMMARY, 13, 3, T0 + 12 * HOUR_MS);
    summary.hour = 20;
    /* the supergroup's own summary, set after the upgrade */
    store_schedule own = sched("fa", supergroup, STORE_SUMMARY, 2, 60, T0 + 13 * HOUR_MS);
    own.hour = 21;
    store_schedule elsewhere = sched("fa", 7, STORE_ALERT, 14, 4, T0 + 5 * HOUR_MS);
    store_schedule other_family = sched("fb", group, STORE_ALERT, 15, 5, T0 + 6 * HOUR_MS);
    const store_schedule *all[] = {&once, &every, &alert, &summary, &own, &elsewhere,
                                   &other_family};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_int_equal(put_sched(s, all[i]), 0);
    /* a tick took the repeating reminder just before */
    assert_int_equal(claim_sched(s, &every, T0 + 4 * HOUR_MS, T0 + 2 * HOUR_MS, "tick-1"), 1);

    assert_int_equal(move_sched(s, "fa", group, supergroup), 3);
    store_schedule got[STORE_SCHEDULES_MAX];
    size_t n;
    list_sched(s, "fa", group, got, &n);
    assert_int_equal(n, 0);
    list_sched(s, "fa", supergroup, got, &n);
    assert_int_equal(n, 4);
    store_schedule moved = one_sched(s, "fa", supergroup, STORE_REMIND_ONCE, 10);
    assert_int_equal(moved.due_ms, once.due_ms);
    assert_int_equal(moved.set_ms, once.set_ms);
    assert_string_equal(moved.by, once.by);
    moved = one_sched(s, "fa", supergroup, STORE_REMIND_EVERY, 0);
    assert_int_equal(moved.due_ms, T0 + 4 * HOUR_MS);
    assert_int_equal(moved.last_ms, T0 + 2 * HOUR_MS);
    assert_int_equal(moved.every_min, 120);
    assert_string_equal(moved.by, every.by);
    moved = one_sched(s, "fa", supergroup, STORE_ALERT, 0);
    assert_int_equal(moved.every_min, 240);
    assert_int_equal(moved.last_ms, alert.last_ms);
    moved = one_sched(s, "fa", supergroup, STORE_SUMMARY, 0);
    assert_int_equal(moved.hour, 21); /* its own stands */
    assert_string_equal(moved.by, own.by);
    /* the tick's claim came along: the same attempt retried in the new
     * chat finds its own name, another's loses */
    store_schedule claimed = every;
    claimed.chat_id = supergroup;
    assert_int_equal(claim_sched(s, &claimed, T0 + 4 * HOUR_MS, T0 + 2 * HOUR_MS, "tick-1"), 1);
    assert_int_equal(claim_sched(s, &claimed, T0 + 4 * HOUR_MS, T0 + 2 * HOUR_MS, "tick-2"), 0);
    due_text(s, T0 + 24 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/-1001234567890/1:10@180,fa/-1001234567890/2:0@240,"
                              "fa/-1001234567890/3:0@240,fa/7/3:0@300,fb/-4001/3:0@360,"
                              "fa/-1001234567890/4:0@780");

    /* again (the service message in the new chat, or delivered again):
     * nothing more */
    assert_int_equal(move_sched(s, "fa", group, supergroup), 0);
    due_text(s, T0 + 24 * HOUR_MS, STORE_DUE_MAX, text, sizeof text);
    assert_string_equal(text, "fa/-1001234567890/1:10@180,fa/-1001234567890/2:0@240,"
                              "fa/-1001234567890/3:0@240,fa/7/3:0@300,fb/-4001/3:0@360,"
                              "fa/-1001234567890/4:0@780");
    assert_int_equal(move_sched(s, "fa", 99, 98), 0);
    assert_int_equal(move_sched(s, "fa", supergroup, supergroup), 0);
    list_sched(s, "fa", supergroup, got, &n);
    assert_int_equal(n, 4);
}

int store_conformance_run(const store_backend *b) {
    backend = b;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_store, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_fields_round_trip, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_list_in_time_order, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_range_is_half_open, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_redelivery_records_nothing, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_redelivery_after_undo, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_walks_entry_order, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_ignores_clock, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_is_once_per_message, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_amend_changes_newest_entry, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_amend_expecting_an_amount, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_put_back, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_refused_amend_redelivered, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_put_back_after_edit, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_remove_by_key, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_replace_message, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_edits_out_of_order, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_remove_old_reply_with_instant, open_store,
                                        close_store),
        cmocka_unit_test_setup_teardown(test_button_after_edit_moved_it, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_button_line_far_from_its_message, open_store,
                                        close_store),
        cmocka_unit_test_setup_teardown(test_message_after_its_edit, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_press_that_found_nothing, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_redelivered_after_edit, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_of_nothing_redelivered_after_edit, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_redelivered_much_later, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_remove_press_redelivered_after_edit, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_families_are_separate, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_family_settings, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_family_log_spans_chats, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_undo_is_per_sender, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_amend_is_per_sender, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_next_message_id, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_latest_before, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_many_feedings, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_nursing_round_trip, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_mixed_day, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_amend_nursing, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_family_units, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_schedule_each_kind, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_schedule_stale_and_off, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_stop_reminders, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_list_schedules, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_due_schedules, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_claim_schedule, open_store, close_store),
        cmocka_unit_test_setup_teardown(test_move_schedules, open_store, close_store),
    };
    return _cmocka_run_group_tests(b->name, tests, sizeof tests / sizeof tests[0],
                                   NULL, NULL);
}
