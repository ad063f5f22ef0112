/* deadline.h -- how long a network call may wait: a fixed cap, or less when
 * an invocation's deadline is nearer (aws_json.c, bot_api.c). */
#ifndef MILKBOT_DEADLINE_H
#define MILKBOT_DEADLINE_H

#include <stdint.h>

/* Milliseconds left before wall-clock time deadline_ms (epoch ms), at most
 * cap_ms; cap_ms when there is no deadline (0); 0 when it has passed. */
long deadline_budget_ms(int64_t deadline_ms, long cap_ms);

#endif
