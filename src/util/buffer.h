/* buffer.h -- a growable byte buffer that libcurl writes response bodies
 * into (CURLOPT_WRITEFUNCTION buffer_curl_write, CURLOPT_WRITEDATA the
 * buffer). Always NUL-terminated once something was written. */
#ifndef MILKBOT_BUFFER_H
#define MILKBOT_BUFFER_H

#include <stddef.h>

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

/* libcurl's write callback: appends; returns 0 (curl: a write error) when
 * out of memory. */
size_t buffer_curl_write(char *data, size_t size, size_t n, void *user);

/* Empties the buffer, keeping its memory. */
void buffer_reset(buffer *b);
void buffer_free(buffer *b);

#endif
