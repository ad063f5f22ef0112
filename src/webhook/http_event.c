/* http_event.c -- see http_event.h. */
#include "http_event.h"

#include "util/base64.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The four hex digits of a \u escape, which cJSON has checked. */
static unsigned hex4(const char *s) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = (unsigned char)s[i];
        v = v << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* The next string of the text from *p on (a text cJSON has accepted): its
 * decoded length, as cJSON decodes it (UTF-8, a surrogate pair 4 bytes),
 * and whether it holds a NUL byte; *p is left past it. -1 when the text
 * has no further string. */
static int next_string(const char **p, const char *end, size_t *len, int *nul) {
    const char *s = memchr(*p, '"', (size_t)(end - *p));
    if (s == NULL) return -1;
    size_t n = 0;
    *nul = 0;
    for (s++; s < end && *s != '"'; n++) {
        if (*s != '\\') {
            *nul |= *s == '\0';
            s++;
        } else if (end - s >= 2 && s[1] != 'u') {
            s += 2;
        } else if (end - s >= 6) {
            unsigned code = hex4(s + 2);
            s += 6;
            *nul |= code == 0;
            if (code >= 0xD800 && code <= 0xDBFF) { /* and its low half */
                if (end - s < 6) return -1;
                s += 6;
                n += 3;
            } else {
                n += code < 0x80 ? 0 : code < 0x800 ? 1 : 2;
            }
        } else {
            return -1;
        }
    }
    if (s >= end) return -1;
    *p = s + 1;
    *len = n;
    return 0;
}

/* Walks the tree beside its text, in document order (a member's key, then
 * its value: the order cJSON keeps), measuring each string at the text's
 * next one; notes the values that hold a NUL with their real lengths.
 * Returns NULL, or why the event is refused. */
static const char *measure(http_event *e, const cJSON *item, const char **p,
                           const char *end) {
    size_t len;
    int nul;
    if (item->string) {
        if (next_string(p, end, &len, &nul) != 0) return "the event could not be read";
        if (nul) return "a key of the event holds a NUL byte";
    }
    if (cJSON_IsString(item)) {
        if (next_string(p, end, &len, &nul) != 0) return "the event could not be read";
        size_t n = e->nnul_strings;
        if (nul && (n & (n - 1)) == 0) { /* room doubles at 0, 1, 2, 4, ... */
            http_nul_string *more = realloc(e->nul_strings, (n ? 2 * n : 1) * sizeof *more);
            if (more == NULL) return "out of memory";
            e->nul_strings = more;
        }
        if (nul) e->nul_strings[e->nnul_strings++] = (http_nul_string){item, len};
    }
    for (const cJSON *child = item->child; child; child = child->next) {
        const char *why = measure(e, child, p, end);
        if (why) return why;
    }
    return NULL;
}

/* A string item's value and its real length; NULL if not a string. */
static const char *string_value(const http_event *e, const cJSON *item,
                                size_t *len) {
    const char *value = cJSON_GetStringValue(item);
    if (value == NULL) return NULL;
    *len = strlen(value);
    for (size_t i = 0; i < e->nnul_strings; i++)
        if (e->nul_strings[i].item == item) *len = e->nul_strings[i].len;
    return value;
}

int http_event_decode(const char *json, size_t len, http_event *out,
                      char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    out->event = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!cJSON_IsObject(out->event)) {
        snprintf(err, errlen, "the event is not a JSON object");
        return -1;
    }
    const char *p = json, *why = measure(out, out->event, &p, end);
    if (why) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    const cJSON *e = out->event;
    /* 1.0: httpMethod; 2.0 and Function URLs: requestContext.http.method */
    const cJSON *method = cJSON_GetObjectItem(e, "httpMethod");
    if (!cJSON_IsString(method))
        method = cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(e, "requestContext"), "http"),
            "method");
    size_t method_len;
    const char *name = string_value(out, method, &method_len);
    if (name == NULL) {
        snprintf(err, errlen, "the event is not an HTTP request (no method)");
        return -1;
    }
    if (method_len != strlen(name)) {
        snprintf(err, errlen, "the event's method holds a NUL byte");
        return -1;
    }
    snprintf(out->method, sizeof out->method, "%s", name);
    out->headers = cJSON_GetObjectItem(e, "headers");
    out->body_text = string_value(out, cJSON_GetObjectItem(e, "body"), &out->body_text_len);
    if (out->body_text == NULL) { /* null or absent: an empty body */
        out->body_text = "";
        out->body_text_len = 0;
    }
    out->base64 = cJSON_IsTrue(cJSON_GetObjectItem(e, "isBase64Encoded"));
    return 0;
}

const char *http_event_header(const http_event *e, const char *name,
                              size_t *len) {
    const cJSON *h;
    cJSON_ArrayForEach(h, e->headers) {
        if (h->string && strcasecmp(h->string, name) == 0)
            return string_value(e, h, len);
    }
    return NULL;
}

int http_event_read_body(http_event *e, char *err, size_t errlen) {
    free(e->body);
    e->body = NULL;
    if (e->base64) {
        e->body = base64_decode(e->body_text, e->body_text_len, &e->body_len);
        if (e->body == NULL) {
            snprintf(err, errlen, "the body is not valid base64");
            return -1;
        }
        return 0;
    }
    e->body = malloc(e->body_text_len + 1);
    if (e->body == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(e->body, e->body_text, e->body_text_len);
    e->body[e->body_text_len] = '\0';
    e->body_len = e->body_text_len;
    return 0;
}

void http_event_free(http_event *e) {
    cJSON_Delete(e->event);
    free(e->body);
    free(e->nul_strings);
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
