/* getrandom(2) timing loop (getrandom_timing). */
#include <stdint.h>

/* Durations (oe_ticks() units) of getrandom(buf, size, 0) calls, 1 <= size <= 256;
 * stops at deadline_ns (CLOCK_MONOTONIC); returns samples written or -errno. */
int64_t oe_getrandom_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t size);
