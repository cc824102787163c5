/* tsc_clock_beat: count TSC cycles between edges of a nanosecond clock.
 *
 * The loop polls CLOCK_MONOTONIC_RAW and watches bit `tick_shift` upward of the reading
 * (a tick of 2**tick_shift ns). When the tick value changes it reads the TSC with
 * rdtscp; a sample is the TSC count between two consecutive edges. The edge is seen
 * somewhere inside one poll (~20-40 ns, one clock_gettime), so each count carries the
 * poll phase plus the read latency jitter of both clock paths. See tsc.h for the contract.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "_clocks.h"
#include "_cpuid.h"
#include "tsc.h"

#if defined(__x86_64__)

int oe_cpu_has_rdtscp(void) { return oe_cpuid_bit(0x80000001u, 0, 3, 27); }

int64_t oe_tsc_clock_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int32_t tick_shift) {
    if (n < 0 || tick_shift < 0 || tick_shift > 20) return -EINVAL;
    if (!oe_cpu_has_rdtscp()) return -ENOTSUP;
    if (n == 0) return 0;
    /* The deadline is on CLOCK_MONOTONIC; the loop already reads CLOCK_MONOTONIC_RAW, so
     * convert the deadline once. NTP slews MONOTONIC by at most 500 ppm, so over a 1 s
     * collect the conversion errs by at most 0.5 ms: cheaper than a second clock read
     * per poll, which would halve the poll rate and so change the measurement. */
    uint64_t raw0 = oe_raw_ns();
    int64_t offset = oe_mono_ns() - (int64_t)raw0;
    uint64_t raw_deadline = (uint64_t)(deadline_ns - offset);

    /* Synchronise on a first edge: its TSC reading is the reference, not a sample. */
    uint64_t now = oe_raw_ns();
    uint64_t tick = now >> tick_shift;
    while ((now = oe_raw_ns()) >> tick_shift == tick) {
        if (now >= raw_deadline) return 0;
    }
    tick = now >> tick_shift;
    uint64_t last_tsc = oe_rdtscp();

    int64_t i = 0;
    while (i < n) {
        /* clock_gettime (vDSO) and rdtscp are both opaque to the compiler (a call, and an
         * asm volatile with a memory clobber), so neither the polls nor their order can be
         * optimised away. */
        now = oe_raw_ns();
        if (now >> tick_shift != tick) {
            uint64_t tsc = oe_rdtscp();
            tick = now >> tick_shift;
            out[i++] = tsc - last_tsc;
            last_tsc = tsc;
        }
        if (now >= raw_deadline) break;
    }
    return i;
}

#else

int oe_cpu_has_rdtscp(void) { return 0; }

int64_t oe_tsc_clock_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int32_t tick_shift) {
    (void)out; (void)n; (void)deadline_ns; (void)tick_shift;
    return -ENOSYS;
}

#endif
