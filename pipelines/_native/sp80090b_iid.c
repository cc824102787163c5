/* SP 800-90B section 5.1: the permutation test's statistics 5.1.1-5.1.10 in one pass each.
 *
 * The Python reference is pipelines/estimators/iid_statistics.py; this file computes the
 * same values (tests compare them on every input they use) so that the 10,000 shuffles of
 * the permutation test cost milliseconds each. Which sequence feeds which statistic follows
 * NIST's ea_iid (iid/permutation_tests.h run_tests), as that module's docstring explains:
 * excursion reads raw; covariance reads raw (k > 2) or conversion I (k == 2); the runs,
 * collisions and periodicity read the translated symbols or the conversions.
 *
 * Excursion uses fma(): ea_iid's `running_sum - (i+1) * mean`, built by g++ for x86-64, is
 * a fused multiply-add, and its printed values are the fused ones. fma() rounds once
 * whether or not the CPU has an FMA unit (glibc emulates it exactly).
 *
 * No global state, no threads: cffi releases the GIL, so rounds run on several threads. */
#include "sp80090b_iid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { EXCURSION = 0, NUM_DIR = 1, LEN_DIR = 2, INC_DEC = 3, NUM_MED = 4, LEN_MED = 5,
       AVG_COL = 6, MAX_COL = 7, PERIOD = 8, COVAR = 13 };

/* SP 800-90B 5.1.9 and 5.1.10: the lags. */
static const int64_t LAGS[5] = {1, 2, 8, 16, 32};

/* 5.1 conversion I (ones per 8-bit block) or II (the block as a number, first bit high);
 * a short last block counts, as in the tool. */
static void convert(const uint8_t *bits, int64_t n, int second, uint8_t *out) {
    int64_t m = (n + 7) / 8;
    memset(out, 0, (size_t)m);
    for (int64_t i = 0; i < n; i++)
        out[i / 8] += second ? (uint8_t)(bits[i] << (7 - i % 8)) : bits[i];
}

/* Number of runs and longest run of a two-valued sequence given as a predicate per index. */
static void runs_up(const uint8_t *s, int64_t m, double *number, double *longest, double *most) {
    /* s'_i = +1 when s[i] <= s[i+1] (5.1.2-5.1.4), i = 0..m-2 */
    if (m < 2) { *number = 0; *longest = 0; *most = 0; return; }
    int64_t runs = 1, run = 1, best = 0, pos = 0;
    int prev = s[0] <= s[1];
    pos += prev;
    for (int64_t i = 1; i < m - 1; i++) {
        int up = s[i] <= s[i + 1];
        pos += up;
        if (up == prev) run++;
        else { runs++; if (run > best) best = run; run = 1; prev = up; }
    }
    if (run > best) best = run;
    *number = (double)runs;
    *longest = (double)best;
    *most = (double)(pos > (m - 1 - pos) ? pos : (m - 1 - pos));
}

static void runs_median(const uint8_t *s, int64_t n, double median, double *number, double *longest) {
    if (n < 1) { *number = 0; *longest = 0; return; }
    int64_t runs = 1, run = 1, best = 0;
    int prev = s[0] >= median;
    for (int64_t i = 1; i < n; i++) {
        int above = s[i] >= median;
        if (above == prev) run++;
        else { runs++; if (run > best) best = run; run = 1; prev = above; }
    }
    if (run > best) best = run;
    *number = (double)runs;
    *longest = (double)best;
}

/* 5.1.7-5.1.8: windows from the sample after the last repeat to the next repeat. */
static void collisions(const uint8_t *s, int64_t n, double *average, double *maximum) {
    uint32_t stamp[256] = {0};
    uint32_t window = 1;
    int64_t start = 0, total = 0, count = 0, longest = 0;
    for (int64_t i = 0; i < n; i++) {
        if (stamp[s[i]] == window) {
            int64_t length = i - start + 1;
            total += length;
            count++;
            if (length > longest) longest = length;
            start = i + 1;
            window++;
        } else {
            stamp[s[i]] = window;
        }
    }
    *average = count ? (double)total / (double)count : NAN;
    *maximum = (double)longest;
}

int oe_sp80090b_iid_statistics(const uint8_t *sym, const uint8_t *raw, int64_t n, int32_t k, double mean,
                               double median, const uint8_t *active, double *out) {
    for (int j = 0; j < 18; j++) out[j] = NAN;
    const uint8_t *runs_seq = sym, *col_seq = sym, *lag_seq = sym, *cov_seq = raw;
    int64_t runs_n = n, col_n = n, lag_n = n;
    uint8_t *cs1 = NULL, *cs2 = NULL;
    if (k == 2) {
        int64_t m = (n + 7) / 8;
        cs1 = malloc((size_t)(m ? m : 1));
        cs2 = malloc((size_t)(m ? m : 1));
        if (cs1 == NULL || cs2 == NULL) { free(cs1); free(cs2); return -1; }
        convert(sym, n, 0, cs1);
        convert(sym, n, 1, cs2);
        runs_seq = lag_seq = cov_seq = cs1;
        col_seq = cs2;
        runs_n = lag_n = col_n = m;
    }
    if (active[EXCURSION]) {
        double running = 0.0, best = 0.0;
        for (int64_t i = 0; i < n; i++) {
            running += raw[i];
            double d = fabs(fma(-(double)(i + 1), mean, running));
            if (d > best) best = d;
        }
        out[EXCURSION] = best;
    }
    if (active[NUM_DIR] || active[LEN_DIR] || active[INC_DEC])
        runs_up(runs_seq, runs_n, &out[NUM_DIR], &out[LEN_DIR], &out[INC_DEC]);
    if (active[NUM_MED] || active[LEN_MED])
        runs_median(sym, n, median, &out[NUM_MED], &out[LEN_MED]);
    if (active[AVG_COL] || active[MAX_COL])
        collisions(col_seq, col_n, &out[AVG_COL], &out[MAX_COL]);
    for (int j = 0; j < 5; j++) {
        int64_t p = LAGS[j];
        if (active[PERIOD + j]) {
            int64_t t = 0;
            for (int64_t i = 0; i + p < lag_n; i++) t += lag_seq[i] == lag_seq[i + p];
            out[PERIOD + j] = (double)t;
        }
        if (active[COVAR + j]) {
            uint64_t t = 0;  /* at most 1e6 x 255 x 255: exact in a double */
            for (int64_t i = 0; i + p < lag_n; i++) t += (uint64_t)cov_seq[i] * cov_seq[i + p];
            out[COVAR + j] = (double)t;
        }
    }
    free(cs1);
    free(cs2);
    return 0;
}

/* PCG64 as numpy's PCG64 (O'Neill's XSL-RR 128/64): step the 128-bit LCG, then output
 * the xor of its halves rotated right by its top 6 bits. */
typedef struct { __uint128_t state, inc; } pcg64_t;

static inline uint64_t pcg64_next(pcg64_t *g) {
    static const __uint128_t MULTIPLIER =
        ((__uint128_t)0x2360ED051FC65DA4ull << 64) | (__uint128_t)0x4385DF649FCCF645ull;
    g->state = g->state * MULTIPLIER + g->inc;
    uint64_t x = (uint64_t)(g->state >> 64) ^ (uint64_t)g->state;
    unsigned rot = (unsigned)(g->state >> 122);
    return (x >> rot) | (x << ((64 - rot) & 63));
}

/* Uniform in [0, range), range >= 1: Lemire's multiply-shift with rejection (2019). */
static inline uint64_t pcg64_below(pcg64_t *g, uint64_t range) {
    __uint128_t m = (__uint128_t)pcg64_next(g) * range;
    uint64_t low = (uint64_t)m;
    if (low < range) {
        uint64_t threshold = -range % range;
        while (low < threshold) {
            m = (__uint128_t)pcg64_next(g) * range;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

void oe_sp80090b_iid_shuffle(const uint8_t *sym, const uint8_t *values, int64_t n, const uint64_t *pcg,
                             uint8_t *out_sym, uint8_t *out_raw) {
    pcg64_t g = {((__uint128_t)pcg[0] << 64) | pcg[1], ((__uint128_t)pcg[2] << 64) | pcg[3]};
    memcpy(out_sym, sym, (size_t)n);
    for (int64_t i = n - 1; i > 0; i--) {
        uint64_t j = pcg64_below(&g, (uint64_t)i + 1);
        uint8_t t = out_sym[i];
        out_sym[i] = out_sym[j];
        out_sym[j] = t;
    }
    for (int64_t i = 0; i < n; i++) out_raw[i] = values[out_sym[i]];
}
