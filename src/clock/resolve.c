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

/* A time range's end: the first instant after the start showing the
 * end's clock time (either half of the day when written without am/pm),
 * on the zone's clock, so a session across a change of the clocks counts
 * the minutes that really passed. Returns the minutes, or -1 with out's
 * message set. */
static int range_minutes(const phrase *p, clock_zone *zone, int64_t start_ms,
                         int64_t now_ms, resolved *out) {
    clock_local start;
    clock_to_local(zone, start_ms, &start);
    int hours[2] = {p->end_hour, p->end_hour % 12 + 12}, n = 1;
    if (p->end_clock == PHRASE_CLOCK_BARE) {
        hours[0] = p->end_hour % 12;
        n = 2;
    }
    int64_t best = INT64_MAX;
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < n; i++) {
            int64_t t = clock_from_local(zone, clock_date_add(start.date, d), hours[i],
                                         p->end_minute);
            if (t > start_ms && t < best) best = t;
        }
    int64_t minutes = (best - start_ms) / MINUTE_MS;
    char message[PHRASE_MESSAGE_MAX + 1];
    if (best == INT64_MAX || minutes > PHRASE_NURSE_MAX_MINUTES) {
        clock_local end;
        clock_to_local(zone, best, &end);
        snprintf(message, sizeof message, "a nursing session from %02d:%02d to %02d:%02d "
                 "would be %lld minutes: at most %d; check the times", start.hour,
                 start.minute, end.hour, end.minute, (long long)minutes,
                 PHRASE_NURSE_MAX_MINUTES);
        fail(out, message);
        return -1;
    }
    if (best - now_ms > RESOLVE_FUTURE_TOLERANCE_MS) {
        clock_local now;
        clock_to_local(zone, now_ms, &now);
        snprintf(message, sizeof message, "can't record a session that ends in the "
                 "future: %02d:%02d is later than now (%02d:%02d)", p->end_hour,
                 p->end_minute, now.hour, now.minute);
        fail(out, message);
        return -1;
    }
    return (int)minutes;
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
    case PHRASE_RECORD:
        clock_to_local(zone, now_ms, &now);
        if (feeding_instant(p, zone, now_ms, &now, &out->at_ms, out) != 0)
            return;
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
            int minutes = range_minutes(p, zone, out->at_ms, now_ms, out);
            if (minutes < 0) return;
            out->minutes = minutes;
            /* one side: all of it was that side's */
            if (strcmp(out->sides, "L") == 0) out->left_min = minutes;
            if (strcmp(out->sides, "R") == 0) out->right_min = minutes;
        }
        memcpy(out->note, p->note, sizeof out->note);
        return;
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
    case PHRASE_CORRECT: /* the amount only: the feeding keeps its time */
        out->amount_ml = p->amount_ml;
        out->was_ml = p->was_ml;
        return;
    default: /* last, undo, help: nothing to place in time */
        return;
    }
}
