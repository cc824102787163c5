/* Microarchitecture timing loops (caches, coherence, FPU assists, branch prediction, TLB);
 * contract as in timing.h: fill out[0..n), stop at deadline_ns (CLOCK_MONOTONIC),
 * return samples written or -errno. Helper threads are always joined before returning. */
#include <stdint.h>

/* Ticks of `steps` dependent loads chasing a random cycle through a chase_bytes buffer,
 * while a second thread keeps writing through a thrash_bytes buffer. */
int64_t oe_cache_contention(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t chase_bytes, int64_t thrash_bytes, int64_t steps);

/* Ticks of one atomic compare-and-swap on a cache line a second thread keeps incrementing. */
int64_t oe_cas_contention(uint64_t *out, int64_t n, int64_t deadline_ns);

/* Ticks of `ops` double multiplications with denormal operands and results (x86: with
 * flush-to-zero and denormals-are-zero cleared for the call, then restored). */
int64_t oe_denormal_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t ops);

/* Ticks of `branches` (1..64) conditional branches whose directions follow a fixed-seed
 * xorshift sequence, i.e. about half of them mispredicted. */
int64_t oe_speculative_execution(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t branches);

/* Ticks of mprotect(PROT_READ) on `pages` pages a second thread keeps reading (the
 * permission downgrade makes the kernel shoot down the other core's TLB entries). */
int64_t oe_tlb_shootdown(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages);
