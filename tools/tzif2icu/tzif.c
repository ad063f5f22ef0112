/* tzif.c -- reads one compiled time zone file (TZif, RFC 8536).
 *
 * A TZif file holds its data twice: a version 1 block with 32-bit times
 * (kept for old readers, skipped here) and, from version 2 on, a block with
 * 64-bit times followed by a newline-framed POSIX TZ string. Every count and
 * offset is checked against the file's length before it is used: the input
 * is a file on the build machine, but a truncated one must fail the build
 * with a message, not read past the buffer. */
#include "tzif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HEADER_SIZE = 44 };

typedef struct {
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_counts;

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p) {
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_header(const unsigned char *p, size_t len, tzif_counts *c,
                       int *version) {
    if (len < HEADER_SIZE || memcmp(p, "TZif", 4) != 0) return -1;
    *version = p[4] == 0 ? 1 : p[4] - '0';
    c->isutcnt = be32(p + 20);
    c->isstdcnt = be32(p + 24);
    c->leapcnt = be32(p + 28);
    c->timecnt = be32(p + 32);
    c->typecnt = be32(p + 36);
    c->charcnt = be32(p + 40);
    return 0;
}

/* The size of a data block whose times take `timesize` bytes. */
static uint64_t block_size(const tzif_counts *c, int timesize) {
    return (uint64_t)c->timecnt * (uint64_t)timesize + c->timecnt +
           (uint64_t)c->typecnt * 6 + c->charcnt +
           (uint64_t)c->leapcnt * (uint64_t)(timesize + 4) + c->isstdcnt +
           c->isutcnt;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int tzif_read(const char *path, tzif_zone *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    size_t len = 0;
    unsigned char *file = slurp(path, &len);
    if (file == NULL) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    tzif_counts c;
    int version;
    if (read_header(file, len, &c, &version) != 0) {
        snprintf(err, errlen, "%s: not a TZif file", path);
        goto fail;
    }
    if (version < 2) {
        snprintf(err, errlen, "%s: TZif version 1 has no 64-bit data", path);
        goto fail;
    }
    uint64_t v2 = HEADER_SIZE + block_size(&c, 4);
    if (v2 > len || read_header(file + v2, len - v2, &c, &version) != 0) {
        snprintf(err, errlen, "%s: truncated TZif file", path);
        goto fail;
    }
    const unsigned char *p = file + v2 + HEADER_SIZE;
    uint64_t body = block_size(&c, 8);
    if (v2 + HEADER_SIZE + body > len || c.typecnt == 0 || c.typecnt > 256) {
        snprintf(err, errlen, "%s: truncated or malformed TZif data", path);
        goto fail;
    }
    if ((c.isstdcnt != 0 && c.isstdcnt != c.typecnt) ||
        (c.isutcnt != 0 && c.isutcnt != c.typecnt)) {
        snprintf(err, errlen, "%s: malformed TZif counts", path);
        goto fail;
    }
    if (c.leapcnt != 0) {
        snprintf(err, errlen, "%s: has leap seconds (a \"right/\" file)", path);
        goto fail;
    }
    out->count = c.timecnt;
    out->type_count = c.typecnt;
    out->at = calloc(c.timecnt + 1, sizeof *out->at);
    out->type = calloc(c.timecnt + 1, 1);
    out->types = calloc(c.typecnt, sizeof *out->types);
    if (!out->at || !out->type || !out->types) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < c.timecnt; i++) out->at[i] = be64(p + 8 * i);
    p += 8 * (size_t)c.timecnt;
    for (uint32_t i = 0; i < c.timecnt; i++) {
        if (p[i] >= c.typecnt) {
            snprintf(err, errlen, "%s: transition to a type that does not exist",
                     path);
            goto fail;
        }
        out->type[i] = p[i];
    }
    p += c.timecnt;
    for (uint32_t i = 0; i < c.typecnt; i++) {
        out->types[i].utoff = (int32_t)be32(p + 6 * i);
        out->types[i].isdst = p[6 * i + 4] != 0;
        /* real offsets stay within a day; ICU counts them in int32 ms */
        if (out->types[i].utoff < -26 * 3600 || out->types[i].utoff > 26 * 3600) {
            snprintf(err, errlen, "%s: UTC offset %ld s out of range", path,
                     (long)out->types[i].utoff);
            goto fail;
        }
    }
    for (uint32_t i = 1; i < c.timecnt; i++)
        if (out->at[i] <= out->at[i - 1]) {
            snprintf(err, errlen, "%s: transitions out of order", path);
            goto fail;
        }
    /* zic lists at most a few decades ahead (Morocco's to 2087); anything
     * past year 2500 is a broken file, and would make the search for the
     * year the footer's rule takes over run for ever */
    if (c.timecnt > 0 && out->at[c.timecnt - 1] > TZIF_LAST_INSTANT) {
        snprintf(err, errlen, "%s: a transition after the year 2500", path);
        goto fail;
    }
    /* the footer, required from version 2 on: "\n" TZ "\n" right after
     * the version 2 block (TZ may be empty) */
    const unsigned char *foot = file + v2 + HEADER_SIZE + body;
    const unsigned char *end = file + len;
    const unsigned char *nl =
        foot < end && *foot == '\n' ? memchr(foot + 1, '\n', (size_t)(end - foot - 1))
                                    : NULL;
    size_t n = nl ? (size_t)(nl - foot - 1) : 0;
    if (nl == NULL || n >= sizeof out->footer || memchr(foot + 1, '\0', n)) {
        snprintf(err, errlen, "%s: missing or malformed TZ string footer", path);
        goto fail;
    }
    memcpy(out->footer, foot + 1, n);
    out->footer[n] = '\0';
    free(file);
    return 0;
fail:
    free(file);
    tzif_free(out);
    return -1;
}

void tzif_free(tzif_zone *zone) {
    free(zone->at);
    free(zone->type);
    free(zone->types);
    memset(zone, 0, sizeof *zone);
}
