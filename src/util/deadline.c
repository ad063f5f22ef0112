/* deadline.c -- see deadline.h. */
#include "deadline.h"

#include <time.h>

long deadline_budget_ms(int64_t deadline_ms, long cap_ms) {
    if (deadline_ms == 0) return cap_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t left = deadline_ms - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    return left <= 0 ? 0 : left < cap_ms ? (long)left : cap_ms;
}
