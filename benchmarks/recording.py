"""What recording costs a harvest: rounds per second with and without a session writer.

    python benchmarks/recording.py [--profile default] [--rounds 40] [--runs 3]

For each run: --rounds rounds of the profile (sinks: none, 4 KiB output a round) timed
bare, then the same with a ``SessionWriter`` observing the harvest (chunks of 1 s, so
several chunk writes with their fsyncs fall inside the timing), alternating so that
the shared machine's load hits both alike. Prints medians of rounds/s, the ratio, and
the session's size on disk per second of recording. The folder is a temporary one,
removed at the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from openentropy.engine import Harvest, load_profile
from openentropy.pipelines.recording import SessionWriter


def timed_rounds(harvest: Harvest, rounds: int, start: int) -> float:
    began = time.perf_counter()
    for index in range(start, start + rounds):
        harvest.run_round(index, 4096)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    profile = load_profile(args.profile)
    bare, recorded, disk_rates = [], [], []
    with tempfile.TemporaryDirectory() as root, Harvest(profile, sinks=[]) as harvest:
        timed_rounds(harvest, 5, 0)  # warm up: start-up health tests, caches
        index = 5
        for _ in range(args.runs):
            seconds = timed_rounds(harvest, args.rounds, index)
            bare.append(args.rounds / seconds)
            index += args.rounds
            writer = SessionWriter(Path(root), profile, chunk_seconds=1.0)
            stop = harvest.observe(writer.add_round)
            began = time.perf_counter()
            timed_rounds(harvest, args.rounds, index)
            stop()
            writer.close(harvest.health(), "benchmark")
            seconds = time.perf_counter() - began  # includes the last chunk's write
            recorded.append(args.rounds / seconds)
            size = sum(p.stat().st_size for p in (writer.folder / "chunks").iterdir())
            disk_rates.append(size / seconds)
            index += args.rounds
    b, r = statistics.median(bare), statistics.median(recorded)
    print(f"profile {args.profile}: {args.rounds} rounds x {args.runs} runs")
    print(f"bare:      {b:8.1f} rounds/s")
    print(f"recording: {r:8.1f} rounds/s  ({r / b:.2f}x bare)")
    print(f"written:   {statistics.median(disk_rates) / 1e6:8.1f} MB/s of chunks")


if __name__ == "__main__":
    main()
