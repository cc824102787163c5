/* Berlekamp-Massey for the SP 800-22 linear complexity test. See sp80022.h.
 *
 * Polynomials and the sliding window of past bits are bit vectors of W = m/64 + 1
 * 64-bit words (bit i = coefficient of x^i), enough for degree m. Per step:
 *   window  <- window * x + s_t        (bit i holds s_{t-i})
 *   d       <- parity(C & window)      (the discrepancy s_t + sum c_i s_{t-i})
 *   D       =  x^(t-mm) B, the shifted previous connection polynomial, kept shifted
 *              so that no variable-distance shift is needed.
 * This is the same recursion as sts's linearComplexity.c (L <= N/2 is 2L <= N). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sp80022.h"

static void shift_up(uint64_t *v, int64_t words) {
    for (int64_t w = words - 1; w > 0; w--) v[w] = (v[w] << 1) | (v[w - 1] >> 63);
    v[0] <<= 1;
}

static int32_t block_complexity(const uint8_t *s, int64_t m, int64_t words, uint64_t *buf) {
    uint64_t *c = buf, *d = buf + words, *win = buf + 2 * words, *t = buf + 3 * words;
    memset(buf, 0, (size_t)(4 * words) * sizeof(uint64_t));
    c[0] = 1;
    d[0] = 2; /* x * B with B = 1, mm = -1 */
    int64_t len = 0;
    for (int64_t n = 0; n < m; n++) {
        shift_up(win, words);
        win[0] |= s[n] & 1u;
        uint64_t acc = 0;
        for (int64_t w = 0; w < words; w++) acc ^= c[w] & win[w];
        if (__builtin_parityll(acc)) {
            int grow = 2 * len <= n;
            if (grow) memcpy(t, c, (size_t)words * sizeof(uint64_t));
            for (int64_t w = 0; w < words; w++) c[w] ^= d[w];
            if (grow) {
                memcpy(d, t, (size_t)words * sizeof(uint64_t));
                len = n + 1 - len;
            }
        }
        shift_up(d, words);
    }
    return (int32_t)len;
}

int64_t oe_sp80022_linear_complexity(const uint8_t *bits, int64_t n_blocks, int64_t m, int32_t *out) {
    if (m < 1 || n_blocks < 0) return -EINVAL;
    int64_t words = m / 64 + 1;
    uint64_t *buf = malloc((size_t)(4 * words) * sizeof(uint64_t));
    if (buf == NULL) return -ENOMEM;
    for (int64_t b = 0; b < n_blocks; b++) out[b] = block_complexity(bits + b * m, m, words, buf);
    free(buf);
    return 0;
}
