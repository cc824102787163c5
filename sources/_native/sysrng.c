/* getrandom(2) timing loop. See sysrng.h for the contract.
 *
 * A getrandom call of a few bytes costs ~0.2-1 us (vDSO getrandom on Linux >= 6.11 is
 * cheaper still; this calls the syscall directly so every sample crosses into the
 * kernel). The deadline is checked every OE_DEADLINE_STRIDE samples as in timing.c. */
#define _GNU_SOURCE
#include "_clocks.h"
#include "sysrng.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int64_t oe_getrandom_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t size) {
#if defined(SYS_getrandom)
    unsigned char buf[256];
    if (size < 1 || size > (int64_t)sizeof buf) return -EINVAL;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            uint64_t start = oe_ticks();
            /* syscall() is opaque and writes buf, so the call cannot be elided. */
            long got = syscall(SYS_getrandom, buf, (size_t)size, 0);
            uint64_t end = oe_ticks();
            if (got < 0) return i ? i : -errno;
            out[i] = end - start;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
#else
    (void)out; (void)n; (void)deadline_ns; (void)size;
    return -ENOSYS;
#endif
}
