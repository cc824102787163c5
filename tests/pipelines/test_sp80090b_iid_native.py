"""The IID track's native speed-ups give exactly what their specifications give.

- the C shuffle is the documented Fisher-Yates on PCG64 32-bit draws
  (``iid_shuffle.shuffle_reference``, which reads numpy's PCG64 stream itself);
- the bzip2 length computed without compressing (sp80090b_iid_bzip2.c) is the length
  libbzip2's ``BZ2_bzBuffToBuffCompress(..., 5, 0, 0)`` gives, as ea_iid calls it, on
  one- and many-block texts of several alphabets, and ``bz2.compress``'s wherever the
  two libbzip2 entry points agree; from the samples (the permutation test's call, which
  writes no text) as from the text, wherever a block boundary cuts a number.
"""

from __future__ import annotations

import bz2
import ctypes
import ctypes.util

import numpy as np
import pytest

from openentropy.pipelines import _native
from openentropy.pipelines.estimators import iid_shuffle, iid_statistics, permutation_test, translate

needs_core = pytest.mark.skipif(not _native.AVAILABLE, reason="native statistics core not built")
_BZ2_PATH = ctypes.util.find_library("bz2")
needs_libbz2 = pytest.mark.skipif(_BZ2_PATH is None, reason="libbz2 not found for the reference")
BLOCK_MAX = 100_000 * 5 - 19  # libbzip2's bytes per block at level 5


def buff_to_buff_length(text: bytes) -> int:
    """ea_iid's call: BZ2_bzBuffToBuffCompress(dest, &len, text, size, 5, 0, 0)."""
    lib = ctypes.CDLL(_BZ2_PATH)
    size = ctypes.c_uint(int(len(text) * 1.01) + 600)
    dest = ctypes.create_string_buffer(size.value)
    assert lib.BZ2_bzBuffToBuffCompress(dest, ctypes.byref(size), text, ctypes.c_uint(len(text)), 5, 0, 0) == 0
    return size.value


def native_length(text: bytes) -> int:
    return int(_native.lib.oe_sp80090b_iid_bzip2_length(_native.ffi.from_buffer(text), len(text)))


@needs_core
@pytest.mark.parametrize("k,n,seed", [(2, 3_000, 1), (5, 2_000, 2), (16, 5_000, 3), (256, 4_000, 4), (60, 1, 5)])
def test_c_shuffle_is_the_documented_fisher_yates(k, n, seed):
    raw = np.random.default_rng(seed).integers(0, k, n).astype(np.uint8)
    symbols, kk = translate(raw)
    values = np.unique(raw)
    for index in (0, 1, 9_999):
        shuffled, shuffled_raw = iid_shuffle.shuffle(symbols, values, seed, index)
        expected = iid_shuffle.shuffle_reference(symbols, seed, index)
        assert np.array_equal(shuffled, expected)
        assert np.array_equal(shuffled_raw, values[expected])
        assert np.array_equal(np.sort(shuffled), np.sort(symbols))


def test_rounds_are_different_permutations():
    symbols = np.arange(200, dtype=np.uint8)
    a = iid_shuffle.shuffle(symbols, symbols, 1, 0)[0]
    b = iid_shuffle.shuffle(symbols, symbols, 1, 1)[0]
    c = iid_shuffle.shuffle(symbols, symbols, 2, 0)[0]
    assert not np.array_equal(a, b) and not np.array_equal(a, c) and not np.array_equal(a, symbols)


@needs_core
@needs_libbz2
@pytest.mark.parametrize("k,n", [(2, 2), (2, 20_000), (3, 1_000), (10, 7_777), (16, 50_000), (60, 1_000),
                                 (100, 30_000), (256, 300_000)])
def test_bzip2_length_equals_libbzip2(k, n):
    """300,000 8-bit samples make a text of three blocks; 2 of them the shortest text."""
    raw = np.random.default_rng(k * n).integers(0, k, n).astype(np.uint8)
    text = iid_statistics.decimal_text(raw)
    assert native_length(text) == buff_to_buff_length(text) == len(bz2.compress(text, 5))
    assert iid_statistics.compression(raw) == iid_statistics.compression(raw, native=False)


@needs_core
@needs_libbz2
def test_bzip2_length_on_skewed_and_periodic_data():
    """Long runs of one word and a periodic block: the word sort's ties go deep."""
    rng = np.random.default_rng(7)
    skewed = np.where(rng.random(40_000) < 0.97, 0, rng.integers(0, 256, 40_000)).astype(np.uint8)
    periodic = np.tile(np.array([3, 14, 15, 92, 65], dtype=np.uint8), 30_000)
    sticky = np.repeat(rng.integers(0, 256, 2_000).astype(np.uint8), rng.integers(1, 60, 2_000))
    for raw in (skewed, periodic, sticky, np.zeros(10_000, dtype=np.uint8)):
        text = iid_statistics.decimal_text(raw)
        assert native_length(text) == buff_to_buff_length(text)


@needs_core
@needs_libbz2
def test_bzip2_length_on_many_random_mixtures():
    """Zeros mixed with uniform values, random sizes: ties of every depth in the word sort
    (this found a bug in its prefix doubling that uniform data never reaches)."""
    rng = np.random.default_rng(2024)
    for _ in range(150):
        n, k, zeros = int(rng.integers(2, 3_000)), int(rng.integers(2, 257)), rng.random()
        raw = np.where(rng.random(n) < zeros, 0, rng.integers(0, k, n)).astype(np.uint8)
        text = iid_statistics.decimal_text(raw)
        assert native_length(text) == buff_to_buff_length(text), (n, k, zeros)


@needs_core
@needs_libbz2
def test_a_last_single_byte_joins_the_last_block_as_in_the_tool():
    """A block that fills one byte before the end: BZ2_bzBuffToBuffCompress (ea_iid) puts
    that byte in the same block, bz2.compress gives it a block of its own."""
    text = (b"5 " * BLOCK_MAX)[: BLOCK_MAX + 1]
    assert native_length(text) == buff_to_buff_length(text)
    assert native_length(text) != len(bz2.compress(text, 5))
    longer = (b"5 " * BLOCK_MAX)[: BLOCK_MAX + 2]
    assert native_length(longer) == buff_to_buff_length(longer) == len(bz2.compress(longer, 5))


@needs_core
def test_texts_outside_the_shortcut_are_handed_back():
    assert native_length(b"1111 2") == -1  # a run of 4 would be run-length coded
    assert native_length(b"12345678 1") == -1  # a word longer than 7 digits
    assert native_length(b"7") == -1  # no space: one sample
    raw = np.array([7], dtype=np.uint8)
    assert iid_statistics.compression(raw) == len(bz2.compress(b"7", 5))


def test_seeded_counters_are_reproducible_with_the_new_generator():
    raw = np.random.default_rng(31).integers(0, 8, 2_000).astype(np.uint8)
    symbols, k = translate(raw)
    first = permutation_test(symbols, raw, k, seed=4, shuffles=60)
    again = permutation_test(symbols, raw, k, seed=4, shuffles=60, workers=1)
    assert first.counters == again.counters and first.shuffles == again.shuffles


def test_shuffle_into_reused_buffers_gives_the_same_round():
    """The permutation test reuses one buffer pair per thread: the round must not depend on it."""
    raw = np.random.default_rng(11).integers(0, 9, 5_000).astype(np.uint8)
    symbols, _ = translate(raw)
    values = np.unique(raw)
    buffers = (np.full(len(symbols), 255, np.uint8), np.full(len(symbols), 255, np.uint8))
    for index in (3, 4):
        fresh = iid_shuffle.shuffle(symbols, values, 7, index)
        reused = iid_shuffle.shuffle(symbols, values, 7, index, out=buffers)
        assert reused[0] is buffers[0] and reused[1] is buffers[1]
        assert np.array_equal(fresh[0], reused[0]) and np.array_equal(fresh[1], reused[1])
    with pytest.raises(ValueError, match="out must be"):
        iid_shuffle.shuffle(symbols, values, 7, 0, out=(buffers[0][:-1], buffers[1]))


def samples_length(raw: np.ndarray) -> int:
    """The permutation test's call: the bzip2 length straight from the samples."""
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    return int(_native.lib.oe_sp80090b_iid_compression(_native.ffi.from_buffer(raw), len(raw)))


@needs_core
@needs_libbz2
@pytest.mark.parametrize("values", [(100, 7, 55), (105, 200, 7), (1, 10, 100, 101, 110, 111, 0)])
def test_samples_path_cuts_blocks_inside_numbers_as_the_text_does(values):
    """Prefixes of 2- and 3-byte words move the first block's end through every offset of
    a word (before a digit, inside a run like "111", at the space), so the word the
    boundary cuts joins the next block's first word: "1" + "05 " is no value's word,
    "1" + "00 " is one."""
    rng = np.random.default_rng(sum(values))
    body = rng.choice(np.array(values, dtype=np.uint8), 180_000)
    for ones, twos in ((0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2), (0, 3), (1, 3)):
        raw = np.concatenate([np.full(ones, 9, np.uint8), np.full(twos, 99, np.uint8), body])
        text = iid_statistics.decimal_text(raw)
        assert len(text) > BLOCK_MAX
        assert samples_length(raw) == native_length(text) == buff_to_buff_length(text), (values, ones, twos)


@needs_core
@needs_libbz2
def test_samples_path_lets_a_last_single_byte_join_the_last_block():
    raw = np.array([55] + [5] * 249_990, dtype=np.uint8)  # "55 5 5 ... 5": BLOCK_MAX + 1 bytes
    text = iid_statistics.decimal_text(raw)
    assert len(text) == BLOCK_MAX + 1
    assert samples_length(raw) == buff_to_buff_length(text)


@needs_core
@needs_libbz2
@pytest.mark.parametrize("k,n", [(2, 300_000), (3, 260_000), (256, 150_000)])
def test_samples_path_on_small_alphabets_and_every_byte_value(k, n):
    """k = 2 and 3 over several blocks; 256: every value from 0 to 255 present in each block."""
    rng = np.random.default_rng(k)
    raw = rng.integers(0, k, n).astype(np.uint8)
    if k == 256:
        raw[:256] = rng.permutation(256)
        raw[-256:] = rng.permutation(256)
    text = iid_statistics.decimal_text(raw)
    assert samples_length(raw) == native_length(text) == buff_to_buff_length(text)


@needs_core
def test_samples_path_agrees_with_the_text_path_on_random_mixtures():
    """Random sizes and value sets, one block or a few; the text path is the reference."""
    rng = np.random.default_rng(99)
    for _ in range(40):
        n, k = int(rng.integers(2, 200_000)), int(rng.integers(2, 257))
        values = rng.choice(256, size=min(k, 256), replace=False).astype(np.uint8)
        raw = values[rng.integers(0, len(values), n)]
        assert samples_length(raw) == native_length(iid_statistics.decimal_text(raw)), (n, k)


@needs_core
def test_samples_path_on_one_and_two_samples():
    assert samples_length(np.array([7], dtype=np.uint8)) == -1  # no space: compressed instead
    for raw in ([0, 255], [12, 3], [200, 200]):
        raw = np.array(raw, dtype=np.uint8)
        assert samples_length(raw) == len(bz2.compress(iid_statistics.decimal_text(raw), 5))


@needs_core
@needs_libbz2
def test_text_path_up_to_fifteen_distinct_bytes():
    """The shortcut's MTF list holds 15 symbols: 14 letters and the space (alphabet 17, one
    more than a 16-lane vector of counts) still give libbzip2's length; a 16th byte is
    handed back."""
    rng = np.random.default_rng(15)
    for letters in (b"abcdefghijklmn", b"abcdefghijklmno"):
        pairs = rng.choice(np.frombuffer(letters, dtype=np.uint8), (60_000, 2)).tolist()
        ones = (rng.random(60_000) < 0.5).tolist()
        words = [bytes(pair[:1] if one else pair) for pair, one in zip(pairs, ones)]
        text = b" ".join(words)  # words of 1 or 2 letters: no runs of 4 equal bytes, 210 distinct at most
        expected = buff_to_buff_length(text) if len(letters) == 14 else -1
        assert native_length(text) == expected
