"""uint64 per second of the pool's numpy generators beside numpy's own PCG64, as ratios.

    python benchmarks/numpy_generator.py [--profile fast] [--draws 20000000] [--runs 5]

Each run times one ``Generator.integers(0, 2**64, draws, dtype=uint64)`` call; the
figure is the median over ``--runs`` runs (the machine is shared and noisy). All four
generators are measured in the same process, interleaved run by run, so the ratios
compare like with like.

    pcg64     numpy.random.Generator(PCG64()): the reference
    seeded    harvester.generator(mode="seeded"): numpy's PCG64DXSM, pool-seeded
    direct    harvester.generator(): every bit read from the pool through the C ring

The direct generator runs at the pool's output rate, so it depends on the profile's
pool mode: ``fast`` (drbg) is the one to compare; ``default`` (sha256) is ~100x slower.
Goals (issue 12): direct at least 20 M uint64/s (0.12x PCG64), seeded at least 0.9x.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import openentropy

GOAL_DIRECT_PER_S = 20e6
GOAL_DIRECT_RATIO = 0.12
GOAL_SEEDED_RATIO = 0.9


def rate(generator: np.random.Generator, draws: int) -> float:
    start = time.perf_counter()
    generator.integers(0, 2**64, draws, dtype=np.uint64)
    return draws / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--draws", type=int, default=20_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with openentropy.open(args.profile) as harvester:
        generators = {
            "pcg64": np.random.Generator(np.random.PCG64()),
            "seeded": harvester.generator("seeded"),
            "direct": harvester.generator("direct"),
        }
        for generator in generators.values():  # warm up: first refills, page faults
            generator.integers(0, 2**64, 1 << 20, dtype=np.uint64)
        rates: dict[str, list[float]] = {name: [] for name in generators}
        for _ in range(args.runs):
            for name, generator in generators.items():
                rates[name].append(rate(generator, args.draws))
    medians = {name: statistics.median(values) for name, values in rates.items()}
    base = medians["pcg64"]
    print(f"profile {args.profile} ({harvester.profile.pool.mode} pool), {args.draws:,} uint64 per run, median of {args.runs}")
    print(f"{'generator':<10} {'M uint64/s':>11} {'x PCG64':>8}")
    for name, value in medians.items():
        print(f"{name:<10} {value / 1e6:>11.1f} {value / base:>8.3f}")
    direct, seeded = medians["direct"], medians["seeded"]
    print(
        f"goals: direct >= {GOAL_DIRECT_PER_S / 1e6:.0f} M/s ({GOAL_DIRECT_RATIO}x): "
        f"{'met' if direct >= GOAL_DIRECT_PER_S and direct / base >= GOAL_DIRECT_RATIO else 'NOT met'}; "
        f"seeded >= {GOAL_SEEDED_RATIO}x: {'met' if seeded / base >= GOAL_SEEDED_RATIO else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
