/* ssm.h -- reading a parameter from AWS Systems Manager Parameter Store
 * (SecureStrings decrypted), for the command line: inside Lambda the
 * Parameters and Secrets extension answers instead (lambda/runtime.c). */
#ifndef MILKBOT_SSM_H
#define MILKBOT_SSM_H

#include "aws/aws_config.h"

#include <stddef.h>

/* Reads parameter `name` (GetParameter, WithDecryption) into out. Returns
 * 0, or -1 with a message (never the value). `config` is for service
 * "ssm" (aws_config_from_env(&config, "ssm", ...)). */
int ssm_get_parameter(const aws_config *config, const char *name, char *out,
                      size_t outlen, char *err, size_t errlen);

#endif
