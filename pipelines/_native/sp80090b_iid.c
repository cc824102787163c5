/* SP 800-90B section 5.1: the permutation test's statistics 5.1.1-5.1.10 in one pass each,
 * and its shuffle (the Fisher-Yates of pipelines/estimators/iid_shuffle.py, which documents
 * the generator and holds the Python reference the tests compare it with). The compression
 * statistic 5.1.11 is in sp80090b_iid_bzip2.c.
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
 * whether or not the CPU has an FMA unit (glibc emulates it exactly, slowly: the FMA
 * instruction is used when the CPU has it, chosen at run time).
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

/* Runs of a 0/1 sequence f[0..m): the number of runs, and the longest run when longest is
 * not NULL (a branch-free pass; the count alone vectorises). */
static void runs_of(const uint8_t *f, int64_t m, double *number, double *longest) {
    if (m < 1) { *number = 0; if (longest) *longest = 0; return; }
    int64_t changes = 0;
    if (longest == NULL) {
        for (int64_t i = 1; i < m; i++) changes += f[i] != f[i - 1];
    } else {
        int64_t run = 1, best = 1;
        for (int64_t i = 1; i < m; i++) {
            int64_t same = f[i] == f[i - 1];
            changes += 1 - same;
            run = same * run + 1;
            best = run > best ? run : best;
        }
        *longest = (double)best;
    }
    *number = (double)(changes + 1);
}

/* 5.1.2-5.1.4: s'_i = +1 when s[i] <= s[i+1], i = 0..m-2; flags is scratch of m bytes;
 * the runs are counted only when want_runs. */
static void runs_up(const uint8_t *s, int64_t m, uint8_t *flags, int want_runs, double *number, double *longest,
                    double *most) {
    if (m < 2) { *number = 0; *longest = 0; *most = 0; return; }
    int64_t pos = 0;
    for (int64_t i = 0; i < m - 1; i++) { flags[i] = s[i] <= s[i + 1]; pos += flags[i]; }
    if (want_runs) runs_of(flags, m - 1, number, longest);
    *most = (double)(pos > (m - 1 - pos) ? pos : (m - 1 - pos));
}

/* 5.1.5-5.1.6: s'_i = +1 when s[i] >= median; for integer s that is s[i] >= ceil(median). */
static void runs_median(const uint8_t *s, int64_t n, double median, uint8_t *flags, int want_longest, double *number,
                        double *longest) {
    if (n < 1) { *number = 0; *longest = 0; return; }
    double c = ceil(median);
    int threshold = c > 256 ? 256 : c < 0 ? 0 : (int)c;
    for (int64_t i = 0; i < n; i++) flags[i] = s[i] >= threshold;
    runs_of(flags, n, number, want_longest ? longest : NULL);
}

/* ea_iid's excursion term |running - (i+1) mean| with the product unrounded (see above):
 * the FMA instruction when the CPU has it, else glibc's exact fma(). */
__attribute__((target("fma"))) static double excursion_fma(const uint8_t *raw, int64_t n, double mean) {
    double running = 0.0, best = 0.0;
    for (int64_t i = 0; i < n; i++) {
        running += raw[i];
        double d = fabs(__builtin_fma(-(double)(i + 1), mean, running));
        best = d > best ? d : best;
    }
    return best;
}

static double excursion_soft(const uint8_t *raw, int64_t n, double mean) {
    double running = 0.0, best = 0.0;
    for (int64_t i = 0; i < n; i++) {
        running += raw[i];
        double d = fabs(fma(-(double)(i + 1), mean, running));
        if (d > best) best = d;
    }
    return best;
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
    if (active[EXCURSION])
        out[EXCURSION] = __builtin_cpu_supports("fma") ? excursion_fma(raw, n, mean) : excursion_soft(raw, n, mean);
    uint8_t *flags = NULL;
    if (active[NUM_DIR] || active[LEN_DIR] || active[INC_DEC] || active[NUM_MED] || active[LEN_MED]) {
        flags = malloc((size_t)(n ? n : 1));
        if (flags == NULL) { free(cs1); free(cs2); return -1; }
    }
    if (active[NUM_DIR] || active[LEN_DIR] || active[INC_DEC])
        runs_up(runs_seq, runs_n, flags, active[NUM_DIR] || active[LEN_DIR], &out[NUM_DIR], &out[LEN_DIR], &out[INC_DEC]);
    if (active[NUM_MED] || active[LEN_MED])
        runs_median(sym, n, median, flags, active[LEN_MED], &out[NUM_MED], &out[LEN_MED]);
    free(flags);
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

/* 32-bit draws: each PCG64 output gives two, its low half first. */
typedef struct { pcg64_t g; uint64_t spare; int has_spare; } draws32_t;

static inline uint32_t next32(draws32_t *d) {
    if (d->has_spare) { d->has_spare = 0; return (uint32_t)(d->spare >> 32); }
    d->spare = pcg64_next(&d->g);
    d->has_spare = 1;
    return (uint32_t)d->spare;
}

/* Uniform in [0, range), 1 <= range <= 2^32: Lemire's multiply-shift with rejection (2019). */
static inline uint32_t below32(draws32_t *d, uint64_t range) {
    uint64_t m = (uint64_t)next32(d) * range;
    uint32_t low = (uint32_t)m;
    if (low < range) {
        uint32_t threshold = (uint32_t)((((uint64_t)1 << 32) - range) % range);
        while (low < threshold) {
            m = (uint64_t)next32(d) * range;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

int oe_sp80090b_iid_shuffle(const uint8_t *sym, const uint8_t *values, int64_t n, const uint64_t *pcg,
                            uint8_t *out_sym, uint8_t *out_raw) {
    if (n > ((int64_t)1 << 32)) return -1;
    draws32_t d = {{((__uint128_t)pcg[0] << 64) | pcg[1], ((__uint128_t)pcg[2] << 64) | pcg[3]}, 0, 0};
    memcpy(out_sym, sym, (size_t)n);
    for (int64_t i = n - 1; i > 0; i--) {
        uint32_t j = below32(&d, (uint64_t)i + 1);
        uint8_t t = out_sym[i];
        out_sym[i] = out_sym[j];
        out_sym[j] = t;
    }
    for (int64_t i = 0; i < n; i++) out_raw[i] = values[out_sym[i]];
    return 0;
}
