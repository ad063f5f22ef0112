/* secret_source.c -- see secret_source.h. */
#include "secret_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

secret_where secret_source_find(const char *value_env, const char *param,
                                const char *param_env, char *value,
                                size_t valuelen, const char **param_name,
                                char *err, size_t errlen) {
    const char *found = env(value_env);
    if (found) {
        if (value == NULL) return SECRET_IN_VALUE;
        if (strlen(found) >= valuelen) {
            snprintf(err, errlen, "%s is too long", value_env);
            return SECRET_TOO_LONG;
        }
        snprintf(value, valuelen, "%s", found);
        return SECRET_IN_VALUE;
    }
    *param_name = param ? param : env(param_env);
    return *param_name ? SECRET_IN_PARAM : SECRET_NOWHERE;
}
