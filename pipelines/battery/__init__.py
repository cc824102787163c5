"""The openentropy battery: 31 statistical tests in ten categories, upstream's names.

A Python implementation of the design of openentropy-tests (src/lib.rs of the Rust
openentropy project): frequency, runs, serial, spectral, entropy, correlation,
distribution, pattern, advanced and practical tests on a byte sequence, each
returning a frozen ``BatteryResult`` (name, category, passed, p_value or None,
statistic, grade A-F, details), and ``run_battery`` with upstream's quality score.
Where a test is an SP 800-22 statistic it is computed by ``pipelines.sp80022``.
Each module's docstring lists where and why a test departs from upstream's code
(mostly miscalibrated null distributions that fail or under-grade ideal data).

Modules: result (result type, input, grades), one module per category (frequency,
runs, serial, spectral, entropy, correlation, distribution, pattern, advanced,
practical), suite (TESTS, CATEGORIES, run_battery, the score).
"""

from .result import ALPHA, BatteryResult, Sample, as_sample, grade_from_p
from .suite import CATEGORIES, TESTS, BatteryReport, grade_from_score, quality_score, run_battery

__all__ = [
    "ALPHA",
    "BatteryReport",
    "BatteryResult",
    "CATEGORIES",
    "Sample",
    "TESTS",
    "as_sample",
    "grade_from_p",
    "grade_from_score",
    "quality_score",
    "run_battery",
]
