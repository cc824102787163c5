"""Time the per-round estimate (``online_min_entropy``) and show what it gives on patterns.

    python benchmarks/online_estimate.py [--runs 15] [--levels]

Part 1, cost: medians of --runs calls on 4 KiB, 64 KiB and 1 MiB of os.urandom bytes
(deflate's slowest input: nothing to match, every block stored) and of a byte counter
(its fastest), for each part of the estimate and for the whole, next to the old estimate
(MCV and Markov over all bytes). Goal: a few ms for 64 KiB, bounded above that.

Part 2, values: the estimate on deterministic patterns and on seeded uniform bytes at
1 KiB, 4 KiB and 64 KiB, with the old estimate beside it.

--levels: deflate's floor on deterministic data (the smallest block cost of a counter
and of a period-100 pattern) and its cost on noise, per zlib level and block size; the
figures behind ``deflate_bound.LEVEL`` and ``BLOCK_MAX``/``BLOCK_MIN``. The machine is
shared and noisy: medians, not means.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from unittest import mock

import numpy as np

from openentropy.pipelines import deflate_bound as db
from openentropy.pipelines.estimates import markov_min_entropy, mcv_min_entropy, online_min_entropy, online_sample

SIZES = (4096, 65536, 1 << 20)


def median_ms(fn, data, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def old_estimate(data: np.ndarray) -> float:
    return min(mcv_min_entropy(data), markov_min_entropy(data))


def patterns(n: int) -> dict[str, np.ndarray]:
    i = np.arange(n)
    rng = np.random.default_rng(2024)
    lcg = np.empty(n, np.uint8)
    x = 1
    for j in range(n):
        x = (137 * x + 187) % 256
        lcg[j] = x
    return {
        "uniform (seed 2024)": rng.integers(0, 256, n, dtype=np.uint8),
        "counter 0..255": (i % 256).astype(np.uint8),
        "period 3": np.array([17, 200, 91], np.uint8)[i % 3],
        "period 1000": rng.integers(0, 256, 1000, dtype=np.uint8)[i % 1000],
        "constant": np.full(n, 42, np.uint8),
        "LCG 137x+187": lcg,
        "counter ^ 0xA5": ((i % 256) ^ 0xA5).astype(np.uint8),
        "ramp i // 64": (i // 64 % 256).astype(np.uint8),
        "ramp 0.37 i": np.floor(0.37 * i).astype(np.int64).astype(np.uint8),
    }


def cost(runs: int) -> None:
    print("cost, ms (median of %d runs)" % runs)
    print(f"{'input':18s} {'MCV':>7s} {'Markov':>7s} {'deflate':>7s} {'online':>7s} {'old':>7s}")
    for n in SIZES:
        for label, data in (("urandom", np.frombuffer(os.urandom(n), np.uint8)),
                            ("counter", (np.arange(n) % 256).astype(np.uint8))):
            sample = online_sample(data)
            row = [median_ms(mcv_min_entropy, data, runs),
                   median_ms(markov_min_entropy, sample, runs),
                   median_ms(db.deflate_bound, sample, runs),
                   median_ms(online_min_entropy, data, runs),
                   median_ms(old_estimate, data, runs)]
            print(f"{label + ' ' + str(n // 1024) + ' KiB':18s} " + " ".join(f"{v:7.2f}" for v in row))


def values() -> None:
    print("\nbits per byte: online (old)")
    sizes = (1024, 4096, 65536)
    print(f"{'pattern':22s} " + " ".join(f"{str(n // 1024) + ' KiB':>15s}" for n in sizes))
    rows: dict[str, list[str]] = {}
    for n in sizes:
        for name, data in patterns(n).items():
            rows.setdefault(name, []).append(f"{online_min_entropy(data):.3f} ({old_estimate(data):.2f})")
    rows["os.urandom"] = [f"{online_min_entropy(np.frombuffer(os.urandom(n), np.uint8)):.3f}" for n in sizes]
    for name, cells in rows.items():
        print(f"{name:22s} " + " ".join(f"{c:>15s}" for c in cells))


def levels(runs: int) -> None:
    print("\ndeflate floor (bits/byte, smallest block) and cost on 64 KiB of noise, per level and block")
    n = 65536
    counter = (np.arange(n) % 256).astype(np.uint8)
    period = np.random.default_rng(7).integers(0, 256, 100, dtype=np.uint8)[np.arange(n) % 100]
    noise = np.frombuffer(os.urandom(n), np.uint8)
    for level in (1, 6, 9):
        for block in (256, 1024, 4096, 16384):
            with mock.patch.object(db, "LEVEL", level), mock.patch.object(db, "block_size", lambda _n, b=block: b):
                floor = [min(db.block_costs(d)) for d in (counter, period)]
                ms = median_ms(db.deflate_bound, noise, runs)
            print(f"level {level} block {block:5d}: counter {floor[0]:.3f} period-100 {floor[1]:.3f}  noise {ms:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--levels", action="store_true")
    args = parser.parse_args()
    cost(args.runs)
    values()
    if args.levels:
        levels(args.runs)


if __name__ == "__main__":
    main()
