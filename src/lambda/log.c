/* log.c -- see log.h. */
#include "log.h"

#include "clock/clock.h"

#include <stdio.h>

void log_line(const char *level, const char *request_id, const char *message,
              cJSON *extra) {
    cJSON *line = extra ? extra : cJSON_CreateObject();
    char when[CLOCK_RFC3339_MAX];
    clock_format_utc_ms(clock_now_ms(), when);
    cJSON_AddStringToObject(line, "time", when);
    cJSON_AddStringToObject(line, "level", level);
    if (request_id) cJSON_AddStringToObject(line, "request_id", request_id);
    cJSON_AddStringToObject(line, "message", message);
    char *text = cJSON_PrintUnformatted(line);
    if (text) {
        printf("%s\n", text);
        fflush(stdout);
    }
    cJSON_free(text);
    cJSON_Delete(line);
}
