/* dynamodb.h -- DynamoDB: an AWS JSON-protocol client (aws_json.h, libcurl
 * signing with SigV4, retries with backoff) that tells a failed condition
 * from other errors, and the bot's table. */
#ifndef MILKBOT_DYNAMODB_H
#define MILKBOT_DYNAMODB_H

#include "aws/aws_config.h"
#include "aws/aws_json.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef aws_json_client dynamo_client;

typedef enum {
    DYNAMO_OK = 0,
    DYNAMO_CONDITION_FAILED, /* a conditional write's condition was false */
    DYNAMO_ERROR             /* anything else: see the message */
} dynamo_status;

/* Returns NULL with a message when curl cannot be set up. */
dynamo_client *dynamo_client_new(const aws_config *config, char *err,
                                 size_t errlen);
void dynamo_client_free(dynamo_client *c);

/* Sends operation `op` ("PutItem", "Query", ...) with `request` as its body.
 * On DYNAMO_OK, *response (if response is not NULL) is the answer, for the
 * caller to cJSON_Delete. On DYNAMO_ERROR, err says what failed: DynamoDB's
 * error type and message, an HTTP status, or the transport error. */
dynamo_status dynamo_call(dynamo_client *c, const char *op,
                          const cJSON *request, cJSON **response, char *err,
                          size_t errlen);

/* Retry policy (tests make it fast): attempts >= 1, delays in ms. */
void dynamo_set_retry(dynamo_client *c, int max_attempts, int base_ms,
                      int cap_ms);

/* Requests must end by this wall-clock time (epoch ms; 0: no deadline):
 * a Lambda invocation's deadline, less a margin to answer. A request
 * waits at most until then, and no retry starts after it. */
void dynamo_set_deadline(dynamo_client *c, int64_t deadline_ms);

/* HTTP requests sent so far, retries included (for benchmarks and tests). */
unsigned long dynamo_request_count(const dynamo_client *c);

/* Bytes of response bodies received so far, retries and errors included
 * (for benchmarks: what a message reads). */
uint64_t dynamo_bytes_received(const dynamo_client *c);

/* Creates the bot's table (the key schema of template.yaml) and waits until
 * it is ACTIVE. For tests and local development. */
dynamo_status dynamo_create_table(dynamo_client *c, const char *table,
                                  char *err, size_t errlen);

#endif
