/* fuzz_phrase.c -- libFuzzer harness: any bytes through parse, resolve and
 * JSON output, as `milkbot parse --json` and later the bot run them.
 *
 * Input layout: byte 0 picks the zone, byte 1 the clock (around DST
 * transitions too), the rest is the phrase. Besides crashes, leaks and UB
 * (the build adds ASan + UBSan), it checks what must hold for every input:
 * the output is valid JSON with a known intent, in valid UTF-8, and an
 * error always says something; and nothing is stored that was not
 * understood: a record's note never holds a digit (every number was read
 * as an amount or a time, or the phrase is an error), and a record -- or
 * a correction, whose amounts must be in range too -- needs a quantity in
 * the input (a digit, a fraction sign or a number word); a nursing session
 * has no amount, and its minutes add up (#16). */
#include "cli/resolved_json.h"
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"
#include "util/utf8.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zone_names[] = {
    "UTC", "Asia/Singapore", "America/New_York", "Europe/London",
    "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kathmandu",
    "Pacific/Chatham",
};
#define ZONES (sizeof zone_names / sizeof zone_names[0])
static clock_zone *zones[ZONES];

/* 2026-03-08T00:00:00Z (a DST weekend), stepped by 37 hours and 13 minutes
 * so the 256 clocks fall at many times of day across the year. */
#define BASE_MS 1772928000000LL
#define STEP_MS ((37 * 60 + 13) * 60 * 1000LL)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    char err[256];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    for (size_t i = 0; i < ZONES; i++)
        if ((zones[i] = clock_zone_open(zone_names[i], err, sizeof err)) == NULL)
            abort();
    return 0;
}

/* Whether the input holds anything an amount can be read from. */
static int has_quantity(const char *text, size_t len) {
    static const char *const words[] = {"one", "two", "three", "four", "five",
                                        "six", "seven", "eight", "nine", "ten"};
    char lower[512];
    if (len >= sizeof lower) return 1; /* long inputs: not judged */
    size_t n = len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isdigit(c)) return 1;
        if (c == 0xC2 && i + 1 < n && text[i + 1] >= (char)0xBC &&
            text[i + 1] <= (char)0xBE)
            return 1; /* 1/4 1/2 3/4 */
        if (c == 0xE2 && i + 1 < n && text[i + 1] == (char)0x85) return 1;
        lower[i] = c == 0 ? ' ' : (char)tolower(c);
    }
    lower[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(lower, words[i])) return 1;
    return 0;
}

/* Whether the input holds "hour" or "hr" (any case): "an hour", "half an
 * hour", "an hr" are minutes without a digit. */
static int has_hour(const char *text, size_t len) {
    for (size_t i = 0; i + 2 <= len; i++) {
        if ((text[i] | 0x20) != 'h') continue;
        if ((text[i + 1] | 0x20) == 'r') return 1; /* "an hr" */
        if (i + 4 <= len && (text[i + 1] | 0x20) == 'o' && (text[i + 2] | 0x20) == 'u' &&
            (text[i + 3] | 0x20) == 'r')
            return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    clock_zone *zone = zones[data[0] % ZONES];
    int64_t now_ms = BASE_MS + data[1] * STEP_MS;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;

    phrase p;
    resolved r;
    char json[RESOLVED_OUTPUT_MAX];
    phrase_parse(text, len, &p);
    resolve_phrase(&p, zone, now_ms, &r);
    if (resolved_json(&r, json, sizeof json) != 0) abort();

    size_t json_len = strlen(json);
    if (utf8_copy_clean((char[RESOLVED_OUTPUT_MAX]){0}, sizeof json, json,
                        json_len) != json_len ||
        memchr(json, '\n', json_len) != NULL)
        abort(); /* not clean UTF-8 on one line */
    cJSON *back = cJSON_Parse(json);
    if (back == NULL) abort();
    const char *intent = cJSON_GetStringValue(cJSON_GetObjectItem(back, "intent"));
    if (intent == NULL || strcmp(intent, phrase_intent_name(r.intent)) != 0)
        abort();
    cJSON_Delete(back);

    if (r.intent == PHRASE_ERROR && r.message[0] == '\0') abort();
    if (r.intent == PHRASE_RECORD && r.kind == PHRASE_NURSING) {
        /* a session: no amount; minutes in range, each side's adding up
         * to the whole when said; sides L and R never twice in a row, or
         * "B"; minutes only from a number, or "hour", in the input */
        size_t n = strlen(r.sides);
        if (r.amount_ml != 0 || r.minutes < 0 || r.minutes > PHRASE_NURSE_MAX_MINUTES ||
            r.left_min < 0 || r.right_min < 0 ||
            ((r.left_min || r.right_min) && r.left_min + r.right_min != r.minutes) ||
            (r.minutes && !has_quantity(text, len) && !has_hour(text, len)) ||
            n >= PHRASE_SIDES_MAX ||
            r.at_ms - now_ms > RESOLVE_FUTURE_TOLERANCE_MS)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!(strcmp(r.sides, "B") == 0 || r.sides[i] == 'L' || r.sides[i] == 'R') ||
                (i && r.sides[i] == r.sides[i - 1]))
                abort();
        if ((r.left_min && !strchr(r.sides, 'L') && strcmp(r.sides, "B") != 0) ||
            (r.right_min && !strchr(r.sides, 'R') && strcmp(r.sides, "B") != 0))
            abort(); /* minutes on a side not nursed */
    } else if (r.intent == PHRASE_RECORD &&
        (r.amount_ml < PHRASE_AMOUNT_MIN_ML || r.amount_ml > PHRASE_AMOUNT_MAX_ML ||
         r.at_ms - now_ms > RESOLVE_FUTURE_TOLERANCE_MS || r.sides[0] || r.minutes))
        abort(); /* an amount out of range, or a feeding in the future */
    if (r.intent == PHRASE_CORRECT &&
        (r.amount_ml < PHRASE_AMOUNT_MIN_ML || r.amount_ml > PHRASE_AMOUNT_MAX_ML ||
         (r.was_ml != 0 && (r.was_ml < PHRASE_AMOUNT_MIN_ML ||
                            r.was_ml > PHRASE_AMOUNT_MAX_ML)) ||
         !has_quantity(text, len)))
        abort(); /* a correction to an amount out of range, or from nothing */
    if (r.intent == PHRASE_RECORD) {
        for (const char *c = p.note; *c; c++)
            if (*c >= '0' && *c <= '9') abort(); /* a number kept as a note */
        if (r.kind != PHRASE_NURSING && !has_quantity(text, len))
            abort(); /* an amount from nothing */
    }
    /* What the bot says on its own (#17): never a feeding, its minutes
     * within its intent's bounds, and an AT a valid clock time */
    if (p.intent == PHRASE_REMIND || p.intent == PHRASE_ALERT ||
        p.intent == PHRASE_SUMMARY || p.intent == PHRASE_NEXT) {
        if (p.amount_ml != 0 || p.was_ml != 0 || p.sides[0] || p.minutes || p.note[0])
            abort(); /* a schedule carrying a feeding */
        int lo = 0, hi = 0;
        switch (p.schedule) {
        case PHRASE_SCHEDULE_IN:
            if (p.intent == PHRASE_REMIND) lo = 1, hi = PHRASE_REMIND_IN_MAX;
            else if (p.intent == PHRASE_ALERT) lo = PHRASE_ALERT_MIN, hi = PHRASE_ALERT_MAX;
            else abort(); /* a summary is at a time */
            break;
        case PHRASE_SCHEDULE_EVERY:
            if (p.intent != PHRASE_REMIND) abort();
            lo = PHRASE_REMIND_EVERY_MIN, hi = PHRASE_REMIND_EVERY_MAX;
            break;
        case PHRASE_SCHEDULE_AT:
            if (p.intent == PHRASE_ALERT || p.time != PHRASE_TIME_CLOCK ||
                p.day != PHRASE_NO_DAY || p.minute < 0 || p.minute > 59 || p.hour < 0 ||
                p.hour > 23)
                abort(); /* an AT without a valid clock time */
            if (p.clock == PHRASE_CLOCK_BARE && (p.hour < 1 || p.hour > 12)) abort();
            break;
        default:
            break;
        }
        if ((p.schedule == PHRASE_SCHEDULE_IN || p.schedule == PHRASE_SCHEDULE_EVERY)
                ? p.schedule_minutes < lo || p.schedule_minutes > hi
                : p.schedule_minutes != 0)
            abort(); /* minutes out of the intent's bounds */
        if (p.intent == PHRASE_NEXT && p.schedule != PHRASE_SCHEDULE_SHOW) abort();
        if (r.intent != PHRASE_ERROR && p.schedule == PHRASE_SCHEDULE_AT &&
            (r.due_ms <= now_ms || r.hour < 0 || r.hour > 23))
            abort(); /* first due in the past */
    }
    return 0;
}
