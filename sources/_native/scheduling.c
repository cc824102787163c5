/* Scheduling sources: see scheduling.h for each function's contract.
 *
 * The sleeping loops (sleep_jitter, timer_coalescing) take tens of microseconds per
 * sample, so they check the deadline before every sample and never start a sleep that
 * would end past it. The others are microseconds or less per sample and also check
 * every sample: one clock read (~20 ns) is noise next to a syscall or a thread. */
#define _GNU_SOURCE
#include "_clocks.h"
#include "scheduling.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

/* Longest sleep or interval accepted: one second (the Python side allows far less). */
#define OE_MAX_SLEEP_NS 1000000000ll

int64_t oe_sleep_jitter(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t sleep_ns) {
#if defined(__linux__)
    if (n < 0 || sleep_ns < 1 || sleep_ns >= OE_MAX_SLEEP_NS) return -EINVAL;
    int64_t i = 0;
    for (; i < n; i++) {
        int64_t start = oe_mono_ns();
        if (start + sleep_ns > deadline_ns) break;
        struct timespec request = {0, (long)sleep_ns}, remaining;
        int rc;
        /* A signal cuts the sleep short: sleep the remainder, so that every sample is
         * at least sleep_ns long (elapsed is read on the clock the sleep runs on). */
        while ((rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &request, &remaining)) == EINTR) request = remaining;
        if (rc != 0) return -rc;
        out[i] = (uint64_t)(oe_mono_ns() - start);
    }
    return i;
#else
    (void)out; (void)n; (void)deadline_ns; (void)sleep_ns;
    return -ENOSYS;
#endif
}

int64_t oe_timer_coalescing(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t interval_ns, int64_t slack_ns) {
#if defined(__linux__)
    if (n < 0 || interval_ns < 1 || interval_ns >= OE_MAX_SLEEP_NS || slack_ns < 0 || slack_ns >= OE_MAX_SLEEP_NS)
        return -EINVAL;
    int old_slack = -1;
    if (slack_ns > 0) {
        old_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
        if (old_slack < 0 || prctl(PR_SET_TIMERSLACK, (unsigned long)slack_ns, 0, 0, 0) != 0) return -errno;
    }
    int64_t target = oe_mono_ns() + interval_ns;
    int64_t i = 0;
    int rc = 0;
    for (; i < n; i++) {
        if (target > deadline_ns) break;
        struct timespec when = {(time_t)(target / 1000000000ll), (long)(target % 1000000000ll)};
        /* An absolute sleep restarted after a signal still ends at the same deadline. */
        while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL)) == EINTR) {}
        if (rc != 0) break;
        int64_t now = oe_mono_ns();
        out[i] = (uint64_t)(now - target);
        target += interval_ns;
        /* Fell a whole interval behind (preempted): re-anchor instead of firing late
         * wake-ups back to back, which would measure the backlog, not the timer. */
        if (target <= now) target = now + interval_ns;
    }
    if (old_slack >= 0) prctl(PR_SET_TIMERSLACK, (unsigned long)old_slack, 0, 0, 0);
    return rc != 0 ? -rc : i;
#else
    (void)out; (void)n; (void)deadline_ns; (void)interval_ns; (void)slack_ns;
    return -ENOSYS;
#endif
}

static void *oe_idle_thread(void *arg) { return arg; }

int64_t oe_thread_lifecycle(uint64_t *out, int64_t n, int64_t deadline_ns) {
    int64_t i = 0;
    for (; i < n; i++) {
        if (oe_mono_ns() >= deadline_ns) break;
        pthread_t thread;
        uint64_t start = oe_ticks();
        int rc = pthread_create(&thread, NULL, oe_idle_thread, NULL);
        if (rc != 0) return i > 0 ? i : -rc; /* EAGAIN under a thread limit: keep what we have */
        pthread_join(thread, NULL);
        out[i] = oe_ticks() - start;
    }
    return i;
}

int64_t oe_sched_yield_timing(uint64_t *out, int64_t n, int64_t deadline_ns) {
    int64_t i = 0;
    for (; i < n; i++) {
        if (oe_mono_ns() >= deadline_ns) break;
        uint64_t start = oe_ticks();
        sched_yield(); /* a syscall: the compiler can neither drop nor move it */
        out[i] = oe_ticks() - start;
    }
    return i;
}

int64_t oe_pe_core_arithmetic(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t chain_length, int64_t yield_every) {
    if (n < 0 || chain_length < 1 || yield_every < 0) return -EINVAL;
    /* volatile seed and sink: the chain's input is unknown and its result is used, so
     * the compiler cannot fold the chain into a constant or drop it. */
    volatile uint64_t seed = 0x9E3779B97F4A7C15ull;
    volatile uint64_t sink;
    uint64_t x = seed;
    int64_t i = 0;
    for (; i < n; i++) {
        if (oe_mono_ns() >= deadline_ns) break;
        uint64_t start = oe_ticks();
        for (int64_t j = 0; j < chain_length; j++) {
            /* An LCG step then an xorshift (Knuth's MMIX constants): each step needs
             * the previous result, so the chain runs serially at the core's latency. */
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            x ^= x >> 29;
            /* Empty asm that "changes" x: stops the compiler vectorising, unrolling
             * into a closed form, or hoisting the chain out of the timed region. */
            __asm__ __volatile__("" : "+r"(x));
        }
        out[i] = oe_ticks() - start;
        /* Untimed: give the scheduler a chance to move us to another core. */
        if (yield_every > 0 && (i + 1) % yield_every == 0) sched_yield();
    }
    sink = x;
    (void)sink;
    return i;
}
