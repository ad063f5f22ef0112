/* tick_event.c -- see tick_event.h. */
#define _GNU_SOURCE /* memmem */
#include "tick_event.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

int tick_event_parse(const char *event, size_t len, tick_event *out) {
    memset(out, 0, sizeof *out);
    /* the common case, a webhook, is told without a second parse */
    static const char member[] = "\"milkbot\"";
    if (event == NULL || len < sizeof member ||
        memmem(event, len, member, sizeof member - 1) == NULL)
        return 0;
    cJSON *o = cJSON_ParseWithLength(event, len);
    const char *what = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "milkbot"));
    int tick = cJSON_IsObject(o) && what && strcmp(what, "tick") == 0;
    if (tick) {
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "scheduled"));
        if (s && strlen(s) < sizeof out->scheduled) snprintf(out->scheduled, sizeof out->scheduled, "%s", s);
        s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "execution"));
        if (s && strlen(s) < sizeof out->execution) snprintf(out->execution, sizeof out->execution, "%s", s);
        /* the scheduler's context attributes are strings: "1" */
        cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "attempt");
        const char *as = cJSON_GetStringValue(a);
        if (as) {
            char *end;
            long n = strtol(as, &end, 10);
            if (end != as && *end == '\0' && n > 0 && n < 1000) out->attempt = (int)n;
        } else if (cJSON_IsNumber(a) && a->valuedouble >= 1 && a->valuedouble < 1000) {
            out->attempt = (int)a->valuedouble;
        }
    }
    cJSON_Delete(o);
    return tick;
}

int tick_claim_name(char out[33]) {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof bytes; i++) snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    return 0;
}
