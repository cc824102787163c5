/* Cross-domain beat loops. See beat.h for each function's contract.
 *
 * A cycle is CPU-bound work (timed by the core clock) followed by an operation served
 * by another clock domain; the cycle's length in ticks is the sample. The pipe and the
 * buffer are created inside the call and released before it returns. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "_clocks.h"
#include "_memory.h"
#include "beat.h"

/* `work` steps of a multiply-add chain (each step needs the previous result). The
 * volatile accumulator forces every step to run; returns it so callers can sink it. */
static inline uint64_t spin(int64_t work, uint64_t seed) {
    volatile uint64_t acc = seed;
    for (int64_t k = 0; k < work; k++) acc = acc * 6364136223846793005ull + 1442695040888963407ull;
    return acc;
}

int64_t oe_cpu_io_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t work) {
    if (n <= 0) return 0;
    if (work < 0) return -EINVAL;
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -errno;
    int64_t i = 0, error = 0;
    char byte = 0;
    /* A cycle is two system calls (about a microsecond): the deadline is checked every time.
     * Non-blocking ends: a full or empty pipe is an error (EAGAIN), never a hang. */
    for (; i < n && oe_mono_ns() < deadline_ns; i++) {
        uint64_t t0 = oe_ticks();
        byte = (char)spin(work, (uint64_t)i);
        if (write(fds[1], &byte, 1) != 1 || read(fds[0], &byte, 1) != 1) {
            error = errno ? errno : EIO;
            break;
        }
        out[i] = oe_ticks() - t0;
    }
    close(fds[0]);
    close(fds[1]);
    return i == 0 && error ? -error : i;
}

int64_t oe_cpu_memory_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t buffer_bytes, int64_t work) {
    if (n <= 0) return 0;
    if (buffer_bytes < 4096 || work < 0) return -EINVAL;
    size_t lines = (size_t)buffer_bytes / OE_LINE;
    char *buf = oe_map_populated(lines * OE_LINE);
    if (buf == NULL) return -errno;
    uint64_t state = OE_XORSHIFT_SEED;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            const char *p = buf + (oe_xorshift64(&state) % lines) * OE_LINE;
            oe_flush_line(p);
            uint64_t t0 = oe_ticks();
            uint64_t acc = spin(work, (uint64_t)i);
            /* volatile load, issued after the work (its address does not depend on it,
             * so the core may overlap the two: that overlap is part of the beat). */
            acc += *(const volatile uint64_t *)p;
            out[i] = oe_ticks() - t0;
            ((volatile char *)buf)[0] = (char)acc; /* sink */
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    munmap(buf, lines * OE_LINE);
    return i;
}
