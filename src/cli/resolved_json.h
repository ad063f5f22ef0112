/* resolved_json.h -- how `milkbot parse` writes a resolved command. */
#ifndef MILKBOT_RESOLVED_JSON_H
#define MILKBOT_RESOLVED_JSON_H

#include "clock/resolve.h"

#include <stddef.h>

/* Longest output line: every field at its maximum, escaped. */
#define RESOLVED_OUTPUT_MAX 2048

/* One compact JSON object, NUL-terminated, into buf. Returns 0, or -1 when
 * out of memory or room. */
int resolved_json(const resolved *r, char *buf, size_t size);

/* The same as one human-readable line ("record: 90 ml formula at ..."). */
int resolved_text(const resolved *r, char *buf, size_t size);

#endif
