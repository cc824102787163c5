"""Known-answer behaviour of each conditioning stage."""

import hashlib

import numpy as np
import pytest
from pydantic import TypeAdapter

from openentropy.pipelines import conditioners as c
from openentropy.pipelines.stages import STAGE_TYPES, StageSpec

u64 = lambda *v: np.array(v, dtype=np.uint64)  # noqa: E731
u8 = lambda *v: np.array(v, dtype=np.uint8)  # noqa: E731


def test_raw_is_little_endian_bytes():
    assert c.raw(u64(1, 0x0102)).tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0]
    assert c.raw(u8(5, 6)).tolist() == [5, 6]


def test_delta_wraps_modulo_2_64():
    assert c.delta(u64(10, 13, 20, 20)).tolist() == [3, 7, 0]
    assert c.delta(u64(5, 2)).tolist() == [2**64 - 3]
    assert c.delta(u64(7)).tolist() == []


def test_gcd_divides_out_a_timer_step():
    assert c.gcd_divide(u64(6, 12, 0, 18)).tolist() == [1, 2, 0, 3]
    assert c.gcd_divide(u64(7, 12)).tolist() == [7, 12]
    assert c.gcd_divide(u64(0, 0)).tolist() == [0, 0]


def test_xor_whiten():
    assert c.xor_whiten(u64(0b1100, 0b1010, 0b1010)).tolist() == [0b0110, 0]


def test_lsb_keeps_lowest_byte():
    out = c.lsb(u64(0x1234, 0xFF, 0x100))
    assert out.dtype == np.uint8 and out.tolist() == [0x34, 0xFF, 0x00]


def test_xor_fold_halves_per_round():
    assert c.xor_fold(u8(1, 2, 3, 4)).tolist() == [1 ^ 3, 2 ^ 4]
    assert c.xor_fold(u8(1, 2, 3, 4, 9)).tolist() == [1 ^ 3, 2 ^ 4]  # odd byte dropped
    assert c.xor_fold(u8(1, 2, 3, 4), rounds=2).tolist() == [(1 ^ 3) ^ (2 ^ 4)]


def test_von_neumann_pairs():
    # bits: 01 10 00 11 | 10 10 01 01 -> 0,1 | 1,1,0,0 -> six bits: not a whole byte yet
    assert c.von_neumann(u8(0b01100011, 0b10100101)).tolist() == []
    # 0b10101010 is four "10" pairs -> 1111; twice -> 0xFF
    assert c.von_neumann(u8(0b10101010, 0b10101010)).tolist() == [0xFF]
    assert c.von_neumann(u8(0b01010101, 0b01010101)).tolist() == [0x00]
    assert c.von_neumann(u8(0x00, 0xFF) ).tolist() == []


def test_von_neumann_removes_bias():
    rng = np.random.default_rng(7)
    biased = np.packbits(rng.random(400_000) < 0.8)
    out = np.unpackbits(c.von_neumann(biased))
    assert len(out) > 8000 and abs(out.mean() - 0.5) < 0.02


def test_sha256_chained_blocks_known_answer():
    data = bytes(range(100))
    first = hashlib.sha256(bytes(32) + data[:64] + (0).to_bytes(8, "little")).digest()
    second = hashlib.sha256(first + data[64:] + (1).to_bytes(8, "little")).digest()
    assert c.sha256(np.frombuffer(data, np.uint8)).tobytes() == first + second
    assert len(c.sha256(np.zeros(128, np.uint8), block=32)) == 4 * 32


def test_sha256_distinct_output_for_repeated_blocks():
    out = c.sha256(np.zeros(64 * 4, np.uint8)).reshape(4, 32)
    assert len({row.tobytes() for row in out}) == 4


def test_stage_specs_cover_every_type():
    adapter = TypeAdapter(StageSpec)
    data = np.arange(64, dtype=np.uint64) * 37
    for name in STAGE_TYPES:
        stage = adapter.validate_python({"type": name})
        assert stage.type == name
        assert isinstance(stage.apply(data), np.ndarray)
    assert adapter.validate_python({"type": "xor_fold", "rounds": 2}).apply(np.arange(8, dtype=np.uint8)).tolist() == [
        (0 ^ 4) ^ (2 ^ 6),
        (1 ^ 5) ^ (3 ^ 7),
    ]


@pytest.mark.parametrize("func", [c.delta, c.gcd_divide, c.xor_whiten, c.lsb, c.xor_fold, c.von_neumann, c.sha256, c.raw])
def test_stages_accept_empty_input(func):
    assert len(func(np.empty(0, dtype=np.uint64))) == 0
