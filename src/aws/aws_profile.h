/* aws_profile.h -- the AWS CLI's shared files (~/.aws/credentials and
 * ~/.aws/config, as `aws configure` writes them), for running milkbot's
 * commands from a shell where AWS is configured but not exported to the
 * environment. Lambda gives everything in the environment instead. */
#ifndef MILKBOT_AWS_PROFILE_H
#define MILKBOT_AWS_PROFILE_H

#include "aws/aws_config.h"

/* Fills what `c` still lacks -- access key and secret (and session token)
 * when credentials is set, the region when region is set -- from the
 * profile AWS_PROFILE (else "default"): first the credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials; sections [NAME]),
 * then the config file (AWS_CONFIG_FILE, else ~/.aws/config; sections
 * [profile NAME] or [default]). Each file is read once; what is absent (or
 * too long) stays empty. */
void aws_profile_fill(aws_config *c, int credentials, int region);

/* The profile those values come from, for messages. */
const char *aws_profile_name(void);

#endif
