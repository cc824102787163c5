/* The ring behind the direct numpy generator (openentropy/direct_bits.py).

   One ring per bit generator. numpy calls oe_ring_next64 (through randomgen's
   UserBitGenerator) millions of times a second, holding the bit generator's lock and
   usually not the GIL; each call is a bounds check and an 8-byte copy. When the unread
   bytes run out, oe_ring_refill (a cffi extern "Python" function: it takes the GIL by
   itself) writes the next batch of pool output over the whole buffer.

   Batches grow: the first refill asks for `first_refill` bytes, each next one twice
   as many, up to the capacity. A program that wants one number does not wait for a
   megabyte from a slow pool; one that wants millions pays the Python call once per
   capacity bytes.

   Once only: the read position only moves forward, and a refill overwrites the bytes
   behind it. After fork() the child inherits a copy of the buffer that its parent may
   also still read; a pthread_atfork child handler bumps `fork_epoch`, and a ring filled
   in an older epoch counts as empty, so the child's first draw refills from its own
   pool. A half-used 64-bit word kept for next32 is dropped the same way.

   A failed refill aborts the process. numpy gives a bit generator no way to fail, and
   the only alternatives are to repeat bytes or to make some up; the error text and a
   Python traceback are on stderr first. */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct oe_ring oe_ring; /* ring.h is the cdef: its extern "Python" line is not C */

struct oe_ring {
    unsigned char *buf;
    size_t capacity;
    size_t next_refill; /* bytes the next refill asks for */
    size_t pos;         /* first unread byte */
    size_t len;         /* bytes in the current batch */
    unsigned long epoch;
    void *handle;
    uint64_t refills;
    uint64_t bytes_in;
    uint32_t half;      /* the high 32 bits of a word next32 split */
    int has_half;
};

/* volatile: written by the atfork handler, read on every draw; the compiler must not
   keep it in a register across calls. */
static volatile unsigned long fork_epoch = 0;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void bump_fork_epoch(void) { fork_epoch++; }
static void install_atfork(void) { pthread_atfork(NULL, NULL, bump_fork_epoch); }

oe_ring *oe_ring_new(size_t capacity, size_t first_refill, void *handle)
{
    pthread_once(&atfork_once, install_atfork);
    if (capacity < 8 || capacity % 8 || first_refill < 8 || first_refill % 8 || first_refill > capacity)
        return NULL;
    oe_ring *ring = calloc(1, sizeof *ring);
    if (!ring)
        return NULL;
    ring->buf = malloc(capacity);
    if (!ring->buf) {
        free(ring);
        return NULL;
    }
    ring->capacity = capacity;
    ring->next_refill = first_refill;
    ring->epoch = fork_epoch;
    ring->handle = handle;
    return ring;
}

void oe_ring_free(oe_ring *ring)
{
    if (!ring)
        return;
    /* volatile pointer: a memset before free() is otherwise a dead store to elide */
    volatile unsigned char *p = ring->buf;
    for (size_t i = 0; i < ring->capacity; i++)
        p[i] = 0;
    free(ring->buf);
    free(ring);
}

static void refill(oe_ring *ring)
{
    size_t n = ring->next_refill;
    if (oe_ring_refill(ring->handle, ring->buf, n) != 0) {
        fputs("openentropy: the pool could not refill a direct numpy generator; "
              "aborting rather than repeating or inventing bits (see the error above)\n", stderr);
        abort();
    }
    ring->pos = 0;
    ring->len = n;
    ring->epoch = fork_epoch;
    ring->refills++;
    ring->bytes_in += n;
    if (ring->next_refill < ring->capacity)
        ring->next_refill = ring->next_refill * 2 < ring->capacity ? ring->next_refill * 2 : ring->capacity;
}

static inline void forget_parent(oe_ring *ring)
{
    if (ring->epoch != fork_epoch) {
        ring->pos = ring->len;
        ring->has_half = 0;
        ring->epoch = fork_epoch;
    }
}

uint64_t oe_ring_next64(void *state)
{
    oe_ring *ring = state;
    forget_parent(ring);
    if (ring->len - ring->pos < 8)
        refill(ring);
    uint64_t word;
    memcpy(&word, ring->buf + ring->pos, 8);
    ring->pos += 8;
    return word;
}

uint32_t oe_ring_next32(void *state)
{
    oe_ring *ring = state;
    forget_parent(ring);
    if (ring->has_half) {
        ring->has_half = 0;
        return ring->half;
    }
    uint64_t word = oe_ring_next64(ring);
    ring->half = (uint32_t)(word >> 32);
    ring->has_half = 1;
    return (uint32_t)word;
}

double oe_ring_next_double(void *state)
{
    /* numpy's own conversion: the top 53 bits, scaled by 2^-53 */
    return (double)(oe_ring_next64(state) >> 11) * (1.0 / 9007199254740992.0);
}

size_t oe_ring_unread(oe_ring *ring)
{
    forget_parent(ring);
    return ring->len - ring->pos;
}

uint64_t oe_ring_refills(oe_ring *ring) { return ring->refills; }
uint64_t oe_ring_bytes_in(oe_ring *ring) { return ring->bytes_in; }
