"""SP 800-90B 4.4 health tests: cutoffs, fault injection, false alarms, quarantine."""

import math

import numpy as np
import pytest
from scipy.stats import binom

from openentropy.engine.health import (
    STARTUP_SAMPLES,
    AdaptiveProportionTest,
    HealthMonitor,
    HealthState,
    RepetitionCountTest,
    apt_cutoff,
    rct_cutoff,
)


def critbinom(n: int, p: float, q: float) -> int:
    """Smallest k with CDF(k) >= q, by walking the CDF (independent of binom.ppf)."""
    k, cdf = 0, binom.pmf(0, n, p)
    while cdf < q:
        k += 1
        cdf += binom.pmf(k, n, p)
    return k


@pytest.mark.parametrize("h", [0.5, 1.0, 2.0, 3.3, 8.0])
def test_rct_cutoff_formula(h):
    assert rct_cutoff(h) == 1 + math.ceil(20 / h)
    assert rct_cutoff(h, alpha=2.0**-40) == 1 + math.ceil(40 / h)


def test_rct_cutoff_sp800_90b_example():
    # SP 800-90B 4.4.1: H = 2.0 bits, alpha = 2^-20 gives C = 11
    assert rct_cutoff(2.0) == 11


@pytest.mark.parametrize("h, window", [(1.0, 1024), (0.5, 1024), (1.0, 512), (4.0, 512), (7.5, 512)])
def test_apt_cutoff_is_the_binomial_quantile(h, window):
    expected = min(window, 1 + critbinom(window, 2.0**-h, 1 - 2.0**-20))
    assert apt_cutoff(h, window) == expected


def test_apt_cutoff_grows_as_entropy_falls():
    cutoffs = [apt_cutoff(h, 512) for h in (8.0, 4.0, 2.0, 1.0, 0.5)]
    assert cutoffs == sorted(cutoffs) and cutoffs[-1] <= 512
    assert apt_cutoff(1.0, 512) == 311  # mean 256 + ~4.9 standard deviations (11.3) at alpha = 2^-20


def test_invalid_entropy_rejected():
    with pytest.raises(ValueError):
        rct_cutoff(0)
    with pytest.raises(ValueError):
        apt_cutoff(-1, 512)


def test_stuck_source_fails_rct_within_c_samples():
    cutoff = rct_cutoff(2.0)
    test = RepetitionCountTest(cutoff)
    assert test.feed(np.array([1, 2, 3, 4], np.uint8)) == -1
    assert test.feed(np.full(100, 7, np.uint8)) == cutoff - 1  # the C-th identical symbol fails


def test_rct_counts_runs_across_calls():
    test = RepetitionCountTest(5)
    assert test.feed(np.array([1, 9, 9, 9], np.uint8)) == -1
    assert test.feed(np.array([9, 9, 3], np.uint8)) == 1  # run of 3 carried, 2 more reach 5


def test_apt_detects_a_frequency_jump():
    rng = np.random.default_rng(11)
    h = 6.0
    test = AdaptiveProportionTest(apt_cutoff(h, 512), 512)
    healthy = rng.integers(0, 256, 512 * 40).astype(np.uint8)
    assert test.feed(healthy) == -1
    jumped = np.where(rng.random(512 * 4) < 0.5, 42, rng.integers(0, 256, 512 * 4)).astype(np.uint8)
    jumped[0] = 42  # the window's reference symbol is the one that became frequent
    assert test.feed(jumped) >= 0


def test_apt_windows_span_calls():
    test = AdaptiveProportionTest(cutoff=4, window=8)
    assert test.feed(np.array([5, 5, 1], np.uint8)) == -1
    assert test.feed(np.array([5, 5], np.uint8)) == 1  # the 4th 5 in the same window


def test_false_alarm_rate_is_consistent_with_alpha():
    """iid uniform bytes, true H = 8: over many windows, alarms stay within alpha's budget."""
    rng = np.random.default_rng(2024)
    alpha, h, window, windows = 2.0**-8, 8.0, 512, 4000
    data = rng.integers(0, 256, window * windows).astype(np.uint8)
    cutoff = apt_cutoff(h, window, alpha)
    rows = data.reshape(windows, window)
    apt_alarms = int(((rows == rows[:, :1]).sum(axis=1) >= cutoff).sum())
    assert apt_alarms / windows <= 2 * alpha  # expected count <= 15.6; observed is far below
    rct = rct_cutoff(h, alpha)  # = 2: any immediate repeat
    repeats = int((data[1:] == data[:-1]).sum())
    assert repeats / len(data) <= 2 * alpha


def test_monitor_startup_then_healthy():
    rng = np.random.default_rng(5)
    monitor = HealthMonitor(h=4.0)
    first = monitor.check(rng.integers(0, 256, 1000).astype(np.uint8), now=0.0)
    assert first.state is HealthState.STARTUP and len(first.accepted) == 0
    second = monitor.check(rng.integers(0, 256, 1000).astype(np.uint8), now=1.0)
    assert second.state is HealthState.HEALTHY and len(second.accepted) == 2000 - STARTUP_SAMPLES
    third = monitor.check(rng.integers(0, 256, 500).astype(np.uint8), now=2.0)
    assert len(third.accepted) == 500


def test_monitor_quarantine_backoff_and_recovery():
    rng = np.random.default_rng(6)
    good = lambda n: rng.integers(0, 256, n).astype(np.uint8)  # noqa: E731
    monitor = HealthMonitor(h=4.0, backoff_s=1.0)
    monitor.check(good(2000), now=0.0)
    stuck = monitor.check(np.zeros(100, np.uint8), now=1.0)
    assert stuck.state is HealthState.QUARANTINED and stuck.failure.test == "repetition_count"
    assert len(stuck.accepted) == 0 and monitor.failure_count == 1
    waiting = monitor.check(good(2000), now=1.5)  # back-off (1 s) not over: nothing mixed
    assert waiting.state is HealthState.QUARANTINED and len(waiting.accepted) == 0
    again = monitor.check(np.zeros(100, np.uint8), now=2.1)  # retested, fails again
    assert again.state is HealthState.QUARANTINED and monitor.failure_count == 2
    assert monitor.check(good(2000), now=3.5).state is HealthState.QUARANTINED  # back-off doubled to 2 s
    recovered = monitor.check(good(2000), now=4.2)  # start-up passes on the retest
    assert recovered.state is HealthState.HEALTHY and len(recovered.accepted) == 2000 - STARTUP_SAMPLES


@pytest.mark.parametrize("window", [512, 1024])
def test_critbinom_equals_scipys_binomial_quantile(window):
    from scipy.stats import binom

    from openentropy.engine.health import critbinom

    for h in (0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 4, 6, 8):
        for alpha in (2.0**-20, 2.0**-40, 1e-9):
            assert critbinom(window, 2.0**-h, alpha) == int(binom.ppf(1 - alpha, window, 2.0**-h)), (h, alpha)
