/* SP 800-90B section 6.3 non-IID estimators: the parts that must walk the sequence in order.
 *
 * Map (the t-tuple/LRS suffix array is in sp80090b_tuples.c, MultiMMC and LZ78Y in
 * sp80090b_contexts.c):
 *   1. collision    6.3.2, the walk that finds the collision times t_i
 *      multi_mcw    6.3.7, windows 63/255/1023/4095
 *   2. lag          6.3.8, D = 128
 *   3. compression  6.3.4, the sums of the test statistic (Python solves for p)
 *
 * Every predictor follows NIST's ea_non_iid (SP800-90B_EntropyAssessment, cpp/non_iid/)
 * step for step, including its tie-breaking, its start-up order and its dictionary caps,
 * because the final figures must agree with that tool. Nothing here credits entropy: the
 * counts go back to Python, which turns them into bounds (pipelines/estimators/bounds.py).
 */
#include "sp80090b.h"
#include "_sp80090b_scoreboard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1. collision, multi_mcw */

void oe_sp80090b_collision(const uint8_t *s, int64_t n, int64_t *out)
{
    int64_t i = 0, v = 0, sq = 0, t;
    while (i < n - 1) { /* t_i = 2 for 00/11, else 3 (010, 011, 100, 101); a last lone pair ends it */
        if (s[i] == s[i + 1]) t = 2;
        else if (i < n - 2) t = 3;
        else break;
        v++;
        sq += t * t;
        i += t;
    }
    out[0] = v;
    out[1] = i;
    out[2] = sq;
}

#define MCW_WINDOWS 4

/* Binary data: once window j holds its W[j] bits (W odd, so never a tie) its most common
 * value is the majority bit, which a running count of ones gives. The general path's
 * start-up (window j counts s[0..W[j]-1] until i reaches W[j]) only matters for windows
 * that cannot yet be the winner, so the results are the same. Once all four windows are
 * full (i >= 4095, almost every step) a step has no branch: each window that guessed
 * right scores, in increasing order, and one reaching the high score becomes the winner
 * (NIST compares with the winner's score, which is always the highest). */
static int mcw_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    static const int64_t W[MCW_WINDOWS] = {63, 255, 1023, 4095};
    int64_t ones[MCW_WINDOWS] = {0}, score[MCW_WINDOWS] = {0}, i, j, c = 0, run = 0, maxrun = 0, high = 0;
    int winner = 0;
    for (j = 0; j < MCW_WINDOWS; j++)
        for (i = 0; i < W[j]; i++) ones[j] += s[i];
    for (i = W[0]; i < n && i < W[MCW_WINDOWS - 1]; i++) { /* the start-up: some windows not full yet */
        const int x = s[i];
        int pred[MCW_WINDOWS];
        for (j = 0; j < MCW_WINDOWS; j++) pred[j] = 2 * ones[j] > W[j];
        score_prediction(pred[winner] == x, &c, &run, &maxrun);
        for (j = 0; j < MCW_WINDOWS; j++) {
            if (i < W[j]) break; /* windows are sorted: the rest are not full yet */
            if (pred[j] == x && ++score[j] >= high) {
                winner = (int)j;
                high = score[j];
            }
            ones[j] += x - s[i - W[j]];
        }
    }
    for (; i < n; i++) {
        const int64_t x = s[i];
        int64_t hit[MCW_WINDOWS], ok;
#pragma GCC unroll 4 /* unrolled, the windows' counts and scores stay in registers */
        for (j = 0; j < MCW_WINDOWS; j++) hit[j] = (2 * ones[j] > W[j]) == x;
        ok = hit[winner];
        c += ok;
        run = (run + 1) & -ok;
        maxrun = run > maxrun ? run : maxrun;
#pragma GCC unroll 4
        for (j = 0; j < MCW_WINDOWS; j++) {
            const int64_t up = score[j] + hit[j], wins = hit[j] & (up >= high);
            score[j] = up;
            winner = wins ? (int)j : winner;
            high = wins ? up : high;
            ones[j] += x - s[i - W[j]];
        }
    }
    out[0] = c;
    out[1] = n - W[0];
    out[2] = maxrun;
    return 0;
}

int oe_sp80090b_multi_mcw(const uint8_t *s, int64_t n, int32_t k, int64_t *out)
{
    static const int64_t W[MCW_WINDOWS] = {63, 255, 1023, 4095};
    int64_t (*cnt)[256] = calloc(MCW_WINDOWS, sizeof(*cnt));
    int64_t (*pos)[256] = calloc(MCW_WINDOWS, sizeof(*pos));
    int64_t score[MCW_WINDOWS] = {0}, maxc[MCW_WINDOWS] = {0}, i, j, c = 0, run = 0, maxrun = 0;
    int32_t frequent[MCW_WINDOWS] = {0}, winner = 0, x;
    if (!cnt || !pos) {
        free(cnt);
        free(pos);
        return -1;
    }
    if (n < W[MCW_WINDOWS - 1] + 1) {
        free(cnt);
        free(pos);
        return 1;
    }
    if (k == 2) {
        free(cnt);
        free(pos);
        return mcw_binary(s, n, out);
    }
    for (i = 0; i < W[MCW_WINDOWS - 1]; i++)
        for (j = 0; j < MCW_WINDOWS; j++)
            if (i < W[j]) {
                if (maxc[j] <= ++cnt[j][s[i]]) {
                    maxc[j] = cnt[j][s[i]];
                    frequent[j] = s[i];
                }
                pos[j][s[i]] = i;
            }
    for (i = W[0]; i < n; i++) {
        score_prediction(frequent[winner] == s[i], &c, &run, &maxrun);
        for (j = 0; j < MCW_WINDOWS; j++)
            if (i >= W[j] && frequent[j] == s[i] && ++score[j] >= score[winner]) winner = (int32_t)j;
        for (j = 0; j < MCW_WINDOWS; j++) {
            uint8_t old;
            if (i < W[j]) continue;
            old = s[i - W[j]];
            cnt[j][old]--;
            cnt[j][s[i]]++;
            pos[j][s[i]] = i;
            if (old != frequent[j] && maxc[j] <= cnt[j][s[i]]) {
                maxc[j] = cnt[j][s[i]];
                frequent[j] = s[i];
            } else if (old == frequent[j]) { /* the mode left the window: rescan, latest wins ties */
                int64_t best_pos = i - W[j];
                maxc[j]--;
                for (x = 0; x < k; x++)
                    if (maxc[j] < cnt[j][x] || (maxc[j] == cnt[j][x] && best_pos <= pos[j][x])) {
                        maxc[j] = cnt[j][x];
                        frequent[j] = x;
                        best_pos = pos[j][x];
                    }
            }
        }
    }
    out[0] = c;
    out[1] = n - W[0];
    out[2] = maxrun;
    free(cnt);
    free(pos);
    return 0;
}

/* ---------------------------------------------------------------- 2. lag */

#define LAG_D 128

/* Predictor d (lag d) guesses s[i - d]. Each step every lag that would have been right scores a
 * point, lags in increasing order, and each lag whose new score reaches the high score becomes
 * the winner (so the last one does): the largest lag among those just scored holding the
 * maximum. The winner's score is always the high score. */
static int lag_general(const uint8_t *s, int64_t n, int64_t *out)
{
    /* score[e] belongs to lag LAG_D - e, so that s[i - LAG_D + e] lines up with it */
    int32_t score[LAG_D] = {0}, hit[LAG_D], high = 0, e, best;
    int64_t i, winner = 1, c = 0, run = 0, maxrun = 0;
    for (i = 1; i < n; i++) {
        const uint8_t cur = s[i];
        score_prediction(cur == s[i - winner], &c, &run, &maxrun);
        best = 0;
        if (i >= LAG_D) {
            const uint8_t *w = s + i - LAG_D;
            for (e = 0; e < LAG_D; e++) { /* branch-free so that it vectorises */
                int32_t m = -(int32_t)(w[e] == cur);
                score[e] -= m;
                hit[e] = score[e] & m;
            }
        } else {
            for (e = 0; e < LAG_D; e++) {
                int32_t m = (e >= LAG_D - i) ? -(int32_t)(s[i - LAG_D + e] == cur) : 0;
                score[e] -= m;
                hit[e] = score[e] & m;
            }
        }
        for (e = 0; e < LAG_D; e++) best = hit[e] > best ? hit[e] : best;
        if (best > 0 && best >= high) {
            for (e = 0; hit[e] != best; e++) {
            }
            winner = LAG_D - e;
            high = best;
        }
    }
    out[0] = c;
    out[1] = n - 1;
    out[2] = maxrun;
    return 0;
}

/* 64 bits of the packed bit string starting at bit p (MSB first); words has a zero word spare. */
static inline uint64_t bits64(const uint64_t *words, int64_t p)
{
    int sh = (int)(p & 63);
    uint64_t hi = words[p >> 6] << sh;
    return sh ? hi | (words[(p >> 6) + 1] >> (64 - sh)) : hi;
}

/* Binary data, same result, in chunks of 64 steps: a lag more than 64 points behind the high
 * score cannot become the winner within the chunk, so only the lags near the top are stepped
 * one symbol at a time; the others take the chunk's matches at once from a popcount. */
static int lag_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    int64_t score[LAG_D + 1] = {0}, high = 0, i, i0, d, winner = 1, c = 0, run = 0, maxrun = 0;
    int64_t nwords = (n >> 6) + 2;
    int cand[LAG_D], far[LAG_D], ncand, nfar, j;
    uint64_t *words = calloc((size_t)nwords, sizeof(uint64_t));
    if (!words) return -1;
    for (i = 0; i < n; i++) words[i >> 6] |= (uint64_t)s[i] << (63 - (i & 63));
    for (i = 1; i < n; i++) {
        const uint8_t cur = s[i];
        score_prediction(cur == s[i - winner], &c, &run, &maxrun);
        if (i >= LAG_D) break;
        for (d = 1; d <= i; d++)
            if (s[i - d] == cur && ++score[d] >= high) {
                winner = d;
                high = score[d];
            }
    }
    if (i < LAG_D) i = n; /* all done in the warm-up */
    /* step i's prediction has been checked; its scoreboard update starts the first chunk */
    for (i0 = i; i0 < n; i0 += 64) {
        int64_t len = n - i0 < 64 ? n - i0 : 64;
        uint64_t mask = len == 64 ? ~0ULL : ~0ULL << (64 - len);
        for (d = 1, ncand = 0, nfar = 0; d <= LAG_D; d++) {
            if (score[d] >= high - len) cand[ncand++] = (int)d;
            else far[nfar++] = (int)d;
        }
        for (i = i0; i < i0 + len; i++) {
            const uint8_t cur = s[i];
            if (i > i0) { /* the first step's prediction was checked by the previous chunk */
                score_prediction(cur == s[i - winner], &c, &run, &maxrun);
            }
            for (j = 0; j < ncand; j++) {
                d = cand[j];
                if (s[i - d] == cur && ++score[d] >= high) {
                    winner = d;
                    high = score[d];
                }
            }
        }
        if (nfar) {
            uint64_t now = bits64(words, i0);
            for (j = 0; j < nfar; j++)
                score[far[j]] += len - __builtin_popcountll((now ^ bits64(words, i0 - far[j])) & mask);
        }
        if (i0 + len < n) { /* check the next chunk's first prediction with the final winner */
            const uint8_t nxt = s[i0 + len];
            score_prediction(nxt == s[i0 + len - winner], &c, &run, &maxrun);
        }
    }
    free(words);
    out[0] = c;
    out[1] = n - 1;
    out[2] = maxrun;
    return 0;
}

int oe_sp80090b_lag(const uint8_t *s, int64_t n, int32_t k, int64_t *out)
{
    if (n < 3) return 1;
    return k == 2 ? lag_binary(s, n, out) : lag_general(s, n, out);
}

/* ---------------------------------------------------------------- 3. compression */

#define COMPRESSION_BLOCK_BITS 6    /* 6.3.4 step 1: b = 6 */
#define COMPRESSION_DICTIONARY 1000 /* 6.3.4 step 1: d = 1000 */

/* Blocks are read most significant bit first; the dictionary keeps each block value's last
 * position (1-based, 0 = never seen, as ea_non_iid's dict), and a block with no earlier
 * occurrence scores its own position. The sums run in block order with Kahan's compensated
 * summation, as the tool's (kahan_add): a plain sum of 1.3 million terms drifts in the 12th
 * digit. The volatile keeps the compiler from reassociating the compensation away. */
static inline void kahan_add(double *sum, double *carry, double x)
{
    volatile double t;
    const double y = x - *carry;
    t = *sum + y;
    *carry = (t - *sum) - y;
    *sum = t;
}

void oe_sp80090b_compression(const uint8_t *s, int64_t n, double *out)
{
    int64_t last[1 << COMPRESSION_BLOCK_BITS] = {0}, blocks = n / COMPRESSION_BLOCK_BITS, i;
    double sum = 0.0, sum_carry = 0.0, squares = 0.0, squares_carry = 0.0;
    for (i = 0; i < blocks; i++) {
        const uint8_t *b = s + COMPRESSION_BLOCK_BITS * i;
        const int v = b[0] << 5 | b[1] << 4 | b[2] << 3 | b[3] << 2 | b[4] << 1 | b[5];
        if (i >= COMPRESSION_DICTIONARY) {
            const double x = log2((double)(i + 1 - last[v]));
            kahan_add(&sum, &sum_carry, x);
            kahan_add(&squares, &squares_carry, x * x);
        }
        last[v] = i + 1;
    }
    out[0] = sum;
    out[1] = squares;
}
