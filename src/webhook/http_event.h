/* http_event.h -- an HTTP request as Lambda receives it from API Gateway
 * (REST API, payload 1.0; HTTP API, payload 2.0) or a Function URL, and the
 * response Lambda returns for it. Knows nothing of Telegram.
 *
 * Decoding reads the event's JSON, its method and its headers, and leaves
 * the body as the event carries it: the caller checks who sent the request
 * (a header) before anything the sender wrote is decoded
 * (http_event_read_body).
 *
 * Lengths. A JSON string may hold NUL bytes ("\u0000", or a raw NUL that
 * cJSON lets through), which cJSON keeps inside its NUL-terminated strings:
 * strlen would stop at the first, and a header "secret\u0000anything" would
 * read as "secret". So header values and the body come with their real
 * lengths, measured on the event's text; an event whose method or any
 * object key holds a NUL is refused, as no HTTP request holds one there. */
#ifndef MILKBOT_HTTP_EVENT_H
#define MILKBOT_HTTP_EVENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* A string of the event that holds a NUL byte, and its real length. */
typedef struct {
    const cJSON *item;
    size_t len;
} http_nul_string;

typedef struct {
    cJSON *event;           /* the parsed event (owned) */
    const cJSON *headers;   /* its header object (borrowed from event) */
    char method[16];        /* "POST"; "" when the event names none */
    /* the body as the event carries it (borrowed from event): text, or
     * base64 when `base64`; "" when null or absent */
    const char *body_text;
    size_t body_text_len;   /* its real length */
    int base64;             /* isBase64Encoded */
    /* after http_event_read_body: the body, base64 undone (owned), with a
     * NUL after its body_len bytes; NULL before */
    char *body;
    size_t body_len;
    /* the strings that hold a NUL byte (none, in what API Gateway sends) */
    http_nul_string *nul_strings;
    size_t nnul_strings;
} http_event;

/* Decodes an event: its JSON, method and headers; not the body. Returns 0,
 * or -1 with a message (not JSON, not an HTTP event). Free with
 * http_event_free in either case. */
int http_event_decode(const char *json, size_t len, http_event *out,
                      char *err, size_t errlen);

/* A header's value by name, case-insensitively (payload 1.0 keeps the
 * client's case, 2.0 lower-cases), and in *len its real length (it may
 * hold NUL bytes); NULL if absent or not a string. */
const char *http_event_header(const http_event *e, const char *name,
                              size_t *len);

/* Decodes the body into e->body and e->body_len (base64 undone when the
 * event says so). Returns 0, or -1 with a message (bad base64, out of
 * memory). */
int http_event_read_body(http_event *e, char *err, size_t errlen);

void http_event_free(http_event *e);

/* The Lambda response for API Gateway and Function URLs:
 * {"statusCode":..., "headers":{"Content-Type":...}, "body":...}.
 * Returns a new string (free it), NULL when out of memory. */
char *http_response_json(int status, const char *content_type,
                         const char *body);

#endif
