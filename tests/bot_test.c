/* bot_test.c -- bot core behaviour that transcripts cannot show well: reply
 * size limits, message size limits, and what happens when the store fails. */
#include "bot/bot.h"
#include "bot/reply.h"
#include "forwarding_store.h"
#include "store/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NOW 1795867200000LL /* 2026-11-28T12:00:00Z */

/* What the failing store says: a message for a person, as store.h asks. */
#define STORE_FAILURE "store: disk I/O error"

/* The SQLite store behind a forwarding store that fails operation
 * `fail_op` (when `failing` is set) as a broken connection would. */
typedef struct {
    forwarding_store *fs;
    bot *bot;
    int64_t next_id;
    int failing;
    forward_op fail_op;
} fixture;

static int fail_chosen(forwarding_store *f, forward_op op, const char *family,
                       char *err) {
    const fixture *fx = f->ctx;
    (void)family;
    if (!fx->failing || op != fx->fail_op) return STORE_OK;
    snprintf(err, STORE_ERR_MAX, "%s", STORE_FAILURE);
    return STORE_ERROR;
}

static int setup(void **state) {
    char err[512];
    fixture *fx = calloc(1, sizeof *fx);
    *state = fx;
    fx->fs = forwarding_store_new(store_open("sqlite::memory:", err, sizeof err),
                                  fail_chosen, fx);
    if (fx->fs == NULL) return -1;
    fx->bot = bot_new(&fx->fs->base, "Europe/London", err, sizeof err);
    return fx->bot ? 0 : -1;
}

static int teardown(void **state) {
    fixture *fx = *state;
    bot_free(fx->bot);
    if (fx->fs) store_close(&fx->fs->base);
    free(fx);
    return 0;
}

static int say(fixture *fx, const char *text, bot_result *r) {
    bot_message m = {.family = "f1", .chat_id = 1, .message_id = ++fx->next_id,
                     .from_id = 1, .who = "Alex",
                     .text = text, .len = strlen(text), .now_ms = NOW,
                     .entered_ms = NOW};
    return bot_handle(fx->bot, &m, r);
}

static int count_feeds(fixture *fx) {
    store_list list = {0};
    char err[STORE_ERR_MAX];
    store *real = fx->fs->real;
    assert_int_equal(real->ops->list_range(real, "f1", 0, INT64_MAX / 2, &list, err),
                     STORE_OK);
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
    static const struct { forward_op op; const char *message; } cases[] = {
        {FORWARD_ADD_MESSAGE, "90ml"}, {FORWARD_GET_SETTINGS, "90ml"},
        {FORWARD_LIST_RANGE, "total"}, {FORWARD_LATEST_BEFORE, "last"},
        {FORWARD_UNDO_LAST, "undo"}, {FORWARD_SET_TZ, "tz Asia/Tokyo"},
        {FORWARD_LIST_RANGE, "week"},
        /* the record is written, but its running total cannot be read: the
         * redelivery Telegram then makes records nothing twice */
        {FORWARD_LIST_RANGE, "60ml"},
    };
    fx->failing = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fx->fail_op = cases[i].op;
        assert_int_equal(say(fx, cases[i].message, &r), BOT_STORE_FAILED);
        /* the store's own message and nothing more: no part of the bot's
         * state (the message, the operation, the chat) reaches the user */
        assert_string_equal(r.reply.text,
                            "\xE2\x9A\xA0\xEF\xB8\x8F Couldn't reach the feeding log ("
                            STORE_FAILURE "). Nothing was changed; please send "
                            "that again.");
    }
    fx->failing = 0;
    /* 120ml, and the 60ml whose reply failed: nothing else */
    assert_int_equal(count_feeds(fx), 2);
    bot_message again = {.family = "f1", .chat_id = 1, .message_id = fx->next_id,
                         .from_id = 1, .who = "Alex",
                         .text = "60ml", .len = 4, .now_ms = NOW, .entered_ms = NOW};
    assert_int_equal(bot_handle(fx->bot, &again, &r), BOT_OK);
    assert_int_equal(r.recorded, 0);
    assert_int_equal(count_feeds(fx), 2);
}

/* The Undo button removes exactly its feeding, once: the same press
 * delivered again answers as the first time, another press finds it gone. */
static void test_undo_button(void **state) {
    fixture *fx = *state;
    bot_result r;
    assert_int_equal(say(fx, "8am 100ml", &r), BOT_OK);
    int64_t message = r.first_message_id;
    int line = r.first_line;
    assert_int_equal(say(fx, "9am 50ml", &r), BOT_OK);
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, 1, 0, "press-1", NOW, &r), BOT_OK);
    assert_non_null(strstr(r.reply.text, "Removed 100 ml milk at 08:00"));
    assert_non_null(strstr(r.reply.text, "Today: 50 ml in 1 feed"));
    char first[sizeof r.reply.text];
    snprintf(first, sizeof first, "%s", r.reply.text);
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, 1, 0, "press-1", NOW, &r), BOT_OK);
    assert_string_equal(r.reply.text, first);
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, 1, 0, "press-2", NOW, &r), BOT_OK);
    assert_string_equal(r.reply.text, "That feeding was already removed.");
    assert_int_equal(count_feeds(fx), 1);
}

/* Twins: the Undo button under a "both" reply removes the line's feeding
 * for each baby, once; the same press again answers alike. And a line past
 * the 999th is not read: a twin's key (line + 1000) never meets a real
 * line's. */
static void test_twins_undo_button(void **state) {
    fixture *fx = *state;
    bot_result r;
    assert_int_equal(say(fx, "babies Mia Leo", &r), BOT_OK);
    assert_int_equal(say(fx, "8am 100ml Mia", &r), BOT_OK);
    assert_int_equal(say(fx, "both 60ml each at 9am", &r), BOT_OK);
    assert_int_equal(r.recorded, 2);
    assert_int_equal(r.first_babies, 2);
    int64_t message = r.first_message_id;
    int line = r.first_line;
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, r.first_babies, 0,
                                      "press-b", NOW, &r),
                     BOT_OK);
    assert_string_equal(r.reply.text, "\xE2\x86\xA9\xEF\xB8\x8F Removed 60 ml milk for Mia "
                                      "and 60 ml milk for Leo at 09:00 today (entered by "
                                      "Alex). Today: 100 ml in 1 feed (Mia 100 ml \xC2\xB7 "
                                      "Leo 0 ml).");
    char first[sizeof r.reply.text];
    snprintf(first, sizeof first, "%s", r.reply.text);
    assert_int_equal(count_feeds(fx), 1);
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, 2, 0, "press-b", NOW,
                                      &r),
                     BOT_OK);
    assert_string_equal(r.reply.text, first);
    assert_int_equal(bot_undo_feeding(fx->bot, "f1", 1, message, line, 2, 0, "press-c", NOW,
                                      &r),
                     BOT_OK);
    assert_string_equal(r.reply.text, "That feeding was already removed.");

    char text[2048] = "both 10ml each\n";
    for (int i = 0; i < 1000; i++) strcat(text, "\n");
    strcat(text, "90ml Leo");
    assert_int_equal(say(fx, text, &r), BOT_OK);
    assert_int_equal(r.recorded, 2);
    assert_non_null(strstr(r.reply.text, "Lines from 1002 on not read"));
    assert_int_equal(count_feeds(fx), 3);
}

/* In a group, what is the people's talk and what is for the bot (the
 * rule docs/phrases.md, "In a group", states): every case there, and the
 * ones that would change the log if taken for the bot. */
static void test_group_talk(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int talk;
    } cases[] = {
        /* for the bot: feedings with their unit, plain questions */
        {"120ml", 0}, {"gave him 4oz at 3", 0}, {"she took 100 ml \xF0\x9F\x8D\xBC", 0},
        {"120ml 90ml", 0}, {"120ml\n90ml at 3", 0}, {"total?", 0},
        {"how much yesterday", 0}, {"last", 0}, {"week", 0}, {"last 24 hours", 0},
        {"help", 0}, {"tz", 0}, {"1 oz", 0},
        /* talk: other words around an amount */
        {"don't give him more than 120ml", 1}, {"120ml for each", 1}, {"each bottle 120ml", 1},
        {"just for 120ml", 1}, {"both had 120ml", 1}, {"the bottle holds 260ml", 1},
        {"he usually takes 120ml", 1}, {"I drank 500ml of water", 1},
        {"@Tom can you give him 120ml", 1},
        /* talk: numbers without a unit, days, command words among words */
        {"120", 1}, {"7pm 90 formula", 1}, {"5", 1}, {"yes\n10", 1},
        {"yesterday", 1}, {"yesterday was rough", 1}, {"last week was tough", 1},
        {"total chaos today", 1}, {"can someone help me with the stroller?", 1},
        {"he slept 2 hours", 1}, {"5 min", 1},
        /* talk: what would change the log (undo, corrections, the zone) */
        {"undo", 1}, {"oops", 1}, {"Oops, I dropped the phone", 1},
        {"make that 110", 1}, {"make it 150ml for Tom", 1}, {"actually he wants 90ml", 1},
        {"tz Europe/London", 1}, {"time zone of grandma is different", 1},
        /* talk: greetings, the not understood, the empty, mixed messages */
        {"good night \xF0\x9F\x98\xB4", 1}, {"thanks", 1}, {"is he asleep yet?", 1},
        {"lol", 1}, {"", 1}, {"120ml\nhe was fussy", 1},
        /* #16: nursing sessions are for the bot; sides in talk are not */
        {"nursed 15 min left", 0}, {"L10 R5", 0}, {"left 12 right 8", 0}, {"bf 20 min", 0},
        {"which side next?", 0}, {"units", 0},
        {"she left 10 min ago", 1}, {"right", 1}, {"left", 1}, {"turn left at 5", 1},
        {"units oz", 1}, {"right after her nap she nursed 10 min", 1},
        /* #17: the words of reminders and alerts in the family's talk */
        {"next time I'll remind him", 1}, {"set an alert on my phone", 1},
        {"remind me to call the doctor", 1}, {"I need a summary of the day", 1},
        {"the next one is mine", 1}, {"120ml for the summary", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int talk = bot_is_chatter(cases[i].text, strlen(cases[i].text));
        if (talk != cases[i].talk)
            fail_msg("\"%s\": %s, expected %s", cases[i].text, talk ? "talk" : "for the bot",
                     cases[i].talk ? "talk" : "for the bot");
    }
    assert_int_equal(bot_is_unknown_command("/roll 2d6", 9), 1);
    assert_int_equal(bot_is_unknown_command("/total", 6), 0);
    assert_int_equal(bot_is_unknown_command("total", 5), 0);
}

/* The family's units (#16): US fluid ounces (29.5735 ml) to one decimal,
 * rounded half up in integers; and how a session reads. */
static void test_units_and_sessions(void **state) {
    (void)state;
    static const struct {
        int ml;
        const char *oz;
    } amounts[] = {{120, "4.1 oz"}, {118, "4.0 oz"}, {90, "3.0 oz"}, {1000, "33.8 oz"},
                   {1, "<0.1 oz"}, {2, "0.1 oz"}, {0, "0.0 oz"},
                   /* 1.45 oz is 42.88 ml: 42 ml (1.420 oz) is 1.4, 43 ml (1.454) 1.5 */
                   {42, "1.4 oz"}, {43, "1.5 oz"}};
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
        reply_text r;
        reply_clear(&r);
        r.oz = 1;
        reply_add_amount(&r, amounts[i].ml);
        if (strcmp(r.text, amounts[i].oz) != 0)
            fail_msg("%d ml: \"%s\", expected \"%s\"", amounts[i].ml, r.text, amounts[i].oz);
    }
    static const struct {
        const char *sides;
        int left, right, minutes;
        const char *says;
    } sessions[] = {
        {"L", 15, 0, 15, "nursing, left 15 min"},
        {"RL", 10, 15, 25, "nursing, right 15 min then left 10 min"},
        {"LR", 12, 0, 12, "nursing, left 12 min then right"},
        {"LR", 0, 0, 20, "nursing, left then right, 20 min"},
        {"B", 10, 10, 20, "nursing, 10 min each side"},
        {"B", 0, 0, 20, "nursing, both sides, 20 min"},
        {"", 0, 0, 20, "nursing, 20 min"},
        {"", 0, 0, 0, "nursing"},
        {"R", 0, 0, 0, "nursing, right"},
        {"LRL", 15, 5, 20, "nursing, left then right then left (left 15 min, right 5 min)"},
    };
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++) {
        reply_text r;
        reply_clear(&r);
        reply_add_session(&r, sessions[i].sides, sessions[i].left, sessions[i].right,
                          sessions[i].minutes);
        if (strcmp(r.text, sessions[i].says) != 0)
            fail_msg("\"%s\": \"%s\", expected \"%s\"", sessions[i].sides, r.text,
                     sessions[i].says);
    }
}

/* What a tick said (and in which chat), and how `say` should answer
 * next; chat `gone` answers as Telegram does for a group that became a
 * supergroup: refused, with its new id `gone_to`. */
typedef struct {
    int said, answer;
    char last[BOT_REPLY_MAX];
    int64_t last_chat, gone, gone_to;
} sayer;

static int record_say(void *ctx, const store_schedule *sc, const char *text,
                      int64_t *moved_to, char *err, size_t errlen) {
    sayer *s = ctx;
    if (s->gone && sc->chat_id == s->gone) {
        snprintf(err, errlen, "sendMessage: Bad Request: group chat was upgraded to a "
                 "supergroup chat");
        *moved_to = s->gone_to;
        return 1;
    }
    s->last_chat = sc->chat_id;
    if (s->answer != 0) {
        snprintf(err, errlen, "sendMessage: Bad Gateway");
        return s->answer;
    }
    s->said++;
    snprintf(s->last, sizeof s->last, "%s", text);
    return 0;
}

/* #17: a tick whose store fails, or whose message cannot be sent, leaves
 * the reminder due: the next tick says it, once. One that can never be
 * sent (the chat is gone) is not tried again. */
static void test_tick_failures(void **state) {
    fixture *fx = *state;
    bot_result r;
    sayer s = {0};
    bot_tick_result t;
    const int64_t due = NOW + 3 * 3600 * 1000LL;
    assert_int_equal(say(fx, "90ml", &r), BOT_OK);
    assert_int_equal(say(fx, "remind me in 3h", &r), BOT_OK);
    assert_string_equal(r.reply.text, "\xE2\x8F\xB0 I'll remind this chat at 15:00 "
                                      "(in 3h), with the last feed.");
    assert_int_equal(bot_tick(fx->bot, due - 60000, "t1", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.due + s.said, 0); /* not yet */

    static const forward_op failing[] = {FORWARD_DUE_SCHEDULES, FORWARD_GET_SETTINGS,
                                         FORWARD_LATEST_BEFORE, FORWARD_CLAIM_SCHEDULE};
    fx->failing = 1;
    for (size_t i = 0; i < sizeof failing / sizeof failing[0]; i++) {
        fx->fail_op = failing[i];
        assert_int_equal(bot_tick(fx->bot, due, "t2", NULL, 0, record_say, &s, &t),
                         BOT_STORE_FAILED);
        assert_int_equal(s.said, 0);
    }
    fx->failing = 0;
    s.answer = -1; /* the Bot API fails: given back */
    assert_int_equal(bot_tick(fx->bot, due, "t3", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.failed, 1);
    assert_int_equal(s.said, 0);
    s.answer = 0;
    assert_int_equal(bot_tick(fx->bot, due + 60000, "t4", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(s.said, 1);
    assert_string_equal(s.last, "\xE2\x8F\xB0 Reminder. Last feed: 90 ml milk at 12:00 "
                                "today (Alex), 3h 1m ago.");
    assert_int_equal(bot_tick(fx->bot, due + 120000, "t5", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.due + s.said, 1); /* said once */

    /* a chat that blocked the bot: dropped, not tried again */
    assert_int_equal(say(fx, "remind me in 1 min", &r), BOT_OK);
    s.answer = 1;
    assert_int_equal(bot_tick(fx->bot, NOW + 60000, "t6", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.refused, 1);
    s.answer = 0;
    assert_int_equal(bot_tick(fx->bot, NOW + 120000, "t7", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.due, 0);
    assert_int_equal(s.said, 1);
}

/* A group that became a supergroup before anyone's message told the bot:
 * Telegram refuses the old id and names the new one, and the tick moves
 * the chat's schedules there and says it there; later ticks say them
 * there, and the old chat has none. A store that cannot move them leaves
 * the reminder due where it was, for the next tick. */
static void test_tick_moved_chat(void **state) {
    fixture *fx = *state;
    bot_result r;
    sayer s = {.gone = 1, .gone_to = -1001234567890LL};
    bot_tick_result t;
    const int64_t due = NOW + 3 * 3600 * 1000LL;
    assert_int_equal(say(fx, "90ml", &r), BOT_OK);
    assert_int_equal(say(fx, "remind every 3h", &r), BOT_OK);
    assert_int_equal(say(fx, "alert 5h", &r), BOT_OK);

    fx->failing = 1;
    fx->fail_op = FORWARD_MOVE_SCHEDULES;
    assert_int_equal(bot_tick(fx->bot, due, "t1", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.failed, 1);
    assert_int_equal(t.chats_moved + s.said, 0);
    fx->failing = 0;

    assert_int_equal(bot_tick(fx->bot, due + 60000, "t2", NULL, 0, record_say, &s, &t),
                     BOT_OK);
    assert_int_equal(t.said, 1);
    assert_int_equal(t.chats_moved, 1);
    assert_int_equal(s.last_chat, s.gone_to);
    assert_string_equal(s.last, "\xE2\x8F\xB0 Reminder (every 3h). Last feed: 90 ml milk "
                                "at 12:00 today (Alex), 3h 1m ago.");
    store_schedule left[STORE_SCHEDULES_MAX];
    size_t n;
    char err[STORE_ERR_MAX];
    store *st = &fx->fs->base;
    assert_int_equal(st->ops->list_schedules(st, "f1", 1, left, STORE_SCHEDULES_MAX, &n, err),
                     STORE_OK);
    assert_int_equal(n, 0);
    assert_int_equal(st->ops->list_schedules(st, "f1", s.gone_to, left, STORE_SCHEDULES_MAX,
                                             &n, err),
                     STORE_OK);
    assert_int_equal(n, 2); /* the reminder and the alert */

    /* the alert, due two hours later, is said in the new chat at once */
    assert_int_equal(bot_tick(fx->bot, NOW + 5 * 3600 * 1000LL, "t3", NULL, 0, record_say,
                              &s, &t), BOT_OK);
    assert_int_equal(t.said, 1);
    assert_int_equal(t.chats_moved, 0);
    assert_int_equal(s.last_chat, s.gone_to);
    assert_true(strstr(s.last, "No feed recorded for 5h") != NULL);
    assert_int_equal(bot_tick(fx->bot, due + 3 * 3600 * 1000LL + 60000, "t4", NULL, 0,
                              record_say, &s, &t), BOT_OK);
    assert_int_equal(t.said, 1);
    assert_int_equal(s.said, 3);
}

/* Two of the chat's schedules due in the tick that finds its new id: both
 * said there in that tick (the second is taken under the new id). */
static void test_tick_moved_chat_two_due(void **state) {
    fixture *fx = *state;
    bot_result r;
    sayer s = {.gone = 1, .gone_to = -1001234567890LL};
    bot_tick_result t;
    assert_int_equal(say(fx, "90ml", &r), BOT_OK);
    assert_int_equal(say(fx, "remind me in 3h", &r), BOT_OK);
    assert_int_equal(say(fx, "alert 3h", &r), BOT_OK);
    assert_int_equal(bot_tick(fx->bot, NOW + 3 * 3600 * 1000LL + 60000, "t1", NULL, 0,
                              record_say, &s, &t), BOT_OK);
    assert_int_equal(t.chats_moved, 1);
    assert_int_equal(t.said, 2);
    assert_int_equal(t.lost + t.failed, 0);
    assert_int_equal(s.last_chat, s.gone_to);
}

/* The same, when the new chat has already set its own repeating reminder
 * (here: turned it off): that one stands, and the old chat's, due when
 * Telegram refused it, is not said in the new chat; the alert moves and
 * is said there. */
static void test_tick_moved_chat_has_its_own(void **state) {
    fixture *fx = *state;
    bot_result r;
    sayer s = {.gone = 1, .gone_to = -1001234567890LL};
    bot_tick_result t;
    const int64_t due = NOW + 3 * 3600 * 1000LL;
    assert_int_equal(say(fx, "90ml", &r), BOT_OK);
    assert_int_equal(say(fx, "remind every 3h", &r), BOT_OK);
    assert_int_equal(say(fx, "alert 5h", &r), BOT_OK);
    store_schedule own = {.family = "f1", .chat_id = s.gone_to, .kind = STORE_REMIND_EVERY,
                          .set_ms = NOW + 3600 * 1000LL};
    store_stamp(own.set_ms, own.chat_id, 2, own.by);
    int stale;
    char err[STORE_ERR_MAX];
    store *st = &fx->fs->base;
    assert_int_equal(st->ops->put_schedule(st, &own, &stale, err), STORE_OK);

    assert_int_equal(bot_tick(fx->bot, due, "t1", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(t.chats_moved, 1);
    assert_int_equal(t.said + s.said, 0);
    assert_int_equal(bot_tick(fx->bot, NOW + 5 * 3600 * 1000LL, "t2", NULL, 0, record_say,
                              &s, &t), BOT_OK);
    assert_int_equal(t.said, 1);
    assert_int_equal(s.last_chat, s.gone_to);
    assert_true(strstr(s.last, "No feed recorded for 5h") != NULL);
    assert_int_equal(bot_tick(fx->bot, due + 3 * 3600 * 1000LL, "t3", NULL, 0, record_say, &s,
                              &t), BOT_OK);
    assert_int_equal(t.said, 0); /* the alert looks again; no reminder */
    assert_int_equal(s.said, 1);
}

/* #17, found by review: a chat's said one-off reminders (kept a week) never
 * crowd what is set out of "reminders", and "alert" set again keeps the
 * gap it said. */
static void test_many_reminders(void **state) {
    fixture *fx = *state;
    bot_result r;
    sayer s = {0};
    bot_tick_result t;
    assert_int_equal(say(fx, "90ml", &r), BOT_OK);
    for (int i = 0; i < STORE_SCHEDULES_MAX + 3; i++)
        assert_int_equal(say(fx, "remind me in 1 min", &r), BOT_OK);
    assert_int_equal(bot_tick(fx->bot, NOW + 60000, "t1", NULL, 0, record_say, &s, &t), BOT_OK);
    assert_int_equal(s.said, STORE_SCHEDULES_MAX + 3);
    assert_int_equal(say(fx, "alert 4h", &r), BOT_OK);
    assert_int_equal(say(fx, "summary at 8pm", &r), BOT_OK);
    assert_int_equal(say(fx, "reminders", &r), BOT_OK);
    assert_string_equal(r.reply.text, "\xE2\x8F\xB0 Set in this chat:\n"
                                      "\xE2\x80\xA2 an alert after 4h without a feed\n"
                                      "\xE2\x80\xA2 the day's summary every day at 20:00");
    /* the gap is said at 16:00, once: set again, it is not said again */
    assert_int_equal(bot_tick(fx->bot, NOW + 4 * 3600000LL, "t2", NULL, 0, record_say, &s, &t),
                     BOT_OK);
    assert_int_equal(t.said, 1);
    assert_int_equal(say(fx, "alert off", &r), BOT_OK);
    assert_int_equal(say(fx, "alert 4h", &r), BOT_OK);
    assert_int_equal(bot_tick(fx->bot, NOW + 5 * 3600000LL, "t3", NULL, 0, record_say, &s, &t),
                     BOT_OK);
    assert_int_equal(t.said, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_talk),
        cmocka_unit_test(test_units_and_sessions),
        cmocka_unit_test_setup_teardown(test_long_total_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_moved_chat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_moved_chat_has_its_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_moved_chat_two_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_reminders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_button, setup, teardown),
        cmocka_unit_test_setup_teardown(test_twins_undo_button, setup, teardown),
    };
    return cmocka_run_group_tests_name("bot", tests, NULL, NULL);
}
