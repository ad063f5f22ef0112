/* bot_schedule.c -- setting what the bot says on its own (#17), and "next".
 *
 * "remind me in 3h", "remind 2:30am", "remind every 3h", "stop reminders",
 * "reminders", "alert 4h", "alert off", "summary at 8pm", "summary off"
 * become schedules of the chat they were said in (store.h); bot_tick.c
 * says them when due. Each is set by its message, keyed by it: a message
 * delivered again sets nothing twice, and an older one never undoes what a
 * newer one set. Times are the family's zone's: "remind 2:30am" is the next
 * time its clocks show 2:30, and a summary at 20:00 is at 20:00 on both
 * sides of a change of the clocks. */
#include "bot_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_MS 60000LL
/* "next" and the summary's interval look at this much of the past */
#define NEXT_WINDOW_MS (24LL * 3600 * 1000)
#define NEXT_MAX_FEEDS 64

static int cmp_ms(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int bot_feed_times(bot_turn *t, int64_t from_ms, int64_t to_ms, int64_t *at,
                   int max) {
    store_list list = {0};
    if (t->bot->store->ops->list_range(t->bot->store, t->msg->family, from_ms,
                                       to_ms, &list, t->err) != STORE_OK) {
        store_list_free(&list);
        return -1;
    }
    int n = 0;
    for (size_t i = 0; i < list.count && n < max; i++) at[n++] = list.items[i].at_ms;
    store_list_free(&list);
    qsort(at, (size_t)n, sizeof *at, cmp_ms);
    /* one feed: feedings close together (a top-up, twins fed one after
     * the other, a session and its bottle) */
    int feeds = 0;
    for (int i = 0; i < n; i++)
        if (feeds == 0 || at[i] - at[feeds - 1] >= BOT_ONE_FEED_MS) at[feeds++] = at[i];
    return feeds;
}

/* " at 15:30" and, when not today, " tomorrow" or " Fri 4 Dec" */
static void add_when(bot_turn *t, int64_t at_ms) {
    reply_text *r = &t->out->reply;
    clock_local at;
    bot_local(t, at_ms, &at);
    reply_add(r, " at %02d:%02d", at.hour, at.minute);
    int64_t days = clock_date_diff(t->today, at.date);
    if (days == 1)
        reply_add(r, " tomorrow");
    else if (days != 0) {
        reply_add(r, " ");
        reply_add_day(r, at.date, t->today);
    }
}

/* " (in 2h 10m)" */
static void add_in(bot_turn *t, int64_t at_ms) {
    int64_t minutes = (at_ms - t->msg->now_ms + MINUTE_MS - 1) / MINUTE_MS;
    if (minutes < 1) minutes = 1;
    reply_add(&t->out->reply, " (in ");
    reply_add_duration(&t->out->reply, minutes);
    reply_add(&t->out->reply, ")");
}

static void schedule_key(bot_turn *t, store_schedule_kind kind, store_schedule *sc) {
    memset(sc, 0, sizeof *sc);
    snprintf(sc->family, sizeof sc->family, "%s", t->msg->family);
    sc->chat_id = t->msg->chat_id;
    sc->kind = kind;
    sc->message_id = kind == STORE_REMIND_ONCE ? t->msg->message_id : 0;
    sc->set_ms = t->msg->now_ms;
    store_stamp(t->msg->now_ms, t->msg->chat_id, t->msg->message_id, sc->by);
}

static int put(bot_turn *t, const store_schedule *sc, int *stale) {
    *stale = 0;
    return t->bot->store->ops->put_schedule(t->bot->store, sc, stale, t->err);
}

static void add_stale(bot_turn *t) {
    reply_add(&t->out->reply, "A later message changed this since: nothing was changed.");
}

/* One line of "reminders": what one schedule says, and when. */
static void add_schedule_line(bot_turn *t, const store_schedule *sc) {
    reply_text *r = &t->out->reply;
    switch (sc->kind) {
    case STORE_REMIND_ONCE:
        reply_add(r, "\n\xE2\x80\xA2 a reminder");
        add_when(t, sc->due_ms);
        add_in(t, sc->due_ms);
        break;
    case STORE_REMIND_EVERY:
        reply_add(r, "\n\xE2\x80\xA2 a reminder every ");
        reply_add_duration(r, sc->every_min);
        reply_add(r, ", next");
        add_when(t, sc->due_ms);
        break;
    case STORE_ALERT:
        reply_add(r, "\n\xE2\x80\xA2 an alert after ");
        reply_add_duration(r, sc->every_min);
        reply_add(r, " without a feed");
        break;
    case STORE_SUMMARY:
        reply_add(r, "\n\xE2\x80\xA2 the day's summary every day at %02d:%02d",
                  sc->hour, sc->minute);
        break;
    }
}

/* "reminders": everything set in this chat (only_kind 0); "alert",
 * "summary": that kind's. */
static int show(bot_turn *t, store_schedule_kind only_kind) {
    reply_text *r = &t->out->reply;
    store_schedule list[STORE_SCHEDULES_MAX];
    size_t n = 0;
    if (t->bot->store->ops->list_schedules(t->bot->store, t->msg->family,
                                           t->msg->chat_id, list,
                                           STORE_SCHEDULES_MAX, &n, t->err) != STORE_OK)
        return bot_store_failed(t);
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        const store_schedule *sc = &list[i];
        if (sc->due_ms == 0) continue; /* off, stopped or said */
        if (only_kind && sc->kind != only_kind) continue;
        if (!shown) reply_add(r, "\xE2\x8F\xB0 Set in this chat:");
        add_schedule_line(t, sc);
        shown++;
    }
    if (shown) return BOT_OK;
    switch (only_kind) {
    case STORE_ALERT:
        reply_add(r, "No alert is set in this chat. Try \"alert 4h\": I'll say "
                     "when no feed has been recorded for 4 hours.");
        break;
    case STORE_SUMMARY:
        reply_add(r, "No daily summary is set in this chat. Try \"summary at "
                     "8pm\".");
        break;
    default:
        reply_add(r, "Nothing is set in this chat. Try \"remind me in 3h\", "
                     "\"remind every 3h\", \"alert 4h\" or \"summary at 8pm\".");
    }
    return BOT_OK;
}

int bot_remind(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    store_schedule sc;
    int stale;
    switch (asked->schedule) {
    case PHRASE_SCHEDULE_SHOW: return show(t, 0); /* all of it */
    case PHRASE_SCHEDULE_OFF: {
        char by[STORE_STAMP_MAX];
        int stopped = 0;
        store_stamp(t->msg->now_ms, t->msg->chat_id, t->msg->message_id, by);
        if (t->bot->store->ops->stop_reminders(t->bot->store, t->msg->family,
                                               t->msg->chat_id, by, &stopped,
                                               t->err) != STORE_OK)
            return bot_store_failed(t);
        if (stopped == 0)
            reply_add(r, "\xF0\x9F\x94\x95 No reminders were set in this chat.");
        else
            reply_add(r, "\xF0\x9F\x94\x95 Stopped %d reminder%s in this chat.",
                      stopped, stopped == 1 ? "" : "s");
        return BOT_OK;
    }
    case PHRASE_SCHEDULE_EVERY:
        schedule_key(t, STORE_REMIND_EVERY, &sc);
        sc.every_min = asked->schedule_minutes;
        sc.due_ms = asked->due_ms;
        if (put(t, &sc, &stale) != STORE_OK) return bot_store_failed(t);
        if (stale) {
            add_stale(t);
            return BOT_OK;
        }
        reply_add(r, "\xE2\x8F\xB0 I'll remind this chat every ");
        reply_add_duration(r, sc.every_min);
        reply_add(r, ", first");
        add_when(t, sc.due_ms);
        reply_add(r, ", with the last feed, until \"stop reminders\".");
        return BOT_OK;
    case PHRASE_SCHEDULE_IN:
    case PHRASE_SCHEDULE_AT:
        schedule_key(t, STORE_REMIND_ONCE, &sc);
        sc.due_ms = asked->due_ms;
        if (put(t, &sc, &stale) != STORE_OK) return bot_store_failed(t);
        if (stale) { /* handled late, after a "stop reminders" */
            reply_add(r, "\xF0\x9F\x94\x95 The reminders of this chat were stopped "
                         "after that message: nothing was set.");
            return BOT_OK;
        }
        reply_add(r, "\xE2\x8F\xB0 I'll remind this chat");
        add_when(t, sc.due_ms);
        add_in(t, sc.due_ms);
        reply_add(r, ", with the last feed.");
        return BOT_OK;
    }
    return BOT_OK;
}

/* When an alert of `gap_min` is next worth a look: when the last feeding's
 * gap ends, or now when it has already (once per gap: not again for a
 * feeding it already alerted about, `last_ms`). */
int bot_alert_new_gap(const store_feeding *latest, int found, int64_t last_ms) {
    return found && (last_ms == 0 || latest->at_ms > last_ms + BOT_ONE_FEED_MS);
}

int64_t bot_alert_due(int64_t now_ms, const store_feeding *latest, int found,
                      int gap_min, int64_t last_ms) {
    int64_t gap = (int64_t)gap_min * MINUTE_MS;
    if (!found) return now_ms + BOT_ALERT_RECHECK_MS;
    if (!bot_alert_new_gap(latest, found, last_ms))
        return now_ms + (gap < BOT_ALERT_RECHECK_MS ? gap : BOT_ALERT_RECHECK_MS);
    int64_t due = latest->at_ms + gap;
    return due > now_ms ? due : now_ms;
}

int bot_alert(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    store_schedule sc;
    int stale;
    if (asked->schedule == PHRASE_SCHEDULE_SHOW) return show(t, STORE_ALERT);
    schedule_key(t, STORE_ALERT, &sc);
    /* the alert it had keeps the feeding it alerted about, also while off:
     * set again, it does not say the same gap twice */
    store_schedule had[STORE_SCHEDULES_MAX];
    size_t n = 0;
    if (t->bot->store->ops->list_schedules(t->bot->store, t->msg->family,
                                           t->msg->chat_id, had,
                                           STORE_SCHEDULES_MAX, &n, t->err) != STORE_OK)
        return bot_store_failed(t);
    for (size_t i = 0; i < n; i++)
        if (had[i].kind == STORE_ALERT) sc.last_ms = had[i].last_ms;
    if (asked->schedule == PHRASE_SCHEDULE_OFF) {
        if (put(t, &sc, &stale) != STORE_OK) return bot_store_failed(t);
        if (stale)
            add_stale(t);
        else
            reply_add(r, "\xF0\x9F\x94\x95 Alert off in this chat.");
        return BOT_OK;
    }
    store_feeding latest;
    int found;
    if (t->bot->store->ops->latest_before(t->bot->store, t->msg->family,
                                          t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1,
                                          &latest, &found, t->err) != STORE_OK)
        return bot_store_failed(t);
    sc.every_min = asked->schedule_minutes;
    sc.due_ms = bot_alert_due(t->msg->now_ms, &latest, found, sc.every_min, sc.last_ms);
    if (put(t, &sc, &stale) != STORE_OK) return bot_store_failed(t);
    if (stale) {
        add_stale(t);
        return BOT_OK;
    }
    reply_add(r, "\xE2\x9A\xA0\xEF\xB8\x8F I'll tell this chat when no feed has been "
                 "recorded for ");
    reply_add_duration(r, sc.every_min);
    reply_add(r, ", once each time.");
    if (bot_alert_new_gap(&latest, found, sc.last_ms)) {
        reply_add(r, " The last feed was");
        add_when(t, latest.at_ms);
        if (latest.at_ms + (int64_t)sc.every_min * MINUTE_MS > t->msg->now_ms) {
            reply_add(r, ": next alert");
            add_when(t, sc.due_ms);
            reply_add(r, " if none before.");
        } else {
            reply_add(r, ", longer ago than that: alerting now.");
        }
    }
    return BOT_OK;
}

int bot_summary(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    store_schedule sc;
    int stale;
    if (asked->schedule == PHRASE_SCHEDULE_SHOW) return show(t, STORE_SUMMARY);
    schedule_key(t, STORE_SUMMARY, &sc);
    if (asked->schedule == PHRASE_SCHEDULE_AT) {
        sc.hour = asked->hour;
        sc.minute = asked->minute;
        sc.due_ms = asked->due_ms;
    }
    if (put(t, &sc, &stale) != STORE_OK) return bot_store_failed(t);
    if (stale) {
        add_stale(t);
        return BOT_OK;
    }
    if (sc.due_ms == 0) {
        reply_add(r, "\xF0\x9F\x94\x95 Daily summary off in this chat.");
        return BOT_OK;
    }
    reply_add(r, "\xF0\x9F\x93\x8A The day's summary in this chat every day at "
                 "%02d:%02d (%s), first",
              sc.hour, sc.minute, t->tz);
    add_when(t, sc.due_ms);
    reply_add(r, ".");
    return BOT_OK;
}

int bot_next_estimate(bot_turn *t, int64_t now_ms, int64_t *last_ms,
                      int64_t *interval_ms, int *feeds) {
    int64_t at[NEXT_MAX_FEEDS];
    int n = bot_feed_times(t, now_ms - NEXT_WINDOW_MS,
                           now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1, at, NEXT_MAX_FEEDS);
    if (n < 0) return -1;
    *feeds = n;
    *last_ms = n ? at[n - 1] : 0;
    *interval_ms = n >= 2 ? (at[n - 1] - at[0]) / (n - 1) : 0;
    return 0;
}

int bot_next(bot_turn *t) {
    reply_text *r = &t->out->reply;
    int64_t last, interval;
    int feeds;
    if (bot_next_estimate(t, t->msg->now_ms, &last, &interval, &feeds) != 0)
        return bot_store_failed(t);
    if (feeds < 2) {
        reply_add(r, "Not enough feeds in the last 24 hours to tell (%d): the next "
                     "one is estimated from their average interval.", feeds);
        return BOT_OK;
    }
    int64_t next = last + interval;
    next -= next % MINUTE_MS;
    if (next > t->msg->now_ms) {
        reply_add(r, "\xF0\x9F\x94\xAE Next feed likely");
        add_when(t, next);
        add_in(t, next);
    } else { /* overdue by the average */
        reply_add(r, "\xF0\x9F\x94\xAE The next feed was likely due");
        add_when(t, next);
        reply_add(r, " (");
        reply_add_since(r, t->msg->now_ms - next);
        reply_add(r, ")");
    }
    reply_add(r, ": one every ");
    reply_add_duration(r, interval / MINUTE_MS);
    reply_add(r, " on average in the last 24 hours (%d feeds), the last", feeds);
    add_when(t, last);
    reply_add(r, ".");
    return BOT_OK;
}
