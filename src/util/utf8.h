/* utf8.h -- copying user text so that what we print is always valid UTF-8.
 *
 * Telegram users can send any bytes; JSON output and replies must still be
 * well-formed. Invalid sequences (stray continuation bytes, overlongs,
 * surrogates, truncated characters) become U+FFFD and control characters a
 * space, so a note can never break a line-oriented output. */
#ifndef MILKBOT_UTF8_H
#define MILKBOT_UTF8_H

#include <stddef.h>

/* Copies `len` bytes at `src` to `dst` (room for `size` bytes, size >= 1),
 * cleaned as above, and NUL-terminates. Returns the bytes written (without
 * the NUL), or (size_t)-1 when the text did not fit: then `dst` holds as many
 * whole characters as fit. */
size_t utf8_copy_clean(char *dst, size_t size, const char *src, size_t len);

/* Length in bytes of the valid UTF-8 sequence at s[0..len), 0 if invalid. */
size_t utf8_sequence_length(const unsigned char *s, size_t len);

#endif
