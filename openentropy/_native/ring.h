/* A byte ring that hands each pool byte out once, to numpy through randomgen. */
typedef struct oe_ring oe_ring;
/* A ring of at most `capacity` bytes; `handle` is passed back to oe_ring_refill. NULL if out of memory. */
oe_ring *oe_ring_new(size_t capacity, size_t first_refill, void *handle);
/* Frees the ring and wipes its buffer. */
void oe_ring_free(oe_ring *ring);
/* The next 64 (32) bits, or a double in [0, 1) from 53 of them; refill when empty. */
uint64_t oe_ring_next64(void *ring);
uint32_t oe_ring_next32(void *ring);
double oe_ring_next_double(void *ring);
/* Unread bytes left (0 after a fork: the child never reads its parent's bytes). */
size_t oe_ring_unread(oe_ring *ring);
/* Refills so far, and bytes they brought in. */
uint64_t oe_ring_refills(oe_ring *ring);
uint64_t oe_ring_bytes_in(oe_ring *ring);
/* Supplied by Python: write exactly n pool bytes to buf; 0 on success. */
extern "Python" int oe_ring_refill(void *handle, unsigned char *buf, size_t n);
