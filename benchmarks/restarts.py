"""How fast restart data come: restarts per second in fork and exec mode (engine/restarts.py).

    python benchmarks/restarts.py [--source clock_jitter] [--fork 200] [--exec 10] [--runs 3]

Each run collects --fork restarts in fork mode (a zygote's children; the zygote's own
start is inside the timing) and --exec restarts in exec mode (a fresh interpreter each),
1,000 samples per restart, alternating so the shared machine's load hits both alike.
Prints each run and the medians of restarts/s, and the time 1,000 restarts (SP 800-90B
3.1.4's matrix) would take at that rate.
"""

from __future__ import annotations

import argparse
import statistics
import time

from openentropy.engine.restarts import RESTARTS, restart_matrix


def rate(source: str, restarts: int, mode: str) -> float:
    began = time.perf_counter()
    matrix = restart_matrix(source, restarts, mode=mode)
    seconds = time.perf_counter() - began
    assert matrix.shape == (restarts, 1000)
    return restarts / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="clock_jitter")
    parser.add_argument("--fork", type=int, default=200, help="restarts per fork-mode run")
    parser.add_argument("--exec", type=int, default=10, help="restarts per exec-mode run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rates = {"fork": [], "exec": []}
    for run in range(args.runs):
        for mode, count in (("fork", args.fork), ("exec", args.exec)):
            rates[mode].append(rate(args.source, count, mode))
            print(f"run {run + 1}: {mode:4s} {count:5d} restarts: {rates[mode][-1]:7.2f} restarts/s", flush=True)
    for mode, values in rates.items():
        median = statistics.median(values)
        print(f"{mode}: median {median:.2f} restarts/s; {RESTARTS:,} restarts in {RESTARTS / median:,.0f} s")
    print(f"fork / exec: {statistics.median(rates['fork']) / statistics.median(rates['exec']):.0f}x")


if __name__ == "__main__":
    main()
