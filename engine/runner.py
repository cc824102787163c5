"""Run a profile round after round: on dask's threaded scheduler, or on a
dask.distributed cluster when the profile's ``engine.scheduler`` is an address
(cluster.py: sources on the workers, the pool here).

    with Harvest(profile) as harvest:          # opens the sinks
        for result in harvest.rounds(stop):    # RoundResult per round
            ...
                                                # sinks flushed, fsynced and closed here
    summary = run(profile)                      # the same, to completion

Stopping: after ``run.rounds`` rounds, after exactly ``run.bytes`` output bytes (the
last round draws only what is missing), when ``stop`` is set, or never. ``interval``
sleeps between rounds and wakes at once when ``stop`` is set.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import dask
import dask.threaded

from openentropy.pipelines.sinks import Sink, bytes_delivered
from openentropy.sources.base import EntropySource

from .accounting import Ledger
from .cluster import ClusterRounds
from .collector import Collector
from .compiler import POOL_KEY, PoolRound, RoundContext, compile_profile, graph_for_round
from openentropy.errors import EntropyTimeoutError, PoolError
from .outcome import RoundResult, RunSummary, SourceData
from .status import PoolStatus, SourceHealth
from .profile import Profile, RunSpec
from .runtime import Runtime


#: ``Harvest.observe``'s callbacks: (the round's result, its per-source data)
RoundObserver = Callable[[RoundResult, tuple[SourceData, ...]], None]


class Harvest:
    """A profile ready to run: its sources, health monitors, pool and sinks, and its graph.

    What front-ends may use (nothing else of a harvest is theirs to touch):

        Harvest(profile, sinks=None)     sinks: None = the profile's own, opened by
                                         ``open_sinks``; a list = these open ``Sink``
                                         objects (closed by ``close_sinks``); [] = none
        open_sinks() / close_sinks()     bracket a run (``with harvest:`` does both);
                                         closing flushes and fsyncs, even after an error
        rounds(stop, limits=None)        the run loop: RoundResult per round
        run_round(index, output_bytes)   one round (``parallel=False``: sources in turn)
        writing_to(sinks)                a context: other open sinks for a while
        observe(callback)                ``callback(result, data)`` after every round:
                                         the RoundResult and a SourceData per source
                                         (raw samples, mixed bytes, credit, status);
                                         returns the function that stops it
        replace_source(name, source)     a new source object for that entry (next round on)
        source(name)                     the source object collected for that entry
        draw(n, timeout_s=0)             pool output without a round (the one draw)
        status() / health()              pool ledger and statistics; per-source health
        bytes_delivered()                pool bytes every open sink holds
    """

    def __init__(self, profile: Profile, *, sinks: list[Sink] | None = None):
        self.profile = profile
        self._runtime = Runtime(profile)
        self._given_sinks = sinks
        self._cluster = ClusterRounds(profile, self._runtime.pool) if profile.engine.distributed else None
        # a cluster's rounds are futures on its workers (cluster.py), not this graph
        self._graph = compile_profile(profile, self._runtime) if self._cluster is None else None
        self._closed_sinks: list[Sink] = []
        self._observers: tuple[RoundObserver, ...] = ()  # replaced whole, so a round reads a stable tuple
        # one thread per source so every collect starts at once, plus one for the rest
        self._executor = ThreadPoolExecutor(max_workers=len(profile.sources) + 1, thread_name_prefix="oe-round")

    # --- sinks -----------------------------------------------------------------------

    def open_sinks(self) -> None:
        """Open the profile's sinks (or take the given ones); on failure none stay open.
        A sink with ``attach`` (the record sink) is handed this harvest to observe."""
        if self._given_sinks is None:
            self._runtime.open_sinks()
        else:
            self._runtime.sinks = list(self._given_sinks)
        try:
            for sink in self._runtime.sinks:
                if hasattr(sink, "attach"):
                    sink.attach(self)
        except Exception:
            self.close_sinks()
            raise

    def close_sinks(self) -> list[str]:
        """Close every open sink, even if some fail; returns the failures' messages."""
        if self._runtime.sinks:
            self._closed_sinks = list(self._runtime.sinks)
        return self._runtime.close_sinks()

    @contextlib.contextmanager
    def writing_to(self, sinks: list[Sink]) -> Iterator[None]:
        """Write rounds' output to ``sinks`` (already open; not closed here) while inside."""
        saved = self._runtime.sinks
        self._runtime.sinks = list(sinks)
        try:
            yield
        finally:
            self._runtime.sinks = saved

    def bytes_delivered(self) -> int | None:
        """Pool bytes every sink holds: the open ones, else the last closed (None without sinks)."""
        return bytes_delivered(self._runtime.sinks or self._closed_sinks)

    def __enter__(self) -> "Harvest":
        self.open_sinks()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> list[str]:
        """Close sinks (flush + fsync) and the thread pool; returns sink close errors."""
        problems = self.close_sinks()
        self._executor.shutdown(wait=False)
        if self._cluster is not None:
            self._cluster.close()
        return problems

    # --- observers -------------------------------------------------------------------

    def observe(self, callback: "RoundObserver") -> Callable[[], None]:
        """Call ``callback(result, data)`` at the end of every round from now on, in the
        thread running the round, after the sinks: ``data`` holds a ``SourceData`` per
        source in profile order. An exception it raises ends the round like a sink error.
        Returns a function that stops these calls (safe to call twice)."""
        self._observers = (*self._observers, callback)

        def stop() -> None:
            self._observers = tuple(o for o in self._observers if o is not callback)

        return stop

    # --- sources ---------------------------------------------------------------------

    def source(self, name: str) -> EntropySource:
        return self._collector(name).source

    def replace_source(self, name: str, source: EntropySource) -> None:
        """Collect ``source`` for the entry ``name`` from the next round on (same health
        monitor, same pool buffer). A collect of the old object still running finishes."""
        self._collector(name)
        self._runtime.collectors[name] = Collector(source, name)

    def _collector(self, name: str) -> Collector:
        if self._cluster is not None:
            raise PoolError(f"profile '{self.profile.name}' collects on the cluster at "
                            f"{self.profile.engine.scheduler}: its source objects live on the workers")
        try:
            return self._runtime.collectors[name]
        except KeyError:
            known = ", ".join(self._runtime.collectors)
            raise PoolError(f"no source '{name}' in profile '{self.profile.name}' (its sources: {known})") from None

    # --- rounds ----------------------------------------------------------------------

    def run_round(self, index: int, output_bytes: int, *, parallel: bool = True,
                  deadline_s: float | None = None) -> RoundResult:
        """Collect from every source, feed the pool, write ``output_bytes`` to each open sink.

        ``parallel=False`` collects the sources one after another (dask's synchronous
        scheduler); ``deadline_s`` then bounds each source from its own start, as the
        profile's deadlines otherwise do from the round's.
        """
        started = time.monotonic_ns()
        ctx = RoundContext(index, started, output_bytes, deadline_s, not parallel)
        if self._cluster is not None:
            pool_round: PoolRound = self._cluster.run_round(ctx)
        elif parallel:
            pool_round = dask.threaded.get(graph_for_round(self._graph, ctx), POOL_KEY, pool=self._executor)
        else:
            pool_round = dask.get(graph_for_round(self._graph, ctx), POOL_KEY)
        for sink in self._runtime.sinks:
            sink.write(pool_round.output)
        result = RoundResult(index, (time.monotonic_ns() - started) / 1e9, len(pool_round.output), pool_round.sources)
        for observer in self._observers:
            observer(result, pool_round.data)
        return result

    def _stall_message(self, seconds: float, result: RoundResult) -> str:
        status = self.status()
        return (
            f"no output for {seconds:g} s: the {status.mode} pool has {status.balance_bits:.0f} credited bits "
            f"and needs 320 per 32-byte block; sources: {_describe_sources(result)}"
        )

    def rounds(self, stop: threading.Event | None = None, limits: RunSpec | None = None) -> Iterator[RoundResult]:
        """Run rounds until ``limits`` (default: the profile's ``run``) are met or ``stop`` is set."""
        spec = limits or self.profile.run
        stop = stop or threading.Event()
        written = 0
        index = 0
        last_output = time.monotonic()
        while not stop.is_set():
            if spec.rounds is not None and index >= spec.rounds:
                return
            wanted = spec.bytes_per_round
            if spec.bytes is not None:
                wanted = min(wanted, spec.bytes - written)
                if wanted <= 0:
                    return
            result = self.run_round(index, wanted)
            written += result.bytes_out
            index += 1
            yield result
            if result.bytes_out:
                last_output = time.monotonic()
            elif time.monotonic() - last_output > spec.stall_timeout:
                raise EntropyTimeoutError(self._stall_message(spec.stall_timeout, result))
            if spec.interval and stop.wait(spec.interval):
                return

    # --- the pool --------------------------------------------------------------------

    def draw(self, n: int, timeout_s: float | None = 0.0) -> bytes:
        """Up to ``n`` bytes of pool output now (waiting up to ``timeout_s`` for credit)."""
        return self._runtime.pool.draw(n, timeout_s)

    def status(self) -> PoolStatus:
        """The pool's status, each source's health fields read from its monitor."""
        status = self._runtime.pool.status()
        health = self.health()
        unknown = SourceHealth("", "startup", 0, "", 0.0)  # a remote source that has not reported yet
        sources = tuple(
            replace(s, health=known.state, health_failures=known.failures, last_health_failure=known.last_failure)
            for s in status.sources
            for known in [health.get(s.name, unknown)]
        )
        return replace(status, sources=sources)

    def health(self) -> dict[str, SourceHealth]:
        """Each source's health, by profile entry name."""
        out = {name: SourceHealth.of(name, monitor) for name, monitor in self._runtime.monitors.items()}
        if self._cluster is not None:  # remote monitors, as their workers last reported them
            out.update(self._cluster.health)
        return out

    def ledger(self) -> Ledger:
        return self._runtime.pool.ledger()


def _describe_sources(result: RoundResult) -> str:
    return ", ".join(f"{s.name} {s.status.value}" + (f" ({s.error})" if s.error else "") for s in result.sources)


def run(
    profile: Profile,
    *,
    stop: threading.Event | None = None,
    on_round: Callable[[RoundResult], None] | None = None,
) -> RunSummary:
    """Run ``profile`` to completion (or until ``stop``); returns the totals, whose
    ``bytes_out`` is what the closed sinks hold (``bytes_delivered``)."""
    summary = RunSummary(profile.name)
    started = time.monotonic()
    with Harvest(profile) as harvest:
        for result in harvest.rounds(stop):
            summary.add(result)
            if on_round is not None:
                on_round(result)
    delivered = harvest.bytes_delivered()
    if delivered is not None:
        summary.bytes_out = delivered
    if stop is not None and stop.is_set():
        summary.stopped_by = "stop"
    summary.duration_s = time.monotonic() - started
    return summary
