/* resolved_json.c -- a resolved command as the compact JSON object of
 * `milkbot parse --json` ("intent" first, then the intent's fields), built with cJSON. */
#include "resolved_json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static const char *greeting_name(phrase_greeting g) {
    return g == PHRASE_THANKS ? "thanks" : g == PHRASE_GOODNIGHT ? "goodnight" : "hello";
}

static const char *units_name(phrase_units u) { return u == PHRASE_UNITS_OZ ? "oz" : "ml"; }

static const char *schedule_name(phrase_schedule s) {
    static const char *const names[] = {"show", "in", "at", "every", "off"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "show";
}

/* What a schedule asks (#17): its minutes (in, every), its clock time as
 * 24-hour "HH:MM" (at), and when it is first due, in the zone. */
static void add_schedule(cJSON *o, const resolved *r) {
    cJSON_AddStringToObject(o, "schedule", schedule_name(r->schedule));
    if (r->schedule == PHRASE_SCHEDULE_IN || r->schedule == PHRASE_SCHEDULE_EVERY)
        cJSON_AddNumberToObject(o, "schedule_minutes", r->schedule_minutes);
    if (r->schedule == PHRASE_SCHEDULE_AT) {
        char hhmm[8];
        snprintf(hhmm, sizeof hhmm, "%02d:%02d", r->hour % 24, r->minute % 60);
        cJSON_AddStringToObject(o, "time", hhmm);
    }
    if (r->due[0]) cJSON_AddStringToObject(o, "due", r->due);
}

static cJSON *resolved_to_cjson(const resolved *r) {
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) return NULL;
    cJSON_AddStringToObject(o, "intent", phrase_intent_name(r->intent));
    switch (r->intent) {
    case PHRASE_RECORD:
        if (r->kind != PHRASE_NURSING) cJSON_AddNumberToObject(o, "amount_ml", r->amount_ml);
        cJSON_AddStringToObject(o, "kind", phrase_kind_name(r->kind));
        if (r->sides[0]) cJSON_AddStringToObject(o, "sides", r->sides);
        if (r->left_min) cJSON_AddNumberToObject(o, "left_min", r->left_min);
        if (r->right_min) cJSON_AddNumberToObject(o, "right_min", r->right_min);
        if (r->minutes) cJSON_AddNumberToObject(o, "minutes", r->minutes);
        cJSON_AddStringToObject(o, "at", r->at);
        cJSON_AddStringToObject(o, "day", r->day);
        if (r->both) cJSON_AddBoolToObject(o, "each_baby", 1);
        if (r->note[0]) cJSON_AddStringToObject(o, "note", r->note);
        break;
    case PHRASE_BABIES:
        if (r->note[0]) cJSON_AddStringToObject(o, "names", r->note);
        break;
    case PHRASE_TOTAL:
        cJSON_AddStringToObject(o, "day", r->day);
        break;
    case PHRASE_WEEK:
        cJSON_AddStringToObject(o, "from", r->from);
        cJSON_AddStringToObject(o, "to", r->to);
        break;
    case PHRASE_TIMEZONE:
        if (r->tz[0]) cJSON_AddStringToObject(o, "tz", r->tz);
        break;
    case PHRASE_GREETING:
        cJSON_AddStringToObject(o, "greeting", greeting_name(r->greeting));
        break;
    case PHRASE_UNITS:
        if (r->units) cJSON_AddStringToObject(o, "units", units_name(r->units));
        break;
    case PHRASE_CORRECT:
        cJSON_AddNumberToObject(o, "amount_ml", r->amount_ml);
        if (r->was_ml) cJSON_AddNumberToObject(o, "was_ml", r->was_ml);
        break;
    case PHRASE_SINCE:
        cJSON_AddNumberToObject(o, "hours", r->hours);
        cJSON_AddStringToObject(o, "from", r->since);
        break;
    case PHRASE_REMIND:
    case PHRASE_ALERT:
    case PHRASE_SUMMARY:
        add_schedule(o, r);
        break;
    case PHRASE_ERROR:
        cJSON_AddStringToObject(o, "message", r->message);
        break;
    default:
        break;
    }
    return o;
}

int resolved_json(const resolved *r, char *buf, size_t size) {
    cJSON *o = resolved_to_cjson(r);
    if (o == NULL) return -1;
    int ok = cJSON_PrintPreallocated(o, buf, (int)size, 0);
    cJSON_Delete(o);
    return ok ? 0 : -1;
}

int resolved_text(const resolved *r, char *buf, size_t size) {
    int n;
    switch (r->intent) {
    case PHRASE_RECORD:
        if (r->kind == PHRASE_NURSING) {
            n = snprintf(buf, size, "record: nursing, sides \"%s\", left %d min, right %d "
                         "min, %d min in all (0: not said) at %s (day %s)%s%s%s",
                         r->sides, r->left_min, r->right_min, r->minutes, r->at, r->day,
                         r->note[0] ? ", note \"" : "", r->note, r->note[0] ? "\"" : "");
            break;
        }
        n = snprintf(buf, size, "record: %d ml %s%s at %s (day %s)%s%s%s",
                     r->amount_ml, phrase_kind_name(r->kind), r->both ? " for each baby" : "",
                     r->at, r->day, r->note[0] ? ", note \"" : "", r->note,
                     r->note[0] ? "\"" : "");
        break;
    case PHRASE_BABIES:
        n = r->note[0] ? snprintf(buf, size, "babies: %s", r->note)
                       : snprintf(buf, size, "babies: show them");
        break;
    case PHRASE_TOTAL:
        n = snprintf(buf, size, "total: %s", r->day);
        break;
    case PHRASE_WEEK:
        n = snprintf(buf, size, "week: %s to %s", r->from, r->to);
        break;
    case PHRASE_TIMEZONE:
        n = r->tz[0] ? snprintf(buf, size, "timezone: set to %s", r->tz)
                     : snprintf(buf, size, "timezone: show the family's zone");
        break;
    case PHRASE_UNITS:
        n = r->units ? snprintf(buf, size, "units: set to %s", units_name(r->units))
                     : snprintf(buf, size, "units: show the family's units");
        break;
    case PHRASE_GREETING:
        n = snprintf(buf, size, "greeting: %s", greeting_name(r->greeting));
        break;
    case PHRASE_CORRECT:
        if (r->was_ml)
            n = snprintf(buf, size, "correct: the last entry, %d ml, becomes %d ml",
                         r->was_ml, r->amount_ml);
        else
            n = snprintf(buf, size, "correct: the last entry becomes %d ml", r->amount_ml);
        break;
    case PHRASE_SINCE:
        n = snprintf(buf, size, "since: the last %d hour%s, from %s", r->hours,
                     r->hours == 1 ? "" : "s", r->since);
        break;
    case PHRASE_REMIND:
    case PHRASE_ALERT:
    case PHRASE_SUMMARY:
        if (r->schedule == PHRASE_SCHEDULE_IN || r->schedule == PHRASE_SCHEDULE_EVERY)
            n = snprintf(buf, size, "%s: %s %d min%s%s", phrase_intent_name(r->intent),
                         schedule_name(r->schedule), r->schedule_minutes,
                         r->due[0] ? ", first at " : "", r->due);
        else if (r->schedule == PHRASE_SCHEDULE_AT)
            n = snprintf(buf, size, "%s: at %02d:%02d, first at %s", phrase_intent_name(r->intent),
                         r->hour % 24, r->minute % 60, r->due);
        else
            n = snprintf(buf, size, "%s: %s", phrase_intent_name(r->intent),
                         schedule_name(r->schedule));
        break;
    case PHRASE_ERROR:
        n = snprintf(buf, size, "error: %s", r->message);
        break;
    default:
        n = snprintf(buf, size, "%s", phrase_intent_name(r->intent));
        break;
    }
    return n < 0 || (size_t)n >= size ? -1 : 0;
}
