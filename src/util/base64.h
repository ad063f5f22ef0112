/* base64.h -- decoding the bodies API Gateway sends base64-encoded. */
#ifndef MILKBOT_BASE64_H
#define MILKBOT_BASE64_H

#include <stddef.h>

/* Decodes standard base64 (padding optional, whitespace skipped) into a new
 * NUL-terminated buffer, *out_len its length. Returns NULL on invalid input
 * or no memory; the caller frees. */
char *base64_decode(const char *in, size_t len, size_t *out_len);

#endif
