"""Compile a profile into a dask task graph (task-spec form) over a ``Runtime``.

Keys are stable and readable; for a profile with sources A and B::

    round                              DataNode: this round's RoundContext
    collect/A                          Task: deadline-bounded collect   (needs: round)
    stage/A/0/delta ... stage/A/2/lsb  Task: the source's stages, chained
    condition/A/0/xor_fold ...         Task: the profile's conditioning stages, chained
    pool                               Task: mix + credit + draw output (needs: round, every source's last key)
    sink/0/stdout, sink/1/file ...     Task: write the pool's output    (needs: pool)

The graph is built once; each round ``graph_for_round`` swaps in a new ``round`` node.
Sources run in parallel on the threaded scheduler; nothing in a task blocks longer than
its source's deadline plus the collector's grace.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from dask.task_spec import DataNode, GraphNode, Task, TaskRef

from openentropy.pipelines.conditioners import as_bytes
from openentropy.pipelines.estimates import mcv_min_entropy, shannon

from .outcome import CollectOutcome, SourceRound, Status
from .profile import Profile
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
        return CollectOutcome(outcome.name, Status.FAILED, duration_s=outcome.duration_s,
                              error=f"stage {stage.type}: {type(error).__name__}: {error}", samples=outcome.samples)


def _feed(runtime: Runtime, outcome: CollectOutcome) -> SourceRound:
    """Mix one source's extracted bytes into the pool and credit their MCV min-entropy."""
    pool = runtime.pool
    data = as_bytes(outcome.data) if outcome.status is Status.OK else np.empty(0, np.uint8)
    if outcome.status is Status.OK and len(data) == 0:
        outcome = CollectOutcome(outcome.name, Status.EMPTY, duration_s=outcome.duration_s,
                                 error="no bytes left after its stages", samples=outcome.samples)
    if outcome.status is not Status.OK:
        pool.record_collect(outcome.name, ok=False, duration_s=outcome.duration_s)
        return SourceRound(outcome.name, outcome.status, outcome.samples, 0, outcome.duration_s, outcome.error)
    h_shannon, h_min = shannon(data), mcv_min_entropy(data)
    pool.mix(outcome.name, data.tobytes())
    credited = pool.credit(outcome.name, h_min * len(data))
    pool.record_collect(outcome.name, ok=True, duration_s=outcome.duration_s, shannon=h_shannon, min_entropy=h_min)
    return SourceRound(outcome.name, Status.OK, outcome.samples, len(data), outcome.duration_s, "",
                       h_shannon, h_min, credited)


def _pool_round(runtime: Runtime, ctx: RoundContext, *outcomes: CollectOutcome) -> PoolRound:
    rounds = tuple(_feed(runtime, outcome) for outcome in outcomes)
    return PoolRound(runtime.pool.get_random_bytes(ctx.output_bytes), rounds)


def _write_sink(runtime: Runtime, index: int, result: PoolRound) -> int:
    runtime.sinks[index].write(result.output)
    return len(result.output)


def compile_profile(profile: Profile, runtime: Runtime | None = None) -> Graph:
    """The task graph of one round of ``profile`` (with a placeholder ``round`` node)."""
    runtime = runtime if runtime is not None else Runtime(profile)
    graph: Graph = {ROUND_KEY: DataNode(ROUND_KEY, RoundContext(0, time.monotonic_ns(), 0))}
    last_keys = []
    for spec in profile.sources:
        key = collect_key(spec.name)
        graph[key] = Task(key, _collect, runtime, spec.name, spec.samples, spec.deadline, TaskRef(ROUND_KEY))
        chain = [("stage", s) for s in spec.extraction_stages()] + [("condition", s) for s in profile.conditioning]
        counters = {"stage": 0, "condition": 0}
        for kind, stage in chain:
            next_key = f"{kind}/{spec.name}/{counters[kind]}/{stage.type}"
            counters[kind] += 1
            graph[next_key] = Task(next_key, _apply_stage, stage, TaskRef(key))
            key = next_key
        last_keys.append(key)
    graph[POOL_KEY] = Task(POOL_KEY, _pool_round, runtime, TaskRef(ROUND_KEY), *(TaskRef(k) for k in last_keys))
    for index, key in enumerate(sink_keys(profile)):
        graph[key] = Task(key, _write_sink, runtime, index, TaskRef(POOL_KEY))
    return graph


def graph_for_round(graph: Graph, ctx: RoundContext) -> Graph:
    """``graph`` with this round's context in the ``round`` node."""
    return {**graph, ROUND_KEY: DataNode(ROUND_KEY, ctx)}
