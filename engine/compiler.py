"""Compile a profile into a dask task graph (task-spec form) over a ``Runtime``.

Keys are stable and readable; for a profile with sources A and B::

    round                              DataNode: this round's RoundContext
    collect/A                          Task: deadline-bounded collect   (needs: round)
    stage/A/0/delta ... stage/A/3/lsb  Task: the source's stages, chained
    condition/A/0/xor_fold ...         Task: the profile's conditioning stages, chained
    health/A                           Task: SP 800-90B tests + entropy estimate, placed after
                                       the last stage before any hashing (sha256) stage
    pool                               Task: mix + credit + draw output (needs: round, every source's last key)
    sink/0/stdout, sink/1/file ...     Task: write the pool's output    (needs: pool)

The graph is built once; each round ``graph_for_round`` swaps in a new ``round`` node.
Sources run in parallel on the threaded scheduler; nothing in a task blocks longer than
its source's deadline plus the collector's grace.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from dask.task_spec import DataNode, GraphNode, Task, TaskRef

from openentropy.pipelines.conditioners import as_bytes
from openentropy.pipelines.estimates import online_min_entropy, shannon
from openentropy.pipelines.estimators import assess

from .health import HealthState
from .outcome import CollectOutcome, SourceRound, Status
from .profile import Profile, SourceSpec
from .runtime import Runtime

ROUND_KEY = "round"
POOL_KEY = "pool"

Graph = dict[str, GraphNode]


@dataclass(frozen=True)
class RoundContext:
    index: int
    started_ns: int
    output_bytes: int


@dataclass(frozen=True)
class PoolRound:
    output: bytes
    sources: tuple[SourceRound, ...]


def collect_key(name: str) -> str:
    return f"collect/{name}"


def sink_keys(profile: Profile) -> list[str]:
    return [f"sink/{i}/{sink.type}" for i, sink in enumerate(profile.sinks)]


def _collect(runtime: Runtime, name: str, samples: int, deadline_s: float, ctx: RoundContext) -> CollectOutcome:
    return runtime.collectors[name].collect(samples, ctx.started_ns + int(deadline_s * 1e9))


def _apply_stage(stage: Any, outcome: CollectOutcome) -> CollectOutcome:
    if outcome.status is not Status.OK:
        return outcome
    try:
        return outcome.with_data(stage.apply(outcome.data))
    except Exception as error:  # a stage that cannot handle this input fails the source, not the round
        return outcome.failed(Status.FAILED, f"stage {stage.type}: {type(error).__name__}: {error}")


def _health(runtime: Runtime, spec: SourceSpec, outcome: CollectOutcome) -> CollectOutcome:
    """Health-test this round's symbols; estimate and cap the credit for what passes.

    Credit, on the accepted symbols before any hashing, is the smallest of: the round's
    min-entropy estimate per byte x bytes (``health.estimate``: min(MCV, Markov), or the
    full SP 800-90B assessment); H x symbols, where H is the min-entropy per symbol the
    health tests assume (crediting more than the tests defend would be dishonest); and
    the profile's credit_cap x symbols. Nothing is mixed here.
    """
    if outcome.status is not Status.OK:
        return outcome
    if len(outcome.data) == 0:
        return outcome.failed(Status.EMPTY, "no symbols left after its stages")
    monitor = runtime.monitors[spec.name]
    verdict = monitor.check(outcome.data)
    state = verdict.state.value
    if verdict.failure is not None:
        failure = verdict.failure
        return replace(outcome.failed(Status.QUARANTINED, f"{failure.test} test failed at symbol {failure.sample}"),
                       health=state)
    if verdict.state is HealthState.QUARANTINED:
        return replace(outcome.failed(Status.QUARANTINED, "quarantined: waiting for its retest"), health=state)
    if len(verdict.accepted) == 0:
        return replace(outcome.failed(Status.STARTUP, "start-up health tests in progress"), health=state)
    symbols = verdict.accepted
    data = as_bytes(symbols)
    h_min = assess(data, 8).min_entropy if spec.health.estimate == "sp800_90b" else online_min_entropy(data)
    per_symbol = min(monitor.h, spec.health.credit_cap if spec.health.credit_cap is not None else math.inf)
    credit = min(h_min * len(data), per_symbol * len(symbols))
    return replace(outcome, data=symbols, health=state, shannon=shannon(data), min_entropy=h_min, credit_bits=credit)


def _health_fields(runtime: Runtime, name: str) -> dict:
    monitor = runtime.monitors[name]
    last = monitor.failures[-1] if monitor.failures else None
    return {
        "health": monitor.state.value,
        "health_failures": monitor.failure_count,
        "last_health_failure": f"{last.test} at {datetime.fromtimestamp(last.at, timezone.utc).isoformat()}" if last else "",
    }


def _feed(runtime: Runtime, outcome: CollectOutcome) -> SourceRound:
    """Mix one source's bytes into the pool and credit what its health task vouched for."""
    pool = runtime.pool
    if outcome.status is Status.OK and len(outcome.data) == 0:
        outcome = outcome.failed(Status.EMPTY, "no bytes left after its stages")
    health = _health_fields(runtime, outcome.name)
    if outcome.status is not Status.OK:
        pool.record_collect(outcome.name, ok=False, duration_s=outcome.duration_s,
                            collect_failed=outcome.status.collect_failed, **health)
        return SourceRound(outcome.name, outcome.status, outcome.samples, 0, outcome.duration_s, outcome.error,
                           health=health["health"])
    data = as_bytes(outcome.data)
    pool.mix(outcome.name, data.tobytes())
    credited = pool.credit(outcome.name, min(outcome.credit_bits, 8.0 * len(data)))
    pool.record_collect(outcome.name, ok=True, duration_s=outcome.duration_s, shannon=outcome.shannon,
                        min_entropy=outcome.min_entropy, **health)
    return SourceRound(outcome.name, Status.OK, outcome.samples, len(data), outcome.duration_s, "",
                       outcome.shannon, outcome.min_entropy, credited, health["health"])


def _pool_round(runtime: Runtime, ctx: RoundContext, *outcomes: CollectOutcome) -> PoolRound:
    """Feed every source, then draw this round's output: never more than the pool can
    give at once, so a full_entropy round emits what its credit covers and never waits."""
    rounds = tuple(_feed(runtime, outcome) for outcome in outcomes)
    pool = runtime.pool
    available = pool.available_bytes()
    wanted = ctx.output_bytes if available is None else min(ctx.output_bytes, available)
    return PoolRound(pool.get_random_bytes(wanted), rounds)


def _write_sink(runtime: Runtime, index: int, result: PoolRound) -> int:
    runtime.sinks[index].write(result.output)
    return len(result.output)


def _add_health(graph: Graph, runtime: Runtime, spec: SourceSpec, previous: str) -> str:
    key = f"health/{spec.name}"
    graph[key] = Task(key, _health, runtime, spec, TaskRef(previous))
    return key


def compile_profile(profile: Profile, runtime: Runtime | None = None) -> Graph:
    """The task graph of one round of ``profile`` (with a placeholder ``round`` node)."""
    runtime = runtime if runtime is not None else Runtime(profile)
    graph: Graph = {ROUND_KEY: DataNode(ROUND_KEY, RoundContext(0, time.monotonic_ns(), 0))}
    last_keys = []
    for spec in profile.sources:
        key = collect_key(spec.name)
        graph[key] = Task(key, _collect, runtime, spec.name, spec.samples, spec.deadline, TaskRef(ROUND_KEY))
        chain = [("stage", s) for s in spec.extraction_stages()] + [("condition", s) for s in profile.conditioning]
        hashing = next((i for i, (_, stage) in enumerate(chain) if stage.type == "sha256"), len(chain))
        counters = {"stage": 0, "condition": 0}
        for position, (kind, stage) in enumerate(chain):
            if position == hashing:
                key = _add_health(graph, runtime, spec, key)
            next_key = f"{kind}/{spec.name}/{counters[kind]}/{stage.type}"
            counters[kind] += 1
            graph[next_key] = Task(next_key, _apply_stage, stage, TaskRef(key))
            key = next_key
        if hashing == len(chain):
            key = _add_health(graph, runtime, spec, key)
        last_keys.append(key)
    graph[POOL_KEY] = Task(POOL_KEY, _pool_round, runtime, TaskRef(ROUND_KEY), *(TaskRef(k) for k in last_keys))
    for index, key in enumerate(sink_keys(profile)):
        graph[key] = Task(key, _write_sink, runtime, index, TaskRef(POOL_KEY))
    return graph


def graph_for_round(graph: Graph, ctx: RoundContext) -> Graph:
    """``graph`` with this round's context in the ``round`` node."""
    return {**graph, ROUND_KEY: DataNode(ROUND_KEY, ctx)}
