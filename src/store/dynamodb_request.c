/* dynamodb_request.c -- the reads every part of the DynamoDB store makes:
 * one item, a Query page by page, a log's live feedings in a key range,
 * a log's whole history. Declared in store_dynamodb_internal.h; the
 * writes, each with its own condition, stay with the code that needs
 * them. */
#include "dynamodb_item.h"
#include "store_dynamodb_internal.h"

#include <string.h>

cJSON *ddb_request_new(dynamo_store *s) {
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "TableName", s->table);
    return req;
}

cJSON *ddb_request_key_range(dynamo_store *s, const char *family,
                             const char *low, const char *high) {
    char pk[DDB_ITEM_KEY_MAX];
    ddb_item_log_key(family, pk);
    cJSON *req = ddb_request_new(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression",
                            "pk = :pk AND sk BETWEEN :low AND :high");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":pk", pk);
    ddb_item_put_s(values, ":low", low);
    ddb_item_put_s(values, ":high", high);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    return req;
}

cJSON *ddb_request_live_range(dynamo_store *s, const char *family,
                              const char *low, const char *high, int forward) {
    cJSON *req = ddb_request_key_range(s, family, low, high);
    cJSON_AddStringToObject(req, "FilterExpression",
                            "attribute_not_exists(removed_by)");
    if (!forward) cJSON_AddBoolToObject(req, "ScanIndexForward", 0);
    return req;
}

/* --- reading items ---------------------------------------------------------- */

/* A Query or a Scan, page by page. */
static int paged(dynamo_store *s, const char *operation, cJSON *req,
                 int (*visit)(const cJSON *item, void *ctx), void *ctx, char *err) {
    char message[STORE_ERR_MAX];
    int status = STORE_OK, stop = 0;
    while (!stop) {
        cJSON *res;
        if (dynamo_call(s->client, operation, req, &res, message, sizeof message) !=
            DYNAMO_OK) {
            status = ddb_fail(err, message);
            break;
        }
        const cJSON *item;
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(res, "Items")) {
            stop = visit(item, ctx);
            if (stop) break;
        }
        cJSON *next = cJSON_DetachItemFromObject(res, "LastEvaluatedKey");
        cJSON_Delete(res);
        if (stop < 0) status = ddb_fail(err, "store: out of memory");
        if (stop || next == NULL) {
            cJSON_Delete(next);
            break;
        }
        cJSON_DeleteItemFromObject(req, "ExclusiveStartKey");
        cJSON_AddItemToObject(req, "ExclusiveStartKey", next);
    }
    cJSON_Delete(req);
    return status;
}

int ddb_request_query(dynamo_store *s, cJSON *req,
                      int (*visit)(const cJSON *item, void *ctx), void *ctx,
                      char *err) {
    return paged(s, "Query", req, visit, ctx, err);
}

int ddb_request_scan(dynamo_store *s, cJSON *req,
                     int (*visit)(const cJSON *item, void *ctx), void *ctx,
                     char *err) {
    return paged(s, "Scan", req, visit, ctx, err);
}

/* Collects live feedings into a store_list, up to `limit` (0: all). */
typedef struct {
    store_list *list;
    size_t limit;
} live_collector;

static int collect_live(const cJSON *item, void *ctx) {
    live_collector *c = ctx;
    if (strncmp(ddb_item_get_s(item, "sk"), "feed#", 5) != 0 ||
        cJSON_GetObjectItem(item, "removed_by"))
        return 0;
    store_feeding f;
    ddb_item_to_feeding(item, &f);
    if (store_list_push(c->list, &f) != STORE_OK) return -1;
    return c->limit && c->list->count >= c->limit;
}

int ddb_request_query_live(dynamo_store *s, cJSON *req, store_list *out,
                           size_t limit, char *err) {
    live_collector c = {out, limit};
    return ddb_request_query(s, req, collect_live, &c, err);
}

int ddb_request_query_history(dynamo_store *s, const char *pk,
                              int (*visit)(const cJSON *item, void *ctx),
                              void *ctx, char *err) {
    cJSON *req = ddb_request_new(s);
    cJSON_AddStringToObject(req, "KeyConditionExpression", "pk = :pk");
    cJSON *values = cJSON_AddObjectToObject(req, "ExpressionAttributeValues");
    ddb_item_put_s(values, ":pk", pk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    return ddb_request_query(s, req, visit, ctx, err);
}

int ddb_request_get_item(dynamo_store *s, const char *pk, const char *sk,
                         cJSON **item, char *err) {
    char message[STORE_ERR_MAX];
    cJSON *req = ddb_request_new(s), *res;
    ddb_item_add_key(req, pk, sk);
    cJSON_AddBoolToObject(req, "ConsistentRead", 1);
    dynamo_status st = dynamo_call(s->client, "GetItem", req, &res, message,
                                   sizeof message);
    cJSON_Delete(req);
    *item = NULL;
    if (st != DYNAMO_OK) return ddb_fail(err, message);
    *item = cJSON_DetachItemFromObject(res, "Item");
    cJSON_Delete(res);
    return STORE_OK;
}
