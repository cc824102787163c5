/* SP 800-90B section 6.3 estimators: the sequential loops, one call per sequence.
 * Symbols are bytes in 0..k-1 (k = alphabet size after translation, 2..256); k == 2 takes
 * the binary code paths of NIST's ea_non_iid. Predictors write out[0] = C (correct
 * predictions), out[1] = N (predictions made), out[2] = longest run of corrects, and return
 * 0, 1 when the sequence is too short for the estimator, or -1 when memory ran out. */
#include <stdint.h>

/* 6.3.5/6.3.6 suffix-array counts: q[w] = most occurrences of any w-tuple, pairs[w] = sum over w-tuples of C(count, 2), for w = 1..cap (index 0 unused); returns the longest repeated substring length v, or -1 when memory ran out. */
int64_t oe_sp80090b_repeats(const uint8_t *s, int64_t n, int32_t k, int64_t cap, int64_t *q, uint64_t *pairs);

/* 6.3.7 MultiMCW prediction (windows 63, 255, 1023, 4095). */
int oe_sp80090b_multi_mcw(const uint8_t *s, int64_t n, int32_t k, int64_t *out);

/* 6.3.8 lag prediction (D = 128). */
int oe_sp80090b_lag(const uint8_t *s, int64_t n, int32_t k, int64_t *out);

/* 6.3.9 MultiMMC prediction (D = 16, at most 100,000 entries per order). */
int oe_sp80090b_multi_mmc(const uint8_t *s, int64_t n, int32_t k, int64_t *out);

/* 6.3.10 LZ78Y prediction (B = 16, at most 65,536 dictionary prefixes). */
int oe_sp80090b_lz78y(const uint8_t *s, int64_t n, int32_t k, int64_t *out);

/* 6.3.2 collision walk over bits: out[0] = v (collisions), out[1] = sum of t_i, out[2] = sum of t_i^2. */
void oe_sp80090b_collision(const uint8_t *s, int64_t n, int64_t *out);

/* 6.3.4 compression test statistic over bits (6-bit blocks, the first 1000 fill the dictionary): out[0] = sum of log2 of the distances, out[1] = sum of their squares, summed in block order (none while the dictionary fills). */
void oe_sp80090b_compression(const uint8_t *s, int64_t n, double *out);
