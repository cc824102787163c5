"""NIST SP 800-22 rev1a: the 15 statistical tests with NIST's default parameters.

Each test takes a 1-D array of bits (uint8 0/1; ``unpack_bits`` unpacks bytes
MSB-first) and returns a frozen ``TestResult``; P-values agree with NIST's reference
implementation sts-2.1.2 (checked to 1e-6 on a million bits of e in the tests).
``run_suite`` runs all 15; ``analyse`` is the multi-sequence report of section 4.2.

Modules: result (the result type, bit input), frequency, runs, matrix (rank),
spectral (DFT), templates, entropy_tests (approximate entropy, serial, universal),
excursions, complexity (linear complexity), windows (m-bit pattern counting), suite,
analysis.
"""

from .analysis import PValueSummary, acceptable_range, analyse, summarise, uniformity
from .complexity import linear_complexity
from .entropy_tests import approximate_entropy, serial, universal
from .excursions import random_excursions, random_excursions_variant
from .frequency import block_frequency, cumulative_sums, frequency
from .matrix import rank
from .result import ALPHA, TestResult, as_bits, unpack_bits
from .runs import longest_run_of_ones, runs
from .spectral import discrete_fourier_transform
from .suite import TESTS, run_suite
from .templates import aperiodic_templates, non_overlapping_template_matching, overlapping_template_matching

__all__ = [
    "ALPHA",
    "PValueSummary",
    "TESTS",
    "TestResult",
    "acceptable_range",
    "analyse",
    "aperiodic_templates",
    "approximate_entropy",
    "as_bits",
    "block_frequency",
    "cumulative_sums",
    "discrete_fourier_transform",
    "frequency",
    "linear_complexity",
    "longest_run_of_ones",
    "non_overlapping_template_matching",
    "overlapping_template_matching",
    "random_excursions",
    "random_excursions_variant",
    "rank",
    "run_suite",
    "runs",
    "serial",
    "summarise",
    "uniformity",
    "universal",
    "unpack_bits",
]
