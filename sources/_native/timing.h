/* openentropy native timing core: only what Python calls, one-line contract each.
 * Loops fill a caller-provided uint64 buffer in one call, stop themselves at deadline_ns
 * (CLOCK_MONOTONIC, the clock of Python's time.monotonic_ns()) and return the number of
 * samples written, or -errno on failure. */
#include <stdint.h>

/* n back-to-back CLOCK_MONOTONIC_RAW reads (ns) into out. */
int64_t oe_clock_jitter(uint64_t *out, int64_t n, int64_t deadline_ns);

/* Nanoseconds of CLOCK_MONOTONIC, the deadline clock (for tests and benchmarks). */
int64_t oe_monotonic_ns(void);

/* Cost baseline: n bare clock_gettime(CLOCK_MONOTONIC_RAW) calls; returns the last reading. */
uint64_t oe_bare_clock_loop(int64_t n);

/* 1 when this build reads the x86 time-stamp counter (rdtscp), else 0. */
int oe_have_tsc(void);
