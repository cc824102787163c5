"""``oe stream fast`` beside ``oe run fast`` and reading /dev/urandom, in the same run.

    python benchmarks/stream.py [--mib 512] [--runs 3]

Three commands write N bytes to stdout: ``oe stream fast --bytes N``, ``oe run fast
--bytes N`` and ``head -c N /dev/urandom``. Each is measured two ways, in turn, the
three alternating within every run:

- pipe: this script reads the command's stdout through a pipe in 1 MiB chunks; reported
  are the wall time (process start to EOF) and the rate from the first byte to the last
  (what the command sustains once running: for ``oe``, past Python's start-up and
  imports, and before its exit).
- devnull: stdout is /dev/null (``oe stream fast > /dev/null``); reported are the wall
  time and the write rate past the first MiB, read from the kernel's count of the
  process's written bytes (``wchar`` in /proc/PID/io, polled every ``POLL_S``; Linux):
  bytes counted between the first poll past 1 MiB and the last poll that saw the count
  grow, over the time between those polls.

Goal (issue 13): ``oe stream fast`` at least 1x /dev/urandom, and no slower than
``oe run fast`` (the two share one run loop). The machine is shared and noisy: medians
of --runs runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHUNK = 1 << 20
POLL_S = 0.002
OE = [sys.executable, "-m", "openentropy.shell"]
REPO = Path(__file__).resolve().parents[1]
COMMANDS = {
    "oe stream fast": lambda n: [*OE, "stream", "fast", "--format", "raw", "--bytes", str(n)],
    "oe run fast": lambda n: [*OE, "run", "fast", "--bytes", str(n)],
    "head /dev/urandom": lambda n: ["head", "-c", str(n), "/dev/urandom"],
}


def through_pipe(command: list[str], nbytes: int) -> tuple[float, float]:
    """(wall seconds, bytes per second from the first byte to the last) reading ``command``'s stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=REPO)
    first = last = None
    total = 0
    while chunk := process.stdout.read1(CHUNK):
        last = time.perf_counter()
        if first is None:
            first, first_size = last, len(chunk)
        total += len(chunk)
    process.wait()
    ended = time.perf_counter()
    if total != nbytes or process.returncode:
        raise SystemExit(f"{command[0]}: got {total} of {nbytes} bytes, exit {process.returncode}")
    return ended - started, (total - first_size) / max(last - first, 1e-9)


def written(pid: int) -> int:
    """Bytes the process has passed to write() so far (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/io").read_text().split("wchar:")[1].split()[0])
    except (OSError, IndexError):
        return 0


def to_devnull(command: list[str], nbytes: int) -> tuple[float, float]:
    """(wall seconds, bytes per second written between the first poll past 1 MiB and the
    last poll that saw the count grow) of ``command`` writing to /dev/null."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=REPO)
    first = last = None
    seen = 0
    while process.poll() is None:
        count = written(process.pid)
        if count > seen:
            seen, last = count, time.perf_counter()
            if first is None and count >= CHUNK:
                first, first_count = last, count
        time.sleep(POLL_S)
    ended = time.perf_counter()
    if process.returncode or first is None or last == first:
        raise SystemExit(f"{command[0]}: exit {process.returncode}, or too few polls saw it write (use a larger --mib)")
    return ended - started, (seen - first_count) / (last - first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    nbytes = args.mib << 20
    pipe = {name: [] for name in COMMANDS}
    devnull = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            pipe[name].append(through_pipe(command(nbytes), nbytes))
            devnull[name].append(to_devnull(command(nbytes), nbytes))

    median = statistics.median
    print(f"{args.mib} MiB, medians of {args.runs} runs (alternating)")
    print(f"{'':<20}{'pipe wall s':>12}{'pipe MB/s':>11}{'devnull wall s':>16}{'devnull MB/s':>14}")
    rates = {}
    for name in COMMANDS:
        rates[name] = [median(runs[i] for runs in side[name]) for side in (pipe, devnull) for i in (0, 1)]
        wall, sustained, null_wall, null_rate = rates[name]
        print(f"{name:<20}{wall:>12.2f}{sustained / 1e6:>11.0f}{null_wall:>16.2f}{null_rate / 1e6:>14.0f}")
    print("MB/s: from the first byte (pipe) or the first MiB (devnull) to the last: past start-up, before exit")
    ours, theirs, run = rates["oe stream fast"], rates["head /dev/urandom"], rates["oe run fast"]
    print(f"oe stream / urandom: pipe {ours[1] / theirs[1]:.2f}x, devnull {ours[3] / theirs[3]:.2f}x  (goal >= 1x); "
          f"wall time, start-up included: pipe {theirs[0] / ours[0]:.2f}x, devnull {theirs[2] / ours[2]:.2f}x as fast")
    print(f"oe stream / oe run:  pipe {ours[1] / run[1]:.2f}x, devnull {ours[3] / run[3]:.2f}x")


if __name__ == "__main__":
    main()
