/* zone_offsets.c -- the UTC offsets milkbot's clock module gives, in bulk,
 * for zone_rules_test.py to compare with Python's zoneinfo.
 *
 * Reads lines "ZONE SECONDS SECONDS ..." on standard input and answers each
 * with "ZONE OFFSET OFFSET ..." (seconds east of UTC, as clock_to_local
 * reports them), or "ZONE !message" when the zone is refused. */
#include "clock/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char err[256];
    if (clock_init(err, sizeof err) != 0) {
        fprintf(stderr, "zone_offsets: %s\n", err);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        char *save = NULL;
        const char *id = strtok_r(line, " \n", &save);
        if (id == NULL) continue;
        clock_zone *zone = clock_zone_open(id, err, sizeof err);
        if (zone == NULL) {
            printf("%s !%s\n", id, err);
            continue;
        }
        fputs(id, stdout);
        const char *word;
        while ((word = strtok_r(NULL, " \n", &save)) != NULL) {
            clock_local t;
            clock_to_local(zone, strtoll(word, NULL, 10) * 1000, &t);
            printf(" %d", t.offset_seconds);
        }
        putchar('\n');
        clock_zone_close(zone);
    }
    free(line);
    return 0;
}
