/* rdrand / rdseed through inline asm (no -mrdrnd/-mrdseed needed at build time).
 *
 * Both instructions clear the carry flag when no random value was ready; the value
 * register is then zero and must not be used. We retry a bounded number of times and
 * report failure as -EIO: a failed instruction yields an error, never zeros.
 * See cpurng.h for the contract.
 */
#define _GNU_SOURCE
#include <errno.h>

#include "_clocks.h"
#include "_cpuid.h"
#include "cpurng.h"

/* Intel's DRNG Software Implementation Guide (section 5.2.1): ten rdrand failures in a
 * row mean the DRNG is broken, not busy. */
#define OE_RDRAND_RETRIES 10
/* rdseed draws from the conditioner's entropy source and may fail transiently while it
 * refills, more so with other cores asking; the same guide says to retry with a pause.
 * 1024 pauses (~10-40 us) is far beyond a busy spell and still a bounded wait. */
#define OE_RDSEED_RETRIES 1024
/* A deadline check (one clock read) every 64 values: rdrand/rdseed cost ~0.1-1 us in a
 * VM, so the check is cheap and the loop overshoots a deadline by well under 1 ms. */
#define OE_RNG_STRIDE 64

#if defined(__x86_64__)

int oe_cpu_has_rdrand(void) { return oe_cpuid_bit(1, 0, 2, 30); }

int oe_cpu_has_rdseed(void) { return oe_cpuid_bit(7, 0, 1, 18); }

/* asm volatile: each execution yields a new value, so the compiler must neither merge
 * nor hoist the instructions; "cc" because they write the flags. */
static inline int rdrand_once(uint64_t *value) {
    unsigned char ok;
    __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
    return ok;
}

static inline int rdseed_once(uint64_t *value) {
    unsigned char ok;
    __asm__ __volatile__("rdseed %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
    return ok;
}

int64_t oe_rdrand(uint64_t *out, int64_t n, int64_t deadline_ns) {
    if (n < 0) return -EINVAL;
    if (!oe_cpu_has_rdrand()) return -ENOTSUP;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_RNG_STRIDE < n ? i + OE_RNG_STRIDE : n;
        for (; i < stop; i++) {
            int tries = 0;
            while (!rdrand_once(&out[i]))
                if (++tries >= OE_RDRAND_RETRIES) return -EIO;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}

int64_t oe_rdseed(uint64_t *out, int64_t n, int64_t deadline_ns) {
    if (n < 0) return -EINVAL;
    if (!oe_cpu_has_rdseed()) return -ENOTSUP;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_RNG_STRIDE < n ? i + OE_RNG_STRIDE : n;
        for (; i < stop; i++) {
            int tries = 0;
            while (!rdseed_once(&out[i])) {
                if (++tries >= OE_RDSEED_RETRIES) return -EIO;
                __asm__ __volatile__("pause");
            }
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}

#else

int oe_cpu_has_rdrand(void) { return 0; }
int oe_cpu_has_rdseed(void) { return 0; }

int64_t oe_rdrand(uint64_t *out, int64_t n, int64_t deadline_ns) {
    (void)out; (void)n; (void)deadline_ns;
    return -ENOSYS;
}

int64_t oe_rdseed(uint64_t *out, int64_t n, int64_t deadline_ns) {
    (void)out; (void)n; (void)deadline_ns;
    return -ENOSYS;
}

#endif
