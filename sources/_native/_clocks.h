/* Private helpers shared by the native loops (not exposed to Python: build.py skips
 * headers whose name starts with an underscore). */
#ifndef OE_CLOCKS_H
#define OE_CLOCKS_H
#include <stdint.h>
#include <time.h>

/* Deadline checks cost a clock read; one every OE_DEADLINE_STRIDE samples keeps the
 * overhead under 1% for ~40 ns samples while still stopping within ~10 us. Loops whose
 * samples take microseconds check every sample instead. */
#define OE_DEADLINE_STRIDE 256

/* CLOCK_MONOTONIC_RAW in ns: the sampling clock (not slewed by NTP). */
static inline uint64_t oe_raw_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CLOCK_MONOTONIC in ns: the deadline clock, the same as Python's time.monotonic_ns(). */
static inline int64_t oe_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + (int64_t)ts.tv_nsec;
}

#if defined(__x86_64__) || defined(__i386__)
#define OE_HAVE_TSC 1
/* rdtscp waits for earlier instructions to retire, so the timed work cannot drift past
 * the read; the "memory" clobber stops the compiler moving memory accesses across it. */
static inline uint64_t oe_rdtscp(void) {
    uint32_t lo, hi, aux;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}
#else
#define OE_HAVE_TSC 0
#endif

/* The best cycle-scale timestamp available: rdtscp on x86, CLOCK_MONOTONIC_RAW elsewhere. */
static inline uint64_t oe_ticks(void) {
#if OE_HAVE_TSC
    return oe_rdtscp();
#else
    return oe_raw_ns();
#endif
}

/* A compiler barrier: memory accesses on either side stay on their side. */
#define OE_BARRIER() __asm__ __volatile__("" ::: "memory")

#endif
