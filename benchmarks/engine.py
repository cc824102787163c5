"""What the engine itself costs per round, beside a bare parallel collect of the same sources.

    python benchmarks/engine.py [--rounds 30] [--samples 512] [--cluster]

    engine  Harvest.run_round of a profile with every available source at --samples
            samples: collect, canonical stages, health tests, estimate, credit, pool
            input, a null sink (and 4 KiB of output)
    bare    the same sources' collect(n, deadline) in parallel threads, nothing else

Rounds alternate (engine, bare, engine, ...) so both see the same machine load; the
medians and their ratio are printed. Goal (issue 11): engine <= 1.1x bare.

``--cluster`` also times the same profile on a local dask.distributed cluster (a
scheduler and two worker processes on loopback, ``placement: local``: each source once
per round, on one of the workers), alternated with the threaded engine round. Goal
(issue 13): a cluster round <= 1.5x a threaded round of the same work.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor, wait

from openentropy.engine.measure import scan_sources
from openentropy.engine.profile import Profile
from openentropy.engine.runner import Harvest

DEADLINE_S = 0.2


def profile_of(names: list[str], samples: int) -> Profile:
    return Profile.model_validate({
        "name": "engine-bench",
        "sources": [{"name": name, "samples": samples, "deadline": DEADLINE_S} for name in names],
        "sinks": [{"type": "null"}],
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--cluster", action="store_true", help="also time rounds on a local two-worker cluster")
    args = parser.parse_args()
    names = [row.name for row in scan_sources() if row.available]
    profile = profile_of(names, args.samples)
    harvest = Harvest(profile)
    harvest.open_sinks()
    bare_sources = [spec.source_class(spec.validated_params()) for spec in profile.sources]
    executor = ThreadPoolExecutor(max_workers=len(bare_sources))

    def bare_round() -> float:
        started = time.monotonic_ns()
        deadline = started + int(DEADLINE_S * 1e9)
        wait([executor.submit(source.collect, args.samples, deadline) for source in bare_sources])
        return (time.monotonic_ns() - started) / 1e9

    def engine_round(index: int) -> float:
        started = time.monotonic_ns()
        harvest.run_round(index, 4096)
        return (time.monotonic_ns() - started) / 1e9

    for index in range(3):  # warm-up: start-up tests, first-touch pages, thread creation
        engine_round(index), bare_round()
    engine, bare = [], []
    for index in range(args.rounds):
        engine.append(engine_round(3 + index))
        bare.append(bare_round())
    harvest.close()
    executor.shutdown()
    e, b = statistics.median(engine), statistics.median(bare)
    print(f"{len(names)} sources, {args.samples} samples each, {args.rounds} alternated rounds")
    print(f"engine round  median {e * 1000:7.1f} ms")
    print(f"bare collect  median {b * 1000:7.1f} ms")
    print(f"ratio {e / b:.2f}x  ({(e - b) * 1000:.1f} ms of engine work per round; goal <= 1.1x)")
    if args.cluster:
        compare_cluster(profile, args.rounds)


def timed_round(harvest: Harvest, index: int) -> float:
    started = time.monotonic_ns()
    harvest.run_round(index, 4096)
    return (time.monotonic_ns() - started) / 1e9


def compare_cluster(profile: Profile, rounds: int) -> None:
    """Threaded rounds beside rounds on a two-worker loopback cluster, alternated."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        threaded = Harvest(profile)
        distributed = Harvest(profile.with_engine(scheduler=cluster.scheduler_address, placement="local"))
        threaded.open_sinks()
        distributed.open_sinks()
        for index in range(3):  # warm-up: start-up tests on both
            timed_round(threaded, index), timed_round(distributed, index)
        on_threads, on_cluster = [], []
        for index in range(3, 3 + rounds):
            on_threads.append(timed_round(threaded, index))
            on_cluster.append(timed_round(distributed, index))
        late = sum(not s.ok for s in distributed.run_round(3 + rounds, 4096).sources)
        threaded.close()
        distributed.close()
    t, c = statistics.median(on_threads), statistics.median(on_cluster)
    print(f"threaded round median {t * 1000:7.1f} ms")
    print(f"cluster round  median {c * 1000:7.1f} ms  (2 workers, placement local; "
          f"{late} sources not ok in a last round)")
    print(f"ratio {c / t:.2f}x  (goal <= 1.5x)")


if __name__ == "__main__":
    main()
