"""Run all 15 SP 800-22 rev1a tests with sts-2.1.2's default parameters.

Order and parameters are those of sts's "assess" with every test selected:
frequency, block frequency (M=128), cumulative sums, runs, longest run, rank, DFT,
non-overlapping templates (m=9), overlapping template (m=9), universal, approximate
entropy (m=10), random excursions, random excursions variant, serial (m=16), linear
complexity (M=500). The input is checked and converted once.
"""

from __future__ import annotations

from .complexity import linear_complexity
from .entropy_tests import approximate_entropy, serial, universal
from .excursions import random_excursions, random_excursions_variant
from .frequency import block_frequency, cumulative_sums, frequency
from .matrix import rank
from .result import TestResult, as_bits
from .runs import longest_run_of_ones, runs
from .spectral import discrete_fourier_transform
from .templates import non_overlapping_template_matching, overlapping_template_matching

#: The tests in sts's order, each taking bits and using sts's defaults.
TESTS = (
    frequency,
    block_frequency,
    cumulative_sums,
    runs,
    longest_run_of_ones,
    rank,
    discrete_fourier_transform,
    non_overlapping_template_matching,
    overlapping_template_matching,
    universal,
    approximate_entropy,
    random_excursions,
    random_excursions_variant,
    serial,
    linear_complexity,
)


def run_suite(bits) -> list[TestResult]:
    """All 15 tests on one sequence of bits (``unpack_bits`` for packed bytes)."""
    eps = as_bits(bits)
    return [test(eps) for test in TESTS]
