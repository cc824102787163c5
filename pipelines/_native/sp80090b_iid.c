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
 * Speed (1e6 samples, all 18 statistics in about 4 ms): runs are counted 64 flags to a
 * word, counts over lags use byte vectors (GCC vector extensions; SSE2 intrinsics for the
 * covariance's pmaddwd and the flags' movemask, with plain loops where SSE2 is absent),
 * and the loops with a chain (collisions, excursion) keep it to integer operations.
 * Every value is exact: the tests compare each path with the numpy reference.
 *
 * No global state, no threads: cffi releases the GIL, so rounds run on several threads. */
#include "sp80090b_iid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { EXCURSION = 0, NUM_DIR = 1, LEN_DIR = 2, INC_DEC = 3, NUM_MED = 4, LEN_MED = 5,
       AVG_COL = 6, MAX_COL = 7, PERIOD = 8, COVAR = 13 };

/* SP 800-90B 5.1.9 and 5.1.10: the lags. */
static const int64_t LAGS[5] = {1, 2, 8, 16, 32};

/* 5.1 conversion I (ones per 8-bit block) or II (the block as a number, first bit high);
 * a short last block counts, as in the tool. */
static void convert(const uint8_t *bits, int64_t n, int second, uint8_t *out) {
    int64_t whole = n / 8;
    for (int64_t j = 0; j < whole; j++) {
        uint64_t x; /* eight 0/1 bytes, the block's first bit in the lowest byte */
        memcpy(&x, bits + 8 * j, 8);
        /* the byte sum lands in the top byte; or each bit at its place from the top */
        out[j] = second ? (uint8_t)((x * 0x8040201008040201ull) >> 56) : (uint8_t)((x * 0x0101010101010101ull) >> 56);
    }
    if (whole * 8 < n) {
        out[whole] = 0;
        for (int64_t i = whole * 8; i < n; i++) out[whole] += second ? (uint8_t)(bits[i] << (7 - i % 8)) : bits[i];
    }
}

/* Byte vectors (GCC vector extensions: SSE2 on x86-64, NEON on arm64, plain code
 * elsewhere) for the counts over lags; loads are unaligned (memcpy). */
typedef uint8_t u8x16 __attribute__((vector_size(16)));

static inline u8x16 load16(const uint8_t *p) { u8x16 v; memcpy(&v, p, 16); return v; }

/* How many i in [0, m) have a[i] == b[i] (less_equal: a[i] <= b[i]). Lanes count in bytes,
 * emptied every 255 steps so they cannot wrap. */
static int64_t count_pairs(const uint8_t *a, const uint8_t *b, int64_t m, int less_equal) {
    int64_t total = 0, i = 0;
    while (i + 16 <= m) {
        u8x16 lanes = {0};
        int64_t stop = m - i > 16 * 255 ? i + 16 * 255 : m;
        if (less_equal)
            for (; i + 16 <= stop; i += 16) lanes -= (u8x16)(load16(a + i) <= load16(b + i));
        else
            for (; i + 16 <= stop; i += 16) lanes -= (u8x16)(load16(a + i) == load16(b + i));
        for (int j = 0; j < 16; j++) total += lanes[j];
    }
    for (; i < m; i++) total += less_equal ? a[i] <= b[i] : a[i] == b[i];
    return total;
}

/* The sum of a[i] b[i] over i in [0, m). With SSE2 (every x86-64): bytes widened to 16
 * bits, pmaddwd sums pairs of products into 32-bit lanes (two pairs per lane per 16 bytes,
 * at most 2 x 2 x 255^2 = 260,100 a step: emptied every 8,192 steps, below 2^31). */
static uint64_t dot_bytes(const uint8_t *a, const uint8_t *b, int64_t m) {
    uint64_t total = 0;
    int64_t i = 0;
#ifdef __SSE2__
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= m) {
        __m128i lanes = zero;
        int64_t stop = m - i > 16 * 8192 ? i + 16 * 8192 : m;
        for (; i + 16 <= stop; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(a + i)), y = _mm_loadu_si128((const __m128i *)(b + i));
            lanes = _mm_add_epi32(lanes, _mm_madd_epi16(_mm_unpacklo_epi8(x, zero), _mm_unpacklo_epi8(y, zero)));
            lanes = _mm_add_epi32(lanes, _mm_madd_epi16(_mm_unpackhi_epi8(x, zero), _mm_unpackhi_epi8(y, zero)));
        }
        uint32_t part[4];
        _mm_storeu_si128((__m128i *)part, lanes);
        total += (uint64_t)part[0] + part[1] + part[2] + part[3];
    }
#endif
    for (; i < m; i++) total += (uint64_t)a[i] * b[i];
    return total;
}

/* The 0/1 sequences whose runs 5.1.2-5.1.3 and 5.1.5-5.1.6 count: f_i = s[i] <= s[i+1]
 * (directional) or f_i = s[i] >= threshold (threshold 0..256), 64 of them to a word, f_i
 * in bit i % 64. With SSE2, 16 flags per compare (a <= b is max(a, b) == b). */
static uint64_t flag_word(const uint8_t *s, int64_t i, int count, int directional, int threshold) {
    if (!directional && threshold > 255) return 0; /* no byte reaches it */
    uint64_t word = 0;
    int b = 0;
#ifdef __SSE2__
    const __m128i t = _mm_set1_epi8((char)(uint8_t)threshold);
    for (; b + 16 <= count; b += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i + b));
        __m128i y = directional ? _mm_loadu_si128((const __m128i *)(s + i + b + 1)) : x;
        __m128i flags = directional ? _mm_cmpeq_epi8(_mm_max_epu8(x, y), y) : _mm_cmpeq_epi8(_mm_max_epu8(x, t), x);
        word |= (uint64_t)(uint16_t)_mm_movemask_epi8(flags) << b;
    }
#endif
    for (; b < count; b++) {
        int64_t j = i + b;
        uint64_t f = directional ? s[j] <= s[j + 1] : s[j] >= threshold;
        word |= f << b;
    }
    return word;
}

/* The number of runs of f_0..f_{m-1} and the longest. A run is a flag and its streak of
 * equal predecessors: "same" bits (f_i == f_{i-1}, never for i = 0) counted a word at a
 * time; the longest run is 1 + the longest streak of same bits, which may cross words
 * (carried), and within a word is the number of x &= x >> 1 steps that empty it. */
static void scan_runs(const uint8_t *s, int64_t m, int directional, int threshold, double *number,
                      double *longest) {
    if (m < 1) { *number = 0; *longest = 0; return; }
    int64_t changes = 0, best = 0, carry = 0;
    uint64_t prev = 0;
    for (int64_t i = 0; i < m; i += 64) {
        int count = m - i < 64 ? (int)(m - i) : 64;
        uint64_t valid = count == 64 ? ~0ull : (1ull << count) - 1;
        uint64_t f = flag_word(s, i, count, directional, threshold);
        uint64_t same = ~(f ^ ((f << 1) | prev)) & valid;
        if (i == 0) same &= ~1ull;
        changes += __builtin_popcountll(~same & valid) - (i == 0);
        if (same == valid) {
            carry += count;
            best = carry > best ? carry : best;
        } else {
            int64_t lead = __builtin_ctzll(~same);
            best = carry + lead > best ? carry + lead : best;
            int inner = 0;
            for (uint64_t x = same; x; x &= x >> 1) inner++;
            best = inner > best ? inner : best;
            carry = count == 64 ? __builtin_clzll(~same) : 0;
        }
        prev = f >> 63;
    }
    *number = (double)(changes + 1);
    *longest = (double)(best + 1);
}

/* 5.1.2-5.1.4: s'_i = +1 when s[i] <= s[i+1], i = 0..m-2; the runs only when want_runs. */
static void runs_up(const uint8_t *s, int64_t m, int want_runs, double *number, double *longest, double *most) {
    if (m < 2) { *number = 0; *longest = 0; *most = 0; return; }
    int64_t pos = count_pairs(s, s + 1, m - 1, 1);
    if (want_runs) scan_runs(s, m - 1, 1, 0, number, longest);
    *most = (double)(pos > (m - 1 - pos) ? pos : (m - 1 - pos));
}

/* 5.1.5-5.1.6: s'_i = +1 when s[i] >= median; for integer s that is s[i] >= ceil(median). */
static void runs_median(const uint8_t *s, int64_t n, double median, double *number, double *longest) {
    double c = ceil(median);
    int threshold = c > 256 ? 256 : c < 0 ? 0 : (int)c;
    scan_runs(s, n, 0, threshold, number, longest);
}

/* ea_iid's excursion term |running - (i+1) mean| with the product unrounded (see above).
 * The running sum is kept in an integer (at most 255 x 2^32 < 2^53, so its double is the
 * tool's exact double sum), which frees the loop from the chain of floating-point
 * additions; four maxima (max is exact) take turns. __builtin_fma is the FMA instruction
 * where the body is compiled for it (excursion_fma), else glibc's exact fma(). */
static inline __attribute__((always_inline)) double excursion_body(const uint8_t *raw, int64_t n, double mean) {
    int64_t running = 0, i = 0;
    double best[4] = {0.0, 0.0, 0.0, 0.0};
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++) {
            running += raw[i + j];
            double d = fabs(__builtin_fma(-(double)(i + j + 1), mean, (double)running));
            best[j] = d > best[j] ? d : best[j];
        }
    for (; i < n; i++) {
        running += raw[i];
        double d = fabs(__builtin_fma(-(double)(i + 1), mean, (double)running));
        best[0] = d > best[0] ? d : best[0];
    }
    double b01 = best[0] > best[1] ? best[0] : best[1], b23 = best[2] > best[3] ? best[2] : best[3];
    return b01 > b23 ? b01 : b23;
}

__attribute__((target("fma"))) static double excursion_fma(const uint8_t *raw, int64_t n, double mean) {
    return excursion_body(raw, n, mean);
}

static double excursion_soft(const uint8_t *raw, int64_t n, double mean) { return excursion_body(raw, n, mean); }

/* 5.1.7-5.1.8: windows from the sample after the last repeat to the next repeat. A value
 * repeats in the current window when it was last seen at or after the window's start;
 * the loop is branch-free, so its only chain is the window's start. */
static void collisions(const uint8_t *s, int64_t n, double *average, double *maximum) {
    int64_t last[256];
    for (int v = 0; v < 256; v++) last[v] = -1;
    int64_t start = 0, total = 0, count = 0, longest = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t hit = last[s[i]] >= start;
        last[s[i]] = i;
        int64_t length = (i - start + 1) & -hit;
        total += length;
        count += hit;
        longest = length > longest ? length : longest;
        start ^= (start ^ (i + 1)) & -hit;
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
    if (active[NUM_DIR] || active[LEN_DIR] || active[INC_DEC])
        runs_up(runs_seq, runs_n, active[NUM_DIR] || active[LEN_DIR], &out[NUM_DIR], &out[LEN_DIR], &out[INC_DEC]);
    if (active[NUM_MED] || active[LEN_MED])
        runs_median(sym, n, median, &out[NUM_MED], &out[LEN_MED]);
    if (active[AVG_COL] || active[MAX_COL])
        collisions(col_seq, col_n, &out[AVG_COL], &out[MAX_COL]);
    for (int j = 0; j < 5; j++) {
        int64_t p = LAGS[j], pairs = lag_n > p ? lag_n - p : 0;
        if (active[PERIOD + j]) out[PERIOD + j] = (double)count_pairs(lag_seq, lag_seq + p, pairs, 0);
        /* at most 1e6 x 255 x 255: exact in a double */
        if (active[COVAR + j]) out[COVAR + j] = (double)dot_bytes(cov_seq, cov_seq + p, pairs);
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
    if (out_raw != NULL)
        for (int64_t i = 0; i < n; i++) out_raw[i] = values[out_sym[i]];
    return 0;
}
