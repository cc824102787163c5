"""Throughput of the SP 800-90A DRBGs against os.urandom, for 1 MiB requests.

    python benchmarks/drbg_speed.py [--runs 5] [--size 1048576] [--repeat 8]

Each run times ``--repeat`` requests of ``--size`` bytes; the figure is the median over
``--runs`` runs (the machine is shared and noisy: medians, not means). Ratios are DRBG
throughput over os.urandom throughput; the goal for CTR_DRBG is at least 0.5.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from openentropy.engine.drbg import create_drbg

GOAL_CTR = 0.5


def median_rate(generate, size: int, runs: int, repeat: int) -> float:
    """Median bytes per second of ``generate(size)`` over ``runs`` runs of ``repeat`` calls."""
    generate(size)  # warm up (imports, OpenSSL contexts)
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            generate(size)
        rates.append(size * repeat / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=1 << 20)
    parser.add_argument("--repeat", type=int, default=8)
    args = parser.parse_args()

    contenders = {
        "os.urandom": os.urandom,
        "ctr_aes256 (df)": create_drbg("ctr_aes256", os.urandom(32), os.urandom(16)).generate,
        "ctr_aes256 (no df)": create_drbg("ctr_aes256", os.urandom(48), use_df=False).generate,
        "hmac_sha256": create_drbg("hmac_sha256", os.urandom(32), os.urandom(16)).generate,
    }
    rates = {name: median_rate(fn, args.size, args.runs, args.repeat) for name, fn in contenders.items()}
    base = rates["os.urandom"]
    print(f"{args.size} B requests, median of {args.runs} runs x {args.repeat} requests")
    print(f"{'generator':<20} {'MB/s':>10} {'vs os.urandom':>14}")
    for name, rate in rates.items():
        print(f"{name:<20} {rate / 1e6:>10.1f} {rate / base:>13.2f}x")
    ctr = rates["ctr_aes256 (df)"] / base
    print(f"CTR_DRBG goal >= {GOAL_CTR:.2f}x os.urandom: {'met' if ctr >= GOAL_CTR else 'NOT met'} ({ctr:.2f}x)")


if __name__ == "__main__":
    main()
