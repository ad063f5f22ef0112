/* ssm.h -- reading parameters from AWS Systems Manager Parameter Store
 * (SecureStrings decrypted): the bot's two secrets, for the command line
 * and for the Lambda function (no extension layer: one signed request). */
#ifndef MILKBOT_SSM_H
#define MILKBOT_SSM_H

#include "aws/aws_config.h"
#include "aws/aws_json.h"

#include <stddef.h>

/* A client of SSM for `config` (aws_config_from_env(&config, "ssm", ...)),
 * to free with aws_json_client_free. NULL with a message. */
aws_json_client *ssm_client_new(const aws_config *config, char *err,
                                size_t errlen);

/* Reads parameter `name` (GetParameter, WithDecryption) into out. Returns
 * 0, or -1 with a message (never the value). */
int ssm_get_parameter(aws_json_client *ssm, const char *name, char *out,
                      size_t outlen, char *err, size_t errlen);

/* Reads n parameters at once (GetParameters, WithDecryption: one request,
 * one IAM action) into outs[i] (outlen bytes each). Returns 0 when every
 * one was found and fits, or -1 with a message naming the first that was
 * not (never a value). */
int ssm_get_parameters(aws_json_client *ssm, const char *const *names,
                       size_t n, char **outs, size_t outlen, char *err,
                       size_t errlen);

#endif
