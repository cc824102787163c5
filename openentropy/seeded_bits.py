"""The seeded numpy bit generator: numpy's PCG64DXSM, seeded and reseeded from the pool.

    bits = PoolSeededPCG64DXSM(harvester.read)       # any ``read(n) -> n bytes``
    numpy.random.Generator(bits)                     # or harvester.generator(mode="seeded")
    pool_seed_sequence(harvester.read)               # a SeedSequence for anything else

What it is
    A subclass of ``numpy.random.PCG64DXSM`` that only chooses the state: numpy's own C
    code makes every number, at numpy's speed. Its output is a deterministic function
    of a 256-bit pool seed until the next reseed: use it for simulation speed, and the
    direct generator (``direct_bits``) when every bit must be harvested output.

Seeding
    ``SEED_BYTES`` (32) pool bytes become a ``SeedSequence`` with ``pool_size=8``: eight
    32-bit words hold all 256 bits (numpy's default pool of 4 words would hash them down
    to 128). Its ``generate_state`` fills PCG64DXSM's 128-bit state and 128-bit increment.

Reseeding, on a schedule
    - every ``reseed_interval`` seconds (default ``RESEED_INTERVAL_S``), by a daemon
      thread ``oe-reseed`` that holds the generator only weakly and ends with it;
    - in a forked child, at once (``os.register_at_fork``): the state is re-keyed from
      itself, the child's pid and 32 bytes of ``os.urandom``, so parent and child never
      continue one stream; then the reseed thread starts again, and the child's own
      pool reseeds it within one interval. (Not the pool at once: a fork hook runs
      before other libraries' hooks have reset the locks a pool read takes, and can
      deadlock on a lock a parent thread held. The pool re-keys itself the same way,
      engine/fork_safety.py.) ``forks`` counts these;
    - whenever ``reseed()`` is called.
    A reseed swaps the whole state under the bit generator's ``lock``, the lock numpy's
    ``Generator`` holds while it draws, so no draw sees half a state. ``reseeds`` counts
    them. If the pool fails (a closed harvester), the thread stops and ``reseed_error``
    keeps the exception; numbers keep coming from the last seed.
"""

from __future__ import annotations

import os
import threading
import time
import weakref

import numpy as np

#: 256 bits: PCG64DXSM's whole state (128) and increment (128) come from one seed.
SEED_BYTES = 32
#: Reseed once a minute. At numpy's ~170 M uint64/s that is at most ~1e10 outputs
#: (2^33) per seed, far inside PCG64DXSM's 2^128 period; it bounds how much output a
#: captured state (a core dump, a pickled generator) predicts to one minute's worth.
RESEED_INTERVAL_S = 60.0


def pool_seed_sequence(read) -> np.random.SeedSequence:
    """A ``numpy.random.SeedSequence`` holding ``SEED_BYTES`` of pool output (256 bits)."""
    seed = read(SEED_BYTES)
    if len(seed) != SEED_BYTES:
        raise ValueError(f"read({SEED_BYTES}) returned {len(seed)} bytes")
    return np.random.SeedSequence(int.from_bytes(seed, "little"), pool_size=8)


class PoolSeededPCG64DXSM(np.random.PCG64DXSM):
    """numpy's PCG64DXSM, seeded from ``read`` and reseeded on the module's schedule.

    ``reseed_interval``: seconds between reseeds by the background thread (None: no
    thread; fork and ``reseed()`` still reseed).
    """

    def __init__(self, read, reseed_interval: float | None = RESEED_INTERVAL_S):
        if reseed_interval is not None and not reseed_interval > 0:
            raise ValueError(f"reseed_interval must be a positive number of seconds or None, got {reseed_interval!r}")
        super().__init__(pool_seed_sequence(read))
        self.read = read
        self.reseed_interval = reseed_interval
        self.reseeds = 0
        self.forks = 0
        self.reseed_error: BaseException | None = None
        self.last_seeded = time.time()
        _SEEDED.add(self)
        self._start_thread()

    def reseed(self) -> None:
        """Replace the whole state with one seeded from fresh pool output."""
        fresh = np.random.PCG64DXSM(pool_seed_sequence(self.read)).state
        self._install(fresh)

    def _install(self, state: dict, reseed: bool = True) -> None:
        with self.lock:
            self.state = {**state, "bit_generator": type(self).__name__}
        if reseed:
            self.reseeds += 1
            self.last_seeded = time.time()

    def _start_thread(self) -> None:
        self._stop = threading.Event()
        if self.reseed_interval is not None:
            threading.Thread(
                target=_reseed_on_schedule, args=(weakref.ref(self), self._stop, self.reseed_interval),
                name="oe-reseed", daemon=True,
            ).start()

    def stop_reseeding(self) -> None:
        """End the background reseeds (the generator keeps working on its last seed)."""
        self._stop.set()

    def _after_fork_in_child(self) -> None:
        inherited = self.state["state"]
        fresh = [inherited["state"], inherited["inc"], os.getpid(), int.from_bytes(os.urandom(SEED_BYTES), "little")]
        self._install(np.random.PCG64DXSM(np.random.SeedSequence(fresh, pool_size=8)).state, reseed=False)
        self.forks += 1
        self._start_thread()

    def __repr__(self) -> str:
        return (
            f"<PoolSeededPCG64DXSM reseeds={self.reseeds} forks={self.forks} every={self.reseed_interval}s "
            f"error={type(self.reseed_error).__name__ if self.reseed_error else None}>"
        )


def _reseed_on_schedule(ref: "weakref.ref[PoolSeededPCG64DXSM]", stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        bits = ref()
        if bits is None:
            return
        try:
            bits.reseed()
        except Exception as error:  # the pool is gone: keep the reason, stop trying
            bits.reseed_error = error
            return
        del bits


_SEEDED: "weakref.WeakSet[PoolSeededPCG64DXSM]" = weakref.WeakSet()


def _reseed_children() -> None:
    for bits in list(_SEEDED):
        bits._after_fork_in_child()


os.register_at_fork(after_in_child=_reseed_children)
