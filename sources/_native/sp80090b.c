/* SP 800-90B section 6.3 non-IID estimators: the parts that must walk the sequence in order.
 *
 * Map:
 *   1. repeats      suffix array (SA-IS), LCP (Kasai), and per-length tuple counts for the
 *                   t-tuple (6.3.5) and LRS (6.3.6) estimates
 *   2. collision    6.3.2, the walk that finds the collision times t_i
 *      multi_mcw    6.3.7, windows 63/255/1023/4095
 *   3. lag          6.3.8, D = 128
 *   4. context trie the contexts of non-binary MultiMMC and LZ78Y, read backwards
 *   5. multi_mmc    6.3.9, D = 16, 100,000 entries per order
 *   6. lz78y        6.3.10, B = 16, 65,536 prefixes
 *
 * Every predictor follows NIST's ea_non_iid (SP800-90B_EntropyAssessment, cpp/non_iid/)
 * step for step, including its tie-breaking, its start-up order and its dictionary caps,
 * because the final figures must agree with that tool. Nothing here credits entropy: the
 * counts go back to Python, which turns them into bounds (pipelines/estimators/bounds.py).
 */
#include "sp80090b.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1. repeats */

static void buckets(const int32_t *t, int32_t n, int32_t k, int32_t *b, int end)
{
    int32_t i, sum = 0;
    memset(b, 0, sizeof(int32_t) * (size_t)k);
    for (i = 0; i < n; i++) b[t[i]]++;
    for (i = 0; i < k; i++) {
        sum += b[i];
        b[i] = end ? sum : sum - b[i];
    }
}

#define IS_LMS(ls, i) ((i) > 0 && (ls)[i] && !(ls)[(i) - 1])

static void induce(const int32_t *t, int32_t *sa, const uint8_t *ls, int32_t n, int32_t k, int32_t *b)
{
    int32_t i, j;
    buckets(t, n, k, b, 0);
    for (i = 0; i < n; i++) {
        j = sa[i] - 1;
        if (sa[i] > 0 && !ls[j]) sa[b[t[j]]++] = j;
    }
    buckets(t, n, k, b, 1);
    for (i = n - 1; i >= 0; i--) {
        j = sa[i] - 1;
        if (sa[i] > 0 && ls[j]) sa[--b[t[j]]] = j;
    }
}

/* SA-IS (Nong, Zhang, Chan 2009). t[n-1] must be the unique smallest symbol 0; symbols < k. */
static int sais(const int32_t *t, int32_t *sa, int32_t n, int32_t k)
{
    int32_t i, j, d, n1, name, prev, pos;
    int32_t *s1, *b = malloc(sizeof(int32_t) * (size_t)k);
    uint8_t *ls = malloc((size_t)n);
    if (!b || !ls) {
        free(b);
        free(ls);
        return -1;
    }
    ls[n - 1] = 1;
    for (i = n - 2; i >= 0; i--) ls[i] = t[i] < t[i + 1] || (t[i] == t[i + 1] && ls[i + 1]);

    /* sort the LMS substrings */
    buckets(t, n, k, b, 1);
    for (i = 0; i < n; i++) sa[i] = -1;
    for (i = 1; i < n; i++)
        if (IS_LMS(ls, i)) sa[--b[t[i]]] = i;
    induce(t, sa, ls, n, k, b);

    /* name them; equal substrings share a name */
    for (i = 0, n1 = 0; i < n; i++)
        if (IS_LMS(ls, sa[i])) sa[n1++] = sa[i];
    for (i = n1; i < n; i++) sa[i] = -1;
    for (i = 0, name = 0, prev = -1; i < n1; i++) {
        int diff = 0;
        pos = sa[i];
        for (d = 0; d < n; d++) {
            if (prev == -1 || t[pos + d] != t[prev + d] || ls[pos + d] != ls[prev + d]) {
                diff = 1;
                break;
            }
            if (d > 0 && (IS_LMS(ls, pos + d) || IS_LMS(ls, prev + d))) break;
        }
        if (diff) {
            name++;
            prev = pos;
        }
        sa[n1 + pos / 2] = name - 1;
    }
    for (i = n - 1, j = n - 1; i >= n1; i--)
        if (sa[i] >= 0) sa[j--] = sa[i];

    /* sort the reduced string, recursing while names repeat */
    s1 = sa + n - n1;
    if (name < n1) {
        if (sais(s1, sa, n1, name) != 0) {
            free(b);
            free(ls);
            return -1;
        }
    } else {
        for (i = 0; i < n1; i++) sa[s1[i]] = i;
    }

    /* induce the full order from the sorted LMS suffixes */
    for (i = 1, j = 0; i < n; i++)
        if (IS_LMS(ls, i)) s1[j++] = i;
    for (i = 0; i < n1; i++) sa[i] = s1[sa[i]];
    for (i = n1; i < n; i++) sa[i] = -1;
    buckets(t, n, k, b, 1);
    for (i = n1 - 1; i >= 0; i--) {
        j = sa[i];
        sa[i] = -1;
        sa[--b[t[j]]] = j;
    }
    induce(t, sa, ls, n, k, b);
    free(b);
    free(ls);
    return 0;
}

/* One LCP interval [lb, lb+count) whose members share exactly `len` symbols, inside a parent
 * interval sharing `parent` symbols: it is a group of `count` equal w-tuples for parent < w <= len. */
static void report(int64_t len, int64_t parent, int64_t count, int64_t cap, int64_t *qtop, int64_t *pdiff)
{
    uint64_t c2 = (uint64_t)count * (uint64_t)(count - 1) / 2;
    int64_t top = len < cap ? len : cap;
    if (qtop[top] < count) qtop[top] = count;
    if (parent + 1 <= cap) pdiff[parent + 1] += (int64_t)c2;
    if (len + 1 <= cap) pdiff[len + 1] -= (int64_t)c2;
}

int64_t oe_sp80090b_repeats(const uint8_t *s, int64_t n, int32_t k, int64_t cap, int64_t *q, uint64_t *pairs)
{
    int32_t *t, *sa, *rank, *lcp, i, j, h;
    int32_t *stack_len, *stack_lb;
    int64_t *pdiff, top = 0, depth = 1024, v = 0, w;
    if (n < 2 || n > INT32_MAX - 2 || cap < 1) return -1;
    t = malloc(sizeof(int32_t) * (size_t)(n + 1));
    sa = malloc(sizeof(int32_t) * (size_t)(n + 1));
    if (!t || !sa) goto fail_sa;
    for (i = 0; i < n; i++) t[i] = (int32_t)s[i] + 1; /* shift up to make room for the sentinel 0 */
    t[n] = 0;
    if (sais(t, sa, (int32_t)n + 1, k + 1) != 0) goto fail_sa;
    /* sa[0] is the sentinel; sa + 1 is the suffix array of s. t is reused as the rank array. */
    rank = t;
    lcp = malloc(sizeof(int32_t) * (size_t)(n + 1));
    if (!lcp) goto fail_sa;
    memmove(sa, sa + 1, sizeof(int32_t) * (size_t)n);
    for (i = 0; i < n; i++) rank[sa[i]] = i;
    lcp[0] = 0;
    for (i = 0, h = 0; i < n; i++) { /* Kasai et al. 2001 */
        if (rank[i] > 0) {
            j = sa[rank[i] - 1];
            while (i + h < n && j + h < n && s[i + h] == s[j + h]) h++;
            lcp[rank[i]] = h;
            if (h > 0) h--;
        } else {
            h = 0;
        }
    }
    lcp[n] = 0;
    free(sa);
    sa = NULL;

    stack_len = malloc(sizeof(int32_t) * (size_t)depth);
    stack_lb = malloc(sizeof(int32_t) * (size_t)depth);
    pdiff = calloc((size_t)cap + 2, sizeof(int64_t));
    if (!stack_len || !stack_lb || !pdiff) {
        free(stack_len);
        free(stack_lb);
        free(pdiff);
        free(lcp);
        free(t);
        return -1;
    }
    for (w = 0; w <= cap; w++) q[w] = 0;
    stack_len[0] = 0;
    stack_lb[0] = 0;
    for (i = 1; i <= n; i++) { /* bottom-up walk of the LCP-interval tree */
        int64_t cur = lcp[i], lb = i - 1;
        if (cur > v) v = cur;
        while (cur < stack_len[top]) {
            int64_t len = stack_len[top];
            lb = stack_lb[top];
            top--;
            report(len, cur > stack_len[top] ? cur : stack_len[top], i - lb, cap, q, pdiff);
        }
        if (cur > stack_len[top]) {
            if (top + 1 == depth) { /* nesting deeper than ever before: grow the stack */
                int32_t *nl = realloc(stack_len, sizeof(int32_t) * (size_t)depth * 2);
                int32_t *nb = nl ? realloc(stack_lb, sizeof(int32_t) * (size_t)depth * 2) : NULL;
                if (nl) stack_len = nl;
                if (!nb) {
                    free(stack_len);
                    free(stack_lb);
                    free(pdiff);
                    free(lcp);
                    free(t);
                    return -1;
                }
                stack_lb = nb;
                depth *= 2;
            }
            top++;
            stack_len[top] = (int32_t)cur;
            stack_lb[top] = (int32_t)lb;
        }
    }
    /* q[w] so far holds the largest group whose common prefix is exactly w (clipped to cap);
     * the largest group of w-tuples is the largest group sharing at least w symbols. */
    for (w = cap - 1; w >= 1; w--)
        if (q[w] < q[w + 1]) q[w] = q[w + 1];
    for (w = 1; w <= cap; w++) {
        if (q[w] < 1) q[w] = 1;
        pdiff[w] += pdiff[w - 1];
        pairs[w] = (uint64_t)pdiff[w];
    }
    q[0] = 0;
    pairs[0] = 0;
    free(stack_len);
    free(stack_lb);
    free(pdiff);
    free(lcp);
    free(t);
    return v;

fail_sa:
    free(t);
    free(sa);
    return -1;
}

/* ---------------------------------------------------------------- 2. collision, multi_mcw */

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
 * that cannot yet be the winner, so the results are the same. */
static int mcw_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    static const int64_t W[MCW_WINDOWS] = {63, 255, 1023, 4095};
    int64_t ones[MCW_WINDOWS] = {0}, score[MCW_WINDOWS] = {0}, i, j, c = 0, run = 0, maxrun = 0;
    int winner = 0;
    for (j = 0; j < MCW_WINDOWS; j++)
        for (i = 0; i < W[j]; i++) ones[j] += s[i];
    for (i = W[0]; i < n; i++) {
        const int x = s[i];
        int pred[MCW_WINDOWS];
        for (j = 0; j < MCW_WINDOWS; j++) pred[j] = 2 * ones[j] > W[j];
        if (pred[winner] == x) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
        for (j = 0; j < MCW_WINDOWS; j++) {
            if (i < W[j]) break; /* windows are sorted: the rest are not full yet */
            if (pred[j] == x && ++score[j] >= score[winner]) winner = (int)j;
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
        if (frequent[winner] == s[i]) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
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

/* ---------------------------------------------------------------- 3. lag */

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
        if (cur == s[i - winner]) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
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
        if (cur == s[i - winner]) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
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
                if (cur == s[i - winner]) {
                    c++;
                    if (++run > maxrun) maxrun = run;
                } else {
                    run = 0;
                }
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
            if (nxt == s[i0 + len - winner]) {
                c++;
                if (++run > maxrun) maxrun = run;
            } else {
                run = 0;
            }
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

/* ---------------------------------------------------------------- 4. context trie */

/* Contexts of the non-binary MultiMMC and LZ78Y, as a trie read backwards from the newest
 * symbol: the node at depth j under path s[i-1], s[i-2], ..., s[i-j] is the context
 * (s[i-j], ..., s[i-1]). One step's lookups are then one walk down that stops at the first
 * missing child, instead of one hash lookup per context length. A node exists for every
 * context in a dictionary and for its suffixes ("structural" nodes, in_dict = 0), so a
 * missing child means no longer context is in any dictionary either.
 *
 * Each node keeps ea_non_iid's PostfixDictionary state: counts of the symbols seen after
 * its context (in `count`), the highest count `best`, and the prediction `pred`, which a
 * count takes over when it reaches the best from a larger symbol. */

typedef struct {
    uint64_t key; /* 0: empty */
    int64_t v;
} kv_t;

typedef struct {
    kv_t *slot;
    uint64_t mask;
    int64_t used;
} map_t; /* open addressing, linear probing, doubled at half load */

static uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    return x ^ (x >> 33);
}

static int map_init(map_t *m, uint64_t size)
{
    m->slot = calloc(size, sizeof(kv_t));
    m->mask = size - 1;
    m->used = 0;
    return m->slot ? 0 : -1;
}

static kv_t *map_probe(const map_t *m, uint64_t key)
{
    uint64_t h = hash64(key) & m->mask;
    while (m->slot[h].key && m->slot[h].key != key) h = (h + 1) & m->mask;
    return &m->slot[h];
}

/* The slot of key, inserted with v = 0 if absent and create; NULL if absent (or no memory). */
static kv_t *map_get(map_t *m, uint64_t key, int create)
{
    kv_t *p = map_probe(m, key);
    if (p->key || !create) return p->key ? p : NULL;
    if ((uint64_t)(m->used + 1) * 2 > m->mask + 1) {
        map_t bigger;
        uint64_t h;
        if (map_init(&bigger, (m->mask + 1) * 2) != 0) return NULL;
        for (h = 0; h <= m->mask; h++)
            if (m->slot[h].key) *map_probe(&bigger, m->slot[h].key) = m->slot[h];
        bigger.used = m->used;
        free(m->slot);
        *m = bigger;
        p = map_probe(m, key);
    }
    p->key = key;
    p->v = 0;
    m->used++;
    return p;
}

#define TRIE_DEPTH 17 /* contexts of 1..16 symbols (both predictors use at most 16) */

/* One map pair per depth keeps the hot short contexts in small, cache-friendly tables. */
typedef struct {
    map_t child[TRIE_DEPTH], count[TRIE_DEPTH]; /* keys ((node << 8) | symbol) + 1 */
    int64_t *best;
    uint8_t *pred, *in_dict;
    int64_t nodes, cap;
    int failed;
} trie_t;

/* deep_size: starting table size for depths >= 3, where a predictor's cap says the
 * tables will grow to (growing by doubling costs as much again in rehashing). */
static int trie_init(trie_t *t, uint64_t deep_size)
{
    int j;
    memset(t, 0, sizeof(*t));
    t->cap = 4096;
    t->nodes = 1; /* the root, the empty context */
    t->best = calloc((size_t)t->cap, sizeof(int64_t));
    t->pred = calloc((size_t)t->cap, 1);
    t->in_dict = calloc((size_t)t->cap, 1);
    if (!t->best || !t->pred || !t->in_dict) return -1;
    for (j = 0; j < TRIE_DEPTH; j++)
        if (map_init(&t->child[j], j >= 3 ? deep_size : 64) || map_init(&t->count[j], j >= 3 ? deep_size : 64)) return -1;
    return 0;
}

static void trie_free(trie_t *t)
{
    int j;
    for (j = 0; j < TRIE_DEPTH; j++) {
        free(t->child[j].slot);
        free(t->count[j].slot);
    }
    free(t->best);
    free(t->pred);
    free(t->in_dict);
}

static uint64_t trie_key(int64_t node, uint8_t symbol)
{
    return (((uint64_t)node << 8) | symbol) + 1;
}

/* Child (at depth) of node by symbol, created if create; -1 if absent (or no memory). */
static int64_t trie_child(trie_t *t, int64_t node, uint8_t symbol, int depth, int create)
{
    kv_t *p;
    if (node < 0) return -1;
    if (!create) {
        p = map_get(&t->child[depth], trie_key(node, symbol), 0);
        return p ? p->v : -1;
    }
    if (!(p = map_get(&t->child[depth], trie_key(node, symbol), 1))) {
        t->failed = 1;
        return -1;
    }
    if (p->v == 0) { /* new: the root is never a child, so 0 marks a fresh slot */
        if (t->nodes == t->cap) {
            int64_t *nb = realloc(t->best, sizeof(int64_t) * (size_t)t->cap * 2);
            uint8_t *np = nb ? realloc(t->pred, (size_t)t->cap * 2) : NULL;
            uint8_t *nd = np ? realloc(t->in_dict, (size_t)t->cap * 2) : NULL;
            if (nb) t->best = nb;
            if (np) t->pred = np;
            if (!nd) {
                t->failed = 1;
                return -1;
            }
            t->in_dict = nd;
            t->cap *= 2;
        }
        t->best[t->nodes] = 0;
        t->pred[t->nodes] = 0;
        t->in_dict[t->nodes] = 0;
        p->v = t->nodes++;
    }
    return p->v;
}

/* The node of the len symbols ending just before end (end[-1] first), created if absent. */
static int64_t trie_path(trie_t *t, const uint8_t *end, int len)
{
    int64_t node = 0;
    int j;
    for (j = 1; j <= len && node >= 0; j++) node = trie_child(t, node, end[-j], j, 1);
    return node;
}

/* Count y after the context of node (at depth); a new pair only if make_new. 1 if made. */
static int trie_count(trie_t *t, int64_t node, int depth, uint8_t y, int make_new)
{
    kv_t *p;
    if (node < 0) return 0;
    p = map_get(&t->count[depth], trie_key(node, y), make_new);
    if (!p) {
        if (make_new) t->failed = 1;
        return 0;
    }
    p->v++;
    if (p->v > t->best[node] || (p->v == t->best[node] && y > t->pred[node])) {
        t->pred[node] = y;
        t->best[node] = p->v;
    }
    return p->v == 1;
}

/* ---------------------------------------------------------------- 5. multi_mmc */

#define MMC_D 16
#define MMC_MAX_ENTRIES 100000

/* Binary dictionaries: the (d+1)-bit context p has its two counts at dict[d][2p], dict[d][2p+1]. */
static int mmc_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    uint32_t *dict[MMC_D] = {0}; /* counts fit: n < 2^32 (checked by the caller) */
    int64_t score[MMC_D] = {0}, elems[MMC_D] = {0};
    int64_t i, d, winner = 0, c = 0, run = 0, maxrun = 0;
    uint32_t pat = 0;
    int rc = 0;
    for (d = 0; d < MMC_D; d++)
        if (!(dict[d] = calloc((size_t)1 << (d + 2), sizeof(uint32_t)))) rc = -1;
    if (rc) goto done;
    for (d = 0; d < MMC_D; d++) {
        pat = (pat << 1) | s[d];
        dict[d][2 * (pat & ((1U << (d + 1)) - 1)) + s[d + 1]] = 1;
        elems[d] = 1;
    }
    for (i = 2; i < n; i++) {
        int found = 0;
        int64_t cur_winner = winner;
        pat = 0;
        for (d = 0; d < MMC_D && d <= i - 2; d++) { /* the lookups are independent: overlap them */
            pat |= (uint32_t)s[i - d - 1] << d;
            __builtin_prefetch(dict[d] + 2 * pat);
        }
        pat = 0;
        for (d = 0; d < MMC_D && d <= i - 2; d++) {
            uint32_t *e;
            int pred = 2;
            pat |= (uint32_t)s[i - d - 1] << d;
            e = dict[d] + 2 * pat;
            if (d == 0 || found) {
                pred = e[0] > e[1] ? 0 : 1;
                found = e[pred] != 0;
            }
            if (found) {
                if (pred == s[i]) {
                    if (++score[d] >= score[winner]) winner = d;
                    if (d == cur_winner) {
                        c++;
                        if (++run > maxrun) maxrun = run;
                    }
                } else if (d == cur_winner) {
                    run = 0;
                }
                if (e[s[i]] != 0) {
                    e[s[i]]++;
                } else if (elems[d] < MMC_MAX_ENTRIES) {
                    e[s[i]] = 1;
                    elems[d]++;
                }
            } else if (elems[d] < MMC_MAX_ENTRIES) {
                e[s[i]] = 1;
                elems[d]++;
            }
        }
    }
    out[0] = c;
    out[1] = n - 2;
    out[2] = maxrun;
done:
    for (d = 0; d < MMC_D; d++) free(dict[d]);
    return rc;
}


int oe_sp80090b_multi_mmc(const uint8_t *s, int64_t n, int32_t k, int64_t *out)
{
    trie_t t;
    int64_t score[MMC_D] = {0}, entries[MMC_D] = {0};
    int64_t i, d, winner = 0, c = 0, run = 0, maxrun = 0;
    int rc = 0;
    if (n < 3) return 1;
    if (k == 2) {
        if (n < MMC_D + 2) return 1; /* the binary path needs its start-up symbols */
        return n < INT32_MAX ? mmc_binary(s, n, out) : -1;
    }
    if (trie_init(&t, (uint64_t)1 << 18) != 0) { /* 100,000 entries at half load */
        trie_free(&t);
        return -1;
    }
    for (d = 0; d < MMC_D && d < n - 2; d++) { /* the contexts s[0..d], each followed by s[d+1] */
        int64_t node = trie_path(&t, s + d + 1, (int)d + 1);
        if (node >= 0) t.in_dict[node] = 1;
        trie_count(&t, node, (int)d + 1, s[d + 1], 1);
        entries[d] = 1;
    }
    for (i = 2; i < n && !t.failed; i++) {
        int found = 0;
        /* cur: the node of the d symbols before s[i] (-1: not looked up); node: of d + 1 */
        int64_t cur_winner = winner, cur = 0, node = -1;
        for (d = 0; d < MMC_D && i - 2 >= d; d++) {
            if (d == 0 || found) {
                node = trie_child(&t, cur, s[i - d - 1], (int)d + 1, 0);
                found = node >= 0 && t.in_dict[node];
            } else {
                node = -1;
            }
            if (found) {
                if (t.pred[node] == s[i]) {
                    if (++score[d] >= score[winner]) winner = d;
                    if (d == cur_winner) {
                        c++;
                        if (++run > maxrun) maxrun = run;
                    }
                } else if (d == cur_winner) {
                    run = 0;
                }
                entries[d] += trie_count(&t, node, (int)d + 1, s[i], entries[d] < MMC_MAX_ENTRIES);
            } else if (entries[d] < MMC_MAX_ENTRIES) {
                node = cur >= 0 ? trie_child(&t, cur, s[i - d - 1], (int)d + 1, 1) : trie_path(&t, s + i, (int)d + 1);
                if (node >= 0) t.in_dict[node] = 1;
                trie_count(&t, node, (int)d + 1, s[i], 1);
                entries[d]++;
            }
            cur = node;
        }
    }
    if (t.failed) rc = -1;
    out[0] = c;
    out[1] = n - 2;
    out[2] = maxrun;
    trie_free(&t);
    return rc;
}

/* ---------------------------------------------------------------- 6. lz78y */

#define LZ_B 16
#define LZ_MAX_DICT 65536

static int lz78y_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    uint32_t *dict[LZ_B] = {0}; /* counts fit: n < 2^32 (checked by the caller) */
    int64_t i, j, elems = 0, c = 0, run = 0, maxrun = 0;
    uint32_t pat = 0;
    int rc = 0;
    for (j = 0; j < LZ_B; j++)
        if (!(dict[j] = calloc((size_t)1 << (j + 2), sizeof(uint32_t)))) rc = -1;
    if (rc) goto done;
    for (j = 0; j < LZ_B; j++) { /* dict[j] holds contexts of j + 1 bits */
        pat |= (uint32_t)s[LZ_B - j - 1] << j;
        dict[j][2 * pat + s[LZ_B]] = 1;
        elems++;
    }
    for (i = LZ_B + 1; i < n; i++) {
        int have = 0, pred = 2;
        uint32_t maxcount = 0;
        pat = 0;
        for (j = 0; j < LZ_B; j++) pat = (pat << 1) | s[i - LZ_B + j];
        for (j = LZ_B; j > 0; j--) __builtin_prefetch(dict[j - 1] + 2 * (pat & ((1U << j) - 1)));
        for (j = LZ_B; j > 0; j--) {
            uint32_t *e = dict[j - 1] + 2 * (pat & ((1U << j) - 1));
            int round = e[0] > e[1] ? 0 : 1;
            if (e[round] != 0) {
                if (e[round] > maxcount) {
                    maxcount = e[round];
                    have = 1;
                    pred = round;
                }
                e[s[i]]++;
            } else if (elems < LZ_MAX_DICT) {
                e[s[i]] = 1;
                elems++;
            }
        }
        if (have && pred == s[i]) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
    }
    out[0] = c;
    out[1] = n - LZ_B - 1;
    out[2] = maxrun;
done:
    for (j = 0; j < LZ_B; j++) free(dict[j]);
    return rc;
}


int oe_sp80090b_lz78y(const uint8_t *s, int64_t n, int32_t k, int64_t *out)
{
    trie_t t;
    int64_t i, j, size = 0, c = 0, run = 0, maxrun = 0, node[LZ_B + 1];
    int rc = 0;
    if (n < LZ_B + 2) return 1;
    if (k == 2) return n < INT32_MAX ? lz78y_binary(s, n, out) : -1;
    if (trie_init(&t, 1024) != 0) {
        trie_free(&t);
        return -1;
    }
    for (j = 1; j <= LZ_B; j++) { /* the contexts ending at s[15], each followed by s[16] */
        int64_t p = trie_path(&t, s + LZ_B, (int)j);
        if (p >= 0) t.in_dict[p] = 1;
        trie_count(&t, p, (int)j, s[LZ_B], 1);
        size++;
    }
    for (i = LZ_B + 1; i < n && !t.failed; i++) {
        int have = 0;
        uint8_t pred = 0;
        int64_t maxcount = 0;
        /* node[j]: the context of the j symbols before s[i], if it is in the dictionary */
        node[0] = 0;
        for (j = 1; j <= LZ_B && node[j - 1] >= 0; j++) node[j] = trie_child(&t, node[j - 1], s[i - j], (int)j, 0);
        for (; j <= LZ_B; j++) node[j] = -1;
        for (j = 1; j <= LZ_B; j++) { /* the longest context holding the highest count predicts */
            if (node[j] < 0 || !t.in_dict[node[j]]) continue;
            if (t.best[node[j]] >= maxcount) {
                maxcount = t.best[node[j]];
                pred = t.pred[node[j]];
                have = 1;
            }
        }
        for (j = LZ_B; j > 0; j--) { /* longest first: new contexts stop at the size cap */
            if (node[j] >= 0 && t.in_dict[node[j]]) {
                trie_count(&t, node[j], (int)j, s[i], 1);
            } else if (size < LZ_MAX_DICT) {
                int64_t p = trie_path(&t, s + i, (int)j);
                if (p >= 0) t.in_dict[p] = 1;
                trie_count(&t, p, (int)j, s[i], 1);
                size++;
            }
        }
        if (have && pred == s[i]) {
            c++;
            if (++run > maxrun) maxrun = run;
        } else {
            run = 0;
        }
    }
    if (t.failed) rc = -1;
    out[0] = c;
    out[1] = n - LZ_B - 1;
    out[2] = maxrun;
    trie_free(&t);
    return rc;
}
