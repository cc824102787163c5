/* Internal to the bzip2-length computation (not part of the cdef: the name starts with '_').
 * sp80090b_iid_bzip2.c cuts the text into blocks and forms each block's Burrows-Wheeler
 * transform; sp80090b_bzip2_sort.c sorts a block's word rotations for it;
 * sp80090b_bzip2_coding.c counts the bits of the move-to-front and Huffman stages. */
#ifndef OE_SP80090B_BZIP2_H
#define OE_SP80090B_BZIP2_H

#include <stdint.h>

enum {
    BZ_WORD_BYTES = 8,    /* a word packs big-endian into a uint64: up to 7 digits and a space */
    BZ_MAX_WORDS = 2000,  /* distinct words per block we handle (ranks fit a uint16) */
    BZ_MAX_SYMBOLS = 15,  /* distinct bytes per block (decimal text: 11): the MTF list is 15 nibbles */
    BZ_KEY_WRAP = 64,     /* ranks past the end of a block the sort reads (the cyclic wrap) */
    BZ_DIGIT_BITS = 11,   /* the sort's radix digits: at most 11 bits, 3 of them */
};

typedef struct { uint32_t key, idx; } bz_keyed_t;

/* The word-rotation sort's buffers, each with room for the largest block's m words. */
typedef struct {
    uint32_t *sa;                   /* m: word rotations in sorted order (the result) */
    uint32_t *group;                /* m: sort group (start position in sa) of each rotation */
    uint32_t *k2;                   /* m: prefix-doubling keys, by position in sa */
    uint32_t *ranges, *next_ranges; /* 2 m: unsorted groups as start, end pairs */
    bz_keyed_t *keys, *keys_tmp;    /* m: radix-sort pairs */
    uint32_t *count;                /* 3 << BZ_DIGIT_BITS: the radix sort's counters */
} bz_sort_work_t;

/* The coding stage's buffers, for blocks of up to `size` bytes. */
typedef struct {
    uint8_t *mtf;      /* size + 16: the MTF/RLE2 symbol stream (8-byte stores overrun it) */
    uint8_t *hist;     /* (size / 50 + 2) x (BZ_MAX_SYMBOLS + 2) + 16: symbol counts per 50 */
    uint8_t *selector; /* size / 50 + 2: the table each 50 symbols use */
    int32_t (*rfreq)[BZ_MAX_SYMBOLS + 2]; /* 6: each table's symbol counts (its groups') */
    void *table_counts;                   /* 6 x 32 bytes, 16-byte aligned: the same in 16-bit lanes */
} bz_coding_work_t;

/* Sorts the m cyclic rotations of rank[0..m) (values < distinct, rank has room for
 * BZ_KEY_WRAP more entries, which it overwrites) into w->sa. */
void oe_bzip2_sort_word_rotations(bz_sort_work_t *w, uint16_t *rank, uint32_t m, uint32_t distinct);

/* Bits of one block after its 105 header bits (libbzip2's generateMTFValues and
 * sendMTFValues), given its Burrows-Wheeler transform as indices into the block's used
 * bytes in byte order (sym[0..size), values < n_in_use <= BZ_MAX_SYMBOLS) and which bytes
 * those are (in_use[256]). No allocation: the buffers are w's, sized for `size`. */
int64_t oe_bzip2_coded_bits(const uint8_t *sym, uint32_t size, const uint8_t *in_use, bz_coding_work_t *w);

#endif
