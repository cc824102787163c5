"""The token bucket behind ``oe stream --rate``, on a fake clock (no wall-clock asserts)."""

import threading

import pytest

from openentropy.pipelines.sinks import NullSink
from openentropy.pipelines.throttled_sink import MAX_BURST, ThrottledSink, TokenBucket, burst_for


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Recorder(NullSink):
    def __init__(self, clock):
        super().__init__()
        self.clock = clock
        self.writes = []  # (time, size)

    def write(self, data):
        self.writes.append((self.clock.now, len(data)))
        super().write(data)


def test_bucket_starts_full_refills_at_the_rate_and_caps_at_the_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=1000, burst=250, clock=clock)
    assert bucket.delay(250) == 0
    bucket.take(250)
    assert bucket.delay(100) == pytest.approx(0.1)
    clock.now += 10  # a long pause saves up no more than the burst
    assert bucket.delay(250) == 0
    bucket.take(250)
    assert bucket.delay(1) == pytest.approx(0.001)
    with pytest.raises(ValueError):
        TokenBucket(rate=0, burst=1)


def test_burst_is_a_quarter_second_of_output_within_bounds():
    assert burst_for(1000) == 250 and burst_for(0.5) == 1 and burst_for(1e12) == MAX_BURST


def test_throttled_sink_passes_at_most_burst_plus_rate_times_elapsed():
    clock = FakeClock()
    inner = Recorder(clock)
    sink = ThrottledSink(inner, rate=1000, clock=clock, sleep=clock.sleep)
    start = clock.now
    sink.write(bytes(5000))
    assert inner.bytes_written == sink.bytes_written == 5000
    assert all(size <= 250 for _, size in inner.writes)
    assert clock.now - start == pytest.approx((5000 - 250) / 1000)  # the first 250 went at once
    passed = 0
    for when, size in inner.writes:
        passed += size
        assert passed <= 250 + 1000 * (when - start) + 1e-6
    assert max(clock.slept) <= 0.1 + 1e-9  # sleeps stay short, so a stop is seen quickly


def test_a_set_stop_ends_the_write_and_drops_the_rest():
    clock = FakeClock()
    stop = threading.Event()
    inner = Recorder(clock)

    def sleep(seconds):
        clock.sleep(seconds)
        if clock.now - 100.0 > 1.0:
            stop.set()

    ThrottledSink(inner, rate=100, stop=stop, clock=clock, sleep=sleep).write(bytes(10_000))
    assert 100 <= inner.bytes_written <= 25 + 100 * 1.2
