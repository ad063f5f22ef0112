/* tzif.h -- reads one compiled time zone file (TZif, RFC 8536).
 *
 * Only what a zone's rules need: the 64-bit transitions of the version 2+
 * data block, the local time types (offset and DST flag; abbreviations are
 * not kept), and the POSIX TZ footer that extends the rules past the last
 * transition. Files with leap seconds (zoneinfo's "right/" tree) are refused:
 * ICU counts time without them. */
#ifndef TZIF2ICU_TZIF_H
#define TZIF2ICU_TZIF_H

#include <stddef.h>
#include <stdint.h>

/* 2500-01-01T00:00:00Z: no real transition comes later */
#define TZIF_LAST_INSTANT 16725225600LL

typedef struct {
    int32_t utoff; /* seconds east of UTC */
    int isdst;
} tzif_type;

typedef struct {
    size_t count;        /* transitions */
    int64_t *at;         /* seconds since the epoch, ascending */
    uint8_t *type;       /* the type that starts at at[i] */
    size_t type_count;   /* >= 1; types[0] applies before at[0] */
    tzif_type *types;
    char footer[128];    /* POSIX TZ string; "" when the file has none */
} tzif_zone;

/* Reads `path` into `out`. Returns 0, or -1 with a message in err (the
 * zone is then empty and needs no tzif_free). */
int tzif_read(const char *path, tzif_zone *out, char *err, size_t errlen);
void tzif_free(tzif_zone *zone);

#endif
