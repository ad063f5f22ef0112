/* runtime.h -- the AWS Lambda custom runtime loop, and nothing else.
 *
 * Over the Runtime API (version 2018-06-01, at $AWS_LAMBDA_RUNTIME_API):
 * GET the next invocation, hand its event to a handler, POST what the
 * handler answers to .../response (or .../error); a failed initialisation
 * POSTs to /runtime/init/error. Like aws-lambda-cpp's run_handler, the loop
 * knows nothing of what the handler does: the application (cli/
 * lambda_command.c) sets itself up, then lends the loop its handler.
 *
 * A failed GET of the next invocation (a transport error, a 5xx, an answer
 * without a request id) is retried with backoff a few times before the
 * loop gives up: the Runtime API is local and answers at once unless the
 * container is going away. */
#ifndef MILKBOT_RUNTIME_H
#define MILKBOT_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

/* One invocation, as the Runtime API hands it over. */
typedef struct {
    const char *request_id;
    const char *trace_id;  /* X-Ray's, "" if none */
    int64_t deadline_ms;   /* wall-clock epoch ms it must answer by; 0: none */
    const char *event;     /* the event JSON (NUL-terminated) */
    size_t len;
} lambda_invocation;

/* What a handler answers: a response to post, or an error. */
typedef struct {
    char *response;          /* malloc'ed JSON, posted and freed; NULL: error */
    char error_type[64];     /* then, e.g. "Runtime.SecretUnavailable" */
    char error_message[512]; /* never a secret */
} lambda_answer;

typedef void (*lambda_handler)(void *context, const lambda_invocation *inv,
                               lambda_answer *answer);

typedef struct lambda_runtime lambda_runtime;

/* A client of the Runtime API named by AWS_LAMBDA_RUNTIME_API. Returns NULL
 * with a message when it is not set (not inside Lambda or an emulator). */
lambda_runtime *lambda_runtime_new(char *err, size_t errlen);

/* Reports a failed initialisation (logged too); Lambda then fails the
 * pending invocation and starts a new container for the next. */
void lambda_runtime_init_error(lambda_runtime *rt, const char *message);

/* Serves invocations with `handler` until the Runtime API stops answering.
 * Returns the process exit status (1: the loop only ends on failure). */
int lambda_runtime_run(lambda_runtime *rt, lambda_handler handler,
                       void *context);

void lambda_runtime_free(lambda_runtime *rt);

/* Attempts at GET /next before the loop gives up, and the first delay
 * (doubled each time): 5 attempts, 50-400 ms apart, 750 ms in all. */
#define LAMBDA_NEXT_ATTEMPTS 5
#define LAMBDA_NEXT_BACKOFF_MS 50

#endif
