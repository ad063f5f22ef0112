/* zone_rules.c -- the zone rules built from the machine's tzdata, installed
 * ahead of ICU's built-in ones.
 *
 * ICU 72's own rules are tzdata 2022e: a family in Mexico or Egypt would
 * get every feeding an hour off. scripts/zone-rules builds a one-item ICU
 * data package (zoneinfo64.res, from /usr/share/zoneinfo by
 * tools/tzif2icu) into every program. udata_setCommonData puts it first in
 * the list of packages ICU searches, so its zoneinfo64 wins and every other
 * item still comes from ICU's own data. That works only before ICU has
 * loaded any data, hence one call, made by every function of this module
 * that reaches ICU, before anything else. */
#include "clock.h"
#include "zone_rules.h"
#include "zone_rules_version.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udata.h>
#include <unicode/uversion.h>

extern const char milkbot_zone_rules_dat[]; /* scripts/zone-rules */

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static UErrorCode install_status = U_ZERO_ERROR;

static void install(void) {
    udata_setCommonData(milkbot_zone_rules_dat, &install_status);
}

int clock_zone_rules_install(char *err, size_t errlen) {
    pthread_once(&install_once, install);
    if (U_FAILURE(install_status) || install_status == U_USING_DEFAULT_WARNING) {
        if (err)
            snprintf(err, errlen, "the zone rules (tzdata %s) could not be "
                     "installed in ICU: %s", MILKBOT_ZONE_RULES_VERSION,
                     u_errorName(install_status));
        return -1;
    }
    return 0;
}

int clock_zone_rules_check(char *err, size_t errlen) {
    if (clock_zone_rules_install(err, errlen) != 0) return -1;
    /* newer rules are ICU's documented override (ICU_TIMEZONE_FILES_DIR);
     * tzdata versions ("2025b") sort as strings */
    const char *loaded = clock_zone_rules_version();
    if (strcmp(loaded, MILKBOT_ZONE_RULES_VERSION) < 0) {
        snprintf(err, errlen, "ICU uses zone rules \"%s\", not the tzdata %s "
                 "ones this program was built with", loaded,
                 MILKBOT_ZONE_RULES_VERSION);
        return -1;
    }
    return 0;
}

const char *clock_zone_rules_version(void) {
    UErrorCode status = U_ZERO_ERROR;
    if (clock_zone_rules_install(NULL, 0) != 0) return "none";
    const char *version = ucal_getTZDataVersion(&status);
    return U_SUCCESS(status) && version ? version : "none";
}

const char *clock_icu_version(void) {
    static char text[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo version;
    u_getVersion(version);
    u_versionToString(version, text);
    return text;
}
