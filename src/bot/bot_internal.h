/* bot_internal.h -- what the bot's files share (bot.c dispatches,
 * bot_record.c records and edits, bot_report.c answers questions). */
#ifndef MILKBOT_BOT_INTERNAL_H
#define MILKBOT_BOT_INTERNAL_H

#include "bot/bot.h"
#include "bot_babies.h"
#include "clock/resolve.h"

#define ZONE_CACHE_SIZE 8

struct bot {
    store *store;
    char default_tz[CLOCK_ZONE_ID_MAX];
    int default_oz; /* a family that chose no units: oz, else ml */
    /* Open zones, reused across messages: opening one costs far more than
     * using it. Replaced round-robin when full. */
    struct {
        char id[CLOCK_ZONE_ID_MAX];
        clock_zone *zone;
    } zones[ZONE_CACHE_SIZE];
    int next_zone;
};

/* One message's context, as the handlers need it. */
typedef struct {
    bot *bot;
    const bot_message *msg;
    bot_result *out;
    clock_zone *zone;
    const char *tz;         /* the family's zone id */
    int tz_is_default;
    clock_date today;       /* local date of now */
    bot_babies babies;      /* the family's, as it named them */
    int units_chosen;       /* the family chose its units (else the default) */
    char err[STORE_ERR_MAX];
} bot_turn;

/* A day's feedings and its total; `upto`, when not NULL, counts only
 * feedings entered up to that one (a record's running total). */
typedef struct {
    int64_t from_ms, to_ms; /* local midnight to local midnight */
    int total_ml, feeds;     /* bottles */
    int sessions, minutes;   /* nursing sessions, their minutes */
    /* by baby, in the order the family named them; the last, [count],
     * holds feedings that name none of them */
    int baby_ml[STORE_BABIES_MAX + 1], baby_feeds[STORE_BABIES_MAX + 1];
} bot_day;

int bot_day_total(bot_turn *t, clock_date date, const store_feeding *upto,
                  bot_day *d);
/* Local date and time of an instant in the family's zone. */
void bot_local(bot_turn *t, int64_t at_ms, clock_local *out);
/* The reply when the store failed, and the store's message in out->error
 * (for the caller's log); returns BOT_STORE_FAILED. */
int bot_store_failed(bot_turn *t);

int bot_record(bot_turn *t);
int bot_edit(bot_turn *t);
/* When an edited message was edited: its edit_ms, else its entered_ms. */
int64_t bot_edit_time(const bot_message *m);
int bot_total(bot_turn *t, const resolved *asked);
int bot_since(bot_turn *t, const resolved *asked);
int bot_last(bot_turn *t);
int bot_week(bot_turn *t);
int bot_undo(bot_turn *t);
/* "make that 110": the last entry's amount (bot_correct.c). */
int bot_correct(bot_turn *t, const resolved *asked);
/* The answer to a correction's Undo button, from put_back's outcome. */
int bot_report_put_back(bot_turn *t, int outcome, const store_feeding *now);
int bot_timezone(bot_turn *t, const resolved *r);
int bot_help(bot_turn *t);
int bot_greeting(bot_turn *t, phrase_greeting greeting);
/* "↩️ Removed ..." and the new total of its day. */
int bot_report_removed(bot_turn *t, const store_feeding *f);
/* The same for several feedings of one line and instant ("both"). */
int bot_report_removed_all(bot_turn *t, const store_feeding *f, int n);
/* Ends an error reply: ". Try ..." unless the message shows an example. */
void bot_add_example(reply_text *r, const char *message);
/* "🍼 120 ml milk at 12:00 (note)" with " yesterday" when not today. */
void bot_add_feeding_line(bot_turn *t, const store_feeding *f);
/* A feeding as a reply tells it: "120 ml milk", "nursing, left 12 min". */
void bot_add_feed(bot_turn *t, const store_feeding *f);
/* A day's total: "340 ml in 3 feeds + 2 nursing sessions (35 min)". */
void bot_add_day_total(bot_turn *t, const bot_day *d);
/* "units", "units oz" (bot_report.c). */
int bot_units(bot_turn *t, const resolved *r);
/* " for Mia" after a feeding's amount, when the family has babies to tell
 * apart. */
void bot_add_whose(bot_turn *t, const store_feeding *f);
/* " (Mia 210 ml · Leo 120 ml)" after a total, when the family has babies
 * to tell apart. */
void bot_add_split(bot_turn *t, const int *baby_ml);
/* Adds a feeding to a day's totals (its baby's too). */
void bot_day_count(bot_turn *t, bot_day *d, const store_feeding *f);
/* "babies", "babies Mia Leo" (bot_report.c). */
int bot_babies_command(bot_turn *t, const resolved *r);

/* Starts the context of a message (begin_turn): the family's settings,
 * zone and local today. */
int bot_begin_turn(bot *b, const bot_message *m, bot_result *out, bot_turn *t);
/* "120 ml milk at 12:30 today (Anna), 2h 5m ago"; with `whose`, and the
 * family names its babies, "120 ml milk for Mia at ..." */
void bot_add_last(bot_turn *t, const store_feeding *f, int whose);
/* Reminders, the alert, the daily summary and "next" (bot_schedule.c). */
int bot_remind(bot_turn *t, const resolved *r);
int bot_alert(bot_turn *t, const resolved *r);
int bot_summary(bot_turn *t, const resolved *r);
int bot_next(bot_turn *t);
/* Feedings this close together are one feed, for intervals between feeds
 * ("next", the summary): a top-up, twins fed one after the other. */
#define BOT_ONE_FEED_MS (45LL * 60 * 1000)
/* The feeds from from_ms to to_ms, in time order: the instant of each
 * first feeding of a run less than BOT_ONE_FEED_MS apart; returns how
 * many (at most max feedings are read), or -1 when the store failed
 * (t->err). */
int bot_feed_times(bot_turn *t, int64_t from_ms, int64_t to_ms, int64_t *at,
                   int max);

/* An alert looks again this often at most, once it has said a gap (a
 * feeding entered late, with an earlier time, starts a gap of its own). */
#define BOT_ALERT_RECHECK_MS (60LL * 60 * 1000)
/* Whether the latest feeding (found) begins a gap the alert has not said:
 * it is later than the one it last alerted about (last_ms; 0: none) by
 * more than one feed's span. Not when it is earlier (the newest was
 * undone) or about the same (that feeding's time edited): once per gap. */
int bot_alert_new_gap(const store_feeding *latest, int found, int64_t last_ms);
/* When an alert of gap_min minutes is next due, from the latest feeding
 * (found) and the one it last alerted about (last_ms). */
int64_t bot_alert_due(int64_t now_ms, const store_feeding *latest, int found,
                      int gap_min, int64_t last_ms);
/* "next": the feedings of the 24 hours before now_ms, their number, the
 * last one's instant and their average interval (0 with fewer than 2).
 * Returns -1 when the store failed (t->err). */
int bot_next_estimate(bot_turn *t, int64_t now_ms, int64_t *last_ms,
                      int64_t *interval_ms, int *feeds);

#endif
