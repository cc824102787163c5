"""What every battery test returns, the input it reads, and the letter grades.

A battery test maps bytes to one frozen ``BatteryResult``: the upstream name of the
test, its category, a verdict, a P-value when the test has one (``None`` when it
grades a measured quantity against thresholds instead), the statistic, a letter
grade A-F and a line of details.

Grades (upstream openentropy-tests ``TestResult::grade_from_p``): A for P >= 0.1,
B for P >= 0.01, C for P >= 0.001, D for P >= 0.0001, F below or without a P-value.
A P-value test passes when P >= 0.01 (``pass_from_p`` with upstream's threshold).
Threshold tests state their own cut-offs next to their code.

Too little input: a test that cannot run returns ``applicable=False``, ``passed=False``,
grade F, no P-value, statistic 0 and details "insufficient data: need ..., got ...",
as upstream's ``insufficient`` does (no evidence earns no credit in the score). It
never raises for short or degenerate input, only for input that is not bytes.

Input: bytes-like or a 1-D uint8 array, read as a byte sequence; bit tests unpack it
most significant bit first (upstream ``to_bits`` and sts's binary reader). ``Sample``
holds both views, the bits unpacked once, so that ``run_battery`` converts once and
every test still is a pure function of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Significance level of every P-value test (upstream ``pass_from_p(p, 0.01)``).
ALPHA = 0.01

#: Lower P-value bound of each grade (upstream ``grade_from_p``); below all: F.
P_GRADES = ((0.1, "A"), (0.01, "B"), (0.001, "C"), (0.0001, "D"))

#: Points per grade in the quality score (upstream ``calculate_quality_score``).
GRADE_POINTS = {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0, "F": 0.0}


@dataclass(frozen=True)
class BatteryResult:
    """The outcome of one battery test on one byte sequence (see module docstring)."""

    name: str
    category: str
    passed: bool
    p_value: float | None
    statistic: float
    grade: str
    details: str
    applicable: bool = True

    def __post_init__(self) -> None:
        if self.grade not in GRADE_POINTS:
            raise ValueError(f"{self.name}: grade must be one of A, B, C, D, F, got {self.grade!r}")


@dataclass(frozen=True)
class Sample:
    """A byte sequence with its bit view, unpacked on first use (MSB first)."""

    bytes: np.ndarray

    @cached_property
    def bits(self) -> np.ndarray:
        return np.unpackbits(self.bytes)

    @cached_property
    def floats(self) -> np.ndarray:
        """The bytes as float64 values 0..255 (the byte-valued tests' series)."""
        return self.bytes.astype(np.float64)


def as_sample(data) -> Sample:
    """``data`` as a Sample: bytes-like, a 1-D uint8 array, or a Sample (returned as is)."""
    if isinstance(data, Sample):
        return data
    if isinstance(data, np.ndarray):
        if data.dtype != np.uint8 or data.ndim != 1:
            raise ValueError(
                f"battery input must be bytes or a 1-D uint8 array, got {data.dtype} of shape {data.shape}"
            )
        return Sample(data)
    if isinstance(data, (bytes, bytearray, memoryview)):
        return Sample(np.frombuffer(bytes(data), dtype=np.uint8))
    raise TypeError(f"battery input must be bytes or a 1-D uint8 array, got {type(data).__name__}")


def grade_from_p(p: float | None) -> str:
    """Upstream's letter grade for a P-value (module docstring); F for None or NaN."""
    if p is None or not p == p:
        return "F"
    for low, grade in P_GRADES:
        if p >= low:
            return grade
    return "F"


def grade_from_thresholds(value: float, cuts: tuple[float, float, float, float]) -> str:
    """A for value > cuts[0], B > cuts[1], C > cuts[2], D > cuts[3], else F."""
    for cut, grade in zip(cuts, "ABCD"):
        if value > cut:
            return grade
    return "F"


def from_p(name: str, category: str, p: float, statistic: float, details: str) -> BatteryResult:
    """A P-value result: passes when P >= ALPHA, graded by ``grade_from_p``."""
    p = float(min(max(p, 0.0), 1.0))
    return BatteryResult(name, category, p >= ALPHA, p, float(statistic), grade_from_p(p), details)


def measured(name: str, category: str, passed: bool, statistic: float, grade: str, details: str) -> BatteryResult:
    """A threshold result: no P-value, verdict and grade from the test's cut-offs."""
    return BatteryResult(name, category, bool(passed), None, float(statistic), grade, details)


def insufficient(name: str, category: str, needed: int, got: int, unit: str) -> BatteryResult:
    """The result of a test given too little input (module docstring)."""
    return BatteryResult(
        name, category, False, None, 0.0, "F", f"insufficient data: need {needed} {unit}, got {got}", applicable=False
    )


def degenerate(name: str, category: str, statistic: float, details: str) -> BatteryResult:
    """A failing result for input the statistic cannot be formed on (e.g. zero variance)."""
    return BatteryResult(name, category, False, None, float(statistic), "F", details)
