"""The worker's half of a distributed round: collect, test and credit next to the noise.

A dask.distributed worker runs ``collect_on_worker`` once per round for the harvest
that sent it. Everything a source's round needs that keeps state lives here, in the
worker process, keyed by the harvest's id and the source's profile entry name:

    Collector        the source object, deadline-bounded (collector.py)
    HealthMonitor    SP 800-90B start-up, RCT, APT, repeated blocks (health.py)
    sequence         how many reports this worker has made for the source

Per source, the round is the same as on one machine: the collect, ``judge`` (canonical
symbols, health tests, credit: credit_policy.py), then the profile's stages. Only the
result crosses the network (``RemoteSource``): the bytes to mix (the accepted symbols
after the profile's stages), their credit and the health figures. Raw samples and
anything rejected by the health tests never leave the worker.

Every report carries this worker process's ``INCARNATION`` (a random id made at import,
so a restarted worker with a recycled pid is a new one) and a per-source sequence
number; the client accepts each (incarnation, source, sequence) once (cluster.py), so
bytes sent over the network are never credited twice.

Assumption: the worker can import openentropy and every source the profile names (the
same installation as the client's). ``forget(harvest_id)`` drops a harvest's state.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from .collector import Collector
from .credit_policy import judge
from .health import HealthMonitor
from .outcome import CollectOutcome, Status
from .profile import SourceSpec
from .stage_chain import mixed_outcome
from .status import SourceHealth

#: This worker process, as the client names its sources: ``clock_jitter@host:pid``.
WORKER_LABEL = f"{socket.gethostname()}:{os.getpid()}"
#: Random per process: tells a restarted worker from the old one even with the same pid.
INCARNATION = secrets.token_hex(8)


@dataclass(frozen=True)
class RemoteSource:
    """One source's round on one worker: what the client's pool may mix and credit."""

    outcome: CollectOutcome  # settled (stage_chain.settle): status, credit, figures; no data
    data: bytes  # the bytes to mix (empty unless the outcome is OK)
    sequence: int  # this worker's report number for the source, from 1 (0: no report made)
    health: SourceHealth  # the worker's monitor for it, named by the profile entry

    @property
    def name(self) -> str:
        return self.outcome.name


@dataclass(frozen=True)
class WorkerReport:
    """A worker's answer for one round: who it is and each source's result."""

    label: str
    incarnation: str
    round_index: int
    sources: tuple[RemoteSource, ...]


@dataclass
class _SourceState:
    collector: Collector
    monitor: HealthMonitor
    sequence: int = 0


@dataclass
class _HarvestState:
    sources: dict[str, _SourceState] = field(default_factory=dict)
    executor: ThreadPoolExecutor | None = None
    width: int = 0  # the executor's threads: one per source, so every collect starts at once
    lock: threading.Lock = field(default_factory=threading.Lock)


_HARVESTS: dict[str, _HarvestState] = {}
_HARVESTS_LOCK = threading.Lock()


def _harvest(harvest_id: str, width: int) -> _HarvestState:
    with _HARVESTS_LOCK:
        state = _HARVESTS.setdefault(harvest_id, _HarvestState())
        if state.width < width:
            if state.executor is not None:
                state.executor.shutdown(wait=False)
            state.executor = ThreadPoolExecutor(max_workers=width, thread_name_prefix="oe-remote")
            state.width = width
        return state


def _source_state(state: _HarvestState, spec: SourceSpec) -> _SourceState:
    with state.lock:
        entry = state.sources.get(spec.name)
        if entry is None:
            source = spec.source_class(spec.validated_params())
            monitor = HealthMonitor(h=spec.health_min_entropy(), alpha=spec.health.alpha,
                                    backoff_s=spec.health.backoff)
            entry = state.sources[spec.name] = _SourceState(Collector(source, spec.name), monitor)
        return entry


def _one_source(state: _HarvestState, spec: SourceSpec, conditioning: tuple[Any, ...], started_ns: int) -> RemoteSource:
    entry = _source_state(state, spec)
    raw = entry.collector.collect(spec.samples, started_ns + int(spec.deadline * 1e9))
    checked = judge(spec, entry.monitor, raw)
    outcome, data = mixed_outcome(spec, conditioning, raw, checked)
    health = SourceHealth.of(spec.name, entry.monitor)
    with state.lock:
        entry.sequence += 1
        sequence = entry.sequence
    return RemoteSource(replace(outcome, data=None, health=health.state), data, sequence, health)


def collect_on_worker(harvest_id: str, specs: tuple[SourceSpec, ...], conditioning: tuple[Any, ...],
                      round_index: int) -> WorkerReport:
    """Collect every source in ``specs`` at once (deadlines count from now), test and
    credit each here, and report the results. Runs as a dask task on a worker."""
    started = time.monotonic_ns()
    state = _harvest(harvest_id, max(1, len(specs)))
    futures = [state.executor.submit(_one_source, state, spec, conditioning, started) for spec in specs]
    results = []
    for spec, future in zip(specs, futures):
        try:
            results.append(future.result())
        except Exception as error:  # a bug on this worker fails the source, not the round
            failed = CollectOutcome(spec.name, Status.FAILED, error=f"on worker: {type(error).__name__}: {error}")
            results.append(RemoteSource(failed, b"", 0, SourceHealth(spec.name, "startup", 0, "", 0.0)))
    return WorkerReport(WORKER_LABEL, INCARNATION, round_index, tuple(results))


def identify() -> tuple[str, str]:
    """This worker's label and incarnation. The client's first task on a new worker: it
    also loads this module (and the engine) there, before any round's deadline counts."""
    return WORKER_LABEL, INCARNATION


def forget(harvest_id: str) -> bool:
    """Drop a harvest's sources and monitors from this worker (when the client closes)."""
    with _HARVESTS_LOCK:
        state = _HARVESTS.pop(harvest_id, None)
    if state is not None and state.executor is not None:
        state.executor.shutdown(wait=False)
    return state is not None
