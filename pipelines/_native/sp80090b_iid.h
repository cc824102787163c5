/* SP 800-90B section 5.1 permutation-test statistics, one call per (shuffled) sequence.
 * sym: translated symbols 0..k-1; raw: the samples they came from; active[19]: which of the
 * 19 statistics to compute (iid_statistics.STATISTIC_NAMES order); out[19] receives them
 * (compression, index 18, is left to Python's bz2). Returns 0, or -1 when memory ran out. */
#include <stdint.h>

/* 5.1.1-5.1.10 as ea_iid computes them (conversions I/II for k == 2), into out[0..17]. */
int oe_sp80090b_iid_statistics(const uint8_t *sym, const uint8_t *raw, int64_t n, int32_t k, double mean, double median, const uint8_t *active, double *out);
