/* SP 800-90B 6.3.9 MultiMMC and 6.3.10 LZ78Y prediction: the two context-dictionary predictors.
 *
 * Map:
 *   1. context trie the contexts of the non-binary paths, read backwards from the newest symbol
 *   2. multi_mmc    6.3.9, D = 16, 100,000 entries per order
 *   3. lz78y        6.3.10, B = 16, 65,536 prefixes
 *
 * Both follow NIST's ea_non_iid (cpp/non_iid/multi_mmc_test.h, lz78y_test.h) step for step:
 * its binary paths with flat count arrays, its PostfixDictionary tie-breaking (the larger
 * symbol wins a tie), its start-up order and its caps. Nothing here credits entropy.
 */
#include "sp80090b.h"

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

/* ---------------------------------------------------------------- 2. multi_mmc */

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
