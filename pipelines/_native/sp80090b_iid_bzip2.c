/* SP 800-90B 5.1.11: the exact length bzip2 gives the decimal text, without compressing it.
 *
 * ea_iid's compression statistic is the length of BZ2_bzBuffToBuffCompress(text, level 5)
 * where text is the samples in decimal, one space between them. Compressing 4 MB per
 * shuffle is most of a permutation test's time, yet the length depends on much less than
 * the compressed bits: these files compute it, to the byte, from the same decisions
 * libbzip2 makes (tests compare it with libbzip2 on many inputs), as follows.
 *
 * 1. Blocks. The text is cut as libbzip2 cuts it at level 5: runs of equal bytes (at most 3
 *    here, so the initial run-length coding writes them unchanged) are added whole while
 *    the block holds fewer than 100000 x 5 - 19 bytes; with BZ_FINISH, a single byte left
 *    at the end of the input joins the last block.
 * 2. Words. Cyclically, a block is a sequence of words, each some digits and one space (it
 *    is read from just after its last space, so the word the block's end cuts, and the
 *    one its start cuts, join into one). Each word becomes its rank among the block's
 *    distinct words in string order. From text (oe_sp80090b_iid_bzip2_length) the words
 *    are found byte by byte and told apart by a hash table. From samples
 *    (oe_sp80090b_iid_compression, the permutation test's call) no text is written: a
 *    sample's word is its value's decimal string, so the ranks come from a table of the
 *    values present in the block, the block's bounds from the sum of the words' lengths,
 *    and only the one joined word is spelt out.
 * 3. Burrows-Wheeler transform, which libbzip2 forms by sorting the block's cyclic
 *    rotations. Its last column does not depend on how equal rotations are ordered, so any
 *    correct sort gives it. Words are prefix-free (a space ends each and occurs nowhere
 *    else in it), so two rotations starting at word boundaries compare as their word
 *    sequences; and a rotation starting inside word w at offset o compares first by the
 *    rest of w (again prefix-free), then as the rotation starting at word w + 1. So: sort
 *    the m word rotations (sp80090b_bzip2_sort.c), then deal every byte rotation into a
 *    bucket per word-suffix string, in word-rotation order. The byte before a word start
 *    is always a space. The dealt bytes are written as indices among the block's bytes in
 *    use, what the next step reads.
 * 4. Move-to-front with zero-run coding and the Huffman stage as libbzip2's
 *    generateMTFValues and sendMTFValues (sp80090b_bzip2_coding.c).
 * 5. The stream: "BZh5" (32 bits), per block 48 + 32 + 1 + 24 header bits and step 4's, the
 *    48 + 32 end-of-stream bits, padded to a byte. CRCs and origPtr have fixed widths.
 *
 * Returns -1 when the text is not what the shortcut assumes (a block without a space, a
 * word longer than 7 digits, a run of 4 equal bytes, more than 2,000 distinct words or 15
 * distinct bytes in a block), so the caller compresses instead; -2 when memory ran out.
 * No global state, no threads: each call allocates its buffers once, for all its blocks.
 */
#include "sp80090b_iid.h"
#include "_sp80090b_bzip2.h"

#include <stdlib.h>
#include <string.h>

enum {
    LEVEL = 5,
    BLOCK_MAX = 100000 * LEVEL - 19, /* libbzip2's nblockMAX */
    BLOCK_CAP = BLOCK_MAX + 8,       /* a block may pass BLOCK_MAX by a run and a byte */
    HASH_SIZE = 4096,                /* the text path's word table (2,000 words at most) */
    SUFFIXES_MAX = BZ_MAX_WORDS * BZ_WORD_BYTES,
    EXTRA_WORD = 256,                /* samples: the id of a joined word that is no value's */
    STREAM_BITS = 32 + 48 + 32,      /* step 5: "BZh5", the end-of-stream magic and its CRC */
    BLOCK_HEADER_BITS = 48 + 32 + 1 + 24, /* step 5: block magic, CRC, randomised bit, origPtr */
};

/* A block's distinct words, by rank (string order): big-endian bytes (zero padded), length
 * with the space, occurrences. */
typedef struct {
    uint32_t distinct;
    uint64_t key[BZ_MAX_WORDS];
    uint8_t len[BZ_MAX_WORDS];
    uint32_t count[BZ_MAX_WORDS];
} words_t;

/* Where step 3 deals the byte rotation at offset o of a word: bucket (by the word's suffix
 * from o), the byte before it as a symbol index, and 1 (0 for the padding slots past the
 * word's end, which all write one spare byte). */
typedef struct { uint16_t bucket; uint8_t symbol, step; } slot_t;

typedef struct {
    words_t words;
    uint16_t *rank;     /* BLOCK_CAP + BZ_KEY_WRAP: the block's words as ranks */
    uint16_t *word_id;  /* BLOCK_CAP: text path, the words in order of first appearance */
    uint8_t *bwt;       /* BLOCK_CAP + 1: the transform, and the padding slots' spare byte */
    uint64_t *suffix;   /* SUFFIXES_MAX */
    slot_t *slot;       /* SUFFIXES_MAX: BZ_WORD_BYTES per word rank */
    uint32_t *next;     /* SUFFIXES_MAX + 1: each bucket's next free position in bwt */
    uint32_t *value_count; /* EXTRA_WORD + 1: samples path, a block's words by value */
    bz_sort_work_t sort;
    bz_coding_work_t coding;
} work_t;

static void work_free(work_t *w) {
    free(w->rank); free(w->word_id); free(w->bwt); free(w->suffix); free(w->slot); free(w->next); free(w->value_count);
    free(w->sort.sa); free(w->sort.group); free(w->sort.k2); free(w->sort.ranges); free(w->sort.next_ranges);
    free(w->sort.keys); free(w->sort.keys_tmp); free(w->sort.count);
    free(w->coding.mtf); free(w->coding.hist); free(w->coding.selector); free(w->coding.rfreq);
    free(w->coding.table_counts);
    free(w);
}

/* Buffers for blocks of up to BLOCK_CAP bytes (so of as many words); NULL when memory ran out. */
static work_t *work_alloc(void) {
    work_t *w = calloc(1, sizeof(work_t));
    if (w == NULL) return NULL;
    size_t words = BLOCK_CAP, groups = BLOCK_CAP / 50 + 2;
    w->rank = malloc((words + BZ_KEY_WRAP) * sizeof(uint16_t));
    w->word_id = malloc(words * sizeof(uint16_t)); /* untouched by the samples' path */
    w->bwt = malloc(BLOCK_CAP + 1);
    w->suffix = malloc(SUFFIXES_MAX * sizeof(uint64_t));
    w->slot = malloc(SUFFIXES_MAX * sizeof(slot_t));
    w->next = malloc((SUFFIXES_MAX + 1) * sizeof(uint32_t));
    /* counters in the heap, not on the stack: see sp80090b_bzip2_sort.c */
    w->value_count = malloc((EXTRA_WORD + 1) * sizeof(uint32_t));
    w->sort.sa = malloc(words * sizeof(uint32_t));
    w->sort.group = malloc(words * sizeof(uint32_t));
    w->sort.k2 = malloc(words * sizeof(uint32_t));
    w->sort.ranges = malloc(2 * words * sizeof(uint32_t));
    w->sort.next_ranges = malloc(2 * words * sizeof(uint32_t));
    w->sort.keys = malloc(words * sizeof(bz_keyed_t));
    w->sort.keys_tmp = malloc(words * sizeof(bz_keyed_t));
    w->sort.count = malloc(sizeof(uint32_t) * 3 << BZ_DIGIT_BITS);
    w->coding.mtf = malloc(BLOCK_CAP + 16);
    w->coding.hist = malloc(groups * (BZ_MAX_SYMBOLS + 2) + 16);
    w->coding.selector = malloc(groups);
    w->coding.rfreq = malloc(6 * sizeof *w->coding.rfreq);
    w->coding.table_counts = malloc(6 * 32); /* malloc aligns to 16 */
    if (!w->rank || !w->word_id || !w->bwt || !w->suffix || !w->slot || !w->next || !w->value_count || !w->sort.sa ||
        !w->sort.group || !w->sort.k2 || !w->sort.ranges || !w->sort.next_ranges || !w->sort.keys ||
        !w->sort.keys_tmp || !w->sort.count || !w->coding.mtf || !w->coding.hist || !w->coding.selector ||
        !w->coding.rfreq || !w->coding.table_counts) {
        work_free(w);
        return NULL;
    }
    return w;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Index of s in the sorted, duplicate-free keys[0..n) (s is among them). */
static uint32_t find_key(const uint64_t *keys, uint32_t n, uint64_t s) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) { uint32_t mid = (lo + hi) / 2; if (keys[mid] < s) lo = mid + 1; else hi = mid; }
    return lo;
}

/* Step 3's dealing: the transform of the block whose word rotations w->sort.sa holds in
 * order, as symbol indices (symbol_of) into w->bwt. Every byte rotation at offset o of
 * the word before a word rotation goes to the bucket of that word's suffix from o. The
 * last offset of every word is its space, whose bucket (the suffix " ") thus takes one
 * byte per word rotation, in order: it is written straight, the others through slots. */
static void deal_bytes(work_t *w, uint32_t m, const uint8_t *symbol_of) {
    const words_t *wd = &w->words;
    uint32_t nsuffix = 0;
    for (uint32_t d = 0; d < wd->distinct; d++)
        for (int o = 0; o < wd->len[d]; o++) w->suffix[nsuffix++] = wd->key[d] << (8 * o);
    qsort(w->suffix, nsuffix, sizeof(uint64_t), cmp_u64);
    uint32_t buckets = 0;
    for (uint32_t s = 0; s < nsuffix; s++)
        if (buckets == 0 || w->suffix[s] != w->suffix[buckets - 1]) w->suffix[buckets++] = w->suffix[s];
    uint32_t *next = w->next;
    memset(next, 0, (buckets + 1) * sizeof(uint32_t));
    uint32_t space = find_key(w->suffix, buckets, (uint64_t)' ' << (8 * (BZ_WORD_BYTES - 1)));
    next[space + 1] = m;
    /* the padding slots: bucket `buckets`, which stays at the spare byte past the block */
    int common = 0; /* the loop runs this many slots a word; a longer word seen once runs its own */
    uint8_t last_symbol[BZ_MAX_WORDS];
    for (uint32_t d = 0; d < wd->distinct; d++) {
        slot_t *sl = w->slot + (size_t)d * BZ_WORD_BYTES;
        int slots = wd->len[d] - 1; /* all but the space */
        if (wd->count[d] > 1 && slots > common) common = slots;
        last_symbol[d] = symbol_of[slots ? (uint8_t)(wd->key[d] >> (8 * (BZ_WORD_BYTES - slots))) : ' '];
        for (int o = 0; o < BZ_WORD_BYTES; o++) {
            if (o >= slots) { sl[o] = (slot_t){(uint16_t)buckets, 0, 0}; continue; }
            uint32_t b = find_key(w->suffix, buckets, wd->key[d] << (8 * o));
            uint8_t before = o == 0 ? ' ' : (uint8_t)(wd->key[d] >> (8 * (BZ_WORD_BYTES - o)));
            sl[o] = (slot_t){(uint16_t)b, symbol_of[before], 1};
            next[b + 1] += wd->count[d];
        }
    }
    for (uint32_t b = 0; b < buckets; b++) next[b + 1] += next[b]; /* next[buckets] = size */
    /* local pointers: the byte stores into bwt could alias anything the struct holds */
    const uint32_t *restrict sa = w->sort.sa;
    const uint16_t *restrict rank = w->rank;
    const slot_t *restrict slot = w->slot;
    const uint8_t *restrict len = wd->len;
    uint8_t *restrict bwt = w->bwt, *restrict spaces = w->bwt + next[space];
    for (uint32_t p = 0; p < m; p++) {
        if (p + 16 < m) { uint32_t ahead = sa[p + 16]; __builtin_prefetch(&rank[ahead ? ahead - 1 : m - 1]); }
        uint32_t q = sa[p], d = rank[q ? q - 1 : m - 1];
        spaces[p] = last_symbol[d];
        const slot_t *sl = slot + (size_t)d * BZ_WORD_BYTES;
        int slots = len[d] - 1 > common ? len[d] - 1 : common;
        for (int o = 0; o < slots; o++) {
            uint32_t b = sl[o].bucket, at = next[b];
            bwt[at] = sl[o].symbol;
            next[b] = at + sl[o].step;
        }
    }
}

/* Steps 3 and 4 on the block the words table and w->rank[0..m) describe: its bits after
 * the header, or -1 when it uses more than BZ_MAX_SYMBOLS distinct bytes. */
static int64_t block_bits(work_t *w, uint32_t m) {
    const words_t *wd = &w->words;
    uint8_t in_use[256] = {0}, symbol_of[256];
    uint32_t size = 0;
    for (uint32_t d = 0; d < wd->distinct; d++) {
        for (int o = 0; o < wd->len[d]; o++) in_use[(uint8_t)(wd->key[d] >> (8 * (BZ_WORD_BYTES - 1 - o)))] = 1;
        size += wd->count[d] * wd->len[d];
    }
    int n_in_use = 0;
    for (int c = 0; c < 256; c++) if (in_use[c]) symbol_of[c] = (uint8_t)n_in_use++;
    if (n_in_use > BZ_MAX_SYMBOLS) return -1;
    oe_bzip2_sort_word_rotations(&w->sort, w->rank, m, wd->distinct);
    deal_bytes(w, m, symbol_of);
    return oe_bzip2_coded_bits(w->bwt, size, in_use, &w->coding);
}

/* ---- From text: the words of b[0..size), found byte by byte ---- */

/* Fills the words table and w->rank from the block's text; returns m, or -1. */
static int64_t words_of_text(work_t *w, const uint8_t *b, uint32_t size) {
    int64_t last_space = -1;
    for (int64_t i = (int64_t)size - 1; i >= 0; i--) if (b[i] == ' ') { last_space = i; break; }
    if (last_space < 0) return -1;
    /* the words, read cyclically from just after the last space, by id (first appearance) */
    uint64_t table_key[HASH_SIZE];
    int16_t table_id[HASH_SIZE];
    memset(table_id, -1, sizeof table_id);
    uint64_t key_of[BZ_MAX_WORDS];
    uint8_t len_of[BZ_MAX_WORDS];
    uint32_t count_of[BZ_MAX_WORDS];
    uint32_t distinct = 0, m = 0;
    uint64_t key = 0;
    int len = 0;
    for (uint32_t t = 0, i = (uint32_t)(last_space + 1); t < size; t++, i++) {
        if (i == size) i = 0;
        uint8_t c = b[i];
        key = (key << 8) | c;
        if (++len > BZ_WORD_BYTES) return -1;
        if (c != ' ') continue;
        key <<= 8 * (BZ_WORD_BYTES - len);
        uint32_t slot = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 52);
        while (table_id[slot] >= 0 && table_key[slot] != key) slot = (slot + 1) & (HASH_SIZE - 1);
        if (table_id[slot] < 0) {
            if (distinct >= BZ_MAX_WORDS) return -1;
            table_id[slot] = (int16_t)distinct;
            table_key[slot] = key;
            key_of[distinct] = key;
            len_of[distinct] = (uint8_t)len;
            count_of[distinct] = 0;
            distinct++;
        }
        uint16_t id = (uint16_t)table_id[slot];
        count_of[id]++;
        w->word_id[m++] = id;
        key = 0;
        len = 0;
    }
    /* ranks: big-endian keys compare as strings */
    words_t *wd = &w->words;
    wd->distinct = distinct;
    memcpy(wd->key, key_of, distinct * sizeof(uint64_t));
    qsort(wd->key, distinct, sizeof(uint64_t), cmp_u64);
    uint16_t rank_of[BZ_MAX_WORDS];
    for (uint32_t d = 0; d < distinct; d++) {
        uint32_t r = find_key(wd->key, distinct, key_of[d]);
        rank_of[d] = (uint16_t)r;
        wd->len[r] = len_of[d];
        wd->count[r] = count_of[d];
    }
    for (uint32_t i = 0; i < m; i++) w->rank[i] = rank_of[w->word_id[i]];
    return m;
}

/* Steps 1-5 on a text with no run of 4 equal bytes. */
static int64_t length_of_text(const uint8_t *text, int64_t size) {
    if (size <= 0) return -1;
    work_t *w = work_alloc();
    if (w == NULL) return -2;
    int64_t total = STREAM_BITS, rc = 0;
    for (int64_t begin = 0; begin < size;) {
        /* the block ends with the run holding its BLOCK_MAX-th byte (runs are 1-3 bytes) */
        int64_t end = begin + BLOCK_MAX < size ? begin + BLOCK_MAX : size;
        while (end < size && text[end] == text[end - 1]) end++;
        if (end == size - 1) end = size; /* BZ_FINISH: the last byte read joins this block */
        int64_t m = words_of_text(w, text + begin, (uint32_t)(end - begin));
        int64_t bits = m < 0 ? m : block_bits(w, (uint32_t)m);
        if (bits < 0) { rc = bits; goto done; }
        total += BLOCK_HEADER_BITS + bits;
        begin = end;
    }
    rc = (total + 7) / 8;
done:
    work_free(w);
    return rc;
}

int64_t oe_sp80090b_iid_bzip2_length(const uint8_t *text, int64_t size) {
    /* the run-length stage must leave the text unchanged: no run of 4 equal bytes */
    int long_run = 0;
    for (int64_t i = 3; i < size; i++)
        long_run |= (text[i] == text[i - 1]) & (text[i] == text[i - 2]) & (text[i] == text[i - 3]);
    return long_run ? -1 : length_of_text(text, size);
}

/* ---- From samples: a value's word is its decimal string ---- */

/* The 256 values' words: digits, their number, the packed key (with the space), and the
 * values in string order. */
typedef struct {
    uint8_t digit[256][3], digits[256];
    uint64_t key[256];
    uint8_t by_string[256];
} value_words_t;

static uint64_t pack_word(const uint8_t *bytes, int n) {
    uint64_t key = 0;
    for (int i = 0; i < n; i++) key |= (uint64_t)bytes[i] << (8 * (BZ_WORD_BYTES - 1 - i));
    return key;
}

static void value_words(value_words_t *vw) {
    for (int v = 0; v < 256; v++) {
        uint8_t s[4];
        int p = 0;
        if (v >= 100) s[p++] = (uint8_t)('0' + v / 100);
        if (v >= 10) s[p++] = (uint8_t)('0' + (v / 10) % 10);
        s[p++] = (uint8_t)('0' + v % 10);
        memcpy(vw->digit[v], s, (size_t)p);
        vw->digits[v] = (uint8_t)p;
        s[p] = ' ';
        vw->key[v] = pack_word(s, p + 1);
    }
    for (int v = 0; v < 256; v++) { /* insertion by key: once a call */
        int j = v;
        while (j > 0 && vw->key[vw->by_string[j - 1]] > vw->key[v]) { vw->by_string[j] = vw->by_string[j - 1]; j--; }
        vw->by_string[j] = (uint8_t)v;
    }
}

/* The id of a joined word's bytes: the value spelt so, or EXTRA_WORD. */
static uint32_t joined_id(const uint8_t *bytes, int n) {
    int digits = n - 1; /* bytes end with the space */
    if (digits < 1 || digits > 3 || (digits > 1 && bytes[0] == '0')) return EXTRA_WORD;
    uint32_t v = 0;
    for (int i = 0; i < digits; i++) v = 10 * v + (uint32_t)(bytes[i] - '0');
    return v < 256 ? v : EXTRA_WORD;
}

/* Fills the words table and w->rank for the block of samples from word `first` at byte
 * `skip` to word `last` at byte `take` (exclusive), count[v] holding how many of the
 * words first..last - 1 are value v's: when either end cuts a word, the cut word's head
 * (last's first take digits) and tail (first's bytes from skip) join into the block's
 * first word. Returns m, or -1 when the block holds no space. */
static int64_t words_of_samples(work_t *w, const value_words_t *vw, const uint8_t *raw, int64_t first, uint32_t skip,
                                int64_t last, uint32_t take, uint32_t *count) {
    if (last == first) return -1;
    int joined = skip > 0 || take > 0;
    int64_t whole = first + joined; /* the first word read whole */
    if (joined) count[raw[first]]--;
    uint8_t bytes[BZ_WORD_BYTES];
    int n = 0;
    uint32_t join = 0;
    uint64_t join_key = 0;
    if (joined) {
        for (uint32_t i = 0; i < take; i++) bytes[n++] = vw->digit[raw[last]][i];
        for (uint32_t i = skip; i < vw->digits[raw[first]]; i++) bytes[n++] = vw->digit[raw[first]][i];
        bytes[n++] = ' ';
        join = joined_id(bytes, n);
        join_key = pack_word(bytes, n);
        count[join]++;
    }
    /* ranks: the values present in string order, the extra word in its place */
    words_t *wd = &w->words;
    uint16_t rank_of[EXTRA_WORD + 1];
    uint32_t r = 0;
    int extra_pending = joined && join == EXTRA_WORD;
    for (int s = 0; s < 256; s++) {
        uint32_t v = vw->by_string[s];
        if (extra_pending && join_key < vw->key[v]) {
            rank_of[EXTRA_WORD] = (uint16_t)r;
            wd->key[r] = join_key; wd->len[r] = (uint8_t)n; wd->count[r] = 1;
            r++;
            extra_pending = 0;
        }
        if (count[v] == 0) continue;
        rank_of[v] = (uint16_t)r;
        wd->key[r] = vw->key[v]; wd->len[r] = (uint8_t)(vw->digits[v] + 1); wd->count[r] = count[v];
        r++;
    }
    if (extra_pending) {
        rank_of[EXTRA_WORD] = (uint16_t)r;
        wd->key[r] = join_key; wd->len[r] = (uint8_t)n; wd->count[r] = 1;
        r++;
    }
    wd->distinct = r;
    uint16_t *out = w->rank;
    if (joined) *out++ = rank_of[join];
    for (int64_t i = whole; i < last; i++) *out++ = rank_of[raw[i]];
    return out - w->rank;
}

/* Step 1 from samples: the block starting at byte `skip` of word `first` ends in word
 * `last` (returned) after its first *take bytes; *final when the text ends there. The
 * values of the words first..last - 1 are counted into count on the way. */
static int64_t block_end(const value_words_t *vw, const uint8_t *raw, int64_t n, int64_t first, uint32_t skip,
                         uint32_t *count, uint32_t *take, int *final) {
    memset(count, 0, (EXTRA_WORD + 1) * sizeof(uint32_t));
    int64_t last = first, before = -(int64_t)skip; /* bytes of the block before word `last` */
    for (; last < n - 1; last++) {
        uint32_t v = raw[last];
        if (before + vw->digits[v] + 1 > BLOCK_MAX) break;
        before += vw->digits[v] + 1;
        count[v]++;
    }
    const uint8_t *d = vw->digit[raw[last]];
    uint32_t digits = vw->digits[raw[last]];
    if (last == n - 1 && before + digits <= BLOCK_MAX) { /* the text ends in this block: the last word whole */
        *take = digits;
        *final = 1;
        return last;
    }
    *take = (uint32_t)(BLOCK_MAX - before);
    while (*take > 0 && *take < digits && d[*take] == d[*take - 1]) ++*take; /* whole runs */
    if (last == n - 1 && *take + 1 == digits) *take = digits; /* BZ_FINISH: the last byte joins */
    *final = last == n - 1 && *take == digits;
    return last;
}

int64_t oe_sp80090b_iid_compression(const uint8_t *raw, int64_t n) {
    if (n <= 0) return -1;
    value_words_t vw;
    value_words(&vw);
    work_t *w = work_alloc();
    if (w == NULL) return -2;
    int64_t total = STREAM_BITS, rc = 0;
    int64_t first = 0;
    uint32_t skip = 0;
    for (;;) {
        uint32_t take;
        int final;
        int64_t last = block_end(&vw, raw, n, first, skip, w->value_count, &take, &final);
        int64_t m = words_of_samples(w, &vw, raw, first, skip, last, take, w->value_count);
        int64_t bits = m < 0 ? m : block_bits(w, (uint32_t)m);
        if (bits < 0) { rc = bits; break; }
        total += BLOCK_HEADER_BITS + bits;
        if (final) { rc = (total + 7) / 8; break; }
        first = last;
        skip = take;
    }
    work_free(w);
    return rc;
}
