/* Memory-subsystem timing loops. See memory.h for each function's contract.
 *
 * Every buffer or mapping is created inside the call and unmapped before it returns,
 * also when the deadline cuts the loop short. Samples are durations in oe_ticks()
 * units (TSC cycles on x86, ns elsewhere). */
#define _GNU_SOURCE
#include "_clocks.h"
#include "_memory.h"
#include "memory.h"

int oe_have_clflush(void) {
#if defined(__x86_64__) || defined(__i386__)
    return 1;
#else
    return 0;
#endif
}

int64_t oe_dram_row_buffer(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t buffer_bytes, int flush) {
    if (n <= 0) return 0;
    if (buffer_bytes < 4096) return -EINVAL;
    size_t lines = (size_t)buffer_bytes / OE_LINE;
    char *buf = oe_map_populated(lines * OE_LINE);
    if (buf == NULL) return -errno;
    uint64_t state = OE_XORSHIFT_SEED;
    int64_t i = 0;
    while (i < n) {
        int64_t stop = i + OE_DEADLINE_STRIDE < n ? i + OE_DEADLINE_STRIDE : n;
        for (; i < stop; i++) {
            const char *p = buf + (oe_xorshift64(&state) % lines) * OE_LINE;
            if (flush) oe_flush_line(p);
            uint64_t t0 = oe_ticks();
            /* volatile load: the compiler must issue it, between the two rdtscp reads
             * (rdtscp waits for the load to complete before reading the counter). */
            (void)*(const volatile uint64_t *)p;
            out[i] = oe_ticks() - t0;
        }
        if (oe_mono_ns() >= deadline_ns) break;
    }
    munmap(buf, lines * OE_LINE);
    return i;
}

int64_t oe_page_fault_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages_per_map) {
    if (n <= 0) return 0;
    if (pages_per_map < 1) return -EINVAL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = (size_t)pages_per_map * page;
    int64_t i = 0;
    while (i < n && oe_mono_ns() < deadline_ns) {
        char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) return i > 0 ? i : -errno;
        /* Faults take microseconds, so the deadline is checked on every page. */
        for (int64_t k = 0; k < pages_per_map && i < n; k++, i++) {
            uint64_t t0 = oe_ticks();
            /* volatile store: the first touch of the page, i.e. the fault, must happen here. */
            *(volatile char *)(p + (size_t)k * page) = 1;
            out[i] = oe_ticks() - t0;
            if (oe_mono_ns() >= deadline_ns) {
                i++;
                break;
            }
        }
        munmap(p, bytes);
    }
    return i;
}

/* Write one byte to each of `pages` pages at p (volatile: each write must happen). */
static void touch_pages(char *p, int64_t pages, size_t page) {
    for (int64_t k = 0; k < pages; k++) *(volatile char *)(p + (size_t)k * page) = 1;
}

int64_t oe_vm_page_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages, int mode) {
    if (n <= 0) return 0;
    if (pages < 1 || (mode != 0 && mode != 1)) return -EINVAL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t bytes = (size_t)pages * page;
    char *region = NULL;
    if (mode == 1) {
        region = oe_map_populated(bytes);
        if (region == NULL) return -errno;
    }
    int64_t i = 0, error = 0;
    /* One cycle takes microseconds: the deadline is checked on every sample. */
    for (; i < n && oe_mono_ns() < deadline_ns; i++) {
        uint64_t t0 = oe_ticks();
        if (mode == 0) {
            char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) {
                error = errno;
                break;
            }
            touch_pages(p, pages, page);
            munmap(p, bytes);
        } else {
            if (madvise(region, bytes, MADV_DONTNEED) != 0) {
                error = errno;
                break;
            }
            touch_pages(region, pages, page);
        }
        out[i] = oe_ticks() - t0;
    }
    if (region != NULL) munmap(region, bytes);
    return i == 0 && error ? -error : i;
}
