/* aws_config.c -- see aws_config.h. */
#include "aws_config.h"

#include "aws/aws_profile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

static int copy(char *dst, size_t size, const char *value, const char *name,
                char *err, size_t errlen) {
    if (strlen(value) >= size) {
        snprintf(err, errlen, "%s is too long", name);
        return -1;
    }
    strcpy(dst, value);
    return 0;
}

const char *aws_partition_dns_suffix(const char *region) {
    /* the partitions of AWS's endpoint rules (partitions.json), by the
     * prefix their region names start with; the longest prefix first */
    static const struct {
        const char *prefix, *suffix;
    } partitions[] = {
        {"cn-", "amazonaws.com.cn"},       /* aws-cn */
        {"us-isob-", "sc2s.sgov.gov"},     /* aws-iso-b */
        {"us-isof-", "csp.hci.ic.gov"},    /* aws-iso-f */
        {"us-iso-", "c2s.ic.gov"},         /* aws-iso */
        {"eu-isoe-", "cloud.adc-e.uk"},    /* aws-iso-e */
        {"eusc-", "amazonaws.eu"},         /* aws-eusc */
    };
    for (size_t i = 0; i < sizeof partitions / sizeof partitions[0]; i++)
        if (strncmp(region, partitions[i].prefix, strlen(partitions[i].prefix)) == 0)
            return partitions[i].suffix;
    return "amazonaws.com"; /* aws, and aws-us-gov */
}

int aws_config_from_env(aws_config *c, const char *service, char *err,
                        size_t errlen) {
    memset(c, 0, sizeof *c);
    const char *key = env("AWS_ACCESS_KEY_ID"), *secret = env("AWS_SECRET_ACCESS_KEY");
    const char *region = env("AWS_REGION");
    if (region == NULL) region = env("AWS_DEFAULT_REGION");
    if (key || secret) { /* the environment, as Lambda gives them */
        if (key == NULL || secret == NULL) {
            snprintf(err, errlen, "AWS credentials incomplete: set both "
                     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            return -1;
        }
        if (copy(c->access_key, sizeof c->access_key, key, "AWS_ACCESS_KEY_ID", err, errlen) ||
            copy(c->secret_key, sizeof c->secret_key, secret, "AWS_SECRET_ACCESS_KEY", err, errlen))
            return -1;
        const char *token = env("AWS_SESSION_TOKEN");
        if (token && copy(c->session_token, sizeof c->session_token, token,
                          "AWS_SESSION_TOKEN", err, errlen))
            return -1;
    }
    if (region && copy(c->region, sizeof c->region, region, "AWS_REGION", err, errlen))
        return -1;
    /* what the environment lacks, from the AWS CLI's profile */
    aws_profile_fill(c, key == NULL, region == NULL);
    if (c->access_key[0] == '\0' || c->secret_key[0] == '\0') {
        memset(c, 0, sizeof *c);
        snprintf(err, errlen, "AWS credentials missing: set AWS_ACCESS_KEY_ID "
                 "and AWS_SECRET_ACCESS_KEY, or run `aws configure` (profile "
                 "\"%.100s\" of ~/.aws/credentials; for SSO: eval \"$(aws "
                 "configure export-credentials --format env)\")",
                 aws_profile_name());
        return -1;
    }
    if (c->region[0] == '\0') {
        snprintf(err, errlen, "AWS region missing: set AWS_REGION (or the "
                 "region of profile \"%.100s\" in ~/.aws/config)",
                 aws_profile_name());
        return -1;
    }

    /* AWS_ENDPOINT_URL_<SERVICE>, the SDKs' per-service override */
    char name[64] = "AWS_ENDPOINT_URL_";
    size_t n = strlen(name);
    for (size_t i = 0; service[i] && n + 1 < sizeof name; i++)
        name[n++] = (char)toupper((unsigned char)service[i]);
    name[n] = '\0';
    const char *endpoint = env(name);
    if (endpoint == NULL) endpoint = env("AWS_ENDPOINT_URL");
    if (endpoint) {
        if (copy(c->endpoint, sizeof c->endpoint, endpoint, name, err, errlen))
            return -1;
    } else {
        snprintf(c->endpoint, sizeof c->endpoint, "https://%s.%s.%s",
                 service, c->region, aws_partition_dns_suffix(c->region));
    }
    n = strlen(c->endpoint);
    while (n > 0 && c->endpoint[n - 1] == '/') c->endpoint[--n] = '\0';
    return 0;
}
