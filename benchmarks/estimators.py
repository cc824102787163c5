"""Time the SP 800-90B non-IID assessment on u8_narrow (1,000,000 8-bit samples).

    python benchmarks/estimators.py [--runs 3] [--per-estimator]

The input is rebuilt by the tests' reference generator (tests/pipelines/reference/
inputs.py via nist_inputs.py; the same data NIST's ea_non_iid took 17-30 s on here). Prints the median of --runs full
assess() calls (original and bitstring passes, all estimators), and with
--per-estimator each estimator job alone on one thread. The machine is shared and
noisy: medians, not means. Goal: under 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from nist_inputs import reference_inputs
from openentropy.pipelines.estimators import assess
from openentropy.pipelines.estimators import assessment as _assessment
from openentropy.pipelines.estimators.symbols import to_bits, translate
from openentropy.sources import _native

REPO = Path(__file__).resolve().parents[1]


def u8_narrow() -> np.ndarray:
    return np.frombuffer(reference_inputs().u8_narrow(), dtype=np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-estimator", action="store_true")
    args = parser.parse_args()
    data = u8_narrow()
    print(f"native core: {'yes' if _native.AVAILABLE else 'NO (pure Python: very slow)'}")
    times, result = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = assess(data, 8)
        times.append(time.perf_counter() - start)
    print(f"assess(u8_narrow, 8): median {statistics.median(times):.2f} s over {args.runs} runs "
          f"({', '.join(f'{t:.2f}' for t in times)}); min-entropy {result.min_entropy:.6f} bits/sample")
    if args.per_estimator:
        symbols, k = translate(data)
        passes = (("original", symbols, k), ("bitstring", to_bits(data, 8), 2))
        for label, seq, kk in passes:
            for job in _assessment._jobs(seq, kk):
                start = time.perf_counter()
                names = [e.name for e in job()]
                print(f"  {label:9s} {'+'.join(names):22s} {time.perf_counter() - start:6.2f} s")


if __name__ == "__main__":
    main()
