"""Time the 31-test battery beside the SP 800-22 suite (ours, and NIST's C code if installed).

    python benchmarks/battery.py [--runs 3]

Input: the binary expansion of e from the tests' reference generator
(tests/pipelines/reference/inputs.py ``e_bytes``, loaded by nist_inputs.py): its first
1,000,000 bits (NIST's data.e, 125,000 bytes) and its first 2^23 bits (1 MiB; the
first million bits are the same). The 2^23 bits take minutes of big-integer
arithmetic, so they are kept in the temporary folder (``E_CACHE``) and reused only
when their SHA-256 is the one recorded here (``E_MIB_SHA256``, of e_bytes(2^23)).
Times, each the median of --runs:

- ``sp80022.run_suite`` on the 1,000,000 bits (15 tests, sts defaults);
- ``sp80022suite`` (sts-2.1.2's C code on PyPI; not a project dependency) on the same
  bits, when importable; it reads templates/template9 from the working directory, so
  the calls run in a temporary folder holding that file (as NIST's tool
  does); otherwise a note says it was skipped;
- ``run_battery`` on the same 125,000 bytes and on 1 MiB (the goal: under 2 s).

Then the ratios between them. The machine is shared and noisy: medians, not means.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
from pathlib import Path

from nist_inputs import reference_inputs
from openentropy.pipelines.battery import run_battery
from openentropy.pipelines.sp80022 import aperiodic_templates, run_suite, unpack_bits

ROOT = Path(__file__).resolve().parents[1]
MEBIBYTE = 1 << 20
E_BITS = 1_000_000
#: SHA-256 of the first 2^23 bits of e, packed MSB-first (e_bytes(2^23)).
E_MIB_SHA256 = "677e86cbbadcba18ceb1b7f94786ab59f22f04d3aef379ffc745a5e7637422b1"
E_CACHE = Path(tempfile.gettempdir()) / "openentropy-e-8388608-bits.bin"

#: sp80022suite's functions and sts's default arguments.
NIST_CALLS = (
    ("frequency", ()),
    ("block_frequency", (128,)),
    ("cumulative_sums", ()),
    ("runs", ()),
    ("longest_run_of_ones", ()),
    ("rank", ()),
    ("discrete_fourier_transform", ()),
    ("non_overlapping_template_matchings", (9,)),
    ("overlapping_template_matchings", (9,)),
    ("universal", ()),
    ("approximate_entropy", (10,)),
    ("random_excursions", ()),
    ("random_excursions_variant", ()),
    ("serial", (16,)),
    ("linear_complexity", (500,)),
)


def e_bytes(n_bits: int) -> bytes:
    """The first n_bits of e (a multiple of 8), packed MSB-first."""
    return reference_inputs().e_bytes(n_bits)


def e_mebibyte() -> bytes:
    """The first 2^23 bits of e: from E_CACHE when its hash matches, else generated and cached."""
    if E_CACHE.is_file():
        cached = E_CACHE.read_bytes()
        if hashlib.sha256(cached).hexdigest() == E_MIB_SHA256:
            return cached
    print(f"generating the first 2^23 bits of e (minutes, once; cached in {E_CACHE}) ...", flush=True)
    data = e_bytes(8 * MEBIBYTE)
    if hashlib.sha256(data).hexdigest() != E_MIB_SHA256:
        raise SystemExit("benchmarks/battery.py: e_bytes(2^23) does not match the recorded SHA-256")
    E_CACHE.write_bytes(data)
    return data


def median_seconds(call, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_nist(bits, runs: int) -> float | None:
    """Median seconds of sp80022suite's 15 tests on ``bits``; None when not installed."""
    try:
        import sp80022suite
    except ImportError:
        return None
    raw = bits.tobytes()  # one byte (0 or 1) per bit, as sp80022suite takes them
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "templates").mkdir()
        rows = "".join(" ".join(t) + "\n" for t in aperiodic_templates(9))
        (Path(folder) / "templates" / "template9").write_text(rows)
        os.chdir(folder)
        try:
            calls = [(getattr(sp80022suite, name), args) for name, args in NIST_CALLS]
            return median_seconds(lambda: [f(*args, raw) for f, args in calls], runs)
        finally:
            os.chdir(here)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    million = e_bytes(E_BITS)
    mebibyte = e_mebibyte()
    if mebibyte[: len(million)] != million:
        raise SystemExit("benchmarks/battery.py: the cached 2^23 bits of e do not start with e's first million")
    bits = unpack_bits(million)

    suite = median_seconds(lambda: run_suite(bits), args.runs)
    nist = time_nist(bits, args.runs)
    battery_small = median_seconds(lambda: run_battery(million), args.runs)
    battery_mib = median_seconds(lambda: run_battery(mebibyte), args.runs)
    report = run_battery(mebibyte)

    print(f"input: binary expansion of e; median of {args.runs} runs")
    print(f"{'':44s} {'seconds':>8s}")
    print(f"{'sp80022.run_suite, 1,000,000 bits':44s} {suite:8.3f}")
    if nist is None:
        print(f"{'sp80022suite, 1,000,000 bits':44s} {'-':>8s}  (not installed: pip install sp80022suite)")
    else:
        print(f"{'sp80022suite (sts C code), 1,000,000 bits':44s} {nist:8.3f}")
    print(f"{'run_battery, the same 125,000 bytes':44s} {battery_small:8.3f}")
    print(f"{'run_battery, 1 MiB (first 2^23 bits of e)':44s} {battery_mib:8.3f}   goal < 2 s")
    print("ratios:")
    print(f"  run_battery 125,000 B / run_suite        {battery_small / suite:6.2f}")
    print(f"  run_battery 1 MiB / run_suite            {battery_mib / suite:6.2f}")
    if nist is not None:
        print(f"  run_suite / sp80022suite                 {suite / nist:6.2f}")
        print(f"  run_battery 1 MiB / sp80022suite         {battery_mib / nist:6.2f}")
    print(f"battery verdict on 1 MiB of e: score {report.score:.1f}, grade {report.grade}, "
          f"{report.passed}/{len(report.results)} passed")
    for result in report.results:
        if not result.passed:
            print(f"  failed: {result.name} ({result.grade}): {result.details}")


if __name__ == "__main__":
    main()
