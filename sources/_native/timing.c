/* Core timing loops. See timing.h for each function's contract. */
#define _GNU_SOURCE
#include "_clocks.h"
#include "timing.h"

int64_t oe_monotonic_ns(void) { return oe_mono_ns(); }

int oe_have_tsc(void) { return OE_HAVE_TSC; }

int64_t oe_clock_jitter(uint64_t *out, int64_t n, int64_t deadline_ns) {
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            /* clock_gettime is an opaque vDSO call with side effects, so the compiler
             * can neither drop nor reorder these reads; the stores go to caller memory. */
            out[i] = oe_raw_ns();
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}

uint64_t oe_bare_clock_loop(int64_t n) {
    /* volatile sink: keeps the otherwise unused readings (and so the calls) alive. */
    volatile uint64_t last = 0;
    for (int64_t i = 0; i < n; i++) last = oe_raw_ns();
    return last;
}
