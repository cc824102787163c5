/* Timing loops of the native core. See timing.h for each function's contract. */
#define _GNU_SOURCE
#include <time.h>
#include "timing.h"

/* Deadline checks cost a clock read; doing one every DEADLINE_STRIDE samples keeps the
 * overhead under 1% while still stopping within ~10 us of the deadline. */
#define DEADLINE_STRIDE 256

static inline uint64_t raw_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t oe_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + (int64_t)ts.tv_nsec;
}

int64_t oe_clock_jitter(uint64_t *out, int64_t n, int64_t deadline_ns) {
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + DEADLINE_STRIDE < n ? i + DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            /* clock_gettime is an opaque vDSO call with side effects, so the compiler
             * can neither drop nor reorder these reads; the stores go to caller memory. */
            out[i] = raw_ns();
        }
        if (oe_monotonic_ns() >= deadline_ns) break;
    }
    return i;
}

uint64_t oe_bare_clock_loop(int64_t n) {
    /* volatile sink: keeps the otherwise unused readings (and so the calls) alive. */
    volatile uint64_t last = 0;
    for (int64_t i = 0; i < n; i++) last = raw_ns();
    return last;
}
