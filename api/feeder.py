"""One served profile: its pool kept filling in the background, its output kept ready.

    ServedPool(profile, ref)      a Harvest of ``profile``, and an ``OutputBuffer`` when its
                                  output may be made ahead of requests
    .start() / .stop()            its threads, started and joined here
    await .draw(n, timeout_s)     n fresh bytes, or None when the pool cannot deliver in time

All output leaves the pool through ``get_random_bytes``; the harvest's rounds produce none
of their own. Who draws it depends on what the output must mean:

    made ahead (sha256, full_entropy, drbg)   oe-refill/NAME tops the buffer up when it
                                  runs low (a full_entropy buffer: whenever it has room),
                                  drawing only what fits and never waiting
                                  (``draw(n, 0)``): in full_entropy mode that is the whole
                                  blocks credit covers now, so credited output is never
                                  thrown away for want of room. It starts after the first
                                  round: nothing is served before the sources have been
                                  mixed in at least once.
    on request (drbg with prediction_resistance)   no buffer, no refill: each request
                                  (each stream chunk) draws from the pool itself in a worker
                                  thread, and the DRBG reseeds with fresh full-entropy input
                                  right before generating it (SP 800-90A 9.3.1). Output
                                  made earlier, however recently, would not be prediction
                                  resistant: a state captured after it was generated but
                                  before it was served would predict it.

Threads (per profile)
    oe-harvest/NAME   runs the profile's rounds until stopped (``run.interval`` apart):
                      collect, health-test, mix, credit; each round draws no output.
    oe-refill/NAME    output made ahead only, as above.

The event loop never touches the pool on the request path: ``draw`` first takes bytes
from the buffer (a lock held for one copy), and only when that is short waits for more in
a worker thread, bounded by ``timeout_s``. Per-source reads (``source=NAME``) collect from
their own instances of the sources (engine/source_reader.py), never the harvest's.
"""

from __future__ import annotations

import logging
import threading
import time

import anyio
import anyio.to_thread

from openentropy.errors import PoolError
from openentropy.engine import BLOCK
from openentropy.engine.source_reader import SourceReader
from openentropy.engine.profile import Profile
from openentropy.engine.runner import Harvest

from .buffer import OutputBuffer

log = logging.getLogger("openentropy.api")

#: Most bytes the refill thread draws from the pool at once: big enough to amortise the
#: per-call cost, small enough that the pool lock is never held for long (~2 ms).
REFILL_CHUNK = 16384
#: How often the refill thread looks again while the pool has nothing to give (a round
#: brings credit at most every run.interval; 50 ms keeps the lag below a typical round).
STARVED_POLL_S = 0.05
#: Longest a start waits for a pool's first round, so the first requests find output
#: ready; a pool still not ready after this is served anyway (requests may then 503).
READY_TIMEOUT_S = 10.0
#: How long ``stop`` waits for each thread; a round ends within its sources' deadlines.
JOIN_TIMEOUT_S = 5.0


def made_ahead(profile: Profile) -> bool:
    """May this profile's output be generated before a request asks for it?"""
    return not (profile.pool.mode == "drbg" and profile.pool.drbg.prediction_resistance)


class ServedPool:
    def __init__(self, profile: Profile, ref: "str | Profile | None" = None, *, buffer_bytes: int | None = None):
        self.profile = profile
        self.ref = ref if ref is not None else profile  # what it was loaded from, for reloads
        self.name = profile.name
        self.harvest = Harvest(profile, sinks=[])  # output goes to clients, not the profile's sinks
        self.ahead = made_ahead(profile)
        self.credited = profile.pool.mode == "full_entropy"  # its output carries debited credit
        capacity = buffer_bytes or max(profile.server.buffer_bytes, 2 * profile.server.max_bytes)
        self.buffer = OutputBuffer(capacity)  # stays empty when not ``ahead``
        self.rounds = 0
        self.bytes_served = 0
        self.started_at = time.time()
        self._round_error = ""  # why the last round failed; cleared by the next good one
        self._output_error = ""  # why the pool gave no output lately; cleared when it does
        self._stop = threading.Event()
        self._first_round = threading.Event()
        self._threads: list[threading.Thread] = []
        self._taps: dict[str, SourceReader] = {}
        self._taps_lock = threading.Lock()

    def status(self):
        """The pool's ``PoolStatus``. Takes the pool's lock: not for the event loop."""
        return self.harvest.status()

    @property
    def ready(self) -> bool:
        return self._first_round.is_set()

    @property
    def last_error(self) -> str:
        """The latest problem, or "": a failing round, else a pool that gave no output."""
        return self._round_error or self._output_error

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until the first round has completed (or ``timeout_s``); True if it has."""
        return self._first_round.wait(timeout_s)

    def start(self) -> "ServedPool":
        roles = [("harvest", self._harvest_loop)] + ([("refill", self._refill_loop)] if self.ahead else [])
        for role, target in roles:
            thread = threading.Thread(target=target, name=f"oe-{role}/{self.name}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def stop(self) -> None:
        """Stop and join the threads (the harvest closes itself as its thread ends)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT_S)

    # --- background threads --------------------------------------------------

    def _harvest_loop(self) -> None:
        interval = self.profile.run.interval
        with self.harvest:  # no sinks to open; closes the round threads at the end
            while not self._stop.is_set():
                try:
                    self.harvest.run_round(self.rounds, 0)
                except Exception as error:  # keep serving what the pool has; say why rounds fail
                    self._round_error = f"{type(error).__name__}: {error}"
                    log.exception("profile %s: round failed", self.name)
                    self._stop.wait(1.0)
                    continue
                self.rounds += 1
                self._round_error = ""
                self._first_round.set()
                if interval:
                    self._stop.wait(interval)

    def _refill_loop(self) -> None:
        while not self._first_round.wait(0.1):
            if self._stop.is_set():
                return
        starved_since = None
        while not self._stop.is_set():
            want = self._room()
            while want > 0 and not self._stop.is_set():
                n = min(want, REFILL_CHUNK)
                if self.credited:  # whole blocks only: the credit of a cut block would be lost
                    n -= n % BLOCK
                    if n == 0:  # less than a block of room: wait for demand
                        break
                try:
                    data = self.harvest.draw(n, 0)  # what the pool gives now, never waiting
                except PoolError as error:
                    self._output_error = str(error)
                    self._stop.wait(0.5)
                    break
                if not data:  # waiting for credit (or a seed): the next round brings it
                    starved_since = starved_since or time.monotonic()
                    self._note_starved(time.monotonic() - starved_since)
                    self._stop.wait(STARVED_POLL_S)
                    break
                starved_since, self._output_error = None, ""
                self.buffer.put(data)  # fits: only this thread adds, and len(data) <= the room asked for
                want -= len(data)

    def _room(self) -> int:
        """Bytes to add now. A full_entropy pool's buffer is kept full: credit waiting in
        the pool is lost when its input buffers overflow (pool.buffer_limit), output in
        the buffer is not. Other pools are topped up when they fall below low water or a
        request finds them short."""
        if not self.credited:
            return self.buffer.wait_for_demand(0.25)
        room = self.buffer.space()
        if room < BLOCK:
            self._stop.wait(STARVED_POLL_S)
            return 0
        return room

    def _note_starved(self, seconds: float) -> None:
        if seconds >= self.profile.run.stall_timeout:
            balance = self.status().balance_bits
            self._output_error = (f"no output for {seconds:.0f} s: the {self.profile.pool.mode} pool has "
                                  f"{balance:.0f} credited bits, not enough for a block; see /sources")

    # --- request side ----------------------------------------------------------

    async def draw(self, n: int, timeout_s: float, limiter: anyio.CapacityLimiter | None = None) -> bytes | None:
        """``n`` bytes never handed out before, or None after ``timeout_s``."""
        data = self.buffer.take(n) if self.ahead else None
        if data is None:
            wait = self.buffer.wait_take if self.ahead else self._generate_now
            with anyio.move_on_after(timeout_s):
                data = await anyio.to_thread.run_sync(wait, n, timeout_s, abandon_on_cancel=True, limiter=limiter)
        if data is not None:
            self.bytes_served += n
        return data

    def _generate_now(self, n: int, timeout_s: float) -> bytes | None:
        """``n`` bytes generated for this request alone (output made on request: a DRBG with
        prediction resistance reseeds first). Blocks. Bytes of a request that was given up
        are never handed to anyone."""
        try:
            data = self.harvest.draw(n, timeout_s)
        except PoolError as error:
            self._output_error = str(error)
            return None
        if len(data) < n:  # short of seed material in time: these bytes go to no one
            return None
        self._output_error = ""
        return data

    def tap(self, name: str) -> SourceReader:
        """This profile's private reader of source ``name`` (created on first use)."""
        with self._taps_lock:
            if name not in self._taps:
                spec = next(s for s in self.profile.sources if s.name == name)
                self._taps[name] = SourceReader(spec)
            return self._taps[name]

    def source_names(self) -> list[str]:
        return [s.name for s in self.profile.sources]
