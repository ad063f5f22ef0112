/* utf8.c -- see utf8.h. */
#include "utf8.h"

#include <string.h>

size_t utf8_sequence_length(const unsigned char *s, size_t len) {
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; }
    else return 0;
    if (len < n) return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

size_t utf8_copy_clean(char *dst, size_t size, const char *src, size_t len) {
    static const char replacement[] = "\xEF\xBF\xBD";
    const unsigned char *s = (const unsigned char *)src;
    size_t used = 0, i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(s + i, len - i);
        const char *piece = (const char *)s + i;
        size_t piece_len = n;
        if (n == 0) {
            piece = replacement;
            piece_len = 3;
            n = 1;
        } else if (n == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
            piece = " ";
        }
        if (used + piece_len + 1 > size) {
            dst[used] = '\0';
            return (size_t)-1;
        }
        memcpy(dst + used, piece, piece_len);
        used += piece_len;
        i += n;
    }
    dst[used] = '\0';
    return used;
}
