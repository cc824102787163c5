/* SP 800-90B 6.3.9 MultiMMC and 6.3.10 LZ78Y prediction: the two context-dictionary predictors.
 *
 * Map:
 *   1. context trie the contexts of the non-binary paths, read backwards from the newest
 *                   symbol, and the walks ahead that prefetch them
 *   2. multi_mmc    6.3.9, D = 16, 100,000 entries per order
 *   3. lz78y        6.3.10, B = 16, 65,536 prefixes
 *
 * Both follow NIST's ea_non_iid (cpp/non_iid/multi_mmc_test.h, lz78y_test.h) step for step:
 * its binary paths with flat count arrays, its PostfixDictionary tie-breaking (the larger
 * symbol wins a tie), its start-up order and its caps. Nothing here credits entropy.
 */
#include "sp80090b.h"
#include "_sp80090b_scoreboard.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1. context trie */

/* Contexts of the non-binary MultiMMC and LZ78Y, as a trie read backwards from the newest
 * symbol: the node at depth j under path s[i-1], s[i-2], ..., s[i-j] is the context
 * (s[i-j], ..., s[i-1]). One step's lookups are then one walk down that stops at the first
 * missing child, instead of one hash lookup per context length. A node exists for every
 * context in a dictionary and for its suffixes ("structural" nodes, in_dict = 0), so a
 * missing child means no longer context is in any dictionary either.
 *
 * Each node keeps ea_non_iid's PostfixDictionary state: counts of the symbols seen after
 * its context, the highest count `best`, and the prediction `pred`, which a count takes
 * over when it reaches the best from a larger symbol.
 *
 * Layout: one 48-byte node holds its first KIDS children and first KIDS follower counts
 * inline, so a step costs about one cache miss per context length; a node with more moves
 * that table to a dense row of k entries (most nodes are deep contexts with one or two of
 * each; the few shallow ones with many are hot in cache). Node ids are int32 (see the
 * pools below): a dictionary holds at most a few million contexts. */

#define KIDS 4
#define DENSE 255 /* nkids / nfol when the table lives in a dense row */

typedef struct {
    uint32_t best;        /* the highest follower count */
    uint8_t pred;         /* the predicted follower */
    uint8_t in_dict;      /* the context is a dictionary entry, not only structural */
    uint8_t nkids, nfol;  /* inline entries used, or DENSE */
    uint8_t kid_sym[KIDS], fol_sym[KIDS];
    int32_t kid[KIDS];    /* child node ids; dense row number when nkids == DENSE */
    uint32_t fol[KIDS];   /* follower counts; dense row number in fol[0] when nfol == DENSE */
} node_t;

/* Nodes live in one pool per depth, so the few hot shallow contexts share pages and cache
 * lines instead of being strewn among the many deep ones made at start-up; a node id is
 * its depth << POOL_SHIFT | its index in that pool. */
#define TRIE_DEPTHS 17 /* the root and contexts of 1..16 symbols */
#define POOL_SHIFT 26  /* up to 2^26 nodes a depth; ids stay below 2^31 */

typedef struct {
    node_t *pool[TRIE_DEPTHS];
    int64_t used[TRIE_DEPTHS], cap[TRIE_DEPTHS];
    int32_t *kid_rows;    /* dense child rows, k entries each, -1 = none */
    uint32_t *fol_rows;   /* dense follower rows, k entries each */
    int64_t kid_used, kid_cap, fol_used, fol_cap;
    int32_t k;
    int failed;
} trie_t;

static inline node_t *node_of(const trie_t *t, int64_t id)
{
    return &t->pool[id >> POOL_SHIFT][id & ((1 << POOL_SHIFT) - 1)];
}

/* expected_nodes: how many nodes the deeper pools start with room for. */
static int trie_init(trie_t *t, int32_t k, int64_t expected_nodes)
{
    int j;
    memset(t, 0, sizeof(*t));
    t->k = k;
    for (j = 0; j < TRIE_DEPTHS; j++) {
        t->cap[j] = j == 0 ? 1 : j < 3 ? 4096 : expected_nodes;
        if (!(t->pool[j] = calloc((size_t)t->cap[j], sizeof(node_t)))) return -1;
    }
    t->used[0] = 1; /* the root, the empty context: id 0 */
    return 0;
}

static void trie_free(trie_t *t)
{
    int j;
    for (j = 0; j < TRIE_DEPTHS; j++) free(t->pool[j]);
    free(t->kid_rows);
    free(t->fol_rows);
}

/* A new row of k entries in *rows (each set to fill); its number, or -1 without memory. */
static int64_t new_row(void **rows, int64_t *used, int64_t *cap, int32_t k, size_t size, int fill)
{
    if (*used == *cap) {
        int64_t more = *cap ? *cap * 2 : 64;
        void *bigger = realloc(*rows, size * (size_t)k * (size_t)more);
        if (!bigger) return -1;
        *rows = bigger;
        *cap = more;
    }
    memset((char *)*rows + size * (size_t)k * (size_t)*used, fill, size * (size_t)k);
    return (*used)++;
}

/* Child of node by symbol, created if create; -1 if absent (or no memory). */
static int64_t trie_child(trie_t *t, int64_t node, uint8_t symbol, int create)
{
    node_t *v;
    int64_t id;
    int j, depth;
    if (node < 0) return -1;
    v = node_of(t, node);
    if (v->nkids == DENSE) {
        id = t->kid_rows[(int64_t)v->kid[0] * t->k + symbol];
        if (id >= 0 || !create) return id;
    } else {
        for (j = 0; j < v->nkids; j++)
            if (v->kid_sym[j] == symbol) return v->kid[j];
        if (!create) return -1;
    }
    depth = (int)(node >> POOL_SHIFT) + 1;
    if (depth >= TRIE_DEPTHS) {
        t->failed = 1;
        return -1;
    }
    if (t->used[depth] == t->cap[depth]) { /* ids stay; the pool moves, so v is re-read below */
        node_t *bigger = t->cap[depth] < (1 << POOL_SHIFT) / 2 ? realloc(t->pool[depth], sizeof(node_t) * (size_t)t->cap[depth] * 2) : NULL;
        if (!bigger) {
            t->failed = 1;
            return -1;
        }
        t->pool[depth] = bigger;
        t->cap[depth] *= 2;
    }
    id = ((int64_t)depth << POOL_SHIFT) | t->used[depth]++;
    memset(node_of(t, id), 0, sizeof(node_t));
    v = node_of(t, node);
    if (v->nkids == KIDS) { /* the inline table is full: move it to a dense row */
        int64_t row = new_row((void **)&t->kid_rows, &t->kid_used, &t->kid_cap, t->k, sizeof(int32_t), 0xFF);
        if (row < 0) {
            t->failed = 1;
            return -1;
        }
        for (j = 0; j < KIDS; j++) t->kid_rows[row * t->k + v->kid_sym[j]] = v->kid[j];
        v->nkids = DENSE;
        v->kid[0] = (int32_t)row;
    }
    if (v->nkids == DENSE) {
        t->kid_rows[(int64_t)v->kid[0] * t->k + symbol] = (int32_t)id;
    } else {
        v->kid_sym[v->nkids] = symbol;
        v->kid[v->nkids++] = (int32_t)id;
    }
    return id;
}

/* The node of the len symbols ending just before end (end[-1] first), created if absent. */
static int64_t trie_path(trie_t *t, const uint8_t *end, int len)
{
    int64_t node = 0;
    int j;
    for (j = 1; j <= len && node >= 0; j++) node = trie_child(t, node, end[-j], 1);
    return node;
}

/* The count of y after node's context: NULL if there is none and !make_new (or no memory). */
static uint32_t *follower(trie_t *t, node_t *v, uint8_t y, int make_new)
{
    int j;
    if (v->nfol == DENSE) {
        uint32_t *c = &t->fol_rows[(int64_t)v->fol[0] * t->k + y];
        return *c || make_new ? c : NULL;
    }
    for (j = 0; j < v->nfol; j++)
        if (v->fol_sym[j] == y) return &v->fol[j];
    if (!make_new) return NULL;
    if (v->nfol == KIDS) { /* the inline table is full: move it to a dense row */
        int64_t row = new_row((void **)&t->fol_rows, &t->fol_used, &t->fol_cap, t->k, sizeof(uint32_t), 0);
        if (row < 0) return NULL;
        for (j = 0; j < KIDS; j++) t->fol_rows[row * t->k + v->fol_sym[j]] = v->fol[j];
        v->nfol = DENSE;
        v->fol[0] = (uint32_t)row;
        return &t->fol_rows[row * t->k + y];
    }
    v->fol_sym[v->nfol] = y;
    v->fol[v->nfol] = 0;
    return &v->fol[v->nfol++];
}

/* Count y after the context of node; a new pair only if make_new. 1 if made. */
static int trie_count(trie_t *t, int64_t node, uint8_t y, int make_new)
{
    node_t *v;
    uint32_t *c;
    if (node < 0) return 0;
    v = node_of(t, node);
    if (!(c = follower(t, v, y, make_new))) {
        if (make_new) t->failed = 1;
        return 0;
    }
    ++*c;
    if (*c > v->best || (*c == v->best && y > v->pred)) {
        v->pred = y;
        v->best = *c;
    }
    return *c == 1;
}

/* Walking ahead. A step's lookups are a chain of cache misses, a few a context length: a
 * node, then (for the shallow nodes with many children or followers) the entry of its
 * dense row. But the data are all known, so the walks of the next WALK_AHEAD steps run
 * alongside, one read a step: each read finds in cache what the read before prefetched
 * (the node, then the row entry of the next child, then that child, ...), and for each
 * node it passes the walk also prefetches the count its step will take in. The real walk
 * then finds most of its lines in cache. A walk ahead only reads: it changes nothing, and
 * a node made after it passed is only a later miss. Only the speed depends on WALK_AHEAD.
 * Used by MultiMMC, whose orders hold up to 100,000 entries each (tens of MB of nodes);
 * LZ78Y's 65,536 contexts mostly stay in cache and gained nothing from it. */
#define WALK_AHEAD 8

typedef struct {           /* the walk of step i + a is in slot (i + a) % WALK_AHEAD */
    int64_t node[WALK_AHEAD]; /* the node reached; -1: the walk ended */
    int64_t row[WALK_AHEAD];  /* >= 0: the dense child-row entry to read next */
    int depth[WALK_AHEAD];    /* context length of node */
} ahead_t;

static inline void prefetch_node(const trie_t *t, int64_t id)
{
    const char *v = (const char *)node_of(t, id);
    __builtin_prefetch(v);
    __builtin_prefetch(v + sizeof(node_t) - 1); /* a node may straddle two cache lines */
}

/* At step i: start the walk of step i + WALK_AHEAD at the root and take each of the others
 * one read further down its contexts (read backwards from s[step - 1]), to max_depth. */
static void walk_ahead(const trie_t *t, ahead_t *w, const uint8_t *s, int64_t i, int64_t n, int max_depth)
{
    int64_t step;
    const int slot = (int)((i + WALK_AHEAD) % WALK_AHEAD);
    w->node[slot] = i + WALK_AHEAD < n ? 0 : -1;
    w->row[slot] = -1;
    w->depth[slot] = 0;
    for (step = i + 1; step <= i + WALK_AHEAD && step < n; step++) {
        const int a = (int)(step % WALK_AHEAD);
        const node_t *v;
        int64_t child = -1;
        int j;
        if (w->node[a] < 0) continue;
        if (w->row[a] >= 0) { /* the dense row entry prefetched the step before */
            child = t->kid_rows[w->row[a]];
            w->row[a] = -1;
        } else {
            v = node_of(t, w->node[a]);
            if (v->nfol == DENSE) __builtin_prefetch(&t->fol_rows[(int64_t)v->fol[0] * t->k + s[step]]);
            if (w->depth[a] >= max_depth || w->depth[a] >= step) {
                w->node[a] = -1;
                continue;
            }
            if (v->nkids == DENSE) {
                w->row[a] = (int64_t)v->kid[0] * t->k + s[step - w->depth[a] - 1];
                __builtin_prefetch(&t->kid_rows[w->row[a]]);
                continue;
            }
            for (j = 0; j < v->nkids; j++)
                if (v->kid_sym[j] == s[step - w->depth[a] - 1]) child = v->kid[j];
        }
        w->node[a] = child;
        if (child >= 0) {
            w->depth[a]++;
            prefetch_node(t, child);
        }
    }
}

/* ---------------------------------------------------------------- 2. multi_mmc */

#define MMC_D 16
#define MMC_MAX_ENTRIES 100000

/* The binary paths keep their 16 tables (MultiMMC 512 KB, LZ78Y 1 MB) in the L2 and L3
 * caches and prefetch nothing: fetching each step's deep contexts a few steps early cost
 * more instructions than it saved waiting (measured on u8_narrow's bitstring: 10-15%). */

/* Binary dictionaries: one int32 cell per context, cell[d][p] for the (d+1)-bit context p
 * (its newest bit lowest). A prediction needs only which follower has the higher count
 * (N1 >= N0 predicts 1, NIST's tie-break) and whether the context has a count at all, so
 * a cell holds the difference of the counts instead of the two counts: half the memory
 * (all 16 orders in 512 KB) and one load an order a step.
 *
 * Orders 0..14 hold at most 2^(d+2) <= 65,536 entries, below the 100,000 cap, so their
 * counts are exact, and their cell is 2 (N1 - N0) + 1 once the context was seen, 0 before.
 * That makes their step branch-free:
 *   - NIST looks at order d only while the orders below found their contexts; but a context
 *     that was seen has had its shorter suffixes seen (and counted: no cap) at the same
 *     steps, so an order with a count for its context is always one that NIST looks at;
 *   - every step counts its follower: a found context's count goes up, and a new entry
 *     (an unseen context, or a new follower) starts at 1, the same as going up from 0.
 * Order 15 (2^17 possible entries) keeps the cap: its cell is 4 (N1 - N0) + 2 h1 + h0,
 * h_y = 1 when the entry for follower y exists; a count goes up if its entry exists, else
 * a new entry starts at 1 while fewer than MMC_MAX_ENTRIES are held. A context of order 15
 * with an entry has its 15-bit suffix counted too, so it needs no chain either. */
#define MMC_EXACT (MMC_D - 1)

/* Orders 0 .. orders - 1 of a step on the context pat followed by y: the result has bit d
 * set when order d had a count for its context and predicted y; the cells take y in. */
static inline uint32_t mmc_binary_step(int32_t *const *cell, uint32_t pat, int32_t y, int orders, int64_t *elems15)
{
    const int32_t flip = y - 1, step = 4 * y - 2; /* flip: 0 for y = 1, -1 for y = 0 (x ^ -1 - -1 = -x) */
    uint32_t right = 0;
    int d;
#pragma GCC unroll 16
    for (d = 0; d < MMC_EXACT && d < orders; d++) {
        int32_t *x = cell[d] + (pat & ((2U << d) - 1));
        right |= (uint32_t)(((*x ^ flip) - flip) > 0) << d; /* y = 1: N1 >= N0 (x >= 1); y = 0: N0 > N1 */
        *x = (*x | 1) + step;                                  /* unseen (0) starts at 1 +- 2 */
    }
    if (orders == MMC_D) {
        int32_t *x = cell[MMC_EXACT] + (pat & 0xFFFF);
        const int32_t has = *x >> y & 1, add = has | (*elems15 < MMC_MAX_ENTRIES);
        right |= (uint32_t)(y ? *x >= 0 && (*x & 3) : *x < 0) << MMC_EXACT;
        *elems15 += add & !has;
        *x = (*x | add << y) + (add ? 2 * step : 0);
    }
    return right;
}

/* Whether order d has a count for its context pat (the winner's guess counts only then). */
static inline int mmc_binary_seen(int32_t *const *cell, uint32_t pat, int64_t d)
{
    return d < MMC_EXACT ? cell[d][pat & ((2U << d) - 1)] != 0 : (cell[MMC_EXACT][pat & 0xFFFF] & 3) != 0;
}

/* The orders' scores in steps of SCORE_CHUNK: an order more than SCORE_CHUNK points below
 * the high score cannot reach it within the chunk (scores rise by at most one a step and
 * the high score never falls), so only the orders near the top are scored one step at a
 * time, in NIST's order; the others' right guesses are tallied and added at the end. The
 * tallies are 16 byte-wide counters in two words (a chunk counts at most 64 < 256): a
 * step adds spread[right's low byte] to one and spread[its high byte] to the other, where
 * spread[b] has byte j = bit j of b. */
#define SCORE_CHUNK 64

static int mmc_binary(const uint8_t *s, int64_t n, int64_t *out)
{
    int32_t *cell[MMC_D] = {0}; /* N1 - N0 fits: n < 2^29 (checked by the caller) */
    int64_t score[MMC_D] = {0}, high = 0, elems15 = 1;
    int64_t i, d, winner = 0, c = 0, run = 0, maxrun = 0;
    uint32_t pat = 0, near = 0;
    uint64_t spread[256], tally[2] = {0, 0};
    int rc = 0;
    for (i = 0; i < 256; i++)
        for (d = 0, spread[i] = 0; d < 8; d++) spread[i] |= (uint64_t)(i >> d & 1) << (8 * d);
    for (d = 0; d < MMC_D; d++)
        if (!(cell[d] = calloc((size_t)2 << d, sizeof(int32_t)))) rc = -1;
    if (rc) goto done;
    for (d = 0; d < MMC_D; d++) { /* each order's first context, s[0..d], followed by s[d + 1] */
        const int32_t y = s[d + 1];
        pat = (pat << 1) | s[d];
        cell[d][pat & ((2U << d) - 1)] = d < MMC_EXACT ? 4 * y - 1 : (1 << y) + 8 * y - 4;
    }
    pat = ((uint32_t)s[0] << 1) | s[1]; /* step 2's context: s[i - 1] lowest, s[i - 1 - d] at bit d */
    for (i = 2; i < n; i++) {
        uint32_t right, mine;
        int seen;
        if ((i - 2) % SCORE_CHUNK == 0) { /* a new chunk: settle the far orders' tallies, pick the orders near the top */
            for (d = 0; d < MMC_D; d++)
                if (!(near >> d & 1)) score[d] += (int64_t)(tally[d / 8] >> (8 * (d % 8)) & 255);
            for (d = 0, near = 0; d < MMC_D; d++) near |= (uint32_t)(score[d] >= high - SCORE_CHUNK) << d;
            tally[0] = tally[1] = 0;
        }
        /* step i reads the orders d <= i - 2 (the earlier ones have no context yet) */
        seen = winner <= i - 2 && mmc_binary_seen(cell, pat, winner);
        right = i > MMC_D ? mmc_binary_step(cell, pat, s[i], MMC_D, &elems15)
                          : mmc_binary_step(cell, pat, s[i], (int)(i - 1), &elems15);
        if (seen) { /* the winner of the step before predicts; no guess leaves the run as it is */
            const int64_t ok = right >> winner & 1;
            c += ok;
            run = ok ? run + 1 : 0;
            if (run > maxrun) maxrun = run;
        }
        tally[0] += spread[right & 255];
        tally[1] += spread[right >> 8 & 255];
        for (mine = right & near; mine; mine &= mine - 1) { /* in increasing order; reaching the high score wins */
            d = __builtin_ctz(mine);
            if (++score[d] >= high) {
                winner = d;
                high = score[d];
            }
        }
        pat = ((pat << 1) | s[i]) & 0xFFFF;
    }
    out[0] = c;
    out[1] = n - 2;
    out[2] = maxrun;
done:
    for (d = 0; d < MMC_D; d++) free(cell[d]);
    return rc;
}


int oe_sp80090b_multi_mmc(const uint8_t *s, int64_t n, int32_t k, int64_t *out)
{
    trie_t t;
    ahead_t ahead;
    int64_t score[MMC_D] = {0}, entries[MMC_D] = {0};
    int64_t i, d, winner = 0, c = 0, run = 0, maxrun = 0;
    int rc = 0;
    if (n < 3) return 1;
    if (k == 2) {
        if (n < MMC_D + 2) return 1; /* the binary path needs its start-up symbols */
        /* the cells hold 4 (N1 - N0) in an int32; 2^29 bits, 67 million bytes of samples, is
         * past what the tuple counts of such a bitstring could allocate anyway */
        return n < (1 << 29) ? mmc_binary(s, n, out) : -1;
    }
    if (trie_init(&t, k, 1 << 17) != 0) { /* an order holds 100,000 entries */
        trie_free(&t);
        return -1;
    }
    for (d = 0; d < MMC_D && d < n - 2; d++) { /* the contexts s[0..d], each followed by s[d+1] */
        int64_t node = trie_path(&t, s + d + 1, (int)d + 1);
        if (node >= 0) node_of(&t, node)->in_dict = 1;
        trie_count(&t, node, s[d + 1], 1);
        entries[d] = 1;
    }
    for (d = 0; d < WALK_AHEAD; d++) ahead.node[d] = ahead.row[d] = -1; /* no walks ahead of the first steps */
    for (i = 2; i < n && !t.failed; i++) {
        int found = 0;
        /* cur: the node of the d symbols before s[i] (-1: not looked up); node: of d + 1 */
        int64_t cur_winner = winner, cur = 0, node = -1;
        walk_ahead(&t, &ahead, s, i, n, MMC_D);
        for (d = 0; d < MMC_D && i - 2 >= d; d++) {
            if (d == 0 || found) {
                node = trie_child(&t, cur, s[i - d - 1], 0);
                found = node >= 0 && node_of(&t, node)->in_dict;
            } else {
                node = -1;
            }
            if (found) {
                if (node_of(&t, node)->pred == s[i]) {
                    if (++score[d] >= score[winner]) winner = d;
                    if (d == cur_winner) {
                        c++;
                        if (++run > maxrun) maxrun = run;
                    }
                } else if (d == cur_winner) {
                    run = 0;
                }
                entries[d] += trie_count(&t, node, s[i], entries[d] < MMC_MAX_ENTRIES);
            } else if (entries[d] < MMC_MAX_ENTRIES) {
                node = cur >= 0 ? trie_child(&t, cur, s[i - d - 1], 1) : trie_path(&t, s + i, (int)d + 1);
                if (node >= 0) node_of(&t, node)->in_dict = 1;
                trie_count(&t, node, s[i], 1);
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

/* ---------------------------------------------------------------- 3. lz78y */

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
    for (j = 0, pat = 0; j < LZ_B; j++) pat = (pat << 1) | s[j + 1]; /* step LZ_B + 1's context */
    for (i = LZ_B + 1; i < n; i++) {
        int have = 0, pred = 2;
        uint32_t maxcount = 0;
#pragma GCC unroll 16 /* each length its own masks and branches: 0.29 -> 0.24 s on 8e6 bits */
        for (j = LZ_B; j > 0; j--) {
            uint32_t *e = dict[j - 1] + 2 * (pat & ((1U << j) - 1));
            const uint32_t top = e[0] > e[1] ? e[0] : e[1]; /* the count of the guess: no load waits on the compare */
            if (top != 0) {
                if (top > maxcount) {
                    maxcount = top;
                    have = 1;
                    pred = e[0] <= e[1]; /* the larger count, 1 on a tie */
                }
                e[s[i]]++;
            } else if (elems < LZ_MAX_DICT) {
                e[s[i]] = 1;
                elems++;
            }
        }
        score_prediction(have && pred == s[i], &c, &run, &maxrun);
        pat = ((pat << 1) | s[i]) & 0xFFFF;
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
    if (trie_init(&t, k, 1 << 13) != 0) { /* 65,536 entries over 16 lengths */
        trie_free(&t);
        return -1;
    }
    for (j = 1; j <= LZ_B; j++) { /* the contexts ending at s[15], each followed by s[16] */
        int64_t p = trie_path(&t, s + LZ_B, (int)j);
        if (p >= 0) node_of(&t, p)->in_dict = 1;
        trie_count(&t, p, s[LZ_B], 1);
        size++;
    }
    for (i = LZ_B + 1; i < n && !t.failed; i++) {
        int have = 0;
        uint8_t pred = 0;
        int64_t maxcount = 0;
        /* node[j]: the context of the j symbols before s[i], if it is in the dictionary */
        node[0] = 0;
        for (j = 1; j <= LZ_B && node[j - 1] >= 0; j++) node[j] = trie_child(&t, node[j - 1], s[i - j], 0);
        for (; j <= LZ_B; j++) node[j] = -1;
        for (j = 1; j <= LZ_B; j++) { /* the longest context holding the highest count predicts */
            if (node[j] < 0 || !node_of(&t, node[j])->in_dict) continue;
            if (node_of(&t, node[j])->best >= maxcount) {
                maxcount = node_of(&t, node[j])->best;
                pred = node_of(&t, node[j])->pred;
                have = 1;
            }
        }
        for (j = LZ_B; j > 0; j--) { /* longest first: new contexts stop at the size cap */
            if (node[j] >= 0 && node_of(&t, node[j])->in_dict) {
                trie_count(&t, node[j], s[i], 1);
            } else if (size < LZ_MAX_DICT) {
                int64_t p = trie_path(&t, s + i, (int)j);
                if (p >= 0) node_of(&t, p)->in_dict = 1;
                trie_count(&t, p, s[i], 1);
                size++;
            }
        }
        score_prediction(have && pred == s[i], &c, &run, &maxrun);
    }
    if (t.failed) rc = -1;
    out[0] = c;
    out[1] = n - LZ_B - 1;
    out[2] = maxrun;
    trie_free(&t);
    return rc;
}
