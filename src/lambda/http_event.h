/* http_event.h -- an HTTP request as Lambda receives it from API Gateway
 * (REST API, payload 1.0; HTTP API, payload 2.0) or a Function URL, and the
 * response Lambda returns for it. Knows nothing of Telegram. */
#ifndef MILKBOT_HTTP_EVENT_H
#define MILKBOT_HTTP_EVENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct {
    cJSON *event;           /* the parsed event (owned) */
    const cJSON *headers;   /* its header object (borrowed from event) */
    char method[16];        /* "POST"; "" when the event names none */
    char *body;             /* decoded (base64 undone), NUL-terminated */
    size_t body_len;
} http_event;

/* Decodes an event. Returns 0, or -1 with a message (not JSON, not an HTTP
 * event, bad base64). Free with http_event_free in either case. */
int http_event_decode(const char *json, size_t len, http_event *out,
                      char *err, size_t errlen);

/* A header's value by name, case-insensitively (payload 1.0 keeps the
 * client's case, 2.0 lower-cases); NULL if absent. */
const char *http_event_header(const http_event *e, const char *name);

void http_event_free(http_event *e);

/* The Lambda response for API Gateway and Function URLs:
 * {"statusCode":..., "headers":{"Content-Type":...}, "body":...}.
 * Returns a new string (free it), NULL when out of memory. */
char *http_response_json(int status, const char *content_type,
                         const char *body);

#endif
