/* lambda_secrets.h -- the Lambda function's two secrets (the webhook's
 * secret token and the bot token), and when it reads them.
 *
 * Each comes from its environment variable (local runs, tests) or else
 * from its SSM parameter (deployments): both parameters in one signed
 * GetParameters request, made on a thread of its own during init, while
 * the main thread opens the store's connection and loads the zone rules.
 * Read once per container; afterwards, when a request's secret does not
 * match, the webhook secret is read again, at most once per
 * MILKBOT_SECRET_RECHECK_SECONDS (60): a rotated secret is picked up
 * within a minute, and a flood of wrong secrets costs one SSM request a
 * minute. Values are wiped from memory when no longer needed and never
 * appear in a message. */
#ifndef MILKBOT_LAMBDA_SECRETS_H
#define MILKBOT_LAMBDA_SECRETS_H

#include "aws/aws_json.h"
#include "webhook/webhook.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* a bot token is ~46 characters; room as for the webhook secret */
#define LAMBDA_TOKEN_MAX (WEBHOOK_SECRET_MAX + 1)

typedef struct {
    char webhook_param[512]; /* "" when the value came from the environment */
    char token_param[512];
    char webhook_secret[WEBHOOK_SECRET_MAX + 1]; /* the values, once read */
    char token[LAMBDA_TOKEN_MAX];
    aws_json_client *ssm;   /* when a parameter is named */
    int64_t recheck_ms;     /* the least time between two reads */
    int64_t read_ms;        /* when the webhook secret was last read */
    pthread_t thread;       /* the init's read, while it runs */
    int reading;
    int status;             /* of that read: 0, or -1 with err */
    char err[512];
} lambda_secrets;

/* Finds where each secret is (TELEGRAM_BOT_TOKEN / BOT_TOKEN_PARAM and
 * MILKBOT_WEBHOOK_SECRET / WEBHOOK_SECRET_PARAM), and sets up the SSM
 * client if a parameter is named. Returns 0, or -1 with a message naming
 * what is missing. Free with lambda_secrets_free in either case. */
int lambda_secrets_init(lambda_secrets *s, char *err, size_t errlen);

/* Starts reading the parameters, if any, on a thread: returns at once. */
int lambda_secrets_start(lambda_secrets *s, int64_t now_ms, char *err,
                         size_t errlen);

/* Waits for that read. Returns 0 with both values set, or -1 with a
 * message naming the parameter (never a value). */
int lambda_secrets_finish(lambda_secrets *s, char *err, size_t errlen);

/* After a request whose secret did not match at now_ms: reads the webhook
 * secret again if it comes from SSM and was last read at least recheck_ms
 * ago, finishing before deadline_ms (0: none). Returns 1 with the new value
 * in s->webhook_secret when it changed, 0 when not read or unchanged, -1
 * with a message when the read failed (the old value kept). */
int lambda_secrets_recheck(lambda_secrets *s, int64_t now_ms,
                           int64_t deadline_ms, char *err, size_t errlen);

void lambda_secrets_free(lambda_secrets *s);

#endif
