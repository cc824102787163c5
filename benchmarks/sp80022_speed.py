"""Time the SP 800-22 suite on a million bits of e, beside NIST's C code if installed.

    python benchmarks/sp80022_speed.py [--runs 3] [--input e.bin] [--no-native]

Input: e.bin, the first 1,000,000 bits of e packed MSB-first; by default regenerated
with make_inputs.py from the shared reference folder (../shared/reference/nist beside
the repository root, or beside the main checkout when run from a git worktree).
Prints per-test and total seconds of ``run_suite`` (median of --runs). When the PyPI
package ``sp80022suite`` (sts-2.1.2's C code behind a Python module; not a project
dependency) is importable, times its 15 functions on the same bits the same way. It
reads templates/template9 from the working directory, so this script writes that file
(sts's 148 aperiodic templates, from ``aperiodic_templates``) into a temporary folder
and runs it there. The machine is shared and noisy: medians, not means.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import tempfile
import time
from pathlib import Path

from openentropy.pipelines.sp80022 import TESTS, aperiodic_templates, run_suite, unpack_bits
from openentropy.sources import _native

ROOT = Path(__file__).resolve().parents[1]

#: sp80022suite's function and sts's default arguments for each of our tests, in order.
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


def reference_folder() -> Path:
    roots = [ROOT]
    dot_git = ROOT / ".git"
    if dot_git.is_file() and dot_git.read_text().startswith("gitdir:"):
        roots.append(Path(dot_git.read_text().split(":", 1)[1].strip()).parent.parent.parent)
    for root in roots:
        folder = root.parent / "shared" / "reference" / "nist"
        if (folder / "make_inputs.py").is_file():
            return folder
    raise SystemExit("make_inputs.py not found beside the repository; pass --input e.bin")


def e_bytes(path: str | None) -> bytes:
    if path:
        return Path(path).read_bytes()
    script = reference_folder() / "make_inputs.py"
    spec = importlib.util.spec_from_file_location("nist_make_inputs", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.gen_e()


def median_times(calls, runs: int) -> list[float]:
    """Median seconds of each zero-argument callable over ``runs`` rounds."""
    samples = [[] for _ in calls]
    for _ in range(runs):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            call()
            samples[i].append(time.perf_counter() - start)
    return [statistics.median(s) for s in samples]


def time_nist(bits, runs: int) -> list[float] | None:
    try:
        import sp80022suite
    except ImportError:
        return None
    raw = bits.tobytes()  # one byte (0 or 1) per bit, as sp80022suite takes them
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "templates").mkdir()
        (Path(folder) / "templates" / "template9").write_text("".join(" ".join(t) + "\n" for t in aperiodic_templates(9)))
        os.chdir(folder)
        try:
            calls = [lambda f=getattr(sp80022suite, name), a=args: f(*a, raw) for name, args in NIST_CALLS]
            return median_times(calls, runs)
        finally:
            os.chdir(here)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--input", help="e.bin (default: regenerate with make_inputs.py)")
    parser.add_argument("--no-native", action="store_true", help="time the numpy Berlekamp-Massey")
    args = parser.parse_args()
    if args.no_native:
        _native.AVAILABLE = False
    bits = unpack_bits(e_bytes(args.input))
    ours = median_times([lambda t=t: t(bits) for t in TESTS], args.runs)
    (suite,) = median_times([lambda: run_suite(bits)], args.runs)
    nist = time_nist(bits, args.runs)
    backend = "native" if _native.AVAILABLE else "numpy"
    print(f"{bits.size} bits, median of {args.runs}; Berlekamp-Massey: {backend}")
    print(f"{'test':34s} {'openentropy s':>14s} {'sp80022suite s':>15s}")
    for i, (test, ours_s) in enumerate(zip(TESTS, ours)):
        theirs = f"{nist[i]:15.3f}" if nist else f"{'-':>15s}"
        print(f"{test.__name__:34s} {ours_s:14.3f} {theirs}")
    total_nist = f"{sum(nist):15.3f}" if nist else f"{'not installed':>15s}"
    print(f"{'total (sum of medians)':34s} {sum(ours):14.3f} {total_nist}")
    print(f"{'run_suite (median)':34s} {suite:14.3f}")


if __name__ == "__main__":
    main()
