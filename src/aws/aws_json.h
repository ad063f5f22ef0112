/* aws_json.h -- AWS's JSON protocol (DynamoDB, SSM, ...) over libcurl,
 * signed with AWS Signature V4 by libcurl itself (CURLOPT_AWS_SIGV4): no
 * AWS SDK. A request is a POST to the service's endpoint with the
 * operation in X-Amz-Target and a JSON body; errors come back as
 * {"__type": "...#Type", "message": "..."}.
 *
 * One curl easy handle per client, reused for every request (keep-alive),
 * since a warm Lambda serves many messages. Throttling, internal errors,
 * 5xx answers and transport failures are retried with capped exponential
 * backoff and full jitter, up to 3 attempts (the SDKs' "standard" mode). */
#ifndef MILKBOT_AWS_JSON_H
#define MILKBOT_AWS_JSON_H

#include "aws/aws_config.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* What tells one service from another (string literals). */
typedef struct {
    const char *name;          /* "DynamoDB": how messages name it */
    const char *signing_name;  /* "dynamodb": its name in SigV4 scopes */
    const char *target_prefix; /* "DynamoDB_20120810": X-Amz-Target's */
    const char *json_version;  /* "1.0": application/x-amz-json-VERSION */
    int secret_answers;        /* answers hold secrets (SSM's decrypted
                                  values): wiped from memory once parsed */
} aws_json_service;

typedef struct aws_json_client aws_json_client;

/* A client of `service` at config->endpoint. Returns NULL with a message
 * when curl cannot be set up. */
aws_json_client *aws_json_client_new(const aws_config *config,
                                     const aws_json_service *service,
                                     char *err, size_t errlen);
void aws_json_client_free(aws_json_client *c);

/* Sends operation `op` with `request` as its body. Returns 0 with the
 * answer in *response (if response is not NULL; cJSON_Delete it), or -1
 * with what failed in err: the service's error type and message, an HTTP
 * status, or the transport error. error_type (if not NULL) receives the
 * service's error type ("ConditionalCheckFailedException"), or "". */
int aws_json_call(aws_json_client *c, const char *op, const cJSON *request,
                  cJSON **response, char *error_type, size_t typelen,
                  char *err, size_t errlen);

/* Retry policy (tests make it fast): attempts >= 1, delays in ms. */
void aws_json_set_retry(aws_json_client *c, int max_attempts, int base_ms,
                        int cap_ms);

/* Requests must end by this wall-clock time (epoch ms; 0: no deadline):
 * a Lambda invocation's deadline, less a margin to answer. A request
 * waits at most until then, and no retry starts after it. */
void aws_json_set_deadline(aws_json_client *c, int64_t deadline_ms);

/* Opens the connection to the endpoint ahead of the first request (TCP and
 * TLS handshakes: an unsigned GET /, whose answer is ignored), so that
 * work overlaps other start-up work. Waits at most timeout_ms. Returns 0,
 * or -1 with the transport error (the first request then connects
 * itself). Not counted by aws_json_request_count. */
int aws_json_connect(aws_json_client *c, long timeout_ms, char *err,
                     size_t errlen);

/* The region requests are signed for. */
const char *aws_json_region(const aws_json_client *c);

/* HTTP requests sent so far, retries included (for benchmarks and tests). */
unsigned long aws_json_request_count(const aws_json_client *c);

/* Bytes of response bodies received so far (headers not counted), of
 * every request, retries and error answers included: what the service
 * sent back to read (for benchmarks). */
uint64_t aws_json_bytes_received(const aws_json_client *c);

#endif
