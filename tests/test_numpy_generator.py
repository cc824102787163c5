"""numpy Generators fed by the pool: sane distributions, once-only bytes, reseeds, fork.

Statistical bounds are p > 1e-6 on fixed sample sizes: a healthy generator crosses one
in a million runs. Waits are bounded loops, never a bare sleep-then-assert.
"""

import os
import subprocess
import sys
import time

import numpy as np
import pytest
from scipy import stats

import openentropy
from openentropy import direct_bits, numpy_generator
from openentropy.direct_bits import FIRST_REFILL_BYTES, RING_BYTES, pool_bit_generator
from openentropy.seeded_bits import SEED_BYTES, PoolSeededPCG64DXSM



def test_the_ring_is_built():
    """pip install builds openentropy._ring (optional only for machines without a compiler)."""
    assert direct_bits.AVAILABLE


@pytest.fixture(scope="module")
def harvester():
    with openentropy.open("fast") as h:
        yield h


class CountingRead:
    """``read(n)``: consecutive 64-bit little-endian counters tagged with the pid, so
    every word says which call made it and in which process."""

    def __init__(self):
        self.next = 0
        self.sizes = []

    def __call__(self, n):
        assert n % 8 == 0
        words = np.arange(self.next, self.next + n // 8, dtype=np.uint64) | (np.uint64(os.getpid()) << np.uint64(40))
        self.next += n // 8
        self.sizes.append(n)
        return words.astype("<u8").tobytes()


def wait_until(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.mark.parametrize("mode", numpy_generator.MODES)
def test_a_million_bytes_pass_a_chi_square(harvester, mode):
    g = harvester.generator(mode)
    counts = np.bincount(g.integers(0, 256, 1_000_000), minlength=256)
    assert stats.chisquare(counts).pvalue > 1e-6
    u = g.random(1_000_000)
    assert 0.0 <= u.min() and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.003  # 10 sigma: sd of the mean 2.9e-4
    n = g.standard_normal(200_000)
    assert abs(n.mean()) < 0.02 and abs(n.std() - 1.0) < 0.02


@pytest.mark.parametrize("mode", numpy_generator.MODES)
def test_two_generators_never_draw_the_same_stream(harvester, mode):
    a, b = harvester.generator(mode), harvester.generator(mode)
    x = a.integers(0, 2**64, 10_000, dtype=np.uint64)
    y = b.integers(0, 2**64, 10_000, dtype=np.uint64)
    assert len(np.intersect1d(x, y)) == 0 and len(np.unique(x)) == len(x)


def test_direct_bits_are_the_pool_bytes_in_order_and_each_used_once():
    read = CountingRead()
    bits = pool_bit_generator(read)
    words = bits.random_raw(300_000)
    assert (words & np.uint64((1 << 40) - 1) == np.arange(300_000, dtype=np.uint64)).all()
    assert read.sizes[:3] == [FIRST_REFILL_BYTES, 2 * FIRST_REFILL_BYTES, 4 * FIRST_REFILL_BYTES]
    assert max(read.sizes) <= RING_BYTES and bits.state["bytes_in"] == sum(read.sizes)
    assert bits.state["unread"] == sum(read.sizes) - 8 * 300_000


def test_direct_32_bit_draws_use_both_halves_of_a_word_once():
    read = CountingRead()
    bits = pool_bit_generator(read)
    halves = np.random.Generator(bits).integers(0, 2**32, 4, dtype=np.uint32, endpoint=False)
    word0, word1 = (int(w) for w in np.frombuffer(CountingRead()(16), "<u8"))
    assert [int(h) for h in halves] == [word0 & 0xFFFFFFFF, word0 >> 32, word1 & 0xFFFFFFFF, word1 >> 32]


def test_direct_state_cannot_be_set():
    bits = pool_bit_generator(CountingRead())
    with pytest.raises(NotImplementedError):
        bits.state = {}


def test_a_forked_child_never_reads_its_parents_ring():
    read = CountingRead()
    bits = pool_bit_generator(read)
    bits.random_raw(10)  # the ring holds ~500 unread words the parent will use
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        os.write(w, bits.random_raw(100).tobytes())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        child = np.frombuffer(pipe.read(), np.uint64)
    os.waitpid(pid, 0)
    assert len(child) == 100
    assert ((child >> np.uint64(40)) == pid).all()  # every word was read in the child
    parent = bits.random_raw(100)
    assert ((parent >> np.uint64(40)) == os.getpid()).all()
    assert (parent & np.uint64((1 << 40) - 1) == np.arange(10, 110, dtype=np.uint64)).all()


@pytest.mark.parametrize("mode", numpy_generator.MODES)
def test_a_forked_harvester_generator_continues_no_stream_of_its_parent(harvester, mode):
    g = harvester.generator(mode)
    g.integers(0, 2**64, 10, dtype=np.uint64)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        os.write(w, g.integers(0, 2**64, 1000, dtype=np.uint64).tobytes())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        child = np.frombuffer(pipe.read(), np.uint64)
    os.waitpid(pid, 0)
    parent = g.integers(0, 2**64, 1000, dtype=np.uint64)
    assert len(child) == 1000 and len(np.intersect1d(child, parent)) == 0


def test_seeded_reseeds_on_its_schedule_from_256_pool_bits():
    read = CountingRead()
    bits = PoolSeededPCG64DXSM(read, reseed_interval=0.05)
    try:
        assert read.sizes == [SEED_BYTES]
        before = bits.state["state"]
        assert wait_until(lambda: bits.reseeds >= 3)
        assert read.sizes[:4] == [SEED_BYTES] * 4 and bits.state["state"] != before
        assert bits.reseed_error is None
    finally:
        bits.stop_reseeding()


def test_seeded_without_an_interval_reseeds_only_when_asked():
    read = CountingRead()
    bits = PoolSeededPCG64DXSM(read, reseed_interval=None)
    first = np.random.Generator(bits).integers(0, 2**64, 4, dtype=np.uint64)
    time.sleep(0.1)
    assert bits.reseeds == 0 and len(read.sizes) == 1
    bits.reseed()
    assert bits.reseeds == 1 and len(read.sizes) == 2
    again = np.random.Generator(bits).integers(0, 2**64, 4, dtype=np.uint64)
    assert len(np.intersect1d(first, again)) == 0


def test_seeded_keeps_the_reason_when_its_pool_fails():
    calls = []

    def read(n):
        calls.append(n)
        if len(calls) > 1:
            raise openentropy.HarvesterClosedError("closed")
        return bytes(range(n))

    bits = PoolSeededPCG64DXSM(read, reseed_interval=0.02)
    assert wait_until(lambda: bits.reseed_error is not None)
    assert isinstance(bits.reseed_error, openentropy.HarvesterClosedError) and bits.reseeds == 0
    np.random.Generator(bits).random(10)  # still usable on its last seed


def test_seeded_forked_child_leaves_its_parents_stream_then_reseeds_from_its_pool():
    read = CountingRead()
    bits = PoolSeededPCG64DXSM(read, reseed_interval=0.05)
    bits.stop_reseeding()  # the parent's thread is quiet; the child starts its own
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        first = bytes([bits.forks, len(read.sizes)]) + bits.random_raw(100).tobytes()
        reseeded = wait_until(lambda: bits.reseeds >= 1)
        os.write(w, first + bytes([reseeded, len(read.sizes)]))
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        out = pipe.read()
    os.waitpid(pid, 0)
    assert out[:2] == bytes([1, 1])  # re-keyed at the fork, before any pool read
    child = np.frombuffer(out[2:802], np.uint64)
    assert len(np.intersect1d(child, bits.random_raw(100))) == 0
    assert out[802:] == bytes([1, 2])  # then reseeded from the child's own read
    assert bits.forks == 0


def test_seed_sequence_holds_256_pool_bits(harvester):
    a, b = harvester.seed_sequence(), harvester.seed_sequence()
    assert a.pool_size == 8 and a.entropy != b.entropy and 0 < a.entropy < 2**256
    assert np.random.PCG64(a).random_raw() != np.random.PCG64(b).random_raw()


def test_entropy_pool_gives_both_generators_and_a_seed_sequence():
    with openentropy.EntropyPool.from_profile("fast") as pool:
        for mode in numpy_generator.MODES:
            assert 0 <= pool.generator(mode).integers(0, 10) < 10
        assert pool.seed_sequence().pool_size == 8


def test_upstream_name_is_the_direct_bit_generator(harvester):
    g = np.random.Generator(numpy_generator.EsotericBitGenerator(harvester))
    assert g.bit_generator.state["bit_generator"] == "openentropy.pool" and 0 <= g.random() < 1
    with pytest.raises(TypeError, match="Harvester or an EntropyPool"):
        numpy_generator.EsotericBitGenerator(object())


def test_bad_arguments_say_what_is_expected(harvester):
    with pytest.raises(ValueError, match="not one of direct, seeded"):
        harvester.generator("fast")
    with pytest.raises(ValueError, match="positive number of seconds"):
        harvester.generator("seeded", reseed_interval=0)


def test_without_the_ring_direct_mode_says_how_to_build_it(monkeypatch):
    monkeypatch.setattr(direct_bits, "AVAILABLE", False)
    with pytest.raises(direct_bits.RingNotBuiltError, match="mode='seeded'"):
        pool_bit_generator(CountingRead())


def test_a_ring_that_cannot_refill_aborts_instead_of_inventing_bits():
    code = (
        "from openentropy.direct_bits import pool_bit_generator\n"
        "def read(n):\n    raise RuntimeError('pool gone')\n"
        "print(pool_bit_generator(read).random_raw(1))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == -6 and done.stdout == ""  # SIGABRT, and no number printed
    assert "pool gone" in done.stderr and "aborting rather than repeating or inventing bits" in done.stderr
