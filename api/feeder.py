"""One served profile: its pool kept filling in the background, its output kept ready.

    ServedPool(profile, ref)      a Harvest of ``profile`` plus an ``OutputBuffer``
    .start() / .stop()            two daemon threads each, started and joined here
    await .draw(n, timeout_s)     n fresh bytes, or None when the pool cannot deliver in time

Threads (per profile)
    oe-harvest/NAME   runs the profile's rounds forever (the profile's ``run`` limits are
                      dropped): collect, health-test, mix, credit. Each round's output goes
                      into the buffer (a round in full_entropy mode emits only what its
                      credit covers, so nothing credited is wasted).
    oe-refill/NAME    when the buffer runs low, tops it up straight from the pool, but only
                      while the pool can deliver without waiting for credit
                      (``available_bytes() is None``: sha256 mode, or drbg once seeded). It
                      starts after the first round, so nothing is served before the
                      sources have been mixed in at least once.

The event loop never touches the pool on the request path: ``draw`` first takes bytes
from the buffer (a lock held for one copy), and only when that is short waits for more in
a worker thread, bounded by ``timeout_s``. Per-source reads (``source=NAME``) collect from
their own instances of the sources (``taps.py``), never the harvest's.
"""

from __future__ import annotations

import logging
import threading
import time

import anyio
import anyio.to_thread

from openentropy.engine.errors import EntropyTimeoutError, PoolError
from openentropy.engine.profile import Profile
from openentropy.engine.runner import Harvest
from openentropy.pipelines.sinks import NullSinkSpec, Sink

from .buffer import OutputBuffer
from .taps import SourceTap

log = logging.getLogger("openentropy.api")

#: Most bytes the refill thread draws from the pool at once: big enough to amortise the
#: per-call cost, small enough that the pool lock is never held for long (~2 ms).
REFILL_CHUNK = 16384
#: Longest a start waits for a pool's first round, so the first requests find output
#: ready; a pool still not ready after this is served anyway (requests may then 503).
READY_TIMEOUT_S = 10.0
#: How long ``stop`` waits for each thread; a round ends within its sources' deadlines.
JOIN_TIMEOUT_S = 5.0


class BufferSink(Sink):
    """The harvest's only sink: its round output goes into the serving buffer."""

    label = "serving buffer"

    def __init__(self, buffer: OutputBuffer):
        super().__init__()
        self._buffer = buffer

    def write(self, data: bytes) -> None:
        self.bytes_written += self._buffer.put(data)


def serving_profile(profile: Profile) -> Profile:
    """``profile`` as the server runs it: rounds until stopped, output to the buffer only."""
    run = profile.run.model_copy(update={"rounds": None, "bytes": None})
    return profile.model_copy(update={"sinks": [NullSinkSpec()], "run": run})


class ServedPool:
    def __init__(self, profile: Profile, ref: "str | Profile | None" = None, *, buffer_bytes: int | None = None):
        self.profile = profile
        self.ref = ref if ref is not None else profile  # what it was loaded from, for reloads
        self.name = profile.name
        self.harvest = Harvest(serving_profile(profile))
        capacity = buffer_bytes or max(profile.server.buffer_bytes, 2 * profile.server.max_bytes)
        self.buffer = OutputBuffer(capacity)
        self.rounds = 0
        self.bytes_served = 0
        self.last_error = ""
        self.started_at = time.time()
        self._stop = threading.Event()
        self._first_round = threading.Event()
        self._threads: list[threading.Thread] = []
        self._taps: dict[str, SourceTap] = {}
        self._taps_lock = threading.Lock()

    @property
    def pool(self):
        return self.harvest.pool

    @property
    def ready(self) -> bool:
        return self._first_round.is_set()

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the first round has completed (or ``timeout_s``); True if it has."""
        return self._first_round.wait(timeout_s)

    def start(self) -> "ServedPool":
        self.harvest.runtime.open_sinks()
        self.harvest.runtime.sinks = [BufferSink(self.buffer)]
        for role, target in (("harvest", self._harvest_loop), ("refill", self._refill_loop)):
            thread = threading.Thread(target=target, name=f"oe-{role}/{self.name}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT_S)
        for problem in self.harvest.close():
            log.warning("profile %s: %s", self.name, problem)

    # --- background threads --------------------------------------------------

    def _harvest_loop(self) -> None:
        while not self._stop.is_set():
            try:
                for result in self.harvest.rounds(self._stop):
                    self.rounds += 1
                    self._first_round.set()
                    if result.bytes_out or not self.last_error.startswith("no output"):
                        self.last_error = ""
            except EntropyTimeoutError as error:  # a starved full_entropy pool: report it, keep harvesting
                self.last_error = str(error)
                log.warning("profile %s: %s", self.name, error)
            except Exception as error:  # keep serving what the pool has; say why rounds stopped
                self.last_error = f"{type(error).__name__}: {error}"
                log.exception("profile %s: round failed", self.name)
                self._stop.wait(1.0)

    def _refill_loop(self) -> None:
        while not self._first_round.wait(0.1):
            if self._stop.is_set():
                return
        while not self._stop.is_set():
            want = self.buffer.wait_for_demand(0.25)
            while want > 0 and not self._stop.is_set():
                if self.pool.available_bytes() is not None:  # credit-bound: the rounds fill the buffer
                    self._stop.wait(0.05)
                    break
                n = min(want, REFILL_CHUNK)
                try:
                    data = self.pool.get_random_bytes(n, timeout_s=self.profile.server.timeout)
                except PoolError as error:
                    self.last_error = str(error)
                    self._stop.wait(0.5)
                    break
                self.buffer.put(data)
                want -= n

    # --- request side ----------------------------------------------------------

    async def draw(self, n: int, timeout_s: float, limiter: anyio.CapacityLimiter | None = None) -> bytes | None:
        """``n`` bytes never handed out before, or None after ``timeout_s``."""
        data = self.buffer.take(n)
        if data is None:
            with anyio.move_on_after(timeout_s):
                data = await anyio.to_thread.run_sync(
                    self.buffer.wait_take, n, timeout_s, abandon_on_cancel=True, limiter=limiter
                )
        if data is not None:
            self.bytes_served += n
        return data

    def tap(self, name: str) -> SourceTap:
        """This profile's private reader of source ``name`` (created on first use)."""
        with self._taps_lock:
            if name not in self._taps:
                spec = next(s for s in self.profile.sources if s.name == name)
                self._taps[name] = SourceTap(spec)
            return self._taps[name]

    def source_names(self) -> list[str]:
        return [s.name for s in self.profile.sources]
