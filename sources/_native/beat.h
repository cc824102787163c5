/* Cross-domain "beat" loops: CPU work interleaved with another clock domain (I/O path,
 * memory controller); contract as in timing.h: fill out[0..n), stop at deadline_ns
 * (CLOCK_MONOTONIC), return samples written or -errno. */
#include <stdint.h>

/* Ticks of one cycle: `work` dependent integer steps, then a 1-byte write and read back
 * through a non-blocking pipe created (and closed) inside the call. */
int64_t oe_cpu_io_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t work);

/* Ticks of one cycle: `work` dependent integer steps, then one load of a pseudo-random
 * line of a buffer_bytes buffer, flushed from the caches first on x86 (a DRAM access). */
int64_t oe_cpu_memory_beat(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t buffer_bytes, int64_t work);
