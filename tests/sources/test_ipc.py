"""IPC sources: contract, clean-up of threads and pipes, parameters, unavailable paths."""

import errno
import os
import time

import numpy as np
import pytest
from pydantic import ValidationError

from openentropy.errors import SourceUnavailableError
from openentropy.sources import _native
from openentropy.sources.ipc import PIPE_MESSAGE_MAX, FutexPingpong, PipeBuffer

BUDGET_NS = 250_000_000
SLACK_NS = 200_000_000  # the contract: back within deadline + 0.2 s

CASES = [
    pytest.param(PipeBuffer, {"backend": "native"}, id="pipe-native"),
    pytest.param(PipeBuffer, {"backend": "native", "two_threads": True}, id="pipe-native-two-threads"),
    pytest.param(PipeBuffer, {"backend": "python"}, id="pipe-python"),
    pytest.param(FutexPingpong, {}, id="futex"),
]


def counts() -> tuple[int, int]:
    """(threads, open descriptors) of this process."""
    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


def cleaned_up(before: tuple[int, int]) -> bool:
    """True once threads and descriptors are back to ``before`` (a joined thread can
    linger in /proc for a moment while the kernel finishes its exit)."""
    give_up = time.monotonic() + 2.0
    while counts() > before and time.monotonic() < give_up:
        time.sleep(0.01)
    now = counts()
    return now[0] <= before[0] and now[1] <= before[1]


@pytest.mark.parametrize(("cls", "params"), CASES)
def test_live_contract(cls, params):
    source = cls(cls.Params(**params))
    assert source.available(), source.available().reason
    before = counts()
    started = time.monotonic_ns()
    data = source.collect(3_000_000, started + BUDGET_NS)
    assert time.monotonic_ns() - started <= BUDGET_NS + SLACK_NS
    assert data.dtype == np.uint64 and data.ndim == 1
    assert 0 < len(data) <= 3_000_000
    assert len(np.unique(data)) > 1
    assert (data < 10**9).all()  # durations, never a negative difference wrapped around
    assert cleaned_up(before)


@pytest.mark.parametrize(("cls", "params"), CASES)
@pytest.mark.parametrize("n", [1, 7, 40])
def test_small_n_is_filled_exactly(cls, params, n):
    data = cls(cls.Params(**params)).collect(n, time.monotonic_ns() + 10 * 10**9)
    assert len(data) == n


@pytest.mark.parametrize(("cls", "params"), CASES)
def test_past_deadline_returns_nothing_and_cleans_up(cls, params):
    before = counts()
    data = cls(cls.Params(**params)).collect(100, time.monotonic_ns() - 1)
    assert len(data) == 0 and cleaned_up(before)


@pytest.mark.parametrize("two_threads", [False, True])
def test_largest_atomic_message(two_threads):
    source = PipeBuffer(PipeBuffer.Params(message_size=PIPE_MESSAGE_MAX, two_threads=two_threads))
    assert len(source.collect(50, time.monotonic_ns() + 10**9)) == 50


def test_echo_thread_adds_two_wake_ups():
    def median(two_threads):
        source = PipeBuffer(PipeBuffer.Params(two_threads=two_threads))
        return float(np.median(source.collect(2000, time.monotonic_ns() + 2 * 10**9)))

    # A write and a read, against the same plus two sleeps and wake-ups of a thread.
    assert median(True) > median(False)


def test_bad_params_are_rejected():
    for bad in [{"message_size": 0}, {"message_size": PIPE_MESSAGE_MAX + 1}, {"size": 8}]:
        with pytest.raises(ValidationError):
            PipeBuffer.Params(**bad)
    with pytest.raises(ValidationError):
        FutexPingpong.Params(rounds=3)


def test_native_loops_reject_bad_arguments():
    out = np.empty(4, dtype=np.uint64)
    buf = _native.ffi.from_buffer("uint64_t[]", out)
    deadline = time.monotonic_ns() + 10**9
    assert _native.lib.oe_pipe_buffer(buf, 4, deadline, 0, 0) == -errno.EINVAL
    assert _native.lib.oe_pipe_buffer(buf, 4, deadline, PIPE_MESSAGE_MAX + 1, 1) == -errno.EINVAL
    assert _native.lib.oe_futex_pingpong(buf, -1, deadline) == -errno.EINVAL


def test_python_pipe_cannot_echo_through_a_thread():
    source = PipeBuffer(PipeBuffer.Params(backend="python", two_threads=True))
    reason = "the Python sampler runs in one thread only; two_threads needs the native core"
    assert source.available().reason == reason
    with pytest.raises(SourceUnavailableError, match="two_threads needs the native core"):
        source.collect(10, time.monotonic_ns() + 10**9)


def test_futex_pingpong_has_no_python_sampler():
    source = FutexPingpong(FutexPingpong.Params(backend="python"))
    assert source.available().reason == "this source has no pure-Python sampler; use backend 'auto' or 'native'"
    with pytest.raises(SourceUnavailableError, match="no pure-Python sampler"):
        source.collect(10, time.monotonic_ns() + 10**9)


def test_without_the_native_core(monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    for source in [FutexPingpong(), PipeBuffer(PipeBuffer.Params(backend="native"))]:
        assert source.available().reason == "native timing core not built"
        with pytest.raises(SourceUnavailableError, match="native timing core not built"):
            source.collect(10, time.monotonic_ns() + 10**9)
    fallback = PipeBuffer()  # auto: the Python sampler really runs
    assert fallback.available() and not fallback.uses_native
    assert len(fallback.collect(5, time.monotonic_ns() + 10**9)) == 5
