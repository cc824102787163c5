/* Private helpers of the memory, micro and beat families (not exposed to Python:
 * build.py skips headers whose name starts with an underscore). */
#ifndef OE_MEMORY_PRIV_H
#define OE_MEMORY_PRIV_H
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A cache line on every CPU we build for (x86-64, arm64); only used for strides. */
#define OE_LINE 64

/* xorshift64 (Marsaglia 2003): picks addresses and branch directions. It is seeded with
 * a fixed constant on purpose: the access pattern then carries no entropy of its own,
 * so whatever varies between runs is the hardware's timing, not the generator. */
#define OE_XORSHIFT_SEED 0x9E3779B97F4A7C15ull
static inline uint64_t oe_xorshift64(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Evict the line holding p from every cache level and wait for it (x86: clflush then
 * mfence, so the next load of p goes to DRAM). Elsewhere a no-op: callers then rely on
 * their buffer being larger than the last-level cache. Returns 1 when it flushed. */
static inline int oe_flush_line(const void *p) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("clflush (%0)\n\tmfence" : : "r"(p) : "memory");
    return 1;
#else
    (void)p;
    return 0;
#endif
}

/* An anonymous private read-write mapping of `bytes`, every page allocated up front
 * (MAP_POPULATE write-faults private writable mappings, so these are real zeroed pages,
 * not the shared zero page a read of an untouched page would hit). NULL and errno set
 * on failure. */
static inline void *oe_map_populated(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Turn buf (lines of OE_LINE bytes) into one cycle through every line in random order:
 * the first word of each line points at the next. A chase p = *(void **)p then visits
 * all lines with dependent loads that no prefetcher can guess. The order is shuffled in
 * a compact uint32 array first (it fits in L2, so the Fisher-Yates swaps stay cheap),
 * then linked: shuffling the lines in place would cost two DRAM misses per line.
 * Returns 0, or -ENOMEM. */
static inline int oe_build_chase(char *buf, size_t lines) {
    uint32_t *order = malloc(lines * sizeof *order);
    if (order == NULL || lines > UINT32_MAX) {
        free(order);
        return -ENOMEM;
    }
    uint64_t state = OE_XORSHIFT_SEED;
    for (size_t i = 0; i < lines; i++) order[i] = (uint32_t)i;
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = (size_t)(oe_xorshift64(&state) % (i + 1));
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < lines; k++)
        *(char **)(buf + (size_t)order[k] * OE_LINE) = buf + (size_t)order[(k + 1) % lines] * OE_LINE;
    free(order);
    return 0;
}

#endif
