"""What every SP 800-22 test returns, and the input checks they share.

A test maps a bit sequence to one ``TestResult``: the sts name of the test, its
P-value(s) with sts's labels, the statistics behind them, and a verdict. A test that
cannot run on the input (too few bits, too few random-excursion cycles) returns a
result with ``applicable=False``, no P-values, ``passed=None`` and the reason; it
never raises for a short or degenerate sequence, only for input that is not bits.

Bits are ``uint8`` values 0 or 1, one per element, in sequence order. ``unpack_bits``
turns bytes into such an array MSB-first, the order sts reads binary files in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np

from ..html_table import number, table, verdict

#: Significance level of SP 800-22 rev1a section 4.2.1 and sts's ALPHA (defs.h).
ALPHA = 0.01


@dataclass(frozen=True)
class TestResult:
    """The outcome of one test on one sequence.

    ``name`` is sts's name for the test (its experiments/ folder, e.g. ``"FFT"``).
    ``p_values`` and ``labels`` run in sts's order (``labels`` is ``("",)`` for a
    single P-value). ``passed`` is True when every P-value is >= ``alpha``, False
    when one is below, and None when the test was not applicable (see ``reason``).
    """

    __test__ = False  # not a pytest test class despite the name

    name: str
    p_values: tuple[float, ...]
    labels: tuple[str, ...]
    statistics: Mapping[str, float]
    applicable: bool = True
    reason: str = ""
    alpha: float = ALPHA
    passed: bool | None = field(init=False)

    def __post_init__(self) -> None:
        if len(self.p_values) != len(self.labels):
            raise ValueError(f"{self.name}: {len(self.p_values)} P-values but {len(self.labels)} labels")
        object.__setattr__(self, "statistics", MappingProxyType(dict(self.statistics)))
        verdict = all(p >= self.alpha for p in self.p_values) if self.applicable else None
        object.__setattr__(self, "passed", verdict)

    def p_value(self, label: str = "") -> float:
        """The P-value with this label (sts's label, e.g. ``"reverse"`` or ``"x=-1"``)."""
        try:
            return self.p_values[self.labels.index(label)]
        except ValueError:
            raise KeyError(f"{self.name} has no P-value labelled {label!r}; labels: {', '.join(self.labels)}") from None

    def _repr_html_(self) -> str:
        rows = [[label, verdict(p >= self.alpha), number(p, 6)] for label, p in zip(self.labels, self.p_values)]
        if not self.applicable:
            rows = [["", verdict(None), self.reason]]
        return table(["variant", "verdict", "P-value"], rows, caption=f"SP 800-22 {self.name} (alpha {self.alpha})")


def make_result(name: str, p_values, labels=("",), **statistics: float) -> TestResult:
    """An applicable result; P-values and statistics become plain floats."""
    return TestResult(
        name=name,
        p_values=tuple(float(p) for p in p_values),
        labels=tuple(labels),
        statistics={k: float(v) for k, v in statistics.items()},
    )


def not_applicable(name: str, reason: str, **statistics: float) -> TestResult:
    """A result for an input the test cannot judge; ``reason`` says why."""
    return TestResult(
        name=name,
        p_values=(),
        labels=(),
        statistics={k: float(v) for k, v in statistics.items()},
        applicable=False,
        reason=reason,
    )


def unpack_bits(data: bytes | bytearray | memoryview | np.ndarray) -> np.ndarray:
    """Bytes to bits, most significant bit of each byte first (sts's binary reader)."""
    if isinstance(data, np.ndarray):
        if data.dtype != np.uint8:
            raise ValueError(f"unpack_bits takes bytes or a uint8 array, got dtype {data.dtype}")
        return np.unpackbits(data.ravel())
    return np.unpackbits(np.frombuffer(bytes(data), dtype=np.uint8))


def as_bits(bits) -> np.ndarray:
    """Check and return ``bits`` as a 1-D ``uint8`` array of 0s and 1s.

    Accepts any 1-D integer or boolean array-like. Raises ValueError naming the
    problem for anything else (use ``unpack_bits`` for packed bytes).
    """
    array = np.asarray(bits)
    if array.ndim != 1:
        raise ValueError(f"bits must be a 1-D array, got shape {array.shape}")
    if array.dtype == np.bool_:
        return array.astype(np.uint8)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"bits must be integers 0 or 1, got dtype {array.dtype}")
    if array.size == 0:
        return np.zeros(0, dtype=np.uint8)
    low, high = int(array.min()), int(array.max())
    if low < 0 or high > 1:
        bad = low if low < 0 else high
        raise ValueError(f"bits must be 0 or 1, found the value {bad}; for packed bytes use unpack_bits()")
    return array.astype(np.uint8, copy=False)
