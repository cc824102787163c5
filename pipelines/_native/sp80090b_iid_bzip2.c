/* SP 800-90B 5.1.11: the exact length bzip2 gives the decimal text, without compressing it.
 *
 * ea_iid's compression statistic is the length of BZ2_bzBuffToBuffCompress(text, level 5)
 * where text is the samples in decimal, one space between them. Compressing 4 MB per
 * shuffle is most of a permutation test's time, yet the length depends on much less than
 * the compressed bits: this file computes it, to the byte, from the same decisions
 * libbzip2 makes (tests compare it with libbzip2 on many inputs), as follows.
 *
 * 1. Blocks. The text is cut as libbzip2 cuts it at level 5: runs of equal bytes (at most 3
 *    here, so the initial run-length coding writes them unchanged) are added whole while
 *    the block holds fewer than 100000 x 5 - 19 bytes; with BZ_FINISH, a single byte left
 *    at the end of the input joins the last block.
 * 2. Burrows-Wheeler transform of each block, which libbzip2 forms by sorting the block's
 *    cyclic rotations. Its last column does not depend on how equal rotations are ordered,
 *    so any correct sort gives it. Ours sorts words, not bytes: cyclically, a block is a
 *    sequence of words, each some digits and one space (it starts after its last space).
 *    Words are prefix-free (a space ends each and occurs nowhere else in it), so two
 *    rotations starting at word boundaries compare as their word sequences, words compared
 *    as strings; and a rotation starting inside word w at offset o compares first by the
 *    rest of w (again prefix-free), then as the rotation starting at word w + 1. So: sort
 *    the m word rotations (radix sort on the first words packed into 64 bits, then prefix
 *    doubling on the ties), then deal every byte rotation into a bucket per word-suffix
 *    string, in word-rotation order. The byte before a word start is always a space.
 * 3. Move-to-front with zero-run coding (RUNA/RUNB) and the end-of-block symbol, as
 *    libbzip2's generateMTFValues.
 * 4. The Huffman stage as libbzip2's sendMTFValues: 2-6 tables by the number of MTF values,
 *    the initial partition of the symbol frequencies, four rounds of choosing a table per
 *    50 symbols (first cheapest) and rebuilding each table's code lengths with the heap
 *    construction of BZ2_hbMakeCodeLengths (depth in the low 8 bits of the weights; lengths
 *    capped at 17 by halving the weights), then the bits each part takes: symbol map,
 *    selectors (move-to-front, unary), delta-coded lengths and the coded symbols.
 * 5. The stream: "BZh5" (32 bits), per block 48 + 32 + 1 + 24 header bits and step 4's, the
 *    48 + 32 end-of-stream bits, padded to a byte. CRCs and origPtr have fixed widths.
 *
 * Returns -1 when the text is not what the shortcut assumes (a block without a space, a
 * word longer than 7 digits, a run of 4 equal bytes, more than 2,000 distinct words), so
 * the caller compresses instead; -2 when memory ran out. No global state, no threads.
 */
#include "sp80090b_iid.h"

#include <stdlib.h>
#include <string.h>

enum {
    LEVEL = 5,
    BLOCK_MAX = 100000 * LEVEL - 19, /* libbzip2's nblockMAX */
    GROUP = 50,                      /* BZ_G_SIZE: symbols per selector */
    ITERATIONS = 4,                  /* BZ_N_ITERS */
    MAX_LEN = 17,                    /* code-length cap of BZ2_hbMakeCodeLengths' callers */
    LESSER_COST = 0, GREATER_COST = 15,
    WORD_BYTES = 8,                  /* a word is packed big-endian in a uint64 */
    MAX_WORDS = 2000,                /* distinct words per block we handle */
    HASH_SIZE = 4096,
    MAX_ALPHA = 258,
};

int64_t oe_sp80090b_iid_decimal_text(const uint8_t *raw, int64_t n, uint8_t *out) {
    /* each value's decimal digits and a space, written 4 bytes at a time (out has room) */
    uint8_t token[256][4], length[256];
    for (int v = 0; v < 256; v++) {
        int p = 0;
        if (v >= 100) token[v][p++] = (uint8_t)('0' + v / 100);
        if (v >= 10) token[v][p++] = (uint8_t)('0' + (v / 10) % 10);
        token[v][p++] = (uint8_t)('0' + v % 10);
        token[v][p++] = ' ';
        for (int q = p; q < 4; q++) token[v][q] = 0;
        length[v] = (uint8_t)p;
    }
    int64_t p = 0;
    for (int64_t i = 0; i < n; i++) {
        memcpy(out + p, token[raw[i]], 4);
        p += length[raw[i]];
    }
    return p ? p - 1 : 0;
}

typedef struct { uint32_t key; uint32_t idx; } keyed_t;

typedef struct {
    /* per block, sized for the largest block */
    uint16_t *word_id;   /* m: distinct-word id of each word */
    uint32_t *word_rank; /* m: rank of the word among the block's distinct words */
    uint32_t *sa;        /* m: word rotations in sorted order */
    uint32_t *group;     /* m: sort group (start position in sa) of each rotation */
    uint32_t *k2;        /* m: doubling keys, by position in sa */
    keyed_t *keys, *keys_tmp;
    uint32_t *ranges, *next_ranges; /* unsorted groups: start, end pairs (this round, next) */
    uint32_t *count;     /* 65536 radix counters */
    uint8_t *bwt;
} work_t;

static int cmp_keyed(const void *a, const void *b) {
    const keyed_t *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* LSD radix sort of (key, idx) pairs on the low `bits` bits of key, 11 bits a pass (2,048
 * counters stay in the L1 cache; a pass whose digit is the same for every key is skipped).
 * Result in *a. */
static void radix_sort(keyed_t **a, keyed_t **tmp, uint32_t *count, uint32_t m, int bits) {
    enum { DIGIT = 11, MASK = (1 << DIGIT) - 1 };
    for (int shift = 0; shift < bits; shift += DIGIT) {
        memset(count, 0, sizeof(uint32_t) << DIGIT);
        keyed_t *src = *a, *dst = *tmp;
        for (uint32_t i = 0; i < m; i++) count[(src[i].key >> shift) & MASK]++;
        if (count[(src[0].key >> shift) & MASK] == m) continue;
        uint32_t sum = 0;
        for (uint32_t d = 0; d <= MASK; d++) { uint32_t c = count[d]; count[d] = sum; sum += c; }
        for (uint32_t i = 0; i < m; i++) dst[count[(src[i].key >> shift) & MASK]++] = src[i];
        *a = dst;
        *tmp = src;
    }
}

/* Sort the m cyclic rotations of word_rank (values < distinct) into w->sa: radix sort on
 * as many first words as fit in 32 bits, then prefix doubling on the ties (each round
 * sorts a group by the group its members' rotations h words on belong to). */
static void sort_word_rotations(work_t *w, uint32_t m, uint32_t distinct) {
    int bits = 1;
    while ((1u << bits) < distinct) bits++;
    uint32_t per_key = 32 / (uint32_t)bits;
    uint32_t *r = w->word_rank; /* has room for per_key more entries: the cyclic wrap */
    for (uint32_t j = 0; j < per_key; j++) r[m + j] = r[j % m];
    uint32_t key = 0;
    for (uint32_t j = 0; j < per_key; j++) key = (key << bits) | r[j];
    uint32_t mask = per_key * (uint32_t)bits == 32 ? ~0u : ((1u << (per_key * (uint32_t)bits)) - 1);
    for (uint32_t i = 0; i < m; i++) {
        w->keys[i].key = key;
        w->keys[i].idx = i;
        key = ((key << bits) | r[i + per_key]) & mask;
    }
    keyed_t *a = w->keys, *tmp = w->keys_tmp;
    radix_sort(&a, &tmp, w->count, m, (int)(per_key * (uint32_t)bits));
    uint32_t nranges = 0;
    for (uint32_t p = 0; p < m;) {
        uint32_t q = p + 1;
        while (q < m && a[q].key == a[p].key) q++;
        for (uint32_t t = p; t < q; t++) { w->sa[t] = a[t].idx; w->group[a[t].idx] = p; }
        if (q - p > 1) { w->ranges[2 * nranges] = p; w->ranges[2 * nranges + 1] = q; nranges++; }
        p = q;
    }
    for (uint64_t h = per_key; nranges > 0 && h < m; h *= 2) {
        for (uint32_t g = 0; g < nranges; g++)
            for (uint32_t p = w->ranges[2 * g]; p < w->ranges[2 * g + 1]; p++) {
                uint64_t at = w->sa[p] + h;
                w->k2[p] = w->group[at >= m ? at - m : at];
            }
        uint32_t kept = 0;
        for (uint32_t g = 0; g < nranges; g++) {
            uint32_t s = w->ranges[2 * g], e = w->ranges[2 * g + 1];
            keyed_t *pr = w->keys_tmp;
            for (uint32_t p = s; p < e; p++) { pr[p - s].key = w->k2[p]; pr[p - s].idx = w->sa[p]; }
            if (e - s == 2) {
                if (pr[1].key < pr[0].key) { keyed_t t = pr[0]; pr[0] = pr[1]; pr[1] = t; }
            } else {
                qsort(pr, e - s, sizeof(keyed_t), cmp_keyed);
            }
            for (uint32_t p = s; p < e;) {
                uint32_t q = p + 1;
                while (q < e && pr[q - s].key == pr[p - s].key) q++;
                for (uint32_t t = p; t < q; t++) { w->sa[t] = pr[t - s].idx; w->group[pr[t - s].idx] = p; }
                if (q - p > 1) { w->next_ranges[2 * kept] = p; w->next_ranges[2 * kept + 1] = q; kept++; }
                p = q;
            }
        }
        uint32_t *swap = w->ranges;
        w->ranges = w->next_ranges;
        w->next_ranges = swap;
        nranges = kept;
    }
}

/* BZ2_hbMakeCodeLengths' construction: a binary heap of weights whose low 8 bits hold the
 * subtree depth (ties go to the shallower tree), halving the weights until no code is
 * longer than max_len. */
static void code_lengths(uint8_t *len, const int32_t *freq, int alpha, int max_len) {
    int32_t heap[MAX_ALPHA + 2], weight[MAX_ALPHA * 2], parent[MAX_ALPHA * 2];
    for (int i = 0; i < alpha; i++) weight[i + 1] = (freq[i] == 0 ? 1 : freq[i]) << 8;
    for (;;) {
        int nodes = alpha, size = 0;
        heap[0] = 0; weight[0] = 0; parent[0] = -2;
        for (int i = 1; i <= alpha; i++) {
            parent[i] = -1;
            heap[++size] = i;
            int z = size, t = heap[z];
            while (weight[t] < weight[heap[z >> 1]]) { heap[z] = heap[z >> 1]; z >>= 1; }
            heap[z] = t;
        }
        while (size > 1) {
            int n[2];
            for (int pick = 0; pick < 2; pick++) {
                n[pick] = heap[1];
                heap[1] = heap[size--];
                int z = 1, t = heap[z];
                for (;;) {
                    int y = z << 1;
                    if (y > size) break;
                    if (y < size && weight[heap[y + 1]] < weight[heap[y]]) y++;
                    if (weight[t] < weight[heap[y]]) break;
                    heap[z] = heap[y];
                    z = y;
                }
                heap[z] = t;
            }
            nodes++;
            parent[n[0]] = parent[n[1]] = nodes;
            int32_t d0 = weight[n[0]] & 0xff, d1 = weight[n[1]] & 0xff;
            weight[nodes] = (int32_t)(((uint32_t)weight[n[0]] & 0xffffff00u) + ((uint32_t)weight[n[1]] & 0xffffff00u))
                            | (1 + (d0 > d1 ? d0 : d1));
            parent[nodes] = -1;
            heap[++size] = nodes;
            int z = size, t = heap[z];
            while (weight[t] < weight[heap[z >> 1]]) { heap[z] = heap[z >> 1]; z >>= 1; }
            heap[z] = t;
        }
        int too_long = 0;
        for (int i = 1; i <= alpha; i++) {
            int j = 0, k = i;
            while (parent[k] >= 0) { k = parent[k]; j++; }
            len[i - 1] = (uint8_t)j;
            if (j > max_len) too_long = 1;
        }
        if (!too_long) return;
        for (int i = 1; i <= alpha; i++) weight[i] = (1 + ((weight[i] >> 8) / 2)) << 8;
    }
}

/* Bits of one block after its 105 header bits: steps 3 and 4. */
static int64_t block_bits(const uint8_t *bwt, uint32_t size, const uint8_t *in_use) {
    uint8_t seq[256], yy[256];
    int n_in_use = 0;
    for (int c = 0; c < 256; c++) if (in_use[c]) seq[c] = (uint8_t)n_in_use++;
    int alpha = n_in_use + 2, eob = n_in_use + 1;
    for (int i = 0; i < n_in_use; i++) yy[i] = (uint8_t)i;
    /* the MTF values are only needed as counts per 50 (hist) and in all (freq) */
    uint32_t max_groups = (size + 1) / GROUP + 2;
    uint8_t *hist = calloc((size_t)max_groups * (size_t)alpha, 1); /* at most 50 each */
    uint8_t *selector = malloc(max_groups);
    if (hist == NULL || selector == NULL) { free(hist); free(selector); return -2; }
    int32_t freq[MAX_ALPHA] = {0};
    uint8_t *h = hist;
    uint32_t nmtf = 0, in_group = 0, zpend = 0;
#define EMIT(v) do { h[(v)]++; freq[(v)]++; nmtf++; if (++in_group == GROUP) { in_group = 0; h += alpha; } } while (0)
    /* up to 15 symbols (decimal text has 11): the list as nibbles of a word, front lowest,
     * unused nibbles 15 (no symbol): position j of ll is the first zero nibble of the xor */
    int packed = n_in_use <= 15;
    uint64_t nibbles = ~0ull;
    for (int i = 0; i < n_in_use && packed; i++) nibbles = (nibbles & ~(0xfull << (4 * i))) | ((uint64_t)i << (4 * i));
    for (uint32_t i = 0; i < size; i++) {
        uint8_t ll = seq[bwt[i]];
        if ((packed ? (uint8_t)(nibbles & 0xf) : yy[0]) == ll) { zpend++; continue; }
        if (zpend > 0) {
            zpend--;
            for (;;) {
                EMIT(zpend & 1); /* RUNB = 1, RUNA = 0 */
                if (zpend < 2) break;
                zpend = (zpend - 2) / 2;
            }
            zpend = 0;
        }
        int j;
        if (packed) {
            uint64_t x = nibbles ^ (0x1111111111111111ull * ll);
            j = __builtin_ctzll((x - 0x1111111111111111ull) & ~x & 0x8888888888888888ull) >> 2;
            uint64_t below = (1ull << (4 * j)) - 1, upto = (1ull << (4 * j + 4)) - 1;
            nibbles = ((nibbles & below) << 4) | (nibbles & ~upto) | ll;
        } else {
            j = 1;
            uint8_t prev = yy[0];
            while (yy[j] != ll) { uint8_t t = yy[j]; yy[j] = prev; prev = t; j++; }
            yy[j] = prev;
            yy[0] = ll;
        }
        EMIT(j + 1);
    }
    if (zpend > 0) {
        zpend--;
        for (;;) {
            EMIT(zpend & 1);
            if (zpend < 2) break;
            zpend = (zpend - 2) / 2;
        }
    }
    EMIT(eob);
#undef EMIT
    int tables = nmtf < 200 ? 2 : nmtf < 600 ? 3 : nmtf < 1200 ? 4 : nmtf < 2400 ? 5 : 6;
    uint32_t ngroups = (nmtf + GROUP - 1) / GROUP;

    uint8_t len[6][MAX_ALPHA];
    for (int t = 0; t < tables; t++) memset(len[t], GREATER_COST, (size_t)alpha);
    {
        int parts = tables, gs = 0;
        int64_t remaining = nmtf;
        while (parts > 0) {
            int64_t target = remaining / parts, have = 0;
            int ge = gs - 1;
            while (have < target && ge < alpha - 1) { ge++; have += freq[ge]; }
            if (ge > gs && parts != tables && parts != 1 && ((tables - parts) % 2 == 1)) { have -= freq[ge]; ge--; }
            for (int v = 0; v < alpha; v++) len[parts - 1][v] = (v >= gs && v <= ge) ? LESSER_COST : GREATER_COST;
            parts--;
            gs = ge + 1;
            remaining -= have;
        }
    }
    int32_t rfreq[6][MAX_ALPHA];
    for (int iter = 0; iter < ITERATIONS; iter++) {
        memset(rfreq, 0, sizeof rfreq);
        /* lengths by symbol, tables side by side: one vector operation per symbol */
        /* a group's cost is at most 50 x 17: 16-bit lanes, one SSE2 multiply-add per symbol */
        typedef int16_t tables_v __attribute__((vector_size(16)));
        tables_v by_symbol[MAX_ALPHA];
        for (int v = 0; v < alpha; v++)
            for (int t = 0; t < 8; t++) by_symbol[v][t] = t < tables ? len[t][v] : 0;
        for (uint32_t g = 0; g < ngroups; g++) {
            const uint8_t *h = hist + (size_t)g * alpha;
            tables_v cost = {0};
            for (int v = 0; v < alpha; v++) cost += (int16_t)h[v] * by_symbol[v];
            int best = 0;
            for (int t = 1; t < tables; t++) if (cost[t] < cost[best]) best = t;
            selector[g] = (uint8_t)best;
            for (int v = 0; v < alpha; v++) rfreq[best][v] += h[v];
        }
        for (int t = 0; t < tables; t++) code_lengths(len[t], rfreq[t], alpha, MAX_LEN);
    }

    int64_t bits = 16;
    for (int i = 0; i < 16; i++) {
        int used = 0;
        for (int j = 0; j < 16; j++) used |= in_use[i * 16 + j];
        bits += used ? 16 : 0;
    }
    bits += 3 + 15;
    uint8_t order[6] = {0, 1, 2, 3, 4, 5};
    for (uint32_t g = 0; g < ngroups; g++) {
        int j = 0;
        uint8_t want = selector[g], prev = order[0];
        if (prev != want) {
            j = 1;
            while (order[j] != want) { uint8_t t = order[j]; order[j] = prev; prev = t; j++; }
            order[j] = prev;
            order[0] = want;
        }
        bits += j + 1;
    }
    for (int t = 0; t < tables; t++) {
        int cur = len[t][0];
        bits += 5;
        for (int v = 0; v < alpha; v++) {
            int d = len[t][v] - cur;
            bits += 2 * (d < 0 ? -d : d) + 1;
            cur = len[t][v];
        }
    }
    for (uint32_t g = 0; g < ngroups; g++) {
        const uint8_t *h = hist + (size_t)g * alpha;
        const uint8_t *l = len[selector[g]];
        for (int v = 0; v < alpha; v++) bits += (int64_t)h[v] * l[v];
    }
    free(hist);
    free(selector);
    return bits;
}

/* One block (bytes b[0..size)): its bits after the header, or -1 / -2. */
static int64_t compress_block(work_t *w, const uint8_t *b, uint32_t size) {
    int64_t last_space = -1;
    for (int64_t i = (int64_t)size - 1; i >= 0; i--) if (b[i] == ' ') { last_space = i; break; }
    if (last_space < 0) return -1;
    /* words of the block read cyclically from just after its last space */
    uint64_t table_key[HASH_SIZE];
    int16_t table_id[HASH_SIZE];
    memset(table_id, -1, sizeof table_id);
    uint64_t word_key[MAX_WORDS];
    uint8_t word_len[MAX_WORDS];
    uint32_t word_count[MAX_WORDS];
    uint32_t distinct = 0, m = 0;
    uint64_t key = 0;
    int len = 0;
    uint8_t in_use[256] = {0};
    for (uint32_t t = 0, i = (uint32_t)(last_space + 1); t < size; t++, i++) {
        if (i == size) i = 0;
        uint8_t c = b[i];
        in_use[c] = 1;
        key = (key << 8) | c;
        if (++len > WORD_BYTES) return -1;
        if (c != ' ') continue;
        key <<= 8 * (WORD_BYTES - len);
        uint32_t slot = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 52);
        while (table_id[slot] >= 0 && table_key[slot] != key) slot = (slot + 1) & (HASH_SIZE - 1);
        if (table_id[slot] < 0) {
            if (distinct >= MAX_WORDS) return -1;
            table_id[slot] = (int16_t)distinct;
            table_key[slot] = key;
            word_key[distinct] = key;
            word_len[distinct] = (uint8_t)len;
            word_count[distinct] = 0;
            distinct++;
        }
        uint16_t id = (uint16_t)table_id[slot];
        word_count[id]++;
        w->word_id[m++] = id;
        key = 0;
        len = 0;
    }
    /* rank of each distinct word in string order (big-endian keys compare as strings) */
    uint64_t sorted[MAX_WORDS];
    memcpy(sorted, word_key, distinct * sizeof(uint64_t));
    qsort(sorted, distinct, sizeof(uint64_t), cmp_u64);
    uint32_t rank_of[MAX_WORDS];
    for (uint32_t d = 0; d < distinct; d++) {
        uint32_t lo = 0, hi = distinct;
        while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (sorted[mid] < word_key[d]) lo = mid + 1; else hi = mid; }
        rank_of[d] = lo;
    }
    for (uint32_t i = 0; i < m; i++) w->word_rank[i] = rank_of[w->word_id[i]];
    sort_word_rotations(w, m, distinct);
    /* buckets: one per distinct word suffix, in string order */
    uint32_t nsuffix = 0;
    uint64_t *suffix = malloc((size_t)distinct * WORD_BYTES * sizeof(uint64_t));
    uint32_t *bucket_of = malloc((size_t)distinct * WORD_BYTES * sizeof(uint32_t));
    uint8_t *before = malloc((size_t)distinct * WORD_BYTES);
    uint32_t *start = NULL;
    if (suffix == NULL || bucket_of == NULL || before == NULL) goto oom;
    for (uint32_t d = 0; d < distinct; d++)
        for (int o = 0; o < word_len[d]; o++) suffix[nsuffix++] = word_key[d] << (8 * o);
    qsort(suffix, nsuffix, sizeof(uint64_t), cmp_u64);
    uint32_t unique = 0;
    for (uint32_t s = 0; s < nsuffix; s++) if (unique == 0 || suffix[s] != suffix[unique - 1]) suffix[unique++] = suffix[s];
    start = calloc(unique + 1, sizeof(uint32_t));
    if (start == NULL) goto oom;
    for (uint32_t d = 0; d < distinct; d++)
        for (int o = 0; o < word_len[d]; o++) {
            uint64_t s = word_key[d] << (8 * o);
            uint32_t lo = 0, hi = unique;
            while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (suffix[mid] < s) lo = mid + 1; else hi = mid; }
            bucket_of[d * WORD_BYTES + o] = lo;
            before[d * WORD_BYTES + o] = o == 0 ? ' ' : (uint8_t)(word_key[d] >> (8 * (WORD_BYTES - o)));
            start[lo + 1] += word_count[d];
        }
    for (uint32_t s = 0; s < unique; s++) start[s + 1] += start[s];
    for (uint32_t p = 0; p < m; p++) {
        if (p + 16 < m) { uint32_t ahead = w->sa[p + 16]; __builtin_prefetch(&w->word_id[ahead ? ahead - 1 : m - 1]); }
        uint32_t q = w->sa[p];
        uint16_t d = w->word_id[q == 0 ? m - 1 : q - 1];
        const uint32_t *bo = bucket_of + (size_t)d * WORD_BYTES;
        const uint8_t *bc = before + (size_t)d * WORD_BYTES;
        for (int o = 0; o < word_len[d]; o++) w->bwt[start[bo[o]]++] = bc[o];
    }
    free(suffix);
    free(bucket_of);
    free(before);
    free(start);
    return block_bits(w->bwt, size, in_use);
oom:
    free(suffix);
    free(bucket_of);
    free(before);
    free(start);
    return -2;
}

/* Steps 1-5 on a text with no run of 4 equal bytes. */
static int64_t length_of_short_runs(const uint8_t *text, int64_t size) {
    if (size <= 0) return -1;
    int64_t cap = BLOCK_MAX + 8;    /* a block may pass BLOCK_MAX by a run and a byte */
    int64_t words_cap = cap;        /* a word ends with a space: at most one per byte */
    work_t w;
    w.word_id = malloc((size_t)words_cap * sizeof(uint16_t));
    w.word_rank = malloc((size_t)(words_cap + 32) * sizeof(uint32_t));
    w.sa = malloc((size_t)words_cap * sizeof(uint32_t));
    w.group = malloc((size_t)words_cap * sizeof(uint32_t));
    w.k2 = malloc((size_t)words_cap * sizeof(uint32_t));
    w.keys = malloc((size_t)words_cap * sizeof(keyed_t));
    w.keys_tmp = malloc((size_t)words_cap * sizeof(keyed_t));
    w.ranges = malloc((size_t)words_cap * sizeof(uint32_t) * 2);
    w.next_ranges = malloc((size_t)words_cap * sizeof(uint32_t) * 2);
    w.bwt = malloc((size_t)cap);
    w.count = malloc(sizeof(uint32_t) << 16);
    int64_t total = 32 + 48 + 32, rc = 0;
    if (!w.word_id || !w.word_rank || !w.sa || !w.group || !w.k2 || !w.keys || !w.keys_tmp ||
        !w.ranges || !w.next_ranges || !w.bwt || !w.count) {
        rc = -2;
        goto done;
    }
    /* step 1: blocks of whole runs, closed once they hold BLOCK_MAX bytes or more */
    for (int64_t begin = 0; begin < size;) {
        /* the block ends with the run holding its BLOCK_MAX-th byte (runs are 1-3 bytes) */
        int64_t end = begin + BLOCK_MAX < size ? begin + BLOCK_MAX : size;
        while (end < size && text[end] == text[end - 1]) end++;
        if (end == size - 1) end = size; /* BZ_FINISH: the last byte read joins this block */
        int64_t bits = compress_block(&w, text + begin, (uint32_t)(end - begin));
        if (bits < 0) { rc = bits; goto done; }
        total += 48 + 32 + 1 + 24 + bits;
        begin = end;
    }
    rc = (total + 7) / 8;
done:
    free(w.word_id); free(w.word_rank); free(w.sa); free(w.group); free(w.k2);
    free(w.keys); free(w.keys_tmp); free(w.ranges); free(w.next_ranges); free(w.bwt); free(w.count);
    return rc;
}

int64_t oe_sp80090b_iid_bzip2_length(const uint8_t *text, int64_t size) {
    /* the run-length stage must leave the text unchanged: no run of 4 equal bytes */
    int long_run = 0;
    for (int64_t i = 3; i < size; i++)
        long_run |= (text[i] == text[i - 1]) & (text[i] == text[i - 2]) & (text[i] == text[i - 3]);
    return long_run ? -1 : length_of_short_runs(text, size);
}

int64_t oe_sp80090b_iid_compression(const uint8_t *raw, int64_t n) {
    uint8_t *text = malloc((size_t)(4 * n + 1));
    if (text == NULL) return -2;
    /* decimal numbers of at most 3 digits, one space between: runs are at most 3 bytes */
    int64_t length = length_of_short_runs(text, oe_sp80090b_iid_decimal_text(raw, n, text));
    free(text);
    return length;
}
