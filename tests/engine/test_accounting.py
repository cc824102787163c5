"""Entropy accounting: the ledger, full_entropy output (blocking and timeout), crediting."""

import threading
import time

import pytest

from openentropy.engine.accounting import CreditedBuffer
from openentropy.errors import EntropyTimeoutError, PoolError, ProfileError
from openentropy.engine.loader import load_profile, load_profile_text
from openentropy.engine.pool import BITS_PER_FULL_BLOCK, EntropyPool
from openentropy.engine.runner import Harvest


def test_buffer_is_first_in_first_out_and_bytes_carry_their_credit():
    buffer = CreditedBuffer()
    buffer.append(b"a" * 100, 50.0)  # 0.5 bit/byte
    buffer.append(b"b" * 100, 200.0)  # 2 bits/byte
    data, bits = buffer.take(150)
    assert data == b"a" * 100 + b"b" * 50 and bits == pytest.approx(50 + 100)
    assert len(buffer) == 50 and buffer.bits == pytest.approx(100)
    assert buffer.trim(10) == pytest.approx(80)  # dropped bytes take their credit along
    assert buffer.bits == pytest.approx(20) and buffer.clear() == pytest.approx(20)


def test_cursor_plans_the_fewest_oldest_bytes_carrying_the_credit():
    buffer = CreditedBuffer()
    buffer.append(bytes(1000), 100.0)  # 0.1 bit/byte, like clock_jitter
    buffer.append(bytes(10), 80.0)
    cursor = buffer.cursor()
    assert cursor.take_credit(30) == (300, pytest.approx(30))
    assert cursor.take_credit(100) == (700 + 4, pytest.approx(70 + 32))  # rounds up: never short
    assert cursor.bits_left == pytest.approx(48) and len(buffer) == 1010  # planning changed nothing
    assert buffer.discard(cursor.bytes) == pytest.approx(132)


def fed_pool(bits: float, mode: str = "full_entropy", size: int = 4096) -> EntropyPool:
    pool = EntropyPool(mode=mode, os_random=False, timeout_s=0.2)
    pool.add_source("s")
    pool.add_input("s", bytes(range(256)) * (size // 256), bits)
    return pool


def test_full_entropy_releases_a_block_per_320_credited_bits():
    assert BITS_PER_FULL_BLOCK == 256 + 64
    pool = fed_pool(3 * 320 + 100)
    assert pool.available_bytes() == 96
    assert len(pool.get_random_bytes(96)) == 96
    status = pool.status()
    assert status.drawn_bits >= 960 and status.full_entropy_blocks == 3 and status.bits_out == 768
    assert status.balance_bits == pytest.approx(3 * 320 + 100 - status.drawn_bits)
    assert pool.ledger().balanced


def test_each_block_hashes_exactly_the_bytes_whose_credit_it_spends():
    """paranoid's case: 0.1 credited bit per byte. Before, a block hashed 512 bytes
    (~51 credited bits) and debited 320 from a separate counter."""
    pool = EntropyPool(mode="full_entropy", os_random=False, input_per_block=512)
    pool.add_source("jitter")
    pool.add_input("jitter", bytes(80_000), 8_000.0)
    hashed = []
    chain = pool._chain
    pool._chain = lambda inputs: hashed.extend(bytes(row)[:-16] for row in inputs.rows) or chain(inputs)
    out = pool.draw(1 << 20)
    assert len(out) == 25 * 32  # 8,000 bits cover 25 blocks of 320
    assert [len(chunk) for chunk in hashed] == [3200] * 25  # each carries exactly 320 bits
    status = pool.status()
    assert status.buffered_bytes == 0 and status.drawn_bits == pytest.approx(8000)
    assert status.drawn_bits >= BITS_PER_FULL_BLOCK * status.full_entropy_blocks - 1e-6


def test_weights_split_the_credit_a_block_needs():
    pool = EntropyPool(mode="full_entropy", os_random=False, input_per_block=1)
    for name, weight in (("a", 3), ("b", 1)):
        pool.add_source(name, weight)
        pool.add_input(name, bytes(10_000), 10_000.0)  # 1 bit/byte
    pool.draw(32)
    drawn = {s.name: 10_000 - s.buffered_bytes for s in pool.status().sources}
    assert drawn == {"a": 1 + 239, "b": 1 + 80}  # 1 byte each, then 318 bits split 3:1, rounded up


def test_one_starved_source_slows_output_but_never_stops_it():
    pool = EntropyPool(mode="full_entropy", os_random=False, input_per_block=64)
    pool.add_source("good")
    pool.add_source("quarantined", 5)
    pool.add_input("good", bytes(4096), 4096.0)
    assert len(pool.draw(320)) == 320


def test_full_entropy_timeout_is_a_clear_error_and_consumes_nothing_extra():
    pool = fed_pool(320)
    with pytest.raises(EntropyTimeoutError, match=r"full_entropy: waited 0.2 s .*32 of 64 bytes were ready"):
        pool.get_random_bytes(64)
    status = pool.status()
    assert status.output_bytes == 0 and status.blocks == 1  # generated, never returned, never reused
    with pytest.raises(EntropyTimeoutError):
        pool.get_random_bytes(1, timeout_s=0.01)


def test_full_entropy_waits_for_credit_from_another_thread():
    pool = fed_pool(0)
    threading.Timer(0.1, pool.add_input, args=("s", bytes(4096), 640.0)).start()
    assert len(pool.get_random_bytes(64, timeout_s=10)) == 64


def test_input_per_block_zero_is_refused_where_blocks_need_fresh_input():
    for mode in ("full_entropy", "drbg"):
        with pytest.raises(PoolError, match="input_per_block must be >= 1"):
            EntropyPool(mode=mode, input_per_block=0)
        with pytest.raises(ProfileError, match=r"<profile>:4:20: pool.input_per_block: 0 is not allowed"):
            load_profile_text(f"name: d\nsources: [{{name: clock_jitter}}]\npool:\n  input_per_block: 0\n  mode: {mode}\n")


def test_sha256_without_os_randomness_waits_for_its_first_256_credited_bits():
    """Like getrandom() before the kernel's CRNG is initialised. Before, the first
    request was answered at once from a nonce of pid and clocks."""
    pool = EntropyPool(os_random=False, timeout_s=0.05)
    pool.add_source("s")
    pool.add_input("s", bytes(4096), 200.0)
    with pytest.raises(EntropyTimeoutError, match="first 256 credited bits .200 absorbed"):
        pool.get_random_bytes(16)
    assert pool.available_bytes() == 0 and pool.draw(16) == b""
    threading.Timer(0.1, pool.add_input, args=("s", bytes(64), 56.0)).start()
    assert len(pool.get_random_bytes(16, timeout_s=10)) == 16
    assert pool.status().seeded and pool.available_bytes() is None
    assert EntropyPool(os_random=True).get_random_bytes(16)  # OS randomness seeds at once


def test_sha256_mode_never_waits_and_never_debits():
    pool = EntropyPool(os_random=True)
    pool.add_source("s")
    pool.add_input("s", bytes(4096))
    assert pool.available_bytes() is None and len(pool.get_random_bytes(4096)) == 4096
    assert pool.status().drawn_bits == 0


def test_unknown_mode_rejected():
    with pytest.raises(PoolError, match="unknown pool mode"):
        EntropyPool(mode="xor")


def test_reference_sources_never_back_full_entropy_output():
    pool = EntropyPool(mode="full_entropy", timeout_s=0.05)
    pool.add_source("os_random", physical=False)
    pool.add_input("os_random", bytes(4096), 32768)
    with pytest.raises(EntropyTimeoutError):
        pool.get_random_bytes(32)


def test_paranoid_is_full_entropy_without_os_randomness_from_diverse_physical_sources():
    p = load_profile("paranoid")
    assert p.pool.mode == "full_entropy" and p.pool.os_random is False
    classes = [spec.source_class for spec in p.sources]
    assert all(cls.info.physical for cls in classes) and len(classes) >= 5
    assert len({cls.info.category for cls in classes}) >= 4


def test_full_entropy_run_emits_only_credited_bytes():
    p = load_profile_text(
        "name: f\nsources:\n  - {name: 'oe_test_sources:UniformSource', samples: 4096, health: {min_entropy: 2}}\n"
        "pool: {mode: full_entropy, os_random: false}\nsinks: [{type: 'null'}]\nrun: {rounds: 3, bytes_per_round: 1000000}\n"
    )
    with Harvest(p) as harvest:
        results = list(harvest.rounds())
        status = harvest.status()
    credited = sum(s.credited_bits for r in results for s in r.sources)
    out = sum(r.bytes_out for r in results)
    assert 0 < out and out * 8 / 256 * 320 <= credited + 1e-6  # every block backed by 320 credited bits
    assert status.drawn_bits >= out / 32 * 320 and status.full_entropy_blocks == out / 32
    assert harvest.ledger().balanced


def test_starved_full_entropy_run_stops_with_a_clear_error():
    p = load_profile_text(
        "name: f\nsources:\n  - {name: 'oe_test_sources:StuckSource', samples: 2048}\n"
        "pool: {mode: full_entropy}\nsinks: [{type: 'null'}]\nrun: {bytes: 100, stall_timeout: 0.3s, interval: 50ms}\n"
    )
    with Harvest(p) as harvest, pytest.raises(EntropyTimeoutError, match=r"no output for 0.3 s.*StuckSource quarantined"):
        list(harvest.rounds())


def test_drbg_mode_seeds_from_full_entropy_and_reseeds_by_bytes():
    pool = EntropyPool(mode="drbg", os_random=False, timeout_s=0.2,
                       drbg={"kind": "ctr_aes256", "reseed_bytes": 1000, "reseed_seconds": 3600})
    pool.add_source("s")
    pool.add_input("s", bytes(range(256)) * 16)
    assert pool.available_bytes() == 0  # no credit yet: cannot seed
    pool.add_input("s", bytes(range(256)) * 16, 10 * 320)
    assert pool.available_bytes() is None
    first = pool.get_random_bytes(800)
    status = pool.status()
    # the first seed (32 B entropy + 16 B nonce = 2 blocks) is an instantiation, not a reseed
    assert (status.drbg_instantiations, status.drbg_reseeds, status.full_entropy_blocks) == (1, 0, 2)
    assert status.drawn_bits >= 2 * 320
    pool.get_random_bytes(800)  # 800 >= ... not yet due (800 < 1000)
    pool.get_random_bytes(800)  # 1600 since seeding: reseed with one 32-byte full-entropy block
    status = pool.status()
    assert (status.drbg_reseeds, status.full_entropy_blocks) == (1, 3) and status.drawn_bits >= 3 * 320
    assert len(first) == 800 and pool.status().output_bytes == 2400


def test_drbg_mode_prediction_resistance_reseeds_every_request():
    pool = EntropyPool(mode="drbg", timeout_s=0.2, drbg={"kind": "hmac_sha256", "prediction_resistance": True})
    pool.add_source("s")
    pool.add_input("s", bytes(4096), 20 * 320)
    outputs = {pool.get_random_bytes(64) for _ in range(4)}
    status = pool.status()  # every request freshly seeded: the first by instantiation
    assert len(outputs) == 4 and (status.drbg_instantiations, status.drbg_reseeds) == (1, 3)


def test_drbg_mode_without_credit_times_out_clearly():
    pool = EntropyPool(mode="drbg", timeout_s=0.05)
    pool.add_source("s")
    with pytest.raises(EntropyTimeoutError, match="drbg: its seed: waited"):
        pool.get_random_bytes(16)


def test_drbg_profile_section_validates():
    p = load_profile_text("name: d\nsources: [{name: clock_jitter}]\npool:\n  mode: drbg\n  drbg: {kind: hmac_sha256, reseed_bytes: 4096, reseed_seconds: 10s}\n")
    assert p.pool.drbg.kind == "hmac_sha256" and p.pool.drbg.reseed_seconds == 10.0
    with pytest.raises(ProfileError, match=r"pool.drbg.kind"):
        load_profile_text("name: d\nsources: [{name: clock_jitter}]\npool:\n  drbg: {kind: aes128}\n")
