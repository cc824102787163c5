"""What each source's symbols look like to the SP 800-90B health tests.

    python benchmarks/health_calibration.py [--rounds 15] [--samples 8192] [SOURCE...]

For every available source (or those named): over --rounds collects of --samples
through its default stages, the longest run of one symbol and the largest count of a
window's first symbol in a 512-symbol window, beside the cutoffs that its declared
min-entropy H gives (RCT 1 + ceil(20/H), APT at alpha = 2^-20). A source whose observed
values come near its cutoffs would raise false alarms: declare a lower H for it. This
is how the ``declared_min_entropy`` values in sources/ were chosen.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from openentropy.engine.health import NON_BINARY_WINDOW, apt_cutoff, rct_cutoff
from openentropy.engine.measure import scan_sources
from openentropy.pipelines.stages import parse_stages
from openentropy.sources import get_source_class


def observe(name: str, rounds: int, samples: int) -> tuple[int, int, int]:
    """(longest run, largest APT count, symbols seen) over ``rounds`` collects."""
    cls = get_source_class(name)
    source = cls(cls.Params())
    stages = parse_stages(cls.default_stages)
    longest = most = total = 0
    for _ in range(rounds):
        data = source.collect(samples, time.monotonic_ns() + 2 * 10**9)
        for stage in stages:
            data = stage.apply(data)
        data = np.asarray(data)
        if len(data) < 2:
            continue
        total += len(data)
        starts = np.flatnonzero(np.concatenate(([True], data[1:] != data[:-1])))
        longest = max(longest, int(np.diff(np.append(starts, len(data))).max()))
        windows = len(data) // NON_BINARY_WINDOW
        if windows:
            block = data[: windows * NON_BINARY_WINDOW].reshape(windows, NON_BINARY_WINDOW)
            most = max(most, int((block == block[:, :1]).sum(axis=1).max()))
    return longest, most, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--samples", type=int, default=8192)
    args = parser.parse_args()
    names = args.sources or [row.name for row in scan_sources() if row.available]
    print(f"{'source':<24}{'H':>6}{'longest run':>13}{'RCT cutoff':>12}{'max APT':>9}{'APT cutoff':>12}{'symbols':>10}")
    for name in names:
        h = get_source_class(name).declared_min_entropy
        longest, most, total = observe(name, args.rounds, args.samples)
        flag = "  <- near a cutoff" if longest * 2 > rct_cutoff(h) or most * 1.2 > apt_cutoff(h, NON_BINARY_WINDOW) else ""
        print(f"{name:<24}{h:>6g}{longest:>13}{rct_cutoff(h):>12}{most:>9}{apt_cutoff(h, NON_BINARY_WINDOW):>12}{total:>10}{flag}")


if __name__ == "__main__":
    main()
