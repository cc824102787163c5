/* SP 800-90B 5.1.11's bzip2 length: the bits of a block's coding stages (steps 3 and 4 of
 * sp80090b_iid_bzip2.c), decided as libbzip2 decides them.
 *
 * Step 3, generateMTFValues: move-to-front over the Burrows-Wheeler transform, runs of
 * zeros written in bijective base 2 (RUNA = 0, RUNB = 1), every other position j as
 * j + 1, and the end-of-block symbol. A block uses at most 15 distinct bytes (decimal
 * text: 11), so the list fits one SSE register (mtf_lanes, x86-64 with SSSE3: a 4-cycle
 * dependency chain a byte) or the nibbles of one word (mtf_nibbles, anywhere: about
 * 11 cycles); both are branch-free, the move-to-front being a chain that runs no faster
 * than its latency. The symbols go to a flat stream, a run and the symbol after it in one
 * 8-byte store from a table by run and position (runs of up to RUN_TABLE - 1 zeros;
 * longer ones, rare, by libbzip2's loop).
 *
 * Step 4, sendMTFValues: the symbols are needed only as counts per 50 (the selector
 * groups) and in all. 2-6 tables by their number; the initial partition of the symbol
 * frequencies; four rounds of choosing a table per 50 symbols (the first cheapest) and
 * rebuilding each table's code lengths with the heap construction of
 * BZ2_hbMakeCodeLengths (depth in the low 8 bits of the weights; lengths capped at 17 by
 * halving the weights); then the bits each part takes: symbol map, selectors
 * (move-to-front, unary), delta-coded lengths and the coded symbols.
 */
#include "_sp80090b_bzip2.h"

#include <string.h>

enum {
    GROUP = 50,          /* BZ_G_SIZE: symbols per selector */
    ITERATIONS = 4,      /* BZ_N_ITERS */
    MAX_LEN = 17,        /* code-length cap of BZ2_hbMakeCodeLengths' callers */
    LESSER_COST = 0, GREATER_COST = 15,
    MAX_ALPHA = BZ_MAX_SYMBOLS + 2, /* symbols + RUNA/RUNB - the zero + end of block */
    RUN_TABLE = 16,      /* runs below this come from run_table (at most 3 digits + 1 symbol) */
    COST_BITS = 10, COST_MASK = (1 << COST_BITS) - 1, /* a group's cost under one table */
    FLUSH_GROUPS = 1000, /* groups between flushes of the 16-bit table counts */
};

static const uint64_t NIBBLES_1 = 0x1111111111111111ull, NIBBLES_8 = 0x8888888888888888ull;

/* libbzip2's run coding of `run` zeros, one symbol at a time (for runs too long for the table). */
static uint8_t *write_run(uint8_t *out, uint32_t run) {
    for (uint32_t z = run - 1;; z = (z - 2) / 2) {
        *out++ = (uint8_t)(z & 1); /* RUNB = 1, RUNA = 0 */
        if (z < 2) break;
    }
    return out;
}

/* What MTF position j (< 16) writes after a run of r < RUN_TABLE zeros: the run's
 * digits and j + 1 packed in bytes (first lowest), and how many they are (0 when j is 0:
 * the run goes on instead). */
typedef struct { uint64_t bytes; uint32_t advance; } step_t;
typedef struct { step_t step[RUN_TABLE][16]; } run_table_t;

static void run_table(run_table_t *t) {
    for (uint32_t r = 0; r < RUN_TABLE; r++) {
        uint8_t digits[8];
        uint32_t n = r ? (uint32_t)(write_run(digits, r) - digits) : 0;
        uint64_t code = 0;
        for (uint32_t d = n; d-- > 0;) code = (code << 8) | digits[d];
        t->step[r][0] = (step_t){0, 0};
        for (uint64_t j = 1; j < 16; j++) t->step[r][j] = (step_t){code | ((j + 1) << (8 * n)), n + 1};
    }
}

/* One MTF position j into the stream at o: a zero extends the run; anything else writes
 * the run before it and j + 1, in one 8-byte store from the table. No branch on j: whether
 * it is 0 is as good as random. Returns the new end of the stream. */
static inline __attribute__((always_inline)) uint8_t *emit(uint8_t *o, uint32_t j, uint32_t *run, const run_table_t *t) {
    if (__builtin_expect(*run >= RUN_TABLE, 0)) { /* a long run: libbzip2's loop when it ends */
        if (j == 0) { ++*run; return o; }
        o = write_run(o, *run);
        *run = 0;
    }
    const step_t *s = &t->step[*run][j];
    memcpy(o, &s->bytes, 8); /* kept only when j > 0 */
    *run = (*run + 1) & -(uint32_t)(j == 0);
    return o + s->advance;
}

/* The list as nibbles of one word, front lowest, unused nibbles 15: the position of a
 * symbol is the first zero nibble of the list xor the symbol. About 11 cycles a byte,
 * the length of that dependency chain. */
static uint8_t *mtf_nibbles(const uint8_t *sym, uint32_t size, int n_in_use, uint8_t *o, uint32_t *run,
                            const run_table_t *t) {
    uint64_t list = ~0ull;
    for (int i = 0; i < n_in_use; i++) list = (list & ~(0xfull << (4 * i))) | ((uint64_t)i << (4 * i));
    uint32_t zeros = *run; /* a local: the stores through o could alias *run */
    for (uint32_t i = 0; i < size; i++) {
        uint64_t ll = sym[i], x = list ^ (NIBBLES_1 * ll);
        int after = __builtin_ctzll((x - NIBBLES_1) & ~x & NIBBLES_8) + 1; /* 4 (j + 1) */
        uint64_t keep = ~0ull << after;                                     /* nibbles past j */
        list = (list & keep) | (((list << 4) | ll) & ~keep);
        o = emit(o, (uint32_t)(after >> 2) - 1, &zeros, t);
    }
    *run = zeros;
    return o;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <tmmintrin.h>
#define HAVE_MTF_SSSE3 1
/* The inverse list in the 16 byte lanes of an SSE register: lane s holds the position of
 * symbol s (unused lanes 0x70, behind every position). One pshufb reads the symbol's
 * position j into every lane; the symbols before it move back one, the symbol to the
 * front: a chain of 4 one-cycle instructions a byte. */
__attribute__((target("ssse3")))
static uint8_t *mtf_lanes(const uint8_t *sym, uint32_t size, int n_in_use, uint8_t *o, uint32_t *run,
                          const run_table_t *t) {
    uint8_t init[16];
    for (int s = 0; s < 16; s++) init[s] = s < n_in_use ? (uint8_t)s : 0x70;
    __m128i position = _mm_loadu_si128((const __m128i *)init);
    const __m128i lane = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    uint32_t zeros = *run; /* a local: the stores through o could alias *run */
    for (uint32_t i = 0; i < size; i++) {
        __m128i ll = _mm_set1_epi8((char)sym[i]);
        __m128i j = _mm_shuffle_epi8(position, ll);
        position = _mm_sub_epi8(position, _mm_cmpgt_epi8(j, position));
        position = _mm_andnot_si128(_mm_cmpeq_epi8(ll, lane), position);
        o = emit(o, (uint32_t)_mm_cvtsi128_si32(j) & 0xff, &zeros, t);
    }
    *run = zeros;
    return o;
}
#endif

/* Step 3: the symbol stream of sym[0..size) into out; returns its length. */
static uint32_t mtf_values(const uint8_t *sym, uint32_t size, int n_in_use, uint8_t *out) {
    run_table_t t;
    run_table(&t);
    uint32_t run = 0;
    uint8_t *o;
#ifdef HAVE_MTF_SSSE3
    if (__builtin_cpu_supports("ssse3"))
        o = mtf_lanes(sym, size, n_in_use, out, &run, &t);
    else
#endif
        o = mtf_nibbles(sym, size, n_in_use, out, &run, &t);
    if (run) o = write_run(o, run);
    *o++ = (uint8_t)(n_in_use + 1); /* end of block */
    return (uint32_t)(o - out);
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

/* Counts per 50 symbols (hist, ngroups x alpha) and in all (freq). */
static void count_groups(const uint8_t *mtf, uint32_t nmtf, int alpha, uint8_t *hist, int32_t *freq) {
    uint32_t ngroups = (nmtf + GROUP - 1) / GROUP;
    memset(hist, 0, (size_t)ngroups * (size_t)alpha);
    for (uint32_t g = 0; g < ngroups; g++) {
        uint8_t *h = hist + (size_t)g * alpha;
        uint32_t end = g + 1 < ngroups ? GROUP : nmtf - g * GROUP;
        const uint8_t *s = mtf + (size_t)g * GROUP;
        for (uint32_t i = 0; i < end; i++) h[s[i]]++;
    }
    memset(freq, 0, sizeof(int32_t) * (size_t)alpha);
    for (uint32_t g = 0; g < ngroups; g++)
        for (int v = 0; v < alpha; v++) freq[v] += hist[(size_t)g * alpha + v];
}

/* The initial tables: the symbols cut into `tables` ranges of about equal frequency, each
 * table cheap (LESSER_COST) on its range (libbzip2's initial partition, quirks included). */
static void initial_tables(uint8_t len[6][MAX_ALPHA], int tables, const int32_t *freq, int alpha, uint32_t nmtf) {
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

/* Symbol counts of the groups that chose each table, 16 symbols as 16-bit lanes: a group
 * adds its row of counts to its table's in two vector additions instead of alpha scalar
 * ones. 16-bit lanes hold FLUSH_GROUPS x 50 < 65536; then they are flushed into rfreq. */
typedef uint8_t bytes_v __attribute__((vector_size(8)));
typedef uint16_t counts_v __attribute__((vector_size(16)));

static void flush_counts(counts_v acc[6][2], int32_t rfreq[6][MAX_ALPHA], int tables, int alpha) {
    for (int t = 0; t < tables; t++) {
        for (int v = 0; v < alpha && v < 16; v++) rfreq[t][v] += acc[t][v / 8][v % 8];
        acc[t][0] = acc[t][1] = (counts_v){0};
    }
}

/* The four rounds: a table per group (selector), then each table's lengths from the
 * symbols of the groups that chose it. A group's cost under every table comes from one
 * multiply-add a symbol: the tables' lengths packed COST_BITS apiece in a uint64 (a
 * group costs at most 50 x 17 = 850 < 1024 under any table, so no lane carries). */
static void refine_tables(uint8_t len[6][MAX_ALPHA], int tables, int alpha, const uint8_t *hist, uint32_t ngroups,
                          bz_coding_work_t *w) {
    counts_v (*acc)[2] = (counts_v (*)[2])w->table_counts; /* not on the stack: see sp80090b_bzip2_sort.c */
    int32_t (*rfreq)[MAX_ALPHA] = w->rfreq;
    bytes_v keep[2]; /* the lanes of a row's 16 bytes that are this row's (alpha 17: lane 16 apart) */
    for (int v = 0; v < 16; v++) keep[v / 8][v % 8] = v < alpha ? 0xff : 0;
    for (int iter = 0; iter < ITERATIONS; iter++) {
        uint64_t packed[MAX_ALPHA];
        for (int v = 0; v < alpha; v++) {
            packed[v] = 0;
            for (int t = 0; t < tables; t++) packed[v] |= (uint64_t)len[t][v] << (COST_BITS * t);
        }
        memset(rfreq, 0, sizeof(int32_t) * 6 * MAX_ALPHA);
        for (int t = 0; t < 6; t++) acc[t][0] = acc[t][1] = (counts_v){0};
        for (uint32_t g = 0; g < ngroups; g++) {
            const uint8_t *h = hist + (size_t)g * alpha;
            uint64_t cost = 0;
            for (int v = 0; v < alpha; v++) cost += h[v] * packed[v];
            uint32_t best = 0, best_cost = (uint32_t)cost & COST_MASK;
            for (int t = 1; t < tables; t++) { /* the first cheapest, without branches */
                uint32_t c = (uint32_t)(cost >> (COST_BITS * t)) & COST_MASK, cheaper = c < best_cost;
                best = cheaper ? (uint32_t)t : best;
                best_cost = cheaper ? c : best_cost;
            }
            w->selector[g] = (uint8_t)best;
            bytes_v low, high; /* the hist buffer has 16 bytes to spare past its last row */
            memcpy(&low, h, 8);
            memcpy(&high, h + 8, 8);
            acc[best][0] += __builtin_convertvector(low & keep[0], counts_v);
            acc[best][1] += __builtin_convertvector(high & keep[1], counts_v);
            if (alpha > 16) rfreq[best][16] += h[16];
            if (g % FLUSH_GROUPS == FLUSH_GROUPS - 1) flush_counts(acc, rfreq, tables, alpha);
        }
        flush_counts(acc, rfreq, tables, alpha);
        for (int t = 0; t < tables; t++) code_lengths(len[t], rfreq[t], alpha, MAX_LEN);
    }
}

/* Bits of the symbol map, the selectors, the code lengths and the coded symbols. */
static int64_t stream_bits(uint8_t len[6][MAX_ALPHA], int tables, int alpha, const uint8_t *hist, uint32_t ngroups,
                           const uint8_t *selector, const uint8_t *in_use) {
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
    return bits;
}

int64_t oe_bzip2_coded_bits(const uint8_t *sym, uint32_t size, const uint8_t *in_use, bz_coding_work_t *w) {
    int n_in_use = 0;
    for (int c = 0; c < 256; c++) n_in_use += in_use[c] != 0;
    int alpha = n_in_use + 2;
    uint32_t nmtf = mtf_values(sym, size, n_in_use, w->mtf);
    uint32_t ngroups = (nmtf + GROUP - 1) / GROUP;
    int32_t freq[MAX_ALPHA];
    count_groups(w->mtf, nmtf, alpha, w->hist, freq);
    int tables = nmtf < 200 ? 2 : nmtf < 600 ? 3 : nmtf < 1200 ? 4 : nmtf < 2400 ? 5 : 6;
    uint8_t len[6][MAX_ALPHA];
    for (int t = 0; t < tables; t++) memset(len[t], GREATER_COST, (size_t)alpha);
    initial_tables(len, tables, freq, alpha, nmtf);
    refine_tables(len, tables, alpha, w->hist, ngroups, w);
    return stream_bits(len, tables, alpha, w->hist, ngroups, w->selector, in_use);
}
