/* aws_config.h -- where AWS is and who we are, from the environment, the
 * way the AWS SDKs read it (and the way Lambda provides it). */
#ifndef MILKBOT_AWS_CONFIG_H
#define MILKBOT_AWS_CONFIG_H

#include <stddef.h>

typedef struct {
    char region[64];
    char endpoint[512];       /* no trailing slash */
    char access_key[128];
    char secret_key[256];
    char session_token[4096]; /* "" when not using session credentials */
} aws_config;

/* Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_REGION (else AWS_DEFAULT_REGION) -- or, for what the environment
 * lacks, the AWS CLI's profile (aws_profile.h) -- and the endpoint for
 * `service` ("dynamodb"): AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL,
 * else https://dynamodb.REGION.SUFFIX, SUFFIX being the DNS suffix of the
 * region's partition (aws_partition_dns_suffix). Returns 0, or -1 with a
 * message naming what is missing (never a secret's value). */
int aws_config_from_env(aws_config *c, const char *service, char *err,
                        size_t errlen);

/* The DNS suffix of the partition `region` belongs to: "amazonaws.com"
 * for the commercial and GovCloud regions, "amazonaws.com.cn" for China
 * (cn-north-1, cn-northwest-1), and the isolated partitions' own (the
 * region name's prefix tells the partition, as in the SDKs' partition
 * table). */
const char *aws_partition_dns_suffix(const char *region);

#endif
