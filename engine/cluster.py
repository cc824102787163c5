"""Harvesting across a dask.distributed cluster: the client's half of a round.

A profile whose ``engine.scheduler`` is an address (``tcp://host:8786``) collects on the
cluster's workers; the pool stays in this (the client's) process. Each round:

    1. ask the scheduler which workers there are (every round). A new worker is first
       asked who it is (``remote.identify``, which also loads the engine there, so no
       round's deadline pays for the import); it takes part from the first round after
       it has answered. A worker that left is no longer asked
    2. place the sources: ``each_worker`` puts every source on every worker (each
       machine's own noise); ``local`` puts each source on one worker (the least busy,
       first by address) and keeps it there while that worker lives (its health
       history is on that worker)
    3. one task per worker (remote.collect_on_worker), submitted with ``pure=False`` (dask
       would otherwise hand back the cached result of an identical call: the same bytes
       twice) and pinned to that worker (``allow_other_workers=False``)
    4. wait until the round's start + its longest deadline + the collector's grace +
       ``engine.network_slack``. A task not finished by then (a stalled or dead worker)
       is cancelled and each of its sources is ``late`` for this round; a task that
       raised (a worker that died mid-task) makes them ``failed``; the round goes on
    5. feed the pool: each source's bytes and credit under the name ``source@host:pid``

Health tests and credit are computed on the worker, next to the noise, before anything is
hashed or sent (remote.py). What the pool trusts about a worker: that it ran this
openentropy's code on its own noise and reports honestly; a worker is as trusted as the
client itself, so the link should be TLS with client certificates (``tls://`` addresses and
dask's ``distributed.comm.tls`` settings, see the README).

A worker's claimed credit is also held to the credit policy's bound for the samples the
client asked for (``credit_bound``: min(H, cap) x samples), and the pool caps every input
at 8 bits a byte: a lying worker can spoil its own credit, not exceed these.

Never credited twice: a report is accepted once per (worker incarnation, source,
sequence): a late task's result is never read (its future is cancelled and dropped), and
a replayed or duplicated report with a sequence already seen is refused (``accept``).
"""

from __future__ import annotations

import math
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from openentropy.errors import ClusterError

from .collector import GRACE_S
from .compiler import PoolRound, RoundContext, feed_pool
from .outcome import CollectOutcome, SourceData, SourceRound, Status
from .pool import EntropyPool
from .profile import Profile, SourceSpec
from .remote import RemoteSource, WorkerReport, collect_on_worker, forget, identify
from .status import SourceHealth


#: Longest a close waits for the workers to drop the harvest's state (a stalled worker
#: keeps it until its process ends; it holds source objects, never pool state).
FORGET_WAIT_S = 2.0
#: Time allowed to fetch a finished task's small result from its worker.
FETCH_S = 2.0


def credit_bound(spec: SourceSpec) -> float:
    """The most credit a worker's report may carry for ``spec``: the credit policy's
    ``min(H, cap)`` per raw sample, for the samples the client asked for. A worker that
    claims more (a bug, or a lie) is held to it here, whatever its own figures say."""
    cap = spec.health.credit_cap if spec.health.credit_cap is not None else math.inf
    return min(spec.health_min_entropy(), cap) * spec.samples


def remote_name(source: str, worker_label: str) -> str:
    return f"{source}@{worker_label}"


def _reachable(address: str, timeout_s: float) -> None:
    """Fail at once, with the OS's reason, when a tcp/tls scheduler refuses connections
    (dask's own connect retries until its timeout whatever the reason)."""
    scheme, _, rest = address.partition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls") or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as error:
        raise ClusterError(f"cannot reach the dask scheduler at {address}: {error.strerror or error}") from None


def _connect(profile: Profile):
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "engine.scheduler names a cluster but dask.distributed is not installed: "
            "pip install 'openentropy[distributed]'") from None
    address = profile.engine.scheduler
    _reachable(address, profile.engine.connect_timeout)
    try:
        return Client(address, timeout=profile.engine.connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the dask scheduler at {address} within "
                           f"{profile.engine.connect_timeout:g} s: {error}") from None


def _wait_all(futures: list, until: float) -> None:
    """Wait until every future is done or the monotonic clock reaches ``until``
    (done-callbacks count them down: no polling, no default client needed)."""
    left = threading.Semaphore(0)
    for future in futures:
        future.add_done_callback(lambda _: left.release())
    for _ in futures:
        if not left.acquire(timeout=max(0.0, until - time.monotonic())):
            return


class ClusterRounds:
    """Rounds of ``profile`` on the cluster at ``profile.engine.scheduler``, feeding ``pool``.

    ``client``: an open ``distributed.Client`` to use (and not close); default: connect.
    """

    def __init__(self, profile: Profile, pool: EntropyPool, client=None):
        self.profile = profile
        self.pool = pool
        self.harvest_id = uuid.uuid4().hex
        self._owns_client = client is None
        self.client = client if client is not None else _connect(profile)
        self._specs = {spec.name: spec for spec in profile.sources}
        self._labels: dict[str, str] = {}  # worker address -> host:pid, once it has reported
        self._seen: dict[tuple[str, str], int] = {}  # (incarnation, source) -> last sequence
        self._home: dict[str, str] = {}  # local placement: source -> worker address
        self._hello: dict[str, Any] = {}  # worker address -> its pending identify() future
        self._registered: set[str] = set()  # names added to the pool
        self._mixed: dict[str, bytes] = {}  # this round's accepted bytes, for observers
        self.health: dict[str, SourceHealth] = {}  # source@host:pid -> as its worker last reported
        self._first_workers(profile.engine.connect_timeout)

    # --- placement -------------------------------------------------------------------

    def workers(self) -> list[str]:
        """The scheduler's workers now, sorted by address."""
        try:
            return sorted(self.client.nthreads())
        except Exception as error:  # the scheduler went away: nothing more to do
            raise ClusterError(f"lost the dask scheduler at {self.profile.engine.scheduler}: "
                               f"{type(error).__name__}: {error}") from None

    def _first_workers(self, timeout_s: float) -> None:
        """Wait (up to ``timeout_s``) for a worker, and for the workers there to answer
        who they are: a run that starts on an empty cluster is a clear error, not empty rounds."""
        deadline = time.monotonic() + timeout_s
        workers = self.workers()
        while not workers and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = self.workers()
        if not workers:
            raise ClusterError(f"the dask scheduler at {self.profile.engine.scheduler} has no workers after "
                               f"{timeout_s:g} s; start one with: dask worker {self.profile.engine.scheduler}")
        self._greet(workers, wait_s=max(0.0, deadline - time.monotonic()))

    def _greet(self, workers: list[str], wait_s: float = 0.0) -> list[str]:
        """The workers among ``workers`` that have told their label (asking the new
        ones; waiting up to ``wait_s`` for answers)."""
        for worker in workers:
            if worker not in self._labels and worker not in self._hello:
                self._hello[worker] = self.client.submit(identify, workers=[worker], allow_other_workers=False,
                                                         pure=False)
        deadline = time.monotonic() + wait_s
        for worker, future in list(self._hello.items()):
            if not future.done() and wait_s == 0:
                continue  # still loading the engine there: asked again next round
            try:
                label, _ = future.result(timeout=max(FETCH_S, deadline - time.monotonic()))
            except TimeoutError:
                continue
            except Exception:  # the worker died before answering: ask again if it comes back
                del self._hello[worker]
                continue
            self._labels[worker] = label
            del self._hello[worker]
        return [worker for worker in workers if worker in self._labels]

    def placement(self, workers: list[str]) -> dict[str, list[SourceSpec]]:
        """Worker address -> the sources it collects this round."""
        specs = list(self.profile.sources)
        if not workers:
            return {}
        if self.profile.engine.placement == "each_worker":
            return {worker: specs for worker in workers}
        load = {worker: 0 for worker in workers}
        for spec in specs:
            if self._home.get(spec.name) in load:
                load[self._home[spec.name]] += 1
        placed: dict[str, list[SourceSpec]] = {}
        for spec in specs:
            home = self._home.get(spec.name)
            if home not in load:  # new, or its worker left: the least busy worker takes it
                home = self._home[spec.name] = min(workers, key=lambda worker: load[worker])
                load[home] += 1
            placed.setdefault(home, []).append(spec)
        return placed

    # --- one round -------------------------------------------------------------------

    def run_round(self, ctx: RoundContext) -> PoolRound:
        """Collect on the workers, feed the pool, draw ``ctx.output_bytes``."""
        placed = self.placement(self._greet(self.workers()))
        specs = {worker: tuple(self._with_deadline(s, ctx) for s in specs) for worker, specs in placed.items()}
        conditioning = tuple(self.profile.conditioning)
        futures = {
            worker: self.client.submit(collect_on_worker, self.harvest_id, worker_specs, conditioning, ctx.index,
                                       workers=[worker], allow_other_workers=False, pure=False)
            for worker, worker_specs in specs.items()
        }
        longest = max((s.deadline for group in specs.values() for s in group), default=0.0)
        wait_until = ctx.started_ns / 1e9 + longest + GRACE_S + self.profile.engine.network_slack
        _wait_all(list(futures.values()), wait_until)
        rounds: list[SourceRound] = []
        for worker, future in futures.items():
            rounds += self._settle_worker(worker, specs[worker], future, ctx.index)
        # observers get the mixed bytes; the raw samples stayed on the workers
        data = tuple(SourceData(r.name, r.status, None, self._mixed.pop(r.name, b""), r.credited_bits) for r in rounds)
        return PoolRound(self.pool.draw(ctx.output_bytes), tuple(rounds), data)

    @staticmethod
    def _with_deadline(spec: SourceSpec, ctx: RoundContext) -> SourceSpec:
        if ctx.deadline_s is None:
            return spec
        return spec.model_copy(update={"deadline": ctx.deadline_s})

    def _settle_worker(self, worker: str, specs: Iterable[SourceSpec], future, index: int) -> list[SourceRound]:
        label = self._labels.get(worker, worker)
        if not future.done():  # stalled, dead, or still queued: this round goes on without it
            future.cancel()
            return [self._missing(spec, label, Status.LATE, f"worker {worker} gave no answer in time") for spec in specs]
        try:
            report: WorkerReport = future.result(timeout=FETCH_S)
        except Exception as error:  # the worker died, or the task failed there
            future.cancel()
            return [self._missing(spec, label, Status.FAILED, f"worker {worker}: {type(error).__name__}: {error}")
                    for spec in specs]
        if report.round_index != index:
            return [self._missing(spec, label, Status.FAILED, f"worker {worker} answered for round "
                                  f"{report.round_index}, not {index}") for spec in specs]
        self._labels[worker] = report.label
        return [self.accept(report, source) for source in report.sources]

    def _missing(self, spec: SourceSpec, label: str, status: Status, error: str) -> SourceRound:
        name = remote_name(spec.name, label)
        self._register(name, spec)  # the label is known: only greeted workers are asked
        outcome = CollectOutcome(spec.name, status, error=error)
        health = self.health.get(name)
        return feed_pool(self.pool, outcome, b"", health.state if health else "startup", name=name)

    def _register(self, name: str, spec: SourceSpec) -> None:
        if name not in self._registered:
            self._registered.add(name)
            self.pool.add_source(name, spec.weight, physical=spec.source_class.info.physical)

    def accept(self, report: WorkerReport, source: RemoteSource) -> SourceRound:
        """Feed one remote source's round to the pool, once: a (worker incarnation,
        source, sequence) seen before is refused (no bytes, no credit)."""
        spec = self._specs.get(source.name)
        name = remote_name(source.name, report.label)
        if spec is None:
            return SourceRound(name, Status.FAILED, 0, 0, 0.0, "not a source of this profile")
        self._register(name, spec)
        key = (report.incarnation, source.name)
        if source.sequence <= self._seen.get(key, 0):
            outcome = CollectOutcome(source.name, Status.FAILED,
                                     error=f"report {source.sequence} was already accepted: refused")
            return feed_pool(self.pool, outcome, b"", source.health.state, name=name)
        self._seen[key] = source.sequence
        self.health[name] = replace(source.health, name=name)
        outcome = source.outcome
        bound = credit_bound(spec)
        if outcome.credit_bits > bound:  # more than the policy allows the samples we asked for
            outcome = replace(outcome, credit_bits=bound)
        fed = feed_pool(self.pool, outcome, source.data, source.health.state, name=name)
        if fed.ok:
            self._mixed[name] = source.data
        return fed

    # --- the end ---------------------------------------------------------------------

    def close(self) -> None:
        """Drop this harvest's state on every worker and, if ours, close the client."""
        def drop() -> None:
            try:
                self.client.run(forget, self.harvest_id, on_error="ignore")
            except Exception:  # the scheduler lost: nothing left to drop
                pass

        dropping = threading.Thread(target=drop, name="oe-cluster-forget", daemon=True)
        dropping.start()
        dropping.join(FORGET_WAIT_S)  # a stalled worker must not hold the close
        if self._owns_client:
            self.client.close(timeout=5)
