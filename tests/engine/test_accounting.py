"""Entropy accounting: the ledger, full_entropy output (blocking and timeout), crediting."""

import threading
import time

import pytest

from openentropy.engine.accounting import EntropyAccount
from openentropy.engine.errors import EntropyTimeoutError, PoolError
from openentropy.engine.loader import load_profile, load_profile_text
from openentropy.engine.pool import BITS_PER_FULL_BLOCK, EntropyPool
from openentropy.engine.runner import Harvest


def test_ledger_arithmetic_and_cap():
    account = EntropyAccount(capacity_bits=1000)
    account.credit(600)
    assert account.try_debit(250) and not account.try_debit(400)
    account.credit(900)  # only 650 fits
    ledger = account.ledger()
    assert (ledger.credited_in, ledger.drawn_out, ledger.balance, ledger.dropped) == (1500, 250, 1000, 250)


def test_wait_debit_blocks_until_credit_arrives():
    account = EntropyAccount(capacity_bits=10_000)
    threading.Timer(0.1, account.credit, args=(500,)).start()
    started = time.monotonic()
    assert account.wait_debit(400, timeout_s=10)
    assert 0.05 < time.monotonic() - started < 5
    assert account.available() == pytest.approx(100)


def test_wait_debit_times_out_and_refuses_more_than_capacity():
    account = EntropyAccount(capacity_bits=100)
    assert not account.wait_debit(50, timeout_s=0.05)
    account.credit(100)
    assert not account.wait_debit(200, timeout_s=10)  # could never be satisfied: no wait


def fed_pool(bits: float, mode: str = "full_entropy") -> EntropyPool:
    pool = EntropyPool(mode=mode, os_random=False, timeout_s=0.2)
    pool.add_source("s")
    pool.mix("s", bytes(range(256)) * 16)
    pool.credit("s", bits)
    return pool


def test_full_entropy_releases_a_block_per_320_credited_bits():
    assert BITS_PER_FULL_BLOCK == 256 + 64
    pool = fed_pool(3 * 320 + 100)
    assert pool.available_bytes() == 96
    assert len(pool.get_random_bytes(96)) == 96
    status = pool.status()
    assert status.drawn_bits == 960 and status.balance_bits == pytest.approx(100) and status.bits_out == 768


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
    threading.Timer(0.1, pool.credit, args=("s", 640.0)).start()
    assert len(pool.get_random_bytes(64, timeout_s=10)) == 64


def test_sha256_mode_never_waits_and_never_debits():
    pool = fed_pool(0, mode="sha256")
    assert pool.available_bytes() is None and len(pool.get_random_bytes(4096)) == 4096
    assert pool.status().drawn_bits == 0


def test_unknown_mode_rejected():
    with pytest.raises(PoolError, match="unknown pool mode"):
        EntropyPool(mode="xor")


def test_reference_sources_never_back_full_entropy_output():
    pool = EntropyPool(mode="full_entropy", timeout_s=0.05)
    pool.add_source("os_random", physical=False)
    pool.mix("os_random", bytes(4096))
    pool.credit("os_random", 32768)
    with pytest.raises(EntropyTimeoutError):
        pool.get_random_bytes(32)


def test_paranoid_is_full_entropy_without_os_randomness():
    p = load_profile("paranoid")
    assert p.pool.mode == "full_entropy" and p.pool.os_random is False


def test_full_entropy_run_emits_only_credited_bytes():
    p = load_profile_text(
        "name: f\nsources:\n  - {name: 'oe_test_sources:CountingSource', samples: 4096, health: {min_entropy: 2}}\n"
        "pool: {mode: full_entropy, os_random: false}\nsinks: [{type: 'null'}]\nrun: {rounds: 3, bytes_per_round: 1000000}\n"
    )
    with Harvest(p) as harvest:
        results = list(harvest.rounds())
        status = harvest.pool.status()
    credited = sum(s.credited_bits for r in results for s in r.sources)
    out = sum(r.bytes_out for r in results)
    assert 0 < out and out * 8 / 256 * 320 <= credited + 1e-6  # every block backed by 320 credited bits
    assert status.drawn_bits == out / 32 * 320


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
    pool.mix("s", bytes(range(256)) * 16)
    assert pool.available_bytes() == 0  # no credit yet: cannot seed
    pool.credit("s", 10 * 320)
    assert pool.available_bytes() is None
    first = pool.get_random_bytes(800)
    status = pool.status()
    assert status.drbg_reseeds == 1 and status.drawn_bits == 2 * 320  # 32 B seed + 16 B nonce = 2 blocks
    pool.get_random_bytes(800)  # 800 >= ... not yet due (800 < 1000)
    pool.get_random_bytes(800)  # 1600 since seeding: reseed with one 32-byte full-entropy block
    assert pool.status().drbg_reseeds == 2 and pool.status().drawn_bits == 3 * 320
    assert len(first) == 800 and pool.status().output_bytes == 2400


def test_drbg_mode_prediction_resistance_reseeds_every_request():
    pool = EntropyPool(mode="drbg", timeout_s=0.2, drbg={"kind": "hmac_sha256", "prediction_resistance": True})
    pool.add_source("s")
    pool.credit("s", 20 * 320)
    outputs = {pool.get_random_bytes(64) for _ in range(4)}
    assert len(outputs) == 4 and pool.status().drbg_reseeds == 4


def test_drbg_mode_without_credit_times_out_clearly():
    pool = EntropyPool(mode="drbg", timeout_s=0.05)
    pool.add_source("s")
    with pytest.raises(EntropyTimeoutError, match="full_entropy: waited"):
        pool.get_random_bytes(16)


def test_drbg_profile_section_validates():
    p = load_profile_text("name: d\nsources: [{name: clock_jitter}]\npool:\n  mode: drbg\n  drbg: {kind: hmac_sha256, reseed_bytes: 4096, reseed_seconds: 10s}\n")
    assert p.pool.drbg.kind == "hmac_sha256" and p.pool.drbg.reseed_seconds == 10.0
    from openentropy.engine.errors import ProfileError

    with pytest.raises(ProfileError, match=r"pool.drbg.kind"):
        load_profile_text("name: d\nsources: [{name: clock_jitter}]\npool:\n  drbg: {kind: aes128}\n")
