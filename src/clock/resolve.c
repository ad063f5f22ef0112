/* resolve.c -- the six rules for placing a feeding in time (for users:
 * docs/phrases.md, "How a time finds its day").
 *
 * The one subtle rule is 4: a clock time without a day is its most recent
 * past occurrence. Every candidate (today and yesterday; for a bare hour
 * 1-12 both am and pm) is placed on the zone's clock first, daylight saving
 * included, and only then compared with now, so "2:30" on a spring-forward
 * night is judged by the instant it really names. */
#include "resolve.h"

#include <stdio.h>
#include <string.h>

#define MINUTE_MS 60000LL

static int64_t floor_to_minute(int64_t ms) {
    int64_t r = ms % MINUTE_MS;
    return r < 0 ? ms - r - MINUTE_MS : ms - r;
}

/* The hours a clock time can mean, given how it was written and the part of
 * the day; returns how many (1 or 2). */
static int hour_readings(const phrase *p, int hours[2]) {
    int h = p->hour;
    if (p->clock != PHRASE_CLOCK_BARE) {
        hours[0] = h;
        return 1;
    }
    switch (p->part) {
    case PHRASE_MORNING:
        hours[0] = h % 12;
        return 1;
    case PHRASE_AFTERNOON:
    case PHRASE_EVENING:
        hours[0] = h % 12 + 12;
        return 1;
    case PHRASE_TONIGHT:
    case PHRASE_LAST_NIGHT: /* pm for 6-11, am for 12-5 */
        hours[0] = (h >= 6 && h <= 11) ? h + 12 : h % 12;
        return 1;
    default:
        if (p->day != PHRASE_NO_DAY) { /* rule 3: as written */
            hours[0] = h;
            return 1;
        }
        hours[0] = h % 12; /* rule 4: both readings; a bare 12 is 00 or 12 */
        hours[1] = h % 12 + 12;
        return 2;
    }
}

/* The hours a part of the day covers: a time outside it contradicts it. */
static int part_fits(phrase_part part, int hour) {
    switch (part) {
    case PHRASE_MORNING: return hour < 12;
    case PHRASE_AFTERNOON: return hour >= 12 && hour < 18;
    case PHRASE_EVENING: return hour >= 17;
    case PHRASE_TONIGHT:
    case PHRASE_LAST_NIGHT: return hour >= 18 || hour < 6;
    default: return 1;
    }
}

static void fail(resolved *out, const char *message) {
    memset(out, 0, sizeof *out);
    out->intent = PHRASE_ERROR;
    snprintf(out->message, sizeof out->message, "%s", message);
}

/* Rules 1-5: the instant of a feeding, or -1 with out->message set. */
static int feeding_instant(const phrase *p, clock_zone *zone, int64_t now_ms,
                           const clock_local *now, int64_t *at_ms,
                           resolved *out) {
    clock_date today = now->date;
    clock_date yesterday = clock_date_add(today, -1);

    if (p->time == PHRASE_TIME_AGO) { /* rule 2 */
        *at_ms = floor_to_minute(now_ms - p->ago_minutes * MINUTE_MS);
        return 0;
    }
    if (p->time != PHRASE_TIME_CLOCK) { /* rule 1 */
        if (p->day == PHRASE_YESTERDAY)
            *at_ms = clock_from_local(zone, yesterday, now->hour, now->minute);
        else
            *at_ms = floor_to_minute(now_ms);
        return 0;
    }

    int hours[2];
    int n = hour_readings(p, hours);
    if (!part_fits(p->part, hours[0])) { /* "this afternoon 10:00" (22:00) */
        char message[PHRASE_MESSAGE_MAX + 1];
        snprintf(message, sizeof message, "%02d:%02d doesn't fit the part of the "
                 "day given with it", hours[0], p->minute);
        fail(out, message);
        return -1;
    }
    if (p->day != PHRASE_NO_DAY) { /* rule 3 */
        clock_date date = p->day == PHRASE_YESTERDAY ? yesterday : today;
        *at_ms = clock_from_local(zone, date, hours[0], p->minute);
        if (*at_ms - now_ms > RESOLVE_FUTURE_TOLERANCE_MS) {
            char message[PHRASE_MESSAGE_MAX + 1];
            snprintf(message, sizeof message,
                     "can't record a feeding in the future: %02d:%02d today "
                     "is later than now (%02d:%02d)",
                     hours[0], p->minute, now->hour, now->minute);
            fail(out, message);
            return -1;
        }
        return 0;
    }

    /* rule 4: the latest candidate not more than 15 minutes after now */
    const clock_date dates[2] = {today, yesterday};
    int64_t best = INT64_MIN;
    for (int d = 0; d < 2; d++) {
        for (int i = 0; i < n; i++) {
            int64_t t = clock_from_local(zone, dates[d], hours[i], p->minute);
            if (t - now_ms <= RESOLVE_FUTURE_TOLERANCE_MS && t > best)
                best = t;
        }
        if (best != INT64_MIN) break; /* any of today beats all of yesterday */
    }
    *at_ms = best;
    return 0;
}

/* A time range ("nursed 2:10-2:35"): its start and minutes. The start is
 * the latest candidate of rules 3 and 4 whose whole session lies in the
 * past (a session ending 15 minutes ahead still counts), so "3-3:30" typed
 * at 15:00 is the night's. The end is the first instant after the start
 * showing the end's clock time (either half of the day when written
 * without am/pm). Both are placed on the zone's clock, so a session across
 * a change of the clocks counts the minutes that passed; a time the clocks
 * skipped, or a start the clocks showed twice when that changes the
 * minutes, is asked about. */
typedef struct {
    int64_t start_ms, end_ms;
    char why[PHRASE_MESSAGE_MAX + 1]; /* "" when it is the session */
    int future;                        /* the only fault: it ends ahead */
    int ask;                           /* a time the clocks skipped or showed
                                          twice: asked, never an earlier day */
} range_try;

/* Whether the zone's clock shows hour:minute at `ms` (not a skipped time). */
static int shows(clock_zone *zone, int64_t ms, int hour, int minute) {
    clock_local at;
    clock_to_local(zone, ms, &at);
    return at.hour == hour && at.minute == minute;
}

/* The end after `start`, or -1 (why set). */
static int64_t range_end(const phrase *p, clock_zone *zone, int64_t start, range_try *t) {
    clock_local from;
    clock_to_local(zone, start, &from);
    int hours[2] = {p->end_hour, p->end_hour}, n = 1;
    if (p->end_clock == PHRASE_CLOCK_BARE) {
        hours[0] = p->end_hour % 12;
        hours[1] = p->end_hour % 12 + 12;
        n = 2;
    }
    int64_t best = -1;
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < n; i++) {
            int64_t e = clock_from_local(zone, clock_date_add(from.date, d), hours[i],
                                         p->end_minute);
            if (e > start && (best < 0 || e < best) && shows(zone, e, hours[i], p->end_minute))
                best = e;
        }
    if (best < 0)
        snprintf(t->why, sizeof t->why, "%02d:%02d didn't happen after %02d:%02d (the clocks "
                 "went forward): check the times", p->end_hour, p->end_minute, from.hour,
                 from.minute);
    /* an end the clocks skipped, before the one found: asked */
    for (int i = 0; best >= 0 && i < n; i++) {
        int64_t e = clock_from_local(zone, from.date, hours[i], p->end_minute);
        if (e > start && e < best && !shows(zone, e, hours[i], p->end_minute)) {
            snprintf(t->why, sizeof t->why, "%02d:%02d didn't happen that night (the clocks "
                     "went forward): check the times", hours[i], p->end_minute);
            t->ask = 1;
            return -1;
        }
    }
    return best;
}

static void try_range(const phrase *p, clock_zone *zone, int64_t now_ms, int hour,
                      int64_t start, range_try *t) {
    clock_local at;
    memset(t, 0, sizeof *t);
    t->start_ms = start;
    if (!shows(zone, start, hour, p->minute)) {
        snprintf(t->why, sizeof t->why, "%02d:%02d didn't happen that day (the clocks went "
                 "forward): check the times", hour, p->minute);
        t->ask = 1;
        return;
    }
    t->end_ms = range_end(p, zone, start, t);
    if (t->end_ms < 0) return;
    int64_t minutes = (t->end_ms - start) / MINUTE_MS;
    clock_to_local(zone, t->end_ms, &at);
    if (minutes > PHRASE_NURSE_MAX_MINUTES) {
        snprintf(t->why, sizeof t->why, "a nursing session from %02d:%02d to %02d:%02d would "
                 "be %lld minutes: at most %d; check the times", hour, p->minute, at.hour,
                 at.minute, (long long)minutes, PHRASE_NURSE_MAX_MINUTES);
        return;
    }
    /* a start or an end the clocks showed twice (they went back): when
     * another reading of either gives other minutes (within the limit),
     * which one? */
    for (int64_t shift = -60; shift <= 60; shift += 30) {
        int64_t other = start + shift * MINUTE_MS;
        if (shift && !shows(zone, other, hour, p->minute)) continue;
        range_try again = {0};
        int64_t end = shift ? range_end(p, zone, other, &again) : t->end_ms;
        for (int64_t later = 0; end >= 0 && later <= 60; later += 30) {
            int64_t e = end + later * MINUTE_MS;
            clock_local shown;
            clock_to_local(zone, end, &shown);
            if (later && !shows(zone, e, shown.hour, shown.minute)) continue;
            long long a = minutes, b = (e - other) / MINUTE_MS;
            if (b == a || b <= 0 || b > PHRASE_NURSE_MAX_MINUTES) continue;
            snprintf(t->why, sizeof t->why, "the clocks went back that night, so "
                     "%02d:%02d to %02d:%02d was %lld or %lld minutes: say which, like "
                     "\"nursed %lld min\"", hour, p->minute, shown.hour, shown.minute,
                     a < b ? a : b, a < b ? b : a, a < b ? a : b);
            t->ask = 1;
            return;
        }
    }
    if (t->end_ms - now_ms > RESOLVE_FUTURE_TOLERANCE_MS) {
        clock_local now;
        clock_to_local(zone, now_ms, &now);
        snprintf(t->why, sizeof t->why, "can't record a session that ends in the future: "
                 "%02d:%02d is later than now (%02d:%02d)", at.hour, at.minute, now.hour,
                 now.minute);
        t->future = 1;
    }
}

/* Rules 3 and 4 for a range; returns -1 with out's message set. */
static int range_instant(const phrase *p, clock_zone *zone, int64_t now_ms,
                         const clock_local *now, int64_t *start_ms, int *minutes,
                         resolved *out) {
    int hours[2];
    int n = hour_readings(p, hours);
    if (!part_fits(p->part, hours[0])) { /* "this afternoon 10:00-10:30" */
        char message[PHRASE_MESSAGE_MAX + 1];
        snprintf(message, sizeof message, "%02d:%02d doesn't fit the part of the day given "
                 "with it", hours[0], p->minute);
        fail(out, message);
        return -1;
    }
    clock_date dates[2] = {now->date, clock_date_add(now->date, -1)};
    int ndates = 2;
    if (p->day != PHRASE_NO_DAY) {
        dates[0] = p->day == PHRASE_YESTERDAY ? dates[1] : now->date;
        ndates = 1;
    }
    /* the candidates, latest first */
    int64_t cand[4];
    int cand_hour[4], k = 0;
    for (int d = 0; d < ndates; d++)
        for (int i = 0; i < n; i++) {
            cand[k] = clock_from_local(zone, dates[d], hours[i], p->minute);
            cand_hour[k++] = hours[i];
        }
    for (int a = 0; a < k; a++) /* k <= 4: a simple sort */
        for (int b = a + 1; b < k; b++)
            if (cand[b] > cand[a]) {
                int64_t c = cand[a];
                int h = cand_hour[a];
                cand[a] = cand[b], cand_hour[a] = cand_hour[b];
                cand[b] = c, cand_hour[b] = h;
            }
    range_try first = {0}, fault = {0};
    int tried = 0;
    for (int i = 0; i < k; i++) {
        range_try t;
        if (cand[i] - now_ms > RESOLVE_FUTURE_TOLERANCE_MS && ndates == 2) continue;
        try_range(p, zone, now_ms, cand_hour[i], cand[i], &t);
        if (t.why[0] == '\0') {
            *start_ms = t.start_ms;
            *minutes = (int)((t.end_ms - t.start_ms) / MINUTE_MS);
            return 0;
        }
        if (!tried++) first = t;
        if (!t.future && fault.why[0] == '\0') fault = t;
        if (t.ask) break;
    }
    /* what went wrong: a fault of the session itself before "it ends
     * ahead", which an earlier candidate may only have hit */
    fail(out, fault.why[0] ? fault.why : first.why[0] ? first.why
                                                     : "can't record a feeding in the future");
    return -1;
}

static const char *const month_names[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};

/* The day a question asks about: today, yesterday, N days ago, the most
 * recent past weekday of that name (a week ago on that very weekday), or
 * the latest such date up to today. Returns -1 with out's message set for
 * a date that does not exist or has not come yet. */
static int asked_day(const phrase *p, clock_date today, clock_date *day,
                     resolved *out) {
    if (p->day == PHRASE_YESTERDAY) {
        *day = clock_date_add(today, -1);
    } else if (p->days_ago) {
        *day = clock_date_add(today, -p->days_ago);
    } else if (p->weekday) {
        int back = (clock_weekday(today) - (p->weekday - 1) + 7) % 7;
        if (back == 0 && !p->this_week) back = 7; /* "monday" on a Monday */
        *day = clock_date_add(today, -back);
    } else if (p->date_month) {
        int year = p->date_year ? p->date_year : today.year;
        if (year < 100) /* "26/11/99" is 1999, "26/11/25" 2025 */
            year += year <= today.year % 100 ? today.year - today.year % 100
                                             : today.year - today.year % 100 - 100;
        clock_date d = {year, p->date_month, 1};
        d = clock_date_add(d, p->date_day - 1);
        /* "29 feb" without a year: the latest one there was */
        for (int back = 1; !p->date_year && d.month != p->date_month && back <= 8; back++) {
            d = clock_date_add((clock_date){year - back, p->date_month, 1}, p->date_day - 1);
            if (d.month == p->date_month && clock_date_cmp(d, today) > 0) d.month = 0;
        }
        if (d.month != p->date_month) {
            char message[64];
            snprintf(message, sizeof message, "there is no %d %s",
                     p->date_day, month_names[p->date_month - 1]);
            fail(out, message);
            return -1;
        }
        if (clock_date_cmp(d, today) > 0) {
            if (p->date_year) {
                fail(out, "that day hasn't come yet");
                return -1;
            }
            d.year--; /* "26 dec" in November: last year's */
            clock_date back = clock_date_add((clock_date){d.year, d.month, 1},
                                             p->date_day - 1);
            if (back.month != d.month) { /* 29 Feb */
                char message[64];
                snprintf(message, sizeof message, "there was no %d %s last year",
                         p->date_day, month_names[p->date_month - 1]);
                fail(out, message);
                return -1;
            }
        }
        *day = d;
    } else {
        *day = today;
    }
    return 0;
}

/* The second instant the clocks show date hour:minute, after `first`, in
 * the hour they go back (30 minutes back on Lord Howe Island); else
 * `first`. */
static int64_t repeated_time(clock_zone *zone, int64_t first, clock_date date,
                             int hour, int minute) {
    for (int back = 30; back <= 60; back += 30) {
        clock_local again;
        int64_t at = first + back * MINUTE_MS;
        clock_to_local(zone, at, &again);
        if (clock_date_cmp(again.date, date) == 0 && again.hour == hour &&
            again.minute == minute)
            return at;
    }
    return first;
}

/* A schedule (#17): when it is first due. AT: the first instant after now
 * at which the zone's clocks show the time (any of its readings). */
static void schedule_due(const phrase *p, clock_zone *zone, int64_t now_ms,
                         resolved *out) {
    out->schedule = p->schedule;
    out->schedule_minutes = p->schedule_minutes;
    switch (p->schedule) {
    case PHRASE_SCHEDULE_IN:
        if (p->intent == PHRASE_REMIND)
            out->due_ms = floor_to_minute(now_ms) + (int64_t)p->schedule_minutes * MINUTE_MS;
        return;
    case PHRASE_SCHEDULE_EVERY:
        out->due_ms = floor_to_minute(now_ms) + (int64_t)p->schedule_minutes * MINUTE_MS;
        return;
    case PHRASE_SCHEDULE_AT: {
        int hours[2], n = hour_readings(p, hours);
        if (p->intent == PHRASE_SUMMARY && n == 2) {
            char m[PHRASE_MESSAGE_MAX + 1];
            snprintf(m, sizeof m,
                     "a summary every day at %d:%02d: morning or evening? Try "
                     "like \"summary at %d:%02dpm\"",
                     p->hour, p->minute, p->hour, p->minute);
            fail(out, m);
            return;
        }
        clock_local now;
        clock_to_local(zone, now_ms, &now);
        int64_t best = 0;
        for (int i = 0; i < n; i++) {
            for (int d = 0; d <= 2; d++) { /* today, else the next day */
                clock_date date = clock_date_add(now.date, d);
                int64_t at = clock_from_local(zone, date, hours[i], p->minute);
                /* the hour the clocks go back shows its times twice: a
                 * reminder at the second, when the first has passed */
                if (at <= now_ms && p->intent == PHRASE_REMIND)
                    at = repeated_time(zone, at, date, hours[i], p->minute);
                if (at > now_ms) {
                    if (best == 0 || at < best) {
                        best = at;
                        out->hour = hours[i];
                    }
                    break;
                }
            }
        }
        out->minute = p->minute;
        out->due_ms = best;
        return;
    }
    default:
        return;
    }
}

void resolve_phrase(const phrase *p, clock_zone *zone, int64_t now_ms,
                    resolved *out) {
    clock_local now, at;
    char err[PHRASE_MESSAGE_MAX + 1];

    memset(out, 0, sizeof *out);
    out->intent = p->intent;
    switch (p->intent) {
    case PHRASE_ERROR:
        memcpy(out->message, p->message, sizeof out->message);
        return;
    case PHRASE_RECORD: {
        int range_min = 0;
        clock_to_local(zone, now_ms, &now);
        if (p->range && p->time == PHRASE_TIME_CLOCK) {
            if (range_instant(p, zone, now_ms, &now, &out->at_ms, &range_min, out) != 0)
                return;
        } else if (feeding_instant(p, zone, now_ms, &now, &out->at_ms, out) != 0) {
            return;
        }
        if (now_ms - out->at_ms > PHRASE_REACH_MS) { /* the stores rely on it */
            fail(out, "that is too long ago: a feeding can be recorded up to "
                      "yesterday, or 48 hours ago");
            return;
        }
        clock_to_local(zone, out->at_ms, &at);
        at.second = 0;
        clock_format_rfc3339(&at, out->at);
        clock_format_date(at.date, out->day); /* rule 6 */
        out->amount_ml = p->amount_ml;
        out->kind = p->kind;
        out->both = p->both;
        memcpy(out->sides, p->sides, sizeof out->sides);
        out->left_min = p->left_min;
        out->right_min = p->right_min;
        out->minutes = p->minutes;
        if (p->range) {
            out->minutes = range_min;
            /* one side: all of it was that side's */
            if (strcmp(out->sides, "L") == 0) out->left_min = range_min;
            if (strcmp(out->sides, "R") == 0) out->right_min = range_min;
        }
        memcpy(out->note, p->note, sizeof out->note);
        return;
    }
    case PHRASE_BABIES:
        memcpy(out->note, p->note, sizeof out->note);
        return;
    case PHRASE_TOTAL: {
        clock_to_local(zone, now_ms, &now);
        clock_date day;
        if (asked_day(p, now.date, &day, out) != 0) return;
        clock_format_date(day, out->day);
        return;
    }
    case PHRASE_SINCE:
        out->hours = p->hours;
        out->since_ms = now_ms - (int64_t)p->hours * 3600 * 1000;
        clock_to_local(zone, out->since_ms, &at);
        at.second = 0;
        clock_format_rfc3339(&at, out->since);
        return;
    case PHRASE_WEEK:
        clock_to_local(zone, now_ms, &now);
        clock_format_date(clock_date_add(now.date, -6), out->from);
        clock_format_date(now.date, out->to);
        return;
    case PHRASE_TIMEZONE:
        if (p->zone[0] &&
            clock_zone_canonical(p->zone, out->tz, sizeof out->tz, err,
                                 sizeof err) != 0)
            fail(out, err);
        return;
    case PHRASE_GREETING:
        out->greeting = p->greeting;
        return;
    case PHRASE_UNITS:
        out->units = p->units;
        return;
    case PHRASE_REMIND:
    case PHRASE_ALERT:
    case PHRASE_SUMMARY:
        schedule_due(p, zone, now_ms, out);
        if (out->intent != PHRASE_ERROR && out->due_ms) {
            clock_to_local(zone, out->due_ms, &at);
            at.second = 0;
            clock_format_rfc3339(&at, out->due);
        }
        return;
    case PHRASE_CORRECT: /* the amount only: the feeding keeps its time */
        out->amount_ml = p->amount_ml;
        out->was_ml = p->was_ml;
        return;
    default: /* last, undo, help: nothing to place in time */
        return;
    }
}
