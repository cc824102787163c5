"""The pool: construction, weights, mixing vs crediting, thread safety, never repeating."""

import hashlib
import threading

import pytest

from openentropy.errors import PoolError
from openentropy.engine.pool import EntropyPool


def blocks(data: bytes) -> list[bytes]:
    return [data[i : i + 32] for i in range(0, len(data), 32)]


def test_arbitrary_lengths():
    pool = EntropyPool()
    for n in (0, 1, 31, 32, 33, 1000):
        assert len(pool.get_random_bytes(n)) == n


def test_bad_requests_are_errors():
    pool = EntropyPool()
    with pytest.raises(PoolError):
        pool.get_random_bytes(-1)
    with pytest.raises(PoolError, match="was not added"):
        pool.add_input("ghost", b"x")
    with pytest.raises(PoolError):
        pool.add_source("a", 0)
    pool.add_source("a")
    with pytest.raises(PoolError):
        pool.add_input("a", b"x", -1.0)


def seeded(pool: EntropyPool) -> EntropyPool:
    """Give a pool without OS randomness the 256 credited bits it needs before output."""
    pool.add_source("seed")
    pool.add_input("seed", bytes(range(64)), 256.0)
    return pool


def test_output_never_repeats_within_a_pool():
    pool = seeded(EntropyPool(os_random=False))
    out = b"".join(pool.get_random_bytes(32 * 1000) for _ in range(20))
    assert len(set(blocks(out))) == 20_000


def test_two_pools_never_share_a_stream_even_without_os_randomness():
    a, b = EntropyPool(os_random=False), EntropyPool(os_random=False)
    for pool in (a, b):
        pool.add_source("s")
        pool.add_input("s", bytes(4096), 256.0)  # identical input
    assert set(blocks(a.get_random_bytes(3200))).isdisjoint(blocks(b.get_random_bytes(3200)))


def test_output_is_not_the_internal_state():
    """Upstream emits its chaining state; ours is a one-way function of it."""
    pool = EntropyPool(input_per_block=0)
    state_before = pool._state
    out = pool.get_random_bytes(32)
    assert out != pool._state and out != state_before
    assert out == hashlib.sha256(b"\x01" + pool._state).digest()


def test_credit_is_carried_by_its_bytes_and_capped_at_8_bits_each():
    pool = EntropyPool()
    pool.add_source("s")
    assert pool.add_input("s", b"abc") == 0.0  # input without credit is welcome
    status = pool.status()
    assert (status.mixed_bytes, status.credited_bits, status.buffered_bytes) == (3, 0.0, 3)
    assert pool.add_input("s", b"defg", 12.5) == 12.5
    assert pool.add_input("s", b"h", 100.0) == 8.0  # one byte cannot carry more than 8 bits
    status = pool.status()
    assert (status.mixed_bytes, status.credited_bits, status.balance_bits) == (8, 20.5, 20.5)
    assert status.sources[0].buffered_bytes == 8 and status.sources[0].buffered_bits == 20.5


def test_reference_sources_earn_no_credit():
    pool = EntropyPool()
    pool.add_source("os_random", physical=False)
    assert pool.add_input("os_random", bytes(100), 800.0) == 0.0
    assert pool.status().credited_bits == 0.0


def test_weights_decide_each_sources_share_of_a_mix():
    pool = EntropyPool(input_per_block=100)
    pool.add_source("heavy", 3)
    pool.add_source("light", 1)
    pool.add_input("heavy", bytes(10_000))
    pool.add_input("light", bytes(10_000))
    pool.get_random_bytes(32 * 10)  # ten blocks
    drawn = {s.name: 10_000 - s.buffered_bytes for s in pool.status().sources}
    assert drawn == {"heavy": 75 * 10, "light": 25 * 10}


def test_buffer_keeps_only_the_newest_bytes_and_drops_credit_with_the_rest():
    pool = EntropyPool(buffer_limit=1024)
    pool.add_source("s")
    pool.add_input("s", b"a" * 1000, 1000.0)
    pool.add_input("s", b"b" * 1000, 500.0)
    assert bytes(pool._buffers["s"].data) == b"a" * 24 + b"b" * 1000
    status = pool.status()
    assert status.sources[0].total_bytes == 2000
    assert status.balance_bits == pytest.approx(24 + 500) and status.dropped_bits == pytest.approx(976)
    assert pool.ledger().balanced


def test_input_changes_output():
    """Harvested input reaches the output: same state, different input, different output."""
    a = EntropyPool(os_random=False)
    b = EntropyPool(os_random=False)
    for pool, fill in ((a, 1), (b, 2)):
        pool.add_source("s")
        pool._state, pool._state_bits = hashlib.sha256(b"same").digest(), 256.0  # seeded alike
        pool.add_input("s", bytes([fill]) * 256)
    assert a.get_random_bytes(32) != b.get_random_bytes(32)


def test_record_collect_tracks_failures_and_health():
    pool = EntropyPool()
    pool.add_source("s")
    pool.record_collect("s", ok=True, duration_s=0.01, shannon=7.9, min_entropy=6.0)
    state = pool.status().sources[0]
    assert state.healthy and state.last_min_entropy == 6.0 and state.last_collect_time == 0.01
    pool.record_collect("s", ok=False, duration_s=0.2)
    state = pool.status().sources[0]
    assert not state.healthy and state.failures == 1 and state.last_shannon == 7.9
    pool.record_collect("s", ok=True, duration_s=0.01, shannon=0.5)
    assert not pool.status().sources[0].healthy  # upstream rule: > 1 bit/byte


def test_concurrent_readers_and_writers_get_distinct_bytes():
    pool = EntropyPool()
    pool.add_source("s")
    outputs: list[bytes] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def reader():
        try:
            mine = [pool.get_random_bytes(32 * 50) for _ in range(40)]
            with lock:
                outputs.extend(mine)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def writer():
        for _ in range(200):
            pool.add_input("s", b"x" * 300, 1.0)

    threads = [threading.Thread(target=reader) for _ in range(8)] + [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    all_blocks = [blk for out in outputs for blk in blocks(out)]
    assert len(all_blocks) == 8 * 40 * 50 == len(set(all_blocks))
    status = pool.status()
    assert status.output_bytes == 8 * 40 * 32 * 50 and status.blocks == 8 * 40 * 50
    assert status.credited_bits == 400.0 and status.mixed_bytes == 400 * 300
