"""Scheduling sources: contract, real sleeps, deadlines, parameters, unavailable paths."""

import errno
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from openentropy.errors import SourceUnavailableError
from openentropy.sources import _native
from openentropy.sources.scheduling import (
    PeCoreArithmetic,
    SchedYieldTiming,
    SleepJitter,
    ThreadLifecycle,
    TimerCoalescing,
)

BUDGET_NS = 250_000_000
SLACK_NS = 200_000_000  # the contract: back within deadline + 0.2 s

CASES = [
    (SleepJitter, "native"),
    (SleepJitter, "python"),
    (TimerCoalescing, "native"),
    (ThreadLifecycle, "native"),
    (ThreadLifecycle, "python"),
    (SchedYieldTiming, "native"),
    (SchedYieldTiming, "python"),
    (PeCoreArithmetic, "native"),
]


def task_count() -> int:
    return len(os.listdir("/proc/self/task"))


def settles_to(threads: int) -> bool:
    """True once at most ``threads`` tasks remain: a joined thread (pthread_join, or
    threading's join, which returns a little before the OS thread ends) can linger in
    /proc for a moment while the kernel finishes its exit."""
    give_up = time.monotonic() + 2.0
    while task_count() > threads and time.monotonic() < give_up:
        time.sleep(0.01)
    return task_count() <= threads


def collect_timed(source, n, budget_ns=BUDGET_NS):
    started = time.monotonic_ns()
    data = source.collect(n, started + budget_ns)
    assert time.monotonic_ns() - started <= budget_ns + SLACK_NS
    return data


@pytest.mark.parametrize(("cls", "backend"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_live_contract(cls, backend):
    source = cls(cls.Params(backend=backend))
    assert source.available(), source.available().reason
    threads = task_count()
    data = collect_timed(source, 1_000_000)  # more than most can do in 0.25 s
    assert data.dtype == np.uint64 and data.ndim == 1
    assert 0 < len(data) <= 1_000_000
    assert len(np.unique(data)) > 1
    assert (data < 10**9).all()  # durations, never a negative difference wrapped around
    assert settles_to(threads)  # every thread joined


@pytest.mark.parametrize(("cls", "backend"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_small_n_is_filled_exactly(cls, backend):
    data = cls(cls.Params(backend=backend)).collect(25, time.monotonic_ns() + 10 * 10**9)
    assert len(data) == 25


@pytest.mark.parametrize("backend", ["native", "python"])
@pytest.mark.parametrize("sleep_ns", [20_000, 300_000])
def test_sleep_jitter_really_sleeps(backend, sleep_ns):
    source = SleepJitter(SleepJitter.Params(backend=backend, sleep_ns=sleep_ns))
    started = time.monotonic_ns()
    data = source.collect(40, started + 10 * 10**9)
    elapsed = time.monotonic_ns() - started
    assert len(data) == 40
    assert (data >= sleep_ns).all(), data.min()
    assert elapsed >= 40 * sleep_ns


@pytest.mark.parametrize("backend", ["native", "python"])
def test_sleep_jitter_starts_no_sleep_past_its_deadline(backend):
    source = SleepJitter(SleepJitter.Params(backend=backend, sleep_ns=10_000_000))
    started = time.monotonic_ns()
    data = source.collect(100, started + 5_000_000)
    assert len(data) == 0 and time.monotonic_ns() - started < 5_000_000 + SLACK_NS


def test_timer_coalescing_keeps_its_grid():
    source = TimerCoalescing(TimerCoalescing.Params(interval_ns=1_000_000))
    started = time.monotonic_ns()
    data = source.collect(30, started + 10 * 10**9)
    assert len(data) == 30
    assert time.monotonic_ns() - started >= 30 * 1_000_000  # absolute deadlines, one per interval


def test_timer_coalescing_restores_the_thread_timer_slack():
    # /proc/<pid>/timerslack_ns is the main thread's, where pytest (and so the C loop) runs.
    assert threading.current_thread() is threading.main_thread()
    path = Path("/proc/self/timerslack_ns")
    before = path.read_text()
    data = TimerCoalescing(TimerCoalescing.Params(timer_slack_ns=1)).collect(50, time.monotonic_ns() + 10**9)
    assert len(data) == 50 and path.read_text() == before


def test_pe_core_arithmetic_chain_length_sets_the_duration():
    def median(chain_length):
        source = PeCoreArithmetic(PeCoreArithmetic.Params(chain_length=chain_length, yield_every=0))
        return float(np.median(source.collect(300, time.monotonic_ns() + 10**9)))

    assert median(20_000) > 3 * median(2_000)  # ten times the work; preemption cannot hide that


@pytest.mark.parametrize(
    ("cls", "params"),
    [
        (SleepJitter, {"sleep_ns": 0}),
        (SleepJitter, {"sleep_ns": 10**9}),
        (TimerCoalescing, {"interval_ns": 5}),
        (TimerCoalescing, {"timer_slack_ns": -1}),
        (PeCoreArithmetic, {"chain_length": 0}),
        (PeCoreArithmetic, {"yield_every": -1}),
        (SchedYieldTiming, {"samples": 3}),
    ],
)
def test_bad_params_are_rejected(cls, params):
    with pytest.raises(ValidationError):
        cls.Params(**params)


def test_defaults_run_with_empty_params():
    assert SleepJitter.Params().sleep_ns == 50_000
    assert TimerCoalescing.Params().interval_ns == 100_000
    assert PeCoreArithmetic.Params().chain_length == 2048


def test_native_loops_reject_bad_arguments():
    out = np.empty(4, dtype=np.uint64)
    buf = _native.ffi.from_buffer("uint64_t[]", out)
    deadline = time.monotonic_ns() + 10**9
    assert _native.lib.oe_sleep_jitter(buf, 4, deadline, 0) == -errno.EINVAL
    assert _native.lib.oe_timer_coalescing(buf, 4, deadline, 0, 0) == -errno.EINVAL
    assert _native.lib.oe_pe_core_arithmetic(buf, 4, deadline, 0, 1) == -errno.EINVAL


@pytest.mark.parametrize("cls", [TimerCoalescing, PeCoreArithmetic])
def test_native_only_sources_refuse_the_python_backend(cls):
    source = cls(cls.Params(backend="python"))
    reason = "this source has no pure-Python sampler; use backend 'auto' or 'native'"
    assert not source.available() and source.available().reason == reason
    with pytest.raises(SourceUnavailableError, match="no pure-Python sampler"):
        source.collect(10, time.monotonic_ns() + 10**9)


@pytest.mark.parametrize("cls", [SleepJitter, TimerCoalescing, ThreadLifecycle, SchedYieldTiming, PeCoreArithmetic])
def test_without_the_native_core(cls, monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    native = cls(cls.Params(backend="native"))
    assert native.available().reason == "native timing core not built"
    with pytest.raises(SourceUnavailableError, match="native timing core not built"):
        native.collect(10, time.monotonic_ns() + 10**9)
    auto = cls()
    if cls.has_python_fallback:  # auto falls back to the Python sampler, which really runs
        assert auto.available() and not auto.uses_native
        assert len(auto.collect(5, time.monotonic_ns() + 10**9)) == 5
    else:
        assert auto.available().reason == "native timing core not built"
