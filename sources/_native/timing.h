/* openentropy native timing core: only what Python calls, one-line contract each.
 * Every loop fills a caller-provided buffer in one call, stops itself at deadline_ns
 * (CLOCK_MONOTONIC, the clock of Python's time.monotonic_ns()) and returns the number
 * of samples written. */
#include <stdint.h>

/* Native timestamps: n back-to-back CLOCK_MONOTONIC_RAW reads (ns) into out. */
int64_t oe_clock_jitter(uint64_t *out, int64_t n, int64_t deadline_ns);

/* Nanoseconds of CLOCK_MONOTONIC, the deadline clock (for tests and benchmarks). */
int64_t oe_monotonic_ns(void);

/* Cost baseline: n bare clock_gettime(CLOCK_MONOTONIC_RAW) calls; returns the last ns reading. */
uint64_t oe_bare_clock_loop(int64_t n);
