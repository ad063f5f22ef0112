/* ca_bundle.c -- see ca_bundle.h. */
#include "ca_bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *default_path;

void ca_bundle_set_default(const char *path) { default_path = path; }

const char *ca_bundle_path(void) {
    const char *path = getenv("MILKBOT_CA_BUNDLE");
    return path && path[0] ? path : default_path;
}

int ca_bundle_check(char *err, size_t errlen) {
    const char *path = ca_bundle_path();
    if (path == NULL || access(path, R_OK) == 0) return 0;
    snprintf(err, errlen, "CA certificates %.300s: %s (set MILKBOT_CA_BUNDLE "
             "to the file of trusted CA certificates)", path, strerror(errno));
    return -1;
}

void ca_bundle_apply(CURL *curl) {
    const char *path = ca_bundle_path();
    if (path) curl_easy_setopt(curl, CURLOPT_CAINFO, path);
}
