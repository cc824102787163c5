/* Storage timing loops (disk_io, fsync_journal). Each fills out[] with the duration of
 * one operation in oe_ticks() units, stops itself at deadline_ns (CLOCK_MONOTONIC) and
 * returns the number of samples written, or -errno when the first operation fails. */
#include <stdint.h>

/* Durations of pread(fd, buf, 4096, offset) at xorshift-random 4 KiB-aligned offsets in
 * [0, nblocks*4096), seeded by seed; buf is 4096-byte aligned for O_DIRECT; when
 * drop_cache is 1 each block is first evicted with posix_fadvise(POSIX_FADV_DONTNEED). */
int64_t oe_disk_io(uint64_t *out, int64_t n, int64_t deadline_ns, int fd, void *buf, int64_t nblocks, uint64_t seed, int drop_cache);

/* Durations of pwrite(fd, record, record_len, offset) + fsync(fd), the offset advancing
 * by record_len and wrapping to 0 before it would pass max_bytes (bounds the file). */
int64_t oe_fsync_journal(uint64_t *out, int64_t n, int64_t deadline_ns, int fd, const void *record, int64_t record_len, int64_t max_bytes);
