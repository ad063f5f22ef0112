/* fuzz_phrase.c -- libFuzzer harness: any bytes through parse, resolve and
 * JSON output, as `milkbot parse --json` and later the bot run them.
 *
 * Input layout: byte 0 picks the zone, byte 1 the clock (around DST
 * transitions too), the rest is the phrase. Besides crashes, leaks and UB
 * (the build adds ASan + UBSan), it checks what must hold for every input:
 * the output is valid JSON with a known intent, in valid UTF-8, and an
 * error always says something. */
#include "cli/resolved_json.h"
#include "clock/clock.h"
#include "clock/resolve.h"
#include "phrase/phrase.h"
#include "util/utf8.h"

#include <cjson/cJSON.h>
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
    if (r.intent == PHRASE_RECORD &&
        (r.amount_ml < PHRASE_AMOUNT_MIN_ML || r.amount_ml > PHRASE_AMOUNT_MAX_ML ||
         r.at_ms - now_ms > RESOLVE_FUTURE_TOLERANCE_MS))
        abort(); /* an amount out of range, or a feeding in the future */
    return 0;
}
