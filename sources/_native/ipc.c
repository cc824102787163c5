/* IPC sources: see ipc.h for each function's contract.
 *
 * No call here may block without a timeout: waits on the other thread go through
 * poll() or a futex wait of at most OE_IPC_WAIT_MS, after which the loop looks at its
 * deadline again. Every thread started is joined and every descriptor closed on all
 * paths, including errors and a partner that stopped answering. */
#define _GNU_SOURCE
#include "_clocks.h"
#include "ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

/* Longest single wait on the other thread before re-checking deadline and stop flags:
 * it bounds how far past its deadline a loop can run when the partner is starved. */
#define OE_IPC_WAIT_MS 10

/* PIPE_BUF on Linux: writes up to this size are atomic, so one message is one read. */
#define OE_PIPE_MESSAGE_MAX 4096

/* Wait (up to OE_IPC_WAIT_MS) until fd is readable: 1 ready, 0 timed out, -errno. */
static int oe_wait_readable(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    int rc = poll(&p, 1, OE_IPC_WAIT_MS);
    if (rc < 0) return errno == EINTR ? 0 : -errno;
    return rc > 0;
}

/* Read exactly size bytes (the message is already complete in the pipe): 0 or -errno, -EPIPE on EOF. */
static int oe_read_all(int fd, unsigned char *buf, int64_t size) {
    int64_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, (size_t)(size - got));
        if (r > 0) got += r;
        else if (r == 0) return -EPIPE;
        else if (errno != EINTR) return -errno;
    }
    return 0;
}

struct oe_echo {
    int in_fd, out_fd;
    int64_t size;
    int stop;  /* atomic: set by the main thread before it joins */
};

/* Echo thread: reads each message and writes it back, until EOF, an error or stop. */
static void *oe_echo_thread(void *arg) {
    struct oe_echo *echo = arg;
    unsigned char buf[OE_PIPE_MESSAGE_MAX];
    while (!__atomic_load_n(&echo->stop, __ATOMIC_ACQUIRE)) {
        int ready = oe_wait_readable(echo->in_fd);
        if (ready < 0) break;
        if (ready == 0) continue;
        if (oe_read_all(echo->in_fd, buf, echo->size) != 0) break;
        if (write(echo->out_fd, buf, (size_t)echo->size) != (ssize_t)echo->size) break;
    }
    return NULL;
}

static void oe_close_pair(int fds[2]) {
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
}

int64_t oe_pipe_buffer(uint64_t *out, int64_t n, int64_t deadline_ns, int64_t message_size, int two_threads) {
    if (n < 0 || message_size < 1 || message_size > OE_PIPE_MESSAGE_MAX) return -EINVAL;
    unsigned char message[OE_PIPE_MESSAGE_MAX], reply[OE_PIPE_MESSAGE_MAX];
    for (int64_t k = 0; k < message_size; k++) message[k] = (unsigned char)(k * 167 + 13);
    int to_echo[2] = {-1, -1}, from_echo[2] = {-1, -1};
    int64_t i = 0, err = 0;

    if (!two_threads) {
        /* Non-blocking: one small message into an empty pipe never blocks, and if it
         * somehow would, we get EAGAIN instead of a hang. */
        if (pipe2(to_echo, O_CLOEXEC | O_NONBLOCK) != 0) return -errno;
        for (; i < n; i++) {
            if (oe_mono_ns() >= deadline_ns) break;
            uint64_t start = oe_ticks();
            if (write(to_echo[1], message, (size_t)message_size) != (ssize_t)message_size) { err = -errno; break; }
            if ((err = oe_read_all(to_echo[0], reply, message_size)) != 0) break;
            out[i] = oe_ticks() - start;
        }
        oe_close_pair(to_echo);
        return (err != 0 && i == 0) ? err : i;
    }

    if (pipe2(to_echo, O_CLOEXEC) != 0) return -errno;
    if (pipe2(from_echo, O_CLOEXEC) != 0) { err = -errno; oe_close_pair(to_echo); return err; }
    struct oe_echo echo = {to_echo[0], from_echo[1], message_size, 0};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, oe_echo_thread, &echo);
    if (rc != 0) { oe_close_pair(to_echo); oe_close_pair(from_echo); return -rc; }
    for (; i < n; i++) {
        if (oe_mono_ns() >= deadline_ns) break;
        uint64_t start = oe_ticks();
        /* At most one message is ever in flight, so this write never blocks. */
        if (write(to_echo[1], message, (size_t)message_size) != (ssize_t)message_size) { err = -errno; break; }
        int ready;
        while ((ready = oe_wait_readable(from_echo[0])) == 0 && oe_mono_ns() < deadline_ns) {}
        if (ready <= 0) { err = ready; break; } /* error, or deadline passed waiting */
        if ((err = oe_read_all(from_echo[0], reply, message_size)) != 0) break;
        out[i] = oe_ticks() - start;
    }
    __atomic_store_n(&echo.stop, 1, __ATOMIC_RELEASE);
    close(to_echo[1]); /* EOF for the echo thread, which exits at once */
    to_echo[1] = -1;
    pthread_join(thread, NULL);
    oe_close_pair(to_echo);
    oe_close_pair(from_echo);
    return (err != 0 && i == 0) ? err : i;
}

#if defined(__linux__)
/* The shared state of a ping-pong. turn: 0 main's, 1 partner's, 2 stop (atomics). */
struct oe_pingpong {
    int turn;
    int stop;
    uint64_t sent;             /* raw ns just before the last hand-off's wake */
    uint64_t partner_latency;  /* main -> partner hand-off, measured by the partner */
};

static void oe_futex_wait(int *addr, int expected) {
    struct timespec timeout = {0, OE_IPC_WAIT_MS * 1000000l};
    /* Returns at once (EAGAIN) if *addr != expected; EINTR and ETIMEDOUT just loop. */
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, &timeout, NULL, 0);
}

static void oe_futex_wake(int *addr) { syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void *oe_pingpong_partner(void *arg) {
    struct oe_pingpong *p = arg;
    while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
        if (__atomic_load_n(&p->turn, __ATOMIC_ACQUIRE) != 1) {
            oe_futex_wait(&p->turn, 0);
            continue;
        }
        p->partner_latency = oe_raw_ns() - p->sent;
        p->sent = oe_raw_ns();
        __atomic_store_n(&p->turn, 0, __ATOMIC_RELEASE); /* publishes both fields */
        oe_futex_wake(&p->turn);
    }
    return NULL;
}
#endif

int64_t oe_futex_pingpong(uint64_t *out, int64_t n, int64_t deadline_ns) {
#if defined(__linux__)
    if (n < 0) return -EINVAL;
    struct oe_pingpong p = {0, 0, 0, 0};
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, oe_pingpong_partner, &p);
    if (rc != 0) return -rc;
    int64_t i = 0;
    while (i < n) {
        if (oe_mono_ns() >= deadline_ns) break;
        p.sent = oe_raw_ns();
        __atomic_store_n(&p.turn, 1, __ATOMIC_RELEASE); /* publishes sent */
        oe_futex_wake(&p.turn);
        int late = 0;
        while (__atomic_load_n(&p.turn, __ATOMIC_ACQUIRE) != 0) {
            if (oe_mono_ns() >= deadline_ns) { late = 1; break; }
            oe_futex_wait(&p.turn, 1);
        }
        if (late) break;
        uint64_t now = oe_raw_ns();
        out[i++] = p.partner_latency;
        if (i < n) out[i++] = now - p.sent;
    }
    /* stop before turn = 2: a partner that misses the flag finds turn != 0, so its
     * futex wait returns at once and it sees the flag on its next check. */
    __atomic_store_n(&p.stop, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&p.turn, 2, __ATOMIC_RELEASE);
    oe_futex_wake(&p.turn);
    pthread_join(thread, NULL);
    return i;
#else
    (void)out; (void)n; (void)deadline_ns;
    return -ENOSYS;
#endif
}
