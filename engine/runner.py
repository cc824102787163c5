"""Run a profile round after round on dask's threaded scheduler.

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

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import dask.threaded

from openentropy.pipelines.sinks import bytes_delivered

from .compiler import POOL_KEY, PoolRound, RoundContext, compile_profile, graph_for_round, sink_keys
from .errors import EntropyTimeoutError
from .outcome import RoundResult, RunSummary
from .profile import Profile
from .runtime import Runtime


class Harvest:
    """A profile ready to run: its runtime objects and its compiled graph."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.runtime = Runtime(profile)
        self.graph = compile_profile(profile, self.runtime)
        self._keys = [POOL_KEY, *sink_keys(profile)]
        # one thread per source so every collect starts at once, plus one for the rest
        self._executor = ThreadPoolExecutor(max_workers=len(profile.sources) + 1, thread_name_prefix="oe-round")

    @property
    def pool(self):
        return self.runtime.pool

    def __enter__(self) -> "Harvest":
        self.runtime.open_sinks()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> list[str]:
        """Close sinks (flush + fsync) and the thread pool; returns sink close errors."""
        problems = self.runtime.close_sinks()
        self._executor.shutdown(wait=False)
        return problems

    def run_round(self, index: int, output_bytes: int) -> RoundResult:
        """Collect from every source, feed the pool, write ``output_bytes`` to each sink."""
        started = time.monotonic_ns()
        graph = graph_for_round(self.graph, RoundContext(index, started, output_bytes))
        pool_round: PoolRound = dask.threaded.get(graph, self._keys, pool=self._executor)[0]
        return RoundResult(index, (time.monotonic_ns() - started) / 1e9, len(pool_round.output), pool_round.sources)

    def _stall_message(self, seconds: float, result: RoundResult) -> str:
        status = self.pool.status()
        return (
            f"no output for {seconds:g} s: the {status.mode} pool has {status.balance_bits:.0f} credited bits "
            f"and needs 320 per 32-byte block; sources: {_describe_sources(result)}"
        )

    def rounds(self, stop: threading.Event | None = None) -> Iterator[RoundResult]:
        """Run rounds until the profile's ``run`` limits are met or ``stop`` is set."""
        spec = self.profile.run
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
        sinks = list(harvest.runtime.sinks)
        for result in harvest.rounds(stop):
            summary.add(result)
            if on_round is not None:
                on_round(result)
    delivered = bytes_delivered(sinks)
    if delivered is not None:
        summary.bytes_out = delivered
    if stop is not None and stop.is_set():
        summary.stopped_by = "stop"
    summary.duration_s = time.monotonic() - started
    return summary
