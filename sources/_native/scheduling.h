/* Scheduling sources: the kernel's scheduler and timers, timed from user space.
 * (Named scheduling.h, not sched.h: this folder is on the include path, so a sched.h
 * here would shadow the system <sched.h> that <pthread.h> includes.)
 * Every loop fills out (uint64), checks deadline_ns (CLOCK_MONOTONIC) before every
 * sample, and returns the samples written or -errno. */
#include <stdint.h>

/* Elapsed CLOCK_MONOTONIC ns of a relative clock_nanosleep(sleep_ns) each; every sample >= sleep_ns. */
int64_t oe_sleep_jitter(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t sleep_ns);

/* Lateness (ns) of absolute CLOCK_MONOTONIC wake-ups every interval_ns; slack_ns >= 1 sets this thread's timer slack for the call (restored after), 0 keeps it. */
int64_t oe_timer_coalescing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t interval_ns, int64_t slack_ns);

/* Ticks (oe_ticks) of pthread_create + pthread_join of a thread that does nothing. */
int64_t oe_thread_lifecycle(uint64_t *out, int64_t n, int64_t deadline_ns);

/* Ticks (oe_ticks) of one sched_yield() call each. */
int64_t oe_sched_yield_timing(uint64_t *out, int64_t n, int64_t deadline_ns);

/* Ticks (oe_ticks) of a dependent multiply-add chain of chain_length steps; sched_yield() (untimed) after every yield_every samples. */
int64_t oe_pe_core_arithmetic(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t chain_length, int64_t yield_every);
