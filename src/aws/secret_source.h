/* secret_source.h -- where a secret comes from: its value in an environment
 * variable (local runs, tests), else the SSM parameter that holds it, named
 * on the command line or by a second environment variable (deployments).
 *
 * Only the choice is made here; the caller reads the parameter through SSM
 * (ssm.h) when it needs it.
 * A variable set to "" counts as unset, as a cleared shell setting should. */
#ifndef MILKBOT_SECRET_SOURCE_H
#define MILKBOT_SECRET_SOURCE_H

#include <stddef.h>

typedef enum {
    SECRET_IN_VALUE,  /* the environment holds the value itself */
    SECRET_IN_PARAM,  /* an SSM parameter holds it */
    SECRET_NOWHERE,   /* neither is set */
    SECRET_TOO_LONG,  /* the value is set but does not fit */
} secret_where;

/* Looks for a secret: the value of environment variable `value_env`, else
 * SSM parameter `param` (when not NULL, a command line's) or the one named
 * by environment variable `param_env`.
 *   SECRET_IN_VALUE  the value is copied into `value` (valuelen bytes), or
 *                    not copied when `value` is NULL;
 *   SECRET_IN_PARAM  *param_name is the parameter's name (pointing into
 *                    `param` or the environment);
 *   SECRET_NOWHERE   nothing is set: the caller says how to set it;
 *   SECRET_TOO_LONG  with "VALUE_ENV is too long" in err.
 * Never puts the secret in err. */
secret_where secret_source_find(const char *value_env, const char *param,
                                const char *param_env, char *value,
                                size_t valuelen, const char **param_name,
                                char *err, size_t errlen);

#endif
