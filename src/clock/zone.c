/* zone.c -- time zones through ICU's C calendar API (ucal).
 *
 * One UCalendar per open zone, reused for every conversion: opening one costs
 * far more than using it. Zone names are matched by us, not ICU, because
 * ucal_open accepts any string and silently computes unknown zones as GMT. */
#include "clock.h"
#include "zone_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

struct clock_zone {
    char id[CLOCK_ZONE_ID_MAX];
    UCalendar *cal;
};

/* ICU 72 canonicalises to CLDR's ids, which keep some names that IANA has
 * since renamed; ICU 74's ucal_getIanaTimeZoneID has this table built in
 * (CLDR's ianaMap). Ours is CLDR 44's list. */
static const struct { const char *cldr, *iana; } cldr_to_iana[] = {
    {"Africa/Asmera", "Africa/Asmara"},
    {"America/Buenos_Aires", "America/Argentina/Buenos_Aires"},
    {"America/Catamarca", "America/Argentina/Catamarca"},
    {"America/Coral_Harbour", "America/Atikokan"},
    {"America/Cordoba", "America/Argentina/Cordoba"},
    {"America/Godthab", "America/Nuuk"},
    {"America/Indianapolis", "America/Indiana/Indianapolis"},
    {"America/Jujuy", "America/Argentina/Jujuy"},
    {"America/Louisville", "America/Kentucky/Louisville"},
    {"America/Mendoza", "America/Argentina/Mendoza"},
    {"Asia/Calcutta", "Asia/Kolkata"},
    {"Asia/Katmandu", "Asia/Kathmandu"},
    {"Asia/Rangoon", "Asia/Yangon"},
    {"Asia/Saigon", "Asia/Ho_Chi_Minh"},
    {"Atlantic/Faeroe", "Atlantic/Faroe"},
    {"Europe/Kiev", "Europe/Kyiv"},
    {"Pacific/Enderbury", "Pacific/Kanton"},
    {"Pacific/Ponape", "Pacific/Pohnpei"},
    {"Pacific/Truk", "Pacific/Chuuk"},
    {"Etc/UTC", "UTC"}, /* the phrase contract answers "UTC" */
};

static void to_uchars(const char *s, UChar *out, size_t outlen) {
    size_t n = strlen(s);
    if (n >= outlen) n = outlen - 1;
    u_charsToUChars(s, out, (int32_t)n);
    out[n] = 0;
}

/* ICU's canonical id for an exact system id, in IANA's spelling. */
static int canonical_of(const char *exact, char *id, size_t idlen) {
    UChar in[CLOCK_ZONE_ID_MAX], out[CLOCK_ZONE_ID_MAX];
    UBool is_system = 0;
    UErrorCode status = U_ZERO_ERROR;
    to_uchars(exact, in, CLOCK_ZONE_ID_MAX);
    int32_t n = ucal_getCanonicalTimeZoneID(in, -1, out, CLOCK_ZONE_ID_MAX - 1,
                                            &is_system, &status);
    if (U_FAILURE(status) || !is_system || n <= 0 || n >= CLOCK_ZONE_ID_MAX)
        return -1;
    char cldr[CLOCK_ZONE_ID_MAX];
    u_UCharsToChars(out, cldr, n);
    cldr[n] = '\0';
    const char *name = cldr;
    for (size_t i = 0; i < sizeof cldr_to_iana / sizeof cldr_to_iana[0]; i++)
        if (strcmp(cldr, cldr_to_iana[i].cldr) == 0) name = cldr_to_iana[i].iana;
    if (strlen(name) >= idlen) return -1;
    strcpy(id, name);
    return 0;
}

/* Every zone name ICU knows, lower-cased and sorted, with its canonical IANA
 * id: built on the first lookup, because enumerating and canonicalising
 * ICU's ~600 names costs about a millisecond, far too much per "tz" message. */
typedef struct {
    char key[CLOCK_ZONE_ID_MAX];       /* lower case */
    char canonical[CLOCK_ZONE_ID_MAX]; /* IANA spelling */
} zone_name;

static zone_name *zone_names;
static size_t zone_count;

static void lower_key(const char *typed, char *key, size_t keylen) {
    size_t i = 0;
    for (; typed[i] && i + 1 < keylen; i++) {
        char c = typed[i] == ' ' ? '_' : typed[i];
        key[i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
    }
    key[i] = '\0';
}

static int zone_name_cmp(const void *a, const void *b) {
    return strcmp(((const zone_name *)a)->key, ((const zone_name *)b)->key);
}

static int zone_names_load(void) {
    if (zone_names) return 0;
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *ids =
        ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_ANY, NULL, NULL, &status);
    if (U_FAILURE(status)) return -1;
    int32_t total = uenum_count(ids, &status);
    zone_name *names = U_SUCCESS(status) && total > 0
                           ? calloc((size_t)total, sizeof *names)
                           : NULL;
    size_t n = 0;
    const char *zone;
    int32_t len;
    while (names && (zone = uenum_next(ids, &len, &status)) != NULL &&
           U_SUCCESS(status) && n < (size_t)total) {
        if (len >= CLOCK_ZONE_ID_MAX ||
            canonical_of(zone, names[n].canonical, CLOCK_ZONE_ID_MAX) != 0)
            continue;
        lower_key(zone, names[n].key, CLOCK_ZONE_ID_MAX);
        n++;
    }
    uenum_close(ids);
    if (names == NULL || n == 0) {
        free(names);
        return -1;
    }
    qsort(names, n, sizeof *names, zone_name_cmp);
    zone_names = names;
    zone_count = n;
    return 0;
}

/* The canonical id of a full name, or of a city alone when it names exactly
 * one canonical zone ("singapore", "new york"); NULL when none. */
static const char *zone_lookup(const char *typed) {
    zone_name probe = {0};
    lower_key(typed, probe.key, sizeof probe.key);
    const zone_name *hit =
        bsearch(&probe, zone_names, zone_count, sizeof *zone_names,
                zone_name_cmp);
    if (hit) return hit->canonical;
    if (strchr(probe.key, '/')) return NULL;
    const char *found = NULL;
    for (size_t i = 0; i < zone_count; i++) {
        const char *slash = strrchr(zone_names[i].key, '/');
        if (slash == NULL || strcmp(slash + 1, probe.key) != 0) continue;
        if (found && strcmp(found, zone_names[i].canonical) != 0)
            return NULL; /* two different zones: ambiguous */
        found = zone_names[i].canonical;
    }
    return found;
}

int clock_zone_canonical(const char *typed, char *id, size_t idlen,
                         char *err, size_t errlen) {
    if (clock_zone_rules_install(err, errlen) != 0) return -1;
    const char *found = NULL;
    char exact[CLOCK_ZONE_ID_MAX];
    size_t typed_len = strlen(typed);
    /* an id spelled exactly as ICU knows it needs no table: the common
     * case, and at a Lambda cold start the table's millisecond counts */
    if (typed_len > 0 && typed_len < CLOCK_ZONE_ID_MAX && strchr(typed, ' ') == NULL &&
        canonical_of(typed, exact, sizeof exact) == 0)
        found = exact;
    else if (typed_len > 0 && typed_len < CLOCK_ZONE_ID_MAX &&
             zone_names_load() == 0)
        found = zone_lookup(typed);
    if (found == NULL || strlen(found) >= idlen) {
        if (err)
            snprintf(err, errlen,
                     "unknown time zone \"%.*s\" (use a name like "
                     "\"Europe/London\" or \"Asia/Singapore\")",
                     CLOCK_ZONE_ID_MAX, typed);
        return -1;
    }
    strcpy(id, found);
    return 0;
}

clock_zone *clock_zone_open(const char *typed, char *err, size_t errlen) {
    char id[CLOCK_ZONE_ID_MAX];
    if (clock_zone_canonical(typed, id, sizeof id, err, errlen) != 0)
        return NULL;
    clock_zone *zone = calloc(1, sizeof *zone);
    if (zone == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    strcpy(zone->id, id);
    UChar uid[CLOCK_ZONE_ID_MAX];
    to_uchars(id, uid, CLOCK_ZONE_ID_MAX);
    UErrorCode status = U_ZERO_ERROR;
    zone->cal = ucal_open(uid, -1, "en_US_POSIX", UCAL_GREGORIAN, &status);
    if (U_FAILURE(status) || status == U_USING_FALLBACK_WARNING) {
        snprintf(err, errlen, "time zone \"%s\" could not be loaded: %s", id,
                 u_errorName(status));
        if (zone->cal) ucal_close(zone->cal);
        free(zone);
        return NULL;
    }
    /* ICU's default for a repeated wall time is the later occurrence; the
     * phrase contract wants the first. A skipped time keeps ICU's default
     * (WALLTIME_LAST), which moves it forward by the gap. */
    ucal_setAttribute(zone->cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    ucal_setAttribute(zone->cal, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_LAST);
    ucal_setAttribute(zone->cal, UCAL_LENIENT, 1);
    return zone;
}

void clock_zone_close(clock_zone *zone) {
    if (zone == NULL) return;
    ucal_close(zone->cal);
    free(zone);
}

const char *clock_zone_id(const clock_zone *zone) { return zone->id; }

void clock_to_local(clock_zone *zone, int64_t utc_ms, clock_local *out) {
    UErrorCode status = U_ZERO_ERROR;
    UCalendar *cal = zone->cal;
    ucal_setMillis(cal, (UDate)utc_ms, &status);
    out->date.year = ucal_get(cal, UCAL_EXTENDED_YEAR, &status);
    out->date.month = ucal_get(cal, UCAL_MONTH, &status) + 1;
    out->date.day = ucal_get(cal, UCAL_DATE, &status);
    out->hour = ucal_get(cal, UCAL_HOUR_OF_DAY, &status);
    out->minute = ucal_get(cal, UCAL_MINUTE, &status);
    out->second = ucal_get(cal, UCAL_SECOND, &status);
    out->offset_seconds = (ucal_get(cal, UCAL_ZONE_OFFSET, &status) +
                           ucal_get(cal, UCAL_DST_OFFSET, &status)) /
                          1000;
}

int64_t clock_from_local(clock_zone *zone, clock_date date, int hour,
                         int minute) {
    UErrorCode status = U_ZERO_ERROR;
    UCalendar *cal = zone->cal;
    ucal_clear(cal);
    ucal_set(cal, UCAL_EXTENDED_YEAR, date.year);
    ucal_set(cal, UCAL_MONTH, date.month - 1);
    ucal_set(cal, UCAL_DATE, date.day);
    ucal_set(cal, UCAL_HOUR_OF_DAY, hour);
    ucal_set(cal, UCAL_MINUTE, minute);
    return (int64_t)ucal_getMillis(cal, &status);
}

int clock_init(char *err, size_t errlen) {
    if (clock_zone_rules_check(err, errlen) != 0) return -1;
    /* 2026-01-15T12:00:00Z is 07:00 in New York (UTC-5); with missing zone
     * data ICU would answer 12:00 (GMT) without any error. */
    clock_zone *ny = clock_zone_open("America/New_York", err, errlen);
    if (ny == NULL) return -1;
    clock_local t;
    clock_to_local(ny, 1768478400000LL, &t);
    clock_zone_close(ny);
    if (t.offset_seconds != -5 * 3600 || t.hour != 7) {
        snprintf(err, errlen, "ICU's time zone data is missing or wrong "
                 "(New York's offset came out as %d s)", t.offset_seconds);
        return -1;
    }
    return 0;
}

int64_t clock_next_local(clock_zone *zone, int64_t after_ms, int hour, int minute) {
    clock_local now;
    clock_to_local(zone, after_ms, &now);
    for (int d = 0; d <= 2; d++) {
        int64_t at = clock_from_local(zone, clock_date_add(now.date, d), hour, minute);
        if (at > after_ms) return at;
    }
    return after_ms + 24 * 3600 * 1000LL; /* not reached: every day has the time */
}
