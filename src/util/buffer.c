/* buffer.c -- see buffer.h. */
#include "buffer.h"

#include <stdlib.h>
#include <string.h>

size_t buffer_curl_write(char *data, size_t size, size_t n, void *user) {
    buffer *b = user;
    size_t bytes = size * n;
    if (b->len + bytes + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + bytes + 1) cap *= 2;
        char *more = realloc(b->data, cap);
        if (more == NULL) return 0;
        b->data = more;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, bytes);
    b->len += bytes;
    b->data[b->len] = '\0';
    return bytes;
}

void buffer_reset(buffer *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void buffer_free(buffer *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
