"""``openentropy.open(profile)``: a profile harvesting in the background, read like a file.

    with openentropy.open("paranoid") as h:
        h.read(64)          # blocks until the pool's mode can deliver, then exactly 64 bytes
        h.status()          # the pool's ledger (PoolStatus)
        h.health()          # per-source health (SourceHealth by name)
        for r in h.rounds():  # round results as they happen
            ...

Threads
    oe-harvester/NAME   runs the profile's rounds (collect, health-test, add input with its
                        credit) and writes nothing to the profile's sinks: output leaves
                        only through ``read``. It pauses while the pool holds plenty
                        (``PLENTY_BITS`` of credit, or a seeded sha256 state with input
                        buffered) and a reader is not waiting, so an idle harvester
                        does not keep both cores busy; it checks again every
                        ``IDLE_CHECK_S``.

A harvester is closed by ``close()``, by leaving its ``with`` block, or at interpreter
exit. After ``fork()`` the child's harvester starts a new harvest of its own (new pool,
new sources, new thread) on its first use: threads do not survive a fork, and the pool
the child inherited must not be shared (engine/fork_safety.py).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openentropy.errors import EntropyTimeoutError, OpenEntropyError
from openentropy.engine.outcome import RoundResult
from openentropy.engine.status import PoolStatus
from openentropy.engine.profile import Profile
from openentropy.engine.runner import Harvest
from openentropy.engine.status import SourceHealth

from .profile_overrides import profile_with

#: Credit the harvester keeps buffered before it pauses: 64 full-entropy blocks (2 KiB of
#: full-entropy output, or ~40 DRBG reseeds) ready without waiting.
PLENTY_BITS = 64 * 320
#: How often a paused harvester looks again (and how long a reader waits between checks).
IDLE_CHECK_S = 0.5
#: Rounds kept for a slow ``rounds()`` reader before the oldest are dropped.
ROUND_QUEUE = 256


class HarvesterClosedError(OpenEntropyError):
    """The harvester was closed, or its background harvest stopped on an error."""


@dataclass
class _Subscriber:
    results: "queue.Queue[RoundResult | None]"


class Harvester:
    """A running harvest of one profile. Build it with ``openentropy.open(...)``."""

    def __init__(self, profile: Profile, *, start: bool = True):
        self.profile = profile
        self._start_requested = start
        self._lock = threading.Lock()
        self._closed = False
        self._build()
        _OPEN.add(self)

    def _build(self) -> None:
        self._pid = os.getpid()
        self._harvest = Harvest(self.profile, sinks=[])
        self._stop = threading.Event()
        self._demand = threading.Event()
        self._subscribers: list[_Subscriber] = []
        self._error: BaseException | None = None
        self._index = 0
        self._thread: threading.Thread | None = None
        if self._start_requested:
            self._thread = threading.Thread(target=self._feed, name=f"oe-harvester/{self.profile.name}", daemon=True)
            self._thread.start()

    # --- the background harvest ------------------------------------------------------

    def _feed(self) -> None:
        try:
            while not self._stop.is_set():
                self._publish(self._harvest.run_round(self._next_index(), 0))
                if self._plenty() and not self._demand.is_set():
                    self._demand.wait(IDLE_CHECK_S)
                self._demand.clear()
                if self.profile.run.interval:
                    self._stop.wait(self.profile.run.interval)
        except BaseException as error:  # reported to readers, never lost
            self._error = error
        finally:
            for subscriber in list(self._subscribers):
                subscriber.results.put(None)

    def _next_index(self) -> int:
        self._index += 1
        return self._index - 1

    def _publish(self, result: RoundResult) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber.results.put_nowait(result)
            except queue.Full:  # a reader that stopped reading loses its oldest rounds
                with contextlib.suppress(queue.Empty):
                    subscriber.results.get_nowait()
                subscriber.results.put_nowait(result)

    def _plenty(self) -> bool:
        status = self._harvest.status()
        if status.mode == "sha256":
            return status.seeded and status.buffered_bytes >= 16 * self.profile.pool.input_per_block
        return status.balance_bits >= PLENTY_BITS

    # --- what a user calls ------------------------------------------------------------

    def _check_usable(self) -> None:
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._build()  # a forked child: a harvest of its own
        if self._closed:
            raise HarvesterClosedError(f"the '{self.profile.name}' harvester is closed")
        if self._error is not None:
            raise HarvesterClosedError(
                f"the '{self.profile.name}' harvester stopped: {type(self._error).__name__}: {self._error}"
            ) from self._error

    def read(self, n: int, timeout: float | None = None) -> bytes:
        """Exactly ``n`` bytes of the pool's output, waiting until its mode can deliver.

        ``timeout`` (seconds, None = no limit) bounds the wait; when it passes,
        ``EntropyTimeoutError`` says how far it got, and nothing is returned (bytes
        drawn for a failed read are never handed out later).
        """
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError(f"n must be a non-negative integer, got {n!r}")
        self._check_usable()
        deadline = None if timeout is None else time.monotonic() + timeout
        out = bytearray(self._harvest.draw(n))
        while len(out) < n:
            self._check_usable()
            if self._thread is None:  # not started: the reader drives the rounds itself
                self._harvest.run_round(self._next_index(), 0)
            else:
                self._demand.set()
            left = IDLE_CHECK_S if deadline is None else min(IDLE_CHECK_S, deadline - time.monotonic())
            if left <= 0:
                raise EntropyTimeoutError(
                    f"read: {len(out)} of {n} bytes after {timeout:g} s from the '{self.profile.name}' "
                    f"{self.profile.pool.mode} pool; see .health() and .status()"
                )
            out += self._harvest.draw(n - len(out), timeout_s=left)
        return bytes(out)

    def generator(self, mode: str = "direct", **options: Any):
        """A ``numpy.random.Generator`` fed by this harvester's output.

        ``mode="direct"``: every bit is output read from the pool, used once (keys,
        audited sampling; as fast as the pool). ``mode="seeded"``: numpy's PCG64DXSM
        seeded with 256 pool bits and reseeded every ``reseed_interval`` seconds
        (simulation speed). ``openentropy.numpy_generator`` says more. Close the
        harvester only after its direct generators are done: one that cannot refill
        aborts the process rather than repeat or invent bits.
        """
        from .numpy_generator import generator

        return generator(self.read, mode, **options)

    def seed_sequence(self):
        """A ``numpy.random.SeedSequence`` holding 256 bits of this harvester's output."""
        from .numpy_generator import seed_sequence

        return seed_sequence(self.read)

    def status(self) -> PoolStatus:
        """The pool's ledger and per-source statistics right now."""
        self._check_usable()
        return self._harvest.status()

    def health(self) -> dict[str, SourceHealth]:
        """Each source's SP 800-90B health: state, failures, the last failure."""
        self._check_usable()
        return self._harvest.health()

    def rounds(self, limit: int | None = None) -> Iterator[RoundResult]:
        """Round results as they happen (at most ``limit``). A harvester opened with
        ``start=False`` runs each round in the caller's thread instead."""
        self._check_usable()
        if self._thread is None:
            count = 0
            while limit is None or count < limit:
                self._check_usable()
                yield self._harvest.run_round(self._next_index(), 0)
                count += 1
            return
        subscriber = _Subscriber(queue.Queue(ROUND_QUEUE))
        self._subscribers.append(subscriber)
        try:
            count = 0
            while limit is None or count < limit:
                self._demand.set()  # someone is watching: do not pause
                result = subscriber.results.get()
                if result is None:
                    self._check_usable()
                    return
                yield result
                count += 1
        finally:
            self._subscribers.remove(subscriber)

    def close(self) -> None:
        """Stop the background harvest and release the sources. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._stop.set()
        self._demand.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=max(s.deadline for s in self.profile.sources) + 5.0)
        self._harvest.close()
        _OPEN.discard(self)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Harvester":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("running" if self._thread is not None else "manual")
        return f"<Harvester profile={self.profile.name!r} mode={self.profile.pool.mode} {state}>"


_OPEN: "weakref.WeakSet[Harvester]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for harvester in list(_OPEN):
        harvester.close()


def open(profile: str | Profile = "default", *, start: bool = True, **overrides: Any) -> Harvester:  # noqa: A001
    """A running harvester of ``profile`` (a shipped name, a YAML file or a ``Profile``).

    ``overrides`` replace profile fields, validated as a profile file would be:
    mappings merge, lists replace (``open("default", pool={"mode": "drbg"})``). The
    profile's sinks are not used: output leaves only through ``read``. With
    ``start=False`` nothing runs in the background; ``read`` and ``rounds`` then run
    rounds in the caller's thread.
    """
    return Harvester(profile_with(profile, overrides), start=start)
