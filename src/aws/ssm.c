/* ssm.c -- see ssm.h. */
#include "ssm.h"

#include <stdio.h>
#include <string.h>

static const aws_json_service ssm = {"SSM", "ssm", "AmazonSSM", "1.1"};

aws_json_client *ssm_client_new(const aws_config *config, char *err,
                                size_t errlen) {
    return aws_json_client_new(config, &ssm, err, errlen);
}

int ssm_get_parameter(aws_json_client *c, const char *name, char *out,
                      size_t outlen, char *err, size_t errlen) {
    cJSON *request = cJSON_CreateObject(), *response = NULL;
    cJSON_AddStringToObject(request, "Name", name);
    cJSON_AddBoolToObject(request, "WithDecryption", 1);
    int rc = aws_json_call(c, "GetParameter", request, &response, NULL, 0, err, errlen);
    cJSON_Delete(request);
    if (rc != 0) return -1;
    /* {"Parameter": {"Name": ..., "Type": "SecureString", "Value": ...}} */
    cJSON *value = cJSON_GetObjectItem(cJSON_GetObjectItem(response, "Parameter"), "Value");
    const char *text = cJSON_GetStringValue(value);
    if (text == NULL || text[0] == '\0') {
        snprintf(err, errlen, "SSM parameter %.300s has no value", name);
        rc = -1;
    } else if (strlen(text) >= outlen) {
        snprintf(err, errlen, "SSM parameter %.300s is too long", name);
        rc = -1;
    } else {
        snprintf(out, outlen, "%s", text);
    }
    if (text) memset(value->valuestring, 0, strlen(text)); /* a secret */
    cJSON_Delete(response);
    return rc;
}
