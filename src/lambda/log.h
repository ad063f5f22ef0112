/* log.h -- one JSON object per line on standard output, which Lambda sends
 * to CloudWatch: level, request id, message, and optional fields. Never a
 * secret; never a user's message text at info level. */
#ifndef MILKBOT_LOG_H
#define MILKBOT_LOG_H

#include <cjson/cJSON.h>

/* Logs `message` at `level` ("info", "error") for request `request_id`
 * (NULL outside an invocation), with the fields of `extra` (may be NULL;
 * taken over and freed). */
void log_line(const char *level, const char *request_id, const char *message,
              cJSON *extra);

#endif
