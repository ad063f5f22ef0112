/* calendar.c -- dates and RFC 3339 text, with no time zone involved.
 *
 * Pure arithmetic on the proleptic Gregorian calendar (Howard Hinnant's
 * days-from-civil algorithms), so date maths such as "yesterday" never needs
 * ICU and cannot be wrong across month, year or leap-day boundaries. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static clock_date civil_from_days(int64_t z) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    clock_date date;
    date.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    date.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    date.year = (int)(yoe + era * 400 + (date.month <= 2));
    return date;
}

clock_date clock_date_add(clock_date date, int days) {
    return civil_from_days(days_from_civil(date.year, date.month, date.day) +
                           days);
}

/* Writes `value` as exactly `width` digits (the caller's range makes it fit).
 * By hand rather than snprintf: every record formats two of these, and
 * snprintf was a fifth of the resolver's time. */
static char *put_digits(char *p, unsigned value, int width) {
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

static char *put_date(char *p, clock_date date) {
    p = put_digits(p, (unsigned)date.year % 10000u, 4);
    *p++ = '-';
    p = put_digits(p, (unsigned)date.month % 100u, 2);
    *p++ = '-';
    return put_digits(p, (unsigned)date.day % 100u, 2);
}

int64_t clock_date_diff(clock_date a, clock_date b) {
    return days_from_civil(b.year, b.month, b.day) -
           days_from_civil(a.year, a.month, a.day);
}

int clock_weekday(clock_date date) {
    int64_t days = days_from_civil(date.year, date.month, date.day);
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

int clock_date_cmp(clock_date a, clock_date b) {
    int64_t d = clock_date_diff(b, a);
    return d < 0 ? -1 : d > 0;
}

void clock_format_date(clock_date date, char out[CLOCK_DATE_MAX]) {
    *put_date(out, date) = '\0';
}

void clock_format_rfc3339(const clock_local *t, char out[CLOCK_RFC3339_MAX]) {
    int off = t->offset_seconds;
    char *p = put_date(out, t->date);
    *p++ = 'T';
    p = put_digits(p, (unsigned)t->hour % 100u, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)t->minute % 100u, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)t->second % 100u, 2);
    *p++ = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    /* RFC 3339 offsets have minutes only; zones have had second-level
     * offsets only before 1972, which no feeding reaches. */
    p = put_digits(p, (unsigned)(off / 3600) % 100u, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(off / 60) % 60u, 2);
    *p = '\0';
}

static int digits(const char **p, int n, int *value) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *value = v;
    return 0;
}

static int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

void clock_format_utc_ms(int64_t utc_ms, char out[CLOCK_RFC3339_MAX]) {
    int64_t days = utc_ms >= 0 ? utc_ms / 86400000 : -((-utc_ms + 86399999) / 86400000);
    int64_t ms = utc_ms - days * 86400000;
    clock_date date = civil_from_days(days);
    char *p = put_date(out, date);
    *p++ = 'T';
    p = put_digits(p, (unsigned)(ms / 3600000), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(ms / 60000 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(ms / 1000 % 60), 2);
    *p++ = '.';
    p = put_digits(p, (unsigned)(ms % 1000), 3);
    *p++ = 'Z';
    *p = '\0';
}

int clock_parse_rfc3339(const char *s, int64_t *utc_ms) {
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    int64_t ms = 0;
    if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
        *s++ != '-' || digits(&s, 2, &d))
        return -1;
    if (*s != 'T' && *s != 't' && *s != ' ') return -1;
    s++;
    if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
        *s++ != ':' || digits(&s, 2, &sec))
        return -1;
    if (*s == '.') {
        int64_t scale = 100;
        s++;
        if (*s < '0' || *s > '9') return -1;
        while (*s >= '0' && *s <= '9') {
            ms += (*s++ - '0') * scale;
            scale /= 10;
        }
    }
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s++ == '-' ? -1 : 1;
        if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
            return -1;
    } else {
        return -1;
    }
    if (*s != '\0') return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
        return -1;
    if (sec == 60) sec = 59; /* a leap second names the instant before */
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec -
                   (int64_t)sign * (oh * 3600 + om * 60);
    *utc_ms = secs * 1000 + ms;
    return 0;
}

int64_t clock_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
