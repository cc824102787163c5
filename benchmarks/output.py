"""Pool output throughput in each mode, beside its reference, as ratios.

    python benchmarks/output.py [--runs 5] [--seconds 3]

    drbg          1 MiB requests            vs  os.urandom(1 MiB)            goal >= 0.5x
    sha256        1 MiB requests            vs  a bare hashlib loop making the same
                                                hash calls on the same input sizes   goal >= 0.5x
    full_entropy  the default profile's sources in full_entropy mode, and the paranoid
                  profile, running rounds for --seconds; every output block hashes input
                  carrying 320 credited, health-tested bits
                                            vs  jitterentropy (3.8-7.2 kB/s on this machine);
                                                goal for default: >= 70 kB/s

The machine is shared and noisy: every figure is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time

from openentropy.engine.loader import load_profile
from openentropy.engine.pool import BLOCK, EntropyPool
from openentropy.engine.runner import Harvest
from openentropy.pipelines.sinks import NullSinkSpec

MIB = 1 << 20


def rate(func, nbytes: int, runs: int, repeat: int = 4, setup=None) -> float:
    """Median bytes/s of ``func()`` producing ``nbytes`` each call (``setup()`` untimed)."""
    samples = []
    for _ in range(runs):
        elapsed = 0.0
        for _ in range(repeat):
            if setup is not None:
                setup()
            started = time.perf_counter()
            func()
            elapsed += time.perf_counter() - started
        samples.append(nbytes * repeat / elapsed)
    return statistics.median(samples)


def fed_pool(mode: str, **options) -> EntropyPool:
    pool = EntropyPool(mode=mode, **options)
    pool.add_source("bench")
    pool.add_input("bench", os.urandom(1 << 20), 8 * (1 << 20))
    return pool


def bare_hash_loop(blocks: int, input_per_block: int) -> None:
    """The construction's hash calls without its bookkeeping: per block, SHA-256 of
    state(32) + chunk + counter(8) + time(8) + os(8), then SHA-256 of 0x01 + digest(32)."""
    first = bytes(32 + input_per_block + 24)
    second = bytes(33)
    sha256 = hashlib.sha256
    for _ in range(blocks):
        sha256(first).digest()
        sha256(second).digest()


def full_entropy_rate(name: str, seconds: float) -> float:
    profile = load_profile(name)
    profile = profile.model_copy(update={
        "pool": profile.pool.model_copy(update={"mode": "full_entropy"}),
        "sinks": [NullSinkSpec()],
        "run": profile.run.model_copy(update={"bytes": None, "rounds": None, "bytes_per_round": 1 << 22}),
    })
    with Harvest(profile) as harvest:
        started, produced = time.perf_counter(), 0
        for result in harvest.rounds():
            produced += result.bytes_out
            if time.perf_counter() - started > seconds:
                break
        return produced / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    urandom = rate(lambda: os.urandom(MIB), MIB, args.runs)
    drbg_pool = fed_pool("drbg", drbg={"kind": "ctr_aes256", "reseed_bytes": 1 << 30, "reseed_seconds": 3600})
    drbg = rate(lambda: drbg_pool.get_random_bytes(MIB), MIB, args.runs)
    # 256 input bytes per 32-byte block: refill 8 MiB of input before each 1 MiB request
    sha_pool = fed_pool("sha256", os_random=True, input_per_block=256, buffer_limit=8 * MIB)
    refill = os.urandom(8 * MIB)
    sha = rate(lambda: sha_pool.get_random_bytes(MIB), MIB, args.runs, setup=lambda: sha_pool.add_input("bench", refill))
    bare = rate(lambda: bare_hash_loop(MIB // BLOCK, 256), MIB, args.runs)
    full = statistics.median(full_entropy_rate("default", args.seconds) for _ in range(max(1, args.runs // 2)))
    paranoid = statistics.median(full_entropy_rate("paranoid", args.seconds) for _ in range(max(1, args.runs // 2)))

    print(f"{'mode':<14}{'MB/s':>10}   reference{'':<22}{'MB/s':>10}{'ratio':>9}   goal")
    print(f"{'drbg':<14}{drbg / 1e6:>10.1f}   os.urandom(1 MiB){'':<14}{urandom / 1e6:>10.1f}{drbg / urandom:>8.2f}x   >= 0.50x")
    print(f"{'sha256':<14}{sha / 1e6:>10.1f}   bare hashlib, same hashes{'':<6}{bare / 1e6:>10.1f}{sha / bare:>8.2f}x   >= 0.50x")
    print(f"{'full_entropy':<14}{full / 1e6:>10.3f}   jitterentropy 3.8-7.2 kB/s{'':<5}{0.0055:>10.4f}{full / 5500:>8.1f}x   >= 70 kB/s")
    print(f"{'paranoid':<14}{paranoid / 1e6:>10.3f}   jitterentropy 3.8-7.2 kB/s{'':<5}{0.0055:>10.4f}{paranoid / 5500:>8.1f}x")
    print(f"medians of {args.runs} runs; full_entropy: default profile's sources; {args.seconds:g} s per run; "
          "jitterentropy ratio against its 5.5 kB/s midpoint")


if __name__ == "__main__":
    main()
