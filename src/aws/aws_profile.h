/* aws_profile.h -- the AWS CLI's shared files (~/.aws/credentials and
 * ~/.aws/config, as `aws configure` writes them), for running milkbot's
 * commands from a shell where AWS is configured but not exported to the
 * environment. Lambda gives everything in the environment instead. */
#ifndef MILKBOT_AWS_PROFILE_H
#define MILKBOT_AWS_PROFILE_H

#include <stddef.h>

/* Reads `key` (e.g. "aws_access_key_id") of the profile AWS_PROFILE (else
 * "default"): from the credentials file (AWS_SHARED_CREDENTIALS_FILE, else
 * ~/.aws/credentials; sections [NAME]) and, failing that, the config file
 * (AWS_CONFIG_FILE, else ~/.aws/config; sections [profile NAME] or
 * [default]). Returns 1 with the value in out, or 0 when absent (or too
 * long for out). */
int aws_profile_value(const char *key, char *out, size_t outlen);

/* The profile those values come from, and where, for messages. */
const char *aws_profile_name(void);

#endif
