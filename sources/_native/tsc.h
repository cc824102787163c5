/* tsc_clock_beat: the x86 time-stamp counter against CLOCK_MONOTONIC_RAW. */
#include <stdint.h>

/* 1 when this is x86-64 and CPUID says rdtscp exists (leaf 0x80000001 EDX bit 27), else 0. */
int oe_cpu_has_rdtscp(void);

/* n TSC counts between successive edges of (CLOCK_MONOTONIC_RAW ns >> tick_shift), tick_shift
 * in 0..20; returns samples written, -EINVAL, -ENOTSUP (no rdtscp) or -ENOSYS (not x86-64). */
int64_t oe_tsc_clock_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int32_t tick_shift);
