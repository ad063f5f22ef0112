/* clock.h -- instants, local times and time zones (ICU's ucal).
 *
 * Everything the bot knows about time goes through here: finding a zone from
 * what a person typed, turning an instant into the local wall clock and back
 * (daylight saving gaps and overlaps included), and reading and writing
 * RFC 3339. Instants are milliseconds since the Unix epoch (UTC).
 *
 * ICU pitfalls handled here (see NOTES.md): unknown ids silently become GMT,
 * ids are matched case-sensitively and canonicalised to CLDR's spelling
 * (Asia/Calcutta), and a repeated local time defaults to its *later*
 * occurrence. */
#ifndef MILKBOT_CLOCK_H
#define MILKBOT_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLOCK_ZONE_ID_MAX 64
#define CLOCK_RFC3339_MAX 32 /* "2026-11-28T12:00:00+08:00" and NUL */
#define CLOCK_DATE_MAX 11    /* "2026-11-28" and NUL */

typedef struct clock_zone clock_zone;

/* A local calendar date, proleptic Gregorian. */
typedef struct {
    int year, month, day; /* month 1-12, day 1-31 */
} clock_date;

/* A local wall-clock time and the UTC offset in effect at that instant. */
typedef struct {
    clock_date date;
    int hour, minute, second;
    int offset_seconds; /* local = UTC + offset */
} clock_local;

/* Checks once per process that ICU's zone data is there and right: the rules
 * built from the machine's tzdata installed (ICU's own are older), and a
 * known offset right (without zone data ICU silently computes every zone as
 * GMT). Returns 0, or -1 with a message in err. */
int clock_init(char *err, size_t errlen);

/* The version of the zone rules in use ("2025b": the tzdata they were built
 * from, see tools/tzif2icu), "none" when they could not be installed; and
 * ICU's version ("72.1"). */
const char *clock_zone_rules_version(void);
const char *clock_icu_version(void);

/* The canonical IANA id for what a person typed: case-insensitive, links
 * resolved ("asia/calcutta" -> "Asia/Kolkata", "US/Eastern" ->
 * "America/New_York", "utc" -> "UTC"), and a city alone when it names one
 * zone ("singapore", "new york"). Returns 0, or -1 with a message. */
int clock_zone_canonical(const char *typed, char *id, size_t idlen,
                         char *err, size_t errlen);

/* Opens the zone named by `typed` (as for clock_zone_canonical). Returns NULL
 * with a message in err when unknown. Close with clock_zone_close. */
clock_zone *clock_zone_open(const char *typed, char *err, size_t errlen);
void clock_zone_close(clock_zone *zone);
const char *clock_zone_id(const clock_zone *zone);

/* The local time at instant `utc_ms`. */
void clock_to_local(clock_zone *zone, int64_t utc_ms, clock_local *out);

/* The instant at which the zone's clocks show `date` hour:minute. A time in a
 * spring-forward gap moves forward by the gap; a time that occurs twice
 * (fall back) gives the first occurrence. */
int64_t clock_from_local(clock_zone *zone, clock_date date, int hour,
                         int minute);

/* The first instant after `after_ms` at which the zone's clocks show
 * hour:minute (a time they skip: moved forward by the gap, as above). */
int64_t clock_next_local(clock_zone *zone, int64_t after_ms, int hour, int minute);

/* Calendar arithmetic on dates: `date` moved by `days`. */
clock_date clock_date_add(clock_date date, int days);
/* Days from `a` to `b` (b - a). */
int64_t clock_date_diff(clock_date a, clock_date b);
/* 0 = Sunday ... 6 = Saturday. */
int clock_weekday(clock_date date);
/* Sorts dates: <0, 0, >0. */
int clock_date_cmp(clock_date a, clock_date b);

/* "2026-11-28T12:00:00+08:00" (seconds as in `t`; UTC is "+00:00"). */
void clock_format_rfc3339(const clock_local *t, char out[CLOCK_RFC3339_MAX]);
/* "2026-11-28T04:00:00.000Z": an instant in UTC, millisecond precision,
 * fixed width so that such strings sort as the instants do. */
void clock_format_utc_ms(int64_t utc_ms, char out[CLOCK_RFC3339_MAX]);
/* "2026-11-28" */
void clock_format_date(clock_date date, char out[CLOCK_DATE_MAX]);

/* Reads an RFC 3339 instant ("2026-11-28T15:00:00+08:00", "...Z", optional
 * fraction of a second). Returns 0, or -1 when it is not one. */
int clock_parse_rfc3339(const char *text, int64_t *utc_ms);

/* The real clock, in milliseconds since the epoch. */
int64_t clock_now_ms(void);

#endif
