/* Memory-subsystem timing loops (DRAM, page faults, VM calls); contract as in timing.h:
 * fill out[0..n), stop at deadline_ns (CLOCK_MONOTONIC), return samples written or -errno. */
#include <stdint.h>

/* Ticks of single loads at pseudo-random lines of a buffer_bytes buffer, each line
 * flushed from the caches first when flush != 0 (x86 clflush), so each load goes to DRAM. */
int64_t oe_dram_row_buffer(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t buffer_bytes, int flush);

/* Ticks of the first write to each page of fresh anonymous mappings of pages_per_map pages. */
int64_t oe_page_fault_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages_per_map);

/* Ticks of one VM cycle over `pages` pages: mode 0 mmap + write each page + munmap;
 * mode 1 madvise(MADV_DONTNEED) + write each page again (one mapping per call). */
int64_t oe_vm_page_timing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t pages, int mode);

/* 1 when oe_dram_row_buffer can flush lines from the caches on this build (x86), else 0. */
int oe_have_clflush(void);
