"""The 31-test battery: the table of tests, ``run_battery`` and the quality score.

``TESTS`` maps each upstream test name to its function, in upstream's order
(``run_all_tests`` in openentropy-tests src/lib.rs), read-only; ``CATEGORIES`` maps
each of the ten categories to its test names. Every test is a pure function of the
bytes; ``run_battery`` converts the input once (``Sample``) and hands the same view
to all 31.

Score (upstream ``calculate_quality_score``): the mean over all 31 results of the
grade points A = 100, B = 75, C = 50, D = 25, F = 0; tests that could not run count
as F. Overall grade (upstream CLI ``report``): A >= 80, B >= 60, C >= 40, D >= 20,
else F.

A test that raises anyway (a bug, not an input condition: short and degenerate
inputs are handled inside each test) becomes a failing, not-applicable result whose
details name the exception, as upstream's ``catch_unwind`` does; the battery always
returns 31 results. Input that is not bytes raises before any test runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Callable

from . import advanced, correlation, distribution, entropy, frequency, pattern, practical, runs, serial, spectral
from ..html_table import number, table, verdict
from .result import GRADE_POINTS, BatteryResult, as_sample

_MODULES = (frequency, runs, serial, spectral, entropy, correlation, distribution, pattern, advanced, practical)

_ORDER = (
    ("Monobit Frequency", frequency.monobit_frequency),
    ("Block Frequency", frequency.block_frequency),
    ("Byte Frequency", frequency.byte_frequency),
    ("Runs Test", runs.runs_test),
    ("Longest Run of Ones", runs.longest_run_of_ones),
    ("Serial Test", serial.serial_test),
    ("Approximate Entropy", serial.approximate_entropy),
    ("DFT Spectral", spectral.dft_spectral),
    ("Spectral Flatness", spectral.spectral_flatness),
    ("Shannon Entropy", entropy.shannon_entropy),
    ("Min-Entropy", entropy.min_entropy),
    ("Permutation Entropy", entropy.permutation_entropy),
    ("Compression Ratio", entropy.compression_ratio),
    ("Kolmogorov Complexity", entropy.kolmogorov_complexity),
    ("Autocorrelation", correlation.autocorrelation),
    ("Serial Correlation", correlation.serial_correlation),
    ("Lag-N Correlation", correlation.lag_n_correlation),
    ("Cross-Correlation", correlation.cross_correlation),
    ("Kolmogorov-Smirnov", distribution.ks_test),
    ("Anderson-Darling", distribution.anderson_darling),
    ("Overlapping Template", pattern.overlapping_template),
    ("Non-overlapping Template", pattern.non_overlapping_template),
    ("Maurer's Universal", pattern.maurers_universal),
    ("Binary Matrix Rank", advanced.binary_matrix_rank),
    ("Linear Complexity", advanced.linear_complexity),
    ("Cumulative Sums", advanced.cusum_test),
    ("Random Excursions", advanced.random_excursions),
    ("Birthday Spacing", advanced.birthday_spacing),
    ("Bit Avalanche", practical.bit_avalanche),
    ("Monte Carlo Pi", practical.monte_carlo_pi),
    ("Mean & Variance", practical.mean_variance),
)

#: Test name -> test function, in upstream's order (read-only).
TESTS: MappingProxyType[str, Callable[..., BatteryResult]] = MappingProxyType(dict(_ORDER))

#: Category -> its test names, in upstream's order (read-only).
CATEGORIES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        module.CATEGORY: tuple(name for name, test in _ORDER if test.__module__ == module.__name__)
        for module in _MODULES
    }
)

#: Lower score bound of each overall grade (upstream CLI report); below all: F.
SCORE_GRADES = ((80.0, "A"), (60.0, "B"), (40.0, "C"), (20.0, "D"))


def quality_score(results) -> float:
    """Mean grade points of ``results`` (0..100); 0 for no results."""
    results = list(results)
    if not results:
        return 0.0
    return sum(GRADE_POINTS[r.grade] for r in results) / len(results)


def grade_from_score(score: float) -> str:
    """Overall letter grade of a quality score (module docstring)."""
    return next((grade for low, grade in SCORE_GRADES if score >= low), "F")


@dataclass(frozen=True)
class BatteryReport:
    """The 31 results with the quality score, its grade and the verdict counts."""

    results: tuple[BatteryResult, ...]
    score: float
    grade: str
    passed: int

    @property
    def failed(self) -> int:
        """Tests that ran and failed (not counting those that could not run)."""
        return sum(1 for r in self.results if r.applicable and not r.passed)

    @property
    def not_applicable(self) -> int:
        """Tests that could not run (too little input, or an internal error)."""
        return sum(1 for r in self.results if not r.applicable)

    def result(self, name: str) -> BatteryResult:
        """The result of the test called ``name`` (an upstream name, a key of TESTS)."""
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no battery test named {name!r}; known: {', '.join(TESTS)}")

    def __repr__(self) -> str:
        return (
            f"<BatteryReport grade={self.grade} score={self.score:.1f} passed={self.passed} "
            f"failed={self.failed} not_applicable={self.not_applicable} of {len(self.results)}>"
        )

    def _repr_html_(self) -> str:
        summary = table(
            ["grade", "score", "passed", "failed", "not applicable"],
            [[verdict(self.failed == 0, yes=self.grade, no=self.grade), number(self.score, 1), self.passed,
              verdict(self.failed == 0, yes="0", no=str(self.failed)), self.not_applicable]],
            caption="statistical battery",
        )
        rows = [
            [r.name, r.category, verdict(r.passed if r.applicable else None), r.grade, number(r.p_value, 4),
             number(r.statistic, 4), r.details]
            for r in self.results
        ]
        return summary + table(["test", "category", "verdict", "grade", "P-value", "statistic", "details"], rows)


def _run_one(name: str, test: Callable[..., BatteryResult], sample) -> BatteryResult:
    try:
        return test(sample)
    except Exception as error:  # the battery never stops on one test (module doc)
        category = next(c for c, names in CATEGORIES.items() if name in names)
        details = f"test raised {type(error).__name__}: {error}"
        return BatteryResult(name, category, False, None, 0.0, "F", details, applicable=False)


def run_battery(data) -> BatteryReport:
    """All 31 tests on one byte sequence (bytes-like or a 1-D uint8 array)."""
    sample = as_sample(data)
    results = tuple(_run_one(name, test, sample) for name, test in TESTS.items())
    score = quality_score(results)
    return BatteryReport(results, score, grade_from_score(score), sum(1 for r in results if r.passed))
