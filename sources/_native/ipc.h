/* IPC sources: hand-offs through kernel objects, timed from user space.
 * Every loop fills out (uint64), checks deadline_ns (CLOCK_MONOTONIC) before every
 * sample, joins any thread it started and closes every descriptor before returning the
 * samples written or -errno. */
#include <stdint.h>

/* Ticks (oe_ticks) of writing message_size bytes into a pipe and reading them back: in this thread (two_threads=0) or echoed by a second thread (1). */
int64_t oe_pipe_buffer(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t message_size, int two_threads);

/* CLOCK_MONOTONIC_RAW ns from one thread's futex wake to the other's return from futex wait, alternating directions. */
int64_t oe_futex_pingpong(uint64_t *out, int64_t n, int64_t deadline_ns);
