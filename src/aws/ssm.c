/* ssm.c -- see ssm.h. */
#include "ssm.h"

#include <stdio.h>
#include <string.h>

static const aws_json_service ssm = {"SSM", "ssm", "AmazonSSM", "1.1", 1};

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

/* A SecureString's value is a secret: wiped before the answer is freed. */
static void wipe(cJSON *value) {
    const char *text = cJSON_GetStringValue(value);
    if (text) memset(value->valuestring, 0, strlen(text));
}

int ssm_get_parameters(aws_json_client *c, const char *const *names, size_t n,
                       char **outs, size_t outlen, char *err, size_t errlen) {
    cJSON *request = cJSON_CreateObject(), *response = NULL;
    cJSON *list = cJSON_AddArrayToObject(request, "Names");
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(list, cJSON_CreateString(names[i]));
        outs[i][0] = '\0';
    }
    cJSON_AddBoolToObject(request, "WithDecryption", 1);
    int rc = aws_json_call(c, "GetParameters", request, &response, NULL, 0, err, errlen);
    cJSON_Delete(request);
    if (rc != 0) return -1;
    /* {"Parameters": [{"Name": ..., "Value": ...}, ...],
     *  "InvalidParameters": [names not found or not allowed]} */
    const cJSON *found = cJSON_GetObjectItem(response, "Parameters"), *p;
    cJSON_ArrayForEach(p, found) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(p, "Name"));
        cJSON *value = cJSON_GetObjectItem(p, "Value");
        const char *text = cJSON_GetStringValue(value);
        for (size_t i = 0; name && text && i < n; i++) {
            if (strcmp(name, names[i]) != 0 || outs[i][0]) continue;
            if (text[0] == '\0') {
                snprintf(err, errlen, "SSM parameter %.300s is empty", name);
                rc = -1;
            } else if (strlen(text) >= outlen) {
                snprintf(err, errlen, "SSM parameter %.300s is too long", name);
                rc = -1;
            } else {
                snprintf(outs[i], outlen, "%s", text);
            }
        }
        wipe(value);
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (outs[i][0] == '\0') {
            snprintf(err, errlen, "SSM parameter %.300s not found (or not "
                     "readable by this role) in region %.40s", names[i],
                     aws_json_region(c));
            rc = -1;
        }
    if (rc != 0)
        for (size_t i = 0; i < n; i++) memset(outs[i], 0, outlen);
    cJSON_Delete(response);
    return rc;
}
