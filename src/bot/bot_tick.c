/* bot_tick.c -- the bot's own clock (#17): what is due, said once.
 *
 * A tick asks the store for every family's due schedules (one Query on
 * DynamoDB), and for each one works out what to say and when it is next
 * due, then claims it (a conditional update: only a schedule still as it
 * was found moves on) and only then says it. bot.h says why that is at most
 * once, and never twice, whatever ticks overlap or are retried.
 *
 * What each kind says, in the family's zone and units:
 *  - a reminder: the last feed and how long ago; a repeating one moves on
 *    by its period (past any ticks missed: one message, not a backlog);
 *  - the alert: nothing while the last feeding's gap has not reached the
 *    family's time (it moves to the end of that gap), else the gap, once:
 *    it remembers the feeding it alerted about and looks again later;
 *  - the summary: the day so far (at a time before 06:00, the whole day
 *    before), its average interval, and the 7 days before's average;
 *    next at the same local time tomorrow, whatever the clocks do in
 *    between. A summary more than SUMMARY_LATE_MS late (the clock was
 *    off) is not said: the next one is.
 *
 * A group upgraded to a supergroup has a new id, and Telegram refuses the
 * old one, naming the new: the chat's schedules move there (as the
 * upgrade's service message would have done, webhook.c) and what was
 * due is said there. */
#include "bot_internal.h"

#include <stdio.h>
#include <string.h>

#define MINUTE_MS 60000LL
#define SUMMARY_LATE_MS (60LL * 60 * 1000)
/* A summary before this local hour ("summary at midnight") is of the whole
 * day before: the new day has hardly begun. */
#define SUMMARY_NEW_DAY_HOUR 6
#define WEEK_DAYS 7

static int latest(bot_turn *t, store_feeding *f, int *found) {
    return t->bot->store->ops->latest_before(t->bot->store, t->msg->family,
                                             t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1,
                                             f, found, t->err);
}

static int say_reminder(bot_turn *t, const store_schedule *sc) {
    reply_text *r = &t->out->reply;
    store_feeding f;
    int found;
    if (latest(t, &f, &found) != STORE_OK) return -1;
    reply_add(r, "\xE2\x8F\xB0 Reminder");
    if (sc->kind == STORE_REMIND_EVERY) {
        reply_add(r, " (every ");
        reply_add_duration(r, sc->every_min);
        reply_add(r, ")");
    }
    if (found) {
        reply_add(r, ". Last feed: ");
        bot_add_last(t, &f, 1);
        reply_add(r, ".");
    } else {
        reply_add(r, ". No feed recorded yet.");
    }
    return 0;
}

/* The day's average interval between feeds ("one every 3h 10m"), when it
 * had two or more. */
static int add_interval(bot_turn *t, const bot_day *d) {
    int64_t at[64];
    int64_t to = d->to_ms < t->msg->now_ms + 1 ? d->to_ms : t->msg->now_ms + 1;
    int n = bot_feed_times(t, d->from_ms, to, at, 64);
    if (n < 0) return -1;
    if (n >= 2) {
        reply_add(&t->out->reply, ", one every ");
        reply_add_duration(&t->out->reply, (at[n - 1] - at[0]) / (n - 1) / MINUTE_MS);
        reply_add(&t->out->reply, " on average");
    }
    return 0;
}

static int say_summary(bot_turn *t, const store_schedule *sc) {
    reply_text *r = &t->out->reply;
    clock_local due;
    bot_local(t, sc->due_ms, &due);
    /* a summary in the small hours is of the day that just ended */
    int whole = due.hour < SUMMARY_NEW_DAY_HOUR;
    clock_date day = whole ? clock_date_add(due.date, -1) : due.date;
    bot_day d;
    if (bot_day_total(t, day, NULL, &d) != STORE_OK) return -1;
    reply_add(r, "\xF0\x9F\x93\x8A ");
    reply_add_day_heading(r, day, t->today);
    if (whole) {
        reply_add(r, " (");
        reply_add_date(r, day);
        reply_add(r, "): ");
    } else {
        reply_add(r, " so far (");
        reply_add_date(r, day);
        reply_add(r, ", %02d:%02d): ", due.hour, due.minute);
    }
    bot_add_day_total(t, &d);
    bot_add_split(t, d.baby_ml);
    if (add_interval(t, &d) != 0) return -1;
    reply_add(r, ".");

    /* the 7 whole days before: their average, over the days with feeds */
    int64_t from = clock_from_local(t->zone, clock_date_add(day, -WEEK_DAYS), 0, 0);
    store_list list = {0};
    if (t->bot->store->ops->list_amounts(t->bot->store, t->msg->family, from,
                                         d.from_ms, &list, t->err) != STORE_OK) {
        store_list_free(&list);
        return -1;
    }
    int ml[WEEK_DAYS] = {0}, feeds[WEEK_DAYS] = {0}, any[WEEK_DAYS] = {0};
    for (size_t i = 0; i < list.count; i++) {
        clock_local at;
        bot_local(t, list.items[i].at_ms, &at);
        int64_t k = clock_date_diff(at.date, day) - 1; /* 0: the day before */
        if (k < 0 || k >= WEEK_DAYS) continue;
        any[k] = 1;
        if (list.items[i].kind != PHRASE_NURSING) {
            ml[k] += list.items[i].amount_ml;
            feeds[k]++;
        }
    }
    store_list_free(&list);
    int days = 0, sum_ml = 0, sum_feeds = 0;
    for (int k = 0; k < WEEK_DAYS; k++) {
        days += any[k];
        sum_ml += ml[k];
        sum_feeds += feeds[k];
    }
    reply_newline(r);
    if (days == 0) {
        reply_add(r, "The 7 days before: nothing recorded to compare with.");
        return 0;
    }
    int avg = (sum_ml + days / 2) / days;
    reply_add(r, "The 7 days before: ");
    reply_add_amount(r, avg);
    reply_add(r, " in %d.%d feeds a day on average", sum_feeds / days,
              (sum_feeds * 10 / days) % 10);
    if (days < WEEK_DAYS) reply_add(r, " (%d of them with feeds)", days);
    reply_add(r, ". ");
    reply_add_day_heading(r, day, t->today);
    if (d.total_ml == avg) {
        reply_add(r, "%s: the same.", whole ? "" : " so far");
    } else {
        reply_add(r, "%s: ", whole ? "" : " so far");
        reply_add_amount(r, d.total_ml > avg ? d.total_ml - avg : avg - d.total_ml);
        reply_add(r, " %s.", d.total_ml > avg ? "more" : "less");
    }
    return 0;
}

/* What the schedule says now (t's reply; empty: nothing), its next due
 * time and the feeding an alert is about. Returns -1 when the store
 * failed. */
static int plan(bot_turn *t, const store_schedule *sc, int64_t now_ms,
                int64_t *next, int64_t *last) {
    *next = 0;
    *last = sc->last_ms;
    switch (sc->kind) {
    case STORE_REMIND_ONCE:
        return say_reminder(t, sc);
    case STORE_REMIND_EVERY: {
        int64_t every = (int64_t)(sc->every_min > 0 ? sc->every_min : 60) * MINUTE_MS;
        *next = sc->due_ms + every;
        if (*next <= now_ms) *next += ((now_ms - *next) / every + 1) * every;
        return say_reminder(t, sc);
    }
    case STORE_ALERT: {
        store_feeding f;
        int found;
        if (latest(t, &f, &found) != STORE_OK) return -1;
        int64_t gap = (int64_t)sc->every_min * MINUTE_MS;
        if (bot_alert_new_gap(&f, found, sc->last_ms) && f.at_ms + gap <= now_ms) {
            int64_t gap_min = (now_ms - f.at_ms) / MINUTE_MS;
            reply_add(&t->out->reply, "\xE2\x9A\xA0\xEF\xB8\x8F No feed recorded for ");
            reply_add_duration(&t->out->reply, gap_min);
            if (gap_min != sc->every_min) { /* a late tick, or set late */
                reply_add(&t->out->reply, " (alert after ");
                reply_add_duration(&t->out->reply, sc->every_min);
                reply_add(&t->out->reply, ")");
            }
            reply_add(&t->out->reply, ". Last feed: ");
            bot_add_last(t, &f, 1);
            reply_add(&t->out->reply, ".");
            *last = f.at_ms;
        }
        *next = bot_alert_due(now_ms, &f, found, sc->every_min, *last);
        if (*next <= now_ms) *next = now_ms + MINUTE_MS;
        return 0;
    }
    case STORE_SUMMARY: {
        clock_local due;
        bot_local(t, sc->due_ms, &due);
        int64_t meant = clock_from_local(t->zone, due.date, sc->hour, sc->minute);
        *next = clock_next_local(t->zone, now_ms, sc->hour, sc->minute);
        /* set in another zone (the family's changed since), or the clock
         * was off for long: the next one is said, not this one */
        if (meant != sc->due_ms || now_ms - sc->due_ms > SUMMARY_LATE_MS) return 0;
        return say_summary(t, sc);
    }
    }
    return 0;
}

/* A claimed schedule (claimed as `sc` was, moved on to next, last) given
 * back as it was: the same attempt's claim, due again at its old time.
 * Best effort: when it fails, the next tick does not say it (never twice). */
static void give_back(store *s, const store_schedule *sc, int64_t next, int64_t last,
                      const char *claim) {
    store_schedule taken = *sc;
    taken.due_ms = next;
    taken.last_ms = last;
    int back = 0;
    char ignored[STORE_ERR_MAX];
    s->ops->claim_schedule(s, &taken, sc->due_ms, sc->last_ms, claim, &back, ignored);
}

int bot_tick(bot *b, int64_t now_ms, const char *claim, const char *only_family,
             int64_t only_chat, bot_say_fn say, void *ctx, bot_tick_result *out) {
    store *s = b->store;
    store_schedule due[STORE_DUE_MAX];
    size_t n = 0;
    memset(out, 0, sizeof *out);
    if (s->ops->due_schedules(s, now_ms, due, STORE_DUE_MAX, &n, out->error) != STORE_OK)
        return BOT_STORE_FAILED;
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        const store_schedule *sc = &due[i];
        if ((only_chat && sc->chat_id != only_chat) ||
            (only_family && strcmp(sc->family, only_family) != 0))
            continue;
        out->due++;
        bot_message m = {.family = sc->family, .chat_id = sc->chat_id,
                         .now_ms = now_ms, .entered_ms = now_ms, .text = ""};
        bot_result result;
        bot_turn t;
        int64_t next, last;
        if (bot_begin_turn(b, &m, &result, &t) != BOT_OK ||
            plan(&t, sc, now_ms, &next, &last) != 0) {
            snprintf(out->error, sizeof out->error, "%s", t.err);
            failed = 1;
            continue;
        }
        int won = 0;
        if (s->ops->claim_schedule(s, sc, next, last, claim, &won, out->error) != STORE_OK) {
            failed = 1;
            continue;
        }
        if (!won) {
            out->lost++;
            continue;
        }
        if (result.reply.len == 0) {
            out->moved++;
            continue;
        }
        char why[STORE_ERR_MAX];
        store_schedule here = *sc; /* where it is: its chat, or the chat's new id */
        int64_t moved_to = 0;
        int said = say(ctx, &here, result.reply.text, &moved_to, why, sizeof why);
        if (said > 0 && moved_to != 0 && moved_to != sc->chat_id) {
            /* the group became a supergroup, and no service message told
             * us: given back, the chat's schedules moved to the new id,
             * and this one taken again there, as any tick would take it
             * (not when the new chat has its own of the kind: that one
             * stands). A move that fails leaves it due where it is, for
             * the next tick. The give-back fails when the upgrade's service
             * message moved it meanwhile: its copy still bears this
             * claim, which the claim below finds its own. */
            int moved, won_again = 0;
            give_back(s, sc, next, last, claim);
            if (s->ops->move_schedules(s, sc->family, sc->chat_id, moved_to, &moved, why) !=
                STORE_OK) {
                snprintf(out->error, sizeof out->error, "%s", why);
                out->failed++;
                continue;
            }
            out->chats_moved++;
            for (size_t j = i + 1; j < n; j++)
                if (due[j].chat_id == sc->chat_id && strcmp(due[j].family, sc->family) == 0)
                    due[j].chat_id = moved_to;
            here.chat_id = moved_to;
            if (s->ops->claim_schedule(s, &here, next, last, claim, &won_again, out->error) !=
                STORE_OK) {
                failed = 1;
                continue;
            }
            if (!won_again) { /* the new chat's own stands */
                out->lost++;
                continue;
            }
            moved_to = 0;
            said = say(ctx, &here, result.reply.text, &moved_to, why, sizeof why);
        }
        if (said == 0) {
            out->said++;
            continue;
        }
        snprintf(out->error, sizeof out->error, "%s", why);
        if (said > 0) {
            out->refused++;
            continue;
        }
        /* not said: back as it was, for the next tick */
        out->failed++;
        give_back(s, &here, next, last, claim);
    }
    return failed ? BOT_STORE_FAILED : BOT_OK;
}

int bot_move_chat(bot *b, const char *family, int64_t from_chat, int64_t to_chat,
                  int *moved, char *err) {
    *moved = 0;
    return b->store->ops->move_schedules(b->store, family, from_chat, to_chat, moved,
                                         err) == STORE_OK
               ? BOT_OK
               : BOT_STORE_FAILED;
}
