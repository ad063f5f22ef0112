/* bot_report.c -- the bot's answers: a day's total, the last feeding, the
 * week, undo, the time zone, the babies and help. With two babies or more,
 * each answer tells them apart. */
#include "bot_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A day's list stops here, so a reply stays well under Telegram's limit. */
#define TOTAL_MAX_ROWS 60
/* The longest row: time, amount, kind, a full note and name, separators. */
#define TOTAL_ROW_MAX (32 + PHRASE_NOTE_MAX + STORE_WHO_MAX + 32)

/* The feeds of `list`, one row each ("07:30  120 ml formula — Sam"), with
 * the day when the rows span several; "… and N more" past what fits. */
static void add_rows(bot_turn *t, const store_list *list, int with_day) {
    reply_text *r = &t->out->reply;
    size_t shown = 0;
    for (; shown < list->count && shown < TOTAL_MAX_ROWS; shown++) {
        const store_feeding *f = &list->items[shown];
        /* stop while a full row and the "and N more" line still fit */
        if (r->len + TOTAL_ROW_MAX > sizeof r->text) break;
        clock_local at;
        bot_local(t, f->at_ms, &at);
        reply_newline(r);
        if (with_day) {
            reply_add_date(r, at.date);
            reply_add(r, " ");
        }
        reply_add(r, "%02d:%02d  ", at.hour, at.minute);
        bot_add_feed(t, f);
        bot_add_whose(t, f);
        if (f->note[0]) reply_add(r, " (%s)", f->note);
        if (f->who[0]) reply_add(r, " \xE2\x80\x94 %s", f->who);
    }
    if (shown < list->count) {
        reply_newline(r);
        reply_add(r, "\xE2\x80\xA6 and %zu more", list->count - shown);
    }
}

int bot_total(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    clock_date date = t->today;
    if (sscanf(asked->day, "%d-%d-%d", &date.year, &date.month, &date.day) != 3)
        date = t->today;
    int64_t back = clock_date_diff(date, t->today);
    bot_day day;
    store_list list = {0};
    day.from_ms = clock_from_local(t->zone, date, 0, 0);
    day.to_ms = clock_from_local(t->zone, clock_date_add(date, 1), 0, 0);
    if (t->bot->store->ops->list_range(t->bot->store, t->msg->family,
                                       day.from_ms, day.to_ms, &list,
                                       t->err) != STORE_OK) {
        store_list_free(&list);
        return bot_store_failed(t);
    }
    const char *label = back == 0 ? "Today" : back == 1 ? "Yesterday" : "On";
    if (list.count == 0) {
        if (back <= 1) {
            reply_add(r, "No feeds recorded %s (", back ? "yesterday" : "today");
            reply_add_date(r, date);
            reply_add(r, ")%s", back ? "." : " yet. Send one like \"120ml\".");
        } else {
            reply_add(r, "No feeds recorded on ");
            reply_add_date(r, date);
            reply_add(r, ".");
        }
        store_list_free(&list);
        return BOT_OK;
    }
    bot_day counted = {0};
    for (size_t i = 0; i < list.count; i++) bot_day_count(t, &counted, &list.items[i]);
    if (back <= 1) {
        reply_add(r, "%s (", label);
        reply_add_date(r, date);
        reply_add(r, "): ");
    } else {
        reply_add(r, "On ");
        reply_add_date(r, date);
        reply_add(r, ": ");
    }
    bot_add_day_total(t, &counted);
    bot_add_split(t, counted.baby_ml);
    add_rows(t, &list, 0);
    store_list_free(&list);
    return BOT_OK;
}

/* "last 24 hours": a rolling window ending now (a feed entered a few
 * minutes ahead still counts, as for "last"). */
int bot_since(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    store_list list = {0};
    if (t->bot->store->ops->list_range(
            t->bot->store, t->msg->family, asked->since_ms,
            t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1, &list,
            t->err) != STORE_OK) {
        store_list_free(&list);
        return bot_store_failed(t);
    }
    clock_local since;
    bot_local(t, asked->since_ms, &since);
    if (asked->hours == 1)
        reply_add(r, "Last hour (since ");
    else
        reply_add(r, "Last %d hours (since ", asked->hours);
    reply_add_date(r, since.date);
    reply_add(r, " %02d:%02d): ", since.hour, since.minute);
    if (list.count == 0) {
        reply_add(r, "no feeds recorded.");
        store_list_free(&list);
        return BOT_OK;
    }
    bot_day counted = {0};
    for (size_t i = 0; i < list.count; i++) bot_day_count(t, &counted, &list.items[i]);
    bot_add_day_total(t, &counted);
    bot_add_split(t, counted.baby_ml);
    add_rows(t, &list, 1);
    store_list_free(&list);
    return BOT_OK;
}

/* "120 ml milk at 06:00 today (Alex), 3h ago" */
void bot_add_last(bot_turn *t, const store_feeding *f, int whose) {
    reply_text *r = &t->out->reply;
    clock_local at;
    bot_local(t, f->at_ms, &at);
    bot_add_feed(t, f);
    if (whose) bot_add_whose(t, f);
    reply_add(r, " at %02d:%02d ", at.hour, at.minute);
    reply_add_day(r, at.date, t->today);
    if (f->who[0]) reply_add(r, " (%s)", f->who);
    reply_add(r, ", ");
    reply_add_since(r, t->msg->now_ms - f->at_ms);
}

/* Which side to offer first, from the last session: the other side from
 * the one it began on (the usual advice: alternate the side offered
 * first, so each is emptied in turn). */
static void add_next_side(bot_turn *t, const store_feeding *session) {
    reply_text *r = &t->out->reply;
    char first = session->sides[0];
    if (first == 'L' || first == 'R')
        reply_add(r, "\n\xE2\x9E\xA1\xEF\xB8\x8F Next: start on the %s (it began on "
                  "the %s).", first == 'L' ? "right" : "left", first == 'L' ? "left" : "right");
    else
        reply_add(r, "\n\xE2\x9E\xA1\xEF\xB8\x8F Next side: not known, the session "
                  "didn't say which side it began on (like \"nursed 15 min left\").");
}

/* The last nursing session of the last two days, for "last" when the
 * latest feeding was a bottle; *found = 0 when there was none. */
static int last_session(bot_turn *t, int64_t until, store_feeding *out, int *found) {
    store_list list = {0};
    *found = 0;
    if (t->bot->store->ops->list_range(t->bot->store, t->msg->family,
                                       until - 2 * 24 * 3600 * 1000LL, until, &list,
                                       t->err) != STORE_OK) {
        store_list_free(&list);
        return STORE_ERROR;
    }
    for (size_t i = 0; i < list.count; i++) /* in time order: the last wins */
        if (list.items[i].kind == PHRASE_NURSING) {
            *out = list.items[i];
            *found = 1;
        }
    store_list_free(&list);
    return STORE_OK;
}

/* Twins: each baby's last feed in the last week. */
static int last_of_each(bot_turn *t) {
    reply_text *r = &t->out->reply;
    store_list list = {0};
    int64_t until = t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1;
    if (t->bot->store->ops->list_range(t->bot->store, t->msg->family,
                                       until - 8 * 24 * 3600 * 1000LL, until, &list,
                                       t->err) != STORE_OK) {
        store_list_free(&list);
        return bot_store_failed(t);
    }
    reply_add(r, "Last feeds:");
    for (int b = 0; b < t->babies.count; b++) {
        const store_feeding *last = NULL, *session = NULL;
        for (size_t i = 0; i < list.count; i++) /* in time order */
            if (bot_babies_index(&t->babies, list.items[i].baby) == b) {
                last = &list.items[i];
                if (last->kind == PHRASE_NURSING) session = last;
            }
        reply_newline(r);
        reply_add(r, "%s: ", t->babies.names[b]);
        if (last) bot_add_last(t, last, 0);
        else reply_add(r, "none in the last week");
        if (session && session != last) { /* a bottle since: the session before */
            reply_add(r, "; last nursing: ");
            bot_add_last(t, session, 0);
        }
        if (session) add_next_side(t, session);
    }
    store_list_free(&list);
    return BOT_OK;
}

int bot_last(bot_turn *t) {
    reply_text *r = &t->out->reply;
    store_feeding f;
    int found;
    if (t->babies.count >= 2) return last_of_each(t);
    /* a feeding entered a few minutes ahead of now still counts */
    if (t->bot->store->ops->latest_before(
            t->bot->store, t->msg->family,
            t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1, &f, &found,
            t->err) != STORE_OK)
        return bot_store_failed(t);
    if (!found) {
        reply_add(r, "No feeds recorded yet. Send one like \"120ml\".");
        return BOT_OK;
    }
    reply_add(r, "Last feed: ");
    bot_add_last(t, &f, 0);
    if (f.kind != PHRASE_NURSING) { /* a bottle since: the session before it */
        int64_t until = t->msg->now_ms + RESOLVE_FUTURE_TOLERANCE_MS + 1;
        if (last_session(t, until, &f, &found) != STORE_OK) return bot_store_failed(t);
        if (!found) return BOT_OK;
        reply_newline(r);
        reply_add(r, "Last nursing: ");
        bot_add_last(t, &f, 0);
    }
    add_next_side(t, &f);
    return BOT_OK;
}

#define WEEK_DAYS 7
#define BAR_WIDTH 12

int bot_week(bot_turn *t) {
    reply_text *r = &t->out->reply;
    clock_date first = clock_date_add(t->today, -(WEEK_DAYS - 1));
    int64_t from = clock_from_local(t->zone, first, 0, 0);
    int64_t to = clock_from_local(t->zone, clock_date_add(t->today, 1), 0, 0);
    store_list list = {0};
    /* the week's amounts and instants; days are cut by local date in the
     * zone, so a 23- or 25-hour day holds exactly its own feedings */
    if (t->bot->store->ops->list_amounts(t->bot->store, t->msg->family, from, to,
                                         &list, t->err) != STORE_OK) {
        store_list_free(&list);
        return bot_store_failed(t);
    }
    int total[WEEK_DAYS] = {0}, feeds[WEEK_DAYS] = {0}, max = 0, sum = 0;
    int sessions[WEEK_DAYS] = {0}, minutes[WEEK_DAYS] = {0}, nursed = 0, nursed_min = 0;
    bot_day days[WEEK_DAYS], week = {0};
    memset(days, 0, sizeof days);
    for (size_t i = 0; i < list.count; i++) {
        clock_local at;
        bot_local(t, list.items[i].at_ms, &at);
        int64_t d = clock_date_diff(first, at.date);
        if (d < 0 || d >= WEEK_DAYS) continue;
        if (list.items[i].kind == PHRASE_NURSING) {
            sessions[d]++;
            minutes[d] += list.items[i].minutes;
            nursed++;
            nursed_min += list.items[i].minutes;
        } else {
            total[d] += list.items[i].amount_ml;
            feeds[d]++;
        }
        bot_day_count(t, &days[d], &list.items[i]);
        bot_day_count(t, &week, &list.items[i]);
    }
    store_list_free(&list);
    for (int d = 0; d < WEEK_DAYS; d++) {
        if (total[d] > max) max = total[d];
        sum += total[d];
    }

    reply_add(r, "Last 7 days (");
    reply_add_date(r, first);
    reply_add(r, " \xE2\x80\x93 ");
    reply_add_date(r, t->today);
    reply_add(r, "):");
    for (int d = 0; d < WEEK_DAYS; d++) {
        clock_date date = clock_date_add(first, d);
        /* bars in eighths of a block: U+2588 full, U+2589..U+258F less */
        int eighths = max ? (total[d] * BAR_WIDTH * 8 + max / 2) / max : 0;
        if (total[d] && eighths == 0) eighths = 1;
        reply_newline(r);
        reply_add_date(r, date);
        reply_add(r, "  ");
        for (int i = 0; i < eighths / 8; i++) reply_add(r, "\xE2\x96\x88");
        if (eighths % 8)
            reply_add(r, "\xE2\x96%c", (char)(0x88 + 8 - eighths % 8));
        reply_add(r, " ");
        reply_add_amount(r, total[d]);
        if (feeds[d]) reply_add(r, " (%d)", feeds[d]);
        if (feeds[d]) bot_add_split(t, days[d].baby_ml);
        /* 🤱 sessions (minutes), only in a week that had some */
        if (sessions[d]) reply_add(r, " \xF0\x9F\xA4\xB1%d", sessions[d]);
        if (minutes[d]) reply_add(r, " (%d min)", minutes[d]);
    }
    if (sum || !nursed) { /* a family that only nurses has no bottles to average */
        reply_newline(r);
        reply_add(r, "Average: ");
        reply_add_amount(r, (sum + WEEK_DAYS / 2) / WEEK_DAYS);
        reply_add(r, " a day, ");
        reply_add_amount(r, sum);
        reply_add(r, " in all");
    }
    for (int b = 0; t->babies.count >= 2 && b < t->babies.count; b++) {
        reply_add(r, "%s%s ", b ? " \xC2\xB7 " : "\n", t->babies.names[b]);
        reply_add_amount(r, (week.baby_ml[b] + WEEK_DAYS / 2) / WEEK_DAYS);
        reply_add(r, " a day");
    }
    if (nursed) { /* in tenths, so "2.4 sessions a day" */
        int tenths = (nursed * 10 + WEEK_DAYS / 2) / WEEK_DAYS;
        reply_add(r, "\nNursing: %d session%s", nursed, nursed == 1 ? "" : "s");
        if (nursed_min) reply_add(r, " (%d min)", nursed_min);
        reply_add(r, " in all, %d.%d a day", tenths / 10, tenths % 10);
    }
    return BOT_OK;
}

int bot_report_removed(bot_turn *t, const store_feeding *f) {
    return bot_report_removed_all(t, f, 1);
}

int bot_report_removed_all(bot_turn *t, const store_feeding *feeds, int n) {
    reply_text *r = &t->out->reply;
    const store_feeding *f = &feeds[0];
    clock_local at;
    bot_local(t, f->at_ms, &at);
    bot_day day;
    if (bot_day_total(t, at.date, NULL, &day) != BOT_OK) return bot_store_failed(t);
    reply_add(r, "\xE2\x86\xA9\xEF\xB8\x8F Removed "); /* ↩️ */
    for (int i = 0; i < n; i++) {
        if (i) reply_add(r, i == n - 1 ? " and " : ", ");
        bot_add_feed(t, &feeds[i]);
        bot_add_whose(t, &feeds[i]);
    }
    reply_add(r, " at %02d:%02d ", at.hour, at.minute);
    reply_add_day(r, at.date, t->today);
    if (f->who[0]) reply_add(r, " (entered by %s)", f->who);
    reply_add(r, ". ");
    reply_add_day_heading(r, at.date, t->today);
    reply_add(r, ": ");
    bot_add_day_total(t, &day);
    bot_add_split(t, day.baby_ml);
    reply_add(r, ".");
    return BOT_OK;
}

int bot_undo(bot_turn *t) {
    store_feeding f;
    int found;
    if (t->bot->store->ops->undo_last(t->bot->store, t->msg->family,
                                      t->msg->chat_id, t->msg->message_id,
                                      t->msg->from_id, &f, &found,
                                      t->err) != STORE_OK)
        return bot_store_failed(t);
    if (!found) {
        /* the family's others may have entered some: say whose undo this is */
        if (t->bot->store->ops->latest_before(t->bot->store, t->msg->family, INT64_MAX / 2,
                                              &f, &found, t->err) != STORE_OK)
            return bot_store_failed(t);
        reply_add(&t->out->reply,
                  found ? "Nothing of yours to undo: \"undo\" takes back the last "
                          "feeding you entered (another's has an Undo button under "
                          "its reply)."
                        : "Nothing to undo.");
        return BOT_OK;
    }
    return bot_report_removed(t, &f);
}

/* The family's daily summaries are at their time on its clock (#17): in
 * a new zone, the next is at that time there, and the reply says so. Set
 * by the message that changed the zone (the same message again: the same
 * times, nothing changes). */
static int move_summaries(bot_turn *t, clock_zone *zone, const char *by) {
    store_schedule list[STORE_SCHEDULES_MAX];
    size_t n = 0;
    if (t->bot->store->ops->list_schedules(t->bot->store, t->msg->family, 0, list,
                                           STORE_SCHEDULES_MAX, &n, t->err) != STORE_OK)
        return bot_store_failed(t);
    int moved = 0;
    for (size_t i = 0; i < n; i++) {
        store_schedule sc = list[i];
        if (sc.kind != STORE_SUMMARY || sc.due_ms == 0) continue;
        sc.due_ms = clock_next_local(zone, t->msg->now_ms, sc.hour, sc.minute);
        snprintf(sc.by, sizeof sc.by, "%s", by);
        sc.set_ms = t->msg->now_ms;
        int stale;
        if (t->bot->store->ops->put_schedule(t->bot->store, &sc, &stale, t->err) != STORE_OK)
            return bot_store_failed(t);
        if (!stale) moved++;
    }
    if (moved == 1)
        reply_add(&t->out->reply, " The daily summary stays at its time, on this clock.");
    else if (moved > 1)
        reply_add(&t->out->reply, " The daily summaries stay at their times, on this clock.");
    return BOT_OK;
}

int bot_timezone(bot_turn *t, const resolved *res) {
    reply_text *r = &t->out->reply;
    if (res->tz[0] == '\0') {
        reply_add(r, "\xF0\x9F\x95\x92 Time zone: %s%s. To change it: "
                  "\"tz %s\".", t->tz, t->tz_is_default ? " (the default)" : "",
                  strcmp(t->tz, "Europe/London") ? "Europe/London"
                                                 : "Asia/Singapore");
        return BOT_OK;
    }
    int stale;
    char by[STORE_STAMP_MAX];
    store_stamp(t->msg->now_ms, t->msg->chat_id, t->msg->message_id, by);
    if (t->bot->store->ops->set_tz(t->bot->store, t->msg->family, res->tz, by, &stale,
                                   t->err) != STORE_OK)
        return bot_store_failed(t);
    if (stale) { /* an old message again: a later one chose the zone */
        reply_add(r, "\xF0\x9F\x95\x92 Time zone: %s (chosen since).", t->tz);
        return BOT_OK;
    }
    char err[256];
    clock_zone *zone = clock_zone_open(res->tz, err, sizeof err);
    clock_local now;
    if (zone == NULL) { /* cannot happen: the resolver checked the name */
        reply_add(r, "\xF0\x9F\x95\x92 Time zone set to %s.", res->tz);
        return BOT_OK;
    }
    clock_to_local(zone, t->msg->now_ms, &now);
    reply_add(r, "\xF0\x9F\x95\x92 Time zone set to %s: it's %02d:%02d there now.",
              res->tz, now.hour, now.minute);
    int status = move_summaries(t, zone, by);
    clock_zone_close(zone);
    return status;
}

/* A friendly word back, never an error: parents say hello and thank you. */
int bot_greeting(bot_turn *t, phrase_greeting greeting) {
    reply_text *r = &t->out->reply;
    switch (greeting) {
    case PHRASE_THANKS:
        reply_add(r, "\xF0\x9F\x99\x82 You're welcome!"); /* 🙂 */
        break;
    case PHRASE_GOODNIGHT:
        reply_add(r, "\xF0\x9F\x8C\x99 Good night! Send feeds any time; "
                     "\"total?\" shows the day."); /* 🌙 */
        break;
    default:
        reply_add(r, "\xF0\x9F\x91\x8B Hello! Send a feed like \"120ml\", "
                     "or ask \"total?\"."); /* 👋 */
        break;
    }
    return BOT_OK;
}

int bot_help(bot_turn *t) {
    reply_add(&t->out->reply,
              "\xF0\x9F\x8D\xBC Send a feeding, one per line:\n"
              "  120ml  (now)\n"
              "  12pm 120ml formula\n"
              "  yesterday 7:30 90 ml breast milk\n"
              "  4oz 20 min ago\n"
              "Ask: total? \xC2\xB7 yesterday \xC2\xB7 monday \xC2\xB7 26 nov \xC2\xB7 "
              "last 24 hours \xC2\xB7 last \xC2\xB7 week\n"
              "Fix the last one entered: make that 110 \xC2\xB7 undo \xC2\xB7 "
              "or edit your message\n"
              "Nursing: nursed 15 min left \xC2\xB7 L10 R5 \xC2\xB7 bf 20 min \xC2\xB7 "
              "nursed 2:10-2:35 right; \"last\" says which side is next\n"
              "Twins: babies Mia Leo, then 120ml Mia \xC2\xB7 both 60ml each\n"
              "Units: units oz \xC2\xB7 units ml\n"
              "Reminders: remind me in 3h \xC2\xB7 remind 2:30am \xC2\xB7 remind every 3h "
              "\xC2\xB7 stop reminders \xC2\xB7 alert 4h \xC2\xB7 summary at 8pm "
              "\xC2\xB7 next\n"
              "Time zone: %s (to change it: tz %s)",
              t->tz, strcmp(t->tz, "Europe/London") ? "Europe/London"
                                                    : "Asia/Singapore");
    return BOT_OK;
}

/* " Mia and Leo", " Ana, Bo and Cy" */
static void add_names(reply_text *r, const bot_babies *b) {
    for (int i = 0; i < b->count; i++)
        reply_add(r, "%s%s", i == 0 ? " " : i == b->count - 1 ? " and " : ", ", b->names[i]);
}

int bot_babies_command(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    bot_babies now = t->babies;
    if (asked->note[0]) {
        char list[STORE_BABIES_MAX * STORE_BABY_MAX], error[PHRASE_MESSAGE_MAX];
        if (bot_babies_read(asked->note, &now, list, error, sizeof error) != 0) {
            reply_add(r, "\xF0\x9F\xA4\x94 ");
            reply_add_sentence(r, error);
            reply_add(r, ".");
            return BOT_OK;
        }
        int stale;
        char by[STORE_STAMP_MAX];
        store_stamp(t->msg->now_ms, t->msg->chat_id, t->msg->message_id, by);
        if (t->bot->store->ops->set_babies(t->bot->store, t->msg->family, list, by, &stale,
                                           t->err) != STORE_OK)
            return bot_store_failed(t);
        if (stale) now = t->babies; /* an old message again: named since */
    }
    reply_add(r, "\xF0\x9F\x91\xB6"); /* 👶 */
    if (now.count == 0) {
        reply_add(r, " One baby, not named: every feeding is theirs. Twins? Send "
                     "\"babies Mia Leo\" with their names.");
    } else if (now.count == 1) {
        reply_add(r, " Baby: %s; every feeding is theirs.", now.names[0]);
    } else {
        reply_add(r, " Babies:");
        add_names(r, &now);
        reply_add(r, ". Name one in each feeding, like \"120ml %s\", or send \"both "
                     "60ml each\".", now.names[0]);
    }
    if (asked->note[0] == '\0') reply_add(r, " To change: \"babies\" and the names%s.",
                                          now.count ? ", or \"babies none\"" : "");
    return BOT_OK;
}

int bot_units(bot_turn *t, const resolved *asked) {
    reply_text *r = &t->out->reply;
    if (asked->units == PHRASE_UNITS_ASK) {
        reply_add(r, "\xF0\x9F\x93\x8F Units: %s%s. Amounts can be typed in ml or oz "
                  "either way. To change: \"units %s\".", r->oz ? "oz" : "ml",
                  t->units_chosen ? "" : " (the default)", r->oz ? "ml" : "oz");
        return BOT_OK;
    }
    const char *units = asked->units == PHRASE_UNITS_OZ ? "oz" : "ml";
    int stale;
    char by[STORE_STAMP_MAX];
    store_stamp(t->msg->now_ms, t->msg->chat_id, t->msg->message_id, by);
    if (t->bot->store->ops->set_units(t->bot->store, t->msg->family, units, by, &stale,
                                      t->err) != STORE_OK)
        return bot_store_failed(t);
    if (stale) { /* an old message again: a later one chose the units */
        reply_add(r, "\xF0\x9F\x93\x8F Units: %s (chosen since).", r->oz ? "oz" : "ml");
        return BOT_OK;
    }
    r->oz = asked->units == PHRASE_UNITS_OZ;
    reply_add(r, "\xF0\x9F\x93\x8F Units set to %s: replies give amounts like ", units);
    reply_add_amount(r, 120);
    reply_add(r, "%s. Amounts can be typed in ml or oz either way.",
              r->oz ? " (US fluid ounces)" : "");
    return BOT_OK;
}
