/* Microarchitecture timing loops. See micro.h for each function's contract.
 *
 * Three loops run a helper thread (cache_contention, cas_contention, tlb_shootdown):
 * it spins until the main loop raises `stop`, then the main loop joins it before
 * returning, on every path. Samples are durations in oe_ticks() units. */
#define _GNU_SOURCE
#include <pthread.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif
#include "_clocks.h"
#include "_memory.h"
#include "micro.h"

/* Spin until a helper thread has raised *started (so the first samples already see its
 * interference) or the deadline passes; returns 1 when it started. */
static int wait_started(const int *started, int64_t deadline_ns) {
    while (!__atomic_load_n(started, __ATOMIC_ACQUIRE))
        if (oe_mono_ns() >= deadline_ns) return 0;
    return 1;
}

/* ---- cache_contention ------------------------------------------------------------ */

struct thrasher {
    char *buf;
    size_t bytes;
    int started, stop; /* read and written with __atomic builtins only */
};

static void *thrash(void *arg) {
    struct thrasher *t = arg;
    __atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
    for (size_t off = 0; !__atomic_load_n(&t->stop, __ATOMIC_RELAXED);) {
        /* volatile stores, one per line: every pass evicts other data from the caches.
         * The stop flag is checked every 4 KiB, so the join never waits for a whole pass. */
        for (size_t end = off + 4096; off < end && off < t->bytes; off += OE_LINE) ((volatile char *)t->buf)[off]++;
        if (off >= t->bytes) off = 0;
    }
    return NULL;
}

int64_t oe_cache_contention(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t chase_bytes, int64_t thrash_bytes, int64_t steps) {
    if (n <= 0) return 0;
    if (chase_bytes < 4096 || thrash_bytes < 4096 || steps < 1) return -EINVAL;
    size_t lines = (size_t)chase_bytes / OE_LINE;
    char *chase = oe_map_populated(lines * OE_LINE);
    if (chase == NULL) return -errno;
    /* Not populated: the thrasher's first pass faults its pages in, on its own core. */
    struct thrasher t = {mmap(NULL, (size_t)thrash_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                         (size_t)thrash_bytes, 0, 0};
    if (t.buf == MAP_FAILED) {
        int e = errno;
        munmap(chase, lines * OE_LINE);
        return -e;
    }
    int rc = -oe_build_chase(chase, lines);
    pthread_t thread;
    if (rc == 0) rc = pthread_create(&thread, NULL, thrash, &t);
    int64_t i = 0;
    if (rc == 0) {
        char *p = chase;
        while (i < n && wait_started(&t.started, deadline_ns)) {
            int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
            for (; i < stop; i++) {
                uint64_t t0 = oe_ticks();
                /* Each load's address is the previous load's value: the chain cannot be
                 * reordered or overlapped, and p stays live until the volatile sink below. */
                for (int64_t s = 0; s < steps; s++) p = *(char **)p;
                out[i] = oe_ticks() - t0;
            }
            if (oe_mono_ns() >= deadline_ns) break;
        }
        *(char *volatile *)&chase[OE_LINE / 2] = p; /* sink: keeps the chase alive */
        __atomic_store_n(&t.stop, 1, __ATOMIC_RELAXED);
        pthread_join(thread, NULL);
    }
    munmap(t.buf, t.bytes);
    munmap(chase, lines * OE_LINE);
    return rc == 0 ? i : -rc;
}

/* ---- cas_contention -------------------------------------------------------------- */

/* The contended word and the stop flag live on separate cache lines. */
struct cas_shared {
    _Alignas(OE_LINE) uint64_t word;
    _Alignas(OE_LINE) int started, stop;
};

static void *cas_hammer(void *arg) {
    struct cas_shared *s = arg;
    __atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) __atomic_fetch_add(&s->word, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int64_t oe_cas_contention(uint64_t *out, int64_t n, int64_t deadline_ns) {
    if (n <= 0) return 0;
    struct cas_shared s;
    memset(&s, 0, sizeof s);
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, cas_hammer, &s);
    if (rc != 0) return -rc;
    int64_t i = 0;
    while (i < n && wait_started(&s.started, deadline_ns)) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            uint64_t expected = __atomic_load_n(&s.word, __ATOMIC_RELAXED);
            uint64_t t0 = oe_ticks();
            /* An atomic builtin is never elided; success or failure both count. */
            __atomic_compare_exchange_n(&s.word, &expected, expected + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
            out[i] = oe_ticks() - t0;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    __atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
    pthread_join(thread, NULL);
    return i;
}

/* ---- denormal_timing ------------------------------------------------------------- */

int64_t oe_denormal_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t ops) {
    if (n <= 0) return 0;
    if (ops < 1) return -EINVAL;
#if defined(__x86_64__) || defined(__i386__)
    unsigned int saved_csr = _mm_getcsr();
    _mm_setcsr(saved_csr & ~(0x8040u)); /* clear FTZ (bit 15) and DAZ (bit 6) */
#endif
    /* volatile operands and result: every multiplication is performed at run time and
     * none can be folded, hoisted or vectorised away. 4.9e-324 .. 2.2e-308 are denormal. */
    volatile double operand[4] = {4.9406564584124654e-324, 1.0e-310, 2.0e-315, 1.5e-320};
    volatile double scale = 0.75, result = 0.0;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            uint64_t t0 = oe_ticks();
            for (int64_t k = 0; k < ops; k++) result = operand[k & 3] * scale;
            out[i] = oe_ticks() - t0;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    (void)result;
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(saved_csr);
#endif
    return i;
}

/* ---- speculative_execution ------------------------------------------------------- */

int64_t oe_speculative_execution(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t branches) {
    if (n <= 0) return 0;
    if (branches < 1 || branches > 64) return -EINVAL;
    uint64_t state = OE_XORSHIFT_SEED;
    volatile uint64_t taken = 0, not_taken = 0;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            uint64_t pattern = oe_xorshift64(&state);
            uint64_t t0 = oe_ticks();
            for (int64_t k = 0; k < branches; k++) {
                if ((pattern >> k) & 1) {
                    /* The asm barrier in one arm stops the compiler turning this
                     * if/else into a branch-free cmov: it must stay a real branch. */
                    OE_BARRIER();
                    taken = taken + 1;
                } else {
                    not_taken = not_taken + 1;
                }
            }
            out[i] = oe_ticks() - t0;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}

/* ---- tlb_shootdown --------------------------------------------------------------- */

struct reader {
    char *region;
    size_t bytes, page;
    int started, stop;
};

static void *read_pages(void *arg) {
    struct reader *r = arg;
    __atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
        /* volatile loads: keep this core's TLB holding an entry for every page. Only
         * reads: the pages are PROT_READ half of the time. */
        for (size_t off = 0; off < r->bytes; off += r->page) (void)((volatile char *)r->region)[off];
    }
    return NULL;
}

int64_t oe_tlb_shootdown(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages) {
    if (n <= 0) return 0;
    if (pages < 1) return -EINVAL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    struct reader r = {NULL, (size_t)pages * page, page, 0, 0};
    r.region = oe_map_populated(r.bytes);
    if (r.region == NULL) return -errno;
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, read_pages, &r);
    if (rc != 0) {
        munmap(r.region, r.bytes);
        return -rc;
    }
    int64_t i = 0, error = 0;
    /* A sample is two system calls (microseconds): the deadline is checked every time. */
    for (; i < n && wait_started(&r.started, deadline_ns) && oe_mono_ns() < deadline_ns; i++) {
        uint64_t t0 = oe_ticks();
        int a = mprotect(r.region, r.bytes, PROT_READ);
        uint64_t t1 = oe_ticks();
        /* Write access back: the pages are dirty (populated by writes), so the kernel
         * makes their PTEs writable again and the next downgrade must change them. */
        int b = mprotect(r.region, r.bytes, PROT_READ | PROT_WRITE);
        if (a != 0 || b != 0) {
            error = errno;
            break;
        }
        out[i] = t1 - t0;
    }
    __atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
    pthread_join(thread, NULL);
    munmap(r.region, r.bytes);
    return i == 0 && error ? -error : i;
}
