/* posix_tz.c -- POSIX TZ strings (the TZif footer) and ICU's rule for them.
 *
 * The grammar is POSIX's with RFC 8536's extensions: names in angle
 * brackets ("<+0330>"), and rule times from -167 to 167 hours ("M3.4.4/50":
 * the Saturday after the fourth Thursday, 02:00). ICU's SimpleTimeZone wants
 * a time between 0 and 24 h, so such a rule is restated as a weekday on or
 * after (or on or before) a day of the month, the way ICU's own converter
 * writes Israel's rule. */
#include "posix_tz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: days since 1970-01-01. */
int64_t tz_days_from_civil(int year, int month, int day) {
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int tz_year_of(int64_t seconds) {
    int64_t z = (seconds >= 0 ? seconds : seconds - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (int)(yoe + era * 400 + (month <= 2));
}

static int is_leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int month_length(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* A zone name: "CET", or "<-03>" in angle brackets. */
static const char *parse_name(const char *p) {
    if (*p == '<') {
        const char *close = strchr(p, '>');
        return close && close > p + 1 ? close + 1 : NULL;
    }
    const char *start = p;
    while (isalpha((unsigned char)*p)) p++;
    return p - start >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536). */
static const char *parse_hms(const char *p, int32_t *seconds) {
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p)) return NULL;
    long part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (*p != ':') break;
            p++;
        }
        if (!isdigit((unsigned char)*p)) return NULL;
        char *end;
        part[i] = strtol(p, &end, 10);
        p = end;
    }
    if (part[0] > 167 || part[1] > 59 || part[2] > 59) return NULL;
    *seconds = (int32_t)(sign * (part[0] * 3600 + part[1] * 60 + part[2]));
    return p;
}

static const char *parse_date(const char *p, posix_date *d) {
    if (*p != 'M') return NULL; /* "Jn" and "n": unused by tzdata */
    char *end;
    d->month = (int)strtol(p + 1, &end, 10);
    if (*end != '.') return NULL;
    d->week = (int)strtol(end + 1, &end, 10);
    if (*end != '.') return NULL;
    d->weekday = (int)strtol(end + 1, &end, 10);
    if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 ||
        d->weekday < 0 || d->weekday > 6)
        return NULL;
    p = end;
    d->time = 7200;
    if (*p == '/') p = parse_hms(p + 1, &d->time);
    return p;
}

int posix_tz_parse(const char *text, posix_tz *out) {
    memset(out, 0, sizeof *out);
    int32_t offset;
    const char *p = parse_name(text);
    if (p == NULL || (p = parse_hms(p, &offset)) == NULL) return -1;
    out->std_utoff = -offset; /* POSIX counts hours west of Greenwich */
    if (*p == '\0') return 0;
    if ((p = parse_name(p)) == NULL) return -1;
    out->has_dst = 1;
    out->dst_utoff = out->std_utoff + 3600;
    if (*p != ',' && *p != '\0') {
        if ((p = parse_hms(p, &offset)) == NULL) return -1;
        out->dst_utoff = -offset;
    }
    if (*p++ != ',' || (p = parse_date(p, &out->start)) == NULL) return -1;
    if (*p++ != ',' || (p = parse_date(p, &out->end)) == NULL) return -1;
    return *p == '\0' ? 0 : -1;
}

/* Day of the month of `d` in `year`. */
static int day_of_month(int year, const posix_date *d) {
    int first_weekday = (int)(((tz_days_from_civil(year, d->month, 1) % 7) + 11) % 7);
    int day = 1 + (d->weekday - first_weekday + 7) % 7 + 7 * (d->week - 1);
    while (day > month_length(year, d->month)) day -= 7; /* week 5: the last */
    return day;
}

static int64_t date_at(int year, const posix_date *d, int32_t utoff_before) {
    int64_t local = tz_days_from_civil(year, d->month, day_of_month(year, d)) * 86400 +
                    d->time;
    return local - utoff_before;
}

void posix_tz_year(const posix_tz *tz, int year, int64_t at[2],
                   int32_t utoff_after[2]) {
    /* a start time is standard wall time, an end time daylight wall time */
    int64_t start = date_at(year, &tz->start, tz->std_utoff);
    int64_t end = date_at(year, &tz->end, tz->dst_utoff);
    int start_first = start < end;
    at[0] = start_first ? start : end;
    at[1] = start_first ? end : start;
    utoff_after[0] = start_first ? tz->dst_utoff : tz->std_utoff;
    utoff_after[1] = start_first ? tz->std_utoff : tz->dst_utoff;
}

/* One half of ICU's rule: month (0-11), day, day-of-week, time, mode.
 * Day/day-of-week encode SimpleTimeZone's modes: (w, dow) the w-th weekday,
 * (-1, dow) the last, (dom, -dow) on or after dom, (-dom, -dow) on or
 * before dom; ICU's weekdays count from 1 = Sunday. */
static int icu_half(const posix_date *d, int32_t out[5]) {
    static const int shortest[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = shortest[d->month - 1];
    out[0] = d->month - 1;
    out[4] = 0; /* WALL_TIME, as POSIX states both times */
    if (d->time >= 0 && d->time <= 86400) {
        out[1] = d->week == 5 ? -1 : d->week;
        out[2] = d->weekday + 1;
        out[3] = d->time;
        return 0;
    }
    /* move whole days out of the time and onto the weekday */
    int32_t days = d->time >= 0 ? d->time / 86400 : -((-d->time + 86399) / 86400);
    int weekday = ((d->weekday + days) % 7 + 7) % 7;
    out[2] = -(weekday + 1);
    out[3] = d->time - days * 86400;
    if (d->week < 5) {
        int first = 7 * (d->week - 1) + 1 + days;
        if (first < 1 || first + 6 > len) return -1;
        out[1] = first;
    } else {
        int last = len + days;
        if (d->month == 2 || days > 0 || last - 6 < 1) return -1;
        out[1] = -last;
    }
    return 0;
}

int posix_tz_to_icu(const posix_tz *tz, int32_t rule[11], int32_t *raw) {
    if (!tz->has_dst) return -1;
    const posix_date *start = &tz->start, *end = &tz->end;
    *raw = tz->std_utoff;
    int32_t saving = tz->dst_utoff - tz->std_utoff;
    if (saving < 0) {
        /* "negative daylight saving" (Ireland: IST in summer is standard,
         * GMT in winter is "daylight"): ICU wants a positive saving, so the
         * roles swap, and each rule's time stays in the wall clock it was
         * written in */
        *raw = tz->dst_utoff;
        saving = -saving;
        start = &tz->end;
        end = &tz->start;
    }
    if (saving == 0 || icu_half(start, rule) != 0 || icu_half(end, rule + 5) != 0)
        return -1;
    rule[10] = saving;
    return 0;
}
