/* clock_test.c -- time zones, local/UTC conversion and resolution edge cases
 * that the corpus cannot state as one phrase. */
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static int64_t at(const char *rfc3339) {
    int64_t ms;
    assert_int_equal(clock_parse_rfc3339(rfc3339, &ms), 0);
    return ms;
}

static void test_parse_rfc3339(void **state) {
    (void)state;
    int64_t ms;
    assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(at("2026-11-28T15:00:00+08:00"), at("2026-11-28T07:00:00Z"));
    assert_int_equal(at("2026-11-28t07:00:00.250z"), at("2026-11-28T07:00:00Z") + 250);
    assert_int_equal(at("2026-11-28 07:00:00-05:45"), at("2026-11-28T12:45:00Z"));
    assert_int_equal(at("2028-02-29T00:00:00Z") + 86400000, at("2028-03-01T00:00:00Z"));
    static const char *const bad[] = {
        "", "2026-11-28", "2026-11-28T15:00:00", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T15:00Z",
        "2026-11-28T15:00:00+8:00", "2026-11-28T15:00:00Zjunk", "1969-12-31T23:59:59Z",
        "2026-11-28T15:00:00.Z", "yesterday",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (clock_parse_rfc3339(bad[i], &ms) == 0) {
            print_error("\"%s\" was accepted\n", bad[i]);
            fail();
        }
}

static void test_date_arithmetic(void **state) {
    (void)state;
    char buf[CLOCK_DATE_MAX];
    clock_format_date(clock_date_add((clock_date){2028, 3, 1}, -1), buf);
    assert_string_equal(buf, "2028-02-29");
    clock_format_date(clock_date_add((clock_date){2100, 3, 1}, -1), buf);
    assert_string_equal(buf, "2100-02-28"); /* not a leap year */
    clock_format_date(clock_date_add((clock_date){2026, 12, 31}, 1), buf);
    assert_string_equal(buf, "2027-01-01");
    clock_format_date(clock_date_add((clock_date){2027, 1, 2}, -6), buf);
    assert_string_equal(buf, "2026-12-27");
}

static void test_zone_names(void **state) {
    (void)state;
    static const struct { const char *typed, *id; } names[] = {
        {"Asia/Singapore", "Asia/Singapore"},
        {"asia/singapore", "Asia/Singapore"},
        {"Asia/Calcutta", "Asia/Kolkata"},   /* CLDR's id, IANA's answer */
        {"ASIA/KOLKATA", "Asia/Kolkata"},
        {"US/Eastern", "America/New_York"},
        {"UTC", "UTC"},
        {"Etc/UTC", "UTC"},
        {"Europe/Kiev", "Europe/Kyiv"},
        {"Europe/Kyiv", "Europe/Kyiv"},
        {"America/Ciudad_Juarez", "America/Ciudad_Juarez"}, /* tzdata 2022g */
        {"ciudad juarez", "America/Ciudad_Juarez"},
        {"America/Coyhaique", "America/Coyhaique"},          /* tzdata 2025a */
        {"IST", "Asia/Kolkata"},             /* an id only ICU had */
        {"singapore", "Asia/Singapore"},     /* a city alone */
        {"new york", "America/New_York"},
        {"Kathmandu", "Asia/Kathmandu"},
    };
    char id[CLOCK_ZONE_ID_MAX], err[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(clock_zone_canonical(names[i].typed, id, sizeof id,
                                              err, sizeof err), 0);
        assert_string_equal(id, names[i].id);
    }
    static const char *const unknown[] = {"Nowhere/City", "", "asia", "Asia/",
                                          "/", "Asia/Singapore ", "Mars",
                                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_int_equal(clock_zone_canonical(unknown[i], id, sizeof id, err,
                                              sizeof err), -1);
        assert_non_null(strstr(err, "unknown time zone"));
    }
    assert_null(clock_zone_open("Nowhere/City", err, sizeof err));
}

static void expect_local(const char *zone_name, const char *utc,
                         const char *local) {
    char err[256], buf[CLOCK_RFC3339_MAX];
    clock_zone *zone = clock_zone_open(zone_name, err, sizeof err);
    if (zone == NULL) {
        print_error("%s: %s\n", zone_name, err);
        fail();
    }
    clock_local t;
    clock_to_local(zone, at(utc), &t);
    clock_format_rfc3339(&t, buf);
    clock_zone_close(zone);
    if (strcmp(buf, local) != 0) {
        print_error("%s at %s: %s, expected %s\n", zone_name, utc, buf, local);
        fail();
    }
}

/* Clocks that changed after ICU 72's built-in rules (tzdata 2022e): the
 * rules come from the machine's tzdata (tools/tzif2icu). */
static void test_rules_newer_than_icu(void **state) {
    (void)state;
    /* Mexico abolished daylight saving in October 2022 */
    expect_local("America/Mexico_City", "2026-07-15T12:00:00Z", "2026-07-15T06:00:00-06:00");
    /* Egypt brought it back in 2023: last Friday of April to last
     * Thursday of October */
    expect_local("Africa/Cairo", "2026-07-15T12:00:00Z", "2026-07-15T15:00:00+03:00");
    expect_local("Africa/Cairo", "2026-01-15T12:00:00Z", "2026-01-15T14:00:00+02:00");
    /* Paraguay: -03:00 all year since October 2024 */
    expect_local("America/Asuncion", "2026-07-15T12:00:00Z", "2026-07-15T09:00:00-03:00");
    /* Kazakhstan: one zone, +05:00, since March 2024 */
    expect_local("Asia/Almaty", "2026-07-15T12:00:00Z", "2026-07-15T17:00:00+05:00");
    /* Ciudad Juarez follows the US rules on Mountain Time */
    expect_local("America/Ciudad_Juarez", "2026-07-15T12:00:00Z", "2026-07-15T06:00:00-06:00");
    expect_local("America/Ciudad_Juarez", "2026-01-15T12:00:00Z", "2026-01-15T05:00:00-07:00");
    /* Ireland's "negative" daylight saving: the totals stay right */
    expect_local("Europe/Dublin", "2026-07-15T12:00:00Z", "2026-07-15T13:00:00+01:00");
    expect_local("Europe/Dublin", "2026-01-15T12:00:00Z", "2026-01-15T12:00:00+00:00");

    char err[256];
    clock_zone *cairo = clock_zone_open("Africa/Cairo", err, sizeof err);
    assert_non_null(cairo);
    /* 2026-04-24 (last Friday of April) 00:00 -> 01:00: 00:30 moves on */
    assert_int_equal(clock_from_local(cairo, (clock_date){2026, 4, 24}, 0, 30),
                     at("2026-04-24T01:30:00+03:00"));
    /* 2026-10-29 (last Thursday of October) 24:00 -> 23:00: 23:30 twice */
    assert_int_equal(clock_from_local(cairo, (clock_date){2026, 10, 29}, 23, 30),
                     at("2026-10-29T23:30:00+03:00"));
    clock_zone_close(cairo);
    assert_string_not_equal(clock_zone_rules_version(), "none");
    assert_string_not_equal(clock_zone_rules_version(), "2022e");
}

/* The gap moves forward; the overlap takes the first occurrence. */
static void test_dst_conversions(void **state) {
    (void)state;
    char err[256];
    clock_zone *ny = clock_zone_open("America/New_York", err, sizeof err);
    assert_non_null(ny);
    assert_int_equal(clock_from_local(ny, (clock_date){2026, 3, 8}, 2, 30),
                     at("2026-03-08T03:30:00-04:00"));
    assert_int_equal(clock_from_local(ny, (clock_date){2026, 11, 1}, 1, 30),
                     at("2026-11-01T01:30:00-04:00"));
    assert_int_equal(clock_from_local(ny, (clock_date){2026, 11, 1}, 2, 0),
                     at("2026-11-01T02:00:00-05:00"));
    clock_local t;
    clock_to_local(ny, at("2026-11-01T06:30:00Z"), &t); /* second 01:30 */
    assert_int_equal(t.hour, 1);
    assert_int_equal(t.offset_seconds, -5 * 3600);
    char buf[CLOCK_RFC3339_MAX];
    clock_format_rfc3339(&t, buf);
    assert_string_equal(buf, "2026-11-01T01:30:00-05:00");
    clock_zone_close(ny);

    clock_zone *kathmandu = clock_zone_open("Asia/Kathmandu", err, sizeof err);
    clock_to_local(kathmandu, at("2026-11-28T00:00:00Z"), &t);
    clock_format_rfc3339(&t, buf);
    assert_string_equal(buf, "2026-11-28T05:45:00+05:45");
    clock_zone_close(kathmandu);

    clock_zone *honolulu = clock_zone_open("Pacific/Honolulu", err, sizeof err);
    clock_to_local(honolulu, at("2026-11-28T00:00:00Z"), &t);
    clock_format_rfc3339(&t, buf);
    assert_string_equal(buf, "2026-11-27T14:00:00-10:00");
    clock_zone_close(honolulu);
}

static void resolve_text(const char *text, const char *zone_name,
                         const char *now, resolved *r) {
    char err[256];
    clock_zone *zone = clock_zone_open(zone_name, err, sizeof err);
    assert_non_null(zone);
    phrase p;
    phrase_parse(text, strlen(text), &p);
    resolve_phrase(&p, zone, at(now), r);
    clock_zone_close(zone);
}

/* "Not more than 15 minutes after now": the exact now, seconds included. */
static void test_future_tolerance_boundary(void **state) {
    (void)state;
    resolved r;
    resolve_text("today 3:15pm 100ml", "UTC", "2026-11-28T15:00:00Z", &r);
    assert_int_equal(r.intent, PHRASE_RECORD);
    resolve_text("today 3:15pm 100ml", "UTC", "2026-11-28T14:59:59Z", &r);
    assert_int_equal(r.intent, PHRASE_ERROR);
    assert_non_null(strstr(r.message, "future"));
    /* without a day word the candidate is dropped, and yesterday's taken */
    resolve_text("3:15pm 100ml", "UTC", "2026-11-28T14:59:59Z", &r);
    assert_string_equal(r.at, "2026-11-27T15:15:00+00:00");
    resolve_text("3:15pm 100ml", "UTC", "2026-11-28T14:59:59.999Z", &r);
    assert_string_equal(r.at, "2026-11-27T15:15:00+00:00");
    resolve_text("3:15pm 100ml", "UTC", "2026-11-28T15:00:00Z", &r);
    assert_string_equal(r.at, "2026-11-28T15:15:00+00:00");
}

/* Times are truncated to the minute, never rounded. */
static void test_truncation(void **state) {
    (void)state;
    resolved r;
    resolve_text("120ml", "UTC", "2026-11-28T15:00:59.999Z", &r);
    assert_string_equal(r.at, "2026-11-28T15:00:00+00:00");
    assert_int_equal(r.at_ms, at("2026-11-28T15:00:00Z"));
    resolve_text("120ml 1 min ago", "UTC", "2026-11-28T15:00:59Z", &r);
    assert_string_equal(r.at, "2026-11-28T14:59:00+00:00");
}

/* The resolver keeps what the parser found and adds nothing else. */
static void test_errors_pass_through(void **state) {
    (void)state;
    resolved r;
    resolve_text("blah", "UTC", "2026-11-28T15:00:00Z", &r);
    assert_int_equal(r.intent, PHRASE_ERROR);
    assert_non_null(strstr(r.message, "\"blah\""));
    assert_int_equal(r.amount_ml, 0);
    resolve_text("tz nowhere", "UTC", "2026-11-28T15:00:00Z", &r);
    assert_int_equal(r.intent, PHRASE_ERROR);
    assert_string_equal(r.tz, "");
}

static int setup(void **state) {
    (void)state;
    char err[256];
    return clock_init(err, sizeof err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rfc3339),
        cmocka_unit_test(test_date_arithmetic),
        cmocka_unit_test(test_zone_names),
        cmocka_unit_test(test_dst_conversions),
        cmocka_unit_test(test_rules_newer_than_icu),
        cmocka_unit_test(test_future_tolerance_boundary),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_errors_pass_through),
    };
    return cmocka_run_group_tests_name("clock", tests, setup, NULL);
}
