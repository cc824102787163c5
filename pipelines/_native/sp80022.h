/* SP 800-22 helpers of the native statistics core: only what Python calls, one-line contract each. */
#include <stdint.h>

/* Linear complexity (Berlekamp-Massey over GF(2)) of each of n_blocks consecutive blocks of m bits (0/1 bytes) into out; returns 0, or -22 (EINVAL) for m < 1 or n_blocks < 0, or -12 (ENOMEM). */
int64_t oe_sp80022_linear_complexity(const uint8_t *bits, int64_t n_blocks, int64_t m, int32_t *out);
