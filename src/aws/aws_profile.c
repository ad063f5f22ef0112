/* aws_profile.c -- see aws_profile.h. The files are INI: "[section]",
 * "key = value", comments starting with # or ;. */
#include "aws_profile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *aws_profile_name(void) {
    const char *p = getenv("AWS_PROFILE");
    return p && p[0] ? p : "default";
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* The file named by `env`, else ~/.aws/`name`. */
static int file_path(const char *env, const char *name, char *out, size_t outlen) {
    const char *path = getenv(env), *home = getenv("HOME");
    int n;
    if (path && path[0])
        n = snprintf(out, outlen, "%s", path);
    else if (home && home[0])
        n = snprintf(out, outlen, "%s/.aws/%s", home, name);
    else
        return -1;
    return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* `key` in section `section` of the INI file at `path`. */
static int lookup(const char *path, const char *section, const char *key,
                  char *out, size_t outlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) return 0;
    char line[4096];
    int in_section = 0, found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        char *s = trim(line);
        if (*s == '#' || *s == ';' || *s == '\0') continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end == NULL) continue;
            *end = '\0';
            in_section = strcmp(trim(s + 1), section) == 0;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!in_section || eq == NULL) continue;
        *eq = '\0';
        if (strcmp(trim(s), key) != 0) continue;
        char *value = trim(eq + 1);
        if (strlen(value) < outlen) {
            memcpy(out, value, strlen(value) + 1);
            found = 1;
        } else {
            break;
        }
    }
    memset(line, 0, sizeof line); /* it may have held a secret */
    fclose(f);
    return found;
}

int aws_profile_value(const char *key, char *out, size_t outlen) {
    const char *profile = aws_profile_name();
    char path[4096], section[300];
    if (file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", path, sizeof path) == 0 &&
        lookup(path, profile, key, out, outlen))
        return 1;
    if (strcmp(profile, "default") == 0)
        snprintf(section, sizeof section, "default");
    else
        snprintf(section, sizeof section, "profile %.280s", profile);
    return file_path("AWS_CONFIG_FILE", "config", path, sizeof path) == 0 &&
           lookup(path, section, key, out, outlen);
}
