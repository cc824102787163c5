"""``openentropy.EntropyPool``: upstream's Python API, on the engine's one run loop.

    pool = EntropyPool.auto()                  every available source, default weights
    pool = EntropyPool.from_profile("paranoid")
    pool = EntropyPool(); pool.add_source("clock_jitter", weight=2.0)
    pool.collect_all()                         one round, sources one after another
    pool.collect_all_parallel(timeout=2.0)     one round, sources in parallel threads
    pool.get_random_bytes(32)                  collects by itself when it runs short
    pool.get_source_bytes("disk_io", 64, conditioning="sha256")
    pool.health_report(); pool.sources()

Differences from upstream, on purpose: a round health-tests every source (SP 800-90B)
and credits only what its tests defend; ``get_random_bytes`` honours the profile's
pool mode (``full_entropy`` waits for credit); ``get_source_bytes`` reads a fresh
instance of the source and never touches the pool. ``EntropyPool()`` builds the
upstream construction: chained SHA-256 with 8 bytes of OS randomness in every block.

This is not ``openentropy.engine.pool.EntropyPool`` (the engine's buffer, ledger and
output construction); this one owns a whole harvest: sources, health and that pool.
"""

from __future__ import annotations

import time
from typing import Any

from openentropy.errors import EntropyTimeoutError, PoolError
from openentropy.engine.outcome import RoundResult
from openentropy.engine.status import PoolStatus
from openentropy.engine.profile import Profile, SourceSpec
from openentropy.engine.runner import Harvest
from openentropy.engine.source_reader import SourceReader, read_sources

from .profile_overrides import profile_with
from .quality import detect_available_sources

#: The longest ``get_random_bytes`` keeps collecting before it gives up (seconds).
COLLECT_TIMEOUT_S = 30.0
#: Each source's deadline in ``auto()`` and ``add_source``: upstream's per-source budget.
DEFAULT_DEADLINE_S = 1.0


class EntropyPool:
    """Sources, their health, and a pool of their output (upstream's ``EntropyPool``)."""

    def __init__(self, profile: Profile | None = None):
        self._profile = profile
        self._specs: list[SourceSpec] = list(profile.sources) if profile else []
        self._harvest: Harvest | None = None
        self._rounds = 0

    # --- building ----------------------------------------------------------------------

    @classmethod
    def auto(cls) -> "EntropyPool":
        """Every source available on this machine, each with its default weight."""
        pool = cls()
        for name in detect_available_sources():
            pool.add_source(name)
        return pool

    @classmethod
    def from_profile(cls, profile: str | Profile = "default", **overrides: Any) -> "EntropyPool":
        """The sources, stages and pool mode of ``profile`` (its sinks are not used)."""
        return cls(profile_with(profile, overrides))

    def add_source(self, name: str, weight: float = 1.0, **options: Any) -> None:
        """Add a source by registry name or import path; ``options`` are profile fields
        (``samples``, ``deadline``, ``params``, ``stages``, ``health``). Re-adding a name
        replaces it. The pool restarts (its buffers and credit start over)."""
        spec = SourceSpec.model_validate({"name": name, "weight": weight, "deadline": DEFAULT_DEADLINE_S, **options})
        self._specs = [s for s in self._specs if s.name != name] + [spec]
        self._close_harvest()

    def sources(self) -> list[str]:
        """The sources' names, in the order they were added."""
        return [spec.name for spec in self._specs]

    def _profile_now(self) -> Profile:
        if not self._specs:
            raise PoolError("this EntropyPool has no sources; add_source(NAME) or use EntropyPool.auto()")
        if self._profile is not None and list(self._profile.sources) == self._specs:
            return self._profile
        base = self._profile.model_dump(exclude={"sources", "sinks", "extends"}) if self._profile else {"name": "python"}
        return Profile.model_validate({**base, "sources": [s.model_dump(exclude_unset=True) for s in self._specs]})

    def _harvest_now(self) -> Harvest:
        if self._harvest is None:
            self._harvest = Harvest(self._profile_now(), sinks=[])
            self._rounds = 0
        return self._harvest

    def _close_harvest(self) -> None:
        if self._harvest is not None:
            self._harvest.close()
            self._harvest = None

    # --- collecting --------------------------------------------------------------------

    def collect_all(self) -> RoundResult:
        """One round with each source collected in turn (upstream's serial collect)."""
        return self._round(parallel=False)

    def collect_all_parallel(self, timeout: float | None = None) -> RoundResult:
        """One round with every source collected at once, each within its deadline
        (``timeout`` seconds, when given, replaces every source's deadline)."""
        return self._round(parallel=True, deadline_s=timeout)

    def _round(self, *, parallel: bool, deadline_s: float | None = None) -> RoundResult:
        harvest = self._harvest_now()
        self._rounds += 1
        return harvest.run_round(self._rounds - 1, 0, parallel=parallel, deadline_s=deadline_s)

    def get_random_bytes(self, n: int, timeout: float = COLLECT_TIMEOUT_S) -> bytes:
        """``n`` output bytes; collects (in parallel) whenever the pool runs short."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise PoolError(f"byte count must be a non-negative integer, got {n!r}")
        harvest = self._harvest_now()
        deadline = time.monotonic() + timeout
        if harvest.status().mixed_bytes == 0:
            self.collect_all_parallel()
        out = bytearray(harvest.draw(n))
        while len(out) < n:
            if time.monotonic() > deadline:
                raise EntropyTimeoutError(
                    f"get_random_bytes: {len(out)} of {n} bytes after {timeout:g} s of collecting; "
                    "see health_report()"
                )
            self.collect_all_parallel()
            out += harvest.draw(n - len(out))
        return bytes(out)

    def get_source_bytes(self, name: str, n: int, conditioning: str = "sha256", timeout: float = 10.0) -> bytes:
        """``n`` bytes from fresh collects of one source: ``raw`` (its extracted bytes),
        ``von_neumann`` or ``sha256`` (upstream's). For measuring: the pool is not used."""
        spec = next((s for s in self._specs if s.name == name), None) or SourceSpec(name=name)
        return read_sources([SourceReader(spec)], n, conditioning, timeout)

    def generator(self, mode: str = "direct", **options: Any):
        """A ``numpy.random.Generator`` fed by ``get_random_bytes``: ``mode="direct"``
        (every bit pool output) or ``"seeded"`` (PCG64DXSM, 256-bit pool seed,
        reseeded); see ``Harvester.generator`` and ``openentropy.numpy_generator``."""
        from .numpy_generator import generator

        return generator(self.get_random_bytes, mode, **options)

    def seed_sequence(self):
        """A ``numpy.random.SeedSequence`` holding 256 bits of this pool's output."""
        from .numpy_generator import seed_sequence

        return seed_sequence(self.get_random_bytes)

    # --- looking -------------------------------------------------------------------------

    def status(self) -> PoolStatus:
        return self._harvest_now().status()

    def health_report(self) -> dict:
        """Upstream's report: healthy/total, bytes in and out, and one row per source."""
        status = self.status()
        health = self._harvest_now().health()
        rows = [
            {
                "name": s.name,
                "healthy": s.healthy,
                "health": health[s.name].state,
                "bytes": s.total_bytes,
                "entropy": s.last_shannon,
                "min_entropy": s.last_min_entropy,
                "credited_bits": s.credited_bits,
                "time": s.last_collect_time,
                "failures": s.failures,
                "health_failures": health[s.name].failures,
            }
            for s in status.sources
        ]
        return {
            "healthy": sum(row["healthy"] for row in rows),
            "total": len(rows),
            "raw_bytes": status.mixed_bytes,
            "output_bytes": status.output_bytes,
            "buffer_size": status.buffered_bytes,
            "credited_bits": status.credited_bits,
            "sources": rows,
        }

    def close(self) -> None:
        self._close_harvest()

    def __enter__(self) -> "EntropyPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<EntropyPool sources={len(self._specs)} mode={self._profile_now().pool.mode if self._specs else '-'}>"
