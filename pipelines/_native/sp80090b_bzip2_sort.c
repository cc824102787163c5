/* SP 800-90B 5.1.11's bzip2 length: the sort of a block's word rotations (step 3 of
 * sp80090b_iid_bzip2.c, which explains why sorting words gives the bytes' order).
 *
 * Input: the block as a cyclic sequence of m word ranks (rank in string order among the
 * block's distinct words). Output: the m rotations in sorted order. Three stages:
 *
 * 1. An LSD radix sort on the first words of each rotation packed into a 32-bit key
 *    (ceil(log2 distinct) bits a word, as many words as fit: 3 of 8-bit samples' 257
 *    words, 6 of 4-bit samples' 17). The key's bits are cut into at most three equal
 *    digits of at most 11 bits (2,048 counters stay in the L1 cache). The keys are built
 *    straight into the first pass's order (its counts from a pass over the ranks), the
 *    other passes' counts taken on the way; a pass whose digit is the same for every key
 *    is skipped.
 * 2. The rotations still tied, on shuffled samples a few hundred pairs in a block, are
 *    sorted by insertion, compared word by word past the key.
 * 3. Only when that gives up (a tied group of more than INSERTION_MAX rotations, or two
 *    rotations equal for COMPARE_MAX words: repetitive data), prefix doubling (Manber and
 *    Myers) on the tied groups: each round sorts a group by the group its members'
 *    rotations h words on belong to, h doubling. Always right, slower.
 *
 * No allocation: the buffers are the caller's (bz_sort_work_t).
 */
#include "_sp80090b_bzip2.h"

#include <stdlib.h>
#include <string.h>

enum {
    DIGIT_MAX = BZ_DIGIT_BITS, /* bits of a radix digit */
    PASSES_MAX = 3,            /* 32-bit keys in digits of at most 11 bits */
    INSERTION_MAX = 32,        /* stage 2 sorts tied groups up to this size */
    COMPARE_MAX = 64,          /* ... comparing at most this many words past the key */
};

static int cmp_keyed(const void *a, const void *b) {
    const bz_keyed_t *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static void sort_keyed(bz_keyed_t *a, uint32_t n) {
    if (n > INSERTION_MAX) {
        qsort(a, n, sizeof(bz_keyed_t), cmp_keyed);
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        bz_keyed_t t = a[i];
        uint32_t j = i;
        while (j > 0 && a[j - 1].key > t.key) { a[j] = a[j - 1]; j--; }
        a[j] = t;
    }
}

/* Stage 1: keys of the first *per_key words of each rotation, radix sorted; returns the
 * sorted pairs (w->keys or w->keys_tmp). */
static bz_keyed_t *sort_by_first_words(bz_sort_work_t *w, uint16_t *rank, uint32_t m, uint32_t distinct,
                                       uint32_t *words_per_key) {
    uint32_t bits = 1;
    while ((1u << bits) < distinct) bits++;
    uint32_t per_key = 32 / bits, key_bits = per_key * bits;
    uint32_t passes = (key_bits + DIGIT_MAX - 1) / DIGIT_MAX;
    uint32_t digit = (key_bits + passes - 1) / passes, digit_mask = (1u << digit) - 1;
    uint32_t key_mask = key_bits == 32 ? ~0u : (1u << key_bits) - 1;
    *words_per_key = per_key;
    for (uint32_t j = 0; j < per_key; j++) rank[m + j] = rank[j % m]; /* the cyclic wrap */

    /* the counters live in the caller's buffer, not on the stack: increments of a stack
     * array at a computed index ran 2x slower on AMD Zen 3 (its memory renaming of stack
     * accesses mispredicts them) */
    uint32_t (*count)[1u << DIGIT_MAX] = (uint32_t (*)[1u << DIGIT_MAX])w->count;
    memset(count, 0, sizeof(uint32_t) * PASSES_MAX << DIGIT_MAX);
    uint32_t first = 0;
    for (uint32_t j = 0; j < per_key; j++) first = (first << bits) | rank[j];
    /* the first pass's counts, then the keys built straight into its order (saving a
     * write and a read of every pair); the other passes' counts on the way */
    uint32_t key = first;
    for (uint32_t i = 0; i < m; i++) {
        count[0][key & digit_mask]++;
        key = ((key << bits) | rank[i + per_key]) & key_mask;
    }
    uint32_t sum = 0;
    for (uint32_t d = 0; d <= digit_mask; d++) { uint32_t n = count[0][d]; count[0][d] = sum; sum += n; }
    bz_keyed_t *a = w->keys, *tmp = w->keys_tmp;
    key = first;
    for (uint32_t i = 0; i < m; i++) {
        a[count[0][key & digit_mask]++] = (bz_keyed_t){key, i};
        count[1][(key >> digit) & digit_mask]++;
        count[2][(key >> (2 * digit)) & digit_mask]++;
        key = ((key << bits) | rank[i + per_key]) & key_mask;
    }
    for (uint32_t p = 1; p < passes; p++) {
        uint32_t shift = p * digit, *c = count[p];
        if (c[(a[0].key >> shift) & digit_mask] == m) continue; /* every key has this digit */
        sum = 0;
        for (uint32_t d = 0; d <= digit_mask; d++) { uint32_t n = c[d]; c[d] = sum; sum += n; }
        for (uint32_t i = 0; i < m; i++) tmp[c[(a[i].key >> shift) & digit_mask]++] = a[i];
        bz_keyed_t *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

/* Writes the pairs a[s..e) (sorted by key) to sa[s..e) and their groups; appends the
 * groups of more than one rotation to ranges. Returns the number of ranges now. */
static uint32_t split_groups(bz_sort_work_t *w, const bz_keyed_t *a, uint32_t s, uint32_t e,
                             uint32_t *ranges, uint32_t nranges) {
    for (uint32_t p = s; p < e;) {
        uint32_t q = p + 1;
        while (q < e && a[q - s].key == a[p - s].key) q++;
        for (uint32_t t = p; t < q; t++) { w->sa[t] = a[t - s].idx; w->group[a[t - s].idx] = p; }
        if (q - p > 1) { ranges[2 * nranges] = p; ranges[2 * nranges + 1] = q; nranges++; }
        p = q;
    }
    return nranges;
}

/* Stage 3 on the nranges tied groups in w->ranges, every rotation equal to the others of
 * its group in its first `span` words. */
static void sort_by_doubling(bz_sort_work_t *w, uint32_t m, uint32_t nranges, uint64_t span) {
    for (uint32_t p = 0; p < m; p++) w->group[w->sa[p]] = p;
    for (uint32_t g = 0; g < nranges; g++)
        for (uint32_t p = w->ranges[2 * g]; p < w->ranges[2 * g + 1]; p++) w->group[w->sa[p]] = w->ranges[2 * g];
    for (; nranges > 0 && span < m; span *= 2) {
        for (uint32_t g = 0; g < nranges; g++)
            for (uint32_t p = w->ranges[2 * g]; p < w->ranges[2 * g + 1]; p++) {
                uint64_t at = w->sa[p] + span;
                w->k2[p] = w->group[at >= m ? at - m : at];
            }
        uint32_t kept = 0;
        for (uint32_t g = 0; g < nranges; g++) {
            uint32_t s = w->ranges[2 * g], e = w->ranges[2 * g + 1];
            bz_keyed_t *pr = w->keys_tmp; /* the radix sort's pairs are no longer needed */
            for (uint32_t p = s; p < e; p++) { pr[p - s].key = w->k2[p]; pr[p - s].idx = w->sa[p]; }
            sort_keyed(pr, e - s);
            kept = split_groups(w, pr, s, e, w->next_ranges, kept);
        }
        uint32_t *swap = w->ranges;
        w->ranges = w->next_ranges;
        w->next_ranges = swap;
        nranges = kept;
    }
}

/* Rotations a and b compared from word `from`: <0, 0 (equal for COMPARE_MAX words), >0. */
static int compare_rotations(const uint16_t *rank, uint32_t m, uint32_t a, uint32_t b, uint32_t from) {
    uint32_t ia = (uint32_t)(((uint64_t)a + from) % m), ib = (uint32_t)(((uint64_t)b + from) % m);
    for (uint32_t k = 0; k < COMPARE_MAX; k++) {
        if (rank[ia] != rank[ib]) return rank[ia] < rank[ib] ? -1 : 1;
        if (++ia == m) ia = 0;
        if (++ib == m) ib = 0;
    }
    return 0;
}

/* Stage 2 on sa[s..e), rotations equal in their first `from` words: 0, or -1 when it
 * gives up (stage 3 takes over). */
static int sort_by_comparison(uint32_t *sa, const uint16_t *rank, uint32_t m, uint32_t s, uint32_t e, uint32_t from) {
    if (e - s > INSERTION_MAX) return -1;
    for (uint32_t i = s + 1; i < e; i++) {
        uint32_t t = sa[i], j = i;
        for (; j > s; j--) {
            int c = compare_rotations(rank, m, sa[j - 1], t, from);
            if (c == 0) return -1;
            if (c < 0) break;
            sa[j] = sa[j - 1];
        }
        sa[j] = t;
    }
    return 0;
}

void oe_bzip2_sort_word_rotations(bz_sort_work_t *w, uint16_t *rank, uint32_t m, uint32_t distinct) {
    uint32_t sorted_words;
    const bz_keyed_t *a = sort_by_first_words(w, rank, m, distinct, &sorted_words);
    uint32_t nranges = 0;
    w->sa[0] = a[0].idx;
    for (uint32_t p = 1, start = 0; p <= m; p++) {
        if (p < m) w->sa[p] = a[p].idx;
        if (p < m && a[p].key == a[start].key) continue;
        if (p - start > 1) { w->ranges[2 * nranges] = start; w->ranges[2 * nranges + 1] = p; nranges++; }
        start = p;
    }
    uint32_t g = 0;
    while (g < nranges && sort_by_comparison(w->sa, rank, m, w->ranges[2 * g], w->ranges[2 * g + 1], sorted_words) == 0) g++;
    if (g < nranges) sort_by_doubling(w, m, nranges, sorted_words);
}
