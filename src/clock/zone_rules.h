/* zone_rules.h -- installing the zone rules built from the machine's tzdata
 * (zone_rules.c); used by zone.c before it first calls ICU. */
#ifndef MILKBOT_ZONE_RULES_H
#define MILKBOT_ZONE_RULES_H

#include <stddef.h>

/* Puts the built-in tzdata rules ahead of ICU's own, once per process
 * (thread-safe; later calls only report the first one's outcome). Returns 0,
 * or -1 with a message in err (err may be NULL). */
int clock_zone_rules_install(char *err, size_t errlen);

/* Installs, then checks that ICU reports the rules' version (or a newer
 * one): -1 with a message when ICU would compute with older rules. */
int clock_zone_rules_check(char *err, size_t errlen);

#endif
