/* SP 800-90B section 5.1 permutation-test statistics, one call per (shuffled) sequence.
 * sym: translated symbols 0..k-1; raw: the samples they came from; active[19]: which of the
 * 19 statistics to compute (iid_statistics.STATISTIC_NAMES order); out[19] receives them
 * (compression, index 18, has its own entry points below). Returns 0, or -1 when memory
 * ran out. */
#include <stdint.h>

/* 5.1.1-5.1.10 as ea_iid computes them (conversions I/II for k == 2), into out[0..17]. */
int oe_sp80090b_iid_statistics(const uint8_t *sym, const uint8_t *raw, int64_t n, int32_t k, double mean, double median, const uint8_t *active, double *out);

/* The length in bytes of BZ2_bzBuffToBuffCompress(text, size, level 5), computed without
 * compressing (sp80090b_iid_bzip2.c); -1 when the text is not decimal text the shortcut
 * handles (compress it instead), -2 when memory ran out. */
int64_t oe_sp80090b_iid_bzip2_length(const uint8_t *text, int64_t size);

/* One permutation-test shuffle: out_sym = sym shuffled by Fisher-Yates (i = n-1 down to 1
 * swaps i with a uniform j in [0, i], drawn by Lemire's method from 32-bit draws, each
 * output of numpy's PCG64 from state pcg = {state high, state low, increment high,
 * increment low} giving two, low half first), out_raw[i] = values[out_sym[i]] unless out_raw
 * is NULL (then values is not read).
 * Returns 0, or -1 when n > 2^32. */
int oe_sp80090b_iid_shuffle(const uint8_t *sym, const uint8_t *values, int64_t n, const uint64_t *pcg, uint8_t *out_sym, uint8_t *out_raw);

/* 5.1.11 on n raw samples: the bzip2 length of their decimal text (the samples in decimal,
 * one space between them), as oe_sp80090b_iid_bzip2_length gives it, read from the
 * samples without writing the text; -1 when the shortcut does not handle them (a single
 * sample, for one: compress the text instead), -2 when memory ran out. */
int64_t oe_sp80090b_iid_compression(const uint8_t *raw, int64_t n);
