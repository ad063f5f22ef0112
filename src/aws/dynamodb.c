/* dynamodb.c -- see dynamodb.h. */
#include "dynamodb.h"

#include <string.h>
#include <time.h>

static const aws_json_service dynamodb = {
    "DynamoDB", "dynamodb", "DynamoDB_20120810", "1.0", 0};

dynamo_client *dynamo_client_new(const aws_config *config, char *err,
                                 size_t errlen) {
    return aws_json_client_new(config, &dynamodb, err, errlen);
}

void dynamo_client_free(dynamo_client *c) { aws_json_client_free(c); }

void dynamo_set_retry(dynamo_client *c, int max_attempts, int base_ms,
                      int cap_ms) {
    aws_json_set_retry(c, max_attempts, base_ms, cap_ms);
}

void dynamo_set_deadline(dynamo_client *c, int64_t deadline_ms) {
    aws_json_set_deadline(c, deadline_ms);
}

unsigned long dynamo_request_count(const dynamo_client *c) {
    return aws_json_request_count(c);
}

uint64_t dynamo_bytes_received(const dynamo_client *c) {
    return aws_json_bytes_received(c);
}

dynamo_status dynamo_call(dynamo_client *c, const char *op,
                          const cJSON *request, cJSON **response, char *err,
                          size_t errlen) {
    char type[64];
    if (aws_json_call(c, op, request, response, type, sizeof type, err, errlen) == 0)
        return DYNAMO_OK;
    return strcmp(type, "ConditionalCheckFailedException") == 0
               ? DYNAMO_CONDITION_FAILED
               : DYNAMO_ERROR;
}

static cJSON *attr_def(const char *name, const char *type) {
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "AttributeName", name);
    cJSON_AddStringToObject(d, "AttributeType", type);
    return d;
}

static cJSON *key_elem(const char *name, const char *type) {
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "AttributeName", name);
    cJSON_AddStringToObject(k, "KeyType", type);
    return k;
}

/* A global secondary index with all attributes projected. */
static cJSON *index_def(const char *name, const char *hash, const char *range) {
    cJSON *gsi = cJSON_CreateObject();
    cJSON_AddStringToObject(gsi, "IndexName", name);
    cJSON *schema = cJSON_AddArrayToObject(gsi, "KeySchema");
    cJSON_AddItemToArray(schema, key_elem(hash, "HASH"));
    cJSON_AddItemToArray(schema, key_elem(range, "RANGE"));
    cJSON *proj = cJSON_AddObjectToObject(gsi, "Projection");
    cJSON_AddStringToObject(proj, "ProjectionType", "ALL");
    return gsi;
}

dynamo_status dynamo_create_table(dynamo_client *c, const char *table,
                                  char *err, size_t errlen) {
    /* Keep in step with template.yaml's FeedingsTable. */
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "TableName", table);
    cJSON_AddStringToObject(req, "BillingMode", "PAY_PER_REQUEST");
    cJSON *defs = cJSON_AddArrayToObject(req, "AttributeDefinitions");
    cJSON_AddItemToArray(defs, attr_def("pk", "S"));
    cJSON_AddItemToArray(defs, attr_def("sk", "S"));
    cJSON_AddItemToArray(defs, attr_def("entry_pk", "S"));
    cJSON_AddItemToArray(defs, attr_def("entry", "S"));
    cJSON_AddItemToArray(defs, attr_def("due_pk", "S"));
    cJSON_AddItemToArray(defs, attr_def("due", "N"));
    cJSON *schema = cJSON_AddArrayToObject(req, "KeySchema");
    cJSON_AddItemToArray(schema, key_elem("pk", "HASH"));
    cJSON_AddItemToArray(schema, key_elem("sk", "RANGE"));
    cJSON *gsis = cJSON_AddArrayToObject(req, "GlobalSecondaryIndexes");
    cJSON_AddItemToArray(gsis, index_def("by_entry", "entry_pk", "entry"));
    /* the due schedules of every family (#17: src/store/dynamodb_schedules.h) */
    cJSON_AddItemToArray(gsis, index_def("by_due", "due_pk", "due"));
    dynamo_status st = dynamo_call(c, "CreateTable", req, NULL, err, errlen);
    cJSON_Delete(req);
    if (st != DYNAMO_OK) return st;

    /* new tables start CREATING; poll until ACTIVE (about half a second on
     * dynalite, seconds on AWS) */
    cJSON *describe = cJSON_CreateObject();
    cJSON_AddStringToObject(describe, "TableName", table);
    for (int i = 0; i < 600; i++) {
        cJSON *out;
        st = dynamo_call(c, "DescribeTable", describe, &out, err, errlen);
        if (st != DYNAMO_OK) break;
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(
            cJSON_GetObjectItem(out, "Table"), "TableStatus"));
        int active = status && strcmp(status, "ACTIVE") == 0;
        cJSON_Delete(out);
        if (active) break;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cJSON_Delete(describe);
    return st;
}
