/* posix_tz.h -- the POSIX TZ strings that end TZif files, and their
 * translation into ICU's recurring daylight-saving rule.
 *
 * A footer such as "CET-1CEST,M3.5.0,M10.5.0/3" says how the zone's clocks
 * change every year after the file's last transition. Two readings of it are
 * kept apart on purpose: posix_tz_year computes the year's transitions by
 * POSIX's own definition (to find where the rule took over from the listed
 * transitions), and posix_tz_to_icu restates the rule in the terms of ICU's
 * SimpleTimeZone (what zoneinfo64's "Rules" hold). The all-zones test
 * compares ICU's answers with Python's zoneinfo, so a wrong restatement
 * shows there. */
#ifndef TZIF2ICU_POSIX_TZ_H
#define TZIF2ICU_POSIX_TZ_H

#include <stdint.h>

/* "Mm.w.d/time": day d (0 = Sunday) of week w (1-4, 5 = last) of month m,
 * at `time` seconds past local midnight (may be negative or past 24 h). */
typedef struct {
    int month, week, weekday;
    int32_t time;
} posix_date;

typedef struct {
    int32_t std_utoff, dst_utoff; /* seconds east of UTC */
    int has_dst;                  /* 0: a fixed offset all year */
    posix_date start, end;        /* into daylight time, back to standard */
} posix_tz;

/* Parses a TZ string. Returns 0, or -1 when it is malformed or uses a form
 * this tool does not handle (Julian days "Jn" and "n": no zone uses them). */
int posix_tz_parse(const char *text, posix_tz *out);

/* The year's two transitions in ascending order, as instants with the
 * offset that starts at each. Only for a zone with has_dst. */
void posix_tz_year(const posix_tz *tz, int year, int64_t at[2],
                   int32_t utoff_after[2]);

/* ICU's rule: the 11 numbers of a zoneinfo64 "Rules" entry (SimpleTimeZone's
 * start month, day, day-of-week, time, time mode, the same for the end, and
 * the saving, all times in seconds) and the standard offset ("finalRaw").
 * Returns 0, or -1 when ICU's modes cannot state the rule. */
int posix_tz_to_icu(const posix_tz *tz, int32_t rule[11], int32_t *raw);

/* Calendar helpers shared with the converter. */
int64_t tz_days_from_civil(int year, int month, int day);
int tz_year_of(int64_t seconds);

#endif
