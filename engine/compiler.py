"""Compile a profile into a dask task graph (task-spec form) over a ``Runtime``.

Keys are stable and readable; for a profile with sources A and B::

    round                              DataNode: this round's RoundContext
    collect/A                          Task: deadline-bounded collect   (needs: round)
    health/A                           Task: the source's own (canonical) stages, SP 800-90B
                                       tests, entropy estimate and credit (needs: collect/A)
    stage/A/0/sha256 ...               Task: the profile's stages for A, if it sets its own,
                                       chained from collect/A (otherwise the mixed bytes are
                                       health/A's canonical symbols)
    condition/A/0/xor_fold ...         Task: the profile's conditioning stages, chained
    pool                               Task: add input with its credit + draw output
                                       (needs: round, every source's health, last key and
                                       collect: the raw samples go to the round's observers)

The graph is built once; each round ``graph_for_round`` swaps in a new ``round`` node.
Sources run in parallel on the threaded scheduler; nothing in a task blocks longer than
its source's deadline plus the collector's grace. The graph ends at ``pool``: the
harvest (runner.py) writes the round's output to whatever sinks it has open.

Where tasks may run: ``stage/...`` and ``condition/...`` are pure functions of plain,
picklable data (a stage model and a CollectOutcome) and could run on any machine;
``collect/A`` needs the source object and ``health/A`` its stateful health monitor, and
``pool`` touches the live pool, so today they run where the harvest lives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from dask.task_spec import DataNode, GraphNode, Task, TaskRef

from .credit_policy import judge
from .health import HealthState
from .outcome import CollectOutcome, SourceData, SourceRound, Status
from .profile import Profile, SourceSpec
from .pool import EntropyPool
from .runtime import Runtime
from .stage_chain import apply_stage, settle, stage_chain

ROUND_KEY = "round"
POOL_KEY = "pool"

Graph = dict[str, GraphNode]


@dataclass(frozen=True)
class RoundContext:
    index: int
    started_ns: int
    output_bytes: int
    deadline_s: float | None = None  # replaces every source's deadline when set
    serial: bool = False  # sources collected one after another: deadlines count from each start


@dataclass(frozen=True)
class PoolRound:
    output: bytes
    sources: tuple[SourceRound, ...]
    data: tuple[SourceData, ...] = ()  # per source: raw samples and mixed bytes (Harvest.observe)


def collect_key(name: str) -> str:
    return f"collect/{name}"


def _collect(runtime: Runtime, name: str, samples: int, deadline_s: float, ctx: RoundContext) -> CollectOutcome:
    budget = ctx.deadline_s if ctx.deadline_s is not None else deadline_s
    start = time.monotonic_ns() if ctx.serial else ctx.started_ns
    return runtime.collectors[name].collect(samples, start + int(budget * 1e9))


def _health(runtime: Runtime, spec: SourceSpec, raw: CollectOutcome) -> CollectOutcome:
    """Health tests and credit on the source's canonical symbols (credit_policy.judge)."""
    return judge(spec, runtime.monitors[spec.name], raw)


def _feed(runtime: Runtime, checked: CollectOutcome, mixed: CollectOutcome) -> tuple[SourceRound, bytes]:
    """Add one source's bytes to the pool with the credit its health task vouched for.

    ``checked`` is the health task's outcome (status, credit); ``mixed`` the bytes the
    profile's stages made of the same samples (the same object when the profile keeps
    the source's own stages). Also returns the bytes mixed (b"" when none).
    """
    outcome, data = settle(checked, mixed)
    health = runtime.monitors[outcome.name].state.value  # the monitor is the one source of truth
    return feed_pool(runtime.pool, outcome, data, health), data


def feed_pool(pool: EntropyPool, outcome: CollectOutcome, data: bytes, health: str,
              name: str | None = None) -> SourceRound:
    """Record one settled source round in ``pool`` (as ``name``, default the outcome's)
    and add its bytes with their credit; ``health`` is the monitor's state."""
    name = name or outcome.name
    if outcome.status is not Status.OK:
        pool.record_collect(name, ok=False, duration_s=outcome.duration_s,
                            collect_failed=outcome.status.collect_failed, healthy=False)
        return SourceRound(name, outcome.status, outcome.samples, 0, outcome.duration_s, outcome.error,
                           health=health)
    credited = pool.add_input(name, data, outcome.credit_bits)
    pool.record_collect(name, ok=True, duration_s=outcome.duration_s, shannon=outcome.shannon,
                        min_entropy=outcome.min_entropy, healthy=health == HealthState.HEALTHY.value)
    return SourceRound(name, Status.OK, outcome.samples, len(data), outcome.duration_s, "",
                       outcome.shannon, outcome.min_entropy, credited, health)


def _pool_round(runtime: Runtime, ctx: RoundContext, *outcomes: CollectOutcome) -> PoolRound:
    """Feed every source, then draw this round's output: never more than the pool can
    give at once, so a full_entropy round emits what its credit covers and never waits.

    ``outcomes`` are (health outcome, mixed bytes' outcome, collect outcome) triples,
    flattened."""
    rounds, data = [], []
    for checked, mixed, collected in zip(outcomes[::3], outcomes[1::3], outcomes[2::3]):
        fed, mixed_bytes = _feed(runtime, checked, mixed)
        raw = collected.data if collected.status is Status.OK else None
        rounds.append(fed)
        data.append(SourceData(fed.name, fed.status, raw, mixed_bytes, fed.credited_bits))
    return PoolRound(runtime.pool.draw(ctx.output_bytes), tuple(rounds), tuple(data))


def compile_profile(profile: Profile, runtime: Runtime | None = None) -> Graph:
    """The task graph of one round of ``profile`` (with a placeholder ``round`` node)."""
    runtime = runtime if runtime is not None else Runtime(profile)
    graph: Graph = {ROUND_KEY: DataNode(ROUND_KEY, RoundContext(0, time.monotonic_ns(), 0))}
    pool_inputs = []
    for spec in profile.sources:
        collected = collect_key(spec.name)
        graph[collected] = Task(collected, _collect, runtime, spec.name, spec.samples, spec.deadline, TaskRef(ROUND_KEY))
        checked = f"health/{spec.name}"
        graph[checked] = Task(checked, _health, runtime, spec, TaskRef(collected))
        from_checked, chain = stage_chain(spec, profile.conditioning)
        key = checked if from_checked else collected
        counters = {"stage": 0, "condition": 0}
        for kind, stage in chain:
            next_key = f"{kind}/{spec.name}/{counters[kind]}/{stage.type}"
            counters[kind] += 1
            graph[next_key] = Task(next_key, apply_stage, stage, TaskRef(key))
            key = next_key
        pool_inputs += [TaskRef(checked), TaskRef(key), TaskRef(collected)]
    graph[POOL_KEY] = Task(POOL_KEY, _pool_round, runtime, TaskRef(ROUND_KEY), *pool_inputs)
    return graph


def graph_for_round(graph: Graph, ctx: RoundContext) -> Graph:
    """``graph`` with this round's context in the ``round`` node."""
    return {**graph, ROUND_KEY: DataNode(ROUND_KEY, ctx)}
