/* base64.c -- see base64.h. */
#include "base64.h"

#include <stdlib.h>

static int value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62; /* '-' and '_': the URL-safe form */
    if (c == '/' || c == '_') return 63;
    return -1;
}

char *base64_decode(const char *in, size_t len, size_t *out_len) {
    char *out = malloc(len / 4 * 3 + 4);
    if (out == NULL) return NULL;
    unsigned bits = 0;
    int nbits = 0;
    size_t n = 0, i = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '=' ) break;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        int v = value(c);
        if (v < 0) {
            free(out);
            return NULL;
        }
        bits = (bits << 6) | (unsigned)v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out[n++] = (char)((bits >> nbits) & 0xFF);
        }
    }
    for (; i < len; i++) /* only padding and whitespace may follow */
        if (in[i] != '=' && in[i] != ' ' && in[i] != '\n' && in[i] != '\r') {
            free(out);
            return NULL;
        }
    out[n] = '\0';
    *out_len = n;
    return out;
}
