"""Faults cannot hide behind a profile's stages, behind patterns, or behind repetition.

Health tests and credit are about a source's canonical symbols (its own extraction
stages applied to the raw samples) and are counted per raw sample, whatever stages a
profile sets for mixing (issue 10, section 3).
"""

import pytest

from openentropy.engine.loader import load_profile_text
from openentropy.engine.outcome import Status
from openentropy.engine.runner import Harvest

ROUNDS, SAMPLES = 6, 8192


def run_source(name: str, stages: str = "", rounds: int = ROUNDS, samples: int = SAMPLES, extra: str = ""):
    text = (
        f"name: f\nsources:\n  - {{name: 'oe_test_sources:{name}', samples: {samples}, deadline: 1s{stages}{extra}}}\n"
        f"sinks: [{{type: 'null'}}]\nrun: {{rounds: {rounds}, bytes_per_round: 32}}\n"
    )
    with Harvest(load_profile_text(text)) as harvest:
        results = [s for r in harvest.rounds() for s in r.sources]
        return results, harvest.status()


@pytest.mark.parametrize("stages", ["", ", stages: [{type: sha256}]", ", stages: [{type: raw}]"])
def test_a_stuck_timer_earns_nothing_whatever_its_stages(stages):
    """Before: 0 bits with its own stages, 48,128 with sha256, 392,192 with raw."""
    results, status = run_source("StuckTimerSource", stages)
    assert status.credited_bits == 0 and status.balance_bits == 0
    assert results[0].status is Status.QUARANTINED and "repetition_count" in results[0].error
    assert status.sources[0].health_failures >= 1


def test_credit_never_exceeds_the_declared_h_per_raw_sample():
    """Before: each uint64 sample of a raw stage became 8 byte symbols, each credited."""
    results, status = run_source("WideNoiseSource", ", stages: [{type: raw}]", rounds=3)
    ok = [s for s in results if s.ok]
    assert ok and all(s.bytes == 8 * s.samples for s in ok)  # mixed: every byte of every sample
    for s in ok:
        assert 0 < s.credited_bits <= 1.0 * s.samples  # declared H = 1 bit per sample
    assert status.credited_bits <= 1.0 * sum(s.samples for s in ok)


def test_a_fixed_seed_generator_fails_its_health_tests_on_the_second_round():
    results, status = run_source("FixedSeedSource", rounds=3)
    assert results[0].ok  # fresh-looking the first time (after start-up)
    assert results[1].status is Status.QUARANTINED and "repeated_block" in results[1].error
    assert status.sources[0].credited_bits == results[0].credited_bits
    assert "repeated_block" in status.sources[0].last_health_failure


def test_a_quarantined_source_slows_full_entropy_output_but_never_stops_it():
    text = (
        "name: f\nsources:\n"
        "  - {name: 'oe_test_sources:UniformSource', samples: 4096}\n"
        "  - {name: 'oe_test_sources:StuckSource', samples: 4096, weight: 10}\n"
        "pool: {mode: full_entropy, os_random: false, input_per_block: 64}\n"
        "sinks: [{type: 'null'}]\nrun: {rounds: 4, bytes_per_round: 4096}\n"
    )
    with Harvest(load_profile_text(text)) as harvest:
        results = list(harvest.rounds())
        status = harvest.status()
    assert sum(r.bytes_out for r in results[1:]) > 0
    stuck = next(s for s in status.sources if "Stuck" in s.name)
    assert stuck.health == "quarantined" and stuck.credited_bits == 0 and stuck.total_bytes == 0
    assert status.drawn_bits >= 320 * status.full_entropy_blocks and harvest.ledger().balanced


@pytest.mark.parametrize("period", [256, 3])
def test_predictable_patterns_earn_a_few_percent_of_their_declared_h_at_most(period):
    """Before: a byte counter and a period-3 pattern were credited the full declared
    H (4 bits a byte here): MCV and Markov see a flat histogram and busy bits. Now the
    counter passes the health tests but the online estimate (deflate bound) sees it; the
    period-3 pattern fails the adaptive proportion test outright."""
    results, status = run_source("PatternSource", rounds=4, samples=4000, extra=f", params: {{period: {period}}}")
    samples = sum(s.samples for s in results)
    assert status.credited_bits <= 0.05 * 4.0 * samples
    if period == 256:
        assert sum(s.ok for s in results) >= 3  # fresh blocks every round, no health failure
