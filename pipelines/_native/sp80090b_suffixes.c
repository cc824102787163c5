/* SP 800-90B 6.3.5/6.3.6: the LCP array of the suffixes, sorted by packed keys (the fast path).
 *
 * The tuple counts (sp80090b_tuples.c) need only the longest common prefix of each pair of
 * neighbours in suffix order, never the order itself. On the data an entropy source gives,
 * almost every suffix is told apart by its first few dozen symbols, so this path sorts the
 * suffixes by a 64-bit key (their first m symbols, packed b bits each: 64 bits of a
 * bitstring, 10 symbols of an alphabet of 60) with an MSD radix sort, then settles the
 * suffixes still tied: by comparing them key by key when they are few and part soon (a
 * budget of WORDS_PER_SUFFIX keys a suffix), else by prefix doubling on the ranks
 * (Larsson and Sadakane 2007). The LCPs come off the keys, Kasai's algorithm taking over
 * when they run long. On 8,000,000 bits of a narrow-normal source: one radix sort and 74
 * pairs of tied suffixes.
 *
 * Padding: past the end a suffix reads zeros, and of two suffixes equal in their padded
 * form the shorter sorts first; that is exactly suffix order with an end marker below every
 * symbol, so the LCP intervals are the ones SA-IS gives. An LCP is capped by both suffixes'
 * lengths, so no tuple is counted past the end.
 *
 * When the data repeat too much (a quarter of the suffixes still tied after the first
 * key: periodic or constant stretches), doubling would cost O(n log n) rounds of sorting,
 * and ``lcp_by_keys`` returns 1 for the caller to take SA-IS, which is linear whatever the
 * input. Nothing here starts threads or keeps state between calls; nothing credits entropy.
 */
#define _GNU_SOURCE /* qsort_r */
#include "_sp80090b_suffixes.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The fast path gives up when more than this share of the suffixes tie on the first key. */
#define MAX_TIED_SHARE 4
/* LCPs read off the keys cost one word each per m symbols; past WORDS_PER_SUFFIX words per
 * suffix on average (long repeats) Kasai's linear algorithm takes over. */
#define WORDS_PER_SUFFIX 4

typedef struct {
    uint64_t *words; /* the symbols, b bits each, MSB first; zero words past the end */
    int b;           /* bits per symbol */
    int m;           /* symbols per key: 64 / b */
    uint64_t mask;   /* the top m * b bits */
} packed_t;

static inline uint64_t key_at(const packed_t *p, int64_t i)
{
    int64_t bit = i * p->b;
    int sh = (int)(bit & 63);
    uint64_t hi = p->words[bit >> 6] << sh;
    if (sh) hi |= p->words[(bit >> 6) + 1] >> (64 - sh);
    return hi & p->mask;
}

static int pack(const uint8_t *s, int64_t n, packed_t *p)
{
    int64_t i, top = 0;
    for (i = 0; i < n; i++)
        if (s[i] > top) top = s[i];
    p->b = 1;
    while ((1 << p->b) <= top) p->b++;
    p->m = 64 / p->b;
    p->mask = ~0ULL << (64 - p->m * p->b);
    p->words = calloc((size_t)((n * p->b) >> 6) + 3, sizeof(uint64_t));
    if (!p->words) return -1;
    for (i = 0; i < n; i++) {
        int64_t bit = i * p->b;
        int off = (int)(bit & 63);
        uint64_t v = s[i];
        if (off + p->b <= 64) {
            p->words[bit >> 6] |= v << (64 - p->b - off);
        } else {
            int spill = off + p->b - 64;
            p->words[bit >> 6] |= v >> spill;
            p->words[(bit >> 6) + 1] |= v << (64 - spill);
        }
    }
    return 0;
}

/* The sort's buffer is large (12 bytes a suffix: 96 MB for 8e6 bits) and the C library
 * maps it afresh on each call: faulting it in 4 KB at a time took a quarter of the time of
 * a bitstring's tuple counts. Where the kernel offers transparent huge pages on request
 * (Linux, THP "madvise" or "always"), the aligned inside of such a buffer asks for them,
 * 2 MB a fault; elsewhere this is plain malloc. Only the speed depends on it. */
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void *alloc_big(size_t bytes)
{
    void *p = malloc(bytes);
#ifdef MADV_HUGEPAGE
    if (p && bytes >= 4 * HUGE_PAGE) {
        uintptr_t lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), hi = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* a refusal leaves 4 KB pages: nothing to handle */
    }
#endif
    return p;
}

typedef struct __attribute__((packed)) { /* 12 bytes: the sort moves n of them a pass */
    uint64_t key;
    int32_t pos;
} keyed_t;

/* Stable MSD radix sort of the items in a by key, from bits shift..shift+7 down, with b as
 * scratch of len; the sorted items end in a if out_in_a, else in b (the passes alternate
 * between the two buffers instead of copying back). Small ranges take insertion sort; a
 * byte all items share costs one counting pass. */
static void msd_sort(keyed_t *a, keyed_t *b, int64_t len, int shift, int out_in_a)
{
    int64_t i, j, hist[256], sum = 0, start;
    if (len <= 32) {
        for (i = 1; i < len; i++) {
            keyed_t x = a[i];
            for (j = i; j > 0 && a[j - 1].key > x.key; j--) a[j] = a[j - 1];
            a[j] = x;
        }
        if (!out_in_a) memcpy(b, a, sizeof(keyed_t) * (size_t)len);
        return;
    }
    for (;;) {
        memset(hist, 0, sizeof(hist));
        for (i = 0; i < len; i++) hist[(a[i].key >> shift) & 255]++;
        if (hist[(a[0].key >> shift) & 255] < len) break;
        if (shift == 0) { /* all keys equal: already in order */
            if (!out_in_a) memcpy(b, a, sizeof(keyed_t) * (size_t)len);
            return;
        }
        shift -= 8;
    }
    for (i = 0; i < 256; i++) {
        int64_t c = hist[i];
        hist[i] = sum;
        sum += c;
    }
    for (i = 0; i < len; i++) b[hist[(a[i].key >> shift) & 255]++] = a[i];
    for (i = 0, start = 0; i < 256; i++) { /* hist[i] is now the end of bucket i, held in b */
        int64_t blen = hist[i] - start;
        if (blen > 1 && shift > 0)
            msd_sort(b + start, a + start, blen, shift - 8, !out_in_a);
        else if (blen > 0 && out_in_a)
            memcpy(a + start, b + start, sizeof(keyed_t) * (size_t)blen);
        start = hist[i];
    }
}

/* All suffixes in order of their keys (equal keys: the shorter suffix first), in one block
 * of 3 n + 4 int32 that the caller frees: raw = block[0..n], raw[r] = the common prefix of
 * the keys ranked r - 1 and r in symbols, capped by the shorter suffix's length, or m when
 * the keys tie over two suffixes at least m long; sa = block + n + 1; the last n + 3 are
 * left for the caller (the rank array). *tied gets the number of suffixes in groups of
 * tied keys, *nruns the number of groups. NULL when memory ran out.
 *
 * A suffix shorter than m reads zeros past the end, so its key may equal a longer one's;
 * it is then a prefix of it and sorted before it, rightly, and the cap keeps it out of the
 * tie: only suffixes that share m real symbols are left for the settling.
 *
 * Memory is most of the cost for 8e6 bits (the kernel zeroes every page the sort touches),
 * so the items (12 bytes a suffix) live in the block itself: the first pass scatters them
 * there by their top byte, each bucket is sorted in place with a scratch buffer the size
 * of the largest bucket (~67,000 items: the L2 and L3 caches), and the sorted items are
 * turned into the suffix and LCP arrays in the same memory (read as items, written as
 * int32: the build's -fno-strict-aliasing makes that defined). */
static int32_t *sort_by_key(const packed_t *p, int64_t n, int64_t *nruns, int64_t *tied)
{
    void *block = alloc_big(sizeof(keyed_t) * (size_t)n + 16);
    keyed_t *items = block, *scratch = NULL;
    int32_t *raw = block, *sa;
    uint8_t *prefix = NULL; /* raw, a byte each (<= 64), while the items still hold the block */
    int64_t fill[256] = {0}, sum = 0, c, start, largest = 0, i;
    if (!block) return NULL;
    for (i = 0; i < n; i++) fill[key_at(p, i) >> 56]++;
    for (c = 0; c < 256; c++) {
        int64_t count = fill[c];
        if (count > largest) largest = count;
        fill[c] = sum;
        sum += count;
    }
    scratch = malloc(sizeof(keyed_t) * (size_t)largest);
    prefix = malloc((size_t)n);
    if (!scratch || !prefix) {
        free(block);
        free(scratch);
        free(prefix);
        return NULL;
    }
    for (i = n - 1; i >= 0; i--) { /* decreasing position: a stable sort leaves the shorter first */
        uint64_t key = key_at(p, i);
        keyed_t *slot = &items[fill[key >> 56]++];
        slot->key = key;
        slot->pos = (int32_t)i;
    }
    for (c = 0, start = 0; c < 256; c++) { /* fill[c] is now the end of bucket c */
        if (fill[c] - start > 1) msd_sort(items + start, scratch, fill[c] - start, 48, 1);
        start = fill[c];
    }
    free(scratch);
    { /* items -> positions (int32 r sits below item r's bytes: nothing unread is overwritten) */
        uint64_t prev = 0;
        int64_t prev_pos = n, run = 0; /* rank 0 has no neighbour: lim = 0 caps its prefix to 0 */
        *nruns = *tied = 0;
        for (i = 0; i < n; i++) {
            const uint64_t key = items[i].key, x = key ^ prev;
            const int32_t pos = items[i].pos;
            const int64_t lim = n - (pos > prev_pos ? pos : prev_pos);
            int64_t common = x ? __builtin_clzll(x) / p->b : p->m;
            if (common > lim) common = lim;
            prefix[i] = (uint8_t)common;
            if (common == p->m) {
                run++;
            } else if (run) { /* a group of run + 1 tied suffixes ended */
                ++*nruns;
                *tied += run + 1;
                run = 0;
            }
            raw[i] = pos;
            prev = key;
            prev_pos = pos;
        }
        if (run) {
            ++*nruns;
            *tied += run + 1;
        }
    }
    sa = raw + n + 1;
    memmove(sa, raw, sizeof(int32_t) * (size_t)n);
    for (i = 1; i < n; i++) raw[i] = prefix[i];
    raw[0] = raw[n] = 0;
    free(prefix);
    return raw;
}

typedef struct {
    int64_t key;
    int32_t pos;
} item_t;

static int by_key(const void *a, const void *b)
{
    int64_t x = ((const item_t *)a)->key, y = ((const item_t *)b)->key;
    return (x > y) - (x < y);
}

/* Settle the ties of the key sort by prefix doubling. rank[i] is the start in sa of the
 * group of suffixes sharing i's first h symbols (padded); a group is re-sorted by the rank
 * h symbols on, where a suffix past the end ranks below all, the shorter first. runs holds
 * (start, length) of the groups of two or more; nruns > 0. 0, or -1 when memory ran out. */
static int settle_ties(int64_t n, int64_t h, int32_t *sa, int32_t *rank, int64_t *runs, int64_t nruns, int64_t tied)
{
    item_t *it = malloc(sizeof(item_t) * (size_t)tied);
    int64_t *next = malloc(sizeof(int64_t) * (size_t)tied), r, t, u, w, idx, nnext;
    if (!it || !next) {
        free(it);
        free(next);
        return -1;
    }
    while (nruns > 0) {
        for (r = 0, idx = 0; r < nruns; r++) /* read every key before any rank changes */
            for (t = runs[2 * r]; t < runs[2 * r] + runs[2 * r + 1]; t++, idx++) {
                int64_t j = sa[t] + h;
                it[idx].key = j < n ? rank[j] : -1 - (j - n);
                it[idx].pos = sa[t];
            }
        for (r = 0, idx = 0, nnext = 0; r < nruns; r++) {
            int64_t start = runs[2 * r], len = runs[2 * r + 1];
            qsort(it + idx, (size_t)len, sizeof(item_t), by_key);
            for (t = 0; t < len; t = u) { /* each run of equal keys is a new group */
                for (u = t + 1; u < len && it[idx + u].key == it[idx + t].key; u++) {
                }
                if (u - t >= 2) {
                    next[2 * nnext] = start + t;
                    next[2 * nnext + 1] = u - t;
                    nnext++;
                }
                for (w = t; w < u; w++) {
                    sa[start + w] = it[idx + w].pos;
                    rank[it[idx + w].pos] = (int32_t)(start + t);
                }
            }
            idx += len;
        }
        memcpy(runs, next, sizeof(int64_t) * 2 * (size_t)nnext);
        nruns = nnext;
        h = h < n ? 2 * h : h;
    }
    free(it);
    free(next);
    return 0;
}

/* The LCP of the suffixes at a and b, knowing their first `from` symbols equal; *words
 * counts the keys compared. */
static inline int64_t common_prefix(const packed_t *p, int64_t n, int64_t a, int64_t b, int64_t from, int64_t *words)
{
    int64_t lim = n - (a > b ? a : b), l = from;
    while (l < lim) {
        uint64_t x = key_at(p, a + l) ^ key_at(p, b + l);
        (*words)++;
        if (x) {
            l += __builtin_clzll(x) / p->b;
            break;
        }
        l += p->m;
    }
    return l < lim ? l : lim;
}

/* Ties settled by comparing the suffixes themselves, key by key past the first: cheap when
 * the tied suffixes are few and part soon, as on most data. The comparisons are counted,
 * and past the budget they stop reading (qsort still ends, in some order) and
 * settle_by_comparing returns 1 for the caller to settle the ties by doubling instead. */
typedef struct {
    const packed_t *p;
    int64_t n, words, budget;
} compare_t;

static int by_suffix(const void *x, const void *y, void *arg)
{
    compare_t *cmp = arg;
    int64_t a = *(const int32_t *)x, b = *(const int32_t *)y, n = cmp->n, lim, l;
    if (cmp->words > cmp->budget) return (a < b) - (a > b);
    lim = n - (a > b ? a : b);
    l = common_prefix(cmp->p, n, a, b, cmp->p->m < lim ? cmp->p->m : lim, &cmp->words);
    if (l == lim) return a > b ? -1 : 1; /* one ends there: the shorter first */
    {
        uint64_t sa_ = key_at(cmp->p, a + l) >> (64 - cmp->p->b), sb = key_at(cmp->p, b + l) >> (64 - cmp->p->b);
        return sa_ < sb ? -1 : 1;
    }
}

static int settle_by_comparing(const packed_t *p, int64_t n, int32_t *sa, const int32_t *raw, int64_t budget)
{
    compare_t cmp = {p, n, 0, budget};
    int64_t r, start = 0;
    for (r = 1; r <= n; r++) {
        if (r < n && raw[r] == p->m) continue;
        if (r - start >= 2) qsort_r(sa + start, (size_t)(r - start), sizeof(int32_t), by_suffix, &cmp);
        if (cmp.words > cmp.budget) return 1;
        start = r;
    }
    return 0;
}

/* The groups of equal first keys in sa (raw[r] == m: ranks r - 1 and r tie): rank[i] = the
 * start of i's group; *nruns groups of two or more, *tied suffixes in them; with runs,
 * their (start, length) are written there. */
static void key_groups(int64_t n, int m, const int32_t *sa, const int32_t *raw, int32_t *rank, int64_t *runs, int64_t *nruns, int64_t *tied)
{
    int64_t r, start = 0;
    *nruns = *tied = 0;
    for (r = 0; r <= n; r++) {
        if (r == n || (r > 0 && raw[r] != m)) {
            if (r - start >= 2) {
                if (runs) {
                    runs[2 * *nruns] = start;
                    runs[2 * *nruns + 1] = r - start;
                }
                ++*nruns;
                *tied += r - start;
            }
            start = r;
        }
        if (rank && r < n) rank[sa[r]] = (int32_t)start;
    }
}

int oe_sp80090b_lcp_by_keys(const uint8_t *s, int64_t n, int32_t **lcp_out)
{
    packed_t p;
    int32_t *sa = NULL, *rank = NULL, *lcp = NULL;
    int64_t *runs = NULL, nruns, tied, r, i, h, words = 0;
    int rc = -1;
    *lcp_out = NULL;
    if (n < 2 || n > INT32_MAX - 2 || pack(s, n, &p) != 0) return -1;
    if (!(lcp = sort_by_key(&p, n, &nruns, &tied))) goto done;
    sa = lcp + n + 1;
    rank = sa + n; /* the block's last n + 3 int32, read only when the ties or long repeats need it */
    if (tied * MAX_TIED_SHARE > n) {
        rc = 1;
        goto done;
    }
    if (nruns > 0 && settle_by_comparing(&p, n, sa, lcp, WORDS_PER_SUFFIX * n + 64) != 0) {
        if (!(runs = malloc(sizeof(int64_t) * (size_t)tied))) goto done;
        key_groups(n, p.m, sa, lcp, rank, runs, &nruns, &tied);
        if (settle_ties(n, p.m, sa, rank, runs, nruns, tied) != 0) goto done;
    }
    /* lcp holds the keys' common prefixes, capped by the suffixes' lengths, which hold for
     * any members of two groups; read on past the first key where the keys tie */
    for (r = 1; r < n && words <= WORDS_PER_SUFFIX * n + 64; r++) {
        if (lcp[r] == p.m) {
            int64_t a = sa[r - 1], b = sa[r];
            lcp[r] = (int32_t)common_prefix(&p, n, a, b, p.m, &words);
        }
    }
    if (r < n) { /* long repeats: Kasai et al. 2001, linear in n whatever the repeats */
        for (r = 0; r < n; r++) rank[sa[r]] = (int32_t)r;
        for (i = 0, h = 0; i < n; i++) {
            if (rank[i] == 0) {
                h = 0;
                continue;
            }
            h = common_prefix(&p, n, i, sa[rank[i] - 1], h, &words);
            lcp[rank[i]] = (int32_t)h;
            if (h > 0) h--;
        }
    }
    lcp[0] = lcp[n] = 0;
    *lcp_out = lcp;
    lcp = NULL;
    rc = 0;
done:
    free(p.words);
    free(runs);
    free(lcp);
    return rc;
}
