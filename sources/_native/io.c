/* Storage timing loops. See io.h for each function's contract.
 *
 * Each operation is a system call that reaches the block layer (or, for buffered reads
 * of a just-evicted page, the page cache miss path), so it takes microseconds to
 * milliseconds: the deadline is checked after every sample. The syscalls are opaque to
 * the compiler, so neither they nor the timestamps around them can be reordered or
 * dropped; no barrier is needed beyond the one inside oe_ticks(). */
#define _GNU_SOURCE
#include "_clocks.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define OE_IO_BLOCK 4096

/* xorshift64 (Marsaglia 2003): picks block indices; it only defeats readahead and
 * adjacency, it is not a source of entropy and nothing is credited to it. */
static uint64_t oe_xorshift64(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

int64_t oe_disk_io(uint64_t *out, int64_t n, int64_t deadline_ns, int fd, void *buf, int64_t nblocks, uint64_t seed, int drop_cache) {
    if (nblocks <= 0 || fd < 0) return -EINVAL;
    uint64_t state = seed ? seed : 0x9E3779B97F4A7C15ull; /* xorshift must not start at 0 */
    int64_t i = 0;
    while (i < n) {
        off_t offset = (off_t)(oe_xorshift64(&state) % (uint64_t)nblocks) * OE_IO_BLOCK;
        if (drop_cache) posix_fadvise(fd, offset, OE_IO_BLOCK, POSIX_FADV_DONTNEED);
        uint64_t start = oe_ticks();
        ssize_t got = pread(fd, buf, OE_IO_BLOCK, offset);
        uint64_t end = oe_ticks();
        if (got < 0) {
            if (i == 0) return -errno;
            break; /* keep what was measured; the next collect reports the error */
        }
        out[i++] = end - start;
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}

int64_t oe_fsync_journal(uint64_t *out, int64_t n, int64_t deadline_ns, int fd, const void *record, int64_t record_len, int64_t max_bytes) {
    if (record_len <= 0 || max_bytes < record_len || fd < 0) return -EINVAL;
    off_t offset = 0;
    int64_t i = 0;
    while (i < n) {
        if (offset + record_len > max_bytes) offset = 0;
        uint64_t start = oe_ticks();
        ssize_t put = pwrite(fd, record, (size_t)record_len, offset);
        int synced = put == record_len ? fsync(fd) : -1;
        uint64_t end = oe_ticks();
        if (put != record_len || synced != 0) {
            int code = put >= 0 && put != record_len ? ENOSPC : errno; /* a short write means the disk is full */
            if (i == 0) return -code;
            break;
        }
        out[i++] = end - start;
        offset += record_len;
        if (oe_mono_ns() >= deadline_ns) break;
    }
    return i;
}
