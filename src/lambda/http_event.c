/* http_event.c -- see http_event.h. */
#include "http_event.h"

#include "util/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int http_event_decode(const char *json, size_t len, http_event *out,
                      char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->event = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(out->event)) {
        snprintf(err, errlen, "the event is not a JSON object");
        return -1;
    }
    const cJSON *e = out->event;
    /* 1.0: httpMethod; 2.0 and Function URLs: requestContext.http.method */
    const char *method = cJSON_GetStringValue(cJSON_GetObjectItem(e, "httpMethod"));
    if (method == NULL)
        method = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(e, "requestContext"), "http"),
            "method"));
    if (method == NULL) {
        snprintf(err, errlen, "the event is not an HTTP request (no method)");
        return -1;
    }
    snprintf(out->method, sizeof out->method, "%s", method);
    out->headers = cJSON_GetObjectItem(e, "headers");

    const cJSON *body = cJSON_GetObjectItem(e, "body");
    const char *text = cJSON_GetStringValue(body);
    if (text == NULL) text = ""; /* null or absent: an empty body */
    if (cJSON_IsTrue(cJSON_GetObjectItem(e, "isBase64Encoded"))) {
        out->body = base64_decode(text, strlen(text), &out->body_len);
        if (out->body == NULL) {
            snprintf(err, errlen, "the body is not valid base64");
            return -1;
        }
    } else {
        out->body_len = strlen(text);
        out->body = malloc(out->body_len + 1);
        if (out->body == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        memcpy(out->body, text, out->body_len + 1);
    }
    return 0;
}

const char *http_event_header(const http_event *e, const char *name) {
    const cJSON *h;
    cJSON_ArrayForEach(h, e->headers) {
        if (h->string && strcasecmp(h->string, name) == 0)
            return cJSON_GetStringValue(h);
    }
    return NULL;
}

void http_event_free(http_event *e) {
    cJSON_Delete(e->event);
    free(e->body);
    memset(e, 0, sizeof *e);
}

char *http_response_json(int status, const char *content_type,
                         const char *body) {
    cJSON *r = cJSON_CreateObject();
    if (r == NULL) return NULL;
    cJSON_AddNumberToObject(r, "statusCode", status);
    cJSON *headers = cJSON_AddObjectToObject(r, "headers");
    cJSON_AddStringToObject(headers, "Content-Type", content_type);
    cJSON_AddStringToObject(r, "body", body);
    cJSON_AddBoolToObject(r, "isBase64Encoded", 0);
    char *json = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);
    return json;
}
