"""``oe run fast`` beside reading /dev/urandom, in the same run, as a ratio.

    python benchmarks/run_fast.py [--mib 512] [--runs 3]

Both are read through a pipe by this script in 1 MiB chunks: ``oe run fast --bytes N``
(stdout raw) and ``head -c N /dev/urandom``. Reported per side: the wall time of the
whole command (process start to EOF) and the write rate after the first byte (what
the command sustains once running: for ``oe``, past Python's start-up and imports).
Goal (issue 11): ``oe run fast`` writes at least as fast as /dev/urandom reads.
The machine is shared and noisy: medians of --runs alternating runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHUNK = 1 << 20
OE = [sys.executable, "-m", "openentropy.shell"]


def timed_read(command: list[str], nbytes: int) -> tuple[float, float]:
    """(wall seconds, bytes per second after the first byte) of reading ``command``'s stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1])
    first, total = None, 0
    while chunk := process.stdout.read1(CHUNK):
        if first is None:
            first = time.perf_counter()
        total += len(chunk)
    process.wait()
    ended = time.perf_counter()
    if total != nbytes or process.returncode:
        raise SystemExit(f"{command[0]}: got {total} of {nbytes} bytes, exit {process.returncode}")
    return ended - started, (total - min(total, CHUNK)) / max(ended - first, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    nbytes = args.mib << 20
    ours, theirs = [], []
    for _ in range(args.runs):
        ours.append(timed_read([*OE, "run", "fast", "--bytes", str(nbytes)], nbytes))
        theirs.append(timed_read(["head", "-c", str(nbytes), "/dev/urandom"], nbytes))
    wall_ours, wall_theirs = (statistics.median(w for w, _ in runs) for runs in (ours, theirs))
    rate_ours, rate_theirs = (statistics.median(r for _, r in runs) for runs in (ours, theirs))
    print(f"{args.mib} MiB, medians of {args.runs} runs")
    print(f"{'':<22}{'wall s':>9}{'MB/s after first byte':>24}")
    print(f"{'oe run fast':<22}{wall_ours:>9.2f}{rate_ours / 1e6:>24.0f}")
    print(f"{'head /dev/urandom':<22}{wall_theirs:>9.2f}{rate_theirs / 1e6:>24.0f}")
    print(f"ratio (oe / urandom): wall {wall_theirs / wall_ours:.2f}x as fast, "
          f"sustained {rate_ours / rate_theirs:.2f}x  (goal >= 1x)")


if __name__ == "__main__":
    main()
