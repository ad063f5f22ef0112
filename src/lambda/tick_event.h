/* tick_event.h -- the event the function's own clock invokes it with (#17).
 *
 * EventBridge Scheduler invokes the function every minute (template.yaml,
 * the Tick schedule) with this JSON, not an API Gateway event:
 *   {"milkbot": "tick", "scheduled": "<RFC 3339>", "execution": "<id>",
 *    "attempt": "<n>"}
 * It is recognised by its top-level "milkbot" member alone: a webhook
 * event never has one (its update is inside a string, "body"). Only the
 * scheduler (IAM: lambda:InvokeFunction) can send it; the HTTP API cannot. */
#ifndef MILKBOT_TICK_EVENT_H
#define MILKBOT_TICK_EVENT_H

#include <stddef.h>

typedef struct {
    char scheduled[40];  /* the scheduler's time for this tick; "" if none */
    char execution[100]; /* its execution id, for logs; "" if none */
    int attempt;         /* 1 for the first invocation, more when retried */
} tick_event;

/* Returns 1 when `event` (any bytes) is a tick event, with what it says in
 * *out (what it lacks or has malformed left empty), else 0. */
int tick_event_parse(const char *event, size_t len, tick_event *out);

/* A name for one attempt of a tick (store.h, claim_schedule): 32 hex
 * digits of the kernel's randomness and the NUL. Returns 0, or -1 when no
 * randomness could be read. */
int tick_claim_name(char out[33]);

#endif
