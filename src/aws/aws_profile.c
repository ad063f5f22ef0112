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

/* A value the caller wants: where it goes, and whether it is still wanted. */
typedef struct {
    const char *key;
    char *out;
    size_t outlen;
} wanted;

/* Copies the keys of section `section` of the INI file `path` into the
 * wanted slots still empty. */
static void read_section(const char *path, const char *section, wanted *w, size_t n) {
    FILE *f = fopen(path, "r");
    if (f == NULL) return;
    char line[4096];
    int in_section = 0;
    while (fgets(line, sizeof line, f)) {
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
        const char *key = trim(s), *value = trim(eq + 1);
        for (size_t i = 0; i < n; i++)
            if (w[i].out[0] == '\0' && strcmp(key, w[i].key) == 0 &&
                strlen(value) < w[i].outlen)
                memcpy(w[i].out, value, strlen(value) + 1);
    }
    memset(line, 0, sizeof line); /* it may have held a secret */
    fclose(f);
}

void aws_profile_fill(aws_config *c, int credentials, int region) {
    wanted w[4];
    size_t n = 0;
    if (credentials) {
        w[n++] = (wanted){"aws_access_key_id", c->access_key, sizeof c->access_key};
        w[n++] = (wanted){"aws_secret_access_key", c->secret_key, sizeof c->secret_key};
        w[n++] = (wanted){"aws_session_token", c->session_token, sizeof c->session_token};
    }
    if (region) w[n++] = (wanted){"region", c->region, sizeof c->region};
    if (n == 0) return;
    const char *profile = aws_profile_name();
    char path[4096], section[300];
    if (file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", path, sizeof path) == 0)
        read_section(path, profile, w, n);
    if (strcmp(profile, "default") == 0)
        snprintf(section, sizeof section, "default");
    else
        snprintf(section, sizeof section, "profile %.280s", profile);
    if (file_path("AWS_CONFIG_FILE", "config", path, sizeof path) == 0)
        read_section(path, section, w, n);
}
