"""A sink that passes pool bytes on to another at no more than ``rate`` bytes a second.

A token bucket: tokens (bytes) accrue at ``rate`` per second up to ``burst``; a write
goes out in slices of at most ``burst`` bytes, each waiting until the bucket holds it.
Over any span of ``t`` seconds at most ``burst + rate * t`` bytes pass, so with
``burst`` a quarter of a second's worth (``BURST_S``) a rate is accurate to a quarter of
a second's output, however long the run. The bucket starts full, so the first bytes go
out at once, and a pause of up to ``BURST_S`` in the bytes given to it (a harvest round
collecting) costs no rate. Waits sleep in steps of at most ``STOP_CHECK_S`` and end when ``stop`` is set;
the write then returns, dropping the bytes it had not passed on.

No buffering of its own: a slice is written to the inner sink as soon as it is allowed.
``bytes_written`` is the inner sink's count.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .sinks import Sink

#: The bucket holds this many seconds of output: the most that can pass at once, and the
#: longest pause it makes up for (a round of the shipped profiles collects in 20-100 ms).
BURST_S = 0.25
#: The most one slice may hold, whatever the rate (a round of 64 MiB is cut in 1 MiB slices).
MAX_BURST = 1 << 20
#: Longest sleep before ``stop`` is checked again.
STOP_CHECK_S = 0.1


class TokenBucket:
    """Tokens accrue at ``rate`` a second up to ``burst``; ``delay(n)`` says how long until ``n`` are there."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate and burst must be positive, got rate={rate!r}, burst={burst!r}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def delay(self, n: int) -> float:
        """Seconds until ``n`` tokens (at most ``burst``) are in the bucket; 0 if they are now."""
        self._refill()
        return max(0.0, (n - self._tokens) / self.rate)

    def take(self, n: int) -> None:
        """Spend ``n`` tokens (call once ``delay(n)`` is 0)."""
        self._refill()
        self._tokens -= n


def burst_for(rate: float) -> int:
    """The bucket size for ``rate``: ``BURST_S`` of output, at least 1 byte, at most ``MAX_BURST``."""
    return max(1, min(MAX_BURST, int(rate * BURST_S)))


class ThrottledSink(Sink):
    """Writes to ``inner`` at most ``rate`` bytes a second (see the module docstring)."""

    def __init__(self, inner: Sink, rate: float, stop: threading.Event | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        # no Sink.__init__: bytes_written is the inner sink's
        self.inner = inner
        self.label = inner.label
        self.bucket = TokenBucket(rate, burst_for(rate), clock)
        self._stop = stop or threading.Event()
        self._sleep = sleep

    @property
    def bytes_written(self) -> int:
        return self.inner.bytes_written

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            piece = view[: self.bucket.burst]
            while (wait := self.bucket.delay(len(piece))) > 0:
                if self._stop.is_set():
                    return
                self._sleep(min(wait, STOP_CHECK_S))
            if self._stop.is_set():
                return
            self.bucket.take(len(piece))
            self.inner.write(piece)
            view = view[len(piece):]

    def close(self) -> None:
        self.inner.close()
